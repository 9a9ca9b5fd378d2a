"""Annex A lists: finding them, matching their headers, and reading their values.

Ofsted's Annex A has eleven lists: 1 contacts, 2 early help, 3 referrals, 4 assessments,
5 section 47 enquiries, 6 children in need, 7 child protection plans, 8 children in care,
9 care leavers, 10 adoption, 11 adopters. Headers differ between councils and years ("Gender"
became "Sex" in 2026), so a header is normalised (case, spacing, punctuation, non-breaking
spaces, apostrophes) and matched by pattern to a field of its list. Values often carry the
list's own prefixes ("b) Female", "C2: FCO", "f) U6: Foster placement - not FFA"): the
prefix letter is dropped and a code before a colon is taken as the code. Coded columns may
also be written in words ("ICO", "Full care order", "Foster placement - long term"): WORDS
holds, beside the code lists, the words that mean one code; a word that could mean several
(AMBIGUOUS) is never guessed: it refuses the row where the care record depends on the field,
and is left blank with a warning elsewhere.

Each field has a reader and says whether a bad value is an **error** (the row's child, its
dates and the codes the care history needs: the row is not stored) or a **warning** (a
descriptive field such as a contact's source: the row is stored with that field blank).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from assure.children import codes
from assure.children.care import exits

from ..ssda903.values import EXCEL_EPOCH, BadValue, read_date


def normalise(text: Any) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\xa0", " ").lower()
    text = text.replace("\u2019", "").replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


TITLES = {
    1: "contacts",
    2: "early help",
    3: "referrals",
    4: "assessments",
    5: "section 47 enquiries",
    6: "children in need",
    7: "child protection plans",
    8: "children in care",
    9: "care leavers",
    10: "adoption",
    11: "adopters",
}
LISTS = {n: f"List {n}" for n in TITLES}

# Fields every list of children may have. Order matters within a table: the first match wins,
# and a list's own patterns are tried before these.
COMMON: tuple[tuple[str, str], ...] = (
    ("child_id", r"^(childs? )?(unique )?(id|identifier)$|^child unique id|^child id"),
    ("sex", r"^(gender|sex)$"),
    ("date_of_birth", r"^(date of birth|dob|birth date)$"),
    ("ethnicity", r"^ethnic"),
    ("age", r"^age\b|^age of"),
    ("uasc", r"^uasc|unaccompanied"),
    ("disability", r"disabilit"),
    ("team", r"^(allocated )?team( name)?$"),
    ("worker", r"^allocated (social )?worker|^(social )?worker( name)?$"),
)

PATTERNS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (
        ("contact_date", r"date of contact|^contact date"),
        ("contact_source", r"contact source|source of contact"),
    ),
    2: (
        ("early_help_start", r"(assessment|early help).*start"),
        ("early_help_end", r"(assessment|early help).*(complet|end)"),
        ("early_help_by", r"organisation"),
    ),
    3: (
        ("referral_date", r"date of referral|^referral date"),
        ("referral_source", r"referral source|source of referral"),
        ("referral_nfa", r"\bnfa\b|no further action"),
        ("referrals_12m", r"number of referrals"),
    ),
    4: (
        ("assessment_start", r"assessment start"),
        ("assessment_seen", r"child seen"),
        ("assessment_authorised", r"authoris"),
        ("assessment_outcome", r"assessed as requiring|requiring .*support"),
    ),
    5: (
        ("icpc_unnecessary", r"unnecessary"),
        ("s47_start", r"section 47 enquiry start|s47 .*start|strategy discussion"),
        ("icpc_plan", r"result in a child protection plan|result in a .*plan"),
        ("icpc_date", r"date of (the )?initial child protection conference|^icpc date"),
        ("s47_12m", r"number of (section 47|s47)"),
        ("icpc_12m", r"number of (icpc|initial child protection)"),
    ),
    6: (
        ("cin_start", r"cin start|child in need start"),
        ("need_code", r"primary need|need code"),
        ("last_seen", r"last seen"),
        ("cin_closure", r"closure date|cin end"),
        ("closure_reason", r"reason for closure|closure reason"),
        ("case_status", r"case status"),
    ),
    7: (
        ("cp_start", r"(child protection|cp) plan start"),
        ("cp_end", r"(child protection|cp) plan end"),
        ("initial_abuse", r"initial category of abuse"),
        ("latest_abuse", r"latest category of abuse"),
        ("cp_visit", r"last statutory visit"),
        ("seen_alone", r"seen alone"),
        ("review_conference", r"review conference"),
        ("epo_6m", r"emergency protection order|police powers"),
        ("previous_plans", r"previous (child protection|cp) plans"),
    ),
    8: (
        ("second_period", r"second or subsequent"),
        ("reason_ceased", r"reason ceased"),
        ("end_date", r"date (ceased|left).*(looked after|care)"),
        (
            "start_date",
            r"date (the child )?(started|entered|began|became).*(looked after|care)"
            r"|date of entry",
        ),
        ("legal_status_date", r"date.*legal status"),  # "Start date of current legal status"
        ("legal_status", r"legal status"),
        ("category_of_need", r"category of need"),
        ("latest_review", r"(latest|last) (statutory )?review"),
        ("social_work_visit", r"last social work(er)? visit"),
        ("iro_contact", r"last iro"),
        ("health_assessment", r"health assessment"),
        ("dental_check", r"dental"),
        ("placements_12m", r"number of placements"),
        (
            "placement_start",
            r"start date of (the )?(most recent|current) placement|placement start",
        ),
        ("placement_type", r"^(current )?placement type|type of (current )?placement"),
        ("placement_provider", r"placement provider"),
        ("placement_postcode", r"postcode"),
        ("placement_urn", r"\burn\b"),
        ("placement_location", r"placement location"),
        ("placement_la", r"la of placement"),
        # Before "missing": "Was the child offered a Return Interview after their last
        # missing episode" is not the count of missing episodes.
        ("return_offered", r"offered a return interview"),
        ("return_accepted", r"accept(ed)? a return interview"),
        ("missing_12m", r"missing"),
        ("absent_12m", r"absent"),
        ("plan", r"permanence plan"),
        ("family_id", r"family (id|identifier)"),
    ),
    9: (
        ("personal_adviser", r"personal advis"),
        # "Eligibity" and "Accomodation": misspellings in some years' templates.
        ("eligibility", r"eligib"),
        ("pathway_review", r"pathway plan"),
        ("in_touch", r"in touch"),
        ("latest_contact", r"(latest|last) date of contact|date of (latest|last) contact"),
        ("accommodation", r"type of accomm?odation|accomm?odation type"),
        ("suitability", r"suitab"),
        ("activity", r"activity"),
    ),
    10: (
        ("family_id", r"family (id|identifier)"),
        ("start_date", r"date (the child )?(started|entered|began|became).*(looked after|care)"),
        ("ffa_date", r"\bffa\b|concurrent planning"),
        ("no_longer_reason", r"reason.*no longer"),
        ("no_longer_date", r"date.*no longer.*adoption"),
        ("decision_date", r"date.*decision.*(placed for adoption|adoption)|date.*adm decision"),
        ("placement_order_date", r"date.*placement order"),
        ("match_date", r"date.*match"),
        ("placed_date", r"date.*placed (for adoption|in adoptive|with adopters)"),
        ("adoption_order_date", r"adoption order"),
    ),
    11: (
        ("adopter_id", r"adopter (id|identifier)"),
        ("family_id", r"family (id|identifier)"),
        ("ffa", r"fostering for adoption"),
        ("enquiry_date", r"enquiry"),
        ("stage1_start", r"stage 1 start"),
        ("stage1_end", r"stage 1 end"),
        ("stage2_start", r"stage 2 start"),
        ("stage2_end", r"stage 2 end"),
        ("application_date", r"application submitted"),
        ("approved_date", r"application approved|date approved"),
        ("matched_date", r"matched"),
        ("children_placed", r"^(no|number) of children"),
        ("placed_date", r"placed with adopter|^date .*placed"),
        ("adoption_order_date", r"adoption order"),
        ("left_date", r"date of leaving"),
        ("left_reason", r"reason for leaving"),
    ),
}
_COMPILED = {
    n: [(name, re.compile(p)) for name, p in (*patterns, *COMMON)]
    for n, patterns in PATTERNS.items()
}
# List 11 is about adopters: the common columns describe the adopter, not a child.
_COMPILED[11] = [(name, re.compile(p)) for name, p in PATTERNS[11]] + [
    (name, re.compile(p)) for name, p in COMMON if name in {"sex", "ethnicity", "disability"}
]

# The fields that tell one list from another when a sheet's name does not.
DISTINCTIVE: dict[int, frozenset[str]] = {
    1: frozenset({"contact_date", "contact_source"}),
    2: frozenset({"early_help_start", "early_help_end", "early_help_by"}),
    3: frozenset({"referral_date", "referral_source", "referral_nfa"}),
    4: frozenset({"assessment_start", "assessment_authorised", "assessment_outcome"}),
    5: frozenset({"s47_start", "icpc_date", "icpc_plan", "icpc_unnecessary"}),
    6: frozenset({"cin_start", "need_code", "cin_closure", "case_status"}),
    7: frozenset({"cp_start", "cp_end", "initial_abuse", "latest_abuse"}),
    8: frozenset({"start_date", "legal_status", "plan", "placement_type", "latest_review"}),
    9: frozenset({"personal_adviser", "eligibility", "pathway_review", "in_touch"}),
    10: frozenset(
        {"decision_date", "placed_date", "placement_order_date", "no_longer_date", "match_date"}
    ),
    11: frozenset({"adopter_id", "enquiry_date", "approved_date", "stage1_start"}),
}


def match_header(text: Any, list_no: int) -> str | None:
    norm = normalise(text)
    if not norm:
        return None
    for name, pattern in _COMPILED[list_no]:
        if pattern.search(norm):
            return name
    return None


def key_field(list_no: int) -> str:
    return "adopter_id" if list_no == 11 else "child_id"


_NAME = re.compile(r"^(?:annex a )?(?:list|l) ?0?(\d{1,2})\b")


def list_from_name(title: str) -> int | None:
    match = _NAME.match(normalise(title))
    if match and int(match.group(1)) in TITLES:
        return int(match.group(1))
    return None


def list_from_fields(fields_of: Callable[[int], set[str]]) -> int | None:
    """The list whose distinctive fields a header row matches best (`fields_of(n)` gives the
    row's fields read as list n), or None."""
    best, best_score = None, 0
    for list_no in TITLES:
        fields = fields_of(list_no)
        if key_field(list_no) not in fields:
            continue
        score = len(fields & DISTINCTIVE[list_no])
        if score > best_score:
            best, best_score = list_no, score
    return best


# --- values ---------------------------------------------------------------------------

BLANKS = {"", "#n/a", "n/a", "na", "#na", "null", "none"}
_LETTER = re.compile(r"^\(?[a-z]{1,2}\d?\)\s*", re.IGNORECASE)
# A code before a colon or a dash: hyphen, or the en or em dash Excel's autocorrect makes of
# " - " ("RD1 – The child's needs changed...").
_CODE = re.compile(r"^([A-Z0-9][A-Z0-9]{0,3})\s*(?:[:\-\u2013\u2014]|$)")


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


class AdopterLeft(models.TextChoices):
    """List 11's reason an adopter left the adoption process: Ofsted's three numbered options,
    as liiatools' Annex A config has them ("1 - Adopter withdrew from process")."""

    WITHDREW = "1", "Adopter withdrew from process"
    ON_HOLD = "2", "Process put on hold"
    REFUSED = "3", "Application refused"


# Coded columns written in words, as councils and liiatools write them: Ofsted's own option
# texts (liiatools' Annex A config lists them: "C2: FCO", "d) U4: Foster placement - long
# term", "e) E4A: Returned home to live with parents or relatives - part of planning") without
# their code, and common short forms. Keys are normalised (see `normalise`); a code's own label
# in codes.py is read as well and is not repeated here. Only a word that means one code is
# here: a word that could mean several is in AMBIGUOUS.
WORDS: dict[type, dict[str, str]] = {
    codes.LegalStatus: {
        "ico": "C1",
        "fco": "C2",
        "freeing order": "D1",
        "placement order": "E1",
        "section 20": "V2",
        "s20": "V2",
        "s 20": "V2",
        "single period under s20": "V2",
        "single period under section 20": "V2",
        "accommodated under section 20": "V2",
        "accommodated under s20": "V2",
        "short term breaks episodes recorded": "V3",
        "short term breaks agreements recorded": "V4",
        "police protection": "L1",
        "police protection la accommodation": "L1",
        "epo": "L2",
        "child assessment order la accommodation": "L3",
        "remanded to la or youth detention": "J1",
        # J1 is the only legal status that is a remand (a child held under PACE is J2, not
        # remanded by a court).
        "remand": "J1",
        "remanded": "J1",
        "on remand": "J1",
        "la accommodation under pace": "J2",
        "pace": "J2",
        "youth rehabilitation order": "J3",
        "yro": "J3",
    },
    codes.PlacementType: {
        "foster placement relatives long term": "U1",
        "foster placement relative long term": "U1",
        "foster placement relative ffa": "U2",
        "foster placement relatives ffa": "U2",
        "foster placement relative not ffa": "U3",
        "foster placement relatives not ffa": "U3",
        # Ofsted's options name the relative or friend; without it, another foster carer.
        "foster placement long term": "U4",
        "foster placement ffa": "U5",
        "foster placement not ffa": "U6",
        "placed for adoption consent current foster": "A3",
        "placed for adoption consent not foster": "A4",
        "placed for adoption order foster": "A5",
        "placed for adoption order not foster": "A6",
        "placed with parents": "P1",
        "placed with own parents": "P1",
        "residential accommodation": "H5",
        "semi independent living accommodation": "H5",
        "secure childrens homes": "K1",
        "childrens homes": "K2",
        "nhs health trust": "R2",
        "mother and baby unit": "R3",
        "young offender institution": "R5",
        "residential school": "S1",
        "other placements": "Z1",
        "temporary placement": "T0",
        "temporary placement hospital": "T1",
        "temporary placement holiday": "T2",
        "temporary placement carer holiday": "T3",
        "temporary placement seven days or less": "T4",
    },
    codes.ReasonCeased: {
        "adopted consent dispensed": "E12",
        "care taken by another la": "E3",
        "care taken over by another la": "E3",
        "returned home to live with parents or relatives part of planning": "E4A",
        "returned home to live with parents or relatives not part of planning": "E4B",
        "parents relatives or other with no parental responsibility": "E13",
        "residence order granted": "E41",
        "residence order": "E41",
        "child arrangements order": "E41",
        "child arrangements order granted": "E41",
        "special guardianship orders former carer relative friend": "E45",
        "special guardianship orders former carer other": "E46",
        "special guardianship orders relative friend": "E47",
        "special guardianship orders other": "E48",
        "moved into independent living supported": "E5",
        "moved into independent living no support": "E6",
        "transferred to residential care funded by adult social services": "E7",
        "care ceased for any other reason": "E8",
        "other reason": "E8",
        "any other reason": "E8",
        "remand ended": "E14",
        "age assessment determined child was 18 or over": "E15",
        "aged 18 and remained with current carers": "E17",
        "staying put": "E17",
    },
    codes.PlacementProvider: {
        "parents parental responsibility": "PR0",
        "own provision": "PR1",
        "other la provision": "PR2",
        "voluntary third sector": "PR5",
    },
    codes.CategoryOfNeed: {"parental disability or illness": "N3"},
    # List 10's reason a child is no longer to be adopted: the DfE's wording (the code's label)
    # without "the", and liiatools' short names ("child's needs changed", "no placement
    # order", "adopters not found", "other": RD4 is the only reason that says "other").
    codes.ReasonPlacedCeased: {
        "childs needs changed subsequent to the decision": "RD1",
        "childs needs changed": "RD1",
        "the childs needs changed": "RD1",
        "needs changed": "RD1",
        "court did not make a placement order": "RD2",
        "no placement order": "RD2",
        "placement order not made": "RD2",
        "placement order refused": "RD2",
        "adopters could not be found": "RD3",
        "adopters not found": "RD3",
        "no adopters found": "RD3",
        "prospective adopters not found": "RD3",
        "other reason": "RD4",
        "other": "RD4",
    },
    # Only the adopter withdraws, only the process is put on hold, only the application is
    # refused: each of these words fits one option.
    AdopterLeft: {
        "adopter withdrew": "1",
        "adopters withdrew": "1",
        "withdrew": "1",
        "withdrawn": "1",
        "application withdrawn": "1",
        "put on hold": "2",
        "on hold": "2",
        "process on hold": "2",
        "refused": "3",
    },
}

# Words that could mean several codes: the 903 code says which (relative or other carer, in
# the plan or not, which special guardian...), and the word does not. The exit routes' codes
# are the care rules' own (children.care.exits).
_ADOPTED = tuple(sorted(exits.ADOPTION_EXIT_CODES))
_RETURNED_HOME = tuple(sorted(exits.RETURN_HOME_PLANNED_CODES | exits.RETURN_HOME_UNPLANNED_CODES))
_SGO = tuple(sorted(exits.CURRENT_SGO_EXIT_CODES))
_REVERSED = tuple(codes.ReasonPlacedCeased.values)
AMBIGUOUS: dict[type, dict[str, tuple[str, ...]]] = {
    codes.LegalStatus: {
        "care order": ("C1", "C2"),
        "short breaks": ("V3", "V4"),
        "short term breaks": ("V3", "V4"),
        "respite": ("V3", "V4"),
        # liiatools reads any "police" as L1, but J2 is accommodation under the Police and
        # Criminal Evidence Act: "police" alone could be either.
        "police": ("L1", "J2"),
    },
    codes.PlacementType: {
        "foster placement": ("U1", "U2", "U3", "U4", "U5", "U6"),
        "foster care": ("U1", "U2", "U3", "U4", "U5", "U6"),
        "fostering": ("U1", "U2", "U3", "U4", "U5", "U6"),
        "foster placement relative": ("U1", "U2", "U3"),
        "foster placement relatives": ("U1", "U2", "U3"),
        "kinship foster care": ("U1", "U2", "U3"),
        "connected carer": ("U1", "U2", "U3"),
        "placed for adoption": ("A3", "A4", "A5", "A6"),
        "supported accommodation": ("K3", "Z13"),
        # Ofsted's "Other placements" is Z1 (in WORDS); from 2025/26 the other placements are
        # Z11 to Z14, so "other" alone could be any of them.
        "other": ("Z1", "Z11", "Z12", "Z13", "Z14"),
        "other placement": ("Z1", "Z11", "Z12", "Z13", "Z14"),
    },
    codes.ReasonCeased: {
        "adopted": _ADOPTED,
        "adoption": _ADOPTED,
        "returned home": _RETURNED_HOME,
        "returned home to parents": _RETURNED_HOME,
        "independent living": ("E5", "E6"),
        "moved into independent living": ("E5", "E6"),
        "sgo": _SGO,
        "special guardianship order": _SGO,
        # A remand ends with the remand (E14) or with a sentence to custody (E9).
        "remand": ("E9", "E14"),
        # Ofsted's options say "other" for a reason (E8), a person (E13) and a special
        # guardian (E46, E48).
        "other": ("E8", "E13", "E46", "E48"),
    },
    codes.PlacementProvider: {
        "other": ("PR2", "PR3"),
        "other provision": ("PR2", "PR3"),
    },
    # Every reversal is a change of plan: the words do not say why. A placement order revoked
    # was made, so it is not RD2 (the court did not make one), but may be any other reason.
    codes.ReasonPlacedCeased: {
        "change of plan": _REVERSED,
        "change of care plan": _REVERSED,
        "plan changed": _REVERSED,
        "care plan changed": _REVERSED,
        "decision reversed": _REVERSED,
        "placement order revoked": ("RD1", "RD3", "RD4"),
        "revocation of placement order": ("RD1", "RD3", "RD4"),
    },
    # The column is the reason for leaving: that they left says none.
    AdopterLeft: {
        "left": ("1", "2", "3"),
        "left process": ("1", "2", "3"),
        "left the process": ("1", "2", "3"),
        "left adoption process": ("1", "2", "3"),
        "process ended": ("1", "2", "3"),
    },
}
# A word that could mean several codes: never guessed. An error in a field the record
# depends on, a warning (the field left blank) elsewhere, as for an unknown code.
AMBIGUOUS_CODE = "ambiguous-code"


def code_reader(choices: type, *, what: str) -> Callable[[Any], str]:
    allowed = set(choices.values)  # type: ignore[attr-defined]
    by_label = {normalise(label): value for value, label in choices.choices}  # type: ignore[attr-defined]
    by_word = by_label | WORDS.get(choices, {})
    ambiguous = AMBIGUOUS.get(choices, {})

    def read(value: Any) -> str:
        raw = strip_letter(text(value))
        match = _CODE.match(raw.upper())
        if match and match.group(1) in allowed:
            return match.group(1)
        if raw.upper() in allowed:
            return raw.upper()
        words = normalise(raw)
        if words in by_word:
            return by_word[words]
        if words in ambiguous:
            could_be = ", ".join(ambiguous[words])
            raise BadValue(AMBIGUOUS_CODE, f"{text(value)!r} could be any of {could_be} ({what})")
        raise BadValue("unknown-code", f"{text(value)!r} is not a {what} code")

    return read


def codes_reader(allowed: set[str], *, what: str) -> Callable[[Any], str]:
    """A code from a plain set (a code before a colon or dash, or the code alone)."""

    def read(value: Any) -> str:
        raw = strip_letter(text(value)).upper()
        match = _CODE.match(raw)
        if match and match.group(1) in allowed:
            return match.group(1)
        if raw in allowed:
            return raw
        raise BadValue("unknown-code", f"{text(value)!r} is not a {what} code")

    return read


SEX_WORDS = {"male": "M", "female": "F", "m": "M", "f": "F", "1": "M", "2": "F", "u": "U"}
SEX_WORDS |= {"unknown": "U", "not known": "U", "not stated": "U", "other": "U"}
SEX_WORDS |= {"indeterminate": "U", "neither": "U", "not recorded": "U", "boy": "M", "girl": "F"}
SEX_WORDS |= {"not stated recorded": "U", "not stated recorded or unborn": "U", "0": "U"}
SEX_WORDS |= {"9": "U", "unborn": "U", "not specified": "U"}


def read_sex(value: Any) -> str:
    raw = normalise(strip_letter(text(value)))
    if raw in SEX_WORDS:
        return SEX_WORDS[raw]
    raise BadValue("unknown-code", f"{text(value)!r} is not a sex (male, female, not known)")


FLAG_WORDS = {"yes": True, "y": True, "1": True, "true": True}
FLAG_WORDS |= {"no": False, "n": False, "0": False, "false": False}


UNKNOWN_WORDS = {"unknown", "not known", "u"}


def read_flag(value: Any) -> bool | None:
    """Yes or no; Ofsted's third option ("c) Unknown") is an answer, kept as not known."""
    if isinstance(value, bool):
        return value
    raw = normalise(strip_letter(text(value)))
    if raw in FLAG_WORDS:
        return FLAG_WORDS[raw]
    if raw in UNKNOWN_WORDS:
        return None
    raise BadValue("invalid-value", f"{text(value)!r} is not yes or no")


def read_answer(value: Any) -> str:
    """Yes, No or Unknown, in words (for an event's details)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    raw = normalise(strip_letter(text(value)))
    if raw in FLAG_WORDS:
        return "Yes" if FLAG_WORDS[raw] else "No"
    if raw in UNKNOWN_WORDS:
        return "Unknown"
    raise BadValue("invalid-value", f"{text(value)!r} is not yes, no or unknown")


def read_count(value: Any) -> int:
    if isinstance(value, bool):
        raise BadValue("invalid-value", f"{value!r} is not a number")
    if isinstance(value, int | float) and float(value).is_integer() and value >= 0:
        return int(value)
    raw = text(value)
    if re.fullmatch(r"\d+(\.0+)?", raw):
        return int(float(raw))
    raise BadValue("invalid-value", f"{raw!r} is not a whole number")


def read_choice(max_length: int = 200) -> Callable[[Any], str]:
    """A list option as text, its letter prefix dropped ("a) 1A: Individual" -> "1A:
    Individual")."""

    def read(value: Any) -> str:
        raw = strip_letter(text(value))
        if len(raw) > max_length:
            raise BadValue("value-too-long", f"longer than {max_length} characters")
        return raw

    return read


# List 8's permanence plan options (and common ways of writing them) -> Assure's plan.
PLAN_WORDS = {
    "return to family": "return_home",
    "return home": "return_home",
    "adoption": "adoption",
    "sgo cao": "sgo_cao",
    "sgo or cao": "sgo_cao",
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


# The 903's OC3 codes, as list 9 writes them ("a) Yes", "c) Died", "B: Parents/relatives").
IN_TOUCH = {"yes": "YES", "y": "YES", "no": "NO", "n": "NO", "died": "DIED", "refu": "REFU"}
IN_TOUCH |= {"nreq": "NREQ", "rhom": "RHOM", "refused": "REFU"}


def read_in_touch(value: Any) -> str:
    raw = normalise(strip_letter(text(value)))
    if raw in IN_TOUCH:
        return IN_TOUCH[raw]
    raise BadValue("unknown-code", f"{text(value)!r} is not a 'LA in touch' answer")


ACCOMMODATION = set("BCDEGHKRSTUVWXYZ")
ACTIVITIES = {"F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G1", "G2"}
ACTIVITIES |= {"G3", "G4", "G5", "G6"}


def read_accommodation(value: Any) -> str:
    raw = strip_letter(text(value)).upper()
    match = re.match(r"^([A-Z])(?:\s*[:\-)]|\s|$)", raw)
    if match and match.group(1) in ACCOMMODATION:
        return match.group(1)
    raise BadValue("unknown-code", f"{text(value)!r} is not a type of accommodation (B to Z)")


def read_suitability(value: Any) -> str:
    raw = normalise(strip_letter(text(value)))
    if raw.startswith("suitable") or raw in {"1", "yes", "y"}:
        return "1"
    if raw.startswith(("unsuitable", "not suitable")) or raw in {"2", "no", "n"}:
        return "2"
    raise BadValue("invalid-value", f"{text(value)!r} is not suitable or unsuitable")


@dataclass(frozen=True)
class Field:
    label: str  # in words, for events' details and messages
    read: Callable[[Any], Any]
    strict: bool = False  # a bad value is an error (the row is not stored), not a warning


def _date(label: str) -> Field:
    return Field(label, read_date_cell, strict=True)


def _choice(label: str) -> Field:
    return Field(label, read_choice())


def _answer(label: str) -> Field:
    return Field(label, read_answer)


def _count(label: str) -> Field:
    return Field(label, read_count)


FIELDS: dict[str, Field] = {
    "child_id": Field("Child Unique ID", read_text(50), strict=True),
    "adopter_id": Field("Individual adopter identifier", read_text(50), strict=True),
    "family_id": Field("Family identifier", read_text(50)),
    "sex": Field("Sex", read_sex),
    "date_of_birth": _date("Date of birth"),
    "ethnicity": Field("Ethnicity", code_reader(codes.Ethnicity, what="ethnicity")),
    "age": _count("Age"),
    "uasc": Field("UASC", read_flag),
    "disability": _answer("Disability"),
    "team": Field("Allocated team", read_text(120)),
    "worker": Field("Allocated worker", read_text(160)),
    # list 1
    "contact_date": _date("Date of contact"),
    "contact_source": _choice("Contact source"),
    # list 2
    "early_help_start": _date("Assessment start date"),
    "early_help_end": _date("Assessment completion date"),
    "early_help_by": Field("Organisation completing the assessment", read_text(200)),
    # list 3
    "referral_date": _date("Date of referral"),
    "referral_source": _choice("Referral source"),
    "referral_nfa": _answer("No further action"),
    "referrals_12m": _count("Referrals in the last 12 months"),
    # list 4
    "assessment_start": _date("Assessment start date"),
    "assessment_seen": _answer("Child seen during the assessment"),
    "assessment_authorised": _date("Date of authorisation"),
    "assessment_outcome": _answer("Assessed as needing children's social care support"),
    # list 5
    "s47_start": _date("Strategy discussion (section 47 enquiry start)"),
    "icpc_unnecessary": _answer("Initial child protection conference deemed unnecessary"),
    "icpc_date": _date("Initial child protection conference"),
    "icpc_plan": _answer("Conference resulted in a child protection plan"),
    "s47_12m": _count("Section 47 enquiries in the last 12 months"),
    "icpc_12m": _count("Initial conferences in the last 12 months"),
    # list 6
    "cin_start": _date("CIN start date"),
    "need_code": _choice("Primary need"),
    "last_seen": _date("Child last seen"),
    "cin_closure": _date("CIN closure date"),
    "closure_reason": _choice("Reason for closure"),
    "case_status": _choice("Case status"),
    # list 7
    "cp_start": _date("Child protection plan start date"),
    "cp_end": _date("Child protection plan end date"),
    "initial_abuse": _choice("Initial category of abuse"),
    "latest_abuse": _choice("Latest category of abuse"),
    "cp_visit": _date("Last statutory visit"),
    "seen_alone": _answer("Child seen alone"),
    "review_conference": _date("Latest review conference"),
    "epo_6m": _answer("Emergency protection order or police protection in the last 6 months"),
    "previous_plans": _count("Previous child protection plans"),
    # list 8
    "second_period": Field("Second or later period of care in 12 months", read_flag),
    "start_date": _date("Date started to be looked after"),
    "end_date": _date("Date ceased to be looked after"),
    "reason_ceased": Field(
        "Reason ceased", code_reader(codes.ReasonCeased, what="reason ceased"), strict=True
    ),
    "legal_status_date": _date("Start of the current legal status"),
    "legal_status": Field(
        "Legal status", code_reader(codes.LegalStatus, what="legal status"), strict=True
    ),
    "category_of_need": Field(
        "Category of need", code_reader(codes.CategoryOfNeed, what="category of need")
    ),
    "latest_review": _date("Latest statutory review"),
    "social_work_visit": _date("Last social work visit"),
    "iro_contact": _date("Last IRO visit or contact"),
    "health_assessment": _date("Last health assessment"),
    "dental_check": _date("Last dental check"),
    "placements_12m": _count("Placements in the last 12 months"),
    "placement_start": _date("Start of the most recent placement"),
    "placement_type": Field(
        "Placement type", code_reader(codes.PlacementType, what="placement type"), strict=True
    ),
    "placement_provider": Field(
        "Placement provider", code_reader(codes.PlacementProvider, what="placement provider")
    ),
    "placement_postcode": Field("Placement postcode", read_text(10)),
    "placement_urn": Field("URN of placement", read_text(10)),
    "placement_location": _choice("Placement location"),
    "placement_la": _choice("LA of placement"),
    "missing_12m": _count("Missing episodes in the last 12 months"),
    "absent_12m": _count("Absences in the last 12 months"),
    "return_offered": _answer("Return interview offered"),
    "return_accepted": _answer("Return interview accepted"),
    "plan": Field("Permanence plan", read_plan, strict=True),
    # list 9
    "personal_adviser": Field("Personal adviser", read_text(160)),
    "eligibility": _choice("Eligibility"),
    "pathway_review": _date("Latest pathway plan review"),
    "in_touch": Field("In touch", read_in_touch),
    "latest_contact": _date("Latest date of contact"),
    "accommodation": Field("Type of accommodation", read_accommodation),
    "suitability": Field("Suitability of accommodation", read_suitability),
    "activity": Field("Activity", codes_reader(ACTIVITIES, what="activity")),
    # list 10
    "ffa_date": _date("Placed in fostering for adoption or concurrent planning"),
    "decision_date": _date("Decision that the child should be placed for adoption"),
    "placement_order_date": _date("Placement order"),
    "match_date": _date("Matched with prospective adopters"),
    "placed_date": _date("Placed for adoption"),
    "adoption_order_date": _date("Adoption order"),
    "no_longer_date": _date("Decision that the child should no longer be placed for adoption"),
    "no_longer_reason": Field(
        "Reason no longer to be placed for adoption",
        code_reader(codes.ReasonPlacedCeased, what="reason (RD1 to RD4)"),
        strict=True,
    ),
    # list 11
    "ffa": _answer("Fostering for adoption"),
    "enquiry_date": _date("Enquiry received"),
    "stage1_start": _date("Stage 1 started"),
    "stage1_end": _date("Stage 1 ended"),
    "stage2_start": _date("Stage 2 started"),
    "stage2_end": _date("Stage 2 ended"),
    "application_date": _date("Application submitted"),
    "approved_date": _date("Application approved"),
    "matched_date": _date("Matched with a child"),
    "children_placed": _count("Children placed"),
    "left_date": _date("Left the adoption process"),
    "left_reason": Field(
        "Reason for leaving the process",
        code_reader(AdopterLeft, what="reason for leaving the adoption process (1 to 3)"),
    ),
}

# What each list's columns feed, and why a column is not used. A column a list has that is
# not in USED[list] is reported (column-not-used) with its reason.
USED_EVERYWHERE = frozenset(
    {"child_id", "sex", "date_of_birth", "ethnicity", "uasc", "disability", "team", "worker"}
)
USED: dict[int, frozenset[str]] = {
    1: USED_EVERYWHERE | {"contact_date", "contact_source"},
    2: USED_EVERYWHERE | {"early_help_start", "early_help_end", "early_help_by"},
    3: USED_EVERYWHERE | {"referral_date", "referral_source", "referral_nfa", "referrals_12m"},
    4: USED_EVERYWHERE
    | {"assessment_start", "assessment_seen", "assessment_authorised", "assessment_outcome"},
    5: USED_EVERYWHERE
    | {"s47_start", "icpc_unnecessary", "icpc_date", "icpc_plan", "s47_12m", "icpc_12m"},
    6: USED_EVERYWHERE
    | {"cin_start", "need_code", "last_seen", "cin_closure", "closure_reason", "case_status"},
    7: USED_EVERYWHERE
    | {
        "cp_start",
        "cp_end",
        "initial_abuse",
        "latest_abuse",
        "cp_visit",
        "seen_alone",
        "review_conference",
        "epo_6m",
        "previous_plans",
    },
    8: USED_EVERYWHERE
    | {
        "second_period",
        "start_date",
        "end_date",
        "reason_ceased",
        "legal_status_date",
        "legal_status",
        "category_of_need",
        "latest_review",
        "social_work_visit",
        "iro_contact",
        "health_assessment",
        "dental_check",
        "placement_start",
        "placement_type",
        "placement_provider",
        "plan",
        "family_id",
    },
    9: USED_EVERYWHERE
    | {
        "personal_adviser",
        "eligibility",
        "pathway_review",
        "in_touch",
        "latest_contact",
        "accommodation",
        "suitability",
        "activity",
    },
    10: USED_EVERYWHERE
    | {
        "family_id",
        "start_date",
        "ffa_date",
        "decision_date",
        "placement_order_date",
        "match_date",
        "placed_date",
        "adoption_order_date",
        "no_longer_date",
        "no_longer_reason",
    },
    11: frozenset(
        {
            "adopter_id",
            "family_id",
            "ffa",
            "enquiry_date",
            "stage1_start",
            "stage1_end",
            "stage2_start",
            "stage2_end",
            "application_date",
            "approved_date",
            "matched_date",
            "children_placed",
            "placed_date",
            "adoption_order_date",
            "left_date",
            "left_reason",
        }
    ),
}
NOT_USED_REASON = {
    "age": "Assure works the age out from the date of birth",
    "placements_12m": "Assure counts placements from the episodes of care",
    "placement_postcode": "placement addresses are not kept",
    "placement_urn": "placements are not kept by URN",
    "placement_location": "placement addresses are not kept",
    "placement_la": "placement addresses are not kept",
    "missing_12m": "Assure keeps missing episodes from the 903, not counts",
    "absent_12m": "Assure keeps missing episodes from the 903, not counts",
    "return_offered": "return interviews are not kept",
    "return_accepted": "return interviews are not kept",
    "sex": "it describes the adopter, and Assure keeps no adopters' details",
    "ethnicity": "it describes the adopter, and Assure keeps no adopters' details",
    "disability": "it describes the adopter, and Assure keeps no adopters' details",
}
