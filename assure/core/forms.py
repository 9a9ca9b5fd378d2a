"""GOV.UK form rendering through Django's form-rendering API: `{{ form }}` and
`{{ form.field.as_field_group }}` produce GOV.UK markup, with an error summary that links to
the first input of each field.

Every form in Assure uses `GovUKFormMixin`, and through it the design system's patterns: the
date input (three boxes, never the browser's date picker), radios and checkboxes, selects
whose empty choice says "Choose ..." (never Django's "---------"), and people picked from a
list of those eligible, by name. The mixin also mends a field declared the Django way (a
plain `DateField`, a `SelectMultiple`, a "---------" choice), so a new form cannot bring a
default widget back; tests/test_forms_patterns.py walks every form and fails on one left."""

import datetime as dt
from collections import Counter
from typing import Any

from django import forms
from django.core.exceptions import MultipleObjectsReturned
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.renderers import TemplatesSetting

DJANGO_EMPTY_LABEL = "---------"
DATE_EXAMPLE = "For example, 27 3 2026"


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


# --- the date input ---------------------------------------------------------------------------

DATE_PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


class GovUKDatePartsWidget(forms.Widget):
    """The GOV.UK date input: day, month and year in three boxes named `<name>-day`,
    `<name>-month` and `<name>-year`, in a fieldset whose legend is the field's label
    (govuk/forms/field.html). Not the browser's own date picker, which shows mm/dd/yyyy in
    an American browser. A plain ISO date posted under the field's own name is read too, so
    that scripts, links and tests that send "2026-03-10" keep working."""

    template_name = "govuk/forms/date_input.html"

    def get_context(self, name, value, attrs):  # type: ignore[no-untyped-def]
        context = super().get_context(name, value, attrs)
        values = _date_parts(value)
        has_error = "--error" in context["widget"]["attrs"].get("class", "")
        at_fault = _parts_at_fault(value) if has_error else set()
        context["widget"]["parts"] = [
            {
                "part": part,
                "label": label,
                "width": width,
                "value": values.get(part, ""),
                "error": part in at_fault,
            }
            for part, label, width in DATE_PARTS
        ]
        context["widget"]["has_error"] = has_error
        return context

    def value_from_datadict(self, data, files, name):  # type: ignore[no-untyped-def]
        parts = {part: str(data.get(f"{name}-{part}", "")).strip() for part, _, _ in DATE_PARTS}
        if any(parts.values()):
            return parts
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):  # type: ignore[no-untyped-def]
        return name not in data and not any(f"{name}-{part}" in data for part, _, _ in DATE_PARTS)

    def id_for_label(self, id_):  # type: ignore[no-untyped-def]
        return f"{id_}-day" if id_ else id_


# The name the forms used for the date widget before the GOV.UK date input; kept so that a
# form written against it still gets the three boxes (the mixin makes its field a
# GovUKDateField, which reads them).
GovUKDateInput = GovUKDatePartsWidget


def _date_parts(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items()}
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return {}
    if isinstance(value, dt.date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    return {}


def _parts_at_fault(value: Any) -> set[str]:
    """The boxes to mark in error: the missing ones, or a year without four numbers; else
    all three (the date as a whole is not real), as the design system advises."""
    every = {part for part, _, _ in DATE_PARTS}
    if not isinstance(value, dict):
        return every
    missing = {part for part in every if not str(value.get(part, "")).strip()}
    if missing:
        return missing
    if len(str(value.get("year", "")).lstrip("0")) != 4:
        return {"year"}
    return every


def _subject(label: Any) -> str:
    """The field's label as the subject of an error message: "Due date (optional)" gives
    "Due date"."""
    text = str(label or "The date").replace("(optional)", "").strip()
    return text[:1].upper() + text[1:]


class GovUKDateField(forms.DateField):
    """A date entered in the GOV.UK date input, with the design system's error messages:
    "Enter the due date", "Due date must include a month", "Due date must be a real date",
    "Year must include 4 numbers". A form's own "required" or "invalid" message wins."""

    widget = GovUKDatePartsWidget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        help_text = str(kwargs.get("help_text") or "")
        if DATE_EXAMPLE not in help_text:
            kwargs["help_text"] = f"{help_text} {DATE_EXAMPLE}".strip()
        own = dict(kwargs.pop("error_messages", None) or {})
        super().__init__(*args, **kwargs)
        subject = _subject(self.label)
        self.error_messages = {
            **self.error_messages,
            "required": f"Enter the {subject[:1].lower()}{subject[1:]}"
            if self.label
            else "Enter the date",
            "invalid": f"{subject} must be a real date",
            "missing": subject + " must include a {parts}",
            "year": "Year must include 4 numbers",
            **own,
        }

    def to_python(self, value: Any) -> dt.date | None:
        if not isinstance(value, dict):
            return super().to_python(value)
        missing = [part for part, _, _ in DATE_PARTS if not value.get(part)]
        if missing:
            raise forms.ValidationError(
                self.error_messages["missing"].format(parts=" and ".join(missing)),
                code="invalid",
            )
        if not all(str(value[part]).isdigit() for part, _, _ in DATE_PARTS):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = (int(value[part]) for part, _, _ in DATE_PARTS)
        if len(str(value["year"]).lstrip("0")) != 4:
            raise forms.ValidationError(self.error_messages["year"], code="invalid")
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- people picked from a list ----------------------------------------------------------------


def _people_in_name_order(queryset: Any) -> Any:
    return queryset.order_by("first_name", "last_name", "username")


class _PeopleByName(ModelChoiceIterator):
    """Each person by name; two people with the same name are told apart by their email
    address (a user name means nothing to most people). One query, like Django's own."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        people = list(self.queryset)
        names = Counter(person.display_name for person in people)
        for person in people:
            label = person.display_name
            if names[label] > 1:
                label = f"{label} ({person.email or person.username})"
            yield (ModelChoiceIteratorValue(self.field.prepare_value(person), person), label)


class PersonField(forms.ModelChoiceField):
    """One person, picked from a list of those eligible (`access.holders(...)`), shown by
    name, never by user name. The value posted is the user name (case ignored), so scripts
    and the API's words stay the same. `gives` says what the form gets: the user, their user
    name or their name (for a record that keeps an owner as words)."""

    def __init__(
        self,
        *,
        queryset: Any,
        gives: str = "user",
        empty_label: str = "Choose a person",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("to_field_name", "username")
        super().__init__(
            queryset=_people_in_name_order(queryset), empty_label=empty_label, **kwargs
        )
        self.gives = gives
        # A long list becomes an accessible autocomplete in the browser (frontend/src/app.js).
        self.widget.attrs.setdefault("data-module", "app-person-picker")

    iterator = _PeopleByName

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if hasattr(value, "_meta"):
            return value
        key = self.to_field_name or "pk"
        lookup = {f"{key}__iexact": str(value).strip()} if key == "username" else {key: value}
        try:
            return self.queryset.get(**lookup)
        except (ValueError, TypeError, MultipleObjectsReturned, self.queryset.model.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def clean(self, value: Any) -> Any:
        user = super().clean(value)
        if self.gives == "user":
            return user
        if user is None:
            return ""
        return user.username if self.gives == "username" else user.display_name


class PeopleField(forms.ModelMultipleChoiceField):
    """Several people, picked as checkboxes from those eligible, shown by name."""

    widget = forms.CheckboxSelectMultiple
    iterator = _PeopleByName

    def __init__(self, *, queryset: Any, **kwargs: Any) -> None:
        super().__init__(queryset=_people_in_name_order(queryset), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


# --- the mixin --------------------------------------------------------------------------------

_WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.FileInput: "govuk-file-upload",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.PasswordInput: "govuk-input",
    forms.CheckboxInput: "govuk-checkboxes__input",
}
# Rendered by includes/choices.html and date_input.html, which give their own classes.
_OWN_MARKUP = (forms.RadioSelect, forms.CheckboxSelectMultiple, GovUKDatePartsWidget)


def _choose_label(field: forms.Field, name: str) -> str:
    subject = str(field.label or name.replace("_", " ")).replace("(optional)", "").strip()
    return f"Choose {subject[:1].lower()}{subject[1:]}"


def _as_govuk_date(field: forms.DateField) -> GovUKDateField:
    defaults = forms.DateField().error_messages
    own = {k: v for k, v in field.error_messages.items() if defaults.get(k) != v}
    return GovUKDateField(
        label=field.label,
        required=field.required,
        help_text=field.help_text,
        initial=field.initial,
        error_messages=own,
        validators=field.validators,
        disabled=field.disabled,
    )


def govuk_field(field: forms.Field, name: str) -> forms.Field:
    """The field with GOV.UK patterns in place of Django's defaults."""
    if isinstance(field, forms.DateField) and not isinstance(field, GovUKDateField):
        field = _as_govuk_date(field)
    widget = field.widget
    if type(widget) is forms.SelectMultiple:
        field.widget = forms.CheckboxSelectMultiple(attrs=widget.attrs)
        field.widget.choices = field.choices  # type: ignore[attr-defined]
        widget = field.widget
    if isinstance(field, forms.ModelChoiceField) and field.empty_label == DJANGO_EMPTY_LABEL:
        # Radios show no empty choice; a select says what to choose.
        field.empty_label = (
            None if isinstance(widget, forms.RadioSelect) else _choose_label(field, name)
        )
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if any(value == "" and label == DJANGO_EMPTY_LABEL for value, label in choices):
            field.choices = [
                (value, _choose_label(field, name) if value == "" else label)
                for value, label in choices
                if not (value == "" and isinstance(widget, forms.RadioSelect))
            ]
    return field


class GovUKFormMixin:
    """Gives each field its GOV.UK pattern and class, and links hints and errors to the
    input for screen readers."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)  # type: ignore[misc]
        self._govuk_prepare()

    def _govuk_prepare(self) -> None:
        """Run again when a field is read, so that fields a form adds or replaces after
        this mixin's __init__ get the same treatment."""
        for name, field in list(self.fields.items()):  # type: ignore[attr-defined]
            if getattr(field, "_govuk_ready", False):
                continue
            field = govuk_field(field, name)
            self.fields[name] = field  # type: ignore[attr-defined]
            field._govuk_ready = True  # type: ignore[attr-defined]
            widget = field.widget
            if not isinstance(widget, _OWN_MARKUP):
                css = next(
                    (c for kind, c in _WIDGET_CLASSES.items() if type(widget) is kind),
                    "govuk-input",
                )
                existing = widget.attrs.get("class", "")
                if css not in existing.split():
                    widget.attrs["class"] = f"{css} {existing}".strip()
            # Errors are marked in full_clean: reading self.errors here would validate the
            # form before a subclass has set its choices (the children list's filters).
            if field.help_text and not isinstance(widget, _OWN_MARKUP):
                prefix = self.add_prefix(name)  # type: ignore[attr-defined]
                widget.attrs["aria-describedby"] = f"id_{prefix}-hint"

    def __getitem__(self, name: str) -> Any:
        self._govuk_prepare()
        return super().__getitem__(name)  # type: ignore[misc]

    def full_clean(self) -> None:
        self._govuk_prepare()
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                if not isinstance(widget, _OWN_MARKUP):
                    prefix = self.add_prefix(name)  # type: ignore[attr-defined]
                    ids = set(widget.attrs.get("aria-describedby", "").split())
                    ids.add(f"id_{prefix}-error")
                    widget.attrs["aria-describedby"] = " ".join(sorted(i for i in ids if i))
                classes = widget.attrs.get("class", "").split()
                for css in ("govuk-input", "govuk-select", "govuk-textarea"):
                    if css in classes and f"{css}--error" not in classes:
                        classes.append(f"{css}--error")
                if isinstance(widget, GovUKDatePartsWidget):
                    if "govuk-input--error" not in classes:
                        classes.append("govuk-input--error")
                    # The error summary links to the first box at fault (form.html).
                    raw = widget.value_from_datadict(
                        self.data,  # type: ignore[attr-defined]
                        self.files,  # type: ignore[attr-defined]
                        self.add_prefix(name),  # type: ignore[attr-defined]
                    )
                    at_fault = _parts_at_fault(raw)
                    self.fields[name].first_error_part = next(  # type: ignore[attr-defined]
                        part for part, _, _ in DATE_PARTS if part in at_fault
                    )
                widget.attrs["class"] = " ".join(classes)
