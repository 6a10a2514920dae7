"""Every write to API tokens: create, revoke, and the stamp of last use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from retos.api.models import ApiToken
from retos.core import rules
from retos.core.errors import DomainError
from retos.ledger.services import event_record

#: Every token starts with this, so a secret pasted in the wrong place is recognizable (and
#: secret scanners can look for it).
TOKEN_PREFIX = "retos_"  # noqa: S105  (a public marker, not a secret)
PREFIX_SHOWN = len(TOKEN_PREFIX) + 6
MAX_ACTIVE_TOKENS = 20
MAX_NAME = 100
#: The last-use stamp is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def secret_digest(secret: str) -> str:
    """The stored form of a secret. A secret has 256 random bits, so a plain SHA-256 is as
    good as a slow hash here (no dictionary can guess it)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``actor`` and return it with its secret.

    The secret is returned here once and never again: only its SHA-256 is stored. A person
    has at most ``MAX_ACTIVE_TOKENS`` tokens that are not revoked.
    """
    rules.require(actor, "api:token_create")
    name = (name or "").strip()
    if not name:
        raise DomainError(
            _("Give the token a name that says where you will use it."), code="name_required"
        )
    if len(name) > MAX_NAME:
        raise DomainError(
            _("The name has at most %(n)d characters.") % {"n": MAX_NAME}, code="too_long"
        )
    # Lock the person's tokens so two requests at once cannot pass the limit together.
    active = list(
        ApiToken.objects.select_for_update().filter(user=actor).active().values_list("pk")
    )
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _("You have %(n)d active tokens, the most allowed. Revoke one you no longer use.")
            % {"n": MAX_ACTIVE_TOKENS},
            code="too_many_tokens",
        )
    secret = new_secret()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        prefix=secret[:PREFIX_SHOWN],
        secret_sha256=secret_digest(secret),
        created_at=timezone.now(),
    )
    event_record(
        actor=actor,
        action="api_token.created",
        subject=token,
        payload={"name": name, "prefix": token.prefix},
        public=False,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token for good: from this moment it authenticates nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    rules.require(actor, "api:token_revoke", locked)
    if locked.revoked_at is not None:
        raise DomainError(_("This token was already revoked."), code="already_revoked")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    event_record(
        actor=actor,
        action="api_token.revoked",
        subject=locked,
        payload={"name": locked.name, "prefix": locked.prefix},
        public=False,
    )
    token.revoked_at = locked.revoked_at
    return token


def api_token_mark_used(*, token: ApiToken, now=None) -> None:
    """Stamp the time ``token`` was last used, at most once a minute.

    Bookkeeping for the owner's page, not a fact of the domain: no permission (the request was
    just authenticated with this very token) and no ledger event, or every API call would be
    one. A single conditional UPDATE, so concurrent requests do not wait for one another.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
