"""The ledger's hash chain: every event is chained to the one before; the database refuses to
change or remove an event; ``verify_ledger`` names the first broken event when a row is changed,
removed or reordered behind the triggers' back."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from retos.ledger import chain, triggers
from retos.ledger.models import Event
from retos.ledger.services import event_record
from tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def _events(n=5):
    challenge = ChallengeFactory()
    with transaction.atomic():
        for i in range(n):
            event_record(
                actor=None,
                action="test.event",
                subject=challenge,
                payload={"i": i, "texto": "acción ñ"},
            )
    return list(Event.objects.order_by("sequence"))


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_ledger", stdout=out)
    return out.getvalue()


def _behind_the_triggers(sql, params=()):
    """Run ``sql`` as someone with direct database access would: triggers lifted, then back."""
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        triggers.create(connection)


def test_each_event_is_chained_to_the_one_before():
    events = _events()
    assert events[0].prev_hash == chain.GENESIS or events[0].sequence > 1
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert after.sequence == before.sequence + 1
    assert all(chain.event_hash(e) == e.hash for e in events)


def test_an_intact_ledger_verifies():
    events = _events()
    assert f"head #{events[-1].sequence}" in _verify()


def test_the_database_refuses_to_update_an_event():
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_event SET action = 'x' WHERE sequence = %s", [event.pk])


def test_the_database_refuses_to_delete_an_event():
    event = _events(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event WHERE sequence = %s", [event.pk])


def test_changing_a_row_breaks_the_chain_at_that_row():
    events = _events()
    target = events[2]
    _behind_the_triggers(
        "UPDATE ledger_event SET actor_label = 'alguien' WHERE sequence = %s", [target.pk]
    )
    with pytest.raises(CommandError, match=f"event #{target.sequence}: its content"):
        _verify()


def test_changing_a_payload_breaks_the_chain_at_that_row():
    events = _events()
    target = events[1]
    _behind_the_triggers(
        "UPDATE ledger_event SET payload = %s WHERE sequence = %s", ['{"i": 99}', target.pk]
    )
    with pytest.raises(CommandError, match=f"event #{target.sequence}"):
        _verify()


def test_deleting_a_row_breaks_the_chain_at_the_next_row():
    events = _events()
    _behind_the_triggers("DELETE FROM ledger_event WHERE sequence = %s", [events[2].pk])
    with pytest.raises(CommandError, match=f"event #{events[3].sequence}: its previous hash"):
        _verify()


def test_reordering_rows_breaks_the_chain():
    events = _events()
    a, b = events[1].pk, events[2].pk
    # Swap the two events' places in the order.
    for sql, params in (
        ("UPDATE ledger_event SET sequence = %s WHERE sequence = %s", [-1, a]),
        ("UPDATE ledger_event SET sequence = %s WHERE sequence = %s", [a, b]),
        ("UPDATE ledger_event SET sequence = %s WHERE sequence = %s", [b, -1]),
    ):
        _behind_the_triggers(sql, params)
    with pytest.raises(CommandError, match=f"event #{a}"):
        _verify()


def test_a_rewritten_row_with_a_recomputed_hash_still_breaks_the_next_link():
    events = _events()
    target = events[2]
    forged = Event.objects.get(pk=target.pk)
    forged.actor_label = "alguien"
    new_hash = chain.event_hash(forged)
    _behind_the_triggers(
        "UPDATE ledger_event SET actor_label = 'alguien', hash = %s WHERE sequence = %s",
        [new_hash, target.pk],
    )
    with pytest.raises(CommandError, match=f"event #{events[3].sequence}: its previous hash"):
        _verify()


def test_the_model_and_queryset_refuse_too():
    from retos.ledger.models import AppendOnlyError

    event = _events(1)[0]
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()


def test_each_event_has_its_own_salt_inside_its_hash():
    events = _events(3)
    assert len({e.salt for e in events}) == 3 and all(len(e.salt) == 32 for e in events)
    forged = Event.objects.get(pk=events[0].pk)
    forged.salt = "0" * 32
    assert chain.event_hash(forged) != events[0].hash
