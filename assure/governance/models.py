"""Data protection: retention rules (versioned configuration), legal holds on a child's
record, and proposals to delete records past their retention period.

No workflow logic lives here (see workflow.py and services.py). A retention rule version is
never changed once written: a change is a new version, and the latest of each kind applies.
A deletion proposal outlives what it deleted: it keeps who proposed, approved and carried
it out, and how many rows of each kind went, never the deleted records themselves.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """The kinds of record a retention rule governs (retention.KINDS says what each counts
    its period from, and what the law requires at least)."""

    LOOKED_AFTER_CHILD = "looked_after_child", "A looked-after child's record"
    ADOPTED_CHILD = "adopted_child", "An adopted child's record"
    OTHER_CHILD = "other_child", "The record of a child never looked after"
    ACCESS_LOG = "access_log", "The access log"
    IMPORT_RUN = "import_run", "Import records"


class RetentionRule(models.Model):
    """One version of the rule for one kind of record: how long it is kept, and why."""

    kind = models.CharField(max_length=30, choices=Kind.choices)
    version = models.PositiveIntegerField()
    years = models.PositiveSmallIntegerField(help_text="How many years the record is kept.")
    years_after_death = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="A looked-after child who dies before 18: years from the date of death.",
    )
    set_by_law = models.BooleanField(
        help_text="The period is the law's (a council may keep longer, never shorter); "
        "otherwise it is the council's own choice."
    )
    source = models.TextField(help_text="The law, or the council's reason, for the period.")
    source_url = models.URLField(blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="Why this version was made.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_retention_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (version {self.version})"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Rule 6: a version is never changed; a change is a new version.
        if self.pk is not None and RetentionRule.objects.filter(pk=self.pk).exists():
            raise ValidationError("A retention rule version is never changed: make a new one.")
        super().save(*args, **kwargs)


class LegalHold(models.Model):
    """A hold on a child's record (litigation, an inquiry, a complaint, a subject access
    request in progress): while it stands, nothing of the record may be deleted. Lifted, never
    deleted, while the child's record exists."""

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["child", "lifted_at"], name="legal_hold_child_idx")]

    def __str__(self) -> str:
        return f"Legal hold {self.pk} on {self.child_id}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


# A proposal's records counted in words: the kind's noun for one record and for many.
KIND_NOUNS = {
    Kind.LOOKED_AFTER_CHILD: ("looked-after child's record", "looked-after children's records"),
    Kind.ADOPTED_CHILD: ("adopted child's record", "adopted children's records"),
    Kind.OTHER_CHILD: (
        "record of a child never looked after",
        "records of children never looked after",
    ),
    Kind.ACCESS_LOG: ("access log entry", "access log entries"),
    Kind.IMPORT_RUN: ("import record", "import records"),
}


class DeletionProposal(models.Model):
    """Records past their retention period, proposed for deletion: one kind of record under
    one rule version. For children, `items` name them until the deletion is carried out;
    for the access log and import records, everything before `cutoff`."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        DELETED = "deleted", "Deleted"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="proposals")
    as_of = models.DateField(help_text="The day the records were past their retention period.")
    cutoff = models.DateTimeField(
        null=True, blank=True, help_text="The access log and import records: those before this."
    )
    count = models.PositiveIntegerField(help_text="How many records (children, entries, runs).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    note = models.TextField(blank=True, help_text="The proposer's note.")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the deletion removed: rows deleted, pseudonymised and unlinked, by "
        "kind of row. Never a child's ID or any deleted value.",
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"], name="deletion_status_idx")]

    def __str__(self) -> str:
        return f"Deletion proposal {self.pk} ({self.get_kind_display()}, {self.status})"

    @property
    def records_in_words(self) -> str:
        """ "3 import records", "1 adopted child's record"."""
        one, many = KIND_NOUNS[Kind(self.kind)]
        return f"{self.count} {one if self.count == 1 else many}"

    @property
    def title(self) -> str:
        """What the proposal is, as people name it; its number is the `reference`."""
        on = timezone.localtime(self.proposed_at)
        return (
            f"Deletion of {self.records_in_words} past retention, proposed "
            f"{on.day} {on:%B %Y} by {self.proposed_by.display_name}"
        )

    @property
    def reference(self) -> str:
        return f"Proposal {self.pk}"


class DeletionItem(models.Model):
    """One child a proposal would delete, with the day their record's period ended. The item
    goes with the child: afterwards the proposal keeps only the counts."""

    proposal = models.ForeignKey(DeletionProposal, on_delete=models.CASCADE, related_name="items")
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="+")
    due = models.DateField(help_text="The day the record's retention period ended.")

    class Meta:
        ordering = ["proposal", "child_id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "child"], name="unique_deletion_item")
        ]
        indexes = [models.Index(fields=["child"], name="deletion_item_child_idx")]

    def __str__(self) -> str:
        return f"Child {self.child_id} in deletion proposal {self.proposal_id}"
