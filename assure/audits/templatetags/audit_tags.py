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


@register.simple_tag(takes_context=True)
def child_audits(context: Any, child: Any) -> list[Any] | None:
    """The audits shown on a child's page (the page has read the child through the policy),
    or None for people who may not see audits."""
    from assure.audits.selectors import audits_of_child
    from assure.core import access

    request = context.get("request")
    if request is None or not access.can(request.user, "view_audits"):
        return None
    return audits_of_child(child=child)


@register.filter
def with_findings(audits: list[Any]) -> bool:
    """Whether any of these audits (from `child_audits`) has a finding."""
    return any(getattr(a, "findings_shown", None) for a in audits)


@register.simple_tag(takes_context=True)
def family_audits_panel(context: Any, family: Any) -> dict[str, Any]:
    """The family audits on a family's page (which has read the family through the access
    policy), each with only the child audits this user may see, and whether they may start
    one (the people who allocate audits)."""
    from assure.audits.family_selectors import family_audits_of_family
    from assure.core import access

    request = context.get("request")
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or family is None:
        return {"audits": [], "may_start": False}
    return {
        "audits": family_audits_of_family(user=user, family=family),
        "may_start": access.can(user, "audit_cases"),
    }
