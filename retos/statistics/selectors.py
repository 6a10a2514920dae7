"""The public statistics, read in a fixed number of queries whatever the data size.

Only public challenges count (``ChallengeQuerySet.public``; drafts and challenges in review
never do), each in its *current* stage (``with_timeline``). Proposals are counted only from
published opening acts: before a challenge's opening act nothing about its proposals (not even
whether there are any) is read here, so nothing can show.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.challenges.stages import PUBLIC_STAGES
from retos.organizations.mexico import SmeSize
from retos.organizations.models import Level, Organization, State

TOP_BODIES = 10


@dataclass
class Filters:
    year: int | None = None
    level: str = ""
    state: State | None = None


@dataclass
class Statistics:
    total: int = 0
    by_stage: list[tuple[str, int]] = field(default_factory=list)
    by_body: list[tuple[str, int]] = field(default_factory=list)
    by_level: list[tuple[str, int]] = field(default_factory=list)
    by_state: list[tuple[str, int]] = field(default_factory=list)
    funnel: list[tuple[str, int]] = field(default_factory=list)
    # (challenge, proposals counted in its opening act), only for opened challenges.
    proposals: list[tuple[Challenge, int]] = field(default_factory=list)
    proposals_total: int = 0
    sme: list[tuple[str, int]] = field(default_factory=list)
    bidder_states: list[tuple[str, int]] = field(default_factory=list)
    amounts: list[tuple[int, Decimal, int]] = field(default_factory=list)  # year, sum, count
    # (challenge, days from publication to the opening act)
    days_to_opening: list[tuple[Challenge, int]] = field(default_factory=list)
    days_median: float | None = None


def filter_choices(now=None) -> tuple[list[int], list[State]]:
    """The years in which public challenges were published, and the states (two queries)."""
    now = now or timezone.now()
    years = sorted(
        {d.year for d in Challenge.objects.public(now).dates("published_at", "year")},
        reverse=True,
    )
    return years, list(State.objects.order_by("name"))


def public_statistics(filters: Filters, now=None) -> Statistics:
    now = now or timezone.now()
    challenges = Challenge.objects.public(now).with_timeline(now)
    if filters.year:
        challenges = challenges.filter(published_at__year=filters.year)
    if filters.level:
        challenges = challenges.filter(body__level=filters.level)
    if filters.state:
        challenges = challenges.filter(body__state=filters.state)
    rows = list(
        challenges.select_related("body__state", "opening_act").order_by("published_at", "id")
    )
    stats = Statistics(total=len(rows))

    stages = Counter(c.current_stage for c in rows)
    stats.by_stage = [(str(s.label), stages[s]) for s in PUBLIC_STAGES if stages[s]]

    bodies = Counter(c.body.name for c in rows)
    ranked = sorted(bodies.items(), key=lambda item: (-item[1], item[0]))
    stats.by_body = ranked[:TOP_BODIES]
    others = sum(n for _name, n in ranked[TOP_BODIES:])
    if others:
        stats.by_body.append(
            (_("Other bodies (%(count)s)") % {"count": len(ranked) - TOP_BODIES}, others)
        )

    levels = Counter(c.body.level for c in rows)
    stats.by_level = [(str(lv.label), levels[lv.value]) for lv in Level]

    states = Counter(str(c.body.state) if c.body.state else "" for c in rows)
    stats.by_state = sorted(
        ((name or _("Federal (no state)"), n) for name, n in states.items()),
        key=lambda item: (-item[1], item[0]),
    )

    # Opening acts are public once opened; an act still waiting for its second officer is not.
    opened = []
    for c in rows:
        act = getattr(c, "opening_act", None) if _has_act(c) else None
        if act is not None and act.opened_at is not None:
            opened.append((c, act))

    deadline_passed = sum(
        1 for c in rows if c.submissions_close_at and c.submissions_close_at <= now
    )
    stats.funnel = [
        (_("Published"), len(rows)),
        (_("Submission deadline passed"), deadline_passed),
        (_("Proposals opened (opening act published)"), len(opened)),
    ]

    stats.proposals = [(c, act.proposals_count or 0) for c, act in opened]
    stats.proposals_total = sum(n for _c, n in stats.proposals)

    rfcs = {entry.get("rfc") for _c, act in opened for entry in act.entries}
    companies = {
        org.rfc: org
        for org in Organization.objects.companies()
        .filter(rfc__in=[r for r in rfcs if r])
        .select_related("state")
    }
    sizes: Counter = Counter()
    bidder_states: Counter = Counter()
    for _c, act in opened:
        for entry in act.entries:
            company = companies.get(entry.get("rfc"))
            size = company.sme_size if company else None
            sizes[size.value if size else ""] += 1
            bidder_states[str(company.state) if company and company.state else ""] += 1
    stats.sme = [(str(s.label), sizes[s.value]) for s in SmeSize]
    if sizes[""]:
        stats.sme.append((_("Size not known"), sizes[""]))
    stats.bidder_states = sorted(
        ((name or _("State not known"), n) for name, n in bidder_states.items()),
        key=lambda item: (-item[1], item[0]),
    )

    amounts: dict[int, list] = defaultdict(lambda: [Decimal(0), 0])
    for c in rows:
        if c.amount is not None and c.published_at is not None:
            year = timezone.localtime(c.published_at).year
            amounts[year][0] += c.amount
            amounts[year][1] += 1
    stats.amounts = [(year, total, n) for year, (total, n) in sorted(amounts.items())]

    stats.days_to_opening = [
        (c, (act.opened_at - c.published_at).days) for c, act in opened if c.published_at
    ]
    if stats.days_to_opening:
        stats.days_median = median(d for _c, d in stats.days_to_opening)
    return stats


def _has_act(challenge: Challenge) -> bool:
    try:
        challenge.opening_act  # noqa: B018 (select_related filled it, or raises)
    except Challenge.opening_act.RelatedObjectDoesNotExist:
        return False
    return True


__all__ = ["Filters", "Statistics", "filter_choices", "public_statistics"]
