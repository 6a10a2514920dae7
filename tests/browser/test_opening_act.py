"""In a real browser: two opening officers, one after the other, open the sealed proposals; the
act is public (bidders and prices, also on a phone); an official decides admissibility. axe
checks the officers' page, the act and the officials' list.

Time: the live server runs in another thread of this process and the browser has its own
clock, so instead of freezing the clock across both, the challenge is created with its
deadline a minute ago and the proposals are submitted an hour before it, with time-machine in
this process only (each receipt is stamped inside the window). The browser part then runs at
the real time, after the deadline.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from retos.proposals.models import Admissibility, Proposal
from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, PHONE
from tests.browser.helpers import shoot, sign_in
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory
from tests.proposal_helpers import company_member, complete_sections, pdf_file

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _bid(challenge, name, price):
    from retos.proposals import services

    company, member = company_member(CompanyFactory(name=name))
    proposal = services.proposal_start(challenge=challenge, company=company, actor=member)
    services.proposal_save(
        proposal=proposal, actor=member, changes=complete_sections(name, price=price)
    )
    services.proposal_attach(proposal=proposal, actor=member, file=pdf_file(name))
    services.proposal_submit(proposal=proposal, actor=member)
    return proposal


@pytest.fixture
def challenge():
    now = timezone.now()
    challenge = ChallengeFactory(
        title="Padrón abierto de mercados públicos",
        published_at=now - timedelta(days=30),
        questions_close_at=now - timedelta(days=10),
        submissions_close_at=now - timedelta(minutes=1),
        evaluation_ends_at=now + timedelta(days=20),
        demo_day_at=now + timedelta(days=30),
        decision_at=now + timedelta(days=40),
        delivery_at=now + timedelta(days=200),
    )
    with time_machine.travel(now - timedelta(hours=1), tick=False):
        _bid(challenge, "Alfa Código Cívico S.A.S.", "850000.50")
        _bid(challenge, "Beta Datos Abiertos S.C.", "990000.00")
    return challenge


def test_two_officers_open_the_proposals_and_the_act_is_public(
    browser, live_server, challenge, assert_accessible
):
    body = challenge.body
    first = MembershipFactory(
        organization=body, role="opening_officer", user=UserFactory(full_name="Rosa Apertura")
    ).user
    second = MembershipFactory(
        organization=body, role="opening_officer", user=UserFactory(full_name="Tomás Testigo")
    ).user
    official = MembershipFactory(
        organization=body, role="official", user=UserFactory(full_name="Irene Revisora")
    ).user
    detail = f"/retos/{challenge.slug}/"
    opening = f"/retos/{challenge.slug}/apertura/"
    act_url = f"/retos/{challenge.slug}/acta-de-apertura/"

    # The first officer goes from the challenge page to the officers' page and confirms.
    page = sign_in(browser, live_server, first, next_url=detail)
    assert "Abrir las propuestas" not in page.content()  # no one-person button
    page.get_by_role("link", name="Ir a la apertura de las propuestas").click()
    page.wait_for_url(live_server.url + opening)
    text = page.content()
    assert "Alfa" not in text and "Beta" not in text  # nothing about the proposals yet
    assert_accessible(page)
    shoot(page, "opening-officers-first")
    page.get_by_role("button", name="Dar la primera confirmación").click()
    page.wait_for_url(live_server.url + opening)
    assert "Su confirmación quedó registrada" in page.content()
    assert "Rosa Apertura" in page.content()
    assert_accessible(page)
    page.context.close()

    # Anyone still finds no act.
    context = browser.new_context(locale="es-MX")
    anonymous = context.new_page()
    assert anonymous.goto(live_server.url + act_url).status == 404

    # The second officer confirms: the proposals open and the act is published.
    page = sign_in(browser, live_server, second, next_url=opening)
    assert "Rosa Apertura" in page.content()
    page.get_by_role("button", name="Confirmar y abrir las propuestas").click()
    page.wait_for_url(live_server.url + act_url)
    assert "Las propuestas están abiertas" in page.content()
    assert_accessible(page)
    page.context.close()

    # The act is public: bidders, prices, digests, both officers.
    assert anonymous.goto(live_server.url + act_url).status == 200
    text = anonymous.content()
    for expected in (
        "Alfa Código Cívico S.A.S.",
        "Beta Datos Abiertos S.C.",
        "$850,000.50 MXN",
        "$990,000.00 MXN",
        "Rosa Apertura",
        "Tomás Testigo",
    ):
        assert expected in text, expected
    assert anonymous.locator("table caption").count() == 1
    assert_accessible(anonymous)
    shoot(anonymous, "opening-act")
    anonymous.goto(live_server.url + detail)
    assert "Se recibieron 2 propuestas" in anonymous.content()
    context.close()

    # On a phone, the table scrolls inside its frame; the page itself does not.
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="es-MX"
    ).new_page()
    phone.goto(live_server.url + act_url)
    # (On a phone the layout widens to fit wider content, so compare with the device width.)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    frame = phone.locator(".table-scroll")
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")
    assert_accessible(phone)
    shoot(phone, "opening-act-phone")
    phone.context.close()

    # An official reviews the list and decides admissibility; a refusal needs a reason.
    listing = f"/retos/{challenge.slug}/propuestas/"
    page = sign_in(browser, live_server, official, next_url=listing)
    assert_accessible(page)
    beta = Proposal.objects.get(company__name="Beta Datos Abiertos S.C.")
    section = page.locator(f"#proposal-{beta.public_id}")
    section.get_by_role("button", name="Marcar como no admisible").click()
    assert "Indique por qué la propuesta no es admisible" in page.content()
    assert_accessible(page)
    section = page.locator(f"#proposal-{beta.public_id}")
    section.get_by_label("Motivo").fill("Falta la carta de la representante legal.")
    section.get_by_role("button", name="Marcar como no admisible").click()
    page.wait_for_url(f"{live_server.url}{listing}#proposal-{beta.public_id}")
    assert "marcada como no admisible" in page.content()
    assert_accessible(page)
    shoot(page, "opening-officials-list")
    page.context.close()
    beta.refresh_from_db()
    assert beta.admissibility == Admissibility.INADMISSIBLE
