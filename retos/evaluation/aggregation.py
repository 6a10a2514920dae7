"""From the experts' scores to a ranking: pure functions, no database.

Everything here is exact arithmetic on ``fractions.Fraction`` (the inputs are ``Decimal``), so
two totals are equal only when they really are, and the order never depends on rounding.
Numbers are rounded (``Decimal``, half up) only for showing them.

The methods (``EvaluationSettings.method``):

- ``mean``: a proposal's score on a criterion is the mean of the experts' scores (0–10);
- ``trimmed_mean``: the same after leaving out one highest and one lowest score, when at least
  five experts scored that criterion of that proposal (with fewer, the plain mean);
- ``zscore``: each expert's scores in the round are first standardized,
  ``z = (x − mean of the expert's scores) / standard deviation of the expert's scores``
  (population deviation; an expert whose scores are all equal gives ``z = 0``), which removes
  harsh and lenient bias; a proposal's score on a criterion is then the mean of its z-scores.
  The standard deviation is a square root: it is computed as a ``Decimal`` to 40 digits and
  rounded to 20 decimals (``SD_PLACES``), the only rounding before the order is decided, the
  same for every expert and every run.

The total is the sum over the criteria of ``weight / (sum of weights) × aggregated score``;
published weights add up to 100, so this is ``weight / 100 × aggregated``, ×10 for ``mean`` and
``trimmed_mean`` to give a score from 0 to 100. For ``zscore`` the total is the weighted sum of
z-scores, a relative number around 0, shown as such.

The *raw weighted mean* (0–100, from the plain means of the raw scores) is always computed, and
the minimum score applies to it whatever the method: a z-score only says how a proposal compares
with the others in the same round (the best of a weak field has a high z), while the minimum is
an absolute quality bar the agency published. A proposal not yet scored on every criterion is
not eligible and is ranked after the others.

Disagreement: a proposal is flagged for discussion when, on some criterion, the highest and the
lowest of the experts' raw scores differ by the threshold or more.

The order (total and deterministic; ``rank`` never depends on the order of its input): complete
proposals first; then the total, highest first; then the aggregated score on the criterion with
the highest weight (among equal weights, the first by position), highest first; then the earlier
time of receipt of the version that counts; then the smaller proposal id (the one started first).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from django.utils.translation import gettext as _

MEAN = "mean"
TRIMMED_MEAN = "trimmed_mean"
ZSCORE = "zscore"
METHODS = (MEAN, TRIMMED_MEAN, ZSCORE)

#: The trimmed mean leaves out the highest and lowest score from this many experts on.
TRIM_FROM = 5
#: How numbers are shown (never how they are compared).
SCORE_PLACES = Decimal("0.01")  # a mean on the 0–10 scale
TOTAL_PLACES = Decimal("0.01")  # a total or contribution on the 0–100 scale
Z_PLACES = Decimal("0.001")  # z-scores and their weighted sums
#: The one rounding that takes part in the order: each expert's standard deviation.
SD_PLACES = Decimal("1e-20")

# How a row came after the one above it (``Row.tie_break``).
BY_COMPLETE = "complete"  # the one above is scored on every criterion, this one is not
BY_TOTAL = "total"
BY_EXACT_TOTAL = "exact_total"  # the totals differ only beyond the decimals shown
BY_CRITERION = "criterion"
BY_SUBMISSION = "submission"
BY_ID = "id"


# ---------------------------------------------------------------------------------------------
# Input


@dataclass(frozen=True)
class CriterionInput:
    id: int
    weight: Decimal
    position: int = 0
    name: str = ""


@dataclass(frozen=True)
class ScoreInput:
    expert: int
    proposal: int
    criterion: int
    value: Decimal


@dataclass(frozen=True)
class ProposalInput:
    id: int
    #: The time of receipt of the version that counts (the tie rule's "earlier submission").
    submitted_at: datetime | None = None


# ---------------------------------------------------------------------------------------------
# Output


@dataclass(frozen=True)
class ExpertScore:
    expert: int
    value: Decimal
    #: The standardized score (``zscore`` only), rounded for showing.
    z: Decimal | None = None
    #: Left out by the trimmed mean (the highest or the lowest of five or more).
    dropped: bool = False


@dataclass(frozen=True)
class CriterionResult:
    criterion: int
    name: str
    weight: Decimal
    #: The experts' scores, lowest first (then by expert id).
    scores: tuple[ExpertScore, ...]
    #: The plain mean of the raw scores (0–10); None without scores.
    mean: Decimal | None
    #: The method's score on this criterion: a mean on 0–10, or a mean of z-scores.
    aggregate: Decimal | None
    #: What it adds to the total: ``weight / 100 × aggregate`` (×10 on the 0–100 scale).
    contribution: Decimal | None
    #: Highest minus lowest raw score (None with fewer than two scores).
    spread: Decimal | None
    disagreement: bool

    @property
    def experts(self) -> int:
        return len(self.scores)

    @property
    def kept(self) -> tuple[ExpertScore, ...]:
        return tuple(s for s in self.scores if not s.dropped)

    @property
    def dropped(self) -> tuple[ExpertScore, ...]:
        return tuple(s for s in self.scores if s.dropped)


@dataclass(frozen=True)
class Row:
    proposal: int
    rank: int
    #: The method's total: 0–100 for ``mean`` / ``trimmed_mean``, a weighted z-sum for
    #: ``zscore``. Rounded for showing; the order uses the exact value.
    total: Decimal
    #: The weighted mean of the raw scores, 0–100 (None without any score).
    raw_total: Decimal | None
    eligible: bool
    #: Scored on every criterion.
    complete: bool
    flagged: bool
    #: The ids of the criteria on which the experts disagree by the threshold or more.
    flagged_criteria: tuple[int, ...]
    criteria: tuple[CriterionResult, ...]
    #: How many experts scored this proposal (on any criterion).
    experts: int
    submitted_at: datetime | None
    #: How this row came after the one above (``BY_*``; empty for the first).
    tie_break: str = ""

    def criterion(self, criterion_id: int) -> CriterionResult:
        return next(c for c in self.criteria if c.criterion == criterion_id)


@dataclass(frozen=True)
class Ranking:
    method: str
    criteria: tuple[CriterionInput, ...]
    rows: tuple[Row, ...]
    disagreement_threshold: Decimal
    minimum_score: Decimal
    #: The criterion the tie rule looks at first (None without criteria).
    top_criterion: int | None
    #: Plain-language paragraphs: the method, the minimum, the disagreement flag, the order.
    explanation: tuple[str, ...] = ()
    #: The tie rule, in one paragraph (also in ``explanation``).
    tie_rule: str = ""
    #: The calculation for the proposal ranked first, line by line, with its numbers.
    example: tuple[str, ...] = ()

    @property
    def eligible_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.eligible)

    @property
    def flagged_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.flagged)

    @property
    def is_zscore(self) -> bool:
        return self.method == ZSCORE

    def row_for(self, proposal_id: int) -> Row | None:
        return next((r for r in self.rows if r.proposal == proposal_id), None)

    def order(self) -> list[int]:
        return [r.proposal for r in self.rows]

    def to_json(self) -> dict:
        """The ranking as JSON (numbers as strings, exactly as shown), for the record."""
        return {
            "method": self.method,
            "minimum_score": str(self.minimum_score),
            "disagreement_threshold": str(self.disagreement_threshold),
            "top_criterion": self.top_criterion,
            "criteria": [
                {"id": c.id, "name": c.name, "weight": str(c.weight), "position": c.position}
                for c in self.criteria
            ],
            "rows": [
                {
                    "rank": r.rank,
                    "proposal": r.proposal,
                    "total": str(r.total),
                    "raw_total": None if r.raw_total is None else str(r.raw_total),
                    "eligible": r.eligible,
                    "complete": r.complete,
                    "flagged_criteria": list(r.flagged_criteria),
                    "experts": r.experts,
                    "tie_break": r.tie_break,
                    "criteria": [
                        {
                            "criterion": c.criterion,
                            "scores": [str(s.value) for s in c.scores],
                            "dropped": [str(s.value) for s in c.dropped],
                            "mean": _str(c.mean),
                            "aggregate": _str(c.aggregate),
                            "contribution": _str(c.contribution),
                            "spread": _str(c.spread),
                        }
                        for c in r.criteria
                    ],
                }
                for r in self.rows
            ],
        }


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Arithmetic


def _fraction(value) -> Fraction:
    return Fraction(Decimal(str(value)) if not isinstance(value, Decimal) else value)


def _shown(value: Fraction, places: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            places, rounding=ROUND_HALF_UP
        )


def _mean(values: list[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _sqrt(value: Fraction) -> Fraction:
    """The square root of an exact non-negative value, to 40 digits, rounded to SD_PLACES."""
    with localcontext() as ctx:
        ctx.prec = 40
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
        return Fraction(root.quantize(SD_PLACES, rounding=ROUND_HALF_UP))


def standardize(scores: list[ScoreInput]) -> dict[ScoreInput, Fraction]:
    """Each score's z-score within its expert's scores (``sd = 0`` gives 0)."""
    by_expert: dict[int, list[ScoreInput]] = defaultdict(list)
    for s in scores:
        by_expert[s.expert].append(s)
    z: dict[ScoreInput, Fraction] = {}
    for own in by_expert.values():
        values = [_fraction(s.value) for s in own]
        mean = _mean(values)
        variance = _mean([(v - mean) ** 2 for v in values])
        sd = _sqrt(variance) if variance else Fraction(0)
        for s, v in zip(own, values, strict=True):
            z[s] = (v - mean) / sd if sd else Fraction(0)
    return z


def _trim(ordered: list[Fraction]) -> list[Fraction]:
    """Leave out one highest and one lowest when there are at least TRIM_FROM values."""
    return ordered[1:-1] if len(ordered) >= TRIM_FROM else ordered


def _number(value: Decimal) -> str:
    """A weight or threshold without trailing zeros: 40, 12.5."""
    return format(value.normalize(), "f")


def _top_criterion(criteria: list[CriterionInput]) -> CriterionInput | None:
    if not criteria:
        return None
    return min(criteria, key=lambda c: (-_fraction(c.weight), c.position, c.id))


def _validate(criteria, scores, proposals, method) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown aggregation method {method!r}")
    criterion_ids = {c.id for c in criteria}
    proposal_ids = {p.id for p in proposals}
    if len(criterion_ids) != len(criteria) or len(proposal_ids) != len(proposals):
        raise ValueError("criteria and proposals must be distinct")
    if any(_fraction(c.weight) <= 0 for c in criteria):
        raise ValueError("weights must be positive")
    seen = set()
    for s in scores:
        if s.criterion not in criterion_ids or s.proposal not in proposal_ids:
            raise ValueError(f"a score refers to an unknown criterion or proposal: {s}")
        key = (s.expert, s.proposal, s.criterion)
        if key in seen:
            raise ValueError(f"two scores by one expert for one criterion: {s}")
        seen.add(key)


# ---------------------------------------------------------------------------------------------
# The ranking


@dataclass
class _Work:
    """A proposal's exact numbers while ranking."""

    proposal: ProposalInput
    criteria: list[CriterionResult] = field(default_factory=list)
    total: Fraction = Fraction(0)
    raw_total: Fraction | None = None
    top: Fraction | None = None
    complete: bool = True
    experts: int = 0

    def key(self):
        submitted = self.proposal.submitted_at
        return (
            not self.complete,
            -self.total,
            (0, -self.top) if self.top is not None else (1, 0),
            (0, submitted) if submitted is not None else (1, 0),
            self.proposal.id,
        )


def rank(
    *,
    criteria: list[CriterionInput],
    scores: list[ScoreInput],
    proposals: list[ProposalInput],
    method: str,
    disagreement_threshold: Decimal,
    minimum_score: Decimal,
) -> Ranking:
    """Aggregate the scores by ``method`` and order the proposals (see the module's doc)."""
    criteria = sorted(criteria, key=lambda c: (c.position, c.id))
    _validate(criteria, scores, proposals, method)
    weights = {c.id: _fraction(c.weight) for c in criteria}
    weight_sum = sum(weights.values(), Fraction(0))
    shares = {cid: w / weight_sum for cid, w in weights.items()}
    threshold = _fraction(disagreement_threshold)
    minimum = _fraction(minimum_score)
    top = _top_criterion(criteria)
    z = standardize(list(scores)) if method == ZSCORE else {}

    cell: dict[tuple[int, int], list[ScoreInput]] = defaultdict(list)
    for s in scores:
        cell[s.proposal, s.criterion].append(s)

    work = []
    for proposal in proposals:
        w = _Work(proposal=proposal)
        raw_total = Fraction(0)
        experts = set()
        for c in criteria:
            own = sorted(cell.get((proposal.id, c.id), []), key=lambda s: (s.value, s.expert))
            experts.update(s.expert for s in own)
            values = [_fraction(s.value) for s in own]
            if not values:
                w.complete = False
                w.criteria.append(
                    CriterionResult(
                        criterion=c.id,
                        name=c.name,
                        weight=c.weight,
                        scores=(),
                        mean=None,
                        aggregate=None,
                        contribution=None,
                        spread=None,
                        disagreement=False,
                    )
                )
                continue
            mean = _mean(values)
            dropped: set[int] = set()
            if method == ZSCORE:
                aggregate = _mean([z[s] for s in own])
                contribution = shares[c.id] * aggregate
                places = Z_PLACES
            else:
                if method == TRIMMED_MEAN and len(values) >= TRIM_FROM:
                    dropped = {0, len(values) - 1}
                aggregate = _mean(_trim(values) if method == TRIMMED_MEAN else values)
                contribution = shares[c.id] * aggregate * 10
                places = SCORE_PLACES
            spread = max(values) - min(values) if len(values) > 1 else None
            raw_total += shares[c.id] * mean * 10
            w.total += contribution
            if top is not None and c.id == top.id:
                w.top = aggregate
            w.criteria.append(
                CriterionResult(
                    criterion=c.id,
                    name=c.name,
                    weight=c.weight,
                    scores=tuple(
                        ExpertScore(
                            expert=s.expert,
                            value=s.value,
                            z=_shown(z[s], Z_PLACES) if method == ZSCORE else None,
                            dropped=i in dropped,
                        )
                        for i, s in enumerate(own)
                    ),
                    mean=_shown(mean, SCORE_PLACES),
                    aggregate=_shown(aggregate, places),
                    contribution=_shown(
                        contribution, Z_PLACES if method == ZSCORE else TOTAL_PLACES
                    ),
                    spread=None if spread is None else _shown(spread, Decimal("0.1")),
                    disagreement=spread is not None and spread >= threshold,
                )
            )
        w.experts = len(experts)
        w.raw_total = raw_total if experts else None
        work.append(w)

    work.sort(key=_Work.key)
    total_places = Z_PLACES if method == ZSCORE else TOTAL_PLACES
    rows = []
    previous = None
    for position, w in enumerate(work, start=1):
        flagged = tuple(c.criterion for c in w.criteria if c.disagreement)
        rows.append(
            Row(
                proposal=w.proposal.id,
                rank=position,
                total=_shown(w.total, total_places),
                raw_total=None if w.raw_total is None else _shown(w.raw_total, TOTAL_PLACES),
                eligible=w.complete and w.raw_total is not None and w.raw_total >= minimum,
                complete=w.complete,
                flagged=bool(flagged),
                flagged_criteria=flagged,
                criteria=tuple(w.criteria),
                experts=w.experts,
                submitted_at=w.proposal.submitted_at,
                tie_break=_tie_break(previous, w, total_places),
            )
        )
        previous = w
    ranking = Ranking(
        method=method,
        criteria=tuple(criteria),
        rows=tuple(rows),
        disagreement_threshold=disagreement_threshold,
        minimum_score=minimum_score,
        top_criterion=top.id if top else None,
    )
    tie_rule = explain_tie_rule(ranking)
    return replace(
        ranking,
        explanation=tuple(explain(ranking, tie_rule=tie_rule)),
        tie_rule=tie_rule,
        example=tuple(worked_example(ranking)),
    )


def _tie_break(previous: _Work | None, current: _Work, total_places: Decimal) -> str:
    if previous is None:
        return ""
    a, b = previous.key(), current.key()
    if a[0] != b[0]:
        return BY_COMPLETE
    if a[1] != b[1]:
        if _shown(previous.total, total_places) == _shown(current.total, total_places):
            return BY_EXACT_TOTAL
        return BY_TOTAL
    if a[2] != b[2]:
        return BY_CRITERION
    if a[3] != b[3]:
        return BY_SUBMISSION
    return BY_ID


# ---------------------------------------------------------------------------------------------
# In plain words


def explain_tie_rule(ranking: Ranking) -> str:
    top = next((c for c in ranking.criteria if c.id == ranking.top_criterion), None)
    if top is None:
        return _(
            "Proposals are ordered by their total, highest first; equal totals by the earlier "
            "time of receipt of the version that counts, then by the proposal started first."
        )
    equal = sum(1 for c in ranking.criteria if c.weight == top.weight) > 1
    if equal:
        text = _(
            "Proposals are ordered by their total, highest first. Equal totals are ordered by "
            "the score on “%(criterion)s” (of the criteria with the highest weight, %(weight)s "
            "%%, the first listed), highest first; then by the earlier time of receipt of the "
            "version that counts; then by the proposal started first."
        )
    else:
        text = _(
            "Proposals are ordered by their total, highest first. Equal totals are ordered by "
            "the score on “%(criterion)s” (the criterion with the highest weight, %(weight)s "
            "%%), highest first; then by the earlier time of receipt of the version that "
            "counts; then by the proposal started first."
        )
    return text % {"criterion": top.name, "weight": _number(top.weight)}


def explain(ranking: Ranking, *, tie_rule: str) -> list[str]:
    """The method, the minimum, the disagreement flag and the order, with their numbers."""
    if ranking.method == MEAN:
        method = _(
            "Method: mean. A proposal's score on a criterion is the mean of the experts' "
            "scores (0 to 10). Its total is the sum, over the criteria, of that mean × the "
            "criterion's weight (a percentage) × 10: a score from 0 to 100."
        )
    elif ranking.method == TRIMMED_MEAN:
        method = _(
            "Method: trimmed mean. A proposal's score on a criterion is the mean of the "
            "experts' scores (0 to 10) after leaving out the highest and the lowest score when "
            "at least %(n)d experts scored it; with fewer, the plain mean. Its total is the "
            "sum, over the criteria, of that score × the criterion's weight (a percentage) × "
            "10: a score from 0 to 100."
        ) % {"n": TRIM_FROM}
    else:
        method = _(
            "Method: mean of standardized scores (z-scores). Some experts score harshly and "
            "others leniently; to remove that bias, each expert's scores in this round are "
            "standardized: from each score the mean of all that expert's scores is subtracted, "
            "and the result is divided by their standard deviation (0 is the expert's own "
            "average, 1 is one standard deviation above it; an expert who gave every score the "
            "same value counts 0). A proposal's score on a criterion is the mean of its "
            "experts' z-scores, and its total is the sum, over the criteria, of that mean × the "
            "criterion's weight as a fraction (weight / 100). The total is relative, around "
            "0: it compares the proposals with each other and is not a mark out of 100."
        )
    minimum = _(
        "Minimum to be a finalist: %(minimum)s out of 100. It applies to the weighted mean of "
        "the experts' raw scores (the mean on each criterion × its weight × 10), whatever the "
        "method: the method orders the proposals, while the minimum is an absolute quality bar "
        "the agency published. A proposal not yet scored on every criterion cannot be a "
        "finalist and is listed after the others."
    ) % {"minimum": _number(ranking.minimum_score)}
    disagreement = _(
        "A proposal is flagged for discussion when, on some criterion, the highest and the "
        "lowest of the experts' scores differ by %(threshold)s points or more."
    ) % {"threshold": _number(ranking.disagreement_threshold)}
    return [method, minimum, disagreement, tie_rule]


def _sum_text(parts: list[Decimal]) -> str:
    """``48.00 + 28.00``, ``0.769 − 0.098``: a sum written as people write it."""
    text = str(parts[0])
    for part in parts[1:]:
        text += f" − {-part}" if part < 0 else f" + {part}"
    return text


def _values(scores) -> str:
    return ", ".join(str(s.value) for s in scores)


def worked_example(ranking: Ranking) -> list[str]:
    """The calculation of the first complete row, one line per criterion and the total."""
    row = next((r for r in ranking.rows if r.complete), None)
    if row is None:
        return []
    lines = []
    for c in row.criteria:
        weight = _number(c.weight)
        if ranking.method == ZSCORE:
            lines.append(
                _(
                    "“%(criterion)s” (weight %(weight)s %%): the experts' scores %(scores)s are, "
                    "as z-scores, %(z)s; their mean is %(aggregate)s; %(aggregate)s × "
                    "%(weight)s / 100 = %(contribution)s."
                )
                % {
                    "criterion": c.name,
                    "weight": weight,
                    "scores": _values(c.scores),
                    "z": ", ".join(str(s.z) for s in c.scores),
                    "aggregate": c.aggregate,
                    "contribution": c.contribution,
                }
            )
        elif c.dropped:
            lines.append(
                _(
                    "“%(criterion)s” (weight %(weight)s %%): the experts' scores are "
                    "%(scores)s; without the lowest (%(low)s) and the highest (%(high)s) their "
                    "mean is %(aggregate)s; %(aggregate)s × %(weight)s %% × 10 = "
                    "%(contribution)s."
                )
                % {
                    "criterion": c.name,
                    "weight": weight,
                    "scores": _values(c.scores),
                    "low": c.scores[0].value,
                    "high": c.scores[-1].value,
                    "aggregate": c.aggregate,
                    "contribution": c.contribution,
                }
            )
        else:
            lines.append(
                _(
                    "“%(criterion)s” (weight %(weight)s %%): the experts' scores are "
                    "%(scores)s; their mean is %(aggregate)s; %(aggregate)s × %(weight)s %% × "
                    "10 = %(contribution)s."
                )
                % {
                    "criterion": c.name,
                    "weight": weight,
                    "scores": _values(c.scores),
                    "aggregate": c.aggregate,
                    "contribution": c.contribution,
                }
            )
    lines.append(
        _("Total: %(parts)s = %(total)s (each part rounded for showing).")
        % {"parts": _sum_text([c.contribution for c in row.criteria]), "total": row.total}
    )
    if ranking.method != MEAN:
        lines.append(
            _("Weighted mean of the raw scores, for the minimum: %(raw)s out of 100.")
            % {"raw": row.raw_total}
        )
    return lines
