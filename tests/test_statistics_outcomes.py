"""The statistics after the opening act: from proposals to reuse (finalists, winners,
deliveries, reuse), amounts published against awarded, days from publication to award — each
counting only what is public and while it stands; the filters; the link to the red flags;
a constant number of queries at two data sizes."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from retos.contracts import services as contract_services
from retos.contracts.models import Award
from retos.decisions.models import Decision
from retos.organizations.models import Role
from retos.statistics import selectors
from retos.statistics.charts import Bar, Group, grouped_bar_chart
from tests.complaint_helpers import SCRIPT, bidder
from tests.contract_helpers import REPOSITORY, valid_publiccode
from tests.decision_helpers import approver_of
from tests.factories import MembershipFactory, MunicipalBodyFactory
from tests.test_opendata_outcomes import award_and_pay, publish, scored

pytestmark = pytest.mark.django_db


def url(lang="en", query=""):
    return ("/estadisticas/" if lang == "es" else "/en/estadisticas/") + query


def outcomes(filters=None) -> dict:
    with translation.override("en"):
        stats = selectors.public_statistics(filters or selectors.Filters())
    return dict(stats.outcomes)


def deliver_and_reuse(s, decision, *, reuses: int = 1):
    """After ``award_and_pay``: the supplier delivers, the agency accepts (the challenge is
    completed and its tool enters the catalog), and ``reuses`` other bodies report reusing it."""
    challenge = s.challenge
    with time_machine.travel(decision.complaints_close_at + timedelta(days=2), tick=False):
        delivery = contract_services.delivery_submit(
            challenge=challenge,
            actor=bidder(s.finalists[0]),
            repository_url=REPOSITORY,
            licence=challenge.licences[0],
            publiccode_yml=valid_publiccode(),
        )
        contract_services.delivery_review(
            delivery=delivery, actor=approver_of(challenge), accept=True
        )
        entry = challenge.catalog_entry
        for _ in range(reuses):
            body = MunicipalBodyFactory()
            official = MembershipFactory(organization=body, role=Role.OFFICIAL).user
            contract_services.reuse_report(
                entry=entry, body=body, actor=official, note="Lo usamos en el municipio."
            )
    challenge.refresh_from_db()


def story(*, deliver: bool = True, reuses: int = 1):
    """A challenge taken from its opening (three proposals) to a reused tool."""
    s = scored()
    decision = publish(s)
    award_and_pay(s, decision)
    if deliver:
        deliver_and_reuse(s, decision, reuses=reuses)
    return s, decision


# --- From proposals to reuse ------------------------------------------------------------------


def test_the_way_from_proposals_to_reuse_counts_each_public_step():
    scored()  # finalists confirmed, no decision yet
    assert outcomes() == {
        "Proposals counted at the opening acts": 3,
        "Finalists confirmed": 2,
        "Winners (decision in force)": 0,
        "Delivered (final delivery accepted)": 0,
        "Reused by another government body": 0,
    }
    story(reuses=2)
    assert outcomes() == {
        "Proposals counted at the opening acts": 6,
        "Finalists confirmed": 4,
        "Winners (decision in force)": 1,
        "Delivered (final delivery accepted)": 1,
        "Reused by another government body": 1,
    }
    stats = selectors.public_statistics(selectors.Filters())
    assert stats.reuse_reports == 2


def test_a_voided_decision_is_no_winner():
    s = scored()
    decision = publish(s)
    assert outcomes()["Winners (decision in force)"] == 1
    Decision.objects.filter(pk=decision.pk).update(
        voided_at=timezone.now(), void_reason="Inconformidad procedente."
    )
    assert outcomes()["Winners (decision in force)"] == 0


def test_the_filters_apply_to_every_step():
    s, _decision = story()
    assert outcomes(selectors.Filters(level="municipal"))["Winners (decision in force)"] == 0
    assert (
        outcomes(selectors.Filters(level=s.challenge.body.level))[
            "Reused by another government body"
        ]
        == 1
    )
    year = s.challenge.published_at.year
    assert outcomes(selectors.Filters(year=year - 1))["Proposals counted at the opening acts"] == 0


# --- Amounts and days ---------------------------------------------------------------------------


def test_amounts_published_against_awarded_and_days_to_award():
    s, _decision = story(deliver=False)
    scored()  # a second challenge, published the same year, not awarded
    stats = selectors.public_statistics(selectors.Filters())
    [row] = stats.amounts
    assert row.challenges == 2
    assert row.published == 2 * s.challenge.amount
    assert (row.awarded, row.awards) == (Decimal("1000000.00"), 1)
    award = Award.objects.get(challenge=s.challenge)
    published_day = timezone.localtime(s.challenge.published_at).date()
    [(challenge, days)] = stats.days_to_award
    assert challenge == s.challenge
    assert days == (award.awarded_on - published_day).days
    assert days > 40  # published 40 days before the opening, awarded after the window
    assert stats.days_to_award_median == days


def test_the_page_shows_the_new_charts_each_with_its_table(client):
    s, _decision = story()
    html = client.get(url()).content.decode()
    for chart in ("chart-outcomes", "chart-days-to-award", "chart-amounts"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert html.count("<svg") == html.count("<caption>") == 12
    amounts = html.split('id="h-amounts"', 1)[1].split("</section>", 1)[0]
    assert "Published: " in amounts and "Awarded: " in amounts  # series named in text
    assert "$1,000,000.00" in amounts
    assert f'href="/en/retos/{s.challenge.slug}/contrato/"' in html
    assert "1 reuse reported in the catalog." in html
    assert "From proposals to reuse" in html


def test_the_grouped_chart_escapes_its_labels():
    svg = grouped_bar_chart(
        chart_id="c",
        title=SCRIPT,
        desc="d",
        series=["<b>A</b>", "B"],
        groups=[Group(SCRIPT, [Bar("A", 1, "<i>1</i>"), Bar("B", 0, "0")])],
    )
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg
    assert svg.count("<rect x=") == 2
    assert 'width="0"' in svg  # a zero stays a zero-length bar, its number written


# --- The red flags ------------------------------------------------------------------------------


def test_the_page_links_to_the_red_flags_when_they_exist(client):
    html = client.get(url()).content.decode()
    try:
        with translation.override("en"):
            address = reverse("integrity:overview")
    except NoReverseMatch:
        assert "Red flags" not in html
    else:
        assert f'href="{address}"' in html
    assert 'href="/en/datos/"' in html


# --- Query budget -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3])
def test_query_count_is_constant_with_the_outcomes(client, size, django_assert_max_num_queries):
    for _ in range(size):
        story()
    scored()
    with django_assert_max_num_queries(6):
        assert client.get(url()).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(url(query="?level=federal")).status_code == 200
    html = client.get(url()).content.decode()
    assert re.search(rf"Reused by another government body</th><td class=\"num\">{size}<", html)
