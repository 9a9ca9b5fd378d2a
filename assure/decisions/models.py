"""The scheme of delegation (versioned data), proposals and their sign-off decisions.

No workflow logic here (see services.py and the transition table in workflow.py). A scheme
version a proposal has used never changes: edits make a new version. Decisions are never
edited: each is a row, and a restarted chain leaves the earlier ones as history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from assure.children.codes import PermanencePlanType


class Gate(models.TextChoices):
    AUDIT = "audit", "A recent audit, not graded inadequate"
    PANEL = "panel", "A panel's support"


class DecisionType(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    """One version of the scheme for one decision type: who approves, in what order, what
    must be checked and which gates must hold before the last approval."""

    decision_type = models.ForeignKey(
        DecisionType, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField()
    chain = models.JSONField(help_text="Approver roles in order, e.g. team_manager first.")
    checklist = models.JSONField(
        default=list, help_text='Due-diligence items: [{"key": ..., "label": ...}].'
    )
    gates = models.JSONField(default=list, help_text="Gate slugs: audit, panel.")
    audit_within_days = models.PositiveSmallIntegerField(default=90)
    gate_panels = models.JSONField(
        default=list, help_text="Panels (slugs) whose support meets the panel gate."
    )
    sets_plan = models.CharField(
        max_length=30,
        choices=PermanencePlanType.choices,
        blank=True,
        help_text="The permanence plan an approval sets, if any.",
    )
    rationale = models.TextField(blank=True, help_text="Why the scheme is set this way.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decision_type", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_type", "version"], name="unique_scheme_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_type.slug} v{self.version}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Rule 6: a version a proposal has used is frozen.
        if self.pk and Proposal.objects.filter(scheme_id=self.pk).exists():
            raise ValidationError("This scheme version has been used; make a new version.")
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    RETURNED = "returned", "Returned"


class Proposal(models.Model):
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="proposals")
    scheme = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="proposals")
    proposed_plan = models.TextField()
    rationale = models.TextField()
    checklist = models.JSONField(default=dict, help_text="Checklist key -> what was checked.")
    documents = models.JSONField(
        default=list, help_text='Links to the case-management system: [{"title", "url"}].'
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    round = models.PositiveIntegerField(
        default=1, help_text="Which run of the chain; a restart begins the next round."
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals"
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["child", "status"], name="proposal_child_status_idx")]

    def __str__(self) -> str:
        return f"Proposal {self.pk}: {self.scheme.decision_type.slug} for {self.child_id}"


class Decision(models.Model):
    """One approver's decision at one step of one round of the chain."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Approved"
        RETURN = "return", "Returned"
        REJECT = "reject", "Rejected"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="decisions")
    round = models.PositiveIntegerField()
    step = models.PositiveSmallIntegerField(help_text="Index in the chain, from 0.")
    role = models.CharField(max_length=40)
    decision = models.CharField(max_length=20, choices=Kind.choices)
    comment = models.TextField(blank=True)
    # A last approval given with due-diligence items not recorded: which (their labels, as
    # the scheme named them then) and the approver's reason for going ahead without them.
    unrecorded_checks = models.JSONField(default=list, blank=True)
    unrecorded_reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["proposal", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "round", "step"], name="one_decision_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} at step {self.step} by {self.by_id}"
