"""Calendar helpers every care-history rule counts with.

- `add_months`: the same day of the month N months on, or the month's last day when it has
  no such day (31 August + 6 months is 28 or 29 February). Reviews "within three months",
  "six months", and "within 12 months" of leaving care all count this way; PostgreSQL's
  `date + interval 'N months'` counts the same, which `AddMonths` relies on.
- `one_year_before`: the same calendar date a year earlier (29 February goes to the 28th).
- `birthday`: the day a person born on `date_of_birth` turns `years` (born 29 February: 1
  March in a year without one, as `age_on` counts).
- working days in England (weekends and bank holidays skipped) come from core.working_days.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from typing import Any

from django.db.models import DateField, Func

from assure.core import working_days


def _days_in_month(year: int, month: int) -> int:
    # Not calendar.monthrange, which also works out the weekday: measurable on a national
    # tracker, where this runs for every child.
    if month == 2:
        return 29 if _calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (or earlier, for a negative number), or the
    month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _days_in_month(year, month)))


def one_year_before(day: dt.date) -> dt.date:
    """The same calendar date a year earlier; 29 February goes to 28 February."""
    return add_months(day, -12)


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def add_working_days(day: dt.date, days: int) -> dt.date:
    """`days` working days after `day`, skipping weekends and England's bank holidays."""
    return working_days.add_working_days(day, days)


def age_on(date_of_birth: dt.date | None, on: dt.date) -> int | None:
    """Age in whole years on a date; None when the date of birth is not known."""
    if date_of_birth is None:
        return None
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - before_birthday


def birthday(date_of_birth: dt.date, years: int) -> dt.date:
    """The day someone turns `years`: the first day `age_on` gives that age."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:  # born 29 February, and the year has none
        return dt.date(date_of_birth.year + years, 3, 1)


# SQL forms ---------------------------------------------------------------------------------


class AddDays(Func):
    """`expression + days` as a date, on SQLite and PostgreSQL alike (Django's own date
    arithmetic gives SQLite a timestamp string, which does not compare with a date)."""

    output_field = DateField()

    def __init__(self, expression: Any, days: int) -> None:
        self.days = int(days)
        super().__init__(expression, output_field=DateField())

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + ({self.days:d}))::date", params


class AddMonths(Func):
    """`add_months` in SQL. PostgreSQL's interval arithmetic keeps to the month's last day
    as `add_months` does. SQLite's `date(x, '+N months')` does not (31 August + 6 months is
    3 March there), so on SQLite the day is capped at the target month's length first."""

    output_field = DateField()

    def __init__(self, expression: Any, months: int) -> None:
        self.months = int(months)
        super().__init__(expression, output_field=DateField())

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        n = self.months
        first = f"date({sql}, 'start of month', '{n:+d} months')"
        last_day = f"CAST(strftime('%d', date({first}, '+1 months', '-1 days')) AS INTEGER)"
        day = f"CAST(strftime('%d', {sql}) AS INTEGER)"
        return (
            f"date({first}, '+' || (min({day}, {last_day}) - 1) || ' days')",
            params * 3,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(months => {self.months:d}))::date", params
