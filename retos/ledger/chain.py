"""The hash chain that makes the ledger tamper-evident.

Each event's ``hash`` is the SHA-256 of its canonical JSON (sorted keys, UTF-8, no
insignificant whitespace), which includes ``prev_hash``, the hash of the event before it. Change,
remove or reorder any event and every hash after it stops matching: anyone holding a copy of a
later head hash can prove it. ``verify`` walks the chain; ``manage.py verify_ledger`` runs it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(
    *,
    sequence: int,
    occurred_at,
    actor_id,
    actor_label: str,
    action: str,
    subject_type: str,
    subject_id: str,
    payload: dict,
    public: bool,
    prev_hash: str,
    salt: str,
) -> bytes:
    """The exact bytes an event's hash covers. Times are UTC ISO 8601 with microseconds."""
    document = {
        "sequence": sequence,
        "occurred_at": occurred_at.astimezone(_utc()).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "actor_label": actor_label,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "payload": payload,
        "public": public,
        "prev_hash": prev_hash,
        "salt": salt,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def _utc():
    from datetime import UTC

    return UTC


def event_canonical(event) -> bytes:
    return canonical(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        payload=event.payload,
        public=event.public,
        prev_hash=event.prev_hash,
        salt=event.salt,
    )


def event_hash(event) -> str:
    return hashlib.sha256(event_canonical(event)).hexdigest()


@dataclass(frozen=True)
class Break:
    sequence: int
    reason: str

    def __str__(self) -> str:
        return f"event #{self.sequence}: {self.reason}"


def verify(events) -> tuple[int, Break | None]:
    """Walk ``events`` (in sequence order) and return how many were checked and the first
    break, if any: a hash that does not match the event's content, or a ``prev_hash`` that is not
    the previous event's hash (an event removed or moved). Sequence numbers only increase; they
    may skip, because a rolled-back transaction can use one up."""
    previous_hash = GENESIS
    previous_sequence = 0
    checked = 0
    for event in events:
        if event.sequence <= previous_sequence:
            return checked, Break(event.sequence, f"comes after #{previous_sequence}")
        if event.prev_hash != previous_hash:
            return checked, Break(
                event.sequence, "its previous hash is not the hash of the event before it"
            )
        if event_hash(event) != event.hash:
            return checked, Break(event.sequence, "its content does not match its hash")
        previous_hash = event.hash
        previous_sequence = event.sequence
        checked += 1
    return checked, None
