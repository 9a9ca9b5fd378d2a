"""GOV.UK form rendering through Django's form-rendering API: `{{ form }}` and
`{{ form.field.as_field_group }}` produce GOV.UK markup, with an error summary that links to
each field."""

from django import forms
from django.forms.renderers import TemplatesSetting


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovUKDateInput(forms.DateInput):
    """A single ISO date field (type="date") that the browser offers a picker for."""

    input_type = "date"

    def __init__(self, attrs=None):  # type: ignore[no-untyped-def]
        super().__init__(
            attrs={"class": "govuk-input govuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


_WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.FileInput: "govuk-file-upload",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.PasswordInput: "govuk-input",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


class GovUKFormMixin:
    """Gives each widget its GOV.UK class, and links hints and errors to the input for
    screen readers."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)  # type: ignore[misc]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            css = next(
                (c for kind, c in _WIDGET_CLASSES.items() if type(widget) is kind), "govuk-input"
            )
            existing = widget.attrs.get("class", "")
            if css not in existing:
                widget.attrs["class"] = f"{css} {existing}".strip()
            described = []
            if field.help_text:
                described.append(f"id_{name}-hint")
            # Errors are marked in full_clean: reading self.errors here would validate the
            # form before a subclass has set its choices (the children list's filters).
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                ids = set(widget.attrs.get("aria-describedby", "").split())
                ids.add(f"id_{name}-error")
                widget.attrs["aria-describedby"] = " ".join(sorted(i for i in ids if i))
                classes = widget.attrs.get("class", "").split()
                for css in ("govuk-input", "govuk-select", "govuk-textarea"):
                    if css in classes and f"{css}--error" not in classes:
                        classes.append(f"{css}--error")
                widget.attrs["class"] = " ".join(classes)
