"""events.record_many: many domain events of one verb, written in batches."""

import pytest

from assure.core import events
from assure.core.models import DomainEvent
from assure.people.services import user_create
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_record_many_writes_every_item_in_batches(django_assert_num_queries):
    actor = user_create(username="pat", roles=["performance_officer"])
    children = [ChildFactory() for _ in range(5)]
    items = [
        {"obj": child, "child_id": child.pk, "summary": f"s{i}", "data": {"i": i}}
        for i, child in enumerate(children)
    ]
    items.append({"object_type": "imports.importrun", "object_id": 7, "summary": "x" * 400})
    with django_assert_num_queries(3):  # batches of 2, 2 and 2
        written = events.record_many(actor=actor, verb="child.imported", items=items, batch=2)
    assert written == 6
    stored = list(DomainEvent.objects.filter(verb="child.imported").order_by("id"))
    assert [(e.verb, e.actor, e.object_type) for e in stored[:1]] == [
        ("child.imported", actor, "children.child")
    ]
    assert [e.child_id for e in stored] == [c.pk for c in children] + [None]
    assert [e.data for e in stored[:5]] == [{"i": i} for i in range(5)]
    assert (stored[5].object_id, len(stored[5].summary)) == ("7", 300)
    assert len({e.at for e in stored}) == 1


def test_record_many_with_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert events.record_many(actor=None, verb="x", items=[]) == 0
