"""A company member in a real browser: signs in, starts a proposal from the challenge page,
fills every step, attaches a PDF, submits, reads the receipt and downloads its PDF. axe-core
checks the editor, the review, the receipt and "My proposals".

Set RETOS_SCREENSHOTS=/some/dir to keep screenshots of the pages, to look at them.
"""

import pytest

from retos.proposals.models import Proposal, Status
from tests.browser import helpers
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM
from tests.factories import ChallengeFactory
from tests.proposal_helpers import company_member, pdf_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shoot(page, name):
    helpers.shoot(page, f"proposal-{name}")


def press(page, value):
    page.locator(f"main button[name='action'][value='{value}']").click()
    page.wait_for_load_state()


def test_a_company_writes_submits_and_keeps_the_receipt_of_its_proposal(
    live_server, browser, assert_accessible, transactional_db
):
    challenge = ChallengeFactory(title="Alertas de sismo por mensaje de texto")
    company, member = company_member()
    base = live_server.url
    challenge_path = f"/en/retos/{challenge.slug}/"
    page = helpers.sign_in(browser, live_server, member, next_url=challenge_path)

    # The challenge page: the company may take part; start.
    assert page.locator("#take-part-title").is_visible()
    page.locator("form[action$='/propuesta/'] button[type='submit']").click()
    page.wait_for_url("**/editar/resumen/")
    proposal = Proposal.objects.get(company=company)
    shoot(page, "summary")
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
    shoot(page, "plan")
    assert_accessible(page)
    press(page, "next")

    page.wait_for_url("**/editar/equipo/")
    page.fill("#id_equipo-0-name", "Ana López")
    page.fill("#id_equipo-0-role", "Dirección técnica")
    press(page, "next")

    page.wait_for_url("**/editar/precio/")
    page.fill("#id_price", "990000")
    page.locator("input[name='licence'][value='MIT']").check()
    page.fill("#id_links", "https://example.org/trabajo-previo")
    shoot(page, "price")
    assert_accessible(page)
    press(page, "next")

    page.wait_for_url("**/editar/adjuntos/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "propuesta.pdf",
                "mimeType": "application/pdf",
                "buffer": pdf_file().getvalue(),
            }
        ],
    )
    press(page, "save")
    page.wait_for_url("**/editar/adjuntos/")
    assert page.locator("main table").get_by_role("link", name="propuesta.pdf").is_visible()
    shoot(page, "attachments")
    assert_accessible(page)

    # Review and submit.
    page.locator("main a[href$='/enviar/']").last.click()
    page.wait_for_url("**/enviar/")
    shoot(page, "review")
    assert_accessible(page)
    page.locator("form[action$='/enviar/'] button[type='submit']").click()
    page.wait_for_url("**/acuses/**")
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED
    version = proposal.versions.get()
    assert version.folio in page.locator("main").inner_text()
    shoot(page, "receipt")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.locator("main a[href$='/pdf/']").click()
    download = download_info.value
    assert version.folio in download.suggested_filename
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    # My proposals.
    page.goto(base + "/en/mis-propuestas/")
    assert version.folio in page.locator("main").inner_text()
    shoot(page, "dashboard")
    assert_accessible(page)
