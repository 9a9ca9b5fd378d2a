"""Recording domain events. Services call `record` inside their own transaction."""

from collections.abc import Iterable
from typing import Any

from django.db import connection, models

from . import clock
from .models import DomainEvent


def record(
    *,
    actor: Any,
    verb: str,
    obj: models.Model,
    child: Any = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> DomainEvent:
    """Write one domain event. `actor` is None for the system (imports by command, seeding)."""
    return DomainEvent.objects.create(
        at=clock.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        child=child,
        summary=summary[:300],
        data=data or {},
    )


def record_many(
    *, actor: Any, verb: str, items: Iterable[dict[str, Any]], batch: int = 2000
) -> int:
    """Write many domain events of one verb, one INSERT run per batch (imports change
    thousands of children at once; one `record` each would be a query each).

    Each item is {"obj": model instance} or {"object_type": ..., "object_id": ...}, with
    optional "child_id" (a Child pk), "summary" and "data". Returns the number written."""
    at = connection.ops.adapt_datetimefield_value(clock.now())
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    data_field = DomainEvent._meta.get_field("data")
    quote = connection.ops.quote_name
    columns = ["at", "actor_id", "verb", "object_type", "object_id", "child_id", "summary", "data"]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from model meta
        quote(DomainEvent._meta.db_table),
        ", ".join(quote(DomainEvent._meta.get_field(c).column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    written = 0
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for item in items:
            obj = item.get("obj")
            rows.append(
                (
                    at,
                    actor_id,
                    verb,
                    obj._meta.label_lower if obj is not None else item["object_type"],
                    str(obj.pk if obj is not None else item["object_id"]),
                    item.get("child_id"),
                    str(item.get("summary", ""))[:300],
                    data_field.get_db_prep_save(item.get("data") or {}, connection),
                )
            )
            if len(rows) >= batch:
                cursor.executemany(sql, rows)
                written += len(rows)
                rows = []
        if rows:
            cursor.executemany(sql, rows)
            written += len(rows)
    return written
