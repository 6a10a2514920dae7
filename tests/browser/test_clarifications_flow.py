"""In a real browser: a company asks, the official answers, everyone sees the answer; the
official amends the terms and extends the deadline. axe checks every page on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from retos.challenges.models import Challenge
from tests.browser.helpers import sign_in
from tests.factories import ChallengeFactory, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def challenge():
    return ChallengeFactory(
        title="Alerta temprana de inundaciones",
        questions_close_at=timezone.now() + timedelta(days=10),
        submissions_close_at=timezone.now() + timedelta(days=30),
        evaluation_ends_at=timezone.now() + timedelta(days=50),
        demo_day_at=timezone.now() + timedelta(days=60),
        decision_at=timezone.now() + timedelta(days=70),
        delivery_at=timezone.now() + timedelta(days=200),
    )


def test_a_question_answered_and_an_amendment_reach_the_public_page(
    browser, live_server, challenge, assert_accessible
):
    company = CompanyFactory(name="Ríos Abiertos S.A. de C.V.")
    asker = MembershipFactory(
        organization=company, role="member", user=UserFactory(full_name="Lucía Preguntas")
    ).user
    official = MembershipFactory(organization=challenge.body, role="official").user

    # The company asks.
    page = sign_in(browser, live_server, asker, next_url="/cuenta/")
    page.goto(f"{live_server.url}/retos/{challenge.slug}/aclaraciones/preguntar/")
    assert_accessible(page)
    page.get_by_label("Su pregunta").fill("¿La app debe funcionar sin conexión a internet?")
    page.get_by_role("button", name="Enviar la pregunta").click()
    assert_accessible(page)
    page.context.close()

    # The official answers.
    page = sign_in(browser, live_server, official, next_url="/cuenta/")
    page.goto(f"{live_server.url}/retos/{challenge.slug}/aclaraciones/gestionar/")
    assert "Lucía Preguntas" in page.content()  # officials see who asked
    assert_accessible(page)
    page.get_by_label("Respuesta").first.fill("Sí: las alertas deben llegar también por SMS.")
    page.get_by_role("button", name="Publicar la respuesta").click()
    assert_accessible(page)

    # The official amends the terms and extends the deadline.
    page.goto(f"{live_server.url}/retos/{challenge.slug}/enmiendas/nueva/")
    assert_accessible(page)
    page.get_by_label("Motivo de la enmienda (se publica)").fill(
        "Se agrega el envío por SMS y se amplía el plazo."
    )
    deadline = page.get_by_label("Cierre de propuestas")
    new_deadline = (
        timezone.localtime(challenge.submissions_close_at) + timedelta(days=7)
    ).strftime("%Y-%m-%dT%H:%M")
    deadline.fill(new_deadline)
    page.get_by_role("button", name="Publicar la enmienda").click()
    page.wait_for_url(f"{live_server.url}/retos/{challenge.slug}/enmiendas/")
    assert "Se agrega el envío por SMS" in page.content()
    assert_accessible(page)
    page.context.close()

    # Anyone sees the answer, without the asker, and the new deadline.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    page = context.new_page()
    page.goto(f"{live_server.url}/retos/{challenge.slug}/")
    text = page.content()
    assert "las alertas deben llegar también por SMS" in text
    assert "Lucía" not in text and "Ríos Abiertos" not in text
    assert_accessible(page)
    context.close()
    challenge = Challenge.objects.get(pk=challenge.pk)
    assert timezone.localtime(challenge.submissions_close_at).strftime("%Y-%m-%dT%H:%M") == (
        new_deadline
    )
