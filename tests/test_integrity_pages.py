"""The red flags pages: the overview (definitions with their thresholds, counts per indicator,
the table of challenges filtered like the statistics page, both languages), the challenge
page's panel, hostile text shown escaped, and a constant number of queries at two sizes."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from retos.challenges.models import Amendment, Challenge
from retos.challenges.stages import Stage
from retos.decisions.models import Complaint, ComplaintStatus
from retos.evaluation.models import ConflictDeclaration
from retos.organizations.models import Role
from retos.proposals.models import OpeningAct
from tests import complaint_helpers, contract_helpers
from tests.evaluation_helpers import member
from tests.factories import (
    ChallengeFactory,
    DraftChallengeFactory,
    GovernmentBodyFactory,
    MembershipFactory,
    MunicipalBodyFactory,
    StateBodyFactory,
    UserFactory,
)
from tests.lifecycle import ROLES, challenge_in, person
from tests.proposal_helpers import submitted_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    """1 September 2026, so that the windows made here (``made``: 100 days before a deadline
    40 days ago; the factory's: 25 days around now, 16 business days) are the same whatever
    day the suite runs."""
    with time_machine.travel(dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.UTC), tick=False):
        yield


SCRIPT = '<script>alert("x")</script>'
SQL = "'); DROP TABLE challenges_challenge; --"


def made(stage, **fields):
    """``challenge_in(stage)`` published 100 days ago: its window is long (not flagged)."""
    fields.setdefault("published_at", timezone.now() - dt.timedelta(days=100))
    return challenge_in(stage, **fields)


def in_english(challenge) -> str:
    with translation.override("en"):
        return challenge.get_absolute_url()


def url(lang="en", query=""):
    return ("/estadisticas/alertas/" if lang == "es" else "/en/estadisticas/alertas/") + query


def page(client, lang="en", query="") -> str:
    response = client.get(url(lang, query))
    assert response.status_code == 200
    return response.content.decode()


def listed(html: str) -> list[str]:
    """The titles of the challenges in the overview's table, in order."""
    table = html.split('class="table table-stack flags-table"', 1)
    if len(table) < 2:
        return []
    body = table[1].split("</table>", 1)[0]
    return [html_lib.unescape(t) for t in re.findall(r'lang="es-MX">([^<]*)</a></th>', body)]


def opening_act(challenge, bidders: int) -> OpeningAct:
    """A published opening act written directly, counting ``bidders`` proposals."""
    first, second = UserFactory(), UserFactory()
    now = timezone.now()
    return OpeningAct.objects.create(
        challenge=challenge,
        first_officer=first,
        first_confirmed_at=now,
        second_officer=second,
        opened_at=now,
        entries=[],
        proposals_count=bidders,
        withdrawn_count=0,
        sha256="a" * 64,
    )


def amendment(challenge, *, days_before_deadline: int, number: int = 1) -> Amendment:
    return Amendment.objects.create(
        challenge=challenge,
        number=number,
        reason="Se precisa el alcance.",
        changes=[{"field": "summary", "old": "a", "new": "b"}],
        actor=UserFactory(),
        published_at=challenge.submissions_close_at - dt.timedelta(days=days_before_deadline),
    )


def flagged_everything(challenge) -> None:
    """Give a decided challenge every flag: one bidder, a late amendment, an upheld complaint
    against the decision, a conflicted evaluator, an award at the budget (the window is not
    short: see ``made``)."""
    proposals = [contract_helpers.bidder(challenge)[0] for _ in range(2)]
    opening_act(challenge, 1)
    amendment(challenge, days_before_deadline=1)
    conflicted = member(challenge, declared=True)
    for proposal in proposals:
        ConflictDeclaration.objects.create(
            member=conflicted, proposal=proposal, has_conflict=True, note="Socia de la empresa."
        )
    decision = complaint_helpers.decision_for(challenge, winner=proposals[0])
    Complaint.objects.create(
        challenge=challenge,
        decision=decision,
        proposal=proposals[1],
        number=1,
        grounds="Fundamentos.",
        filed_by=UserFactory(),
        status=ComplaintStatus.UPHELD,
        remedy="reevaluate",
        resolved_at=timezone.now(),
    )
    contract_helpers.ready_for_award_transition(challenge)


def grow_to(n: int) -> None:
    """Public challenges at three levels and in several stages, with opening acts (one or two
    bidders), amendments, decisions and conflicted members, up to ``n`` challenges."""
    bodies = [GovernmentBodyFactory(), StateBodyFactory(), MunicipalBodyFactory()]
    stages = [Stage.PUBLISHED, Stage.OPENED, Stage.EVALUATION, Stage.DECIDED]
    while Challenge.objects.count() < n:
        i = Challenge.objects.count()
        stage = stages[i % len(stages)]
        challenge = made(stage, body=bodies[i % 3])
        if stage != Stage.PUBLISHED:
            opening_act(challenge, 1 + i % 2)
        if i % 3 == 0:
            amendment(challenge, days_before_deadline=1 + i % 9)
        if stage == Stage.DECIDED:
            flagged_everything_but_the_act(challenge)


def flagged_everything_but_the_act(challenge) -> None:
    proposals = [contract_helpers.bidder(challenge)[0] for _ in range(2)]
    conflicted = member(challenge, declared=True)
    for proposal in proposals:
        ConflictDeclaration.objects.create(
            member=conflicted, proposal=proposal, has_conflict=True, note="Socia de la empresa."
        )
    complaint_helpers.decision_for(challenge, winner=proposals[0])


# --- The overview ---------------------------------------------------------------------------


def test_the_overview_documents_each_indicator_with_its_threshold(client, settings):
    html = page(client)
    for anchor in (
        "flag-single_bidder",
        "flag-short_window",
        "flag-late_amendment",
        "flag-award_at_budget",
        "flag-complaint_upheld",
        "flag-evaluator_conflicts",
    ):
        assert f'id="{anchor}"' in html
    assert html.count("<dt>What it measures</dt>") == 6
    assert html.count("<dt>Threshold</dt>") == 6
    assert html.count("<dt>Why it matters</dt>") == 6
    assert "A red flag is a prompt to look closer, not proof of wrongdoing." in html
    assert "Fewer than 15 business days: the platform's minimum of 10" in html
    assert "published when 5 business days or fewer were left" in html
    assert "and with at least 2 of them" in html
    assert "Only after the opening act" in html and "Only after the decision" in html
    settings.RETOS_MIN_SUBMISSION_BUSINESS_DAYS = 12
    settings.RETOS_LATE_AMENDMENT_BUSINESS_DAYS = 3
    html = page(client)
    assert "Fewer than 17 business days: the platform's minimum of 12" in html
    assert "published when 3 business days or fewer were left" in html


def test_the_overview_lists_flagged_challenges_with_counts_per_indicator(client):
    decided = made(Stage.DECIDED, title="Reto con todas las alertas")
    flagged_everything(decided)
    two = made(Stage.OPENED, title="Reto con dos licitantes")
    opening_act(two, 2)
    ChallengeFactory(title="Reto recién publicado")
    html = page(client)
    assert "3 public challenges, 1 with at least one red flag." in html
    assert listed(html) == ["Reto con todas las alertas"]
    for title in (
        "Single bidder",
        "Late amendments",
        "Award at exactly the budget",
        "Complaint upheld",
        "Evaluator with conflicts on many bidders",
    ):
        assert f'class="flag-name">{title}</a>' in html
    assert 'class="flag-name">Short submission window</a>' not in html
    # The counts: raised and assessed per indicator.
    counts = re.findall(
        r'<th scope="row"><a href="#flag-(\w+)">[^<]*</a></th>\s*'
        r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>',
        html,
    )
    assert {code: (int(r), int(a)) for code, r, a in counts} == {
        "single_bidder": (1, 2),
        "short_window": (0, 3),
        "late_amendment": (1, 3),
        "award_at_budget": (1, 1),
        "complaint_upheld": (1, 1),
        "evaluator_conflicts": (1, 1),
    }
    assert 'role="img"' in html and "<title id=" in html  # the chart, followed by its table
    # Listing all, or one indicator.
    assert set(listed(page(client, query="?indicator=all"))) == {
        "Reto con todas las alertas",
        "Reto con dos licitantes",
        "Reto recién publicado",
    }
    assert listed(page(client, query="?indicator=single_bidder")) == ["Reto con todas las alertas"]
    assert listed(page(client, query="?indicator=short_window")) == []
    assert "No public challenge matching these filters raises a red flag." in page(
        client, query="?indicator=short_window"
    )


def test_the_overview_filters_by_year_level_and_state(client):
    federal = made(Stage.OPENED, body=GovernmentBodyFactory(), title="Federal")
    state = made(Stage.OPENED, body=StateBodyFactory(), title="Estatal")
    municipal = made(Stage.OPENED, body=MunicipalBodyFactory(), title="Municipal")
    for challenge in (federal, state, municipal):
        opening_act(challenge, 1)
    old = timezone.now() - dt.timedelta(days=800)
    Challenge.objects.filter(pk=federal.pk).update(published_at=old)
    year = timezone.localtime(old).year
    assert listed(page(client, query="?level=municipal")) == ["Municipal"]
    assert set(listed(page(client, query="?state=14"))) == {"Estatal", "Municipal"}
    assert listed(page(client, query=f"?year={year}")) == ["Federal"]
    assert listed(page(client, query="?level=state&indicator=all")) == ["Estatal"]
    # Bad values are ignored, as on the statistics page.
    assert len(listed(page(client, query="?level=nonsense&year=abc&state=99&indicator=x"))) == 3


def test_the_overview_never_lists_drafts_or_challenges_in_review(client):
    draft = DraftChallengeFactory(title="Borrador secreto")
    opening_act(draft, 1)  # impossible through the services; even so, not listed
    html = page(client, query="?indicator=all")
    assert "Borrador secreto" not in html
    assert "0 public challenges, 0 with at least one red flag." in html


def test_the_overview_paginates(client, settings):
    settings.RETOS_PAGE_SIZE = 2
    for i in range(5):
        opening_act(made(Stage.OPENED, title=f"Reto {i}"), 1)
    first = page(client)
    assert len(listed(first)) == 2
    assert "Page 1 of 3" in first
    third = page(client, query="?page=3")
    assert len(listed(third)) == 1
    assert page(client, query="?page=99").count("Page 3 of 3") == 1


def test_the_overview_in_spanish_and_english(client):
    opening_act(made(Stage.OPENED, title="Reto único"), 1)
    es = page(client, "es")
    en = page(client, "en")
    assert '<html lang="es-MX">' in es and '<html lang="en">' in en
    assert "Reto único" in es and "Reto único" in en
    # Strings the catalogue already had: the page is rendered in Spanish.
    assert "Aplicar filtros" in es and "Apply filters" in en
    assert "Red flags" in en
    with translation.override("en"):
        assert reverse("integrity:overview") == "/en/estadisticas/alertas/"
    with translation.override("es-mx"):
        assert reverse("integrity:overview") == "/estadisticas/alertas/"


def test_hostile_text_is_escaped_on_the_overview(client):
    body = GovernmentBodyFactory(name=SQL + SCRIPT)
    challenge = made(Stage.OPENED, body=body, title=SCRIPT + SQL)
    opening_act(challenge, 1)
    for query in ("", "?indicator=all", "?indicator=" + SCRIPT, "?year=1;DROP TABLE&page=<b>"):
        html = page(client, query=query.replace("<", "%3C").replace(">", "%3E"))
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert Challenge.objects.filter(pk=challenge.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_same_overview_and_nothing_sealed(client, role):
    """The page is public and the same for every role: the body's own officials, staff and
    superusers see no draft, no sealed count of proposals and no unpublished declaration."""
    body = GovernmentBodyFactory()
    sealed = ChallengeFactory(body=body, title="Reto con una propuesta sellada")
    submitted_proposal(sealed)
    draft = DraftChallengeFactory(body=body, title="Borrador secreto")
    opening_act(draft, 1)
    judged = made(Stage.FINALISTS, body=body, title="Reto en finalistas")
    proposals = [contract_helpers.bidder(judged)[0] for _ in range(2)]
    conflicted = member(judged, declared=True)
    for proposal in proposals:
        ConflictDeclaration.objects.create(
            member=conflicted, proposal=proposal, has_conflict=True, note="Socia de la empresa."
        )
    user = person(role, body)
    if user.is_authenticated:
        client.force_login(user)
    html = page(client, query="?indicator=all")
    assert "Borrador secreto" not in html
    assert set(listed(html)) == {"Reto con una propuesta sellada", "Reto en finalistas"}
    assert "2 public challenges, 0 with at least one red flag." in html
    assert 'class="flag-name"' not in html
    for code in ("single_bidder", "evaluator_conflicts"):
        assert listed(page(client, query=f"?indicator={code}")) == []
    detail = client.get(in_english(judged)).content.decode()
    assert "<strong>Raised</strong>" not in detail
    assert "Not known until the decision" in detail


# --- The challenge page ---------------------------------------------------------------------


def test_the_challenge_page_shows_every_indicator_with_its_result(client):
    challenge = made(Stage.DECIDED, title="Reto con alertas")
    flagged_everything(challenge)
    html = client.get(in_english(challenge)).content.decode()
    panel = html.split('aria-labelledby="flags-panel-title"', 1)[1].split("</section>", 1)[0]
    assert "5 indicators are raised for this challenge." in panel
    assert panel.count("<strong>Raised</strong>") == 5
    assert "Not raised" in panel
    assert "The opening act counted 1 proposal." in panel
    assert "A panel member declared conflicts with 2 of 2 bidders." in panel
    assert "equals the contract amount" in panel
    assert 'href="/en/estadisticas/alertas/#flag-single_bidder"' in panel


def test_the_challenge_page_before_the_opening_says_what_is_not_known_yet(client):
    challenge = ChallengeFactory()
    html = client.get(in_english(challenge)).content.decode()
    panel = html.split('aria-labelledby="flags-panel-title"', 1)[1].split("</section>", 1)[0]
    assert "No indicator is raised for this challenge so far." in panel
    assert "Not known until the opening act" in panel
    assert "Not known until the decision" in panel
    assert "Raised" not in panel


def test_a_draft_has_no_red_flags_panel_even_for_its_authors(client):
    draft = DraftChallengeFactory()
    author = MembershipFactory(organization=draft.body, role=Role.OFFICIAL).user
    client.force_login(author)
    response = client.get(in_english(draft))
    assert response.status_code == 200
    assert "flags-panel-title" not in response.content.decode()


def test_hostile_text_is_escaped_on_the_challenge_page(client):
    challenge = made(Stage.DECIDED, title=SCRIPT)
    flagged_everything(challenge)
    html = client.get(in_english(challenge)).content.decode()
    assert SCRIPT not in html
    assert "flags-panel-title" in html


# --- Queries --------------------------------------------------------------------------------


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


OVERVIEW_BUDGET = 4  # filter choices (years, states), the annotated challenges, the amendments


@pytest.mark.parametrize(
    "query", ["", "?indicator=all", "?level=municipal&indicator=single_bidder", "?page=2"]
)
def test_the_overview_runs_the_same_queries_with_10_and_60_challenges(client, query):
    grow_to(10)
    small = count_queries(client, url(query=query))
    grow_to(60)
    large = count_queries(client, url(query=query))
    assert small == large <= OVERVIEW_BUDGET, (small, large)


def test_the_challenge_pages_flags_cost_the_same_with_10_and_60_challenges(client):
    from retos.integrity.selectors import challenge_flags

    target = made(Stage.DECIDED)
    flagged_everything(target)
    for extra in (1, 2, 3):
        amendment(target, days_before_deadline=extra + 10, number=extra + 1)
    grow_to(10)
    small = count_queries(client, target.get_absolute_url())
    target = Challenge.objects.select_related("body").get(pk=target.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert challenge_flags(target).raised
    grow_to(60)
    large = count_queries(client, target.get_absolute_url())
    assert small == large, (small, large)
    # The slot's own share: the amendments, the annotated facts, the flagged members.
    assert len(ctx.captured_queries) == 3


def test_amounts_are_shown_in_pesos(client):
    challenge = made(Stage.DECIDED, amount=Decimal("1250000.00"))
    flagged_everything(challenge)
    html = client.get(in_english(challenge)).content.decode()
    assert "$1,250,000.00 MXN" in html
