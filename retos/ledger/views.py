"""The transparency page and the public copy of the ledger (every event, the non-public ones
redacted), streamed as JSON Lines."""

from __future__ import annotations

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from retos.ledger import selectors


@require_GET
def transparency(request):
    return render(
        request,
        "ledger/transparency.html",
        {
            "head": selectors.ledger_head(),
            "count": selectors.ledger_count(),
            "read_at": timezone.now(),
            "jsonl_url": request.build_absolute_uri(reverse("ledger_jsonl")),
        },
    )


@require_GET
def ledger_jsonl(request):
    after = request.GET.get("after", "0")
    if not after.isascii() or not after.isdigit():
        return HttpResponseBadRequest(
            _("“after” must be a sequence number (a whole number, 0 or more)."),
            content_type="text/plain; charset=utf-8",
        )
    response = StreamingHttpResponse(
        selectors.ledger_lines(after=int(after)),
        content_type="application/x-ndjson; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="retos-ledger.jsonl"'
    response["Cache-Control"] = "no-cache"
    return response
