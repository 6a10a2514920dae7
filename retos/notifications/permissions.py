"""Named permissions on following and notifications.

Anyone signed in may follow a challenge that is public and that they may view; anyone signed in
may stop following. Notifications and preferences belong to their person alone.
"""

from django.utils import timezone

from retos.core import rules
from retos.core.rules import is_authenticated, predicate, register


@predicate
def challenge_is_public(user, challenge) -> bool:
    return challenge.is_public_at(timezone.now())


@predicate
def may_view_challenge(user, challenge) -> bool:
    return rules.can(user, "challenge:view", challenge)


@predicate
def owns_notification(user, notification) -> bool:
    return is_authenticated(user) and notification.user_id == user.pk


@predicate
def is_self(user, person) -> bool:
    return is_authenticated(user) and person is not None and person.pk == user.pk


register("challenge:follow", is_authenticated & challenge_is_public & may_view_challenge)
register("challenge:unfollow", is_authenticated)
register("notification:list", is_authenticated)
register("notification:read", owns_notification)
register("notification:set_preferences", is_self)
