"""The insights pages' query forms. Anything malformed is shown as an error and the default
used instead: never a 500."""

import datetime as dt
from typing import Any

from django import forms

from assure.core import access, clock
from assure.core.forms import GovUKDateField, GovUKFormMixin, PersonField

MAX_SPAN_DAYS = 366 * 25
# Dates outside these bounds are typing mistakes, and near the calendar's end they would
# overflow month arithmetic.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 24 whole months before this month."""
    first_of_month = today.replace(day=1)
    return first_of_month.replace(year=first_of_month.year - 2), first_of_month - dt.timedelta(
        days=1
    )


class ExitsFilter(GovUKFormMixin, forms.Form):
    date_from = GovUKDateField(label="From", required=False)
    date_to = GovUKDateField(label="To", required=False)
    interval = forms.ChoiceField(
        label="Points by",
        required=False,
        choices=[("month", "Month"), ("quarter", "Quarter")],
        widget=forms.RadioSelect,
    )
    programme_start = GovUKDateField(
        label="Programme start date",
        required=False,
        help_text=(
            "Process limits are worked out separately before and after this date. "
            "Leave blank for one set of limits."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("date_from", "date_to", "programme_start"):
            day = data.get(name)
            if day and not EARLIEST <= day <= LATEST:
                self.add_error(name, "Enter a date between 1900 and 2100.")
                data.pop(name, None)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end of the period must not be before its start.")
        elif start and end and (end - start).days > MAX_SPAN_DAYS:
            self.add_error("date_to", "The period must be 25 years or less.")
        return data

    def values(self) -> dict[str, Any]:
        """The valid values, with defaults for anything blank or wrong."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})  # an unbound form has none
        clean = {k: v for k, v in cleaned.items() if k not in self.errors}
        if "date_to" in self.errors:
            clean.pop("date_from", None)
        default_from, default_to = default_range(clock.today())
        date_to = clean.get("date_to") or default_to
        date_from = clean.get("date_from") or min(default_from, date_to.replace(day=1))
        return {
            "date_from": date_from,
            "date_to": date_to,
            "interval": clean.get("interval") or "month",
            "programme_start": self._programme_start(clean),
        }

    def _programme_start(self, clean: dict[str, Any]) -> dt.date | None:
        """The date asked for; else, unless the person cleared it (an empty field sent), the
        programme start the assurance lead has set."""
        if clean.get("programme_start"):
            return clean["programme_start"]
        widget = self.fields["programme_start"].widget
        if self.is_bound and not widget.value_omitted_from_data(
            self.data, self.files, "programme_start"
        ):
            return None
        from .models import InsightsSettings

        return InsightsSettings.current().programme_start


class EvidenceForm(GovUKFormMixin, forms.Form):
    source = forms.ChoiceField(
        label="Source", choices=(), error_messages={"required": "Choose a source."}
    )
    date = GovUKDateField(label="Date")
    kind = forms.ChoiceField(
        label="Strength or area for development",
        choices=[("strength", "Strength"), ("area_for_development", "Area for development")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose strength or area for development."},
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 4}))
    team = forms.ModelChoiceField(
        label="Team (optional)", required=False, queryset=None, empty_label="Not about one team"
    )
    child_id = forms.CharField(
        label="Child ID (optional)",
        required=False,
        max_length=50,
        help_text="Evidence about one child is seen only by people who may see that child.",
    )
    reference = forms.CharField(label="Reference (optional)", required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from assure.audits.models import Theme
        from assure.people.models import Team

        from .models import Source
        from .services import ENTERED_SOURCES

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "Choose a source")] + [
            (v, label) for v, label in Source.choices if v in ENTERED_SOURCES
        ]
        self.fields["themes"].queryset = Theme.objects.filter(active=True)
        self.fields["team"].queryset = Team.objects.all()


class EvidenceImportForm(GovUKFormMixin, forms.Form):
    file = forms.FileField(
        label="Upload a CSV file", help_text="Use the template. Up to 2 MB and 5,000 rows."
    )


class EvidenceFilterForm(GovUKFormMixin, forms.Form):
    source = forms.ChoiceField(label="Source", required=False, choices=())
    theme = forms.ChoiceField(label="Theme", required=False, choices=())
    kind = forms.ChoiceField(
        label="Strength or area",
        required=False,
        choices=[
            ("", "All"),
            ("strength", "Strength"),
            ("area_for_development", "Area for development"),
        ],
    )
    team = forms.CharField(label="Team", required=False, max_length=120)

    def __init__(self, *args: Any, theme_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        from .models import Source

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "All")] + list(Source.choices)
        self.fields["theme"].choices = [("", "All")] + theme_choices

    def values(self) -> dict[str, str]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {k: v for k, v in cleaned.items() if k not in self.errors and v}


class RecommendationForm(GovUKFormMixin, forms.Form):
    title = forms.CharField(label="Recommendation", max_length=200)
    detail = forms.CharField(
        label="Detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(GovUKFormMixin, forms.Form):
    """Merge recommendations that say the same thing into the one kept."""

    keep = forms.IntegerField(widget=forms.HiddenInput)
    duplicates = forms.TypedMultipleChoiceField(
        label="Merge these into it",
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the recommendations that say the same thing."},
    )
    reason = forms.CharField(
        label="Why they are the same", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duplicates"].choices = list(choices)


class DecisionForm(GovUKFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("accept", "Accept"), ("not_accept", "Do not accept")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept or do not accept."},
    )
    reason = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))


class WorkStreamForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(label="Work stream", max_length=120)
    # The plan keeps a lead and an owner as words (a name), picked from the people who use
    # the insights pages.
    lead = PersonField(
        label="Lead (optional)",
        queryset=access.holders("view_insights"),
        required=False,
        gives="name",
        empty_label="No lead yet",
        error_messages={"invalid_choice": "Choose the lead from the list."},
    )


class ActionForm(GovUKFormMixin, forms.Form):
    work_stream = forms.ModelChoiceField(
        label="Work stream", queryset=None, empty_label="Choose a work stream"
    )
    recommendation = forms.ModelChoiceField(
        label="From the recommendation (optional)",
        required=False,
        queryset=None,
        empty_label="None",
    )
    description = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 3}))
    owner = PersonField(
        label="Owner",
        queryset=access.holders("view_insights"),
        gives="name",
        empty_label="Choose an owner",
        error_messages={
            "required": "Choose who owns the action.",
            "invalid_choice": "Choose who owns the action from the list.",
        },
    )
    due_date = GovUKDateField(label="Due date")
    other_programme = forms.CharField(
        label="Linked improvement programme (optional)", required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .models import Recommendation, WorkStream

        super().__init__(*args, **kwargs)
        self.fields["work_stream"].queryset = WorkStream.objects.all()
        self.fields["recommendation"].queryset = Recommendation.objects.filter(
            decision="accepted", merged_into__isnull=True
        )


class ProgressForm(GovUKFormMixin, forms.Form):
    text = forms.CharField(label="Progress", widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(
        label="Status",
        choices=[
            ("not_started", "Not started"),
            ("in_progress", "In progress"),
            ("complete", "Complete"),
        ],
        widget=forms.RadioSelect,
    )
    rag = forms.ChoiceField(
        label="RAG",
        choices=[("green", "Green"), ("amber", "Amber"), ("red", "Red")],
        widget=forms.RadioSelect,
    )
    evidence_of_impact = forms.CharField(
        label="Evidence of impact (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MonthForm(GovUKFormMixin, forms.Form):
    month = GovUKDateField(
        label="Month",
        required=False,
        help_text="Any day in the month. Leave blank for last month.",
    )

    def month_start(self) -> dt.date:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        month = cleaned.get("month") if "month" not in self.errors else None
        if month and EARLIEST <= month <= LATEST:
            return month.replace(day=1)
        this_month = clock.today().replace(day=1)
        return (this_month - dt.timedelta(days=1)).replace(day=1)


class SettingsForm(GovUKFormMixin, forms.Form):
    programme_start = GovUKDateField(
        label="Programme start date",
        required=False,
        help_text=(
            "When the work to reduce the number of looked-after children began. The exits "
            "charts work out their limits separately before and after it. Leave blank for none."
        ),
    )


class RebaseForm(GovUKFormMixin, forms.Form):
    measure = forms.ChoiceField(
        label="Measure", choices=(), error_messages={"required": "Choose a measure."}
    )
    start = GovUKDateField(
        label="First month of the new phase",
        error_messages={
            "required": "Enter the first month of the new phase.",
            "invalid": "Enter a real date.",
        },
        help_text=(
            "The month the process changed. The limits are worked out afresh from it only when "
            "the chart shows a shift there and at least 12 points follow."
        ),
    )
    reason = forms.CharField(
        label="What changed",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what changed in the process."},
        help_text="For example: the SGO panel began on 1 March 2026.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .measures import ORDER, SPECS

        self.fields["measure"].choices = [("", "Choose a measure")] + [
            (slug, SPECS[slug].title) for slug in ORDER
        ]


class TargetForm(GovUKFormMixin, forms.Form):
    """The council's target for a measure with a better direction."""

    measure = forms.ChoiceField(
        label="Measure", choices=(), error_messages={"required": "Choose a measure."}
    )
    value = forms.DecimalField(
        label="Target",
        max_digits=7,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the target.",
            "invalid": "Enter the target as a number, like 3 or 2.5.",
            "min_value": "Enter a target of 0 or more.",
            "max_digits": "Enter a target of at most 99999.",
            "max_decimal_places": "Enter the target to at most 2 decimal places.",
        },
        help_text=(
            "In the measure's unit: a number a month for counts, a percentage for rates. "
            "Lower is better for both measures listed, so the target is the most the "
            "council will accept."
        ),
    )
    reason = forms.CharField(
        label="Where the target comes from",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say where the target comes from."},
        help_text="For example: the corporate parenting board's plan for 2026 to 2027.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .services import measures_with_a_direction

        self.fields["measure"].choices = [("", "Choose a measure")] + [
            (slug, f"{spec.title} ({'percentage' if spec.unit == '%' else 'a month'})")
            for slug, spec in measures_with_a_direction().items()
        ]
