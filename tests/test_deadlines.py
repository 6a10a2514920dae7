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
