"""Reads of challenges for pages and exports. Each returns a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.challenges.stages import PUBLIC_STAGES, WINDOWS, Stage
from retos.core import rules


@dataclass
class ChallengeFilters:
    q: str = ""
    stage: str = ""
    body: str = ""
    level: str = ""
    state: str = ""
    category: str = ""


def challenge_list(filters: ChallengeFilters, now=None):
    """Public challenges matching ``filters``, newest first, with what a list row shows."""
    now = now or timezone.now()
    qs = Challenge.objects.public().with_timeline(now).select_related("body", "body__state")
    if filters.stage:
        qs = qs.in_stage(filters.stage, now)
    if filters.body:
        qs = qs.filter(body__slug=filters.body)
    if filters.level:
        qs = qs.filter(body__level=filters.level)
    if filters.state:
        qs = qs.filter(body__state_id=filters.state)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.q:
        for word in filters.q.split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(problem_statement__icontains=word)
                | Q(body__name__icontains=word)
                | Q(body__acronym__icontains=word)
            )
    return qs


def challenge_for_view(user, slug: str) -> Challenge:
    """The challenge, if ``user`` may see it; the same 404 whether missing or not visible."""
    try:
        challenge = (
            Challenge.objects.with_timeline().select_related("body", "body__state").get(slug=slug)
        )
    except Challenge.DoesNotExist:
        raise Http404 from None
    if not rules.can(user, "challenge:view", challenge):
        raise Http404
    return challenge


def headline_figures(now=None) -> dict:
    """The figures on the home page, in one query."""
    now = now or timezone.now()
    return Challenge.objects.public(now).aggregate(
        challenges=Count("id"),
        open_now=Count("id", filter=WINDOWS["submissions"].q(now)),
        bodies=Count("body", distinct=True),
        amount_published=Sum("amount"),
        completed=Count("id", filter=Q(stage=Stage.COMPLETED)),
    )


def open_challenges(limit: int = 6, now=None):
    now = now or timezone.now()
    return (
        Challenge.objects.window_open("submissions", now)
        .with_timeline(now)
        .select_related("body", "body__state")
        .order_by("submissions_close_at")[:limit]
    )


def stage_counts(now=None) -> dict[str, int]:
    """Public challenges per current stage, in one query."""
    now = now or timezone.now()
    rows = (
        Challenge.objects.public(now)
        .with_timeline(now)
        .values("stage_now")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {s.value: 0 for s in PUBLIC_STAGES}
    for row in rows:
        counts[row["stage_now"]] = row["n"]
    return counts
