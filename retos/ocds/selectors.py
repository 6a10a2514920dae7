"""Reads of the published releases: what is served at a time, the packages' metadata, and the
records compiled from the releases with ``ocdsmerge``.

Every read is a constant number of queries whatever the number of releases: the streamed ones
read in chunks (``iterator(chunk_size=…)``) and hold one chunk, or one process's releases, in
memory at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from itertools import groupby

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from retos.ocds import schema
from retos.ocds.build import ocds_datetime
from retos.ocds.models import Release

CHUNK_SIZE = 500

PUBLISHER_NAME = "Retos"
#: The licence of the data: Creative Commons Attribution 4.0 International.
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"


def served(now: datetime | None = None, *, ocid: str | None = None):
    releases = Release.objects.served(now or timezone.now())
    if ocid is not None:
        releases = releases.filter(ocid=ocid)
    return releases


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def package_metadata(*, uri: str, published: datetime | None) -> dict:
    """The metadata every package declares (without its releases or records)."""
    return {
        "uri": uri,
        "version": schema.VERSION,
        "extensions": [e.url for e in schema.EXTENSIONS],
        "publisher": {"name": PUBLISHER_NAME, "uri": settings.SITE_URL.rstrip("/") + "/"},
        "license": LICENSE_URL,
        "publicationPolicy": absolute_url(reverse("ocds:index")) + "#publication-policy",
        "publishedDate": ocds_datetime(published or timezone.now()),
    }


def last_change(releases) -> datetime | None:
    """The date of the newest release in ``releases`` (a package's ``publishedDate``)."""
    return releases.aggregate(last=Max("date"))["last"]


def release_texts(releases) -> Iterator[str]:
    """Each release's stored JSON text, in the order they were stored, one chunk at a time."""
    return releases.order_by("id").values_list("data", flat=True).iterator(chunk_size=CHUNK_SIZE)


def records(releases) -> Iterator[dict]:
    """One record per process: its releases (linked by URL, date and tags, oldest first) and
    the compiled release that ``ocdsmerge`` makes of them with the extended schema's rules.
    Reads the releases process by process in chunks; holds one process's releases at a time.
    """
    rows = (
        releases.order_by("challenge_id", "sequence")
        .values_list("ocid", "release_id", "date", "tags", "data")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    merger = schema.merger()
    for ocid, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        url = absolute_url(reverse("ocds:release_package", kwargs={"ocid": ocid}))
        yield {
            "ocid": ocid,
            "releases": [
                {"url": f"{url}#{release_id}", "date": ocds_datetime(date), "tag": tags}
                for _ocid, release_id, date, tags, _data in group
            ],
            "compiledRelease": merger.create_compiled_release(
                [json.loads(data) for *_rest, data in group]
            ),
        }
