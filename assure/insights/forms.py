"""The insights pages' query forms. Anything malformed is shown as an error and the default
used instead: never a 500."""

import datetime as dt
from typing import Any

from django import forms

from assure.core import clock
from assure.core.forms import GovUKDateInput, GovUKFormMixin

MAX_SPAN_DAYS = 366 * 25


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 24 whole months before this month."""
    first_of_month = today.replace(day=1)
    return first_of_month.replace(year=first_of_month.year - 2), first_of_month - dt.timedelta(
        days=1
    )


class ExitsFilter(GovUKFormMixin, forms.Form):
    date_from = forms.DateField(label="From", required=False, widget=GovUKDateInput())
    date_to = forms.DateField(label="To", required=False, widget=GovUKDateInput())
    interval = forms.ChoiceField(
        label="Points by",
        required=False,
        choices=[("month", "Month"), ("quarter", "Quarter")],
    )
    programme_start = forms.DateField(
        label="Programme start date",
        required=False,
        widget=GovUKDateInput(),
        help_text=(
            "Process limits are worked out separately before and after this date. "
            "Leave blank for one set of limits."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
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
            "programme_start": clean.get("programme_start"),
        }
