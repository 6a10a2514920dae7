"""The red flags in a real browser: the overview in Spanish and English (axe-core), its filters
without JavaScript, the challenge page's panel and its links to the definitions, and no
sideways scroll on a phone."""

import pytest

from retos.challenges.stages import Stage
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT
from tests.factories import ChallengeFactory, MunicipalBodyFactory
from tests.test_integrity_pages import flagged_everything, made, opening_act

# The browser tests' fixtures, for this module outside tests/browser/.
browser = browser_fixtures.browser
context = browser_fixtures.context
page = browser_fixtures.page
phone_page = browser_fixtures.phone_page
axe = browser_fixtures.axe
assert_accessible = browser_fixtures.assert_accessible

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG_TITLE = (
    "Plataforma interoperable para la gestión integral de expedientes clínicos electrónicos "
    "en unidades de primer nivel de atención"
)


@pytest.fixture
def data(transactional_db):
    """A decided challenge raising five flags (with a long title), a municipal one with a
    single bidder, and a published one with none."""
    everything = made(Stage.DECIDED, title=LONG_TITLE)
    flagged_everything(everything)
    single = made(Stage.OPENED, body=MunicipalBodyFactory(), title="Mapa abierto de baches")
    opening_act(single, 1)
    ChallengeFactory(title="Reto recién publicado")
    return {"everything": everything, "single": single}


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_overview_is_accessible(live_server, page, data, assert_accessible, prefix):
    page.goto(f"{live_server.url}{prefix}/estadisticas/alertas/")
    assert page.locator("h1").count() == 1
    assert page.get_by_role("img").count() == 1  # the chart of counts
    assert page.get_by_role("table").count() == 2  # its numbers, and the challenges
    assert page.locator(".flag-definitions h3").count() == 6
    shoot(page, f"integrity{prefix.replace('/', '-')}")
    assert_accessible(page)


def test_the_filters_work_without_javascript(live_server, browser, data):
    context = browser.new_context(java_script_enabled=False, locale="en")
    page = context.new_page()
    page.goto(live_server.url + "/en/estadisticas/alertas/")
    rows = page.locator(".flags-table tbody tr")
    assert rows.count() == 2
    page.get_by_label("Jurisdiction level").select_option("municipal")
    page.get_by_label("Challenges listed").select_option("single_bidder")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**indicator=single_bidder**")
    assert rows.count() == 1
    assert "Mapa abierto de baches" in rows.first.inner_text()
    page.get_by_label("Challenges listed").select_option("all")
    page.get_by_label("Jurisdiction level").select_option("")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**indicator=all**")
    assert rows.count() == 3
    context.close()


def test_the_challenge_panel_links_to_the_definitions(live_server, page, data, assert_accessible):
    page.goto(live_server.url + "/en" + data["everything"].get_absolute_url())
    panel = page.locator("section.flags-panel")
    assert panel.get_by_role("listitem").count() == 6
    assert panel.get_by_text("Raised", exact=True).count() == 5
    assert_accessible(page)
    panel.get_by_role("link", name="Single bidder").click()
    page.wait_for_url("**/en/estadisticas/alertas/#flag-single_bidder")
    assert page.locator("#flag-single_bidder").is_visible()


@pytest.mark.parametrize("which", ["overview", "challenge"])
def test_no_sideways_scroll_on_a_phone(live_server, phone_page, data, assert_accessible, which):
    path = (
        "/estadisticas/alertas/?indicator=all"
        if which == "overview"
        else data["everything"].get_absolute_url()
    )
    phone_page.goto(live_server.url + path)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    shoot(phone_page, f"es-phone-integrity-{which}")
    if width > PHONE["width"]:
        culprits = phone_page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"{path} scrolls sideways on a phone ({width}px wide): {culprits}")
    assert_accessible(phone_page)
