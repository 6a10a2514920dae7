"""The database refuses to change or remove a published OCDS release (triggers on PostgreSQL
and SQLite)."""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from retos.ocds import triggers

    triggers.create(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from retos.ocds import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ocds", "0001_releases")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
