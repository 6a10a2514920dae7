"""The ranking and finalists pages in a real browser: axe-core in Spanish and English, the
confirmation without JavaScript, and no sideways scroll on a phone."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import log_in, shoot
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT
from tests.ranking_helpers import approver_of, scored_challenge

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def evaluated(transactional_db):
    """Four proposals scored by three experts: one flagged for discussion, one below the
    minimum."""
    challenge, proposals, members = scored_challenge(
        [8, [9, 5, 7], 7, 4], finalists_count=2, title="Mapa abierto de baches"
    )
    return challenge, proposals, members, approver_of(challenge)


def _no_sideways_scroll(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        culprits = page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"{what} scrolls sideways on a phone ({width}px wide): {culprits}")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_ranking_and_confirmation_pages_are_accessible(
    live_server, page, evaluated, assert_accessible, prefix
):
    challenge, _proposals, _members, approver = evaluated
    ranking = f"{prefix}/retos/{challenge.slug}/evaluacion/ranking/"
    log_in(page, live_server, approver, next_url=ranking)
    assert page.locator("h1").count() == 1
    page.locator("details.ranking-detail summary").first.click()
    shoot(page, f"ranking{prefix.replace('/', '-')}")
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/retos/{challenge.slug}/finalistas/confirmar/")
    shoot(page, f"finalists-confirm{prefix.replace('/', '-')}")
    assert_accessible(page)


def test_the_chair_sees_labels_and_the_page_is_accessible(
    live_server, page, evaluated, assert_accessible
):
    challenge, proposals, (chair, *_rest), _approver = evaluated
    log_in(page, live_server, chair.user, next_url=f"/retos/{challenge.slug}/evaluacion/ranking/")
    text = page.locator("main").inner_text()
    assert not any(p.company.name in text for p in proposals)
    assert_accessible(page)


def test_confirming_works_without_javascript_and_errors_are_linked(live_server, browser, evaluated):
    challenge, (p1, p2, p3, _p4), _members, approver = evaluated
    context = browser.new_context(java_script_enabled=False, locale="es-MX")
    page = context.new_page()
    url = f"/en/retos/{challenge.slug}/finalistas/confirmar/"
    log_in(page, live_server, approver, next_url=url)
    # Deviate (the third instead of the second) without a justification: refused, linked.
    page.get_by_label(f"{p2.company.name} (rank", exact=False).select_option("0")
    page.get_by_label(f"{p3.company.name} (rank", exact=False).select_option("2")
    page.get_by_role("button", name="Confirm the finalists").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    summary.get_by_role("link").first.click()
    page.get_by_label("Justification (published)", exact=False).fill(
        "La tercera propuesta presentó un prototipo probado con usuarios."
    )
    page.get_by_role("button", name="Confirm the finalists").click()
    # Back on the challenge page (the browser keeps the fragment of the error link).
    page.wait_for_url(re.compile(rf"/en/retos/{challenge.slug}/(#.*)?$"))
    panel = page.locator(".finalists-panel")
    assert p1.company.name in panel.inner_text() and p3.company.name in panel.inner_text()
    assert "prototipo probado" in panel.inner_text()
    context.close()


def test_a_refused_confirmation_is_accessible(live_server, page, evaluated, assert_accessible):
    challenge, (_p1, p2, _p3, _p4), _members, approver = evaluated
    log_in(page, live_server, approver, next_url=f"/retos/{challenge.slug}/finalistas/confirmar/")
    page.get_by_label(f"{p2.company.name} (", exact=False).select_option("0")
    page.locator("main form button[type='submit']").click()
    assert page.locator(".error-summary").is_visible()
    shoot(page, "finalists-confirm-refused")
    assert_accessible(page)
    page.goto(f"{live_server.url}/retos/{challenge.slug}/")
    assert page.locator(".finalists-panel").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_ranking_fits_a_phone(live_server, phone_page, evaluated, assert_accessible, prefix):
    challenge, _proposals, _members, approver = evaluated
    url = f"{prefix}/retos/{challenge.slug}/evaluacion/ranking/"
    log_in(phone_page, live_server, approver, next_url=url)
    for summary in phone_page.locator("details.ranking-detail summary").all():
        summary.click()
    shoot(phone_page, f"ranking-phone{prefix.replace('/', '-')}")
    _no_sideways_scroll(phone_page, "the ranking")
    assert_accessible(phone_page)
    phone_page.goto(f"{live_server.url}{prefix}/retos/{challenge.slug}/finalistas/confirmar/")
    _no_sideways_scroll(phone_page, "the confirmation page")
    assert_accessible(phone_page)
