from typing import Any

from django import forms

from assure.core import access
from assure.core.forms import GovUKFormMixin

from .models import SchemeVersion


class ProposalForm(GovUKFormMixin, forms.Form):
    """A proposal for one decision type: the plan, the rationale and the type's checklist
    (one box per item: what was checked, and where it is)."""

    proposed_plan = forms.CharField(
        label="Proposed plan",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter the proposed plan"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": "Enter the rationale"},
    )
    document_url = forms.URLField(
        label="Link to a document in the case-management system (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a link starting https://"},
    )

    def __init__(self, *args: Any, scheme: SchemeVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in scheme.checklist:
            self.fields[f"check_{item['key']}"] = forms.CharField(
                label=item["label"],
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
                help_text="What was checked, when, and where the evidence is.",
            )
        self.scheme = scheme

    def checklist(self) -> dict[str, str]:
        return {
            item["key"]: self.cleaned_data.get(f"check_{item['key']}", "")
            for item in self.scheme.checklist
        }


class DecisionForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve"), ("return", "Return for changes"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select your decision"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Needed when you return or reject: say why.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") in ("return", "reject") and not data.get("comment", "").strip():
            self.add_error("comment", "Say why you return or reject the proposal")
        return data


APPROVER_ROLES = access.approver_roles()


class CommaOrListField(forms.MultipleChoiceField):
    """Ticked in checkboxes; a script may still post one comma-separated value (the form's
    earlier shape), read as the same list."""

    def to_python(self, value: Any) -> list[str]:
        values = super().to_python(value)
        return [part.strip() for item in values for part in item.split(",") if part.strip()]


class SchemeForm(GovUKFormMixin, forms.Form):
    """A new version of one decision type's scheme."""

    decision_type = forms.ChoiceField(
        label="Decision type", error_messages={"required": "Select the decision type"}
    )
    chain = CommaOrListField(
        label="Approvers",
        help_text=(
            "Tick each role that approves. They approve in the order shown, the most senior "
            "last; the last one gives the final approval."
        ),
        choices=APPROVER_ROLES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one approver",
            "invalid_choice": "Choose the approvers from the list",
        },
    )
    gates = forms.MultipleChoiceField(
        label="Gates before the last approval",
        required=False,
        choices=[("audit", "A recent audit, not inadequate"), ("panel", "A panel's support")],
        widget=forms.CheckboxSelectMultiple,
    )
    gate_panels = CommaOrListField(
        label="Panels whose support meets the panel gate",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose the panels from the list"},
    )
    audit_within_days = forms.IntegerField(
        label="Audit closed within (days)",
        min_value=1,
        max_value=365,
        initial=90,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )
    rationale = forms.CharField(
        label="Why the scheme is set this way", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        types: list[Any],
        panels: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_type"].choices = [("", "Choose a decision type")] + [
            (t.slug, t.name) for t in types
        ]
        if panels is None:
            from assure.panels.models import Panel

            panels = list(Panel.objects.values_list("slug", "name"))
        self.fields["gate_panels"].choices = panels

    def clean_chain(self) -> list[str]:
        """The approvers in order of seniority, however they were ticked."""
        chosen = set(self.cleaned_data["chain"])
        return [role for role, _ in APPROVER_ROLES if role in chosen]
