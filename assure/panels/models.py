"""Panels: terms of reference (versioned), members, meetings with attendance, agenda items,
outcomes and minutes.

No workflow logic here (see services.py). A terms-of-reference version that a meeting has
used is never changed: a revision is a new version. Outcomes are never edited: a new outcome
supersedes the current one and the earlier stays as history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class PanelRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"
    LEGAL_ADVISER = "legal_adviser", "Legal adviser"
    INDEPENDENT_MEMBER = "independent_member", "Independent member"


class Recommendation(models.TextChoices):
    SUPPORT = "support", "Support"
    NOT_SUPPORT = "not_support", "Do not support"
    DEFER = "defer", "Defer"


class Panel(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TermsOfReference(models.Model):
    """One version of a panel's terms. The quorum rule is data: which panel roles must be
    present and how many other members besides them."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="terms")
    version = models.PositiveIntegerField()
    purpose = models.TextField()
    quorum_requires_chair = models.BooleanField(default=True)
    quorum_requires_legal_adviser = models.BooleanField(default=True)
    quorum_other_members = models.PositiveSmallIntegerField(
        default=1, help_text="How many members besides the chair and legal adviser must attend."
    )
    required_roles = models.JSONField(
        default=list, help_text="Panel roles the panel must have among its members."
    )
    decisions = models.JSONField(
        default=list, help_text="Decision types (slugs) the panel may recommend on."
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["panel", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "version"], name="unique_terms_version")
        ]

    def __str__(self) -> str:
        return f"{self.panel} terms v{self.version}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Rule 6: a version a meeting has used is frozen; revisions make a new version.
        if self.pk and Meeting.objects.filter(terms_id=self.pk).exists():
            raise ValidationError("These terms have been used by a meeting; make a new version.")
        super().save(*args, **kwargs)

    @property
    def quorum_text(self) -> str:
        parts = []
        if self.quorum_requires_chair:
            parts.append("the chair")
        if self.quorum_requires_legal_adviser:
            parts.append("a legal adviser")
        if self.quorum_other_members:
            parts.append(other_members_words(self.quorum_other_members))
        if not parts:
            return "no quorum"
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"{listed} present"

    @property
    def required_roles_words(self) -> list[str]:
        labels = dict(PanelRole.choices)
        return [labels.get(slug, slug.replace("_", " ")).lower() for slug in self.required_roles]


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def other_members_words(count: int) -> str:
    """ "at least one other member", "at least 12 other members": never "member(s)"."""
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"at least {number} other member{'s' if count != 1 else ''}"


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships"
    )
    panel_role = models.CharField(max_length=30, choices=PanelRole.choices)
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["panel", "panel_role", "user__username"]
        indexes = [models.Index(fields=["user", "panel"], name="panel_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} ({self.panel_role}) on {self.panel}"

    def active_on(self, day) -> bool:  # type: ignore[no-untyped-def]
        return self.from_date <= day and (self.to_date is None or self.to_date >= day)

    @property
    def seat_order(self) -> tuple[int, str, str, str]:
        """Where the seat comes in a list of members: the chair, the legal adviser, then the
        members (independent or not) by surname and first name."""
        rank = {PanelRole.CHAIR: 0, PanelRole.LEGAL_ADVISER: 1}.get(self.panel_role, 2)
        user = self.user
        return (rank, user.last_name.casefold(), user.first_name.casefold(), user.username)


class Meeting(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    terms = models.ForeignKey(TermsOfReference, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="panel_meetings_attended"
    )
    minutes = models.TextField(blank=True)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["panel", "date"], name="meeting_panel_date_idx")]

    def __str__(self) -> str:
        return f"{self.panel} on {self.date}"


class AgendaItem(models.Model):
    """A child brought to a meeting, with a proposal to recommend on or a question."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(
        "decisions.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="panel_items",
    )
    question = models.TextField(blank=True)
    papers = models.JSONField(
        default=list, help_text='Links to papers: [{"title": ..., "url": ...}].'
    )
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "added_at", "id"]
        indexes = [models.Index(fields=["child", "meeting"], name="agenda_child_idx")]

    def __str__(self) -> str:
        return f"Item {self.pk} at {self.meeting}"


class Outcome(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="outcomes")
    recommendation = models.CharField(max_length=20, choices=Recommendation.choices)
    conditions = models.TextField(blank=True)
    actions = models.JSONField(
        default=list, help_text='Actions with owners: [{"action": ..., "owner": ...}].'
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["item", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_current=True), name="one_current_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} for item {self.item_id}"
