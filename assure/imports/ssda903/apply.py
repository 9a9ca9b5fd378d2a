"""Writing merged 903 rows: children first, then every child-owned table, in bulk, and
the checks about each child (for the child's page).

The importer hands over a chunk of children at a time: one query loads the chunk's
existing rows, then new rows are inserted and changed ones updated with one executemany
each (see bulk.py). Nothing is written for a row that has not changed, so importing the
same files twice changes nothing.

Field history (django-simple-history) is not written on this bulk path: like bulk_create
and bulk_update, it sends no signals. Each changed child instead gets a domain event naming the
import run, and the run keeps the files' SHA-256 and every problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from assure.children import models as cm
from assure.core import bulk, clock, events

from ..models import ChildCheck
from .rows import Row
from .values import sex_of

CHUNK = 1000


@dataclass(frozen=True)
class Target:
    """Where one 903 table goes: the model, its key fields and the column for each field."""

    table: str
    model: type[models.Model]
    key: tuple[str, ...]
    fields: dict[str, str]  # column -> model field


TARGETS = (
    Target(
        "Episodes",
        cm.Episode,
        ("start_date",),
        {
            "DECOM": "start_date",
            "RNE": "reason_new_episode",
            "LS": "legal_status",
            "CIN": "category_of_need",
            "PLACE": "placement_type",
            "PLACE_PROVIDER": "placement_provider",
            "DEC": "end_date",
            "REC": "reason_ceased",
            "REASON_PLACE_CHANGE": "reason_place_change",
            "HOME_POST": "home_postcode",
            "PL_POST": "placement_postcode",
            "URN": "urn",
        },
    ),
    Target(
        "Reviews",
        cm.Review,
        ("review_date",),
        {
            "REVIEW": "review_date",
            "REVIEW_CODE": "review_code",
        },
    ),
    Target(
        "PrevPerm",
        cm.PreviousPermanenceRecord,
        ("previous_permanence", "date_of_permanence"),
        {
            "PREV_PERM": "previous_permanence",
            "LA_PERM": "la_of_permanence",
            "DATE_PERM": "date_of_permanence",
        },
    ),
    Target(
        "Missing",
        cm.MissingEpisode,
        ("start_date",),
        {
            "MISSING": "kind",
            "MIS_START": "start_date",
            "MIS_END": "end_date",
        },
    ),
    Target(
        "SWEpisodes",
        cm.SocialWorkerEpisode,
        ("start_date",),
        {
            "SW_ID": "worker_id",
            "SW_DECOM": "start_date",
            "SW_DEC": "end_date",
            "SW_REASON": "reason_ended",
        },
    ),
    Target(
        "PlacedAdoption",
        cm.PlacedForAdoption,
        ("date_placed",),
        {
            "DATE_PLACED": "date_placed",
            "DATE_PLACED_CEASED": "date_placed_ceased",
            "REASON_PLACED_CEASED": "reason_placed_ceased",
        },
    ),
    Target(
        "AD1",
        cm.AdoptionDecision,
        ("decision_date",),
        {
            "DATE_INT": "decision_date",
            "DATE_MATCH": "match_date",
            "FOSTER_CARE": "foster_care",
            "NB_ADOPTR": "number_of_adopters",
            "SEX_ADOPTR": "sex_of_adopters",
            "LS_ADOPTR": "legal_status_of_adopters",
        },
    ),
    Target(
        "OC2",
        cm.ChildOutcome,
        (),
        {
            "SDQ_SCORE": "sdq_score",
            "SDQ_REASON": "sdq_reason",
            "CONVICTED": "convicted",
            "HEALTH_CHECK": "health_check",
            "IMMUNISATIONS": "immunisations",
            "TEETH_CHECK": "teeth_check",
            "HEALTH_ASSESSMENT": "health_assessment",
            "SUBSTANCE_MISUSE": "substance_misuse",
            "INTERVENTION_RECEIVED": "intervention_received",
            "INTERVENTION_OFFERED": "intervention_offered",
        },
    ),
    Target(
        "OC3",
        cm.CareLeaverOutcome,
        (),
        {
            "IN_TOUCH": "in_touch",
            "ACTIV": "activity",
            "ACCOM": "accommodation",
        },
    ),
)

HEADER_FIELDS = {
    "SEX": "sex",
    "DOB": "date_of_birth",
    "ETHNIC": "ethnicity",
    "UPN": "upn",
    "MOTHER": "is_mother",
    "MC_DOB": "mother_child_dob",
}


UASC_FIELDS = {"SEX": "sex", "DOB": "date_of_birth"}


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _field_values(model: type[models.Model], row: Row, mapping: dict[str, str]) -> dict[str, Any]:
    """Model field values from a row; blank text becomes "" for text fields. Columns the
    file did not have are left out, so they do not blank what is stored."""
    values = {}
    absent = row.absent
    typed = row.values
    for column, position, name, nullable in _plan(model, row.table, mapping):
        if absent and column in absent:
            continue
        value = typed[position]
        values[name] = "" if value is None and not nullable else value
    return values


_PLANS: dict[tuple[Any, ...], list[tuple[str, int, str, bool]]] = {}


def _plan(model: type[models.Model], table: Any, mapping: dict[str, str]) -> list:
    key = (model, table.name, id(mapping))  # the mappings are this module's constants
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = [
            (column, table.index(column), name, model._meta.get_field(name).null)
            for column, name in mapping.items()
        ]
    return plan


class Changes:
    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}
        self.by_child: dict[int, set[str]] = defaultdict(set)

    def add(self, table: str, kind: str, child_pk: int) -> None:
        counts = self.counts.setdefault(table, {"created": 0, "updated": 0})
        counts[kind] += 1
        self.by_child[child_pk].add(table)


def sync_children(
    *,
    child_ids: Iterable[str],
    headers: dict[str, Row],
    uasc: dict[str, Row],
    changes: Changes,
) -> dict[str, int]:
    """Create or update every child named in the files; returns child ID -> pk."""
    pks: dict[str, int] = {}
    fields = [*HEADER_FIELDS.values(), "uasc", "uasc_ceased_date"]
    now = clock.now()
    for chunk in chunks(sorted(child_ids)):
        existing = {
            c["child_id"]: c
            for c in cm.Child.objects.filter(child_id__in=chunk).values("id", "child_id", *fields)
        }
        new, changed = [], []
        for child_id in chunk:
            wanted = _child_values(headers.get(child_id), uasc.get(child_id))
            stored = existing.get(child_id)
            if stored is None:
                new.append({"child_id": child_id, **wanted})
            elif any(stored[k] != val for k, val in wanted.items()):
                stored.update(wanted, updated_at=now)
                changed.append((stored["id"], stored))
                changes.add("Children", "updated", stored["id"])
        bulk.insert(cm.Child, new)
        bulk.update(cm.Child, [*fields, "updated_at"], changed)
        pks.update((child_id, c["id"]) for child_id, c in existing.items())
        if new:
            created = dict(
                cm.Child.objects.filter(child_id__in=[c["child_id"] for c in new]).values_list(
                    "child_id", "id"
                )
            )
            pks.update(created)
            for pk in created.values():
                changes.add("Children", "created", pk)
    return pks


def _child_values(header: Row | None, uasc: Row | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if header is not None:
        values.update(_field_values(cm.Child, header, HEADER_FIELDS))
    elif uasc is not None:  # no Header: the UASC table's SEX and DOB are the best there is
        values.update(_field_values(cm.Child, uasc, UASC_FIELDS))
    if "sex" in values:  # SEX in either coding (1/2, M/F/U) is stored as M, F or U
        values["sex"] = sex_of(values["sex"]) or ""
    if uasc is not None:
        values["uasc"] = True
        if "DUC" not in uasc.absent:
            values["uasc_ceased_date"] = uasc.get("DUC")
    return values


def sync_table(
    *, target: Target, rows: dict[tuple[Any, ...], Row], pks: dict[str, int], changes: Changes
) -> None:
    """Create and update one table's rows, a chunk of children at a time."""
    model = target.model
    names = list(dict.fromkeys(target.fields.values()))
    by_child: dict[int, list[Row]] = defaultdict(list)
    for row in rows.values():
        by_child[pks[row.child]].append(row)
    for chunk in chunks(sorted(by_child)):
        existing = {
            (stored["child_id"], *(stored[k] for k in target.key)): stored
            for stored in model.objects.filter(child_id__in=chunk).values("id", "child_id", *names)
        }
        new, changed = [], []
        for child_pk in chunk:
            for row in by_child[child_pk]:
                values = _field_values(model, row, target.fields)
                key = (child_pk, *(values.get(k) for k in target.key))
                stored = existing.get(key)
                if stored is None:
                    existing[key] = {"child_id": child_pk, **values}
                    new.append(existing[key])
                    changes.add(target.table, "created", child_pk)
                elif any(stored[k] != val for k, val in values.items()):
                    stored.update(values)
                    changed.append((stored["id"], stored))
                    changes.add(target.table, "updated", child_pk)
        bulk.insert(model, new)
        bulk.update(model, names, changed)


def record_child_events(*, changes: Changes, run: Any, actor: Any) -> int:
    """One domain event per changed child, naming the import run, written in bulk."""
    return events.record_many(
        actor=actor,
        verb="child.imported",
        items=(
            {
                "object_type": "children.child",
                "object_id": child_pk,
                "child_id": child_pk,
                "summary": f"Changed by 903 import run {run.pk}: {', '.join(sorted(tables))}",
                "data": {"import_run": run.pk, "tables": sorted(tables)},
            }
            for child_pk, tables in changes.by_child.items()
        ),
    )


def replace_child_checks(*, pks: dict[str, int], problems: dict[str, list[Any]], run: Any) -> int:
    """The chunk's children's problems from this import replace those of earlier imports:
    a child's page shows what the latest import including them reported."""
    if not pks:
        return 0
    ChildCheck.objects.filter(child_id__in=list(pks.values())).delete()
    rows = [
        {
            "child_id": pks[child_id],
            "run_id": run.pk,
            "severity": severity,
            "code": problem.code[:60],
            "file": problem.file[-300:],
            "row": problem.row,
            "column": problem.column[:60],
            "value": problem.value[:200],
            "message": problem.message,
        }
        for child_id, items in problems.items()
        if child_id in pks
        for severity, problem in items
    ]
    return bulk.insert(ChildCheck, rows)
