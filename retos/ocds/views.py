"""The OCDS files (release and record packages, streamed; JSON Lines; gzip) and the page that
explains them. Anyone may read them: they hold only what is already public."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from retos.ocds import packages, schema, selectors

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "json.gz": "application/gzip",
    "jsonl.gz": "application/gzip",
}


@require_safe
def index(request):
    return render(
        request,
        "ocds/index.html",
        {
            "ocid_prefix": settings.RETOS_OCID_PREFIX,
            "ocid_example": f"{settings.RETOS_OCID_PREFIX}-123",
            "license_url": selectors.LICENSE_URL,
            "extensions": schema.EXTENSIONS,
            "formats": list(CONTENT_TYPES),
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )


def _headers(response, filename: str | None = None):
    response["Cache-Control"] = "no-cache"
    # Public data: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def download(request, dataset: str, fmt: str):
    """Every served release (``releases``) or every record (``records``), streamed."""
    now = timezone.now()
    releases = selectors.served(now)
    if dataset == "releases":
        items = selectors.release_texts(releases)
    else:
        items = packages.texts(selectors.records(releases))
    if fmt.startswith("jsonl"):
        body = packages.lines(items)
    else:
        metadata = selectors.package_metadata(
            uri=selectors.absolute_url(request.path), published=selectors.last_change(releases)
        )
        body = packages.package(metadata, dataset, items)
    filename = None
    if fmt.endswith(".gz"):
        body = packages.gzipped(body)
        filename = f"retos-ocds-{dataset}-{now.date().isoformat()}.{fmt}"
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    return _headers(response, filename)


@require_safe
def release_package(request, ocid: str):
    """A release package of one process's served releases."""
    releases = selectors.served(ocid=ocid)
    texts = list(selectors.release_texts(releases))
    if not texts:
        raise Http404
    metadata = selectors.package_metadata(
        uri=selectors.absolute_url(request.path), published=selectors.last_change(releases)
    )
    body = b"".join(packages.package(metadata, "releases", texts))
    return _headers(HttpResponse(body, content_type=CONTENT_TYPES["json"]))


@require_safe
def record_package(request, ocid: str):
    """A record package with one process's record."""
    releases = selectors.served(ocid=ocid)
    records = list(selectors.records(releases))
    if not records:
        raise Http404
    metadata = selectors.package_metadata(
        uri=selectors.absolute_url(request.path), published=selectors.last_change(releases)
    )
    metadata["packages"] = [
        selectors.absolute_url(reverse("ocds:release_package", kwargs={"ocid": ocid}))
    ]
    body = b"".join(packages.package(metadata, "records", packages.texts(records)))
    return _headers(HttpResponse(body, content_type=CONTENT_TYPES["json"]))
