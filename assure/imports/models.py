"""The record of each applied import (and of each import the drop folder refused): who ran
it, when, which files (with their SHA-256), what it changed and every problem it reported."""

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


class ImportUpload(models.Model):
    """Files uploaded on the import page, from the dry run to the applied run. The files are
    kept under MEDIA_ROOT/imports/ with random names; `files` keeps their own names."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=ImportRun.Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_uploads"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    files = models.JSONField(default=list, help_text="[{name, stored, bytes, sha256}]")
    check_result = models.JSONField(
        default=dict, blank=True, help_text="The dry run: counts, problem counts by code, problems"
    )
    problems_file = models.CharField(max_length=200, blank=True)
    skip_invalid_rows = models.BooleanField(default=False)
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    message = models.CharField(max_length=500, blank=True)
    # What the importer was told beyond the files: for the 903, the council whose children
    # to import ({"la": "312"}) when COUNCIL_LA_CODE is not set.
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Upload {self.pk} ({self.kind}, {self.status})"

    @property
    def busy(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)


class ChildCheck(models.Model):
    """A problem about one child that the latest 903 import including the child reported:
    shown on the child's page. A later import of the child replaces them."""

    class Severity(models.TextChoices):
        ERROR = "error", "Error"
        WARNING = "warning", "Warning"

    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="import_checks"
    )
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="child_checks")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    code = models.CharField(max_length=60)
    file = models.CharField(max_length=300, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["child", "id"]
        indexes = [models.Index(fields=["child", "id"], name="child_check_child_idx")]

    def __str__(self) -> str:
        return f"{self.code} for child {self.child_id}"
