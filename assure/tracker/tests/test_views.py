"""The tracker page, its printable layout, saved views and the rules page, through the test
client."""

import datetime as dt

import pytest
from django.urls import reverse

from assure.core import clock
from assure.core.models import DomainEvent
from assure.tracker.models import RuleSet, SavedView
from tests.factories import TeamFactory, UserFactory

from .helpers import child_in_care, plan_for, previous_permanence_for, proceedings_for

D = dt.date
AS_OF = D(2026, 6, 1)


@pytest.fixture
def teams(db):
    return {"north": TeamFactory(name="North"), "south": TeamFactory(name="South")}


@pytest.fixture
def children(teams):
    a = child_in_care(
        child_id="A1", start=D(2026, 1, 5), team=teams["north"], first_name="Ava", last_name="Adams"
    )
    plan_for(a, plan="sgo", agreed=D(2026, 2, 1))
    proceedings_for(a, issued=D(2026, 1, 5), final=D(2026, 9, 1))
    b = child_in_care(
        child_id="B2",
        start=D(2025, 1, 1),
        end=D(2026, 3, 1),
        reason="E45",
        team=teams["south"],
        first_name="Ben",
        last_name="Brown",
    )
    previous_permanence_for(b, code="P2")
    child_in_care(
        child_id="C3", start=D(2026, 5, 20), team=teams["north"], first_name="Cal", last_name="Cole"
    )
    return [a, b]


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


def get(client, query: str = ""):
    with clock.frozen_at(AS_OF):
        return client.get(reverse("tracker:page") + query)


def test_page_shows_rows_counts_and_the_as_at_date(client, lead, children):
    client.force_login(lead)
    response = get(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "As at 1 June 2026 (today): 3 children, 2 in care and 1 who left care" in html
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">Green</strong>' in html
    assert 'data-testid="count-red">2<' in html
    assert 'data-testid="count-plan-sgo">1<' in html
    assert "Proceedings are in week 22" in html
    assert 'aria-sort="ascending"' in html
    assert '<a class="govuk-link" href="/children/A1/">A1</a>' in html


def test_as_at_date_from_the_picker(client, lead, children):
    client.force_login(lead)
    html = get(client, "?as_of=2026-01-04").content.decode()
    assert "As at 4 January 2026: 1 child, 1 in care" in html
    assert 'data-testid="row-B2"' in html and 'data-testid="row-A1"' not in html
    bad = get(client, "?as_of=2026-02-30")
    assert bad.status_code == 200
    assert "Some filters were not used" in bad.content.decode()


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?rag=red", {"A1", "B2"}),
        ("?care_status=left_care", {"B2"}),
        ("?plan=sgo&proceedings=open", {"A1"}),
        ("?plan=none", {"B2", "C3"}),
        ("?flag=sgo_breakdown", {"B2"}),
        ("?age_band=10_15", {"A1", "B2", "C3"}),
        ("?rag=green", {"C3"}),
    ],
)
def test_filters(client, lead, children, teams, query, shown):
    client.force_login(lead)
    html = get(client, query).content.decode()
    assert {cid for cid in ("A1", "B2", "C3") if f'data-testid="row-{cid}"' in html} == shown


def test_team_filter_and_sorting(client, lead, children, teams):
    client.force_login(lead)
    html = get(client, f"?team={teams['north'].pk}&sort=period_start&order=desc").content.decode()
    assert html.index('data-testid="row-C3"') < html.index('data-testid="row-A1"')
    assert 'data-testid="row-B2"' not in html
    assert 'aria-sort="descending"' in html


def test_pagination(client, lead, teams):
    for n in range(55):
        child_in_care(child_id=f"P{n:03d}", start=D(2026, 5, 20), team=teams["north"])
    client.force_login(lead)
    first = get(client).content.decode()
    assert "P049" in first and "P050" not in first and 'rel="next"' in first
    second = get(client, "?page=2").content.decode()
    assert "P050" in second and "P054" in second


def test_a_practitioner_of_another_team_sees_nothing(client, children):
    stranger = UserFactory(username="sam", roles=["practitioner"], teams=[TeamFactory(name="East")])
    client.force_login(stranger)
    html = get(client).content.decode()
    assert "3 children" not in html and "A1" not in html and "Ava" not in html
    assert "No children match" in html
    south = UserFactory(username="pat", roles=["practitioner"], teams=[TeamFactory(name="South")])
    client.force_login(south)
    html = get(client).content.decode()
    assert 'data-testid="row-B2"' in html and 'data-testid="row-A1"' not in html


def test_people_who_may_not_see_children_are_refused(client, db):
    client.force_login(UserFactory(username="panel", roles=["panel_member"]))
    assert get(client).status_code == 403


def test_saving_and_deleting_a_view(client, lead, children):
    client.force_login(lead)
    with clock.frozen_at(AS_OF):
        response = client.post(
            reverse("tracker:save_view"),
            {"name": "SGO before court", "query": "plan=sgo&proceedings=open&evil=1"},
        )
    assert response.status_code == 302
    view = SavedView.objects.get(user=lead)
    assert (view.name, view.query) == ("SGO before court", "plan=sgo&proceedings=open")
    assert DomainEvent.objects.filter(verb="tracker_view_saved", actor=lead).exists()
    html = get(client).content.decode()
    assert 'href="/tracker/?plan=sgo&amp;proceedings=open">SGO before court</a>' in html
    other = UserFactory(username="other", roles=["auditor"])
    client.force_login(other)
    assert "SGO before court</a>" not in get(client).content.decode().replace(
        '?plan=sgo&amp;proceedings=open&amp;sort=next_hearing">SGO before court', ""
    )
    client.post(reverse("tracker:delete_view", args=[view.pk]))
    assert SavedView.objects.filter(pk=view.pk).exists()  # not theirs to delete
    client.force_login(lead)
    client.post(reverse("tracker:delete_view", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_printable_layout_has_every_row(client, lead, teams):
    for n in range(55):
        child_in_care(child_id=f"P{n:03d}", start=D(2026, 5, 20), team=teams["north"])
    client.force_login(lead)
    with clock.frozen_at(AS_OF):
        html = client.get(reverse("tracker:print") + "?rag=green").content.decode()
    assert "P000" in html and "P054" in html
    assert "tracker/print.css" in html
    assert "Permanency tracker as at 1 June 2026" in html
    assert "55 children: 0 red, 0 amber, 55 green. Filters: RAG status Green." in html


def test_the_assurance_lead_creates_a_new_rules_version(client, lead, children):
    client.force_login(lead)
    form = {
        "plo_overdue_days": 182,
        "plo_warning_days": 120,
        "plan_amber_months": 4,
        "plan_red_months": 6,
        "sgo_assessment_weeks": 12,
        "sgo_support_plan_weeks": 4,
        "stale_days": 90,
        "note": "Earlier warning",
    }
    response = client.post(reverse("tracker:rules"), form)
    assert response.status_code == 302
    first, second = RuleSet.objects.order_by("version")
    assert (first.plo_warning_days, second.plo_warning_days, second.version) == (140, 120, 2)
    assert second.created_by == lead
    bad = client.post(reverse("tracker:rules"), form | {"plo_warning_days": 200})
    assert bad.status_code == 200 and RuleSet.objects.count() == 2
    auditor = UserFactory(username="aud", roles=["auditor"])
    client.force_login(auditor)
    page = client.get(reverse("tracker:rules"))
    assert page.status_code == 200 and b"rules-form" not in page.content
    assert client.post(reverse("tracker:rules"), form).status_code == 403
