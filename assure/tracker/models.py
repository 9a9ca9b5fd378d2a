"""The tracker's configuration as data (ARCHITECTURE rule 6): versioned rule sets and each
user's saved views.

A rule set version is never changed once written: the assurance lead's edits create a new
version, and the tracker always uses the latest. Every version is treated as used, because
the tracker reads it the moment it is the latest, so none may be edited in place.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class RuleSet(models.Model):
    version = models.PositiveIntegerField(unique=True)
    plo_overdue_days = models.PositiveSmallIntegerField(
        "days after issue when proceedings are overdue", default=182
    )
    plo_warning_days = models.PositiveSmallIntegerField(
        "days after issue when proceedings need attention (week 20)", default=140
    )
    plan_amber_months = models.PositiveSmallIntegerField(
        "months in care without a permanence plan before an amber flag", default=4
    )
    plan_red_months = models.PositiveSmallIntegerField(
        "months in care without a permanence plan before a red flag", default=6
    )
    sgo_assessment_weeks = models.PositiveSmallIntegerField(
        "weeks before a final hearing by which a full SGO assessment must have started",
        default=12,
    )
    sgo_support_plan_weeks = models.PositiveSmallIntegerField(
        "weeks before a final hearing by which an SGO support plan must be agreed", default=4
    )
    stale_days = models.PositiveSmallIntegerField(
        "days without an update before a record is stale", default=90
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Tracker rules version {self.version}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and RuleSet.objects.filter(pk=self.pk).exists():
            raise ValidationError("A rule set version is never changed: create a new version.")
        super().save(*args, **kwargs)


class SavedView(models.Model):
    """A named tracker view (its filters, sort and as-at date as a query string)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracker_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_tracker_view_name")
        ]

    def __str__(self) -> str:
        return self.name
