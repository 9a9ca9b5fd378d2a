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


@register.inclusion_tag("audits/home_panels.html", takes_context=True)
def audit_home_panels(context: dict[str, Any]) -> dict[str, Any]:
    """The audit panels on the home page, by role (issue 5 item 7)."""
    from assure.audits.selectors import home_panels

    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"panels": {}}
    return {"panels": home_panels(user=user)}


@register.simple_tag
def child_audits(child: Any) -> list[Any]:
    """The audits shown on a child's page (the page has read the child through the policy)."""
    from assure.audits.selectors import audits_of_child

    return audits_of_child(child=child)
