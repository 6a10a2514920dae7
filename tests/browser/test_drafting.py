"""Drafting in a real browser: an official writes a challenge across the steps, leaves and comes
back to find it, an approver sends it to review, platform staff approve it, and it is public.
axe-core checks every drafting page on the way; the criteria rows work without JavaScript; the
pages fit a phone.

Set RETOS_SCREENSHOTS=/some/dir to keep screenshots of the pages, to look at them.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from retos.challenges.models import Challenge
from retos.challenges.stages import Stage
from tests.browser import helpers
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.factories import GovernmentBodyFactory, MembershipFactory, UserFactory
from tests.lifecycle import challenge_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ZONE = "America/Cancun"


@pytest.fixture
def people(transactional_db):
    body = GovernmentBodyFactory(
        name="Coordinación Estatal de Protección Civil de Quintana Roo",
        acronym="COEPROC",
        time_zone=ZONE,
    )
    return {
        "body": body,
        "official": MembershipFactory(
            organization=body, role="official", user__full_name="Ana Oficial"
        ).user,
        "approver": MembershipFactory(
            organization=body, role="approver", user__full_name="Beto Aprobador"
        ).user,
        "staff": UserFactory(is_platform_staff=True, full_name="Carla Revisora"),
    }


def sign_in(browser, live_server, user, **options):
    return helpers.sign_in(browser, live_server, user, next_url="/en/mis-retos/", **options)


def log_in(page, live_server, user):
    helpers.log_in(page, live_server, user, next_url="/en/mis-retos/")


def shoot(page, name):
    helpers.shoot(page, f"drafting-{name}")


def press(page, value):
    """Press the step's button with this action (next, previous, exit, add_row)."""
    page.locator(f"main button[name='action'][value='{value}']").click()
    page.wait_for_load_state()


def local_day(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d")


def test_a_challenge_from_the_first_line_to_the_public_page(
    live_server, browser, people, assert_accessible
):
    base = live_server.url
    page = sign_in(browser, live_server, people["official"])

    # My challenges: nothing yet; start one.
    page.goto(base + "/en/mis-retos/")
    shoot(page, "my-challenges-empty")
    assert_accessible(page)
    page.locator("a[href='/en/mis-retos/nuevo/']").click()
    page.wait_for_url(base + "/en/mis-retos/nuevo/")
    assert page.locator("h1").inner_text().startswith("Step 1 of 9")
    shoot(page, "start")
    assert_accessible(page)

    # Saving without the one thing a draft needs, its title, explains itself and keeps what
    # was typed.
    page.fill("#id_summary", "Avisar a tiempo a quienes viven en la costa.")
    press(page, "next")
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_summary").input_value().startswith("Avisar a tiempo")
    shoot(page, "start-errors")
    assert_accessible(page)
    page.locator(".error-summary a[href='#id_title']").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    page.fill("#id_title", "Alertas de huracán por mensaje de texto")

    page.fill("#id_summary", "Avisar a tiempo a quienes viven en la costa.")
    page.fill("#id_problem_statement", "Los avisos de huracán llegan tarde a muchas personas.")
    page.fill("#id_context", "La temporada de huracanes va de junio a noviembre.")
    page.select_option("#id_category", "civil_protection")
    press(page, "next")
    challenge = Challenge.objects.get()
    steps = f"{base}/en/retos/{challenge.slug}/borrador/"
    page.wait_for_url(steps + "personas/")
    assert page.locator("h1").inner_text() == "Step 2 of 9: Users affected"
    shoot(page, "step-2")
    assert_accessible(page)
    page.fill("#id_users_affected", "Unas 900 mil personas en municipios costeros.")
    press(page, "next")

    page.wait_for_url(steps + "resultados/")
    page.fill("#id_expected_outcomes", "Que el aviso llegue en menos de cinco minutos.")
    assert_accessible(page)
    press(page, "exit")  # save and exit…
    page.wait_for_url(steps)
    shoot(page, "overview-partial")
    assert_accessible(page)

    # …leave for somewhere else altogether, and come back another time.
    page.goto(base + "/en/retos/")
    page.goto(base + "/en/mis-retos/")
    shoot(page, "my-challenges-draft")
    assert_accessible(page)
    page.locator(f"a[href='/en/retos/{challenge.slug}/borrador/']").click()
    page.wait_for_url(steps)
    page.locator(f"a[href='/en/retos/{challenge.slug}/borrador/resultados/']").first.click()
    assert page.locator("#id_expected_outcomes").input_value().startswith("Que el aviso llegue")
    press(page, "previous")
    page.wait_for_url(steps + "personas/")
    assert page.locator("#id_users_affected").input_value().startswith("Unas 900 mil")
    press(page, "next")
    press(page, "next")

    page.wait_for_url(steps + "monto/")
    assert page.locator("#id_amount").input_value() == ""
    page.fill("#id_amount", "1,800,000.00")
    page.fill("#id_finalists_count", "4")
    assert_accessible(page)
    press(page, "next")

    # Criteria: one row, add another (the page comes back with one more), weights to 100.
    page.wait_for_url(steps + "criterios/")
    page.fill("#id_criteria-0-name", "Solución técnica")
    page.fill("#id_criteria-0-weight", "60")
    page.select_option("#id_criteria-0-expertise_area", "technology")
    press(page, "add_row")
    page.wait_for_url(f"{steps}criterios/?filas=2#fila-nueva")
    assert "60" in page.locator(".total").inner_text()
    page.fill("#id_criteria-1-name", "Experiencia de uso y accesibilidad")
    page.fill("#id_criteria-1-weight", "40")
    page.select_option("#id_criteria-1-expertise_area", "user_experience")
    shoot(page, "step-5-criteria")
    assert_accessible(page)
    press(page, "next")

    page.wait_for_url(steps + "elegibilidad/")
    page.select_option("#id_max_company_size", "small")
    assert_accessible(page)
    press(page, "next")

    page.wait_for_url(steps + "licencias/")
    page.check("input[value='AGPL-3.0-or-later']")
    page.check("input[value='MIT']")
    shoot(page, "step-7-licences")
    assert_accessible(page)
    press(page, "next")

    page.wait_for_url(steps + "calendario/")
    for name, days in [
        ("questions_close_at", 20),
        ("submissions_close_at", 40),
        ("evaluation_ends_at", 70),
        ("demo_day_at", 90),
        ("decision_at", 100),
        ("delivery_at", 250),
    ]:
        page.fill(f"#id_{name}_date", local_day(days))
        page.fill(f"#id_{name}_time", "18:00")
    shoot(page, "step-8-timeline")
    assert_accessible(page)
    press(page, "next")

    page.wait_for_url(steps + "documentos/")
    shoot(page, "step-9-documents")
    assert_accessible(page)
    press(page, "next")

    page.wait_for_url(steps)
    assert page.locator(".status-todo").count() == 0
    shoot(page, "overview-complete")
    assert_accessible(page)
    challenge.refresh_from_db()
    local = challenge.submissions_close_at.astimezone(ZoneInfo(ZONE))
    assert (local.strftime("%Y-%m-%d"), local.hour) == (local_day(40), 18)

    page.locator(f"a[href='/en/retos/{challenge.slug}/vista-previa/']").first.click()
    page.wait_for_url(f"{base}/en/retos/{challenge.slug}/vista-previa/")
    assert page.locator(".preview-banner").is_visible()
    assert page.locator("h1").inner_text() == "Alertas de huracán por mensaje de texto"
    shoot(page, "preview")
    assert_accessible(page)
    page.context.close()

    # The approver sends it to review.
    page = sign_in(browser, live_server, people["approver"])
    page.goto(base + "/en/mis-retos/")
    page.locator(f"a[href='/en/retos/{challenge.slug}/borrador/']").click()
    page.locator(f"form[action='/en/retos/{challenge.slug}/enviar-a-revision/'] button").click()
    page.wait_for_url(steps)
    assert page.locator(".challenge-header .badge, .card-meta .badge").first.inner_text()
    shoot(page, "overview-in-review")
    assert_accessible(page)
    challenge.refresh_from_db()
    assert challenge.stage == Stage.IN_REVIEW
    page.context.close()

    # Platform staff review it and publish it.
    page = sign_in(browser, live_server, people["staff"])
    page.goto(base + "/en/revision/")
    shoot(page, "review-queue")
    assert_accessible(page)
    page.locator(f"a[href='/en/retos/{challenge.slug}/revision/']").click()
    page.wait_for_url(f"{base}/en/retos/{challenge.slug}/revision/")
    page.fill("#id_comment-body", "Todo en orden; lo publicamos hoy.")
    page.locator("#conversation button[type='submit']").click()
    page.wait_for_url(f"{base}/en/retos/{challenge.slug}/revision/#conversation")
    assert "Todo en orden" in page.locator("#conversation").inner_text()
    shoot(page, "review")
    assert_accessible(page)
    page.locator(f"form[action='/en/retos/{challenge.slug}/revision/aprobar/'] button").click()
    page.wait_for_url(f"{base}/en/retos/{challenge.slug}/")
    page.context.close()

    # Anyone can read it now.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    page = context.new_page()
    page.goto(f"{base}/en/retos/{challenge.slug}/")
    assert page.locator("h1").inner_text() == "Alertas de huracán por mensaje de texto"
    assert page.locator(".preview-banner").count() == 0
    assert "$1,800,000.00 MXN" in page.locator(".key-facts").inner_text()
    context.close()


def test_rows_of_criteria_are_added_without_javascript(live_server, browser, people):
    challenge = challenge_in(Stage.DRAFT, body=people["body"], criteria=[])
    page = sign_in(browser, live_server, people["official"], java_script_enabled=False)
    page.goto(f"{live_server.url}/en/retos/{challenge.slug}/borrador/criterios/")
    assert page.locator("fieldset.criterion").count() == 2
    page.fill("#id_criteria-0-name", "Costo")
    page.fill("#id_criteria-0-weight", "100")
    page.select_option("#id_criteria-0-expertise_area", "business")
    press(page, "add_row")
    assert page.locator("fieldset.criterion").count() == 3
    assert page.locator("#id_criteria-0-name").input_value() == "Costo"
    assert challenge.criteria.get().name == "Costo"
    page.context.close()


def test_the_drafting_pages_fit_a_phone(live_server, browser, people, assert_accessible):
    body = people["body"]
    draft = challenge_in(Stage.DRAFT, body=body, title="Semáforo de riesgo por colonia")
    in_review = challenge_in(Stage.IN_REVIEW, body=body, title="Refugios temporales en línea")
    phone = {
        "viewport": PHONE,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    }
    pages = {
        "official": [
            "/en/mis-retos/",
            f"/en/retos/{draft.slug}/borrador/",
            f"/en/retos/{draft.slug}/borrador/problema/",
            f"/en/retos/{draft.slug}/borrador/criterios/",
            f"/en/retos/{draft.slug}/borrador/calendario/",
            f"/en/retos/{draft.slug}/vista-previa/",
        ],
        "staff": ["/en/revision/", f"/en/retos/{in_review.slug}/revision/"],
    }
    for who, paths in pages.items():
        context = browser.new_context(locale="es-MX", **phone)
        page = context.new_page()
        log_in(page, live_server, people[who])
        for path in paths:
            page.goto(live_server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            shoot(page, "phone" + path.replace("/", "-").rstrip("-"))
            assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"
            assert_accessible(page)
        context.close()
