"""Cells safe to open in a spreadsheet: the one rule every CSV and XLSX download follows.

Text that Excel or LibreOffice would run as a formula (starting with = + - @, a tab or a
carriage return) gets a leading apostrophe, so a name typed as "=HYPERLINK(...)" in a
case-management system arrives as text."""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text a spreadsheet would treat as a formula made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
