"""The public statistics, read in a fixed number of queries whatever the data size.

Only public challenges count (``ChallengeQuerySet.public``; drafts and challenges in review
never do), each in its *current* stage (``with_timeline``). Proposals are counted only from
published opening acts: before a challenge's opening act nothing about its proposals (not even
whether there are any) is read here, so nothing can show.

What follows the opening act counts once it is public, and only while it stands: finalists
from the finalist selection in force (published when confirmed), winners from the decision in
force (``Decision.objects.in_force()``), awards resting on that decision, deliveries the agency
accepted, and the catalog's reuse reports. All of it is read as annotations of the one query
over the challenges (subqueries), so the number of queries does not grow with the data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.challenges.stages import PUBLIC_STAGES
from retos.contracts.models import Delivery, DeliveryStatus, Reuse
from retos.decisions.models import Decision, Outcome
from retos.evaluation.models import Finalist
from retos.organizations.mexico import SmeSize
from retos.organizations.models import Level, Organization, State

TOP_BODIES = 10


@dataclass
class Filters:
    year: int | None = None
    level: str = ""
    state: State | None = None


@dataclass(frozen=True)
class AmountRow:
    """The challenges published in a year: their contract amounts, and what was awarded."""

    year: int
    published: Decimal
    challenges: int
    awarded: Decimal
    awards: int


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
    amounts: list[AmountRow] = field(default_factory=list)
    # (challenge, days from publication to the opening act)
    days_to_opening: list[tuple[Challenge, int]] = field(default_factory=list)
    days_median: float | None = None
    # (challenge, days from publication to the award date), for the awarded challenges.
    days_to_award: list[tuple[Challenge, int]] = field(default_factory=list)
    days_to_award_median: float | None = None
    # Proposals → finalists → winners → delivered → reused (tools a body reports reusing).
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    reuse_reports: int = 0


def filter_choices(now=None) -> tuple[list[int], list[State]]:
    """The years in which public challenges were published, and the states (two queries)."""
    now = now or timezone.now()
    years = sorted(
        {d.year for d in Challenge.objects.public(now).dates("published_at", "year")},
        reverse=True,
    )
    return years, list(State.objects.order_by("name"))


def _count(queryset, group: str):
    rows = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _with_outcomes(challenges, now):
    """Annotate what follows the opening act, each only once public: ``confirmed_finalists`` (the
    selection in force), ``has_winner`` (a decision in force naming a winner), ``delivered``
    (a final delivery accepted), ``reuses_count`` (reuse reports of its catalog entry)."""
    finalists = Finalist.objects.filter(
        selection__challenge=OuterRef("pk"), selection__voided_at__isnull=True
    )
    winner = Decision.objects.in_force().filter(
        challenge=OuterRef("pk"), outcome=Outcome.WINNER, published_at__lte=now
    )
    delivered = Delivery.objects.filter(challenge=OuterRef("pk"), status=DeliveryStatus.ACCEPTED)
    reuses = Reuse.objects.filter(entry__challenge=OuterRef("pk"))
    return challenges.annotate(
        confirmed_finalists=_count(finalists, "selection__challenge"),
        has_winner=Exists(winner),
        delivered=Exists(delivered),
        reuses_count=_count(reuses, "entry__challenge"),
    )


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
        _with_outcomes(challenges, now)
        .select_related("body__state", "opening_act", "award__decision")
        .order_by("published_at", "id")
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

    awarded = [(c, award) for c in rows if (award := _award(c)) is not None]
    awards_by_challenge = dict(awarded)
    amounts: dict[int, list] = defaultdict(lambda: [Decimal(0), 0, Decimal(0), 0])
    for c in rows:
        if c.amount is not None and c.published_at is not None:
            year = timezone.localtime(c.published_at).year
            amounts[year][0] += c.amount
            amounts[year][1] += 1
            award = awards_by_challenge.get(c)
            if award is not None:
                amounts[year][2] += award.amount
                amounts[year][3] += 1
    stats.amounts = [AmountRow(year, *values) for year, values in sorted(amounts.items())]

    stats.days_to_opening = [
        (c, (act.opened_at - c.published_at).days) for c, act in opened if c.published_at
    ]
    if stats.days_to_opening:
        stats.days_median = median(d for _c, d in stats.days_to_opening)

    stats.days_to_award = [
        (c, (award.awarded_on - _local_date(c.published_at, c)).days)
        for c, award in awarded
        if c.published_at
    ]
    if stats.days_to_award:
        stats.days_to_award_median = median(d for _c, d in stats.days_to_award)

    opened_ids = {c.pk for c, _act in opened}
    stats.outcomes = [
        (_("Proposals counted at the opening acts"), stats.proposals_total),
        (
            _("Finalists confirmed"),
            sum(c.confirmed_finalists for c in rows if c.pk in opened_ids),
        ),
        (_("Winners (decision in force)"), sum(1 for c in rows if c.has_winner)),
        (_("Delivered (final delivery accepted)"), sum(1 for c in rows if c.delivered)),
        (
            _("Reused by another government body"),
            sum(1 for c in rows if c.delivered and c.reuses_count),
        ),
    ]
    stats.reuse_reports = sum(c.reuses_count for c in rows if c.delivered)
    return stats


def _local_date(moment, challenge: Challenge):
    """The calendar day of ``moment`` on the body's clock (award dates are the body's days)."""
    return timezone.localtime(moment, ZoneInfo(challenge.body.time_zone)).date()


def _award(challenge: Challenge):
    """The challenge's award resting on the decision in force (select_related filled it)."""
    try:
        award = challenge.award
    except Challenge.award.RelatedObjectDoesNotExist:
        return None
    return award if award.decision.voided_at is None else None


def _has_act(challenge: Challenge) -> bool:
    try:
        challenge.opening_act  # noqa: B018 (select_related filled it, or raises)
    except Challenge.opening_act.RelatedObjectDoesNotExist:
        return False
    return True


__all__ = ["AmountRow", "Filters", "Statistics", "filter_choices", "public_statistics"]
