"""The drop folder's runs in the import history (applied, or refused with every problem),
telling the performance officers about them, and marking a refusal as dealt with."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from assure.core import access, clock, events
from assure.core.errors import NotNow
from assure.core.mail import email_queue

from ..framework import APPLIED, REJECTED, ImportResult
from ..models import ImportRun
from .files import Candidate

VIA = "drop_folder"
PROBLEMS_KEPT = 5000
EMAILED_PROBLEMS = 20


def _file_records(files: list[Candidate]) -> list[dict[str, Any]]:
    return [{"path": c.path.name, "bytes": c.size, "sha256": c.sha256} for c in files]


def _rename(files: list[Candidate]):  # type: ignore[no-untyped-def]
    """Full paths in messages -> the files' names (the folder is the operator's business)."""
    pairs = [(str(c.path), c.path.name) for c in files]

    def rename(text: str) -> str:
        for full, name in pairs:
            text = text.replace(full, name)
        return text

    return rename


def mark_applied(run_id: int, files: list[Candidate]) -> ImportRun:
    run = ImportRun.objects.get(pk=run_id)
    rename = _rename(files)
    run.files = [{**f, "path": rename(f["path"])} for f in run.files]
    run.problems = {
        kind: [{**p, "file": rename(p["file"]), "message": rename(p["message"])} for p in items]
        for kind, items in (run.problems or {}).items()
    }
    run.options = {**run.options, "via": VIA}
    run.save(update_fields=["files", "problems", "options"])
    return run


def record_result(
    kind: str, files: list[Candidate], result: ImportResult, started: Any
) -> ImportRun:
    """A refused import, as a run of the history with every problem (capped as applied
    runs' are)."""
    rename = _rename(files)

    def kept(problems: list[Any]) -> list[dict[str, Any]]:
        return [
            {**p.as_dict(), "file": rename(p.file), "message": rename(p.message)}
            for p in problems[:PROBLEMS_KEPT]
        ]

    errors = len(result.errors)
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            status=REJECTED,
            actor=None,
            started_at=started,
            finished_at=clock.now(),
            options={"via": VIA},
            files=[
                {**record, "table": table}
                for record, table in zip(_file_records(files), _tables(result, files), strict=True)
            ],
            counts={
                "children": result.children,
                "episodes_loaded": 0,
                "rows_read": result.rows_read,
                "rows_rejected": result.rows_rejected,
                "errors": errors,
                "warnings": len(result.warnings),
                "changes": {},
            },
            problems={"errors": kept(result.errors), "warnings": kept(result.warnings)},
        )
        events.record(
            actor=None,
            verb="import.refused",
            obj=run,
            summary=f"{run.get_kind_display()} import from the drop folder refused: "
            f"{errors} error(s)",
        )
    return run


def _tables(result: ImportResult, files: list[Candidate]) -> list[str]:
    """What each file was recognised as (the first of its sheets or tables)."""
    found: dict[str, str] = {}
    for summary in result.files:
        for candidate in files:
            if summary.path.startswith(str(candidate.path)) and summary.table:
                found.setdefault(candidate.path.name, summary.table)
    return [found.get(c.path.name, "") for c in files]


def record_refusal(
    *,
    kind: str,
    files: list[Candidate],
    code: str,
    reason: str,
    extra: dict[str, Any] | None = None,
) -> ImportRun:
    now = clock.now()
    problem = {"file": ", ".join(c.path.name for c in files), "row": None, "column": ""}
    problem |= {"value": "", "code": code, "message": reason}
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            status=REJECTED,
            actor=None,
            started_at=now,
            finished_at=now,
            options={"via": VIA, "reason": reason, **(extra or {})},
            files=[{**record, "table": ""} for record in _file_records(files)],
            counts={"errors": 1, "warnings": 0, "rows_read": 0, "rows_rejected": 0},
            problems={"errors": [problem], "warnings": []},
        )
        events.record(actor=None, verb="import.refused", obj=run, summary=reason)
    return run


# Telling people ------------------------------------------------------------------------------


def recipients() -> list[Any]:
    """Who is told of an automatic import: the permission table's `told_of_automatic_imports`."""
    return list(access.holders("told_of_automatic_imports").exclude(email="").order_by("username"))


def describe(run: ImportRun) -> str:
    """One line about an automatic run, for the page and the email."""
    names = ", ".join(f["path"] for f in run.files)
    if run.status == APPLIED:
        counts = run.counts or {}
        return (
            f"Applied {names}: {counts.get('rows_read', 0):,} rows read, "
            f"{counts.get('episodes_loaded', 0):,} records stored, "
            f"{counts.get('warnings', 0):,} warning(s)."
        )
    reason = (run.options or {}).get("reason")
    if reason:
        return f"Refused {names}: {reason}"
    errors = (run.counts or {}).get("errors", 0)
    return f"Refused {names}: {errors:,} error(s); nothing was stored."


def notify(run: ImportRun) -> None:
    """Email the performance officers, through the product's mail (core.mail): the email is
    a row sent by the task worker and retried while the mail server is down, so a mail
    server that is down never undoes an import. The run names the email."""
    addresses = [person.email for person in recipients()]
    applied = run.status == APPLIED
    subject = (
        f"Assure: {run.get_kind_display()} import {'applied' if applied else 'refused'} "
        f"(run {run.pk})"
    )
    lines = [describe(run), ""]
    if not applied:
        problems = (run.problems or {}).get("errors", [])[:EMAILED_PROBLEMS]
        if problems:
            lines.append("The first problems:")
            lines += [
                f"- {p['file']}, row {p['row'] or '-'}, {p['column'] or '-'}: {p['message']}"
                for p in problems
            ]
            lines.append("")
        lines.append(
            "Nothing from these files was stored. They are in the drop folder's refused/ "
            "folder: fix them and drop them again."
        )
    lines.append(f"Every detail is in Assure: Imports, import run {run.pk}.")
    with transaction.atomic():
        email = email_queue(
            to=addresses, subject=subject, body="\n".join(lines), reason="automatic import"
        )
        if email is not None:
            run.options = {**run.options, "email": email.pk, "emailed": len(email.to)}
            run.save(update_fields=["options"])


def dealt_with(*, run: ImportRun, actor: Any) -> ImportRun:
    """A performance officer has looked at a refused automatic run: it leaves the notices."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if (run.options or {}).get("via") != VIA or run.status == APPLIED:
            raise NotNow("Only a refused automatic import is marked as dealt with.")
        if "dealt_with" in run.options:
            return run
        run.options = {
            **run.options,
            "dealt_with": {"by": actor.display_name, "at": clock.now().isoformat()},
        }
        run.save(update_fields=["options"])
        events.record(actor=actor, verb="import.refusal_dealt_with", obj=run)
    return run


def when(run: ImportRun) -> str:
    moment = run.finished_at
    return f"{moment:%d %B %Y %H:%M}" if moment else "earlier"
