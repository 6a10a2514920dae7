"""Pages of the opening act and of the officials' side of proposals.

- the officers' page: the two-person rule, the state of the confirmations, the confirm button;
- the published act (page, PDF, and the canonical JSON its SHA-256 is computed over);
- the officials' list of counted proposals, with the admissibility decision.

Nothing here reveals, before the act, whether a proposal exists: the officers' page shows only
the confirmations, and every other page is a 404 until the act is published.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.core import rules
from retos.core.errors import DomainError
from retos.core.formatting import format_datetime
from retos.proposals import opening_pdf, opening_selectors, services
from retos.proposals.content import act_document_bytes
from retos.proposals.opening_forms import AdmissibilityForm


def _form_id(proposal) -> str:
    # Several forms share the page: each gets its own ids, so labels and the error summary
    # point at the right field.
    return f"id_{proposal.public_id.hex[:12]}_%s"


@login_required
@require_http_methods(["GET", "POST"])
def confirm_opening(request, slug):
    state = opening_selectors.challenge_for_opening(request.user, slug)
    challenge = state.challenge
    if request.method == "POST":
        try:
            act = services.opening_confirm(challenge=challenge, actor=request.user)
        except PermissionDenied:
            # An opening officer, but the stage does not allow it (before the deadline, or a
            # question still holds submissions open): the page explains.
            messages.error(request, _("The opening act cannot be confirmed at this stage."))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if act.is_open:
                messages.success(
                    request, _("The proposals are open; the opening act is published.")
                )
                return redirect(act)
            messages.success(
                request,
                _(
                    "Your confirmation is recorded; a second opening officer must confirm "
                    "before %(deadline)s."
                )
                % {
                    "deadline": format_datetime(
                        act.first_confirmed_at + opening_selectors.confirm_window(),
                        challenge.body.time_zone,
                    )
                },
            )
        return redirect("proposals:confirm_opening", slug=challenge.slug)
    return render(
        request,
        "proposals/opening_confirm.html",
        {
            "challenge": challenge,
            "state": state,
            "is_first_officer": state.is_first_officer(request.user),
            "window_minutes": int(opening_selectors.confirm_window().total_seconds() // 60),
        },
    )


@require_safe
def opening_act(request, slug):
    published = opening_selectors.published_act(request.user, slug)
    response = render(
        request,
        "proposals/opening_act.html",
        {
            "challenge": published.challenge,
            "act": published.act,
            "entries": published.entries,
            "can_list": opening_selectors.is_list_reader(request.user, published.challenge),
        },
    )
    response["X-Content-SHA256"] = published.act.sha256
    return response


@require_safe
def opening_act_pdf(request, slug):
    published = opening_selectors.published_act(request.user, slug)
    html = opening_pdf.render_act_html(
        challenge=published.challenge, act=published.act, entries=published.entries
    )
    response = HttpResponse(opening_pdf.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="acta-apertura-{published.challenge.slug}.pdf"'
    )
    return response


@require_safe
def opening_act_json(request, slug):
    """The act's canonical JSON, byte for byte what its SHA-256 covers."""
    published = opening_selectors.published_act(request.user, slug)
    data = act_document_bytes(published.act)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="acta-apertura-{published.challenge.slug}.json"'
    )
    response["Repr-Digest"] = (
        f"sha-256=:{base64.b64encode(bytes.fromhex(published.act.sha256)).decode()}:"
    )
    return response


def _render_list(request, listing, *, bound=None, status=200):
    """The officials' list; ``bound`` is (proposal id, form) to show a refused decision again
    with its errors."""
    for row in listing.rows:
        proposal = row.proposal
        if bound is not None and bound[0] == proposal.pk:
            row.form = bound[1]
        elif rules.can(request.user, "proposal:decide_admissibility", proposal):
            row.form = AdmissibilityForm(
                auto_id=_form_id(proposal),
                initial={"reason": proposal.admissibility_reason},
            )
    return render(
        request,
        "proposals/officials_list.html",
        {
            "challenge": listing.challenge,
            "act": listing.act,
            "rows": listing.rows,
            "decisions_open": listing.challenge.current_stage == "opened",
        },
        status=status,
    )


@login_required
@require_safe
def opened_list(request, slug):
    return _render_list(request, opening_selectors.opened_list(request.user, slug))


@login_required
@require_POST
def admissibility(request, public_id):
    proposal = opening_selectors.proposal_for_admissibility(request.user, public_id)
    form = AdmissibilityForm(request.POST, auto_id=_form_id(proposal))
    challenge = proposal.challenge
    if form.is_valid():
        try:
            services.proposal_admissibility_set(
                proposal=proposal,
                actor=request.user,
                admissible=form.admissible,
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            form.add_error(
                None,
                _(
                    "Only the body's officials and approvers decide admissibility, and only "
                    "while the challenge is in the stage “Opened”."
                ),
            )
        except DomainError as exc:
            field = "reason" if exc.code in ("reason_required", "too_long") else None
            form.add_error(field, exc.message)
        else:
            if form.admissible:
                text = _("%(company)s: marked admissible. The company is notified.")
            else:
                text = _("%(company)s: marked not admissible. The company is notified.")
            messages.success(request, text % {"company": proposal.company.name})
            return redirect(
                reverse("proposals:opened_list", kwargs={"slug": challenge.slug})
                + f"#proposal-{proposal.public_id}"
            )
    listing = opening_selectors.opened_list(request.user, challenge.slug)
    return _render_list(request, listing, bound=(proposal.pk, form), status=400)
