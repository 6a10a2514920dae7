from typing import Any

from django.db import models, transaction
from django.utils import timezone

from retos.ledger.models import Event


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
    return Event.objects.create(
        occurred_at=occurred_at or timezone.now(),
        actor=actor if authenticated else None,
        actor_label=actor.display_name if authenticated else "system",
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        payload=payload or {},
        public=public,
    )
