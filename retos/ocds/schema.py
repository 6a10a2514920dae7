"""The OCDS 1.1.5 schemas Retos publishes against, built from the vendored files in
``schema/`` only: nothing here ever reads ``../shared`` or the network.

- ``release_schema()``: the core release schema with the extensions' release-schema patches
  applied in order (JSON Merge Patch, RFC 7386). It validates releases and gives ``ocdsmerge``
  its merge rules (``merger()``).
- ``validate(document, kind)``: the error messages of a release, a release package or a record
  package, with every ``$ref`` resolved from a local ``referencing`` registry (an unknown
  remote reference is an error, never a download) and the ``date-time`` and ``uri`` formats
  checked.
- ``codelist(name)``: the codes of a vendored codelist (core or extension).
"""

from __future__ import annotations

import copy
import csv
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
#: Where the OCDS 1.1.5 schemas live, as their ``id`` and the packages' ``$ref`` name them.
BASE_URI = "https://standard.open-contracting.org/schema/1__1__5/"
#: A package's ``version`` (major.minor).
VERSION = "1.1"


@dataclass(frozen=True)
class Extension:
    #: The folder under ``schema/extensions/``.
    name: str
    #: The extension's identifier in a package's ``extensions`` (the registry's URL form;
    #: an identifier only, never fetched).
    url: str


def _github(repository: str, version: str) -> str:
    return (
        f"https://raw.githubusercontent.com/open-contracting-extensions/{repository}/"
        f"{version}/extension.json"
    )


#: The extensions Retos uses, in the order their patches are applied (lots first: design
#: contest and award criteria patch its ``Lot``).
EXTENSIONS = [
    Extension("lots", _github("ocds_lots_extension", "master")),
    Extension("bids", _github("ocds_bid_extension", "v1.1.5")),
    Extension("designContest", _github("ocds_designContest_extension", "master")),
    Extension("enquiries", _github("ocds_enquiry_extension", "master")),
    Extension("awardCriteria", _github("ocds_awardCriteria_extension", "master")),
]

PACKAGE_KINDS = {
    "release": "release-schema.json",
    "release-package": "release-package-schema.json",
    "record-package": "record-package-schema.json",
}


def _load(relative: str) -> dict:
    with (SCHEMA_DIR / relative).open(encoding="utf-8") as f:
        return json.load(f)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: ``patch`` applied to ``target`` (a new value; neither is changed)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


#: Applied last. The lots extension's ``Lot.submissionTerms`` refers to ``SubmissionTerms``,
#: which only the submission terms extension (not used by Retos) defines: without this, the
#: reference dangles and ``ocdsmerge`` cannot dereference the schema.
LOCAL_PATCH = {"definitions": {"Lot": {"properties": {"submissionTerms": None}}}}


@cache
def release_schema() -> dict:
    """The release schema with every extension applied. Shared: do not change it."""
    schema = _load("release-schema.json")
    for extension in EXTENSIONS:
        schema = merge_patch(schema, _load(f"extensions/{extension.name}/release-schema.json"))
    return merge_patch(schema, LOCAL_PATCH)


def _retrieve(uri: str):
    # Everything the schemas refer to is registered below; anything else is refused here
    # rather than fetched.
    raise NoSuchResource(ref=uri)


@cache
def registry() -> Registry:
    resources = [(BASE_URI + "release-schema.json", release_schema())]
    resources += [
        (BASE_URI + filename, _load(filename))
        for kind, filename in PACKAGE_KINDS.items()
        if kind != "release"
    ]
    return Registry(retrieve=_retrieve).with_resources(
        (uri, Resource.from_contents(contents, default_specification=DRAFT4))
        for uri, contents in resources
    )


format_checker = FormatChecker(formats=())


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


@format_checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """RFC 3339: a date, "T", a time with seconds and an offset ("Z" or ±hh:mm)."""
    if not isinstance(value, str):
        return True
    if not RFC3339.fullmatch(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value.upper())  # and a real date and time
    return True


@format_checker.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if not parts.scheme or not (parts.netloc or parts.path) or " " in value:
        raise ValueError(f"{value!r} is not an absolute URI")
    return True


@cache
def validator(kind: str = "release-package") -> Draft4Validator:
    schema = release_schema() if kind == "release" else _load(PACKAGE_KINDS[kind])
    return Draft4Validator(schema, registry=registry(), format_checker=format_checker)


def validate(document: Any, kind: str = "release-package") -> list[str]:
    """The schema errors of ``document`` (empty when it is valid), each with its path."""
    errors = sorted(validator(kind).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
        for error in errors
    ]


@cache
def merger():
    """An ``ocdsmerge.Merger`` with the merge rules of the extended release schema."""
    import ocdsmerge

    return ocdsmerge.Merger(schema=copy.deepcopy(release_schema()))


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of ``name`` (e.g. "partyRole.csv"), from the core or an extension's folder."""
    for folder in [SCHEMA_DIR / "codelists"] + [
        SCHEMA_DIR / "extensions" / e.name / "codelists" for e in EXTENSIONS
    ]:
        path = folder / name
        if path.exists():
            with path.open(encoding="utf-8", newline="") as f:
                return frozenset(row["Code"] for row in csv.DictReader(f))
    raise LookupError(f"no vendored codelist {name}")
