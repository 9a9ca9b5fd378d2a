"""Writing extract rows in bulk: one query to load what is stored per chunk, one executemany
to insert and one to update. Nothing is written for a row that has not changed, so the same
files imported twice change nothing."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models

from assure.children import models as cm
from assure.core import bulk, clock, events
from assure.families.models import Family, FamilyMember, Relationship
from assure.people.models import StaffMember, Team

from ..ssda903.apply import Changes, chunks
from .reader import Row

PROCEEDINGS_FIELDS = (
    "application_type",
    "issue_date",
    "court",
    "case_number",
    "status",
    "concluded_date",
    "outcome",
)


DATE_FIELDS = frozenset({"extended_to"})  # dates whose names do not end in _date


def _blank(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Text fields store "" for blank; dates store None."""
    out = {}
    for name in names:
        value = values.get(name)
        is_date = name.endswith("_date") or name in DATE_FIELDS
        out[name] = value if value is not None else (None if is_date else "")
    return out


def _present(values: dict[str, Any], optional: tuple[str, ...]) -> tuple[str, ...]:
    """The optional columns the row's file has: a file without one says nothing about it,
    and the stored value stays."""
    return tuple(name for name in optional if name in values)


def sync_proceedings(
    rows: list[Row], pks: dict[str, int], changes: Changes
) -> dict[str, tuple[int, set[int]]]:
    """Create or update each proceedings and link its children; returns proceedings ID ->
    (pk, children's pks) for every proceedings named (hearings need them)."""
    wanted: dict[str, dict[str, Any]] = {}
    children: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        pid = row.values["proceedings_id"]
        values = _blank(row.values, PROCEEDINGS_FIELDS + _present(row.values, ("extended_to",)))
        values["status"] = values["status"] or "open"
        wanted[pid] = values
        children[pid].add(pks[row.values["child_id"]])
    result: dict[str, tuple[int, set[int]]] = {}
    through = cm.Proceedings.children.through
    for chunk in chunks(sorted(wanted)):
        stored = {
            p["proceedings_id"]: p
            for p in cm.Proceedings.objects.filter(proceedings_id__in=chunk).values(
                "id", "proceedings_id", *PROCEEDINGS_FIELDS, "extended_to"
            )
        }
        new, changed = [], []
        for pid in chunk:
            values = wanted[pid]
            if pid not in stored:
                new.append({"proceedings_id": pid, **values})
            elif any(stored[pid][k] != v for k, v in values.items()):
                stored[pid].update(values)
                changed.append((stored[pid]["id"], stored[pid]))
                for child_pk in children[pid]:
                    changes.add("Proceedings", "updated", child_pk)
        bulk.insert(cm.Proceedings, new)
        bulk.update(cm.Proceedings, [*PROCEEDINGS_FIELDS, "extended_to"], changed)
        ids = dict(
            cm.Proceedings.objects.filter(proceedings_id__in=chunk).values_list(
                "proceedings_id", "id"
            )
        )
        for item in new:
            for child_pk in children[item["proceedings_id"]]:
                changes.add("Proceedings", "created", child_pk)
        linked = set(
            through.objects.filter(proceedings_id__in=ids.values()).values_list(
                "proceedings_id", "child_id"
            )
        )
        links = []
        for pid in chunk:
            for child_pk in sorted(children[pid]):
                if (ids[pid], child_pk) not in linked:
                    links.append({"proceedings_id": ids[pid], "child_id": child_pk})
                    changes.add("Proceedings children", "created", child_pk)
        bulk.insert(through, links)
        for pid in chunk:
            result[pid] = (ids[pid], set())
    return result


def sync_hearings(
    rows: list[Row], proceedings: dict[str, tuple[int, set[int]]], changes: Changes
) -> None:
    pids = sorted({row.values["proceedings_id"] for row in rows} - set(proceedings))
    for chunk in chunks(pids):
        for pid, pk in cm.Proceedings.objects.filter(proceedings_id__in=chunk).values_list(
            "proceedings_id", "id"
        ):
            proceedings[pid] = (pk, set())
    through = cm.Proceedings.children.through
    by_pk = {pk: kids for pk, kids in proceedings.values()}
    for pk, child_pk in through.objects.filter(proceedings_id__in=list(by_pk)).values_list(
        "proceedings_id", "child_id"
    ):
        by_pk[pk].add(child_pk)
    wanted: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        pk = proceedings[row.values["proceedings_id"]][0]
        key = (pk, row.values["hearing_date"], row.values["hearing_type"])
        wanted[key] = {"outcome": row.values["outcome"] or ""}
    stored = {
        (h["proceedings_id"], h["hearing_date"], h["hearing_type"]): h
        for h in cm.Hearing.objects.filter(proceedings_id__in=list(by_pk)).values(
            "id", "proceedings_id", "hearing_date", "hearing_type", "outcome"
        )
    }
    new, changed = [], []
    for key, values in wanted.items():
        kind = "created"
        if key not in stored:
            new.append(
                {"proceedings_id": key[0], "hearing_date": key[1], "hearing_type": key[2], **values}
            )
        elif stored[key]["outcome"] != values["outcome"]:
            changed.append((stored[key]["id"], values))
            kind = "updated"
        else:
            continue
        counts = changes.counts.setdefault("Hearings", {"created": 0, "updated": 0})
        counts[kind] += 1
        for child_pk in by_pk[key[0]]:
            changes.by_child[child_pk].add("Hearings")
    bulk.insert(cm.Hearing, new)
    bulk.update(cm.Hearing, ["outcome"], changed)


ASSESSMENT_FIELDS = (
    "carer_name",
    "relationship",
    "stage",
    "start_date",
    "completed_date",
    "recommendation",
)


def sync_assessments(rows: list[Row], pks: dict[str, int], changes: Changes) -> None:
    """A file without the optional carer_id column leaves the stored carer IDs as they are;
    with it, a blank cell clears one. Rows of both kinds are written in two passes, each
    with its own fields."""
    with_id: dict[str, dict[str, Any]] = {}
    without_id: dict[str, dict[str, Any]] = {}
    for row in rows:
        has_id = "carer_id" in row.values
        fields = ASSESSMENT_FIELDS + (("carer_id",) if has_id else ())
        wanted = with_id if has_id else without_id
        wanted[row.values["assessment_id"]] = {
            "child_id": pks[row.values["child_id"]],
            **_blank(row.values, fields),
        }
    for ident in with_id:  # the same assessment in a file with the column: one write
        without_id.pop(ident, None)
    for wanted in (without_id, with_id):
        if wanted:
            _sync_by_key(cm.SGOAssessment, "assessment_id", wanted, "SGO assessments", changes)


def _sync_by_key(
    model: type[models.Model],
    key: str,
    wanted: dict[str, dict[str, Any]],
    table: str,
    changes: Changes,
) -> None:
    names = list(next(iter(wanted.values()))) if wanted else []
    for chunk in chunks(sorted(wanted)):
        stored = {
            s[key]: s
            for s in model.objects.filter(**{f"{key}__in": chunk}).values("id", key, *names)
        }
        new, changed = [], []
        for ident in chunk:
            values = wanted[ident]
            if ident not in stored:
                new.append({key: ident, **values})
                changes.add(table, "created", values["child_id"])
            elif any(stored[ident][k] != v for k, v in values.items()):
                # bulk.update takes field names: the child's is "child", not "child_id"
                changed.append((stored[ident]["id"], {**values, "child": values["child_id"]}))
                changes.add(table, "updated", values["child_id"])
        bulk.insert(model, new)
        bulk.update(model, ["child" if n == "child_id" else n for n in names], changed)


PLAN_CARER_FIELDS = ("carer_id", "carer_name")


def sync_plans(rows: list[Row], pks: dict[str, int], changes: Changes) -> None:
    """Plans are history: child, agreed date and plan name one row (of any source); only
    its parallel plan and the carer it names can change. A file without the optional carer
    columns leaves the carer a stored plan names as it is."""
    wanted: dict[tuple[int, Any, str], dict[str, Any]] = {}
    for row in rows:
        key = (pks[row.values["child_id"]], row.values["agreed_date"], row.values["plan"])
        wanted[key] = {
            "parallel_plan": row.values["parallel_plan"] or "",
            **_blank(row.values, _present(row.values, PLAN_CARER_FIELDS)),
        }
    child_pks = sorted({key[0] for key in wanted})
    for chunk in chunks(child_pks):
        stored = {
            (p["child_id"], p["agreed_date"], p["plan"]): p
            for p in cm.PermanencePlan.objects.filter(child_id__in=chunk).values(
                "id", "child_id", "agreed_date", "plan", "parallel_plan", *PLAN_CARER_FIELDS
            )
        }
        members = set(chunk)
        new, changed = [], []
        for key, values in wanted.items():
            if key[0] not in members:
                continue
            if key not in stored:
                new.append(
                    {
                        "child_id": key[0],
                        "agreed_date": key[1],
                        "plan": key[2],
                        **values,
                        "source": cm.PermanencePlan.Source.EXTRACT,
                    }
                )
                changes.add("Permanence plans", "created", key[0])
            elif any(stored[key][k] != v for k, v in values.items()):
                merged = {k: stored[key][k] for k in ("parallel_plan", *PLAN_CARER_FIELDS)}
                changed.append((stored[key]["id"], merged | values))
                changes.add("Permanence plans", "updated", key[0])
        bulk.insert(cm.PermanencePlan, new)
        bulk.update(cm.PermanencePlan, ["parallel_plan", *PLAN_CARER_FIELDS], changed)


def teams_by_name(names: set[str]) -> dict[str, int]:
    """Team pks by name, creating the missing teams."""
    found = dict(Team.objects.filter(name__in=names).values_list("name", "id"))
    bulk.insert(Team, [{"name": name} for name in sorted(names - set(found))])
    if len(found) < len(names):
        found = dict(Team.objects.filter(name__in=names).values_list("name", "id"))
    return found


def staff_by_name(names: dict[str, int | None]) -> dict[str, int]:
    """Staff pks by name, creating the missing records (with the team they were found in)."""
    found = dict(StaffMember.objects.filter(name__in=list(names)).values_list("name", "id"))
    bulk.insert(
        StaffMember,
        [
            {"name": name, "team_id": team}
            for name, team in sorted(names.items())
            if name not in found
        ],
    )
    if len(found) < len(names):
        found = dict(StaffMember.objects.filter(name__in=list(names)).values_list("name", "id"))
    return found


def allocate(
    wanted: dict[int, dict[str, str | None]], changes: Changes, *, table: str = "Allocations"
) -> None:
    """Set children's team, worker and IRO from names: child pk -> {team, worker, iro}. A
    name given as None is left as stored; "" clears it."""
    team_ids = teams_by_name({v["team"] for v in wanted.values() if v.get("team")})
    staff: dict[str, int | None] = {}
    for values in wanted.values():
        if values.get("worker"):
            staff.setdefault(values["worker"], team_ids.get(values.get("team") or ""))
        if values.get("iro"):
            staff.setdefault(values["iro"], None)
    staff_ids = staff_by_name(staff)
    ids = {"team": team_ids, "worker": staff_ids, "iro": staff_ids}
    now = clock.now()
    for chunk in chunks(sorted(wanted)):
        stored = {
            c["id"]: c
            for c in cm.Child.objects.filter(id__in=chunk).values(
                "id", "team_id", "worker_id", "iro_id"
            )
        }
        changed = []
        for pk in chunk:
            target = {
                f"{name}_id": (ids[name].get(value) if value else None)
                for name, value in wanted[pk].items()
                if value is not None
            }
            if any(stored[pk][k] != v for k, v in target.items()):
                stored[pk].update(target)
                row = stored[pk]
                changed.append(
                    (
                        pk,
                        {
                            "team": row["team_id"],
                            "worker": row["worker_id"],
                            "iro": row["iro_id"],
                            "updated_at": now,
                        },
                    )
                )
                changes.add(table, "updated", pk)
        bulk.update(cm.Child, ["team", "worker", "iro", "updated_at"], changed)


def sync_allocations(rows: list[Row], pks: dict[str, int], changes: Changes) -> None:
    """The extract is the record of allocation: a blank cell clears the allocation."""
    wanted = {
        pks[row.values["child_id"]]: {
            name: row.values[name] or "" for name in ("team", "worker", "iro")
        }
        for row in rows
    }
    allocate(wanted, changes)


def link_families(
    wanted: dict[tuple[str, int], str],
    changes: Changes,
    *,
    table: str = "Family links",
    keep_relationship: bool = False,
) -> None:
    """(family identifier, child pk) -> relationship; creates families and links as needed.
    With keep_relationship an existing link's relationship is left as it is (Annex A names
    the family but not the relationship)."""
    if not wanted:
        return
    family_ids = sorted({key[0] for key in wanted})
    now = clock.now()
    found = dict(Family.objects.filter(family_id__in=family_ids).values_list("family_id", "id"))
    bulk.insert(Family, [{"family_id": f, "created_at": now} for f in family_ids if f not in found])
    found = dict(Family.objects.filter(family_id__in=family_ids).values_list("family_id", "id"))
    stored = {
        (m["family_id"], m["child_id"]): m
        for m in FamilyMember.objects.filter(family_id__in=found.values()).values(
            "id", "family_id", "child_id", "relationship_to_family"
        )
    }
    new, changed = [], []
    for (family_id, child_pk), relationship in wanted.items():
        key = (found[family_id], child_pk)
        if key not in stored:
            new.append(
                {
                    "family_id": key[0],
                    "child_id": child_pk,
                    "relationship_to_family": relationship,
                    "linked_at": now,
                }
            )
            changes.add(table, "created", child_pk)
        elif not keep_relationship and stored[key]["relationship_to_family"] != relationship:
            changed.append((stored[key]["id"], {"relationship_to_family": relationship}))
            changes.add(table, "updated", child_pk)
    bulk.insert(FamilyMember, new)
    bulk.update(FamilyMember, ["relationship_to_family"], changed)


def sync_families(rows: list[Row], pks: dict[str, int], changes: Changes) -> None:
    link_families(
        {
            (row.values["family_id"], pks[row.values["child_id"]]): (
                row.values["relationship_to_family"] or Relationship.CHILD
            )
            for row in rows
        },
        changes,
    )


def record_child_events(*, changes: Changes, run: Any, actor: Any, what: str) -> int:
    """One domain event per changed child, naming the import run."""
    return events.record_many(
        actor=actor,
        verb="child.imported",
        items=(
            {
                "object_type": "children.child",
                "object_id": child_pk,
                "child_id": child_pk,
                "summary": f"Changed by {what} import run {run.pk}: {', '.join(sorted(tables))}",
                "data": {"import_run": run.pk, "tables": sorted(tables)},
            }
            for child_pk, tables in changes.by_child.items()
        ),
    )
