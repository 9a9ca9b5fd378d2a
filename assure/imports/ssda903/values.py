"""Reading one 903 value: dates in any of the layouts real files carry, codes from any
year's list (codelists.py), SEX in either coding. Each reader returns the clean value or
raises `BadValue(code, message)`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

from . import codelists

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(
    r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$"
)
# A time after the date, as spreadsheets and SQL Server write it (00:00, 00:00:00, and the
# 12-hour "12:00:00 AM" of .NET and Access exports).
_DMY_TIME = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4}) \d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AP]M)?$", re.IGNORECASE
)
# 14-Mar-2012 or 14 March 2012: Excel's "d-mmm-yyyy" format, saved as text. A two-digit
# year is not read: which century is meant cannot be told for a parent's date of birth.
_DMONY = re.compile(r"^(\d{1,2})[ \-/]([A-Za-z]{3,9})[ \-/](\d{4})$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# Five-digit serials cover 1927 to 2173: every date a 903 holds, and no plain year.
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
# No date in a 903 is this early: a year such as 0202 or 1020 is a typing slip.
EARLIEST = dt.date(1900, 1, 1)
# A whole number written with a decimal part, as pandas writes an integer column that has
# blanks (1.0) and spreadsheets sometimes do.
WHOLE_DECIMAL = re.compile(r"^(\d+)\.0+$")


# Words that say "no value": SQL Server's exports write NULL, and pandas writes nan (NaT for a
# date) when a table is turned to text before it is saved. No 903 code or ID is one of them.
NO_VALUE = frozenset({"NULL", "NAN", "NAT", "NONE"})


class BadValue(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Reader = Callable[[str], object]


@lru_cache(maxsize=65536)
def read_date(raw: str) -> dt.date:
    """dd/mm/yyyy (DfE), yyyy-mm-dd (regional, XML), either with a time, an Excel serial, or
    dd-Mon-yyyy (a spreadsheet's date format saved as text)."""
    if match := _DMY.match(raw) or _DMY_TIME.match(raw):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YMD.match(raw):
        year, month, day = (int(part) for part in match.groups())
    elif match := _SERIAL.match(raw):
        return EXCEL_EPOCH + dt.timedelta(days=int(match.group(1)))
    elif (match := _DMONY.match(raw)) and match.group(2).lower() in _MONTHS:
        day, month, year = int(match.group(1)), _MONTHS[match.group(2).lower()], int(match.group(3))
    else:
        raise BadValue("invalid-date", f"{raw!r} is not a date (expected dd/mm/yyyy)")
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise BadValue("invalid-date", f"{raw!r} is not a real date") from None
    if date < EARLIEST:
        raise BadValue("date-before-1900", f"{raw!r} is before 1900: no 903 date is")
    return date


def code_reader(column: str) -> Reader:
    """A code from the column's list in any year (codelists.LISTS); whether it is valid in
    the return's own year is checked later, once the year is known."""
    allowed = codelists.LISTS[column]
    first, last = (
        codelists.year_label(codelists.FIRST_YEAR),
        codelists.year_label(codelists.LAST_YEAR),
    )

    def read(raw: str) -> str:
        code = raw.upper()
        if code not in allowed:
            raise BadValue(
                "unknown-code",
                f"{raw!r} is not in the DfE's {column} list in any year from {first} to {last}",
            )
        return code

    return read


def pattern_reader(pattern: str, *, what: str) -> Reader:
    compiled = re.compile(pattern)

    def read(raw: str) -> str:
        code = raw.upper()
        if not compiled.match(code):
            raise BadValue("unknown-code", f"{raw!r} is not in any year's {what} list")
        return code

    return read


SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}


def read_sex(raw: str) -> str:
    """1/2 to 2023/24, M/F/U since (1 = male, 2 = female). The code is kept as written, so
    that its year can be checked; `sex_of` gives what is stored."""
    code = raw.upper()
    if code not in SEX_CODES:
        raise BadValue("unknown-code", f"{raw!r} is not a SEX code (1, 2, M, F or U)")
    return code


def sex_of(code: str | None) -> str | None:
    """The stored sex (M, F or U) of a SEX code in either coding."""
    return SEX_CODES.get(code) if code else None


FLAGS = {"0": False, "1": True, "N": False, "Y": True, "FALSE": False, "TRUE": True}


def read_flag(raw: str) -> bool:
    try:
        return FLAGS[raw.upper()]
    except KeyError:
        raise BadValue("invalid-value", f"{raw!r} is not 0 or 1") from None


def int_reader(low: int, high: int) -> Reader:
    def read(raw: str) -> int:
        try:
            number = int(float(raw)) if raw.replace(".", "", 1).isdigit() else int(raw)
        except ValueError:
            raise BadValue("invalid-value", f"{raw!r} is not a whole number") from None
        if not low <= number <= high:
            raise BadValue("invalid-value", f"{raw!r} is not between {low} and {high}")
        return number

    return read


def text_reader(max_length: int, *, upper: bool = False) -> Reader:
    def read(raw: str) -> str:
        if len(raw) > max_length:
            raise BadValue("value-too-long", f"{raw!r} is longer than {max_length} characters")
        return raw.upper() if upper else raw

    return read


_PARTIAL_DATE = re.compile(r"^(\d{2}|ZZ)/(\d{2}|ZZ)/(\d{4}|ZZZZ)$", re.IGNORECASE)


def read_partial_date(raw: str) -> str:
    """PrevPerm's DATE_PERM may have unknown parts (zz/zz/2015): kept as returned, in
    dd/mm/yyyy; an ISO date is turned into that form."""
    if _PARTIAL_DATE.match(raw):
        return raw.lower()
    try:
        return read_date(raw).strftime("%d/%m/%Y")
    except BadValue:
        raise BadValue(
            "invalid-date", f"{raw!r} is not a date (dd/mm/yyyy, parts may be zz)"
        ) from None


POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")
UPN = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$|^UN([1-9]|10)$")
