"""Forms for the audit pages. They parse and check input; the services decide."""

from django import forms

from assure.core import access
from assure.core.forms import GovUKDateField, GovUKFormMixin, PeopleField, PersonField
from assure.people.models import User

from . import selectors
from .models import CaseAction, Finding, Mode, Question, Theme

TEMPLATE_CHOICES = [
    ("", "The one suggested for the child's tier"),
    ("sgo-before-court", "SGO before the court"),
    ("sgo-support-review", "SGO support review"),
    ("permanence-planning", "Permanence planning"),
    ("placement-with-parents", "Placement with parents"),
]
MODE_CHOICES = [("", "The one suggested for the child's tier"), *Mode.choices]
OVERALL_CHOICES = [
    ("", "Choose a grade"),
    ("outstanding", "Outstanding"),
    ("good", "Good"),
    ("requires_improvement", "Requires improvement to be good"),
    ("inadequate", "Inadequate"),
]


def auditors() -> PersonField:
    return PersonField(
        label="Auditor",
        queryset=access.holders("audit_cases"),
        empty_label="Choose an auditor",
        error_messages={"required": "Choose an auditor.", "invalid_choice": "Choose an auditor."},
    )


class AllocateForm(GovUKFormMixin, forms.Form):
    """Allocate one child or many (the lead's bulk allocation) from the queue."""

    children = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    auditor = auditors()
    template = forms.ChoiceField(label="Audit tool", choices=TEMPLATE_CHOICES, required=False)
    mode = forms.ChoiceField(label="Audit mode", choices=MODE_CHOICES, required=False)
    due_date = GovUKDateField(label="Due date", required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["auditor"] = auditors()

    def clean_children(self) -> list[str]:
        chosen = [c for c in self.data.getlist("children") if c] if self.data else []
        if not chosen:
            raise forms.ValidationError("Choose at least one child from the queue.")
        return chosen


class TransitionForm(GovUKFormMixin, forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    overall_grade = forms.ChoiceField(
        label="Overall grade", choices=OVERALL_CHOICES, required=False
    )
    comment = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FindingForm(GovUKFormMixin, forms.Form):
    question = forms.ModelChoiceField(
        label="Question it relates to",
        queryset=Question.objects.none(),
        empty_label="Choose a question",
        error_messages={"required": "Choose the question the finding relates to."},
    )
    finding_type = forms.ChoiceField(
        label="Type of finding",
        choices=Finding.Type.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose strength or area for development."},
    )
    text = forms.CharField(
        label="Finding",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe the finding."},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        queryset=Theme.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose all that apply.",
    )

    def __init__(self, *args, audit=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if audit is not None:
            self.fields["question"].queryset = Question.objects.filter(
                section__template=audit.template_id
            )


class ActionForm(GovUKFormMixin, forms.Form):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the action."},
    )
    # Filled in for the audit's child: those who work the case or manage it, and the
    # assurance team (`selectors.action_owners`, which the service holds to as well).
    owner = PersonField(
        label="Owner",
        queryset=User.objects.none(),
        empty_label="Choose an owner",
        help_text="Someone who works the child's case or manages it, or the assurance team.",
        error_messages={
            "required": "Choose who owns the action.",
            "invalid_choice": "Choose who owns the action from the list.",
        },
    )
    due_date = GovUKDateField(
        label="Due date",
        error_messages={"required": "Give a due date.", "invalid": "Give a real date."},
    )
    priority = forms.ChoiceField(
        label="Priority", choices=CaseAction.Priority.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, audit, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # In name order, as every person picker lists people.
        self.fields["owner"].queryset = selectors.action_owners(child=audit.child).order_by(
            "first_name", "last_name", "username"
        )


class CompleteActionForm(GovUKFormMixin, forms.Form):
    evidence_note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done, as evidence the action is complete."},
    )


class ParticipantsForm(GovUKFormMixin, forms.Form):
    # Filled in for the audit's child: the practitioner from the people who work the case
    # or manage it (`selectors.case_team`), the manager from those who manage it
    # (`selectors.case_managers`); the service holds to both.
    practitioner = PersonField(
        label="Practitioner",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="Someone who works the child's case, usually its allocated worker.",
        error_messages={"invalid_choice": "Choose the practitioner from the list."},
    )
    manager = PersonField(
        label="Their manager",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="Someone who manages the child's case, usually the team manager.",
        error_messages={"invalid_choice": "Choose their manager from the list."},
    )

    def __init__(self, *args, audit, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # In name order, as every person picker lists people.
        order = ("first_name", "last_name", "username")
        child = audit.child
        self.fields["practitioner"].queryset = selectors.case_team(child=child).order_by(*order)
        self.fields["manager"].queryset = selectors.case_managers(child=child).order_by(*order)


class ContributionForm(GovUKFormMixin, forms.Form):
    contribution_type = forms.ChoiceField(
        label="What you are adding",
        choices=[("reflection", "Your reflection"), ("learning", "The learning agreed")],
        widget=forms.RadioSelect,
    )
    contribution = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write your reflection or the learning."},
    )


class EscalationForm(GovUKFormMixin, forms.Form):
    concern = forms.CharField(
        label="Why the child may be unsafe now",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the child may be unsafe now."},
    )


class AcknowledgeForm(GovUKFormMixin, forms.Form):
    response = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what was done to keep the child safe."},
    )


class RegradeForm(GovUKFormMixin, forms.Form):
    regrade_question = forms.IntegerField(widget=forms.HiddenInput, required=False)
    regrade_value = forms.ChoiceField(
        label="Moderated grade",
        choices=OVERALL_CHOICES[:1] + [*OVERALL_CHOICES[1:], ("not_applicable", "Not applicable")],
    )
    reason = forms.CharField(
        label="Reason for the regrade",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for the regrade."},
    )


class ProgrammeForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="Programme name",
        max_length=200,
        error_messages={"required": "Give the programme a name."},
    )
    start_date = GovUKDateField(
        label="Start date",
        error_messages={"required": "Give a start date.", "invalid": "Give a real date."},
    )
    end_date = GovUKDateField(
        label="End date",
        error_messages={"required": "Give an end date.", "invalid": "Give a real date."},
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StrandForm(GovUKFormMixin, forms.Form):
    strand_name = forms.CharField(
        label="Strand name", max_length=200, error_messages={"required": "Give the strand a name."}
    )
    inclusion_tier = forms.TypedChoiceField(
        label="Children it audits",
        coerce=int,
        choices=[
            ("", "Choose a queue tier"),
            (1, "Tier 1: SGO applications before the court"),
            (2, "Tier 2: completed positive SGO assessments"),
            (3, "Tier 3: SGO assessments in progress"),
            (4, "Tier 4: permanence plan includes an SGO"),
            (5, "Tier 5: SGOs granted in the last 12 months"),
            (6, "Further area: children placed with parents"),
            (7, "Further area: revocation of the care order planned"),
        ],
        error_messages={"required": "Choose which children the strand audits."},
    )
    strand_mode = forms.ChoiceField(
        label="Audit mode", choices=Mode.choices, widget=forms.RadioSelect
    )
    template_slug = forms.ChoiceField(label="Audit tool", choices=TEMPLATE_CHOICES[1:])
    auditors = PeopleField(
        label="Auditors",
        required=False,
        queryset=access.holders("audit_cases"),
        help_text="Choose all that apply.",
    )
    due_days = forms.IntegerField(
        label="Days allowed for each audit", min_value=1, max_value=365, initial=28
    )


class QuestionEditForm(GovUKFormMixin, forms.Form):
    text = forms.CharField(
        label="Question", max_length=400, error_messages={"required": "Write the question."}
    )
    guidance = forms.CharField(
        label="Guidance for auditors (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required = forms.BooleanField(
        label="An answer is required before the audit is submitted", required=False
    )


class QuestionAddForm(QuestionEditForm):
    section = forms.ChoiceField(label="Section", choices=())
    type = forms.ChoiceField(label="Type of answer", choices=Question.Type.choices)

    field_order = ["section", "text", "type", "guidance", "required"]

    def __init__(self, *args, sections=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s, s) for s in sections]


class ThemeForm(GovUKFormMixin, forms.Form):
    label = forms.CharField(
        label="New theme", max_length=120, error_messages={"required": "Name the theme."}
    )


class SettingsForm(GovUKFormMixin, forms.Form):
    recent_closure_days = forms.IntegerField(
        label="Days a child stays off the queue after an audit closes",
        min_value=0,
        max_value=3650,
    )
    moderation_share_percent = forms.IntegerField(
        label="Share of each auditor's audits sampled for moderation (per cent)",
        min_value=0,
        max_value=100,
    )


# --- family audits -------------------------------------------------------------------------


class FamilyAuditForm(GovUKFormMixin, forms.Form):
    """Audit several children together: from a family's page or a group in the queue."""

    title = forms.CharField(
        label="Title (optional)",
        max_length=200,
        required=False,
        help_text="Left blank, the title names the family or why the children are grouped.",
    )
    children = forms.MultipleChoiceField(
        label="Children to audit together",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least two children."},
    )
    auditor = auditors()
    template = forms.ChoiceField(label="Audit tool", choices=TEMPLATE_CHOICES[1:])
    mode = forms.ChoiceField(label="Audit mode", choices=Mode.choices, widget=forms.RadioSelect)
    due_date = GovUKDateField(label="Due date (optional)", required=False)

    def __init__(self, *args, children=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["auditor"] = auditors()
        self._children = {c.child_id: c for c in children}
        self.fields["children"].choices = [
            (c.child_id, f"{c.display_name} ({c.child_id})") for c in children
        ]

    def chosen_children(self) -> list:  # type: ignore[type-arg]
        return [self._children[c] for c in self.cleaned_data["children"]]


class FamilyFindingForm(FindingForm):
    """A finding in a family audit: for every child (shared) or about one child."""

    applies_to = forms.ChoiceField(
        label="Who the finding is about",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose every child or one child."},
    )

    def __init__(self, *args, audits=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._audits = {str(a.pk): a for a in audits}
        self.fields["applies_to"].choices = [
            ("all", "Every child (a shared finding, recorded on each child's audit)"),
            *[(str(a.pk), f"Only {a.child.display_name} ({a.child.child_id})") for a in audits],
        ]
        self.fields["applies_to"].initial = "all"

    def chosen_audit(self):  # type: ignore[no-untyped-def]
        choice = self.cleaned_data["applies_to"]
        return None if choice == "all" else self._audits[choice]


class QueueDateForm(GovUKFormMixin, forms.Form):
    """The date the queue is shown at: the GOV.UK date input, and a link or script may give
    one ISO date (`?as_of=2026-03-10`), as the queue's own links do."""

    as_of = GovUKDateField(
        label="Queue at date",
        required=False,
        help_text="The queue as it stands on this date. For example, 27 3 2026",
    )
