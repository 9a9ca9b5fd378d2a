from django import forms

from assure.core import access
from assure.core.forms import GovUKFormMixin, PersonField

from .selectors import SORTS


class ChildListFilter(GovUKFormMixin, forms.Form):
    """The children list's query string. Anything malformed is dropped, never a 500."""

    q = forms.CharField(label="Search by child ID or name", required=False, max_length=100)
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    worker = forms.TypedChoiceField(
        label="Allocated worker", required=False, coerce=int, empty_value=None
    )
    legal_status = forms.ChoiceField(label="Legal status", required=False)
    placement_type = forms.ChoiceField(label="Placement type", required=False)
    care_status = forms.ChoiceField(
        label="In care or left care",
        required=False,
        choices=[("", "All"), ("in_care", "In care today"), ("left_care", "Left care")],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])

    def __init__(self, *args, options: dict, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + [
            (t.pk, t.name) for t in options["teams"]
        ]
        if options.get("workers_need_team"):
            self.fields["worker"].help_text = "Choose a team first to filter by worker."
        self.fields["worker"].choices = [("", "All workers")] + [
            (w.pk, w.name) for w in options["workers"]
        ]
        self.fields["legal_status"].choices = [("", "All")] + [
            (code, f"{code}: {label}") for code, label in options["legal_statuses"]
        ]
        self.fields["placement_type"].choices = [("", "All")] + [
            (code, f"{code}: {label}") for code, label in options["placement_types"]
        ]

    def clean_values(self) -> dict:
        """The valid filters only: an invalid value is ignored (and shown as an error)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class RestrictionForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text=(
            "Why the record is being restricted or the restriction lifted. "
            "It is kept in the record's history."
        ),
        error_messages={"required": "Enter a reason"},
    )


class GrantAccessForm(GovUKFormMixin, forms.Form):
    # Only people who work with children's records can be let into a restricted one. The
    # field keeps its name: the value posted is still the person's user name.
    username = PersonField(
        label="Person to add",
        queryset=access.holders("view_children"),
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the person to add",
            "invalid_choice": "Choose the person to add from the list",
        },
    )
    reason = forms.CharField(
        label="Reason they need access",
        max_length=200,
        error_messages={"required": "Enter a reason"},
    )
