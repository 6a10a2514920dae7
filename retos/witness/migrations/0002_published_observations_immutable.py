from django.db import migrations


def create_triggers(apps, schema_editor):
    from retos.witness import triggers

    triggers.create(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from retos.witness import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("witness", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
