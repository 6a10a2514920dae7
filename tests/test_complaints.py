"""Complaints (inconformidades), at the service level: the window in business days, filing with
evidence, the states and their reasoned responses, the remedies of an upheld complaint, the
guard on the award, and who hears about each change."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from retos.challenges import services as challenge_services
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.core.errors import DomainError
from retos.decisions import complaints
from retos.decisions.models import (
    Complaint,
    ComplaintEvidence,
    ComplaintStatus,
    ComplaintStep,
    Decision,
)
from retos.documents.models import Document
from retos.evaluation.models import FinalistSelection
from retos.ledger.models import Event
from retos.notifications.models import Kind, Notification
from retos.organizations.models import Role
from tests.complaint_helpers import (
    SCRIPT,
    SQL,
    approver_of,
    bidder,
    decided_challenge,
    decision_for,
    pdf_upload,
    png_upload,
    ready_for_award,
    stream,
)
from tests.evaluation_helpers import in_stage, opened_challenge, settings_for
from tests.factories import GovernmentBodyFactory, MembershipFactory
from tests.test_documents import docx_bytes

pytestmark = pytest.mark.django_db

MEXICO_CITY = ZoneInfo("America/Mexico_City")
GROUNDS = "La evaluación no aplicó el criterio de viabilidad publicado en las bases."


def file(proposal, *, grounds=GROUNDS, evidence=(), actor=None):
    return complaints.complaint_file(
        proposal=proposal, actor=actor or bidder(proposal), grounds=grounds, evidence=evidence
    )


def move(complaint, to_status, *, actor=None, response="Respuesta fundada y motivada.", remedy=""):
    return complaints.complaint_move(
        complaint=complaint,
        actor=actor or approver_of(complaint.challenge),
        to_status=to_status,
        response=response,
        remedy=remedy,
    )


# --- The window in business days ------------------------------------------------------------


def test_the_16_november_2026_is_an_official_holiday_the_third_monday_of_november():
    revolution_day = date(2026, 11, 16)
    assert revolution_day in holidays.Mexico(years=2026)
    assert revolution_day.weekday() == 0
    mondays = [date(2026, 11, d) for d in range(1, 31) if date(2026, 11, d).weekday() == 0]
    assert mondays[2] == revolution_day


def test_the_window_counts_six_business_days_skipping_the_weekend_and_the_holiday():
    # Published Thursday 12 November 2026. Business days after it: Fri 13, (Sat, Sun, Mon 16
    # holiday), Tue 17, Wed 18, Thu 19, Fri 20, Mon 23: the window ends with Monday 23.
    body = GovernmentBodyFactory(time_zone="America/Mexico_City")
    challenge, _proposals = opened_challenge(1, body=body)
    published = datetime(2026, 11, 12, 13, 0, tzinfo=MEXICO_CITY)
    closes = complaints.complaints_close_at_for(challenge, published)
    assert closes == datetime.combine(date(2026, 11, 23), time(23, 59, 59), tzinfo=MEXICO_CITY)
    # Without the holiday it would end a business day earlier, on Friday 20.
    assert closes.date() != date(2026, 11, 20)


def test_the_number_of_business_days_comes_from_the_challenge_settings():
    challenge, _proposals = opened_challenge(1)
    settings_for(challenge, complaint_business_days=2)
    published = datetime(2026, 11, 12, 13, 0, tzinfo=MEXICO_CITY)
    closes = complaints.complaints_close_at_for(challenge, published)
    # Fri 13, then Tue 17 (Monday 16 is Revolution day).
    assert closes.astimezone(MEXICO_CITY).date() == date(2026, 11, 17)


def test_the_days_are_counted_in_the_bodys_time_zone_not_in_utc():
    # 23:30 on Thursday in Tijuana is already Friday in UTC: counting from Friday would end
    # the window a business day later.
    tijuana = ZoneInfo("America/Tijuana")
    body = GovernmentBodyFactory(time_zone="America/Tijuana")
    challenge, _proposals = opened_challenge(1, body=body)
    published = datetime(2026, 11, 12, 23, 30, tzinfo=tijuana)
    assert published.astimezone(ZoneInfo("UTC")).date() == date(2026, 11, 13)
    closes = complaints.complaints_close_at_for(challenge, published)
    assert closes == datetime.combine(date(2026, 11, 23), time(23, 59, 59), tzinfo=tijuana)


def test_a_bidder_may_file_on_the_holiday_and_until_the_last_instant_but_not_after():
    published = datetime(2026, 11, 12, 13, 0, tzinfo=MEXICO_CITY)
    with time_machine.travel(published, tick=False):
        challenge, proposals, decision = decided_challenge(3)
    assert decision.complaints_close_at == datetime.combine(
        date(2026, 11, 23), time(23, 59, 59), tzinfo=MEXICO_CITY
    )
    with time_machine.travel(datetime(2026, 11, 16, 10, 0, tzinfo=MEXICO_CITY), tick=False):
        assert complaints.complaint_window_open(challenge)
        file(proposals[1])
    with time_machine.travel(datetime(2026, 11, 23, 23, 59, 59, tzinfo=MEXICO_CITY), tick=False):
        assert complaints.complaint_window_open(challenge)
        file(proposals[2])
    with time_machine.travel(datetime(2026, 11, 24, 0, 0, 1, tzinfo=MEXICO_CITY), tick=False):
        assert not complaints.complaint_window_open(challenge)
        with pytest.raises(DomainError) as excinfo:
            file(proposals[1])
    assert excinfo.value.code == "window_closed"
    assert Complaint.objects.filter(challenge=challenge).count() == 2


def test_one_second_before_the_close_the_window_is_open_and_one_second_after_it_is_shut():
    challenge, proposals, decision = decided_challenge(2)
    closes = decision.complaints_close_at
    assert complaints.complaint_window_open(challenge, now=closes - timedelta(seconds=1))
    assert complaints.complaint_window_open(challenge, now=closes)
    assert not complaints.complaint_window_open(challenge, now=closes + timedelta(seconds=1))
    with time_machine.travel(closes - timedelta(seconds=1), tick=False):
        assert file(proposals[1]).number == 1
    with (
        time_machine.travel(closes + timedelta(seconds=1), tick=False),
        translation.override("en"),
        pytest.raises(DomainError) as excinfo,
    ):
        file(proposals[1])
    assert excinfo.value.code == "window_closed"
    # Said in the body's time zone.
    assert "central time" in excinfo.value.message
    assert Complaint.objects.count() == 1


def test_before_the_decision_there_is_no_window():
    challenge, proposals = opened_challenge(2)
    in_stage(challenge, Stage.EVALUATION)
    assert not complaints.complaint_window_open(challenge)
    with pytest.raises(DomainError) as excinfo:
        file(proposals[0])
    assert excinfo.value.code == "no_decision"


def test_a_voided_decision_has_no_window():
    challenge, _proposals, decision = decided_challenge(2)
    Decision.objects.filter(pk=decision.pk).update(voided_at=timezone.now(), void_reason="Anulado.")
    assert not complaints.complaint_window_open(challenge)


def test_a_challenge_no_longer_decided_has_no_window_even_before_the_date():
    challenge, proposals, decision = decided_challenge(2)
    in_stage(challenge, Stage.AWARDED)
    assert timezone.now() < decision.complaints_close_at
    assert not complaints.complaint_window_open(challenge)
    with pytest.raises(DomainError) as excinfo:
        file(proposals[1])
    assert excinfo.value.code == "window_closed"


# --- Filing ---------------------------------------------------------------------------------


def test_complaints_are_numbered_per_challenge():
    _first, first_proposals, _ = decided_challenge(3)
    _second, second_proposals, _ = decided_challenge(2)
    assert file(first_proposals[1]).number == 1
    assert file(second_proposals[1]).number == 1
    assert file(first_proposals[2]).number == 2
    assert file(first_proposals[1]).number == 3


def test_filing_records_a_public_event_with_the_grounds_and_every_files_digest():
    _challenge, proposals, decision = decided_challenge(2)
    complaint = file(
        proposals[1],
        evidence=[(pdf_upload("dictamen.pdf"), False), (png_upload("captura.png"), True)],
    )
    assert complaint.status == ComplaintStatus.FILED
    assert complaint.decision == decision
    items = list(complaint.evidence.select_related("document"))
    assert [(i.document.original_name, i.confidential) for i in items] == [
        ("dictamen.pdf", False),
        ("captura.png", True),
    ]
    event = Event.objects.get(action="complaint.filed")
    assert event.public
    assert event.subject_id == str(complaint.pk)
    assert event.payload["grounds"] == GROUNDS
    assert event.payload["company"] == proposals[1].company.name
    assert event.payload["evidence"] == [
        {
            "name": i.document.original_name,
            "size": i.document.size,
            "sha256": i.document.sha256,
            "content_type": i.document.content_type,
            "confidential": i.confidential,
        }
        for i in items
    ]


def test_the_grounds_are_required():
    _challenge, proposals, _ = decided_challenge(2)
    with pytest.raises(DomainError) as excinfo:
        file(proposals[1], grounds="   \n ")
    assert excinfo.value.code == "grounds_required"
    assert not Complaint.objects.exists()


def test_oversized_grounds_are_refused_saying_the_limit():
    _challenge, proposals, _ = decided_challenge(2)
    with translation.override("en"), pytest.raises(DomainError) as excinfo:
        file(proposals[1], grounds="a" * (complaints.MAX_GROUNDS + 1))
    assert excinfo.value.code == "grounds_too_long"
    assert str(complaints.MAX_GROUNDS) in excinfo.value.message
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("payload", [SCRIPT, SQL, f"{SCRIPT} {SQL} \" ' ` \\ %s {{{{ x }}}}"])
def test_hostile_grounds_and_responses_are_stored_verbatim(payload):
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1], grounds=payload)
    move(complaint, ComplaintStatus.UNDER_REVIEW, response=payload)
    complaint.refresh_from_db()
    assert complaint.grounds == payload
    assert complaint.steps.get().response == payload


def test_a_null_character_in_the_grounds_is_refused():
    _challenge, proposals, _ = decided_challenge(2)
    with pytest.raises(DomainError) as excinfo:
        file(proposals[1], grounds="texto\x00oculto")
    assert excinfo.value.code == "grounds_invalid"


def _nothing_stored(documents_before: int) -> None:
    assert not Complaint.objects.exists()
    assert not ComplaintEvidence.objects.exists()
    assert Document.objects.count() == documents_before
    assert not Event.objects.filter(action="complaint.filed").exists()


def test_an_oversized_evidence_file_is_refused_naming_the_limit_and_nothing_is_kept(settings):
    settings.RETOS_MAX_UPLOAD_MB = 1
    _challenge, proposals, _ = decided_challenge(2)
    documents = Document.objects.count()
    big = pdf_upload("grande.pdf", padding=1024 * 1024)
    with translation.override("en"), pytest.raises(complaints.EvidenceRefused) as excinfo:
        file(proposals[1], evidence=[(pdf_upload("bien.pdf"), False), (big, False)])
    assert excinfo.value.code == "too_large"
    assert excinfo.value.index == 1
    assert "1.0\xa0MB" in excinfo.value.message
    _nothing_stored(documents)


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"just some text, not a PDF", "informe.pdf", "kind_unknown"),
        (docx_bytes(), "informe.docx", "kind_not_allowed"),
        (b"", "vacio.pdf", "empty"),
        (b"%PDF-1.4\n%%EOF\n", "../../etc/passwd.pdf", "name_path"),
    ],
)
def test_malformed_or_unaccepted_evidence_is_refused_with_the_validators_message(data, name, code):
    _challenge, proposals, _ = decided_challenge(2)
    documents = Document.objects.count()
    with pytest.raises(complaints.EvidenceRefused) as excinfo:
        file(proposals[1], evidence=[(stream(data, name), True)])
    assert excinfo.value.code == code
    assert excinfo.value.index == 0
    _nothing_stored(documents)


def test_a_png_named_as_pdf_is_refused():
    from tests.test_documents import png_bytes

    _challenge, proposals, _ = decided_challenge(2)
    with pytest.raises(complaints.EvidenceRefused) as excinfo:
        file(proposals[1], evidence=[(stream(png_bytes(), "captura.pdf"), False)])
    assert excinfo.value.code == "extension_mismatch"


def test_at_most_five_evidence_files():
    _challenge, proposals, _ = decided_challenge(2)
    files = [(pdf_upload(f"p{i}.pdf", marker=str(i)), False) for i in range(6)]
    with pytest.raises(DomainError) as excinfo:
        file(proposals[1], evidence=files)
    assert excinfo.value.code == "too_many_evidence"
    assert not Complaint.objects.exists()


def test_the_winner_cannot_complain_about_its_own_win():
    _challenge, proposals, _ = decided_challenge(2, winner_index=0)
    with pytest.raises(PermissionDenied):
        file(proposals[0])


def test_a_bidder_whose_proposal_was_declared_inadmissible_may_still_complain():
    _challenge, proposals, _ = decided_challenge(3)
    proposals[2].admissibility = "inadmissible"
    proposals[2].admissibility_reason = "Falta la declaración."
    proposals[2].save(update_fields=["admissibility", "admissibility_reason"])
    assert file(proposals[2]).number == 1


def test_a_complaint_for_another_companys_proposal_is_refused():
    _challenge, proposals, _ = decided_challenge(3)
    with pytest.raises(PermissionDenied):
        file(proposals[2], actor=bidder(proposals[1]))


# --- Moves ----------------------------------------------------------------------------------


def test_the_approver_reviews_then_dismisses_with_a_response_each_time():
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1])
    approver = approver_of(complaint.challenge)
    move(complaint, ComplaintStatus.UNDER_REVIEW, actor=approver, response="Se admite a revisión.")
    complaint = move(
        complaint, ComplaintStatus.DISMISSED, actor=approver, response="No se acreditó."
    )
    assert complaint.status == ComplaintStatus.DISMISSED
    assert complaint.resolved_at is not None
    assert complaint.remedy == ""
    steps = list(complaint.steps.values_list("from_status", "to_status", "response"))
    assert steps == [
        ("filed", "under_review", "Se admite a revisión."),
        ("under_review", "dismissed", "No se acreditó."),
    ]
    events = list(Event.objects.filter(action="complaint.moved").order_by("sequence"))
    assert [e.payload["to"] for e in events] == ["under_review", "dismissed"]
    assert all(e.public for e in events)
    assert events[1].payload["response"] == "No se acreditó."


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], ComplaintStatus.UPHELD),
        ([], ComplaintStatus.DISMISSED),
        ([], ComplaintStatus.FILED),
        ([ComplaintStatus.UNDER_REVIEW], ComplaintStatus.FILED),
        ([ComplaintStatus.UNDER_REVIEW], ComplaintStatus.UNDER_REVIEW),
        ([ComplaintStatus.UNDER_REVIEW, ComplaintStatus.DISMISSED], ComplaintStatus.UPHELD),
        ([ComplaintStatus.UNDER_REVIEW, ComplaintStatus.DISMISSED], ComplaintStatus.UNDER_REVIEW),
    ],
)
def test_moves_outside_the_table_are_refused(path, target):
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1])
    for status in path:
        move(complaint, status)
    steps = ComplaintStep.objects.count()
    with pytest.raises(DomainError) as excinfo:
        move(complaint, target, remedy="reevaluate" if target == ComplaintStatus.UPHELD else "")
    assert excinfo.value.code == "invalid_move"
    assert ComplaintStep.objects.count() == steps


def test_a_closed_complaint_cannot_be_withdrawn():
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1])
    move(complaint, ComplaintStatus.UNDER_REVIEW)
    move(complaint, ComplaintStatus.DISMISSED)
    with pytest.raises(DomainError) as excinfo:
        move(complaint, ComplaintStatus.WITHDRAWN, actor=bidder(proposals[1]))
    assert excinfo.value.code == "invalid_move"


def test_an_unknown_status_is_refused():
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1])
    with pytest.raises(DomainError) as excinfo:
        move(complaint, "approved")
    assert excinfo.value.code == "invalid_status"


def test_every_move_needs_a_response():
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1])
    with pytest.raises(DomainError) as excinfo:
        move(complaint, ComplaintStatus.UNDER_REVIEW, response="  ")
    assert excinfo.value.code == "response_required"
    with pytest.raises(DomainError) as excinfo:
        move(complaint, ComplaintStatus.UNDER_REVIEW, response="x" * (complaints.MAX_RESPONSE + 1))
    assert excinfo.value.code == "response_too_long"
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.FILED


@pytest.mark.parametrize("reviewed", [False, True])
def test_the_complaining_company_may_withdraw_while_it_is_open(reviewed):
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1])
    if reviewed:
        move(complaint, ComplaintStatus.UNDER_REVIEW)
    colleague = MembershipFactory(organization=proposals[1].company, role=Role.MEMBER).user
    complaint = move(
        complaint, ComplaintStatus.WITHDRAWN, actor=colleague, response="Llegamos a un acuerdo."
    )
    assert complaint.status == ComplaintStatus.WITHDRAWN
    assert complaint.resolved_at is not None


def test_the_approver_cannot_withdraw_and_the_company_cannot_decide():
    _challenge, proposals, _ = decided_challenge(2)
    complaint = file(proposals[1])
    with pytest.raises(PermissionDenied):
        move(complaint, ComplaintStatus.WITHDRAWN)
    with pytest.raises(PermissionDenied):
        move(complaint, ComplaintStatus.UNDER_REVIEW, actor=bidder(proposals[1]))


# --- Upheld: the remedies -------------------------------------------------------------------


def _selection(challenge, proposals):
    return FinalistSelection.objects.create(
        challenge=challenge,
        proposed=[p.pk for p in proposals],
        confirmed=[p.pk for p in proposals],
        confirmed_by=approver_of(challenge),
    )


def test_upheld_to_reevaluate_voids_the_decision_and_the_finalists_and_returns_to_evaluation():
    challenge, proposals, decision = decided_challenge(3)
    selection = _selection(challenge, proposals)
    complaint = file(proposals[1])
    approver = approver_of(challenge)
    move(complaint, ComplaintStatus.UNDER_REVIEW, actor=approver)
    complaint = move(
        complaint,
        ComplaintStatus.UPHELD,
        actor=approver,
        response="El criterio de viabilidad se aplicó mal.",
        remedy="reevaluate",
    )
    assert complaint.remedy == "reevaluate"
    decision.refresh_from_db()
    selection.refresh_from_db()
    assert decision.voided_at is not None
    assert "El criterio de viabilidad se aplicó mal." in decision.void_reason
    assert selection.voided_at is not None and selection.void_reason == decision.void_reason
    assert complaints.decision_in_force(challenge) is None
    challenge = Challenge.objects.get(pk=challenge.pk)
    assert challenge.stage == Stage.EVALUATION
    assert challenge.evaluation_reopened_at is not None
    actions = list(
        Event.objects.filter(sequence__gt=0)
        .filter(action__in=["complaint.moved", "challenge.reopen_evaluation"])
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["complaint.moved", "challenge.reopen_evaluation"]
    moved = Event.objects.filter(action="complaint.moved").latest("sequence")
    assert moved.payload["voided"] == {"decision": decision.pk, "finalist_selection": selection.pk}
    reopen = Event.objects.get(action="challenge.reopen_evaluation")
    assert reopen.public and reopen.payload["reason"] == decision.void_reason


def test_upheld_to_cancel_voids_the_decision_and_cancels_with_the_reason():
    challenge, proposals, decision = decided_challenge(3)
    complaint = file(proposals[1])
    move(complaint, ComplaintStatus.UNDER_REVIEW)
    move(complaint, ComplaintStatus.UPHELD, response="Las bases eran ambiguas.", remedy="cancel")
    decision.refresh_from_db()
    assert decision.voided_at is not None
    challenge = Challenge.objects.get(pk=challenge.pk)
    assert challenge.stage == Stage.CANCELLED
    assert "Las bases eran ambiguas." in challenge.outcome_reason
    # Every bidder hears of the cancellation, the winner included.
    for proposal in proposals:
        assert Notification.objects.filter(
            kind=Kind.BIDDERS_CANCELLED, user=bidder(proposal)
        ).exists()


def test_upholding_needs_a_remedy_and_dismissing_refuses_one():
    _challenge, proposals, decision = decided_challenge(2)
    complaint = file(proposals[1])
    move(complaint, ComplaintStatus.UNDER_REVIEW)
    with pytest.raises(DomainError) as excinfo:
        move(complaint, ComplaintStatus.UPHELD)
    assert excinfo.value.code == "remedy_required"
    with pytest.raises(DomainError) as excinfo:
        move(complaint, ComplaintStatus.UPHELD, remedy="pay_damages")
    assert excinfo.value.code == "remedy_required"
    with pytest.raises(DomainError) as excinfo:
        move(complaint, ComplaintStatus.DISMISSED, remedy="cancel")
    assert excinfo.value.code == "remedy_not_allowed"
    decision.refresh_from_db()
    assert decision.voided_at is None


def test_once_the_decision_is_voided_another_complaint_is_dismissed_not_upheld():
    challenge, proposals, _ = decided_challenge(3)
    first, second = file(proposals[1]), file(proposals[2])
    for complaint in (first, second):
        move(complaint, ComplaintStatus.UNDER_REVIEW)
    move(first, ComplaintStatus.UPHELD, remedy="reevaluate")
    with pytest.raises(DomainError) as excinfo:
        move(second, ComplaintStatus.UPHELD, remedy="reevaluate")
    assert excinfo.value.code == "decision_not_in_force"
    move(second, ComplaintStatus.DISMISSED, response="Sin materia: el fallo fue anulado.")
    assert not complaints.open_complaints_exist(challenge)


def test_after_reevaluation_a_new_decision_opens_a_new_window_and_numbering_continues():
    challenge, proposals, _ = decided_challenge(3)
    first = file(proposals[1])
    move(first, ComplaintStatus.UNDER_REVIEW)
    move(first, ComplaintStatus.UPHELD, remedy="reevaluate")
    assert not complaints.complaint_window_open(challenge)
    challenge = Challenge.objects.get(pk=challenge.pk)
    in_stage(challenge, Stage.FINALISTS)
    in_stage(challenge, Stage.DECIDED)
    decision_for(challenge, winner=proposals[1])
    assert complaints.complaint_window_open(challenge)
    second = file(proposals[2])
    assert second.number == 2
    assert second.decision.voided_at is None


# --- A declaration of deserted is a decision too ---------------------------------------------


def _deserted():
    challenge, proposals = opened_challenge(3)
    for stage in (Stage.EVALUATION, Stage.FINALISTS):
        in_stage(challenge, stage)
    Challenge.objects.filter(pk=challenge.pk).update(
        stage=Stage.DESERTED,
        deserted_at=timezone.now(),
        outcome_reason="Ninguna propuesta alcanzó el puntaje mínimo.",
    )
    challenge.refresh_from_db()
    return challenge, proposals, decision_for(challenge, winner=None)


def test_every_bidder_may_complain_about_a_declaration_of_deserted_and_is_answered():
    challenge, proposals, _decision = _deserted()
    assert complaints.complaint_window_open(challenge)
    complaint = file(proposals[0])  # no winner: every counted bidder may complain
    move(complaint, ComplaintStatus.UNDER_REVIEW)
    move(complaint, ComplaintStatus.DISMISSED)
    assert not complaints.open_complaints_exist(challenge)


@pytest.mark.parametrize(
    ("remedy", "target"), [("reevaluate", Stage.EVALUATION), ("cancel", Stage.CANCELLED)]
)
def test_upholding_on_a_deserted_challenge_follows_the_transitions_table(remedy, target):
    from retos.challenges.stages import TRANSITIONS_BY_PAIR

    challenge, proposals, decision = _deserted()
    complaint = file(proposals[1])
    move(complaint, ComplaintStatus.UNDER_REVIEW)
    if (Stage.DESERTED, target) in TRANSITIONS_BY_PAIR:
        move(complaint, ComplaintStatus.UPHELD, remedy=remedy)
        assert Challenge.objects.get(pk=challenge.pk).stage == target
        return
    with pytest.raises(DomainError) as excinfo:
        move(complaint, ComplaintStatus.UPHELD, remedy=remedy)
    assert excinfo.value.code == "remedy_unavailable"
    complaint.refresh_from_db()
    decision.refresh_from_db()
    assert complaint.status == ComplaintStatus.UNDER_REVIEW
    assert decision.voided_at is None
    assert Challenge.objects.get(pk=challenge.pk).stage == Stage.DESERTED


# --- The guard on the award -----------------------------------------------------------------


def _award(challenge):
    """The transition itself (its guards: this app's and the contracts app's)."""
    challenge = Challenge.objects.get(pk=challenge.pk)
    return challenge_services.challenge_award(challenge=challenge, actor=approver_of(challenge))


def _record_award(challenge):
    """The real path: the award and contract recorded by the contracts app's service."""
    from retos.contracts.services import award_record
    from tests.contract_helpers import contract_data

    challenge = Challenge.objects.get(pk=challenge.pk)
    return award_record(
        challenge=challenge, actor=approver_of(challenge), **contract_data(challenge)
    )


def test_the_guard_is_registered_on_the_award_transition():
    assert complaints.award_problems in challenge_services.GUARDS["award"]


@pytest.mark.parametrize("path", [_award, _record_award])
def test_the_award_is_refused_while_the_window_is_open_saying_until_when(path):
    challenge, _proposals, decision = decided_challenge(2)
    with translation.override("en"), pytest.raises(DomainError) as excinfo:
        path(challenge)
    assert excinfo.value.code == "award_blocked"
    with translation.override("en"):
        closes = complaints.format_datetime(decision.complaints_close_at, "America/Mexico_City")
    assert f"Bidders may file complaints against the decision until {closes}" in str(
        excinfo.value.message
    )
    assert Challenge.objects.get(pk=challenge.pk).stage == Stage.DECIDED


@pytest.mark.parametrize("path", [_award, _record_award])
@pytest.mark.parametrize("reviewed", [False, True])
def test_an_open_complaint_blocks_the_award_after_the_window_naming_it(reviewed, path):
    challenge, proposals, decision = decided_challenge(3)
    file(proposals[1])
    complaint = file(proposals[2])
    if reviewed:
        move(complaint, ComplaintStatus.UNDER_REVIEW)
    with time_machine.travel(decision.complaints_close_at + timedelta(seconds=1), tick=False):
        assert complaints.open_complaints_exist(challenge)
        with translation.override("en"), pytest.raises(DomainError) as excinfo:
            path(challenge)
    assert excinfo.value.code == "award_blocked"
    assert "Complaints 1, 2 are still open" in str(excinfo.value.message)
    assert "Bidders may file" not in str(excinfo.value.message)
    assert Challenge.objects.get(pk=challenge.pk).stage == Stage.DECIDED


@pytest.mark.parametrize("outcome", ["dismissed", "withdrawn"])
def test_a_dismissed_or_withdrawn_complaint_does_not_block_the_award(outcome):
    challenge, proposals, decision = decided_challenge(2)
    complaint = file(proposals[1])
    if outcome == "dismissed":
        move(complaint, ComplaintStatus.UNDER_REVIEW)
        move(complaint, ComplaintStatus.DISMISSED)
    else:
        move(complaint, ComplaintStatus.WITHDRAWN, actor=bidder(proposals[1]))
    assert not complaints.open_complaints_exist(challenge)
    with time_machine.travel(decision.complaints_close_at + timedelta(seconds=1), tick=False):
        assert complaints.award_problems(Challenge.objects.get(pk=challenge.pk)) == []
        _record_award(challenge)
    assert Challenge.objects.get(pk=challenge.pk).stage == Stage.AWARDED


def test_one_second_before_the_close_the_award_is_refused_and_one_second_after_allowed():
    challenge, _proposals, decision = decided_challenge(2)
    closes = decision.complaints_close_at
    with (
        time_machine.travel(closes - timedelta(seconds=1), tick=False),
        pytest.raises(DomainError) as excinfo,
    ):
        _record_award(challenge)
    assert excinfo.value.code == "award_blocked"
    with time_machine.travel(closes + timedelta(seconds=1), tick=False):
        assert complaints.award_problems(Challenge.objects.get(pk=challenge.pk)) == []
        _record_award(challenge)
    assert Challenge.objects.get(pk=challenge.pk).stage == Stage.AWARDED


def test_ready_for_award_closes_the_window_and_the_award_goes_through():
    challenge, _proposals, _decision = decided_challenge(2)
    decision = ready_for_award(challenge)
    assert decision.complaints_close_at < timezone.now()
    assert complaints.award_problems(challenge) == []
    _record_award(challenge)
    assert Challenge.objects.get(pk=challenge.pk).stage == Stage.AWARDED


def test_ready_for_award_refuses_while_a_complaint_is_open():
    challenge, proposals, _ = decided_challenge(2)
    file(proposals[1])
    with pytest.raises(AssertionError):
        ready_for_award(challenge)


# --- Who hears about it ---------------------------------------------------------------------


def test_each_change_notifies_the_company_and_the_bodys_officials_and_approvers_only():
    challenge, proposals, _ = decided_challenge(3)
    filer = bidder(proposals[1])
    colleague = MembershipFactory(organization=proposals[1].company, role=Role.MEMBER).user
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    approver = approver_of(challenge)
    opening_officer = MembershipFactory(organization=challenge.body, role=Role.OPENING_OFFICER).user
    other_bidder = bidder(proposals[2])
    winner = bidder(proposals[0])
    Notification.objects.all().delete()
    complaint = file(proposals[1], actor=filer)

    def told():
        return set(
            Notification.objects.filter(kind=Kind.COMPLAINT_UPDATED).values_list(
                "user_id", flat=True
            )
        )

    recipients = told()
    assert {colleague.pk, official.pk, approver.pk} <= recipients
    assert filer.pk not in recipients  # who acted is not told about it
    assert not {opening_officer.pk, other_bidder.pk, winner.pk} & recipients

    Notification.objects.all().delete()
    move(complaint, ComplaintStatus.UNDER_REVIEW, actor=approver, response="Se revisa.")
    recipients = told()
    assert {filer.pk, colleague.pk, official.pk} <= recipients
    assert approver.pk not in recipients
    note = Notification.objects.filter(user=filer).get()
    assert "Se revisa." in note.body
    assert note.url.endswith(f"/inconformidades/{complaint.number}/")
    event = Event.objects.filter(action="notifications.sent").latest("sequence")
    assert not event.public


def test_the_status_in_a_notification_is_in_the_readers_language():
    _challenge, proposals, _ = decided_challenge(2)
    english = bidder(proposals[1])
    english.preferred_language = "en"
    english.save(update_fields=["preferred_language"])
    spanish = MembershipFactory(organization=proposals[1].company, role=Role.MEMBER).user
    spanish.preferred_language = "es-mx"
    spanish.save(update_fields=["preferred_language"])
    complaint = file(proposals[1], actor=english)
    move(complaint, ComplaintStatus.UNDER_REVIEW)
    assert "Under review" in Notification.objects.filter(user=english).latest("pk").title
    with translation.override("es-mx"):
        label = str(ComplaintStatus.UNDER_REVIEW.label)
    assert label in Notification.objects.filter(user=spanish).latest("pk").title
