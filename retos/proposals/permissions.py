"""Who may do what with a proposal: role × stage × ownership.

The seal, in rules: before the opening act, only the company's own members may read a proposal
or even learn it exists. After the act, the body's officials, approvers and opening officers may
read the proposals the act counted; drafts never submitted and withdrawn proposals stay sealed
for good. The challenge's active social witness reads what those officials read, from the act
on (never before). Platform staff, evaluators (until they are assigned, in the evaluation issue)
and Django superusers have no rule that lets them in: ``rules.can`` never consults
``is_superuser``.
"""

from django.utils import timezone

from retos.challenges.permissions import body_role, stage_is
from retos.challenges.stages import Stage
from retos.core.rules import Predicate, is_authenticated, predicate, register
from retos.organizations.models import Role
from retos.organizations.selectors import has_role
from retos.witness.permissions import is_social_witness

COMPANY_ROLES = (Role.ADMIN, Role.MEMBER)
# Stages in which the working draft may still change: before the opening act (after the
# deadline a save keeps what was typed; it just cannot be submitted any more).
_EDITABLE_STAGES = (Stage.PUBLISHED, Stage.CLOSED)


@predicate
def is_company_member(user, proposal) -> bool:
    return is_authenticated(user) and has_role(user, proposal.company_id, *COMPANY_ROLES)


@predicate
def is_member_of_company(user, company) -> bool:
    return (
        is_authenticated(user) and company.is_company and has_role(user, company.pk, *COMPANY_ROLES)
    )


@predicate
def opened(user, proposal) -> bool:
    """The opening act of the proposal's challenge is complete."""
    return proposal.challenge.opened_at is not None


@predicate
def counted_at_opening(user, proposal) -> bool:
    """Submitted, and still submitted when the act opened it (not withdrawn, not a draft)."""
    return proposal.status == "submitted" and proposal.submitted_at is not None


def on_challenge(rule: Predicate) -> Predicate:
    """Apply a challenge rule to a proposal's challenge."""
    return Predicate(
        lambda user, proposal: rule(user, proposal.challenge), f"challenge:{rule.name}"
    )


@predicate
def draft_editable(user, proposal) -> bool:
    challenge = proposal.challenge
    return challenge.opened_at is None and challenge.current_stage_at(timezone.now()) in (
        _EDITABLE_STAGES
    )


is_body_reader = on_challenge(body_role(Role.OFFICIAL, Role.APPROVER, Role.OPENING_OFFICER))
# The challenge's social witness reads what the body's readers read, from the act on, too.
is_witness_reader = on_challenge(is_social_witness)

register(
    "proposal:read",
    is_company_member | (opened & counted_at_opening & (is_body_reader | is_witness_reader)),
)
register("proposal:start", is_member_of_company)
register("proposal:edit", is_company_member & draft_editable)
# Whether the deadline still allows it is checked by the service at the moment of receipt,
# with its own message; the rule is who.
register("proposal:submit", is_company_member & draft_editable)
register("proposal:withdraw", is_company_member & draft_editable)
register(
    "proposal:decide_admissibility",
    opened
    & counted_at_opening
    & on_challenge(body_role(Role.OFFICIAL, Role.APPROVER) & stage_is(Stage.OPENED)),
)
# On a challenge: confirm the opening act (either of the two confirmations).
register(
    "proposal:confirm_opening",
    body_role(Role.OPENING_OFFICER) & stage_is(Stage.CLOSED),
)
