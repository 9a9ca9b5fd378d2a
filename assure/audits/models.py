"""Case audits: versioned templates, the grade scale, programmes and strands, audits with
their answers, grades, findings, actions, contributions and escalations.

No workflow logic lives here (see services.py). Grades and answers are never edited in
place: a later record supersedes an earlier one and the earlier one stays as history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Grade(models.Model):
    """One point on the grade scale (Ofsted's four points and "not applicable"). The scale is
    data so the assurance lead can relabel it; slugs are the API's contract."""

    slug = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(help_text="Best first.")
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="4 best to 1 worst; blank for not applicable."
    )
    below_good = models.BooleanField(
        default=False, help_text="An answer at this grade needs a note of evidence."
    )
    tag_colour = models.CharField(max_length=20, default="grey")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.label


class AuditSettings(models.Model):
    """The audit settings as data: one row (pk 1)."""

    recent_closure_days = models.PositiveSmallIntegerField(
        default=90, help_text="A child whose last audit closed this recently is left off the queue."
    )
    moderation_share_percent = models.PositiveSmallIntegerField(
        default=20, help_text="The share of each auditor's submitted audits sampled for moderation."
    )

    class Meta:
        verbose_name_plural = "audit settings"

    def __str__(self) -> str:
        return "Audit settings"


class AuditTemplate(models.Model):
    """One version of an audit tool. A version that an audit has used never changes;
    editing makes the next version."""

    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class TemplateSection(models.Model):
    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="unique_section_position")
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Type(models.TextChoices):
        GRADED = "graded", "Graded"
        YES_NO = "yes_no", "Yes, partly or no"
        TEXT = "text", "Text"

    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(
        max_length=80, help_text="Stays the same across versions, so trends follow the question."
    )
    text = models.CharField(max_length=400)
    type = models.CharField(max_length=10, choices=Type.choices)
    guidance = models.TextField(blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["section__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="unique_question_position")
        ]

    def __str__(self) -> str:
        return self.text


class Theme(models.Model):
    """A theme in the taxonomy findings are tagged with; the assurance lead manages it."""

    slug = models.SlugField(max_length=60, unique=True)
    label = models.CharField(max_length=120)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Mode(models.TextChoices):
    PAPER = "paper", "Paper"
    COLLABORATIVE = "collaborative", "Collaborative"


class Programme(models.Model):
    """An audit programme, such as "SGO assurance, April to July"."""

    name = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_date", "name"]

    def __str__(self) -> str:
        return self.name


class Strand(models.Model):
    """One strand of a programme: which children (a queue tier), how (paper or
    collaborative), with which tool, by whom, by when."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="strands")
    name = models.CharField(max_length=200)
    inclusion_tier = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=(
            "The queue tier (1 to 5), or a further area (6: placed with parents; "
            "7: revocation of the care order planned), this strand audits."
        ),
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.PAPER)
    template_slug = models.SlugField(max_length=60)
    auditors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    due_days = models.PositiveSmallIntegerField(
        default=28, help_text="Days from allocation until an audit is due."
    )

    class Meta:
        ordering = ["programme", "inclusion_tier", "name"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    IN_MODERATION = "in_moderation", "In moderation"
    RETURNED = "returned", "Returned"
    CLOSED = "closed", "Closed"


class FamilyAudit(models.Model):
    """An audit of several children together: siblings in one family, or children who share
    proceedings or a prospective special guardian. The record of each child stays their own
    Audit (`child_audits`); this groups them, so that answers and findings the children share
    are given once and those that differ are given per child."""

    family = models.ForeignKey(
        "families.Family",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_audits",
        help_text="Blank when the children were grouped from the queue without a family record.",
    )
    title = models.CharField(max_length=200)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why these children are audited together."
    )
    template = models.ForeignKey(
        AuditTemplate, on_delete=models.PROTECT, related_name="family_audits"
    )
    mode = models.CharField(max_length=20, choices=Mode.choices)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="family_audits_allocated"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Audit(models.Model):
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="audits")
    family_audit = models.ForeignKey(
        FamilyAudit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_audits",
        help_text="The family audit this child's audit is part of, if any.",
    )
    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="audits")
    mode = models.CharField(max_length=20, choices=Mode.choices)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_allocated"
    )
    strand = models.ForeignKey(
        Strand, null=True, blank=True, on_delete=models.SET_NULL, related_name="audits"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    queue_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sampled_for_moderation = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["child", "status"], name="audit_child_status_idx"),
            models.Index(fields=["auditor", "status"], name="audit_auditor_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Audit {self.pk} of {self.child_id}"


class AuditTransition(models.Model):
    """Every move of an audit between states, with who made it and why."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class Kind(models.TextChoices):
    AUDITOR = "auditor", "Auditor"
    MODERATION = "moderation", "Moderation"


class Answer(models.Model):
    """An answer to one question. A changed answer is a new row; the one it supersedes is
    kept with `is_current` false."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.TextField()
    evidence = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AUDITOR)
    reason = models.TextField(blank=True, help_text="Why a moderator regraded.")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    shared = models.BooleanField(
        default=False,
        help_text="Given once in a family audit for every child in it, rather than per child.",
    )

    class Meta:
        ordering = ["audit", "question", "given_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "question"],
                condition=Q(is_current=True),
                name="one_current_answer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value[:40]}"


class OverallGrade(models.Model):
    """The audit's overall grade. A moderator's regrade is a new row that supersedes."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="overall_grades")
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AUDITOR)
    reason = models.TextField(blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["audit", "given_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit"], condition=Q(is_current=True), name="one_current_overall_grade"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grade_id} ({self.kind})"


class Finding(models.Model):
    class Type(models.TextChoices):
        STRENGTH = "strength", "Strength"
        AREA_FOR_DEVELOPMENT = "area_for_development", "Area for development"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="findings")
    type = models.CharField(max_length=30, choices=Type.choices)
    text = models.TextField()
    themes = models.ManyToManyField(Theme, blank=True, related_name="findings")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    shared_key = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "The same on each child's copy of a finding a family audit shares between its "
            "children; blank for a finding about one child."
        ),
    )

    class Meta:
        ordering = ["audit", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class CaseAction(models.Model):
    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class ActionStatus(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_actions"
    )
    due_date = models.DateField()
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    evidence_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="action_owner_idx")]

    def __str__(self) -> str:
        return self.description[:60]


class Contribution(models.Model):
    """A collaborative audit's record of who took part: the practitioner's reflection, the
    manager's view, and the learning agreed."""

    class Type(models.TextChoices):
        REFLECTION = "reflection", "Reflection"
        LEARNING = "learning", "Learning"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="contributions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=20, choices=Type.choices)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["audit", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.type} by {self.author_id}"


class ActionAgreement(models.Model):
    """One person's agreement to a case action: in a collaborative audit the practitioner
    and their manager agree the actions with the auditor, and the record keeps who did."""

    action = models.ForeignKey(CaseAction, on_delete=models.CASCADE, related_name="agreements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "user"], name="unique_action_agreement")
        ]

    def __str__(self) -> str:
        return f"{self.user} agreed action {self.action_id}"


class Escalation(models.Model):
    """ "This child may be unsafe now", raised from an audit."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="escalations")
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="escalations"
    )
    concern = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    acknowledge_by = models.DateTimeField(help_text="One working day after it was raised.")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True, help_text="What was done.")

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"Escalation {self.pk} for {self.child_id}"


class Notification(models.Model):
    """A message in the product for one person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audit_notifications"
    )
    escalation = models.ForeignKey(
        Escalation, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text
