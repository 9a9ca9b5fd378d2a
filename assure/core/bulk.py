"""Bulk writes close to the database's own speed: one prepared INSERT or UPDATE run with
executemany over plain tuples.

Django's bulk_create and bulk_update build model instances and compile every value through
the field machinery; for a region's 903 (hundreds of thousands of rows) that costs several
times the database work itself. These helpers fill every column the way the ORM would
(field defaults, auto_now and auto_now_add, the backend's own date adaptation) and send no
signals, exactly like bulk_create.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

from assure.core import clock

BATCH = 2000


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How the backend wants a field's value; None when it takes the value as it is (most
    fields: at a region's scale, a call per value is a large share of the import's time)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


_MISSING = object()


def _columns(model: type[models.Model], names: Iterable[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in names]


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows given as {attname: value}; missing columns get the field's default."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = clock.now()
    defaults = [
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default()
        for f in fields
    ]
    adapters = [_adapter(f) for f in fields]
    # Defaults (the same for every row) are adapted once, not once per row.
    ready = [d if a is None else a(d) for d, a in zip(defaults, adapters, strict=True)]
    plan = list(zip([f.attname for f in fields], ready, adapters, strict=True))
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from model meta
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        tuple(
            [
                default
                if (value := row.get(name, _MISSING)) is _MISSING
                else (value if adapt is None else adapt(value))
                for name, default, adapt in plan
            ]
        )
        for row in rows
    ]
    _run(sql, params)
    return len(params)


def update(
    model: type[models.Model], names: Sequence[str], rows: Sequence[tuple[int, dict]]
) -> int:
    """Set the named fields of rows given as (pk, {name: value})."""
    if not rows:
        return 0
    fields = _columns(model, names)
    adapters = [_adapter(f) for f in fields]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from model meta
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    plan = list(zip([f.name for f in fields], adapters, strict=True))
    params = [
        (*[values[name] if adapt is None else adapt(values[name]) for name, adapt in plan], pk)
        for pk, values in rows
    ]
    _run(sql, params)
    return len(params)


def _run(sql: str, params: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])
