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

from django.db import DatabaseError, transaction

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
) -> ImportResult:
    """Read, validate and (unless rejected or a dry run) apply an import."""
    started = clock.now()
    importer = IMPORTERS[kind]()
    prepared = importer.prepare(paths)
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
                options={"skip_invalid_rows": skip_invalid_rows},
                files=[f.as_record() for f in prepared.files],
            )
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
                f"The database refused the import, so nothing was stored: {exc}",
            ),
        ]
        return result
    # Tables that have just grown by a whole return need fresh planner statistics.
    refresh_planner_statistics()
    result.run_id = run.pk
    return result


def _finish(run: ImportRun, result: ImportResult) -> None:
    run.finished_at = clock.now()
    run.counts = {
        "children": result.children,
        "episodes_loaded": result.episodes_loaded,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "changes": result.changes,
    }
    run.problems = {
        "errors": [p.as_dict() for p in result.errors[:PROBLEMS_KEPT]],
        "warnings": [p.as_dict() for p in result.warnings[:PROBLEMS_KEPT]],
    }
    run.save(update_fields=["finished_at", "counts", "problems"])
