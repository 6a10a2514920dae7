"""The life of a challenge: its stages, the only transitions between them, and time windows.

This module is the single source of truth for the lifecycle. Services consult ``TRANSITIONS``
before any change; the QuerySet and the model derive time-dependent facts (is the questions
window open? has the deadline closed the challenge?) from the same ``WINDOWS`` and
``CLOSED_BY_TIME`` data, so SQL and Python cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
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


@dataclass(frozen=True)
class TimeWindow:
    """A window that is open while the challenge is in ``stage`` and ``closes_field`` is ahead."""

    name: str
    stage: Stage
    closes_field: str

    def q(self, now) -> Q:
        return Q(stage=self.stage, **{f"{self.closes_field}__gt": now})

    def holds(self, challenge, now) -> bool:
        closes = getattr(challenge, self.closes_field)
        return challenge.stage == self.stage and closes is not None and now < closes


SUBMISSIONS = TimeWindow("submissions", Stage.PUBLISHED, "submissions_close_at")
QUESTIONS = TimeWindow("questions", Stage.PUBLISHED, "questions_close_at")
WINDOWS = {w.name: w for w in (QUESTIONS, SUBMISSIONS)}

# A stored stage that time alone ends: (stored stage, deadline field, stage it becomes).
CLOSED_BY_TIME = (Stage.PUBLISHED, "submissions_close_at", Stage.CLOSED)


def closed_by_time_q(now) -> Q:
    stage, field, _target = CLOSED_BY_TIME
    return Q(stage=stage, **{f"{field}__lte": now})


def closed_by_time(challenge, now) -> bool:
    stage, field, _target = CLOSED_BY_TIME
    deadline = getattr(challenge, field)
    return challenge.stage == stage and deadline is not None and now >= deadline
