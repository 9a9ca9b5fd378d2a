"""One look in the drop folder (see the package's notes): what is new is imported, what was
seen before is reported or left be."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from assure.core import clock

from .. import progress
from ..framework import APPLIED, REJECTED
from ..models import ImportRun
from ..services import import_execute
from ..uploads import detect_kind
from .files import Candidate, digest, folder, list_files, lock, save_state, state, tidy
from .runs import VIA, mark_applied, notify, record_refusal, record_result, when

logger = logging.getLogger(__name__)

ORDER = (ImportRun.Kind.SSDA903, ImportRun.Kind.ANNEX_A, ImportRun.Kind.EXTRACT)


@dataclass
class ScanResult:
    waiting: list[str] = field(default_factory=list)  # not complete yet
    runs: list[ImportRun] = field(default_factory=list)
    busy: bool = False
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "busy": self.busy,
            "problem": self.problem,
            "waiting": self.waiting,
            "runs": [
                {
                    "run": run.pk,
                    "status": run.status,
                    "kind": run.kind,
                    "files": [f["path"] for f in run.files],
                }
                for run in self.runs
            ],
        }


def scan() -> ScanResult:
    """Look in the drop folder once and import what is complete (see the package's notes)."""
    result = ScanResult()
    where = folder()
    if where is None:
        result.problem = "No drop folder is set (IMPORT_DROP_FOLDER)."
        return result
    with lock() as locked:
        if not locked:
            result.busy = True
            return result
        started = clock.now()
        try:
            ready, result.waiting = list_files(where)
        except OSError as exc:
            result.problem = f"The drop folder {where} cannot be read: {exc.strerror or exc}."
            logger.error("Drop folder: %s", result.problem)
            save_state({"scanned_at": started.isoformat(), "problem": result.problem})
            return result
        complete = digest(ready, result.waiting)
        left_behind = {tuple(item) for item in state().get("left_behind", [])}
        applied, seen = _known_digests()
        fresh: list[Candidate] = []
        stuck: list[Candidate] = []
        for candidate in complete:
            if (candidate.path.name, candidate.sha256) in left_behind:
                # Handled by an earlier scan, which could not move it: tidied again, quietly.
                done = applied.get(candidate.sha256) or seen.get(candidate.sha256)
                stuck += tidy([candidate], applied=done is None or done.status == APPLIED)
            elif candidate.sha256 in applied or candidate.sha256 in seen:
                run, failed = _already_done(candidate, applied, seen)
                result.runs.append(run)
                stuck += failed
            else:
                fresh.append(candidate)
        for kind, group in _groups(fresh):
            run, failed = _import(kind, group)
            result.runs.append(run)
            stuck += failed
        save_state(
            {
                "scanned_at": started.isoformat(),
                "waiting": result.waiting,
                "runs": [run.pk for run in result.runs],
                "left_behind": [[c.path.name, c.sha256] for c in stuck],
                "problem": "",
            }
        )
    return result


def _known_digests() -> tuple[dict[str, ImportRun], dict[str, ImportRun]]:
    """(SHA-256 -> the applied run that imported it, SHA-256 -> the drop-folder run that
    refused it): every run's files, read once."""
    applied: dict[str, ImportRun] = {}
    seen: dict[str, ImportRun] = {}
    for run in ImportRun.objects.only("id", "status", "files", "options", "finished_at"):
        for item in run.files or []:
            digest = item.get("sha256")
            if not digest:
                continue
            if run.status == APPLIED:
                applied.setdefault(digest, run)
            elif (run.options or {}).get("via") == VIA:
                seen.setdefault(digest, run)
    return applied, seen


def _already_done(
    candidate: Candidate, applied: dict[str, ImportRun], seen: dict[str, ImportRun]
) -> tuple[ImportRun, list[Candidate]]:
    """A file imported (or refused) before, dropped again: reported, never applied twice."""
    earlier = applied.get(candidate.sha256) or seen[candidate.sha256]
    if earlier.status == APPLIED:
        reason = (
            f"{candidate.path.name} was imported already (import run {earlier.pk}, "
            f"{when(earlier)}): a file is never applied twice."
        )
    else:
        reason = (
            f"{candidate.path.name} is the same file as one refused before (run "
            f"{earlier.pk}, {when(earlier)}): fix it, then drop the corrected file."
        )
    run = record_refusal(
        kind=earlier.kind,
        files=[candidate],
        code="already-imported" if earlier.status == APPLIED else "refused-before",
        reason=reason,
        extra={"earlier_run": earlier.pk},
    )
    failed = tidy([candidate], applied=earlier.status == APPLIED)
    notify(run)
    return run, failed


def _groups(candidates: list[Candidate]) -> list[tuple[str, list[Candidate]]]:
    by_kind: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        try:
            kind = detect_kind(candidate.path)
        except OSError:
            kind = ImportRun.Kind.SSDA903  # the import reports the unreadable file
        by_kind.setdefault(kind, []).append(candidate)
    return [(kind, by_kind[kind]) for kind in ORDER if kind in by_kind]


def _import(kind: str, files: list[Candidate]) -> tuple[ImportRun, list[Candidate]]:
    """Dry run, then apply when clean; record, tidy the folder, tell people."""
    paths = [c.path for c in files]
    started = clock.now()
    key = f"drop-{int(time.time() * 1000)}"
    total = sum(c.size for c in files)
    names = [c.path.name for c in files]
    try:
        with progress.tracking(key, kind=kind, total_bytes=total, about={"files": names}):
            progress.stage("Checking the files (dry run)")
            checked = import_execute(kind=kind, paths=paths, dry_run=True)
            if checked.status == REJECTED:
                run = record_result(kind, files, checked, started)
            else:
                progress.stage("Applying the import")
                result = import_execute(kind=kind, paths=paths)
                if result.status == APPLIED and result.run_id:
                    run = mark_applied(result.run_id, files)
                else:
                    run = record_result(kind, files, result, started)
    except Exception as exc:  # the folder must say so rather than fail silently
        logger.exception("Drop folder import failed")
        run = record_refusal(
            kind=kind,
            files=files,
            code="import-failed",
            reason=f"The import failed and nothing was stored: {type(exc).__name__}.",
        )
    failed = tidy(files, applied=run.status == APPLIED)
    notify(run)
    return run, failed
