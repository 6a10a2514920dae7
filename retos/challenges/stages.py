"""The life of a challenge: its stages, the only transitions between them, and time windows.

This module is the single source of truth for the lifecycle. Services consult ``TRANSITIONS``
before any change; the QuerySet and the model derive time-dependent facts (is the questions
window open? has the deadline closed the challenge?) from the same ``WINDOWS`` and
``CLOSED_BY_TIME`` data, so SQL and Python cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")
    OPENED = "opened", _("Opened")
    EVALUATION = "evaluation", _("Evaluation")
    FINALISTS = "finalists", _("Finalists")
    DECIDED = "decided", _("Decided")
    AWARDED = "awarded", _("Awarded")
    IMPLEMENTATION = "implementation", _("Implementation")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    DESERTED = "deserted", _("Deserted")


# Stages the public can see; draft and in review belong to the agency and platform staff.
PUBLIC_STAGES = [s for s in Stage if s not in (Stage.DRAFT, Stage.IN_REVIEW)]
TERMINAL_STAGES = [Stage.COMPLETED, Stage.CANCELLED, Stage.DESERTED]
# The happy path, in order, as the public timeline shows it.
MAIN_PATH = [
    Stage.DRAFT,
    Stage.IN_REVIEW,
    Stage.PUBLISHED,
    Stage.CLOSED,
    Stage.OPENED,
    Stage.EVALUATION,
    Stage.FINALISTS,
    Stage.DECIDED,
    Stage.AWARDED,
    Stage.IMPLEMENTATION,
    Stage.COMPLETED,
]

STAGE_DESCRIPTIONS = {
    Stage.DRAFT: _("The agency is writing the challenge."),
    Stage.IN_REVIEW: _("Platform staff are checking the challenge before publication."),
    Stage.PUBLISHED: _("Open: companies may ask questions and then submit proposals."),
    Stage.CLOSED: _("The deadline has passed; proposals stay sealed until the opening act."),
    Stage.OPENED: _("The opening act is published; admissibility is being checked."),
    Stage.EVALUATION: _("The panel of experts is scoring the proposals."),
    Stage.FINALISTS: _("The finalists are published and are building their demos."),
    Stage.DECIDED: _("The decision is published; bidders may file a complaint."),
    Stage.AWARDED: _("The contract with the winner is signed."),
    Stage.IMPLEMENTATION: _("The winner is building the tool; milestones and payments are public."),
    Stage.COMPLETED: _("The tool was delivered and is in the catalog."),
    Stage.CANCELLED: _("The challenge was cancelled; the reason is published."),
    Stage.DESERTED: _("No proposal could win; the reason is published."),
}


@dataclass(frozen=True)
class Transition:
    source: Stage
    target: Stage
    #: The name of the service (``challenge_<name>``) and of the permission (``challenge:<name>``).
    name: str
    label: str
    #: The challenge field stamped with the time of the transition.
    stamp: str
    needs_reason: bool = False

    @property
    def permission(self) -> str:
        return f"challenge:{self.name}"


_CANCELLABLE = [
    Stage.DRAFT,
    Stage.IN_REVIEW,
    Stage.PUBLISHED,
    Stage.CLOSED,
    Stage.OPENED,
    Stage.EVALUATION,
    Stage.FINALISTS,
    Stage.DECIDED,
]
_DESERTABLE = [Stage.CLOSED, Stage.OPENED, Stage.EVALUATION, Stage.FINALISTS]

TRANSITIONS: list[Transition] = [
    Transition(
        Stage.DRAFT, Stage.IN_REVIEW, "submit_for_review", _("Send to review"), "in_review_at"
    ),
    Transition(
        Stage.IN_REVIEW, Stage.PUBLISHED, "approve", _("Approve and publish"), "published_at"
    ),
    Transition(
        Stage.IN_REVIEW,
        Stage.DRAFT,
        "request_changes",
        _("Request changes"),
        "changes_requested_at",
        needs_reason=True,
    ),
    Transition(Stage.PUBLISHED, Stage.CLOSED, "close", _("Close at the deadline"), "closed_at"),
    Transition(Stage.CLOSED, Stage.OPENED, "open", _("Open the proposals"), "opened_at"),
    Transition(
        Stage.OPENED, Stage.EVALUATION, "start_evaluation", _("Start evaluation"), "evaluation_at"
    ),
    Transition(
        Stage.EVALUATION,
        Stage.FINALISTS,
        "confirm_finalists",
        _("Confirm finalists"),
        "finalists_at",
    ),
    Transition(Stage.FINALISTS, Stage.DECIDED, "decide", _("Publish the decision"), "decided_at"),
    Transition(Stage.DECIDED, Stage.AWARDED, "award", _("Record the award"), "awarded_at"),
    # Only an upheld complaint (inconformidad) makes this move, with the complaint's reason:
    # against a decision with a winner, or against a declaration of deserted.
    *[
        Transition(
            s,
            Stage.EVALUATION,
            "reopen_evaluation",
            _("Return to evaluation"),
            "evaluation_reopened_at",
            needs_reason=True,
        )
        for s in (Stage.DECIDED, Stage.DESERTED)
    ],
    Transition(
        Stage.AWARDED,
        Stage.IMPLEMENTATION,
        "start_implementation",
        _("Start implementation"),
        "implementation_at",
    ),
    Transition(
        Stage.IMPLEMENTATION, Stage.COMPLETED, "complete", _("Accept the delivery"), "completed_at"
    ),
    *[
        Transition(s, Stage.CANCELLED, "cancel", _("Cancel"), "cancelled_at", needs_reason=True)
        for s in _CANCELLABLE
    ],
    *[
        Transition(
            s,
            Stage.DESERTED,
            "declare_deserted",
            _("Declare deserted"),
            "deserted_at",
            needs_reason=True,
        )
        for s in _DESERTABLE
    ],
]

TRANSITIONS_BY_PAIR: dict[tuple[Stage, Stage], Transition] = {
    (t.source, t.target): t for t in TRANSITIONS
}


def transitions_from(stage: Stage) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == stage]


# ---------------------------------------------------------------------------------------------
# Time. A deadline is a fact: these rules are read on every request, whether or not any job ran.


# Each rule is written twice, side by side: as SQL (a ``Q``, for lists and filters) and in Python
# (for one object in hand). ``tests/test_deadlines.py`` walks the clock to show they agree.
#
# - scheduled: approved for a later publication time — stored "published", but until
#   ``published_at`` it is still "in review" and nobody outside sees it;
# - live: published and visible;
# - held: a question still waiting for its answer keeps submissions open past the deadline
#   (the agency must answer, decline it with a reason, or extend the deadline);
# - closed by time: published, deadline passed, nothing held — "closed", whether or not anyone
#   has recorded it yet.


def pending_questions_exist() -> Exists:
    from retos.clarifications.models import Question, QuestionStatus

    return Exists(Question.objects.filter(challenge=OuterRef("pk"), status=QuestionStatus.PENDING))


def has_pending_questions(challenge) -> bool:
    annotated = challenge.__dict__.get("questions_pending")
    if annotated is not None:
        return bool(annotated)
    if challenge.pk is None:
        return False
    from retos.clarifications.models import QuestionStatus

    return challenge.questions.filter(status=QuestionStatus.PENDING).exists()


def scheduled_q(now) -> Q:
    return Q(stage=Stage.PUBLISHED, published_at__gt=now)


def scheduled(challenge, now) -> bool:
    return (
        challenge.stage == Stage.PUBLISHED
        and challenge.published_at is not None
        and challenge.published_at > now
    )


def live_q(now) -> Q:
    return Q(stage=Stage.PUBLISHED, published_at__lte=now)


def live(challenge, now) -> bool:
    return challenge.stage == Stage.PUBLISHED and not scheduled(challenge, now)


def closed_by_time_q(now) -> Q:
    return live_q(now) & Q(submissions_close_at__lte=now) & ~Q(pending_questions_exist())


def closed_by_time(challenge, now) -> bool:
    deadline = challenge.submissions_close_at
    return (
        live(challenge, now)
        and deadline is not None
        and now >= deadline
        and not has_pending_questions(challenge)
    )


@dataclass(frozen=True)
class TimeWindow:
    name: str
    q: Callable[[datetime], Q]
    holds: Callable[[object, datetime], bool]


QUESTIONS = TimeWindow(
    "questions",
    q=lambda now: live_q(now) & Q(questions_close_at__gt=now),
    holds=lambda c, now: (
        live(c, now) and c.questions_close_at is not None and now < c.questions_close_at
    ),
)
SUBMISSIONS = TimeWindow(
    "submissions",
    q=lambda now: live_q(now) & ~closed_by_time_q(now),
    holds=lambda c, now: live(c, now) and not closed_by_time(c, now),
)
WINDOWS = {w.name: w for w in (QUESTIONS, SUBMISSIONS)}


def current_stage_q(stage: Stage, now) -> Q:
    """Challenges whose current stage (time included) is ``stage``."""
    if stage == Stage.CLOSED:
        return Q(stage=Stage.CLOSED) | closed_by_time_q(now)
    if stage == Stage.PUBLISHED:
        return live_q(now) & ~closed_by_time_q(now)
    if stage == Stage.IN_REVIEW:
        return Q(stage=Stage.IN_REVIEW) | scheduled_q(now)
    return Q(stage=stage)


def public_q(now) -> Q:
    return Q(stage__in=PUBLIC_STAGES, published_at__lte=now)


def is_public(challenge, now) -> bool:
    return (
        challenge.stage in PUBLIC_STAGES
        and challenge.published_at is not None
        and challenge.published_at <= now
    )


def stage_at(challenge, now) -> Stage:
    if scheduled(challenge, now):
        return Stage.IN_REVIEW
    if closed_by_time(challenge, now):
        return Stage.CLOSED
    return Stage(challenge.stage)
