"""Database triggers that log every change to a child's care record in `ChangedChild`
(see `assure/children/care_log.py`). They stand aside while a `BulkLoad` row exists.

The triggers' SQL has one definition, in children.care_log (`install_triggers`), because it
must match the tables as they are now: after every migrate the triggers are checked and put
back where a migration dropped them (SQLite rebuilds a table to alter it). SQLite has row
triggers only; PostgreSQL gets statement triggers with transition tables: one insert per
statement, however many rows it touched.
"""

from django.db import migrations


def create_triggers(apps, schema_editor):
    from assure.children.care_log import install_triggers

    install_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from assure.children.care_log import EVENTS, WATCHED_TABLES, trigger_name

    postgresql = schema_editor.connection.vendor == "postgresql"
    for table in WATCHED_TABLES:
        for event in EVENTS:
            name = trigger_name(table, event)
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {name} ON {table}" if postgresql
                else f"DROP TRIGGER IF EXISTS {name}"
            )
            if postgresql:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")


class Migration(migrations.Migration):
    dependencies = [("children", "0005_care_log_extensions_planned_carer")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
