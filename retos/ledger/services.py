import json
import secrets
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from retos.ledger import chain
from retos.ledger.models import Event

# Called with each public event, in the same transaction, after it is stored: the OCDS app
# publishes a release for the events that change the public record (``register_listener``).
LISTENERS: list = []


def register_listener(listener) -> None:
    """Call ``listener(event)`` after each public event is appended (same transaction)."""
    LISTENERS.append(listener)


def event_record(
    *,
    actor,
    action: str,
    subject: models.Model,
    payload: dict[str, Any] | None = None,
    public: bool = True,
    occurred_at=None,
) -> Event:
    """Append one event to the ledger.

    Must run inside the caller's transaction, so the event and the change it describes commit
    together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger events are written inside the service's transaction")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    _lock_head()
    head = Event.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, prev_hash = (head[0] + 1, head[1]) if head else (1, chain.GENESIS)
    event = Event(
        sequence=sequence,
        occurred_at=occurred_at or timezone.now(),
        actor=actor if authenticated else None,
        actor_label=actor.display_name if authenticated else "system",
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        # Stored as it reads back from JSON, so the hash of the stored event is the same.
        payload=json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder)),
        public=public,
        prev_hash=prev_hash,
        salt=secrets.token_hex(16),
    )
    event.hash = chain.event_hash(event)
    event.save(force_insert=True)
    if public:
        for listener in LISTENERS:
            listener(event)
    return event


# Any 64-bit number of our own: the key of the advisory lock that orders ledger appends.
_LEDGER_LOCK_KEY = 7_372_281_004


def _lock_head() -> None:
    """Take the ledger's append lock until the transaction ends, so that events are chained in
    commit order. On PostgreSQL an advisory transaction lock; SQLite already lets one writer at
    a time (transactions begin IMMEDIATE)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LEDGER_LOCK_KEY])
