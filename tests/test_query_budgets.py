"""Pages run a constant number of queries, whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from tests.factories import ChallengeFactory, GovernmentBodyFactory, MunicipalBodyFactory
from tests.lifecycle import challenge_in

pytestmark = pytest.mark.django_db

# The budgets: (session-less anonymous visitor) list = filter choices (bodies, states), count,
# page rows; detail = challenge, criteria, documents, questions (with minutes), amendments,
# followers; home = figures, open challenges.
BUDGETS = {"list": 4, "detail": 7, "home": 2, "bodies": 1, "body": 2}


def grow_to(n: int):
    bodies = [GovernmentBodyFactory(), MunicipalBodyFactory()]
    stages = [Stage.PUBLISHED, Stage.EVALUATION, Stage.COMPLETED, Stage.CANCELLED]
    while Challenge.objects.count() < n:
        i = Challenge.objects.count()
        challenge_in(stages[i % len(stages)], body=bodies[i % 2])


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("page", "url"),
    [
        ("list", "/retos/"),
        ("list", "/retos/?stage=published&q=reto"),
        ("list", "/en/retos/?level=municipal&page=2"),
        ("home", "/"),
        ("bodies", "/organismos/"),
    ],
)
def test_list_pages_run_the_same_queries_with_10_and_200_challenges(client, page, url):
    grow_to(10)
    small = count_queries(client, url)
    grow_to(200)
    large = count_queries(client, url)
    assert small == large <= BUDGETS[page], (small, large)


def test_the_detail_page_runs_the_same_queries_with_10_and_200_challenges(client):
    target = ChallengeFactory(criteria=[(f"Criterio {i}", 10, "technology") for i in range(10)])
    grow_to(10)
    small = count_queries(client, target.get_absolute_url())
    grow_to(200)
    large = count_queries(client, target.get_absolute_url())
    assert small == large <= BUDGETS["detail"], (small, large)


def test_the_body_page_runs_the_same_queries_with_10_and_200_challenges(client):
    grow_to(10)
    body = Challenge.objects.first().body
    small = count_queries(client, body.get_absolute_url())
    grow_to(200)
    large = count_queries(client, body.get_absolute_url())
    assert small == large <= BUDGETS["body"], (small, large)
