"""Named permissions of the drafting pages: who may see which page, at which stage.

The writes themselves are the challenges services, which check their own permissions
(``challenge:create``, ``challenge:edit``, ``challenge:submit_for_review``,
``challenge:approve``, ``challenge:request_changes``, ``challenge:comment_review``). These
rules decide what the pages show and offer, so that a page never offers what its service
would refuse, and a page nobody may see is a 404.

- ``drafting:start`` (on a body): an official or approver of a *verified* body starts a draft.
- ``drafting:overview`` (on a challenge): the body's members follow a draft and its review.
- ``drafting:preview`` (on a challenge): the body's members while it is a draft or in review;
  platform staff while it is in review (a draft is the agency's business, as on the public
  detail page).
- ``drafting:review`` (on a challenge): platform staff, while it is in review or back with the
  agency as a draft (to follow the review conversation).
- ``drafting:review_queue``: platform staff.
"""

from retos.challenges import permissions as challenge_permissions
from retos.challenges.stages import Stage
from retos.core import rules
from retos.core.rules import Predicate, is_platform_staff, predicate, register

stage_is = challenge_permissions.stage_is
is_body_member = challenge_permissions.is_body_member


@predicate
def may_create_for_body(user, body) -> bool:
    return rules.can(user, "challenge:create", body)


@predicate
def body_is_verified(user, body) -> bool:
    return body.verified


def _before_publication() -> Predicate:
    # "In review" includes a challenge approved for a later publication time: until then it
    # is not public, and its stage (as of now) is still "in review".
    return stage_is(Stage.DRAFT, Stage.IN_REVIEW)


register("drafting:start", may_create_for_body & body_is_verified)
register("drafting:overview", is_body_member & _before_publication())
register(
    "drafting:preview",
    (is_body_member & _before_publication()) | (is_platform_staff & stage_is(Stage.IN_REVIEW)),
)
register("drafting:review", is_platform_staff & _before_publication())
register("drafting:review_queue", is_platform_staff)
