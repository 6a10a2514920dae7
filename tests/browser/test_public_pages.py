"""The public pages in a real browser: Spanish and English, axe-core, keyboard, no-JS, phone.

Set RETOS_SCREENSHOTS=/some/dir to keep screenshots of the pages checked, to look at them.
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from retos.challenges.stages import Stage
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot
from tests.factories import ChallengeFactory, DraftChallengeFactory, GovernmentBodyFactory, in_days

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    # Transactional so the live server's thread sees the rows; serialized rollback keeps the
    # states loaded by a data migration, which the filter form lists.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def challenges(transactional_db):
    """Public challenges in several stages, and one draft nobody else may see."""
    movilidad = GovernmentBodyFactory(name="Secretaría de Movilidad", acronym="SEMOV")
    salud = GovernmentBodyFactory(
        name="Instituto Nacional de Salud Pública y Vigilancia Epidemiológica", acronym=""
    )
    past = {
        "published_at": in_days(-120),
        "questions_close_at": in_days(-100),
        "submissions_close_at": in_days(-90),
        "closed_at": in_days(-90),
        "opened_at": in_days(-89),
        "evaluation_at": in_days(-85),
    }
    return {
        "open": ChallengeFactory(
            body=movilidad,
            title="Ventanilla única de trámites vehiculares",
            slug="ventanilla-unica",
            summary="Un solo lugar en línea para placas, tarjetas de circulación y licencias.",
        ),
        "open_long": ChallengeFactory(
            body=salud,
            title=(
                "Plataforma interoperable para la gestión integral de expedientes clínicos "
                "electrónicos en unidades de primer nivel"
            ),
            slug="expedientes-clinicos",
            amount=Decimal("12500000.00"),
        ),
        "closed": ChallengeFactory(
            body=movilidad,
            title="Mapa abierto de baches",
            slug="mapa-de-baches",
            published_at=in_days(-40),
            questions_close_at=in_days(-30),
            submissions_close_at=in_days(-10),
        ),
        "evaluation": ChallengeFactory(
            body=salud,
            title="Tablero de abasto de medicamentos",
            slug="abasto-de-medicamentos",
            stage=Stage.EVALUATION,
            **past,
        ),
        "completed": ChallengeFactory(
            body=movilidad,
            title="Registro abierto de rutas de transporte",
            slug="rutas-de-transporte",
            stage=Stage.COMPLETED,
            finalists_at=in_days(-80),
            decided_at=in_days(-70),
            awarded_at=in_days(-65),
            implementation_at=in_days(-60),
            completed_at=in_days(-5),
            **past,
        ),
        "cancelled": ChallengeFactory(
            body=salud,
            title="Agenda de citas por mensaje",
            slug="agenda-de-citas",
            stage=Stage.CANCELLED,
            cancelled_at=in_days(-3),
            outcome_reason="La necesidad ya la cubre otra dependencia.\nSe publicará otro reto.",
            **past,
        ),
        "draft": DraftChallengeFactory(body=movilidad, title="Borrador interno", slug="borrador"),
    }


def html_lang(page):
    return page.locator("html").get_attribute("lang")


WIDER_THAN_VIEWPORT = """
width => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > width + 0.5)
  .filter(el => !el.closest(".visually-hidden") && !el.matches(".skip-link"))
  .slice(-5)
  .map(el => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent.trim().slice(0, 60)}`)
"""


def test_spanish_home_list_detail(live_server, page, challenges, assert_accessible):
    page.goto(live_server.url + "/")
    assert html_lang(page) == "es-MX"
    assert page.locator("h1").count() == 1
    header = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert page.evaluate(header) == "rgb(11, 92, 74)", "the stylesheet did not load"
    shoot(page, "es-home")
    assert_accessible(page)

    page.locator("header nav a[href='/retos/']").click()
    page.wait_for_url(live_server.url + "/retos/")
    assert html_lang(page) == "es-MX"
    assert page.locator("nav a[aria-current='page']").get_attribute("href") == "/retos/"
    # Six public challenges; the draft is nobody's business but its agency's.
    assert page.locator("article.card").count() == 6
    assert page.get_by_text("Borrador interno").count() == 0
    shoot(page, "es-list")
    assert_accessible(page)

    page.get_by_role("link", name="Ventanilla única de trámites vehiculares").click()
    page.wait_for_url(live_server.url + "/retos/ventanilla-unica/")
    assert html_lang(page) == "es-MX"
    assert page.locator("h1").inner_text() == "Ventanilla única de trámites vehiculares"
    assert "$1,250,000.00 MXN" in page.locator(".key-facts").inner_text()
    # The stage is a badge with its name as text, not a colour alone.
    assert page.locator(".challenge-header .badge").inner_text().strip()
    shoot(page, "es-detail")
    assert_accessible(page)


def test_language_switch_and_english_pages(live_server, page, challenges, assert_accessible):
    page.goto(live_server.url + "/retos/ventanilla-unica/")
    assert html_lang(page) == "es-MX"
    page.locator("a.language-switch").click()
    page.wait_for_url(live_server.url + "/en/retos/ventanilla-unica/")
    assert html_lang(page) == "en"
    assert page.locator("a.language-switch").inner_text() == "Español"
    assert page.get_by_role("heading", name="Evaluation criteria").is_visible()
    assert page.locator(".challenge-header .badge").inner_text() == "Published"
    shoot(page, "en-detail")
    assert_accessible(page)

    page.locator(".brand").click()
    page.wait_for_url(live_server.url + "/en/")
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Public problems, open solutions"
    shoot(page, "en-home")
    assert_accessible(page)

    page.get_by_role("link", name="Browse the challenges").click()
    page.wait_for_url(live_server.url + "/en/retos/")
    assert page.get_by_role("heading", level=1).inner_text() == "Challenges"
    assert "6 challenges found." in page.locator(".result-count").inner_text()
    shoot(page, "en-list")
    assert_accessible(page)

    # And back to Spanish, at the unprefixed address of the same page, filters kept.
    page.goto(live_server.url + "/en/retos/?stage=evaluation")
    page.locator("a.language-switch").click()
    page.wait_for_url(live_server.url + "/retos/?stage=evaluation")
    assert html_lang(page) == "es-MX"
    assert page.locator("article.card").count() == 1


@pytest.mark.parametrize("key", ["closed", "evaluation", "completed", "cancelled"])
def test_detail_in_each_stage_is_accessible(live_server, page, challenges, assert_accessible, key):
    challenge = challenges[key]
    page.goto(f"{live_server.url}/en{challenge.get_absolute_url()}")
    with translation.override("en"):
        expected = str(Stage(challenge.current_stage).label)
    assert page.locator(".challenge-header .badge").inner_text() == expected
    assert page.locator(".timeline [aria-current='step']").count() == 1
    if key == "cancelled":
        assert "otra dependencia" in page.locator(".notice").inner_text()
    shoot(page, f"en-detail-{key}")
    assert_accessible(page)


def test_public_bodies_pages_are_accessible(live_server, page, challenges, assert_accessible):
    page.goto(live_server.url + "/")
    page.locator("header nav a[href='/organismos/']").click()
    page.wait_for_url(live_server.url + "/organismos/")
    shoot(page, "es-bodies")
    assert_accessible(page)
    page.get_by_role("link", name="Secretaría de Movilidad").click()
    page.wait_for_url(re.compile(r"/organismos/[\w-]+/$"))
    shoot(page, "es-body")
    assert_accessible(page)


def test_filters_work_without_javascript(live_server, browser, challenges):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + "/retos/")
        assert page.locator("article.card").count() == 6

        page.select_option("#id_stage", "evaluation")
        page.locator("form.filters button[type='submit']").click()
        page.wait_for_url(re.compile(r"/retos/\?.*stage=evaluation"))
        cards = page.locator("article.card")
        assert cards.count() == 1
        assert "Tablero de abasto de medicamentos" in cards.inner_text()
        # The form keeps what was chosen, and offers a way back.
        assert page.locator("#id_stage").input_value() == "evaluation"
        assert page.locator("form.filters a[href='/retos/']").is_visible()

        # "Closed" includes the challenge whose deadline has passed but is still recorded as
        # published.
        page.select_option("#id_stage", "closed")
        page.fill("#id_q", "baches")
        page.locator("form.filters button[type='submit']").click()
        page.wait_for_url(re.compile(r"stage=closed"))
        assert page.locator("article.card").count() == 1
        assert "Mapa abierto de baches" in page.locator("article.card").inner_text()

        page.fill("#id_q", "nada coincide con esto")
        page.locator("form.filters button[type='submit']").click()
        page.wait_for_url(re.compile(r"q=nada"))
        assert page.locator("article.card").count() == 0
        assert page.locator(".result-count").is_visible()
    finally:
        context.close()


def test_skip_link_is_the_first_tab_stop(live_server, page, challenges):
    page.goto(live_server.url + "/retos/ventanilla-unica/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None
    assert box["y"] >= 0, "the skip link must come into view when focused"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes into the content, not back to the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_phone_has_no_horizontal_scroll(
    live_server, phone_page, challenges, assert_accessible, lang
):
    prefix = "" if lang == "es" else "/en"
    for name, path in [
        ("home", "/"),
        ("list", "/retos/"),
        ("detail", "/retos/expedientes-clinicos/"),
        ("detail-cancelled", "/retos/agenda-de-citas/"),
        ("bodies", "/organismos/"),
    ]:
        phone_page.goto(live_server.url + prefix + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        shoot(phone_page, f"{lang}-phone-{name}")
        if width > PHONE["width"]:
            culprits = phone_page.evaluate(WIDER_THAN_VIEWPORT, PHONE["width"])
            pytest.fail(f"{path} scrolls sideways on a phone ({width}px wide): {culprits}")
        assert_accessible(phone_page)
        if name == "detail":
            # The criteria table is stacked on a phone and stays a table for screen readers.
            table = phone_page.get_by_role("table")
            assert table.get_by_role("columnheader").count() == 3
            assert table.get_by_role("cell", name="40 %", exact=True).is_visible()
