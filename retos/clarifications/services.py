"""Every write to questions and minutes. Each function runs in a transaction, checks the actor's
permission, and records a ledger event in that same transaction.

The public never learns who asked: the ``question.asked`` event (with the asker as actor and the
company in its payload) is not public; answers and declines are public events that name only
the question's number.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage, is_public
from retos.clarifications.models import (
    Minutes,
    Question,
    QuestionStatus,
    Section,
    minutes_due,
)
from retos.clarifications.pdf import html_to_pdf, render_minutes_html
from retos.clarifications.selectors import minutes_for, minutes_questions, user_companies
from retos.core import rules
from retos.core.errors import DomainError
from retos.core.formatting import format_datetime
from retos.ledger.services import event_record
from retos.notifications.models import Kind
from retos.notifications.services import notify_followers
from retos.organizations.selectors import has_role

MAX_TEXT = 5000


def question_window_problem(challenge: Challenge, now=None) -> str | None:
    """Why the questions window is not open now, in plain words (``None`` when it is open)."""
    now = now or timezone.now()
    if challenge.window_open("questions", now):
        return None
    if not is_public(challenge, now):
        return _("Questions can be asked once the challenge is published.")
    stage = challenge.current_stage_at(now)
    if stage == Stage.PUBLISHED:
        return _(
            "The questions window closed on %(date)s. The answers are published on the "
            "challenge page."
        ) % {"date": format_datetime(challenge.questions_close_at, challenge.body.time_zone)}
    return _("This challenge is in stage “%(stage)s”: it no longer receives questions.") % {
        "stage": stage.label
    }


def minutes_problem(challenge: Challenge, now=None) -> str | None:
    """Why the minutes cannot be written yet, in plain words (``None`` when they can)."""
    now = now or timezone.now()
    if minutes_due(challenge, now):
        return None
    if not is_public(challenge, now) or challenge.questions_close_at is None:
        return _("The minutes are written once the challenge is published and its questions close.")
    if challenge.questions_close_at > now:
        return _("The minutes are written when the questions window closes, on %(date)s.") % {
            "date": format_datetime(challenge.questions_close_at, challenge.body.time_zone)
        }
    return _(
        "Some questions still wait for their answer; the minutes are written once every "
        "question has its published answer."
    )


def question_ask_problem(*, challenge: Challenge, actor, now=None) -> DomainError | None:
    """Why ``actor`` cannot ask a question now, as an error to show (``None`` when they can).

    Its ``code`` says what would help: ``questions_closed``, ``sign_in``, ``body_member``,
    ``company_required``, ``not_allowed``."""
    window = question_window_problem(challenge, now)
    if window:
        return DomainError(window, code="questions_closed")
    if actor is None or not actor.is_authenticated:
        return DomainError(
            _("Sign in with an account that belongs to a registered company to ask."),
            code="sign_in",
        )
    if has_role(actor, challenge.body_id):
        return DomainError(
            _("Members of the body that published this challenge cannot ask questions about it."),
            code="body_member",
        )
    if not user_companies(actor):
        return DomainError(
            _("Only members of a registered company can ask questions. Register yours first."),
            code="company_required",
        )
    if not rules.can(actor, "question:ask", challenge):
        return DomainError(_("You cannot ask questions about this challenge."), code="not_allowed")
    return None


@transaction.atomic
def question_ask(*, challenge: Challenge, actor, text: str, section: str, company=None) -> Question:
    """A member of a company asks a question while the questions window is open.

    ``company`` is the company the actor asks for; it may be left out when they belong to only
    one. Questions are numbered per challenge (the challenge row is locked to number them).
    Officials of the body see who asked; nobody else does.
    """
    locked = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=challenge.pk)
    )
    now = timezone.now()
    window = question_window_problem(locked, now)
    if window:
        raise DomainError(window, code="questions_closed")
    rules.require(actor, "question:ask", locked)
    companies = user_companies(actor)
    if company is None:
        if len(companies) != 1:
            raise DomainError(_("Choose the company you ask for."), code="company_required")
        company = companies[0]
    elif company.pk not in {c.pk for c in companies}:
        # Ownership: one asks only for a company one belongs to.
        raise PermissionDenied("question:ask")
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your question."), code="text_required")
    if len(text) > MAX_TEXT:
        raise DomainError(
            _("Keep the question under %(n)d characters.") % {"n": MAX_TEXT}, code="too_long"
        )
    if section not in Section.values:
        raise DomainError(_("Choose the section of the challenge you ask about."), code="section")
    last = locked.questions.aggregate(last=Max("number"))["last"] or 0
    question = Question.objects.create(
        challenge=locked,
        number=last + 1,
        asker=actor,
        company=company,
        section=section,
        text=text,
        asked_at=now,
    )
    event_record(
        actor=actor,
        action="question.asked",
        subject=locked,
        payload={"question": question.number, "section": section, "company": company.pk},
        # Who asked is for the body's officials and for auditors only.
        public=False,
        occurred_at=now,
    )
    return question


def _resolve(
    *, question: Question, actor, status: str, field: str, text: str, permission: str
) -> Question:
    # The same lock order as question_ask and the challenge transitions: challenge, then
    # question. Two officials answering at once: the second finds it resolved.
    challenge = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=question.challenge_id)
    )
    locked = Question.objects.select_for_update().get(pk=question.pk)
    locked.challenge = challenge
    if locked.status != QuestionStatus.PENDING:
        raise DomainError(
            _(
                "Question %(number)d already has its published answer. A correction is an "
                "amendment to the challenge."
            )
            % {"number": locked.number},
            code="already_resolved",
        )
    now = timezone.now()
    if challenge.current_stage_at(now) != Stage.PUBLISHED:
        raise DomainError(
            _("Questions are answered only while the challenge is published."),
            code="not_published",
        )
    rules.require(actor, permission, locked)
    text = (text or "").strip()
    if not text:
        if status == QuestionStatus.ANSWERED:
            raise DomainError(_("Write the answer; it will be published."), code="text_required")
        raise DomainError(
            _("Say why the question is out of scope; the reason will be published."),
            code="reason_required",
        )
    if len(text) > MAX_TEXT * 2:
        raise DomainError(
            _("Keep it under %(n)d characters.") % {"n": MAX_TEXT * 2}, code="too_long"
        )
    locked.status = status
    setattr(locked, field, text)
    locked.resolved_by = actor
    # One server time: the moment the answer is published to everyone.
    locked.resolved_at = now
    locked.save(update_fields=["status", field, "resolved_by", "resolved_at"])
    event_record(
        actor=actor,
        action=f"question.{status}",
        subject=challenge,
        payload={"question": locked.number},
        public=True,
        occurred_at=now,
    )
    # Every follower hears at once; the asker is never named (they follow like anyone else).
    notify_followers(
        challenge=challenge,
        kind=Kind.QUESTION_ANSWERED,
        context={"number": locked.number, "anchor": f"pregunta-{locked.number}"},
        exclude_user=actor,
    )
    # So does every company writing a proposal, whether or not it follows the challenge.
    from retos.proposals.notices import proposals_notify_answer

    proposals_notify_answer(
        challenge=challenge,
        context={"number": locked.number, "anchor": f"pregunta-{locked.number}"},
        exclude_user=actor,
    )
    for name in ("status", field, "resolved_by", "resolved_at"):
        setattr(question, name, getattr(locked, name))
    return question


@transaction.atomic
def question_answer(*, question: Question, actor, answer: str) -> Question:
    """An official or approver of the body publishes the answer, to everyone at once.

    Allowed after the questions window too: a pending question holds submissions open past the
    deadline until it is answered. An answer is final; a correction is an amendment.
    """
    return _resolve(
        question=question,
        actor=actor,
        status=QuestionStatus.ANSWERED,
        field="answer",
        text=answer,
        permission="question:answer",
    )


@transaction.atomic
def question_decline(*, question: Question, actor, reason: str) -> Question:
    """An official or approver of the body declines a question as out of scope, with a
    published reason. Like an answer, it is final and releases the hold on the deadline."""
    return _resolve(
        question=question,
        actor=actor,
        status=QuestionStatus.DECLINED,
        field="decline_reason",
        text=reason,
        permission="question:decline",
    )


def minutes_generate(*, challenge: Challenge, actor=None) -> Minutes:
    """Generate the minutes of the clarifications (acta de la junta de aclaraciones).

    Due once the questions window has closed and no question is pending; the scheduled command
    ``generate_minutes`` calls this, and so does the first request for the minutes page. It is
    idempotent: once generated, the minutes are returned as they are, never regenerated.
    """
    existing = minutes_for(challenge)
    if existing is not None:
        return existing
    with transaction.atomic():
        # Lock the challenge: two first requests at once generate one set of minutes.
        locked = (
            Challenge.objects.select_for_update(of=("self",))
            .select_related("body")
            .get(pk=challenge.pk)
        )
        existing = minutes_for(locked)
        if existing is not None:
            return existing
        now = timezone.now()
        if not minutes_due(locked, now):
            raise DomainError(
                _(
                    "The minutes are written once the questions window has closed and every "
                    "question has its answer."
                ),
                code="minutes_not_due",
            )
        rules.require(actor, "minutes:generate", locked)
        questions = minutes_questions(locked)
        html = render_minutes_html(challenge=locked, questions=questions, generated_at=now)
        pdf = html_to_pdf(html)
        digest = hashlib.sha256(pdf).hexdigest()
        minutes = Minutes(
            challenge=locked,
            generated_at=now,
            questions_count=len(questions),
            sha256=digest,
            html=html,
        )
        # Written before the row; if the transaction then fails, an orphan file is left behind,
        # never a row without its file.
        minutes.pdf.save(
            f"acta-aclaraciones-{locked.slug}-{digest[:12]}.pdf", ContentFile(pdf), save=False
        )
        minutes.save()
        event_record(
            actor=actor,
            action="minutes.generated",
            subject=locked,
            payload={"sha256": digest, "questions": len(questions)},
            public=True,
            occurred_at=now,
        )
    return minutes
