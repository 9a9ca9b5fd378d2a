"""The child record: one row per child, with episodes of care, reviews, previous permanence,
proceedings and hearings, permanence plans, SGO assessments and support plans.

903 fields keep the return's codes as they are; `codes.py` gives their meaning.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from . import codes


class Child(models.Model):
    child_id = models.CharField(
        "child ID", max_length=50, unique=True, help_text="The council's own ID for the child."
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=codes.Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=codes.Ethnicity.choices, blank=True)
    upn = models.CharField("UPN", max_length=13, blank=True)
    uasc = models.BooleanField("unaccompanied asylum-seeking child", default=False)
    uasc_ceased_date = models.DateField("date UASC status ceased", null=True, blank=True)
    disability = models.CharField(max_length=200, blank=True)
    is_mother = models.BooleanField(null=True, blank=True)
    mother_child_dob = models.DateField(
        "date of birth of the child's own child", null=True, blank=True
    )
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    worker = models.ForeignKey(
        "people.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocated_children",
    )
    iro = models.ForeignKey(
        "people.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_children",
        verbose_name="IRO",
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Only people on the access list and the assurance lead may see this child.",
    )
    access_list = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ChildAccess", blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["child_id"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["team", "child_id"], name="child_team_idx"),
            models.Index(fields=["last_name", "first_name"], name="child_name_idx"),
        ]

    def __str__(self) -> str:
        return self.child_id

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or f"Child {self.child_id}"


class ChildAccess(models.Model):
    """A named person allowed to see a restricted child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "user"], name="unique_child_access")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} may see {self.child_id}"


class Episode(models.Model):
    """A period with one legal status and one placement (903 Episodes table)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episodes")
    start_date = models.DateField("DECOM")
    reason_new_episode = models.CharField(
        "RNE", max_length=1, choices=codes.ReasonNewEpisode.choices, blank=True
    )
    legal_status = models.CharField(
        "LS", max_length=2, choices=codes.LegalStatus.choices, blank=True
    )
    category_of_need = models.CharField(
        "CIN", max_length=2, choices=codes.CategoryOfNeed.choices, blank=True
    )
    placement_type = models.CharField(
        "PLACE", max_length=3, choices=codes.PlacementType.choices, blank=True
    )
    placement_provider = models.CharField(
        "PLACE_PROVIDER", max_length=3, choices=codes.PlacementProvider.choices, blank=True
    )
    end_date = models.DateField("DEC", null=True, blank=True)
    reason_ceased = models.CharField(
        "REC", max_length=3, choices=codes.ReasonCeased.choices, blank=True
    )
    reason_place_change = models.CharField(
        "REASON_PLACE_CHANGE", max_length=6, choices=codes.ReasonPlaceChange.choices, blank=True
    )
    home_postcode = models.CharField("HOME_POST", max_length=10, blank=True)
    placement_postcode = models.CharField("PL_POST", max_length=10, blank=True)
    urn = models.CharField("URN", max_length=10, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="unique_episode_start"),
        ]
        indexes = [
            models.Index(fields=["end_date"], name="episode_end_idx"),
            models.Index(fields=["reason_ceased", "end_date"], name="episode_exit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} from {self.start_date}"


class Review(models.Model):
    """A looked-after review (903 Reviews table)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="reviews")
    review_date = models.DateField()
    review_code = models.CharField(max_length=3, choices=codes.ReviewCode.choices, blank=True)
    earlier_not_known = models.BooleanField(
        "reviews before it not known",
        default=False,
        db_default=False,  # rows written by other means (the 903, raw SQL) are complete reviews
        help_text="Recorded from Ofsted Annex A, which gives only the latest review: the "
        "reviews before it are not known (see children.care.reviews).",
    )

    class Meta:
        ordering = ["child", "review_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "review_date"], name="unique_review_date")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} review on {self.review_date}"


class PreviousPermanenceRecord(models.Model):
    """Permanence before the child's latest period of care (903 PrevPerm table). A child
    entering care with P2 had an SGO that broke down."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="previous_permanence")
    previous_permanence = models.CharField(max_length=2, choices=codes.PreviousPermanence.choices)
    la_of_permanence = models.CharField("LA of the previous order", max_length=10, blank=True)
    date_of_permanence = models.CharField(
        max_length=10, blank=True, help_text="As returned: parts may be unknown (zz/zz/2015)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "previous_permanence", "date_of_permanence"],
                name="unique_previous_permanence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.previous_permanence}"


class Proceedings(models.Model):
    """Court proceedings. Siblings often share one set of proceedings."""

    proceedings_id = models.CharField(max_length=50, unique=True)
    children = models.ManyToManyField(Child, related_name="proceedings")
    application_type = models.CharField(max_length=20, choices=codes.ApplicationType.choices)
    issue_date = models.DateField(null=True, blank=True)
    extended_to = models.DateField(
        "timetable extended to",
        null=True,
        blank=True,
        help_text=(
            "When the court has extended the 26-week limit (Children Act 1989 s32(5)): the "
            "last day of the extended timetable."
        ),
    )
    court = models.CharField(max_length=120, blank=True)
    case_number = models.CharField(max_length=50, blank=True)
    status = models.CharField(
        max_length=20, choices=codes.ProceedingsStatus.choices, default=codes.ProceedingsStatus.OPEN
    )
    concluded_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["issue_date", "proceedings_id"]
        verbose_name_plural = "proceedings"
        indexes = [models.Index(fields=["status", "issue_date"], name="proceedings_status_idx")]

    def __str__(self) -> str:
        return self.proceedings_id


class Hearing(models.Model):
    proceedings = models.ForeignKey(Proceedings, on_delete=models.CASCADE, related_name="hearings")
    hearing_date = models.DateField()
    hearing_type = models.CharField(max_length=10, choices=codes.HearingType.choices)
    outcome = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["hearing_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceedings", "hearing_date", "hearing_type"], name="unique_hearing"
            )
        ]
        indexes = [models.Index(fields=["hearing_date"], name="hearing_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_hearing_type_display()} on {self.hearing_date}"


class PermanencePlan(models.Model):
    """One version of a child's plan for permanence. The latest agreed one is current; the
    earlier ones are its history."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered in Assure"
        ANNEX_A = "annex_a", "Ofsted Annex A"
        EXTRACT = "extract", "Case-management extract"
        PROPOSAL = "proposal", "Approved proposal"
        DEMO = "demo", "Demo data"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="permanence_plans")
    plan = models.CharField(max_length=30, choices=codes.PermanencePlanType.choices)
    parallel_plan = models.CharField(
        max_length=30, choices=codes.PermanencePlanType.choices, blank=True
    )
    agreed_date = models.DateField(
        null=True,
        blank=True,
        help_text="Blank when not known (an Annex A workbook may not give it): the plan is "
        "then in force from the day it was recorded.",
    )
    # The prospective special guardian an SGO plan names, when it names one: the same carer ID
    # (or name) as their SGO assessment. Blank for other plans, or an SGO plan not yet naming
    # a carer.
    carer_id = models.CharField("carer ID", max_length=50, blank=True, default="")
    carer_name = models.CharField("carer named in the plan", max_length=160, blank=True, default="")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "agreed_date", "id"]
        indexes = [models.Index(fields=["child", "-agreed_date"], name="plan_current_idx")]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.plan} from {self.agreed_date or 'a date not known'}"


class SGOAssessment(models.Model):
    """An assessment of a prospective special guardian: viability first, then full."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="sgo_assessments")
    assessment_id = models.CharField(max_length=50, unique=True)
    carer_name = models.CharField("prospective special guardian", max_length=160)
    # The case-management system's own ID for the person, when the extract gives one: the
    # same ID on siblings' assessments is the same prospective special guardian.
    carer_id = models.CharField("carer ID", max_length=50, blank=True, default="", db_index=True)
    relationship = models.CharField(max_length=20, choices=codes.CarerRelationship.choices)
    stage = models.CharField(max_length=20, choices=codes.AssessmentStage.choices)
    start_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    recommendation = models.CharField(
        max_length=20, choices=codes.AssessmentRecommendation.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "start_date", "id"]
        indexes = [
            models.Index(fields=["stage", "completed_date"], name="sgo_assessment_stage_idx")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} ({self.carer_name})"


class SGOSupportPlan(models.Model):
    """The services and money the council will give a special guardian."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="sgo_support_plans")
    assessment = models.ForeignKey(
        SGOAssessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_plans",
    )
    agreed_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    financial_support = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["child", "agreed_date", "id"]
        verbose_name = "SGO support plan"

    def __str__(self) -> str:
        return f"SGO support plan for {self.child_id}"


class MissingEpisode(models.Model):
    """A period missing or away from placement without authorisation (903 Missing table)."""

    class Kind(models.TextChoices):
        MISSING = "M", "Missing"
        AWAY = "A", "Away from placement without authorisation"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="missing_episodes")
    kind = models.CharField("MISSING", max_length=1, choices=Kind.choices, blank=True)
    start_date = models.DateField("MIS_START")
    end_date = models.DateField("MIS_END", null=True, blank=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="unique_missing_start")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} missing from {self.start_date}"


class SocialWorkerEpisode(models.Model):
    """A period with one allocated social worker (903 SWEpisodes table)."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="social_worker_episodes"
    )
    worker_id = models.CharField("SW_ID", max_length=20, blank=True)
    start_date = models.DateField("SW_DECOM")
    end_date = models.DateField("SW_DEC", null=True, blank=True)
    reason_ended = models.CharField("SW_REASON", max_length=10, blank=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="unique_sw_episode_start")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} worker {self.worker_id} from {self.start_date}"


class PlacedForAdoption(models.Model):
    """A child who should be placed for adoption (903 PlacedAdoption table): DATE_PLACED is
    the date of the decision that the child should be placed for adoption, and
    DATE_PLACED_CEASED and REASON_PLACED_CEASED (RD1 to RD4) the decision that they should no
    longer be, when it was reversed (the DfE's guide to the return)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adoption_placements")
    date_placed = models.DateField("DATE_PLACED")
    date_placed_ceased = models.DateField("DATE_PLACED_CEASED", null=True, blank=True)
    reason_placed_ceased = models.CharField("REASON_PLACED_CEASED", max_length=3, blank=True)

    class Meta:
        ordering = ["child", "date_placed"]
        constraints = [
            models.UniqueConstraint(fields=["child", "date_placed"], name="unique_adoption_placed")
        ]

    def __str__(self) -> str:
        return f"{self.child_id} placed for adoption {self.date_placed}"


class AdoptionDecision(models.Model):
    """The decision that a child should be placed for adoption, and the match (903 AD1)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="adoption_decisions")
    decision_date = models.DateField("DATE_INT")
    match_date = models.DateField("DATE_MATCH", null=True, blank=True)
    foster_care = models.BooleanField("FOSTER_CARE", null=True, blank=True)
    number_of_adopters = models.CharField("NB_ADOPTR", max_length=1, blank=True)
    sex_of_adopters = models.CharField("SEX_ADOPTR", max_length=2, blank=True)
    legal_status_of_adopters = models.CharField("LS_ADOPTR", max_length=3, blank=True)

    class Meta:
        ordering = ["child", "decision_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "decision_date"], name="unique_adoption_decision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} adoption decision {self.decision_date}"


class SocialCareEvent(models.Model):
    """Something dated in a child's social care beyond the 903's tables: contacts, early help,
    referrals, assessments, section 47 enquiries, child in need and child protection plans,
    visits and checks while looked after, care leavers' contact and pathway plans, and the
    steps of an adoption. Read from Ofsted's Annex A lists; shown on the child's page and in
    the family chronology. One a child, kind and start date: a later workbook updates it."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact"
        EARLY_HELP = "early_help", "Early help assessment"
        REFERRAL = "referral", "Referral"
        ASSESSMENT = "assessment", "Social care assessment"
        SECTION_47 = "section_47", "Section 47 enquiry"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection plan"
        SOCIAL_WORK_VISIT = "social_work_visit", "Social work visit"
        IRO_CONTACT = "iro_contact", "IRO visit or contact"
        HEALTH_ASSESSMENT = "health_assessment", "Health assessment"
        DENTAL_CHECK = "dental_check", "Dental check"
        RETURNED_TO_CARE = "returned_to_care", "Returned to care within 12 months"
        PATHWAY_PLAN_REVIEW = "pathway_plan_review", "Pathway plan review"
        CARE_LEAVER_CONTACT = "care_leaver_contact", "Care leaver in touch"
        FFA_PLACEMENT = "ffa_placement", "Fostering for adoption or concurrent planning"
        PLACEMENT_ORDER = "placement_order", "Placement order"
        PLACED_FOR_ADOPTION = "placed_for_adoption", "Placed for adoption"
        ADOPTION_ORDER = "adoption_order", "Adoption order"
        ADOPTERS = "adopters", "Adoptive family"

    class Source(models.TextChoices):
        ANNEX_A = "annex_a", "Ofsted Annex A"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="social_care_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # [[label, value], ...] in the list's order: the list's useful columns, in words.
    details = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ANNEX_A)
    source_list = models.CharField(max_length=20, blank=True, help_text='Such as "List 5".')
    recorded_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["child", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "kind", "start_date"], name="unique_social_care_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.get_kind_display()} from {self.start_date}"


class ChildOutcome(models.Model):
    """Outcomes for a child looked after for a year (903 OC2): the latest return's answers."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="outcome")
    sdq_score = models.PositiveSmallIntegerField("SDQ_SCORE", null=True, blank=True)
    sdq_reason = models.CharField("SDQ_REASON", max_length=4, blank=True)
    convicted = models.BooleanField("CONVICTED", null=True, blank=True)
    health_check = models.BooleanField("HEALTH_CHECK", null=True, blank=True)
    immunisations = models.BooleanField("IMMUNISATIONS", null=True, blank=True)
    teeth_check = models.BooleanField("TEETH_CHECK", null=True, blank=True)
    health_assessment = models.BooleanField("HEALTH_ASSESSMENT", null=True, blank=True)
    substance_misuse = models.BooleanField("SUBSTANCE_MISUSE", null=True, blank=True)
    intervention_received = models.BooleanField("INTERVENTION_RECEIVED", null=True, blank=True)
    intervention_offered = models.BooleanField("INTERVENTION_OFFERED", null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.child_id} outcomes"


class CareLeaverOutcome(models.Model):
    """A care leaver's situation around their birthday (903 OC3): the latest return's answers."""

    child = models.OneToOneField(
        Child, on_delete=models.CASCADE, related_name="care_leaver_outcome"
    )
    in_touch = models.CharField("IN_TOUCH", max_length=4, blank=True)
    activity = models.CharField("ACTIV", max_length=2, blank=True)
    accommodation = models.CharField("ACCOM", max_length=2, blank=True)

    def __str__(self) -> str:
        return f"{self.child_id} care leaver outcomes"


class ChangedChild(models.Model):
    """A child whose care record changed, for whatever keeps figures worked out from records
    (the tracker's snapshots) to bring them up to date. Written by database triggers on every
    table of the care record, so no way of writing (a service, an import, the admin, a shell)
    can leave those figures behind; `child_id` is blank when everything may have changed (a
    bulk load, see `care_log.bulk_load`). Read and cleared in id order."""

    id = models.BigAutoField(primary_key=True)
    child_id = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Child {self.child_id or 'all'} changed"


class BulkLoad(models.Model):
    """While a row exists here (inside a bulk load's transaction) the triggers above write
    nothing: the load records one "everything changed" entry instead."""

    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Bulk load from {self.started_at}"
