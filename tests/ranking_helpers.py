"""Helpers for the ranking and finalists tests: a challenge in evaluation with a panel and
scores, and what the lifecycle test needs before the bare ``confirm_finalists`` transition."""

from __future__ import annotations

from django.utils import timezone

from retos.challenges.stages import Stage
from retos.evaluation.models import FinalistSelection, MemberRole
from retos.organizations.models import Role
from tests.evaluation_helpers import full_panel, in_stage, member, opened_challenge, score
from tests.factories import MembershipFactory, UserFactory
from tests.lifecycle import person


def ready_confirm_finalists(challenge, actor) -> FinalistSelection:
    """Record a finalist selection (as ``finalists_confirm`` does) so that the bare
    ``confirm_finalists`` transition passes its guard: the lifecycle test checks who may make
    the move, not how the finalists were chosen."""
    confirmed_by = actor if getattr(actor, "pk", None) else UserFactory()
    return FinalistSelection.objects.create(
        challenge=challenge, proposed=[], confirmed=[], confirmed_by=confirmed_by
    )


def approver_of(challenge):
    return MembershipFactory(organization=challenge.body, role=Role.APPROVER).user


def scored_challenge(values, *, experts: int = 3, stage: Stage = Stage.EVALUATION, **fields):
    """An opened challenge moved to ``stage`` with ``len(values)`` admissible proposals and a
    full panel of ``experts`` whose submitted scores are ``values[i]`` for proposal ``i``: a
    number (every expert, every criterion) or a list per expert (every criterion) or a list per
    expert of lists per criterion. Returns ``(challenge, proposals, members)``."""
    challenge, proposals = opened_challenge(len(values), **fields)
    in_stage(challenge, Stage.EVALUATION)
    members = full_panel(challenge, experts=experts)
    criteria = list(challenge.criteria.all())
    for proposal, value in zip(proposals, values, strict=True):
        for e, m in enumerate(members):
            per_expert = value[e] if isinstance(value, list | tuple) else value
            for c, criterion in enumerate(criteria):
                v = per_expert[c] if isinstance(per_expert, list | tuple) else per_expert
                if v is not None:
                    score(m, proposal, criterion, v)
    if stage != Stage.EVALUATION:
        in_stage(challenge, stage)
    challenge.refresh_from_db()
    return challenge, proposals, members


def evaluation_started_now(challenge) -> None:
    """Stamp the evaluation start again (as a reopening does)."""
    challenge.evaluation_reopened_at = timezone.now()
    challenge.save(update_fields=["evaluation_reopened_at"])


PANEL_ROLES = ["chair", "panel_expert", "committee", "social_witness"]


def someone(role, challenge):
    """A person in ``role``: the lifecycle roles, a member of the challenge's panel, or its
    social witness."""
    if role == "chair":
        return member(challenge, chair=True, declared=True).user
    if role == "panel_expert":
        return member(challenge, declared=True).user
    if role == "committee":
        return member(challenge, role=MemberRole.COMMITTEE).user
    if role == "social_witness":
        from tests.witness_helpers import witness_of

        return witness_of(challenge)
    return person(role, challenge.body)
