"""Query budgets of the API's lists and details, at two data sizes: the count does not grow
with the number of rows (one query for the count, one for the page, one per prefetched
relation; plus the token's look-up when a token is sent)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from retos.challenges.models import Amendment
from retos.clarifications.models import Question
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory
from tests.test_api import API, build_world, token_for

pytestmark = pytest.mark.django_db

# Address → the most queries it may run (anonymous). Lists: count + page (+ prefetches).
BUDGETS = {
    "/challenges/": 2,
    "/challenges/{slug}/": 2,
    "/challenges/{slug}/questions/": 3,
    "/challenges/{slug}/amendments/": 3,
    "/challenges/{slug}/opening-act/": 2,
    "/bodies/": 2,
    "/bodies/{body}/": 1,
    "/companies/": 2,
    "/proposals/": 2,
    "/proposals/{proposal}/": 1,
    "/scores/": 2,
    "/decisions/": 3,
    "/awards/": 2,
    "/contracts/": 3,
    "/milestones/": 3,
    "/catalog/": 3,
    "/catalog/{entry}/": 2,
}


def situation(size: int):
    worlds = [build_world(proposals=size) for _ in range(size // 2)]
    for _ in range(size * 3):
        ChallengeFactory()
    world = worlds[0]
    asker = MembershipFactory(organization=CompanyFactory(), role="admin").user
    for number in range(1, size * 3 + 1):
        Question.objects.create(
            challenge=world.challenge,
            number=number,
            asker=asker,
            text="¿?",
            status="answered",
            answer="Sí.",
            resolved_by=world.official,
            resolved_at=timezone.now(),
        )
        Amendment.objects.create(
            challenge=world.challenge,
            number=number,
            reason="Aclaración.",
            changes=[{"field": "summary", "old": "a", "new": "b"}],
            actor=asker,
        )
    return world


def addresses(world) -> dict[str, str]:
    values = {
        "slug": world.challenge.slug,
        "body": world.challenge.body.slug,
        "proposal": str(world.proposals[0].public_id),
        "entry": world.entry.slug,
    }
    return {template: template.format(**values) for template in BUDGETS}


@pytest.mark.parametrize("size", [2, 6])
def test_api_reads_cost_a_constant_number_of_queries(client, size, django_assert_max_num_queries):
    world = situation(size)
    for template, path in addresses(world).items():
        with django_assert_max_num_queries(BUDGETS[template]):
            response = client.get(f"{API}{path}", {"page_size": 100})
        assert response.status_code == 200, (path, response.content)
        body = response.json()
        if "results" in body:
            # Every list holds at least one row per world (size // 2 of them).
            assert len(body["results"]) >= size // 2, path


@pytest.mark.parametrize("size", [2, 6])
def test_a_token_adds_one_look_up_and_at_most_one_stamp(
    client, size, django_assert_max_num_queries
):
    world = situation(size)
    secret = token_for(world.company_member)
    for template, path in addresses(world).items():
        with django_assert_max_num_queries(BUDGETS[template] + 2):
            response = client.get(
                f"{API}{path}", {"page_size": 100}, HTTP_AUTHORIZATION=f"Bearer {secret}"
            )
        assert response.status_code == 200, path


@pytest.mark.parametrize("size", [2, 6])
def test_a_companys_own_proposals_cost_a_constant_number_of_queries(
    client, size, django_assert_max_num_queries
):
    from tests.proposal_helpers import started_proposal

    company = CompanyFactory()
    user = MembershipFactory(organization=company, role="admin").user
    for _ in range(size):
        started_proposal(ChallengeFactory(), company=company, actor=user)
    secret = token_for(user)
    client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")  # stamps the last use
    with django_assert_max_num_queries(4):
        response = client.get(f"{API}/me/proposals/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 15])
def test_the_tokens_page_costs_a_constant_number_of_queries(
    client, size, django_assert_max_num_queries
):
    from retos.api import services
    from tests.factories import UserFactory

    user = UserFactory()
    for i in range(size):
        token, _secret = services.api_token_create(actor=user, name=f"t{i}")
        if i % 2:
            services.api_token_revoke(token=token, actor=user)
    client.force_login(user)
    # The session, the person, the notifications badge, the memberships (menu), the tokens.
    with django_assert_max_num_queries(6):
        response = client.get("/cuenta/api/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == size + 1


@pytest.mark.parametrize("size", [2, 15])
def test_the_documentation_page_reads_no_data(client, size, django_assert_max_num_queries):
    for _ in range(size):
        ChallengeFactory()
    client.get("/api/v1/docs/")  # builds the page's content once per process and language
    with django_assert_max_num_queries(0):
        assert client.get("/api/v1/docs/").status_code == 200
