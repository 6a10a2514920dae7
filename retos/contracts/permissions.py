"""Named permissions of the award, the contract, its milestones, the delivery and the catalog
(see retos/core/rules.py): role × stage × ownership.

- The agency: the body's approver records the award and contract (stage decided) and reviews
  the final delivery (accepting it completes the challenge); its officials and approvers
  accept or return milestones and record payments.
- The supplier: the members (admin or member) of the winning company post progress, submit
  milestones for acceptance and submit the final delivery, during implementation.
- Any official or approver of another government body may report reusing a catalog tool.

Which state the milestone or delivery must be in (submitted, accepted…) is the services'
business, with a message that says what to do; these rules say who and when.

The guards on the challenge's transitions are registered here too: ``award`` needs the award
recorded (``award_record`` writes it in the same transaction), ``start_implementation`` a
signed contract, ``complete`` an accepted delivery. The complaint window and open complaints
are the complaints app's guard on ``award``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from retos.challenges.permissions import body_role, stage_is
from retos.challenges.stages import Stage
from retos.core.rules import Predicate, is_authenticated, predicate, register
from retos.organizations.models import Role
from retos.organizations.selectors import has_role, roles_by_organization

SUPPLIER_ROLES = (Role.ADMIN, Role.MEMBER)
AGENCY_ROLES = (Role.OFFICIAL, Role.APPROVER)


def award_of(challenge):
    """The challenge's award, or None (cached on the challenge by the reverse accessor)."""
    from retos.contracts.models import Award

    try:
        return challenge.award
    except Award.DoesNotExist:
        return None


def is_supplier_member_of(user, challenge) -> bool:
    """``user`` is an admin or member of the company the challenge was awarded to."""
    award = award_of(challenge)
    return (
        award is not None
        and is_authenticated(user)
        and has_role(user, award.supplier_id, *SUPPLIER_ROLES)
    )


@predicate
def is_supplier_member(user, challenge) -> bool:
    return is_supplier_member_of(user, challenge)


def on_milestone(rule: Predicate) -> Predicate:
    """Apply a challenge rule to a milestone's challenge."""
    return Predicate(
        lambda user, milestone: rule(user, milestone.contract.award.challenge),
        f"milestone:{rule.name}",
    )


def on_delivery(rule: Predicate) -> Predicate:
    """Apply a challenge rule to a delivery's challenge."""
    return Predicate(lambda user, delivery: rule(user, delivery.challenge), f"delivery:{rule.name}")


is_agency = body_role(*AGENCY_ROLES)
is_approver = body_role(Role.APPROVER)
implementing = stage_is(Stage.IMPLEMENTATION)

register("contract:award", is_approver & stage_is(Stage.DECIDED))
register("milestone:post_progress", on_milestone(is_supplier_member & implementing))
register("milestone:submit", on_milestone(is_supplier_member & implementing))
register("milestone:review", on_milestone(is_agency & implementing))
# A payment may follow the acceptance after the delivery completed the challenge.
register(
    "payment:record",
    on_milestone(is_agency & stage_is(Stage.IMPLEMENTATION, Stage.COMPLETED)),
)
register("delivery:submit", is_supplier_member & implementing)
register("delivery:review", on_delivery(is_approver & implementing))


@predicate
def is_other_body_official(user, pair) -> bool:
    """On ``(entry, body)``: ``user`` is an official or approver of ``body``, a government body
    other than the one that ran the entry's challenge."""
    entry, body = pair
    return (
        is_authenticated(user)
        and body.is_government
        and body.pk != entry.challenge.body_id
        and has_role(user, body.pk, *AGENCY_ROLES)
    )


register("reuse:report", is_other_body_official)


def reporting_bodies(user, entry) -> list[int]:
    """The ids of the organizations in which ``user`` may report a reuse of ``entry`` (before
    checking they are government bodies: the caller loads them)."""
    if not is_authenticated(user):
        return []
    return [
        org_id
        for org_id, roles in roles_by_organization(user).items()
        if roles & set(AGENCY_ROLES) and org_id != entry.challenge.body_id
    ]


# --- Guards on the challenge's transitions ---------------------------------------------------


def _award_guard(challenge) -> list[str]:
    from retos.contracts.models import Award

    if Award.objects.filter(challenge=challenge).exists():
        return []
    return [_("Record the award and the signed contract first, on the contract page.")]


def _contract_guard(challenge) -> list[str]:
    from retos.contracts.models import Contract

    if Contract.objects.filter(award__challenge=challenge).exists():
        return []
    return [_("Implementation starts once the award and the signed contract are recorded.")]


def _complete_guard(challenge) -> list[str]:
    from retos.contracts.models import Delivery, DeliveryStatus

    if Delivery.objects.filter(challenge=challenge, status=DeliveryStatus.ACCEPTED).exists():
        return []
    return [
        _(
            "The challenge is completed by accepting the supplier's final delivery, on the "
            "delivery page."
        )
    ]


def _register_guards() -> None:
    from retos.challenges.services import register_guard

    register_guard("award", _award_guard)
    register_guard("start_implementation", _contract_guard)
    register_guard("complete", _complete_guard)


_register_guards()
