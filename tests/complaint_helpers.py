"""Helpers for the tests of complaints (inconformidades) and of what follows the decision.

``decided_challenge`` builds, through the real services up to the opening act
(``evaluation_helpers.opened_challenge``), a challenge in stage DECIDED with a Decision row
written directly (the decision helper's ``decision_publish`` is tested on its own).
``ready_for_award`` puts a decided challenge past its complaint window, for the award's tests.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.decisions.complaints import complaints_close_at_for
from retos.decisions.models import Complaint, Decision, Outcome
from retos.organizations.models import Membership, Role
from tests.evaluation_helpers import in_stage, opened_challenge
from tests.factories import MembershipFactory

SCRIPT = '<script>alert("x")</script>'
SQL = "'); DROP TABLE decisions_complaint; --"


def decision_for(
    challenge, *, winner=None, published_at=None, close_at=None, outcome=None
) -> Decision:
    """A decision in force on ``challenge`` written directly: ``winner`` wins (deserted when
    None), published at ``published_at`` (now), its window closing at ``close_at`` (computed in
    business days like the decision's publication does)."""
    published_at = published_at or timezone.now()
    close_at = close_at or complaints_close_at_for(challenge, published_at)
    record = {"challenge": challenge.slug, "winner": winner.pk if winner else None}
    digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    return Decision.objects.create(
        challenge=challenge,
        outcome=outcome or (Outcome.WINNER if winner else Outcome.DESERTED),
        winner=winner,
        justification="La propuesta ganadora obtuvo el mayor puntaje en todos los criterios.",
        decided_by=approver_of(challenge),
        published_at=published_at,
        complaints_close_at=close_at,
        record=record,
        record_sha256=digest,
    )


def opened_with_a_withdrawal(n: int = 3):
    """Like ``evaluation_helpers.opened_challenge(n)`` (admissible proposals, stored OPENED),
    plus one more company that submitted and withdrew before the deadline, so the opening act
    did not count it. Returns (challenge, proposals, withdrawn proposal)."""
    from retos.proposals import services as proposal_services
    from tests.factories import ChallengeFactory, CompanyFactory
    from tests.proposal_helpers import complete_sections, opening_officers

    now = timezone.now()
    start = now - timedelta(days=40)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        challenge = ChallengeFactory(
            published_at=start,
            questions_close_at=start + timedelta(days=10),
            submissions_close_at=start + timedelta(days=30),
            evaluation_ends_at=now + timedelta(days=20),
            demo_day_at=now + timedelta(days=30),
            decision_at=now + timedelta(days=40),
            delivery_at=now + timedelta(days=200),
        )
    made = []
    for i in range(n + 1):
        with time_machine.travel(start + timedelta(days=2, hours=i), tick=False):
            company = CompanyFactory()
            actor = MembershipFactory(organization=company, role=Role.ADMIN).user
            proposal = proposal_services.proposal_start(
                challenge=challenge, company=company, actor=actor
            )
            proposal_services.proposal_save(
                proposal=proposal, actor=actor, changes=complete_sections(marker=f"P-{i}")
            )
            proposal_services.proposal_submit(proposal=proposal, actor=actor)
            made.append((proposal, actor))
    withdrawn, actor = made.pop()
    with time_machine.travel(start + timedelta(days=5), tick=False):
        proposal_services.proposal_withdraw(proposal=withdrawn, actor=actor)
    first, second = opening_officers(challenge.body)
    proposal_services.opening_confirm(challenge=challenge, actor=first)
    proposal_services.opening_confirm(challenge=challenge, actor=second)
    challenge.refresh_from_db()
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    proposals = []
    for proposal, _actor in made:
        proposal_services.proposal_admissibility_set(
            proposal=proposal, actor=official, admissible=True
        )
        proposal.refresh_from_db()
        proposals.append(proposal)
    withdrawn.refresh_from_db()
    return challenge, proposals, withdrawn


def decided_challenge(n: int = 3, *, winner_index: int = 0, published_at=None, close_at=None):
    """An opened challenge with ``n`` admissible proposals, stored in stage DECIDED with a
    decision in force that ``proposals[winner_index]`` won. Returns (challenge, proposals,
    decision)."""
    challenge, proposals = opened_challenge(n)
    for stage in (Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED):
        in_stage(challenge, stage)
    decision = decision_for(
        challenge,
        winner=proposals[winner_index],
        published_at=published_at,
        close_at=close_at,
    )
    return challenge, proposals, decision


def bidder(proposal):
    """A member of the proposal's company (the admin who submitted it)."""
    membership = (
        Membership.objects.filter(organization_id=proposal.company_id, role=Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return MembershipFactory(organization=proposal.company, role=Role.MEMBER).user
    return membership.user


def approver_of(challenge):
    return MembershipFactory(organization=challenge.body, role=Role.APPROVER).user


def pdf_upload(name: str = "prueba.pdf", marker: str = "EVIDENCIA", padding: int = 0):
    data = (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% "
        + marker.encode()
        + b" " * padding
        + b"\n%%EOF\n"
    )
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_upload(name: str = "captura.png"):
    from tests.test_documents import png_bytes

    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def stream(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    handle.size = len(data)
    return handle


def ready_for_award(challenge) -> Decision:
    """Put ``challenge`` where the award may be recorded, as far as complaints go: stage
    DECIDED, its decision in force's complaint window already closed (a second ago), and no
    complaint open. A decision is written if none is in force (won by the first proposal the
    opening act counted). Fails if a complaint is still open: resolve it first through
    ``complaint_move``. Returns the decision in force."""
    from retos.proposals.models import Status

    now = timezone.now()
    if challenge.stage != Stage.DECIDED:
        for stage in (Stage.EVALUATION, Stage.FINALISTS, Stage.DECIDED):
            if challenge.stage != stage:
                in_stage(challenge, stage)
    decision = Decision.objects.in_force().filter(challenge=challenge).first()
    if decision is None:
        winner = (
            challenge.proposals.filter(status=Status.SUBMITTED).order_by("submitted_at").first()
        )
        decision = decision_for(challenge, winner=winner, published_at=now - timedelta(days=20))
    decision.complaints_close_at = now - timedelta(seconds=1)
    if decision.published_at > decision.complaints_close_at:
        decision.published_at = decision.complaints_close_at - timedelta(days=10)
    decision.save(update_fields=["complaints_close_at", "published_at"])
    still_open = list(
        Complaint.objects.open().filter(challenge=challenge).values_list("number", flat=True)
    )
    assert not still_open, f"complaints still open: {still_open}"
    return decision
