"""JSON bodies, no larger than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (DRF reads the body from
the stream itself, past Django's own check): a larger one is refused with 413 before it is
read into memory."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The body of the request is too large.")
    default_code = "too_large"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            request = (parser_context or {}).get("request")
            meta = getattr(request, "META", {}) if request is not None else {}
            try:
                declared = int(meta.get("CONTENT_LENGTH") or 0)
            except (TypeError, ValueError):
                declared = 0
            if declared > limit:
                raise BodyTooLarge()
            data = stream.read(limit + 1)
            if len(data) > limit:
                raise BodyTooLarge()
            stream = io.BytesIO(data)
        return super().parse(stream, media_type, parser_context)
