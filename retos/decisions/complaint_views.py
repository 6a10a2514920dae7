"""Pages of complaints (*inconformidades*): the public list and each complaint with its steps,
the bidders' form to file one, the approver's and the complainant's forms to move it, and the
evidence downloads.

Complaints and responses are public on any challenge the person may see; so is the list of
evidence (confidential files by name, size and SHA-256 only). A refused download of
confidential evidence is a 403 (its existence is public), or the log-in page for anonymous
visitors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.challenges.selectors import challenge_for_view
from retos.core import rules
from retos.core.errors import DomainError
from retos.decisions import complaints as services
from retos.decisions.complaint_forms import (
    ComplaintForm,
    ComplaintMoveForm,
    ComplaintWithdrawForm,
    evidence_field_name,
)
from retos.decisions.complaint_selectors import (
    complaint_for_view,
    complaints_of,
    evidence_of,
)
from retos.decisions.models import ComplaintStatus
from retos.documents.views import content_disposition


def _mark_downloadable(user, complaints) -> None:
    for complaint in complaints:
        for item in complaint.evidence.all():
            item.downloadable = rules.can(user, "complaint:download_evidence", item)


def _window(challenge) -> dict:
    now = timezone.now()
    decision, window_open = services.complaint_window_state(challenge, now)
    closes = decision.complaints_close_at if decision is not None else None
    return {
        "decision": decision,
        "window_open": window_open,
        "window_closed": closes is not None and now > closes,
    }


@require_safe
def complaint_list(request, slug):
    challenge = challenge_for_view(request.user, slug)
    found = complaints_of(challenge)
    _mark_downloadable(request.user, found)
    return render(
        request,
        "decisions/complaint_list.html",
        {"challenge": challenge, "complaints": found, **_window(challenge)},
    )


@require_http_methods(["GET", "POST"])
def complaint_new(request, slug):
    challenge = challenge_for_view(request.user, slug)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    problem, proposals = services.complaint_filing(challenge, request.user)
    form = ComplaintForm(request.POST or None, request.FILES or None, proposals=proposals)
    status = 200
    if request.method == "POST":
        status = 400
        if problem is not None:
            status = 403
        elif form.is_valid():
            evidence, slots = form.evidence()
            try:
                complaint = services.complaint_file(
                    proposal=form.chosen_proposal(),
                    actor=request.user,
                    grounds=form.cleaned_data["grounds"],
                    evidence=evidence,
                )
            except PermissionDenied:
                form.add_error(None, _("You cannot file a complaint on this challenge."))
                status = 403
            except services.EvidenceRefused as exc:
                form.add_error(evidence_field_name(slots[exc.index]), exc.message)
            except DomainError as exc:
                form.add_error("grounds" if exc.code.startswith("grounds") else None, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Your complaint was filed as number %(number)d. It is published with its "
                        "grounds; the agency will respond on this page."
                    )
                    % {"number": complaint.number},
                )
                return redirect("complaints:detail", slug=challenge.slug, number=complaint.number)
    return render(
        request,
        "decisions/complaint_new.html",
        {
            "challenge": challenge,
            "form": form,
            "problem": problem,
            "company": proposals[0].company if len(proposals) == 1 else None,
            "files_dropped": request.method == "POST" and bool(request.FILES),
            **_window(challenge),
        },
        status=status,
    )


def _render_detail(request, complaint, *, move_form=None, withdraw_form=None, status=200):
    challenge = complaint.challenge
    moves = services.complaint_moves_for(request.user, complaint)
    decide_moves = [m for m in moves if m != ComplaintStatus.WITHDRAWN]
    if move_form is None and decide_moves:
        move_form = ComplaintMoveForm(moves=moves, prefix="move")
    if withdraw_form is None and ComplaintStatus.WITHDRAWN in moves:
        withdraw_form = ComplaintWithdrawForm(prefix="withdraw")
    _mark_downloadable(request.user, [complaint])
    return render(
        request,
        "decisions/complaint_detail.html",
        {
            "challenge": challenge,
            "complaint": complaint,
            "move_form": move_form,
            "withdraw_form": withdraw_form,
            **_window(challenge),
        },
        status=status,
    )


@require_safe
def complaint_detail(request, slug, number):
    complaint = complaint_for_view(request.user, slug, number)
    return _render_detail(request, complaint)


def _field_for(code: str) -> str | None:
    if code.startswith("remedy"):
        return "remedy"
    if code.startswith("response"):
        return "response"
    return None


@require_POST
def complaint_move(request, slug, number):
    complaint = complaint_for_view(request.user, slug, number)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    moves = services.complaint_moves_for(request.user, complaint)
    if not [m for m in moves if m != ComplaintStatus.WITHDRAWN]:
        if rules.can(request.user, "complaint:decide", complaint):
            messages.error(request, _("This complaint is closed: it cannot change any more."))
            return redirect("complaints:detail", slug=slug, number=number)
        raise PermissionDenied
    form = ComplaintMoveForm(request.POST, moves=moves, prefix="move")
    if form.is_valid():
        try:
            services.complaint_move(
                complaint=complaint,
                actor=request.user,
                to_status=form.cleaned_data["to_status"],
                response=form.cleaned_data["response"],
                remedy=form.cleaned_data.get("remedy") or "",
            )
        except DomainError as exc:
            field = _field_for(exc.code)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Complaint %(number)d is now “%(status)s”; the response is published.")
                % {
                    "number": number,
                    "status": ComplaintStatus(form.cleaned_data["to_status"]).label,
                },
            )
            return redirect("complaints:detail", slug=slug, number=number)
    return _render_detail(request, complaint, move_form=form, status=400)


@require_POST
def complaint_withdraw(request, slug, number):
    complaint = complaint_for_view(request.user, slug, number)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not rules.can(request.user, "complaint:withdraw", complaint):
        raise PermissionDenied
    form = ComplaintWithdrawForm(request.POST, prefix="withdraw")
    if form.is_valid():
        try:
            services.complaint_move(
                complaint=complaint,
                actor=request.user,
                to_status=ComplaintStatus.WITHDRAWN,
                response=form.cleaned_data["response"],
            )
        except DomainError as exc:
            form.add_error("response" if exc.code.startswith("response") else None, exc.message)
        else:
            messages.success(
                request,
                _("Complaint %(number)d is withdrawn; your reason is published.")
                % {"number": number},
            )
            return redirect("complaints:detail", slug=slug, number=number)
    return _render_detail(request, complaint, withdraw_form=form, status=400)


@require_safe
def evidence_download(request, slug, number, evidence_id):
    complaint = complaint_for_view(request.user, slug, number)
    item = evidence_of(complaint, evidence_id)
    if not rules.can(request.user, "complaint:download_evidence", item):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    document = item.document
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Length"] = str(document.size)
    response["Content-Disposition"] = content_disposition(document.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Content-SHA256"] = document.sha256
    if item.confidential:
        response["Cache-Control"] = "private, no-store"
    return response
