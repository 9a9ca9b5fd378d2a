"""The tracker's query string, the saved-view form and the rule-set form."""

import datetime as dt
from typing import Any

from django import forms

from assure.children import codes
from assure.children.care import proceedings as court
from assure.core.forms import GovUKDateField, GovUKFormMixin

from . import rules
from .models import RuleSet
from .selectors import AGE_BANDS, SORT_KEYS, RowFilter
from .services import RULE_FIELDS

FILTER_NAMES = (
    "team",
    "worker",
    "plan",
    "legal_status",
    "rag",
    "flag",
    "care_status",
    "age_band",
    "proceedings",
)
# The filter's selects, the same markup as Django's with the options written in place.
SELECT_TEMPLATE = "tracker/widgets/select.html"


class TrackerFilter(GovUKFormMixin, forms.Form):
    """Anything malformed is dropped (and shown as an error), never a 500."""

    as_of = GovUKDateField(
        label="As at",
        required=False,
        help_text="The tracker as it stood on this date. Leave blank for today.",
    )
    team = forms.TypedChoiceField(label="Team", required=False, coerce=int, empty_value=None)
    worker = forms.TypedChoiceField(
        label="Allocated worker", required=False, coerce=int, empty_value=None
    )
    plan = forms.ChoiceField(
        label="Permanence plan",
        required=False,
        choices=[("", "All"), ("none", "No plan")] + list(codes.PermanencePlanType.choices),
    )
    legal_status = forms.ChoiceField(
        label="Legal status",
        required=False,
        choices=[("", "All")] + [(c, f"{c}: {label}") for c, label in codes.LegalStatus.choices],
    )
    rag = forms.ChoiceField(
        label="RAG status",
        required=False,
        choices=[("", "All"), ("red", "Red"), ("amber", "Amber"), ("green", "Green")],
    )
    flag = forms.ChoiceField(
        label="Flag", required=False, choices=[("", "All")] + list(rules.FLAG_TITLES.items())
    )
    care_status = forms.ChoiceField(
        label="In care or left care",
        required=False,
        choices=[("", "All"), ("in_care", "In care"), ("left_care", "Left care in the year")],
    )
    age_band = forms.ChoiceField(
        label="Age",
        required=False,
        choices=[("", "All ages")] + [(key, label) for key, label, _, _ in AGE_BANDS],
    )
    proceedings = forms.ChoiceField(
        label="Proceedings",
        required=False,
        choices=[("", "All"), ("open", "Open proceedings"), ("none", "No open proceedings")],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORT_KEYS])
    order = forms.ChoiceField(required=False, choices=[("asc", "asc"), ("desc", "desc")])

    def __init__(self, *args: Any, options: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All teams")] + [
            (t.pk, t.name) for t in options["teams"]
        ]
        self.fields["worker"].choices = [("", "All workers")] + [
            (w.pk, w.name) for w in options["workers"]
        ]
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget.template_name = SELECT_TEMPLATE

    def clean_values(self) -> dict[str, Any]:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


def row_filter_of(values: dict[str, Any]) -> RowFilter:
    proceedings = values.get("proceedings") or ""
    care = values.get("care_status") or ""
    return RowFilter(
        plan=values.get("plan") or "",
        legal_status=values.get("legal_status") or "",
        rag=values.get("rag") or "",
        flag=values.get("flag") or "",
        looked_after={"in_care": True, "left_care": False}.get(care),
        age_band=values.get("age_band") or "",
        open_proceedings={"open": True, "none": False}.get(proceedings),
    )


def as_of_of(values: dict[str, Any], today: dt.date) -> dt.date:
    return values.get("as_of") or today


class SavedViewForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="Name of this view",
        max_length=80,
        help_text="For example, SGO before court.",
        error_messages={"required": "Enter a name for the view"},
    )


class RuleSetForm(GovUKFormMixin, forms.ModelForm):
    """The assurance lead's edit: saved as a new version, never over the old one."""

    class Meta:
        model = RuleSet
        fields = [*RULE_FIELDS, "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("plo_warning_days") or 0) > court.LAST_DAY:
            self.add_error(
                "plo_warning_days",
                f"The warning must come before the 26-week limit: day {court.LAST_DAY} or earlier.",
            )
        if (data.get("sgo_report_weeks") or 0) > (data.get("sgo_assessment_weeks") or 0):
            self.add_error(
                "sgo_report_weeks",
                "The assessment cannot be due to be complete more weeks before the hearing "
                "than it is due to be under way.",
            )
        if not 1 <= (data.get("sgo_final_hearing_week") or 0) <= court.LIMIT_WEEKS:
            self.add_error("sgo_final_hearing_week", f"Enter a week from 1 to {court.LIMIT_WEEKS}.")
        return data
