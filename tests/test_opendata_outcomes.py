"""Open data after the opening act: scores and conflict declarations (only with a decision in
force), awards, contracts, milestones and payments; the CSV formula guard on what evaluators
and agencies type; a constant number of queries at two data sizes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from retos.challenges import services as challenge_services
from retos.challenges.stages import Stage
from retos.contracts import services as contract_services
from retos.contracts.models import Milestone
from retos.decisions import complaints as complaint_services
from retos.decisions import services as decision_services
from retos.decisions.models import ComplaintStatus, UpheldRemedy
from retos.evaluation.models import ConflictDeclaration, Round, Score
from retos.opendata import exports
from tests.complaint_helpers import bidder
from tests.contract_helpers import contract_data, today
from tests.decision_helpers import approver_of, finalists_stage, official_of
from tests.evaluation_helpers import in_stage, member, opened_challenge, score

pytestmark = pytest.mark.django_db

SCORE_FILES = ["/datos/puntajes.csv", "/datos/puntajes.json"]
CONFLICT_FILES = ["/datos/conflictos.csv", "/datos/conflictos.json"]
CONTRACT_FILES = [
    f"/datos/{name}.{fmt}"
    for name in ("adjudicaciones", "contratos", "hitos", "pagos")
    for fmt in ("csv", "json")
]
NEW_FILES = SCORE_FILES + CONFLICT_FILES + CONTRACT_FILES


def download(client, path) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    assert response.streaming is True
    return b"".join(response.streaming_content)


def rows(client, path) -> list[dict]:
    body = download(client, path).decode("utf-8")
    if path.endswith(".json"):
        return json.loads(body)
    return list(csv.DictReader(io.StringIO(body, newline="")))


# --- Building the story through the real services ---------------------------------------------


def scored(n: int = 3, **kwargs):
    """A challenge in the finalists stage: ``n`` admissible proposals scored by three experts
    (the chair corrects one score), two finalists whose demos a committee member scored, and
    one more expert who declared a conflict with the last proposal."""
    s = finalists_stage(n, finalists=2, committee=1, **kwargs)
    chair = s.chair
    original = Score.objects.filter(
        member=chair, proposal=s.proposals[0], round=Round.PROPOSALS
    ).order_by("criterion__position")[0]
    Score.objects.create(
        member=chair,
        proposal=original.proposal,
        criterion=original.criterion,
        round=original.round,
        value=Decimal("6.5"),
        justification="Corrección: la evidencia del criterio es parcial.",
        submitted_at=timezone.now(),
        corrects=original,
        correction_reason="Error de captura en el puntaje original.",
        entered_by=chair.user,
    )
    conflicted = member(s.challenge, areas=[], declared=True)
    for proposal in s.proposals:
        ConflictDeclaration.objects.create(
            member=conflicted,
            proposal=proposal,
            has_conflict=proposal == s.proposals[-1],
            note="Trabajé para esta empresa en 2024." if proposal == s.proposals[-1] else "",
        )
    s.original = original
    s.conflicted = conflicted
    return s


def publish(s, *, winner="first"):
    winner = s.finalists[0] if winner == "first" else winner
    return decision_services.decision_publish(
        challenge=s.challenge,
        actor=approver_of(s.challenge),
        winner=winner,
        justification="La demostración más sólida y el mejor puntaje.",
        reasons={
            p.pk: f"No superó a la propuesta ganadora ({p.company.name})."
            for p in s.proposals
            if p != winner
        },
    )


def award_and_pay(s, decision, *, pay: bool = True):
    """After the complaint window: the award and contract (two milestones), implementation,
    progress on both, the first accepted and paid. Runs on a clock a day past the window."""
    challenge = s.challenge
    with time_machine.travel(decision.complaints_close_at + timedelta(days=1), tick=False):
        approver = approver_of(challenge)
        official = official_of(challenge)
        supplier = bidder(s.finalists[0])
        contract_services.award_record(
            challenge=challenge, actor=approver, **contract_data(challenge)
        )
        challenge_services.challenge_start_implementation(challenge=challenge, actor=official)
        first, second = Milestone.objects.filter(contract__award__challenge=challenge).order_by(
            "number"
        )
        contract_services.milestone_progress_post(
            milestone=second, actor=supplier, progress=40, note="Avance del diseño."
        )
        contract_services.milestone_progress_post(
            milestone=first, actor=supplier, progress=100, note="Piloto listo."
        )
        contract_services.milestone_submit(milestone=first, actor=supplier)
        contract_services.milestone_accept(milestone=first, actor=official)
        if pay:
            contract_services.payment_record(
                milestone=first,
                actor=official,
                amount=first.amount,
                paid_on=today(challenge),
                reference="SPEI-2026-0001",
            )
    challenge.refresh_from_db()


# --- Scores: nothing before a decision in force -------------------------------------------------


def test_a_challenge_in_evaluation_or_with_finalists_contributes_no_score_or_declaration(client):
    challenge, proposals = opened_challenge(2)
    in_stage(challenge, Stage.EVALUATION)
    expert = member(challenge, declared=True)
    for p in proposals:
        ConflictDeclaration.objects.create(member=expert, proposal=p, has_conflict=False)
        score(expert, p, challenge.criteria.first(), 7, justification="SECRETO-EVALUACION")
    s = scored()  # finalists stage: scores, demos and a correction, no decision yet
    for path in SCORE_FILES + CONFLICT_FILES:
        body = download(client, path).decode()
        assert "SECRETO-EVALUACION" not in body
        assert expert.full_name not in body
        assert s.experts[0].full_name not in body
        assert s.proposals[0].company.name not in body
    assert rows(client, "/datos/puntajes.json") == []
    assert rows(client, "/datos/conflictos.json") == []
    assert download(client, "/datos/puntajes.csv").decode().count("\r\n") == 1  # header only


def test_the_decision_publishes_every_current_score_with_its_evaluator_and_reason(client):
    s = scored()
    publish(s)
    listed = rows(client, "/datos/puntajes.json")
    criteria = list(s.challenge.criteria.all())
    # Three experts × three proposals × criteria (the corrected score counted once), plus the
    # committee member's demo scores of the two finalists.
    assert len(listed) == 3 * 3 * len(criteria) + 2 * len(criteria)
    assert {r["challenge"] for r in listed} == {s.challenge.slug}
    assert [r["round"] for r in listed] == sorted(
        (r["round"] for r in listed), key=lambda v: v != "proposals"
    )
    first = next(
        r
        for r in listed
        if r["evaluator"] == s.experts[1].full_name
        and r["proposal"] == str(s.proposals[1].public_id)
        and r["round"] == "proposals"
    )
    assert first["company"] == s.proposals[1].company.name
    assert first["evaluator_role"] == "expert"
    assert first["criterion"] == criteria[0].name
    assert first["weight"] == f"{criteria[0].weight:.2f}"
    assert first["value"] == "8.0"
    assert first["justification"] == f"Justificación {s.experts[1].pk}"
    assert first["corrected_from"] is None and first["correction_reason"] is None
    assert first["submitted_at"].endswith("+00:00")
    demo = [r for r in listed if r["round"] == "demos"]
    assert {r["evaluator_role"] for r in demo} == {"committee"}
    assert {r["proposal"] for r in demo} == {str(p.public_id) for p in s.finalists}


def test_a_correction_replaces_the_score_it_corrects_and_names_its_value(client):
    s = scored()
    publish(s)
    listed = rows(client, "/datos/puntajes.json")
    mine = [
        r
        for r in listed
        if r["evaluator"] == s.chair.full_name
        and r["proposal"] == str(s.proposals[0].public_id)
        and r["criterion"] == s.original.criterion.name
        and r["round"] == "proposals"
    ]
    assert len(mine) == 1
    assert mine[0]["value"] == "6.5"
    assert mine[0]["corrected_from"] == "9.0"
    assert mine[0]["correction_reason"] == "Error de captura en el puntaje original."
    [csv_row] = [
        r
        for r in rows(client, "/datos/puntajes.csv")
        if r["evaluator"] == s.chair.full_name and r["corrected_from"]
    ]
    assert csv_row["corrected_from"] == "9.0"


def test_the_decision_publishes_the_conflict_declarations(client):
    s = scored()
    publish(s)
    listed = rows(client, "/datos/conflictos.json")
    members = len(s.experts) + len(s.committee) + 1
    assert len(listed) == members * len(s.proposals)
    [conflict] = [r for r in listed if r["conflict"]]
    assert conflict["evaluator"] == s.conflicted.full_name
    assert conflict["proposal"] == str(s.proposals[-1].public_id)
    assert conflict["company"] == s.proposals[-1].company.name
    assert conflict["note"] == "Trabajé para esta empresa en 2024."
    assert conflict["declared_at"].endswith("+00:00")
    assert {r["conflict"] for r in rows(client, "/datos/conflictos.csv")} == {"true", "false"}


def test_an_upheld_complaint_takes_the_scores_out_until_a_new_decision(client):
    s = scored()
    publish(s)
    assert rows(client, "/datos/puntajes.json")
    loser = s.proposals[1]
    complaint = complaint_services.complaint_file(
        proposal=loser, actor=bidder(loser), grounds="El puntaje del criterio 1 es incorrecto."
    )
    approver = approver_of(s.challenge)
    complaint_services.complaint_move(
        complaint=complaint,
        actor=approver,
        to_status=ComplaintStatus.UNDER_REVIEW,
        response="Se revisa el expediente.",
    )
    complaint_services.complaint_move(
        complaint=complaint,
        actor=approver,
        to_status=ComplaintStatus.UPHELD,
        response="Procede: se evalúa de nuevo.",
        remedy=UpheldRemedy.REEVALUATE,
    )
    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.EVALUATION
    assert rows(client, "/datos/puntajes.json") == []
    assert rows(client, "/datos/conflictos.json") == []


def test_a_deserted_decision_publishes_its_scores_too(client):
    s = finalists_stage(2, finalists=0, values=[3, 2])
    in_stage(s.challenge, Stage.EVALUATION)
    decision_services.decision_publish(
        challenge=s.challenge,
        actor=approver_of(s.challenge),
        winner=None,
        justification="Ninguna propuesta alcanzó el puntaje mínimo.",
        reasons={p.pk: "Puntaje por debajo del mínimo." for p in s.proposals},
    )
    listed = rows(client, "/datos/puntajes.json")
    assert {r["value"] for r in listed} == {"3.0", "2.0"}


# --- Awards, contracts, milestones, payments --------------------------------------------------


def test_nothing_of_the_award_appears_before_it_is_recorded(client):
    s = scored()
    publish(s)
    for path in CONTRACT_FILES:
        assert rows(client, path) == [], path


def test_the_award_contract_milestones_and_payments(client):
    s = scored()
    decision = publish(s)
    award_and_pay(s, decision)
    winner = s.finalists[0]

    [award] = rows(client, "/datos/adjudicaciones.json")
    assert award["challenge"] == s.challenge.slug
    assert award["proposal"] == str(winner.public_id)
    assert award["supplier"] == winner.company.name
    assert award["rfc"] == winner.company.rfc
    assert award["amount"] == "1000000.00"
    assert award["challenge_amount"] == f"{s.challenge.amount:.2f}"
    assert award["currency"] == "MXN"
    assert len(award["awarded_on"]) == 10
    assert award["decision_published_at"] == decision.published_at.astimezone(UTC).isoformat()

    [contract] = rows(client, "/datos/contratos.json")
    assert contract["challenge"] == s.challenge.slug
    assert contract["contract"] == "CONT-2026-001"
    assert contract["supplier"] == winner.company.name
    assert contract["milestones"] == 2
    assert contract["milestones_amount"] == "1000000.00"
    assert contract["milestones_accepted"] == 1
    assert contract["paid_amount"] == "400000.00"
    assert len(contract["document_sha256"]) == 64
    assert contract["signed_on"] <= contract["starts_on"] < contract["ends_on"]

    milestones = rows(client, "/datos/hitos.json")
    assert [(m["milestone"], m["title"], m["status"], m["progress"]) for m in milestones] == [
        (1, "Piloto", "paid", 100),
        (2, "Versión final", "in_progress", 40),
    ]
    assert milestones[0]["amount"] == "400000.00"
    assert milestones[0]["accepted_at"].endswith("+00:00")
    assert milestones[1]["accepted_at"] is None
    assert milestones[0]["deliverables"] == "Piloto en producción con 100 usuarias."

    [payment] = rows(client, "/datos/pagos.json")
    assert payment["challenge"] == s.challenge.slug
    assert payment["contract"] == "CONT-2026-001"
    assert payment["milestone"] == 1
    assert payment["amount"] == "400000.00"
    assert payment["reference"] == "SPEI-2026-0001"
    assert payment["supplier"] == winner.company.name

    [csv_contract] = rows(client, "/datos/contratos.csv")
    assert csv_contract["milestones"] == "2"
    assert csv_contract["paid_amount"] == "400000.00"


# --- What people type, in a spreadsheet -------------------------------------------------------


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1 punto", "-2 puntos", "@SUM(A1)"])
def test_typed_text_that_would_run_as_a_formula_starts_with_an_apostrophe(client, text):
    s = finalists_stage(2, finalists=1)
    ConflictDeclaration.objects.filter(proposal=s.proposals[1]).update(has_conflict=True, note=text)
    for m in s.experts:
        m.full_name = text
        m.save(update_fields=["full_name"])
    publish(s)
    csv_scores = rows(client, "/datos/puntajes.csv")
    assert csv_scores and {r["evaluator"] for r in csv_scores} == {"'" + text}
    assert {r["evaluator"] for r in rows(client, "/datos/puntajes.json")} == {text}
    notes = {r["note"] for r in rows(client, "/datos/conflictos.csv") if r["conflict"] == "true"}
    assert notes == {"'" + text}


def test_justifications_are_guarded_and_numbers_are_not():
    assert exports.csv_cell("=1+1") == "'=1+1"
    assert exports.csv_cell("-0.512", numeric=True) == "-0.512"
    assert exports.csv_cell("-1+1", numeric=True) == "'-1+1"
    assert exports.csv_cell("-0.512") == "'-0.512"


def test_a_hostile_justification_is_one_cell_and_plain_text_in_json(client):
    s = finalists_stage(2, finalists=1)
    hostile = '=cmd|"/C calc"!A0\n<script>alert(1)</script>, "; DROP TABLE x; --'
    extra = member(s.challenge, areas=[], declared=True)
    criterion = s.challenge.criteria.first()
    score(extra, s.proposals[0], criterion, 5, justification=hostile)
    publish(s)
    [csv_row] = [
        r for r in rows(client, "/datos/puntajes.csv") if r["evaluator"] == extra.full_name
    ]
    assert csv_row["justification"] == "'" + hostile
    [json_row] = [
        r for r in rows(client, "/datos/puntajes.json") if r["evaluator"] == extra.full_name
    ]
    assert json_row["justification"] == hostile


# --- Query budgets ----------------------------------------------------------------------------


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        download(client, path)
    return len(captured)


BUDGETS = {
    "puntajes": 1,
    "conflictos": 1,
    "adjudicaciones": 1,
    "contratos": 1,
    "hitos": 1,
    "pagos": 1,
}


def test_the_new_files_take_a_constant_number_of_queries(client):
    counts = []
    for size in (1, 3):
        for _ in range(size if not counts else size - 1):
            s = scored()
            award_and_pay(s, publish(s))
        s = scored()
        publish(s)  # decided, not awarded
        finalists_stage(2, finalists=1)  # not decided
        counts.append({path: queries(client, path) for path in NEW_FILES})
        assert len(rows(client, "/datos/contratos.json")) == size
    assert counts[0] == counts[1]
    for path, n in counts[0].items():
        name = path.rsplit("/", 1)[1].split(".")[0]
        assert n <= BUDGETS[name], (path, n)


def test_files_are_listed_with_their_roles():
    names = list(exports.DATASETS)
    assert names[:2] == ["retos", "propuestas"]
    for name in BUDGETS:
        assert name in names
    assert exports.RESEARCH in names
