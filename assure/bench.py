"""`make bench`: how fast the demo council is made, and how fast the main pages answer, at a
large council's scale and at a whole country's.

    python -m assure.bench                       # realistic (2,000) then national (100,000)
    python -m assure.bench --scale realistic     # one scale
    python -m assure.bench --quick               # 300 children, a smoke run

Each scale runs in its own process on its own database: a fresh SQLite file under var/, or
the database DATABASE_URL names (emptied first, so point it at a throwaway database; the bench
refuses one that already holds children unless given --flush). Results are printed as a table
and written to var/bench-results.json. See docs/bench.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from assure.imports import bench as imports_bench
from assure.tracker import bench as tracker_bench

PROJECT_DIR = Path(__file__).resolve().parent.parent
VAR = PROJECT_DIR / "var"
SCALES = {"quick": 300, "realistic": 2_000, "national": 100_000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assure.bench", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--scale", choices=["all", *SCALES], default="all")
    parser.add_argument("--quick", action="store_true", help="Only a small run (300 children).")
    parser.add_argument("--runs", type=int, default=7, help="Timed requests per page (median).")
    parser.add_argument("--seed", type=int, default=903)
    parser.add_argument(
        "--flush",
        action="store_true",
        help="Empty DATABASE_URL's database even if it holds children.",
    )
    parser.add_argument("--output", type=Path, default=VAR / "bench-results.json")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--children", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    scales = (
        ["quick"]
        if args.quick
        else (["realistic", "national"] if args.scale == "all" else [args.scale])
    )
    VAR.mkdir(exist_ok=True)
    external = os.environ.get("DATABASE_URL", "")
    results = []
    for i, scale in enumerate(scales):
        url = external or _fresh_sqlite(scale)
        part = VAR / f"bench-{scale}.json"
        command = [
            sys.executable,
            "-m",
            "assure.bench",
            "--worker",
            "--name",
            scale,
            "--children",
            str(SCALES[scale]),
            "--seed",
            str(args.seed),
            "--runs",
            str(args.runs),
            "--output",
            str(part),
        ]
        if external and (args.flush or i > 0):
            command.append("--flush")  # after the first scale, the data is the bench's own
        print(f"Benchmarking the {scale} scale ({SCALES[scale]:,} children)...", flush=True)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "assure.settings.bench"}
        done = subprocess.run(command, env=env, check=False)  # noqa: S603 - our own module
        if done.returncode:
            return done.returncode
        results.append(json.loads(part.read_text()))
        part.unlink()
        results[-1]["import"] = imports_bench.run(
            folder=VAR / f"bench-903-{scale}",
            database_url=external or _fresh_sqlite(f"import-{scale}"),
            flush=bool(external),
        )
    report = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "database": "external (DATABASE_URL)" if external else "SQLite file under var/",
        "runs_per_page": args.runs,
        "scales": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(render(report))
    print(f"\nWritten to {args.output}")
    return 0


def _fresh_sqlite(scale: str) -> str:
    path = VAR / f"bench-{scale}.sqlite3"
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _worker(args: argparse.Namespace) -> int:
    """One scale, in its own process: migrate, seed, then time the pages."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from assure.children.demo import seed_demo
    from assure.children.models import Child

    call_command("migrate", interactive=False, verbosity=0)
    if Child.objects.exists():
        if not args.flush:
            print(
                "The benchmark database already holds children. Point DATABASE_URL at a "
                "throwaway database, or pass --flush to empty it.",
                file=sys.stderr,
            )
            return 2
        call_command("flush", interactive=False, verbosity=0)
    started, cpu_started = time.perf_counter(), time.process_time()
    seeded = seed_demo(children=args.children, seed=args.seed)
    seconds = time.perf_counter() - started
    # CPU time as well as wall time: on a shared machine the wall clock waits for others.
    cpu_seconds = time.process_time() - cpu_started
    result: dict[str, Any] = {
        "scale": args.name,
        "vendor": connection.vendor,
        "children": seeded.children,
        "looked_after": seeded.looked_after,
        "rows": seeded.total_rows,
        "seed_seconds": round(seconds, 2),
        "seed_cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(seeded.total_rows / seconds),
        "rows_by_table": seeded.rows,
        "tracker_snapshot": tracker_bench.snapshot_times(),
        "pages": _time_pages(runs=args.runs),
        "tracker": _time_tracker(runs=args.runs),
        "export_903": imports_bench.export_903(VAR / f"bench-903-{args.name}"),
    }
    args.output.write_text(json.dumps(result, indent=2))
    return 0


def _time_pages(*, runs: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assure.children.models import Child
    from assure.people.models import Team, User
    from assure.people.services import api_token_create

    lead = User.objects.get(username="lead")
    practitioner = User.objects.get(username="practitioner")
    _, token = api_token_create(user=lead, name="bench")
    team = Team.objects.get(name="Kinship and Special Guardianship")
    busiest = (
        Child.objects.filter(restricted=False)
        .annotate(n=Count("episodes"))
        .order_by("-n", "child_id")
        .values_list("child_id", flat=True)
        .first()
    )
    as_lead, as_practitioner = Client(), Client()
    as_lead.force_login(lead)
    as_practitioner.force_login(practitioner)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pages = [
        ("Children list, page 1 (lead)", as_lead, "/children/", {}),
        (
            "Children list, filtered (lead)",
            as_lead,
            f"/children/?team={team.pk}&care_status=in_care&sort=period_start&order=desc",
            {},
        ),
        ("Children list, search (lead)", as_lead, "/children/?q=Smith", {}),
        ("Children list, page 1 (practitioner)", as_practitioner, "/children/", {}),
        ("Child page (lead)", as_lead, f"/children/{busiest}/", {}),
        ("API list, page_size=100", Client(), "/api/v1/children?page_size=100", bearer),
        ("API child detail", Client(), f"/api/v1/children/{busiest}", bearer),
        ("Audit queue (lead)", as_lead, "/audits/", {}),
        ("Audit queue, siblings grouped (lead)", as_lead, "/audits/?group=1", {}),
        ("Families list (lead)", as_lead, "/families/", {}),
    ]
    timed = []
    for label, client, path, headers in pages:
        response = client.get(path, **headers)  # warm-up: caches, compiled templates
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get(path, **headers)
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        timed.append(
            {
                "page": label,
                "path": path,
                "median_ms": round(statistics.median(times), 1),
                "min_ms": round(min(times), 1),
                "max_ms": round(max(times), 1),
                "queries": queries,
            }
        )
    return timed


def _time_tracker(*, runs: int) -> list[dict[str, Any]]:
    from assure.people.models import User
    from assure.people.services import api_token_create
    from assure.tracker import bench as tracker_bench

    lead = User.objects.get(username="lead")
    _, token = api_token_create(user=lead, name="tracker bench")
    return tracker_bench.run(lead=lead, bearer={"HTTP_AUTHORIZATION": f"Bearer {token}"}, runs=runs)


def render(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    scales = report["scales"]
    lines = ["Seeding", ""]
    rows = [("Scale", "Children", "Looked after", "Rows", "Seconds", "CPU seconds", "Rows/s")]
    rows += [
        (
            s["scale"],
            f"{s['children']:,}",
            f"{s['looked_after']:,}",
            f"{s['rows']:,}",
            f"{s['seed_seconds']:.1f}",
            f"{s['seed_cpu_seconds']:.1f}",
            f"{s['rows_per_second']:,}",
        )
        for s in scales
    ]
    lines += _table(rows)
    lines += [
        "",
        f"Pages (median of {report['runs_per_page']} requests, and queries per request)",
        "",
    ]
    header = ("Page", *[f"{s['scale']} ({s['children']:,})" for s in scales])
    rows = [header]
    for i, page in enumerate(scales[0]["pages"]):
        rows.append(
            (
                page["page"],
                *[
                    f"{s['pages'][i]['median_ms']:.1f} ms, {s['pages'][i]['queries']} q"
                    for s in scales
                ],
            )
        )
    lines += _table(rows)
    lines += tracker_bench.render(scales)
    lines += imports_bench.render(scales)
    return "\n".join(lines)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


if __name__ == "__main__":
    sys.exit(main())
