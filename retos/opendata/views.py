"""The open-data page (the files and their data dictionary) and the files themselves,
streamed as CSV or JSON."""

from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from retos.opendata import exports

FORMATS = {
    "csv": ("text/csv; charset=utf-8; header=present", exports.csv_lines),
    "json": ("application/json; charset=utf-8", exports.json_chunks),
}


@require_GET
def index(request):
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": list(exports.DATASETS.values()),
            "formats": list(FORMATS),
            "formula_prefixes": exports.FORMULA_PREFIXES,
            "research": exports.RESEARCH,
        },
    )


@require_GET
def download(request, dataset, fmt):
    if dataset not in exports.DATASETS or fmt not in FORMATS:
        raise Http404
    data = exports.DATASETS[dataset]
    content_type, writer = FORMATS[fmt]
    now = timezone.now()
    response = StreamingHttpResponse(
        writer(data.columns, data.rows(now)), content_type=content_type
    )
    day = now.date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="retos-{data.name}-{day}.{fmt}"'
    response["Cache-Control"] = "no-cache"
    return response
