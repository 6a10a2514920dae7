"""Pages of the panel: the approver's panel and settings, the invitation, an evaluator's
"my evaluations", conflicts, proposals (blind in the first round) and scores, and the chair's
progress and corrections.

Each view parses, authorizes through a selector (the same 404 for what is missing and what is
not the person's to see: panels, proposals under evaluation and scores are private until the
decision), calls one service and renders. Proposals are read only through the proposals' read
services, which record every read in the ledger.
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.accounts.models import ExpertiseArea
from retos.core import rules
from retos.core.errors import DomainError
from retos.documents.views import content_disposition
from retos.evaluation import blind, selectors, services
from retos.evaluation.forms import (
    ConflictsForm,
    CorrectionForm,
    InviteForm,
    RespondForm,
    ScoreForm,
    SettingsForm,
)
from retos.evaluation.models import MemberRole, MemberStatus, PanelMember, Round
from retos.evaluation.permissions import ROUND_OF_ROLE, is_cleared, member_of, round_open
from retos.proposals import services as proposal_services
from retos.proposals.models import ProposalAttachment

READ = "evaluation:read_proposal"
AREAS = dict(ExpertiseArea.choices)

# --- The approver's panel page ---------------------------------------------------------------


def _panel_context(request, challenge, form) -> dict:
    members = selectors.panel_members(challenge)
    now = timezone.now()
    return {
        "challenge": challenge,
        "members": [
            (
                m,
                m.status == MemberStatus.INVITED and m.expires_at <= now,
                [str(AREAS.get(a, a)) for a in m.areas or []],
            )
            for m in members
        ],
        "coverage": selectors.coverage(challenge, members),
        "problems": selectors.start_evaluation_problems(challenge)
        if challenge.current_stage in ("published", "closed", "opened")
        else [],
        "form": form,
        "can_invite": rules.can(request.user, "evaluation:invite", challenge),
        "can_set_chair": rules.can(request.user, "evaluation:set_chair", challenge),
        "settings": selectors.settings_of(challenge),
    }


@login_required
@require_http_methods(["GET", "POST"])
def panel(request, slug):
    """The panel: invite by email, the members and their status, the coverage of the criteria,
    and what still stops evaluation from starting."""
    challenge = selectors.challenge_for(request.user, slug, "evaluation:view_panel")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.panel_invite(
                challenge=challenge,
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                areas=data["areas"] if data["role"] == MemberRole.EXPERT else [],
                role=data["role"],
                chair=data["chair"],
            )
        except PermissionDenied:
            form.add_error(None, _("Invitations cannot be sent at this stage of the challenge."))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            return redirect("evaluation:panel", slug=challenge.slug)
    return render(request, "evaluation/panel.html", _panel_context(request, challenge, form))


@login_required
@require_POST
def set_chair(request, slug, member_id):
    challenge = selectors.challenge_for(request.user, slug, "evaluation:view_panel")
    try:
        member = PanelMember.objects.get(challenge=challenge, public_id=member_id)
    except PanelMember.DoesNotExist:
        raise Http404 from None
    try:
        services.panel_set_chair(member=member, actor=request.user)
    except PermissionDenied:
        messages.error(request, _("The chair cannot be changed at this stage of the challenge."))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s is now the chair of the panel.") % {"name": member.full_name}
        )
    return redirect("evaluation:panel", slug=challenge.slug)


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request, slug):
    """The evaluation settings; editable by the approver until evaluation starts."""
    challenge = selectors.challenge_for(request.user, slug, "evaluation:view_panel")
    current = selectors.settings_of(challenge)
    editable = rules.can(request.user, "evaluation:manage_settings", challenge)
    form = SettingsForm(request.POST or None, challenge=challenge, settings_obj=current)
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The settings are fixed once evaluation has started."))
            return redirect("evaluation:settings", slug=challenge.slug)
        if form.is_valid():
            try:
                services.evaluation_settings_update(
                    challenge=challenge, actor=request.user, **form.cleaned_data
                )
            except PermissionDenied:
                raise Http404 from None
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The evaluation settings are saved."))
                return redirect("evaluation:panel", slug=challenge.slug)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "evaluation/settings.html",
        {"challenge": challenge, "form": form, "editable": editable, "settings": current},
    )


# --- The invitation --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The invitee's page: sign in (or sign up) with the invited address, then accept or
    decline. The link works once and expires."""
    member = selectors.member_for_token(token)
    form = RespondForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.path)
        accept = request.POST.get("decision") == "accept"
        if form.is_valid():
            try:
                services.panel_respond(
                    member=member,
                    actor=request.user,
                    token=token,
                    accept=accept,
                    reason=form.cleaned_data.get("reason", "") if not accept else "",
                )
            except PermissionDenied:
                raise Http404 from None
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if accept:
                    messages.success(
                        request,
                        _(
                            "Welcome to the panel. Before you see any proposal, declare your "
                            "conflicts of interest when the bidders are known."
                        ),
                    )
                    return redirect("evaluation:mine")
                messages.success(
                    request, _("You declined the invitation. Thank you for answering.")
                )
                return redirect("evaluation:mine")
    now_open = member.status == MemberStatus.INVITED
    return render(
        request,
        "evaluation/invitation.html",
        {
            "member": member,
            "challenge": member.challenge,
            "form": form,
            "open": now_open and member.expires_at > timezone.now(),
            "expired": now_open and member.expires_at <= timezone.now(),
            "wrong_user": request.user.is_authenticated
            and request.user.email.lower() != member.email.lower(),
        },
    )


# --- "My evaluations" and a challenge's evaluation -------------------------------------------


@login_required
@require_safe
def mine(request):
    return render(
        request,
        "evaluation/mine.html",
        {
            "rows": selectors.my_evaluations(request.user),
            "invitations": selectors.pending_invitations(request.user),
        },
    )


@login_required
@require_safe
def challenge_evaluation(request, slug):
    """A member's work on one challenge: conflicts to declare, proposals to score."""
    member = selectors.member_for_evaluation(request.user, slug)
    challenge = member.challenge
    pending = selectors.pending_declarations(member)
    may_declare = selectors.may_declare_now(member)
    on = round_open(member, challenge)
    assigned = selectors.assigned_proposals(member) if on and not pending else []
    return render(
        request,
        "evaluation/challenge.html",
        {
            "challenge": challenge,
            "member": member,
            "pending": pending,
            "may_declare": may_declare,
            "round_open": on,
            "assigned": assigned,
            "blind": selectors.is_blind(member, challenge),
            "can_view_progress": rules.can(request.user, "evaluation:view_progress", challenge),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request, slug):
    """Declare, for every bidder, a conflict of interest or none: all at once, final."""
    member = selectors.member_for_evaluation(request.user, slug)
    challenge = member.challenge
    pending = selectors.pending_declarations(member)
    if not pending or not selectors.may_declare_now(member):
        return redirect("evaluation:challenge", slug=challenge.slug)
    form = ConflictsForm(request.POST or None, bidders=pending)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflicts_declare(
                member=member, actor=request.user, declarations=form.declarations()
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your declarations are recorded."))
            return redirect("evaluation:challenge", slug=challenge.slug)
    return render(
        request,
        "evaluation/conflicts.html",
        {"challenge": challenge, "member": member, "form": form},
    )


# --- Reading a proposal ----------------------------------------------------------------------


def _read(request, member, proposal):
    """The counted version, read through the proposals' read service (recorded), blind for
    an expert when the first round is blind."""
    version = proposal_services.counted_version(proposal)
    if version is None:
        raise Http404
    try:
        document = proposal_services.proposal_version_read(
            version=version, actor=request.user, permission=READ
        )
    except PermissionDenied:
        raise Http404 from None
    is_blind = selectors.is_blind(member, proposal.challenge)
    if is_blind:
        company = proposal.company
        document = blind.redact(
            document,
            extra=[
                company.acronym,
                company.website,
                company.legal_representative_name,
                company.slug,
            ],
        )
    return version, document, is_blind


@login_required
@require_safe
def proposal(request, slug, code):
    member, found = selectors.proposal_for_evaluator(request.user, slug, code)
    version, document, is_blind = _read(request, member, found)
    attachments = [
        {
            "number": i,
            "label": blind.attachment_label(i),
            "name": "" if is_blind else (item.get("name") or ""),
            "size": None if is_blind else item.get("size"),
        }
        for i, item in enumerate(document.get("attachments") or [], start=1)
    ]
    return render(
        request,
        "evaluation/proposal.html",
        {
            "challenge": member.challenge,
            "member": member,
            "proposal": found,
            "code": blind.blind_code(found),
            "version": version,
            "document": document,
            "attachments": attachments,
            "blind": is_blind,
        },
    )


@login_required
@require_safe
def attachment(request, slug, code, number):
    """Download one attachment of the counted version; in a blind round named only by its
    number ("anexo-2.pdf")."""
    member, found = selectors.proposal_for_evaluator(request.user, slug, code)
    version = proposal_services.counted_version(found)
    if version is None or not 1 <= number <= len(version.attachments):
        raise Http404
    wanted = version.attachments[number - 1]["attachment"]
    try:
        item = ProposalAttachment.objects.get(pk=wanted, proposal=found)
    except ProposalAttachment.DoesNotExist:
        raise Http404 from None
    try:
        name, data = proposal_services.attachment_read(
            attachment=item, actor=request.user, permission=READ
        )
    except PermissionDenied:
        raise Http404 from None
    if selectors.is_blind(member, found.challenge):
        extension = mimetypes.guess_extension(item.content_type) or ""
        name = f"anexo-{number}{extension}"
    response = HttpResponse(data, content_type=item.content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Scoring ---------------------------------------------------------------------------------


def _initial(sheet) -> dict:
    initial = {}
    for row in sheet:
        if row.score is not None:
            initial[f"value_{row.criterion.pk}"] = row.score.value
            initial[f"justification_{row.criterion.pk}"] = row.score.justification
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def score(request, slug, code):
    """Score each criterion 0–10 with a justification; save drafts, then submit (final)."""
    member, found = selectors.proposal_for_evaluator(request.user, slug, code)
    challenge = member.challenge
    round_ = ROUND_OF_ROLE[member.role]
    sheet = selectors.score_sheet(member, found)
    submitted = any(row.score is not None and row.score.submitted_at for row in sheet)
    criteria = [row.criterion for row in sheet]
    form = ScoreForm(
        request.POST if request.method == "POST" and not submitted else None,
        criteria=criteria,
        initial=_initial(sheet),
    )
    if request.method == "POST" and not submitted and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.scores_record(
                member=member,
                proposal=found,
                actor=request.user,
                entries=form.entries(),
                submit=submit,
                round=round_,
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if submit:
                messages.success(
                    request, _("Your scores are submitted. They can no longer change.")
                )
                return redirect("evaluation:challenge", slug=challenge.slug)
            messages.success(request, _("Your draft scores are saved."))
            return redirect("evaluation:score", slug=challenge.slug, code=code)
    elif request.method == "POST" and submitted:
        messages.error(
            request,
            _(
                "Your scores of this proposal are submitted and cannot change. If one is "
                "wrong, ask the panel's chair for a correction."
            ),
        )
        return redirect("evaluation:score", slug=challenge.slug, code=code)
    is_blind = selectors.is_blind(member, challenge)
    return render(
        request,
        "evaluation/score.html",
        {
            "challenge": challenge,
            "member": member,
            "proposal": found,
            "code": blind.blind_code(found),
            "blind": is_blind,
            "form": form,
            "entries": [
                (row, value, justification)
                for row, (_criterion, value, justification) in zip(sheet, form.rows(), strict=True)
            ],
            "submitted": submitted,
            "demos": selectors.demos_of(found) if round_ == Round.DEMOS else [],
        },
    )


# --- The chair's progress and corrections ----------------------------------------------------


@login_required
@require_safe
def progress(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "evaluation:view_progress")
    data = selectors.progress(challenge)
    chair = member_of(request.user, challenge)
    return render(
        request,
        "evaluation/progress.html",
        {
            "challenge": challenge,
            "progress": data,
            "rows": [(row, list(zip(data.experts, row.cells, strict=True))) for row in data.rows],
            # The chair is an evaluator: in a blind first round they see codes, not companies.
            "show_companies": chair is None or not selectors.is_blind(chair, challenge),
        },
    )


@login_required
@require_safe
def proposal_scores(request, slug, code):
    """Every expert's submitted scores of one proposal and their corrections (the chair
    corrects from here). A chair recused from the proposal does not see them."""
    challenge = selectors.challenge_for(request.user, slug, "evaluation:view_progress")
    found = selectors.proposal_by_code(challenge, code)
    chair = member_of(request.user, challenge)
    if chair is not None and not is_cleared(chair, found):
        raise Http404
    return render(
        request,
        "evaluation/proposal_scores.html",
        {
            "challenge": challenge,
            "proposal": found,
            "code": blind.blind_code(found),
            "sheets": selectors.proposal_scores(challenge, found),
            "show_company": chair is None or not selectors.is_blind(chair, challenge),
            "can_correct": chair is not None
            and chair.is_chair
            and challenge.current_stage == "evaluation",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def correct(request, slug, score_id):
    """The chair's correction of a submitted score: a new entry with a reason; both stay."""
    original = selectors.score_for_correction(request.user, slug, score_id)
    challenge = original.member.challenge
    code = blind.blind_code(original.proposal)
    form = CorrectionForm(request.POST or None, initial={"value": original.value})
    if request.method == "POST" and form.is_valid():
        try:
            services.score_correct(
                score=original,
                actor=request.user,
                value=form.cleaned_data["value"],
                justification=form.cleaned_data["justification"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The correction is recorded next to the original score."))
            return redirect("evaluation:proposal_scores", slug=challenge.slug, code=code)
    chair = member_of(request.user, challenge)
    return render(
        request,
        "evaluation/correct.html",
        {
            "challenge": challenge,
            "score": original,
            "code": code,
            "form": form,
            "show_company": not selectors.is_blind(chair, challenge),
        },
    )
