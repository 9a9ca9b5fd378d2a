"""`{% import_notices %}`: refused automatic imports not yet dealt with, for the people who
import data (on their home page and the import page). One query; nothing for anyone else."""

from typing import Any

from django import template

from assure.core import access

register = template.Library()


@register.inclusion_tag("imports/_notices.html", takes_context=True)
def import_notices(context: dict[str, Any]) -> dict[str, Any]:
    from assure.imports.selectors import automatic_runs_needing_attention

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.can(user, "import_data"):
        return {"notices": []}
    return {"notices": automatic_runs_needing_attention()}
