"""The rate limit, per client: each token is counted on its own, and anonymous requests by
the client's IP address (``RETOS_API_TRUSTED_PROXIES`` says how to find it behind proxies).

The rates are read from the settings on every request (``RETOS_API_RATE_ANON``,
``RETOS_API_RATE_USER``), so a deployment or a test may change them without a restart of the
class; the counts live in Django's default cache.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from retos.api.models import ApiToken


class ClientRateThrottle(SimpleRateThrottle):
    cache_format = "retos-api-throttle:%(scope)s:%(ident)s"

    def __init__(self):
        # The rate depends on the request (token or not): chosen in allow_request.
        self.rate = None

    def _rate_for(self, request) -> tuple[str, str]:
        if isinstance(request.auth, ApiToken):
            return "token", settings.RETOS_API_RATE_USER
        return "anon", settings.RETOS_API_RATE_ANON

    def allow_request(self, request, view):
        self.scope, self.rate = self._rate_for(request)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        token = isinstance(request.auth, ApiToken)
        ident = request.auth.pk if token else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
