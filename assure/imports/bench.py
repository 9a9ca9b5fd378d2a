"""`make bench`: the 903 import at scale, against its floor.

After a scale is seeded and its pages timed, `export_903` writes its children out as a 903
return (Header and Episodes CSVs, DfE layout). `run` then imports those files in a separate
process on an empty database and reports:

- rows read per second, wall and CPU seconds, and peak memory (the process's ru_maxrss, read
  right after the import so the floor's own tuples do not count);
- the **floor**: the same rows written with one bare `executemany` per table (children, then
  their episodes) into the same tables on the same database, in one transaction;
- the ratio of the import's time to the floor's. The aim is within 3x, under 1 GiB.

Nothing here imports Django at module level: assure.bench's parent process never sets it up.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HEADER = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODES = [
    "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
]  # fmt: skip
EPISODE_FIELDS = [
    "child__child_id", "start_date", "reason_new_episode", "legal_status", "category_of_need",
    "placement_type", "placement_provider", "end_date", "reason_ceased", "reason_place_change",
    "home_postcode", "placement_postcode", "urn",
]  # fmt: skip
CHUNK = 5000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def export_903(folder: Path) -> dict[str, Any]:
    """Write every child (Header) and episode (Episodes) as DfE-layout CSVs, streaming."""
    from assure.children.models import Child, Episode

    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, columns, rows in (
        (
            "header.csv",
            HEADER,
            Child.objects.order_by("child_id").values_list(
                "child_id", "sex", "date_of_birth", "ethnicity", "upn", "is_mother",
                "mother_child_dob",
            ),
        ),
        (
            "episodes.csv",
            EPISODES,
            Episode.objects.order_by("child__child_id", "start_date").values_list(
                *EPISODE_FIELDS
            ),
        ),
    ):  # fmt: skip
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            count = 0
            for row in rows.iterator(chunk_size=CHUNK):
                writer.writerow([_cell(v) for v in row])
                count += 1
        counts[name] = count
    return {"folder": str(folder), "rows": counts}


def run(*, folder: Path, database_url: str, flush: bool) -> dict[str, Any]:
    """Import the exported files in a fresh process on the given (empty) database."""
    output = folder / "import-result.json"
    command = [sys.executable, "-m", "assure.imports.bench", "--folder", str(folder),
               "--output", str(output)]  # fmt: skip
    if flush:
        command.append("--flush")
    env = {**os.environ, "DATABASE_URL": database_url,
           "DJANGO_SETTINGS_MODULE": "assure.settings.bench"}  # fmt: skip
    print("Benchmarking the 903 import of those children...", flush=True)
    done = subprocess.run(command, env=env, check=False)  # noqa: S603 - our own module
    if done.returncode:
        return {"error": f"the import bench exited with {done.returncode}"}
    return json.loads(output.read_text())


def _worker(folder: Path, output: Path, flush: bool) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from assure.children.models import Child
    from assure.imports.services import import_execute

    call_command("migrate", interactive=False, verbosity=0)
    if Child.objects.exists():
        if not flush:
            print("The import bench needs an empty database.", file=sys.stderr)
            return 2
        call_command("flush", interactive=False, verbosity=0)
    paths = [folder / "header.csv", folder / "episodes.csv"]
    started, cpu = time.perf_counter(), time.process_time()
    result = import_execute(kind="ssda903", paths=paths, skip_invalid_rows=True)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    _empty()
    floor = _floor(paths)
    report = {
        "status": result.status,
        "children": result.children,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "episodes_loaded": result.episodes_loaded,
        "warnings": len(result.warnings),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(result.rows_read / seconds) if seconds else 0,
        "peak_mib": round(peak_mib),
        "floor_seconds": round(floor, 2),
        "ratio_to_floor": round(seconds / floor, 2) if floor else None,
    }
    output.write_text(json.dumps(report, indent=2))
    return 0


def _empty() -> None:
    """Remove what the import wrote, table by table, with plain DELETEs (fast, no cascade
    collection for a few hundred thousand rows)."""
    from django.db import connection, transaction

    from assure.children.models import Child, Episode
    from assure.core.models import DomainEvent
    from assure.imports.models import ImportRun

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (DomainEvent, ImportRun, Episode, Child):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def _floor(paths: list[Path]) -> float:
    """The same rows, as ready tuples, through one executemany per table. Reading the CSVs
    and building the tuples is not timed; looking up the new children's ids is (episodes
    need them, as the import's do)."""
    from django.db import connection, transaction

    from assure.children.models import Child, Episode
    from assure.core import clock
    from assure.core.gc_pause import gc_paused

    now = clock.now()
    child_fields = [f for f in Child._meta.concrete_fields if not f.primary_key]
    episode_fields = [f for f in Episode._meta.concrete_fields if not f.primary_key]
    header_map = {"CHILD": "child_id", "SEX": "sex", "DOB": "date_of_birth",
                  "ETHNIC": "ethnicity", "UPN": "upn", "MOTHER": "is_mother",
                  "MC_DOB": "mother_child_dob"}  # fmt: skip
    episode_map = dict(zip(EPISODES[1:], EPISODE_FIELDS[1:], strict=True))
    children = [_values(row, header_map, child_fields, now) for row in _rows(paths[0])]
    episodes = [
        (row["CHILD"], _values(row, episode_map, episode_fields, now)) for row in _rows(paths[1])
    ]
    seen: set[str] = set()
    unique_children = []
    for child in children:  # the floor writes each child once, as the import does
        if child[0] not in seen:
            seen.add(child[0])
            unique_children.append(child)
    quote = connection.ops.quote_name
    insert_child = _insert_sql(Child, child_fields, quote)
    insert_episode = _insert_sql(Episode, episode_fields, quote)
    child_column = [f.attname for f in episode_fields].index("child_id")
    started = time.perf_counter()
    # The collector paused, as the import runs (core.gc_pause): the floor is the database's.
    with gc_paused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(insert_child, unique_children)
        cursor.execute(f"SELECT child_id, id FROM {quote(Child._meta.db_table)}")  # noqa: S608
        ids = dict(cursor.fetchall())
        rows = []
        for child_id, values in episodes:
            values[child_column] = ids[child_id]
            rows.append(tuple(values))
        cursor.executemany(insert_episode, rows)
    return time.perf_counter() - started


def _rows(path: Path):  # type: ignore[no-untyped-def]
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _insert_sql(model: Any, fields: list[Any], quote: Any) -> str:
    return "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from model meta
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )


def _values(row: dict[str, str], mapping: dict[str, str], fields: list[Any], now: Any) -> list:
    """A row's values for every column, typed and adapted as the import would store them."""
    from django.db import connection

    from assure.imports.ssda903.values import read_date

    by_field = {name: row.get(column, "") for column, name in mapping.items()}
    out = []
    for field in fields:
        name = field.attname
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            out.append(connection.ops.adapt_datetimefield_value(now))
        elif name in by_field:
            text = by_field[name]
            if field.get_internal_type() == "DateField":
                out.append(connection.ops.adapt_datefield_value(read_date(text)) if text else None)
            elif field.get_internal_type() == "BooleanField":
                out.append({"1": True, "0": False}.get(text))
            else:
                out.append(text)
        elif name == "child_id" and field.is_relation:
            out.append(None)  # set once the child's id is known
        else:
            out.append(field.get_default())
    return out


def render(scales: list[dict[str, Any]]) -> list[str]:
    """Lines for the bench report: one row per scale that ran the import bench."""
    rows = [("Scale", "Rows read", "Seconds", "Rows/s", "Peak MiB", "Floor s", "x floor")]
    for scale in scales:
        data = scale.get("import")
        if not data or "error" in data:
            continue
        rows.append(
            (
                scale["scale"],
                f"{data['rows_read']:,}",
                f"{data['seconds']:.1f}",
                f"{data['rows_per_second']:,}",
                f"{data['peak_mib']:,}",
                f"{data['floor_seconds']:.1f}",
                f"{data['ratio_to_floor']:.2f}",
            )
        )
    if len(rows) == 1:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["", "903 import of the seeded children (Header and Episodes CSVs), against a bare",
             "executemany of the same rows into the same tables", ""]  # fmt: skip
    for index, row in enumerate(rows):
        cells = zip(row, widths, strict=True)
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(cells))
        )
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assure.imports.bench")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--flush", action="store_true")
    args = parser.parse_args(argv)
    return _worker(args.folder, args.output, args.flush)


if __name__ == "__main__":
    sys.exit(main())
