"""The research file (/datos/investigacion.csv and .json): one row per challenge and bidder
from published opening acts, with a keyed pseudonym instead of the company; first-time
bidders; size class and state; score and rank only with a decision in force; finalist,
winner and delivered only once known; a constant number of queries."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from retos.challenges.stages import Stage
from retos.contracts.models import Delivery, DeliveryStatus
from retos.decisions import services as decision_services
from retos.decisions.models import Decision
from retos.opendata import research
from retos.organizations.models import Role, State
from retos.proposals import services as proposal_services
from tests.decision_helpers import approver_of, confirm_finalists
from tests.evaluation_helpers import full_panel, in_stage, score
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory
from tests.proposal_helpers import complete_sections, opening_officers, submitted_proposal

pytestmark = pytest.mark.django_db

FILES = ["/datos/investigacion.csv", "/datos/investigacion.json"]


def download(client, path) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    assert response.streaming is True
    return b"".join(response.streaming_content)


def rows(client, path="/datos/investigacion.json") -> list[dict]:
    body = download(client, path).decode("utf-8")
    if path.endswith(".json"):
        return json.loads(body)
    return list(csv.DictReader(io.StringIO(body, newline="")))


def opened_with(companies, *, admissible=None):
    """A challenge whose deadline passed ten days ago, a proposal from each company, opened now
    by two officers; ``admissible`` (default all True) decides each proposal's admissibility."""
    now = timezone.now()
    start = now - timedelta(days=40)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        challenge = ChallengeFactory(
            published_at=start,
            questions_close_at=start + timedelta(days=10),
            submissions_close_at=start + timedelta(days=30),
            evaluation_ends_at=now + timedelta(days=20),
            demo_day_at=now + timedelta(days=30),
            decision_at=now + timedelta(days=40),
            delivery_at=now + timedelta(days=200),
        )
    proposals = []
    for i, company in enumerate(companies):
        with time_machine.travel(start + timedelta(days=2, hours=i), tick=False):
            actor = MembershipFactory(organization=company, role=Role.ADMIN).user
            proposal = proposal_services.proposal_start(
                challenge=challenge, company=company, actor=actor
            )
            proposal_services.proposal_save(
                proposal=proposal, actor=actor, changes=complete_sections(marker=f"P-{i}")
            )
            proposal_services.proposal_submit(proposal=proposal, actor=actor)
            proposals.append(proposal)
    first, second = opening_officers(challenge.body)
    proposal_services.opening_confirm(challenge=challenge, actor=first)
    proposal_services.opening_confirm(challenge=challenge, actor=second)
    challenge.refresh_from_db()
    official = MembershipFactory(organization=challenge.body, role=Role.OFFICIAL).user
    for proposal, ok in zip(proposals, admissible or [True] * len(proposals), strict=True):
        proposal_services.proposal_admissibility_set(
            proposal=proposal,
            actor=official,
            admissible=ok,
            **({} if ok else {"reason": "Falta la declaración de licencia."}),
        )
        proposal.refresh_from_db()
    return challenge, proposals


def evaluate(challenge, proposals, values, *, finalists: int = 1):
    """Score the proposals (``values[i]`` on every criterion from three experts) and confirm
    the first ``finalists`` as finalists; returns them."""
    in_stage(challenge, Stage.EVALUATION)
    panel = full_panel(challenge)
    for proposal, value in zip(proposals, values, strict=True):
        for m in panel:
            for criterion in challenge.criteria.all():
                score(m, proposal, criterion, value)
    chosen = proposals[:finalists]
    confirm_finalists(challenge, chosen)
    return chosen


def decide(challenge, proposals, winner):
    return decision_services.decision_publish(
        challenge=challenge,
        actor=approver_of(challenge),
        winner=winner,
        justification="La mejor propuesta según el puntaje y la demostración.",
        reasons={
            p.pk: "Menor puntaje."
            for p in proposals
            if p != winner and p.admissibility == "admissible"
        },
    )


def by_company(listed, challenge, company) -> dict:
    [row] = [
        r
        for r in listed
        if r["challenge"] == challenge.slug and r["bidder"] == research.pseudonym(company.pk)
    ]
    return row


# --- Nothing before the opening act -------------------------------------------------------------


def test_bidders_appear_only_once_the_opening_act_is_published(client):
    challenge = ChallengeFactory(
        questions_close_at=timezone.now() + timedelta(minutes=30),
        submissions_close_at=timezone.now() + timedelta(hours=1),
    )
    with time_machine.travel(timezone.now(), tick=False):
        before = {path: download(client, path) for path in FILES}
        submitted_proposal(challenge, attach=False)
        assert {path: download(client, path) for path in FILES} == before
    assert json.loads(before["/datos/investigacion.json"]) == []
    assert before["/datos/investigacion.csv"].decode().count("\r\n") == 1


# --- The pseudonym ------------------------------------------------------------------------------


def test_the_pseudonym_is_stable_keyed_and_never_the_rfc_or_the_id(client):
    company = CompanyFactory()
    other = CompanyFactory()
    opened_with([company, other])
    opened_with([company])
    listed = rows(client)
    assert len(listed) == 3
    mine = [r["bidder"] for r in listed if r["bidder"] == research.pseudonym(company.pk)]
    assert len(mine) == 2  # the same company, the same pseudonym in both challenges
    assert research.pseudonym(other.pk) != research.pseudonym(company.pk)
    pseudonym = mine[0]
    assert re.fullmatch(r"[0-9a-f]{16}", pseudonym)
    assert company.rfc.lower() not in pseudonym
    assert pseudonym not in (str(company.pk), company.slug)
    assert download(client, FILES[0]) == download(client, FILES[0])  # stable across downloads
    assert download(client, FILES[1]) == download(client, FILES[1])
    with override_settings(SECRET_KEY="another-secret-key-" + "x" * 40):
        assert research.pseudonym(company.pk) != pseudonym  # keyed by the site's secret
    with override_settings(RETOS_RESEARCH_SALT="another dataset"):
        assert research.pseudonym(company.pk) != pseudonym  # and by the dataset's salt


def test_the_file_names_no_company_rfc_folio_or_price(client):
    company = CompanyFactory(name="Empresa Identificable del Bajío")
    challenge, _proposals = opened_with([company, CompanyFactory()])
    act = challenge.opening_act
    for path in FILES:
        body = download(client, path).decode()
        for entry in act.entries:
            for key in ("company", "rfc", "folio", "proposal", "price", "content_sha256"):
                assert entry[key] not in body, (path, key)
        assert str(company.pk) not in re.findall(r"\b\d+\b", body)


# --- Size, state, first time -------------------------------------------------------------------


def test_size_class_state_and_first_time_bidder(client):
    veteran = CompanyFactory(state=State.objects.get(code="14"))
    medium = CompanyFactory(workers=90, annual_sales=Decimal("150000000.00"))
    newcomer = CompanyFactory()
    earlier, _ = opened_with([veteran])
    later, _ = opened_with([veteran, medium, newcomer], admissible=[True, False, True])
    listed = rows(client)
    assert by_company(listed, earlier, veteran)["first_time_bidder"] is True
    row = by_company(listed, later, veteran)
    assert row["first_time_bidder"] is False
    assert row["state"] == "Jalisco"
    assert row["size_class"] == veteran.sme_size.value
    assert by_company(listed, later, medium)["size_class"] == medium.sme_size.value
    assert medium.sme_size.value != veteran.sme_size.value
    assert by_company(listed, later, medium)["admissibility"] == "inadmissible"
    assert by_company(listed, later, newcomer)["first_time_bidder"] is True
    assert by_company(listed, later, newcomer)["state"] == "Ciudad de México"
    csv_rows = rows(client, FILES[0])
    assert {r["first_time_bidder"] for r in csv_rows} == {"true", "false"}


# --- What is known, when ------------------------------------------------------------------------


def test_scores_and_outcomes_are_empty_until_known(client):
    companies = [CompanyFactory() for _ in range(3)]
    challenge, proposals = opened_with(companies)
    row = by_company(rows(client), challenge, companies[0])
    for key in ("score_method", "score", "rank", "finalist", "winner", "delivered"):
        assert row[key] is None, key

    chosen = evaluate(challenge, proposals, [9, 7, 5], finalists=2)
    listed = rows(client)
    assert by_company(listed, challenge, companies[0])["finalist"] is True
    assert by_company(listed, challenge, companies[2])["finalist"] is False
    for key in ("score", "rank", "winner", "delivered"):  # scores stay private until the fallo
        assert by_company(listed, challenge, companies[0])[key] is None, key
    csv_row = next(r for r in rows(client, FILES[0]) if r["finalist"] == "false")
    assert csv_row["score"] == "" and csv_row["winner"] == ""

    decision = decide(challenge, proposals, chosen[0])
    listed = rows(client)
    first = by_company(listed, challenge, companies[0])
    third = by_company(listed, challenge, companies[2])
    record_rows = {r["proposal"]: r for r in decision.record["ranking"]["proposals"]["rows"]}
    assert first["score"] == record_rows[str(proposals[0].public_id)]["total"] == "90.00"
    assert (first["rank"], third["rank"]) == (1, 3)
    assert first["score_method"] == "mean"
    assert (first["winner"], third["winner"]) == (True, False)
    assert (first["delivered"], third["delivered"]) == (False, False)
    assert third["finalist"] is False

    Delivery.objects.create(
        challenge=challenge,
        number=1,
        repository_url="https://git.example.org/herramienta",
        licence="MIT",
        publiccode_yml="name: herramienta",
        submitted_by=approver_of(challenge),
        status=DeliveryStatus.ACCEPTED,
        reviewed_at=timezone.now(),
    )
    listed = rows(client)
    assert by_company(listed, challenge, companies[0])["delivered"] is True
    assert by_company(listed, challenge, companies[1])["delivered"] is False


def test_a_voided_decision_takes_the_scores_back_out(client):
    companies = [CompanyFactory() for _ in range(2)]
    challenge, proposals = opened_with(companies)
    chosen = evaluate(challenge, proposals, [8, 6])
    decision = decide(challenge, proposals, chosen[0])
    assert by_company(rows(client), challenge, companies[0])["rank"] == 1
    Decision.objects.filter(pk=decision.pk).update(
        voided_at=timezone.now(), void_reason="Inconformidad procedente."
    )
    row = by_company(rows(client), challenge, companies[0])
    assert (row["score"], row["rank"], row["winner"], row["delivered"]) == (None,) * 4
    assert row["finalist"] is True  # the finalist selection is still in force


# --- Query budget -------------------------------------------------------------------------------


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        download(client, path)
    return len(captured)


def test_the_research_file_takes_a_constant_number_of_queries(client):
    counts = []
    for size in (1, 3):
        for _ in range(size if not counts else size - 1):
            companies = [CompanyFactory() for _ in range(2)]
            challenge, proposals = opened_with(companies)
            decide(challenge, proposals, evaluate(challenge, proposals, [8, 6])[0])
            opened_with([companies[0], CompanyFactory()])
        counts.append({path: queries(client, path) for path in FILES})
        assert len(rows(client)) == 4 * size
    assert counts[0] == counts[1]
    assert counts[0][FILES[0]] <= 5
