from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def standing_holds(context: Any, child: Any) -> list[Any] | None:
    """The legal holds standing on a child's record, for the people who place and lift them
    (the page has read the child through the policy); None for everyone else."""
    from assure.core import access
    from assure.governance.selectors import holds_of_child

    request = context.get("request")
    if request is None or not access.can(request.user, "manage_legal_holds"):
        return None
    return [h for h in holds_of_child(child=child) if h.lifted_at is None]
