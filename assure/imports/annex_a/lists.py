"""Annex A lists: finding them, matching their headers, and reading their values.

Headers differ between councils and years, so a header is normalised (case, spacing,
punctuation, non-breaking spaces, apostrophes) and matched by pattern to a field. Values
often carry the list's own prefixes ("b) Female", "C2: FCO", "f) U6: Foster placement -
not FFA"): the prefix letter is dropped and a code before a colon is taken as the code.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from assure.children import codes

from ..ssda903.values import EXCEL_EPOCH, BadValue, read_date


def normalise(text: Any) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\xa0", " ").lower()
    text = text.replace("\u2019", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


# Field -> pattern over the normalised header. Order matters: the first match wins.
HEADER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("child_id", r"^(childs? )?(unique )?(id|identifier)$|^child unique id|^child id"),
    ("family_id", r"family (id|identifier)"),
    ("sex", r"^(gender|sex)$"),
    ("date_of_birth", r"^(date of birth|dob|birth date)$"),
    ("ethnicity", r"^ethnic"),
    ("uasc", r"^uasc|unaccompanied"),
    ("reason_ceased", r"reason ceased"),
    ("end_date", r"date (ceased|left).*(looked after|care)"),
    (
        "start_date",
        r"date (the child )?(started|entered|began|became).*(looked after|care)|date of entry",
    ),
    ("legal_status_date", r"date.*legal status"),  # "Start date of current legal status"
    ("legal_status", r"legal status"),
    ("category_of_need", r"category of need"),
    ("placement_type", r"^(current )?placement type|type of (current )?placement"),
    ("plan", r"permanence plan"),
    ("team", r"^(allocated )?team( name)?$"),
    ("worker", r"^allocated (social )?worker|^(social )?worker( name)?$"),
    ("no_longer_date", r"date.*no longer.*adoption"),
    ("decision_date", r"date.*decision.*(placed for adoption|adoption)|date.*adm decision"),
    ("placement_order_date", r"date.*placement order"),
    ("match_date", r"date.*match"),
    ("placed_date", r"date.*placed (for adoption|in adoptive|with adopters)"),
)
_COMPILED = [(name, re.compile(pattern)) for name, pattern in HEADER_PATTERNS]


def match_header(text: Any) -> str | None:
    norm = normalise(text)
    if not norm:
        return None
    for name, pattern in _COMPILED:
        if pattern.search(norm):
            return name
    return None


# A list is recognised by its name ("List 8", "List 8 - Children in Care", "L8") or, failing
# that, by the fields of its header row.
LISTS = {8: "List 8", 10: "List 10"}
_NAME = re.compile(r"^(?:annex a )?(?:list|l) ?0?(\d{1,2})\b")


def list_from_name(title: str) -> int | None:
    match = _NAME.match(normalise(title))
    return int(match.group(1)) if match else None


def list_from_fields(fields: set[str]) -> int | None:
    if "child_id" not in fields:
        return None
    if fields & {"decision_date", "placed_date", "placement_order_date", "no_longer_date"}:
        return 10
    if fields & {"start_date", "legal_status", "plan"}:
        return 8
    return None


# --- values ---------------------------------------------------------------------------

BLANKS = {"", "#n/a", "n/a", "na", "#na", "null", "none"}
_LETTER = re.compile(r"^\(?[a-z]\)\s*", re.IGNORECASE)
_CODE = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*(?::|-|\s-\s|$)")


def text(value: Any) -> str:
    """Cell text: NBSP and runs of spaces made single spaces, ends stripped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value).replace("\xa0", " ")).strip()


def is_blank(value: Any) -> bool:
    return value is None or text(value).lower() in BLANKS


def strip_letter(raw: str) -> str:
    return _LETTER.sub("", raw, count=1).strip()


def read_date_cell(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise BadValue("invalid-date", f"{value!r} is not an Excel date")
    return read_date(text(value))


def code_reader(choices: type, *, what: str) -> Callable[[Any], str]:
    allowed = set(choices.values)  # type: ignore[attr-defined]
    by_label = {normalise(label): value for value, label in choices.choices}  # type: ignore[attr-defined]

    def read(value: Any) -> str:
        raw = strip_letter(text(value))
        match = _CODE.match(raw.upper())
        if match and match.group(1) in allowed:
            return match.group(1)
        if raw.upper() in allowed:
            return raw.upper()
        if normalise(raw) in by_label:
            return by_label[normalise(raw)]
        raise BadValue("unknown-code", f"{text(value)!r} is not a {what} code")

    return read


SEX_WORDS = {"male": "M", "female": "F", "m": "M", "f": "F", "1": "M", "2": "F", "u": "U"}
SEX_WORDS |= {"unknown": "U", "not known": "U", "not stated": "U", "other": "U"}
SEX_WORDS |= {"indeterminate": "U", "neither": "U", "not recorded": "U", "boy": "M", "girl": "F"}


def read_sex(value: Any) -> str:
    raw = normalise(strip_letter(text(value)))
    if raw in SEX_WORDS:
        return SEX_WORDS[raw]
    raise BadValue("unknown-code", f"{text(value)!r} is not a sex (male, female, not known)")


FLAG_WORDS = {"yes": True, "y": True, "1": True, "true": True}
FLAG_WORDS |= {"no": False, "n": False, "0": False, "false": False}


def read_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = normalise(strip_letter(text(value)))
    if raw in FLAG_WORDS:
        return FLAG_WORDS[raw]
    raise BadValue("invalid-value", f"{text(value)!r} is not yes or no")


# List 8's permanence plan options (and common ways of writing them) -> Assure's plan.
PLAN_WORDS = {
    "return to family": "return_home",
    "return home": "return_home",
    "adoption": "adoption",
    "sgo cao": "sgo",
    "sgo": "sgo",
    "special guardianship order": "sgo",
    "cao": "cao",
    "child arrangements order": "cao",
    "supported living": "supported_living",
    "supported living in the community": "supported_living",
    "long term residential": "residential",
    "long term residential placement": "residential",
    "residential": "residential",
    "long term fostering": "long_term_fostering",
    "placement with parents": "placement_with_parents",
    "other": "other",
}


def read_plan(value: Any) -> str:
    raw = normalise(strip_letter(text(value)))
    if raw in PLAN_WORDS:
        return PLAN_WORDS[raw]
    raise BadValue(
        "unknown-code",
        f"{text(value)!r} is not a list 8 permanence plan (return to family, adoption, "
        "SGO/CAO, supported living, long-term residential, long-term fostering, other)",
    )


def read_text(max_length: int) -> Callable[[Any], str]:
    def read(value: Any) -> str:
        raw = text(value)
        if len(raw) > max_length:
            raise BadValue("value-too-long", f"longer than {max_length} characters")
        return raw

    return read


READERS: dict[str, Callable[[Any], Any]] = {
    "child_id": read_text(50),
    "family_id": read_text(50),
    "sex": read_sex,
    "date_of_birth": read_date_cell,
    "ethnicity": code_reader(codes.Ethnicity, what="ethnicity"),
    "uasc": read_flag,
    "reason_ceased": code_reader(codes.ReasonCeased, what="reason ceased"),
    "end_date": read_date_cell,
    "start_date": read_date_cell,
    "legal_status_date": read_date_cell,
    "legal_status": code_reader(codes.LegalStatus, what="legal status"),
    "category_of_need": code_reader(codes.CategoryOfNeed, what="category of need"),
    "placement_type": code_reader(codes.PlacementType, what="placement type"),
    "plan": read_plan,
    "team": read_text(120),
    "worker": read_text(160),
    "no_longer_date": read_date_cell,
    "decision_date": read_date_cell,
    "placement_order_date": read_date_cell,
    "match_date": read_date_cell,
    "placed_date": read_date_cell,
}
