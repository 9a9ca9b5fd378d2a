"""The 903's code lists, year by year, as data.

Each list maps a code to the collection years in which the DfE's technical specification
allows it. A collection year is named by the year it ends: 2024 is 2023/24 (1 April 2023
to 31 March 2024). Lists start at 2015/16 (`FIRST_YEAR`); a code with no last year is valid
to this day.

How the importer uses them (`tables.py`, `rows.py`, `importer.py`):

- a code in no year's list is invalid: an error where the care history needs the column
  (RNE, LS, PLACE, REC), otherwise the value is stored blank with a warning;
- a code valid in some years but not in the return's collection year is a warning naming
  the years it is valid in (`code-not-in-year`).

Sources: the DfE's "Children looked after return (SSDA903): technical specification" and
its validation rules for each year from 2015/16 to 2025/26, as the code lists were
published there. Where the year a code came in or went out is not certain from those
documents, the entry says so in a comment (`# uncertain: ...`); docs/imports/ssda903.md
lists the same doubts. Changing a list is changing data: add the year, never rewrite
history.
"""

from __future__ import annotations

from dataclasses import dataclass

from assure.children.care.exits import (
    CURRENT_SGO_EXIT_CODES,
    HISTORIC_SGO_EXIT_CODES,
    SGO_CODES_SPLIT_YEAR,
)
from assure.children.care.periods import CONTINUES

FIRST_YEAR = 2016  # 2015/16
LAST_YEAR = 2026  # 2025/26: the latest specification these lists follow


def year_label(year: int) -> str:
    """2024 -> "2023/24"."""
    return f"{year - 1}/{year % 100:02d}"


@dataclass(frozen=True)
class Span:
    since: int = FIRST_YEAR
    until: int | None = None  # the last collection year it is valid in; None: still valid

    def covers(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)

    def label(self) -> str:
        first = max(self.since, FIRST_YEAR)
        if self.until is None:
            return f"{year_label(first)} onwards" if first > FIRST_YEAR else "every year"
        if first == self.until:
            return year_label(first)
        return f"{year_label(first)} to {year_label(self.until)}"


ALWAYS = Span()


def _all(*codes: str) -> dict[str, Span]:
    return dict.fromkeys(codes, ALWAYS)


# Header ----------------------------------------------------------------------------------

SEX = {
    "1": Span(until=2024),  # male, to 2023/24
    "2": Span(until=2024),  # female, to 2023/24
    "M": Span(since=2025),
    "F": Span(since=2025),
    "U": Span(since=2025),  # not known
}

ETHNIC = _all(
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)  # fmt: skip

FLAG = _all("0", "1")  # MOTHER, FOSTER_CARE, the OC2 items, UASC in the XML
# The OC2 table's yes/no items (outcomes for children looked after a year or more).
OC2_FLAGS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)

# Episodes --------------------------------------------------------------------------------

RNE = _all("S", "L", "P", "T", "U", "B")

LS = _all(
    "C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3",
)  # fmt: skip

CIN = _all("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")

PLACE = {
    **_all(
        "A3",
        "A4",
        "A5",
        "A6",
        "K1",
        "K2",
        "P1",
        "P3",
        "R1",
        "R2",
        "R3",
        "R5",
        "S1",
        "T0",
        "T1",
        "T2",
        "T3",
        "T4",
        "U1",
        "U2",
        "U3",
        "U4",
        "U5",
        "U6",
    ),  # fmt: skip
    # Gone from 2025/26, when Z1 was split into Z11 to Z14.
    "H5": Span(until=2025),  # semi-independent living not regulated as a children's home
    "P2": Span(until=2025),  # independent living
    "Z1": Span(until=2025),
    # Registered supported accommodation, regulated from October 2023.
    "K3": Span(since=2025),  # uncertain: first in the 2024/25 specification's list
    "Z11": Span(since=2026),
    "Z12": Span(since=2026),
    "Z13": Span(since=2026),
    "Z14": Span(since=2026),
}

PLACE_PROVIDER = _all("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")

REC = {
    **_all(
        CONTINUES,
        "E11",
        "E12",
        "E13",
        "E2",
        "E3",
        "E4A",
        "E4B",
        "E41",
        "E5",
        "E6",
        "E7",
        "E8",
        "E9",
        "E14",
        "E15",
        "E16",
    ),  # fmt: skip
    # Staying put at 18.
    "E17": Span(),  # uncertain: may have come in after 2015/16
    # Special guardianship: two codes to 2017/18, four (relative or friend or not) since:
    # the care rules' own codes and year.
    **{c: Span(until=SGO_CODES_SPLIT_YEAR - 1) for c in sorted(HISTORIC_SGO_EXIT_CODES)},
    **{c: Span(since=SGO_CODES_SPLIT_YEAR) for c in sorted(CURRENT_SGO_EXIT_CODES)},
}

REASON_PLACE_CHANGE = _all(
    "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ",
    "PLACE", "OTHER",
    # Custody arrangement.
    "CUSTOD",  # uncertain: in the lists from 2022/23; its first year is not certain
)  # fmt: skip

# Reviews, PrevPerm, Missing, PlacedAdoption, AD1 -----------------------------------------

REVIEW_CODE = _all("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")

PREV_PERM = _all("P1", "P2", "P3", "P4", "Z1")

MISSING = _all("M", "A")  # missing; away from placement without authorisation

REASON_PLACED_CEASED = _all("RD1", "RD2", "RD3", "RD4")

NB_ADOPTR = _all("1", "2")  # one adopter or two
SEX_ADOPTR = _all("M1", "F1", "MM", "FF", "MF")  # a single man or woman; a couple
LS_ADOPTR = _all("L0", "L11", "L12", "L2", "L3", "L4")

# OC2, OC3 ----------------------------------------------------------------------------------

SDQ_REASON = _all("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5")

IN_TOUCH = _all("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")

ACTIV = _all("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0")

ACCOM = _all(
    "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2",
    "R1", "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2",
    "Z1", "Z2", "0",
)  # fmt: skip

# SWEpisodes (a table since 2023/24) ----------------------------------------------------------

SW_REASON = {
    code: Span(since=2024)
    for code in (
        "MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN",
        "SWDIED", "OTHERS",
    )
}  # fmt: skip

# Every list, by column (a column's list is the same in every table that has it).
LISTS: dict[str, dict[str, Span]] = {
    "SEX": SEX,
    "ETHNIC": ETHNIC,
    "MOTHER": FLAG,
    "RNE": RNE,
    "LS": LS,
    "CIN": CIN,
    "PLACE": PLACE,
    "PLACE_PROVIDER": PLACE_PROVIDER,
    "REC": REC,
    "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE,
    "REVIEW_CODE": REVIEW_CODE,
    "PREV_PERM": PREV_PERM,
    "MISSING": MISSING,
    "REASON_PLACED_CEASED": REASON_PLACED_CEASED,
    "FOSTER_CARE": FLAG,
    "NB_ADOPTR": NB_ADOPTR,
    "SEX_ADOPTR": SEX_ADOPTR,
    "LS_ADOPTR": LS_ADOPTR,
    "SDQ_REASON": SDQ_REASON,
    "IN_TOUCH": IN_TOUCH,
    "ACTIV": ACTIV,
    "ACCOM": ACCOM,
    "SW_REASON": SW_REASON,
    **dict.fromkeys(OC2_FLAGS, FLAG),
}


def known(column: str, code: str) -> bool:
    """The code is in the column's list in at least one year."""
    return code in LISTS[column]


def valid_in(column: str, code: str, year: int) -> bool:
    """The code is in the column's list for the collection year ending in `year`. Years
    before the first list are judged by the first list; after the last, by the last."""
    span = LISTS[column].get(code)
    if span is None:
        return False
    return span.covers(min(max(year, FIRST_YEAR), LAST_YEAR))


def years_valid(column: str, code: str) -> str:
    """When a known code is valid, in words: "2018/19 onwards", "2015/16 to 2017/18"."""
    return LISTS[column][code].label()


def codes_in(column: str, year: int | None = None) -> list[str]:
    """The column's codes (in a year, or in any year)."""
    return [
        code
        for code, span in LISTS[column].items()
        if year is None or span.covers(min(max(year, FIRST_YEAR), LAST_YEAR))
    ]
