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
from assure.core.errors import NotNow
from assure.core.spreadsheet import safe_cell
from assure.core.workflow import Move, Workflow

from . import progress
from .extracts.reader import normalise_column
from .extracts.templates import recognise
from .framework import DRY_RUN, REJECTED, ImportResult, Problem, max_file_bytes
from .models import ImportRun, ImportUpload
from .services import import_execute

logger = logging.getLogger(__name__)

SUFFIXES = {".csv", ".txt", ".xml", ".xlsx"}
SHOWN_PROBLEMS = 1000  # on the page; the CSV download has them all
DEFAULT_SYNC_BYTES = 2 * 1024 * 1024


Status = ImportUpload.Status
IMPORTER = "the importer (the request or the task worker that runs it)"


def _by_the_importer(user: Any, record: Any) -> bool:
    """The moves that end a check or an apply are made by the import as it runs, never by a
    person: the service makes them with no user."""
    return user is None


def _check_passed(upload: ImportUpload, params: dict[str, Any]) -> str:
    allowed, needs_skip = may_apply(upload)
    if not allowed:
        return "This upload cannot be applied: its check found file errors."
    if needs_skip and not params.get("skip_invalid_rows"):
        return "The check found errors: tick 'Store the valid rows' to apply without them."
    return ""


def _is_903_waiting_for_a_council(upload: ImportUpload, params: dict[str, Any]) -> str:
    found = {c["la"] for c in (upload.check_result or {}).get("councils_found", [])}
    if upload.kind != ImportRun.Kind.SSDA903:
        return "This upload is not waiting for a council to be chosen."
    if params.get("la") not in found:
        return "Choose one of the councils the files hold."
    return ""


def _by_importer(source: str, target: str) -> Move:
    return Move(source, target, target, IMPORTER, _by_the_importer)


# An upload's life (one shape with audits and proposals, core/workflow.py). Actions are
# named by the state they move to. The stored values are the model's, unchanged. A guard's
# refusal is a 422 (the person's input or the files); a move the table does not have now,
# such as a second "Apply" while the first runs, is a 409.
WORKFLOW = Workflow(
    noun="upload",
    states=dict(Status.choices),
    moves=(
        _by_importer(Status.CHECKING, Status.CHECKED),
        _by_importer(Status.CHECKING, Status.FAILED),
        Move(
            Status.CHECKED, Status.APPLYING, Status.APPLYING, "import_data", None, (_check_passed,)
        ),
        Move(
            Status.CHECKED,
            Status.CHECKING,
            Status.CHECKING,
            "import_data",
            None,
            (_is_903_waiting_for_a_council,),
        ),
        _by_importer(Status.APPLYING, Status.APPLIED),
        _by_importer(Status.APPLYING, Status.REJECTED),
        _by_importer(Status.APPLYING, Status.FAILED),
    ),
    guard_error=ValidationError,
)

# The words for a move refused because another is under way or done.
BUSY = {
    Status.CHECKING: "This upload is already being checked.",
    Status.APPLYING: "This upload is already being applied.",
    Status.APPLIED: "This upload has already been applied.",
}


def _claim(
    upload: ImportUpload, *, target: str, actor: Any, params: dict[str, Any], **changes: Any
) -> None:
    """Make a person's move: checked by the table, then claimed in one conditional update,
    so that of two at once (a double click, another officer) only one happens and the
    other is told so (409)."""
    WORKFLOW.check(
        state=upload.status,
        action=target,
        record=upload,
        user=actor,
        params=params,
        unknown=BUSY.get(upload.status, ""),
    )
    now = clock.now()
    claimed = ImportUpload.objects.filter(pk=upload.pk, status=upload.status).update(
        status=target, updated_at=now, **changes
    )
    if not claimed:
        current = ImportUpload.objects.values_list("status", flat=True).get(pk=upload.pk)
        raise NotNow(BUSY.get(current, f"This upload is now {WORKFLOW.label(current)}."))
    upload.status, upload.updated_at = target, now
    for name, value in changes.items():
        setattr(upload, name, value)


def _finish(upload: ImportUpload, target: str) -> None:
    """The importer's own move at the end of a check or an apply (checked by the table, so a
    move it does not have is a bug that shows, not a state nobody planned)."""
    WORKFLOW.check(state=upload.status, action=target, record=upload, user=None)
    upload.status = target


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
    # One figure for the page, the web server and the docs: an upload (all its files
    # together) is at most IMPORT_MAX_FILE_BYTES, as the proxy's client_max_body_size.
    total = sum(upload.size or 0 for upload in files)
    if total > limit:
        raise ValidationError(
            f"These files are {total:,} bytes together; an upload can be {limit:,} bytes in "
            "all. Upload them in smaller groups."
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


def _given_names(upload: ImportUpload) -> dict[str, str]:
    """Each stored file's path -> the name the person gave the file."""
    base = upload_dir()
    return {str(base / item["stored"]): item["name"] for item in upload.files}


def _renamer(upload: ImportUpload):  # type: ignore[no-untyped-def]
    """Stored paths in messages and file names -> the names the person gave the files."""
    pairs = list(_given_names(upload).items())

    def rename(text: str) -> str:
        for stored, name in pairs:
            text = text.replace(stored, name)
        return text

    return rename


def progress_key(upload: ImportUpload) -> str:
    """The key of an upload's progress while it is checked or applied (imports.progress)."""
    return f"upload-{upload.pk}"


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
    if upload.status != Status.CHECKING:  # a task run twice: the first has done it
        logger.warning(
            "Upload %s is %s, not being checked: nothing to do", upload.pk, upload.status
        )
        return
    try:
        with progress.tracking(
            progress_key(upload), kind=upload.kind, total_bytes=_total_bytes(upload)
        ):
            progress.stage("Checking the files (dry run)")
            result = import_execute(
                kind=upload.kind, paths=_paths(upload), dry_run=True, options=_options(upload)
            )
        upload.check_result = _summary(upload, result)
        upload.problems_file = _write_problems(upload, result)
        _finish(upload, Status.CHECKED)
    except Exception as exc:  # the page must say so rather than spin for ever
        logger.exception("Import check failed")
        _finish(upload, Status.FAILED)
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
    if result.counts:  # every problem counted, including those not listed
        counts = Counter(result.counts)
    return {
        "status": result.status,
        "files": [{**f.as_dict(), "path": rename(f.path)} for f in result.files],
        "children": result.children,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "errors": sum(n for (s, _), n in counts.items() if s == "error"),
        "warnings": sum(n for (s, _), n in counts.items() if s == "warning"),
        "file_errors": sum(1 for p in result.errors if p.row is None),
        "by_code": [
            {"severity": s, "code": c, "count": n, "example": examples.get((s, c), "")}
            for (s, c), n in sorted(counts.items(), key=lambda item: (item[0][0], -item[1]))
        ],
        "problems": shown,
        # The 903's council, the other councils' rows left out, the collection years.
        **{k: v for k, v in result.extra.items() if k != "collection_years"},
        "collection_years": [
            {**item, "file": rename(item["file"])}
            for item in result.extra.get("collection_years", [])
        ],
        "not_listed": result.not_listed,
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
    """Apply a checked upload. Refused with 422 when its check does not allow it (or the
    person must tick "Store the valid rows"), 409 when it is already being applied."""
    with transaction.atomic():
        _claim(
            upload,
            target=Status.APPLYING,
            actor=actor,
            params={"skip_invalid_rows": skip_invalid_rows},
            skip_invalid_rows=skip_invalid_rows,
        )
        events.record(actor=actor, verb="import.apply_requested", obj=upload)
    from .tasks import apply_upload

    if _total_bytes(upload) > sync_limit():
        apply_upload.enqueue(upload.pk)
    else:
        run_apply(upload.pk)


def run_apply(upload_id: int) -> None:
    upload = ImportUpload.objects.select_related("actor").get(pk=upload_id)
    if upload.status != Status.APPLYING:  # a task run twice: the first has done it
        logger.warning(
            "Upload %s is %s, not being applied: nothing to do", upload.pk, upload.status
        )
        return
    try:
        with progress.tracking(
            progress_key(upload), kind=upload.kind, total_bytes=_total_bytes(upload)
        ):
            progress.stage("Reading and checking the files again, then writing them")
            result = import_execute(
                kind=upload.kind,
                paths=_paths(upload),
                skip_invalid_rows=upload.skip_invalid_rows,
                actor=upload.actor,
                options=_options(upload),
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
            for item in upload.files:  # the checks kept for each child name the file too
                run.child_checks.filter(file=str(upload_dir() / item["stored"])).update(
                    file=item["name"]
                )
            upload.run = run
            _finish(upload, Status.APPLIED)
        else:
            _finish(upload, Status.REJECTED)
            upload.message = (
                f"Nothing was stored: {len(result.errors)} error(s) "
                "(the files may have changed since the check)."
            )[:500]
    except Exception as exc:
        logger.exception("Import apply failed")
        _finish(upload, Status.FAILED)
        upload.message = f"The import failed and nothing was stored: {type(exc).__name__}"[:500]
    upload.updated_at = clock.now()
    upload.save()
    # The uploaded files held children's records outside the database: once applied (or
    # refused) they are not needed, so they are not kept. The run keeps their names and
    # SHA-256 digests.
    _remove(upload.files)


def _options(upload: ImportUpload) -> dict[str, Any] | None:
    """What the importer is told beyond the files (the 903: the council chosen, and the
    names the person gave the files, from which it reads collection years; the stored
    names are random)."""
    if upload.kind != ImportRun.Kind.SSDA903:
        return None
    chosen = {k: v for k, v in (upload.options or {}).items() if k in ("la", "year")}
    return {**chosen, "file_names": _given_names(upload)}


def upload_choose_council(*, upload: ImportUpload, actor: Any, la: str) -> None:
    """Check a 903 upload again for one of the councils its files hold (when
    COUNCIL_LA_CODE is not set): only that council's children will be imported."""
    with transaction.atomic():
        _claim(
            upload,
            target=Status.CHECKING,
            actor=actor,
            params={"la": la},
            options={**(upload.options or {}), "la": la},
        )
        events.record(
            actor=actor,
            verb="import.council_chosen",
            obj=upload,
            summary=f"Council {la} chosen for a 903 upload",
            data={"la": la},
        )
    upload_check(upload=upload)
