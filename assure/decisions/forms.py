from typing import Any

from django import forms

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


APPROVER_ROLES = [
    ("team_manager", "Team manager"),
    ("service_manager", "Service manager"),
    ("head_of_service", "Head of service"),
    ("director", "Director"),
]


class SchemeForm(GovUKFormMixin, forms.Form):
    """A new version of one decision type's scheme."""

    decision_type = forms.ChoiceField(
        label="Decision type", error_messages={"required": "Select the decision type"}
    )
    chain = forms.CharField(
        label="Approvers in order",
        help_text="Roles separated by commas, first approver first: team_manager, "
        "service_manager, head_of_service, director.",
        error_messages={"required": "Enter the approvers in order"},
    )
    gates = forms.MultipleChoiceField(
        label="Gates before the last approval",
        required=False,
        choices=[("audit", "A recent audit, not inadequate"), ("panel", "A panel's support")],
        widget=forms.CheckboxSelectMultiple,
    )
    gate_panels = forms.CharField(
        label="Panels whose support meets the panel gate",
        required=False,
        help_text="Panel slugs separated by commas.",
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

    def __init__(self, *args: Any, types: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision_type"].choices = [("", "Choose")] + [(t.slug, t.name) for t in types]

    def clean_chain(self) -> list[str]:
        roles = [r.strip() for r in self.cleaned_data["chain"].split(",") if r.strip()]
        known = {slug for slug, _ in APPROVER_ROLES}
        unknown = [r for r in roles if r not in known]
        if unknown or not roles:
            raise forms.ValidationError(
                "Use team_manager, service_manager, head_of_service or director"
            )
        return roles

    def clean_gate_panels(self) -> list[str]:
        return [p.strip() for p in self.cleaned_data["gate_panels"].split(",") if p.strip()]
