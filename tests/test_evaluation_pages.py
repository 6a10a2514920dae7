"""The evaluation pages as a whole: "my evaluations", the challenge page's panel block, and
the query budget of every page at two data sizes (the count must not grow with the number of
proposals, experts or scores)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from retos.challenges.stages import Stage
from retos.evaluation import services
from retos.evaluation.blind import blind_code
from retos.evaluation.models import MemberStatus
from retos.evaluation.selectors import evaluation_summary
from tests.evaluation_helpers import member, opened_challenge, score
from tests.evaluation_panel_helpers import in_evaluation
from tests.factories import MembershipFactory, UserFactory
from tests.lifecycle import challenge_in

pytestmark = pytest.mark.django_db

AREAS = ["technology", "user_experience", "business"]


def queries(client, url, method="get", data=None) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    return len(captured), response


# --- "My evaluations" ------------------------------------------------------------------------


def test_my_evaluations_lists_what_is_due(client):
    opened, _proposals = opened_challenge(2)
    user = UserFactory(is_expert=True)
    member(opened, areas=AREAS, user=user)
    evaluating, _p, experts = in_evaluation(2, experts=1)
    services.scores_record(
        member=experts[0],
        proposal=_p[0],
        actor=experts[0].user,
        entries={c.pk: ("8", "Bien.") for c in evaluating.criteria.all()},
        submit=True,
    )
    client.force_login(user)
    page = client.get(reverse("evaluation:mine")).content.decode()
    assert opened.title in page
    assert reverse("evaluation:conflicts", kwargs={"slug": opened.slug}) in page
    client.force_login(experts[0].user)
    page = client.get(reverse("evaluation:mine")).content.decode()
    assert evaluating.title in page
    assert "1 of 2" in page or "1 de 2" in page


def test_my_evaluations_mentions_pending_invitations_without_their_link(client):
    challenge = challenge_in(Stage.PUBLISHED)
    invited = member(challenge, areas=AREAS, status=MemberStatus.INVITED)
    from retos.accounts.models import User

    client.force_login(User.objects.get(email=invited.email))
    page = client.get(reverse("evaluation:mine")).content.decode()
    assert challenge.title in page
    assert "/evaluacion/invitacion/" not in page


def test_my_evaluations_needs_a_sign_in(client):
    response = client.get(reverse("evaluation:mine"))
    assert response.status_code == 302


def test_the_evaluation_page_of_a_challenge_is_a_404_for_non_members(client):
    challenge, _proposals, _experts = in_evaluation(1, experts=1)
    url = reverse("evaluation:challenge", kwargs={"slug": challenge.slug})
    for user in (
        UserFactory(is_expert=True),
        MembershipFactory(organization=challenge.body, role="approver").user,
        UserFactory(is_superuser=True, is_staff=True, is_platform_staff=True),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404


# --- The challenge page's block --------------------------------------------------------------


def test_the_challenge_page_shows_the_approver_the_panel_and_what_blocks_evaluation(client):
    challenge, _proposals = opened_challenge(1)
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    client.force_login(approver)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert reverse("evaluation:panel", kwargs={"slug": challenge.slug}) in page
    assert reverse("evaluation:settings", kwargs={"slug": challenge.slug}) in page
    assert "evaluation-panel" in page


def test_the_challenge_page_links_a_member_to_their_evaluation(client):
    challenge, _proposals, experts = in_evaluation(1, experts=1)
    client.force_login(experts[0].user)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert reverse("evaluation:challenge", kwargs={"slug": challenge.slug}) in page
    assert reverse("evaluation:panel", kwargs={"slug": challenge.slug}) not in page


@pytest.mark.parametrize("stage", [Stage.OPENED, Stage.EVALUATION, Stage.DECIDED])
def test_the_public_sees_nothing_of_the_panel(client, stage):
    challenge = challenge_in(stage)
    member(challenge, areas=AREAS, chair=True)
    for user in (None, UserFactory(), UserFactory(is_expert=True)):
        if user:
            client.force_login(user)
        page = client.get(challenge.get_absolute_url()).content.decode()
        assert "evaluation-panel" not in page
        assert "/panel/" not in page


def test_the_summary_costs_nothing_for_an_anonymous_visitor(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    challenge = challenge_in(Stage.EVALUATION)
    with django_assert_num_queries(0):
        assert evaluation_summary(AnonymousUser(), challenge) is None


@pytest.mark.parametrize("size", [1, 5])
def test_the_summary_is_constant_in_queries(size, django_assert_max_num_queries):
    challenge, _proposals = opened_challenge(size, admissible=False)
    for _ in range(size):
        member(challenge, areas=AREAS)
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    challenge.refresh_from_db()
    with django_assert_max_num_queries(7):
        summary = evaluation_summary(approver, challenge)
    assert summary["is_approver"] and summary["counts"]["experts"] == size
    assert summary["problems"]  # the chair is missing, admissibility is pending


# --- Query budgets ---------------------------------------------------------------------------


def build(size: int):
    """A challenge in evaluation with ``size`` proposals and ``size`` experts, each with a
    draft or submitted score on every proposal; a chair; settings set."""
    challenge, proposals, experts = in_evaluation(size, experts=size)
    criteria = list(challenge.criteria.all())
    for i, expert in enumerate(experts):
        for proposal in proposals:
            for criterion in criteria:
                score(expert, proposal, criterion, 5 + i % 5, submitted=i % 2 == 0)
    approver = MembershipFactory(organization=challenge.body, role="approver").user
    return challenge, proposals, experts, approver


def page_counts(client, size: int) -> dict[str, int]:
    challenge, proposals, experts, approver = build(size)
    slug = challenge.slug
    chair, other = experts[0], experts[1]
    code = blind_code(proposals[0])
    counts = {}
    client.force_login(approver)
    for name, url in (
        ("panel", reverse("evaluation:panel", kwargs={"slug": slug})),
        ("settings", reverse("evaluation:settings", kwargs={"slug": slug})),
        ("progress", reverse("evaluation:progress", kwargs={"slug": slug})),
        ("challenge_page", challenge.get_absolute_url()),
    ):
        counts[f"approver:{name}"], response = queries(client, url)
        assert response.status_code == 200, name
    client.force_login(other.user)
    for name, url in (
        ("mine", reverse("evaluation:mine")),
        ("challenge", reverse("evaluation:challenge", kwargs={"slug": slug})),
        ("proposal", reverse("evaluation:proposal", kwargs={"slug": slug, "code": code})),
        ("score", reverse("evaluation:score", kwargs={"slug": slug, "code": code})),
        ("challenge_page", challenge.get_absolute_url()),
    ):
        counts[f"expert:{name}"], response = queries(client, url)
        assert response.status_code == 200, name
    client.force_login(chair.user)
    url = reverse("evaluation:proposal_scores", kwargs={"slug": slug, "code": code})
    counts["chair:proposal_scores"], response = queries(client, url)
    assert response.status_code == 200
    return counts


def test_every_page_costs_the_same_number_of_queries_at_two_data_sizes(client):
    small = page_counts(client, 2)
    large = page_counts(client, 6)
    assert small == large
    # And each within its budget.
    budgets = {
        "approver:panel": 10,
        "approver:settings": 8,
        "approver:progress": 13,
        # The whole challenge page (every app's block): this app's part is tested above.
        "approver:challenge_page": 30,
        "expert:mine": 12,
        "expert:challenge": 16,
        # Reading writes the read to the ledger (its lock, head and insert).
        "expert:proposal": 20,
        "expert:score": 14,
        "expert:challenge_page": 30,
        "chair:proposal_scores": 15,
    }
    over = {name: n for name, n in large.items() if n > budgets[name]}
    assert over == {}, large


def test_the_conflicts_and_invitation_pages_are_constant_too(client):
    counts = []
    for size in (2, 6):
        challenge, _proposals = opened_challenge(size)
        expert = member(challenge, areas=AREAS)
        client.force_login(expert.user)
        url = reverse("evaluation:conflicts", kwargs={"slug": challenge.slug})
        n_get, response = queries(client, url)
        assert response.status_code == 200
        _m, token = services.panel_invite(
            challenge=challenge,
            actor=MembershipFactory(organization=challenge.body, role="approver").user,
            email=f"invitada{size}@example.mx",
            full_name="Invitada",
            areas=["technology"],
        )
        client.logout()
        n_inv, response = queries(client, reverse("evaluation:invitation", kwargs={"token": token}))
        assert response.status_code == 200
        counts.append((n_get, n_inv))
    assert counts[0] == counts[1]
    assert counts[1][0] <= 12 and counts[1][1] <= 6
