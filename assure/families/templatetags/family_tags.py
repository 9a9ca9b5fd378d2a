"""`{% child_families record.child as memberships %}`: the families of a child already shown
on the page (the child's own page includes families/child_families.html)."""

from typing import Any

from django import template

from assure.families import selectors

register = template.Library()


@register.simple_tag
def child_families(child: Any) -> list[Any]:
    return selectors.memberships_for_child(child=child)


@register.simple_tag(takes_context=True)
def may_manage_families(context: template.Context) -> bool:
    from assure.core import access

    request = context.get("request")
    return bool(request and access.can(request.user, "manage_families"))


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, [])
