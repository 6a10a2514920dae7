"""``Authorization: Bearer <token>``: a personal token made on the account page ``cuenta/api/``.

A request without the header is anonymous and reads what anyone may read. A request with a
Bearer header that is malformed, unknown, revoked, or whose owner is no longer active is
refused (401), never treated as anonymous, so a client learns at once that its token is bad.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from retos.api import selectors, services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as “Authorization: Bearer <token>”, the token without spaces.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        token = selectors.token_for_secret(secret) if secret else None
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid or was revoked. Create a new one on your account page.")
            )
        services.api_token_mark_used(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
