from typing import Any

from django import forms

from assure.core.forms import GovUKFormMixin

from .models import ImportRun


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "govuk-file-upload"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


KIND_CHOICES = [("auto", "Work it out from the files"), *ImportRun.Kind.choices]


class UploadForm(GovUKFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What are you importing?",
        choices=KIND_CHOICES,
        initial="auto",
        widget=forms.RadioSelect,
    )
    files = MultipleFileField(
        label="Files",
        help_text="903 CSV or XML files, an Annex A workbook (.xlsx), or extract CSVs.",
        error_messages={"required": "Choose at least one file to import"},
    )


class ApplyForm(GovUKFormMixin, forms.Form):
    skip_invalid_rows = forms.BooleanField(
        label="Store the valid rows and leave out the rows with errors",
        required=False,
    )
