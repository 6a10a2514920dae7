"""The whole sealed-proposal journey in a real browser, end to end (issue #4's browser test).

A person signs up and registers an SME; the company drafts a proposal step by step, attaches a
PDF, submits it, reads its receipt and downloads the receipt PDF; the deadline passes and the
editor says the proposal can no longer be submitted while the draft stays readable; two opening
officers confirm one after the other (the first alone opens nothing); the act is public, with
the company, its price and the receipt's folio. axe-core checks every page on the way.

Time: the live server runs at the real time in another thread, and the browser has its own
clock, so the clock cannot be frozen across them. The challenge is created with its deadline a
few minutes ahead; "the clock passes the deadline" is played by moving the challenge's dates
into the past through the ORM.

Set RETOS_SCREENSHOTS=/some/dir to keep screenshots of the pages, to look at them.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from stdnum.mx import rfc as stdnum_rfc

from retos.challenges.models import Challenge
from retos.core.formatting import format_mxn
from retos.organizations.models import Organization
from retos.proposals.models import Proposal, Status
from tests.browser import helpers
from tests.browser.conftest import CHROMIUM, DESKTOP, NO_CHROMIUM
from tests.factories import ChallengeFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import pdf_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMPANY = "Sismo Abierto S.A.S."
PRICE = "987654.32"
EMAIL = "lucia.ramos@sismo-abierto.example"
PASSWORD = "una-clave-larga-y-rara-2024"


def shoot(page, name):
    helpers.shoot(page, f"journey-{name}")


def press(page, value):
    page.locator(f"main button[name='action'][value='{value}']").click()
    page.wait_for_load_state()


def main_text(page):
    return page.locator("main").inner_text()


def new_page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="es-MX")
    context.set_default_timeout(10_000)
    return context.new_page()


def valid_rfc(prefix="SAB150101AB"):
    return prefix + stdnum_rfc.calc_check_digit(prefix)


def test_an_sme_signs_up_submits_a_sealed_proposal_and_sees_it_in_the_public_opening_act(
    live_server, browser, assert_accessible, tmp_path
):
    now = timezone.now()
    challenge = ChallengeFactory(
        title="Alertas de sismo por mensaje de texto",
        published_at=now - timedelta(days=5),
        questions_close_at=now + timedelta(minutes=2),
        submissions_close_at=now + timedelta(minutes=10),
    )
    body = challenge.body
    first = MembershipFactory(
        organization=body, role="opening_officer", user=UserFactory(full_name="Rosa Apertura")
    ).user
    second = MembershipFactory(
        organization=body, role="opening_officer", user=UserFactory(full_name="Tomás Testigo")
    ).user
    base = live_server.url
    challenge_path = f"/en/retos/{challenge.slug}/"
    register_path = "/en/organizaciones/registrar/empresa/"
    opening_path = f"/en/retos/{challenge.slug}/apertura/"
    act_path = f"/en/retos/{challenge.slug}/acta-de-apertura/"
    attachment = tmp_path / "propuesta-tecnica.pdf"
    attachment.write_bytes(pdf_file().getvalue())

    # 1. Sign up, then register the company: the first-time SME experience.
    page = new_page(browser)
    page.goto(f"{base}/en/cuenta/registro/?next={register_path}")
    assert_accessible(page)
    page.fill("#id_full_name", "Lucía Ramos Ortega")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type='submit']").click()
    page.wait_for_url(base + register_path)
    shoot(page, "register-company")
    assert_accessible(page)

    page.fill("#id_workers", "6")
    page.fill("#id_annual_sales", "2500000")
    page.select_option("#id_sector", "services")
    page.locator("main button[name='action'][value='size']").click()
    page.wait_for_load_state()
    assert page.locator("#size-result").is_visible()
    page.fill("#id_name", COMPANY)
    page.fill("#id_rfc", valid_rfc())
    page.select_option("#id_state", "09")
    page.fill("#id_legal_representative_name", "Lucía Ramos Ortega")
    page.fill("#id_legal_representative_title", "Directora general")
    page.check("#id_declares_sme")
    page.check("#id_declares_no_conflict")
    page.locator("main button[name='action'][value='register']").click()
    page.wait_for_url(base + "/en/cuenta/")
    assert "Your company is registered." in page.content()
    company = Organization.objects.companies().get(name=COMPANY)
    assert company.is_sme

    # 2. The challenge: the company may take part; it drafts, attaches, submits.
    page.goto(base + challenge_path)
    take_part = page.locator("#take-part-title").locator("xpath=..")
    assert "Your company can take part in this challenge." in take_part.inner_text()
    take_part.get_by_role("button", name=f"Start the proposal of {COMPANY}").click()
    page.wait_for_url("**/editar/resumen/")
    proposal = Proposal.objects.get(company=company, challenge=challenge)
    shoot(page, "editor")
    assert_accessible(page)

    page.fill("#id_summary", "Alertas por SMS para toda la población.")
    page.fill("#id_understanding", "Hoy la alerta sísmica no llega a quien no tiene radio.")
    press(page, "next")
    page.wait_for_url("**/editar/solucion/")
    page.fill("#id_solution", "Un servicio abierto que envía mensajes por región.")
    page.fill("#id_technical_approach", "Django, PostgreSQL, una cola de envíos.")
    page.fill("#id_ux_approach", "Pruebas con personas mayores en tres municipios.")
    press(page, "next")
    page.wait_for_url("**/editar/plan/")
    page.fill("#id_plan-0-title", "Descubrimiento")
    page.fill("#id_plan-0-weeks", "2")
    page.fill("#id_plan-0-deliverable", "Informe de hallazgos")
    press(page, "next")
    page.wait_for_url("**/editar/equipo/")
    page.fill("#id_equipo-0-name", "Ana López")
    page.fill("#id_equipo-0-role", "Dirección técnica")
    press(page, "next")
    page.wait_for_url("**/editar/precio/")
    page.fill("#id_price", PRICE)
    page.locator("input[name='licence'][value='MIT']").check()
    page.fill("#id_links", "https://example.org/trabajo-previo")
    press(page, "next")
    page.wait_for_url("**/editar/adjuntos/")
    page.set_input_files("#id_file", str(attachment))
    press(page, "save")
    page.wait_for_url("**/editar/adjuntos/")
    files = page.locator("main table")
    assert files.get_by_role("link", name="propuesta-tecnica.pdf").is_visible()

    page.locator("main a[href$='/enviar/']").last.click()
    page.wait_for_url("**/enviar/")
    shoot(page, "review")
    assert_accessible(page)
    page.locator("form[action$='/enviar/'] button[type='submit']").click()
    page.wait_for_url("**/acuses/**")
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    version = proposal.versions.get()
    receipt = main_text(page)
    assert version.folio in receipt
    assert version.content_sha256 in receipt
    shoot(page, "receipt")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.locator("main a[href$='/pdf/']").click()
    download = download_info.value
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    # 3. The clock passes the deadline. The live server runs at the real time, so the
    # challenge's dates move into the past instead (kept in their order: questions close
    # before submissions, which close before the evaluation ends).
    moved = timezone.now()
    Challenge.objects.filter(pk=challenge.pk).update(
        questions_close_at=moved - timedelta(minutes=2),
        submissions_close_at=moved - timedelta(minutes=1),
    )
    page.goto(f"{base}/en/propuestas/{proposal.public_id}/editar/solucion/")
    assert "The deadline has passed: proposals are no longer received." in main_text(page)
    assert page.input_value("#id_solution") == "Un servicio abierto que envía mensajes por región."
    page.goto(f"{base}/en/propuestas/{proposal.public_id}/enviar/")
    assert "The deadline has passed" in main_text(page)
    assert page.locator("form[action$='/enviar/'] button[type='submit']").count() == 0
    page.context.close()

    # 4. Two opening officers, one after the other; the first alone opens nothing.
    anonymous = new_page(browser)
    page = helpers.sign_in(browser, live_server, first, next_url=opening_path)
    assert COMPANY not in page.content()  # nothing about the proposals before the act
    assert_accessible(page)
    page.get_by_role("button", name="Give the first confirmation").click()
    page.wait_for_url(base + opening_path)
    assert "Another opening officer of the body must now confirm" in main_text(page)
    assert COMPANY not in page.content()
    shoot(page, "officers-first")
    assert_accessible(page)
    page.context.close()
    challenge.refresh_from_db()
    assert challenge.opened_at is None
    assert anonymous.goto(base + act_path).status == 404

    page = helpers.sign_in(browser, live_server, second, next_url=opening_path)
    assert "Rosa Apertura" in main_text(page)
    page.get_by_role("button", name="Confirm and open the proposals").click()
    page.wait_for_url(base + act_path)
    page.context.close()

    # 5. The act is public: the company, its price, the folio of its receipt.
    assert anonymous.goto(base + act_path).status == 200
    act = main_text(anonymous)
    for expected in (COMPANY, format_mxn(Decimal(PRICE)), version.folio):
        assert expected in act, expected
    shoot(anonymous, "act")
    assert_accessible(anonymous)
    anonymous.context.close()
