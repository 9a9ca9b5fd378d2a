"""Small template helpers for the audit pages."""

from typing import Any

from django import template

register = template.Library()

GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "inadequate": "Inadequate",
    "not_applicable": "Not applicable",
    "yes": "Yes",
    "partly": "Partly",
    "no": "No",
}
GRADE_TAGS = {
    "outstanding": "green",
    "good": "turquoise",
    "requires_improvement": "yellow",
    "inadequate": "red",
}


@register.filter
def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def value_label(value: str) -> str:
    return GRADE_LABELS.get(value, value)


@register.filter
def grade_tag(value: str) -> str:
    return GRADE_TAGS.get(value, "grey")
