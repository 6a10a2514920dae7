"""Helpers for the demos and decision tests: a challenge in the finalists stage with scored
admissible proposals and confirmed finalists, people in the roles the decision adds, and what
the lifecycle test needs before the bare ``decide`` transition."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from retos.challenges.stages import Stage
from retos.decisions.models import Decision, Outcome
from retos.decisions.record import canonical_bytes
from retos.evaluation.models import (
    ConflictDeclaration,
    Finalist,
    FinalistSelection,
    MemberRole,
    PanelMember,
    Round,
)
from retos.organizations.models import Role
from tests.evaluation_helpers import full_panel, in_stage, member, opened_challenge, score
from tests.factories import MembershipFactory, UserFactory


def ready_for_decide(challenge, actor) -> Decision:
    """Record a decision in force (as ``decision_publish`` does, without its record) so that
    the bare ``decide`` transition passes its guard: the lifecycle test checks who may make
    the move, not how the decision was written."""
    decided_by = actor if getattr(actor, "pk", None) else UserFactory()
    finalist = (
        Finalist.objects.filter(selection__challenge=challenge, selection__voided_at__isnull=True)
        .select_related("proposal")
        .order_by("position")
        .first()
    )
    record: dict = {}
    return Decision.objects.create(
        challenge=challenge,
        outcome=Outcome.WINNER if finalist else Outcome.DESERTED,
        winner=finalist.proposal if finalist else None,
        justification="Decisión registrada para la prueba.",
        decided_by=decided_by,
        record=record,
        record_sha256=hashlib.sha256(canonical_bytes(record)).hexdigest(),
    )


def approver_of(challenge):
    return MembershipFactory(organization=challenge.body, role=Role.APPROVER).user


def official_of(challenge):
    return MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user


def company_member_of(proposal, role: str = Role.MEMBER):
    return MembershipFactory(organization=proposal.company, role=role).user


def confirm_finalists(challenge, proposals, *, justification: str = "") -> FinalistSelection:
    """A finalist selection in force written directly, and the stage moved to finalists."""
    ids = [p.pk for p in proposals]
    selection = FinalistSelection.objects.create(
        challenge=challenge,
        proposed=ids,
        confirmed=ids,
        justification=justification,
        confirmed_by=approver_of(challenge),
    )
    Finalist.objects.bulk_create(
        Finalist(selection=selection, proposal=p, position=i + 1) for i, p in enumerate(proposals)
    )
    in_stage(challenge, Stage.FINALISTS)
    challenge.refresh_from_db()
    return selection


@dataclass
class Situation:
    challenge: object
    proposals: list
    finalists: list
    experts: list
    committee: list
    members: dict  # proposal pk -> a member of its company

    @property
    def chair(self):
        return next(m for m in self.experts if m.is_chair)


def finalists_stage(
    n: int = 3,
    *,
    finalists: int = 2,
    values=None,
    experts: int = 3,
    committee: int = 0,
    demo_values=None,
    **fields,
) -> Situation:
    """An opened challenge with ``n`` admissible proposals, scored by ``experts`` experts
    (proposal i gets ``values[i]`` on every criterion from every expert; default 9, 8, 7, …),
    the first ``finalists`` confirmed, and the stage moved to finalists. With ``committee``
    members, the committee scores the finalists' demos (``demo_values[i]`` for finalist i)."""
    challenge, proposals = opened_challenge(n, **fields)
    in_stage(challenge, Stage.EVALUATION)
    panel = full_panel(challenge, experts=experts)
    criteria = list(challenge.criteria.all())
    values = values if values is not None else [max(9 - i, 1) for i in range(n)]
    for proposal, value in zip(proposals, values, strict=True):
        for m in panel:
            for criterion in criteria:
                score(m, proposal, criterion, value, justification=f"Justificación {m.pk}")
    chosen = proposals[:finalists]
    if chosen:
        confirm_finalists(challenge, chosen)
    else:
        challenge.refresh_from_db()
    board = []
    for _ in range(committee):
        c = member(challenge, role=MemberRole.COMMITTEE, declared=True)
        for proposal in proposals:
            ConflictDeclaration.objects.create(member=c, proposal=proposal, has_conflict=False)
        board.append(c)
    demo_values = demo_values if demo_values is not None else [8 - i for i in range(len(chosen))]
    for c in board:
        for proposal, value in zip(chosen, demo_values, strict=False):
            for criterion in criteria:
                score(c, proposal, criterion, value, round=Round.DEMOS)
    return Situation(
        challenge=challenge,
        proposals=proposals,
        finalists=chosen,
        experts=panel,
        committee=board,
        members={p.pk: company_member_of(p) for p in proposals},
    )


def panel_user(challenge, *, role=MemberRole.EXPERT):
    """A user who is an accepted member of the challenge's panel."""
    m: PanelMember = member(challenge, role=role)
    return m.user
