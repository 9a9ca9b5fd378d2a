"""Query counts are pinned for the main pages and API routes, and do not grow with the number
of children (ARCHITECTURE rule 8)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assure.children.models import Child, Episode, Hearing, PermanencePlan, Proceedings
from assure.people.models import StaffMember
from assure.people.services import api_token_create
from tests.factories import TeamFactory, UserFactory

# Each count includes the test client's session read and save (4 queries), the user, their
# roles and the second-factor check. The list adds the filter's choices (teams, workers),
# the count and the page; the child page adds the access event and one query per part of
# the record and two for its history; the API adds the token lookup and its last-used stamp.
LIST_PAGE_QUERIES = 11
CHILD_PAGE_QUERIES = 26  # 19, one each for the families, proposals, audits, 903 checks and
# social care events panels, and the tracker rule set (its flags come from the page's record),
# and the legal holds standing (for those who place them)
API_LIST_QUERIES = 10
API_DETAIL_QUERIES = 19  # the record as the page reads it, and its social care events


def _make_children(*, team, worker, start: int, count: int) -> None:
    children = Child.objects.bulk_create(
        Child(
            child_id=f"Q{n:05d}",
            first_name="Sam",
            last_name=f"Test{n}",
            date_of_birth=dt.date(2014, 1, 1),
            team=team,
            worker=worker,
        )
        for n in range(start, start + count)
    )
    episodes = []
    for child in children:
        episodes.append(
            Episode(
                child=child,
                start_date=dt.date(2023, 1, 1),
                reason_new_episode="S",
                legal_status="C1",
                placement_type="U3",
                end_date=dt.date(2023, 6, 1),
                reason_ceased="X1",
            )
        )
        episodes.append(
            Episode(
                child=child,
                start_date=dt.date(2023, 6, 1),
                reason_new_episode="L",
                legal_status="C2",
                placement_type="U3",
            )
        )
    Episode.objects.bulk_create(episodes)


def _rich_child(*, team) -> Child:
    """One child with some of everything on their page."""
    child = Child.objects.create(child_id="RICH1", team=team, date_of_birth=dt.date(2016, 2, 2))
    for i in range(5):
        Episode.objects.create(
            child=child,
            start_date=dt.date(2020 + i, 1, 1),
            reason_new_episode="S" if i == 0 else "P",
            legal_status="C2",
            placement_type="U4",
            end_date=dt.date(2021 + i, 1, 1) if i < 4 else None,
            reason_ceased="X1" if i < 4 else "",
        )
    for i in range(3):
        proceedings = Proceedings.objects.create(
            proceedings_id=f"PR{i}", application_type="care", issue_date=dt.date(2021 + i, 3, 1)
        )
        proceedings.children.add(child)
        for j in range(3):
            Hearing.objects.create(
                proceedings=proceedings,
                hearing_date=dt.date(2021 + i, 4 + j, 1),
                hearing_type="cmh",
            )
    for i in range(3):
        PermanencePlan.objects.create(child=child, plan="sgo", agreed_date=dt.date(2022, 1 + i, 1))
    return child


def _count(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_children(client):
    team = TeamFactory(name="North")
    worker = StaffMember.objects.create(name="Alex Worker", team=team)
    lead = UserFactory(username="lead", roles=["assurance_lead"], teams=[team])
    _rich_child(team=team)
    _, raw = api_token_create(user=lead)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.force_login(lead)
    urls = {
        "list": (reverse("children:list") + "?care_status=in_care&sort=name", {}),
        "child": (reverse("children:detail", args=["RICH1"]), {}),
        "api_list": ("/api/v1/children?page_size=500", bearer),
        "api_detail": ("/api/v1/children/RICH1", bearer),
    }
    _make_children(team=team, worker=worker, start=0, count=10)
    small = {name: _count(client, url, **headers) for name, (url, headers) in urls.items()}
    _make_children(team=team, worker=worker, start=10, count=990)
    large = {name: _count(client, url, **headers) for name, (url, headers) in urls.items()}

    assert small == large
    assert large == {
        "list": LIST_PAGE_QUERIES,
        "child": CHILD_PAGE_QUERIES,
        "api_list": API_LIST_QUERIES,
        "api_detail": API_DETAIL_QUERIES,
    }
