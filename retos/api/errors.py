"""Every error of the API in one JSON shape::

    {"error": {"code": "not_found", "message": "…", "fields": {"text": ["…"]}}}

``code`` is stable (clients branch on it; it is the ``DomainError`` code when a rule of the
domain refused), ``message`` is for people (in the request's language) and says what to do,
``fields`` names the inputs at fault (empty when none is).

- a rule of the domain refused (``DomainError``): 409 when the state of things refuses it (the
  deadline passed, already answered, wrong stage), 400 when the input does;
- a missing permission: 403, or 404 where the existence of the thing is itself private (views
  raise ``NotFound`` themselves there, so both cases read the same);
- not found, bad input, not authenticated, a body too large, too many requests: 404, 400,
  401, 413, 429.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from retos.core.errors import DomainError

#: Codes of ``DomainError`` that say the state of things refuses the action (409), not the input.
CONFLICT_CODES = frozenset(
    {
        "already_open",
        "already_removed",
        "already_resolved",
        "already_revoked",
        "deadline_not_passed",
        "deadline_passed",
        "extension_required",
        "incomplete",
        "invalid_transition",
        "minutes_not_due",
        "not_eligible",
        "not_published",
        "not_submitted",
        "past",
        "questions_closed",
        "retry",
        "same_officer",
        "scheduled",
        "submissions_closed",
        "unverified_body",
        "window_too_short",
    }
)


def domain_status(code: str) -> int:
    if code in CONFLICT_CODES or code.endswith("_blocked"):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as ``{"field.sub.0": ["message", …]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for i, item in enumerate(detail):
                for k, v in _flatten(item, f"{prefix}.{i}" if prefix else str(i)).items():
                    out.setdefault(k, []).extend(v)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc, context):
    """DRF's exception handler, answering in the shape above. Anything it does not know is
    left to Django (a server error, logged as usual)."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(
            error_body(exc.code, exc.message, getattr(exc, "fields", None)),
            status=domain_status(exc.code),
        )
    if isinstance(exc, RequestDataTooBig):
        from retos.api.parsers import BodyTooLarge

        exc = BodyTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            "invalid",
            _("Some of the data sent is not valid; see the fields."),
            _flatten(exc.detail),
        )
    elif isinstance(exc, exceptions.NotFound):
        body = error_body("not_found", _("Nothing was found at this address."))
    elif isinstance(exc, exceptions.Throttled):
        body = error_body(
            "throttled",
            _("Too many requests. Wait %(seconds)d seconds and try again.")
            % {"seconds": int(exc.wait or 1)},
        )
    else:
        detail = exc.detail
        code = getattr(detail, "code", None) or exc.default_code
        body = error_body(str(code), str(detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
