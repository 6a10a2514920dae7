"""The public API (issue #6, item 3): reads over the public record with the pages' rules, the
seal (nothing about proposals before the opening act, scores only after a decision in force),
errors in one JSON shape, pagination and filters, the rate limit, and the documentation page.

``World`` builds one challenge through its whole life (opened through the real services, then
the later records written directly) for the tests here and in the other ``test_api_*`` files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from retos.api import services as api_services
from retos.challenges.stages import Stage
from retos.contracts.models import (
    Award,
    CatalogEntry,
    Contract,
    Delivery,
    DeliveryStatus,
    Milestone,
    MilestoneStatus,
    MilestoneUpdate,
    Payment,
    Reuse,
)
from retos.decisions.models import Decision, DecisionReason, Outcome
from retos.documents.models import Document
from retos.evaluation.models import ConflictDeclaration, Score
from retos.organizations.models import Role
from tests.evaluation_helpers import full_panel, in_stage, member, opened_challenge, score
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    StateBodyFactory,
    UserFactory,
    in_days,
)
from tests.proposal_helpers import submitted_proposal

pytestmark = pytest.mark.django_db

API = "/api/v1"


# --- Helpers shared by the API tests --------------------------------------------------------------


def token_for(user) -> str:
    return api_services.api_token_create(actor=user, name="Pruebas")[1]


def auth(secret: str | None) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}


def get(client, path, secret=None, **params):
    return client.get(f"{API}{path}", params, **auth(secret))


def post(client, path, data=None, secret=None, method="post"):
    return getattr(client, method)(
        f"{API}{path}",
        data=json.dumps(data if data is not None else {}),
        content_type="application/json",
        **auth(secret),
    )


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@dataclass
class World:
    """A challenge through its whole life, with people in the roles the API serves."""

    challenge: object
    proposals: list
    experts: list
    conflicted: object  # a panel member who declared a conflict with proposals[0]
    decision: object
    approver: object
    official: object
    company_member: object  # a member of proposals[0]'s company (the winner)
    entry: object


def build_world(*, decided: bool = True, delivered: bool = True, proposals: int = 3) -> World:
    challenge, proposals = opened_challenge(proposals)
    in_stage(challenge, Stage.EVALUATION)
    experts = full_panel(challenge, experts=2)
    conflicted = member(challenge, declared=True)
    for proposal in proposals:
        ConflictDeclaration.objects.create(
            member=conflicted,
            proposal=proposal,
            has_conflict=proposal == proposals[0],
            note="Trabajé con esta empresa." if proposal == proposals[0] else "",
        )
    for expert in [*experts, conflicted]:
        for i, proposal in enumerate(proposals):
            if expert == conflicted and proposal == proposals[0]:
                continue
            for criterion in challenge.criteria.all():
                score(expert, proposal, criterion, 9 - i, justification=f"Razón {i} <b>x</b>")
    approver = MembershipFactory(organization=challenge.body, role=Role.APPROVER).user
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    company_member = MembershipFactory(organization=proposals[0].company, role=Role.MEMBER).user
    world = World(
        challenge, proposals, experts, conflicted, None, approver, official, company_member, None
    )
    if not decided:
        return world
    in_stage(challenge, Stage.FINALISTS)
    in_stage(challenge, Stage.DECIDED)
    now = timezone.now()
    world.decision = Decision.objects.create(
        challenge=challenge,
        outcome=Outcome.WINNER,
        winner=proposals[0],
        justification="La mejor propuesta.",
        decided_by=approver,
        published_at=now - dt.timedelta(days=10),
        complaints_close_at=now - dt.timedelta(days=1),
        record_sha256="0" * 64,
    )
    for proposal in proposals[1:]:
        DecisionReason.objects.create(
            decision=world.decision, proposal=proposal, reason="Menor puntaje."
        )
    if not delivered:
        return world
    in_stage(challenge, Stage.AWARDED)
    day = timezone.localdate()
    award = Award.objects.create(
        challenge=challenge,
        decision=world.decision,
        proposal=proposals[0],
        supplier=proposals[0].company,
        amount=Decimal("990000.00"),
        awarded_on=day,
        recorded_by=approver,
    )
    document = Document.objects.create(
        file="documents/contrato.pdf",
        original_name="contrato.pdf",
        content_type="application/pdf",
        size=100,
        sha256="a" * 64,
        uploaded_by=approver,
    )
    contract = Contract.objects.create(
        award=award,
        number="CONT-1",
        signed_on=day,
        document=document,
        starts_on=day,
        ends_on=day + dt.timedelta(days=300),
        recorded_by=approver,
    )
    first = Milestone.objects.create(
        contract=contract,
        number=1,
        title="Piloto",
        deliverables="Piloto",
        due_on=day + dt.timedelta(days=100),
        amount=Decimal("400000.00"),
        status=MilestoneStatus.PAID,
        accepted_at=now,
        accepted_by=official,
    )
    Milestone.objects.create(
        contract=contract,
        number=2,
        title="Final",
        deliverables="Todo",
        due_on=day + dt.timedelta(days=200),
        amount=Decimal("590000.00"),
    )
    MilestoneUpdate.objects.create(
        milestone=first, progress=100, note="Listo", author=company_member
    )
    Payment.objects.create(
        milestone=first,
        amount=Decimal("400000.00"),
        paid_on=day,
        reference="SPEI-1",
        recorded_by=official,
    )
    in_stage(challenge, Stage.IMPLEMENTATION)
    in_stage(challenge, Stage.COMPLETED)
    delivery = Delivery.objects.create(
        challenge=challenge,
        number=1,
        repository_url="https://git.example.org/herramienta",
        licence="MIT",
        publiccode_yml="publiccodeYmlVersion: '0.4'",
        publiccode={"name": "Herramienta"},
        submitted_by=company_member,
        status=DeliveryStatus.ACCEPTED,
        reviewed_by=approver,
        reviewed_at=now,
    )
    world.entry = CatalogEntry.objects.create(
        challenge=challenge,
        delivery=delivery,
        slug=f"herramienta-{challenge.pk}",
        name="Herramienta",
        description="Una herramienta abierta.",
        repository_url=delivery.repository_url,
        licence="MIT",
        supplier=proposals[0].company,
    )
    Reuse.objects.create(entry=world.entry, body=GovernmentBodyFactory(), reported_by=official)
    challenge.refresh_from_db()
    return world


def everything_public(client, slug: str, secret=None) -> dict:
    """Every public read about one challenge, as one comparable dict (slugs masked)."""
    paths = [
        f"/challenges/{slug}/",
        f"/challenges/{slug}/questions/",
        f"/challenges/{slug}/amendments/",
        f"/challenges/{slug}/opening-act/",
        f"/proposals/?challenge={slug}",
        f"/companies/?challenge={slug}",
        f"/scores/?challenge={slug}",
        f"/decisions/?challenge={slug}",
        f"/awards/?challenge={slug}",
        f"/contracts/?challenge={slug}",
        f"/milestones/?challenge={slug}",
    ]
    out = {}
    for path in paths:
        response = client.get(f"{API}{path}", **auth(secret))
        content = response.content.replace(slug.encode(), b"<slug>")
        out[path.replace(slug, "<slug>")] = (response.status_code, content)
    return out


# --- Public challenges ---------------------------------------------------------------------------


def test_only_public_challenges_are_listed_and_found(client):
    public = ChallengeFactory(title="Reto público")
    hidden = [
        ChallengeFactory(stage=Stage.DRAFT, published_at=None),
        ChallengeFactory(stage=Stage.IN_REVIEW, published_at=None),
        ChallengeFactory(published_at=in_days(2)),  # scheduled
        ChallengeFactory(stage=Stage.CANCELLED, published_at=None, outcome_reason="x"),
    ]
    official = MembershipFactory(organization=hidden[0].body, role=Role.APPROVER).user
    staff = UserFactory(is_platform_staff=True, is_superuser=True, is_staff=True)
    for secret in (None, token_for(official), token_for(staff)):
        listed = results(get(client, "/challenges/", secret))
        assert [c["slug"] for c in listed] == [public.slug]
        for challenge in hidden:
            assert_error(get(client, f"/challenges/{challenge.slug}/", secret), 404, "not_found")
            assert_error(
                get(client, f"/challenges/{challenge.slug}/questions/", secret), 404, "not_found"
            )


def test_challenge_detail_has_terms_criteria_timeline_and_no_proposal_count(client):
    challenge = ChallengeFactory(licences=["MIT"])
    body = get(client, f"/challenges/{challenge.slug}/").json()
    assert body["slug"] == challenge.slug
    assert body["amount"] == "1250000.00" and body["currency"] == "MXN"
    assert body["stage"] == "published"
    assert body["licences"] == ["MIT"]
    assert [c["name"] for c in body["criteria"]] == [
        "Solución técnica",
        "Experiencia de usuario",
        "Viabilidad y costo",
    ]
    assert body["published_at"].endswith("Z")
    assert body["proposals_count"] is None
    assert body["terms_version"] == 1
    assert body["questions"] == {"answered": 0, "declined": 0, "pending": 0}
    assert body["body"]["slug"] == challenge.body.slug
    assert body["page"] == challenge.get_absolute_url()


def test_a_published_challenge_past_its_deadline_reads_as_closed(client):
    challenge = ChallengeFactory(
        published_at=in_days(-30), questions_close_at=in_days(-20), submissions_close_at=in_days(-1)
    )
    assert get(client, f"/challenges/{challenge.slug}/").json()["stage"] == "closed"
    assert [c["slug"] for c in results(get(client, "/challenges/", stage="closed"))] == [
        challenge.slug
    ]
    assert results(get(client, "/challenges/", stage="published")) == []


def test_challenges_filter_by_stage_body_level_state_category_and_year(client):
    federal = ChallengeFactory(category="health")
    state_body = StateBodyFactory()
    in_jalisco = ChallengeFactory(body=state_body, published_at=in_days(-400))
    year = timezone.localtime(in_jalisco.published_at).year

    def slugs(**params):
        return {c["slug"] for c in results(get(client, "/challenges/", **params))}

    assert slugs() == {federal.slug, in_jalisco.slug}
    assert slugs(level="state") == {in_jalisco.slug}
    assert slugs(state="14") == {in_jalisco.slug}
    assert slugs(body=state_body.slug) == {in_jalisco.slug}
    assert slugs(category="health") == {federal.slug}
    assert slugs(year=year) == {in_jalisco.slug}
    assert slugs(stage="published") == {federal.slug, in_jalisco.slug}
    assert slugs(q=federal.title) == {federal.slug}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "draft"}, "stage"),
        ({"stage": "in_review"}, "stage"),
        ({"level": "galactic"}, "level"),
        ({"state": "1"}, "state"),
        ({"year": "dos mil"}, "year"),
        ({"year": "1"}, "year"),
        ({"category": "<script>"}, "category"),
        ({"q": "x" * 201}, "q"),
        ({"body": "no es un slug"}, "body"),
    ],
)
def test_a_filter_value_not_allowed_is_a_400_naming_it(client, params, field):
    error = assert_error(get(client, "/challenges/", **params), 400, "invalid")
    assert list(error["fields"]) == [field]


def test_hostile_search_words_are_plain_text(client):
    challenge = ChallengeFactory(title="Alerta <script>alert(1)</script>")
    for q in ["'; DROP TABLE challenges_challenge; --", "%", "_", "\\", "<script>"]:
        assert get(client, "/challenges/", q=q).status_code == 200
    [row] = results(get(client, "/challenges/", q="<script>"))
    assert row["title"] == "Alerta <script>alert(1)</script>"
    assert get(client, f"/challenges/{challenge.slug}/").json()["slug"] == challenge.slug


def test_lists_are_paginated_with_a_page_size_limit(client):
    for _ in range(3):
        ChallengeFactory()
    page = get(client, "/challenges/", page_size=2).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert len(get(client, "/challenges/", page=2, page_size=2).json()["results"]) == 1
    assert_error(get(client, "/challenges/", page=3, page_size=2), 404, "not_found")
    assert_error(get(client, "/challenges/", page="uno"), 404, "not_found")
    # Asking for more than the maximum gets the maximum.
    from retos.api.pagination import MAX_PAGE_SIZE, PageNumberPagination

    assert PageNumberPagination.max_page_size == MAX_PAGE_SIZE == 100
    assert len(get(client, "/challenges/", page_size=10_000).json()["results"]) == 3


def test_questions_show_answers_never_the_asker_and_pending_text_only_to_officials(client):
    from retos.clarifications.models import Question

    challenge = ChallengeFactory()
    asker = MembershipFactory(role="admin", organization=CompanyFactory()).user
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    now = timezone.now()
    Question.objects.create(
        challenge=challenge,
        number=1,
        asker=asker,
        text="¿Pregunta respondida?",
        status="answered",
        answer="Sí.",
        resolved_by=official,
        resolved_at=now,
    )
    Question.objects.create(challenge=challenge, number=2, asker=asker, text="SECRETO pendiente")
    public = get(client, f"/challenges/{challenge.slug}/questions/")
    assert [q["number"] for q in results(public)] == [1]
    assert b"SECRETO" not in public.content
    assert asker.email.encode() not in public.content
    assert set(results(public)[0]) == {
        "number",
        "section",
        "text",
        "status",
        "answer",
        "decline_reason",
        "asked_at",
        "resolved_at",
    }
    detail = get(client, f"/challenges/{challenge.slug}/").json()
    assert detail["questions"] == {"answered": 1, "declined": 0, "pending": 1}
    as_official = get(client, f"/challenges/{challenge.slug}/questions/", token_for(official))
    assert [q["number"] for q in results(as_official)] == [1, 2]
    assert asker.email.encode() not in as_official.content


def test_bodies_list_with_their_public_challenge_counts(client):
    challenge = ChallengeFactory()
    ChallengeFactory(body=challenge.body, stage=Stage.DRAFT, published_at=None)
    StateBodyFactory()
    rows = {b["slug"]: b for b in results(get(client, "/bodies/"))}
    assert rows[challenge.body.slug]["public_challenges"] == 1
    assert {b["slug"] for b in results(get(client, "/bodies/", level="state"))} == {
        s for s, b in rows.items() if b["level"] == "state"
    }
    assert get(client, f"/bodies/{challenge.body.slug}/").json()["name"] == challenge.body.name
    assert_error(get(client, "/bodies/no-existe/"), 404, "not_found")


# --- The seal -------------------------------------------------------------------------------------


def test_before_the_opening_act_nothing_says_a_proposal_exists(client):
    """Two challenges, one with sealed proposals (a submitted one, a draft, a withdrawn one)
    and one with none: every public read answers the same for both, whoever asks."""
    times = {
        f: getattr(ChallengeFactory.build(), f)
        for f in (
            "published_at",
            "questions_close_at",
            "submissions_close_at",
            "evaluation_ends_at",
            "demo_day_at",
            "decision_at",
            "delivery_at",
        )
    }
    sealed = ChallengeFactory(title="Reto", slug="reto-a", **times)
    empty = ChallengeFactory(title="Reto", slug="reto-b", body=sealed.body, **times)
    proposal, member_user, _ = submitted_proposal(sealed)
    submitted_proposal(sealed)[0]
    from tests.proposal_helpers import started_proposal

    started_proposal(sealed)
    readers = {
        "anonymous": None,
        "approver": token_for(MembershipFactory(organization=sealed.body, role="approver").user),
        "opening officer": token_for(
            MembershipFactory(organization=sealed.body, role="opening_officer").user
        ),
        "platform staff": token_for(UserFactory(is_platform_staff=True)),
        "superuser": token_for(UserFactory(is_superuser=True, is_staff=True)),
        "expert": token_for(UserFactory(is_expert=True)),
    }
    for who, secret in readers.items():
        assert everything_public(client, sealed.slug, secret) == everything_public(
            client, empty.slug, secret
        ), who
        for path in ("/proposals/", "/companies/", "/scores/"):
            assert get(client, path, secret).json()["count"] == 0, (who, path)
        assert_error(get(client, f"/proposals/{proposal.public_id}/", secret), 404, "not_found")
    # The company's own members see their proposal, through their own address only.
    secret = token_for(member_user)
    [own] = results(get(client, "/me/proposals/", secret))
    assert own["public_id"] == str(proposal.public_id)
    assert get(client, "/proposals/", secret).json()["count"] == 0
    assert_error(get(client, f"/proposals/{proposal.public_id}/", secret), 404, "not_found")


def test_after_the_opening_act_the_counted_proposals_are_public(client):
    challenge, proposals = opened_challenge(2)
    rows = results(get(client, "/proposals/", challenge=challenge.slug))
    assert [r["public_id"] for r in rows] == [str(p.public_id) for p in proposals]
    act = challenge.opening_act
    for row, entry in zip(rows, act.entries, strict=True):
        assert row["folio"] == entry["folio"]
        assert row["price"] == entry["price"] == "990000.00"
        assert row["content_sha256"] == entry["content_sha256"]
        assert row["admissibility"] == "admissible"
        assert row["company"]["rfc"] == entry["rfc"]
    detail = get(client, f"/proposals/{proposals[0].public_id}/").json()
    assert detail == rows[0]
    # Nothing of the sealed content beyond what the act published.
    assert b"PROPUESTA-0" not in get(client, "/proposals/").content
    act_body = get(client, f"/challenges/{challenge.slug}/opening-act/").json()
    assert act_body["sha256"] == act.sha256 and act_body["proposals_count"] == 2
    assert get(client, f"/challenges/{challenge.slug}/").json()["proposals_count"] == 2
    companies = results(get(client, "/companies/", challenge=challenge.slug))
    assert {c["slug"] for c in companies} == {p.company.slug for p in proposals}
    assert get(client, f"/companies/{proposals[0].company.slug}/").status_code == 200


def test_a_withdrawn_or_never_submitted_proposal_stays_sealed_after_the_opening(client):
    from tests.proposal_helpers import open_challenge, past_deadline, started_proposal

    challenge = ChallengeFactory(
        questions_close_at=in_days(1 / 48), submissions_close_at=in_days(1 / 24)
    )
    counted, _, _ = submitted_proposal(challenge)
    withdrawn, withdrawer, _ = submitted_proposal(challenge)
    from retos.proposals import services as proposal_services

    proposal_services.proposal_withdraw(proposal=withdrawn, actor=withdrawer)
    draft, _ = started_proposal(challenge)
    with past_deadline(challenge):
        open_challenge(challenge)
        rows = results(get(client, "/proposals/"))
        assert [r["public_id"] for r in rows] == [str(counted.public_id)]
        for hidden in (withdrawn, draft):
            assert_error(get(client, f"/proposals/{hidden.public_id}/"), 404)
        assert {c["slug"] for c in results(get(client, "/companies/"))} == {counted.company.slug}


# --- Scores and the decision ----------------------------------------------------------------------


def test_scores_appear_only_with_a_decision_in_force(client):
    world = build_world(decided=False)
    challenge = world.challenge
    readers = [
        None,
        token_for(world.approver),
        token_for(world.experts[0].user),
        token_for(world.conflicted.user),
        token_for(world.company_member),
        token_for(UserFactory(is_superuser=True, is_staff=True, is_platform_staff=True)),
    ]
    for secret in readers:
        assert get(client, "/scores/", secret).json()["count"] == 0
        assert get(client, "/decisions/", secret).json()["count"] == 0
    in_stage(challenge, Stage.FINALISTS)
    in_stage(challenge, Stage.DECIDED)
    decision = Decision.objects.create(
        challenge=challenge,
        outcome=Outcome.WINNER,
        winner=world.proposals[0],
        justification="La mejor.",
        decided_by=world.approver,
        record_sha256="0" * 64,
    )
    expected = Score.objects.current().filter(proposal__challenge=challenge).count()
    assert expected == 3 * 3 * 2 + 2 * 3  # two experts on three proposals, the conflicted on two
    for secret in readers:
        page = get(client, "/scores/", secret, page_size=100).json()
        assert page["count"] == expected
    row = results(get(client, "/scores/", proposal=str(world.proposals[0].public_id)))[0]
    assert row["expert"] in {e.full_name for e in world.experts}
    assert row["justification"] == "Razón 0 <b>x</b>"
    assert row["correction"] is None
    # An upheld complaint voids the decision: the scores wait for the next one.
    decision.voided_at = timezone.now()
    decision.void_reason = "Inconformidad fundada."
    decision.save()
    for secret in readers:
        assert get(client, "/scores/", secret).json()["count"] == 0
    [voided] = results(get(client, "/decisions/"))
    assert voided["in_force"] is False and voided["void_reason"] == "Inconformidad fundada."


def test_a_correction_shows_what_it_replaced_and_why(client):
    world = build_world(delivered=False)
    original = Score.objects.filter(member=world.experts[0]).first()
    correction = Score.objects.create(
        member=original.member,
        proposal=original.proposal,
        criterion=original.criterion,
        round=original.round,
        value=Decimal("2.0"),
        justification="Corregido.",
        submitted_at=timezone.now(),
        corrects=original,
        correction_reason="Error de captura.",
        entered_by=world.experts[0].user,
    )
    rows = results(get(client, "/scores/", page_size=100))
    values = [r for r in rows if r["correction"]]
    assert len(values) == 1
    assert values[0]["value"] == "2.0"
    assert values[0]["correction"] == {
        "replaces_value": str(original.value),
        "reason": "Error de captura.",
    }
    assert correction.pk


def test_a_conflicted_expert_reads_nothing_more_than_anyone(client):
    world = build_world(decided=False)
    secret = token_for(world.conflicted.user)
    slug = world.challenge.slug
    assert everything_public(client, slug, secret) == everything_public(client, slug)
    assert results(get(client, "/me/proposals/", secret)) == []
    for proposal in world.proposals:
        for path in ("", "draft/"):
            assert_error(get(client, f"/me/proposals/{proposal.public_id}/{path}", secret), 404)
    assert get(client, "/scores/", secret).json()["count"] == 0


def test_decisions_awards_contracts_milestones_and_the_catalog(client):
    world = build_world()
    [decision] = results(get(client, "/decisions/"))
    assert decision["winner"]["public_id"] == str(world.proposals[0].public_id)
    assert decision["in_force"] is True
    assert len(decision["reasons"]) == 2
    [award] = results(get(client, "/awards/"))
    assert award["amount"] == "990000.00" and award["contract"]["number"] == "CONT-1"
    [contract] = results(get(client, "/contracts/", challenge=world.challenge.slug))
    assert [m["number"] for m in contract["milestones"]] == [1, 2]
    assert contract["document"]["sha256"] == "a" * 64
    milestones = results(get(client, "/milestones/"))
    assert milestones[0]["progress"] == 100 and milestones[0]["payment"]["amount"] == "400000.00"
    assert milestones[1]["progress"] is None and milestones[1]["payment"] is None
    assert [m["number"] for m in results(get(client, "/milestones/", status="paid"))] == [1]
    [entry] = results(get(client, "/catalog/"))
    assert entry["slug"] == world.entry.slug and entry["publiccode"] == {"name": "Herramienta"}
    assert len(entry["reuses"]) == 1
    assert get(client, f"/catalog/{world.entry.slug}/").json() == entry
    assert results(get(client, "/catalog/", licence="MIT")) == [entry]
    assert results(get(client, "/catalog/", licence="Apache-2.0")) == []


# --- Errors, the rate limit, the documentation ----------------------------------------------------


def test_unknown_addresses_under_the_api_answer_the_json_404(client):
    for path in ("/", "/nada/", "/challenges/a/b/c/", "/me/proposals/%0A/draft/", "/x%0Ay/"):
        assert_error(client.get(f"{API}{path}"), 404, "not_found")


def test_a_bad_token_is_refused_even_on_public_addresses(client):
    ChallengeFactory()
    for header in ("Bearer", "Bearer a b", "Bearer retos_inventado", "Bearer ñ"):
        response = client.get(f"{API}/challenges/", HTTP_AUTHORIZATION=header)
        assert_error(response, 401, "authentication_failed")
        assert response["WWW-Authenticate"].startswith("Bearer")
    # Other schemes are not ours: anonymous.
    assert client.get(f"{API}/challenges/", HTTP_AUTHORIZATION="Basic eDp5").status_code == 200


def test_write_addresses_need_a_token(client):
    challenge = ChallengeFactory()
    response = post(client, f"/challenges/{challenge.slug}/questions/", {"text": "¿Y?"})
    assert_error(response, 401, "not_authenticated")
    assert_error(get(client, "/me/"), 401, "not_authenticated")


def test_a_method_not_allowed_and_a_body_that_is_not_json(client):
    challenge = ChallengeFactory()
    secret = token_for(UserFactory())
    assert_error(client.delete(f"{API}/challenges/", **auth(secret)), 405, "method_not_allowed")
    response = client.post(
        f"{API}/challenges/{challenge.slug}/questions/",
        data="text=hola",
        content_type="application/x-www-form-urlencoded",
        **auth(secret),
    )
    assert_error(response, 415, "unsupported_media_type")
    response = client.post(
        f"{API}/challenges/{challenge.slug}/questions/",
        data="{no es json",
        content_type="application/json",
        **auth(secret),
    )
    assert_error(response, 400, "parse_error")


def test_messages_follow_the_request_language(client):
    en = assert_error(client.get(f"{API}/nada/", HTTP_ACCEPT_LANGUAGE="en"), 404)
    es = assert_error(client.get(f"{API}/nada/", HTTP_ACCEPT_LANGUAGE="es-mx"), 404)
    assert en["code"] == es["code"] == "not_found"
    assert en["message"] == "Nothing was found at this address."


def test_the_rate_limit_counts_each_client_apart(client, settings):
    settings.RETOS_API_RATE_ANON = "3/minute"
    settings.RETOS_API_RATE_USER = "4/minute"
    for _ in range(3):
        assert get(client, "/challenges/").status_code == 200
    limited = get(client, "/challenges/")
    assert_error(limited, 429, "throttled")
    assert int(limited["Retry-After"]) > 0
    # Another address is another client.
    assert client.get(f"{API}/challenges/", REMOTE_ADDR="10.0.0.2").status_code == 200
    # Each token is counted on its own, whatever the address.
    first, second = token_for(UserFactory()), token_for(UserFactory())
    for _ in range(4):
        assert get(client, "/challenges/", first).status_code == 200
    assert_error(get(client, "/challenges/", first), 429, "throttled")
    assert get(client, "/challenges/", second).status_code == 200


def test_the_address_behind_trusted_proxies(client, settings):
    """With one trusted proxy the client is the last address the proxy appended; a forged
    X-Forwarded-For from the client itself does not give it a new count."""
    from rest_framework.settings import api_settings

    settings.RETOS_API_RATE_ANON = "2/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        for forged in ("1.1.1.1", "2.2.2.2"):
            response = client.get(f"{API}/challenges/", HTTP_X_FORWARDED_FOR=f"{forged}, 10.9.9.9")
            assert response.status_code == 200
        assert_error(
            client.get(f"{API}/challenges/", HTTP_X_FORWARDED_FOR="3.3.3.3, 10.9.9.9"), 429
        )
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()


def test_the_schema_is_an_openapi_3_document_of_every_address(client):
    response = client.get(f"{API}/schema/")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/challenges/",
        "/api/v1/challenges/{slug}/",
        "/api/v1/proposals/",
        "/api/v1/scores/",
        "/api/v1/catalog/",
        "/api/v1/me/proposals/{public_id}/submit/",
        "/api/v1/challenges/{slug}/transitions/",
    ):
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "Error" in schema["components"]["schemas"]
    listing = schema["paths"]["/api/v1/challenges/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "page",
        "page_size",
        "stage",
        "body",
        "level",
        "state",
        "year",
        "category",
        "q",
    }
    assert client.get(f"{API}/schema/?format=yaml")["Content-Type"].startswith(
        "application/vnd.oai.openapi"
    )


@pytest.mark.parametrize(("prefix", "lang"), [("", "es-MX"), ("/en", "en")])
def test_the_documentation_page_lists_every_operation_without_outside_assets(client, prefix, lang):
    response = client.get(f"{prefix}/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert html.count("<h1>") == 1
    schema = client.get(f"{API}/schema/").json()
    for path, item in schema["paths"].items():
        for method in item:
            method_html = f'<span class="api-method">{method.upper()}</span>'
            assert f'{method_html} <span class="api-path">{path}</span>' in html
    assert "<script" not in html
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url


def test_a_body_larger_than_the_upload_limit_is_refused_unread(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    challenge = ChallengeFactory()
    secret = token_for(UserFactory())
    response = post(
        client, f"/challenges/{challenge.slug}/questions/", {"text": "x" * 2000}, secret
    )
    assert_error(response, 413, "too_large")


def test_the_parser_reads_no_more_than_the_limit_whatever_the_declared_length(settings):
    import io
    from types import SimpleNamespace

    from retos.api.parsers import BodyTooLarge, JSONParser

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"text": "x" * 2000}).encode()
    for declared in ("0", "", str(len(body))):
        context = {"request": SimpleNamespace(META={"CONTENT_LENGTH": declared})}
        with pytest.raises(BodyTooLarge):
            JSONParser().parse(io.BytesIO(body), "application/json", context)
    small = {"request": SimpleNamespace(META={"CONTENT_LENGTH": "13"})}
    assert JSONParser().parse(io.BytesIO(b'{"text": "x"}'), "application/json", small) == {
        "text": "x"
    }
