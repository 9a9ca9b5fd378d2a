"""The 903 tables: their columns, how each value is read, how a table is recognised, and
which columns identify a row within a child."""

from __future__ import annotations

from dataclasses import dataclass

from assure.children import codes

from . import values as v


def _codes(choices: type, *, what: str) -> v.Reader:
    return v.code_reader(frozenset(choices.values), what=what)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # the DfE columns, CHILD first
    signature: frozenset[str]  # columns whose presence recognises the table
    key: tuple[str, ...]  # with CHILD, identifies a row (an episode: child and DECOM)
    readers: dict[str, v.Reader]
    required: tuple[str, ...] = ()  # a row without these cannot be stored
    xml_tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Column positions, looked up for every value of every row.
        object.__setattr__(self, "positions", {c: i for i, c in enumerate(self.columns)})

    def index(self, column: str) -> int:
        return self.positions[column]  # type: ignore[attr-defined]


DATE = v.read_date
SEX = v.read_sex
FLAG = v.read_flag

HEADER = Table(
    name="Header",
    columns=("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    signature=frozenset({"CHILD", "ETHNIC"}),
    key=(),
    readers={
        "SEX": SEX,
        "DOB": DATE,
        "ETHNIC": _codes(codes.Ethnicity, what="ETHNIC"),
        "UPN": v.text_reader(13, upper=True),
        "MOTHER": FLAG,
        "MC_DOB": DATE,
    },
    xml_tags=("HEADER",),
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
        "RNE": _codes(codes.ReasonNewEpisode, what="RNE"),
        "LS": _codes(codes.LegalStatus, what="LS"),
        "CIN": _codes(codes.CategoryOfNeed, what="CIN"),
        "PLACE": _codes(codes.PlacementType, what="PLACE"),
        "PLACE_PROVIDER": _codes(codes.PlacementProvider, what="PLACE_PROVIDER"),
        "DEC": DATE,
        "REC": _codes(codes.ReasonCeased, what="REC"),
        "REASON_PLACE_CHANGE": _codes(codes.ReasonPlaceChange, what="REASON_PLACE_CHANGE"),
        "HOME_POST": v.text_reader(10, upper=True),
        "PL_POST": v.text_reader(10, upper=True),
        "URN": v.text_reader(10, upper=True),
    },
    xml_tags=("EPISODE",),
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
        "REVIEW_CODE": _codes(codes.ReviewCode, what="REVIEW_CODE"),
    },
    xml_tags=("REVIEW",),
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
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    signature=frozenset({"CHILD", "HEALTH_CHECK"}),
    key=(),
    readers={
        "DOB": DATE,
        "SDQ_SCORE": v.int_reader(0, 40),
        "SDQ_REASON": v.code_reader(
            frozenset({"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"}), what="SDQ_REASON"
        ),
        **{
            column: FLAG
            for column in (
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            )
        },
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
        "IN_TOUCH": v.code_reader(
            frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}), what="IN_TOUCH"
        ),
        # The activity and accommodation lists changed often: accept their shape (F1, G6;
        # B1, Z2, 0) rather than one year's list.
        "ACTIV": v.pattern_reader(r"^[FGP][0-9]$", what="ACTIV"),
        "ACCOM": v.pattern_reader(r"^([A-Z][12]|0)$", what="ACCOM"),
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
        "NB_ADOPTR": v.code_reader(frozenset({"L", "M"}), what="NB_ADOPTR"),
        "SEX_ADOPTR": v.code_reader(frozenset({"MM", "FF", "MF"}), what="SEX_ADOPTR"),
        "LS_ADOPTR": v.code_reader(
            frozenset({"L0", "L11", "L12", "L2", "L3", "L4"}), what="LS_ADOPTR"
        ),
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
        "REASON_PLACED_CEASED": v.code_reader(
            frozenset({"RD1", "RD2", "RD3", "RD4"}), what="REASON_PLACED_CEASED"
        ),
    },
    xml_tags=("PLACED_ADOPTION", "PLACEDADOPTION"),
)

PREV_PERM = Table(
    name="PrevPerm",
    columns=("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    signature=frozenset({"CHILD", "PREV_PERM"}),
    key=("PREV_PERM", "DATE_PERM"),
    required=("PREV_PERM",),
    readers={
        "DOB": DATE,
        "PREV_PERM": _codes(codes.PreviousPermanence, what="PREV_PERM"),
        "LA_PERM": v.text_reader(10, upper=True),
        "DATE_PERM": v.read_partial_date,
    },
    xml_tags=("PREV_PERM", "PREVPERM", "PREVIOUS_PERMANENCE"),
)

MISSING = Table(
    name="Missing",
    columns=("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    signature=frozenset({"CHILD", "MIS_START"}),
    key=("MIS_START",),
    required=("MIS_START",),
    readers={
        "DOB": DATE,
        "MISSING": v.code_reader(frozenset({"M", "A"}), what="MISSING"),
        "MIS_START": DATE,
        "MIS_END": DATE,
    },
    xml_tags=("MISSING", "MISSING_EPISODE", "MISSINGEPISODE"),
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
        "SW_REASON": v.text_reader(10, upper=True),
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


def recognise(columns: set[str]) -> Table | None:
    """The table whose signature the columns carry; if several do (UASC and Header both
    have SEX and DOB), the one sharing most columns with the file."""
    candidates = [table for table in TABLES if table.signature <= columns]
    if not candidates:
        return None
    return max(candidates, key=lambda table: len(columns & set(table.columns)))
