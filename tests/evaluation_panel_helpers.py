"""Helpers for the panel's tests (and for others that need a challenge ready to start
evaluation). Built on ``tests/evaluation_helpers.py``.

``ready_for_start_evaluation(challenge)`` gives a challenge what the "start evaluation" guard
(``retos.evaluation.selectors.start_evaluation_problems``) asks for: accepted experts covering
every criterion's expertise area, one of them the chair. Pending admissibility decisions are a
problem too; pass ``decide_pending=True`` to mark them admissible.
"""

from __future__ import annotations

from django.utils import timezone

from retos.challenges.stages import Stage
from retos.evaluation.models import (
    ConflictDeclaration,
    Finalist,
    FinalistSelection,
    MemberRole,
    PanelMember,
)
from retos.proposals.models import Admissibility, Status
from tests.evaluation_helpers import full_panel, in_stage, member, opened_challenge
from tests.factories import MembershipFactory


def ready_for_start_evaluation(challenge, *, decide_pending: bool = False) -> PanelMember:
    """An accepted expert covering every criterion's area, chairing the panel (unless an
    accepted chair exists already). Returns the chair."""
    chair = PanelMember.objects.accepted().filter(challenge=challenge, is_chair=True).first()
    if chair is None:
        areas = sorted({c.expertise_area for c in challenge.criteria.all()})
        chair = member(challenge, areas=areas, chair=True)
    if decide_pending:
        official = MembershipFactory(organization=challenge.body, role="official").user
        challenge.proposals.filter(
            status=Status.SUBMITTED, admissibility=Admissibility.PENDING
        ).update(
            admissibility=Admissibility.ADMISSIBLE,
            admissibility_decided_at=timezone.now(),
            admissibility_decided_by=official,
        )
    return chair


def in_evaluation(n: int = 3, *, experts: int = 3, **fields):
    """An opened challenge with ``n`` admissible proposals, a full panel (conflicts declared,
    none), moved to stage "evaluation". Returns ``(challenge, proposals, experts)``."""
    challenge, proposals = opened_challenge(n, **fields)
    members = full_panel(challenge, experts=experts)
    in_stage(challenge, Stage.EVALUATION)
    challenge.refresh_from_db()
    return challenge, proposals, members


def declare(member_, proposals, conflicted=()):
    """Declarations written directly: a conflict with each of ``conflicted``, none otherwise."""
    conflicted_ids = {p.pk for p in conflicted}
    for proposal in proposals:
        ConflictDeclaration.objects.create(
            member=member_,
            proposal=proposal,
            has_conflict=proposal.pk in conflicted_ids,
            note="Trabajé en esa empresa." if proposal.pk in conflicted_ids else "",
        )
    member_.conflicts_declared_at = timezone.now()
    member_.save(update_fields=["conflicts_declared_at"])
    return member_


def committee_member(challenge, **kwargs) -> PanelMember:
    return member(challenge, role=MemberRole.COMMITTEE, **kwargs)


def make_finalists(challenge, proposals) -> FinalistSelection:
    """A selection of finalists in force written directly (the ranking helper's service is
    tested on its own)."""
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    selection = FinalistSelection.objects.create(
        challenge=challenge,
        proposed=[p.pk for p in proposals],
        confirmed=[p.pk for p in proposals],
        confirmed_by=approver,
    )
    for i, proposal in enumerate(proposals, start=1):
        Finalist.objects.create(selection=selection, proposal=proposal, position=i)
    return selection
