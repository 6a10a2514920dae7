"""Reads for the drafting pages. Each page's queries are here, and each is bounded."""

from __future__ import annotations

import copy

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from retos.challenges.models import Challenge, ReviewComment
from retos.challenges.stages import Stage, scheduled_q, stage_at
from retos.core import rules
from retos.organizations.models import Membership, Organization, Role

DRAFTING_ROLES = [Role.OFFICIAL, Role.APPROVER]


def _bodies_where_drafting(user):
    if not user.is_authenticated:
        return Organization.objects.none()
    return (
        Organization.objects.government()
        .filter(
            pk__in=Membership.objects.filter(user=user, role__in=DRAFTING_ROLES).values(
                "organization_id"
            )
        )
        .order_by("name")
    )


def bodies_for_drafting(user) -> list[Organization]:
    """The bodies in whose name ``user`` may start a challenge (one query)."""
    return [b for b in _bodies_where_drafting(user) if rules.can(user, "drafting:start", b)]


def bodies_awaiting_verification(user) -> list[Organization]:
    """Bodies where ``user`` drafts, still waiting for platform staff to verify them."""
    return list(_bodies_where_drafting(user).filter(verified_at__isnull=True))


def body_for_drafting(user, pk) -> Organization:
    """The body, if ``user`` may start a challenge for it; the same 404 otherwise."""
    try:
        body = Organization.objects.government().get(pk=int(pk))
    except (Organization.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if not rules.can(user, "drafting:start", body):
        raise Http404
    return body


def challenge_for(user, slug: str, permission: str, *, now=None) -> Challenge:
    """The challenge with its criteria, if ``user`` holds ``permission`` on it; the same 404
    whether it is missing or forbidden."""
    try:
        challenge = (
            Challenge.objects.with_timeline(now)
            .select_related("body", "body__state")
            .prefetch_related("criteria")
            .get(slug=slug)
        )
    except Challenge.DoesNotExist:
        raise Http404 from None
    if not rules.can(user, permission, challenge):
        raise Http404
    return challenge


def review_conversation(challenge: Challenge) -> list[ReviewComment]:
    """The review comments, oldest first, with their authors (one query)."""
    return list(challenge.review_comments.select_related("author").order_by("created_at", "id"))


def my_challenges(user, now=None) -> dict[str, list[Challenge]]:
    """The challenges of the bodies ``user`` belongs to, grouped by where they stand:
    ``drafts``, ``in_review`` (scheduled ones included) and ``public`` (published and later,
    or ended). One query."""
    now = now or timezone.now()
    rows = (
        Challenge.objects.filter(
            body_id__in=Membership.objects.filter(user=user).values("organization_id")
        )
        .with_timeline(now)
        .select_related("body")
        .order_by("-created_at", "-id")
    )
    groups: dict[str, list[Challenge]] = {"drafts": [], "in_review": [], "public": []}
    for challenge in rows:
        stage = challenge.stage_now
        if stage == Stage.DRAFT:
            groups["drafts"].append(challenge)
        elif stage == Stage.IN_REVIEW:
            groups["in_review"].append(challenge)
        else:
            groups["public"].append(challenge)
    return groups


def review_queue(now=None):
    """Challenges waiting for platform review, the longest-waiting first (one query)."""
    now = now or timezone.now()
    return (
        Challenge.objects.filter(stage=Stage.IN_REVIEW)
        .with_timeline(now)
        .select_related("body")
        .annotate(comments=Count("review_comments"))
        .order_by("in_review_at", "id")
    )


def scheduled_publications(now=None):
    """Challenges approved for a publication time still ahead, the soonest first."""
    now = now or timezone.now()
    return (
        Challenge.objects.filter(scheduled_q(now))
        .with_timeline(now)
        .select_related("body")
        .order_by("published_at", "id")
    )


def as_published(challenge: Challenge, publish_at=None) -> Challenge:
    """A copy of ``challenge`` as the public will see it once published at ``publish_at``
    (now by default, or its scheduled time), for the preview. Nothing is saved.

    Its stage and windows are worked out by the same rules as any challenge's
    (``stages.stage_at`` and ``Challenge.window_open``), as of that moment."""
    now = timezone.now()
    if publish_at is None:
        publish_at = (
            challenge.published_at
            if challenge.stage == Stage.PUBLISHED and challenge.published_at
            else now
        )
    at = max(publish_at, now)
    shown = copy.copy(challenge)
    shown.stage = Stage.PUBLISHED
    shown.published_at = publish_at
    shown.questions_pending = False  # nobody can have asked a question yet
    shown.stage_now = stage_at(shown, at).value
    shown.questions_open = shown.window_open("questions", at)
    shown.submissions_open = shown.window_open("submissions", at)
    return shown


def changes_requested(challenge: Challenge, conversation: list[ReviewComment]):
    """The latest request for changes, if the draft came back from review with one."""
    if challenge.stage != Stage.DRAFT or challenge.changes_requested_at is None:
        return None
    requests = [c for c in conversation if c.requests_changes]
    return requests[-1] if requests else None
