"""Public pages, languages, visibility of drafts, forms and hostile input."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from retos.accounts.models import User
from retos.challenges.stages import Stage
from tests.factories import ChallengeFactory, GovernmentBodyFactory, MembershipFactory, UserFactory
from tests.lifecycle import ROLES, challenge_in, person

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
SQL = "'; DROP TABLE challenges_challenge; --"


def test_spanish_is_the_default_and_english_lives_under_en(client):
    ChallengeFactory(title="Alerta sísmica")
    spanish = client.get("/retos/")
    assert '<html lang="es-MX">' in spanish.text
    assert "Buscar" in spanish.text and "Search" not in spanish.text
    english = client.get("/en/retos/")
    assert '<html lang="en">' in english.text
    assert "Challenges" in english.text


def test_an_english_browser_still_gets_spanish_at_unprefixed_urls(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es-MX">' in response.text


def test_the_language_switch_links_to_the_same_page_in_the_other_language(client):
    challenge = ChallengeFactory()
    spanish = client.get(challenge.get_absolute_url() + "?x=1").text
    assert f'href="/en{challenge.get_absolute_url()}?x=1" hreflang="en"' in spanish
    english = client.get("/en/retos/?stage=evaluation").text
    assert 'href="/retos/?stage=evaluation" hreflang="es-MX"' in english


def test_home_shows_open_challenges_and_figures(client):
    open_one = ChallengeFactory(title="Plataforma de denuncia ciudadana")
    challenge_in(Stage.COMPLETED)
    response = client.get("/")
    assert open_one.title in response.text
    assert "$1,250,000.00 MXN" in response.text


def test_the_detail_page_shows_amount_criteria_timeline_and_local_dates(client):
    challenge = ChallengeFactory(title="Alerta temprana")
    response = client.get(challenge.get_absolute_url())
    text = response.text
    assert "$1,250,000.00 MXN" in text
    assert "Solución técnica" in text and "40 %" in text
    assert 'aria-current="step"' in text
    assert "hora del centro" in text
    assert re.search(r"\d{1,2} de [a-z]+ de \d{4}, \d\d:\d\d\u00a0h", text)


def test_a_challenge_cancelled_in_evaluation_shows_only_the_stages_it_reached(client):
    challenge = challenge_in(Stage.EVALUATION)
    challenge.stage = Stage.CANCELLED
    challenge.cancelled_at = challenge.evaluation_at
    challenge.outcome_reason = "Recorte presupuestal."
    challenge.save()
    url = "/en" + challenge.get_absolute_url()
    with translation.override("en"):
        text = client.get(url).text
    steps = re.findall(r'<span class="timeline-label">([^<]+)</span>', text)
    assert steps == ["Published", "Closed", "Opened", "Evaluation", "Cancelled"]


@pytest.mark.parametrize("stage", [Stage.DRAFT, Stage.IN_REVIEW])
@pytest.mark.parametrize("role", ROLES)
def test_unpublished_challenges_are_seen_only_by_their_body_and_reviewers(client, stage, role):
    body = GovernmentBodyFactory()
    challenge = challenge_in(stage, body=body)
    viewer = person(role, body)
    if viewer.is_authenticated:
        client.force_login(viewer)
    response = client.get(challenge.get_absolute_url())
    visible = role.startswith("body_") or (role == "platform_staff" and stage == Stage.IN_REVIEW)
    assert response.status_code == (200 if visible else 404)


def test_filters_by_stage_level_and_text(client):
    federal = GovernmentBodyFactory(name="Secretaría de Gobernación", acronym="SEGOB")
    a = ChallengeFactory(body=federal, title="Alerta de desastres naturales")
    b = challenge_in(Stage.COMPLETED, title="Denuncia de corrupción")
    by_stage = client.get("/retos/", {"stage": "completed"}).text
    assert b.title in by_stage and a.title not in by_stage
    by_text = client.get("/retos/", {"q": "desastres"}).text
    assert a.title in by_text and b.title not in by_text
    by_acronym = client.get("/retos/", {"q": "SEGOB"}).text
    assert a.title in by_acronym and b.title not in by_acronym


def test_a_closed_by_time_challenge_is_listed_as_closed(client):
    challenge = challenge_in(Stage.PUBLISHED, deadline_passed=True, title="Vencido")
    assert challenge.title in client.get("/retos/", {"stage": "closed"}).text
    assert challenge.title not in client.get("/retos/", {"stage": "published"}).text


@pytest.mark.parametrize(
    "params", [{"stage": "nope"}, {"page": "999"}, {"page": "x"}, {"state": "99"}]
)
def test_bad_list_parameters_do_not_break_the_page(client, params):
    ChallengeFactory()
    assert client.get("/retos/", params).status_code == 200


@pytest.mark.parametrize("payload", [SCRIPT, SQL])
def test_hostile_text_is_stored_verbatim_and_rendered_escaped(client, payload):
    body = GovernmentBodyFactory(name=f"Organismo {payload}")
    challenge = ChallengeFactory(
        body=body,
        title=f"Reto {payload}",
        summary=payload,
        problem_statement=payload,
        context=payload,
        expected_outcomes=payload,
        deliverables=payload,
        outcome_reason=payload,
    )
    challenge.refresh_from_db()
    assert challenge.summary == payload
    for url in [challenge.get_absolute_url(), "/retos/", "/", body.get_absolute_url()]:
        text = client.get(url).text
        assert SCRIPT not in text
    assert client.get("/retos/", {"q": payload}).status_code == 200
    assert client.get("/retos/", {"q": SQL}).status_code == 200


def test_an_approver_sends_a_draft_to_review_from_the_page(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    approver = MembershipFactory(organization=body, role="approver").user
    client.force_login(approver)
    page = client.get(challenge.get_absolute_url()).text
    assert reverse("challenges:transition", args=[challenge.slug, "submit_for_review"]) in page
    response = client.post(
        reverse("challenges:transition", args=[challenge.slug, "submit_for_review"]), follow=True
    )
    challenge.refresh_from_db()
    assert challenge.stage == Stage.IN_REVIEW
    assert "En revisión" in response.text or "In review" in response.text


def test_a_refused_action_says_so_and_changes_nothing(client):
    body = GovernmentBodyFactory()
    challenge = challenge_in(Stage.DRAFT, body=body)
    client.force_login(MembershipFactory(organization=body, role="official").user)
    response = client.post(
        reverse("challenges:transition", args=[challenge.slug, "submit_for_review"]), follow=True
    )
    challenge.refresh_from_db()
    assert challenge.stage == Stage.DRAFT
    assert response.status_code == 200
    assert 'class="message message-error"' in response.text


def test_an_unknown_action_is_404(client):
    challenge = ChallengeFactory()
    client.force_login(UserFactory())
    url = reverse("challenges:transition", args=[challenge.slug, "delete"])
    assert client.post(url).status_code == 404


class TestAccounts:
    def test_sign_up_logs_in_and_hashes_with_argon2(self, client, settings):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
        response = client.post(
            "/cuenta/registro/",
            {
                "full_name": "Ana López",
                "email": "Ana@Empresa.mx",
                "password": "una-frase-larga-segura",
                "preferred_language": "es-mx",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="ana@empresa.mx")
        assert user.password.startswith("argon2")
        assert client.get("/cuenta/").status_code == 200

    def test_sign_up_errors_are_listed_and_linked_to_fields(self, client):
        UserFactory(email="ana@empresa.mx")
        response = client.post(
            "/cuenta/registro/",
            {
                "full_name": "",
                "email": "ana@empresa.mx",
                "password": "123",
                "preferred_language": "es-mx",
            },
        )
        assert response.status_code == 200
        assert 'class="error-summary"' in response.text
        assert 'href="#id_email"' in response.text
        assert 'href="#id_password"' in response.text

    def test_log_in_with_email_and_log_out(self, client):
        UserFactory(email="ana@empresa.mx")
        response = client.post(
            "/cuenta/entrar/", {"username": "ana@empresa.mx", "password": "contrasena-segura-123"}
        )
        assert response.status_code == 302
        assert client.post("/cuenta/salir/").status_code == 302
        assert client.get("/cuenta/").status_code == 302

    def test_password_reset_sends_a_working_link(self, client):
        UserFactory(email="ana@empresa.mx")
        client.post("/cuenta/contrasena/", {"email": "ana@empresa.mx"})
        assert len(mail.outbox) == 1
        link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
        response = client.get(link, follow=True)
        assert response.status_code == 200
        form_url = response.redirect_chain[-1][0]
        response = client.post(
            form_url,
            {"new_password1": "otra-frase-muy-larga", "new_password2": "otra-frase-muy-larga"},
        )
        assert response.status_code == 302
        assert client.login(username="ana@empresa.mx", password="otra-frase-muy-larga")


class TestOrganizationPages:
    def test_company_registration_asks_to_confirm_a_bad_check_digit(self, client):
        from stdnum.mx import rfc as stdnum_rfc

        good = "SAB150101AB" + stdnum_rfc.calc_check_digit("SAB150101AB")
        bad = good[:-1] + ("1" if good[-1] != "1" else "2")
        client.force_login(UserFactory())
        data = {
            "name": "Datos Abiertos S.C.",
            "rfc": bad,
            "sector": "services",
            "workers": "5",
            "annual_sales": "1500000",
            "state": "09",
            "legal_representative_name": "Ana Lucía Torres Medina",
            "legal_representative_title": "Directora general",
            "declares_sme": "on",
            "declares_no_conflict": "on",
        }
        response = client.post("/organizaciones/registrar/empresa/", data)
        assert response.status_code == 200
        assert "id_confirm_rfc_check_digit" in response.text
        response = client.post(
            "/organizaciones/registrar/empresa/", {**data, "confirm_rfc_check_digit": "on"}
        )
        assert response.status_code == 302

    def test_invitation_page_is_404_for_non_admins(self, client):
        body = GovernmentBodyFactory()
        client.force_login(MembershipFactory(organization=body, role="official").user)
        assert client.get(f"/organizaciones/{body.slug}/invitar/").status_code == 404

    def test_an_invitation_is_accepted_from_its_link(self, client):
        body = GovernmentBodyFactory()
        admin = MembershipFactory(organization=body, role="admin").user
        client.force_login(admin)
        client.post(
            f"/organizaciones/{body.slug}/invitar/",
            {"email": "oficial@gob.mx", "role": "opening_officer"},
        )
        token = body.invitations.get().token
        invited = UserFactory(email="oficial@gob.mx")
        client.force_login(invited)
        assert client.get(f"/invitaciones/{token}/").status_code == 200
        assert client.post(f"/invitaciones/{token}/").status_code == 302
        assert invited.memberships.get().role == "opening_officer"


def test_healthz_is_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_without_the_database(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
