"""The one way to run an import: parse and validate everything, then apply in a single
transaction, or store nothing at all.

Importers register in IMPORTERS by kind. Adding Annex A or the case-management extracts is
a new importer class with `prepare`, `apply` and `loaded_count` (see framework.py) and one
line here; the command, the JSON shape, the exit codes and the run history come for free.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, OperationalError, transaction

from assure.children import care_log
from assure.core import clock, events
from assure.core.gc_pause import gc_paused
from assure.core.planner import refresh_planner_statistics

from .annex_a.importer import AnnexAImporter
from .extracts.importer import ExtractImporter
from .framework import (
    APPLIED,
    DRY_RUN,
    REJECTED,
    Importer,
    ImportResult,
    Problem,
    file_problem,
)
from .models import ImportRun
from .ssda903.importer import SSDA903Importer

logger = logging.getLogger(__name__)

IMPORTERS: dict[str, type[Importer]] = {
    ImportRun.Kind.SSDA903: SSDA903Importer,
    ImportRun.Kind.EXTRACT: ExtractImporter,
    ImportRun.Kind.ANNEX_A: AnnexAImporter,
}
PROBLEMS_KEPT = 5000  # per kind, on the run record; the command output lists them all


@gc_paused()  # a large file makes millions of acyclic rows: see core.gc_pause
def import_execute(
    *,
    kind: str,
    paths: Sequence[Path],
    dry_run: bool = False,
    skip_invalid_rows: bool = False,
    actor: Any = None,
    options: dict[str, Any] | None = None,
) -> ImportResult:
    """Read, validate and (unless rejected or a dry run) apply an import. `options` go to
    the importer (the 903's: `la`, the council whose children to import; `year`, the
    collection year)."""
    started = clock.now()
    importer = IMPORTERS[kind](**(options or {}))
    prepared = importer.prepare(paths)
    try:
        return _execute(
            importer, prepared, kind=kind, dry_run=dry_run, skip_invalid_rows=skip_invalid_rows,
            actor=actor, started=started, options=options or {},
        )  # fmt: skip
    finally:
        # An importer that keeps rows aside (the 903's scratch store) lets them go.
        close = getattr(prepared, "close", None)
        if close is not None:
            close()


def _execute(
    importer: Any,
    prepared: Any,
    *,
    kind: str,
    dry_run: bool,
    skip_invalid_rows: bool,
    actor: Any,
    started: Any,
    options: dict[str, Any],
) -> ImportResult:
    problems = prepared.problems
    rejected = bool(problems.file_errors or (problems.errors and not skip_invalid_rows))
    order = {summary.path: index for index, summary in enumerate(prepared.files)}

    def where(problem: Problem) -> tuple[int, int]:
        return order.get(problem.file, -1), problem.row or 0

    result = ImportResult(
        status=REJECTED if rejected else (DRY_RUN if dry_run else APPLIED),
        files=prepared.files,
        children=prepared.children,
        episodes_loaded=0,
        rows_read=prepared.rows_read,
        rows_rejected=len(problems.rejected),
        errors=sorted(problems.errors, key=where),
        warnings=sorted(problems.warnings, key=where),
        counts=dict(problems.counts),
        extra=dict(getattr(prepared, "report", {}) or {}),
        not_listed=problems.not_listed(),
    )
    if result.status != APPLIED:
        return result
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                kind=kind,
                status=APPLIED,
                actor=actor if getattr(actor, "pk", None) else None,
                started_at=started,
                options={"skip_invalid_rows": skip_invalid_rows, **options},
                files=[f.as_record() for f in prepared.files],
            )
            # A file's worth of rows: one "everything changed" entry in the care log rather
            # than one per row (children.care_log).
            with care_log.bulk_load():
                changes = importer.apply(prepared, run=run, actor=actor)
            result.episodes_loaded = importer.loaded_count(changes)
            result.changes = changes
            _finish(run, result)
            events.record(
                actor=actor,
                verb="import.applied",
                obj=run,
                summary=f"{run.get_kind_display()} import applied",
                data={"changes": changes},
            )
    except DatabaseError as exc:  # rolled back whole: report it, never half-write
        logger.exception("Import failed while writing")
        result.status = REJECTED
        result.episodes_loaded = 0
        result.changes = {}
        result.errors = [
            *result.errors,
            file_problem(
                ", ".join(f.path for f in prepared.files),
                "apply-failed",
                why_nothing_was_stored(exc),
            ),
        ]
        return result
    # Tables that have just grown by a whole return need fresh planner statistics.
    refresh_planner_statistics()
    result.run_id = run.pk
    return result


def why_nothing_was_stored(error: DatabaseError) -> str:
    """The reason a write was refused, in words a performance officer can act on; the
    database's own words go to the log, never to the page (they name tables and keys).
    PostgreSQL reports a lost race as the refusal of whatever ran next in the aborted
    transaction, so the whole chain of causes is read, not just the last error."""
    if any(isinstance(cause, IntegrityError) for cause in causes_of(error)):
        return (
            "Another import stored some of the same records at the same moment, so nothing "
            "from this one was stored. Look at the import history: if the other import was "
            "the same file, there is nothing to do; otherwise import this file again."
        )
    if isinstance(error, OperationalError):
        return (
            "The database could not take the import just now (it was busy, or the connection "
            "to it was lost), so nothing was stored. Import the file again; if it happens "
            "again, tell the people who run Assure."
        )
    return (
        "The database refused the import, so nothing was stored. Tell the people who run "
        "Assure: the server's log has the reason."
    )


def causes_of(error: BaseException) -> list[BaseException]:
    """The error and each error it was raised from or while handling, newest first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _finish(run: ImportRun, result: ImportResult) -> None:
    run.finished_at = clock.now()
    run.counts = {
        "children": result.children,
        "episodes_loaded": result.episodes_loaded,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "errors": sum(n for (kind, _), n in result.counts.items() if kind == "error"),
        "warnings": sum(n for (kind, _), n in result.counts.items() if kind == "warning"),
        "changes": result.changes,
        # Every problem code and how often it was reported (the lists below are capped).
        "by_code": result.count_by_code(),
        **{key: value for key, value in result.extra.items() if key != "collection_years"},
    }
    run.problems = {
        "errors": [p.as_dict() for p in result.errors[:PROBLEMS_KEPT]],
        "warnings": [p.as_dict() for p in result.warnings[:PROBLEMS_KEPT]],
    }
    run.save(update_fields=["finished_at", "counts", "problems"])
