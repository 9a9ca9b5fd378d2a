from django import forms

from .forms import GovUKDateField, GovUKFormMixin, PersonField


def _everyone():  # type: ignore[no-untyped-def]
    from assure.people.models import User

    return User.objects.all()


class AccessReportFilter(GovUKFormMixin, forms.Form):
    child = forms.CharField(label="Child ID", required=False, max_length=50)
    # Everyone who ever signed in, those who have left too: the log outlives accounts. The
    # report filters by user name, which is what the choice posts.
    user = PersonField(
        label="Person",
        queryset=_everyone(),
        required=False,
        gives="username",
        empty_label="Everyone",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    date_from = GovUKDateField(label="From", required=False)
    date_to = GovUKDateField(label="To", required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data
