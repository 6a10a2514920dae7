"""Who may do what with a challenge's panel, its conflict declarations and its scores.

- The body's approver sets up the evaluation (settings until evaluation starts; invitations
  and the chair while the panel still works) and sees the panel and its progress.
- An invited person answers their own invitation (the service checks the link, the address
  and the expiry, each with its own message).
- An accepted member declares conflicts of interest before seeing any proposal: experts from
  the opening act on, about every counted, not-inadmissible bidder; decision-committee members
  once finalists exist, about the finalists.
- An accepted member reads and scores a proposal only during their round (experts: stage
  "evaluation"; the committee: stage "finalists", finalists only), only after declaring, and
  never a proposal they declared a conflict with (recused for good).
- The accepted chair sees the progress and corrects a submitted score during evaluation.
- The challenge's social witness sees the panel, the settings and the progress (read-only).

Nothing here consults ``is_superuser``. The guard on "start evaluation" (a panel covering
every criterion, an accepted chair, no admissibility pending) is registered at the end.
"""

from __future__ import annotations

from django.utils import timezone

from retos.challenges.permissions import is_body_approver, stage_is
from retos.challenges.stages import Stage
from retos.core.rules import is_authenticated, predicate, register
from retos.evaluation.models import (
    ConflictDeclaration,
    Finalist,
    MemberRole,
    MemberStatus,
    PanelMember,
    Round,
)
from retos.witness.permissions import is_social_witness

# Stages in which each role's panel still works (and its invitations may be answered).
EXPERT_STAGES = (Stage.PUBLISHED, Stage.CLOSED, Stage.OPENED, Stage.EVALUATION)
COMMITTEE_STAGES = (*EXPERT_STAGES, Stage.FINALISTS)
# Settings are fixed once evaluation starts.
SETTINGS_STAGES = (Stage.PUBLISHED, Stage.CLOSED, Stage.OPENED)
# The round each role scores, and the stage in which it does.
ROUND_OF_ROLE = {MemberRole.EXPERT: Round.PROPOSALS, MemberRole.COMMITTEE: Round.DEMOS}
STAGE_OF_ROUND = {Round.PROPOSALS: Stage.EVALUATION, Round.DEMOS: Stage.FINALISTS}
# When each role declares its conflicts: experts once the bidders are public (the opening act).
DECLARE_STAGES = {
    MemberRole.EXPERT: (Stage.OPENED, Stage.EVALUATION),
    MemberRole.COMMITTEE: (Stage.FINALISTS,),
}


# --- Helper predicates (plain functions, used by services, selectors and other apps) --------


def member_of(user, challenge, role: str | None = None) -> PanelMember | None:
    """``user``'s accepted membership of ``challenge``'s panel (of ``role`` if given), or
    None. One query; none for an anonymous user."""
    if not is_authenticated(user):
        return None
    members = PanelMember.objects.accepted().filter(challenge_id=challenge.pk, user_id=user.pk)
    if role is not None:
        members = members.filter(role=role)
    return members.first()


def is_recused(member: PanelMember, proposal) -> bool:
    """``member`` declared a conflict of interest with ``proposal``: recused from it for good."""
    return ConflictDeclaration.objects.filter(
        member=member, proposal_id=proposal.pk, has_conflict=True
    ).exists()


def is_cleared(member: PanelMember, proposal) -> bool:
    """``member`` declared no conflict with ``proposal`` (a member who has not declared about
    a proposal is not cleared to see it)."""
    return ConflictDeclaration.objects.filter(
        member=member, proposal_id=proposal.pk, has_conflict=False
    ).exists()


def finalist_ids(challenge) -> list[int]:
    """The proposals of the selection of finalists in force, in order (one query)."""
    return list(
        Finalist.objects.filter(
            selection__challenge_id=challenge.pk, selection__voided_at__isnull=True
        )
        .order_by("position")
        .values_list("proposal_id", flat=True)
    )


def round_open(member: PanelMember, challenge, now=None) -> bool:
    """The member's round is on: experts in stage "evaluation", the committee in "finalists"."""
    stage = challenge.current_stage_at(now or timezone.now())
    return stage == STAGE_OF_ROUND[ROUND_OF_ROLE[MemberRole(member.role)]]


def evaluable(proposal) -> bool:
    """A proposal the panel evaluates: counted by the opening act and not inadmissible."""
    from retos.proposals.models import Admissibility, Status

    return (
        proposal.challenge.opened_at is not None
        and proposal.status == Status.SUBMITTED
        and proposal.submitted_at is not None
        and proposal.admissibility != Admissibility.INADMISSIBLE
    )


def evaluator_access(user, proposal, member: PanelMember | None = None) -> PanelMember | None:
    """The member through whom ``user`` may read and score ``proposal`` now, or None.

    Accepted, conflicts declared, cleared (no conflict) for this proposal, in their round; the
    committee only for the finalists in force.
    """
    if not evaluable(proposal):
        return None
    challenge = proposal.challenge
    member = member if member is not None else member_of(user, challenge)
    if (
        member is None
        or member.user_id != getattr(user, "pk", None)
        or member.status != MemberStatus.ACCEPTED
        or member.challenge_id != challenge.pk
        or member.conflicts_declared_at is None
        or not round_open(member, challenge)
    ):
        return None
    if member.role == MemberRole.COMMITTEE and proposal.pk not in finalist_ids(challenge):
        return None
    return member if is_cleared(member, proposal) else None


# --- Predicates ------------------------------------------------------------------------------


@predicate
def may_evaluate_proposal(user, proposal) -> bool:
    return evaluator_access(user, proposal) is not None


@predicate
def is_panel_member(user, challenge) -> bool:
    return member_of(user, challenge) is not None


@predicate
def is_panel_chair(user, challenge) -> bool:
    member = member_of(user, challenge, role=MemberRole.EXPERT)
    return member is not None and member.is_chair


@predicate
def evaluation_started(user, challenge) -> bool:
    return challenge.evaluation_at is not None


@predicate
def owns_membership(user, member) -> bool:
    return (
        is_authenticated(user)
        and member.user_id == user.pk
        and member.status == MemberStatus.ACCEPTED
    )


@predicate
def declaration_window(user, member) -> bool:
    stage = member.challenge.current_stage_at(timezone.now())
    return stage in DECLARE_STAGES[MemberRole(member.role)]


@predicate
def chair_may_correct(user, score) -> bool:
    """``user`` is the accepted chair of the score's panel, the score is a submitted
    first-round score, the stage is "evaluation", and the chair is cleared for the proposal."""
    if score.submitted_at is None or score.round != Round.PROPOSALS:
        return False
    challenge = score.member.challenge
    if challenge.current_stage_at(timezone.now()) != Stage.EVALUATION:
        return False
    chair = member_of(user, challenge, role=MemberRole.EXPERT)
    if chair is None or not chair.is_chair:
        return False
    return is_cleared(chair, score.proposal)


# --- Named permissions -----------------------------------------------------------------------

PANEL_STAGES = [s for s in Stage if s not in (Stage.DRAFT, Stage.IN_REVIEW)]

# On a challenge.
# The challenge's social witness reads the panel, its settings and the progress, never writes.
register("evaluation:view_panel", (is_body_approver | is_social_witness) & stage_is(*PANEL_STAGES))
register("evaluation:manage_settings", is_body_approver & stage_is(*SETTINGS_STAGES))
register("evaluation:invite", is_body_approver & stage_is(*COMMITTEE_STAGES))
register("evaluation:set_chair", is_body_approver & stage_is(*EXPERT_STAGES))
register("evaluation:evaluate", is_panel_member)
register(
    "evaluation:view_progress",
    (is_body_approver | is_panel_chair | is_social_witness) & evaluation_started,
)
# On a PanelMember: the invitee (the service checks the link, address, expiry and stage).
register("evaluation:respond", is_authenticated)
register("evaluation:declare_conflicts", owns_membership & declaration_window)
# On a proposal.
register("evaluation:read_proposal", may_evaluate_proposal)
register("evaluation:score", may_evaluate_proposal)
# On a Score.
register("evaluation:correct", chair_may_correct)


# --- The guard on "start evaluation" ---------------------------------------------------------


def _start_evaluation_guard(challenge) -> list[str]:
    from retos.evaluation.selectors import start_evaluation_problems

    return start_evaluation_problems(challenge)


def _register_guard() -> None:
    from retos.challenges.services import GUARDS, register_guard

    if _start_evaluation_guard not in GUARDS.get("start_evaluation", []):
        register_guard("start_evaluation", _start_evaluation_guard)


_register_guard()
