"""The one rule for spreadsheet-safe cells."""

import pytest

from assure.core.spreadsheet import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+44 1234", "'+44 1234"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Smith", "Smith"),
        ("", ""),
        (-1, -1),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_is_made_plain(value, expected):
    assert safe_cell(value) == expected
