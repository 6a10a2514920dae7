"""The open-data page in a real browser: reached from the footer, Spanish and English, every
file and its dictionary with the research methodology, axe-core, and a phone."""

import pytest

from retos.opendata import exports
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
    assert page.locator("table.opendata-dictionary").count() == len(exports.DATASETS)
    for name in exports.DATASETS:
        assert page.locator(f"a[href='/datos/{name}.csv']").count() == 1
        assert page.locator(f"a[href='/datos/{name}.json']").count() == 1
    methodology = page.locator("#research-methodology")
    assert methodology.is_visible()
    assert methodology.evaluate("e => e.tagName") == "H4"
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
