"""`make bench`: the 903 import at scale, against its floor, against D2I's validator, and
with a 200 MB file.

After a scale is seeded and its pages timed, `export_903` writes its children out as a 903
return (Header and Episodes CSVs, DfE layout). `run` then, each part in a process of its own
on an empty database:

- imports those files and reports rows read per second, wall and CPU seconds, and peak memory
  (the process's ru_maxrss, read right after the import so the floor's own tuples do not
  count), and the **floor**: the same rows written with one bare `executemany` per table
  (children, then their episodes) into the same tables on the same database, in one
  transaction; the aim is within 3x;
- dry-runs the same files (every check, nothing stored) and, when `D2I_PYTHON` names an
  interpreter with D2I's `csc-validator-be-903` installed, runs that validator on the same
  files (d2i_driver.py): the dry run should be at least 3 times faster (decision 0007);
- at the national scale, writes a 200 MB return (the export's episodes and headers repeated
  under new child IDs, up to just under the upload limit) and dry-runs and applies it; each
  should peak under 500 MB.

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
LARGE_BYTES = 199 * 1024 * 1024  # the large file: just under the 200 MB upload limit
LARGE_SCALE = "national"
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


def run(*, folder: Path, database_url: str, flush: bool, scale: str = "") -> dict[str, Any]:
    """Import the exported files in fresh processes on the given (empty) database: apply
    (against the floor), dry run (against D2I's validator when D2I_PYTHON is set), and, at
    the national scale, a 200 MB file dry-run and applied."""
    print("Benchmarking the 903 import of those children...", flush=True)
    files = [folder / "header.csv", folder / "episodes.csv"]
    report = _process(folder, database_url, flush=flush, mode="apply", files=files)
    if "error" in report:
        return report
    year = _collection_year(files)
    print("Benchmarking the 903 dry run of those children...", flush=True)
    report["dry_run"] = _process(
        folder, database_url, flush=True, mode="dry", files=files, year=year, floor=False
    )
    d2i = os.environ.get("D2I_PYTHON", "")
    if d2i:
        print("Benchmarking D2I's 903 validator on the same files...", flush=True)
        report["d2i"] = _d2i(d2i, files, year)
    if (scale or folder.name.rsplit("-", 1)[-1]) == LARGE_SCALE or os.environ.get(
        "BENCH_LARGE_903"
    ):
        large = folder / "large"
        print("Writing a 200 MB 903 return and importing it...", flush=True)
        sizes = scale_up(folder, large, LARGE_BYTES)
        report["large"] = {
            "bytes": sizes,
            "dry_run": _process(
                large, database_url, flush=True, mode="dry", files=[large / "header.csv",
                large / "episodes.csv"], year=year, floor=False,
            ),
            "apply": _process(
                large, database_url, flush=True, mode="apply", files=[large / "header.csv",
                large / "episodes.csv"], year=year, floor=False,
            ),
        }  # fmt: skip
        for name in ("header.csv", "episodes.csv"):
            (large / name).unlink(missing_ok=True)
    return report


def _process(
    folder: Path,
    database_url: str,
    *,
    flush: bool,
    mode: str,
    files: list[Path],
    year: int = 0,
    floor: bool = True,
) -> dict[str, Any]:
    output = folder / f"import-{mode}-result.json"
    command = [sys.executable, "-m", "assure.imports.bench", "--folder", str(folder),
               "--output", str(output), "--mode", mode, "--files", *map(str, files)]  # fmt: skip
    if flush:
        command.append("--flush")
    if year:
        command += ["--year", str(year)]
    if not floor:
        command.append("--no-floor")
    env = {**os.environ, "DATABASE_URL": database_url,
           "DJANGO_SETTINGS_MODULE": "assure.settings.bench"}  # fmt: skip
    done = subprocess.run(command, env=env, check=False)  # noqa: S603 - our own module
    if done.returncode:
        return {"error": f"the import bench ({mode}) exited with {done.returncode}"}
    return json.loads(output.read_text())


def _collection_year(files: list[Path]) -> int:
    """The collection year both validators are told: the year of the latest episode date,
    within the years whose rules D2I's validator ships (to 2025/26)."""
    latest = ""
    with files[1].open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column in ("DECOM", "DEC"):
                text = row[column]
                if text:
                    latest = max(latest, text[6:10] + text[3:5])
    if not latest:
        return 2025
    year, month = int(latest[:4]), int(latest[4:])
    return min(year + 1 if month >= 4 else year, 2026)


def _d2i(python: str, files: list[Path], year: int) -> dict[str, Any]:
    """D2I's validator on the same files, under its own interpreter (see d2i_driver.py)."""
    driver = Path(__file__).with_name("d2i_driver.py")
    done = subprocess.run(  # noqa: S603 - the operator's own interpreter and our driver
        [python, "-P", str(driver), "--year", str(year), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        return {"error": f"D2I's validator exited with {done.returncode}: {done.stderr[-500:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def scale_up(source: Path, target: Path, size: int) -> dict[str, int]:
    """A larger return from an exported one: its episodes (and the headers of their children)
    written again and again under new child IDs until the episodes file reaches `size`
    bytes. Streams both ways."""
    target.mkdir(parents=True, exist_ok=True)
    with (
        (target / "episodes.csv").open("w", newline="", encoding="utf-8") as episodes_out,
        (target / "header.csv").open("w", newline="", encoding="utf-8") as header_out,
    ):
        episodes, header = csv.writer(episodes_out), csv.writer(header_out)
        episodes.writerow(EPISODES)
        header.writerow(HEADER)
        copy = 0
        while episodes_out.tell() < size:
            suffix = f"-{copy}" if copy else ""
            with (source / "header.csv").open(newline="", encoding="utf-8") as handle:
                rows = csv.reader(handle)
                next(rows)
                for row in rows:
                    header.writerow([row[0] + suffix, *row[1:]])
            with (source / "episodes.csv").open(newline="", encoding="utf-8") as handle:
                rows = csv.reader(handle)
                next(rows)
                for row in rows:
                    if episodes_out.tell() >= size:
                        break
                    episodes.writerow([row[0] + suffix, *row[1:]])
            copy += 1
        sizes = {"episodes": episodes_out.tell(), "header": header_out.tell(), "copies": copy}
    return sizes


def _worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from assure.children.models import Child
    from assure.imports.services import import_execute

    call_command("migrate", interactive=False, verbosity=0)
    if Child.objects.exists():
        if not args.flush:
            print("The import bench needs an empty database.", file=sys.stderr)
            return 2
        call_command("flush", interactive=False, verbosity=0)
    paths = args.files or [args.folder / "header.csv", args.folder / "episodes.csv"]
    options = {"year": args.year} if args.year else None
    started, cpu = time.perf_counter(), time.process_time()
    result = import_execute(
        kind="ssda903",
        paths=paths,
        skip_invalid_rows=True,
        dry_run=args.mode == "dry",
        options=options,
    )
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    report = {
        "mode": args.mode,
        "status": result.status,
        "children": result.children,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "episodes_loaded": result.episodes_loaded,
        "warnings": sum(n for (kind, _), n in result.counts.items() if kind == "warning"),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(result.rows_read / seconds) if seconds else 0,
        "peak_mib": round(peak_mib),
    }
    if args.mode == "apply":
        _empty()
    if args.mode == "apply" and not args.no_floor:
        floor = _floor(paths)
        report["floor_seconds"] = round(floor, 2)
        report["ratio_to_floor"] = round(seconds / floor, 2) if floor else None
    args.output.write_text(json.dumps(report, indent=2))
    return 0


def _empty() -> None:
    """Remove what the import wrote, table by table, with plain DELETEs (fast, no cascade
    collection for a few hundred thousand rows)."""
    from django.db import connection, transaction

    from assure.children.models import Child, Episode
    from assure.core.models import DomainEvent
    from assure.imports.models import ChildCheck, ImportRun

    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (ChildCheck, DomainEvent, ImportRun, Episode, Child):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def _floor(paths: list[Path]) -> float:
    """The same rows, as ready tuples, through one executemany per table. Reading the CSVs
    and building the tuples is not timed; looking up the new children's ids is (episodes
    need them, as the import's do)."""
    from django.db import connection, transaction

    from assure.children import care_log
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
    # The collector paused, as the import runs (core.gc_pause), and the care log's triggers
    # stood aside as an import's are (children.care_log.bulk_load): the floor is the
    # database's own cost of the rows.
    with gc_paused(), transaction.atomic(), care_log.bulk_load(), connection.cursor() as cursor:
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
    """Lines for the bench report: the import against its floor, the dry run against D2I's
    validator, and the 200 MB file."""
    lines = _table(
        ["903 import of the seeded children (Header and Episodes CSVs), against a bare",
         "executemany of the same rows into the same tables"],
        ("Scale", "Rows read", "Seconds", "Rows/s", "Peak MiB", "Floor s", "x floor"),
        [
            (
                scale["scale"], f"{data['rows_read']:,}", f"{data['seconds']:.1f}",
                f"{data['rows_per_second']:,}", f"{data['peak_mib']:,}",
                f"{data['floor_seconds']:.1f}", f"{data['ratio_to_floor']:.2f}",
            )
            for scale in scales
            if (data := scale.get("import")) and "error" not in data and "floor_seconds" in data
        ],
    )  # fmt: skip
    rows = []
    for scale in scales:
        data = scale.get("import") or {}
        dry, d2i = data.get("dry_run") or {}, data.get("d2i") or {}
        if not dry or "error" in dry:
            continue
        d2i_ok = d2i and "error" not in d2i
        rows.append(
            (
                scale["scale"], f"{dry['children']:,}", f"{dry['seconds']:.1f}",
                f"{dry['peak_mib']:,}",
                f"{d2i['seconds']:.1f}" if d2i_ok else "not run",
                f"{d2i['peak_mib']:,}" if d2i_ok else "",
                f"{d2i['seconds'] / dry['seconds']:.1f}" if d2i_ok and dry["seconds"] else "",
            )
        )  # fmt: skip
    lines += _table(
        ["903 dry run (every check, nothing stored) against D2I's csc-validator-be-903 on the",
         "same files (set D2I_PYTHON to an interpreter that has it: docs/bench.md)"],
        ("Scale", "Children", "Assure s", "Peak MiB", "D2I s", "D2I MiB", "D2I / Assure"),
        rows,
    )  # fmt: skip
    large_rows = []
    for scale in scales:
        large = (scale.get("import") or {}).get("large")
        if not large:
            continue
        for mode in ("dry_run", "apply"):
            data = large.get(mode) or {}
            if "error" in data or not data:
                continue
            large_rows.append(
                (
                    mode.replace("_", " "), f"{large['bytes']['episodes'] / 1e6:.0f} MB",
                    f"{data['rows_read']:,}", f"{data['children']:,}", f"{data['seconds']:.1f}",
                    f"{data['peak_mib']:,}",
                )
            )  # fmt: skip
    lines += _table(
        ["A 200 MB return (the national export repeated under new child IDs): peak memory",
         "of a dry run and of an apply, each in its own process (aim: under 500 MB)"],
        ("Import", "Episodes file", "Rows read", "Children", "Seconds", "Peak MiB"),
        large_rows,
    )  # fmt: skip
    return lines


def _table(title: list[str], header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    if not rows:
        return []
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["", *title, ""]
    for index, row in enumerate(table):
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
    parser.add_argument("--mode", choices=["apply", "dry"], default="apply")
    parser.add_argument("--files", type=Path, nargs="*")
    parser.add_argument("--year", type=int, default=0)
    parser.add_argument("--no-floor", action="store_true")
    args = parser.parse_args(argv)
    return _worker(args)


if __name__ == "__main__":
    sys.exit(main())
