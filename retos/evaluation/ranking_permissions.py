"""Named permissions of the ranking and the finalists (see retos/core/rules.py), and the guard
of the ``confirm_finalists`` transition.

- ``ranking:view`` — during evaluation and finalists, the body's officials and approvers, the
  panel chair and the social witness; once the decision is published, everyone who sees the
  challenge.
- ``ranking:view_names`` — the companies' names in the ranking: officials and approvers, the
  social witness, the public after the decision, and the chair unless the first round is blind
  and still running (then the chair sees neutral labels, "Proposal A", …).
- ``finalists:confirm`` — the body's approvers, while the challenge is in evaluation.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.permissions import is_body_approver, is_body_official, stage_is
from retos.challenges.services import register_guard
from retos.challenges.stages import Stage
from retos.core.rules import is_authenticated, predicate, register
from retos.witness.permissions import is_social_witness

DURING = (Stage.EVALUATION, Stage.FINALISTS)
AFTER_DECISION = (Stage.DECIDED, Stage.AWARDED, Stage.IMPLEMENTATION, Stage.COMPLETED)


@predicate
def is_panel_chair(user, challenge) -> bool:
    """The accepted chair of the challenge's panel (one query)."""
    if not is_authenticated(user):
        return False
    from retos.evaluation.models import MemberStatus, PanelMember

    return PanelMember.objects.filter(
        challenge_id=challenge.pk, user=user, status=MemberStatus.ACCEPTED, is_chair=True
    ).exists()


@predicate
def decision_published(user, challenge) -> bool:
    """A decision is published (and in force) for the challenge: its ranking is public."""
    stage = challenge.current_stage_at(timezone.now())
    if stage in AFTER_DECISION:
        return True
    if stage not in (Stage.CANCELLED, Stage.DESERTED):
        return False
    from retos.decisions.models import Decision

    return Decision.objects.in_force().filter(challenge_id=challenge.pk).exists()


@predicate
def names_unblinded(user, challenge) -> bool:
    """Outside a blind first round still in evaluation."""
    if challenge.current_stage_at(timezone.now()) != Stage.EVALUATION:
        return True
    from retos.evaluation.ranking import evaluation_settings

    return not evaluation_settings(challenge).blind_first_round


register(
    "ranking:view",
    decision_published
    | ((is_body_official | is_panel_chair | is_social_witness) & stage_is(*DURING)),
)
register(
    "ranking:view_names",
    decision_published
    | ((is_body_official | is_social_witness) & stage_is(*DURING))
    | (is_panel_chair & stage_is(*DURING) & names_unblinded),
)
register("finalists:confirm", is_body_approver & stage_is(Stage.EVALUATION))


def _selection_recorded(challenge) -> list[str]:
    from retos.evaluation.finalists import selection_recorded

    if selection_recorded(challenge):
        return []
    return [
        _(
            "Confirm the finalists on their own page: it records the ranking's proposal, your "
            "choice and, if they differ, the justification."
        )
    ]


register_guard("confirm_finalists", _selection_recorded)
