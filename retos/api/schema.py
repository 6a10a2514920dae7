"""The OpenAPI document: every operation lists the errors it may answer, in the one JSON shape
of ``errors.py``, and the Bearer token is a security scheme."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_DESCRIPTIONS = {
    "400": _("The input is not valid (see error.fields), or a rule refused it."),
    "401": _("The Bearer token is missing, not valid or revoked."),
    "403": _("You may not do this (at this stage)."),
    "404": _("Not found, or not yours to see."),
    "409": _("The state of things refuses it now (a deadline, a stage, already done)."),
    "413": _("The body of the request is too large."),
    "415": _("Send the body as JSON (Content-Type: application/json)."),
    "429": _("Too many requests: wait the seconds in Retry-After."),
}
READ_ERRORS = ["400", "401", "404", "429"]
WRITE_ERRORS = ["400", "401", "403", "404", "409", "413", "415", "429"]


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        from retos.api.serializers import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method in ("GET", "HEAD") else WRITE_ERRORS
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = str(ERROR_DESCRIPTIONS[code])
                responses[code] = response
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "retos.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("A personal token created on your account page (cuenta/api/).")),
        }


TAGS = [
    ("challenges", _("Challenges"), _("Public challenges, their terms and amendments.")),
    ("questions", _("Questions"), _("The clarifications: questions and their public answers.")),
    ("organizations", _("Organizations"), _("Government bodies and bidding companies.")),
    (
        "proposals",
        _("Proposals"),
        _(
            "Opening acts and opened proposals (public); your companies' proposals (with a "
            "token): start, save, submit, withdraw."
        ),
    ),
    ("results", _("Results"), _("Scores and decisions, published after the decision.")),
    ("delivery", _("Delivery"), _("Awards, contracts, milestones and the catalog.")),
    ("officials", _("Officials"), _("Actions of the body's officials and approvers (token).")),
    ("account", _("Account"), _("The token's owner.")),
]


def postprocess(result, generator, request, public):
    """Tags in a stable order, with their descriptions."""
    result["tags"] = [
        {"name": name, "description": str(description), "x-displayName": str(label)}
        for name, label, description in TAGS
    ]
    return result
