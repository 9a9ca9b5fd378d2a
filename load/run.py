"""`make load`: the product served as docs/operations/running.md says (gunicorn and the task
worker, PostgreSQL, production settings) with a 2,000-child council, and 50 signed-in people
of mixed roles browsing it for three minutes (locust, headless). Writes requests, errors and
p50/p95/p99 per page, the load generator's own CPU and the server's, to
var/load/<timestamp>.md, and prints it.

Settings (environment):
  LOAD_SECONDS (180), LOAD_USERS (50), LOAD_CHILDREN (2000), LOAD_WORKERS (2 per core + 1)
  LOAD_DATABASE_URL   postgres://postgres@127.0.0.1:5432/assure_load: a THROWAWAY database,
                      dropped and made again (its name must contain "load")
  LOAD_REUSE=1        keep the database if it already holds the council (a quicker rerun)
  LOAD_PORT (8765)

Production settings throughout (DEBUG off, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
static files collected and served by WhiteNoise). Only two documented settings are relaxed,
because this run talks plain HTTP to gunicorn with no TLS proxy in front:
SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0 (docs/operations/configuration.md). Email goes to
memory (no mail leaves the machine). The people sign in with passwords through the sign-in
page; the administrator, whose role always needs a second factor, is not among them.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "load"
SECONDS = int(os.environ.get("LOAD_SECONDS", "180"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
CHILDREN = int(os.environ.get("LOAD_CHILDREN", "2000"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/assure_load")
# The aim the issue sets on a 2-core machine.
AIM_P95_MS = 300
PAGE_ORDER = [
    "home",
    "children",
    "child page",
    "tracker",
    "audits",
    "sign-off",
    "api children",
    "api child",
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    env = _environment()
    fresh = _database(env)
    if fresh:
        _prepare(env)
    accounts = OUT / "accounts.json"
    _run(env, [str(BIN / "python"), str(ROOT / "load" / "accounts.py"), str(accounts)])
    _port_is_free()
    servers = _serve(env, stamp)
    try:
        _wait_until_up(servers[0])
        figures = _drive(env, accounts, stamp)
    finally:
        _stop(servers)
    report = _report(stamp, figures)
    path = OUT / f"{stamp}.md"
    path.write_text(report, encoding="utf-8")
    print(report)
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOAD_"))}
    env.update(
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="assure.settings.base",
        # This checkout's code, whichever checkout the venv was installed from.
        PYTHONPATH=str(ROOT),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=DATABASE_URL,
        STATIC_ROOT=str(OUT / "static"),
        MEDIA_ROOT=str(OUT / "media"),
        # Plain HTTP on 127.0.0.1 with no TLS proxy: the two documented relaxations.
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        COUNCIL_LA_CODE=os.environ.get("COUNCIL_LA_CODE", "999"),
    )
    return env


def _database(env: dict[str, str]) -> bool:
    """Drop and make the throwaway database again; False when LOAD_REUSE keeps a full one."""
    import psycopg

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if "load" not in name:
        sys.exit(f"LOAD_DATABASE_URL must name a throwaway database (with 'load'): {name!r}")
    admin = urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and os.environ.get("LOAD_REUSE") == "1" and _holds_council(env):
            print(f"Reusing {name} (LOAD_REUSE=1)")
            return False
        print(f"Making the throwaway database {name} again")
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return True


def _holds_council(env: dict[str, str]) -> bool:
    check = "from assure.children.models import Child; print(Child.objects.count())"
    result = subprocess.run(  # noqa: S603 (our own commands, no shell)
        [str(BIN / "assure"), "shell", "-c", check], env=env, capture_output=True, text=True
    )
    lines = result.stdout.strip().splitlines()  # the shell says what it imported first
    return result.returncode == 0 and bool(lines) and lines[-1] == str(CHILDREN)


def _prepare(env: dict[str, str]) -> None:
    assure = str(BIN / "assure")
    _run(env, [assure, "migrate", "--noinput", "-v", "0"])
    _run(env, [assure, "collectstatic", "--noinput", "-v", "0"])
    _run(env, [assure, "seed-demo", "--children", str(CHILDREN)])
    _run(env, [assure, "seed-demo-audits"])
    _run(env, [assure, "seed-demo-decisions"])
    # As the nightly job would have done (running.md): today's tracker worked out.
    _run(env, [assure, "tracker-snapshot"])
    _run(env, [assure, "check", "--deploy"], check=False)


def _run(env: dict[str, str], command: list[str], *, check: bool = True) -> None:
    print("$", " ".join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command)))
    started = time.monotonic()
    subprocess.run(command, env=env, cwd=ROOT, check=check)  # noqa: S603
    print(f"  ({time.monotonic() - started:.0f} s)")


def _serve(env: dict[str, str], stamp: str) -> list[subprocess.Popen[bytes]]:
    log = (OUT / f"{stamp}-server.log").open("wb")
    web = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "assure.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603
        [str(BIN / "assure"), "db_worker", "--no-reload"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return [web, worker]


def _port_is_free() -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            sys.exit(f"Something already listens on 127.0.0.1:{PORT}: stop it or set LOAD_PORT.")


def _stop(servers: list[subprocess.Popen[bytes]]) -> None:
    """Stop what this run started: each server was started in a process group of its own,
    so its workers go with it (a worker left behind would keep the port)."""
    for process in servers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in servers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _wait_until_up(web: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/sign-in/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not start or answer within 60 seconds: see var/load/*-server.log")


class CpuSampler(threading.Thread):
    """The CPU the server's processes use while the people browse: gunicorn's workers, the
    task worker, PostgreSQL's backends for this database, and the whole machine (which is
    shared: others' work shows there)."""

    def __init__(self, database: str, browsing: Path) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.browsing = browsing  # exists once everyone has signed in
        self.stop = threading.Event()
        self.seconds: dict[str, float] = {"gunicorn": 0.0, "task worker": 0.0, "postgresql": 0.0}
        # The same, counted only while the people browse (after signing in).
        self.browsing_seconds: dict[str, float] = dict.fromkeys(self.seconds, 0.0)
        self.machine: list[float] = []
        self._last: dict[int, tuple[str, float]] = {}

    def _kind(self, process: psutil.Process) -> str | None:
        line = " ".join(process.cmdline())
        if "gunicorn" in line and "assure.wsgi" in line:
            return "gunicorn"
        if "db_worker" in line:
            return "task worker"
        if line.startswith("postgres:") and f" {self.database} " in line:
            return "postgresql"
        return None

    def run(self) -> None:
        psutil.cpu_percent()
        while not self.stop.wait(1.0):
            self.machine.append(psutil.cpu_percent())
            browsing = self.browsing.exists()
            for process in psutil.process_iter():
                try:
                    kind = self._kind(process)
                    if kind is None:
                        continue
                    times = process.cpu_times()
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                used = times.user + times.system
                _, before = self._last.get(process.pid, (kind, used))
                self.seconds[kind] += max(0.0, used - before)
                if browsing:
                    self.browsing_seconds[kind] += max(0.0, used - before)
                self._last[process.pid] = (kind, used)


def _drive(env: dict[str, str], accounts: Path, stamp: str) -> dict[str, Any]:
    prefix = OUT / stamp
    sampler = CpuSampler(urlsplit(DATABASE_URL).path.lstrip("/"), Path(f"{prefix}_sign_in.json"))
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(max(1, USERS // 10)),
            # The browsing window starts when everyone has signed in (locustfile.py); this
            # only stops a run whose people never all sign in.
            "--run-time",
            f"{SECONDS + 900}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={
            **env,
            "LOAD_ACCOUNTS": str(accounts),
            "LOAD_SECONDS": str(SECONDS),
            "LOAD_SIGN_IN": f"{prefix}_sign_in.json",
        },
        cwd=ROOT,
        check=False,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    sampler.stop.set()
    sampler.join()
    generator = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sign_in = Path(f"{prefix}_sign_in.json")
    return {
        "sign_in": json.loads(sign_in.read_text()) if sign_in.exists() else None,
        "stats": _stats(Path(f"{prefix}_stats.csv")),
        "failures": _failures(Path(f"{prefix}_failures.csv")),
        "wall": wall,
        "generator_cpu": generator,
        "server_cpu": sampler.seconds,
        "browsing_cpu": sampler.browsing_seconds,
        "machine": sampler.machine,
    }


def _stats(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _failures(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _report(stamp: str, figures: dict[str, Any]) -> str:
    stats: list[dict[str, str]] = figures["stats"]
    wall: float = figures["wall"]
    by_name = {row["Name"]: row for row in stats if row["Type"] in ("GET", "")}
    lines = [
        f"# Load run {stamp}",
        "",
        f"{USERS} signed-in people of mixed roles browsing for {SECONDS} s (after all had "
        f"signed in) against {CHILDREN:,} children; gunicorn with {WORKERS} workers and the "
        f"task worker on PostgreSQL, production settings. Machine: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        "",
        "| page | requests | errors | p50 ms | p95 ms | p99 ms | max ms | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in [*PAGE_ORDER, "Aggregated"]:
        row = by_name.get(name)
        label = "all requests" if name == "Aggregated" else name
        if row is None:
            lines.append(f"| {label} | 0 | | | | | | |")
            continue
        lines.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} | {float(row['Requests/s']):.1f} |"
        )
    missing = [n for n in PAGE_ORDER if n not in by_name]
    over = [n for n in PAGE_ORDER if n in by_name and float(by_name[n]["95%"]) > AIM_P95_MS]
    errors = sum(int(row["Failure Count"]) for row in stats if row["Name"] != "Aggregated")
    verdict = (
        "met."
        if not (errors or over or missing)
        else "not met: "
        + "; ".join(
            part
            for part in (
                f"{errors} errors" if errors else "",
                f"p95 over {AIM_P95_MS} ms on {', '.join(over)}" if over else "",
                f"not measured: {', '.join(missing)}" if missing else "",
            )
            if part
        )
        + "."
    )
    lines += ["", f"Aim (0 errors, p95 <= {AIM_P95_MS} ms on every page): {verdict}"]
    sign_in = figures["sign_in"]
    if sign_in:
        lines += [
            "",
            f"Signing in (measured on its own, before the browsing): {sign_in['requests']} "
            f"sign-ins, {sign_in['failures']} refused; p50 {sign_in['p50']:.0f} ms, p95 "
            f"{sign_in['p95']:.0f} ms, p99 {sign_in['p99']:.0f} ms.",
        ]
    else:
        lines += ["", "Not everyone signed in: the browsing window never started."]
    generator: float = figures["generator_cpu"]
    server: dict[str, float] = figures["server_cpu"]
    machine: list[float] = figures["machine"]
    lines += [
        "",
        "CPU over the whole locust run, sign-in included (core-seconds, and the share of one "
        "core):",
        "",
        f"- load generator (locust): {generator:.1f} s, {100 * generator / wall:.0f}% of a core",
    ]
    for kind, seconds in server.items():
        lines.append(f"- {kind}: {seconds:.1f} s, {100 * seconds / wall:.0f}% of a core")
    if machine:
        lines.append(
            f"- the whole machine: {sum(machine) / len(machine):.0f}% busy on average "
            "(all cores, everything running on it)"
        )
    browsing: dict[str, float] = figures["browsing_cpu"]
    requests = int(by_name["Aggregated"]["Request Count"]) if "Aggregated" in by_name else 0
    if requests:
        per_request = 1000 * sum(browsing.values()) / requests
        lines += [
            "",
            f"While browsing: {requests} requests used {sum(browsing.values()):.1f} core-seconds "
            f"of the server (gunicorn {browsing['gunicorn']:.1f}, PostgreSQL "
            f"{browsing['postgresql']:.1f}, task worker {browsing['task worker']:.1f}): "
            f"{per_request:.0f} ms of CPU per request, so {os.cpu_count()} idle cores could "
            f"serve about {1000 * (os.cpu_count() or 1) / per_request:.0f} requests a second; "
            f"this run asked {float(by_name['Aggregated']['Requests/s']):.1f} a second.",
        ]
    failures: list[dict[str, str]] = figures["failures"]
    if failures:
        lines += ["", "Failures:", ""]
        lines += [
            f"- {f['Method']} {f['Name']}: {f['Error']} ({f['Occurrences']} times)"
            for f in failures
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
