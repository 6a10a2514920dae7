"""Deadlines are facts: every read compares against them, with no job needed."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from retos.challenges import services
from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

QUESTIONS_CLOSE = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 3, 17, 23, 59, 59, tzinfo=UTC)
TICK = timedelta(microseconds=1)


@pytest.fixture
def challenge():
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=UTC), tick=False):
        return ChallengeFactory(
            published_at=datetime(2026, 2, 1, tzinfo=UTC),
            questions_close_at=QUESTIONS_CLOSE,
            submissions_close_at=DEADLINE,
            evaluation_ends_at=DEADLINE + timedelta(days=20),
            demo_day_at=DEADLINE + timedelta(days=30),
            decision_at=DEADLINE + timedelta(days=40),
            delivery_at=DEADLINE + timedelta(days=200),
        )


def _sql_view(challenge, now):
    return (
        Challenge.objects.with_timeline(now)
        .values("stage_now", "questions_open", "submissions_open")
        .get(pk=challenge.pk)
    )


@pytest.mark.parametrize(
    ("moment", "stage", "submissions_open"),
    [
        (DEADLINE - TICK, Stage.PUBLISHED, True),
        (DEADLINE, Stage.CLOSED, False),
        (DEADLINE + TICK, Stage.CLOSED, False),
    ],
    ids=["just-before", "exactly-at", "just-after"],
)
def test_the_submission_deadline_closes_the_challenge_by_itself(
    challenge, moment, stage, submissions_open
):
    with time_machine.travel(moment, tick=False):
        assert challenge.current_stage_at() == stage
        assert challenge.window_open("submissions") is submissions_open
        sql = _sql_view(challenge, moment)
        assert sql["stage_now"] == stage
        assert sql["submissions_open"] is submissions_open
        in_stage = Challenge.objects.in_stage(stage).filter(pk=challenge.pk).exists()
        assert in_stage
        other = Stage.PUBLISHED if stage == Stage.CLOSED else Stage.CLOSED
        assert not Challenge.objects.in_stage(other).filter(pk=challenge.pk).exists()
        # No job ran: the stored stage is still "published" throughout.
        challenge.refresh_from_db()
        assert challenge.stage == Stage.PUBLISHED


@pytest.mark.parametrize(
    ("moment", "open_"),
    [(QUESTIONS_CLOSE - TICK, True), (QUESTIONS_CLOSE, False), (QUESTIONS_CLOSE + TICK, False)],
    ids=["just-before", "exactly-at", "just-after"],
)
def test_the_questions_window_closes_at_its_deadline(challenge, moment, open_):
    with time_machine.travel(moment, tick=False):
        assert challenge.window_open("questions") is open_
        assert _sql_view(challenge, moment)["questions_open"] is open_
        assert Challenge.objects.window_open("questions").filter(pk=challenge.pk).exists() is open_


@pytest.mark.parametrize(
    "moment", [DEADLINE - TICK, DEADLINE, DEADLINE + TICK], ids=["before", "at", "after"]
)
def test_recording_the_close_is_refused_before_the_deadline_only(challenge, moment):
    with time_machine.travel(moment, tick=False):
        if moment < DEADLINE:
            with pytest.raises(services.DomainError):
                services.challenge_close(challenge=challenge)
            challenge.refresh_from_db()
            assert challenge.stage == Stage.PUBLISHED
        else:
            services.challenge_close(challenge=challenge)
            challenge.refresh_from_db()
            assert challenge.stage == Stage.CLOSED
            assert challenge.closed_at == DEADLINE


def test_python_and_sql_agree_on_every_hour_around_the_windows(challenge):
    moment = QUESTIONS_CLOSE - timedelta(hours=3)
    while moment < DEADLINE + timedelta(hours=3):
        with time_machine.travel(moment, tick=False):
            sql = _sql_view(challenge, moment)
            assert sql["stage_now"] == challenge.current_stage_at(moment)
            assert sql["questions_open"] == challenge.window_open("questions", moment)
            assert sql["submissions_open"] == challenge.window_open("submissions", moment)
        moment += timedelta(hours=7)


def test_windows_are_shut_outside_the_published_stage(challenge):
    challenge.stage = Stage.CANCELLED
    challenge.outcome_reason = "Cancelado."
    challenge.save()
    with time_machine.travel(QUESTIONS_CLOSE - timedelta(days=1), tick=False):
        assert not challenge.window_open("questions")
        assert not challenge.window_open("submissions")
        assert challenge.current_stage_at() == Stage.CANCELLED


def _question(challenge, **fields):
    from retos.clarifications.models import Question
    from tests.factories import UserFactory

    number = challenge.questions.count() + 1
    return Question.objects.create(
        challenge=challenge, number=number, asker=UserFactory(), text="¿Pregunta?", **fields
    )


def test_a_pending_question_holds_submissions_open_past_the_deadline(challenge):
    question = _question(challenge, asked_at=QUESTIONS_CLOSE - timedelta(days=1))
    after = DEADLINE + timedelta(hours=2)
    with time_machine.travel(after, tick=False):
        assert challenge.current_stage_at() == Stage.PUBLISHED
        assert challenge.window_open("submissions")
        sql = _sql_view(challenge, after)
        assert sql["stage_now"] == Stage.PUBLISHED and sql["submissions_open"]
        with pytest.raises(services.DomainError):
            services.challenge_close(challenge=challenge)
    # The answer is published; from that moment the challenge is closed, as of the answer.
    answered_at = DEADLINE + timedelta(hours=3)
    question.status = "answered"
    question.answer = "Respuesta."
    question.resolved_at = answered_at
    question.save()
    with time_machine.travel(answered_at + timedelta(minutes=1), tick=False):
        assert challenge.current_stage_at() == Stage.CLOSED
        assert _sql_view(challenge, answered_at)["stage_now"] == Stage.CLOSED
        services.challenge_close(challenge=challenge)
        challenge.refresh_from_db()
        assert challenge.closed_at == answered_at


def test_a_declined_question_does_not_hold_the_deadline(challenge):
    _question(
        challenge,
        status="declined",
        decline_reason="Fuera del alcance.",
        resolved_at=QUESTIONS_CLOSE,
    )
    with time_machine.travel(DEADLINE, tick=False):
        assert challenge.current_stage_at() == Stage.CLOSED


class TestScheduledPublication:
    def test_a_scheduled_challenge_stays_in_review_until_its_time(self):
        from tests.factories import GovernmentBodyFactory, UserFactory
        from tests.lifecycle import challenge_in

        body = GovernmentBodyFactory()
        challenge = challenge_in(Stage.IN_REVIEW, body=body)
        publish_at = challenge.created_at + timedelta(days=1)
        services.challenge_approve(
            challenge=challenge, actor=UserFactory(is_platform_staff=True), publish_at=publish_at
        )
        challenge.refresh_from_db()
        assert challenge.stage == Stage.PUBLISHED and challenge.published_at == publish_at
        with time_machine.travel(publish_at - TICK, tick=False):
            assert challenge.current_stage_at() == Stage.IN_REVIEW
            assert not Challenge.objects.public().filter(pk=challenge.pk).exists()
            assert not challenge.window_open("questions")
            assert _sql_view(challenge, publish_at - TICK)["stage_now"] == Stage.IN_REVIEW
        with time_machine.travel(publish_at, tick=False):
            assert challenge.current_stage_at() == Stage.PUBLISHED
            assert Challenge.objects.public().filter(pk=challenge.pk).exists()
            assert challenge.window_open("questions")

    def test_withdrawing_a_scheduled_challenge_keeps_it_private(self):
        from tests.factories import GovernmentBodyFactory, MembershipFactory, UserFactory
        from tests.lifecycle import challenge_in

        body = GovernmentBodyFactory()
        challenge = challenge_in(Stage.IN_REVIEW, body=body)
        staff = UserFactory(is_platform_staff=True)
        services.challenge_approve(
            challenge=challenge, actor=staff, publish_at=challenge.created_at + timedelta(days=1)
        )
        approver = MembershipFactory(organization=body, role="approver").user
        services.challenge_cancel(challenge=challenge, actor=approver, reason="Ya no aplica.")
        challenge.refresh_from_db()
        assert challenge.stage == Stage.CANCELLED and challenge.published_at is None
        assert not Challenge.objects.public().filter(pk=challenge.pk).exists()

    def test_the_submission_window_needs_ten_business_days(self):
        from tests.factories import GovernmentBodyFactory, UserFactory
        from tests.lifecycle import challenge_in

        # Published Friday 13 March 2026: Mon 16 is a holiday, so the 10th business day after
        # is Mon 30 March.
        publish = datetime(2026, 3, 13, 16, tzinfo=UTC)
        with time_machine.travel(publish, tick=False):
            body = GovernmentBodyFactory()
            short = challenge_in(
                Stage.IN_REVIEW,
                body=body,
                questions_close_at=datetime(2026, 3, 20, 18, tzinfo=UTC),
                submissions_close_at=datetime(2026, 3, 27, 23, tzinfo=UTC),
            )
            with pytest.raises(services.DomainError) as excinfo:
                services.challenge_approve(
                    challenge=short, actor=UserFactory(is_platform_staff=True)
                )
            assert excinfo.value.code == "window_too_short"
            enough = challenge_in(
                Stage.IN_REVIEW,
                body=body,
                questions_close_at=datetime(2026, 3, 20, 18, tzinfo=UTC),
                submissions_close_at=datetime(2026, 3, 30, 23, tzinfo=UTC),
            )
            services.challenge_approve(challenge=enough, actor=UserFactory(is_platform_staff=True))
