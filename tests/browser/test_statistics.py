"""The statistics page in a real browser: axe-core in Spanish and English, filters without
JavaScript, and no sideways scroll on a phone."""

from decimal import Decimal

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT
from tests.factories import (
    ChallengeFactory,
    CompanyFactory,
    GovernmentBodyFactory,
    MunicipalBodyFactory,
    StateBodyFactory,
)
from tests.proposal_helpers import open_challenge, past_deadline, submitted_proposal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def story(transactional_db):
    """A challenge taken from its opening to a tool another body reuses (the clock now)."""
    from tests.test_statistics_outcomes import story as make_story

    s, _decision = make_story()
    return s


@pytest.fixture
def data(transactional_db):
    """Public challenges at three levels, one of them opened with two proposals; the clock
    stays past the opened one's deadline."""
    ChallengeFactory(
        body=GovernmentBodyFactory(
            name="Instituto Nacional de Salud Pública y Vigilancia Epidemiológica"
        ),
        title=(
            "Plataforma interoperable para la gestión integral de expedientes clínicos "
            "electrónicos en unidades de primer nivel"
        ),
        amount=Decimal("12500000.00"),
    )
    ChallengeFactory(body=MunicipalBodyFactory())
    opened = ChallengeFactory(body=StateBodyFactory(), title="Mapa abierto de baches")
    submitted_proposal(opened, company=CompanyFactory(name="Empresa Uno"))
    submitted_proposal(opened, company=CompanyFactory(name="Empresa Dos"))
    with past_deadline(opened):
        open_challenge(opened)
        yield opened


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_statistics_page_is_accessible(live_server, page, data, assert_accessible, prefix):
    page.goto(f"{live_server.url}{prefix}/estadisticas/")
    assert page.locator("h1").count() == 1
    assert page.get_by_role("img").count() >= 8
    assert page.get_by_role("table").count() >= 8
    shoot(page, f"statistics{prefix.replace('/', '-')}")
    assert_accessible(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_outcomes_are_accessible_from_opening_to_reuse(
    live_server, page, story, assert_accessible, prefix
):
    page.goto(f"{live_server.url}{prefix}/estadisticas/")
    for chart in ("chart-outcomes", "chart-days-to-award", "chart-amounts"):
        assert page.locator(f"svg[aria-labelledby='{chart}-title {chart}-desc']").is_visible()
    assert page.get_by_role("img").count() == page.get_by_role("table").count() == 12
    page.locator("#h-outcomes").scroll_into_view_if_needed()
    shoot(page, f"statistics-outcomes{prefix.replace('/', '-')}")
    assert_accessible(page)


def test_filters_work_without_javascript(live_server, browser, data):
    context = browser.new_context(java_script_enabled=False, locale="es-MX")
    page = context.new_page()
    page.goto(live_server.url + "/en/estadisticas/")
    page.select_option("#id_level", "municipal")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/en/estadisticas/?*level=municipal*")
    assert page.get_by_text("1 public challenge.").is_visible()
    context.close()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_phone_has_no_horizontal_scroll(live_server, phone_page, story, assert_accessible, prefix):
    phone_page.goto(f"{live_server.url}{prefix}/estadisticas/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    shoot(phone_page, f"statistics-phone{prefix.replace('/', '-')}")
    if width > PHONE["width"]:
        culprits = phone_page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"the statistics scroll sideways on a phone ({width}px wide): {culprits}")
    assert_accessible(phone_page)
