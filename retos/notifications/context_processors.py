"""``unread_notifications_count`` for the header of every page.

Lazy: the count query runs only if a template uses the value, at most once per request, and
never for visitors who are not signed in.
"""

from functools import partial

from retos.notifications.selectors import unread_count


def request_unread_count(request) -> int:
    """The signed-in user's unread count, computed once per request."""
    cached = getattr(request, "_retos_unread_notifications", None)
    if cached is None:
        cached = unread_count(getattr(request, "user", None))
        request._retos_unread_notifications = cached
    return cached


def notifications(request):
    # A callable: templates call it when they use the value (a plain int, so that
    # {% blocktranslate count %} works); request_unread_count caches it per request.
    return {"unread_notifications_count": partial(request_unread_count, request)}
