"""903 consistency rules: warnings about rows that can be stored but look wrong.

Each rule has an id (the problem's `code`) and a plain message. They follow the DfE's
validation rules for the return in spirit (an SGO exit must follow a foster placement, an
SGO cannot be made at 18 or over, ...); docs/imports/ssda903.md lists them all.

Rules about a child's sequence of episodes look at the history as it will be after the
import: the episodes already stored and the ones in the files, so that a later return that
continues a child's care is not taken for a new start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assure.children.codes import FOSTER_PLACEMENTS, SGO_EXIT_CODES

from ..framework import Problem, Problems
from . import values as v
from .rows import Row

RULES: dict[str, str] = {
    "rec-without-dec": "REC is given while DEC is blank.",
    "dec-without-rec": "DEC is given without REC.",
    "sgo-exit-at-18": "An SGO exit on or after the child's 18th birthday.",
    "sgo-not-after-foster": "E45/E46 (SGO to a former foster carer) ends an episode that is "
    "not a foster placement.",
    "first-episode-not-s": "The child's first episode does not have RNE S.",
    "new-period-not-s": "An episode after the child left care does not have RNE S.",
    "s-within-period": "RNE S while the previous episode ended X1 (the child was already "
    "looked after).",
    "episodes-overlap": "An episode starts before the previous one ended.",
    "episodes-gap": "The previous episode ended X1 but this one does not start that day.",
    "x1-on-final-episode": "The child's final episode has ended with X1.",
    "placement-legal-status": "The legal status and the placement cannot go together.",
    "placement-provider": "Placed with parents (P1) and provider PR0 go together.",
    "rne-inconsistent": "RNE does not match what changed since the previous episode.",
    "episode-before-birth": "The episode starts before the child's date of birth.",
    "looked-after-at-18": "The episode starts on or after the child's 18th birthday.",
    "missing-value": "A value the 903 expects is blank.",
    "invalid-postcode": "A postcode is not in the form AB1 2CD.",
    "invalid-upn": "The UPN is not a letter and 12 characters, nor UN1 to UN10.",
    "mother-not-female": "MOTHER is 1 but SEX is not female.",
    "mc-dob-without-mother": "MC_DOB is given but MOTHER is not 1.",
    "duc-after-18": "The date UASC status ceased is after the child's 18th birthday.",
    "dob-mismatch": "DOB differs from the child's Header DOB.",
    "date-in-future": "A date is later than today.",
}

EXPECTED = {
    "Header": ("SEX", "DOB"),
    "Episodes": ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER"),
}
ADOPTION_WITH_ORDER = frozenset({"A5", "A6"})
ADOPTION_WITH_CONSENT = frozenset({"A3", "A4"})
ORDERS_FOR_ADOPTION = frozenset({"D1", "E1"})
FORMER_FOSTER_SGO = frozenset({"E43", "E45", "E46"})


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


def eighteenth(dob: dt.date) -> dt.date:
    try:
        return dob.replace(year=dob.year + 18)
    except ValueError:  # born 29 February
        return dt.date(dob.year + 18, 3, 1)


class Checker:
    def __init__(self, problems: Problems, *, today: dt.date) -> None:
        self.problems = problems
        self.today = today

    def warn(self, row: Row, column: str, value: Any, code: str, message: str) -> None:
        shown = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value or "")
        self.problems.warning(Problem(row.file, row.row, column, shown, code, message))

    # Rows on their own -------------------------------------------------------------------

    def row(self, row: Row) -> None:
        for column in EXPECTED.get(row.table.name, ()):
            if row.get(column) is None:
                self.warn(
                    row, column, "", "missing-value", f"{column} is blank; the 903 expects a value."
                )
        for column, value in zip(row.table.columns, row.values, strict=True):
            # DUC may lie ahead: it is when UASC status will cease (the 18th birthday).
            if isinstance(value, dt.date) and value > self.today and column != "DUC":
                self.warn(row, column, value, "date-in-future", f"{column} is later than today.")
        if row.table.name == "Episodes":
            self.episode(row)
        elif row.table.name == "Header":
            self.header(row)

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
        if rec in FORMER_FOSTER_SGO and place and place not in FOSTER_PLACEMENTS:
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
        upn, mother, sex = row.get("UPN"), row.get("MOTHER"), row.get("SEX")
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
        if row.table.name == "UASC" and dob and row.get("DUC") and row.get("DUC") > eighteenth(dob):
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
        adult = eighteenth(dob)
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
        if is_last and ep.end and ep.rec == "X1":
            self.warn(
                row,
                "REC",
                "X1",
                "x1-on-final-episode",
                "The child's final episode ended with X1 (stays looked after); a "
                "leaving-care reason or a following episode is expected.",
            )
        if is_first:
            if ep.rne and ep.rne != "S":
                self.warn(
                    row,
                    "RNE",
                    ep.rne,
                    "first-episode-not-s",
                    f"The child's first episode has RNE {ep.rne}, not S.",
                )
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
        if previous.rec == "X1":
            self._after_x1(ep, previous, row)
        elif previous.rec and ep.rne and ep.rne != "S":
            self.warn(
                row,
                "RNE",
                ep.rne,
                "new-period-not-s",
                f"The previous episode ended the period of care (REC {previous.rec}), so "
                f"this one starts a new period: RNE should be S, not {ep.rne}.",
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
        if ep.rne == "S":
            self.warn(
                row,
                "RNE",
                "S",
                "s-within-period",
                "RNE is S but the previous episode ended X1: the child was already looked after.",
            )
            return
        changed_ls = bool(ep.ls and previous.ls and ep.ls != previous.ls)
        changed_place = bool(ep.place and previous.place and ep.place != previous.place)
        if ep.rne == "L" and changed_place:
            problem = "RNE L is a change of legal status only, but PLACE changed."
        elif ep.rne in {"P", "T"} and changed_ls:
            problem = f"RNE {ep.rne} keeps the legal status, but LS changed."
        elif ep.rne in {"B", "U", "L"} and ep.ls and previous.ls and not changed_ls:
            problem = f"RNE {ep.rne} is a change of legal status, but LS is unchanged."
        else:
            return
        self.warn(row, "RNE", ep.rne, "rne-inconsistent", problem)
