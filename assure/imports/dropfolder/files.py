"""The drop folder's files: which are complete, their digests, the folder's state between
scans, the lock that lets one scan run at a time, and tidying after an import. File ages are
measured against the file system's clock, which wrote the times."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from assure.core import clock

from ..framework import file_digest
from ..uploads import SUFFIXES

logger = logging.getLogger(__name__)

PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload")
REFUSED_FOLDER = "refused"


def folder() -> Path | None:
    configured = getattr(settings, "IMPORT_DROP_FOLDER", "")
    return Path(configured) if configured else None


def settle_seconds() -> int:
    return int(getattr(settings, "IMPORT_DROP_SETTLE_SECONDS", 60))


def state_path() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path / "drop-folder.json"


def state() -> dict[str, Any]:
    """The last scan, for the import page: when, what it found, any trouble with the folder."""
    try:
        return json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_state(values: dict[str, Any]) -> None:
    path = state_path()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(values), encoding="utf-8")
    os.replace(temporary, path)


@dataclass
class Candidate:
    path: Path
    size: int
    mtime: float
    sha256: str = ""


def is_partial(path: Path) -> bool:
    name = path.name
    return (
        name.startswith((".", "~$"))
        or name.lower().endswith(PARTIAL_SUFFIXES)
        or path.suffix.lower() not in SUFFIXES
    )


def list_files(where: Path) -> tuple[list[Candidate], list[str]]:
    """(files complete enough to read, names still being written) at the top of the folder."""
    ready, waiting = [], []
    now = time.time()
    for path in sorted(where.iterdir()):
        if not path.is_file() or is_partial(path):
            continue
        info = path.stat()
        if now - info.st_mtime < settle_seconds():
            waiting.append(path.name)
        else:
            ready.append(Candidate(path, info.st_size, info.st_mtime))
    return ready, waiting


@contextlib.contextmanager
def lock() -> Iterator[bool]:
    path = state_path().with_name("drop-folder.lock")
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def tidy(files: list[Candidate], *, applied: bool) -> list[Candidate]:
    """Applied files are removed (their names and digests stay on the run); refused ones go
    to refused/ to be looked at. Returns the files that could not be moved (a folder Assure
    may not change): later scans leave them be, and their digests stop them being applied
    twice."""
    failed = []
    for candidate in files:
        target = candidate.path.parent / REFUSED_FOLDER
        try:
            if applied:
                candidate.path.unlink(missing_ok=True)
            else:
                target.mkdir(exist_ok=True)
                stamp = clock.now().strftime("%Y%m%d-%H%M%S")
                shutil.move(str(candidate.path), target / f"{stamp}-{candidate.path.name}")
        except OSError as exc:
            logger.warning("Drop folder: could not tidy %s: %s", candidate.path, exc)
            failed.append(candidate)
    return failed


def digest(ready: list[Candidate], waiting: list[str]) -> list[Candidate]:
    """SHA-256 each file; one that changes while it is read is still being written."""
    complete = []
    for candidate in ready:
        try:
            candidate.sha256, size = file_digest(candidate.path)
            after = candidate.path.stat()
        except OSError:
            waiting.append(candidate.path.name)
            continue
        if size != candidate.size or after.st_size != size or after.st_mtime != candidate.mtime:
            waiting.append(candidate.path.name)
            continue
        complete.append(candidate)
    return complete
