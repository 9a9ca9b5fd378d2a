"""The case-management extract templates: exact columns, and how each value is read.

A file is recognised by its columns: it is the template whose columns it all has (extra
columns are reported and ignored). The template CSVs under `templates_csv/` carry these
headers; a test keeps the two in step.

A column is *optional* when a file may leave it out altogether (a column added to a template
after councils built their extracts). A row from such a file carries no value for it at all
(the name is absent from `Row.values`, unlike a blank cell, which is None), so what is stored
is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assure.children import codes
from assure.families.models import Relationship

from ..ssda903.values import BadValue, read_date


@dataclass(frozen=True)
class Column:
    name: str
    read: Callable[[str], object]
    required: bool = False  # the cell must not be blank
    optional: bool = False  # the file may leave the column out


@dataclass(frozen=True)
class Template:
    name: str  # also the file name of the template: <name>.csv
    columns: tuple[Column, ...]
    # The columns that tell this template from the others (all must be present).
    signature: frozenset[str]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def needed_column_names(self) -> list[str]:
        """The columns every file must have."""
        return [c.name for c in self.columns if not c.optional]


def text(max_length: int) -> Callable[[str], str]:
    def read(raw: str) -> str:
        if len(raw) > max_length:
            raise BadValue(
                "value-too-long", f"{raw[:40]!r}... is longer than {max_length} characters"
            )
        return raw

    return read


def choice(values: list[str], *, what: str, blank_word: bool = False) -> Callable[[str], str]:
    allowed = set(values)

    def read(raw: str) -> str:
        value = raw.strip().lower().replace(" ", "_")
        if blank_word and value == "blank":
            return ""
        if value.replace("-", "_") in allowed:
            return value.replace("-", "_")
        if value in allowed:
            return value
        raise BadValue("unknown-code", f"{raw!r} is not a {what} ({'|'.join(sorted(allowed))})")

    return read


def relationship_to_family(raw: str) -> str:
    value = raw.strip().lower().replace("_", "-").replace(" ", "-")
    if value in Relationship.values:
        return value
    raise BadValue(
        "unknown-code",
        f"{raw!r} is not a relationship to the family ({'|'.join(Relationship.values)})",
    )


def date(raw: str) -> object:
    """ISO 8601 (yyyy-mm-dd) or dd/mm/yyyy; an Excel serial is accepted too."""
    return read_date(raw.strip())


CHILD_ID = Column("child_id", text(50), required=True)
PROCEEDINGS_ID = Column("proceedings_id", text(50), required=True)
PLANS = codes.PermanencePlanType.values

TEMPLATES: tuple[Template, ...] = (
    Template(
        "proceedings",
        (
            CHILD_ID,
            PROCEEDINGS_ID,
            Column(
                "application_type",
                choice(codes.ApplicationType.values, what="application type"),
                required=True,
            ),
            Column("issue_date", date),
            Column("extended_to", date, optional=True),
            Column("court", text(120)),
            Column("case_number", text(50)),
            Column("status", choice(codes.ProceedingsStatus.values, what="proceedings status")),
            Column("concluded_date", date),
            Column("outcome", text(200)),
        ),
        frozenset({"child_id", "proceedings_id", "application_type"}),
    ),
    Template(
        "hearings",
        (
            PROCEEDINGS_ID,
            Column("hearing_date", date, required=True),
            Column(
                "hearing_type",
                choice(codes.HearingType.values, what="hearing type"),
                required=True,
            ),
            Column("outcome", text(200)),
        ),
        frozenset({"proceedings_id", "hearing_date", "hearing_type"}),
    ),
    Template(
        "sgo_assessments",
        (
            CHILD_ID,
            Column("assessment_id", text(50), required=True),
            Column("carer_name", text(160), required=True),
            Column("carer_id", text(50), optional=True),
            Column(
                "relationship",
                choice(codes.CarerRelationship.values, what="carer relationship"),
                required=True,
            ),
            Column(
                "stage",
                choice(codes.AssessmentStage.values, what="assessment stage"),
                required=True,
            ),
            Column("start_date", date),
            Column("completed_date", date),
            Column(
                "recommendation",
                choice(
                    codes.AssessmentRecommendation.values, what="recommendation", blank_word=True
                ),
            ),
        ),
        frozenset({"child_id", "assessment_id", "carer_name"}),
    ),
    Template(
        "permanence_plans",
        (
            CHILD_ID,
            Column("plan", choice(PLANS, what="permanence plan"), required=True),
            Column("agreed_date", date, required=True),
            Column("parallel_plan", choice(PLANS, what="permanence plan")),
            Column("carer_id", text(50), optional=True),
            Column("carer_name", text(160), optional=True),
        ),
        frozenset({"child_id", "plan", "agreed_date"}),
    ),
    Template(
        "allocations",
        (
            CHILD_ID,
            Column("team", text(120)),
            Column("worker", text(160)),
            Column("iro", text(160)),
        ),
        frozenset({"child_id", "team", "worker", "iro"}),
    ),
    Template(
        "families",
        (
            Column("family_id", text(50), required=True),
            CHILD_ID,
            Column("relationship_to_family", relationship_to_family),
        ),
        frozenset({"family_id", "child_id"}),
    ),
)

BY_NAME = {t.name: t for t in TEMPLATES}


def recognise(columns: set[str]) -> Template | None:
    matches = [t for t in TEMPLATES if t.signature <= columns]
    # The most specific match wins (a file with every column of two templates is ambiguous
    # only in theory: no two signatures nest).
    return max(matches, key=lambda t: len(t.signature & columns), default=None)
