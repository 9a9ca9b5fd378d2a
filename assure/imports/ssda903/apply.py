"""Writing merged 903 rows: children first, then every child-owned table, in bulk.

Work goes a chunk of children at a time: one query loads the chunk's existing rows, then
new rows are bulk-created and changed ones bulk-updated. Nothing is written for a row that
has not changed, so importing the same files twice changes nothing.

Field history (django-simple-history) is not written on this bulk path: bulk_create and
bulk_update send no signals. Each changed child instead gets a domain event naming the
import run, and the run keeps the files' SHA-256 and every problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models

from assure.children import models as cm
from assure.core import clock
from assure.core.models import DomainEvent

from .rows import Row

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


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _field_values(model: type[models.Model], row: Row, mapping: dict[str, str]) -> dict[str, Any]:
    """Model field values from a row; blank text becomes "" for text fields. Columns the
    file did not have are left out, so they do not blank what is stored."""
    values = {}
    for column, name in mapping.items():
        if column in row.absent:
            continue
        value = row.get(column)
        if value is None and not model._meta.get_field(name).null:
            value = ""
        values[name] = value
    return values


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
            c.child_id: c
            for c in cm.Child.objects.filter(child_id__in=chunk).only("id", "child_id", *fields)
        }
        new, changed = [], []
        for child_id in chunk:
            wanted = _child_values(headers.get(child_id), uasc.get(child_id))
            child = existing.get(child_id)
            if child is None:
                new.append(cm.Child(child_id=child_id, **wanted))
            elif any(getattr(child, k) != val for k, val in wanted.items()):
                for name, value in wanted.items():
                    setattr(child, name, value)
                child.updated_at = now
                changed.append(child)
        cm.Child.objects.bulk_create(new, batch_size=CHUNK)
        cm.Child.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=CHUNK)
        if any(child.pk is None for child in new):
            existing.update(
                cm.Child.objects.filter(child_id__in=[c.child_id for c in new])
                .only("id", "child_id")
                .in_bulk(field_name="child_id")
            )
        for child in new:
            existing[child.child_id] = existing.get(child.child_id) or child
        pks.update({child_id: child.pk for child_id, child in existing.items()})
        for child in new:
            changes.add("Children", "created", pks[child.child_id])
        for child in changed:
            changes.add("Children", "updated", child.pk)
    return pks


def _child_values(header: Row | None, uasc: Row | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if header is not None:
        values.update(_field_values(cm.Child, header, HEADER_FIELDS))
    elif uasc is not None:  # no Header: the UASC table's SEX and DOB are the best there is
        values.update(_field_values(cm.Child, uasc, {"SEX": "sex", "DOB": "date_of_birth"}))
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
            (obj.child_id, *(getattr(obj, k) for k in target.key)): obj
            for obj in model.objects.filter(child_id__in=chunk).only("id", "child_id", *names)
        }
        new, changed = [], []
        for child_pk in chunk:
            for row in by_child[child_pk]:
                values = _field_values(model, row, target.fields)
                key = (child_pk, *(values.get(k) for k in target.key))
                obj = existing.get(key)
                if obj is None:
                    obj = model(child_id=child_pk, **values)
                    existing[key] = obj
                    new.append(obj)
                    changes.add(target.table, "created", child_pk)
                elif any(getattr(obj, k) != val for k, val in values.items()):
                    for name, value in values.items():
                        setattr(obj, name, value)
                    changed.append(obj)
                    changes.add(target.table, "updated", child_pk)
        model.objects.bulk_create(new, batch_size=CHUNK)
        model.objects.bulk_update(changed, names, batch_size=CHUNK)


def record_child_events(*, changes: Changes, run: Any, actor: Any) -> int:
    """One domain event per changed child, naming the import run (written in bulk; the same
    fields as assure.core.events.record)."""
    at = clock.now()
    actor = actor if getattr(actor, "pk", None) else None
    events = (
        DomainEvent(
            at=at,
            actor=actor,
            verb="child.imported",
            object_type="children.child",
            object_id=str(child_pk),
            child_id=child_pk,
            summary=f"Changed by 903 import run {run.pk}: {', '.join(sorted(tables))}",
            data={"import_run": run.pk, "tables": sorted(tables)},
        )
        for child_pk, tables in changes.by_child.items()
    )
    count = 0
    batch: list[DomainEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) == CHUNK:
            DomainEvent.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    DomainEvent.objects.bulk_create(batch)
    return count + len(batch)
