"""The last approver's confirmation that they approve although due-diligence items are not
recorded, with their reason: asked for only when there are such items at the last step."""

from typing import Any

from django import forms

from assure.core.forms import GovUKFormMixin


class UnrecordedChecksForm(GovUKFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label="I approve although these items are not recorded",
        required=False,
    )
    reason = forms.CharField(
        label="Why approve without them",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with your decision and shown on the proposal and the child's history.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("confirm") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why you approve without these items")
        return data
