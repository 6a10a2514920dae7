"""The decision's pages and rules: the permission matrix (every action × every role × before,
during and after the finalists stage), the approver's decision page, the public decision (page,
PDF, datos.json and their digests), nothing before the decision, hostile input, the challenge
page's panel, and query budgets at two data sizes."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from retos.challenges.stages import Stage
from retos.core import rules
from retos.decisions import services
from retos.decisions.models import Decision, Demo, DemoSlot
from retos.decisions.selectors import decision_summary
from tests.decision_helpers import (
    approver_of,
    finalists_stage,
    official_of,
)
from tests.evaluation_helpers import in_stage
from tests.lifecycle import ROLES, person
from tests.witness_helpers import witness_of

pytestmark = pytest.mark.django_db

EXTRA_ROLES = ["finalist_member", "bidder", "panel_expert", "chair", "committee", "social_witness"]
ALL = set(ROLES) | set(EXTRA_ROLES)
ACTIONS = [
    "demo:submit",
    "demo:view",
    "demo:schedule",
    "demo:agenda",
    "decision:publish",
    "decision:view",
]
OFFICIALS = {"body_official", "body_approver"}
EXPECTED = {
    "before": {
        "demo:submit": set(),
        "demo:view": {"finalist_member"},
        "demo:schedule": set(),
        "demo:agenda": set(),
        # Deserted may be declared during the evaluation (none admissible or above the minimum).
        "decision:publish": {"body_approver"},
        "decision:view": set(),
    },
    "during": {
        "demo:submit": {"finalist_member"},
        "demo:view": {"finalist_member", "committee", "social_witness"} | OFFICIALS,
        "demo:schedule": OFFICIALS,
        "demo:agenda": {"committee", "social_witness"} | OFFICIALS,
        "decision:publish": {"body_approver"},
        "decision:view": set(),
    },
    "after": {
        "demo:submit": set(),
        "demo:view": ALL,
        "demo:schedule": set(),
        "demo:agenda": ALL,
        "decision:publish": set(),
        "decision:view": ALL,
    },
}


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


def actor_for(role, s):
    if role in ROLES:
        return person(role, s.challenge.body)
    return {
        "finalist_member": lambda: s.members[s.finalists[0].pk],
        "bidder": lambda: s.members[s.proposals[-1].pk],
        "panel_expert": lambda: next(m for m in s.experts if not m.is_chair).user,
        "chair": lambda: s.chair.user,
        "committee": lambda: s.committee[0].user,
        "social_witness": lambda: witness_of(s.challenge),
    }[role]()


def reasons_for(s, winner):
    return {p.pk: f"Motivo para {p.company.name}." for p in s.proposals if p != winner}


def publish(s, winner="first", **kwargs):
    winner = s.finalists[0] if winner == "first" else winner
    return services.decision_publish(
        challenge=s.challenge,
        actor=kwargs.get("actor") or approver_of(s.challenge),
        winner=winner,
        justification=kwargs.get("justification", "La mejor demostración."),
        reasons=kwargs.get("reasons") or reasons_for(s, winner),
    )


def situation_in(stage_name):
    s = finalists_stage(3, finalists=2, committee=1)
    if stage_name == "before":
        in_stage(s.challenge, Stage.EVALUATION)
    elif stage_name == "after":
        publish(s)
    s.challenge.refresh_from_db()
    return s


def objects_for(action, s):
    """The rules on a proposal take the first finalist; the others, the challenge."""
    return s.finalists[0] if action in ("demo:submit", "demo:view") else s.challenge


# --- The matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage_name", ["before", "during", "after"])
def test_the_permission_matrix(stage_name):
    s = situation_in(stage_name)
    actors = {role: actor_for(role, s) for role in sorted(ALL)}
    table = {
        action: {
            role for role, user in actors.items() if rules.can(user, action, objects_for(action, s))
        }
        for action in ACTIONS
    }
    assert table == EXPECTED[stage_name]


@pytest.mark.parametrize("stage_name", ["before", "during", "after"])
def test_the_pages_follow_the_matrix(client, stage_name):
    s = situation_in(stage_name)
    finalist = s.finalists[0]
    pages = {
        "demo:view": url("decisions:demo", public_id=finalist.public_id),
        "demo:agenda": url("decisions:agenda", slug=s.challenge.slug),
        "decision:view": url("decisions:public", slug=s.challenge.slug),
    }
    expected_data = EXPECTED[stage_name]["decision:view"]
    for role in sorted(ALL):
        user = actor_for(role, s)
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        for action, page in pages.items():
            status = client.get(page).status_code
            want = 200 if role in EXPECTED[stage_name][action] else 404
            assert status == want, (role, action, status)
        for name in ("decisions:data", "decisions:pdf"):
            status = client.get(url(name, slug=s.challenge.slug)).status_code
            assert status == (200 if role in expected_data else 404), (role, name)
        decide = client.get(url("decisions:decide", slug=s.challenge.slug)).status_code
        if role == "anonymous":
            assert decide == 302
        else:
            assert decide == (200 if role == "body_approver" else 404), (role, decide)


@pytest.mark.parametrize("stage_name", ["before", "during", "after"])
def test_the_services_refuse_every_role_the_matrix_refuses(stage_name):
    s = situation_in(stage_name)
    finalist = s.finalists[0]
    start = timezone.now() + timedelta(days=3)
    calls = {
        "demo:submit": lambda user: services.demo_submit(
            proposal=finalist,
            actor=user,
            demo_url="https://demo.example.org/",
            repository_url="https://git.example.org/",
        ),
        "demo:schedule": lambda user: services.demo_slot_schedule(
            proposal=finalist,
            actor=user,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            location="Sala",
        ),
        "decision:publish": lambda user: services.decision_publish(
            challenge=s.challenge,
            actor=user,
            winner=None,
            justification="Desierto.",
            reasons=reasons_for(s, None),
        ),
    }
    decisions = Decision.objects.count()
    for action, call in calls.items():
        for role in sorted(ALL - EXPECTED[stage_name][action]):
            with pytest.raises(PermissionDenied):
                call(actor_for(role, s))
    assert Demo.objects.count() == 0
    assert DemoSlot.objects.count() == 0
    assert Decision.objects.count() == decisions


# --- The approver's page ----------------------------------------------------------------------


def decision_post(s, winner, **overrides):
    data = {
        "outcome": "winner" if winner else "deserted",
        "justification": "La propuesta ganadora resolvió el problema.",
        "confirm": "on",
    }
    if winner:
        data["winner"] = str(winner.public_id)
    for p in s.proposals:
        if p != winner:
            data[f"reason_{p.public_id.hex}"] = f"Motivo para {p.company.name}."
    data.update(overrides)
    return data


def test_the_approver_publishes_from_the_page(client):
    s = finalists_stage(3, finalists=2)
    client.force_login(approver_of(s.challenge))
    page = url("decisions:decide", slug=s.challenge.slug)
    body = client.get(page).content.decode()
    for finalist in s.finalists:
        assert f'value="{finalist.public_id}"' in body
    assert f'value="{s.proposals[2].public_id}"' not in body  # not a finalist: not a choice
    response = client.post(page, decision_post(s, s.finalists[1]))
    assert response.status_code == 302
    assert response["Location"] == url("decisions:public", slug=s.challenge.slug)
    decision = Decision.objects.get()
    assert decision.winner == s.finalists[1]
    assert decision.reasons.count() == 2


def test_the_page_asks_for_each_missing_reason_on_its_field(client):
    s = finalists_stage(3, finalists=2)
    client.force_login(approver_of(s.challenge))
    missing = s.proposals[2]
    response = client.post(
        url("decisions:decide", slug=s.challenge.slug),
        decision_post(s, s.finalists[0], **{f"reason_{missing.public_id.hex}": " "}),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'href="#id_reason_{missing.public_id.hex}"' in body
    assert "was not selected" in body
    assert not Decision.objects.exists()


def test_the_page_requires_the_confirmation_and_a_winner(client):
    s = finalists_stage(2, finalists=2)
    client.force_login(approver_of(s.challenge))
    page = url("decisions:decide", slug=s.challenge.slug)
    data = decision_post(s, s.finalists[0])
    del data["confirm"]
    assert client.post(page, data).status_code == 400
    data = decision_post(s, s.finalists[0])
    del data["winner"]
    response = client.post(page, data)
    assert response.status_code == 400
    assert "Choose the winner among the finalists." in response.content.decode()
    assert not Decision.objects.exists()


def test_the_page_offers_only_deserted_when_none_reaches_the_minimum(client):
    s = finalists_stage(2, finalists=0, values=[5, 4])
    client.force_login(approver_of(s.challenge))
    page = url("decisions:decide", slug=s.challenge.slug)
    body = client.get(page).content.decode()
    assert 'value="winner"' not in body
    assert "must be declared deserted" in body
    response = client.post(page, decision_post(s, None))
    assert response.status_code == 302
    s.challenge.refresh_from_db()
    assert s.challenge.stage == Stage.DESERTED


def test_an_oversized_justification_is_refused_by_the_page(client):
    s = finalists_stage(2, finalists=1)
    client.force_login(approver_of(s.challenge))
    response = client.post(
        url("decisions:decide", slug=s.challenge.slug),
        decision_post(s, s.finalists[0], justification="x" * (services.JUSTIFICATION_MAX + 1)),
    )
    assert response.status_code == 400
    assert not Decision.objects.exists()


# --- The public decision ----------------------------------------------------------------------


def test_nothing_of_the_decision_shows_before_it(client):
    s = finalists_stage(3, finalists=2)
    for name in ("decisions:public", "decisions:pdf", "decisions:data"):
        assert client.get(url(name, slug=s.challenge.slug)).status_code == 404
    detail = client.get(s.challenge.get_absolute_url()).content.decode()
    for m in s.experts:
        assert f"Justificación {m.pk}" not in detail
        assert m.full_name not in detail


def test_the_public_page_shows_the_whole_record(client):
    s = finalists_stage(3, finalists=2, committee=1)
    finalist = s.finalists[0]
    services.demo_submit(
        proposal=finalist,
        actor=s.members[finalist.pk],
        demo_url="https://demo.example.org/ganadora",
        repository_url="https://git.example.org/ganadora",
    )
    decision = publish(s)
    body = client.get(url("decisions:public", slug=s.challenge.slug)).content.decode()
    assert finalist.company.name in body
    assert "La mejor demostración." in body
    for p in s.proposals[1:]:
        assert f"Motivo para {p.company.name}." in body
    for m in s.experts + s.committee:
        assert m.full_name in body
    for m in s.experts:
        assert f"Justificación {m.pk}" in body
    assert "https://demo.example.org/ganadora" in body
    assert "Conflict-of-interest declarations" in body
    assert decision.record_sha256 in body
    for criterion in s.challenge.criteria.all():
        assert criterion.name in body
    assert "<caption" in body and 'scope="col"' in body
    assert f"/retos/{s.challenge.slug}/inconformidades/" in body


def test_datos_json_is_the_canonical_record_whose_sha256_is_published(client):
    s = finalists_stage(2, finalists=1)
    decision = publish(s)
    response = client.get(url("decisions:data", slug=s.challenge.slug))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    digest = hashlib.sha256(response.content).hexdigest()
    assert digest == decision.record_sha256
    assert base64.b64decode(response["Repr-Digest"].split(":")[1]).hex() == digest
    from retos.ledger.models import Event

    assert Event.objects.get(action="decision.published").payload["record_sha256"] == digest


def test_the_pdf_download_is_the_stored_file(client):
    s = finalists_stage(2, finalists=1)
    decision = publish(s)
    response = client.get(url("decisions:pdf", slug=s.challenge.slug))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == decision.pdf_sha256


def test_hostile_input_is_stored_and_shown_escaped(client):
    s = finalists_stage(2, finalists=1)
    expert = s.experts[1]
    expert.full_name = '<script>alert("experto")</script>'
    expert.save(update_fields=["full_name"])
    finalist = s.finalists[0]
    services.demo_submit(
        proposal=finalist,
        actor=s.members[finalist.pk],
        demo_url="https://demo.example.org/",
        repository_url="https://git.example.org/",
        notes='<img src=x onerror=alert("nota")>',
    )
    hostile = "<script>alert('fallo')</script> '; DROP TABLE decisions_decision; --"
    decision = publish(
        s,
        justification=hostile,
        reasons={s.proposals[1].pk: '<b onmouseover="alert(1)">motivo</b>'},
    )
    assert decision.justification == hostile.strip()
    body = client.get(url("decisions:public", slug=s.challenge.slug)).content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "<b onmouseover" not in body
    assert "&lt;script&gt;alert(&#x27;fallo&#x27;)&lt;/script&gt;" in body
    assert "&lt;script&gt;alert(&quot;experto&quot;)&lt;/script&gt;" in body
    assert Decision.objects.count() == 1


def test_a_voided_decision_stays_public_and_says_so(client):
    s = finalists_stage(2, finalists=1)
    decision = publish(s)
    decision.voided_at = timezone.now()
    decision.void_reason = "Inconformidad procedente: se reevalúa."
    decision.save(update_fields=["voided_at", "void_reason"])
    body = client.get(url("decisions:public", slug=s.challenge.slug)).content.decode()
    assert "This decision was voided" in body
    assert "Inconformidad procedente" in body


# --- The challenge page's panel ---------------------------------------------------------------


def test_the_panel_shows_the_winner_and_the_links_after_the_decision(client):
    s = finalists_stage(2, finalists=1)
    publish(s)
    s.challenge.refresh_from_db()
    summary = decision_summary(person("anonymous", None), s.challenge)
    assert summary["decision"].winner == s.finalists[0]
    body = client.get(s.challenge.get_absolute_url()).content.decode()
    assert url("decisions:public", slug=s.challenge.slug).removeprefix("/en") in body


def test_the_panel_shows_demos_to_officials_and_own_demo_to_a_finalist():
    s = finalists_stage(3, finalists=2)
    finalist = s.finalists[0]
    services.demo_submit(
        proposal=finalist,
        actor=s.members[finalist.pk],
        demo_url="https://demo.example.org/",
        repository_url="https://git.example.org/",
    )
    official = decision_summary(official_of(s.challenge), s.challenge)
    assert [f["proposal"] for f in official["finalists"]] == s.finalists
    assert official["finalists"][0]["demo"].demo_url == "https://demo.example.org/"
    own = decision_summary(s.members[finalist.pk], s.challenge)
    assert own["own"]["proposal"] == finalist and "finalists" not in own
    assert decision_summary(s.members[s.proposals[2].pk], s.challenge) is None
    assert decision_summary(person("anonymous", None), s.challenge) is None
    assert decision_summary(approver_of(s.challenge), s.challenge)["can_decide"]


# --- Query budgets ----------------------------------------------------------------------------


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _page_counts(client, s) -> dict:
    finalist = s.finalists[0]
    official = official_of(s.challenge)
    approver = approver_of(s.challenge)
    counts = {}
    client.force_login(s.members[finalist.pk])
    counts["demo"] = _count(lambda: client.get(url("decisions:demo", public_id=finalist.public_id)))
    client.force_login(official)
    counts["agenda"] = _count(lambda: client.get(url("decisions:agenda", slug=s.challenge.slug)))
    counts["summary"] = _count(lambda: decision_summary(official, s.challenge))
    client.force_login(approver)
    counts["decide"] = _count(lambda: client.get(url("decisions:decide", slug=s.challenge.slug)))
    publish(s)
    s.challenge.refresh_from_db()
    client.logout()
    counts["public"] = _count(lambda: client.get(url("decisions:public", slug=s.challenge.slug)))
    counts["data"] = _count(lambda: client.get(url("decisions:data", slug=s.challenge.slug)))
    counts["summary_after"] = _count(
        lambda: decision_summary(person("anonymous", None), s.challenge)
    )
    return counts


BUDGETS = {
    "demo": 9,
    "agenda": 9,
    "summary": 5,
    "decide": 15,
    "public": 2,
    "data": 2,
    "summary_after": 1,
}


def _with_demos_and_slots(s):
    official = official_of(s.challenge)
    start = timezone.now() + timedelta(days=3)
    for i, finalist in enumerate(s.finalists):
        for _ in range(2):
            services.demo_submit(
                proposal=finalist,
                actor=s.members[finalist.pk],
                demo_url=f"https://demo.example.org/{i}",
                repository_url=f"https://git.example.org/{i}",
            )
        services.demo_slot_schedule(
            proposal=finalist,
            actor=official,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=45),
            location=f"Sala {i}",
        )
    return s


def test_the_pages_cost_the_same_queries_at_two_data_sizes(client):
    small = _page_counts(client, _with_demos_and_slots(finalists_stage(2, finalists=1)))
    large = _page_counts(
        client, _with_demos_and_slots(finalists_stage(6, finalists=5, experts=5, committee=3))
    )
    assert small == large
    for page, budget in BUDGETS.items():
        assert large[page] <= budget, (page, large[page])


def test_after_a_voided_decision_the_panel_shows_the_new_finalists_and_the_way_to_decide():
    from tests.decision_helpers import confirm_finalists

    s = finalists_stage(3, finalists=1)
    decision = publish(s)
    decision.voided_at = timezone.now()
    decision.void_reason = "Inconformidad procedente."
    decision.save(update_fields=["voided_at", "void_reason"])
    s.challenge.finalist_selections.update(voided_at=timezone.now(), void_reason="Reevaluación.")
    in_stage(s.challenge, Stage.EVALUATION)
    confirm_finalists(s.challenge, s.proposals[1:3])
    official = decision_summary(official_of(s.challenge), s.challenge)
    assert official["decision"] == decision  # still public, marked as voided
    assert [f["proposal"] for f in official["finalists"]] == s.proposals[1:3]
    assert decision_summary(approver_of(s.challenge), s.challenge)["can_decide"]
