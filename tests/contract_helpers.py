"""Helpers for the tests of the award, contract, milestones, delivery and catalog.

The situation before the step under test is written directly (a decided challenge with a
winning proposal and a decision in force whose complaint window has closed); the steps under
test go through the real services. ``ready_for_award_transition``,
``ready_for_start_implementation`` and ``ready_for_complete`` make the contracts app's guards on
those transitions pass, for the lifecycle tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from retos.challenges import services as challenge_services
from retos.challenges.stages import Stage
from retos.contracts import services
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Contract,
    Delivery,
    DeliveryStatus,
    Milestone,
)
from retos.decisions.models import Decision, Outcome
from retos.documents.models import Document
from retos.organizations.models import Role
from retos.proposals.models import Admissibility, Proposal, Status
from retos.proposals.sealing import new_envelope
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.lifecycle import challenge_in


@pytest.fixture
def english(_isolated):
    """Run the test in English (source strings; ``/en/`` addresses), whatever the catalogue
    says. Use with ``pytestmark = pytest.mark.usefixtures("english")``."""
    with translation.override("en"):
        yield


DATA = Path(__file__).resolve().parent / "data"
REPOSITORY = "https://git.example.org/municipio/alerta-ciudadana"


def valid_publiccode(**replace) -> str:
    """The vendored valid publiccode.yml (``tests/data/publiccode.yml``), with text replaced."""
    text = (DATA / "publiccode.yml").read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    return text


def pdf_bytes(marker: str = "CONTRATO") -> bytes:
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% " + marker.encode() + b"\n%%EOF\n"


def pdf_upload(name: str = "contrato-firmado.pdf", marker: str = "CONTRATO"):
    return SimpleUploadedFile(name, pdf_bytes(marker), content_type="application/pdf")


def today(challenge) -> dt.date:
    from zoneinfo import ZoneInfo

    return timezone.localtime(timezone.now(), ZoneInfo(challenge.body.time_zone)).date()


def bidder(challenge, *, company=None, admissible: bool = True) -> tuple[Proposal, object]:
    """A submitted (admissible) proposal written directly, and a member of its company."""
    company = company or CompanyFactory()
    user = MembershipFactory(organization=company, role=Role.ADMIN).user
    now = timezone.now()
    proposal = Proposal(challenge=challenge, company=company, created_by=user, draft_saved_by=user)
    _envelope, proposal.key_id, proposal.wrapped_key = new_envelope(str(proposal.public_id))
    proposal.draft = b""
    proposal.status = Status.SUBMITTED
    proposal.submitted_at = now - dt.timedelta(days=50)
    if admissible:
        proposal.admissibility = Admissibility.ADMISSIBLE
        proposal.admissibility_decided_at = now - dt.timedelta(days=40)
    proposal.save()
    return proposal, user


def decision_for(challenge, winner, *, window_closed: bool = True, **fields) -> Decision:
    """A decision in force naming ``winner``; its complaint window closed a day ago (or closes
    in two days)."""
    now = timezone.now()
    return Decision.objects.create(
        challenge=challenge,
        outcome=Outcome.WINNER,
        winner=winner,
        justification="La propuesta ganadora resuelve mejor el problema.",
        decided_by=MembershipFactory(organization=challenge.body, role=Role.APPROVER).user,
        published_at=now - dt.timedelta(days=10),
        complaints_close_at=now - dt.timedelta(days=1)
        if window_closed
        else now + dt.timedelta(days=2),
        record_sha256="0" * 64,
        **fields,
    )


class Situation:
    """A decided challenge with people in every role of this app."""

    def __init__(self, challenge, winner, supplier_member, other_proposal, other_bidder):
        self.challenge = challenge
        self.winner = winner
        self.supplier = winner.company
        self.supplier_member = supplier_member
        self.other_proposal = other_proposal
        self.other_bidder = other_bidder
        self.approver = MembershipFactory(organization=challenge.body, role=Role.APPROVER).user
        self.official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user

    def refresh(self):
        self.challenge.refresh_from_db()
        return self.challenge


def decided(*, window_closed: bool = True, **challenge_fields) -> Situation:
    """A challenge in stage decided, two admissible bidders, the first the winner."""
    challenge = challenge_in(Stage.DECIDED, **challenge_fields)
    winner, supplier_member = bidder(challenge)
    other, other_bidder = bidder(challenge)
    decision_for(challenge, winner, window_closed=window_closed)
    return Situation(challenge, winner, supplier_member, other, other_bidder)


def contract_data(challenge, *, milestones=None, document=None, **overrides) -> dict:
    """Valid award arguments for ``challenge`` (award today, contract signed today, a year long,
    two milestones adding up to the amount awarded)."""
    day = today(challenge)
    data = {
        "amount": Decimal("1000000.00"),
        "awarded_on": day,
        "contract": {
            "number": "CONT-2026-001",
            "signed_on": day,
            "document": document or pdf_upload(),
            "starts_on": day,
            "ends_on": day + dt.timedelta(days=365),
            "milestones": milestones
            if milestones is not None
            else [
                {
                    "title": "Piloto",
                    "deliverables": "Piloto en producción con 100 usuarias.",
                    "due_on": day + dt.timedelta(days=120),
                    "amount": Decimal("400000.00"),
                },
                {
                    "title": "Versión final",
                    "deliverables": "Código, documentación y capacitación.",
                    "due_on": day + dt.timedelta(days=300),
                    "amount": Decimal("600000.00"),
                },
            ],
        },
    }
    contract_overrides = {k: overrides.pop(k) for k in list(overrides) if k in data["contract"]}
    data["contract"].update(contract_overrides)
    data.update(overrides)
    return data


def awarded(**kwargs) -> Situation:
    """A decided situation with the award recorded through the service (stage awarded)."""
    s = decided(**kwargs)
    services.award_record(challenge=s.challenge, actor=s.approver, **contract_data(s.challenge))
    s.refresh()
    return s


def implementing(**kwargs) -> Situation:
    """An awarded situation whose implementation started (stage implementation)."""
    s = awarded(**kwargs)
    challenge_services.challenge_start_implementation(challenge=s.challenge, actor=s.official)
    s.refresh()
    return s


def milestone(s: Situation, number: int = 1) -> Milestone:
    return Milestone.objects.get(contract__award__challenge=s.challenge, number=number)


def accepted_milestone(s: Situation, number: int = 1) -> Milestone:
    m = milestone(s, number)
    services.milestone_submit(milestone=m, actor=s.supplier_member)
    return services.milestone_accept(milestone=m, actor=s.official)


def delivered(s: Situation) -> Delivery:
    return services.delivery_submit(
        challenge=s.challenge,
        actor=s.supplier_member,
        repository_url=REPOSITORY,
        licence="MIT",
        publiccode_yml=valid_publiccode(),
    )


def completed(**kwargs) -> tuple[Situation, CatalogEntry]:
    s = implementing(**kwargs)
    delivery = delivered(s)
    services.delivery_review(delivery=delivery, actor=s.approver, accept=True)
    s.refresh()
    return s, CatalogEntry.objects.get(challenge=s.challenge)


# --- For the lifecycle tests: make this app's guards pass --------------------------------------


def _document(actor) -> Document:
    data = pdf_bytes()
    digest = hashlib.sha256(data).hexdigest()
    document = Document(
        original_name="contrato.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    document.file.save(f"{digest}.pdf", ContentFile(data), save=False)
    document.save()
    return document


def _award_rows(challenge, actor) -> Award:
    existing = Award.objects.filter(challenge=challenge).first()
    if existing is not None:
        return existing
    decision = Decision.objects.in_force().filter(challenge=challenge).first()
    if decision is None:
        winner, _member = bidder(challenge)
        decision = decision_for(challenge, winner)
    day = today(challenge)
    award = Award.objects.create(
        challenge=challenge,
        decision=decision,
        proposal=decision.winner,
        supplier=decision.winner.company,
        amount=challenge.amount or Decimal("1000.00"),
        awarded_on=day,
        recorded_by=actor,
    )
    contract = Contract.objects.create(
        award=award,
        number="CONT-PRUEBA",
        signed_on=day,
        document=_document(actor),
        starts_on=day,
        ends_on=day + dt.timedelta(days=90),
        recorded_by=actor,
    )
    Milestone.objects.create(
        contract=contract,
        number=1,
        title="Entrega",
        deliverables="El sistema.",
        due_on=day + dt.timedelta(days=60),
        amount=award.amount,
    )
    return award


def ready_for_award_transition(challenge, actor=None) -> Award:
    """Write what ``challenge_award`` needs on a challenge in stage decided: a decision in force
    with a winner (its complaint window closed, no complaint) and the award with its contract
    and one milestone. ``actor`` records them (default: a new user)."""
    return _award_rows(challenge, actor or UserFactory())


def ready_for_start_implementation(challenge, actor=None) -> Award:
    """Write what ``challenge_start_implementation`` needs: a signed contract."""
    return _award_rows(challenge, actor or UserFactory())


def ready_for_complete(challenge, actor=None) -> Delivery:
    """Write what ``challenge_complete`` needs: an accepted final delivery (with the award and
    contract it follows)."""
    actor = actor or UserFactory()
    _award_rows(challenge, actor)
    existing = Delivery.objects.filter(challenge=challenge, status=DeliveryStatus.ACCEPTED).first()
    if existing is not None:
        return existing
    now = timezone.now()
    number = Delivery.objects.filter(challenge=challenge).count() + 1
    return Delivery.objects.create(
        challenge=challenge,
        number=number,
        repository_url=REPOSITORY,
        licence=(challenge.licences or ["MIT"])[0],
        publiccode_yml=valid_publiccode(),
        publiccode={"name": "Alerta Ciudadana"},
        submitted_by=actor,
        submitted_at=now,
        status=DeliveryStatus.ACCEPTED,
        reviewed_by=actor,
        reviewed_at=now,
    )
