"""The company side of proposals: start, the step-by-step editor (with autosave), attachments,
review and submit, receipts (page and PDF), withdraw, "my proposals" and a proposal's page.

Every view parses, authorizes through ``selectors`` (a missing proposal and a forbidden one
give the same 404), calls one service and renders. Sealed content is read only through the
read services (``proposal_draft_read``, ``proposal_version_read``, ``attachment_read``), which
record each read; their ``PermissionDenied`` becomes a 404 here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.challenges import selectors as challenge_selectors
from retos.core import rules
from retos.core.errors import DomainError
from retos.documents.views import content_disposition
from retos.organizations.eligibility import company_eligibility
from retos.proposals import content, selectors, services
from retos.proposals.forms import (
    AttachmentForm,
    MilestoneFormSet,
    PriceForm,
    SolutionForm,
    SummaryForm,
    TeamFormSet,
    rows_of,
)
from retos.proposals.models import ProposalAttachment, Status
from retos.proposals.permissions import is_company_member

# --- The steps of the editor -----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    title: object
    sections: tuple[str, ...]
    form: type | None = None
    rows: type | None = None  # a formset class, for the steps made of rows

    @property
    def number(self) -> int:
        return STEPS.index(self) + 1


STEPS = [
    Step("resumen", gettext_lazy("Summary"), ("summary", "understanding"), form=SummaryForm),
    Step(
        "solucion",
        gettext_lazy("Solution"),
        ("solution", "technical_approach", "ux_approach"),
        form=SolutionForm,
    ),
    Step("plan", gettext_lazy("Work plan"), ("work_plan",), rows=MilestoneFormSet),
    Step("equipo", gettext_lazy("Team"), ("team",), rows=TeamFormSet),
    Step(
        "precio",
        gettext_lazy("Price, licence and links"),
        ("price", "licence", "links"),
        form=PriceForm,
    ),
    Step("adjuntos", gettext_lazy("Attachments"), ()),
]
STEPS_BY_KEY = {s.key: s for s in STEPS}
FIRST_STEP = STEPS[0]
# Empty rows offered under the work plan and the team.
EMPTY_ROWS = 3
MAX_EMPTY_ROWS = 15


def _complete_example(challenge) -> dict:
    """Sections that lack nothing, to find out what one step alone still lacks."""
    return {
        **dict.fromkeys(content.TEXT_KEYS, "x"),
        "work_plan": [{"title": "x", "weeks": 1, "deliverable": ""}],
        "team": [{"name": "x", "role": "x"}],
        "price": "0.01",
        "licence": challenge.licences[0] if challenge.licences else "",
        "links": [],
    }


def step_problems(challenge, sections: dict) -> list[tuple[Step, list[str]]]:
    """Each step with what it still lacks, in the words of ``content.missing``."""
    example = _complete_example(challenge)
    always = set(content.missing(example, challenge=challenge))
    result = []
    for step in STEPS:
        if not step.sections:
            result.append((step, []))
            continue
        trial = {**example, **{key: sections.get(key) for key in step.sections}}
        lines = content.missing(trial, challenge=challenge)
        if "licence" not in step.sections:
            lines = [line for line in lines if line not in always]
        result.append((step, lines))
    return result


def _step_url(proposal, step: Step) -> str:
    return reverse("proposals:edit", kwargs={"public_id": proposal.public_id, "step": step.key})


def _next_step(step: Step) -> Step | None:
    i = STEPS.index(step)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def _previous_step(step: Step) -> Step | None:
    i = STEPS.index(step)
    return STEPS[i - 1] if i > 0 else None


# --- Small helpers ---------------------------------------------------------------------------


class ErrorSummary:
    """Errors of a form or of a formset's rows, plus service refusals, in the shape
    ``includes/form_errors.html`` reads (``errors``, ``non_field_errors``, and fields with
    ``label``, ``errors`` and ``id_for_label``)."""

    class _Field:
        def __init__(self, label, errors, id_for_label):
            self.label, self.errors, self.id_for_label = label, errors, id_for_label

    def __init__(self, form=None, formset=None, row_label=None, lines=()):
        self.form, self.formset, self.row_label = form, formset, row_label
        self.lines = [str(line) for line in lines]

    @property
    def errors(self) -> bool:
        return bool(self.non_field_errors() or any(True for _f in self))

    def non_field_errors(self):
        errors = list(self.lines)
        if self.form is not None and self.form.is_bound:
            errors += list(self.form.non_field_errors())
        if self.formset is not None and self.formset.is_bound:
            errors += list(self.formset.non_form_errors())
        return errors

    def __iter__(self):
        if self.form is not None and self.form.is_bound:
            for bound in self.form:
                if bound.errors:
                    yield self._Field(bound.label, bound.errors, bound.id_for_label)
        if self.formset is not None and self.formset.is_bound:
            for i, row in enumerate(self.formset.forms, start=1):
                for bound in row:
                    if bound.errors:
                        label = f"{self.row_label(i)}, {bound.label}"
                        yield self._Field(label, bound.errors, bound.id_for_label)


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or request.POST.get("autosave")


def _local_time(value, challenge) -> str:
    return timezone.localtime(value, ZoneInfo(challenge.body.time_zone)).strftime("%H:%M")


def _draft(request, proposal):
    try:
        return services.proposal_draft_read(proposal=proposal, actor=request.user)
    except PermissionDenied:
        raise Http404 from None


def _submissions_open(challenge) -> bool:
    return challenge.window_open("submissions", timezone.now())


def _needs_reconfirmation(proposal, last_terms_version, challenge, submissions_open) -> bool:
    # Only while it can still be done: after the deadline the banner would ask the impossible.
    return submissions_open and services.reconfirmation_due(
        status=proposal.status,
        last_terms_version=last_terms_version,
        current=services.terms_version(challenge),
    )


# --- Keeping the text when the session expired ---------------------------------------------

KEPT_PREFIX = "proposals:kept:"
NOT_KEPT_FIELDS = {"csrfmiddlewaretoken", "action", "autosave"}


def keep_text_on_expiry(view):
    """Like ``login_required``, but a POST from someone whose session expired keeps what they
    typed: the text fields go into the (anonymous) session under the page's path, and the
    log-in brings them back to the same page, which offers them again (see ``_kept``).
    Django's log-in keeps an anonymous session's data (``cycle_key``). Files cannot be kept.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            request.session[KEPT_PREFIX + request.path] = {
                "data": {
                    key: request.POST.getlist(key)
                    for key in request.POST
                    if key not in NOT_KEPT_FIELDS
                },
                "files": bool(request.FILES),
            }
            if _is_fetch(request):
                return JsonResponse(
                    {
                        "error": _(
                            "Your session has expired. Sign in again: what you typed is kept "
                            "on this device."
                        ),
                        "login_url": f"{reverse(settings.LOGIN_URL)}?next={request.path}",
                    },
                    status=401,
                )
        return redirect_to_login(request.path)

    return wrapper


def _kept(request) -> QueryDict | None:
    """What was typed before the session expired on this page, once, with a message."""
    kept = request.session.pop(KEPT_PREFIX + request.path, None)
    if not kept:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, values)
    message = _("We kept what you typed when your session expired. Check it and save.")
    if kept.get("files"):
        message += " " + _(
            "The file you had chosen could not be kept: choose it again and upload it."
        )
    messages.warning(request, message)
    return data


# --- Start -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request, slug):
    """Which of the person's companies takes part, whether it may, and a button to start (or
    continue) its proposal."""
    challenge = challenge_selectors.challenge_for_view(request.user, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    if request.method == "POST":
        company = selectors.company_for_member(request.user, request.POST.get("company"))
        try:
            proposal = services.proposal_start(
                challenge=challenge, company=company, actor=request.user
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("proposals:start", slug=challenge.slug)
        return redirect(_step_url(proposal, FIRST_STEP))
    return render(
        request,
        "proposals/start.html",
        {"challenge": challenge, "entry": selectors.proposal_entry(request.user, challenge)},
    )


# --- The editor ------------------------------------------------------------------------------


def _bound_or_initial(step: Step, proposal, sections, data, extra_rows: int):
    """The step's form (or formset) bound to ``data``, or filled with the saved sections."""
    challenge = proposal.challenge
    if step.form is not None:
        if data is not None:
            return step.form(data, challenge=challenge)
        return step.form(initial=step.form.initial_from(sections, challenge), challenge=challenge)
    key = step.sections[0]
    if data is not None:
        return step.rows(data, prefix=step.key)
    initial = [
        {name: ("" if value is None else value) for name, value in row.items()}
        for row in sections.get(key) or []
    ]
    formset = step.rows(initial=initial, prefix=step.key)
    formset.extra = max(1, min(extra_rows, MAX_EMPTY_ROWS, formset.max_num - len(initial)))
    return formset


def _changes(step: Step, form) -> dict:
    if step.form is not None:
        return form.changes()
    return {step.sections[0]: rows_of(form)}


def _field_for(step: Step, changes: dict, challenge) -> str | None:
    """Which field of the step the service's refusal is about (the same rules, one at a
    time), so the message can stand next to it."""
    if step.form is None:
        return None
    for key in step.sections:
        try:
            content.clean({key: changes.get(key)}, challenge=challenge)
        except DomainError:
            return key
    return None


def _after_save(request, proposal, step: Step):
    action = request.POST.get("action", "next")
    if action == "save":
        return redirect(_step_url(proposal, step))
    if action == "add_row":
        try:
            shown = int(request.POST.get("extra_rows", EMPTY_ROWS))
        except ValueError:
            shown = EMPTY_ROWS
        extra = min(shown + EMPTY_ROWS, MAX_EMPTY_ROWS)
        return redirect(f"{_step_url(proposal, step)}?filas={extra}#filas-nuevas")
    if action == "previous":
        previous = _previous_step(step)
        return redirect(_step_url(proposal, previous) if previous else proposal.get_absolute_url())
    if action == "review":
        return redirect("proposals:submit", public_id=proposal.public_id)
    following = _next_step(step)
    if following is None:
        return redirect("proposals:submit", public_id=proposal.public_id)
    return redirect(_step_url(proposal, following))


@keep_text_on_expiry
@require_http_methods(["GET", "POST"])
def edit(request, public_id, step):
    current = STEPS_BY_KEY.get(step)
    if current is None:
        raise Http404
    proposal = selectors.proposal_for_member(request.user, public_id)
    challenge = proposal.challenge
    can_edit = rules.can(request.user, "proposal:edit", proposal)
    if current.key == "adjuntos":
        return _attachments_step(request, proposal, current, can_edit=can_edit)
    refusal: list[str] = []
    if request.method == "POST":
        if not can_edit:
            return _refuse_closed(request, proposal)
        form = _bound_or_initial(current, proposal, None, request.POST, 0)
        if form.is_valid():
            changes = _changes(current, form)
            try:
                services.proposal_save(proposal=proposal, actor=request.user, changes=changes)
            except PermissionDenied:
                raise Http404 from None
            except DomainError as exc:
                field = _field_for(current, changes, challenge)
                if field is not None:
                    form.add_error(field, exc.message)
                else:
                    refusal = [exc.message]
            else:
                if _is_fetch(request):
                    return JsonResponse(
                        {
                            "saved_at": _local_time(proposal.draft_saved_at, challenge),
                            "saved_at_iso": proposal.draft_saved_at.isoformat(),
                        }
                    )
                messages.success(request, _("Saved."))
                return _after_save(request, proposal, current)
        if _is_fetch(request):
            return JsonResponse({"error": _error_text(current, form, refusal)}, status=400)
        draft = _draft(request, proposal)
    else:
        kept = _kept(request)
        draft = _draft(request, proposal)
        if kept is not None:
            form = _bound_or_initial(current, proposal, None, kept, 0)
        else:
            try:
                extra = int(request.GET.get("filas", EMPTY_ROWS))
            except ValueError:
                extra = EMPTY_ROWS
            form = _bound_or_initial(current, proposal, draft.sections, None, extra)
    if not can_edit:
        _disable(form)
    return _render_step(
        request, proposal, current, draft=draft, form=form, refusal=refusal, can_edit=can_edit
    )


def _error_text(step: Step, form, refusal) -> str:
    summary = ErrorSummary(
        form=form if step.form else None,
        formset=form if step.rows else None,
        row_label=_row_label(step),
        lines=refusal,
    )
    lines = [str(line) for line in summary.non_field_errors()]
    lines += [f"{f.label}: {e}" for f in summary for e in f.errors]
    return " ".join(lines)


def _disable(form) -> None:
    forms_ = getattr(form, "forms", None) or [form]
    for each in forms_:
        for field in each.fields.values():
            field.disabled = True


def _refuse_closed(request, proposal):
    message = _("This proposal can no longer be changed.")
    if _is_fetch(request):
        return JsonResponse({"error": message}, status=409)
    messages.error(request, message)
    return redirect(proposal.get_absolute_url())


def _render_step(request, proposal, current: Step, *, draft, form, refusal, can_edit, **extra):
    challenge = proposal.challenge
    is_rows = current.rows is not None
    summary = ErrorSummary(
        form=None if is_rows or form is None else form,
        formset=form if is_rows else None,
        row_label=_row_label(current),
        lines=refusal,
    )
    problems = step_problems(challenge, draft.sections)
    submissions_open = _submissions_open(challenge)
    context = {
        "proposal": proposal,
        "challenge": challenge,
        "step": current,
        "steps": problems,
        "step_missing": {s.key: lines for s, lines in problems}[current.key],
        "eligibility": company_eligibility(proposal.company, challenge),
        "total_steps": len(STEPS),
        "previous_step": _previous_step(current),
        "next_step": _next_step(current),
        "form": form,
        "summary": summary,
        "refusal": refusal,
        "has_errors": summary.errors,
        "can_edit": can_edit,
        "submissions_open": submissions_open,
        "deadline_message": services.deadline_passed_message()
        if can_edit and not submissions_open
        else "",
        "autosave": can_edit and current.key != "adjuntos",
        "saved_at_iso": proposal.draft_saved_at.isoformat(),
        "is_rows": is_rows,
        **extra,
    }
    if is_rows:
        context["extra_rows"] = len(form.forms) - len(draft.sections.get(current.sections[0]) or [])
    return render(request, "proposals/edit.html", context)


def _row_label(step: Step):
    if step.key == "plan":
        return lambda i: _("Milestone %(number)d") % {"number": i}
    return lambda i: _("Team member %(number)d") % {"number": i}


def _attachments_step(request, proposal, current: Step, *, can_edit: bool):
    form = AttachmentForm()
    refusal: list[str] = []
    if request.method == "POST":
        if not can_edit:
            return _refuse_closed(request, proposal)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.proposal_attach(
                    proposal=proposal, actor=request.user, file=upload, name=upload.name
                )
            except PermissionDenied:
                raise Http404 from None
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                messages.success(
                    request,
                    _("“%(name)s” was attached to the proposal.") % {"name": upload.name},
                )
                if request.POST.get("action") == "next":
                    return redirect("proposals:submit", public_id=proposal.public_id)
                return redirect(_step_url(proposal, current))
    elif _kept(request) is not None:
        pass  # the message says the file must be chosen again
    draft = _draft(request, proposal)
    if not can_edit:
        _disable(form)
    return _render_step(
        request,
        proposal,
        current,
        draft=draft,
        form=form,
        refusal=refusal,
        can_edit=can_edit,
        attachments=draft.attachments,
        max_attachments=services.MAX_ATTACHMENTS,
    )


def _attachment_of(proposal, attachment_id) -> ProposalAttachment:
    try:
        return proposal.attachments.get(public_id=attachment_id)
    except ProposalAttachment.DoesNotExist:
        raise Http404 from None


@keep_text_on_expiry
@require_POST
def detach(request, public_id, attachment_id):
    proposal = selectors.proposal_for_member(request.user, public_id)
    attachment = _attachment_of(proposal, attachment_id)
    try:
        services.proposal_detach(attachment=attachment, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The attachment was removed from the draft."))
    return redirect(_step_url(proposal, STEPS_BY_KEY["adjuntos"]))


@login_required
@require_safe
def attachment(request, public_id, attachment_id):
    """Download an attachment: members, any of theirs; the body's readers after the opening
    act, the counted version's (the service decides and records the read)."""
    proposal = selectors.proposal_for_reader(request.user, public_id)
    found = _attachment_of(proposal, attachment_id)
    try:
        name, data = services.attachment_read(attachment=found, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    response = HttpResponse(data, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Review and submit -----------------------------------------------------------------------


def _draft_document(draft) -> dict:
    """The draft in the shape of a version's canonical content, for ``_content.html``."""
    return {
        "sections": draft.sections,
        "attachments": [
            {"name": name, "size": a.size, "sha256": a.sha256} for a, name in draft.attachments
        ],
    }


def _review_context(request, proposal, *, refusal=()) -> dict:
    challenge = proposal.challenge
    draft = _draft(request, proposal)
    return {
        "proposal": proposal,
        "challenge": challenge,
        "document": _draft_document(draft),
        "problems": services.proposal_problems(proposal, draft.sections),
        "terms_version": services.terms_version(challenge),
        "submissions_open": _submissions_open(challenge),
        "deadline_message": services.deadline_passed_message(),
        "can_submit": rules.can(request.user, "proposal:submit", proposal),
        "summary": ErrorSummary(lines=refusal),
        "steps": STEPS,
    }


@keep_text_on_expiry
@require_http_methods(["GET", "POST"])
def submit(request, public_id):
    proposal = selectors.proposal_for_member(request.user, public_id)
    if request.method == "POST":
        try:
            version = services.proposal_submit(proposal=proposal, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            if exc.code == "incomplete":
                lines = [_("The proposal was not submitted. First:")]
            else:
                lines = [_("The proposal was not submitted."), exc.message]
            context = _review_context(request, proposal, refusal=lines)
            return render(request, "proposals/review.html", context)
        messages.success(
            request,
            _("Your proposal was received. This is your receipt (acuse de recibo): keep it."),
        )
        return redirect(version.get_absolute_url())
    return render(request, "proposals/review.html", _review_context(request, proposal))


# --- Receipts --------------------------------------------------------------------------------


def _receipt(request, public_id, folio):
    proposal = selectors.proposal_for_member(request.user, public_id)
    version = selectors.version_of(proposal, folio)
    try:
        document = services.proposal_version_read(version=version, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    return proposal, version, document


@login_required
@require_safe
def receipt(request, public_id, folio):
    proposal, version, document = _receipt(request, public_id, folio)
    counted = services.counted_version(proposal)
    return render(
        request,
        "proposals/receipt.html",
        {
            "proposal": proposal,
            "challenge": proposal.challenge,
            "version": version,
            "document": document,
            "counts": counted is not None and counted.pk == version.pk,
        },
    )


@login_required
@require_safe
def receipt_pdf(request, public_id, folio):
    from retos.proposals import receipt_pdf as pdf

    proposal, version, document = _receipt(request, public_id, folio)
    html = pdf.render_receipt_html(proposal=proposal, version=version, document=document)
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="acuse-{version.folio}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Withdraw --------------------------------------------------------------------------------


@keep_text_on_expiry
@require_http_methods(["GET", "POST"])
def withdraw(request, public_id):
    proposal = selectors.proposal_for_member(request.user, public_id)
    refusal: list[str] = []
    if request.method == "POST":
        try:
            services.proposal_withdraw(proposal=proposal, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            refusal = [exc.message]
        else:
            messages.success(
                request,
                _(
                    "Your proposal was withdrawn: it will not be opened. Its receipts are kept, "
                    "and you may submit it again before the deadline."
                ),
            )
            return redirect(proposal.get_absolute_url())
    return render(
        request,
        "proposals/withdraw.html",
        {
            "proposal": proposal,
            "challenge": proposal.challenge,
            "can_withdraw": rules.can(request.user, "proposal:withdraw", proposal)
            and proposal.status == Status.SUBMITTED,
            "summary": ErrorSummary(lines=refusal),
        },
    )


# --- My proposals ----------------------------------------------------------------------------


@dataclass
class DashboardRow:
    proposal: object
    challenge: object
    submissions_open: bool
    reconfirm: bool
    terms_now: int
    action: tuple[str, str] | None


def _next_action(proposal, challenge, submissions_open, reconfirm):
    editable = challenge.opened_at is None and challenge.stage_now in ("published", "closed")
    if reconfirm:
        return (reverse("proposals:submit", args=[proposal.public_id]), _("Re-confirm"))
    if proposal.status == Status.DRAFT and submissions_open:
        return (_step_url(proposal, FIRST_STEP), _("Continue writing"))
    if proposal.status == Status.WITHDRAWN and submissions_open:
        return (reverse("proposals:submit", args=[proposal.public_id]), _("Submit again"))
    if proposal.status == Status.SUBMITTED and proposal.last_folio:
        return (
            reverse("proposals:receipt", args=[proposal.public_id, proposal.last_folio]),
            _("See the receipt"),
        )
    if editable:
        return (proposal.get_absolute_url(), _("See the proposal"))
    return None


@login_required
@require_safe
def dashboard(request):
    paginator = Paginator(selectors.dashboard_proposals(request.user), settings.RETOS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    proposals = selectors.attach_challenges(list(page.object_list))
    rows = []
    for proposal in proposals:
        challenge = proposal.challenge
        submissions_open = bool(challenge.submissions_open)
        reconfirm = _needs_reconfirmation(
            proposal, proposal.last_terms_version, challenge, submissions_open
        )
        rows.append(
            DashboardRow(
                proposal=proposal,
                challenge=challenge,
                submissions_open=submissions_open,
                reconfirm=reconfirm,
                terms_now=services.terms_version(challenge),
                action=_next_action(proposal, challenge, submissions_open, reconfirm),
            )
        )
    return render(
        request,
        "proposals/dashboard.html",
        {"page": page, "rows": rows, "has_company": bool(selectors.user_companies(request.user))},
    )


# --- A proposal's page -----------------------------------------------------------------------


@login_required
@require_safe
def detail(request, public_id):
    proposal = selectors.proposal_for_reader(request.user, public_id)
    challenge = selectors.challenge_with_timeline(proposal.challenge_id)
    proposal.challenge = challenge
    if not is_company_member(request.user, proposal):
        return _officials_detail(request, proposal)
    versions = selectors.versions_of(proposal)
    counted = versions[0] if versions and proposal.status == Status.SUBMITTED else None
    submissions_open = bool(challenge.submissions_open)
    last = versions[0] if versions else None
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "challenge": challenge,
            "versions": versions,
            "counted": counted,
            "submissions_open": submissions_open,
            "reconfirm": _needs_reconfirmation(
                proposal, last.terms_version if last else None, challenge, submissions_open
            ),
            "terms_now": services.terms_version(challenge),
            "unsubmitted_changes": last is not None and proposal.draft_saved_at > last.received_at,
            "can_edit": rules.can(request.user, "proposal:edit", proposal),
            "can_submit": rules.can(request.user, "proposal:submit", proposal) and submissions_open,
            "can_withdraw": rules.can(request.user, "proposal:withdraw", proposal)
            and proposal.status == Status.SUBMITTED
            and submissions_open,
            "opened": challenge.opened_at is not None,
            "first_step": FIRST_STEP,
            "deadline_message": services.deadline_passed_message(),
        },
    )


def _officials_detail(request, proposal):
    """The body's readers after the opening act: the counted version, read-only."""
    version = services.counted_version(proposal)
    if version is None:
        raise Http404
    try:
        document = services.proposal_version_read(version=version, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    ids = [a["attachment"] for a in version.attachments]
    by_id = {a.pk: a for a in ProposalAttachment.objects.filter(pk__in=ids)}
    downloads = [by_id.get(i) for i in ids]
    return render(
        request,
        "proposals/detail_readonly.html",
        {
            "proposal": proposal,
            "challenge": proposal.challenge,
            "version": version,
            "document": document,
            "downloads": downloads,
        },
    )
