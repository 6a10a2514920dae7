"""Reads of the red flags, in a fixed number of queries whatever the data size.

Only public challenges are assessed. What SQL can say is annotated on the challenge query
(``flag_annotations``): the opening act's published count of proposals, the award's amount,
the number of upheld complaints, the time of the latest published decision and whether a panel
member's published declarations are flagged (``Exists`` over the declarations grouped by
member). The amendments come in one more query; the business-day rules run in Python on the
dates these queries return (``flags.assess``).

Sealed facts are never read before they are public: the number of proposals only from an
opening act whose ``opened_at`` is set, declarations only those made before a published
decision (none without one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from retos.challenges.models import Amendment, Challenge
from retos.challenges.stages import Stage
from retos.contracts.models import Award
from retos.decisions.models import Complaint, ComplaintStatus, Decision
from retos.evaluation.models import ConflictDeclaration
from retos.integrity import flags
from retos.integrity.flags import EVALUATOR_MIN_CONFLICTS, INDICATORS, AmendmentFacts, Facts, Flag
from retos.proposals.models import OpeningAct
from retos.statistics.selectors import Filters

ALL = "all"  # the overview's choice that lists every challenge, flagged or not


def _published_declarations(challenge_ref, decided_ref):
    """Each member's declarations published by a decision: (member, declared, conflicts)."""
    return (
        ConflictDeclaration.objects.filter(
            member__challenge=challenge_ref, declared_at__lte=decided_ref
        )
        .order_by()
        .values("member_id")
        .annotate(declared=Count("pk"), conflicts=Count("pk", filter=Q(has_conflict=True)))
    )


def _flagged_members(challenge_ref, decided_ref):
    return _published_declarations(challenge_ref, decided_ref).filter(
        conflicts__gte=EVALUATOR_MIN_CONFLICTS, declared__lte=F("conflicts") * 2
    )


def with_flag_facts(queryset):
    """Annotate the SQL facts of the red flags on a challenge queryset (``rf_*``)."""
    upheld = (
        Complaint.objects.filter(challenge=OuterRef("pk"), status=ComplaintStatus.UPHELD)
        .order_by()
        .values("challenge")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        rf_bidders=Subquery(
            OpeningAct.objects.filter(challenge=OuterRef("pk"), opened_at__isnull=False).values(
                "proposals_count"
            )[:1],
            output_field=IntegerField(),
        ),
        rf_award_amount=Subquery(
            Award.objects.filter(challenge=OuterRef("pk")).values("amount")[:1]
        ),
        rf_upheld=Coalesce(Subquery(upheld, output_field=IntegerField()), Value(0)),
        rf_decided_at=Subquery(
            Decision.objects.filter(challenge=OuterRef("pk"))
            .order_by("-published_at", "-id")
            .values("published_at")[:1]
        ),
    ).annotate(
        rf_conflicted=Exists(_flagged_members(OuterRef("pk"), OuterRef("rf_decided_at"))),
    )


def _amendments(challenges) -> dict[int, list[AmendmentFacts]]:
    """The amendments of ``challenges`` (ids, or a queryset of challenges), by challenge."""
    found: dict[int, list[AmendmentFacts]] = defaultdict(list)
    rows = Amendment.objects.filter(challenge__in=challenges).values_list(
        "challenge_id",
        "number",
        "published_at",
        "previous_submissions_close_at",
        "new_submissions_close_at",
    )
    for challenge_id, number, published_at, previous, new in rows:
        found[challenge_id].append(AmendmentFacts(number, published_at, previous, new))
    return found


def _facts(row, tz: str, amendments: list[AmendmentFacts]) -> Facts:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return Facts(
        tz=tz,
        published_at=get("published_at"),
        deadline=get("submissions_close_at"),
        amount=get("amount"),
        bidders=get("rf_bidders"),
        award_amount=get("rf_award_amount"),
        decided=get("rf_decided_at") is not None,
        upheld=get("rf_upheld") or 0,
        conflicted=bool(get("rf_conflicted")),
        amendments=amendments,
    )


# ---------------------------------------------------------------------------------------------
# The challenge page.


@dataclass
class ChallengeFlags:
    flags: list[Flag]
    decided: bool = False

    @property
    def raised(self) -> list[Flag]:
        return [f for f in self.flags if f.raised]


def challenge_flags(
    challenge, now: datetime | None = None, *, amendments=None
) -> ChallengeFlags | None:
    """Every indicator's state for ``challenge`` (None while it is not public).

    ``challenge`` needs its ``body`` (select_related). ``amendments``: its Amendment rows when
    the caller already has them (the challenge page does), else they are read (one query).
    Before the opening act nothing else can exist (no act, decision, complaint or award), so
    nothing else is read; from then, one query for the annotated facts, and one more when a
    panel member's published declarations are flagged (their counts, for the detail).
    """
    now = now or timezone.now()
    if challenge.pk is None or not challenge.is_public_at(now):
        return None
    if amendments is None:
        found = _amendments([challenge.pk]).get(challenge.pk, [])
    else:
        found = [
            AmendmentFacts(
                a.number,
                a.published_at,
                a.previous_submissions_close_at,
                a.new_submissions_close_at,
            )
            for a in amendments
        ]
    row = {
        "published_at": challenge.published_at,
        "submissions_close_at": challenge.submissions_close_at,
        "amount": challenge.amount,
    }
    if challenge.opened_at is not None:
        row |= (
            with_flag_facts(Challenge.objects.filter(pk=challenge.pk))
            .values("rf_bidders", "rf_award_amount", "rf_upheld", "rf_decided_at", "rf_conflicted")
            .first()
            or {}
        )
    facts = _facts(row, challenge.body.time_zone, found)
    if facts.conflicted:
        facts.conflicted_members = [
            (m["conflicts"], m["declared"])
            for m in _flagged_members(challenge.pk, row["rf_decided_at"]).order_by(
                "-conflicts", "member_id"
            )
        ]
    return ChallengeFlags(flags=flags.assess(facts, now), decided=facts.decided)


# ---------------------------------------------------------------------------------------------
# The overview.


class Row:
    """One challenge of the overview: its states, and its flags (with their details) only
    when a page shows it."""

    __slots__ = ("_flags", "amendments", "challenge", "now", "raised_codes")

    def __init__(self, challenge: dict, amendments, now, raised_codes):
        self.challenge = challenge
        self.amendments = amendments
        self.now = now
        self.raised_codes = raised_codes
        self._flags = None

    @property
    def flags(self) -> list[Flag]:
        if self._flags is None:
            facts = _facts(self.challenge, self.challenge["body__time_zone"], self.amendments)
            self._flags = flags.assess(facts, self.now)
        return self._flags

    @property
    def raised(self) -> list[Flag]:
        return [f for f in self.flags if f.raised]

    @property
    def stage_label(self) -> str:
        return Stage(self.challenge["stage_now"]).label


@dataclass
class Count_:
    indicator: flags.Indicator
    raised: int = 0
    assessed: int = 0


@dataclass
class Overview:
    total: int = 0  # public challenges matching the filters
    flagged: int = 0  # of which with at least one flag raised
    rows: list[Row] = field(default_factory=list)  # those the indicator choice keeps
    counts: list[Count_] = field(default_factory=list)


def filtered_challenges(filters: Filters, now: datetime):
    challenges = Challenge.objects.public(now)
    if filters.year:
        challenges = challenges.filter(published_at__year=filters.year)
    if filters.level:
        challenges = challenges.filter(body__level=filters.level)
    if filters.state:
        challenges = challenges.filter(body__state=filters.state)
    return challenges


def overview(filters: Filters, indicator: str = "", now: datetime | None = None) -> Overview:
    """The public challenges matching ``filters`` with their flags, newest first, and the
    number raised and assessed per indicator. ``indicator``: one code keeps the challenges
    with that flag raised, ``""`` those with any, ``ALL`` every challenge. Two queries."""
    now = now or timezone.now()
    rows = list(
        with_flag_facts(filtered_challenges(filters, now).with_timeline(now))
        .order_by("-published_at", "-id")
        .values(
            "pk",
            "slug",
            "title",
            "published_at",
            "submissions_close_at",
            "amount",
            "stage_now",
            "body__name",
            "body__time_zone",
            "rf_bidders",
            "rf_award_amount",
            "rf_upheld",
            "rf_decided_at",
            "rf_conflicted",
        )
    )
    amendments = _amendments(filtered_challenges(filters, now).values("pk")) if rows else {}
    counts = {i.code: Count_(i) for i in INDICATORS}
    result = Overview(total=len(rows))
    for r in rows:
        found = amendments.get(r["pk"], [])
        raised = []
        # Only the states are kept: the flags of the rows a page shows are assessed again
        # with their details (``Row.flags``), so thousands of rows stay cheap.
        for flag in flags.assess(_facts(r, r["body__time_zone"], found), now):
            if flag.state != flags.PENDING:
                counts[flag.code].assessed += 1
            if flag.raised:
                counts[flag.code].raised += 1
                raised.append(flag.code)
        result.flagged += bool(raised)
        if indicator == ALL or (not indicator and raised) or indicator in raised:
            result.rows.append(Row(r, found, now, tuple(raised)))
    result.counts = list(counts.values())
    return result
