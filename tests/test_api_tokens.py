"""Personal API tokens: the account page ``cuenta/api/`` creates them (the secret shown once,
only its digest stored) and revokes them; the API authenticates with them."""

from __future__ import annotations

import hashlib

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from retos.api import services
from retos.api.models import ApiToken
from retos.core.errors import DomainError
from retos.ledger.models import Event
from tests.factories import UserFactory
from tests.test_api import API, assert_error

pytestmark = pytest.mark.django_db

PAGE = "/cuenta/api/"


def create(client, name="Análisis de datos"):
    return client.post(PAGE, {"name": name})


def secret_in(response) -> str:
    html = response.content.decode()
    start = html.index('value="retos_') + len('value="')
    return html[start : html.index('"', start)]


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert client.post(PAGE, {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 0


def test_a_new_token_is_shown_once_and_only_its_digest_is_stored(client):
    user = UserFactory()
    client.force_login(user)
    response = create(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    secret = secret_in(response)
    token = ApiToken.objects.get()
    assert token.user == user and token.name == "Análisis de datos"
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.name, token.secret_sha256}
    assert secret.startswith(token.prefix)
    # Reading the page again shows the prefix, never the secret.
    again = client.get(PAGE).content.decode()
    assert token.prefix in again and secret not in again
    # And the ledger records the creation privately, without the secret.
    event = Event.objects.get(action="api_token.created")
    assert event.public is False and secret not in str(event.payload)


def test_the_token_authenticates_its_owner_and_stamps_its_use(client):
    user = UserFactory(full_name="Ana Prueba")
    client.force_login(user)
    secret = secret_in(create(client))
    client.logout()
    with time_machine.travel(timezone.now(), tick=False):
        me = client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert me.status_code == 200 and me.json()["email"] == user.email
        assert ApiToken.objects.get().last_used_at == timezone.now()


def test_the_last_use_is_written_at_most_once_a_minute(client):
    user = UserFactory()
    _token, secret = services.api_token_create(actor=user, name="x")
    client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    first = ApiToken.objects.get().last_used_at
    client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert ApiToken.objects.get().last_used_at == first


def test_a_revoked_token_no_longer_authenticates(client):
    user = UserFactory()
    token, secret = services.api_token_create(actor=user, name="Script")
    client.force_login(user)
    response = client.post(reverse("api_pages:token_revoke", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert_error(
        client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {secret}"),
        401,
        "authentication_failed",
    )
    with pytest.raises(DomainError) as refused:
        services.api_token_revoke(token=token, actor=user)
    assert refused.value.code == "already_revoked"


def test_nobody_revokes_someone_elses_token(client):
    owner = UserFactory()
    token, secret = services.api_token_create(actor=owner, name="Mío")
    for intruder in (UserFactory(), UserFactory(is_platform_staff=True, is_superuser=True)):
        client.force_login(intruder)
        response = client.post(reverse("api_pages:token_revoke", kwargs={"pk": token.pk}))
        assert response.status_code == 404
        assert token.name not in client.get(PAGE).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    assert client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_an_inactive_persons_token_is_refused(client):
    user = UserFactory()
    _token, secret = services.api_token_create(actor=user, name="x")
    user.is_active = False
    user.save()
    assert_error(client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Bearer {secret}"), 401)


@pytest.mark.parametrize(
    ("name", "code"), [("", "name_required"), ("   ", "name_required"), ("x" * 101, "too_long")]
)
def test_a_token_needs_a_short_name(name, code):
    with pytest.raises(DomainError) as refused:
        services.api_token_create(actor=UserFactory(), name=name)
    assert refused.value.code == code


def test_the_form_refuses_an_empty_or_long_name(client):
    client.force_login(UserFactory())
    for name in ("", "x" * 101):
        response = create(client, name)
        assert response.status_code == 400
        assert 'class="error-summary"' in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_at_most_twenty_active_tokens(client):
    user = UserFactory()
    tokens = [services.api_token_create(actor=user, name=f"t{i}")[0] for i in range(20)]
    with pytest.raises(DomainError) as refused:
        services.api_token_create(actor=user, name="uno más")
    assert refused.value.code == "too_many_tokens"
    services.api_token_revoke(token=tokens[0], actor=user)
    services.api_token_create(actor=user, name="uno más")


def test_anonymous_cannot_create_a_token():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=AnonymousUser(), name="x")


def test_a_hostile_name_is_shown_escaped(client):
    client.force_login(UserFactory())
    create(client, '<script>alert("x")</script>')
    html = client.get(PAGE).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_the_token_page_in_english(client):
    client.force_login(UserFactory())
    response = client.get("/en" + PAGE)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
