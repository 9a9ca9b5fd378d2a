"""The import page's services: store uploaded files, run the dry run, then apply.

Files are written under MEDIA_ROOT/imports/ with random names (the name a person gave a file
is kept only as data, never as a path). Small uploads are checked and applied in the
request; larger ones go to the task worker, and the page shows the upload's status until it
is done. Every step records a domain event.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import secrets
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from assure.core import clock, events
from assure.core.spreadsheet import safe_cell

from .extracts.reader import normalise_column
from .extracts.templates import recognise
from .framework import DRY_RUN, REJECTED, ImportResult, Problem, max_file_bytes
from .models import ImportRun, ImportUpload
from .services import import_execute

logger = logging.getLogger(__name__)

SUFFIXES = {".csv", ".txt", ".xml", ".xlsx"}
SHOWN_PROBLEMS = 1000  # on the page; the CSV download has them all
DEFAULT_SYNC_BYTES = 2 * 1024 * 1024


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def sync_limit() -> int:
    """Uploads up to this size (bytes, all files) are handled in the request."""
    return int(getattr(settings, "IMPORT_WEB_SYNC_BYTES", DEFAULT_SYNC_BYTES))


def detect_kind(path: Path) -> str:
    """A workbook is Annex A; a CSV whose columns match an extract template is an extract;
    anything else (903 CSV or XML) is tried as the 903."""
    if path.suffix.lower() == ".xlsx":
        return ImportRun.Kind.ANNEX_A
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8-sig", errors="replace")
    first = head.splitlines()[0] if head.strip() else ""
    columns = {normalise_column(c) for c in next(csv.reader([first]), [])}
    if recognise(columns) is not None:
        return ImportRun.Kind.EXTRACT
    return ImportRun.Kind.SSDA903


def upload_create(*, actor: Any, files: list[UploadedFile], kind: str) -> ImportUpload:
    """Store the files and the upload record; raises ValidationError for files over the
    size limit or of mixed kinds."""
    limit = max_file_bytes()
    if not files:
        raise ValidationError("Choose at least one file to import.")
    for upload in files:
        if upload.size and upload.size > limit:
            raise ValidationError(
                f"{upload.name} is {upload.size:,} bytes; the limit is {limit:,} bytes."
            )
    stored = [_store(upload) for upload in files]
    if kind == "auto":
        kinds = {detect_kind(upload_dir() / item["stored"]) for item in stored}
        if len(kinds) > 1:
            _remove(stored)
            raise ValidationError(
                "These files are of different kinds: upload one kind at a time, or choose it."
            )
        kind = kinds.pop()
    now = clock.now()
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            kind=kind, actor=actor, created_at=now, updated_at=now, files=stored
        )
        events.record(
            actor=actor,
            verb="import.uploaded",
            obj=upload,
            summary=f"{len(stored)} file(s) uploaded for a {upload.get_kind_display()} import",
            data={"files": [{k: f[k] for k in ("name", "bytes", "sha256")} for f in stored]},
        )
    return upload


def _store(upload: UploadedFile) -> dict[str, Any]:
    suffix = Path(upload.name or "").suffix.lower()
    name = f"{secrets.token_hex(16)}{suffix if suffix in SUFFIXES else ''}"
    digest = hashlib.sha256()
    size = 0
    with (upload_dir() / name).open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {
        "name": Path(upload.name or "file").name[:200],
        "stored": name,
        "bytes": size,
        "sha256": digest.hexdigest(),
    }


def _remove(stored: list[dict[str, Any]]) -> None:
    for item in stored:
        (upload_dir() / item["stored"]).unlink(missing_ok=True)


def _paths(upload: ImportUpload) -> list[Path]:
    return [upload_dir() / item["stored"] for item in upload.files]


def _renamer(upload: ImportUpload):  # type: ignore[no-untyped-def]
    """Stored paths in messages and file names -> the names the person gave the files."""
    pairs = [(str(upload_dir() / item["stored"]), item["name"]) for item in upload.files]

    def rename(text: str) -> str:
        for stored, name in pairs:
            text = text.replace(stored, name)
        return text

    return rename


def _total_bytes(upload: ImportUpload) -> int:
    return sum(item["bytes"] for item in upload.files)


def upload_check(*, upload: ImportUpload) -> None:
    """Start the dry run: in the request for a small upload, on the worker for a large one."""
    from .tasks import check_upload

    if _total_bytes(upload) > sync_limit():
        check_upload.enqueue(upload.pk)
    else:
        run_check(upload.pk)


def run_check(upload_id: int) -> None:
    upload = ImportUpload.objects.get(pk=upload_id)
    try:
        result = import_execute(kind=upload.kind, paths=_paths(upload), dry_run=True)
        upload.check_result = _summary(upload, result)
        upload.problems_file = _write_problems(upload, result)
        upload.status = ImportUpload.Status.CHECKED
    except Exception as exc:  # the page must say so rather than spin for ever
        logger.exception("Import check failed")
        upload.status = ImportUpload.Status.FAILED
        upload.message = f"The check failed: {type(exc).__name__}"[:500]
    upload.updated_at = clock.now()
    upload.save()


def _summary(upload: ImportUpload, result: ImportResult) -> dict[str, Any]:
    rename = _renamer(upload)
    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    for severity, problems in (("error", result.errors), ("warning", result.warnings)):
        for problem in problems:
            key = (severity, problem.code)
            counts[key] += 1
            examples.setdefault(key, rename(problem.message))
    shown = [
        {**_problem(p, rename), "severity": severity}
        for severity, problems in (("error", result.errors), ("warning", result.warnings))
        for p in problems
    ][:SHOWN_PROBLEMS]
    return {
        "status": result.status,
        "files": [{**f.as_dict(), "path": rename(f.path)} for f in result.files],
        "children": result.children,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "file_errors": sum(1 for p in result.errors if p.row is None),
        "by_code": [
            {"severity": s, "code": c, "count": n, "example": examples[(s, c)]}
            for (s, c), n in sorted(counts.items(), key=lambda item: (item[0][0], -item[1]))
        ],
        "problems": shown,
    }


def _problem(problem: Problem, rename: Any) -> dict[str, Any]:
    return {**problem.as_dict(), "file": rename(problem.file), "message": rename(problem.message)}


def _write_problems(upload: ImportUpload, result: ImportResult) -> str:
    rename = _renamer(upload)
    name = f"{secrets.token_hex(16)}-problems.csv"
    with (upload_dir() / name).open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(["severity", "file", "row", "column", "value", "code", "message"])
        for severity, problems in (("error", result.errors), ("warning", result.warnings)):
            for problem in problems:
                item = _problem(problem, rename)
                writer.writerow(
                    [
                        safe_cell(v)
                        for v in (
                            severity,
                            item["file"],
                            item["row"] if item["row"] is not None else "",
                            item["column"],
                            item["value"],
                            item["code"],
                            item["message"],
                        )
                    ]
                )
    return name


def problems_path(upload: ImportUpload) -> Path | None:
    if not upload.problems_file:
        return None
    path = upload_dir() / upload.problems_file
    return path if path.is_file() else None


def may_apply(upload: ImportUpload) -> tuple[bool, bool]:
    """(may apply at all, only by skipping invalid rows)."""
    result = upload.check_result
    if upload.status != ImportUpload.Status.CHECKED:
        return False, False
    if result.get("status") == DRY_RUN:
        return True, False
    if result.get("status") == REJECTED and not result.get("file_errors"):
        return True, True
    return False, False


def upload_apply(*, upload: ImportUpload, actor: Any, skip_invalid_rows: bool) -> None:
    allowed, needs_skip = may_apply(upload)
    if not allowed:
        raise ValidationError("This upload cannot be applied: its check found file errors.")
    if needs_skip and not skip_invalid_rows:
        raise ValidationError(
            "The check found errors: tick 'Store the valid rows' to apply without them."
        )
    with transaction.atomic():
        # Claimed in one conditional update: a second "Apply" (a double click, another
        # officer) finds it no longer checked, and nothing runs twice.
        now = clock.now()
        claimed = ImportUpload.objects.filter(
            pk=upload.pk, status=ImportUpload.Status.CHECKED
        ).update(
            status=ImportUpload.Status.APPLYING,
            skip_invalid_rows=skip_invalid_rows,
            updated_at=now,
        )
        if not claimed:
            raise ValidationError("This upload is already being applied.")
        upload.status = ImportUpload.Status.APPLYING
        upload.skip_invalid_rows, upload.updated_at = skip_invalid_rows, now
        events.record(actor=actor, verb="import.apply_requested", obj=upload)
    from .tasks import apply_upload

    if _total_bytes(upload) > sync_limit():
        apply_upload.enqueue(upload.pk)
    else:
        run_apply(upload.pk)


def run_apply(upload_id: int) -> None:
    upload = ImportUpload.objects.select_related("actor").get(pk=upload_id)
    try:
        result = import_execute(
            kind=upload.kind,
            paths=_paths(upload),
            skip_invalid_rows=upload.skip_invalid_rows,
            actor=upload.actor,
        )
        if result.run_id:
            run = ImportRun.objects.get(pk=result.run_id)
            rename = _renamer(upload)
            run.files = [{**f, "path": rename(f["path"])} for f in run.files]
            run.problems = {
                kind: [
                    {**p, "file": rename(p["file"]), "message": rename(p["message"])} for p in items
                ]
                for kind, items in run.problems.items()
            }
            run.options = {**run.options, "upload": upload.pk, "via": "web"}
            run.save(update_fields=["files", "problems", "options"])
            upload.run = run
            upload.status = ImportUpload.Status.APPLIED
        else:
            upload.status = ImportUpload.Status.REJECTED
            upload.message = (
                f"Nothing was stored: {len(result.errors)} error(s) "
                "(the files may have changed since the check)."
            )[:500]
    except Exception as exc:
        logger.exception("Import apply failed")
        upload.status = ImportUpload.Status.FAILED
        upload.message = f"The import failed and nothing was stored: {type(exc).__name__}"[:500]
    upload.updated_at = clock.now()
    upload.save()
    # The uploaded files held children's records outside the database: once applied (or
    # refused) they are not needed, so they are not kept. The run keeps their names and
    # SHA-256 digests.
    _remove(upload.files)
