"""Working days in England: not a Saturday, a Sunday or a bank holiday.

Bank holidays come from the `holidays` package (England's own, with the one-off days such as
the 2022 state funeral), computed offline for any year, so statutory timescales counted in
working days (the first looked-after review, an escalation's acknowledgement) are right around
Christmas and Easter without anyone keeping a list.
"""

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England's bank holidays in a year."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


@lru_cache(maxsize=16384)
def add_working_days(day: dt.date, days: int) -> dt.date:
    """The date `days` working days after `day` (which itself need not be one). Cached: the
    tracker asks it for every child in care, and their start dates repeat."""
    current = day
    while days > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day`."""
    return add_working_days(day, 1)


def working_day_on_or_before(day: dt.date) -> dt.date:
    """`day` if it is a working day, else the last working day before it: a due date never
    falls at a weekend or on a bank holiday, and never moves later than the day it was."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day
