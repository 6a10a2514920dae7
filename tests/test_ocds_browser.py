"""The OCDS page in a real browser: reached from the open data page, axe-core, and a phone."""

import pytest

from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT

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


def test_the_ocds_page_is_reached_from_open_data_and_is_accessible(
    live_server, page, assert_accessible
):
    page.goto(live_server.url + "/datos/")
    page.locator("a[href='/ocds/']").click()
    page.wait_for_url(live_server.url + "/ocds/")
    assert page.locator("h1").count() == 1
    assert page.locator("a[href='/ocds/releases.json']").count() == 1
    assert page.locator("#publication-policy").count() == 1
    shoot(page, "es-ocds")
    assert_accessible(page)


def test_the_ocds_page_fits_a_phone(live_server, phone_page, assert_accessible):
    phone_page.goto(live_server.url + "/ocds/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    shoot(phone_page, "es-phone-ocds")
    if width > PHONE["width"]:
        culprits = phone_page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"the OCDS page scrolls sideways on a phone ({width}px): {culprits}")
    assert_accessible(phone_page)
