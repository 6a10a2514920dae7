"""Shared helpers for the evaluation → delivery tests: an opened challenge with admissible
proposals, panel members, and scores written straight into the database.

The services of the evaluation, decisions and contracts apps are tested through their own
calls; these helpers only build the situation before the step under test. Everything here goes
through the real services up to the opening act (so proposals are genuinely sealed, submitted
and opened) and writes later rows directly, so a test of the ranking does not depend on the
scoring pages.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

import time_machine
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.evaluation.models import (
    ConflictDeclaration,
    EvaluationSettings,
    MemberRole,
    MemberStatus,
    PanelMember,
    Round,
    Score,
)
from retos.organizations.models import Role
from retos.proposals import services as proposal_services
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import complete_sections, opening_officers


def opened_challenge(n: int = 3, *, admissible: bool = True, criteria=None, **fields):
    """A challenge whose deadline passed 10 days ago, opened by two officers, with ``n``
    proposals from ``n`` companies (admissible, unless told otherwise), stored in stage
    OPENED. Returns ``(challenge, proposals)`` in submission order."""
    now = timezone.now()
    start = now - timedelta(days=40)
    kwargs = {
        "published_at": start,
        "questions_close_at": start + timedelta(days=10),
        "submissions_close_at": start + timedelta(days=30),
        "evaluation_ends_at": now + timedelta(days=20),
        "demo_day_at": now + timedelta(days=30),
        "decision_at": now + timedelta(days=40),
        "delivery_at": now + timedelta(days=200),
        **fields,
    }
    if criteria is not None:
        kwargs["criteria"] = criteria
    with time_machine.travel(start + timedelta(days=1), tick=False):
        challenge = ChallengeFactory(**kwargs)
    proposals = []
    for i in range(n):
        with time_machine.travel(start + timedelta(days=2, hours=i), tick=False):
            company = CompanyFactory()
            actor = MembershipFactory(organization=company, role=Role.ADMIN).user
            proposal = proposal_services.proposal_start(
                challenge=challenge, company=company, actor=actor
            )
            proposal_services.proposal_save(
                proposal=proposal,
                actor=actor,
                changes=complete_sections(marker=f"PROPUESTA-{i}", price="990000.00"),
            )
            proposal_services.proposal_submit(proposal=proposal, actor=actor)
            proposals.append(proposal)
    first, second = opening_officers(challenge.body)
    proposal_services.opening_confirm(challenge=challenge, actor=first)
    proposal_services.opening_confirm(challenge=challenge, actor=second)
    challenge.refresh_from_db()
    if admissible:
        official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
        for proposal in proposals:
            proposal_services.proposal_admissibility_set(
                proposal=proposal, actor=official, admissible=True
            )
    for proposal in proposals:
        proposal.refresh_from_db()
    return challenge, proposals


def member(
    challenge,
    *,
    role: str = MemberRole.EXPERT,
    areas=None,
    chair: bool = False,
    user=None,
    status: str = MemberStatus.ACCEPTED,
    declared: bool = False,
) -> PanelMember:
    """A panel member written directly (accepted unless told otherwise)."""
    user = user or UserFactory(is_expert=role == MemberRole.EXPERT)
    now = timezone.now()
    inviter = MembershipFactory(organization=challenge.body, role=Role.APPROVER).user
    return PanelMember.objects.create(
        challenge=challenge,
        email=user.email,
        full_name=user.full_name or user.email,
        user=user if status == MemberStatus.ACCEPTED else None,
        role=role,
        areas=list(areas or []),
        is_chair=chair,
        status=status,
        token_sha256=hashlib.sha256(secrets.token_bytes(16)).hexdigest(),
        invited_by=inviter,
        invited_at=now,
        expires_at=now + timedelta(days=14),
        responded_at=now if status != MemberStatus.INVITED else None,
        conflicts_declared_at=now if declared else None,
    )


def full_panel(challenge, *, experts: int = 3) -> list[PanelMember]:
    """Accepted experts covering every criterion's area (the first chairs), conflicts declared
    (none) for every counted proposal."""
    areas = sorted({c.expertise_area for c in challenge.criteria.all()})
    members = [member(challenge, areas=areas, chair=i == 0, declared=True) for i in range(experts)]
    for m in members:
        for proposal in challenge.proposals.filter(status="submitted"):
            ConflictDeclaration.objects.create(member=m, proposal=proposal, has_conflict=False)
    return members


def in_stage(challenge, stage: Stage) -> None:
    """Move the stored stage on (stamping the transition's time) without the services, for
    tests that build the situation of a later step."""
    stamps = {
        Stage.EVALUATION: "evaluation_at",
        Stage.FINALISTS: "finalists_at",
        Stage.DECIDED: "decided_at",
        Stage.AWARDED: "awarded_at",
        Stage.IMPLEMENTATION: "implementation_at",
        Stage.COMPLETED: "completed_at",
    }
    challenge.stage = stage
    setattr(challenge, stamps[stage], timezone.now())
    challenge.save(update_fields=["stage", stamps[stage]])


def score(
    member_: PanelMember,
    proposal,
    criterion,
    value,
    *,
    round: str = Round.PROPOSALS,
    submitted: bool = True,
    justification: str = "Justificación del puntaje.",
) -> Score:
    """One score written directly (submitted unless told otherwise)."""
    return Score.objects.create(
        member=member_,
        proposal=proposal,
        criterion=criterion,
        round=round,
        value=Decimal(str(value)),
        justification=justification,
        submitted_at=timezone.now() if submitted else None,
        entered_by=member_.user,
    )


def settings_for(challenge, **fields) -> EvaluationSettings:
    obj, _ = EvaluationSettings.objects.update_or_create(challenge=challenge, defaults=fields)
    return obj
