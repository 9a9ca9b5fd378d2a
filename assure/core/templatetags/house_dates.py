"""`{{ escalation.acknowledge_by|moment }}` shows "7 December 2026 at 5:10am": the one way
a deadline or any moment is written on a page (core/formats.py)."""

import datetime as dt

from django import template

from assure.core.formats import moment_words

register = template.Library()


@register.filter
def moment(value: dt.datetime | None) -> str:
    return moment_words(value)
