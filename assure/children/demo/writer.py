"""Write generated children to the database in bulk.

At national scale (100,000 children, about two million rows) building model objects and
letting `bulk_create` prepare every field costs far more than the database's own work, so
rows go straight to `executemany` in batches. The column list still comes from each model's
fields, so a new field is written with its default; one without a default makes this fail
loudly instead of writing bad rows. Bulk loading skips django-simple-history: seeded data has
no history to keep.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import connection, models

from assure.core import clock
from assure.people.models import StaffMember, Team, User

from ..care import proceedings as court
from ..models import (
    Child,
    ChildAccess,
    Episode,
    Hearing,
    PermanencePlan,
    PreviousPermanenceRecord,
    Proceedings,
    Review,
    SGOAssessment,
    SGOSupportPlan,
    SocialCareEvent,
)
from .families import ChildSpec

BATCH = 2000


class Table:
    """One model's INSERT statement, with defaults for the columns the demo does not set."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        now = clock.now()
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = f.get_db_prep_save(now, connection)
            elif f.has_default():
                self.defaults[f.attname] = f.get_db_prep_save(f.get_default(), connection)
            elif f.null:
                self.defaults[f.attname] = None
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the models, quoted; values are parameters.
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        self.names = [f.attname for f in self.fields]

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return tuple(values[n] if n in values else self.defaults[n] for n in self.names)
        except KeyError as missing:
            raise RuntimeError(
                f"The demo does not know how to fill {self.model.__name__}.{missing.args[0]}"
            ) from None

    def insert(self, rows: list[dict[str, Any]]) -> int:
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(self.sql, [self.row(r) for r in rows[start : start + BATCH]])
        return len(rows)


class Writer:
    def __init__(self, *, teams: dict[str, Team], staff: dict[str, StaffMember]):
        self.team_ids = {name: team.pk for name, team in teams.items()}
        self.staff_ids = {name: member.pk for name, member in staff.items()}
        self.user_ids = dict(
            User.objects.filter(username__in=["practitioner", "teammanager"]).values_list(
                "username", "pk"
            )
        )
        self.tables: dict[type[models.Model], Table] = {}
        self.rows: Counter[str] = Counter()
        # Prepared once for the database, as Table prepares its defaults: every event is
        # recorded at the moment of seeding.
        self.now = SocialCareEvent._meta.get_field("recorded_at").get_db_prep_save(
            clock.now(), connection
        )
        self.details = SocialCareEvent._meta.get_field("details")

    def _insert(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        if rows:
            table = self.tables.get(model) or self.tables.setdefault(model, Table(model))
            self.rows[model._meta.label] += table.insert(rows)

    def write(self, specs: list[ChildSpec]) -> None:
        if not specs:
            return
        self._insert(Child, [self._child(s) for s in specs])
        pks = dict(
            Child.objects.filter(child_id__in=[s.child_id for s in specs]).values_list(
                "child_id", "pk"
            )
        )
        rows: dict[type[models.Model], list[dict[str, Any]]] = {
            m: []
            for m in (
                Episode,
                Review,
                PreviousPermanenceRecord,
                PermanencePlan,
                SGOAssessment,
                ChildAccess,
                SocialCareEvent,
            )
        }
        for spec in specs:
            pk = pks[spec.child_id]
            rows[Episode] += [
                {
                    "child_id": pk,
                    "start_date": e.start,
                    "end_date": e.end,
                    "reason_new_episode": e.rne,
                    "legal_status": e.ls,
                    "category_of_need": e.cin,
                    "placement_type": e.place,
                    "placement_provider": e.provider,
                    "reason_ceased": e.rec,
                    "reason_place_change": e.reason_place_change,
                    "home_postcode": e.home_postcode,
                    "placement_postcode": e.placement_postcode,
                    "urn": e.urn,
                }
                for e in spec.episodes
            ]
            rows[Review] += [
                {"child_id": pk, "review_date": d, "review_code": c} for d, c in spec.reviews
            ]
            rows[PreviousPermanenceRecord] += [
                {
                    "child_id": pk,
                    "previous_permanence": code,
                    "la_of_permanence": la,
                    "date_of_permanence": when,
                }
                for code, la, when in spec.previous_permanence
            ]
            carer = _planned_carer(spec)
            rows[PermanencePlan] += [
                {
                    "child_id": pk,
                    "plan": plan,
                    "parallel_plan": parallel,
                    "agreed_date": d,
                    "source": PermanencePlan.Source.DEMO.value,
                    **(carer if "sgo" in (plan, parallel) else {}),
                }
                for d, plan, parallel in spec.plans
            ]
            rows[SGOAssessment] += [
                {
                    "child_id": pk,
                    "assessment_id": a.assessment_id,
                    "carer_name": a.carer,
                    "carer_id": a.carer_id,
                    "relationship": a.relationship,
                    "stage": a.stage,
                    "start_date": a.start,
                    "completed_date": a.completed,
                    "recommendation": a.recommendation,
                }
                for a in spec.assessments
            ]
            rows[ChildAccess] += [
                {"child_id": pk, "user_id": self.user_ids[username], "reason": reason}
                for username, reason in spec.access
                if username in self.user_ids
            ]
            rows[SocialCareEvent] += self._events(spec, pk)
        for model, model_rows in rows.items():
            self._insert(model, model_rows)
        self._support_plans(specs, pks)
        self._proceedings(specs, pks)

    def _events(self, spec: ChildSpec, pk: int) -> list[dict[str, Any]]:
        """Social care events as the Annex A importer stores them; details only where there
        are some (most are visits with none: the column's prepared default serves)."""
        now, source = self.now, SocialCareEvent.Source.ANNEX_A.value
        prepare = self.details.get_db_prep_save
        return [
            {
                "child_id": pk,
                "kind": e.kind,
                "start_date": e.start,
                "end_date": e.end,
                "source": source,
                "source_list": e.source_list,
                "recorded_at": now,
                "updated_at": now,
                **({"details": prepare(e.details, connection)} if e.details else {}),
            }
            for e in spec.events
        ]

    def _support_plans(self, specs: list[ChildSpec], pks: dict[str, int]) -> None:
        wanted = [p.assessment_id for s in specs for p in s.support_plans]
        if not wanted:
            return
        assessment_pks = dict(
            SGOAssessment.objects.filter(assessment_id__in=wanted).values_list(
                "assessment_id", "pk"
            )
        )
        self._insert(
            SGOSupportPlan,
            [
                {
                    "child_id": pks[s.child_id],
                    "assessment_id": assessment_pks[p.assessment_id],
                    "agreed_date": p.agreed,
                    "review_date": p.review,
                    "financial_support": p.financial,
                    "summary": p.summary,
                }
                for s in specs
                for p in s.support_plans
            ],
        )

    def write_families(self, groups: list[list[ChildSpec]]) -> None:
        """Each sibling group as a family (its identifier as a case-management system would
        give it), the eldest as "child" and the others as siblings, or half-siblings where
        their surname differs."""
        from assure.families.models import Family, FamilyMember

        if not groups:
            return
        now = clock.now()
        ids = [f"FAM-{n:06d}" for n in range(1, len(groups) + 1)]
        self._insert(
            Family,
            [
                {
                    "family_id": family_id,
                    "name": f"The {group[0].last_name} children",
                    "created_at": now,
                }
                for family_id, group in zip(ids, groups, strict=True)
            ],
        )
        family_pks = dict(Family.objects.values_list("family_id", "pk"))
        child_pks = dict(
            Child.objects.filter(
                child_id__in=[c.child_id for group in groups for c in group]
            ).values_list("child_id", "pk")
        )
        self._insert(
            FamilyMember,
            [
                {
                    "family_id": family_pks[family_id],
                    "child_id": child_pks[child.child_id],
                    "relationship_to_family": (
                        "child"
                        if index == 0
                        else "sibling"
                        if child.last_name == group[0].last_name
                        else "half-sibling"
                    ),
                    "linked_at": now,
                }
                for family_id, group in zip(ids, groups, strict=True)
                for index, child in enumerate(group)
            ],
        )

    def _proceedings(self, specs: list[ChildSpec], pks: dict[str, int]) -> None:
        """Siblings share one set of proceedings: one row, linked to each of them."""
        procs = {p.proceedings_id: p for s in specs for p in s.proceedings}
        if not procs:
            return
        self._insert(
            Proceedings,
            [
                {
                    "proceedings_id": p.proceedings_id,
                    "application_type": p.kind,
                    "issue_date": p.issue,
                    "court": p.court,
                    "case_number": p.case_number,
                    "status": p.status,
                    "concluded_date": p.concluded,
                    "outcome": p.outcome,
                    "extended_to": _extension(p),
                }
                for p in procs.values()
            ],
        )
        proc_pks = dict(
            Proceedings.objects.filter(proceedings_id__in=list(procs)).values_list(
                "proceedings_id", "pk"
            )
        )
        self._insert(
            Proceedings.children.through,
            [
                {"proceedings_id": proc_pks[p.proceedings_id], "child_id": pks[s.child_id]}
                for s in specs
                for p in s.proceedings
            ],
        )
        self._insert(
            Hearing,
            [
                {
                    "proceedings_id": proc_pks[pid],
                    "hearing_date": h.date,
                    "hearing_type": h.kind,
                    "outcome": h.outcome,
                }
                for pid, p in procs.items()
                for h in p.hearings
            ],
        )

    def _child(self, spec: ChildSpec) -> dict[str, Any]:
        return {
            "child_id": spec.child_id,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "date_of_birth": spec.dob,
            "sex": spec.sex,
            "ethnicity": spec.ethnicity,
            "upn": spec.upn,
            "uasc": spec.uasc,
            "uasc_ceased_date": spec.uasc_ceased,
            "disability": spec.disability,
            "team_id": self.team_ids[spec.team],
            "worker_id": self.staff_ids[spec.worker] if spec.worker else None,
            "iro_id": self.staff_ids[spec.iro] if spec.iro else None,
            "restricted": spec.restricted,
        }


def _planned_carer(spec: ChildSpec) -> dict[str, str]:
    """The prospective special guardian an SGO plan names: the carer of the child's positive
    full assessment, or else of their latest full one (none while no full one has begun)."""
    full = [a for a in spec.assessments if a.stage == "full"]
    chosen = next((a for a in full if a.recommendation == "positive"), None)
    if chosen is None and full:
        chosen = max(full, key=lambda a: a.start)
    if chosen is None:
        return {}
    return {"carer_name": chosen.carer, "carer_id": chosen.carer_id}


def _extension(p: Any) -> dt.date | None:
    """About half the care and supervision proceedings whose final hearing falls within eight
    weeks after the 26-week limit had their timetable extended to it (s32(5)), once within
    four weeks of the limit; the others ran over without one. Chosen by the case number, so
    the demo's random draws are as before."""
    if not court.carries_26_weeks(p.kind) or not p.case_number[-1:].isdigit():
        return None
    finals = [h.date for h in p.hearings if h.kind == "final"]
    limit = court.statutory_limit(p.issue)
    if not finals or int(p.case_number[-1]) % 2:
        return None
    final = max(finals)
    if p.status == "open" and clock.today() < limit - dt.timedelta(weeks=4):
        return None  # not yet: a court extends the timetable near its end
    return final if limit < final <= limit + dt.timedelta(weeks=8) else None
