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
    plo_warning_days = models.PositiveSmallIntegerField(
        "days after issue from which proceedings need attention (day 133 is the first of week 20)",
        default=133,
    )
    plan_warning_weeks = models.PositiveSmallIntegerField(
        "weeks before the second looked-after review from which a missing permanence plan is "
        "flagged",
        default=4,
    )
    sgo_assessment_weeks = models.PositiveSmallIntegerField(
        "weeks before a final hearing by which a full SGO assessment of the planned carer must "
        "be under way",
        default=12,
    )
    sgo_report_weeks = models.PositiveSmallIntegerField(
        "weeks before a final hearing by which the full SGO assessment must be complete",
        default=4,
    )
    sgo_support_plan_weeks = models.PositiveSmallIntegerField(
        "weeks before a final hearing by which an SGO support plan must be agreed", default=4
    )
    sgo_final_hearing_week = models.PositiveSmallIntegerField(
        "week of proceedings from which an SGO plan with no final hearing listed is flagged",
        default=25,
    )
    stale_days = models.PositiveSmallIntegerField(
        "days without an update before a record is stale", default=90
    )
    # Thresholds of earlier versions: the 26-week limit is now the statute's (Children Act
    # 1989 s32) and the permanence plan is flagged against the second review, so these are
    # kept only as the record of what those versions said.
    plo_overdue_days = models.PositiveSmallIntegerField(
        "days after issue when proceedings were overdue (earlier versions)", null=True, blank=True
    )
    plan_amber_months = models.PositiveSmallIntegerField(
        "months in care without a permanence plan before an amber flag (earlier versions)",
        null=True,
        blank=True,
    )
    plan_red_months = models.PositiveSmallIntegerField(
        "months in care without a permanence plan before a red flag (earlier versions)",
        null=True,
        blank=True,
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
    """A named tracker view: its filters, sort and as-at date as a query string, and the
    optional columns it shows (`columns.OPTIONAL` keys, in the table's order)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracker_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    columns = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_tracker_view_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def link_query(self) -> str:
        """The view's query string with its columns, for a link that opens it."""
        from .columns import as_query

        return "&".join(part for part in (self.query, as_query(self.columns)) if part)


class Snapshot(models.Model):
    """The tracker worked out for one date under one rule set version: a row per child on
    it, with what the page filters, counts and sorts by, so that those happen in the
    database and only a page's rows are built in full. Kept up to date from the care log
    (`children.ChangedChild`): `log_id` is the newest entry already applied. A cache: any
    snapshot may be deleted at any time and is rebuilt when next asked for."""

    on = models.DateField()
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="+")
    log_id = models.BigIntegerField(default=0)
    built_at = models.DateTimeField()
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["on", "rule_set"], name="unique_tracker_snapshot")
        ]

    def __str__(self) -> str:
        return f"Tracker at {self.on} (rules version {self.rule_set_id})"


class SnapshotRow(models.Model):
    """One child on the tracker at the snapshot's date (see `snapshot.py` for each field)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="rows")
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    looked_after = models.BooleanField()
    rag = models.PositiveSmallIntegerField()  # 0 green, 1 amber, 2 red
    flags = models.BigIntegerField(default=0)  # rules.FLAG_BITS
    age = models.PositiveSmallIntegerField(null=True)
    period_start = models.DateField()
    ceased_date = models.DateField(null=True)
    legal_status = models.CharField(max_length=2, blank=True)
    plan = models.CharField(max_length=30, blank=True)
    proceedings_open = models.BooleanField(default=False)
    proceedings_week = models.PositiveSmallIntegerField(null=True)
    next_hearing = models.DateField(null=True)
    next_review = models.DateField(null=True)
    sgo_stage = models.PositiveSmallIntegerField(null=True)
    sgo_stage_date = models.DateField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "child"], name="unique_snapshot_child")
        ]
        indexes = [
            models.Index(fields=["snapshot", "sgo_stage"], name="snapshot_sgo_stage_idx"),
            models.Index(fields=["child"], name="snapshot_child_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} on {self.snapshot_id}"
