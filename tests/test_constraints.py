"""The database itself refuses impossible challenges, whatever code path writes them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from retos.challenges.models import Challenge, Criterion
from retos.challenges.stages import Stage
from tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def refuses(**changes):
    challenge = ChallengeFactory()
    for name, value in changes.items():
        setattr(challenge, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        challenge.save()


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("questions_close_at", "submissions_close_at"),
        ("submissions_close_at", "evaluation_ends_at"),
        ("evaluation_ends_at", "demo_day_at"),
        ("demo_day_at", "decision_at"),
        ("decision_at", "delivery_at"),
    ],
)
def test_timeline_dates_must_be_in_order(earlier, later):
    challenge = ChallengeFactory()
    setattr(challenge, earlier, getattr(challenge, later) + timedelta(seconds=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        challenge.save()


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-1.00")])
def test_the_amount_must_be_positive(amount):
    refuses(amount=amount)


@pytest.mark.parametrize("count", [0, 21])
def test_the_number_of_finalists_is_bounded(count):
    refuses(finalists_count=count)


def test_the_stage_must_be_a_known_one():
    refuses(stage="secret")


def test_a_cancelled_challenge_needs_its_reason():
    refuses(stage=Stage.CANCELLED, outcome_reason="")


def test_a_public_challenge_was_published():
    refuses(stage=Stage.EVALUATION, published_at=None)


def test_a_published_challenge_has_its_deadlines():
    refuses(submissions_close_at=None)


@pytest.mark.parametrize("weight", [Decimal(0), Decimal("-5"), Decimal("100.01")])
def test_criterion_weights_stay_in_range(weight):
    challenge = ChallengeFactory(criteria=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(
            challenge=challenge, name="X", weight=weight, expertise_area="technology"
        )


def test_the_admin_site_shows_challenges_but_cannot_change_them(admin_client):
    challenge = ChallengeFactory()
    assert admin_client.get("/admin/challenges/challenge/").status_code == 200
    response = admin_client.post(
        f"/admin/challenges/challenge/{challenge.pk}/change/", {"title": "Otro"}
    )
    assert response.status_code == 403
    assert Challenge.objects.get(pk=challenge.pk).title == challenge.title
