"""The data-protection pages' forms: a new version of a retention rule, a proposal's note, a
reason (to reject a proposal, place or lift a hold), and a child's ID to find."""

from typing import Any

from django import forms

from assure.core.forms import GovUKFormMixin

from . import retention
from .models import RetentionRule


class RuleForm(GovUKFormMixin, forms.Form):
    """The numbers of a new version of one kind's rule, and why it changes."""

    years = forms.IntegerField(
        label="Years the record is kept",
        min_value=1,
        max_value=200,
        error_messages={"required": "Enter the number of years", "invalid": "Enter a number"},
    )
    years_after_death = forms.IntegerField(
        label="Years kept after the death of a child who dies before 18",
        min_value=1,
        max_value=200,
        required=False,
        error_messages={"invalid": "Enter a number"},
    )
    note = forms.CharField(
        label="Why the rule changes",
        help_text="For example, the council's decision that records it, with its date.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the rule changes"},
    )

    def __init__(self, *args: Any, rule: RetentionRule, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"years": rule.years, "years_after_death": rule.years_after_death}
        )
        super().__init__(*args, **kwargs)
        if retention.KINDS[rule.kind].law_minimum_years_after_death is None:
            del self.fields["years_after_death"]


class ProposeForm(GovUKFormMixin, forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note for the person who approves (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a reason"},
    )

    def __init__(self, *args: Any, label: str = "Reason", hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        if hint:
            self.fields["reason"].help_text = hint
            self.fields["reason"].widget.attrs["aria-describedby"] = "id_reason-hint"


class ChildForm(GovUKFormMixin, forms.Form):
    child_id = forms.CharField(
        label="Child's ID",
        max_length=50,
        error_messages={"required": "Enter the child's ID"},
    )
