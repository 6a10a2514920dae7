"""The demo's evaluations and contracts as planned, without the database: the scores give the
intended ranking under each challenge's method, the texts read like people's, the money adds
up, and every publiccode.yml the demo delivers is valid."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from retos.contracts import publiccode
from retos.demo import data, outcome
from retos.demo import evaluation as panels
from retos.demo import proposals as bids
from retos.evaluation import aggregation
from retos.evaluation.models import Method

PANELS = sorted(panels.PANELS)


def _ranking(key: str, *, corrected: bool = True) -> tuple[aggregation.Ranking, dict]:
    """The ranking ``retos.evaluation.aggregation`` makes of the demo's scores of ``key``."""
    spec = panels.challenge_spec(key)
    panel = panels.PANELS[key]
    companies = list(panel.quality)
    ids = {company: i for i, company in enumerate(companies, start=1)}
    experts = {expert: i for i, expert in enumerate(panels.accepted_experts(panel), start=1)}
    value = panels.score_value if corrected else panels.typed_value
    scores = [
        aggregation.ScoreInput(
            expert=experts[e], proposal=ids[c], criterion=i, value=value(key, e, c, i)
        )
        for e in experts
        for c in companies
        if not panels.recused(panel, e, c)
        for i in range(len(spec.criteria))
    ]
    ranking = aggregation.rank(
        criteria=[
            aggregation.CriterionInput(id=i, weight=Decimal(c.weight), position=i, name=c.name)
            for i, c in enumerate(spec.criteria)
        ],
        scores=scores,
        proposals=[aggregation.ProposalInput(id=i) for i in ids.values()],
        method=panel.method,
        disagreement_threshold=Decimal("4.0"),
        minimum_score=Decimal(panel.minimum),
    )
    return ranking, {i: company for company, i in ids.items()}


@pytest.mark.parametrize("key", PANELS)
def test_the_scores_give_the_intended_ranking_under_the_challenge_s_method(key):
    ranking, names = _ranking(key)
    order = [names[row.proposal] for row in ranking.rows]
    panel = panels.PANELS[key]
    # The intended order: by overall quality, best first.
    assert order == sorted(panel.quality, key=panel.quality.get, reverse=True)
    proposed = [names[row.proposal] for row in ranking.eligible_rows][
        : panels.challenge_spec(key).finalists_count
    ]
    assert proposed == panels.proposed_finalists(key)
    raw = {names[row.proposal]: row.raw_total for row in ranking.rows}
    assert raw == dict(panels.expected_ranking(key))
    if panel.winner:
        assert panel.winner == order[0] in panels.finalists(key)
        demo = panel.demo_quality
        assert set(demo) == set(panels.finalists(key))
        assert max(demo, key=demo.get) == panel.winner


def test_the_panels_cover_their_criteria_with_varied_methods_and_sizes():
    methods = Counter(p.method for p in panels.PANELS.values())
    assert set(methods) == set(Method.values)
    assert {p.blind for p in panels.PANELS.values()} == {True, False}
    for key, panel in panels.PANELS.items():
        spec = panels.challenge_spec(key)
        accepted = panels.accepted_experts(panel)
        covered = {area for e in accepted for area in panels.panel_areas(spec, e)}
        assert covered == {c.area for c in spec.criteria}, key
        assert panel.chair in accepted, key
        assert all(panels.panel_areas(spec, e) for e in accepted), key
        # The committee: the body's official and experts not on the expert panel.
        assert not set(panel.committee) & set(panel.experts), key
        if panel.method == Method.TRIMMED_MEAN:
            assert len(accepted) >= 5, key
        assert set(panel.quality) == {b.company for b in panels.counted_bids(key)}, key
        for expert, company in panel.conflicts:
            assert expert in accepted and company in panel.quality, key
    assert sum(1 for p in panels.PANELS.values() if p.declined) == 1
    assert sum(len(p.conflicts) for p in panels.PANELS.values()) >= 2


def test_one_typing_error_is_corrected_and_one_proposal_is_flagged():
    corrected = [k for k, p in panels.PANELS.items() if p.correction]
    assert len(corrected) == 1
    (key,) = corrected
    fix = panels.PANELS[key].correction
    meant = panels.score_value(key, fix.expert, fix.company, fix.criterion)
    assert Decimal(fix.typed) != meant and fix.reason
    # What the expert wrote matches the score meant, not the one typed.
    assert panels.band(meant) == "high" and panels.band(Decimal(fix.typed)) == "low"
    text = panels.justification(key, fix.expert, fix.company, fix.criterion)
    assert any(text.startswith(t) for t in _area_texts(key, fix.criterion, "high"))
    before, names = _ranking(key, corrected=False)
    after, _ = _ranking(key)
    flagged_before = {names[r.proposal] for r in before.flagged_rows}
    assert fix.company in flagged_before
    assert fix.company not in {names[r.proposal] for r in after.flagged_rows}

    flagged = {
        key: {names[r.proposal] for r in ranking.flagged_rows}
        for key in PANELS
        for ranking, names in [_ranking(key)]
    }
    spotted = {k: p.disagreement.company for k, p in panels.PANELS.items() if p.disagreement}
    assert flagged == {k: ({spotted[k]} if k in spotted else set()) for k in PANELS}
    # The approver leaves the flagged proposal out of the finalists, with a justification.
    key = next(iter(spotted))
    panel = panels.PANELS[key]
    assert panel.dropped_finalist == spotted[key] in panels.proposed_finalists(key)
    assert panel.dropped_finalist not in panels.finalists(key) and panel.deviation


def _area_texts(key, criterion, band):
    area = panels.challenge_spec(key).criteria[criterion].area
    return panels._AREA_TEXT[area][band]


def test_justifications_are_spanish_varied_and_follow_the_score():
    texts = []
    for key, panel in panels.PANELS.items():
        spec = panels.challenge_spec(key)
        for expert in panels.accepted_experts(panel):
            for company in panel.quality:
                for i, criterion in enumerate(spec.criteria):
                    text = panels.justification(key, expert, company, i)
                    value = panels.score_value(key, expert, company, i)
                    assert 40 <= len(text) <= 600, text
                    assert company not in text  # blind rounds: nothing names the bidder
                    texts.append(text)
                    spot = panel.disagreement
                    if spot and (spot.company, spot.criterion) == (company, i):
                        continue
                    first = text.split(". ")[0]
                    bands = [
                        b
                        for b, options in panels._AREA_TEXT[criterion.area].items()
                        if any(o.startswith(first[:30]) for o in options)
                    ]
                    assert bands == [panels.band(value)], (key, expert, company, i)
    assert len(set(texts)) > len(texts) / 4
    values = Counter(
        panels.score_value(k, e, c, i)
        for k, p in panels.PANELS.items()
        for e in panels.accepted_experts(p)
        for c in p.quality
        for i in range(len(panels.challenge_spec(k).criteria))
    )
    assert len(values) >= 10 and min(values) < 6 <= 8 < max(values)


def test_every_admissible_proposal_not_selected_has_its_reason():
    for key, decision in outcome.DECISIONS.items():
        panel = panels.PANELS[key]
        assert set(decision.reasons) == set(panel.quality) - {panel.winner}, key
        assert all(len(r) > 60 for r in decision.reasons.values()), key
        if panel.winner:
            assert "{winner}" in decision.justification, key
    deserted = next(s for s in data.CHALLENGES if s.target == "deserted")
    assert not panels.PANELS[deserted.key].winner
    assert all(
        q < panels.PANELS[deserted.key].minimum / 10
        for q in panels.PANELS[deserted.key].quality.values()
    )


def test_complaints_are_filed_by_bidders_with_confidential_evidence():
    for key, complaints in outcome.COMPLAINTS.items():
        panel = panels.PANELS[key]
        for complaint in complaints:
            assert complaint.company in panel.quality and complaint.company != panel.winner
            assert any(e.confidential for e in complaint.evidence)
            assert any(not e.confidential for e in complaint.evidence)
            pdf = outcome.evidence_pdf(complaint.evidence[0])
            assert pdf.startswith(b"%PDF")
    statuses = {m.status for cs in outcome.COMPLAINTS.values() for c in cs for m in c.moves}
    assert {"under_review", "dismissed"} <= statuses


@pytest.mark.parametrize("key", sorted(k for k, p in panels.PANELS.items() if p.winner))
def test_the_award_and_its_milestones_add_up(key):
    spec = panels.challenge_spec(key)
    amount = outcome.award_amount(key)
    assert 0 < amount <= spec.amount
    rows = outcome.milestones(key, date(2026, 2, 2), date(2026, 7, 1))
    assert sum(r["amount"] for r in rows) == amount
    assert [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)
    assert rows[-1]["due_on"] == date(2026, 7, 1)
    assert all(date(2026, 2, 2) <= r["due_on"] for r in rows)
    assert outcome.delivery_licence(key) in spec.licences
    # The price is the one of the proposal's version that counted.
    bid = panels.bid_for(key, panels.PANELS[key].winner)
    version = bids.sections(spec, bid, version=2 if bid.resubmitted else 1)
    assert Decimal(version["price"]) == amount


@pytest.mark.parametrize("key", sorted(outcome.TOOLS))
def test_every_delivered_publiccode_yml_is_valid(key):
    numbers = (1, 2) if outcome.TOOLS[key].returned else (1,)
    for number in numbers:
        text = outcome.publiccode_yml(key, date(2026, 6, 30), number=number)
        parsed = publiccode.validate(
            text,
            licence=outcome.delivery_licence(key),
            repository_url=outcome.repository_url(key),
        )
        assert parsed.name == outcome.TOOLS[key].name
        assert parsed.description()["shortDescription"] == outcome.TOOLS[key].short
        status = parsed.data["developmentStatus"]
        assert status == ("beta" if number < numbers[-1] else "stable")


def test_the_signed_contract_is_a_pdf():
    key = "escuelas"
    pdf = outcome.contract_pdf(
        key,
        number="SEP-RP-003/2026",
        signed_on=date(2026, 2, 2),
        starts_on=date(2026, 2, 3),
        ends_on=date(2026, 7, 1),
    )
    assert pdf.startswith(b"%PDF") and 2_000 < len(pdf) < 200_000
    html = outcome.contract_html(
        key,
        number="SEP-RP-003/2026",
        signed_on=date(2026, 2, 2),
        starts_on=date(2026, 2, 3),
        ends_on=date(2026, 7, 1),
    )
    assert "Bosque de Niebla" in html and "SEP-RP-003/2026" in html
