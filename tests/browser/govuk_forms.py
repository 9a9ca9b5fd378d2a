"""Filling GOV.UK form patterns as a person does: the date input's three boxes, found by the
fieldset's legend."""

import datetime as dt

from playwright.sync_api import Locator, Page


def fill_date(scope: Page | Locator, legend: str, day: dt.date, *, exact: bool = False) -> None:
    """Type a date into the GOV.UK date input whose legend is `legend`."""
    group = scope.get_by_role("group", name=legend, exact=exact)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
