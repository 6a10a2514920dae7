"""The calendar of each demo challenge, derived from the day the demo is loaded.

A pure function of the load date, kept apart from the database so that a test can check, for
every day of a year, that each challenge ends up in its intended stage: every action already in
the past, and the deadlines that decide the stage on the right side of "now".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from retos.challenges.stages import MAIN_PATH, Stage
from retos.core.business_days import add_business_days, is_business_day
from retos.demo.data import ChallengeSpec

# Typical durations of the 2014–15 calls, in calendar days.
QUESTIONS_DAYS = 20  # from publication to the close of questions (junta de aclaraciones)
SUBMISSIONS_DAYS = 41  # from publication to the submission deadline
EVALUATION_DAYS = 21  # from the deadline to the end of scoring
DEMO_DAYS = 21  # from the end of scoring to demo day
DECISION_DAYS = 7  # from demo day to the decision (fallo)
COMPLAINT_BUSINESS_DAYS = 10  # complaint window (inconformidad) before the contract
DELIVERY_DAYS = 150  # from the decision to the delivery of the tool

# The transitions a challenge makes on its way to each stage of the happy path.
_ACTIONS_TO = {
    Stage.IN_REVIEW: "submit_for_review",
    Stage.PUBLISHED: "approve",
    Stage.CLOSED: "close",
    Stage.OPENED: "open",
    Stage.EVALUATION: "start_evaluation",
    Stage.FINALISTS: "confirm_finalists",
    Stage.DECIDED: "decide",
    Stage.AWARDED: "award",
    Stage.IMPLEMENTATION: "start_implementation",
    Stage.COMPLETED: "complete",
}


@dataclass
class Timeline:
    #: The challenge's published deadlines (``TIMELINE_FIELDS``).
    dates: dict[str, datetime]
    #: (when, action) in order; action is "create", "update_draft" or a transition name.
    steps: list[tuple[datetime, str]] = field(default_factory=list)


def _path(target: Stage) -> list[str]:
    """The actions that take a new draft to ``target``."""
    if target == Stage.DRAFT:
        # A draft that went to review and came back: shows the request for changes.
        return ["create", "submit_for_review", "request_changes", "update_draft"]
    if target == Stage.CANCELLED:
        return ["create", "submit_for_review", "approve", "cancel"]
    if target == Stage.DESERTED:
        return [*_path(Stage.EVALUATION), "declare_deserted"]
    stages = MAIN_PATH[1 : MAIN_PATH.index(target) + 1]
    return ["create", *(_ACTIONS_TO[s] for s in stages)]


def build_timeline(spec: ChallengeSpec, today: date, tz: str) -> Timeline:
    """Deadlines and dated steps for ``spec``, as if the demo were loaded on ``today``."""
    zone = ZoneInfo(tz)

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=zone)

    def deadline(day: date, hour: int) -> datetime:
        # Agencies set deadlines on working days: roll back over weekends and holidays.
        while not is_business_day(day):
            day -= timedelta(days=1)
        return at(day, hour)

    def next_business(moment: datetime, days: int, hour: int, minute: int = 0) -> datetime:
        return at(add_business_days(moment.astimezone(zone).date(), days), hour, minute)

    published = today + timedelta(days=spec.publish_day)
    questions = deadline(published + timedelta(days=QUESTIONS_DAYS), 18)
    submissions = deadline(published + timedelta(days=SUBMISSIONS_DAYS), 18)
    evaluation_ends = deadline(submissions.date() + timedelta(days=EVALUATION_DAYS), 18)
    demo_day = deadline(evaluation_ends.date() + timedelta(days=DEMO_DAYS), 10)
    decision = deadline(demo_day.date() + timedelta(days=DECISION_DAYS), 12)
    delivery = deadline(decision.date() + timedelta(days=DELIVERY_DAYS), 18)
    dates = {
        "questions_close_at": questions,
        "submissions_close_at": submissions,
        "evaluation_ends_at": evaluation_ends,
        "demo_day_at": demo_day,
        "decision_at": decision,
        "delivery_at": delivery,
    }

    opened = next_business(submissions, 1, 10)
    award = next_business(decision, COMPLAINT_BUSINESS_DAYS + 1, 13)
    when = {
        "create": at(published - timedelta(days=21), 10, 15),
        "submit_for_review": at(published - timedelta(days=8), 13),
        "request_changes": at(published - timedelta(days=6), 17, 30),
        "update_draft": at(published - timedelta(days=3), 12),
        "approve": at(published, 11),
        # Recorded a minute after the deadline, as the tidy-up job would.
        "close": submissions + timedelta(minutes=1),
        "open": opened,
        "start_evaluation": next_business(opened, 2, 9, 30),
        "confirm_finalists": next_business(evaluation_ends, 1, 12),
        # A desertion is declared when the scores are in, instead of confirming finalists.
        "declare_deserted": next_business(evaluation_ends, 1, 12),
        "decide": decision,
        "award": award,
        "start_implementation": next_business(award, 3, 10),
        "complete": next_business(delivery, 5, 12),
        "cancel": at(published + timedelta(days=spec.cancel_after), 16),
    }
    return Timeline(dates=dates, steps=[(when[action], action) for action in _path(spec.target)])
