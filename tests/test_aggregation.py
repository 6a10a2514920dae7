"""The aggregation of the experts' scores into a ranking (``retos.evaluation.aggregation``):
hand-computed examples of each method, the tie rule, and properties checked by hypothesis.

No database: ``rank`` is a pure function."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from retos.evaluation import aggregation as ag
from retos.evaluation.aggregation import CriterionInput, ProposalInput, ScoreInput

T0 = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)

# Two criteria: "A" weighs 60 %, "B" 40 %.
A, B = CriterionInput(1, D(60), 0, "A"), CriterionInput(2, D(40), 1, "B")


def scores(table):
    """``{proposal: {criterion: [value of expert 1, of expert 2, …]}}`` → ScoreInputs (None:
    that expert did not score it)."""
    out = []
    for proposal, by_criterion in table.items():
        for criterion, values in by_criterion.items():
            for expert, value in enumerate(values, start=1):
                if value is not None:
                    out.append(ScoreInput(expert, proposal, criterion, D(str(value))))
    return out


def proposals(*ids, times=None):
    times = times or {}
    return [ProposalInput(i, times.get(i, T0 + timedelta(hours=i))) for i in ids]


def rank(table, *, method="mean", criteria=(A, B), threshold="4", minimum="60", times=None):
    return ag.rank(
        criteria=list(criteria),
        scores=scores(table),
        proposals=proposals(*table, times=times),
        method=method,
        disagreement_threshold=D(threshold),
        minimum_score=D(minimum),
    )


# ---------------------------------------------------------------------------------------------
# Hand-computed examples


def test_mean_by_hand():
    ranking = rank(
        {
            # P10: A = 7, 8, 9 → mean 8; B = 5, 6, 10 → mean 7.
            #      total = 8 × 60 % × 10 + 7 × 40 % × 10 = 48 + 28 = 76.
            #      B spreads 10 − 5 = 5 ≥ 4: flagged on B (A spreads 2: not).
            10: {1: [7, 8, 9], 2: [5, 6, 10]},
            # P11: A = 6, 6, 6 → 6; B = 9, 9, 9 → 9. total = 36 + 36 = 72.
            11: {1: [6, 6, 6], 2: [9, 9, 9]},
        },
        minimum="75",
    )
    first, second = ranking.rows
    assert (first.proposal, first.rank, first.total) == (10, 1, D("76.00"))
    assert [c.aggregate for c in first.criteria] == [D("8.00"), D("7.00")]
    assert [c.contribution for c in first.criteria] == [D("48.00"), D("28.00")]
    assert first.flagged_criteria == (2,) and first.criteria[1].spread == D("5.0")
    # The minimum (75) applies to the raw weighted mean, the same as the total for "mean".
    assert first.raw_total == D("76.00") and first.eligible
    assert (second.proposal, second.total, second.eligible, second.flagged) == (
        11,
        D("72.00"),
        False,
        False,
    )
    assert first.experts == second.experts == 3
    assert second.tie_break == ag.BY_TOTAL


def test_trimmed_mean_by_hand():
    ranking = rank(
        {
            # Five experts: the highest and the lowest are left out.
            # A = 2, 7, 8, 9, 10 → 7, 8, 9 → 8 (plain mean 36 / 5 = 7.2);
            # B = 5, 5, 6, 6, 8 → 5, 6, 6 → 17 / 3 = 5.666… (plain mean 30 / 5 = 6).
            # total = 8 × 6 + 17/3 × 4 = 48 + 22.666… = 70.67;
            # raw = 7.2 × 6 + 6 × 4 = 43.2 + 24 = 67.20.
            20: {1: [2, 7, 8, 9, 10], 2: [5, 5, 6, 6, 8]},
            # Four experts: no trimming. A = 1, 9, 9, 9 → 7; B = 10, 10, 10, 2 → 8.
            # total = 7 × 6 + 8 × 4 = 42 + 32 = 74 (= raw).
            21: {1: [1, 9, 9, 9, None], 2: [10, 10, 10, 2, None]},
        },
        method="trimmed_mean",
        minimum="70",
    )
    first, second = ranking.rows
    assert (first.proposal, first.total, first.raw_total) == (21, D("74.00"), D("74.00"))
    assert not first.criteria[0].dropped
    assert (second.proposal, second.total, second.raw_total) == (20, D("70.67"), D("67.20"))
    a, b = second.criteria
    assert (a.aggregate, a.mean) == (D("8.00"), D("7.20"))
    assert (b.aggregate, b.mean, b.contribution) == (D("5.67"), D("6.00"), D("22.67"))
    assert [s.value for s in a.dropped] == [D(2), D(10)]
    assert [s.value for s in b.dropped] == [D(5), D(8)]
    # The minimum is on the raw weighted mean: 67.20 < 70, whatever the trimmed total.
    assert first.eligible and not second.eligible


def test_zscores_by_hand():
    ranking = rank(
        {
            # Expert 1 (lenient) gave 9, 9, 7, 7: mean 8, deviations ±1, sd 1 → z = 1, 1, −1, −1.
            # Expert 2 (harsh) gave 2, 6, 6, 2: mean 4, deviations ±2, sd 2 → z = −1, 1, 1, −1.
            # P30: A = (1 + −1) / 2 = 0, B = (1 + 1) / 2 = 1 → total 0 × 0.6 + 1 × 0.4 = 0.4.
            #      raw: A (9 + 2) / 2 = 5.5, B (9 + 6) / 2 = 7.5 → 33 + 30 = 63.
            30: {1: [9, 2], 2: [9, 6]},
            # P31: A = (−1 + 1) / 2 = 0, B = (−1 + −1) / 2 = −1 → total −0.4.
            #      raw: A (7 + 6) / 2 = 6.5, B (7 + 2) / 2 = 4.5 → 39 + 18 = 57.
            31: {1: [7, 6], 2: [7, 2]},
        },
        method="zscore",
    )
    first, second = ranking.rows
    assert (first.proposal, first.total, first.raw_total) == (30, D("0.400"), D("63.00"))
    assert (second.proposal, second.total, second.raw_total) == (31, D("-0.400"), D("57.00"))
    assert [s.z for s in first.criteria[0].scores] == [D("-1.000"), D("1.000")]
    assert [c.aggregate for c in first.criteria] == [D("0.000"), D("1.000")]
    assert [c.contribution for c in second.criteria] == [D("0.000"), D("-0.400")]
    # The minimum (60) on the raw weighted mean: 63 passes, 57 does not.
    assert first.eligible and not second.eligible
    # Disagreement on raw scores: P30 A spreads 9 − 2 = 7, P31 B 7 − 2 = 5.
    assert first.flagged_criteria == (1,) and second.flagged_criteria == (2,)


def test_an_expert_who_gives_every_score_the_same_counts_zero_under_zscores():
    # Expert 1 gave 5 everywhere: sd 0 → z 0. Expert 2: 10 and 0 on A, 5 and 5 on B: mean 5,
    # deviations 5, −5, 0, 0 → variance 50 / 4 = 12.5, sd = √12.5 = 3.5355…
    # z = 1.41421…, −1.41421…, 0, 0.
    ranking = rank({40: {1: [5, 10], 2: [5, 5]}, 41: {1: [5, 0], 2: [5, 5]}}, method="zscore")
    first, second = ranking.rows
    assert [s.z for s in first.criteria[0].scores] == [D("0.000"), D("1.414")]
    # A: (0 + 1.41421) / 2 = 0.70711 × 0.6 = 0.42426.
    assert (first.proposal, first.total) == (40, D("0.424"))
    assert (second.proposal, second.total) == (41, D("-0.424"))


def test_the_explanation_states_the_method_minimum_threshold_and_tie_rule_with_numbers():
    with translation.override("en"):
        ranking = rank({10: {1: [7, 8, 9], 2: [5, 6, 10]}}, minimum="62.5", threshold="3.5")
    text = " ".join(ranking.explanation)
    assert "62.5" in text and "3.5" in text
    assert "“A”" in ranking.tie_rule and "60 %" in ranking.tie_rule
    assert ranking.example == (
        "“A” (weight 60 %): the experts' scores are 7, 8, 9; their mean is 8.00; "
        "8.00 × 60 % × 10 = 48.00.",
        "“B” (weight 40 %): the experts' scores are 5, 6, 10; their mean is 7.00; "
        "7.00 × 40 % × 10 = 28.00.",
        "Total: 48.00 + 28.00 = 76.00 (each part rounded for showing).",
    )


# ---------------------------------------------------------------------------------------------
# The tie rule


def test_equal_totals_go_by_the_score_on_the_highest_weighted_criterion():
    # P1: 6 × 6 + 9 × 4 = 72; P2: 8 × 6 + 6 × 4 = 72. A (60 %) decides: 8 > 6.
    ranking = rank({1: {1: [6], 2: [9]}, 2: {1: [8], 2: [6]}})
    assert ranking.order() == [2, 1]
    assert ranking.rows[0].total == ranking.rows[1].total == D("72.00")
    assert ranking.rows[1].tie_break == ag.BY_CRITERION


def test_among_equal_weights_the_first_criterion_by_position_decides():
    c1, c2 = CriterionInput(7, D(50), 1, "second"), CriterionInput(8, D(50), 0, "first")
    # Equal totals (7 + 5 = 5 + 7); on "first" (position 0, id 8) P2 has 7 > 5.
    with translation.override("en"):
        ranking = rank({1: {7: [7], 8: [5]}, 2: {7: [5], 8: [7]}}, criteria=(c1, c2))
    assert ranking.order() == [2, 1]
    assert ranking.top_criterion == 8
    assert "first listed" in ranking.tie_rule


def test_then_the_earlier_submission_then_the_smaller_id():
    same = {1: [7], 2: [7]}
    later, earlier = T0 + timedelta(days=1), T0
    ranking = rank({1: same, 2: same, 3: same}, times={1: later, 2: earlier, 3: later})
    assert ranking.order() == [2, 1, 3]
    assert [r.tie_break for r in ranking.rows] == ["", ag.BY_SUBMISSION, ag.BY_ID]


def test_a_difference_hidden_by_rounding_still_orders_exactly():
    big, small = CriterionInput(1, D(99), 0, "big"), CriterionInput(2, D(1), 1, "small")
    # Same on "big"; on "small" the means are 6 and 6.0333… (0.1 more over three experts):
    # the totals differ by 0.0333… × 1 % × 10 = 0.00333…, both shown as 60.00.
    ranking = rank(
        {1: {1: [6, 6, 6], 2: [6, 6, 6]}, 2: {1: [6, 6, 6], 2: [6, 6, "6.1"]}},
        criteria=(big, small),
    )
    assert ranking.order() == [2, 1]
    assert ranking.rows[0].total == ranking.rows[1].total == D("60.00")
    assert ranking.rows[1].tie_break == ag.BY_EXACT_TOTAL


def test_a_proposal_not_scored_on_every_criterion_comes_last_and_is_not_eligible():
    # P1 has only A = 10 (60 so far); P2 is complete at 50.
    ranking = rank({1: {1: [10]}, 2: {1: [5], 2: [5]}}, minimum="0")
    assert ranking.order() == [2, 1]
    incomplete = ranking.rows[1]
    assert not incomplete.complete and not incomplete.eligible
    assert incomplete.tie_break == ag.BY_COMPLETE
    assert incomplete.criteria[1].aggregate is None


def test_a_proposal_without_scores_is_ranked_last_with_no_raw_total():
    ranking = rank({1: {1: [5], 2: [5]}, 2: {}})
    assert ranking.order() == [1, 2]
    assert ranking.rows[1].raw_total is None and ranking.rows[1].experts == 0


def test_the_minimum_is_inclusive():
    # 6 × 6 + 6 × 4 = 60 exactly.
    assert rank({1: {1: [6], 2: [6]}}, minimum="60").rows[0].eligible
    assert not rank({1: {1: [6], 2: [6]}}, minimum="60.01").rows[0].eligible


def test_the_disagreement_threshold_is_inclusive():
    assert rank({1: {1: [3, 7], 2: [5, 5]}}, threshold="4").rows[0].flagged_criteria == (1,)
    assert not rank({1: {1: [3, 7], 2: [5, 5]}}, threshold="4.1").rows[0].flagged


def test_invalid_input_is_refused():
    with pytest.raises(ValueError, match="method"):
        rank({1: {1: [5]}}, method="median")
    with pytest.raises(ValueError, match="two scores"):
        ag.rank(
            criteria=[A],
            scores=[ScoreInput(1, 1, 1, D(5)), ScoreInput(1, 1, 1, D(6))],
            proposals=proposals(1),
            method="mean",
            disagreement_threshold=D(4),
            minimum_score=D(60),
        )
    with pytest.raises(ValueError, match="unknown"):
        ag.rank(
            criteria=[A],
            scores=[ScoreInput(1, 9, 1, D(5))],
            proposals=proposals(1),
            method="mean",
            disagreement_threshold=D(4),
            minimum_score=D(60),
        )


def test_the_record_keeps_every_number_as_shown():
    data = rank({10: {1: [7, 8, 9], 2: [5, 6, 10]}}).to_json()
    row = data["rows"][0]
    assert row["total"] == "76.00" and row["flagged_criteria"] == [2]
    assert row["criteria"][1]["scores"] == ["5", "6", "10"]
    assert data["criteria"][0] == {"id": 1, "name": "A", "weight": "60", "position": 0}


# ---------------------------------------------------------------------------------------------
# Properties

values = st.sampled_from([None, *[D(n) / 10 for n in range(0, 101, 5)]])
few_values = st.sampled_from([None, D(5), D(6), D(7)])


@st.composite
def situations(draw, *, value=values, max_experts=6, methods=ag.METHODS):
    n_criteria = draw(st.integers(1, 3))
    criteria = [
        CriterionInput(
            100 + i,
            draw(st.sampled_from([D(10), D(20), D("33.33"), D(40), D(50)])),
            draw(st.integers(0, 3)),
            f"C{i}",
        )
        for i in range(n_criteria)
    ]
    n_proposals = draw(st.integers(1, 5))
    n_experts = draw(st.integers(1, max_experts))
    moments = [None, T0, T0 + timedelta(hours=1)]
    props = [ProposalInput(i, draw(st.sampled_from(moments))) for i in range(1, n_proposals + 1)]
    table = []
    for e in range(1, n_experts + 1):
        for p in props:
            for c in criteria:
                v = draw(value)
                if v is not None:
                    table.append(ScoreInput(e, p.id, c.id, v))
    return {
        "criteria": criteria,
        "scores": table,
        "proposals": props,
        "method": draw(st.sampled_from(methods)),
        "disagreement_threshold": D(4),
        "minimum_score": D(60),
    }


def comparable(ranking):
    return [
        (r.proposal, r.rank, r.total, r.raw_total, r.eligible, r.tie_break) for r in ranking.rows
    ]


@settings(max_examples=150, deadline=None)
@given(situations(methods=[ag.ZSCORE]), st.data())
def test_adding_a_constant_to_one_experts_scores_changes_nothing_under_zscores(case, data):
    experts = sorted({s.expert for s in case["scores"]})
    if not experts:
        return
    shifted_expert = data.draw(st.sampled_from(experts))
    shift = data.draw(st.sampled_from([D("-3.5"), D("-0.1"), D("0.7"), D(2), D("4.4")]))
    shifted = [
        ScoreInput(s.expert, s.proposal, s.criterion, s.value + shift)
        if s.expert == shifted_expert
        else s
        for s in case["scores"]
    ]
    before = ag.rank(**case)
    after = ag.rank(**{**case, "scores": shifted})
    assert [(r.proposal, r.total) for r in after.rows] == [
        (r.proposal, r.total) for r in before.rows
    ]
    assert [[c.aggregate for c in r.criteria] for r in after.rows] == [
        [c.aggregate for c in r.criteria] for r in before.rows
    ]


@settings(max_examples=150, deadline=None)
@given(situations(), st.sampled_from([D("0.01"), D("0.5"), D(2), D(3), D("7.25")]))
def test_scaling_every_weight_changes_no_ranking(case, factor):
    scaled = [CriterionInput(c.id, c.weight * factor, c.position, c.name) for c in case["criteria"]]
    before = ag.rank(**case)
    after = ag.rank(**{**case, "criteria": scaled})
    assert after.order() == before.order()
    assert comparable(after) == comparable(before)


@settings(max_examples=200, deadline=None)
@given(situations(value=few_values), st.randoms(use_true_random=False))
def test_the_order_is_total_and_the_same_for_any_input_order(case, rnd: random.Random):
    ranking = ag.rank(**case)
    shuffled = dict(case)
    for key in ("criteria", "scores", "proposals"):
        items = list(case[key])
        rnd.shuffle(items)
        shuffled[key] = items
    again = ag.rank(**shuffled)
    assert again.rows == ranking.rows
    # Every proposal exactly once, ranked 1…n.
    assert sorted(ranking.order()) == sorted(p.id for p in case["proposals"])
    assert [r.rank for r in ranking.rows] == list(range(1, len(case["proposals"]) + 1))


@settings(max_examples=200, deadline=None)
@given(situations(value=few_values))
def test_neighbours_are_ordered_by_the_documented_rule(case):
    ranking = ag.rank(**case)
    top = ranking.top_criterion
    for above, below in zip(ranking.rows, ranking.rows[1:], strict=False):
        if above.complete != below.complete:
            assert above.complete and below.tie_break == ag.BY_COMPLETE
            continue
        assert above.total >= below.total
        if below.tie_break in (ag.BY_TOTAL, ag.BY_EXACT_TOTAL):
            continue
        assert above.total == below.total
        a, b = above.criterion(top).aggregate, below.criterion(top).aggregate
        if below.tie_break == ag.BY_CRITERION:
            assert a is not None and (b is None or a >= b)
            continue
        assert a == b
        if below.tie_break == ag.BY_SUBMISSION:
            assert above.submitted_at is not None
            assert below.submitted_at is None or above.submitted_at < below.submitted_at
            continue
        assert below.tie_break == ag.BY_ID
        assert above.submitted_at == below.submitted_at
        assert above.proposal < below.proposal


@settings(max_examples=150, deadline=None)
@given(situations(max_experts=4, methods=[ag.MEAN]))
def test_the_trimmed_mean_of_fewer_than_five_experts_is_the_mean(case):
    mean = ag.rank(**case)
    trimmed = ag.rank(**{**case, "method": ag.TRIMMED_MEAN})
    assert comparable(trimmed) == comparable(mean)
    assert [[c.aggregate for c in r.criteria] for r in trimmed.rows] == [
        [c.aggregate for c in r.criteria] for r in mean.rows
    ]
    assert not any(c.dropped for r in trimmed.rows for c in r.criteria)
