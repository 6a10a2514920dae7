"""Confirming the finalists (``retos.evaluation.finalists``) and its page: the ranking's
proposal, deviations only with a published justification, the refusals, the transition's guard,
the ledger, the notifications and who may do it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from retos.challenges import services as challenge_services
from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.errors import DomainError
from retos.evaluation.finalists import finalists_confirm, finalists_in_force
from retos.evaluation.models import Finalist, FinalistSelection
from retos.evaluation.ranking import challenge_ranking
from retos.evaluation.ranking_forms import field_name
from retos.ledger.models import Event
from retos.notifications.models import EmailDelivery, Kind, Notification
from tests.evaluation_helpers import settings_for
from tests.lifecycle import ROLES, challenge_in
from tests.ranking_helpers import (
    PANEL_ROLES,
    approver_of,
    evaluation_started_now,
    ready_confirm_finalists,
    scored_challenge,
    someone,
)

pytestmark = pytest.mark.django_db


def confirm_url(challenge):
    return reverse("ranking:confirm_finalists", kwargs={"slug": challenge.slug})


def company_users(proposal):
    return {m.user_id for m in proposal.company.memberships.all()}


# ---------------------------------------------------------------------------------------------
# Confirming the ranking's proposal


def test_confirming_the_proposal_records_everything_and_moves_the_stage():
    # Totals 80, 70, 90, 50: the top two at or above 60 are P3 then P1.
    challenge, (p1, p2, p3, p4), _m = scored_challenge([8, 7, 9, 5], finalists_count=2)
    approver = approver_of(challenge)
    selection = finalists_confirm(challenge=challenge, actor=approver, confirmed=[p3.pk, p1.pk])
    assert (selection.proposed, selection.confirmed, selection.justification) == (
        [p3.pk, p1.pk],
        [p3.pk, p1.pk],
        "",
    )
    assert not selection.deviates
    assert [(f.proposal_id, f.position) for f in selection.finalists.all()] == [
        (p3.pk, 1),
        (p1.pk, 2),
    ]
    assert selection.ranking["method"] == "mean"
    assert [r["company"] for r in selection.ranking["rows"]] == [
        p.company.name for p in (p3, p1, p2, p4)
    ]
    assert challenge.stage == Stage.FINALISTS
    challenge.refresh_from_db()
    assert challenge.stage == Stage.FINALISTS and challenge.finalists_at is not None
    assert finalists_in_force(challenge) == [p3, p1]
    event = Event.objects.get(action="finalists.confirmed")
    assert event.public
    assert event.payload["finalists"] == [
        {"position": 1, "proposal": p3.pk, "company": p3.company.name},
        {"position": 2, "proposal": p1.pk, "company": p1.company.name},
    ]
    assert event.payload["deviation"] is False
    assert Event.objects.filter(action="challenge.confirm_finalists", public=True).exists()


def test_only_proposals_at_or_above_the_minimum_are_proposed():
    # Totals 59, 60: only the second reaches the minimum of 60.
    challenge, (p1, p2), _m = scored_challenge(["5.9", 6])
    ranking = challenge_ranking(challenge)
    assert ranking.proposed == [p2.pk]
    with pytest.raises(DomainError) as excinfo:
        finalists_confirm(
            challenge=challenge,
            actor=approver_of(challenge),
            confirmed=[p2.pk, p1.pk],
            justification="Queremos dos.",
        )
    assert excinfo.value.code == "not_eligible"


def test_finalists_are_notified_with_the_demo_deadline():
    challenge, (p1, p2, p3), _m = scored_challenge([8, 7, 3])
    deadline = timezone.now() + timedelta(days=15)
    settings_for(challenge, demo_deadline=deadline)
    finalists_confirm(challenge=challenge, actor=approver_of(challenge), confirmed=[p1.pk, p2.pk])
    notified = set(
        Notification.objects.filter(kind=Kind.FINALIST_SELECTED).values_list("user_id", flat=True)
    )
    assert notified == company_users(p1) | company_users(p2)
    assert not notified & company_users(p3)
    assert EmailDelivery.objects.filter(kind=Kind.FINALIST_SELECTED).count() == len(notified)
    note = Notification.objects.filter(user_id__in=company_users(p1)).get(
        kind=Kind.FINALIST_SELECTED
    )
    assert "demo" in note.body.lower()
    assert str(p1.public_id) in note.url


# ---------------------------------------------------------------------------------------------
# Deviations


@pytest.mark.parametrize(
    "choice",
    ["other_set", "other_order", "fewer"],
)
def test_a_deviation_needs_a_justification_which_is_published(choice, client):
    challenge, (p1, p2, p3), _m = scored_challenge([9, 8, 7], finalists_count=2)
    confirmed = {
        "other_set": lambda: [p1.pk, p3.pk],
        "other_order": lambda: [p2.pk, p1.pk],
        "fewer": lambda: [p1.pk],
    }[choice]()
    approver = approver_of(challenge)
    for blank in ("", "   \n "):
        with pytest.raises(DomainError) as excinfo:
            finalists_confirm(
                challenge=challenge, actor=approver, confirmed=confirmed, justification=blank
            )
        assert excinfo.value.code == "justification_required"
    assert not FinalistSelection.objects.exists()
    challenge.refresh_from_db()
    assert challenge.stage == Stage.EVALUATION
    text = "La propuesta 3 demostró un prototipo funcional en la revisión."
    selection = finalists_confirm(
        challenge=challenge, actor=approver, confirmed=confirmed, justification=text
    )
    assert selection.deviates and selection.justification == text
    assert selection.proposed == [p1.pk, p2.pk]
    event = Event.objects.get(action="finalists.confirmed")
    assert event.payload["deviation"] is True and event.payload["justification"] == text
    # The public sees it on the challenge page.
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert text in page
    assert p1.company.name in page


@pytest.mark.parametrize(
    ("confirmed", "code"),
    [
        ([], "empty"),
        (["a"], "not_eligible"),
        ([999999], "not_eligible"),
        ("dup", "duplicate"),
        ("all", "too_many"),
    ],
)
def test_a_choice_that_cannot_be_is_refused(confirmed, code):
    challenge, proposals, _m = scored_challenge([9, 8, 7], finalists_count=2)
    if confirmed == "dup":
        confirmed = [proposals[0].pk, proposals[0].pk]
    elif confirmed == "all":
        confirmed = [p.pk for p in proposals]
    with pytest.raises(DomainError) as excinfo:
        finalists_confirm(
            challenge=challenge,
            actor=approver_of(challenge),
            confirmed=confirmed,
            justification="Motivo.",
        )
    assert excinfo.value.code == code
    assert not FinalistSelection.objects.exists()


def test_an_oversized_justification_is_refused():
    challenge, (p1, p2), _m = scored_challenge([9, 8])
    with pytest.raises(DomainError) as excinfo:
        finalists_confirm(
            challenge=challenge,
            actor=approver_of(challenge),
            confirmed=[p2.pk, p1.pk],
            justification="x" * 5001,
        )
    assert excinfo.value.code == "too_long"


# ---------------------------------------------------------------------------------------------
# Refusals: incomplete, nothing eligible


def test_an_incomplete_evaluation_is_refused_naming_who_and_what():
    challenge, (p1, p2), (m1, _m2, m3) = scored_challenge([8, [7, 7, [7, None, None]]])
    with pytest.raises(DomainError) as excinfo:
        finalists_confirm(
            challenge=challenge, actor=approver_of(challenge), confirmed=[p1.pk, p2.pk]
        )
    assert excinfo.value.code == "evaluation_incomplete"
    assert m3.full_name in excinfo.value.message
    assert p2.company.name in excinfo.value.message
    assert m1.full_name not in excinfo.value.message
    challenge.refresh_from_db()
    assert challenge.stage == Stage.EVALUATION


def test_nothing_eligible_is_refused_suggesting_the_challenge_be_declared_deserted():
    challenge, (p1,), _m = scored_challenge([5])
    with pytest.raises(DomainError) as excinfo:
        finalists_confirm(challenge=challenge, actor=approver_of(challenge), confirmed=[p1.pk])
    assert excinfo.value.code == "nothing_eligible"
    assert "declare desierto el reto" in excinfo.value.message


def test_no_accepted_panel_is_refused():
    challenge = challenge_in(Stage.EVALUATION)
    with pytest.raises(DomainError) as excinfo:
        finalists_confirm(challenge=challenge, actor=approver_of(challenge), confirmed=[1])
    assert excinfo.value.code == "evaluation_incomplete"


# ---------------------------------------------------------------------------------------------
# The transition's guard


def test_the_bare_transition_is_refused_without_a_selection():
    challenge = challenge_in(Stage.EVALUATION)
    with pytest.raises(DomainError) as excinfo:
        challenge_services.challenge_confirm_finalists(
            challenge=challenge, actor=approver_of(challenge)
        )
    assert excinfo.value.code == "confirm_finalists_blocked"
    challenge.refresh_from_db()
    assert challenge.stage == Stage.EVALUATION


def test_a_voided_or_older_selection_does_not_open_the_guard():
    challenge = challenge_in(Stage.EVALUATION)
    approver = approver_of(challenge)
    old = ready_confirm_finalists(challenge, approver)
    FinalistSelection.objects.filter(pk=old.pk).update(
        confirmed_at=challenge.evaluation_at - timedelta(days=1)
    )
    with pytest.raises(DomainError):
        challenge_services.challenge_confirm_finalists(challenge=challenge, actor=approver)
    FinalistSelection.objects.filter(pk=old.pk).update(
        confirmed_at=timezone.now(), voided_at=timezone.now(), void_reason="Queja fundada."
    )
    with pytest.raises(DomainError):
        challenge_services.challenge_confirm_finalists(challenge=challenge, actor=approver)
    ready_confirm_finalists(challenge, approver)
    challenge_services.challenge_confirm_finalists(challenge=challenge, actor=approver)
    challenge.refresh_from_db()
    assert challenge.stage == Stage.FINALISTS


def test_after_a_reopening_a_new_selection_replaces_the_old_one():
    challenge, (p1, p2), _m = scored_challenge([9, 8])
    approver = approver_of(challenge)
    first = finalists_confirm(challenge=challenge, actor=approver, confirmed=[p1.pk, p2.pk])
    # An upheld complaint sends it back (as challenge_reopen_evaluation does).
    challenge.stage = Stage.EVALUATION
    challenge.save(update_fields=["stage"])
    evaluation_started_now(challenge)
    second = finalists_confirm(challenge=challenge, actor=approver, confirmed=[p1.pk, p2.pk])
    first.refresh_from_db()
    assert first.voided_at is not None and first.void_reason
    assert second.voided_at is None
    assert list(Finalist.objects.filter(selection__voided_at__isnull=True)) == list(
        second.finalists.all()
    )


# ---------------------------------------------------------------------------------------------
# Who may confirm


STAGES = [Stage.OPENED, Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED]
MATRIX = [(stage, role) for stage in STAGES for role in ROLES + PANEL_ROLES]


@pytest.mark.parametrize(("stage", "role"), MATRIX, ids=[f"{s}-{r}" for s, r in MATRIX])
def test_only_the_bodys_approver_confirms_and_only_during_evaluation(stage, role):
    challenge = challenge_in(stage)
    user = someone(role, challenge)
    allowed = role == "body_approver" and stage == Stage.EVALUATION
    assert rules.can(user, "finalists:confirm", challenge) == allowed
    if not allowed:
        events = Event.objects.count()
        with pytest.raises(PermissionDenied):
            finalists_confirm(challenge=challenge, actor=user, confirmed=[1])
        assert Event.objects.count() == events
        assert not FinalistSelection.objects.exists()


def confirm_page_status(stage, role) -> int:
    if role == "anonymous":
        return 302  # to the log-in page, whatever the stage
    if stage == Stage.OPENED:
        return 404
    if role == "body_approver" and stage == Stage.EVALUATION:
        return 200
    return 403


@pytest.mark.parametrize(("stage", "role"), MATRIX, ids=[f"{s}-{r}" for s, r in MATRIX])
def test_who_opens_the_confirmation_page(client, stage, role):
    challenge = challenge_in(stage)
    user = someone(role, challenge)
    if role != "anonymous":
        client.force_login(user)
    assert client.get(confirm_url(challenge)).status_code == confirm_page_status(stage, role)


# ---------------------------------------------------------------------------------------------
# The page


def _post_data(ranking, positions, justification=""):
    data = {"justification": justification}
    for entry in ranking.eligible_entries:
        data[field_name(entry.proposal)] = str(positions.get(entry.proposal.pk, 0))
    return data


def test_the_page_offers_the_proposal_and_confirms_it(client):
    challenge, (p1, p2, p3), _m = scored_challenge([7, 9, 8], finalists_count=2)
    client.force_login(approver_of(challenge))
    response = client.get("/en" + confirm_url(challenge))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The ranking's proposal" in page
    ranking = challenge_ranking(challenge)
    assert ranking.proposed == [p2.pk, p3.pk]
    form = response.context["form"]
    assert form[field_name(p2)].value() == "1" and form[field_name(p1)].value() == "0"
    response = client.post(confirm_url(challenge), _post_data(ranking, {p2.pk: 1, p3.pk: 2}))
    assert response.status_code == 302
    assert response["Location"] == challenge.get_absolute_url()
    assert finalists_in_force(challenge) == [p2, p3]


def test_the_page_refuses_a_deviation_without_justification_and_keeps_the_choice(client):
    challenge, (p1, p2, _p3), _m = scored_challenge([7, 9, 8], finalists_count=2)
    client.force_login(approver_of(challenge))
    ranking = challenge_ranking(challenge)
    response = client.post(
        "/en" + confirm_url(challenge), _post_data(ranking, {p1.pk: 1, p2.pk: 2})
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "write the justification" in page
    assert 'href="#id_justification"' in page
    assert response.context["form"][field_name(p1)].value() == "1"
    assert not FinalistSelection.objects.exists()


def test_the_page_refuses_two_finalists_in_one_position(client):
    challenge, (p1, p2), _m = scored_challenge([9, 8])
    client.force_login(approver_of(challenge))
    ranking = challenge_ranking(challenge)
    response = client.post(confirm_url(challenge), _post_data(ranking, {p1.pk: 1, p2.pk: 1}))
    assert response.status_code == 400
    assert not FinalistSelection.objects.exists()


def test_a_hostile_justification_is_stored_as_typed_and_shown_escaped(client):
    challenge, (p1, p2), _m = scored_challenge([9, 8])
    client.force_login(approver_of(challenge))
    ranking = challenge_ranking(challenge)
    hostile = "<script>alert(1)</script>' OR 1=1; --"
    response = client.post(
        confirm_url(challenge), _post_data(ranking, {p2.pk: 1, p1.pk: 2}, justification=hostile)
    )
    assert response.status_code == 302
    assert FinalistSelection.objects.get().justification == hostile
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#x27; OR 1=1; --" in page


def test_an_oversized_justification_is_refused_by_the_page(client):
    challenge, (p1, p2), _m = scored_challenge([9, 8])
    client.force_login(approver_of(challenge))
    ranking = challenge_ranking(challenge)
    response = client.post(
        confirm_url(challenge),
        _post_data(ranking, {p2.pk: 1, p1.pk: 2}, justification="x" * 100_000),
    )
    assert response.status_code == 400
    assert not FinalistSelection.objects.exists()


def test_the_page_explains_why_it_cannot_confirm_yet(client):
    challenge, (_p1,), (_m1, _m2, m3) = scored_challenge([[8, 8, None]])
    client.force_login(approver_of(challenge))
    response = client.get("/en" + confirm_url(challenge))
    page = response.content.decode()
    assert response.context["form"] is None
    assert "The evaluation is not complete" in page and m3.full_name in page
    response = client.post(confirm_url(challenge), {"justification": ""})
    assert response.status_code == 400
    assert not FinalistSelection.objects.exists()


def test_the_page_suggests_declaring_deserted_when_nothing_is_eligible(client):
    challenge, _p, _m = scored_challenge([4, 5])
    client.force_login(approver_of(challenge))
    page = client.get("/en" + confirm_url(challenge)).content.decode()
    assert "declare the challenge deserted" in page


def test_after_confirming_the_approver_is_sent_to_the_challenge(client):
    challenge, (p1,), _m = scored_challenge([9])
    approver = approver_of(challenge)
    finalists_confirm(challenge=challenge, actor=approver, confirmed=[p1.pk])
    client.force_login(approver)
    response = client.get(confirm_url(challenge))
    assert response.status_code == 302 and response["Location"] == challenge.get_absolute_url()


@pytest.mark.parametrize("size", [2, 6])
def test_the_confirmation_page_query_budget(client, django_assert_max_num_queries, size):
    challenge, _p, _m = scored_challenge([7] * size, experts=3 if size == 2 else 5)
    client.force_login(approver_of(challenge))
    with django_assert_max_num_queries(11):
        response = client.get(confirm_url(challenge))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 4])
def test_the_challenge_pages_finalists_panel_costs_the_same(
    client, django_assert_max_num_queries, size
):
    challenge, proposals, _m = scored_challenge([9] * size)
    finalists_confirm(
        challenge=challenge,
        actor=approver_of(challenge),
        confirmed=[p.pk for p in proposals],
    )
    from retos.evaluation.ranking import finalists_summary
    from tests.lifecycle import person

    with django_assert_max_num_queries(3):
        summary = finalists_summary(person("anonymous", challenge.body), challenge)
    assert [f.company for f in summary["finalists"]] == [p.company.name for p in proposals]
    assert not summary["deviates"]
