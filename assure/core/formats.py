"""The house way of writing a moment in words, GOV.UK style: "7 December 2026 at 5:10am",
"8 December 2026 at 5pm", "midday", "midnight" (the GOV.UK style guide, "Times"). Pages use
it through the `moment` filter (core/templatetags/house_dates.py); messages built in Python
call `moment_words` so that a deadline reads the same wherever it is written."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def time_words(moment: dt.time) -> str:
    """ "5:10am", "5pm", "midday", "midnight"."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def moment_words(moment: dt.datetime | None) -> str:
    """ "7 December 2026 at 5:10am" in the council's time zone; "" for no moment."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%B %Y} at {time_words(moment.time())}"


def day_words(day: dt.date | None) -> str:
    """ "21 December 2026": a date written in words, as GOV.UK writes dates; "" for none."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"
