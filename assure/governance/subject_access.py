"""A subject access bundle: everything Assure holds about one child, as one zip file with the
data as JSON (`bundle.json`) and the same as a page a person can read (`bundle.html`).

What it holds is what the deletion of the child's record reaches (erasure.CHILD_RELATIONS
and STEPS), so the two cannot drift apart: a test fails when a relation to a child is not in
both. Rows shared with other children (proceedings, a family, a practice review) are given
without their links to the others. Free text is given as written: the information
governance officer reads the bundle for other people's information before releasing it.

Taking a bundle is a read of the child's record: it is logged in the access log (as an
export) and recorded as a domain event, naming the sections and their counts.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.template.loader import render_to_string

from assure.children.models import Child, Hearing, Proceedings
from assure.core import access, clock, events
from assure.core.models import AccessEvent, DomainEvent

from . import erasure

# Not part of the child's own record: how the deletion tracks a child it will delete.
LEFT_OUT = frozenset({"children.child"})
ACCESS_LOG = "core.accessevent"
DOMAIN_EVENTS = "core.domainevent"
CHRONOLOGY = "chronology"


@dataclass
class Section:
    key: str
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)

    @property
    def table(self) -> list[list[str]]:
        columns = self.columns
        return [[_text(row.get(c)) for c in columns] for row in self.rows]


@dataclass
class Bundle:
    child: Child
    taken_at: Any
    taken_by: Any
    sections: list[Section]

    @property
    def filename(self) -> str:
        return f"subject-access-{self.child.child_id}-{self.taken_at:%Y-%m-%d}.zip"

    def counts(self) -> dict[str, int]:
        return {s.key: len(s.rows) for s in self.sections}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def _title(model: type[Model]) -> str:
    return str(model._meta.verbose_name_plural).capitalize()


def _rows(queryset: QuerySet, *fields: str) -> list[dict[str, Any]]:
    return list(queryset.order_by("pk").values(*fields))


def child_sections(*, child: Child, user: Any) -> list[Section]:
    """Every section of the bundle, in a fixed number of queries (one or two a section)."""
    pk = child.pk
    sections = [Section("children.child", "The child's record", _rows(Child.objects.filter(pk=pk)))]
    for label, lookups in erasure.steps():
        if label in LEFT_OUT:
            continue
        model = apps.get_model(label)
        sections.append(Section(label, _title(model), _rows(model.objects.filter(_q(lookups, pk)))))
    sections += [
        Section(
            "children.proceedings",
            "Proceedings",
            _rows(Proceedings.objects.filter(children=pk).distinct()),
        ),
        Section(
            "children.hearing",
            "Hearings",
            _rows(Hearing.objects.filter(proceedings__children=pk).distinct()),
        ),
        _linked("families.family", "members__child", pk),
        _linked("audits.familyaudit", "child_audits__child", pk),
        _linked("families.practicereview", "children", pk),
        _linked("families.annotation", "children", pk),
        _linked("insights.evidenceitem", "child", pk),
        _history(pk),
        Section(
            ACCESS_LOG,
            "Who looked at the record (the access log)",
            _rows(
                AccessEvent.objects.filter(child_id=pk),
                "at",
                "user__username",
                "via",
                "where",
                "detail",
            ),
        ),
        Section(
            DOMAIN_EVENTS,
            "What was done, by whom (domain events)",
            _rows(
                DomainEvent.objects.filter(child_id=pk),
                "at",
                "actor__username",
                "verb",
                "object_type",
                "object_id",
                "summary",
                "data",
            ),
        ),
        Section(CHRONOLOGY, "Chronology", _chronology(child, user)),
    ]
    return sections


def _q(lookups: tuple[str, ...], pk: int) -> Q:
    q = Q()
    for lookup in lookups:
        q |= Q(**{lookup: [pk]})
    return q


def _linked(label: str, lookup: str, pk: int) -> Section:
    model = apps.get_model(label)
    return Section(label, _title(model), _rows(model.objects.filter(**{lookup: pk}).distinct()))


def _history(pk: int) -> Section:
    """The field history (who changed what, when) of the child's record and its tables."""
    rows: list[dict[str, Any]] = []
    for label, historical in sorted(erasure.history_models().items()):
        names = {f.name for f in historical._meta.get_fields()}
        if label == "children.child":
            q = Q(id=pk)
        elif "child" in names:
            q = Q(child_id=pk)
        else:
            continue
        for row in historical.objects.filter(q).order_by("history_date").values():
            rows.append({"record": label, **row})
    return Section("history", "Field history", rows)


def _chronology(child: Child, user: Any) -> list[dict[str, Any]]:
    from assure.families import chronology

    return [
        {"date": e.date, "kind": e.kind_label, "summary": e.summary, "detail": list(e.detail)}
        for e in chronology.build(children=[child], user=user)
    ]


def child_for_export(*, user: Any, child_id: str) -> Child:
    """A child this person may take a bundle for; 404 otherwise, as for no such child."""
    if not access.can(user, "export_subject_access"):
        raise Http404("No child with that ID")
    child = access.visible_children(user).filter(child_id=child_id).first()
    if child is None:
        raise Http404("No child with that ID")
    return child


@transaction.atomic
def subject_access_bundle(*, user: Any, child_id: str, where: str) -> tuple[Bundle, bytes]:
    """Log the read, then build the bundle and its zip file (the log of this export is in
    the bundle's own access log)."""
    child = child_for_export(user=user, child_id=child_id)
    access.record_export(
        user=user, where=where, child_pks=[child.pk], detail={"subject_access": True}
    )
    bundle = Bundle(
        child=child,
        taken_at=clock.now(),
        taken_by=user,
        sections=child_sections(child=child, user=user),
    )
    events.record(
        actor=user,
        verb="subject_access_exported",
        obj=child,
        child=child,
        summary="Subject access bundle downloaded",
        data={"sections": bundle.counts()},
    )
    return bundle, _zip(bundle)


def _zip(bundle: Bundle) -> bytes:
    data = {
        "child_id": bundle.child.child_id,
        "taken_at": bundle.taken_at,
        "taken_by": bundle.taken_by.username,
        "sections": {s.key: {"title": s.title, "rows": s.rows} for s in bundle.sections},
    }
    page = render_to_string("governance/bundle.html", {"bundle": bundle})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "bundle.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        archive.writestr("bundle.html", page)
    return buffer.getvalue()
