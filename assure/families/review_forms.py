from typing import Any

from django import forms

from assure.audits.models import Theme
from assure.core.forms import GovUKDateField, GovUKFormMixin

from .models import Annotation


class ReviewStartForm(GovUKFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, “Review of practice with the Smith family, 2015 to 2024”.",
        error_messages={"required": "Enter a title"},
    )
    period_start = GovUKDateField(label="Period from (optional)", required=False)
    period_end = GovUKDateField(label="Period to (optional)", required=False)
    children = forms.MultipleChoiceField(
        label="Children the review covers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one child"},
    )
    reviewers = forms.MultipleChoiceField(
        label="Reviewers",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reviewer"},
    )

    def __init__(
        self, *args: Any, children: list[Any], reviewers: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._children = {c.child_id: c for c in children}
        self._reviewers = {str(u.pk): u for u in reviewers}
        self.fields["children"].choices = [
            (c.child_id, f"{c.display_name} ({c.child_id})") for c in children
        ]
        self.fields["reviewers"].choices = [(str(u.pk), u.display_name) for u in reviewers]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error(
                "period_end", "The end of the period must be the same as or after its start"
            )
        return data

    def chosen_children(self) -> list[Any]:
        return [self._children[c] for c in self.cleaned_data["children"]]

    def chosen_reviewers(self) -> list[Any]:
        return [self._reviewers[r] for r in self.cleaned_data["reviewers"]]


class AnnotationForm(GovUKFormMixin, forms.Form):
    category = forms.ChoiceField(
        label="What was this?",
        choices=Annotation.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what this event was"},
    )
    commentary = forms.CharField(
        label="Commentary",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text="What was known at the time, what was done, and what should have been done.",
        error_messages={"required": "Enter a commentary"},
    )


class ConclusionsForm(GovUKFormMixin, forms.Form):
    conclusions = forms.CharField(
        label="Conclusions",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50000,
        required=False,
    )


class RecommendationForm(GovUKFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="When the review is concluded this goes into the insights evidence and to "
        "the director as a proposed recommendation: describe the practice, do not name "
        "children.",
        error_messages={"required": "Enter the recommendation"},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes (optional)",
        required=False,
        queryset=Theme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The themes of the evidence this recommendation becomes, for triangulation.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.filter(active=True).order_by("label")


class ReopenForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for reopening",
        max_length=300,
        error_messages={"required": "Enter a reason"},
    )
