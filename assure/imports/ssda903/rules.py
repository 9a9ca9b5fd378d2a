"""The 903 checks: every problem the importer can report, with its DfE code where the DfE's
validation rules have one, and the consistency rules that warn about rows that can be
stored but look wrong.

`RULES` lists them all (the rules page shows it, with how often each fired in the last
import); `docs/imports/ssda903.md` describes them. Consistency rules look at a child's history
as it will be after the import (the episodes already stored and the ones in the files), and
read periods of care, exits and ages from the care-history rules (`assure.children.care`)
rather than working them out again. The DfE's rules that bear on permanence are in
`permanence.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assure.children.care import periods
from assure.children.care.dates import birthday
from assure.children.care.exits import FORMER_FOSTER_CARER_SGO_CODES, SGO_EXIT_CODES
from assure.children.codes import FOSTER_PLACEMENTS

from ..framework import Problem, Problems
from . import codelists
from . import values as v
from .rows import Row

DFE_RULES = "DfE, Children looked after return (SSDA903) validation rules"
ASSURE = "Assure"


@dataclass(frozen=True)
class Rule:
    """One check. `dfe` is the DfE validation rule's code ("" when the check is Assure's
    own); `source` says where the rule comes from."""

    id: str
    title: str
    severity: str = "warning"  # "error": the row (or file) is not stored
    dfe: str = ""
    source: str = ASSURE
    group: str = "Consistency"

    @property
    def dfe_label(self) -> str:
        """What the rules page's "DfE rule" column says: the DfE's code, or, for a check
        the DfE does not make, that it is Assure's own (a blank would read as unknown)."""
        return self.dfe or "Assure's own check"


def _rules(*items: Rule) -> dict[str, Rule]:
    return {rule.id: rule for rule in items}


_FILE = "Reading the files"
_VALUES = "Values"
_COUNCIL = "One council's children"
_CHAIN = "Episodes of care"
_PERMANENCE = "Permanence (DfE rules)"
_CHILD = "The child's details"

RULES: dict[str, Rule] = _rules(
    # Reading the files ------------------------------------------------------------------
    Rule("no-files", "No 903 files at the paths given.", "error", group=_FILE),
    Rule("file-unreadable", "The file does not exist or cannot be read.", "error", group=_FILE),
    Rule("file-too-large", "The file is larger than the import limit.", "error", group=_FILE),
    Rule("file-empty", "The file is empty.", "error", group=_FILE),
    Rule("file-not-text", "The file is not text (not a CSV or XML).", "error", group=_FILE),
    Rule("file-unrecognised", "The columns match no 903 table.", "error", group=_FILE),
    Rule("file-no-rows", "A recognised header but no rows.", "error", group=_FILE),
    Rule(
        "file-truncated",
        "The file ends inside a quoted field: it was cut off.",
        "error",
        group=_FILE,
    ),
    Rule(
        "repeated-column",
        "The header names a column twice (DOB,DOB).",
        "error",
        group=_FILE,
    ),
    Rule(
        "wrong-field-count",
        "A row has more or fewer fields than the header.",
        "error",
        group=_FILE,
    ),
    Rule("malformed-row", "A row is not well-formed CSV.", "error", group=_FILE),
    Rule("xml-malformed", "The XML is not well-formed.", "error", group=_FILE),
    Rule(
        "xml-forbidden",
        "The XML declares entities or external references.",
        "error",
        group=_FILE,
    ),
    Rule("extra-column", "A column or XML element that is not part of the 903.", group=_FILE),
    Rule("missing-column", "A column the table has is not in the file.", group=_FILE),
    Rule("duplicate-row", "An exact repeat of an earlier row: stored once.", group=_FILE),
    Rule(
        "conflicting-rows",
        "Two different rows with the same key in one file and year.",
        "error",
        group=_FILE,
    ),
    Rule(
        "apply-failed",
        "The database refused the write; nothing was stored.",
        "error",
        group=_FILE,
    ),
    # One council's children --------------------------------------------------------------
    Rule(
        "several-councils",
        "The files hold several councils' children and none was chosen.",
        "error",
        group=_COUNCIL,
    ),
    Rule(
        "unknown-council",
        "The council chosen (COUNCIL_LA_CODE or --la) is not a DfE LA code or name.",
        "error",
        group=_COUNCIL,
    ),
    # Values -----------------------------------------------------------------------------
    Rule(
        "missing-child",
        "CHILD is blank.",
        "error",
        group=_VALUES,
    ),
    Rule(
        "missing-key",
        "The column that identifies the row is blank (DECOM, REVIEW, ...).",
        "error",
        group=_VALUES,
    ),
    Rule(
        "invalid-date",
        "Not a date, or an impossible one. An error where the care history needs the date; "
        "elsewhere the row is stored with the date blank.",
        dfe="102, 141, 147, 166",
        source=DFE_RULES,
        group=_VALUES,
    ),
    Rule(
        "date-before-1900",
        "A date before 1900 (an error where the care history needs the date; elsewhere "
        "stored blank).",
        dfe="353",
        source=DFE_RULES,
        group=_VALUES,
    ),
    Rule(
        "dob-in-future",
        "A date of birth later than today.",
        "error",
        dfe="301",
        source=DFE_RULES,
        group=_VALUES,
    ),
    Rule(
        "unknown-code",
        "A code in no year's list for its column. An error in RNE, LS, PLACE and REC; "
        "elsewhere the row is stored with the value blank.",
        dfe="101, 103, 143, 144, 145, 146, 149, 175, 176, 177, 178, 1009",
        source=DFE_RULES,
        group=_VALUES,
    ),
    Rule(
        "code-not-in-year",
        "A code valid in other collection years but not in the return's.",
        source=f"{DFE_RULES}: each year's code lists",
        group=_VALUES,
    ),
    Rule(
        "invalid-value",
        "A flag that is not 0 or 1, or a number out of range (the row is stored with the "
        "value blank).",
        group=_VALUES,
    ),
    Rule(
        "value-too-long",
        "Longer than the field holds (an error for CHILD; elsewhere stored blank).",
        group=_VALUES,
    ),
    Rule(
        "decimal-whole-number",
        "Whole numbers written as 1.0: read as 1.",
        group=_VALUES,
    ),
    Rule(
        "table-not-kept",
        "A 903 table Assure does not keep (DoLo, deprivation of liberty orders): not read; "
        "the other tables are imported.",
        group=_FILE,
    ),
    Rule(
        "no-value-word",
        "Blanks written as a word (NULL, nan, NaT, None): read as blank.",
        group=_VALUES,
    ),
    Rule(
        "dec-before-decom",
        "An episode ends before it starts.",
        "error",
        dfe="356",
        source=DFE_RULES,
        group=_VALUES,
    ),
    Rule(
        "end-before-start",
        "A missing episode, social worker episode or adoption decision ends before it "
        "starts (stored without the end).",
        group=_VALUES,
    ),
    Rule(
        "missing-value",
        "A value the 903 expects is blank.",
        group=_VALUES,
    ),
    Rule(
        "date-in-future",
        "A date later than today.",
        group=_VALUES,
    ),
    Rule(
        "date-after-year",
        "A date after the end of the return's collection year (live extracts run past "
        "the year end).",
        dfe="354, 385",
        source=DFE_RULES,
        group=_VALUES,
    ),
    # The child's details ------------------------------------------------------------------
    Rule("invalid-postcode", "A postcode is not in the form AB1 2CD.", group=_CHILD),
    Rule(
        "invalid-upn", "The UPN is not a letter and 12 characters, nor UN1 to UN10.", group=_CHILD
    ),
    Rule("mother-not-female", "MOTHER is 1 but SEX is not female.", group=_CHILD),
    Rule(
        "mc-dob-without-mother",
        "MC_DOB is given but MOTHER is not 1.",
        group=_CHILD,
    ),
    Rule(
        "duc-after-18",
        "The date UASC status ceased is after the child's 18th birthday.",
        dfe="304",
        source=DFE_RULES,
        group=_CHILD,
    ),
    Rule("dob-mismatch", "DOB differs from the child's Header DOB.", group=_CHILD),
    # Episodes of care ---------------------------------------------------------------------
    Rule(
        "rec-without-dec",
        "REC is given while DEC is blank.",
        dfe="148",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "dec-without-rec",
        "DEC is given without REC.",
        dfe="148",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "first-episode-not-s",
        "The child's first episode ever, starting in the collection year, does not have RNE "
        "S (an earlier first episode cannot be judged from one year's return).",
        dfe="357",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "new-period-not-s",
        "An episode after the child left care does not have RNE S.",
        dfe="432",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "s-within-period",
        "RNE S while the previous episode ended X1 (the child was already looked after).",
        dfe="431",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "episodes-overlap",
        "An episode starts before the previous one ended.",
        dfe="501",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "episodes-gap",
        "The previous episode ended X1 but this one does not start that day.",
        dfe="433",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "x1-on-final-episode",
        "The child's final episode ended with X1.",
        dfe="388",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "rne-l-inconsistent",
        "RNE L (legal status changed, placement did not), but the placement changed or the "
        "legal status did not.",
        dfe="434",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "rne-p-t-inconsistent",
        "RNE P or T (placement changed, legal status did not), but the legal status "
        "changed or the placement (PLACE, PL_POST, URN, PLACE_PROVIDER) did not.",
        dfe="435",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "rne-b-u-inconsistent",
        "RNE B or U (both changed), but the legal status or the placement did not.",
        dfe="436",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "placement-legal-status",
        "The legal status and the placement cannot go together (placed for adoption under "
        "a placement order without E1 or D1; with consent under an order; short breaks).",
        dfe="408",
        source=f"{DFE_RULES} (408 for placement orders); Assure for the others",
        group=_CHAIN,
    ),
    Rule(
        "placement-provider",
        "Placed with parents (P1) and provider PR0 go together.",
        group=_CHAIN,
    ),
    Rule(
        "episode-before-birth",
        "The episode starts before the child's date of birth.",
        dfe="302",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "looked-after-at-18",
        "The episode starts on or after the child's 18th birthday.",
        dfe="352",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "sgo-exit-at-18",
        "An SGO exit on or after the child's 18th birthday.",
        dfe="407",
        source=DFE_RULES,
        group=_CHAIN,
    ),
    Rule(
        "sgo-not-after-foster",
        "E45/E46 (SGO to a former foster carer) ends an episode that is not a foster placement.",
        dfe="516",
        source=DFE_RULES,
        group=_CHAIN,
    ),
)

EXPECTED = {
    "Header": ("SEX", "DOB"),
    "Episodes": ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER"),
}
ADOPTION_WITH_ORDER = frozenset({"A5", "A6"})
ADOPTION_WITH_CONSENT = frozenset({"A3", "A4"})
ORDERS_FOR_ADOPTION = frozenset({"D1", "E1"})
# DUC may lie ahead: it is when UASC status will cease (the 18th birthday).
FUTURE_ALLOWED = frozenset({"DUC"})


@dataclass(slots=True)
class Ep:
    """An episode in the child's combined history; `row` is None for a stored one."""

    start: dt.date
    end: dt.date | None
    rne: str
    ls: str
    place: str
    rec: str
    row: Row | None
    provider: str = ""
    pl_post: str = ""
    urn: str = ""
    year: int = 0  # the collection year of the row it came from (0 for a stored one)

    # The care-history rules read episodes by the models' field names.
    @property
    def start_date(self) -> dt.date:
        return self.start

    @property
    def end_date(self) -> dt.date | None:
        return self.end

    @property
    def reason_ceased(self) -> str:
        return self.rec

    @property
    def placement_type(self) -> str:
        return self.place

    @property
    def legal_status(self) -> str:
        return self.ls


@dataclass(frozen=True)
class Years:
    """The collection year of each file (by position), and whether it was given (a YEAR
    column, --year, the file's name) or worked out from the dates."""

    by_file: dict[int, int]
    given: dict[int, bool]

    def of(self, row: Row) -> int:
        return row.year or self.by_file.get(row.file_index, 0)

    def given_for(self, row: Row) -> bool:
        return bool(row.year) or self.given.get(row.file_index, False)


def collection_start(year: int) -> dt.date:
    return dt.date(year - 1, 4, 1)


def collection_end(year: int) -> dt.date:
    return dt.date(year, 3, 31)


class Checker:
    def __init__(self, problems: Problems, *, today: dt.date, years: Years) -> None:
        self.problems = problems
        self.today = today
        self.years = years
        # year -> column -> the codes valid that year
        self._valid: dict[int, dict[str, frozenset[str]]] = {}

    def warn(self, row: Row, column: str, value: Any, code: str, message: str) -> None:
        shown = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value or "")
        self.problems.warning(Problem(row.file, row.row, column, shown, code, message, row.child))

    # Rows on their own -------------------------------------------------------------------

    def row(self, row: Row) -> None:
        table = row.table
        for column in EXPECTED.get(table.name, ()):
            if row.get(column) is None:
                self.warn(
                    row, column, "", "missing-value", f"{column} is blank; the 903 expects a value."
                )
        year = self.years.of(row)
        if year and table.coded:  # type: ignore[attr-defined]
            self._code_years(row, year)
        self._dates(row, year)
        if table.name == "Episodes":
            self.episode(row)
        elif table.name == "Header":
            self.header(row)

    def _code_years(self, row: Row, year: int) -> None:
        """A code from another year's list: a warning naming the years it is valid in."""
        valid = self._valid.get(year)
        if valid is None:
            valid = self._valid[year] = {
                column: frozenset(codelists.codes_in(column, year)) for column in codelists.LISTS
            }
        values = row.values
        for column, position in row.table.coded_positions:  # type: ignore[attr-defined]
            code = values[position]
            if code.__class__ is not str or code in valid[column]:
                continue
            self.warn(
                row,
                column,
                code,
                "code-not-in-year",
                f"{column} {code} is not in the {codelists.year_label(year)} list: it is valid "
                f"{_in_years(codelists.years_valid(column, code))}.",
            )

    def _dates(self, row: Row, year: int) -> None:
        year_end = collection_end(year) if year and self.years.given_for(row) else None
        values = row.values
        for column, position in row.table.date_positions:  # type: ignore[attr-defined]
            value = values[position]
            if value is None or column in FUTURE_ALLOWED:
                continue
            if value > self.today:
                self.warn(row, column, value, "date-in-future", f"{column} is later than today.")
            elif year_end is not None and value > year_end:
                self.warn(
                    row,
                    column,
                    value,
                    "date-after-year",
                    f"{column} is after the end of the {codelists.year_label(year)} "
                    f"collection year ({year_end:%d/%m/%Y}).",
                )

    def episode(self, row: Row) -> None:
        dec, rec, place = row.get("DEC"), row.get("REC"), row.get("PLACE")
        if rec and not dec:
            self.warn(
                row,
                "REC",
                rec,
                "rec-without-dec",
                f"REC {rec} is given while DEC is blank: an open episode has no reason for ending.",
            )
        if dec and not rec:
            self.warn(
                row,
                "DEC",
                dec,
                "dec-without-rec",
                "DEC is given without REC: an ended episode needs its reason.",
            )
        if rec in FORMER_FOSTER_CARER_SGO_CODES and place and place not in FOSTER_PLACEMENTS:
            self.warn(
                row,
                "REC",
                rec,
                "sgo-not-after-foster",
                f"REC {rec} is an SGO to a former foster carer, but the placement is "
                f"{place}, not foster care (U1 to U6).",
            )
        self._legal_status_and_placement(row, place)
        provider = row.get("PLACE_PROVIDER")
        if place and provider and (place == "P1") != (provider == "PR0"):
            self.warn(
                row,
                "PLACE_PROVIDER",
                provider,
                "placement-provider",
                f"PLACE {place} with PLACE_PROVIDER {provider}: placed with parents (P1) "
                "has provider PR0, and PR0 is only for P1.",
            )
        for column in ("HOME_POST", "PL_POST"):
            code = row.get(column)
            if code and not v.POSTCODE.match(code):
                self.warn(
                    row,
                    column,
                    code,
                    "invalid-postcode",
                    f"{column} {code!r} is not a postcode in the form AB1 2CD.",
                )

    def _legal_status_and_placement(self, row: Row, place: str | None) -> None:
        legal = row.get("LS")
        if not (legal and place):
            return
        if place in ADOPTION_WITH_ORDER and legal not in ORDERS_FOR_ADOPTION:
            message = (
                f"PLACE {place} is placed for adoption with a placement order, but LS is "
                f"{legal}, not E1 or D1."
            )
        elif place in ADOPTION_WITH_CONSENT and legal in ORDERS_FOR_ADOPTION:
            message = (
                f"PLACE {place} is placed for adoption with parental consent, but LS "
                f"{legal} is an order for adoption (use A5 or A6)."
            )
        elif legal in {"V3", "V4"} and place in ADOPTION_WITH_ORDER | ADOPTION_WITH_CONSENT:
            message = f"LS {legal} (short breaks) cannot go with a placement for adoption."
        else:
            return
        self.warn(row, "LS", legal, "placement-legal-status", message)

    def header(self, row: Row) -> None:
        upn, mother, sex = row.get("UPN"), row.get("MOTHER"), v.sex_of(row.get("SEX"))
        if upn and not v.UPN.match(upn):
            self.warn(
                row,
                "UPN",
                upn,
                "invalid-upn",
                f"UPN {upn!r} is not a letter followed by 12 characters, nor UN1 to UN10.",
            )
        if mother and sex and sex != "F":
            self.warn(
                row,
                "MOTHER",
                "1",
                "mother-not-female",
                f"MOTHER is 1 but SEX is {sex}, not female.",
            )
        if row.get("MC_DOB") and not mother:
            self.warn(
                row,
                "MC_DOB",
                row.get("MC_DOB"),
                "mc-dob-without-mother",
                "MC_DOB is given but MOTHER is not 1.",
            )

    # A child's rows together --------------------------------------------------------------

    def child(
        self,
        *,
        dob: dt.date | None,
        header: Row | None,
        others: Iterable[Row],
        episodes: list[Ep],
    ) -> None:
        for row in others:
            self._dob_and_uasc(row, dob, header)
        episodes.sort(key=lambda ep: ep.start)
        for index, ep in enumerate(episodes):
            previous = episodes[index - 1] if index else None
            self._sequence(ep, previous, is_first=index == 0, is_last=index == len(episodes) - 1)
            if dob and ep.row:
                self._ages(ep, dob)

    def _dob_and_uasc(self, row: Row, dob: dt.date | None, header: Row | None) -> None:
        if "DOB" in row.table.columns and header and dob and row.get("DOB") not in (None, dob):
            self.warn(
                row,
                "DOB",
                row.get("DOB"),
                "dob-mismatch",
                f"DOB differs from the Header's ({dob:%d/%m/%Y}).",
            )
        duc = row.get("DUC") if row.table.name == "UASC" else None
        if dob and duc and duc > birthday(dob, 18):
            self.warn(
                row,
                "DUC",
                row.get("DUC"),
                "duc-after-18",
                "The date UASC status ceased is after the child's 18th birthday.",
            )

    def _ages(self, ep: Ep, dob: dt.date) -> None:
        row = ep.row
        assert row is not None
        adult = birthday(dob, 18)
        if ep.start < dob:
            self.warn(
                row,
                "DECOM",
                ep.start,
                "episode-before-birth",
                f"The episode starts before the child's date of birth ({dob:%d/%m/%Y}).",
            )
        elif ep.start >= adult:
            self.warn(
                row,
                "DECOM",
                ep.start,
                "looked-after-at-18",
                "The episode starts on or after the child's 18th birthday.",
            )
        if ep.rec in SGO_EXIT_CODES and ep.end and ep.end >= adult:
            self.warn(
                row,
                "REC",
                ep.rec,
                "sgo-exit-at-18",
                f"An SGO exit (REC {ep.rec}) on {ep.end:%d/%m/%Y}, on or after the child's "
                "18th birthday: an SGO cannot be made for an adult.",
            )

    def _sequence(self, ep: Ep, previous: Ep | None, *, is_first: bool, is_last: bool) -> None:
        if ep.row is None:
            return
        row = ep.row
        if is_last and ep.end and ep.rec == periods.CONTINUES:
            self.warn(
                row,
                "REC",
                periods.CONTINUES,
                "x1-on-final-episode",
                "The child's final episode ended with X1 (stays looked after); a "
                "leaving-care reason or a following episode is expected.",
            )
        if is_first:
            self._first_episode(ep, row)
            return
        assert previous is not None
        if previous.end is None or previous.end > ep.start:
            self.warn(
                row,
                "DECOM",
                ep.start,
                "episodes-overlap",
                f"The episode starts before the previous one (from "
                f"{previous.start:%d/%m/%Y}) ended.",
            )
            return
        if previous.rec == periods.CONTINUES:
            self._after_x1(ep, previous, row)
        elif previous.rec and periods.ends_period(previous) and ep.rne and ep.rne != "S":
            self.warn(
                row,
                "RNE",
                ep.rne,
                "new-period-not-s",
                f"The previous episode ended the period of care (REC {previous.rec}), so "
                f"this one starts a new period: RNE should be S, not {ep.rne}.",
            )

    def _first_episode(self, ep: Ep, row: Row) -> None:
        """DfE 357: the first episode ever must be S. An episode that began before the
        return's collection year may well follow earlier ones the return leaves out, so only
        a first episode starting in the year (or later) is judged."""
        if not ep.rne or ep.rne == "S":
            return
        year = self.years.of(row)
        if year and ep.start < collection_start(year):
            return
        self.warn(
            row,
            "RNE",
            ep.rne,
            "first-episode-not-s",
            f"The child's first episode ever has RNE {ep.rne}, not S: it starts in the "
            "collection year, so an earlier episode should be in the return if there was one.",
        )

    def _after_x1(self, ep: Ep, previous: Ep, row: Row) -> None:
        if previous.end != ep.start:
            self.warn(
                row,
                "DECOM",
                ep.start,
                "episodes-gap",
                f"The previous episode ended X1 on {previous.end:%d/%m/%Y}; the next "
                "episode should start that day.",
            )
            return
        if ep.rne == "S" and not periods.starts_period(ep, [previous]):
            self.warn(
                row,
                "RNE",
                "S",
                "s-within-period",
                "RNE is S but the previous episode ended X1: the child was already looked after.",
            )
            return
        changed_ls = bool(ep.ls and previous.ls and ep.ls != previous.ls)
        same_placement = (ep.place, ep.pl_post, ep.urn, ep.provider) == (
            previous.place,
            previous.pl_post,
            previous.urn,
            previous.provider,
        )
        changed_place = bool(ep.place and previous.place and ep.place != previous.place)
        if ep.rne == "L" and (changed_place or (ep.ls and previous.ls and not changed_ls)):
            code = "rne-l-inconsistent"
            problem = (
                "RNE L is a change of legal status only, but PLACE changed."
                if changed_place
                else "RNE L is a change of legal status, but LS is unchanged."
            )
        elif ep.rne in {"P", "T"} and (changed_ls or same_placement):
            code = "rne-p-t-inconsistent"
            problem = (
                f"RNE {ep.rne} keeps the legal status, but LS changed."
                if changed_ls
                else f"RNE {ep.rne} is a change of placement, but the placement (PLACE, "
                "PL_POST, URN and PLACE_PROVIDER) is unchanged."
            )
        elif ep.rne in {"B", "U"} and (
            (ep.ls and previous.ls and not changed_ls) or same_placement
        ):
            code = "rne-b-u-inconsistent"
            problem = (
                f"RNE {ep.rne} is a change of legal status and placement, but the placement "
                "is unchanged."
                if same_placement
                else f"RNE {ep.rne} is a change of legal status, but LS is unchanged."
            )
        else:
            return
        self.warn(row, "RNE", ep.rne, code, problem)


def _in_years(label: str) -> str:
    return "in every year" if label == "every year" else f"in {label}"
