"""The family page and API cost the same number of queries for 2 children as for 8
(ARCHITECTURE rule 8)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.families.models import Family, FamilyMember
from tests.factories import ChildFactory

from .conftest import NOW, add_record, add_shared_proceedings, bearer_for

# The test client's session, the user, roles and second factor (as for the child page); the
# family's members with their annotations (one query), the access log (one insert), and the
# chronology's sources: episodes, proceedings links, proceedings, hearings, plans, assessments,
# support plans, reviews; proposals and their decisions (two), panel outcomes (one); and the
# family's practice reviews.
PAGE_QUERIES = 21
# The token, its last-used stamp and the user's roles, then the same reads as the page
# (without the practice reviews).
API_QUERIES = 21


def _family(family_id: str, size: int, team) -> None:
    family = Family.objects.create(family_id=family_id, created_at=NOW)
    children = []
    for n in range(size):
        child = ChildFactory(child_id=f"{family_id}-{n}", team=team)
        add_record(child, year=2018 + n % 5)
        FamilyMember.objects.create(family=family, child=child, linked_at=NOW)
        children.append(child)
    add_shared_proceedings(children[:2], proceedings_id=f"{family_id}-P1")
    add_shared_proceedings(children[1:], proceedings_id=f"{family_id}-P2")


def _count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_family_page_and_api_do_not_grow_with_the_family(client, team, lead):
    _family("SMALL", 2, team)
    _family("LARGE", 8, team)
    client.force_login(lead)
    bearer = bearer_for(lead)
    counts = {
        size: (
            _count(client, f"/families/{size}/?kind=hearing&kind=plan&date_from=2010-01-01"),
            _count(client, f"/families/{size}/"),
            _count(client, f"/api/v1/families/{size}", **bearer),
        )
        for size in ("SMALL", "LARGE")
    }
    assert counts["SMALL"] == counts["LARGE"] == (PAGE_QUERIES, PAGE_QUERIES, API_QUERIES)


@pytest.mark.django_db
def test_families_list_does_not_grow(client, team, lead):
    client.force_login(lead)
    _family("ONE", 2, team)
    small = _count(client, "/families/")
    for n in range(5):
        _family(f"MORE{n}", 4, team)
    assert _count(client, "/families/") == small
    assert dt.date.today()  # the list is not dated
