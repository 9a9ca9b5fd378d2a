from django import forms

from .forms import GovUKDateInput, GovUKFormMixin


class AccessReportFilter(GovUKFormMixin, forms.Form):
    child = forms.CharField(label="Child ID", required=False, max_length=50)
    user = forms.CharField(label="User name", required=False, max_length=150)
    date_from = forms.DateField(label="From", required=False, widget=GovUKDateInput())
    date_to = forms.DateField(label="To", required=False, widget=GovUKDateInput())

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data
