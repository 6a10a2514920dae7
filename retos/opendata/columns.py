"""What every open-data file is made of: a ``Column`` (name, type, description in the
dictionary, and how to read its value from a row), a ``Dataset`` (a list of columns and the
rows), and how values are written (times in UTC, amounts as strings).

The files' modules (``exports`` for challenges and proposals, ``outcomes`` for what the
decision and the contract publish, ``research`` for the pseudonymized bidders) build their
lists of columns from these, and ``exports.DATASETS`` gathers them: one list per file serves
both the file and its section of the data dictionary, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Rows read from the database at a time (``iterator(chunk_size=…)``).
CHUNK_SIZE = 500

TYPES = {
    "text": _("text"),
    "integer": _("whole number"),
    "decimal": _("decimal number (a string in JSON, to keep every digit)"),
    "date": _("date, ISO 8601 (year-month-day)"),
    "datetime": _("date and time, UTC, ISO 8601"),
    "boolean": _("true or false"),
    "list": _("list of texts (separated by “;” in CSV)"),
}

#: The types whose values are numbers written by Retos itself (never text someone typed).
NUMERIC_TYPES = ("integer", "decimal")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: Promise
    value: Callable[[Any], Any]

    @property
    def type_label(self) -> Promise:
        return TYPES[self.type]


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Promise
    description: Promise
    columns: list[Column]
    rows: Callable[..., Iterable[Any]]
    #: What else a reader must know (shown under the file's section of the dictionary).
    note: Promise | None = None


def utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat()


def utc_text(value: str | None) -> str | None:
    """An ISO 8601 time stored as text (the act's entries), rewritten in UTC."""
    if not value:
        return None
    return utc(datetime.fromisoformat(value))


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def decimal(value: Decimal | None, places: int = 2) -> str | None:
    return None if value is None else f"{value:.{places}f}"


def batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
