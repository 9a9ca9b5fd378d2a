"""The tracker's part of `make bench`: building the day's snapshot cold and bringing it up to
date after one child changes, then the first page, a filtered page, the API and a full
export, each beside the time of the same SQL run bare (the floor), and the export's peak
memory. Called from assure/bench.py in the benchmark's worker process."""

from __future__ import annotations

import re
import statistics
import time
import tracemalloc
from typing import Any

PAGES = [
    ("Tracker, page 1", "/tracker/"),
    ("Tracker, red flags", "/tracker/?rag=red"),
    ("Tracker API, page_size=100", "/api/v1/tracker?page_size=100"),
    ("Tracker export (CSV, every row)", "/tracker/export.csv"),
]


def snapshot_times() -> dict[str, float]:
    """The day's snapshot built from nothing (as the day's first visitor, or
    `assure tracker-snapshot`, builds it), then brought up to date after a review is
    recorded for one child (what every page does after a change)."""
    from assure.children.models import Child, Review
    from assure.core import clock
    from assure.tracker.models import Snapshot
    from assure.tracker.snapshot import snapshot_for

    Snapshot.objects.all().delete()
    started = time.perf_counter()
    snapshot = snapshot_for()
    built = time.perf_counter() - started
    child = Child.objects.filter(pk__in=snapshot.rows.values("child_id")).order_by("pk").first()
    Review.objects.get_or_create(child=child, review_date=clock.today())
    started = time.perf_counter()
    snapshot_for()
    updated = time.perf_counter() - started
    return {
        "build_seconds": round(built, 2),
        "update_ms": round(updated * 1000, 1),
        "rows": snapshot.rows.count(),
    }


def run(*, lead: Any, bearer: dict[str, str], runs: int) -> list[dict[str, Any]]:
    """Time each tracker request and its floor."""
    from django.test import Client

    browser = Client()
    browser.force_login(lead)
    results = []
    for label, path in PAGES:
        client, headers = (Client(), bearer) if path.startswith("/api/") else (browser, {})
        export = "export" in path
        times, selects = _timed(client, path, headers, runs=1 if export else runs)
        floor = _bare_sql_ms(selects)
        entry: dict[str, Any] = {
            "page": label,
            "path": path,
            "median_ms": round(statistics.median(times), 1),
            "floor_ms": round(floor, 1),
            "ratio_to_floor": round(statistics.median(times) / floor, 1) if floor else None,
            "queries": len(selects),
        }
        if export:
            entry["peak_memory_mb"] = _peak_memory_mb(client, path)
        results.append(entry)
    return results


def _timed(
    client: Any, path: str, headers: dict[str, str], *, runs: int
) -> tuple[list[float], list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path, **headers)  # warm-up
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    _drain(response)
    times: list[float] = []
    selects: list[str] = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            _drain(client.get(path, **headers))
            times.append((time.perf_counter() - started) * 1000)
        # The floor is the request's reads and its access-log inserts (an export writes one
        # event per child it holds: part of its necessary work, not overhead).
        selects = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("SELECT", "INSERT")) or _MANY.match(q["sql"])
        ]
    return times, selects


# How Django's query capture shows an executemany: "2000 times: INSERT INTO ... %s ...".
_MANY = re.compile(r"^(\d+) times: (INSERT INTO .*)$", re.DOTALL)


def _many_rows(count: int) -> list[tuple[Any, ...]]:
    """`count` access-log rows like the export's (in core.access.record_accesses' column
    order), made before the floor is timed."""
    from django.db import connection
    from django.utils import timezone

    from assure.children.models import Child
    from assure.core.models import AccessEvent
    from assure.people.models import User

    field = AccessEvent._meta.get_field
    user = User.objects.order_by("pk").values_list("pk", flat=True).first()
    at = field("at").get_db_prep_save(timezone.now(), connection)
    detail = field("detail").get_db_prep_save({}, connection)
    children = Child.objects.order_by("pk").values_list("pk", flat=True)[:count]
    return [(at, user, "export", "/tracker/export.csv", detail, pk) for pk in children]


def _drain(response: Any) -> None:
    """Read a streamed response to its end, as a browser would."""
    if getattr(response, "streaming", False):
        for _ in response.streaming_content:
            pass


def _bare_sql_ms(selects: list[str]) -> float:
    """The reads (and access-log inserts) the request made, run again straight through the
    database cursor; the inserts are rolled back."""
    from django.db import connection, transaction

    from assure.core.gc_pause import gc_paused

    # With the collector paused, as the tracker runs: the floor is the database's cost and
    # the driver's, not collections set off by the rows it returns.
    many = {sql: _many_rows(int(match[1])) for sql in selects if (match := _MANY.match(sql))}
    started = time.perf_counter()
    with gc_paused(), transaction.atomic():
        with connection.cursor() as cursor:
            for sql in selects:
                if sql in many:
                    cursor.executemany(_MANY.match(sql)[2], many[sql])  # type: ignore[index]
                    continue
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()
        transaction.set_rollback(True)
    return (time.perf_counter() - started) * 1000


def _peak_memory_mb(client: Any, path: str) -> float:
    tracemalloc.start()
    try:
        _drain(client.get(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 1024 / 1024, 1)


def render(scales: list[dict[str, Any]]) -> list[str]:
    """The tracker's table for the bench report."""
    if not all(s.get("tracker") for s in scales):
        return []
    lines = [""]
    for s in scales:
        snap = s.get("tracker_snapshot")
        if snap:
            lines.append(
                f"Tracker snapshot, {s['scale']}: {snap['rows']:,} children built in "
                f"{snap['build_seconds']} s cold; brought up to date after one child changed "
                f"in {snap['update_ms']} ms"
            )
    lines += [
        "",
        "Tracker (median; floor = the same SELECTs and access-log INSERTs run bare)",
        "",
    ]
    rows = [("Request", *[f"{s['scale']} ({s['children']:,})" for s in scales])]
    for i, entry in enumerate(scales[0]["tracker"]):
        cells = []
        for s in scales:
            e = s["tracker"][i]
            cell = f"{e['median_ms']:.0f} ms ({e['ratio_to_floor']}x floor, {e['queries']} q)"
            if "peak_memory_mb" in e:
                cell += f", peak {e['peak_memory_mb']} MB"
            cells.append(cell)
        rows.append((entry["page"], *cells))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    table = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    table.insert(1, "  ".join("-" * w for w in widths))
    return lines + table
