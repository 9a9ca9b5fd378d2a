"""Deleting what a deletion proposal names, completely, in the caller's transaction.

**A child's record** goes with everything that hangs off it, across every app:

- deleted: the child and every table of the care record (episodes, reviews, plans, SGO
  assessments and support plans, social care events, outcomes, the access list), their
  field history (django-simple-history's rows, including the ones the deletion itself
  writes), audits with their answers, grades, findings, actions, agreements, contributions,
  moves and escalations (with their notifications), proposals and their decisions, panel
  agenda items and their outcomes, family links, import checks, the tracker's snapshot rows,
  emails about the child, lifted legal holds and the child's place on deletion proposals;
- deleted when nobody else is left in them: proceedings (shared by siblings: the link goes
  first, the proceedings and hearings with the last child), a family audit whose children's
  audits are all gone, a family with no member, practice review and family audit left, and a
  practice review's annotation about no one left;
- unlinked, kept: practice reviews (the council's learning) lose the child from their
  scope; an insights evidence item loses its link to the child;
- pseudonymised, kept: the access log and the domain events about the child keep who did
  what and when, for their own retention period, with the child replaced by a pseudonym that
  is written nowhere else (`erased-<proposal>-<random>`): the child's ID is taken out of each
  entry's page address, and the entry's details and summary are replaced. Domain events about
  the deleted rows (an audit, a proposal) are treated the same way.

`CHILD_RELATIONS` names every relation to a child in the product and what happens to it; a
test fails when a relation appears that it does not name, and another when a model points
at a deleted row without being accounted for. A legal hold that stands refuses the whole
deletion.

Free text that names a child without a link to them (panel minutes, practice review
conclusions, recommendations, evidence summaries, import runs' problem lists) is not
searched: the import records go under their own rule; the rest is the council's to edit.

**The access log and import records** go by age: every entry before the cut-off, except
those about a child under a legal hold.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from assure.children.models import Child
from assure.core.errors import NotNow
from assure.core.models import AccessEvent, DomainEvent

DELETE = "deleted"
UNLINK = "unlinked"
PSEUDONYMISE = "pseudonymised"
HISTORY = "history purged"

# Every relation to Child in the product -> what deleting the child does with it.
CHILD_RELATIONS: dict[tuple[str, str], str] = {
    ("core.accessevent", "child"): PSEUDONYMISE,
    ("core.domainevent", "child"): PSEUDONYMISE,
    ("core.email", "child"): DELETE,
    ("inbox.notification", "child"): DELETE,  # its title names the child
    ("children.childaccess", "child"): DELETE,
    ("children.episode", "child"): DELETE,
    ("children.review", "child"): DELETE,
    ("children.previouspermanencerecord", "child"): DELETE,
    ("children.proceedings", "children"): DELETE,  # the link; the last child takes the rest
    ("children.permanenceplan", "child"): DELETE,
    ("children.sgoassessment", "child"): DELETE,
    ("children.sgosupportplan", "child"): DELETE,
    ("children.missingepisode", "child"): DELETE,
    ("children.socialworkerepisode", "child"): DELETE,
    ("children.placedforadoption", "child"): DELETE,
    ("children.adoptiondecision", "child"): DELETE,
    ("children.socialcareevent", "child"): DELETE,
    ("children.childoutcome", "child"): DELETE,
    ("children.careleaveroutcome", "child"): DELETE,
    ("children.historicalepisode", "child"): HISTORY,
    ("children.historicalpermanenceplan", "child"): HISTORY,
    ("children.historicalsgoassessment", "child"): HISTORY,
    ("children.historicalsgosupportplan", "child"): HISTORY,
    ("audits.audit", "child"): DELETE,
    ("audits.escalation", "child"): DELETE,
    ("tracker.snapshotrow", "child"): DELETE,
    ("families.familymember", "child"): DELETE,
    ("families.practicereview", "children"): UNLINK,
    ("families.annotation", "children"): UNLINK,  # an annotation about no one left goes
    ("imports.childcheck", "child"): DELETE,
    ("panels.agendaitem", "child"): DELETE,
    ("decisions.proposal", "child"): DELETE,
    ("insights.evidenceitem", "child"): UNLINK,
    ("governance.legalhold", "child"): DELETE,  # lifted ones: a hold that stands refuses
    ("governance.deletionitem", "child"): DELETE,
}

# What is deleted, leaves first, each with the lookups (OR-ed) that tie a row to the
# children: one query per step, whatever the number of children.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("audits.notification", ("escalation__child__in", "escalation__audit__child__in")),
    ("audits.escalation", ("child__in", "audit__child__in")),
    ("panels.outcome", ("item__child__in", "item__proposal__child__in")),
    ("panels.agendaitem", ("child__in", "proposal__child__in")),
    ("decisions.decision", ("proposal__child__in",)),
    ("decisions.proposal", ("child__in",)),
    ("audits.actionagreement", ("action__audit__child__in",)),
    ("audits.caseaction", ("audit__child__in",)),
    ("audits.finding", ("audit__child__in",)),
    ("audits.answer", ("audit__child__in",)),
    ("audits.overallgrade", ("audit__child__in",)),
    ("audits.contribution", ("audit__child__in",)),
    ("audits.audittransition", ("audit__child__in",)),
    ("audits.audit", ("child__in",)),
    ("imports.childcheck", ("child__in",)),
    ("families.familymember", ("child__in",)),
    ("tracker.snapshotrow", ("child__in",)),
    ("core.email", ("child__in",)),
    ("inbox.notification", ("child__in",)),
    ("governance.legalhold", ("child__in",)),
    ("governance.deletionitem", ("child__in",)),
    ("children.childaccess", ("child__in",)),
    ("children.sgosupportplan", ("child__in",)),
    ("children.sgoassessment", ("child__in",)),
    ("children.permanenceplan", ("child__in",)),
    ("children.episode", ("child__in",)),
    ("children.review", ("child__in",)),
    ("children.previouspermanencerecord", ("child__in",)),
    ("children.missingepisode", ("child__in",)),
    ("children.socialworkerepisode", ("child__in",)),
    ("children.placedforadoption", ("child__in",)),
    ("children.adoptiondecision", ("child__in",)),
    ("children.socialcareevent", ("child__in",)),
    ("children.childoutcome", ("child__in",)),
    ("children.careleaveroutcome", ("child__in",)),
    ("children.child", ("pk__in",)),
)
# Rows that supersede one another (PROTECT): the links within what goes are cut first.
SUPERSEDING = ("audits.answer", "audits.overallgrade", "panels.outcome", "decisions.proposal")
# Deleted only when nobody is left in them (see `_orphans`).
ORPHANS = ("children.proceedings", "children.hearing", "audits.familyaudit", "families.family")
# How deleting a child reaches each of them, for the test that follows every relation.
REACHED_THROUGH = {
    "children.proceedings": "children",
    "audits.familyaudit": "child_audits",
    "families.family": "members",
}
CHUNK = 500


def installed(label: str) -> bool:
    """Is this model's app installed? (An app that is not, such as one a council leaves
    out, has no rows to delete.)"""
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def steps() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`STEPS`, of the apps installed."""
    return tuple((label, lookups) for label, lookups in STEPS if installed(label))


def child_relations() -> dict[tuple[str, str], str]:
    """`CHILD_RELATIONS`, of the apps installed."""
    return {key: what for key, what in CHILD_RELATIONS.items() if installed(key[0])}


def _q(lookups: tuple[str, ...], pks: list[int]) -> Q:
    q = Q()
    for lookup in lookups:
        q |= Q(**{lookup: pks})
    return q


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


class Result:
    """How many rows went, were pseudonymised or unlinked, by kind of row: what a deletion
    records about itself, never which."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {
            DELETE: Counter(),
            PSEUDONYMISE: Counter(),
            UNLINK: Counter(),
            HISTORY: Counter(),
        }

    def add(self, what: str, counts: dict[str, int]) -> None:
        for label, n in counts.items():
            if n:
                self.counts[what][label.lower()] += n

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {what: dict(sorted(c.items())) for what, c in self.counts.items() if c}


def pseudonym(tag: str) -> str:
    return f"erased-{tag}-{secrets.token_hex(3)}"


def erase_children(*, pks: Iterable[int], tag: str) -> dict[str, dict[str, int]]:
    """Delete these children's records and everything hanging off them (see the module's
    notes). Must run inside the caller's transaction, after the caller has checked that no
    hold stands; refuses if one does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("erase_children must run inside a transaction")
    from .models import LegalHold

    pks = sorted(set(pks))
    result = Result()
    for start in range(0, len(pks), CHUNK):
        chunk = list(
            Child.objects.select_for_update()
            .filter(pk__in=pks[start : start + CHUNK])
            .values_list("pk", flat=True)
        )
        if LegalHold.objects.filter(child_id__in=chunk, lifted_at__isnull=True).exists():
            raise NotNow("A child under a legal hold cannot be deleted.")
        if chunk:
            _erase_chunk(chunk, tag, result)
    return result.as_dict()


def _erase_chunk(pks: list[int], tag: str, result: Result) -> None:
    child_ids = dict(Child.objects.filter(pk__in=pks).values_list("pk", "child_id"))
    going = {
        label: list(
            apps.get_model(label).objects.filter(_q(lookups, pks)).values_list("pk", flat=True)
        )
        for label, lookups in steps()
    }
    touched = _touched(pks)
    _pseudonymise_objects(going, tag, result)
    _pseudonymise_children(pks, child_ids, tag, result)
    _unlink(pks, result)
    for label in SUPERSEDING:
        model = apps.get_model(label)
        ids = going[label]
        model.objects.filter(Q(pk__in=ids) | Q(supersedes__in=ids)).exclude(supersedes=None).update(
            supersedes=None
        )
    for label, _ in steps():
        ids = going[label]
        if ids:
            _, counts = apps.get_model(label).objects.filter(pk__in=ids).delete()
            result.add(DELETE, counts)
    gone = _orphans(touched, result)
    going.update(gone)
    _pseudonymise_objects(gone, tag, result)
    _purge_history(pks, going, result)


def _touched(pks: list[int]) -> dict[str, list[int]]:
    """What the children share with others, to delete afterwards if nobody is left."""
    from assure.audits.models import FamilyAudit
    from assure.children.models import Proceedings
    from assure.families.models import Annotation, Family

    return {
        "children.proceedings": list(
            Proceedings.objects.filter(children__in=pks).values_list("pk", flat=True).distinct()
        ),
        "audits.familyaudit": list(
            FamilyAudit.objects.filter(child_audits__child__in=pks)
            .values_list("pk", flat=True)
            .distinct()
        ),
        "families.family": list(
            Family.objects.filter(members__child__in=pks).values_list("pk", flat=True).distinct()
        ),
        "families.annotation": list(
            Annotation.objects.filter(children__in=pks).values_list("pk", flat=True).distinct()
        ),
    }


def _pseudonymise_children(
    pks: list[int], child_ids: dict[int, str], tag: str, result: Result
) -> None:
    """The access log and domain events keep who did what, when, with each child replaced by
    a pseudonym: the child's ID is taken out of page addresses, details and summaries
    replaced."""
    for pk in pks:
        name = pseudonym(tag)
        mark = {"erased_child": name}
        entries = AccessEvent.objects.filter(child_id=pk)
        pattern = re.compile(rf"(?<![A-Za-z0-9]){re.escape(child_ids[pk])}(?![A-Za-z0-9])")
        for where in set(entries.values_list("where", flat=True)):
            rewritten = pattern.sub(name, where)[:300]
            if rewritten != where:
                entries.filter(where=where).update(where=rewritten)
        result.add(PSEUDONYMISE, {"core.accessevent": entries.update(child=None, detail=mark)})
        about = DomainEvent.objects.filter(child_id=pk)
        summary = f"About a child whose record was deleted ({name})"
        result.add(
            PSEUDONYMISE,
            {"core.domainevent": about.update(child=None, summary=summary, data=mark)},
        )


def _pseudonymise_objects(going: dict[str, list[int]], tag: str, result: Result) -> None:
    """Domain events about rows being deleted (an audit, a proposal) that name no child
    (those that do are the children's own, see above), and were not pseudonymised yet."""
    summary = f"About a record deleted under deletion proposal {tag}"
    mark = {"erased_record": tag}
    for label, ids in going.items():
        for start in range(0, len(ids), CHUNK):
            chunk = [str(pk) for pk in ids[start : start + CHUNK]]
            n = (
                DomainEvent.objects.filter(
                    object_type=label, object_id__in=chunk, child__isnull=True
                )
                .exclude(data__has_key="erased_child")
                .exclude(data__has_key="erased_record")
                .update(summary=summary, data=mark)
            )
            result.add(PSEUDONYMISE, {"core.domainevent": n})


def _unlink(pks: list[int], result: Result) -> None:
    from assure.families.models import Annotation, PracticeReview
    from assure.insights.models import EvidenceItem

    result.add(
        UNLINK,
        {"insights.evidenceitem": EvidenceItem.objects.filter(child_id__in=pks).update(child=None)},
    )
    _, counts = PracticeReview.children.through.objects.filter(child_id__in=pks).delete()
    result.add(UNLINK, counts)
    annotated = list(
        Annotation.objects.filter(children__in=pks).values_list("pk", flat=True).distinct()
    )
    _, counts = Annotation.children.through.objects.filter(child_id__in=pks).delete()
    result.add(UNLINK, counts)
    _, counts = Annotation.objects.filter(pk__in=annotated, children=None).delete()
    result.add(DELETE, counts)


def _orphans(touched: dict[str, list[int]], result: Result) -> dict[str, list[int]]:
    """Proceedings, family audits and families the deleted children leave with nobody."""
    from assure.audits.models import FamilyAudit
    from assure.children.models import Hearing, Proceedings
    from assure.families.models import Family

    gone: dict[str, list[int]] = {}
    proceedings = list(
        Proceedings.objects.filter(
            pk__in=touched["children.proceedings"], children=None
        ).values_list("pk", flat=True)
    )
    gone["children.hearing"] = list(
        Hearing.objects.filter(proceedings__in=proceedings).values_list("pk", flat=True)
    )
    gone["children.proceedings"] = proceedings
    family_audits = list(
        FamilyAudit.objects.filter(
            pk__in=touched["audits.familyaudit"], child_audits=None
        ).values_list("pk", flat=True)
    )
    gone["audits.familyaudit"] = family_audits
    for model, ids in ((Proceedings, proceedings), (FamilyAudit, family_audits)):
        if ids:
            _, counts = model.objects.filter(pk__in=ids).delete()
            result.add(DELETE, counts)
    families = list(
        Family.objects.filter(
            pk__in=touched["families.family"],
            members=None,
            practice_reviews=None,
            family_audits=None,
        ).values_list("pk", flat=True)
    )
    gone["families.family"] = families
    if families:
        _, counts = Family.objects.filter(pk__in=families).delete()
        result.add(DELETE, counts)
    return gone


def history_models() -> dict[str, type[models.Model]]:
    """django-simple-history's table for each model that has one: label of the model ->
    its historical model."""
    return {
        _label(model.instance_type): model
        for model in apps.get_models()
        if hasattr(model, "instance_type") and hasattr(model, "history_id")
    }


def _purge_history(pks: list[int], going: dict[str, list[int]], result: Result) -> None:
    """The field history of every deleted row, and any history naming the children (rows
    deleted before, by an import, still have theirs). Run last: deleting writes history."""
    for label, historical in history_models().items():
        ids = list(going.get(label, ()))
        if label == "children.child":
            ids = list(pks)
        names = {f.name for f in historical._meta.get_fields()}
        for start in range(0, max(len(ids), len(pks)), CHUNK):
            q = Q(pk__in=[])
            if ids[start : start + CHUNK]:
                q |= Q(id__in=ids[start : start + CHUNK])
            if "child" in names and pks[start : start + CHUNK]:
                q |= Q(child_id__in=pks[start : start + CHUNK])
            n, _ = historical.objects.filter(q).delete()
            result.add(HISTORY, {_label(historical): n})


# --- by age: the access log and import records -----------------------------------------------


def erase_access_log(*, before: Any, held: set[int]) -> dict[str, dict[str, int]]:
    result = Result()
    entries = AccessEvent.objects.filter(at__lt=before)
    if held:
        entries = entries.exclude(child_id__in=held)
    _, counts = entries.delete()
    result.add(DELETE, counts)
    return result.as_dict()


def erase_import_records(*, before: Any, held: set[int]) -> dict[str, dict[str, int]]:
    """Import runs (with their checks) and uploads never applied, older than the cut-off,
    and the uploads' files, removed once the deletion has committed."""
    from assure.imports import uploads as files

    from .selectors import old_import_runs, old_uploads

    result = Result()
    _, counts = old_import_runs(before, held).delete()
    result.add(DELETE, counts)
    doomed = list(old_uploads(before))
    paths: list[Path] = []
    for upload in doomed:
        stored = [item["stored"] for item in upload.files if item.get("stored")]
        paths += [files.upload_dir() / name for name in stored]
        if upload.problems_file:
            paths.append(files.upload_dir() / upload.problems_file)
    if doomed:
        _, counts = old_uploads(before).filter(pk__in=[u.pk for u in doomed]).delete()
        result.add(DELETE, counts)
    transaction.on_commit(lambda: [path.unlink(missing_ok=True) for path in paths])
    return result.as_dict()
