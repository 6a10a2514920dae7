"""Red flags: six indicators computed on the platform's own public records.

A red flag is a prompt to look closer, never proof of wrongdoing: each marks a pattern that
procurement integrity studies associate with restricted competition, and each has innocent
explanations too. The definitions below are the only ones; the overview page documents them
(what each measures, its threshold, why it matters) with the numbers read from here.

- ``single_bidder``: the published opening act counted exactly one proposal. Sealed: nothing is
  known (not even the number of proposals) before the opening act, so the flag cannot be raised
  before it; it is read from the act's published count only.
- ``short_window``: fewer business days between publication and the submission deadline in force
  (after any extension) than ``short_window_threshold()`` — the platform's minimum
  (``RETOS_MIN_SUBMISSION_BUSINESS_DAYS``, refused below) plus ``SHORT_WINDOW_MARGIN`` —
  counted in the body's time zone with Mexican business days, as the platform counts them.
- ``late_amendment``: an amendment published when ``RETOS_LATE_AMENDMENT_BUSINESS_DAYS`` or
  fewer business days were left before the submission deadline then in force, or one that moved
  the deadline (an extension).
- ``award_at_budget``: the amount awarded equals the challenge's contract amount (the platform
  refuses an award above it; one above would be flagged too).
- ``complaint_upheld``: at least one complaint (inconformidad) was upheld.
- ``evaluator_conflicts``: a panel member declared a conflict of interest with at least half of
  the bidders they declared about, and with at least ``EVALUATOR_MIN_CONFLICTS`` of them.
  Sealed: declarations are private until the decision publishes them, so only declarations made
  before a published decision count, and the flag cannot be raised before one.

The SQL halves (what can be read with annotations) are in ``selectors.py``; business days have
no SQL form (holidays), so the two time-based indicators are computed here from the dates the
same query returns, and ``assess`` turns one challenge's facts into its flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from retos.core.business_days import _mexican_holidays as mexican_holidays
from retos.core.formatting import format_mxn

SINGLE_BIDDER = "single_bidder"
SHORT_WINDOW = "short_window"
LATE_AMENDMENT = "late_amendment"
AWARD_AT_BUDGET = "award_at_budget"
COMPLAINT_UPHELD = "complaint_upheld"
EVALUATOR_CONFLICTS = "evaluator_conflicts"

# Business days added to the platform's minimum window: a window this close to the minimum is
# legal but leaves bidders little time.
SHORT_WINDOW_MARGIN = 5
# A member is flagged with conflicts on at least this many bidders and at least half of them.
EVALUATOR_MIN_CONFLICTS = 2

# The states of one indicator for one challenge.
RAISED = "raised"
CLEAR = "clear"
PENDING = "pending"  # not assessable yet (sealed, or the fact does not exist yet)


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    #: Why a challenge may not be assessed yet (shown while the state is PENDING).
    pending: str


INDICATORS: list[Indicator] = [
    Indicator(
        SINGLE_BIDDER,
        gettext_lazy("Single bidder"),
        gettext_lazy("Not known until the opening act: proposals are sealed until then."),
    ),
    Indicator(
        SHORT_WINDOW,
        gettext_lazy("Short submission window"),
        gettext_lazy("Not published yet."),
    ),
    Indicator(
        LATE_AMENDMENT,
        gettext_lazy("Late amendments"),
        gettext_lazy("Not published yet."),
    ),
    Indicator(
        AWARD_AT_BUDGET,
        gettext_lazy("Award at exactly the budget"),
        gettext_lazy("No award recorded yet."),
    ),
    Indicator(
        COMPLAINT_UPHELD,
        gettext_lazy("Complaint upheld"),
        gettext_lazy("No decision published yet, so no complaint could be filed."),
    ),
    Indicator(
        EVALUATOR_CONFLICTS,
        gettext_lazy("Evaluator with conflicts on many bidders"),
        gettext_lazy(
            "Not known until the decision: conflict-of-interest declarations are private "
            "until it publishes them."
        ),
    ),
]
BY_CODE = {i.code: i for i in INDICATORS}


def short_window_threshold() -> int:
    """A window of fewer business days than this is flagged."""
    return settings.RETOS_MIN_SUBMISSION_BUSINESS_DAYS + SHORT_WINDOW_MARGIN


def late_amendment_days() -> int:
    """An amendment with this many business days left, or fewer, is late."""
    return settings.RETOS_LATE_AMENDMENT_BUSINESS_DAYS


def thresholds() -> dict[str, int]:
    """The numbers the overview page documents."""
    return {
        "minimum_window": settings.RETOS_MIN_SUBMISSION_BUSINESS_DAYS,
        "window_margin": SHORT_WINDOW_MARGIN,
        "short_window": short_window_threshold(),
        "late_days": late_amendment_days(),
        "min_conflicts": EVALUATOR_MIN_CONFLICTS,
    }


# ---------------------------------------------------------------------------------------------
# The pure rules.


def business_days(start: datetime, end: datetime, tz: str) -> int:
    """Business days after ``start``'s date up to ``end``'s date, both in ``tz``: the count of
    ``retos.core.business_days.business_days_between``, by arithmetic on weeks rather than day
    by day (the overview counts one window per public challenge)."""
    zone = ZoneInfo(tz)
    return count_business_days(start.astimezone(zone).date(), end.astimezone(zone).date())


def count_business_days(start: date, end: date) -> int:
    """Weekdays after ``start`` up to and including ``end``, less the official holidays among
    them (0 if ``end`` <= ``start``)."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    weekday = start.weekday()
    count = weeks * 5 + sum(1 for i in range(1, rest + 1) if (weekday + i) % 7 < 5)
    for year in range(start.year, end.year + 1):
        count -= sum(1 for h in mexican_holidays(year) if start < h <= end and h.weekday() < 5)
    return count


def is_short_window(days: int) -> bool:
    return days < short_window_threshold()


def evaluator_conflicted(conflicts: int, declared: int) -> bool:
    """A member's declarations are flagged: at least half conflicts, and at least two."""
    return conflicts >= EVALUATOR_MIN_CONFLICTS and 2 * conflicts >= declared


@dataclass(frozen=True)
class AmendmentFacts:
    number: int
    published_at: datetime
    previous_deadline: datetime | None = None  # set when the amendment moved the deadline
    new_deadline: datetime | None = None


@dataclass(frozen=True)
class LateAmendment:
    number: int
    days_left: int
    extended: bool


def late_amendments(
    amendments: list[AmendmentFacts], current_deadline: datetime | None, tz: str
) -> list[LateAmendment]:
    """The late amendments, by number.

    The deadline in force when amendment *n* was published is the deadline the next amendment
    that moved it found (its ``previous_deadline``), or the current deadline when none did.
    """
    late = []
    deadline = current_deadline
    for amendment in sorted(amendments, key=lambda a: a.number, reverse=True):
        extended = amendment.previous_deadline is not None
        in_force = amendment.previous_deadline if extended else deadline
        left = business_days(amendment.published_at, in_force, tz) if in_force else 0
        if extended or left <= late_amendment_days():
            late.append(LateAmendment(amendment.number, left, extended))
        deadline = in_force
    return sorted(late, key=lambda a: a.number)


# ---------------------------------------------------------------------------------------------
# One challenge's facts → its flags.


@dataclass
class Facts:
    """What the indicators read about one public challenge (see ``selectors``)."""

    tz: str
    published_at: datetime | None
    deadline: datetime | None
    amount: Decimal | None
    # The published opening act's count of proposals (None before the act is published).
    bidders: int | None = None
    award_amount: Decimal | None = None
    # Whether a decision was ever published (voided ones included: their records stay public).
    decided: bool = False
    upheld: int = 0
    # Members flagged among the declarations published by a decision (SQL: ``Exists``).
    conflicted: bool = False
    amendments: list[AmendmentFacts] = field(default_factory=list)
    # On the challenge page only: (conflicts, declared) of each flagged member.
    conflicted_members: list[tuple[int, int]] | None = None


class Flag:
    """One indicator's state for one challenge. ``detail`` (the numbers behind it, as a
    sentence) is written only when read: the overview assesses every challenge but shows the
    details of one page of them."""

    __slots__ = ("_detail", "_make_detail", "indicator", "state")

    def __init__(self, indicator: Indicator, state: str, make_detail=None):
        self.indicator = indicator
        self.state = state
        self._make_detail = make_detail
        self._detail = None

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def raised(self) -> bool:
        return self.state == RAISED

    @property
    def detail(self) -> str:
        if self._detail is None:
            self._detail = str(self._make_detail()) if self._make_detail else ""
        return self._detail

    def __repr__(self) -> str:
        return f"Flag({self.code}, {self.state})"


def _flag(code: str, raised: bool, make_detail) -> Flag:
    return Flag(BY_CODE[code], RAISED if raised else CLEAR, make_detail)


def _pending(code: str) -> Flag:
    return Flag(BY_CODE[code], PENDING, lambda: BY_CODE[code].pending)


def assess(facts: Facts, now: datetime) -> list[Flag]:
    """Every indicator's state for one challenge, in the order of ``INDICATORS``."""
    flags = []
    if facts.bidders is None:
        flags.append(_pending(SINGLE_BIDDER))
    else:
        flags.append(
            _flag(SINGLE_BIDDER, facts.bidders == 1, lambda: _bidders_detail(facts.bidders))
        )

    public = facts.published_at is not None and facts.published_at <= now
    if not public or facts.deadline is None:
        flags.append(_pending(SHORT_WINDOW))
        flags.append(_pending(LATE_AMENDMENT))
    else:
        days = business_days(facts.published_at, facts.deadline, facts.tz)
        flags.append(_flag(SHORT_WINDOW, is_short_window(days), lambda: _window_detail(days)))
        late = late_amendments(facts.amendments, facts.deadline, facts.tz)
        total = len(facts.amendments)
        flags.append(_flag(LATE_AMENDMENT, bool(late), lambda: _late_detail(late, total)))

    if facts.award_amount is None or facts.amount is None:
        flags.append(_pending(AWARD_AT_BUDGET))
    else:
        flags.append(
            _flag(
                AWARD_AT_BUDGET,
                facts.award_amount >= facts.amount,
                lambda: _award_detail(facts.award_amount, facts.amount),
            )
        )

    if not facts.decided and not facts.upheld:
        flags.append(_pending(COMPLAINT_UPHELD))
    else:
        flags.append(
            _flag(COMPLAINT_UPHELD, facts.upheld > 0, lambda: _upheld_detail(facts.upheld))
        )

    if not facts.decided:
        flags.append(_pending(EVALUATOR_CONFLICTS))
    else:
        flags.append(
            _flag(
                EVALUATOR_CONFLICTS,
                facts.conflicted,
                lambda: _evaluator_detail(facts.conflicted, facts.conflicted_members),
            )
        )
    return flags


# ---------------------------------------------------------------------------------------------
# The details, in words.


def _bidders_detail(bidders: int) -> str:
    return ngettext(
        "The opening act counted %(count)d proposal.",
        "The opening act counted %(count)d proposals.",
        bidders,
    ) % {"count": bidders}


def _window_detail(days: int) -> str:
    return ngettext(
        "Submissions were open %(days)d business day after publication "
        "(the threshold is %(threshold)d).",
        "Submissions were open %(days)d business days after publication "
        "(the threshold is %(threshold)d).",
        days,
    ) % {"days": days, "threshold": short_window_threshold()}


def _award_detail(award: Decimal, amount: Decimal) -> str:
    if award == amount:
        text = _("The amount awarded, %(award)s, equals the contract amount.")
    elif award > amount:  # refused by the platform; only a row written outside it
        text = _("The amount awarded, %(award)s, is above the contract amount, %(amount)s.")
    else:
        text = _("The amount awarded, %(award)s, is below the contract amount, %(amount)s.")
    return text % {"award": format_mxn(award), "amount": format_mxn(amount)}


def _upheld_detail(upheld: int) -> str:
    if not upheld:
        return _("No complaint has been upheld.")
    return ngettext(
        "%(count)d complaint was upheld.", "%(count)d complaints were upheld.", upheld
    ) % {"count": upheld}


def _late_detail(late: list[LateAmendment], total: int) -> str:
    if not late:
        if not total:
            return _("No amendment has been published.")
        return ngettext(
            "%(count)d amendment, none late.", "%(count)d amendments, none late.", total
        ) % {"count": total}
    parts = []
    for a in late:
        if a.extended:
            parts.append(_("amendment %(number)d extended the deadline") % {"number": a.number})
        else:
            parts.append(
                ngettext(
                    "amendment %(number)d was published with %(days)d business day left",
                    "amendment %(number)d was published with %(days)d business days left",
                    a.days_left,
                )
                % {"number": a.number, "days": a.days_left}
            )
    return _("Late amendments: %(list)s.") % {"list": "; ".join(parts)}


def _evaluator_detail(conflicted: bool, members: list[tuple[int, int]] | None) -> str:
    if not conflicted:
        return _("No panel member declared conflicts with half of the bidders or more.")
    if not members:
        return _("A panel member declared conflicts with half of the bidders or more.")
    return (
        "; ".join(
            ngettext(
                "A panel member declared a conflict with %(conflicts)d of %(declared)d bidder",
                "A panel member declared conflicts with %(conflicts)d of %(declared)d bidders",
                declared,
            )
            % {"conflicts": conflicts, "declared": declared}
            for conflicts, declared in members
        )
        + "."
    )
