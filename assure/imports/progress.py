"""Progress of a running import, for the import page: the stage, the rows read so far, how
long it has run and about how long is left.

A running import writes its progress to a small JSON file under
MEDIA_ROOT/imports/progress/ (at most once a second), not to the database: the apply runs in
one long transaction, whose writes nobody else sees until it commits, and on SQLite a second
writer would wait for it. The page reads the file; it is removed when the import ends.

Importers report what they can through two calls that cost nothing when no import is being
watched (the command line, the tests):

    progress.stage("Reading the files")
    progress.rows_read()          # once a row, or rows_read(n)

The time left is estimated from the speed of the applied imports of the same kind (bytes a
second, from the run history), so it says "about"; with no history it is not known yet.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings

from assure.core import clock

WRITE_EVERY = 1.0  # seconds
HEARTBEAT = 10.0  # seconds: the file is rewritten at least this often while the import runs
STOPPED_AFTER = 120  # seconds without a write: the import stopped (its worker was killed)
FORGOTTEN_AFTER = 24 * 3600  # seconds: a stopped import's file is removed
HISTORY_RUNS = 10


def progress_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "progress"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _path(key: str) -> Path:
    if not key.replace("-", "").isalnum():
        raise ValueError(f"Bad progress key {key!r}")
    return progress_dir() / f"{key}.json"


class Tracker:
    def __init__(
        self,
        key: str,
        *,
        total_bytes: int,
        estimate: float | None,
        about: dict[str, Any] | None = None,
    ) -> None:
        self.path = _path(key)
        self.state: dict[str, Any] = {
            **(about or {}),
            "stage": "Starting",
            "rows_read": 0,
            "started_at": clock.now().isoformat(),
            "total_bytes": total_bytes,
            "estimate_seconds": estimate,
        }
        self._started = time.monotonic()
        self._written = 0.0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.write(force=True)
        # A heartbeat, so that a long stage that reports no rows still shows it is alive
        # and an import whose worker was killed is seen to have stopped.
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    def _heartbeat(self) -> None:
        while not self._closed.wait(HEARTBEAT):
            self.write(force=True)

    def stage(self, name: str) -> None:
        self.state["stage"] = name
        self.write(force=True)

    def rows(self, count: int = 1) -> None:
        self.state["rows_read"] += count
        if time.monotonic() - self._written >= WRITE_EVERY:
            self.write()

    def write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written < WRITE_EVERY:
            return
        with self._lock:
            if self._closed.is_set():
                return
            self._written = now
            self.state["elapsed_seconds"] = round(now - self._started, 1)
            self.state["updated_at"] = clock.now().isoformat()
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.state), encoding="utf-8")
            os.replace(temporary, self.path)

    def close(self) -> None:
        with self._lock:
            self._closed.set()
            self.path.unlink(missing_ok=True)


_current: contextvars.ContextVar[Tracker | None] = contextvars.ContextVar(
    "import_progress", default=None
)


def stage(name: str) -> None:
    tracker = _current.get()
    if tracker is not None:
        tracker.stage(name)


def rows_read(count: int = 1) -> None:
    tracker = _current.get()
    if tracker is not None:
        tracker.rows(count)


@contextlib.contextmanager
def tracking(
    key: str, *, kind: str, total_bytes: int, about: dict[str, Any] | None = None
) -> Iterator[Tracker]:
    """Watch the import run inside the block; its progress file goes when the block ends.
    `about` is kept with the progress for the page (the files' names)."""
    tracker = Tracker(
        key,
        total_bytes=total_bytes,
        estimate=estimate_seconds(kind, total_bytes),
        about={"kind": kind, **(about or {})},
    )
    token = _current.set(tracker)
    try:
        yield tracker
    finally:
        _current.reset(token)
        tracker.close()


def estimate_seconds(kind: str, total_bytes: int) -> float | None:
    """How long an import of this kind and size takes, at the speed of the last applied
    ones (their whole run: reading, checking and writing)."""
    from .models import ImportRun

    seconds = size = 0.0
    for files, started, finished in (
        ImportRun.objects.filter(kind=kind, status="applied", finished_at__isnull=False)
        .order_by("-started_at")
        .values_list("files", "started_at", "finished_at")[:HISTORY_RUNS]
    ):
        seconds += (finished - started).total_seconds()
        size += sum(int(f.get("bytes") or 0) for f in files or [])
    if seconds <= 0 or size <= 0:
        return None
    return total_bytes * seconds / size


def running(prefix: str) -> list[dict[str, Any]]:
    """The progress of every running import whose key starts with `prefix`, oldest first
    (one that stopped a day ago is forgotten)."""
    found = []
    for path in sorted(progress_dir().glob(f"{prefix}*.json")):
        state = read(path.stem)
        if state is None:
            continue
        if state["silent_seconds"] > FORGOTTEN_AFTER:
            path.unlink(missing_ok=True)
            continue
        found.append({**state, "key": path.stem})
    return found


def read(key: str) -> dict[str, Any] | None:
    """The progress of a running import, for the page, or None when there is none."""
    try:
        state = json.loads(_path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    estimate = state.get("estimate_seconds")
    try:
        started = dt.datetime.fromisoformat(state["started_at"])
        elapsed = max((clock.now() - started).total_seconds(), 0.0)
    except (KeyError, TypeError, ValueError):
        elapsed = float(state.get("elapsed_seconds") or 0)
    try:
        silent = (clock.now() - dt.datetime.fromisoformat(state["updated_at"])).total_seconds()
    except (KeyError, TypeError, ValueError):
        silent = 0.0
    state["silent_seconds"] = silent
    state["stopped"] = silent > STOPPED_AFTER
    if state["stopped"]:
        state["time_left"] = (
            "The import seems to have stopped: nothing has been heard from it for "
            f"{_duration(silent)} (the task worker may have been restarted)"
        )
    elif estimate is None:
        state["time_left"] = "Not known yet: there are no earlier imports of this kind to go by"
    elif elapsed >= estimate:
        state["time_left"] = "Taking longer than earlier imports of this size"
    else:
        state["time_left"] = "About " + _duration(estimate - elapsed)
    state["elapsed"] = _duration(elapsed)
    return state


def _duration(seconds: float) -> str:
    seconds = max(int(round(seconds)), 1)
    if seconds < 90:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} minutes"
    hours, rest = divmod(minutes, 60)
    return f"{hours} hour{'s' * (hours != 1)} {rest} minutes"
