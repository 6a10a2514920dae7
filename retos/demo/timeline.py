"""The calendar of each demo challenge, derived from the day the demo is loaded.

A pure function of the load date, kept apart from the database so that a test can check, for
every day of a year, that each challenge ends up in its intended stage: every action already in
the past, and the deadlines that decide the stage on the right side of "now". Around the stages
it dates what else happened (``retos.demo.activity``): documents added while drafting, people
following the challenge from the day of its publication, questions asked inside the questions
window and answered before the deadline, amendments published while taking proposals, and the
minutes written once the questions window closed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from retos.challenges.stages import MAIN_PATH, Stage
from retos.core.business_days import add_business_days, is_business_day
from retos.core.timezones import MexicanTimeZone
from retos.demo import activity, data
from retos.demo.activity import AmendmentSpec, DocumentSpec, QuestionSpec
from retos.demo.data import ChallengeSpec

# Typical durations of the 2014–15 calls, in calendar days.
QUESTIONS_DAYS = 20  # from publication to the close of questions (junta de aclaraciones)
SUBMISSIONS_DAYS = 41  # from publication to the submission deadline
EVALUATION_DAYS = 21  # from the deadline to the end of scoring
DEMO_DAYS = 21  # from the end of scoring to demo day
DECISION_DAYS = 7  # from demo day to the decision (fallo)
COMPLAINT_BUSINESS_DAYS = 6  # complaint window (inconformidad) before the contract
DELIVERY_DAYS = 150  # from the decision to the delivery of the tool
REUSE_BUSINESS_DAYS = 30  # from the completion to another body's report of reusing the tool
MINUTES_DELAY = timedelta(minutes=10)  # the scheduled job writes the minutes soon after
FOLLOWS_MIN, FOLLOWS_MAX = 8, 16  # people following each public challenge (before the cap)
FOLLOWS_CAP = 20

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


@dataclass(frozen=True)
class PlannedQuestion:
    spec: QuestionSpec
    #: The number the service gives it (questions are numbered in the order they are asked).
    number: int
    #: Who asks (a person of ``spec.company``).
    email: str
    asked_at: datetime
    #: When its answer (or the reason for declining it) was published; None: still pending.
    resolved_at: datetime | None


@dataclass(frozen=True)
class PlannedAmendment:
    spec: AmendmentSpec
    when: datetime
    #: The submission deadline in force when it was published.
    deadline: datetime
    #: The new submission deadline, when it extended it.
    new_deadline: datetime | None


@dataclass
class Timeline:
    #: The challenge's published deadlines (``TIMELINE_FIELDS``), after every amendment.
    dates: dict[str, datetime]
    #: (when, action) in order; action is "create", "update_draft" or a transition name.
    steps: list[tuple[datetime, str]] = field(default_factory=list)
    #: The deadlines it was created with (before amendments extended any).
    initial_dates: dict[str, datetime] = field(default_factory=dict)
    documents: list[tuple[datetime, DocumentSpec]] = field(default_factory=list)
    #: (when, email) of each person who follows it.
    follows: list[tuple[datetime, str]] = field(default_factory=list)
    questions: list[PlannedQuestion] = field(default_factory=list)
    amendments: list[PlannedAmendment] = field(default_factory=list)
    #: When the minutes of the clarifications were written (None: not yet due).
    minutes_at: datetime | None = None
    #: From the opening on: the dates of the evaluation, the decision, the contract and the
    #: delivery (``after_opening``), whether or not they are already past on the load day.
    moments: dict[str, datetime] = field(default_factory=dict)

    def step_at(self, action: str) -> datetime | None:
        return next((when for when, name in self.steps if name == action), None)


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


def company_person(handle: str) -> tuple[data.CompanySpec, str]:
    """The company with mail ``handle`` and the person who speaks for it: its member if it has
    one, otherwise its admin."""
    company = next(c for c in data.COMPANIES if c.handle == handle)
    return company, company.member_email if company.member_name else company.admin_email


def signed_up_day() -> dict[str, int]:
    """The day (relative to the load date) each expert and company person signed up (the
    loader signs them up on these days)."""
    days = {expert.email: -500 + 2 * i for i, expert in enumerate(data.EXPERTS)}
    for company in data.COMPANIES:
        days[company.admin_email] = company.registered_day
        if company.member_name:
            days[company.member_email] = company.registered_day + 1
    return days


def followers(spec: ChallengeSpec) -> list[str]:
    """Who follows ``spec`` from its publication: the companies that ask about it (when they
    were already registered), the demo's company and expert log-ins, and a few more experts and
    company people (the same ones on every load)."""
    signed_up = {email for email, day in signed_up_day().items() if day < spec.publish_day}
    asked = [company_person(q.company)[1] for q in activity.QUESTIONS.get(spec.key, ())]
    known = [data.COMPANIES[0].admin_email, data.EXPERTS[0].email]
    chosen = [email for email in dict.fromkeys([*known, *asked]) if email in signed_up]
    others = sorted(signed_up - set(chosen))
    rng = random.Random(f"retos-demo:follows:{spec.key}")
    wanted = rng.randint(FOLLOWS_MIN, FOLLOWS_MAX)
    chosen += rng.sample(others, max(0, min(wanted - len(chosen), len(others))))
    return chosen[:FOLLOWS_CAP]


def build_timeline(spec: ChallengeSpec, today: date, tz: str) -> Timeline:
    """Deadlines and dated steps for ``spec``, as if the demo were loaded on ``today``."""
    zone = ZoneInfo(tz)
    # Nothing may happen on the load day itself: the demo can be loaded at any hour.
    load_day = datetime.combine(today, time(0), tzinfo=ZoneInfo(MexicanTimeZone.CENTRO))

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
    amendments = activity.AMENDMENTS.get(spec.key, ())
    extension = sum(a.extend_days for a in amendments)
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
    # Created with an earlier submission deadline, which its amendments extended to the one
    # above: every later step keeps its date.
    initial_dates = {
        **dates,
        "submissions_close_at": deadline(
            published + timedelta(days=SUBMISSIONS_DAYS - extension), 18
        ),
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
    timeline = Timeline(
        dates=dates,
        steps=[(when[action], action) for action in _path(spec.target)],
        initial_dates=initial_dates,
    )
    if "open" in (action for _when, action in timeline.steps):
        timeline.moments = after_opening(when, dates, zone)

    # Documents: attached while drafting, days before it went to review.
    timeline.documents = [
        (at(published - timedelta(days=18), 12, 20 * i), document)
        for i, document in enumerate(activity.DOCUMENTS.get(spec.key, ()))
    ]
    approved = timeline.step_at("approve")
    if approved is None:
        return timeline  # never public: nobody follows, asks or reads amendments

    # Followers: on the day of publication, before any answer or amendment they hear about.
    timeline.follows = [
        (approved + timedelta(minutes=30 + 20 * i), email)
        for i, email in enumerate(followers(spec))
    ]

    # Questions: asked inside the questions window; answered on a working day, while the
    # challenge still takes proposals and before the load day.
    after_publication = [when for when, action in timeline.steps if when > approved]
    answer_limit = min([initial_dates["submissions_close_at"], load_day, *after_publication[:1]])

    def answered_at(asked: datetime, days: int, hour: int, minute: int) -> datetime:
        day = asked.astimezone(zone).date() + timedelta(days=days)
        forward = day
        while not is_business_day(forward):
            forward += timedelta(days=1)
        if at(forward, hour, minute) < answer_limit:
            return at(forward, hour, minute)
        back = day
        while not is_business_day(back):
            back -= timedelta(days=1)
        if at(back, hour, minute) > asked:
            return at(back, hour, minute)
        return at(day, hour, minute)

    asked = sorted(activity.QUESTIONS.get(spec.key, ()), key=lambda q: (q.day, q.company))
    for number, question in enumerate(asked, start=1):
        asked_at = at(published + timedelta(days=question.day), 9 + (2 * number) % 9, 5 * number)
        resolved_at = (
            None
            if question.pending
            else answered_at(asked_at, question.answer_after, 12 + number % 6, (7 * number) % 60)
        )
        timeline.questions.append(
            PlannedQuestion(
                spec=question,
                number=number,
                email=company_person(question.company)[1],
                asked_at=asked_at,
                resolved_at=resolved_at,
            )
        )

    # Amendments: dated from the deadline in force, which an extension moves later.
    current = initial_dates["submissions_close_at"]
    remaining = extension
    for amendment in amendments:
        day = current.astimezone(zone).date()
        left = amendment.before_deadline
        while left:
            day -= timedelta(days=1)
            if is_business_day(day):
                left -= 1
        new_deadline = None
        if amendment.extend_days:
            remaining -= amendment.extend_days
            new_deadline = deadline(published + timedelta(days=SUBMISSIONS_DAYS - remaining), 18)
        timeline.amendments.append(
            PlannedAmendment(
                spec=amendment, when=at(day, 12, 30), deadline=current, new_deadline=new_deadline
            )
        )
        current = new_deadline or current

    # The minutes: written once the questions window closed with every question answered.
    resolved = [q.resolved_at for q in timeline.questions if q.resolved_at is not None]
    minutes_at = max([questions, *resolved]) + MINUTES_DELAY
    if minutes_at < load_day:
        timeline.minutes_at = minutes_at
    return timeline


def previous_business_day(day: date) -> date:
    """The last business day before ``day``."""
    day -= timedelta(days=1)
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def after_opening(when: dict[str, datetime], dates: dict[str, datetime], zone) -> dict:
    """The calendar from the opening act to the catalog, in the body's time zone.

    Working steps fall on business days: the approver sets the evaluation rules and invites
    the panel the business day after the opening, the experts answer that afternoon, the chair
    is named, and evaluation starts the next business day. The experts score until the business
    day before the end of the evaluation (the chair corrects what needs correcting that
    morning); the finalists, confirmed the next business day, have their demo-day slots the
    business day after and may send their demos until the business day before demo day. The
    decision committee scores the demos that afternoon. Bidders may complain during
    ``COMPLAINT_BUSINESS_DAYS`` business days after the decision; the award follows the first
    business day after the window, the contract starts the next one; the supplier delivers
    before the delivery date and the tool is reused by another body some weeks after it is in
    the catalog.
    """

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=zone)

    def day_of(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    opened = day_of(when["open"])
    panel_day = add_business_days(opened, 1)
    ends = day_of(dates["evaluation_ends_at"])
    demo_day = dates["demo_day_at"]
    decision = when["decide"]
    window_last = add_business_days(day_of(decision), COMPLAINT_BUSINESS_DAYS)
    award = when["award"]
    delivery = dates["delivery_at"]
    complete = when["complete"]
    return {
        "settings": at(panel_day, 9),
        "invitations": at(panel_day, 9, 30),
        "responses": at(panel_day, 12),
        "chair": at(panel_day, 18, 30),
        "start_evaluation": when["start_evaluation"],
        "conflicts": when["start_evaluation"] + timedelta(minutes=45),
        "scoring_from": when["start_evaluation"] + timedelta(hours=4),
        "scoring_until": at(previous_business_day(ends), 19),
        "correction": at(ends, 11),
        "evaluation_ends": dates["evaluation_ends_at"],
        "confirm_finalists": when["confirm_finalists"],
        "declare_deserted": when["declare_deserted"],
        "demo_slots": at(add_business_days(day_of(when["confirm_finalists"]), 1), 10),
        "demo_deadline": at(previous_business_day(day_of(demo_day)), 18),
        "demo_day": demo_day,
        "committee_scores": demo_day + timedelta(hours=6),
        "decide": decision,
        # The last instant of the complaint window (``complaints_close_at_for``).
        "complaints_close": datetime.combine(window_last, time.max, tzinfo=zone),
        "award": award,
        "contract_start": at(add_business_days(day_of(award), 1), 9),
        "start_implementation": when["start_implementation"],
        "delivery": delivery,
        "complete": complete,
        "reuse": at(add_business_days(day_of(complete), REUSE_BUSINESS_DAYS), 11),
    }
