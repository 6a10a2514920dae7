"""The write API: the core actions of companies (start, save, submit, withdraw a proposal; ask
a question) and of officials (answer and decline questions, the challenge transitions, the
admissibility of opened proposals), each through the existing services and their rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from retos.api.serializers import API_TRANSITIONS
from retos.challenges.stages import TRANSITIONS, Stage
from retos.clarifications.models import Question
from retos.core import rules
from retos.organizations.models import Role
from retos.proposals.models import Admissibility, Proposal, Status
from tests.evaluation_helpers import in_stage, opened_challenge
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.lifecycle import ROLES, challenge_in, person
from tests.proposal_helpers import company_member, complete_sections, submitted_proposal
from tests.test_api import assert_error, get, post, results, token_for

pytestmark = pytest.mark.django_db


# --- A company's proposal -------------------------------------------------------------------------


def test_a_company_writes_submits_and_withdraws_its_proposal(client):
    challenge = ChallengeFactory()
    _company, user = company_member()
    secret = token_for(user)
    started = post(client, "/me/proposals/", {"challenge": challenge.slug}, secret)
    assert started.status_code == 201, started.content
    public_id = started.json()["public_id"]
    assert started.json()["status"] == "draft"
    again = post(client, "/me/proposals/", {"challenge": challenge.slug}, secret)
    assert again.status_code == 200 and again.json()["public_id"] == public_id

    saved = post(
        client, f"/me/proposals/{public_id}/draft/", complete_sections(), secret, method="patch"
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["saved"] == sorted(complete_sections())
    draft = get(client, f"/me/proposals/{public_id}/draft/", secret).json()
    assert draft["sections"]["summary"] == complete_sections()["summary"]
    assert draft["sections"]["work_plan"][0] == {
        "title": "Descubrimiento",
        "weeks": 2,
        "deliverable": "Informe",
    }
    assert draft["problems"] == []

    receipt = post(client, f"/me/proposals/{public_id}/submit/", None, secret)
    assert receipt.status_code == 201, receipt.content
    body = receipt.json()
    proposal = Proposal.objects.get(public_id=public_id)
    version = proposal.versions.get()
    assert body["folio"] == version.folio and body["content_sha256"] == version.content_sha256
    assert body["received_at"].endswith("Z")
    detail = get(client, f"/me/proposals/{public_id}/", secret).json()
    assert detail["status"] == "submitted"
    assert [r["folio"] for r in detail["receipts"]] == [version.folio]

    withdrawn = post(client, f"/me/proposals/{public_id}/withdraw/", None, secret)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert_error(
        post(client, f"/me/proposals/{public_id}/withdraw/", None, secret), 409, "not_submitted"
    )
    # Nothing of it in the public reads.
    assert get(client, "/proposals/").json()["count"] == 0


def test_starting_needs_one_of_ones_own_companies(client):
    challenge = ChallengeFactory()
    other = CompanyFactory()
    _, user = company_member()
    secret = token_for(user)
    error = assert_error(
        post(
            client, "/me/proposals/", {"challenge": challenge.slug, "company": other.slug}, secret
        ),
        400,
        "invalid",
    )
    assert list(error["fields"]) == ["company"]
    assert_error(
        post(client, "/me/proposals/", {"challenge": challenge.slug}, token_for(UserFactory())),
        403,
        "company_required",
    )
    second, _ = company_member()
    MembershipFactory(user=user, organization=second, role=Role.MEMBER)
    error = assert_error(post(client, "/me/proposals/", {"challenge": challenge.slug}, secret), 400)
    assert list(error["fields"]) == ["company"]
    assert not Proposal.objects.exists()


def test_starting_refuses_a_challenge_not_public_or_not_taking_proposals(client):
    _, user = company_member()
    secret = token_for(user)
    draft = ChallengeFactory(stage=Stage.DRAFT, published_at=None)
    assert_error(post(client, "/me/proposals/", {"challenge": draft.slug}, secret), 404)
    closed = challenge_in(Stage.CLOSED)
    assert_error(
        post(client, "/me/proposals/", {"challenge": closed.slug}, secret),
        409,
        "submissions_closed",
    )


def test_a_draft_refuses_what_the_pages_refuse(client):
    challenge = ChallengeFactory(licences=["MIT"])
    proposal, user = submitted_proposal(challenge, attach=False)[:2]
    secret = token_for(user)
    path = f"/me/proposals/{proposal.public_id}/draft/"
    cases = [
        ({"price": "2000000.00"}, 400, "price_above_amount"),
        ({"licence": "Apache-2.0"}, 400, "licence_not_allowed"),
        ({"links": ["javascript:alert(1)"]}, 400, "link_invalid"),
        ({"summary": "x" * 1001}, 400, "too_long"),
        ({"work_plan": [{"title": "", "weeks": 3}]}, 400, "milestone_title"),
    ]
    for data, status, code in cases:
        assert_error(post(client, path, data, secret, method="patch"), status, code)
    error = assert_error(post(client, path, {"summary": "x" * 20001}, secret, method="patch"), 400)
    assert list(error["fields"]) == ["summary"]
    error = assert_error(post(client, path, {"secret_field": "x"}, secret, method="patch"), 400)
    assert list(error["fields"]) == ["secret_field"]
    assert_error(post(client, path, {}, secret, method="patch"), 400, "invalid")
    assert_error(post(client, path, ["summary"], secret, method="patch"), 400, "invalid")


def test_hostile_text_is_kept_verbatim_and_returned_as_json(client):
    challenge = ChallengeFactory()
    proposal, user = submitted_proposal(challenge, attach=False)[:2]
    secret = token_for(user)
    payload = "<script>alert('x')</script> '; DROP TABLE proposals_proposal; --"
    path = f"/me/proposals/{proposal.public_id}/draft/"
    assert post(client, path, {"summary": payload}, secret, method="patch").status_code == 200
    response = get(client, path, secret)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["sections"]["summary"] == payload


def test_an_incomplete_proposal_is_not_submitted(client):
    challenge = ChallengeFactory()
    _, user = company_member()
    secret = token_for(user)
    public_id = post(client, "/me/proposals/", {"challenge": challenge.slug}, secret).json()[
        "public_id"
    ]
    error = assert_error(
        post(client, f"/me/proposals/{public_id}/submit/", None, secret), 409, "incomplete"
    )
    assert "Write the section" in error["message"] or error["message"]


def test_after_the_deadline_the_draft_saves_but_is_not_submitted(client):
    challenge = ChallengeFactory(
        questions_close_at=timezone.now() + timedelta(hours=1),
        submissions_close_at=timezone.now() + timedelta(hours=2),
    )
    proposal, user = submitted_proposal(challenge, attach=False)[:2]
    secret = token_for(user)
    with time_machine.travel(challenge.submissions_close_at + timedelta(seconds=1)):
        path = f"/me/proposals/{proposal.public_id}"
        assert (
            post(client, f"{path}/draft/", {"summary": "Tarde"}, secret, method="patch").status_code
            == 200
        )
        assert_error(post(client, f"{path}/submit/", None, secret), 409, "deadline_passed")
        assert_error(post(client, f"{path}/withdraw/", None, secret), 409, "deadline_passed")


def test_nobody_else_reaches_a_companys_proposal(client):
    challenge = ChallengeFactory()
    proposal, _user = submitted_proposal(challenge, attach=False)[:2]
    outsiders = [
        company_member()[1],
        MembershipFactory(organization=challenge.body, role=Role.APPROVER).user,
        MembershipFactory(organization=challenge.body, role=Role.OPENING_OFFICER).user,
        UserFactory(is_platform_staff=True, is_superuser=True, is_staff=True),
        UserFactory(is_expert=True),
    ]
    for user in outsiders:
        secret = token_for(user)
        for suffix in ("", "draft/"):
            assert_error(get(client, f"/me/proposals/{proposal.public_id}/{suffix}", secret), 404)
        assert_error(
            post(
                client,
                f"/me/proposals/{proposal.public_id}/draft/",
                {"summary": "x"},
                secret,
                method="patch",
            ),
            404,
        )
        for action in ("submit", "withdraw"):
            assert_error(
                post(client, f"/me/proposals/{proposal.public_id}/{action}/", None, secret), 404
            )
        assert results(get(client, "/me/proposals/", secret)) == []
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_once_opened_the_draft_can_no_longer_change(client):
    _challenge, proposals = opened_challenge(1)
    user = MembershipFactory(organization=proposals[0].company, role=Role.MEMBER).user
    secret = token_for(user)
    path = f"/me/proposals/{proposals[0].public_id}"
    assert_error(
        post(client, f"{path}/draft/", {"summary": "x"}, secret, method="patch"),
        403,
        "not_editable",
    )
    assert_error(post(client, f"{path}/submit/", None, secret), 403, "not_editable")


# --- Questions ------------------------------------------------------------------------------------


def test_a_company_member_asks_and_an_official_answers(client):
    challenge = ChallengeFactory()
    _, asker = company_member()
    asked = post(
        client,
        f"/challenges/{challenge.slug}/questions/",
        {"text": "¿<b>Se permite</b> usar PostgreSQL?", "section": "deliverables"},
        token_for(asker),
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["number"] == 1 and asked.json()["status"] == "pending"
    assert asked.json()["text"] == "¿<b>Se permite</b> usar PostgreSQL?"
    question = Question.objects.get()
    assert question.asker == asker

    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    path = f"/challenges/{challenge.slug}/questions/1"
    company_secret = token_for(company_member()[1])
    assert_error(post(client, f"{path}/answer/", {"answer": "No."}, company_secret), 403)
    other_body = token_for(MembershipFactory(role=Role.APPROVER).user)
    assert_error(post(client, f"{path}/answer/", {"answer": "No."}, other_body), 403)
    secret = token_for(official)
    answered = post(client, f"{path}/answer/", {"answer": "Sí, cualquier base libre."}, secret)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert_error(
        post(client, f"{path}/answer/", {"answer": "Otra."}, secret), 409, "already_resolved"
    )
    assert_error(post(client, f"{path}/decline/", {"reason": "x"}, secret), 409, "already_resolved")
    assert_error(
        post(client, f"/challenges/{challenge.slug}/questions/2/answer/", {"answer": "x"}, secret),
        404,
    )
    assert_error(
        post(
            client,
            f"/challenges/{challenge.slug}/questions/99999999999/answer/",
            {"answer": "x"},
            secret,
        ),
        404,
    )
    [public] = results(get(client, f"/challenges/{challenge.slug}/questions/"))
    assert public["answer"] == "Sí, cualquier base libre."


def test_declining_needs_a_reason(client):
    challenge = ChallengeFactory()
    _, asker = company_member()
    post(client, f"/challenges/{challenge.slug}/questions/", {"text": "¿Y?"}, token_for(asker))
    secret = token_for(MembershipFactory(organization=challenge.body, role=Role.APPROVER).user)
    path = f"/challenges/{challenge.slug}/questions/1/decline/"
    error = assert_error(post(client, path, {"reason": ""}, secret), 400, "invalid")
    assert list(error["fields"]) == ["reason"]
    declined = post(client, path, {"reason": "Fuera del alcance."}, secret)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"


def test_who_may_not_ask_is_told_why(client):
    challenge = ChallengeFactory()
    body_member = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    path = f"/challenges/{challenge.slug}/questions/"
    assert_error(post(client, path, {"text": "¿?"}, token_for(body_member)), 403, "body_member")
    assert_error(
        post(client, path, {"text": "¿?"}, token_for(UserFactory())), 403, "company_required"
    )
    _, asker = company_member()
    secret = token_for(asker)
    assert_error(post(client, path, {"text": "x" * 5001}, secret), 400, "too_long")
    error = assert_error(
        post(client, path, {"text": "¿?", "section": "nope"}, secret), 400, "invalid"
    )
    assert list(error["fields"]) == ["section"]
    with time_machine.travel(challenge.questions_close_at + timedelta(seconds=1)):
        assert_error(post(client, path, {"text": "¿Tarde?"}, secret), 409, "questions_closed")
    assert not Question.objects.exists()


# --- Challenge transitions: the permission matrix -------------------------------------------------

STAGES = [
    Stage.DRAFT,
    Stage.IN_REVIEW,
    Stage.PUBLISHED,
    Stage.CLOSED,
    Stage.EVALUATION,
    Stage.IMPLEMENTATION,
]


@pytest.mark.parametrize("stage", STAGES)
def test_transitions_follow_the_rules_for_every_role(client, stage):
    """For every role: the transitions offered are exactly those the named rules allow (the
    dedicated ones never), and any other is refused (403; 404 where the challenge is not
    visible; 409 where the move does not exist from this stage) without changing anything."""
    made = []
    for role in ROLES:
        challenge = challenge_in(stage)
        user = person(role, challenge.body)
        if role == "anonymous":
            assert_error(get(client, f"/challenges/{challenge.slug}/transitions/"), 401)
            assert_error(
                post(
                    client,
                    f"/challenges/{challenge.slug}/transitions/",
                    {"name": "cancel", "reason": "x"},
                ),
                401,
            )
            continue
        secret = token_for(user)
        visible = rules.can(user, "challenge:view", challenge)
        response = get(client, f"/challenges/{challenge.slug}/transitions/", secret)
        if not visible:
            assert_error(response, 404)
        else:
            offered = {t["name"] for t in response.json()["allowed"]}
            expected = {
                name
                for name in API_TRANSITIONS
                if rules.can(user, f"challenge:{name}", challenge)
                and any(t.name == name and t.source == challenge.current_stage for t in TRANSITIONS)
            }
            assert offered == expected, (role, stage)
        for name in API_TRANSITIONS:
            challenge.refresh_from_db()
            before = challenge.stage
            allowed = visible and rules.can(user, f"challenge:{name}", challenge)
            response = post(
                client,
                f"/challenges/{challenge.slug}/transitions/",
                {"name": name, "reason": "Motivo publicado."},
                secret,
            )
            if response.status_code == 200:
                assert allowed, (role, stage, name)
                made.append((role, name))
                challenge = challenge_in(stage)  # a fresh one for the next move
                continue
            assert response.status_code in (403, 404, 409), (role, stage, name, response.content)
            if not visible:
                assert response.status_code == 404
            challenge.refresh_from_db()
            assert challenge.stage == before
    # Someone may move the challenge on at each of these stages but implementation (whose only
    # moves have their own pages): the matrix is not vacuous.
    assert bool(made) == (stage != Stage.IMPLEMENTATION), made
    assert {role for role, _ in made} <= {"body_approver", "body_official", "platform_staff"}


def test_a_transition_name_not_offered_by_the_api_is_a_400(client):
    challenge = challenge_in(Stage.OPENED)
    secret = token_for(
        MembershipFactory(organization=challenge.body, role=Role.OPENING_OFFICER).user
    )
    for name in ("open", "decide", "award", "complete", "confirm_finalists", "nope"):
        error = assert_error(
            post(client, f"/challenges/{challenge.slug}/transitions/", {"name": name}, secret), 400
        )
        assert list(error["fields"]) == ["name"]


def test_an_approver_cancels_with_a_published_reason(client):
    challenge = challenge_in(Stage.PUBLISHED)
    secret = token_for(MembershipFactory(organization=challenge.body, role=Role.APPROVER).user)
    path = f"/challenges/{challenge.slug}/transitions/"
    assert_error(post(client, path, {"name": "cancel"}, secret), 400, "reason_required")
    done = post(client, path, {"name": "cancel", "reason": "Sin presupuesto."}, secret)
    assert done.status_code == 200
    assert done.json() == {
        "slug": challenge.slug,
        "stage": "cancelled",
        "outcome_reason": "Sin presupuesto.",
    }
    assert (
        get(client, f"/challenges/{challenge.slug}/").json()["outcome_reason"] == "Sin presupuesto."
    )


# --- Admissibility --------------------------------------------------------------------------------


def test_officials_decide_admissibility_while_opened(client):
    challenge, proposals = opened_challenge(2, admissible=False)
    target = proposals[0]
    path = f"/proposals/{target.public_id}/admissibility/"
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    secret = token_for(official)
    assert_error(post(client, path, {"admissible": False}, secret), 400, "reason_required")
    done = post(client, path, {"admissible": False, "reason": "Falta la carta."}, secret)
    assert done.status_code == 200, done.content
    assert done.json()["admissibility"] == "inadmissible"
    assert done.json()["admissibility_reason"] == "Falta la carta."
    for outsider in (
        MembershipFactory(organization=target.company, role=Role.ADMIN).user,
        MembershipFactory(role=Role.APPROVER).user,
        UserFactory(is_platform_staff=True, is_superuser=True),
        UserFactory(is_expert=True),
    ):
        assert_error(post(client, path, {"admissible": True}, token_for(outsider)), 404)
    assert_error(post(client, path, {"admissible": True}), 401)
    in_stage(challenge, Stage.EVALUATION)
    assert_error(post(client, path, {"admissible": True}, secret), 403)
    target.refresh_from_db()
    assert target.admissibility == Admissibility.INADMISSIBLE


def test_admissibility_of_a_sealed_proposal_is_a_404_for_everyone(client):
    challenge = ChallengeFactory()
    proposal = submitted_proposal(challenge, attach=False)[0]
    for role in ("body_official", "body_approver", "body_opening_officer", "superuser"):
        secret = token_for(person(role, challenge.body))
        assert_error(
            post(
                client,
                f"/proposals/{proposal.public_id}/admissibility/",
                {"admissible": True},
                secret,
            ),
            404,
        )


def test_the_questions_deadline_is_exact(client):
    challenge = ChallengeFactory()
    _, asker = company_member()
    secret = token_for(asker)
    path = f"/challenges/{challenge.slug}/questions/"
    with time_machine.travel(challenge.questions_close_at - timedelta(microseconds=1), tick=False):
        assert post(client, path, {"text": "¿A tiempo?"}, secret).status_code == 201
    with time_machine.travel(challenge.questions_close_at, tick=False):
        assert_error(post(client, path, {"text": "¿Tarde?"}, secret), 409, "questions_closed")


def test_the_submission_deadline_is_exact(client):
    challenge = ChallengeFactory()
    proposal, user = submitted_proposal(challenge, attach=False)[:2]
    secret = token_for(user)
    path = f"/me/proposals/{proposal.public_id}/submit/"
    deadline = challenge.submissions_close_at
    with time_machine.travel(deadline - timedelta(microseconds=1), tick=False):
        assert post(client, path, None, secret).status_code == 201
    with time_machine.travel(deadline, tick=False):
        assert_error(post(client, path, None, secret), 409, "deadline_passed")
    assert proposal.versions.count() == 2
