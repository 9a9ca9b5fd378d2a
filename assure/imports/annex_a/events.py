"""Annex A's rows as social care events (children.SocialCareEvent): which columns of which
list give which event, the details in words, list 11's adopters on the children list 10
places with them, and the warnings for rows that give no event."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from assure.children import models as cm
from assure.core import bulk, clock

from ..framework import Problem
from ..ssda903.apply import Changes, chunks
from . import lists
from .rows import HELP_LISTS, ListRow, PreparedAnnexA

Kind = cm.SocialCareEvent.Kind

# Events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSpec:
    kind: str
    start: str
    end: str | None = None
    details: tuple[str, ...] = ()


# List -> the events each row of it gives.
EVENTS: dict[int, tuple[EventSpec, ...]] = {
    1: (EventSpec(Kind.CONTACT, "contact_date", details=("contact_source",)),),
    2: (EventSpec(Kind.EARLY_HELP, "early_help_start", "early_help_end", ("early_help_by",)),),
    3: (
        EventSpec(
            Kind.REFERRAL,
            "referral_date",
            details=("referral_source", "referral_nfa", "referrals_12m"),
        ),
    ),
    4: (
        EventSpec(
            Kind.ASSESSMENT,
            "assessment_start",
            "assessment_authorised",
            ("assessment_seen", "assessment_outcome"),
        ),
    ),
    5: (
        EventSpec(
            Kind.SECTION_47,
            "s47_start",
            details=("icpc_unnecessary", "icpc_date", "icpc_plan", "s47_12m", "icpc_12m"),
        ),
    ),
    6: (
        EventSpec(
            Kind.CHILD_IN_NEED,
            "cin_start",
            "cin_closure",
            ("need_code", "last_seen", "closure_reason", "case_status"),
        ),
    ),
    7: (
        EventSpec(
            Kind.CHILD_PROTECTION,
            "cp_start",
            "cp_end",
            (
                "initial_abuse",
                "latest_abuse",
                "cp_visit",
                "seen_alone",
                "review_conference",
                "epo_6m",
                "previous_plans",
            ),
        ),
    ),
    8: (
        EventSpec(Kind.SOCIAL_WORK_VISIT, "social_work_visit"),
        EventSpec(Kind.IRO_CONTACT, "iro_contact"),
        EventSpec(Kind.HEALTH_ASSESSMENT, "health_assessment"),
        EventSpec(Kind.DENTAL_CHECK, "dental_check"),
    ),
    9: (
        EventSpec(Kind.PATHWAY_PLAN_REVIEW, "pathway_review", None, ("eligibility",)),
        EventSpec(
            Kind.CARE_LEAVER_CONTACT,
            "latest_contact",
            None,
            ("in_touch", "accommodation", "suitability", "activity", "personal_adviser"),
        ),
    ),
    10: (
        EventSpec(Kind.FFA_PLACEMENT, "ffa_date"),
        EventSpec(Kind.PLACEMENT_ORDER, "placement_order_date"),
        EventSpec(Kind.PLACED_FOR_ADOPTION, "placed_date", details=("family_id",)),
        EventSpec(Kind.ADOPTION_ORDER, "adoption_order_date", details=("family_id",)),
    ),
}
# How a stored code reads in an event's details.
IN_TOUCH_WORDS = {"YES": "Yes", "NO": "No", "DIED": "Died", "REFU": "Refused contact"}
IN_TOUCH_WORDS |= {"NREQ": "No longer requires services", "RHOM": "Returned home"}
SUITABILITY_WORDS = {"1": "Suitable", "2": "Unsuitable"}
ACCOMMODATION_WORDS = {
    "B": "With parents or relatives",
    "C": "Community home or other residential care",
    "D": "Semi-independent, transitional or self-contained accommodation",
    "E": "Supported lodgings",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings, without formal support",
    "R": "Residence not known",
    "S": "No fixed abode or homeless",
    "T": "Foyers and similar supported accommodation",
    "U": "Independent living",
    "V": "Emergency accommodation",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "With former foster carers",
}
ACTIVITY_WORDS = {
    "F1": "Full time in higher education",
    "P1": "Part time in higher education",
    "F2": "Full time in education other than higher",
    "P2": "Part time in education other than higher",
    "F3": "Full time in training or employment",
    "P3": "Part time in training or employment",
    "F4": "Full time in an apprenticeship",
    "P4": "Part time in an apprenticeship",
    "F5": "Full time in training or employment (not an apprenticeship)",
    "P5": "Part time in training or employment (not an apprenticeship)",
    "G4": "Not in education, employment or training: illness or disability",
    "G5": "Not in education, employment or training: other",
    "G6": "Not in education, employment or training: pregnancy or parenting",
}
WORDS = {
    "left_reason": dict(lists.AdopterLeft.choices),
    "in_touch": IN_TOUCH_WORDS,
    "suitability": SUITABILITY_WORDS,
    "accommodation": ACCOMMODATION_WORDS,
    "activity": ACTIVITY_WORDS,
}
DETAIL_LABELS = {"family_id": "Adoptive family"}
# Codes shown with their number before their words ("2: Process put on hold").
CODE_SHOWN = frozenset({"activity", "left_reason"})


def _words(name: str, value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if name in WORDS and value in WORDS[name]:
        shown = WORDS[name][value]
        return f"{value}: {shown}" if name in CODE_SHOWN else shown
    return str(value)


def _details(values: dict[str, Any], names: Sequence[str]) -> list[list[str]]:
    return [
        [DETAIL_LABELS.get(name) or lists.FIELDS[name].label, _words(name, values[name])]
        for name in names
        if values.get(name) not in (None, "")
    ]


class NewEvent(NamedTuple):
    kind: str
    start: dt.date
    end: dt.date | None
    details: list[list[str]]
    source_list: str
    where: tuple[str, int]  # file, row


def events_of(row: ListRow) -> Iterator[NewEvent]:
    values = row.values
    where = (row.file, row.row)
    source = lists.LISTS[row.list_no]
    for spec in EVENTS.get(row.list_no, ()):
        start = values.get(spec.start)
        if start is None:
            continue
        end = values.get(spec.end) if spec.end else None
        yield NewEvent(spec.kind, start, end, _details(values, spec.details), source, where)
    if row.list_no == 8 and values.get("second_period") and values.get("start_date"):
        yield NewEvent(Kind.RETURNED_TO_CARE, values["start_date"], None, [], source, where)


def adopter_events(
    rows10: list[ListRow], rows11: list[ListRow], pks: dict[str, int]
) -> Iterator[tuple[int, NewEvent]]:
    """List 11's adopters, as an event on each child list 10 places with their family."""
    adopters: dict[str, list[ListRow]] = defaultdict(list)
    for row in rows11:
        if row.values.get("family_id"):
            adopters[row.values["family_id"]].append(row)
    for row in rows10:
        family = row.values.get("family_id")
        if not family or family not in adopters:
            continue
        members = adopters[family]
        known = [
            m.values.get(name)
            for name in ("approved_date", "application_date", "enquiry_date")
            for m in members
            if m.values.get(name)
        ]
        if not known:
            continue
        first = members[0].values
        details = [["Adoptive family", family], ["Adopters", str(len(members))]]
        details += _details(
            first,
            (
                "ffa",
                "enquiry_date",
                "approved_date",
                "matched_date",
                "placed_date",
                "children_placed",
                "adoption_order_date",
                "left_date",
                "left_reason",
            ),
        )
        yield (
            pks[row.values["child_id"]],
            NewEvent(Kind.ADOPTERS, known[0], None, details, lists.LISTS[11], (row.file, row.row)),
        )


def adopters_not_linked(prepared: PreparedAnnexA) -> int:
    families = {r.values.get("family_id") for r in prepared.valid(10)} - {None}
    return sum(1 for r in prepared.valid(11) if r.values.get("family_id") not in families)


class Events:
    """The events a workbook gives, one a child, kind and start date (a later row of the
    same wins), written against what is stored: new ones inserted, changed ones updated."""

    def __init__(self) -> None:
        self.wanted: dict[tuple[int, str, dt.date], NewEvent] = {}

    def add(self, child_pk: int, event: NewEvent) -> None:
        self.wanted[(child_pk, event.kind, event.start)] = event

    def sync(self, changes: Changes) -> None:
        now = clock.now()
        child_pks = sorted({key[0] for key in self.wanted})
        stored: dict[tuple[int, str, dt.date], dict[str, Any]] = {}
        for chunk in chunks(child_pks):
            for e in cm.SocialCareEvent.objects.filter(child_id__in=chunk).values(
                "id", "child_id", "kind", "start_date", "end_date", "details", "source_list"
            ):
                stored[(e["child_id"], e["kind"], e["start_date"])] = e
        new, changed = [], []
        for key, event in self.wanted.items():
            values = {
                "end_date": event.end,
                "details": event.details,
                "source_list": event.source_list,
            }
            current = stored.get(key)
            if current is None:
                new.append(
                    {
                        "child_id": key[0],
                        "kind": event.kind,
                        "start_date": event.start,
                        **values,
                        "source": cm.SocialCareEvent.Source.ANNEX_A,
                        "recorded_at": now,
                        "updated_at": now,
                    }
                )
                changes.add("Social care events", "created", key[0])
            elif any(current[k] != v for k, v in values.items()):
                changed.append((current["id"], {**values, "updated_at": now}))
                changes.add("Social care events", "updated", key[0])
        bulk.insert(cm.SocialCareEvent, new)
        fields = ["end_date", "details", "source_list", "updated_at"]
        bulk.update(cm.SocialCareEvent, fields, changed)


def event_problems(prepared: PreparedAnnexA) -> None:
    """Warnings for rows that give no event, events given twice, and adopters that no child
    links to: reported at the dry run as at the apply."""
    problems = prepared.problems
    seen: dict[tuple[str, str, dt.date], tuple[str, int]] = {}
    for list_no in (*HELP_LISTS, 8, 9, 10):
        for row in prepared.valid(list_no):
            specs = EVENTS.get(list_no, ())
            if list_no in HELP_LISTS and specs and row.values.get(specs[0].start) is None:
                label = lists.FIELDS[specs[0].start].label
                problems.warning(
                    Problem(
                        row.file,
                        row.row,
                        label,
                        "",
                        "no-event-date",
                        f"Row {row.row} of list {list_no} has no {label.lower()}: the child's "
                        "details are read, and no event is stored for it.",
                    )
                )
            for event in events_of(row):
                key = (row.values["child_id"], event.kind, event.start)
                earlier = seen.get(key)
                if earlier is not None and earlier[0] == row.file:
                    kind = cm.SocialCareEvent.Kind(event.kind).label.lower()
                    problems.warning(
                        Problem(
                            row.file,
                            row.row,
                            "Child Unique ID",
                            row.values["child_id"],
                            "same-event-twice",
                            f"Child {row.values['child_id']} has another {kind} on "
                            f"{event.start:%d/%m/%Y} (row {earlier[1]}): Assure keeps one a "
                            "day, from the later row.",
                        )
                    )
                seen[key] = (row.file, row.row)
    unlinked = adopters_not_linked(prepared)
    if unlinked:
        problems.warning(
            Problem(
                prepared.rows[11][0].file,
                None,
                "Family identifier",
                "",
                "adopters-not-linked",
                f"{unlinked:,} adopter(s) in list 11 have a family identifier that no child in "
                "list 10 has (or none): Assure keeps adopters only on the record of a child "
                "placed with them, so these were not stored.",
            )
        )
