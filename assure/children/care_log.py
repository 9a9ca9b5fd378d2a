"""The log of changed care records (`ChangedChild`), kept by database triggers.

Every table of a child's care record (the child, episodes, reviews, previous permanence,
plans, proceedings and their children, hearings, SGO assessments and support plans, and the
social care events Annex A brings) has
triggers that write the child's pk to the log on insert, update and delete. Derived figures
(the tracker's snapshots) read the log and recompute only the children named in it.

A bulk load (a 903 import, the demo seed) writes hundreds of thousands of rows: inside
`bulk_load()` the triggers stand aside and one "everything changed" entry is written at the
end, which is cheaper than a log entry per row and says the same. On PostgreSQL the triggers
(one call per statement) see the load's marker row and write nothing. On SQLite even a
trigger that writes nothing costs a few microseconds a row (doubling a national import), so
the load drops them, as the database stores them, and puts them back before it commits: all
in the load's own transaction, so no other connection ever sees the tables without them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction

from assure.core import clock

from .models import BulkLoad, ChangedChild

# table -> the column holding the child's pk
DIRECT = {
    "children_child": "id",
    "children_episode": "child_id",
    "children_review": "child_id",
    "children_previouspermanencerecord": "child_id",
    "children_permanenceplan": "child_id",
    "children_sgoassessment": "child_id",
    "children_sgosupportplan": "child_id",
    "children_proceedings_children": "child_id",
    "children_socialcareevent": "child_id",
}
# table -> the column holding a proceedings' pk, whose children are meant
VIA_PROCEEDINGS = {"children_proceedings": "id", "children_hearing": "proceedings_id"}
WATCHED_TABLES = (*DIRECT, *VIA_PROCEEDINGS)
EVENTS = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}
_NOT_BULK = "NOT EXISTS (SELECT 1 FROM children_bulkload)"
_LOG = "INSERT INTO children_changedchild (child_id)"


def trigger_name(table: str, event: str) -> str:
    return f"care_log_{table}_{event.lower()}"


def _sqlite_trigger(table: str, event: str) -> list[str]:
    def one(row: str) -> str:
        if table in DIRECT:
            return f"{_LOG} VALUES ({row}.{DIRECT[table]});"
        return (
            f"{_LOG} SELECT pc.child_id FROM children_proceedings_children pc "  # noqa: S608
            f"WHERE pc.proceedings_id = {row}.{VIA_PROCEEDINGS[table]};"
        )

    body = " ".join(one(row) for row in EVENTS[event])
    name = trigger_name(table, event)
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW WHEN {_NOT_BULK} "
        f"BEGIN {body} END",
    ]


def _children_of(table: str, rows: str) -> str:
    """SELECT the child pks of the rows of a PostgreSQL transition table."""
    if table in DIRECT:
        return f"SELECT r.{DIRECT[table]} FROM {rows} r"  # noqa: S608 - this module's names
    return (
        f"SELECT pc.child_id FROM {rows} r JOIN children_proceedings_children pc "  # noqa: S608
        f"ON pc.proceedings_id = r.{VIA_PROCEEDINGS[table]}"
    )


def _postgresql_trigger(table: str, event: str) -> list[str]:
    sources = {"NEW": "new_rows", "OLD": "old_rows"}
    selects = " UNION ".join(_children_of(table, sources[row]) for row in EVENTS[event])
    referencing = " ".join(f"{row} TABLE AS {sources[row]}" for row in EVENTS[event])
    name = trigger_name(table, event)
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"DROP FUNCTION IF EXISTS {name}()",
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "  # noqa: S608
        f"IF {_NOT_BULK} THEN {_LOG} SELECT DISTINCT child_id FROM ({selects}) "
        f"AS changed(child_id) WHERE child_id IS NOT NULL; END IF; RETURN NULL; END $$",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def install_triggers(connection: Any, tables: Iterable[str] | None = None) -> None:
    """Create (or re-create) the care log's triggers: on `tables`, or on every watched table
    the database has (an earlier migration runs before later ones have made their tables).
    Run by the migration that introduced them, after every `migrate` (SQLite rebuilds a table
    to alter it, dropping its triggers) and by migrations that add or alter a watched table."""
    build = _postgresql_trigger if connection.vendor == "postgresql" else _sqlite_trigger
    if tables is None:
        existing = set(connection.introspection.table_names())
        tables = [table for table in WATCHED_TABLES if table in existing]
    with connection.cursor() as cursor:
        for table in tables:
            for event in EVENTS:
                for statement in build(table, event):
                    cursor.execute(statement)


def installed_triggers(connection: Any) -> set[str]:
    """The names of the care log's triggers the database holds."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'care_log%%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'care_log%'"
            )
        return {name for (name,) in cursor.fetchall()}


def expected_triggers() -> set[str]:
    return {trigger_name(table, event) for table in WATCHED_TABLES for event in EVENTS}


def reinstall_after_migrate(using: str = "default", **_: Any) -> None:
    """post_migrate: put back any trigger a migration dropped (on SQLite, altering a table
    rebuilds it without its triggers). Cheap when they are all there."""
    from django.db import connections

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {*WATCHED_TABLES, "children_changedchild", "children_bulkload"} <= tables:
        return  # migrated backwards past the log: nothing to keep
    if installed_triggers(connection) != expected_triggers():
        install_triggers(connection)


@contextlib.contextmanager
def bulk_load() -> Iterator[None]:
    """Stand the triggers aside for a bulk write, then log that everything changed. Must run
    inside the writer's transaction, so nobody sees the rows without the log entry."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk_load() must run inside a transaction")
    marker = BulkLoad.objects.create(started_at=clock.now())
    triggers = _set_sqlite_triggers_aside()
    try:
        yield
    finally:
        _put_sqlite_triggers_back(triggers)
        marker.delete()
    ChangedChild.objects.create(child_id=None)


def _set_sqlite_triggers_aside() -> list[tuple[str, str]]:
    """Drop the care log's triggers on SQLite, returning each one's CREATE statement as the
    database keeps it."""
    connection = transaction.get_connection()
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["care_log_%"],
        )
        triggers = list(cursor.fetchall())
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
    return triggers


def _put_sqlite_triggers_back(triggers: list[tuple[str, str]]) -> None:
    if not triggers:
        return
    with transaction.get_connection().cursor() as cursor:
        for _, sql in triggers:
            cursor.execute(sql)


def changes_since(last_id: int = 0) -> tuple[int, set[int] | None]:
    """(The newest log id, the children changed after `last_id`), or None for the children
    when everything may have changed."""
    rows = list(ChangedChild.objects.filter(id__gt=last_id).values_list("id", "child_id"))
    if not rows:
        return last_id, set()
    newest = max(row[0] for row in rows)
    if any(child_id is None for _, child_id in rows):
        return newest, None
    return newest, {child_id for _, child_id in rows}


def forget_until(newest: int) -> None:
    ChangedChild.objects.filter(id__lte=newest).delete()
