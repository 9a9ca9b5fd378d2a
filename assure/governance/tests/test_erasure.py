"""What deleting a child's record deletes: everything that holds something about the child,
in every app, and nothing of their sibling's; what stays is pseudonymised or unlinked. The
relation tests fail when a model gains a link to a child (or to a row the deletion deletes)
that the deletion does not account for."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import models, transaction

from assure.audits.models import Audit, FamilyAudit
from assure.children.models import ChangedChild, Child, Episode, Proceedings
from assure.core.errors import NotNow
from assure.core.models import AccessEvent, DomainEvent, Email
from assure.families.models import Annotation, Family, PracticeReview
from assure.governance import erasure
from assure.governance.models import LegalHold
from assure.inbox.models import Notification as InboxNotification
from assure.insights.models import EvidenceItem
from assure.tracker.models import SnapshotRow

from .builders import CHILD_ID, FIRST, LAST, MARKERS, full_world

pytestmark = pytest.mark.django_db

# Relations into rows the deletion deletes, from models it keeps, and why that is safe.
KEPT_THOUGH_LINKED = {
    ("families.practicereview", "family"): "a family with a practice review is kept",
    ("audits.familyaudit", "family"): "a family with a family audit is kept",
}


def _relations_to(target: type[models.Model]):
    """(model label, field name, field) of every relation to `target` a model declares:
    foreign keys, one-to-ones and many-to-manys, hidden ones and historical tables included
    (an automatic many-to-many table is reported as its many-to-many field)."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.auto_created:
            continue
        for field in model._meta.get_fields(include_hidden=True):
            if field.is_relation and not field.auto_created and field.related_model is target:
                yield model._meta.label_lower, field.name, field


def test_every_relation_to_a_child_is_accounted_for():
    found = {(label, name) for label, name, _ in _relations_to(Child)}
    missing = found - set(erasure.child_relations())
    assert not missing, (
        "A model links to a child and the deletion of a child's record does not say what "
        f"happens to it: add it to erasure.CHILD_RELATIONS (and STEPS): {sorted(missing)}"
    )
    assert set(erasure.child_relations()) == found, "CHILD_RELATIONS names relations now gone"


def test_every_relation_to_a_deleted_row_is_accounted_for():
    deleted = {label for label, _ in erasure.steps()} | set(erasure.ORPHANS)
    history = {_label(m) for m in erasure.history_models().values()}
    unaccounted = []
    for label in sorted(deleted):
        for source, name, field in _relations_to(apps.get_model(label)):
            if source in deleted or source in history or field.many_to_many:
                continue  # deleted too, purged, or a link row that goes with either end
            if (source, name) in erasure.child_relations() or (source, name) in KEPT_THOUGH_LINKED:
                continue
            unaccounted.append(f"{source}.{name} -> {label}")
    assert not unaccounted, (
        "These point at rows the deletion of a child's record deletes, and it does not "
        f"handle them: {unaccounted}"
    )


def test_every_historical_table_of_a_deleted_model_is_purged():
    deleted = {label for label, _ in erasure.steps()} | set(erasure.ORPHANS)
    with_history = set(erasure.history_models())
    assert with_history - deleted == {"people.user"}  # people are not deleted with a child


def _text_of(row: dict) -> str:
    return json.dumps(row, default=str)


def _rows_naming(markers: tuple[str, ...]) -> list[str]:
    """Every row in every table (link tables included) that holds one of the markers."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        for row in model._default_manager.values():
            text = _text_of(row)
            if any(marker in text for marker in markers):
                found.append(f"{model._meta.label_lower}: {text[:200]}")
    return found


def _erase(world) -> dict:
    with transaction.atomic():
        return erasure.erase_children(pks=[world.child.pk], tag="7")


def _rows_pointing_at(child_pk: int) -> list[str]:
    """Every row in every table whose link to a child (a foreign key, a one-to-one, a link
    table's column, a historical table's) is this child."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Child:
                n = model._default_manager.filter(**{field.attname: child_pk}).count()
                if n:
                    found.append(f"{model._meta.label_lower}.{field.name}: {n}")
    return found


def test_nothing_anywhere_names_or_points_at_the_child_afterwards():
    world = full_world()
    # The test can see them while they are there.
    assert len(_rows_naming(MARKERS)) >= 9
    assert len(_rows_pointing_at(world.child.pk)) >= 30
    _erase(world)
    assert _rows_naming(MARKERS) == []
    assert _rows_pointing_at(world.child.pk) == []
    assert not Child.objects.filter(pk=world.child.pk).exists()


def test_the_sibling_keeps_everything_and_shared_things_stay_with_them():
    world = full_world()
    sibling = world.sibling

    def sibling_rows() -> dict[str, int]:
        return {
            "episodes": Episode.objects.filter(child=sibling).count(),
            "audits": Audit.objects.filter(child=sibling).count(),
            "checks": sibling.import_checks.count(),
            "emails": Email.objects.filter(child=sibling).count(),
            "notifications": InboxNotification.objects.filter(child=sibling).count(),
            "access": AccessEvent.objects.filter(child=sibling).count(),
            "events": DomainEvent.objects.filter(child=sibling).count(),
            "snapshot": SnapshotRow.objects.filter(child=sibling).count(),
            "history": Child.history.filter(id=sibling.pk).count(),
        }

    before = sibling_rows()
    _erase(world)
    assert sibling_rows() == before
    assert all(before.values())
    shared = Proceedings.objects.get(proceedings_id="PR-SHARED")
    assert list(shared.children.all()) == [sibling]
    assert shared.hearings.count() == 1
    assert not Proceedings.objects.filter(proceedings_id="PR-OWN").exists()
    family = Family.objects.get(family_id="FAM-SHARED")
    assert [m.child for m in family.members.all()] == [sibling]
    assert not Family.objects.filter(family_id="FAM-ALONE").exists()
    review = PracticeReview.objects.get(title="Drift")
    assert list(review.children.all()) == [sibling]
    assert list(Annotation.objects.values_list("commentary", flat=True)) == ["Shared"]
    assert list(FamilyAudit.objects.values_list("title", flat=True)) == ["Siblings"]
    assert FamilyAudit.objects.get().child_audits.get().child == sibling
    evidence = EvidenceItem.objects.get()
    assert evidence.child is None and evidence.summary == "Praise"


def test_the_access_log_and_domain_events_keep_who_and_when_under_a_pseudonym():
    world = full_world()
    read_by = sorted(AccessEvent.objects.filter(child=world.child).values_list("user_id", "at"))
    _erase(world)
    erased = AccessEvent.objects.filter(child__isnull=True)
    assert sorted(erased.values_list("user_id", "at")) == read_by
    names = {e.detail["erased_child"] for e in erased}
    assert len(names) == 1
    (name,) = names
    assert name.startswith("erased-7-")
    assert sorted(e.where for e in erased) == sorted(
        [f"/children/{name}/", f"/tracker/?q={name}&sort=name"]
    )
    about = DomainEvent.objects.get(verb="child_restricted")
    assert about.child is None and about.actor == world.lead
    assert name in about.summary and about.data == {"erased_child": name}
    audit_event = DomainEvent.objects.get(verb="audit_noted")
    assert audit_event.data == {"erased_record": "7"} and CHILD_ID not in audit_event.summary
    family_event = DomainEvent.objects.get(verb="family_created")
    assert LAST not in family_event.summary
    assert DomainEvent.objects.get(verb="child_noted").summary == "Sibling"  # not theirs


def test_history_snapshots_and_the_care_log():
    world = full_world()
    pk = world.child.pk
    assert Child.history.filter(id=pk).count() >= 2
    assert Episode.history.filter(child_id=pk).exists()
    ChangedChild.objects.all().delete()
    _erase(world)
    assert not Child.history.filter(id=pk).exists()  # the deletion's own "-" row too
    assert not Episode.history.filter(child_id=pk).exists()
    assert not Proceedings.history.filter(proceedings_id="PR-OWN").exists()
    assert Proceedings.history.filter(proceedings_id="PR-SHARED").exists()
    assert not SnapshotRow.objects.filter(child_id=pk).exists()
    # The care log names the child, so a snapshot brought up to date drops their row.
    assert ChangedChild.objects.filter(child_id=pk).exists()


def test_the_result_counts_rows_by_kind_and_names_nobody():
    world = full_world()
    result = _erase(world)
    deleted = result[erasure.DELETE]
    assert deleted["children.child"] == 1
    assert deleted["children.episode"] == 1
    assert deleted["children.hearing"] == 1  # the proceedings only they were in
    assert deleted["children.proceedings"] == 1
    assert deleted["audits.audit"] == 2
    assert deleted["audits.answer"] == 2
    assert deleted["decisions.proposal"] == 2
    assert deleted["panels.outcome"] == 2
    assert deleted["families.family"] == 1
    assert deleted["governance.legalhold"] == 1
    assert deleted["inbox.notification"] == 1
    assert result[erasure.PSEUDONYMISE]["core.accessevent"] == 2
    assert result[erasure.UNLINK]["insights.evidenceitem"] == 1
    assert result[erasure.HISTORY]["children.historicalchild"] >= 2
    assert not any(marker in json.dumps(result) for marker in MARKERS)
    assert FIRST not in json.dumps(result)


def test_a_hold_that_stands_refuses_and_changes_nothing():
    world = full_world()
    LegalHold.objects.create(
        child=world.child, reason="Claim", placed_by=world.lead, placed_at=world.child.created_at
    )
    with pytest.raises(NotNow, match="legal hold"), transaction.atomic():
        erasure.erase_children(pks=[world.child.pk], tag="8")
    assert Child.objects.filter(pk=world.child.pk).exists()
    assert AccessEvent.objects.filter(child=world.child).count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_runs_only_inside_a_transaction():
    with pytest.raises(RuntimeError, match="inside a transaction"):
        erasure.erase_children(pks=[], tag="x")


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower
