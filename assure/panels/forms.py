from typing import Any

from django import forms

from assure.core.forms import GovUKDateInput, GovUKFormMixin
from assure.people.models import User

from .models import PanelRole, Recommendation


class MemberForm(GovUKFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label="Person",
        queryset=User.objects.filter(is_active=True).order_by("username"),
        error_messages={"required": "Select the person", "invalid_choice": "Select the person"},
    )
    panel_role = forms.ChoiceField(
        label="Panel role",
        choices=PanelRole.choices,
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


class EndMembershipForm(GovUKFormMixin, forms.Form):
    to_date = forms.DateField(
        label="Last day on the panel",
        widget=GovUKDateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )


class MeetingForm(GovUKFormMixin, forms.Form):
    date = forms.DateField(
        label="Date of the meeting",
        widget=GovUKDateInput(),
        error_messages={"required": "Enter the date", "invalid": "Enter a real date"},
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Who attended",
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = {m.user_id: m for m in members}
        field = self.fields["attendees"]
        field.queryset = User.objects.filter(pk__in=people)
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.display_name} ({people[u.pk].get_panel_role_display().lower()})"
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
    decisions = forms.CharField(
        label="Decisions it may recommend on",
        required=False,
        help_text="Decision type slugs, separated by commas.",
    )


class ItemForm(GovUKFormMixin, forms.Form):
    proposal = forms.IntegerField(
        label="Proposal number",
        required=False,
        min_value=1,
        help_text="The number on the proposal's page. Leave empty to ask a question instead.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-5"}),
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

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("proposal") and not (data.get("child_id") and data.get("question")):
            self.add_error("proposal", "Give a proposal number, or a child ID and a question")
        return data


class OutcomeForm(GovUKFormMixin, forms.Form):
    recommendation = forms.ChoiceField(
        label="Outcome",
        choices=Recommendation.choices,
        error_messages={"required": "Select the outcome"},
    )
    conditions = forms.CharField(
        label="Conditions (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    action = forms.CharField(label="Action (optional)", required=False, max_length=500)
    owner = forms.CharField(label="Owner of the action", required=False, max_length=150)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") and not data.get("owner"):
            self.add_error("owner", "Enter who owns the action")
        return data


class MinutesForm(GovUKFormMixin, forms.Form):
    minutes = forms.CharField(label="Minutes", widget=forms.Textarea(attrs={"rows": 8}))
