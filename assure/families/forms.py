from typing import Any

from django import forms

from assure.core import access
from assure.core.forms import GovUKDateField, GovUKFormMixin

from . import chronology
from .models import Relationship
from .selectors import ChronologyFilter


class ChronologyFilterForm(GovUKFormMixin, forms.Form):
    """The chronology's query string. A malformed value is ignored and shown as an error,
    never a 500. The child choices are the visible children only."""

    # The messages do not repeat the value given, so that a child ID someone may not see
    # is answered exactly as one that does not exist.
    child = forms.ChoiceField(
        label="Child",
        required=False,
        error_messages={"invalid_choice": "Select a child from the list"},
    )
    kind = forms.MultipleChoiceField(
        label="Kind of event",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select kinds of event from the list"},
    )
    date_from = GovUKDateField(label="From", required=False)
    date_to = GovUKDateField(label="To", required=False)

    def __init__(self, *args: Any, children: list[Any], user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "All children")] + [
            (c.child_id, f"{c.display_name} ({c.child_id})") for c in children
        ]
        self.fields["kind"].choices = list(chronology.kinds(user).items())

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data

    def to_filter(self) -> ChronologyFilter:
        self.is_valid()
        ok = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ChronologyFilter(
            child_id=ok.get("child") or "",
            kinds=tuple(ok.get("kind") or ()),
            date_from=ok.get("date_from"),
            date_to=ok.get("date_to"),
        )


class ChildIdField(forms.CharField):
    """A child ID, resolved among the children the user may see: one they may not see gets
    the same answer as one that does not exist."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        kwargs.setdefault("max_length", 50)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> Any:
        child_id = super().clean(value).strip()
        child = access.visible_children(self.user).filter(child_id=child_id).first()
        if child is None:
            raise forms.ValidationError("There is no child with that ID")
        return child


class FamilyCreateForm(GovUKFormMixin, forms.Form):
    family_id = forms.CharField(
        label="Family identifier",
        max_length=50,
        help_text="The council's family identifier, as in Annex A or the case-management system.",
        error_messages={"required": "Enter the family identifier"},
    )
    name = forms.CharField(
        label="Display name (optional)",
        max_length=120,
        required=False,
        help_text="For example, the family's surname.",
    )
    child = forms.CharField(label="Child ID of the first child")
    relationship = forms.ChoiceField(
        label="Relationship to the family",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child's relationship to the family"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"] = ChildIdField(
            label="Child ID of the first child",
            user=user,
            error_messages={"required": "Enter the child ID"},
        )
        self.fields["child"].widget.attrs["class"] = "govuk-input govuk-input--width-10"


class LinkChildForm(GovUKFormMixin, forms.Form):
    child = forms.CharField(label="Child ID")
    relationship = forms.ChoiceField(
        label="Relationship to the family",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the child's relationship to the family"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"] = ChildIdField(
            label="Child ID", user=user, error_messages={"required": "Enter the child ID"}
        )
        self.fields["child"].widget.attrs["class"] = "govuk-input govuk-input--width-10"
