"""`{{ episode.legal_status|describe:"LegalStatus" }}` shows "C2: Full care order"."""

from django import template

from assure.children import codes

register = template.Library()


@register.filter
def describe(value: str | None, kind: str) -> str:
    choices = getattr(codes, kind, None)
    if choices is None:
        return value or ""
    return codes.describe(choices, value)


@register.filter
def meaning(value: str | None, kind: str) -> str:
    """The meaning alone, for a title or a hint."""
    choices = getattr(codes, kind, None)
    if not value or choices is None:
        return ""
    try:
        return choices(value).label
    except ValueError:
        return "Code not recognised"
