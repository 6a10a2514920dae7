"""The API's pages in a real browser: the documentation (Spanish and English, a phone) and the
account's tokens (create, see the secret once, revoke), each checked with axe-core."""

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot, sign_in
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_api_documentation_is_accessible(live_server, page, assert_accessible, lang):
    prefix = "" if lang == "es" else "/en"
    page.goto(live_server.url + prefix + "/api/v1/docs/")
    assert page.locator("h1").count() == 1
    assert page.locator("article.api-operation").count() >= 30
    # Nothing but our own server is asked for anything.
    assert page.locator("script").count() == 0
    shoot(page, f"{lang}-api-docs")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_api_documentation_fits_a_phone(live_server, phone_page, assert_accessible, lang):
    prefix = "" if lang == "es" else "/en"
    phone_page.goto(live_server.url + prefix + "/api/v1/docs/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    shoot(phone_page, f"{lang}-phone-api-docs")
    if width > PHONE["width"]:
        culprits = phone_page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"the API documentation scrolls sideways on a phone ({width}px): {culprits}")
    assert_accessible(phone_page)


def test_a_person_creates_sees_once_and_revokes_a_token(live_server, browser, assert_accessible):
    user = UserFactory()
    page = sign_in(browser, live_server, user, next_url="/cuenta/api/")
    assert_accessible(page)
    page.fill("#id_name", "Análisis de datos")
    page.locator("main form button[type='submit']").first.click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("retos_")
    shoot(page, "es-api-token-created")
    assert_accessible(page)
    page.goto(live_server.url + "/cuenta/api/")
    assert secret not in page.content()
    page.get_by_role("button", name="Análisis de datos").click()
    page.wait_for_url(live_server.url + "/cuenta/api/")
    assert page.locator("form[action*='revocar']").count() == 0
    assert_accessible(page)
