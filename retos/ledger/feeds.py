"""The ledger's head at the end of each day, as an Atom feed.

Whoever subscribes keeps copies of past heads (sequence number and hash): if an event were ever
changed or removed, the published ledger would no longer lead to the head they kept.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from retos.ledger import selectors


class LedgerHeadFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        # The tag URIs of the entries name the site they come from (without a port).
        self.host = request.get_host().rsplit(":", 1)[0] if request else "localhost"
        return None

    def items(self, obj):
        return selectors.daily_heads()

    def title(self, obj):
        return _("Retos: ledger head by day")

    def subtitle(self, obj):
        return _(
            "The last event of the Retos ledger at the end of each day (UTC), with its hash. "
            "Keep copies: they let anyone prove later that the ledger was not changed."
        )

    def link(self, obj):
        return reverse("ledger:transparency")

    def feed_url(self, obj):
        return reverse("ledger_head_feed")

    def item_title(self, item):
        return _("Ledger head on %(day)s: event %(sequence)s") % {
            "day": item.day.isoformat(),
            "sequence": item.sequence,
        }

    def item_description(self, item):
        return _("Day %(day)s (UTC). Last event: %(sequence)s. Its SHA-256 hash: %(hash)s") % {
            "day": item.day.isoformat(),
            "sequence": item.sequence,
            "hash": item.hash,
        }

    def item_link(self, item):
        # The ledger from this event on: its first line is the head itself.
        return f"{reverse('ledger_jsonl')}?after={item.sequence - 1}"

    def item_guid(self, item):
        return f"tag:{self.host},{item.day.isoformat()}:ledger-head-{item.sequence}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.occurred_at

    def item_updateddate(self, item):
        return item.occurred_at
