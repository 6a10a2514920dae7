"""Named permissions on challenges: role × stage × ownership.

Each lifecycle transition registers ``challenge:<name>`` as *who may* (a role in the owning
body, or platform staff) combined with *when* (the current stage is the transition's source).
"""

from django.utils import timezone

from retos.challenges.stages import TRANSITIONS, Stage, closed_by_time
from retos.core.rules import (
    Predicate,
    always,
    is_authenticated,
    is_platform_staff,
    predicate,
    register,
)
from retos.organizations.models import Role
from retos.organizations.selectors import has_role


def body_role(*roles: str) -> Predicate:
    def check(user, challenge) -> bool:
        return is_authenticated(user) and has_role(user, challenge.body_id, *roles)

    return Predicate(check, f"body_role({', '.join(roles)})")


def stage_is(*stages: Stage) -> Predicate:
    def check(user, challenge) -> bool:
        return challenge.current_stage_at(timezone.now()) in stages

    return Predicate(check, f"stage_is({', '.join(stages)})")


@predicate
def closed_by_deadline(user, challenge) -> bool:
    """Published and past its deadline, with the close not yet recorded."""
    return closed_by_time(challenge, timezone.now())


is_body_member = body_role(*Role.values)
is_body_approver = body_role(Role.APPROVER)
is_body_official = body_role(Role.OFFICIAL, Role.APPROVER)
is_opening_officer = body_role(Role.OPENING_OFFICER)

# Who may make each transition; the stage part is added from the transitions table below.
TRANSITION_ACTORS: dict[str, Predicate] = {
    "submit_for_review": is_body_approver,
    "approve": is_platform_staff,
    "request_changes": is_platform_staff,
    # Time alone closes a challenge: anyone (or no one: the system) may record the fact once
    # the deadline has passed, and no one before. Its stage condition is the deadline itself.
    "close": always,
    # Issue #4 puts the two-officer opening act in front of this service.
    "open": is_opening_officer,
    "start_evaluation": is_body_approver,
    "confirm_finalists": is_body_approver,
    "decide": is_body_approver,
    "award": is_body_approver,
    "reopen_evaluation": is_body_approver,
    "start_implementation": is_body_official,
    "complete": is_body_approver,
    "cancel": is_body_approver,
    "declare_deserted": is_body_approver,
}

for _name in sorted({t.name for t in TRANSITIONS}):
    if _name == "close":
        register("challenge:close", TRANSITION_ACTORS[_name] & closed_by_deadline)
        continue
    _sources = [t.source for t in TRANSITIONS if t.name == _name]
    register(f"challenge:{_name}", TRANSITION_ACTORS[_name] & stage_is(*_sources))


@predicate
def is_public(user, challenge) -> bool:
    return challenge.is_public_at(timezone.now())


register(
    "challenge:view",
    is_public | is_body_member | (is_platform_staff & stage_is(Stage.IN_REVIEW)),
)
register("challenge:edit", is_body_official & stage_is(Stage.DRAFT))


@predicate
def can_draft_for(user, body) -> bool:
    """Officials and approvers of a verified body start challenges for it."""
    return (
        is_authenticated(user)
        and body.verified
        and has_role(user, body.pk, Role.OFFICIAL, Role.APPROVER)
    )


register("challenge:create", can_draft_for)
register(
    "challenge:comment_review",
    (is_body_official | body_role(Role.ADMIN) | is_platform_staff)
    & stage_is(Stage.DRAFT, Stage.IN_REVIEW),
)
register(
    "challenge:read_review",
    is_body_member | (is_platform_staff & stage_is(Stage.DRAFT, Stage.IN_REVIEW)),
)


@predicate
def is_live(user, challenge) -> bool:
    """Published, visible, and still taking proposals (a pending question may hold it open)."""
    return challenge.current_stage_at(timezone.now()) == Stage.PUBLISHED and challenge.is_public


register("challenge:amend", is_body_official & is_live)
register("challenge:extend", is_body_official & is_live)
