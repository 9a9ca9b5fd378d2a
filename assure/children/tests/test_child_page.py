"""The child's page says what 903 codes mean, and shows the permanence before each period of
care against the period it belongs to."""

import datetime as dt

import pytest
from django.urls import reverse

from assure.children.models import PreviousPermanenceRecord
from assure.children.selectors import date_of_permanence_words
from assure.core import clock
from tests.factories import ChildFactory, EpisodeFactory, TeamFactory, UserFactory
from tests.html import normalised

D = dt.date


def _page(client, child_id):
    team = TeamFactory(name="North")
    user = UserFactory(username="pat", roles=["practitioner"], teams=[team])
    client.force_login(user)
    return team, lambda: client.get(reverse("children:detail", args=[child_id])).content.decode()


def _section(page, testid):
    return page.split(f'data-testid="{testid}"')[1].split("</dd>")[0].split("</table>")[0]


@pytest.mark.django_db
def test_none_before_a_first_period_reads_none_not_a_code(client):
    team, page = _page(client, "N1")
    child = ChildFactory(child_id="N1", team=team)
    EpisodeFactory(child=child, start_date=D(2024, 1, 10))
    PreviousPermanenceRecord.objects.create(child=child, previous_permanence="Z1")
    with clock.frozen_at(D(2026, 1, 5)):
        html = page()
    assert "Z1" not in normalised(html)  # not the page's random nonce
    assert _section(html, "permanence-before").strip(">") == "None"


@pytest.mark.django_db
def test_an_sgo_that_broke_down_belongs_to_the_period_after_it(client):
    team, page = _page(client, "B1")
    child = ChildFactory(child_id="B1", team=team)
    EpisodeFactory(
        child=child, start_date=D(2021, 5, 7), end_date=D(2024, 4, 29), reason_ceased="E46"
    )
    EpisodeFactory(child=child, start_date=D(2024, 10, 6), legal_status="V2")
    PreviousPermanenceRecord.objects.create(child=child, previous_permanence="Z1")
    PreviousPermanenceRecord.objects.create(
        child=child, previous_permanence="P2", date_of_permanence="29/04/2024"
    )
    with clock.frozen_at(D(2026, 1, 5)):
        html = page()
    now = _section(html, "permanence-before")
    assert "Special guardianship order, 29 Apr 2024" in now and "SGO broke down" in now
    assert "None" not in now and "29/04/2024" not in html and "Z1" not in normalised(html)
    periods = _section(html, "permanence-before-periods")
    latest, first = periods.index("6 Oct 2024 to now"), periods.index("7 May 2021 to 29 Apr 2024")
    assert latest < periods.index("Special guardianship order, 29 Apr 2024") < first
    assert periods.index("None", first) > first


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("29/04/2024", "29 Apr 2024"),
        ("zz/04/2024", "Apr 2024"),
        ("zz/zz/2015", "2015"),
        ("zz/zz/zzzz", ""),
        ("31/02/2015", ""),
        ("", ""),
    ],
)
def test_the_date_of_permanence_in_the_house_format(value, words):
    assert date_of_permanence_words(value) == words
