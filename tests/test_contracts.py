"""The award and contract, the milestones (progress, acceptance, payment), the final delivery
and what accepting it publishes: the services, their refusals and their records."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from retos.challenges import services as challenge_services
from retos.challenges.stages import Stage
from retos.contracts import services
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Contract,
    Delivery,
    DeliveryStatus,
    MilestoneReview,
    MilestoneStatus,
    MilestoneUpdate,
    Payment,
)
from retos.core.errors import DomainError
from retos.decisions.models import Complaint, ComplaintStatus
from retos.documents.models import Document
from retos.ledger.models import Event
from retos.notifications.models import Kind, Notification
from tests import contract_helpers as h
from tests.contract_helpers import english  # noqa: F401  (the fixture)
from tests.factories import MembershipFactory
from tests.lifecycle import challenge_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def record(s, **overrides):
    return services.award_record(
        challenge=s.challenge, actor=s.approver, **h.contract_data(s.challenge, **overrides)
    )


def problems(excinfo) -> dict:
    return dict(excinfo.value.problems)


# --- The award and the contract --------------------------------------------------------------


def test_recording_the_award_writes_award_contract_and_milestones_and_moves_the_stage():
    s = h.decided()
    award = record(s)
    s.refresh()
    assert s.challenge.stage == Stage.AWARDED
    assert award.supplier == s.supplier
    assert award.proposal == s.winner
    assert award.amount == Decimal("1000000.00")
    contract = award.contract
    assert contract.number == "CONT-2026-001"
    assert contract.document.content_type == "application/pdf"
    milestones = list(contract.milestones.order_by("number"))
    assert [(m.number, m.title, m.amount, m.status) for m in milestones] == [
        (1, "Piloto", Decimal("400000.00"), MilestoneStatus.PLANNED),
        (2, "Versión final", Decimal("600000.00"), MilestoneStatus.PLANNED),
    ]


def test_the_award_event_is_public_and_carries_the_contract_and_milestones():
    s = h.decided()
    award = record(s)
    event = Event.objects.get(action="award.recorded")
    assert event.public
    assert event.subject_id == str(award.pk)
    payload = event.payload
    assert payload["amount"] == "1000000.00"
    assert payload["supplier"]["name"] == s.supplier.name
    assert payload["contract"]["number"] == "CONT-2026-001"
    assert payload["contract"]["document"]["sha256"] == award.contract.document.sha256
    assert [m["title"] for m in payload["contract"]["milestones"]] == ["Piloto", "Versión final"]
    transition = Event.objects.filter(action="challenge.award").get()
    assert transition.sequence > event.sequence


def test_the_suppliers_members_are_told_of_the_award():
    s = h.decided()
    colleague = MembershipFactory(organization=s.supplier, role="member").user
    record(s)
    told = set(
        Notification.objects.filter(kind=Kind.CONTRACT_UPDATED).values_list("user", flat=True)
    )
    assert told == {s.supplier_member.pk, colleague.pk}


def test_an_amount_over_the_contract_amount_is_refused_and_nothing_is_written():
    s = h.decided()
    events = Event.objects.count()
    with pytest.raises(services.ContractError) as excinfo:
        record(s, amount=Decimal("1250000.01"))
    assert (
        "more than the challenge's contract amount ($1,250,000.00 MXN)"
        in problems(excinfo)["amount"]
    )
    assert not Award.objects.exists()
    assert not Contract.objects.exists()
    assert not Document.objects.exists()
    assert Event.objects.count() == events
    assert s.refresh().stage == Stage.DECIDED


def test_the_amount_may_equal_the_contract_amount():
    s = h.decided()
    award = record(s, amount=Decimal("1250000.00"))
    assert award.amount == s.challenge.amount


def test_milestones_adding_up_to_more_than_the_award_are_refused():
    s = h.decided()
    with pytest.raises(services.ContractError) as excinfo:
        record(s, amount=Decimal("999999.99"))
    assert problems(excinfo)[None].startswith(
        "The milestones' payments add up to $1,000,000.00 MXN, more than the amount awarded "
        "($999,999.99 MXN)."
    )
    assert not Award.objects.exists()


def test_milestones_may_add_up_to_less_than_the_award():
    s = h.decided()
    day = h.today(s.challenge)
    award = record(
        s,
        milestones=[
            {
                "title": "Único",
                "deliverables": "Todo.",
                "due_on": day + dt.timedelta(days=30),
                "amount": Decimal("10.00"),
            }
        ],
    )
    assert award.contract.milestones.count() == 1


def test_at_least_one_milestone_is_needed():
    s = h.decided()
    with pytest.raises(services.ContractError) as excinfo:
        record(s, milestones=[])
    assert problems(excinfo)[None].startswith("Add at least one milestone")


def test_each_milestone_problem_names_its_row_and_field():
    s = h.decided()
    day = h.today(s.challenge)
    rows = [
        {"title": "", "deliverables": "x", "due_on": day, "amount": Decimal(1)},
        {
            "title": "Fuera",
            "deliverables": "",
            "due_on": day + dt.timedelta(days=400),
            "amount": Decimal("0"),
        },
        {"title": "Sin fecha", "deliverables": "x", "due_on": None, "amount": Decimal("1.005")},
    ]
    with pytest.raises(services.ContractError) as excinfo:
        record(s, milestones=rows)
    found = problems(excinfo)
    assert found["milestones-0-title"] == "Write the title of milestone 1."
    assert found["milestones-1-deliverables"] == "Write the deliverables of milestone 2."
    assert "must fall within the contract" in found["milestones-1-due_on"]
    assert found["milestones-1-amount"] == "The payment of milestone 2 must be more than zero."
    assert found["milestones-2-due_on"] == "Give the due date of milestone 3."
    assert found["milestones-2-amount"] == (
        "The payment of milestone 3 has at most two decimals (cents)."
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"awarded_on": "future"}, "awarded_on", "The award date cannot be in the future."),
        ({"awarded_on": "before"}, "awarded_on", "The award date cannot be before the decision"),
        ({"signed_on": "future"}, "signed_on", "The signature date cannot be in the future."),
        ({"signed_on": "before"}, "signed_on", "The contract is signed on or after the award"),
        ({"starts_on": "before"}, "starts_on", "The contract starts on or after its signature"),
        ({"ends_on": "start"}, "ends_on", "The contract ends after it starts."),
        ({"number": "  "}, "number", "Write the contract number."),
        ({"number": "N" * 61}, "number", "The contract number has 61 characters"),
        ({"amount": Decimal("-5")}, "amount", "The amount awarded must be more than zero."),
        ({"amount": Decimal("NaN")}, "amount", "The amount awarded must be an amount in pesos"),
        ({"amount": None}, "amount", "Give the amount awarded"),
        ({"document": None}, "document", "Choose the signed contract (PDF)."),
    ],
)
def test_dates_numbers_and_amounts_are_checked_with_a_message_per_field(overrides, field, message):
    s = h.decided()
    day = h.today(s.challenge)
    values = {
        "future": day + dt.timedelta(days=1),
        "before": day - dt.timedelta(days=30),
        "start": day,
    }
    overrides = {
        k: values.get(v, v) if isinstance(v, str) and v in values else v
        for k, v in overrides.items()
    }
    data = h.contract_data(s.challenge)
    if "document" in overrides:
        data["contract"]["document"] = overrides.pop("document")
    for key, value in overrides.items():
        if key in data["contract"]:
            data["contract"][key] = value
        else:
            data[key] = value
    with pytest.raises(services.ContractError) as excinfo:
        services.award_record(challenge=s.challenge, actor=s.approver, **data)
    assert problems(excinfo)[field].startswith(message)


def test_a_signed_contract_that_is_not_a_pdf_is_refused_with_the_upload_message():
    from django.core.files.uploadedfile import SimpleUploadedFile

    s = h.decided()
    png = SimpleUploadedFile("contrato.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with pytest.raises(services.ContractError) as excinfo:
        record(s, document=png)
    assert "PNG" in problems(excinfo)["document"]
    assert not Award.objects.exists()


def test_the_award_waits_for_the_complaint_window_to_close():
    s = h.decided(window_closed=False)
    with pytest.raises(DomainError) as excinfo:
        record(s)
    assert excinfo.value.code == "award_blocked"
    assert "may file complaints against the decision until" in excinfo.value.message
    assert not Award.objects.exists()


def test_the_award_is_possible_the_moment_after_the_window_closes():
    s = h.decided(window_closed=False)
    closes = s.challenge.decisions.get().complaints_close_at
    with time_machine.travel(closes, tick=False), pytest.raises(DomainError):
        record(s)
    with time_machine.travel(closes + dt.timedelta(seconds=1), tick=False):
        assert record(s).pk


def test_an_open_complaint_blocks_the_contract():
    s = h.decided()
    complaint = Complaint.objects.create(
        challenge=s.challenge,
        decision=s.challenge.decisions.get(),
        proposal=s.other_proposal,
        number=1,
        grounds="No se valoró bien nuestra propuesta.",
        filed_by=s.other_bidder,
    )
    with pytest.raises(DomainError) as excinfo:
        record(s)
    assert "Complaint 1 is still open" in excinfo.value.message
    complaint.status = ComplaintStatus.DISMISSED
    complaint.resolved_at = timezone.now()
    complaint.save()
    assert record(s).pk


def test_no_award_without_a_winner_in_force():
    s = h.decided()
    decision = s.challenge.decisions.get()
    Decision = type(decision)
    Decision.objects.filter(pk=decision.pk).update(voided_at=timezone.now(), void_reason="x")
    with pytest.raises(DomainError) as excinfo:
        record(s)
    assert "no decision in force with a winner" in excinfo.value.message


def test_the_award_is_recorded_once():
    s = h.decided()
    record(s)
    s.challenge.stage = Stage.DECIDED
    s.challenge.save(update_fields=["stage"])
    with pytest.raises(DomainError) as excinfo:
        record(s)
    assert excinfo.value.message == "The award of this challenge is already recorded."
    assert Award.objects.count() == 1


def test_the_award_transition_alone_is_refused_without_the_award():
    s = h.decided()
    with pytest.raises(DomainError) as excinfo:
        challenge_services.challenge_award(challenge=s.challenge, actor=s.approver)
    assert "Record the award and the signed contract first" in excinfo.value.message


def test_implementation_cannot_start_without_a_contract():
    challenge = challenge_in(Stage.AWARDED)
    official = MembershipFactory(organization=challenge.body, role="official").user
    with pytest.raises(DomainError) as excinfo:
        challenge_services.challenge_start_implementation(challenge=challenge, actor=official)
    assert "once the award and the signed contract are recorded" in excinfo.value.message
    h.ready_for_start_implementation(challenge)
    challenge_services.challenge_start_implementation(challenge=challenge, actor=official)
    challenge.refresh_from_db()
    assert challenge.stage == Stage.IMPLEMENTATION


def test_the_lifecycle_helpers_satisfy_the_guards():
    challenge = challenge_in(Stage.DECIDED)
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    h.ready_for_award_transition(challenge, approver)
    challenge_services.challenge_award(challenge=challenge, actor=approver)
    completing = challenge_in(Stage.IMPLEMENTATION)
    approver = MembershipFactory(organization=completing.body, role="approver").user
    with pytest.raises(DomainError):
        challenge_services.challenge_complete(challenge=completing, actor=approver)
    h.ready_for_complete(completing, approver)
    challenge_services.challenge_complete(challenge=completing, actor=approver)
    completing.refresh_from_db()
    assert completing.stage == Stage.COMPLETED


# --- Milestones ------------------------------------------------------------------------------


def test_the_supplier_posts_progress_and_the_agency_is_told():
    s = h.implementing()
    m = h.milestone(s)
    update = services.milestone_progress_post(
        milestone=m,
        actor=s.supplier_member,
        progress="40",
        note="Módulo de avisos listo.",
        link="https://git.example.org/municipio/alerta-ciudadana/pull/3",
    )
    m.refresh_from_db()
    assert m.status == MilestoneStatus.IN_PROGRESS
    assert update.progress == 40
    event = Event.objects.get(action="milestone.progress")
    assert event.public
    assert event.payload["progress"] == 40
    assert event.payload["milestone"] == 1
    told = set(
        Notification.objects.filter(kind=Kind.CONTRACT_UPDATED, challenge=s.challenge)
        .exclude(user__memberships__organization=s.supplier)
        .values_list("user", flat=True)
    )
    assert {s.approver.pk, s.official.pk} <= told


@pytest.mark.parametrize(
    ("progress", "note", "link", "field"),
    [
        ("101", "x", "", "progress"),
        ("-1", "x", "", "progress"),
        ("cuarenta", "x", "", "progress"),
        ("40", "   ", "", "note"),
        ("40", "x" * 5001, "", "note"),
        ("40", "x", "javascript:alert(1)", "link"),
        ("40", "x", "ftp://example.org/a", "link"),
    ],
)
def test_progress_is_checked(progress, note, link, field):
    s = h.implementing()
    with pytest.raises(services.ContractError) as excinfo:
        services.milestone_progress_post(
            milestone=h.milestone(s),
            actor=s.supplier_member,
            progress=progress,
            note=note,
            link=link,
        )
    assert field in problems(excinfo)
    assert not MilestoneUpdate.objects.exists()


def test_submit_accept_and_pay_a_milestone():
    s = h.implementing()
    m = h.milestone(s)
    services.milestone_submit(milestone=m, actor=s.supplier_member)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.SUBMITTED and m.submitted_at
    with pytest.raises(DomainError) as excinfo:
        services.milestone_progress_post(
            milestone=m, actor=s.supplier_member, progress=90, note="x"
        )
    assert excinfo.value.code == "milestone_submitted"
    services.milestone_accept(milestone=m, actor=s.official, note="Cumple.")
    m.refresh_from_db()
    assert m.status == MilestoneStatus.ACCEPTED
    assert m.accepted_by == s.official
    payment = services.payment_record(
        milestone=m,
        actor=s.approver,
        amount="400000.00",
        paid_on=h.today(s.challenge),
        reference="SPEI 12345",
    )
    m.refresh_from_db()
    assert m.status == MilestoneStatus.PAID
    assert payment.amount == Decimal("400000.00")
    actions = list(
        Event.objects.filter(
            action__in=["milestone.submitted", "milestone.accepted", "payment.recorded"]
        )
        .order_by("sequence")
        .values_list("action", "public")
    )
    assert actions == [
        ("milestone.submitted", True),
        ("milestone.accepted", True),
        ("payment.recorded", True),
    ]
    paid = Event.objects.get(action="payment.recorded")
    assert paid.payload["amount"] == "400000.00"
    assert paid.payload["reference"] == "SPEI 12345"


def test_a_returned_milestone_needs_observations_and_can_be_submitted_again():
    s = h.implementing()
    m = h.milestone(s)
    services.milestone_submit(milestone=m, actor=s.supplier_member)
    with pytest.raises(services.ContractError) as excinfo:
        services.milestone_return(milestone=m, actor=s.official, note="  ")
    assert problems(excinfo)["note"] == "Write the observations for the supplier."
    services.milestone_return(milestone=m, actor=s.official, note="Falta el manual.")
    m.refresh_from_db()
    assert m.status == MilestoneStatus.IN_PROGRESS
    review = MilestoneReview.objects.get()
    assert review.outcome == "returned" and review.note == "Falta el manual."
    assert Event.objects.get(action="milestone.returned").public
    supplier_told = Notification.objects.filter(user=s.supplier_member, kind=Kind.CONTRACT_UPDATED)
    assert supplier_told.filter(body__contains="Falta el manual.").exists()
    services.milestone_progress_post(
        milestone=m, actor=s.supplier_member, progress=100, note="Manual"
    )
    services.milestone_submit(milestone=m, actor=s.supplier_member)
    services.milestone_accept(milestone=m, actor=s.approver)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.ACCEPTED


def test_only_a_submitted_milestone_is_reviewed():
    s = h.implementing()
    m = h.milestone(s)
    with pytest.raises(DomainError) as excinfo:
        services.milestone_accept(milestone=m, actor=s.official)
    assert excinfo.value.code == "milestone_not_submitted"


def test_payments_only_after_acceptance():
    s = h.implementing()
    m = h.milestone(s)
    for step in ("planned", "submitted"):
        with pytest.raises(DomainError) as excinfo:
            services.payment_record(
                milestone=m,
                actor=s.official,
                amount="1.00",
                paid_on=h.today(s.challenge),
                reference="R",
            )
        assert excinfo.value.code == "milestone_not_accepted", step
        if step == "planned":
            services.milestone_submit(milestone=m, actor=s.supplier_member)
    assert not Payment.objects.exists()


def test_a_payment_is_at_most_the_milestones_amount_and_recorded_once():
    s = h.implementing()
    m = h.accepted_milestone(s)
    day = h.today(s.challenge)
    with pytest.raises(services.ContractError) as excinfo:
        services.payment_record(
            milestone=m, actor=s.official, amount="400000.01", paid_on=day, reference="R"
        )
    assert "more than the milestone's payment ($400,000.00 MXN)" in problems(excinfo)["amount"]
    services.payment_record(
        milestone=m, actor=s.official, amount="400000.00", paid_on=day, reference="R"
    )
    with pytest.raises(DomainError) as excinfo:
        services.payment_record(
            milestone=m, actor=s.official, amount="1.00", paid_on=day, reference="R"
        )
    assert excinfo.value.code == "already_paid"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("paid_on", "reference", "field"),
    [
        ("tomorrow", "R", "paid_on"),
        ("last_year", "R", "paid_on"),
        ("today", "  ", "reference"),
        (None, "R", "paid_on"),
    ],
)
def test_a_payment_date_falls_between_acceptance_and_today(paid_on, reference, field):
    s = h.implementing()
    m = h.accepted_milestone(s)
    day = h.today(s.challenge)
    dates = {
        "tomorrow": day + dt.timedelta(days=1),
        "last_year": day - dt.timedelta(days=365),
        "today": day,
        None: None,
    }
    with pytest.raises(services.ContractError) as excinfo:
        services.payment_record(
            milestone=m,
            actor=s.official,
            amount="1.00",
            paid_on=dates[paid_on],
            reference=reference,
        )
    assert field in problems(excinfo)


def test_a_payment_may_follow_the_completion():
    s = h.implementing()
    m = h.accepted_milestone(s)
    services.delivery_review(delivery=h.delivered(s), actor=s.approver, accept=True)
    s.refresh()
    assert s.challenge.stage == Stage.COMPLETED
    services.payment_record(
        milestone=m,
        actor=s.official,
        amount="400000.00",
        paid_on=h.today(s.challenge),
        reference="R",
    )


# --- The final delivery ----------------------------------------------------------------------


def test_the_delivery_is_submitted_with_its_parsed_publiccode():
    s = h.implementing()
    delivery = h.delivered(s)
    assert delivery.number == 1
    assert delivery.status == DeliveryStatus.SUBMITTED
    assert delivery.publiccode["name"] == "Alerta Ciudadana"
    event = Event.objects.get(action="delivery.submitted")
    assert event.public and event.payload["licence"] == "MIT"
    approvers_told = Notification.objects.filter(user=s.approver, kind=Kind.CONTRACT_UPDATED)
    assert approvers_told.exists()
    assert not Notification.objects.filter(
        user=s.official, title__contains="final delivery"
    ).exists()


def test_an_invalid_publiccode_is_refused_with_the_schemas_own_messages():
    s = h.implementing()
    text = h.valid_publiccode(**{"developmentStatus: stable": "developmentStatus: 7"}).replace(
        "name: Alerta Ciudadana\n", ""
    )
    with pytest.raises(services.ContractError) as excinfo:
        services.delivery_submit(
            challenge=s.challenge,
            actor=s.supplier_member,
            repository_url=h.REPOSITORY,
            licence="MIT",
            publiccode_yml=text,
        )
    messages = [m for f, m in excinfo.value.problems if f == "publiccode_yml"]
    assert "publiccode.yml: 'name' is a required property" in messages
    assert any(m.startswith("developmentStatus: 7 is not one of") for m in messages)
    assert not Delivery.objects.exists()


def test_the_licence_must_be_one_the_challenge_allows_and_match_the_publiccode():
    s = h.implementing()
    with pytest.raises(services.ContractError) as excinfo:
        services.delivery_submit(
            challenge=s.challenge,
            actor=s.supplier_member,
            repository_url=h.REPOSITORY,
            licence="Apache-2.0",
            publiccode_yml=h.valid_publiccode(),
        )
    assert problems(excinfo)["licence"].startswith(
        "Choose one of the licences the challenge allows"
    )
    with pytest.raises(services.ContractError) as excinfo:
        services.delivery_submit(
            challenge=s.challenge,
            actor=s.supplier_member,
            repository_url=h.REPOSITORY,
            licence="AGPL-3.0-or-later",
            publiccode_yml=h.valid_publiccode(),
        )
    assert problems(excinfo)["publiccode_yml"].startswith("legal.license: the publiccode.yml says")


def test_the_repository_url_must_be_a_web_address_matching_the_publiccode():
    s = h.implementing()
    for url, expected in [
        ("javascript:alert(1)", "repository_url"),
        ("", "repository_url"),
        ("https://otro.example.org/x", "publiccode_yml"),
    ]:
        with pytest.raises(services.ContractError) as excinfo:
            services.delivery_submit(
                challenge=s.challenge,
                actor=s.supplier_member,
                repository_url=url,
                licence="MIT",
                publiccode_yml=h.valid_publiccode(),
            )
        assert expected in problems(excinfo), url


def test_one_delivery_at_a_time_and_a_returned_one_may_be_followed():
    s = h.implementing()
    first = h.delivered(s)
    with pytest.raises(DomainError) as excinfo:
        h.delivered(s)
    assert excinfo.value.code == "delivery_pending"
    with pytest.raises(services.ContractError):
        services.delivery_review(delivery=first, actor=s.approver, accept=False, note="")
    services.delivery_review(
        delivery=first, actor=s.approver, accept=False, note="Falta el manual."
    )
    first.refresh_from_db()
    assert first.status == DeliveryStatus.REJECTED
    assert Event.objects.get(action="delivery.reviewed").payload["accepted"] is False
    second = h.delivered(s)
    assert second.number == 2
    assert s.refresh().stage == Stage.IMPLEMENTATION


def test_accepting_the_delivery_publishes_the_catalog_entry_and_completes_the_challenge():
    s = h.implementing()
    delivery = h.delivered(s)
    services.delivery_review(delivery=delivery, actor=s.approver, accept=True, note="Excelente.")
    s.refresh()
    assert s.challenge.stage == Stage.COMPLETED
    entry = CatalogEntry.objects.get()
    assert entry.name == "Alerta Ciudadana"
    assert entry.slug == "alerta-ciudadana"
    assert entry.description.startswith("Avisos de protección civil por SMS y web")
    assert entry.licence == "MIT"
    assert entry.repository_url == h.REPOSITORY
    assert entry.supplier == s.supplier
    actions = list(
        Event.objects.filter(
            action__in=["delivery.reviewed", "catalog.published", "challenge.complete"]
        )
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["delivery.reviewed", "catalog.published", "challenge.complete"]
    with pytest.raises(PermissionDenied):
        h.delivered(s)


def test_a_second_tool_with_the_same_name_gets_its_own_slug():
    _s, first = h.completed()
    _t, second = h.completed()
    assert first.slug == "alerta-ciudadana"
    assert second.slug == "alerta-ciudadana-2"


def test_a_delivery_is_reviewed_once():
    s = h.implementing()
    delivery = h.delivered(s)
    services.delivery_review(delivery=delivery, actor=s.approver, accept=False, note="No.")
    with pytest.raises(DomainError) as excinfo:
        services.delivery_review(delivery=delivery, actor=s.approver, accept=True)
    assert excinfo.value.code == "delivery_reviewed"


# --- Reuse -----------------------------------------------------------------------------------


def test_another_body_reports_a_reuse_once():
    _s, entry = h.completed()
    official = MembershipFactory(role="official")
    reuse = services.reuse_report(
        entry=entry, body=official.organization, actor=official.user, note="En 3 municipios."
    )
    event = Event.objects.get(action="reuse.reported")
    assert event.public and event.payload["body"] == official.organization.name
    assert reuse.note == "En 3 municipios."
    with pytest.raises(DomainError) as excinfo:
        services.reuse_report(entry=entry, body=official.organization, actor=official.user)
    assert excinfo.value.code == "reuse_exists"
