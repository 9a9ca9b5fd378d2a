"""Reads for the import pages."""

from typing import Any

from django.db.models import QuerySet

from .models import ImportRun, ImportUpload


def runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("actor").order_by("-started_at", "-id")


def run_get(*, run_id: int) -> ImportRun:
    return ImportRun.objects.select_related("actor").get(pk=run_id)


def uploads_recent(*, limit: int = 10) -> QuerySet[ImportUpload]:
    return ImportUpload.objects.select_related("actor", "run").order_by("-created_at", "-id")[
        :limit
    ]


def upload_get(*, upload_id: int) -> ImportUpload:
    return ImportUpload.objects.select_related("actor", "run").get(pk=upload_id)


def automatic_runs(*, limit: int = 10) -> list[ImportRun]:
    """The latest runs of the drop folder (applied and refused), newest first."""
    return list(
        ImportRun.objects.filter(options__via="drop_folder").order_by("-started_at", "-id")[:limit]
    )


def automatic_runs_needing_attention() -> list[ImportRun]:
    """Refused automatic runs nobody has marked as dealt with yet, newest first."""
    return list(
        ImportRun.objects.filter(options__via="drop_folder", status=ImportRun.Status.REJECTED)
        .exclude(options__has_key="dealt_with")
        .order_by("-started_at", "-id")
    )


def run_email(*, run: ImportRun) -> Any:
    """The email that told the performance officers about an automatic run, if one went."""
    from assure.core.models import Email

    pk = (run.options or {}).get("email")
    return Email.objects.filter(pk=pk).first() if pk else None


def care_records_imported() -> bool:
    """Whether any applied import has brought care records (a 903 return or an Annex A
    workbook): then the records are only as current as the files were."""
    return ImportRun.objects.filter(
        status=ImportRun.Status.APPLIED,
        kind__in=[ImportRun.Kind.SSDA903, ImportRun.Kind.ANNEX_A],
    ).exists()
