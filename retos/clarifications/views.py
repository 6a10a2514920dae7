"""Pages of the clarifications: ask (companies), manage (the body's officials), the minutes."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from retos.challenges.selectors import challenge_for_view
from retos.clarifications import selectors, services
from retos.clarifications.forms import AnswerForm, DeclineForm, QuestionForm
from retos.clarifications.models import Question, QuestionStatus, minutes_due
from retos.core import rules
from retos.core.errors import DomainError


@require_http_methods(["GET", "POST"])
def ask(request, slug):
    challenge = challenge_for_view(request.user, slug)
    if request.method == "POST" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    companies = selectors.user_companies(request.user)
    form = QuestionForm(request.POST or None, companies=companies)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(
                challenge=challenge,
                actor=request.user,
                text=form.cleaned_data["text"],
                section=form.cleaned_data["section"],
                company=form.chosen_company(),
            )
        except PermissionDenied:
            problem = services.question_ask_problem(challenge=challenge, actor=request.user)
            form.add_error(
                None,
                problem.message if problem else _("You cannot ask questions about this challenge."),
            )
            status = 403
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = 400
        else:
            messages.success(
                request,
                _(
                    "Your question was received as number %(number)d. Its answer will be "
                    "published to everyone at the same time, without your name or company."
                )
                % {"number": question.number},
            )
            return redirect("clarifications:ask", slug=challenge.slug)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "clarifications/ask.html",
        {
            "challenge": challenge,
            "form": form,
            "problem": services.question_ask_problem(challenge=challenge, actor=request.user),
            "company": companies[0] if len(companies) == 1 else None,
            "own_questions": list(selectors.questions_asked_by(request.user, challenge)),
        },
        status=status,
    )


def _render_manage(request, challenge, *, bound=None, status=200):
    """The management page; ``bound`` is (question id, "answer" | "decline", form) to show a
    refused form again with its errors."""
    questions = selectors.questions_for_management(challenge)
    items = []
    for question in questions:
        item = {"question": question, "answer_form": None, "decline_form": None}
        if question.status == QuestionStatus.PENDING:
            if rules.can(request.user, "question:answer", question):
                item["answer_form"] = AnswerForm(prefix=f"answer-{question.number}")
            if rules.can(request.user, "question:decline", question):
                item["decline_form"] = DeclineForm(prefix=f"decline-{question.number}")
            if bound is not None and bound[0] == question.pk:
                item[f"{bound[1]}_form"] = bound[2]
        items.append(item)
    pending = [i for i in items if i["question"].status == QuestionStatus.PENDING]
    return render(
        request,
        "clarifications/manage.html",
        {
            "challenge": challenge,
            "pending": pending,
            "resolved": [i for i in items if i["question"].status != QuestionStatus.PENDING],
            "see_asker": rules.can(request.user, "question:see_asker", challenge),
            "held": bool(pending)
            and challenge.submissions_close_at is not None
            and challenge.submissions_close_at <= timezone.now(),
            "minutes_available": minutes_due(challenge, timezone.now(), pending=bool(pending)),
        },
        status=status,
    )


@login_required
@require_safe
def manage(request, slug):
    challenge = selectors.challenge_for_management(request.user, slug)
    return _render_manage(request, challenge)


def _resolve(request, slug, number, *, kind):
    challenge = selectors.challenge_for_management(request.user, slug)
    question = get_object_or_404(Question, challenge=challenge, number=number)
    question.challenge = challenge
    form_class = AnswerForm if kind == "answer" else DeclineForm
    form = form_class(request.POST, prefix=f"{kind}-{number}")
    if form.is_valid():
        try:
            if kind == "answer":
                services.question_answer(
                    question=question, actor=request.user, answer=form.cleaned_data["answer"]
                )
            else:
                services.question_decline(
                    question=question, actor=request.user, reason=form.cleaned_data["reason"]
                )
        except PermissionDenied:
            form.add_error(None, _("You are not allowed to answer questions at this stage."))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if kind == "answer":
                text = _("The answer to question %(number)d is published.")
            else:
                text = _("Question %(number)d is declined; the reason is published.")
            messages.success(request, text % {"number": number})
            return redirect("clarifications:manage", slug=challenge.slug)
    return _render_manage(request, challenge, bound=(question.pk, kind, form), status=400)


@login_required
@require_POST
def answer(request, slug, number):
    return _resolve(request, slug, number, kind="answer")


@login_required
@require_POST
def decline(request, slug, number):
    return _resolve(request, slug, number, kind="decline")


def _minutes_or_none(challenge):
    """The minutes, generated on this first request if they are due: a deadline is a fact, so
    the minutes do not wait for the scheduled command."""
    minutes = selectors.minutes_for(challenge)
    if minutes is None and minutes_due(challenge, timezone.now()):
        try:
            minutes = services.minutes_generate(challenge=challenge, actor=None)
        except DomainError:
            minutes = None
    return minutes


@require_safe
def minutes(request, slug):
    challenge = challenge_for_view(request.user, slug)
    found = _minutes_or_none(challenge)
    response = render(
        request,
        "clarifications/minutes.html",
        {
            "challenge": challenge,
            "minutes": found,
            "problem": None if found else services.minutes_problem(challenge),
        },
    )
    if found:
        response["X-Content-SHA256"] = found.sha256
    return response


@require_safe
def minutes_pdf(request, slug):
    challenge = challenge_for_view(request.user, slug)
    found = _minutes_or_none(challenge)
    if found is None:
        raise Http404
    with found.pdf.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="acta-aclaraciones-{challenge.slug}.pdf"'
    )
    # The digest of the minutes as generated; anyone can compare it with the file received.
    response["X-Content-SHA256"] = found.sha256
    response["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(found.sha256)).decode()}:"
    return response
