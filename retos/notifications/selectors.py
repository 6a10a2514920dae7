"""Reads for following and notifications. Each runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from retos.core import rules
from retos.notifications.models import (
    PREFERENCE_KINDS,
    Follow,
    Notification,
    NotificationPreference,
)


@dataclass(frozen=True)
class FollowState:
    """What the follow button shows: how many follow the challenge, and whether you do."""

    count: int
    following: bool
    can_follow: bool


def follower_count(challenge) -> int:
    return Follow.objects.filter(challenge=challenge).count()


def follow_state(user, challenge) -> FollowState:
    """The follower count and the viewer's own follow, in one query."""
    authenticated = user is not None and user.is_authenticated
    figures = {"count": Count("id")}
    if authenticated:
        figures["mine"] = Count("id", filter=Q(user_id=user.pk))
    result = Follow.objects.filter(challenge=challenge).aggregate(**figures)
    return FollowState(
        count=result["count"],
        following=bool(result.get("mine")),
        can_follow=rules.can(user, "challenge:follow", challenge),
    )


def notifications_for(user):
    """The user's notifications, newest first (the page shows title, text, link and state)."""
    return Notification.objects.for_user(user).only(
        "id", "user_id", "kind", "title", "body", "url", "created_at", "read_at"
    )


def unread_count(user) -> int:
    """Unread notifications of ``user``: one count on a partial index; none for visitors."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.for_user(user).unread().count()


def notification_for_user(user, pk: int) -> Notification:
    """The notification if it is ``user``'s; the same 404 whether missing or someone else's."""
    notification = Notification.objects.filter(pk=pk).first()
    if notification is None or not rules.can(user, "notification:read", notification):
        raise Http404
    return notification


def preferences_for(user) -> dict[str, dict[str, bool]]:
    """Each kind's channels for ``user``; a kind they never changed is on for both.

    Only the kinds one may turn off (``PREFERENCE_KINDS``).
    """
    choices = {kind.value: {"email": True, "site": True} for kind in PREFERENCE_KINDS}
    for kind, email, site in NotificationPreference.objects.filter(user=user).values_list(
        "kind", "email", "site"
    ):
        choices[kind] = {"email": email, "site": site}
    return choices
