"""The contracts pages in a real browser: axe-core finds nothing on the award form, the
contract page, the delivery page and the catalog (Spanish and English); the award form works
without JavaScript; nothing scrolls sideways on a phone."""

import datetime as dt

import pytest

from retos.contracts import services
from retos.contracts.models import Award
from tests import contract_helpers as h
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot, sign_in
from tests.browser.test_public_pages import WIDER_THAN_VIEWPORT

# The browser fixtures live in tests/browser/conftest.py; this module sits beside the other
# contracts tests, so it takes them by name.
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


@pytest.fixture
def decided(transactional_db):
    return h.decided(
        title="Plataforma interoperable para avisos de protección civil en municipios costeros"
    )


@pytest.fixture
def live(transactional_db):
    """An implementation with progress, a submitted milestone, a payment and a returned
    delivery, plus a completed challenge in the catalog with a reuse."""
    s = h.implementing()
    first, second = h.milestone(s, 1), h.milestone(s, 2)
    services.milestone_progress_post(
        milestone=first,
        actor=s.supplier_member,
        progress=70,
        note="Módulo de avisos por SMS probado con 40 personas.",
        link="https://git.example.org/municipio/alerta-ciudadana/pull/12",
    )
    services.milestone_submit(milestone=second, actor=s.supplier_member)
    services.milestone_accept(milestone=second, actor=s.official, note="Cumple lo pactado.")
    services.payment_record(
        milestone=second,
        actor=s.official,
        amount="600000.00",
        paid_on=h.today(s.challenge),
        reference="SPEI 2026-000123",
    )
    delivery = h.delivered(s)
    services.delivery_review(
        delivery=delivery, actor=s.approver, accept=False, note="Falta el manual de operación."
    )
    _done, entry = h.completed()
    return s, entry


def _no_sideways_scroll(page, name):
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        culprits = page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
        pytest.fail(f"{name} scrolls sideways on a phone ({width}px wide): {culprits}")


def _pdf():
    return [{"name": "contrato.pdf", "mimeType": "application/pdf", "buffer": h.pdf_bytes()}]


def _fill_award(page, s, *, payment: str):
    day = h.today(s.challenge)
    page.fill("#id_amount", "1,000,000.00")
    page.fill("#id_awarded_on", day.isoformat())
    page.fill("#id_number", "CONT-2026-015")
    page.fill("#id_signed_on", day.isoformat())
    page.fill("#id_starts_on", day.isoformat())
    page.fill("#id_ends_on", (day + dt.timedelta(days=300)).isoformat())
    page.set_input_files("#id_document", files=_pdf())
    page.fill("#id_milestones-0-title", "Piloto")
    page.fill("#id_milestones-0-deliverables", "Piloto en producción.")
    page.fill("#id_milestones-0-due_on", (day + dt.timedelta(days=100)).isoformat())
    page.fill("#id_milestones-0-amount", payment)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_award_form_and_its_errors_are_accessible(
    live_server, browser, decided, assert_accessible, prefix
):
    s = decided
    url = f"{prefix}/retos/{s.challenge.slug}/contrato/registrar/"
    page = sign_in(browser, live_server, s.approver, next_url=url)
    assert_accessible(page)
    _fill_award(page, s, payment="2000000")
    page.locator("main form button[type='submit']").click()
    page.wait_for_selector(".error-summary")
    shoot(page, f"contracts-award-error{prefix.replace('/', '-')}")
    assert_accessible(page)
    page.context.close()


def test_the_award_form_works_without_javascript(live_server, browser, decided):
    s = decided
    url = f"/en/retos/{s.challenge.slug}/contrato/registrar/"
    page = sign_in(browser, live_server, s.approver, next_url=url, java_script_enabled=False)
    _fill_award(page, s, payment="2000000")
    page.locator("main form button[type='submit']").click()
    # Refused (the milestones add up to more than the award): the summary, what was typed kept.
    assert page.locator(".error-summary").is_visible()
    assert page.input_value("#id_number") == "CONT-2026-015"
    assert page.input_value("#id_milestones-0-title") == "Piloto"
    page.fill("#id_milestones-0-amount", "1000000")
    page.set_input_files("#id_document", files=_pdf())
    page.locator("main form button[type='submit']").click()
    page.wait_for_url(f"**/en/retos/{s.challenge.slug}/contrato/")
    assert Award.objects.filter(challenge=s.challenge).exists()
    page.context.close()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_contract_delivery_and_catalog_pages_are_accessible(
    live_server, browser, page, live, assert_accessible, prefix
):
    s, entry = live
    slug = s.challenge.slug
    for url, name in [
        (f"{prefix}/retos/{slug}/contrato/", "contract"),
        (f"{prefix}/retos/{slug}/entrega/", "delivery"),
        (f"{prefix}/catalogo/", "catalog"),
        (f"{prefix}{entry.get_absolute_url().removeprefix('/en')}", "catalog-entry"),
        (f"{prefix}/retos/{slug}/", "challenge"),
    ]:
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        shoot(page, f"contracts-{name}{prefix.replace('/', '-')}")
        assert_accessible(page)
    # Each side sees its forms, which must be accessible too.
    for user, url in [
        (s.supplier_member, f"{prefix}/retos/{slug}/contrato/"),
        (s.supplier_member, f"{prefix}/retos/{slug}/entrega/"),
        (s.official, f"{prefix}/retos/{slug}/contrato/"),
    ]:
        signed = sign_in(browser, live_server, user, next_url=url)
        assert_accessible(signed)
        signed.context.close()


def test_the_pages_do_not_scroll_sideways_on_a_phone(
    live_server, phone_page, live, assert_accessible
):
    s, entry = live
    for url in (
        f"/retos/{s.challenge.slug}/contrato/",
        f"/retos/{s.challenge.slug}/entrega/",
        "/catalogo/",
        entry.get_absolute_url(),
    ):
        phone_page.goto(live_server.url + url)
        shoot(phone_page, "contracts-phone-" + url.strip("/").replace("/", "-"))
        _no_sideways_scroll(phone_page, url)
        assert_accessible(phone_page)
