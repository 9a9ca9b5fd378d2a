"""Types the API's parameters share.

`IsoDate`: a real date written YYYY-MM-DD, typed `format: date` in the schema. Pydantic on its
own also takes numbers (0 is 1 January 1970) and other spellings; the contract says
YYYY-MM-DD, so anything else is a 422, and no schema-valid value is refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO.match(value):
        raise ValueError("Enter a real date as YYYY-MM-DD.")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("Enter a real date as YYYY-MM-DD.") from None
    if not EARLIEST <= day <= LATEST:
        raise ValueError("Enter a date between 1900 and 2100.")
    return day


IsoDate = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": "A date, YYYY-MM-DD, from 1900 to 2100.",
        }
    ),
]
