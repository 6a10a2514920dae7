"""Chain every ledger event to the one before it, and make the database refuse to change or
remove an event (triggers on PostgreSQL and SQLite)."""

import hashlib
import secrets

from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from retos.ledger import chain

    Event = apps.get_model("ledger", "Event")
    previous = chain.GENESIS
    for event in Event.objects.order_by("sequence").iterator(chunk_size=2000):
        event.salt = secrets.token_hex(16)
        event.prev_hash = previous
        event.hash = hashlib.sha256(chain.event_canonical(event)).hexdigest()
        Event.objects.filter(pk=event.pk).update(
            salt=event.salt, prev_hash=event.prev_hash, hash=event.hash
        )
        previous = event.hash


def create_triggers(apps, schema_editor):
    from retos.ledger import triggers

    triggers.create(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from retos.ledger import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="salt",
            field=models.CharField(default="", max_length=32, verbose_name="salt"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(default="", max_length=64, verbose_name="previous hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="hash"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
