"""Reads of questions and minutes for pages. Each returns a bounded number of queries.

What the public reads comes as ``PublicQuestion`` rows built from the question's public fields
only: the asker and the company are never loaded for a public page or the minutes, so no
template can show them by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.clarifications.models import (
    Minutes,
    Question,
    QuestionStatus,
    Section,
    minutes_due,
    minutes_due_q,
)
from retos.core import rules
from retos.organizations.models import Organization

PUBLIC_FIELDS = (
    "number",
    "section",
    "text",
    "status",
    "answer",
    "decline_reason",
    "asked_at",
    "resolved_at",
)


@dataclass(frozen=True)
class PublicQuestion:
    """A question as anyone may read it: no asker, no company."""

    number: int
    section: str
    text: str
    status: str
    answer: str
    decline_reason: str
    asked_at: datetime
    resolved_at: datetime | None

    @property
    def section_label(self) -> str:
        return Section(self.section).label

    @property
    def status_label(self) -> str:
        return QuestionStatus(self.status).label

    @property
    def pending(self) -> bool:
        return self.status == QuestionStatus.PENDING

    @property
    def declined(self) -> bool:
        return self.status == QuestionStatus.DECLINED


@dataclass(frozen=True)
class PublicClarifications:
    """What the public challenge page shows about its questions (see
    ``clarifications/_public_questions.html``)."""

    slug: str
    time_zone: str
    #: Answered and declined questions, by number.
    questions: list[PublicQuestion]
    #: How many still wait for an answer (their text is not shown until answered).
    pending_count: int
    questions_open: bool
    questions_close_at: datetime | None
    #: The minutes exist or can be generated on first request.
    minutes_available: bool


def _public_rows(challenge) -> list[PublicQuestion]:
    rows = Question.objects.filter(challenge=challenge).order_by("number").values(*PUBLIC_FIELDS)
    return [PublicQuestion(**row) for row in rows]


def public_clarifications(challenge: Challenge, now=None) -> PublicClarifications:
    """The questions part of the public challenge page, in one query.

    ``challenge.body`` should be loaded already (``select_related("body")``), as the challenge
    page does.
    """
    now = now or timezone.now()
    rows = _public_rows(challenge)
    pending = sum(1 for q in rows if q.pending)
    return PublicClarifications(
        slug=challenge.slug,
        time_zone=challenge.body.time_zone,
        questions=[q for q in rows if not q.pending],
        pending_count=pending,
        questions_open=challenge.window_open("questions", now),
        questions_close_at=challenge.questions_close_at,
        minutes_available=minutes_due(challenge, now, pending=bool(pending)),
    )


def minutes_questions(challenge: Challenge) -> list[PublicQuestion]:
    """Every question of the challenge, for the minutes, anonymized (one query)."""
    return _public_rows(challenge)


def user_companies(user) -> list[Organization]:
    """The companies ``user`` belongs to, in any role; loaded once per user object."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_retos_companies", None)
    if cached is None:
        cached = list(
            Organization.objects.companies()
            .filter(memberships__user=user)
            .distinct()
            .order_by("name")
        )
        user._retos_companies = cached
    return cached


def questions_asked_by(user, challenge: Challenge):
    """The questions ``user`` asked about ``challenge`` (they know they asked them)."""
    if not user.is_authenticated:
        return Question.objects.none()
    return Question.objects.filter(challenge=challenge, asker=user).order_by("number")


def challenge_for_management(user, slug: str) -> Challenge:
    """The challenge, if ``user`` manages its questions; the same 404 whether it is missing or
    forbidden."""
    try:
        challenge = (
            Challenge.objects.with_timeline().select_related("body", "body__state").get(slug=slug)
        )
    except Challenge.DoesNotExist:
        raise Http404 from None
    if not rules.can(user, "question:manage", challenge):
        raise Http404
    return challenge


def questions_for_management(challenge: Challenge) -> list[Question]:
    """Every question with its asker and company, the pending ones first (one query).

    Only for people holding ``question:see_asker``."""
    questions = list(
        Question.objects.filter(challenge=challenge)
        .select_related("asker", "company", "resolved_by")
        .order_by("number")
    )
    questions.sort(key=lambda q: (q.status != QuestionStatus.PENDING, q.number))
    for question in questions:
        question.challenge = challenge  # the permission checks read it; no query per row
    return questions


def minutes_for(challenge: Challenge) -> Minutes | None:
    return Minutes.objects.filter(challenge=challenge).first()


def challenges_due_minutes(now=None):
    """Public challenges whose questions window closed with nothing pending, and no minutes
    yet: the scheduled command generates theirs."""
    now = now or timezone.now()
    return (
        Challenge.objects.filter(minutes_due_q(now))
        .filter(clarification_minutes__isnull=True)
        .select_related("body")
        .order_by("questions_close_at", "pk")
    )
