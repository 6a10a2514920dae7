"""The public statistics page: the numbers, the seal on unopened proposals, filters, accessibility
markup, both languages and a constant number of queries."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from retos.challenges.stages import Stage
from retos.statistics import selectors
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    DraftChallengeFactory,
    GovernmentBodyFactory,
    MunicipalBodyFactory,
    StateBodyFactory,
    in_days,
)
from tests.proposal_helpers import open_challenge, past_deadline, submitted_proposal

pytestmark = pytest.mark.django_db


def url(lang="en", query=""):
    """The page's address: Spanish at the root, English under /en/."""
    return ("/estadisticas/" if lang == "es" else "/en/estadisticas/") + query


@pytest.fixture
def world():
    """Three public challenges (federal, state, municipal), one draft; the state one is opened
    with two proposals, the municipal one has a proposal but no opening act. The clock stays
    just past their deadline while the test runs."""
    federal = GovernmentBodyFactory(name="Secretaría Federal de Pruebas")
    state = StateBodyFactory(name="Gobierno de Jalisco de Pruebas")
    municipal = MunicipalBodyFactory(name="Ayuntamiento de Guadalajara de Pruebas")
    open_one = ChallengeFactory(body=federal, title="Reto abierto", amount=Decimal("1000000"))
    opened = ChallengeFactory(body=state, title="Reto con apertura", amount=Decimal("2000000"))
    sealed = ChallengeFactory(body=municipal, title="Reto sellado", amount=Decimal("1500000"))
    DraftChallengeFactory(body=federal, title="Borrador secreto", amount=Decimal("9000000"))
    submitted_proposal(opened, company=CompanyFactory(name="Empresa Uno"))
    submitted_proposal(opened, company=CompanyFactory(name="Empresa Dos"))
    submitted_proposal(sealed, company=CompanyFactory(name="Empresa Sellada"))
    # The open challenge keeps its deadline ahead even after the travel below.
    open_one.submissions_close_at = in_days(60)
    open_one.evaluation_ends_at = in_days(70)
    open_one.demo_day_at = in_days(80)
    open_one.decision_at = in_days(90)
    open_one.save()
    with past_deadline(opened):
        open_challenge(opened)
        yield {"open": open_one, "opened": opened, "sealed": sealed}


def test_counts_only_public_challenges_by_stage_body_level_and_state(world):
    stats = selectors.public_statistics(selectors.Filters())
    assert stats.total == 3
    with translation.override("en"):
        stats = selectors.public_statistics(selectors.Filters())
    assert dict(stats.by_stage) == {"Published": 1, "Closed": 1, "Opened": 1}
    assert dict(stats.by_level) == {"Federal": 1, "State": 1, "Municipal": 1}
    assert dict(stats.by_state) == {"Jalisco": 2, "Federal (no state)": 1}
    assert "Borrador secreto" not in dict(stats.by_body)
    [amounts] = stats.amounts
    assert (amounts.published, amounts.challenges) == (Decimal("4500000"), 3)
    assert (amounts.awarded, amounts.awards) == (Decimal(0), 0)
    assert stats.funnel == [
        ("Published", 3),
        ("Submission deadline passed", 2),
        ("Proposals opened (opening act published)", 1),
    ]


def test_counts_proposals_only_from_published_opening_acts(world):
    stats = selectors.public_statistics(selectors.Filters())
    assert [(c.title, n) for c, n in stats.proposals] == [("Reto con apertura", 2)]
    assert stats.proposals_total == 2
    assert sum(n for _label, n in stats.sme) == 2
    assert dict(stats.bidder_states) == {"Ciudad de México": 2}
    assert [(c.title, d) for c, d in stats.days_to_opening] == [("Reto con apertura", 25)]


def test_page_shows_no_trace_of_proposals_to_unopened_challenges(client):
    challenge = ChallengeFactory(title="Reto recién publicado")
    before = client.get(url("es"))
    assert before.status_code == 200
    before = before.content.decode()
    submitted_proposal(challenge, company=CompanyFactory(name="Empresa Discreta"))
    after = client.get(url("es")).content.decode()
    # The CSRF-free page carries no time of its own: it is byte for byte the same.
    assert before == after
    assert "Empresa Discreta" not in after


def test_sealed_challenge_shows_no_proposal_count(client, world):
    html = client.get(url()).content.decode()
    assert "Reto con apertura" in html
    assert "Reto sellado" not in html  # only opened challenges are listed by name
    assert "Empresa Sellada" not in html
    assert "Borrador secreto" not in html
    assert "9,000,000" not in html


def test_filters_by_year_level_and_state(world):
    stats = selectors.public_statistics(selectors.Filters(level="municipal"))
    assert stats.total == 1 and not stats.proposals
    from retos.organizations.models import State

    stats = selectors.public_statistics(selectors.Filters(state=State.objects.get(code="14")))
    assert stats.total == 2 and stats.proposals_total == 2
    year = world["open"].published_at.year
    assert selectors.public_statistics(selectors.Filters(year=year)).total == 3
    assert selectors.public_statistics(selectors.Filters(year=year - 1)).total == 0


def test_filter_form_works_from_the_query_string_and_ignores_bad_values(client, world):
    html = client.get(url(query="?level=municipal&state=&year=")).content.decode()
    assert "1 public challenge." in html
    html = client.get(url(query="?level=nonsense&year=abc&state=99")).content.decode()
    assert "3 public challenges." in html


def test_charts_are_accessible_svg_followed_by_tables(client, world):
    html = client.get(url()).content.decode()
    svgs = re.findall(r"<svg [^>]*>", html)
    assert len(svgs) == 11  # the ten before, and the way from proposals to reuse
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg
    assert html.count("<title id=") == 11 and html.count("<desc id=") == 11
    assert html.count("<table") == 11 and html.count("<caption>") == 11
    assert 'scope="row"' in html and 'scope="col"' in html
    assert "later releases" not in html
    assert "None of these challenges has been awarded yet." in html


def test_renders_in_spanish_and_english(client, world):
    es = client.get(url("es"))
    en = client.get(url("en"))
    assert es.status_code == en.status_code == 200
    assert "Estadísticas" in es.content.decode()
    assert "Statistics" in en.content.decode()
    with translation.override("en"):
        assert reverse("statistics:index") == "/en/estadisticas/"


def test_empty_site_says_so(client):
    html = client.get(url()).content.decode()
    assert "0 public challenges." in html
    assert "<svg" not in html


def _make(n):
    bodies = [GovernmentBodyFactory(), StateBodyFactory(), MunicipalBodyFactory()]
    for i in range(n):
        ChallengeFactory(body=bodies[i % 3], published_at=in_days(-5 - 400 * (i % 2)))


@pytest.mark.parametrize("size", [5, 40])
def test_query_count_is_constant(client, size, django_assert_max_num_queries):
    _make(size)
    challenge = ChallengeFactory()
    submitted_proposal(challenge)
    submitted_proposal(challenge)
    with past_deadline(challenge):
        open_challenge(challenge)
        with django_assert_max_num_queries(6):
            assert client.get(url()).status_code == 200
        with django_assert_max_num_queries(6):
            assert client.get(url(query="?level=state")).status_code == 200


def test_current_stage_counts_a_challenge_past_its_deadline_as_closed():
    ChallengeFactory(
        published_at=in_days(-30),
        questions_close_at=in_days(-20),
        submissions_close_at=in_days(-1),
        evaluation_ends_at=in_days(10),
        demo_day_at=in_days(11),
        decision_at=in_days(12),
        delivery_at=in_days(100),
    )
    with translation.override("en"):
        stats = selectors.public_statistics(selectors.Filters())
        assert dict(stats.by_stage) == {str(Stage.CLOSED.label): 1}
