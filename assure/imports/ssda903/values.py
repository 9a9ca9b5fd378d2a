"""Reading one 903 value: dates in any of the layouts real files carry, codes from any
year's list, SEX in either coding. Each reader returns the clean value or raises
`BadValue(code, message)`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(
    r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$"
)
_DMY_TIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) \d{1,2}:\d{2}(?::\d{2})?$")
# Five-digit serials cover 1927 to 2173: every date a 903 holds, and no plain year.
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")


class BadValue(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Reader = Callable[[str], object]


@lru_cache(maxsize=65536)
def read_date(raw: str) -> dt.date:
    """dd/mm/yyyy (DfE), yyyy-mm-dd (regional, XML), either with a time, or an Excel serial."""
    if match := _DMY.match(raw) or _DMY_TIME.match(raw):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YMD.match(raw):
        year, month, day = (int(part) for part in match.groups())
    elif match := _SERIAL.match(raw):
        return EXCEL_EPOCH + dt.timedelta(days=int(match.group(1)))
    else:
        raise BadValue("invalid-date", f"{raw!r} is not a date (expected dd/mm/yyyy)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadValue("invalid-date", f"{raw!r} is not a real date") from None


def code_reader(allowed: frozenset[str], *, what: str) -> Reader:
    def read(raw: str) -> str:
        code = raw.upper()
        if code not in allowed:
            raise BadValue("unknown-code", f"{raw!r} is not in any year's {what} list")
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
    """1/2 before 2024/25, M/F/U since (1 = male, 2 = female)."""
    try:
        return SEX_CODES[raw.upper()]
    except KeyError:
        raise BadValue("unknown-code", f"{raw!r} is not a SEX code (1, 2, M, F or U)") from None


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
