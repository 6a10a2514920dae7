"""The ranking of a challenge (``retos.evaluation.ranking``) and its page: what counts, the
settings, the scoring progress, who sees it (and by what name), and its query budget."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.core import rules
from retos.decisions.models import Decision
from retos.evaluation.models import ConflictDeclaration, MemberStatus, Round, Score
from retos.evaluation.ranking import challenge_ranking, finalists_summary
from retos.proposals.models import Admissibility
from tests.evaluation_helpers import member, score, settings_for
from tests.lifecycle import ROLES, challenge_in, person
from tests.ranking_helpers import PANEL_ROLES, approver_of, scored_challenge, someone

pytestmark = pytest.mark.django_db


def url(challenge):
    return reverse("ranking:ranking", kwargs={"slug": challenge.slug})


# ---------------------------------------------------------------------------------------------
# What counts


def test_only_the_scores_that_count_are_ranked():
    challenge, (_p1, p2, p3), (m1, m2, m3) = scored_challenge([8, 6, 7])
    criterion = challenge.criteria.first()
    # A draft never counts; a correction replaces the score it corrects.
    other = member(challenge, declared=True)
    score(other, p2, criterion, 0, submitted=False)
    original = Score.objects.get(member=m1, proposal=p2, criterion=criterion)
    Score.objects.create(
        member=m1,
        proposal=p2,
        criterion=criterion,
        value=D(9),
        justification="Corregido.",
        submitted_at=timezone.now(),
        corrects=original,
        correction_reason="Error de captura.",
        entered_by=m1.user,
    )
    # The demos round is another ranking.
    score(m2, p3, criterion, 0, round=Round.DEMOS)
    # A declined member's scores do not count.
    declined = member(challenge, status=MemberStatus.DECLINED)
    Score.objects.create(
        member=declined,
        proposal=p3,
        criterion=criterion,
        value=D(0),
        justification="x",
        submitted_at=timezone.now(),
        entered_by=m3.user,
    )
    ranking = challenge_ranking(challenge)
    row = ranking.row_for(p2.pk)
    first = row.criteria[0]
    assert sorted(s.value for s in first.scores) == [D(6), D(6), D(9)]
    assert row.experts == 3
    assert ranking.row_for(p3.pk).criteria[0].aggregate == D("7.00")


def test_a_recused_experts_scores_never_count():
    challenge, (p1, _p2), (_m1, _m2, m3) = scored_challenge([5, 6])
    ConflictDeclaration.objects.filter(member=m3, proposal=p1).update(
        has_conflict=True, note="Trabajé con la empresa."
    )
    ranking = challenge_ranking(challenge)
    assert ranking.row_for(p1.pk).experts == 2
    # Recused: not expected either, so the progress is complete.
    assert ranking.progress.complete
    assert ranking.progress.expected == 5


def test_inadmissible_proposals_are_not_ranked():
    challenge, (p1, p2), _members = scored_challenge([5, 6])
    type(p2).objects.filter(pk=p2.pk).update(
        admissibility=Admissibility.INADMISSIBLE, admissibility_reason="Sin RFC."
    )
    assert challenge_ranking(challenge).order() == [p1.pk]


def test_the_challenges_settings_apply_and_defaults_without_them():
    challenge, (_p1, p2), _m = scored_challenge([[6, 6, 6], [9, 3, 6]])
    ranking = challenge_ranking(challenge)
    assert (ranking.method, ranking.minimum_score, ranking.disagreement_threshold) == (
        "mean",
        D(60),
        D(4),
    )
    assert ranking.row_for(p2.pk).flagged
    challenge.__dict__.pop("_evaluation_settings", None)
    settings_for(challenge, method="zscore", minimum_score=D("65"), disagreement_threshold=D(7))
    ranking = challenge_ranking(challenge)
    assert ranking.method == "zscore"
    assert not ranking.row_for(p2.pk).flagged
    assert not any(r.eligible for r in ranking.rows)  # both raw means are 60


def test_the_tie_rule_uses_the_time_of_receipt_of_the_counted_version():
    # Same scores: the proposal received first (the helper submits them in order) ranks first.
    challenge, proposals, _m = scored_challenge([7, 7, 7])
    ranking = challenge_ranking(challenge)
    assert ranking.order() == [p.pk for p in proposals]
    assert [r.tie_break for r in ranking.rows[1:]] == ["submission", "submission"]


def test_the_progress_lists_who_has_not_submitted_what():
    challenge, (p1, p2), (_m1, _m2, m3) = scored_challenge([[7, 7, None], [7, 7, [7, None, None]]])
    progress = challenge_ranking(challenge).progress
    assert not progress.complete
    assert (progress.expected, progress.done) == (6, 4)
    assert {(m.member.pk, m.proposal.pk, m.criteria) for m in progress.missing} == {
        (m3.pk, p1.pk, 3),
        (m3.pk, p2.pk, 2),
    }


def test_the_ranking_costs_the_same_queries_at_any_size(django_assert_num_queries):
    small, *_ = scored_challenge([7, 8])
    large, *_ = scored_challenge([7, 8, 6, 5, 9, 4], experts=5)
    for challenge in (small, large):
        challenge.__dict__.pop("_evaluation_settings", None)
        with django_assert_num_queries(6):
            ranking = challenge_ranking(challenge)
        assert len(ranking.rows) in (2, 6)


# ---------------------------------------------------------------------------------------------
# Who sees the page


STAGES = [Stage.OPENED, Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED]
MATRIX = [(stage, role) for stage in STAGES for role in ROLES + PANEL_ROLES]


def expected_status(stage, role) -> int:
    if stage == Stage.OPENED:
        return 404  # no ranking before the evaluation starts
    if stage == Stage.DECIDED:
        return 200  # public with the decision
    if role in ("body_official", "body_approver", "chair", "social_witness"):
        return 200
    return 302 if role == "anonymous" else 403


@pytest.mark.parametrize(("stage", "role"), MATRIX, ids=[f"{s}-{r}" for s, r in MATRIX])
def test_who_sees_the_ranking_page(client, stage, role):
    challenge = challenge_in(stage)
    user = someone(role, challenge)
    if role != "anonymous":
        client.force_login(user)
    response = client.get(url(challenge))
    assert response.status_code == expected_status(stage, role)
    assert rules.can(user, "ranking:view", challenge) == (expected_status(stage, role) == 200)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("stage", [Stage.CANCELLED, Stage.DESERTED])
def test_an_ended_challenge_shows_its_ranking_only_with_a_decision_in_force(client, stage):
    challenge = challenge_in(stage, evaluation_at=timezone.now())
    assert client.get(url(challenge)).status_code == 302
    Decision.objects.create(
        challenge=challenge,
        outcome="deserted",
        justification="Ninguna propuesta alcanzó el mínimo.",
        decided_by=approver_of(challenge),
        record_sha256="0" * 64,
    )
    assert client.get(url(challenge)).status_code == 200


def test_a_draft_or_a_missing_challenge_is_a_404_even_for_its_approver(client):
    challenge = challenge_in(Stage.DRAFT, evaluation_at=None)
    client.force_login(approver_of(challenge))
    assert client.get(url(challenge)).status_code == 404
    assert client.get(url(challenge).replace(challenge.slug, "no-existe")).status_code == 404


# ---------------------------------------------------------------------------------------------
# What the page shows


def test_the_page_explains_the_calculation_with_the_numbers(client):
    challenge, (p1, p2), _m = scored_challenge([[7, 8, 9], [5, 6, 10]])
    client.force_login(approver_of(challenge))
    page = client.get("/en" + url(challenge)).content.decode()
    # P1: 8 on every criterion → 80.00; P2: 7 → 70.00, spreads 5 points: flagged.
    assert "80.00" in page and "70.00" in page
    assert "8.00 × 40 % × 10 = 32.00" in page
    assert "Flagged for discussion" in page
    assert p1.company.name in page and p2.company.name in page


def test_the_page_warns_while_scores_are_missing(client):
    challenge, (_p1, _p2), (_m1, _m2, m3) = scored_challenge([7, [7, 7, None]])
    client.force_login(approver_of(challenge))
    response = client.get("/en" + url(challenge))
    page = response.content.decode()
    assert "Provisional: scores are missing" in page
    assert m3.full_name in page


def test_the_chair_sees_neutral_labels_during_a_blind_first_round(client):
    challenge, proposals, (chair, *_others) = scored_challenge([7, 8])
    client.force_login(chair.user)
    page = client.get(url(challenge)).content.decode()
    for proposal in proposals:
        assert proposal.company.name not in page
    ranking = challenge_ranking(challenge)
    for entry in ranking.entries:
        assert entry.label in page
    # The official sees the names.
    client.force_login(approver_of(challenge))
    page = client.get(url(challenge)).content.decode()
    assert all(p.company.name in page for p in proposals)


def test_the_chair_sees_names_when_the_round_is_not_blind_or_is_over(client):
    challenge, proposals, (chair, *_others) = scored_challenge([7, 8])
    settings_for(challenge, blind_first_round=False)
    client.force_login(chair.user)
    assert proposals[0].company.name in client.get(url(challenge)).content.decode()
    settings_for(challenge, blind_first_round=True)
    challenge.stage = Stage.FINALISTS
    challenge.finalists_at = timezone.now()
    challenge.save(update_fields=["stage", "finalists_at"])
    assert proposals[0].company.name in client.get(url(challenge)).content.decode()


def test_hostile_names_are_shown_escaped(client):
    challenge, (p1,), _m = scored_challenge([7])
    p1.company.name = "<script>alert('x')</script>'; DROP TABLE proposals_proposal; --"
    p1.company.save(update_fields=["name"])
    criterion = challenge.criteria.first()
    criterion.name = "<img src=x onerror=alert(1)>"
    criterion.save(update_fields=["name"])
    client.force_login(approver_of(challenge))
    page = client.get(url(challenge)).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("size", [2, 6])
def test_the_ranking_page_query_budget(client, django_assert_max_num_queries, size):
    challenge, _p, _m = scored_challenge([7] * size, experts=3 if size == 2 else 5)
    client.force_login(approver_of(challenge))
    with django_assert_max_num_queries(11):
        response = client.get(url(challenge))
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# The finalists panel of the challenge page


def test_no_finalists_panel_and_no_query_before_evaluation(django_assert_num_queries):
    challenge = challenge_in(Stage.OPENED)
    with django_assert_num_queries(0):
        assert finalists_summary(person("anonymous", challenge.body), challenge) is None


def test_the_panel_during_evaluation_is_for_those_who_act(django_assert_max_num_queries):
    challenge = challenge_in(Stage.EVALUATION)
    assert finalists_summary(person("anonymous", challenge.body), challenge) is None
    assert finalists_summary(person("plain_user", challenge.body), challenge) is None
    summary = finalists_summary(approver_of(challenge), challenge)
    assert summary == {"confirmed": False, "can_confirm": True, "can_view_ranking": True}
    chair = someone("chair", challenge)
    with django_assert_max_num_queries(5):
        summary = finalists_summary(chair, challenge)
    assert summary["can_view_ranking"] and not summary["can_confirm"]
