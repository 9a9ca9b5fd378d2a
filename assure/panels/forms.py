from typing import Any

from django import forms
from django.db.models import Case, When

from assure.core import access, clock
from assure.core.forms import GovUKDateInput, GovUKFormMixin, PersonField
from assure.people.models import User

from .models import PanelRole, Recommendation


class MemberForm(GovUKFormMixin, forms.Form):
    # People who may see panels, by name (PersonField tells two of one name apart).
    user = PersonField(
        label="Person",
        queryset=access.holders("view_panels"),
        to_field_name=None,
        error_messages={"required": "Select the person", "invalid_choice": "Select the person"},
    )
    panel_role = forms.ChoiceField(
        label="Panel role",
        choices=PanelRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the panel role"},
    )
    from_date = forms.DateField(
        label="Member from",
        widget=GovUKDateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    to_date = forms.DateField(
        label="Member until (optional)",
        required=False,
        widget=GovUKDateInput(),
        error_messages={"invalid": "Enter a real date"},
    )

    def clean_from_date(self) -> Any:
        start = self.cleaned_data["from_date"]
        if start and start < clock.today():
            raise forms.ValidationError("A new seat starts today or later, never earlier")
        return start


class EndMembershipForm(GovUKFormMixin, forms.Form):
    to_date = forms.DateField(
        label="Last day on the panel",
        widget=GovUKDateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )


class AttendanceForm(GovUKFormMixin, forms.Form):
    """Who attended a meeting that has been held: the panel's members on its day."""

    attendees = forms.ModelMultipleChoiceField(
        label="Who attended",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In seat order, as the members table lists them: the chair, the legal adviser, then
        # the members by name.
        people = {m.user_id: m for m in sorted(members, key=lambda m: m.seat_order)}
        field = self.fields["attendees"]
        field.queryset = User.objects.filter(pk__in=people)  # type: ignore[attr-defined]
        if people:
            position = Case(*(When(pk=pk, then=i) for i, pk in enumerate(people)))
            field.queryset = field.queryset.order_by(position)  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.display_name} ({people[u.pk].get_panel_role_display().lower()})"
        )


class MeetingForm(AttendanceForm):
    """A meeting's date, and who attended once it has been held."""

    field_order = ["date", "attendees"]
    date = forms.DateField(
        label="Date of the meeting",
        widget=GovUKDateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )


class TermsForm(GovUKFormMixin, forms.Form):
    purpose = forms.CharField(label="Purpose", widget=forms.Textarea(attrs={"rows": 4}))
    quorum_requires_chair = forms.BooleanField(label="The chair must attend", required=False)
    quorum_requires_legal_adviser = forms.BooleanField(
        label="A legal adviser must attend", required=False
    )
    quorum_other_members = forms.IntegerField(
        label="How many other members must attend",
        min_value=0,
        max_value=20,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-2"}),
    )
    required_roles = forms.MultipleChoiceField(
        label="Panel roles the panel must have",
        choices=PanelRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decisions = forms.MultipleChoiceField(
        label="Decisions it may recommend on",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from assure.decisions.models import DecisionType

        self.fields["decisions"].choices = [  # type: ignore[attr-defined]
            (t.slug, t.name) for t in DecisionType.objects.order_by("name")
        ]


class ItemForm(GovUKFormMixin, forms.Form):
    proposal = forms.TypedChoiceField(
        label="Proposal awaiting a panel",
        required=False,
        coerce=int,
        empty_value=None,
        choices=(),
        help_text="Proposals you may see that this panel's support would let go ahead, "
        "not yet on this agenda. Choose none to ask a question instead.",
        error_messages={"invalid_choice": "Choose a proposal from the list"},
    )
    child_id = forms.CharField(label="Child ID (for a question)", required=False, max_length=50)
    question = forms.CharField(
        label="Question for the panel", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    paper_title = forms.CharField(label="Paper title (optional)", required=False, max_length=200)
    paper_url = forms.URLField(
        label="Link to the paper (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a link starting https://"},
    )

    def __init__(
        self,
        *args: Any,
        awaiting: list[Any] = (),  # type: ignore[assignment]
        on_agenda: set[int] = frozenset(),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.on_agenda = {str(pk) for pk in on_agenda}
        self.fields["proposal"].choices = [("", "None: a question about a child")] + [  # type: ignore[attr-defined]
            (p.pk, proposal_label(p)) for p in awaiting
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "proposal" in self.errors:
            if str(self.data.get(self.add_prefix("proposal"), "")) in self.on_agenda:
                # Say why it is not in the list, rather than that it is not.
                self.errors["proposal"] = self.error_class(
                    ["That proposal is already on the agenda of this meeting"]
                )
            return data
        if not data.get("proposal") and not (data.get("child_id") and data.get("question")):
            self.add_error("proposal", "Choose a proposal, or give a child ID and a question")
        return data


def proposal_label(proposal: Any) -> str:
    """ "Ava Smith (400506): Care plan changes to special guardianship, submitted"."""
    child = proposal.child
    return (
        f"{child.display_name} ({child.child_id}): {proposal.scheme.decision_type.name}, "
        f"{proposal.get_status_display().lower()}"
    )


class OutcomeForm(GovUKFormMixin, forms.Form):
    recommendation = forms.ChoiceField(
        label="Outcome",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    conditions = forms.CharField(
        label="Conditions (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    action = forms.CharField(label="Action (optional)", required=False, max_length=500)
    # Picked from the people who work with children's records or sit on panels; the outcome
    # keeps the owner's name.
    owner = PersonField(
        label="Owner of the action",
        queryset=access.holders("view_children") | access.holders("view_panels"),
        required=False,
        gives="name",
        empty_label="Choose who owns the action",
        error_messages={"invalid_choice": "Choose who owns the action from the list"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") and not data.get("owner"):
            self.add_error("owner", "Choose who owns the action")
        return data


class MinutesForm(GovUKFormMixin, forms.Form):
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea(attrs={"rows": 8}))
