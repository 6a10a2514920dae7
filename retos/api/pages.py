"""The API's pages: a person's tokens (create, with the secret shown once; revoke) and the
documentation, rendered on the server from the OpenAPI document (no script, nothing fetched
from elsewhere)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.api import docs as api_docs
from retos.api import selectors, services
from retos.api.forms import TokenForm
from retos.core.errors import DomainError


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, secret = services.api_token_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except DomainError as exc:
                form.add_error("name", exc.message)
                status = 400
            else:
                # Shown in this answer only: it is not stored, and the page says so.
                created = {"token": token, "secret": secret}
                form = TokenForm()
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(request.user),
            "created": created,
            "max_tokens": services.MAX_ACTIVE_TOKENS,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.token_for_owner(request.user, pk)
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The token “%(name)s” was revoked: it no longer authenticates anything.")
            % {"name": token.name},
        )
    return redirect("api_pages:tokens")


@require_safe
def docs(request):
    return render(
        request,
        "api/docs.html",
        {
            "doc": api_docs.document(),
            "rate_anon": settings.RETOS_API_RATE_ANON,
            "rate_user": settings.RETOS_API_RATE_USER,
            "max_page_size": api_docs.MAX_PAGE_SIZE,
            "page_size": settings.REST_FRAMEWORK.get("PAGE_SIZE"),
        },
    )
