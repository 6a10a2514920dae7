"""The guided editor, the preview, "my challenges" and the review pages.

Every view parses, authorizes (``selectors.challenge_for``: the same 404 whether the challenge
is missing or the person may not do this), calls one service of ``retos.challenges`` and
renders. A refusal of the service (``DomainError``) is shown in the page's error summary.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.challenges import services
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from retos.challenges.views import detail_context
from retos.core import rules
from retos.core.errors import DomainError
from retos.core.formatting import format_datetime
from retos.drafting import selectors
from retos.drafting.forms import (
    CRITERIA_PREFIX,
    AmountForm,
    ApproveNowForm,
    CommentForm,
    CriteriaFormSet,
    DocumentsForm,
    EligibilityForm,
    ErrorSummary,
    LicencesForm,
    OutcomesForm,
    ProblemForm,
    PublishAtForm,
    RequestChangesForm,
    StartForm,
    TimelineForm,
    UsersForm,
    criteria_initial,
    criteria_values,
)
from retos.drafting.steps import (
    FIRST_STEP,
    STEPS,
    STEPS_BY_KEY,
    Step,
    criteria_total,
    step_after,
    step_before,
    step_status,
    step_statuses,
    submission_business_days,
)

STEP_FORMS = {
    "problema": ProblemForm,
    "personas": UsersForm,
    "resultados": OutcomesForm,
    "monto": AmountForm,
    "elegibilidad": EligibilityForm,
    "licencias": LicencesForm,
    "calendario": TimelineForm,
    "documentos": DocumentsForm,
}
STEP_TEMPLATES = {
    "criterios": "drafting/step_criteria.html",
    "licencias": "drafting/step_licences.html",
    "calendario": "drafting/step_timeline.html",
    "documentos": "drafting/step_documents.html",
}
# Empty rows offered under the criteria: at least one, at most this many at a time.
MAX_EXTRA_ROWS = 20


class Refusal:
    """A service's refusal in the shape ``includes/form_errors.html`` reads."""

    def __init__(self, lines: list[str]):
        self.lines = [str(line) for line in lines]
        self.errors = bool(self.lines)

    def non_field_errors(self):
        return self.lines

    def __iter__(self):
        return iter(())


def documents_url(challenge: Challenge) -> str | None:
    """The documents page of the draft, when the documents app provides it."""
    try:
        return reverse("documents:challenge_documents", kwargs={"slug": challenge.slug})
    except NoReverseMatch:
        return None


def _step_url(challenge: Challenge, step: Step) -> str:
    return reverse("drafting:step", kwargs={"slug": challenge.slug, "step": step.key})


def _overview_url(challenge: Challenge) -> str:
    return reverse("drafting:overview", kwargs={"slug": challenge.slug})


def _after_save(request, challenge: Challenge, step: Step):
    """Where each button of a step leads once what it holds is saved."""
    action = request.POST.get("action", "next")
    if action == "exit":
        return redirect(_overview_url(challenge))
    if action == "previous":
        previous = step_before(step)
        return redirect(_step_url(challenge, previous) if previous else _overview_url(challenge))
    following = step_after(step)
    return redirect(_step_url(challenge, following) if following else _overview_url(challenge))


# --- My challenges and a new one ------------------------------------------------------------


@login_required
@require_safe
def my_challenges(request):
    groups = selectors.my_challenges(request.user)
    return render(
        request,
        "drafting/my_challenges.html",
        {
            "groups": [
                ("drafts", _("Drafts"), groups["drafts"]),
                ("in_review", _("In review"), groups["in_review"]),
                ("public", _("Published and later stages"), groups["public"]),
            ],
            "total": sum(len(rows) for rows in groups.values()),
            "can_start": bool(selectors.bodies_for_drafting(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def start(request):
    """Step 1 of a new challenge: which body, and the problem. Saving creates the draft."""
    bodies = selectors.bodies_for_drafting(request.user)
    if not bodies:
        if request.method == "POST":
            raise Http404
        return render(
            request,
            "drafting/start_unavailable.html",
            {"waiting": selectors.bodies_awaiting_verification(request.user)},
        )
    chosen = None
    if request.method == "POST" and request.POST.get("body"):
        chosen = selectors.body_for_drafting(request.user, request.POST["body"])
    form = StartForm(request.POST if request.method == "POST" else None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        body = chosen or bodies[0]
        try:
            challenge = services.challenge_create(actor=request.user, body=body, **form.changes())
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The draft is saved. Only your agency can see it."))
            return _after_save(request, challenge, FIRST_STEP)
    return render(
        request,
        "drafting/start.html",
        {"form": form, "bodies": bodies, "step": FIRST_STEP, "total": len(STEPS)},
    )


# --- The steps ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def step(request, slug, step):
    current = STEPS_BY_KEY.get(step)
    if current is None:
        raise Http404
    challenge = selectors.challenge_for(request.user, slug, "challenge:edit")
    if current.key == "criterios":
        return _criteria_step(request, challenge, current)
    form_class = STEP_FORMS[current.key]
    form = form_class(request.POST if request.method == "POST" else None, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: value
            for name, value in form.changes().items()
            if getattr(challenge, name) != value
        }
        try:
            if changes:
                challenge = services.challenge_update_draft(
                    challenge=challenge, actor=request.user, **changes
                )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if current.fields:
                messages.success(request, _("Saved."))
            if current.key == "calendario":
                for warning in step_status(current, challenge, []).warnings:
                    messages.warning(request, warning)
            return _after_save(request, challenge, current)
    return _render_step(request, challenge, current, form=form, summary=form)


def _criteria_step(request, challenge: Challenge, current: Step):
    criteria = list(challenge.criteria.all())
    refusal = []
    if request.method == "POST":
        data = request.POST.copy()
        formset = CriteriaFormSet(data, prefix=CRITERIA_PREFIX)
        if formset.is_valid():
            new = formset.criteria()
            try:
                if new != criteria_values(criteria):
                    services.challenge_update_draft(
                        challenge=challenge, actor=request.user, criteria=new
                    )
            except PermissionDenied:
                raise Http404 from None
            except DomainError as exc:
                refusal = [exc.message]
            else:
                messages.success(request, _("Saved."))
                if request.POST.get("action") == "add_row":
                    extra = min(formset.empty_rows() + 1, MAX_EXTRA_ROWS)
                    return redirect(f"{_step_url(challenge, current)}?filas={extra}#fila-nueva")
                return _after_save(request, challenge, current)
        elif request.POST.get("action") == "add_row":
            # Not saved (something needs correcting), but the new row is there all the same.
            key = f"{CRITERIA_PREFIX}-TOTAL_FORMS"
            with contextlib.suppress(ValueError):
                data[key] = str(min(int(data.get(key, 0)) + 1, formset.max_num))
            formset = CriteriaFormSet(data, prefix=CRITERIA_PREFIX)
            formset.is_valid()
        total = formset.running_total()
    else:
        try:
            extra = int(request.GET.get("filas", 2))
        except ValueError:
            extra = 2
        formset = CriteriaFormSet(initial=criteria_initial(criteria), prefix=CRITERIA_PREFIX)
        formset.extra = max(1, min(extra, MAX_EXTRA_ROWS))
        total = criteria_total(criteria)
    summary = ErrorSummary(formset, lambda i: _("Criterion %(number)d") % {"number": i})
    if refusal:
        summary = Refusal(refusal)
    return _render_step(
        request,
        challenge,
        current,
        formset=formset,
        summary=summary,
        total=total,
        saved_rows=len(criteria),
    )


def _render_step(request, challenge: Challenge, current: Step, *, summary, **extra):
    criteria = list(challenge.criteria.all())
    context = {
        "challenge": challenge,
        "step": current,
        "total_steps": len(STEPS),
        "previous_step": step_before(current),
        "next_step": step_after(current),
        "status": step_status(current, challenge, criteria),
        "summary": summary,
        "has_errors": bool(summary.errors),
        **extra,
    }
    if current.key == "calendario":
        context["zone"] = challenge.body.get_time_zone_display()
        context["business_days"] = submission_business_days(challenge)
        context["minimum_days"] = settings.RETOS_MIN_SUBMISSION_BUSINESS_DAYS
    if current.key == "documentos":
        context["documents_url"] = documents_url(challenge)
    return render(request, STEP_TEMPLATES.get(current.key, "drafting/step.html"), context)


# --- The draft's own page, the preview and sending to review --------------------------------


def _overview_context(request, challenge: Challenge, **extra) -> dict:
    user = request.user
    criteria = list(challenge.criteria.all())
    statuses = step_statuses(challenge, criteria)
    conversation = selectors.review_conversation(challenge)
    can_edit = rules.can(user, "challenge:edit", challenge)
    can_comment = rules.can(user, "challenge:comment_review", challenge)
    stage = challenge.current_stage
    context = {
        "challenge": challenge,
        "statuses": statuses,
        "next_todo": next((s for s in statuses if s.state == "todo"), None),
        "problems": services.challenge_problems(challenge) if stage == Stage.DRAFT else [],
        "is_draft": stage == Stage.DRAFT,
        "in_review": stage == Stage.IN_REVIEW,
        "scheduled": stage == Stage.IN_REVIEW and challenge.stage == Stage.PUBLISHED,
        "can_edit": can_edit,
        "can_submit": rules.can(user, "challenge:submit_for_review", challenge),
        "conversation": conversation,
        "changes_request": selectors.changes_requested(challenge, conversation),
        "comment_form": CommentForm(prefix="comment") if can_comment else None,
        "documents_url": documents_url(challenge) if can_edit else None,
        "return_to": "overview",
    }
    context.update(extra)
    return context


@login_required
@require_safe
def overview(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "drafting:overview")
    return render(request, "drafting/overview.html", _overview_context(request, challenge))


@login_required
@require_POST
def submit_for_review(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "challenge:submit_for_review")
    try:
        services.challenge_submit_for_review(challenge=challenge, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        lines = services.challenge_problems(challenge) if exc.code == "incomplete" else []
        context = _overview_context(
            request,
            challenge,
            failed=Refusal(
                [_("The challenge was not sent to review. First:"), *lines]
                if lines
                else [exc.message]
            ),
        )
        return render(request, "drafting/overview.html", context)
    messages.success(
        request,
        _(
            "Sent to review. Platform staff will check the challenge and publish it or ask for "
            "changes; their comments will appear on this page."
        ),
    )
    return redirect(_overview_url(challenge))


@login_required
@require_safe
def preview(request, slug):
    """The challenge exactly as the public will see it once published, with a banner."""
    challenge = selectors.challenge_for(request.user, slug, "drafting:preview")
    return render(request, "challenges/detail.html", _preview_context(request, challenge))


def _preview_context(request, challenge: Challenge) -> dict:
    shown = selectors.as_published(challenge)
    context = detail_context(request, shown)
    # What the public will see: no actions of the people looking at it now.
    context.update(actions=[], problems=[], preview=True)
    if rules.can(request.user, "drafting:overview", challenge):
        context["preview_back"] = (_overview_url(challenge), _("Back to the draft"))
    elif rules.can(request.user, "drafting:review", challenge):
        context["preview_back"] = (
            reverse("drafting:review", kwargs={"slug": challenge.slug}),
            _("Back to the review"),
        )
    context["preview_scheduled"] = (
        challenge.published_at if challenge.stage == Stage.PUBLISHED else None
    )
    return context


# --- The review conversation ----------------------------------------------------------------


@login_required
@require_POST
def comment(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "challenge:comment_review")
    form = CommentForm(request.POST, prefix="comment")
    back = _comment_page(request, challenge)
    if form.is_valid():
        try:
            services.review_comment_add(
                challenge=challenge, actor=request.user, body=form.cleaned_data["body"]
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            messages.success(request, _("Your comment is sent."))
            name = "drafting:overview" if back == "overview" else "drafting:review"
            return redirect(reverse(name, kwargs={"slug": challenge.slug}) + "#conversation")
    if back == "overview":
        context = _overview_context(request, challenge, comment_form=form, failed=form)
        return render(request, "drafting/overview.html", context)
    return _render_review(request, challenge, comment_form=form, failed=form)


def _comment_page(request, challenge: Challenge) -> str:
    """The page the comment was written on, among those the person may see."""
    pages = [
        page
        for page, permission in (("overview", "drafting:overview"), ("review", "drafting:review"))
        if rules.can(request.user, permission, challenge)
    ]
    if not pages:
        raise Http404
    wanted = request.POST.get("return_to")
    return wanted if wanted in pages else pages[0]


# --- Platform review ------------------------------------------------------------------------


@login_required
@require_safe
def review_queue(request):
    if not rules.can(request.user, "drafting:review_queue"):
        raise Http404
    return render(
        request,
        "drafting/review_queue.html",
        {
            "waiting": list(selectors.review_queue()),
            "scheduled": list(selectors.scheduled_publications()),
        },
    )


@login_required
@require_safe
def review(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "drafting:review")
    return _render_review(request, challenge)


def _render_review(request, challenge: Challenge, **forms):
    user = request.user
    tz = challenge.body.time_zone
    conversation = selectors.review_conversation(challenge)
    review = {
        "draft": challenge,
        "conversation": conversation,
        "comment_form": forms.get("comment_form")
        or (
            CommentForm(prefix="comment")
            if rules.can(user, "challenge:comment_review", challenge)
            else None
        ),
        "return_to": "review",
        "failed": forms.get("failed"),
    }
    if challenge.current_stage == Stage.DRAFT:
        review["changes_request"] = selectors.changes_requested(challenge, conversation)
        return render(request, "drafting/review_draft.html", {"challenge": challenge, **review})
    now = timezone.now()
    scheduled = challenge.stage == Stage.PUBLISHED
    publish_form = forms.get("publish_form") or PublishAtForm(prefix="publish", challenge=challenge)
    context = _preview_context(request, challenge)
    context.pop("preview_back", None)
    context.update(review)
    context.update(
        {
            "scheduled": scheduled,
            "can_approve": not scheduled and rules.can(user, "challenge:approve", challenge),
            "can_request_changes": rules.can(user, "challenge:request_changes", challenge),
            "review_problems": services.challenge_problems(challenge),
            "window_problem": services.submission_window_problem(challenge, now)
            if not scheduled
            else None,
            "business_days": submission_business_days(challenge, now),
            "minimum_days": settings.RETOS_MIN_SUBMISSION_BUSINESS_DAYS,
            "zone": challenge.body.get_time_zone_display(),
            "approve_form": forms.get("approve_form") or ApproveNowForm(prefix="approve"),
            "publish_form": publish_form,
            "publish_fields": (publish_form["date"], publish_form["time"]),
            "changes_form": forms.get("changes_form") or RequestChangesForm(prefix="changes"),
            "tz": tz,
        }
    )
    return render(request, "drafting/review.html", context)


@login_required
@require_POST
def approve(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "challenge:approve")
    form = ApproveNowForm(request.POST, prefix="approve")
    form.is_valid()
    try:
        services.challenge_approve(challenge=challenge, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render_review(request, challenge, approve_form=form, failed=form)
    messages.success(request, _("Approved and published: the challenge is public now."))
    return redirect(challenge)


@login_required
@require_POST
def schedule(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "challenge:approve")
    form = PublishAtForm(request.POST, prefix="publish", challenge=challenge)
    if form.is_valid():
        publish_at = form.publish_at()
        try:
            services.challenge_approve(
                challenge=challenge, actor=request.user, publish_at=publish_at
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Approved. The challenge will be published on %(when)s.")
                % {"when": format_datetime(publish_at, challenge.body.time_zone)},
            )
            return redirect("drafting:review", slug=challenge.slug)
    return _render_review(request, challenge, publish_form=form, failed=form)


@login_required
@require_POST
def request_changes(request, slug):
    challenge = selectors.challenge_for(request.user, slug, "challenge:request_changes")
    form = RequestChangesForm(request.POST, prefix="changes")
    if form.is_valid():
        try:
            services.challenge_request_changes(
                challenge=challenge, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise Http404 from None
        except DomainError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(
                request,
                _("Changes requested. The challenge is back with the agency as a draft."),
            )
            return redirect("drafting:review_queue")
    return _render_review(request, challenge, changes_form=form, failed=form)
