"""The record of each applied import: who ran it, when, which files (with their SHA-256),
what it changed and every problem it reported."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        SSDA903 = "ssda903", "SSDA903 return"
        ANNEX_A = "annex_a", "Ofsted Annex A"
        EXTRACT = "extract", "Case-management extract"

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        DRY_RUN = "dry_run", "Dry run"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_runs",
        help_text="Blank when run from the command line.",
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    options = models.JSONField(default=dict, blank=True)
    files = models.JSONField(
        default=list, blank=True, help_text="[{path, table, rows, bytes, sha256}]"
    )
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(
        default=dict, blank=True, help_text='{"errors": [...], "warnings": [...]} (capped)'
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["kind", "-started_at"], name="import_run_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.pk} ({self.status})"
