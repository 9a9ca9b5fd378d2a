"""Two imports at once: the one that loses the race to write is refused whole, in words a
performance officer can act on, never the database's ("duplicate key ... children_child_...")."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from assure.children.models import Child
from assure.imports import services
from assure.imports.framework import REJECTED
from assure.imports.models import ImportRun
from assure.imports.ssda903 import apply

from .conftest import EPISODE_COLUMNS, HEADER_COLUMNS

pytestmark = pytest.mark.django_db(transaction=True)

EPISODE = "C1,01/02/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456"


@pytest.fixture
def return_903(write):
    return [
        write("header.csv", f"{HEADER_COLUMNS}\nC1,1,01/01/2015,WBRI,,,\n"),
        write("episodes.csv", f"{EPISODE_COLUMNS}\n{EPISODE}\n"),
    ]


def test_the_loser_of_a_race_to_store_the_same_child_is_told_plainly(monkeypatch, return_903):
    insert = apply.bulk.insert

    def another_import_wins(model, rows, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Between this import's look for the child and its insert, the other import stores
        # the same child: the database's unique key refuses the second.
        if model is Child and rows:
            Child.objects.create(child_id=rows[0]["child_id"])
        return insert(model, rows, *args, **kwargs)

    monkeypatch.setattr(apply.bulk, "insert", another_import_wins)
    result = services.import_execute(kind="ssda903", paths=return_903)
    assert result.status == REJECTED
    message = result.errors[-1].message
    assert "Another import stored some of the same records at the same moment" in message
    assert "duplicate" not in message.lower() and "children_child" not in message
    assert not ImportRun.objects.exists() and not Child.objects.exists()  # nothing half-written


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OperationalError("server closed the connection unexpectedly"), "could not take"),
        (services.DatabaseError("permission denied for table children_child"), "refused"),
    ],
)
def test_other_refusals_name_what_to_do_not_the_database(error, words):
    message = services.why_nothing_was_stored(error)
    assert words in message and "nothing was stored" in message
    assert "children_child" not in message and "connection unexpectedly" not in message
