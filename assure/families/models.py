"""Families (sibling groups) and practice reviews of a family.

A family is the council's "Family identifier" (Ofsted Annex A, case-management extracts) with
the children linked to it. A child may belong to several families (half-siblings).
"""

from django.conf import settings
from django.db import models


class Family(models.Model):
    family_id = models.CharField(
        "family identifier",
        max_length=50,
        unique=True,
        help_text="The council's own family identifier (Annex A \u201cFamily identifier\u201d).",
    )
    name = models.CharField("display name", max_length=120, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["family_id"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.family_id

    @property
    def display_name(self) -> str:
        return self.name or f"Family {self.family_id}"


class Relationship(models.TextChoices):
    CHILD = "child", "Child"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half-sibling", "Half-sibling"
    STEP_SIBLING = "step-sibling", "Step-sibling"
    OTHER = "other", "Other"


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="family_memberships"
    )
    relationship_to_family = models.CharField(
        max_length=20, choices=Relationship.choices, default=Relationship.CHILD
    )
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["family", "child__child_id"]
        constraints = [
            models.UniqueConstraint(fields=["family", "child"], name="unique_family_member")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} in {self.family_id}"


class PracticeReview(models.Model):
    """A review of the historic and recent practice with a family: its scope (period and
    children), reviewers, annotated chronology, conclusions and recommendations."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        CONCLUDED = "concluded", "Concluded"

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="practice_reviews")
    title = models.CharField(max_length=200)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    children = models.ManyToManyField("children.Child", related_name="practice_reviews")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="practice_reviews")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    conclusions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Annotation(models.Model):
    """A reviewer's note on one chronology event. The event is identified by its key and a
    snapshot of what it said, so the note survives a later re-import of the record."""

    class Category(models.TextChoices):
        SIGNIFICANT_EVENT = "significant_event", "Significant event"
        MISSED_OPPORTUNITY = "missed_opportunity", "Missed opportunity"
        GOOD_PRACTICE = "good_practice", "Good practice"

    review = models.ForeignKey(PracticeReview, on_delete=models.CASCADE, related_name="annotations")
    event_key = models.CharField(max_length=120)
    event_date = models.DateField()
    event_kind = models.CharField(max_length=40)
    event_summary = models.CharField(max_length=300)
    # The children the event concerns: the note is shown only to people who may see them all.
    children = models.ManyToManyField("children.Child", related_name="+")
    category = models.CharField(max_length=30, choices=Category.choices)
    commentary = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["event_date", "created_at", "id"]
        indexes = [models.Index(fields=["review", "event_key"], name="annotation_event_idx")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.event_date}"


class Recommendation(models.Model):
    review = models.ForeignKey(
        PracticeReview, on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField()
    # The reviewer's choice of themes (the audits' taxonomy): the recommendation's evidence
    # item in insights carries them, for triangulation.
    themes = models.ManyToManyField("audits.Theme", blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
