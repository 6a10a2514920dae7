"""The open-data page in a real browser: reached from the footer, Spanish and English,
axe-core, and a phone."""

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT
from tests.factories import ChallengeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(("lang", "heading"), [("es", "Datos abiertos"), ("en", "Open data")])
def test_the_open_data_page_is_accessible(live_server, page, assert_accessible, lang, heading):
    ChallengeFactory()
    prefix = "" if lang == "es" else "/en"
    page.goto(live_server.url + prefix + "/")
    page.locator(f"footer a[href='{prefix}/datos/']").click()
    page.wait_for_url(live_server.url + prefix + "/datos/")
    assert page.locator("h1").inner_text() == heading
    assert page.locator("table.opendata-dictionary").count() == 2
    assert page.locator("a[href='/datos/retos.csv']").count() == 1
    shoot(page, f"{lang}-opendata")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_open_data_page_fits_a_phone(live_server, phone_page, assert_accessible, lang):
    prefix = "" if lang == "es" else "/en"
    phone_page.goto(live_server.url + prefix + "/datos/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    shoot(phone_page, f"{lang}-phone-opendata")
    if width > PHONE["width"]:
        culprits = phone_page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"the open-data page scrolls sideways on a phone ({width}px): {culprits}")
    assert_accessible(phone_page)
