"""Atom feeds of newly published challenges: all, per government body, per state.

Only public challenges (a scheduled publication appears from its publication time), newest
publication first. Links are absolute, on the host the feed was requested from, in the
language of the feed's address (``/en/…`` for English).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.organizations.models import Organization, State

#: Entries per feed: readers poll often, so the newest fifty are plenty.
FEED_SIZE = 50


class ChallengeFeed(Feed):
    """Every newly published challenge."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return None

    def challenges(self, obj):
        return Challenge.objects.public()

    def items(self, obj):
        return (
            self.challenges(obj)
            .select_related("body", "body__state")
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def title(self, obj):
        return _("Retos: new challenges")

    def subtitle(self, obj):
        return _("Challenges published on Retos, newest first.")

    def link(self, obj):
        return reverse("challenges:list")

    def feed_url(self, obj):
        return reverse("notifications:feed")

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.body.name

    def item_author_link(self, item):
        return item.body.get_absolute_url()

    def item_categories(self, item):
        return [item.get_category_display()]


class BodyChallengeFeed(ChallengeFeed):
    """The challenges one government body published."""

    def get_object(self, request, slug):
        return get_object_or_404(Organization.objects.government(), slug=slug)

    def challenges(self, obj):
        return Challenge.objects.public().filter(body=obj)

    def title(self, obj):
        return _("Retos: new challenges from %(body)s") % {"body": obj.name}

    def subtitle(self, obj):
        return _("Challenges %(body)s published on Retos, newest first.") % {"body": obj.name}

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("notifications:body_feed", kwargs={"slug": obj.slug})


class StateChallengeFeed(ChallengeFeed):
    """The challenges of the state's own government and of its municipalities."""

    def get_object(self, request, code):
        return get_object_or_404(State, code=code)

    def challenges(self, obj):
        return Challenge.objects.public().filter(body__state=obj)

    def title(self, obj):
        return _("Retos: new challenges in %(state)s") % {"state": obj.name}

    def subtitle(self, obj):
        return _(
            "Challenges published on Retos by the government of %(state)s and its "
            "municipalities, newest first."
        ) % {"state": obj.name}

    def link(self, obj):
        return reverse("challenges:list") + f"?state={obj.code}"

    def feed_url(self, obj):
        return reverse("notifications:state_feed", kwargs={"code": obj.code})
