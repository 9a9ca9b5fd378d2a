"""Learning from the evidence: evidence items (audit findings flow in from assure.audits
without being copied), recommendations with the director's decision, and one response plan
with work streams, actions and dated progress updates. Themes are the audits' taxonomy
(assure.audits.models.Theme), managed by the assurance lead on the audit settings page."""

from django.conf import settings
from django.db import models


class Source(models.TextChoices):
    AUDIT_FINDING = "audit_finding", "Audit finding"
    OTHER_AUDIT = "other_audit", "Other audit"
    DIAGNOSTIC = "diagnostic", "Diagnostic finding"
    IRO_ESCALATION = "iro_escalation", "IRO escalation"
    COMPLAINT = "complaint", "Complaint"
    PERFORMANCE_INDICATOR = "performance_indicator", "Performance indicator"
    PRACTICE_OBSERVATION = "practice_observation", "Practice observation"
    PANEL_OBSERVATION = "panel_observation", "Panel observation"
    PRACTICE_REVIEW = "practice_review", "Practice review"


# Sources that flow in from other apps rather than being entered or imported here.
FLOWING_SOURCES = frozenset({Source.AUDIT_FINDING, Source.PRACTICE_REVIEW})


class Kind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA_FOR_DEVELOPMENT = "area_for_development", "Area for development"


class EvidenceItem(models.Model):
    """One piece of quality-assurance evidence entered or imported here. Audit findings are
    not stored here: they are read from the audits app as they are. A concluded practice
    review of a family (assure.families) writes its conclusions and each of its
    recommendations here (source "practice review"), linked back so that concluding again
    updates them instead of adding more."""

    source = models.CharField(
        max_length=30, choices=[c for c in Source.choices if c[0] != Source.AUDIT_FINDING]
    )
    date = models.DateField()
    kind = models.CharField("strength or area for development", max_length=30, choices=Kind.choices)
    themes = models.ManyToManyField("audits.Theme", blank=True, related_name="evidence_items")
    summary = models.TextField()
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=100, blank=True)
    # For source "practice review": the review, and the review's recommendation this item is
    # (none for the item holding the review's conclusions).
    practice_review = models.ForeignKey(
        "families.PracticeReview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_items",
    )
    review_recommendation = models.OneToOneField(
        "families.Recommendation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_item",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["source", "date"], name="evidence_source_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["practice_review"],
                condition=models.Q(
                    practice_review__isnull=False, review_recommendation__isnull=True
                ),
                name="one_conclusions_item_per_review",
            )
        ]

    def __str__(self) -> str:
        return self.summary[:60]


class Recommendation(models.Model):
    class Decision(models.TextChoices):
        PROPOSED = "proposed", "Awaiting the director's decision"
        ACCEPTED = "accepted", "Accepted"
        NOT_ACCEPTED = "not_accepted", "Not accepted"

    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    evidence = models.ManyToManyField(EvidenceItem, blank=True, related_name="recommendations")
    findings = models.ManyToManyField("audits.Finding", blank=True, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices, default="proposed")
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    # A duplicate of another recommendation (the same thing said from another source) is
    # merged into it, never deleted: it stays readable and points to the one kept.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class WorkStream(models.Model):
    """A work stream of the one response plan."""

    name = models.CharField(max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    lead = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class PlanAction(models.Model):
    work_stream = models.ForeignKey(WorkStream, on_delete=models.PROTECT, related_name="actions")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner = models.CharField(max_length=120)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default="not_started")
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, default="green")
    evidence_of_impact = models.TextField(blank=True)
    other_programme = models.CharField("linked improvement programme", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"], name="plan_action_due_idx")]

    def __str__(self) -> str:
        return self.description[:60]


class ProgressUpdate(models.Model):
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField()
    text = models.TextField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:60]}"


class InsightsSettings(models.Model):
    """One row: the date the work to reduce the number of looked-after children began. The
    exits charts and the reports recalculate their limits from it unless asked otherwise."""

    programme_start = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "insights settings"

    def __str__(self) -> str:
        return f"Programme start {self.programme_start or 'not set'}"

    @classmethod
    def current(cls) -> "InsightsSettings":
        """The settings as stored, or unsaved defaults: reading never writes."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class LimitRebase(models.Model):
    """A change in a measure's process recorded by the assurance lead, from which its SPC
    limits may be worked out afresh (Making Data Count's "rebase"). A record is a request,
    not a decision on its own: the chart applies it only when the data confirm a shift from
    that point and at least 12 points follow (spc.py). Never edited: a mistaken record is
    withdrawn, and stays readable."""

    measure = models.CharField(max_length=40)
    start = models.DateField("first month of the new phase")
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["measure", "start", "id"]

    def __str__(self) -> str:
        return f"{self.measure} from {self.start}"


class MeasureTarget(models.Model):
    """The council's target for a measure that has a better direction (Making Data Count's
    assurance: will the process meet it?). In the measure's own unit: a count a month, or a
    percentage. One per measure; a change replaces it, and each change is a domain event."""

    measure = models.CharField(max_length=40, unique=True)
    value = models.DecimalField(max_digits=7, decimal_places=2)
    reason = models.TextField("where the target comes from")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["measure"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value_text}"

    @property
    def value_text(self) -> str:
        """The target as a person wrote it: 6, not 6.00."""
        return format(self.value.normalize(), "f")
