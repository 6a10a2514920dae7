"""Pages of the demos and the decision (fallo).

- a finalist's demo page (``propuestas/<id>/demo/``): submit and resubmit the demo until the
  deadline, the demo-day slot and its calendar invitation (``cita.ics``);
- the demo-day agenda (``retos/<slug>/demos/agenda/``): the officials schedule each finalist;
- the approver's decision page (``retos/<slug>/fallo/decidir/``);
- the public decision (``retos/<slug>/fallo/``), its PDF and its data (``datos.json``, the
  canonical record whose SHA-256 is published).

Each view parses, authorizes through ``selectors`` (a 404 for whoever may not see the page),
calls one service and renders.
"""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.core.errors import DomainError
from retos.decisions import record as records
from retos.decisions import selectors, services
from retos.decisions.forms import (
    DEMO_ERROR_FIELDS,
    SLOT_ERROR_FIELDS,
    DecisionForm,
    DemoForm,
    SlotForm,
)

# ---------------------------------------------------------------------------------------------
# A finalist's demo


@require_http_methods(["GET", "POST"])
def demo(request, public_id):
    proposal = selectors.proposal_for_demo(request.user, public_id)
    page = selectors.demo_page(request.user, proposal)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise Http404
        form = DemoForm(request.POST)
        if form.is_valid():
            try:
                submitted = services.demo_submit(
                    proposal=proposal, actor=request.user, **form.cleaned_data
                )
            except PermissionDenied:
                form.add_error(
                    None,
                    _(
                        "Only the members of a finalist company submit its demo, while the "
                        "challenge is in the finalists stage."
                    ),
                )
            except DomainError as exc:
                form.add_error(DEMO_ERROR_FIELDS.get(exc.code), exc.message)
            else:
                messages.success(
                    request,
                    _("Demo version %(number)s received. You can change it until the deadline.")
                    % {"number": submitted.number},
                )
                return redirect("decisions:demo", public_id=proposal.public_id)
        status = 400
        page = selectors.demo_page(request.user, proposal)
    else:
        current = page.current
        form = DemoForm(
            initial={
                "demo_url": current.demo_url,
                "repository_url": current.repository_url,
                "video_url": current.video_url,
                "notes": current.notes,
            }
            if current
            else None
        )
    return render(
        request,
        "decisions/demo.html",
        {"page": page, "proposal": proposal, "challenge": page.challenge, "form": form},
        status=status,
    )


@require_safe
def demo_calendar(request, public_id):
    slot = selectors.slot_for_calendar(request.user, public_id)
    url = request.build_absolute_uri(
        reverse("decisions:demo", kwargs={"public_id": slot.proposal.public_id})
    )
    text = selectors.slot_calendar(
        slot,
        url=url,
        host=urlsplit(settings.SITE_URL).hostname or request.get_host(),
        now=timezone.now(),
        summary=_("Demo of %(company)s: %(challenge)s")
        % {"company": slot.proposal.company.name, "challenge": slot.challenge.title},
    )
    response = HttpResponse(text.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="demo-{slot.challenge.slug}.ics"'
    return response


# ---------------------------------------------------------------------------------------------
# The demo-day agenda


def _slot_form_id(proposal) -> str:
    # One form per finalist on the page: each gets its own ids for labels and errors.
    return f"id_{proposal.public_id.hex[:12]}_%s"


def _render_agenda(request, agenda, *, bound=None, status=200):
    zone = None
    if agenda.can_schedule:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(agenda.challenge.body.time_zone)
    for row in agenda.rows:
        if bound is not None and bound[0] == row.proposal.pk:
            row.form = bound[1]
        elif agenda.can_schedule:
            row.form = SlotForm(
                challenge=agenda.challenge,
                auto_id=_slot_form_id(row.proposal),
                initial=SlotForm.initial_for(row.slot, zone),
            )
    return render(
        request,
        "decisions/agenda.html",
        {"agenda": agenda, "challenge": agenda.challenge},
        status=status,
    )


@require_safe
def agenda(request, slug):
    return _render_agenda(request, selectors.agenda(request.user, slug))


@login_required
@require_POST
def slot(request, slug, public_id):
    proposal = selectors.proposal_for_slot(request.user, slug, public_id)
    challenge = proposal.challenge
    form = SlotForm(request.POST, challenge=challenge, auto_id=_slot_form_id(proposal))
    if form.is_valid():
        try:
            services.demo_slot_schedule(
                proposal=proposal,
                actor=request.user,
                starts_at=form.starts_at,
                ends_at=form.ends_at,
                location=form.cleaned_data["location"],
            )
        except PermissionDenied:
            form.add_error(None, _("Demo-day slots are scheduled in the finalists stage."))
        except DomainError as exc:
            form.add_error(SLOT_ERROR_FIELDS.get(exc.code), exc.message)
        else:
            messages.success(
                request,
                _("The slot of %(company)s is saved; its members are notified.")
                % {"company": proposal.company.name},
            )
            return redirect(
                reverse("decisions:agenda", kwargs={"slug": challenge.slug})
                + f"#finalist-{proposal.public_id}"
            )
    agenda = selectors.agenda(request.user, challenge.slug)
    return _render_agenda(request, agenda, bound=(proposal.pk, form), status=400)


# ---------------------------------------------------------------------------------------------
# The approver's decision page


@login_required
@require_http_methods(["GET", "POST"])
def decide(request, slug):
    state = selectors.challenge_for_decision(request.user, slug)
    challenge = state.challenge
    form = None
    status = 200
    if state.can_publish:
        form = DecisionForm(request.POST or None, options=state.options)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    services.decision_publish(
                        challenge=challenge,
                        actor=request.user,
                        winner=form.winner,
                        justification=form.cleaned_data["justification"],
                        reasons=form.reasons(),
                    )
                except PermissionDenied:
                    form.add_error(None, _("The decision cannot be published at this stage."))
                except DomainError as exc:
                    field = {"justification_required": "justification", "not_finalist": None}
                    form.add_error(field.get(exc.code), exc.message)
                else:
                    messages.success(
                        request,
                        _("The decision is published; every bidder is notified."),
                    )
                    return redirect("decisions:public", slug=challenge.slug)
    elif request.method == "POST":
        status = 400
        messages.error(request, _("The decision cannot be published at this stage."))
    return render(
        request,
        "decisions/decide.html",
        {"state": state, "challenge": challenge, "form": form},
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# The public decision


@require_safe
def public(request, slug):
    published = selectors.published_decision(request.user, slug)
    response = render(
        request,
        "decisions/decision.html",
        {
            "challenge": published.challenge,
            "decision": published.decision,
            "view": published.view,
            "in_force": published.in_force,
        },
    )
    response["X-Content-SHA256"] = published.decision.record_sha256
    return response


@require_safe
def decision_pdf(request, slug):
    """The PDF as stored at publication (its SHA-256 is the published one)."""
    published = selectors.published_decision(request.user, slug)
    decision = published.decision
    if not decision.pdf:
        raise Http404
    response = FileResponse(
        decision.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"fallo-{published.challenge.slug}.pdf",
    )
    response["Repr-Digest"] = (
        f"sha-256=:{base64.b64encode(bytes.fromhex(decision.pdf_sha256)).decode()}:"
    )
    return response


@require_safe
def decision_data(request, slug):
    """The record's canonical JSON, byte for byte what its published SHA-256 covers."""
    published = selectors.published_decision(request.user, slug)
    decision = published.decision
    data = records.canonical_bytes(decision.record)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="fallo-{published.challenge.slug}.json"'
    )
    response["Repr-Digest"] = (
        f"sha-256=:{base64.b64encode(bytes.fromhex(decision.record_sha256)).decode()}:"
    )
    return response
