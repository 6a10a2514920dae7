"""The transparency page in a real browser: Spanish and English, axe-core, and a phone."""

import pytest
from django.db import transaction

from retos.ledger.services import event_record
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def ledger(transactional_db):
    user = UserFactory(full_name="Ana Pérez")
    for i in range(5):
        with transaction.atomic():
            event_record(actor=user, action="test.x", subject=user, public=i != 2)


@pytest.mark.parametrize(("lang", "heading"), [("es", "Transparencia"), ("en", "Transparency")])
def test_the_transparency_page_is_accessible(
    live_server, page, ledger, assert_accessible, lang, heading
):
    prefix = "" if lang == "es" else "/en"
    # Reached from the footer of every page.
    page.goto(live_server.url + prefix + "/")
    page.locator(f"footer a[href='{prefix}/transparencia/']").click()
    page.wait_for_url(live_server.url + prefix + "/transparencia/")
    assert page.locator("h1").inner_text().startswith(heading)
    assert page.locator("#head-hash").inner_text().strip() != ""
    shoot(page, f"{lang}-transparency")
    assert_accessible(page)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_transparency_page_fits_a_phone(
    live_server, phone_page, ledger, assert_accessible, lang
):
    prefix = "" if lang == "es" else "/en"
    phone_page.goto(live_server.url + prefix + "/transparencia/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    shoot(phone_page, f"{lang}-phone-transparency")
    if width > PHONE["width"]:
        culprits = phone_page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"the transparency page scrolls sideways on a phone ({width}px): {culprits}")
    assert_accessible(phone_page)
    # The snippet scrolls inside its own box, which the keyboard can reach.
    snippet = phone_page.locator(".ledger-code")
    assert snippet.get_attribute("tabindex") == "0"
    assert snippet.evaluate("el => el.scrollWidth > el.clientWidth")
