"""Named permissions of the demos and the decision (fallo): role × stage × ownership.

- ``demo:submit`` (a proposal): a member of a finalist company, while the challenge is in the
  finalists stage (the demo deadline is checked by the service at the moment of submission,
  with its own message).
- ``demo:view`` (a proposal): the finalist's own members; the body's officials and approvers
  and the decision committee (who watch and score the demos) and the social witness; after the
  decision, anyone who can see the challenge (the demos are part of the published record).
- ``demo:schedule`` (a challenge): the body's officials and approvers, in the finalists stage.
- ``demo:agenda`` (a challenge): every slot — the body's officials and approvers, the
  decision committee and the social witness from the finalists stage on; everyone once a
  decision is published.
- ``decision:publish`` (a challenge): the body's approver, while no decision is in force, in
  the finalists stage (a winner or deserted) or, to declare it deserted, in the opened and
  evaluation stages (no admissible proposal, none above the minimum). The service checks which.
- ``decision:view`` (a challenge): anyone who can see the challenge, once a decision exists.

The guard of the ``decide`` transition lives here too: the challenge moves to "decided" only
with a decision in force recorded after the latest confirmation of the finalists (so only
``decision_publish`` makes the move).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from retos.challenges.permissions import body_role, is_body_approver, stage_is
from retos.challenges.services import register_guard
from retos.challenges.stages import Stage
from retos.core.rules import PERMISSIONS, Predicate, is_authenticated, predicate, register
from retos.organizations.models import Role
from retos.proposals.permissions import is_company_member, on_challenge
from retos.witness.permissions import is_social_witness

# Stages from the finalists on, up to the end of the path (a decided challenge may be awarded,
# implemented and completed; the demos stay readable to those who had them).
AFTER_FINALISTS = (
    Stage.FINALISTS,
    Stage.DECIDED,
    Stage.AWARDED,
    Stage.IMPLEMENTATION,
    Stage.COMPLETED,
    Stage.CANCELLED,
    Stage.DESERTED,
)
# Where a decision may be published: a winner only among finalists; deserted also earlier.
PUBLISH_STAGES = (Stage.OPENED, Stage.EVALUATION, Stage.FINALISTS)

is_body_official = body_role(Role.OFFICIAL, Role.APPROVER)


def is_finalist_proposal(proposal) -> bool:
    """The proposal is a finalist of the selection in force."""
    from retos.evaluation.models import Finalist

    cached = getattr(proposal, "_retos_is_finalist", None)
    if cached is None:
        cached = Finalist.objects.filter(
            proposal_id=proposal.pk,
            selection__challenge_id=proposal.challenge_id,
            selection__voided_at__isnull=True,
        ).exists()
        proposal._retos_is_finalist = cached
    return cached


@predicate
def is_finalist(user, proposal) -> bool:
    return is_finalist_proposal(proposal)


def committee_member(user, challenge) -> bool:
    """An accepted member of the challenge's decision committee."""
    if not is_authenticated(user):
        return False
    from retos.evaluation.models import MemberRole, MemberStatus, PanelMember

    cache = user.__dict__.setdefault("_retos_committee", {})
    if challenge.pk not in cache:
        cache[challenge.pk] = PanelMember.objects.filter(
            challenge_id=challenge.pk,
            user=user,
            status=MemberStatus.ACCEPTED,
            role=MemberRole.COMMITTEE,
        ).exists()
    return cache[challenge.pk]


is_committee_member = Predicate(committee_member, "is_committee_member")


def published_decision_exists(challenge) -> bool:
    """A decision was published (in force, or voided by an upheld complaint: still public)."""
    from retos.decisions.models import Decision

    cached = getattr(challenge, "_retos_decision_exists", None)
    if cached is None:
        cached = Decision.objects.filter(challenge_id=challenge.pk).exists()
        challenge._retos_decision_exists = cached
    return cached


def decision_in_force_exists(challenge) -> bool:
    from retos.decisions.models import Decision

    return Decision.objects.in_force().filter(challenge_id=challenge.pk).exists()


@predicate
def decision_published(user, challenge) -> bool:
    return published_decision_exists(challenge)


@predicate
def no_decision_in_force(user, challenge) -> bool:
    return not decision_in_force_exists(challenge)


@predicate
def can_view_challenge(user, challenge) -> bool:
    return PERMISSIONS["challenge:view"](user, challenge)


after_finalists = stage_is(*AFTER_FINALISTS)

register(
    "demo:submit",
    is_company_member & is_finalist & on_challenge(stage_is(Stage.FINALISTS)),
)
register(
    "demo:view",
    is_finalist
    & (
        is_company_member
        | on_challenge(
            (is_body_official | is_committee_member | is_social_witness) & after_finalists
        )
        | on_challenge(decision_published & can_view_challenge)
    ),
)
register("demo:schedule", is_body_official & stage_is(Stage.FINALISTS))
register(
    "demo:agenda",
    ((is_body_official | is_committee_member | is_social_witness) & after_finalists)
    | (decision_published & can_view_challenge),
)
register("decision:publish", is_body_approver & stage_is(*PUBLISH_STAGES) & no_decision_in_force)
register("decision:view", decision_published & can_view_challenge)


def _decided_after_finalists(challenge) -> list[str]:
    """The ``decide`` transition needs a decision in force recorded after the latest
    confirmation of the finalists."""
    from retos.decisions.models import Decision
    from retos.evaluation.models import FinalistSelection

    decision = Decision.objects.in_force().filter(challenge_id=challenge.pk).first()
    latest = (
        FinalistSelection.objects.filter(challenge_id=challenge.pk)
        .order_by("-confirmed_at", "-id")
        .first()
    )
    if decision is None or (latest is not None and decision.published_at < latest.confirmed_at):
        return [
            _(
                "Publish the decision from its page: choose the winner (or declare the "
                "challenge deserted), justify it and give the reason for each proposal not "
                "selected."
            )
        ]
    return []


register_guard("decide", _decided_after_finalists)
