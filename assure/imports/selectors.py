"""Reads for the import pages."""

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
