from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.challenges.selectors import challenge_for_view
from retos.notifications import selectors, services
from retos.notifications.calendar import challenge_calendar as calendar_text
from retos.notifications.context_processors import request_unread_count
from retos.notifications.forms import PreferencesForm


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@require_POST
def follow(request, slug):
    challenge = challenge_for_view(request.user, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(challenge.get_absolute_url())
    try:
        services.challenge_follow(challenge=challenge, user=request.user)
    except PermissionDenied:
        messages.error(request, _("Only published challenges can be followed."))
    else:
        messages.success(
            request,
            _(
                "You follow this challenge. You will hear about answers, amendments, deadlines "
                "and stage changes."
            ),
        )
    return redirect(challenge)


@require_POST
def unfollow(request, slug):
    challenge = challenge_for_view(request.user, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(challenge.get_absolute_url())
    if services.challenge_unfollow(challenge=challenge, user=request.user):
        messages.success(request, _("You no longer follow this challenge."))
    return redirect(challenge)


@login_required
@require_safe
def notification_list(request):
    paginator = Paginator(
        selectors.notifications_for(request.user), getattr(settings, "RETOS_PAGE_SIZE", 20)
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": request_unread_count(request)},
    )


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification, user=request.user)
    return redirect(_next_or(request, reverse("notifications:list")))


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return redirect(_next_or(request, reverse("notifications:list")))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(
        request.POST or None, initial_choices=selectors.preferences_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(
            user=request.user, actor=request.user, choices=form.choices()
        )
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@require_safe
def challenge_calendar(request, slug):
    challenge = challenge_for_view(request.user, slug)
    text = calendar_text(
        challenge,
        url=request.build_absolute_uri(challenge.get_absolute_url()),
        host=urlsplit(settings.SITE_URL).hostname or request.get_host(),
        now=timezone.now(),
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{challenge.slug}.ics"'
    return response
