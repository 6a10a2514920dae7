"""Reads of the ledger for the public transparency pages: the head, the lines of the public
copy (``ledger.jsonl``) and the head at the end of each day (the Atom feed).

Every read here is a fixed number of queries whatever the size of the ledger, and the lines are
streamed from a database cursor in chunks, so memory does not grow with the number of events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Max
from django.db.models.functions import TruncDate

from retos.ledger import chain
from retos.ledger.models import Event

#: Rows fetched from the database cursor at a time while streaming the ledger.
CHUNK_SIZE = 500

#: Days with events the head feed lists, newest first.
HEAD_FEED_DAYS = 60

#: The only keys of a line for an event that is not public: enough to check the chain's links,
#: nothing about what happened, who did it, to what, or when.
REDACTED_KEYS = ("sequence", "public", "prev_hash", "hash")

_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "subject_type",
    "subject_id",
    "payload",
    "public",
    "prev_hash",
    "salt",
    "hash",
)


@dataclass(frozen=True)
class Head:
    sequence: int
    hash: str
    occurred_at: datetime


def ledger_head() -> Head | None:
    """The last event of the chain (one query), or None while the ledger is empty."""
    row = Event.objects.order_by("-sequence").values("sequence", "hash", "occurred_at").first()
    return Head(**row) if row else None


def ledger_count() -> int:
    return Event.objects.count()


def dumps(document: dict) -> str:
    """One JSON line, written the way chain.canonical writes the hashed bytes."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def line_document(row: dict) -> dict:
    """What the public copy says about one event (``row`` holds the values of ``_FIELDS``).

    A public event in full, exactly the fields its hash covers plus the hash; any other event
    redacted to its place in the chain."""
    if not row["public"]:
        return {key: row[key] for key in REDACTED_KEYS}
    fields = {key: row[key] for key in _FIELDS if key not in ("actor_id", "hash")}
    document = json.loads(chain.canonical(actor_id=row["actor_id"], **fields))
    document["hash"] = row["hash"]
    return document


def ledger_lines(*, after: int = 0) -> Iterator[str]:
    """Every event after sequence ``after``, in sequence order, one JSON line each (one query,
    read in chunks from a cursor)."""
    rows = (
        Event.objects.filter(sequence__gt=after)
        .order_by("sequence")
        .values(*_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in rows:
        yield dumps(line_document(row)) + "\n"


@dataclass(frozen=True)
class DailyHead:
    day: date
    sequence: int
    hash: str
    occurred_at: datetime


def daily_heads(limit: int = HEAD_FEED_DAYS) -> list[DailyHead]:
    """For each of the last ``limit`` UTC days that have events, newest first, the head as of the
    end of that day (two queries).

    Times are not monotonic in sequence (a close is recorded with its deadline as its time, after
    events that happened later), so "the head at the end of a day" is defined by sequence: the
    event with the greatest sequence among those whose time falls on that UTC day. A day's head
    can therefore be behind an earlier day's; each one is still a link of the same chain, and
    anyone who kept it can later check that the published ledger still contains it.
    """
    days = list(
        Event.objects.annotate(day=TruncDate("occurred_at", tzinfo=UTC))
        .values("day")
        .annotate(last=Max("sequence"))
        .order_by("-day")[:limit]
    )
    if not days:
        return []
    events = {
        row["sequence"]: row
        for row in Event.objects.filter(sequence__in=[d["last"] for d in days]).values(
            "sequence", "hash", "occurred_at"
        )
    }
    return [
        DailyHead(
            day=d["day"],
            sequence=d["last"],
            hash=events[d["last"]]["hash"],
            occurred_at=events[d["last"]]["occurred_at"],
        )
        for d in days
    ]
