"""`{% import_notices %}`: refused automatic imports not yet dealt with, for the people who
import data (on their home page and the import page). One query; nothing for anyone else."""

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from assure.core import access

register = template.Library()

NOT_RECORDED = "not recorded"


@register.filter
def figure(record: dict[str, Any] | None, key: str) -> str:
    """`{{ run.counts|figure:"rows_read" }}`: "1,912", or "not recorded" when the run lacks
    the figure (a refusal before the files were read, a run recorded by an older version),
    so that a missing number never reads as a blank or as nought."""
    value = (record or {}).get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        return NOT_RECORDED
    return intcomma(value)


@register.filter
def problem_counts(counts: dict[str, Any] | None, joiner: str = ", ") -> str:
    """ "1 error, 3 warnings" (or "1 error and 3 warnings", given " and ") from a run's
    counts, or "not recorded" without them."""
    counts = counts or {}
    if not all(isinstance(counts.get(key), int) for key in ("errors", "warnings")):
        return NOT_RECORDED
    return _many(counts["errors"], "error") + joiner + _many(counts["warnings"], "warning")


def _many(count: int, noun: str) -> str:
    return f"{intcomma(count)} {noun}{'' if count == 1 else 's'}"


@register.inclusion_tag("imports/_notices.html", takes_context=True)
def import_notices(context: dict[str, Any]) -> dict[str, Any]:
    from assure.imports.selectors import automatic_runs_needing_attention

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.can(user, "import_data"):
        return {"notices": []}
    return {"notices": automatic_runs_needing_attention()}
