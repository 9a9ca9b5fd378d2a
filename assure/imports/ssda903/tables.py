"""The 903 tables: their columns, how each value is read, how a table is recognised, which
columns identify a row within a child, and which columns the care history needs.

A bad value in a column the care history needs (`needed`: the episode's dates and codes, a
date of birth, a row's key) is an error: the row is not stored. A bad value anywhere else
(MOTHER, MC_DOB, UPN, postcodes, the OC2 and OC3 items, ...) is a warning: the row is stored
with that value blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import values as v
from .codelists import LISTS, OC2_FLAGS


def _codes(column: str) -> v.Reader:
    return v.code_reader(column)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # the DfE columns, CHILD first
    signature: frozenset[str]  # columns whose presence recognises the table
    key: tuple[str, ...]  # with CHILD, identifies a row (an episode: child and DECOM)
    readers: dict[str, v.Reader]
    required: tuple[str, ...] = ()  # a row without these cannot be stored
    xml_tags: tuple[str, ...] = ()
    # Columns the care history needs, besides the key: a bad value rejects the row.
    needed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Column positions, looked up for every value of every row.
        object.__setattr__(self, "positions", {c: i for i, c in enumerate(self.columns)})
        object.__setattr__(
            self, "row_level", frozenset(("CHILD", *self.key, *self.required, *self.needed))
        )
        object.__setattr__(
            self,
            "coded",
            tuple(c for c in self.columns if c in CODED and c != "CHILD"),
        )
        object.__setattr__(
            self, "dates", tuple(c for c in self.columns if self.readers.get(c) in DATE_READERS)
        )
        # (column, position) pairs, for the loops that run over every row.
        positions = self.positions  # type: ignore[attr-defined]
        object.__setattr__(self, "key_positions", tuple(positions[c] for c in self.key))
        object.__setattr__(
            self,
            "coded_positions",
            tuple((c, positions[c]) for c in self.coded),  # type: ignore[attr-defined]
        )
        object.__setattr__(
            self,
            "date_positions",
            tuple((c, positions[c]) for c in self.dates),  # type: ignore[attr-defined]
        )

    def index(self, column: str) -> int:
        return self.positions[column]  # type: ignore[attr-defined]

    def is_row_level(self, column: str) -> bool:
        return column in self.row_level  # type: ignore[attr-defined]


DATE = v.read_date
SEX = v.read_sex
FLAG = v.read_flag
DATE_READERS = (v.read_date,)
# Columns whose codes have a year-by-year list (codelists.LISTS): their year is checked.
# SEX is read by its own reader (both codings), but its list has years too.
CODED = frozenset(LISTS)

HEADER = Table(
    name="Header",
    columns=("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    signature=frozenset({"CHILD", "ETHNIC"}),
    key=(),
    readers={
        "SEX": SEX,
        "DOB": DATE,
        "ETHNIC": _codes("ETHNIC"),
        "UPN": v.text_reader(13, upper=True),
        "MOTHER": FLAG,
        "MC_DOB": DATE,
    },
    xml_tags=("HEADER",),
    needed=("DOB",),
)

EPISODES = Table(
    name="Episodes",
    columns=(
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    signature=frozenset({"CHILD", "DECOM"}),
    key=("DECOM",),
    required=("DECOM",),
    readers={
        "DECOM": DATE,
        "RNE": _codes("RNE"),
        "LS": _codes("LS"),
        "CIN": _codes("CIN"),
        "PLACE": _codes("PLACE"),
        "PLACE_PROVIDER": _codes("PLACE_PROVIDER"),
        "DEC": DATE,
        "REC": _codes("REC"),
        "REASON_PLACE_CHANGE": _codes("REASON_PLACE_CHANGE"),
        "HOME_POST": v.text_reader(10, upper=True),
        "PL_POST": v.text_reader(10, upper=True),
        "URN": v.text_reader(10, upper=True),
    },
    xml_tags=("EPISODE",),
    # Periods of care, exits and every episode rule read these.
    needed=("RNE", "LS", "PLACE", "DEC", "REC"),
)

REVIEWS = Table(
    name="Reviews",
    columns=("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    signature=frozenset({"CHILD", "REVIEW"}),
    key=("REVIEW",),
    required=("REVIEW",),
    readers={
        "DOB": DATE,
        "REVIEW": DATE,
        "REVIEW_CODE": _codes("REVIEW_CODE"),
    },
    # AREVIEW: the DfE's XML, nested in HEADER.
    xml_tags=("REVIEW", "AREVIEW"),
)

UASC = Table(
    name="UASC",
    columns=("CHILD", "SEX", "DOB", "DUC"),
    signature=frozenset({"CHILD", "DUC"}),
    key=(),
    readers={"SEX": SEX, "DOB": DATE, "DUC": DATE},
    xml_tags=("UASC",),
)

OC2 = Table(
    name="OC2",
    columns=(
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        *OC2_FLAGS,
    ),
    signature=frozenset({"CHILD", "HEALTH_CHECK"}),
    key=(),
    readers={
        "DOB": DATE,
        "SDQ_SCORE": v.int_reader(0, 40),
        "SDQ_REASON": _codes("SDQ_REASON"),
        **dict.fromkeys(OC2_FLAGS, FLAG),
    },
    xml_tags=("OC2",),
)

OC3 = Table(
    name="OC3",
    columns=("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    signature=frozenset({"CHILD", "IN_TOUCH"}),
    key=(),
    readers={
        "DOB": DATE,
        "IN_TOUCH": _codes("IN_TOUCH"),
        "ACTIV": _codes("ACTIV"),
        "ACCOM": _codes("ACCOM"),
    },
    xml_tags=("OC3",),
)

AD1 = Table(
    name="AD1",
    columns=(
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    signature=frozenset({"CHILD", "DATE_INT"}),
    key=("DATE_INT",),
    required=("DATE_INT",),
    readers={
        "DOB": DATE,
        "DATE_INT": DATE,
        "DATE_MATCH": DATE,
        "FOSTER_CARE": FLAG,
        "NB_ADOPTR": _codes("NB_ADOPTR"),
        "SEX_ADOPTR": _codes("SEX_ADOPTR"),
        "LS_ADOPTR": _codes("LS_ADOPTR"),
    },
    xml_tags=("AD1", "ADOPTION"),
)

PLACED_ADOPTION = Table(
    name="PlacedAdoption",
    columns=("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    signature=frozenset({"CHILD", "DATE_PLACED"}),
    key=("DATE_PLACED",),
    required=("DATE_PLACED",),
    readers={
        "DOB": DATE,
        "DATE_PLACED": DATE,
        "DATE_PLACED_CEASED": DATE,
        "REASON_PLACED_CEASED": _codes("REASON_PLACED_CEASED"),
    },
    # AD_PLACED: the DfE's XML, nested in HEADER.
    xml_tags=("PLACED_ADOPTION", "PLACEDADOPTION", "AD_PLACED"),
)

PREV_PERM = Table(
    name="PrevPerm",
    columns=("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    signature=frozenset({"CHILD", "PREV_PERM"}),
    key=("PREV_PERM", "DATE_PERM"),
    required=("PREV_PERM",),
    readers={
        "DOB": DATE,
        "PREV_PERM": _codes("PREV_PERM"),
        "LA_PERM": v.text_reader(10, upper=True),
        "DATE_PERM": v.read_partial_date,
    },
    # PERMANENCE: the DfE's XML, nested in HEADER.
    xml_tags=("PREV_PERM", "PREVPERM", "PREVIOUS_PERMANENCE", "PERMANENCE"),
)

MISSING = Table(
    name="Missing",
    columns=("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    signature=frozenset({"CHILD", "MIS_START"}),
    key=("MIS_START",),
    required=("MIS_START",),
    readers={
        "DOB": DATE,
        "MISSING": _codes("MISSING"),
        "MIS_START": DATE,
        "MIS_END": DATE,
    },
    # AMISSING: the DfE's XML, nested in HEADER.
    xml_tags=("MISSING", "MISSING_EPISODE", "MISSINGEPISODE", "AMISSING"),
)

SW_EPISODES = Table(
    name="SWEpisodes",
    columns=("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    signature=frozenset({"CHILD", "SW_DECOM"}),
    key=("SW_DECOM",),
    required=("SW_DECOM",),
    readers={
        "DOB": DATE,
        "SW_ID": v.text_reader(20),
        "SW_DECOM": DATE,
        "SW_DEC": DATE,
        "SW_REASON": _codes("SW_REASON"),
    },
    xml_tags=("SW_EPISODE", "SWEPISODE", "SW_EPISODES", "SWEPISODES"),
)

TABLES: tuple[Table, ...] = (
    HEADER,
    EPISODES,
    REVIEWS,
    UASC,
    OC2,
    OC3,
    AD1,
    PLACED_ADOPTION,
    PREV_PERM,
    MISSING,
    SW_EPISODES,
)
BY_NAME = {table.name: table for table in TABLES}
BY_XML_TAG = {tag: table for table in TABLES for tag in table.xml_tags}

# Columns of the regional (LIIA) layout, and XML's own names for two columns.
REGIONAL_COLUMNS = frozenset({"LA", "YEAR"})
COLUMN_ALIASES = {"PL": "PLACE", "CHILDID": "CHILD", "CHILD_ID": "CHILD"}

# Columns written as whole numbers, which pandas and spreadsheets may write as 1.0: read as
# 1 with a warning. (CHILD too: an ID column with blanks comes out of pandas as 1234.0; and
# URN and SW_ID, which are text but often all digits: a URN of 1234567.0 is 1234567.)
WHOLE_NUMBER_COLUMNS = frozenset(
    {
        "CHILD",
        "URN",
        "SW_ID",
        "SEX",
        "MOTHER",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SDQ_SCORE",
        "LA_PERM",
        *OC2_FLAGS,
        "ACTIV",
        "ACCOM",
    }
)


# Tables of the 903 that Assure does not keep, by the columns that recognise them: a file of
# one is read past with a warning, not refused (so a whole year's folder still imports).
NOT_KEPT: dict[str, tuple[frozenset[str], str]] = {
    "DoLo": (
        frozenset({"CHILD", "DOLO_START"}),
        "deprivation of liberty orders, collected since 2026/27",
    ),
}
NOT_KEPT_XML_TAGS = {"DOLO": "DoLo"}


def not_kept(columns: set[str]) -> str | None:
    """The name of the 903 table Assure does not keep whose columns these are, or None."""
    return next((name for name, (sig, _) in NOT_KEPT.items() if sig <= columns), None)


def recognise(columns: set[str]) -> Table | None:
    """The table whose signature the columns carry; if several do (UASC and Header both
    have SEX and DOB), the one sharing most columns with the file."""
    candidates = [table for table in TABLES if table.signature <= columns]
    if not candidates:
        return None
    return max(candidates, key=lambda table: len(columns & set(table.columns)))
