"""The decision (fallo): ``decision_publish`` — a winner among the finalists or deserted, the
frozen public record with its SHA-256, the PDF with its SHA-256, the complaint window in
business days, the ledger event, the transition and its guard, the notifications."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from retos.challenges import services as challenge_services
from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.decisions import services
from retos.decisions.models import Decision, DecisionReason, Outcome
from retos.decisions.record import canonical_bytes
from retos.evaluation.models import ConflictDeclaration, Score
from retos.ledger.models import Event
from retos.notifications.models import Kind, Notification
from retos.proposals import services as proposal_services
from tests.decision_helpers import (
    approver_of,
    confirm_finalists,
    finalists_stage,
    ready_for_decide,
)
from tests.evaluation_helpers import in_stage, opened_challenge, settings_for

pytestmark = pytest.mark.django_db


def reasons_for(situation, winner=None, text="No alcanzó el puntaje de la ganadora."):
    return {p.pk: f"{text} ({p.company.name})" for p in situation.proposals if p != winner}


def publish(situation, *, winner="first", justification="La mejor demostración.", **kwargs):
    challenge = situation.challenge
    winner = situation.finalists[0] if winner == "first" else winner
    return services.decision_publish(
        challenge=challenge,
        actor=kwargs.pop("actor", None) or approver_of(challenge),
        winner=winner,
        justification=justification,
        reasons=kwargs.pop("reasons", None) or reasons_for(situation, winner),
    )


# --- Publishing a winner ----------------------------------------------------------------------


def test_publishing_a_winner_decides_the_challenge_and_freezes_the_record():
    s = finalists_stage(3, finalists=2, committee=2)
    winner = s.finalists[0]
    decision = publish(s)

    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.DECIDED
    assert decision.outcome == Outcome.WINNER
    assert decision.winner == winner
    assert Decision.objects.in_force().get(challenge=s.challenge) == decision
    reasons = DecisionReason.objects.filter(decision=decision)
    assert {r.proposal_id for r in reasons} == {p.pk for p in s.proposals if p != winner}

    record = Decision.objects.get(pk=decision.pk).record  # as read back from the database
    assert hashlib.sha256(canonical_bytes(record)).hexdigest() == decision.record_sha256
    assert record["decision"]["winner"]["proposal"] == str(winner.public_id)
    assert record["decision"]["winner"]["company"]["name"] == winner.company.name
    assert record["decision"]["justification"] == "La mejor demostración."
    # Every admissible proposal, its rank and per-criterion scores in the first round…
    rows = record["ranking"]["proposals"]["rows"]
    assert [r["proposal"] for r in rows] == [str(p.public_id) for p in s.proposals]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert all(len(r["criteria"]) == 3 for r in rows)
    assert rows[0]["criteria"][0]["aggregate"] == "9.00"
    # … and the demo round's, for the finalists.
    demo_rows = record["ranking"]["demos"]["rows"]
    assert [r["proposal"] for r in demo_rows] == [str(p.public_id) for p in s.finalists]
    # Each expert by name, each score with its justification.
    names = {m["name"] for m in record["panel"]}
    assert {m.full_name for m in s.experts + s.committee} == names
    assert len(record["scores"]) == Score.objects.submitted().count()
    assert {sc["justification"] for sc in record["scores"] if sc["round"] == "proposals"} == {
        f"Justificación {m.pk}" for m in s.experts
    }
    # The declarations, the reasons, the finalists.
    assert len(record["conflicts"]) == ConflictDeclaration.objects.count()
    by_id = {p["proposal"]: p for p in record["proposals"]}
    assert by_id[str(winner.public_id)]["selected"] is True
    assert by_id[str(winner.public_id)]["reason_not_selected"] is None
    for p in s.proposals[1:]:
        assert by_id[str(p.public_id)]["reason_not_selected"].startswith("No alcanzó")
    assert record["finalists"]["confirmed"] == [str(p.public_id) for p in s.finalists]
    assert record["settings"]["method"] == "mean"


def test_the_pdf_is_stored_with_its_sha256():
    s = finalists_stage(2, finalists=2)
    decision = publish(s)
    with decision.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == decision.pdf_sha256


def test_the_ledger_event_is_public_and_carries_both_digests():
    s = finalists_stage(2, finalists=2)
    decision = publish(s)
    event = Event.objects.get(action="decision.published")
    assert event.public
    assert event.subject_id == str(decision.pk)
    assert event.payload["record_sha256"] == decision.record_sha256
    assert event.payload["pdf_sha256"] == decision.pdf_sha256
    assert event.payload["winner"] == str(s.finalists[0].public_id)
    # The transition follows, in the same transaction.
    assert Event.objects.filter(action="challenge.decide").exists()


def test_every_bidder_is_notified_with_the_complaint_window():
    s = finalists_stage(3, finalists=1)
    decision = publish(s)
    notified = set(
        Notification.objects.filter(kind=Kind.DECISION_PUBLISHED).values_list("user", flat=True)
    )
    assert {u.pk for u in s.members.values()} <= notified
    note = Notification.objects.filter(kind=Kind.DECISION_PUBLISHED).first()
    assert f"/retos/{s.challenge.slug}/fallo/" in note.url
    assert decision.complaints_close_at is not None


def test_a_non_admissible_bidder_is_notified_too():
    challenge, proposals = opened_challenge(2, admissible=False)
    official = approver_of(challenge)
    proposal_services.proposal_admissibility_set(
        proposal=proposals[0], actor=official, admissible=False, reason="Sin firma."
    )
    from tests.decision_helpers import company_member_of

    member = company_member_of(proposals[0])
    services.decision_publish(
        challenge=challenge,
        actor=official,
        winner=None,
        justification="Nada admisible.",
        reasons={},
    )
    assert Notification.objects.filter(kind=Kind.DECISION_PUBLISHED, user=member).exists()


# --- Deserted ---------------------------------------------------------------------------------


def test_deserted_is_required_when_no_proposal_is_admissible():
    challenge, proposals = opened_challenge(2, admissible=False)
    approver = approver_of(challenge)
    for p in proposals:
        proposal_services.proposal_admissibility_set(
            proposal=p, actor=approver, admissible=False, reason="Incompleta."
        )
    options = services.decision_options(challenge)
    assert options["deserted_required"]
    decision = services.decision_publish(
        challenge=challenge,
        actor=approver,
        winner=None,
        justification="Ninguna propuesta fue admisible.",
        reasons={},
    )
    challenge.refresh_from_db()
    assert challenge.stage == Stage.DESERTED
    assert challenge.outcome_reason == "Ninguna propuesta fue admisible."
    assert decision.outcome == Outcome.DESERTED and decision.winner is None
    assert decision.record["proposals"] == []


def test_a_winner_is_refused_when_none_reaches_the_minimum():
    s = finalists_stage(2, finalists=1, values=[5, 4])  # raw 50 and 40, minimum 60
    with pytest.raises(DomainError) as exc:
        publish(s)
    assert exc.value.code == "deserted_required"
    assert not Decision.objects.exists()
    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.FINALISTS


def test_deserted_is_allowed_with_a_reason_even_with_finalists():
    s = finalists_stage(2, finalists=2)
    decision = publish(s, winner=None, justification="Ninguna demo funcionó.")
    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.DESERTED
    assert s.challenge.outcome_reason == "Ninguna demo funcionó."
    assert set(decision.reasons.values_list("proposal", flat=True)) == {p.pk for p in s.proposals}
    assert Event.objects.filter(action="challenge.declare_deserted").exists()


def test_deserted_may_be_published_during_evaluation():
    s = finalists_stage(2, finalists=0)
    assert s.challenge.stage == Stage.EVALUATION
    publish(s, winner=None, justification="Sin presupuesto.")
    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.DESERTED


def test_a_winner_needs_the_finalists_stage():
    s = finalists_stage(2, finalists=1)
    in_stage(s.challenge, Stage.EVALUATION)
    with pytest.raises(DomainError) as exc:
        publish(s)
    assert exc.value.code == "not_finalists_stage"


# --- Refusals ---------------------------------------------------------------------------------


def test_the_winner_must_be_a_finalist():
    s = finalists_stage(3, finalists=1)
    with pytest.raises(DomainError) as exc:
        publish(s, winner=s.proposals[2])
    assert exc.value.code == "not_finalist"
    assert not Decision.objects.exists()


@pytest.mark.parametrize("missing", ["empty", "absent"])
def test_a_reason_is_required_for_each_admissible_proposal_not_selected(missing):
    s = finalists_stage(3, finalists=2)
    reasons = reasons_for(s, s.finalists[0])
    last = s.proposals[2].pk
    if missing == "empty":
        reasons[last] = "   "
    else:
        del reasons[last]
    with pytest.raises(DomainError) as exc:
        publish(s, reasons=reasons)
    assert exc.value.code == "reason_required"
    assert s.proposals[2].company.name in str(exc.value)
    assert not Decision.objects.exists()
    assert not Event.objects.filter(action="decision.published").exists()


def test_a_reason_for_the_winner_is_refused():
    s = finalists_stage(2, finalists=2)
    reasons = reasons_for(s, None)
    with pytest.raises(DomainError) as exc:
        publish(s, reasons=reasons)
    assert exc.value.code == "reason_unexpected"


@pytest.mark.parametrize("justification", ["", "   \n "])
def test_the_justification_is_required(justification):
    s = finalists_stage(2, finalists=1)
    with pytest.raises(DomainError) as exc:
        publish(s, justification=justification)
    assert exc.value.code == "justification_required"


def test_an_oversized_justification_is_refused():
    s = finalists_stage(2, finalists=1)
    with pytest.raises(DomainError) as exc:
        publish(s, justification="x" * (services.JUSTIFICATION_MAX + 1))
    assert exc.value.code == "too_long"


def test_a_second_decision_is_refused_while_one_is_in_force():
    s = finalists_stage(2, finalists=1)
    publish(s)
    with pytest.raises(PermissionDenied):
        publish(s)
    assert Decision.objects.count() == 1


def test_only_the_body_approver_publishes():
    s = finalists_stage(2, finalists=1)
    from tests.decision_helpers import official_of

    for actor in (official_of(s.challenge), s.members[s.finalists[0].pk], s.chair.user):
        with pytest.raises(PermissionDenied):
            publish(s, actor=actor)
    assert not Decision.objects.exists()


# --- The guard of the bare transition ------------------------------------------------------------


def test_the_bare_decide_transition_is_refused_without_a_decision():
    s = finalists_stage(2, finalists=1)
    with pytest.raises(DomainError) as exc:
        challenge_services.challenge_decide(challenge=s.challenge, actor=approver_of(s.challenge))
    assert exc.value.code == "decide_blocked"
    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.FINALISTS


def test_a_decision_older_than_the_latest_finalists_confirmation_does_not_count():
    s = finalists_stage(2, finalists=1)
    approver = approver_of(s.challenge)
    with time_machine.travel(datetime(2020, 1, 1, tzinfo=UTC)):
        ready_for_decide(s.challenge, approver)
    with pytest.raises(DomainError):
        challenge_services.challenge_decide(challenge=s.challenge, actor=approver)


def test_ready_for_decide_lets_the_bare_transition_through():
    s = finalists_stage(2, finalists=1)
    approver = approver_of(s.challenge)
    ready_for_decide(s.challenge, approver)
    challenge_services.challenge_decide(challenge=s.challenge, actor=approver)
    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.DECIDED


def test_a_new_selection_after_a_voided_decision_needs_a_new_decision():
    s = finalists_stage(2, finalists=1)
    decision = publish(s)
    decision.voided_at = decision.published_at
    decision.void_reason = "Inconformidad procedente."
    decision.save(update_fields=["voided_at", "void_reason"])
    s.challenge.finalist_selections.update(voided_at=decision.published_at, void_reason="x")
    in_stage(s.challenge, Stage.EVALUATION)
    confirm_finalists(s.challenge, s.proposals[:1])
    with pytest.raises(DomainError):
        challenge_services.challenge_decide(challenge=s.challenge, actor=approver_of(s.challenge))
    again = publish(s)
    assert again.pk != decision.pk
    assert Decision.objects.in_force().get() == again


# --- The complaint window in business days -------------------------------------------------------

MEXICO = "America/Mexico_City"


def test_the_window_skips_weekends_and_a_monday_holiday():
    # Friday 30 January 2026; Monday 2 February is Constitution Day.
    published = datetime(2026, 1, 30, 12, 0, tzinfo=ZoneInfo(MEXICO))
    closes = services.complaints_close(published, business_days=6, time_zone=MEXICO)
    assert closes == datetime(2026, 2, 10, 23, 59, 59, tzinfo=ZoneInfo(MEXICO))


def test_the_window_counts_from_the_day_on_the_body_clock():
    # 02:00 UTC on Saturday is still Friday evening in Mexico City.
    published = datetime(2026, 1, 31, 2, 0, tzinfo=UTC)
    closes = services.complaints_close(published, business_days=1, time_zone=MEXICO)
    assert closes == datetime(2026, 2, 3, 23, 59, 59, tzinfo=ZoneInfo(MEXICO))


def test_a_decision_published_on_the_friday_before_a_holiday_closes_complaints_later():
    friday = datetime(2026, 1, 30, 11, 0, tzinfo=ZoneInfo(MEXICO))
    with time_machine.travel(friday, tick=False):
        s = finalists_stage(2, finalists=1)
        s.challenge.body.time_zone = MEXICO
        s.challenge.body.save(update_fields=["time_zone"])
        settings_for(s.challenge, complaint_business_days=6, minimum_score=Decimal(60))
        decision = publish(s)
    assert decision.complaints_close_at == datetime(
        2026, 2, 10, 23, 59, 59, tzinfo=ZoneInfo(MEXICO)
    )
    assert decision.record["decision"]["complaints_close_at"] == "2026-02-11T05:59:59+00:00"


# --- What the record carries ------------------------------------------------------------------


def test_the_record_carries_corrections_conflicts_and_the_deviation(client):
    from django.urls import reverse

    from retos.evaluation.models import Finalist, FinalistSelection

    s = finalists_stage(3, finalists=2)
    chair = s.chair
    original = Score.objects.filter(member=s.experts[1], proposal=s.proposals[0]).first()
    Score.objects.create(
        member=original.member,
        proposal=original.proposal,
        criterion=original.criterion,
        round=original.round,
        value=Decimal("6.0"),
        justification="Corregida tras la discusión.",
        submitted_at=original.submitted_at,
        corrects=original,
        correction_reason="Error de captura.",
        entered_by=chair.user,
    )
    declaration = ConflictDeclaration.objects.filter(
        member=s.experts[2], proposal=s.proposals[2]
    ).get()
    declaration.has_conflict = True
    declaration.note = "Trabajé en esa empresa."
    declaration.save(update_fields=["has_conflict", "note"])
    selection = FinalistSelection.objects.get(challenge=s.challenge)
    FinalistSelection.objects.filter(pk=selection.pk).update(
        proposed=[s.proposals[1].pk, s.proposals[0].pk],
        justification="Se prefirió el orden por la viabilidad.",
    )
    assert Finalist.objects.filter(selection=selection).count() == 2
    decision = publish(s)
    record = decision.record
    correction = next(sc for sc in record["scores"] if sc["corrects"] == original.pk)
    assert correction["correction_reason"] == "Error de captura."
    assert correction["entered_by"] == chair.user.display_name
    assert next(sc for sc in record["scores"] if sc["id"] == original.pk)["superseded"]
    conflict = next(c for c in record["conflicts"] if c["has_conflict"])
    assert conflict["note"] == "Trabajé en esa empresa."
    assert conflict["name"] == s.experts[2].full_name
    assert record["finalists"]["justification"] == "Se prefirió el orden por la viabilidad."

    body = client.get(reverse("decisions:public", kwargs={"slug": s.challenge.slug})).content
    body = body.decode()
    assert "Error de captura." in body
    assert "Trabajé en esa empresa." in body
    assert "Se prefirió el orden por la viabilidad." in body


def test_the_last_demo_before_the_deadline_is_the_one_published():
    from datetime import timedelta

    from django.utils import timezone

    s = finalists_stage(2, finalists=1)
    finalist = s.finalists[0]
    member = s.members[finalist.pk]
    for n in (1, 2):
        services.demo_submit(
            proposal=finalist,
            actor=member,
            demo_url=f"https://demo.example.org/v{n}",
            repository_url="https://git.example.org/",
        )
    start = timezone.now() + timedelta(days=2)
    services.demo_slot_schedule(
        proposal=finalist,
        actor=approver_of(s.challenge),
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        location="Sala de juntas",
    )
    decision = publish(s)
    (demo,) = decision.record["demos"]
    assert demo["demo"]["number"] == 2
    assert demo["demo"]["demo_url"] == "https://demo.example.org/v2"
    assert demo["slot"]["location"] == "Sala de juntas"
