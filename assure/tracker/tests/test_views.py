"""The tracker page, its printable layout, saved views and the rules page, through the test
client."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from assure.core import clock
from assure.core.models import DomainEvent
from assure.tracker import rules
from assure.tracker.models import RuleSet, SavedView
from tests.factories import TeamFactory, UserFactory
from tests.html import normalised

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


def column_keys(html: str) -> list[str]:
    """The tracker table's columns, in order, by their keys."""
    table = html.split('data-testid="tracker-table"')[1].split("</thead>")[0]
    return re.findall(r"app-tracker__col--(\w+)", table)


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
    # The compact row: the flag in a few words (in full on the child's page and in print),
    # the child's name with the ID beside it, and the default columns.
    assert "Week 20 or later" in html and "Proceedings are in week 22" not in html
    assert 'aria-sort="ascending"' in html
    assert '<a class="govuk-link" href="/children/A1/">Ava Adams</a>' in html
    assert '<span class="app-id">A1</span>' in html
    assert column_keys(html) == [
        "child", "age", "legal_status", "plan", "proceedings", "reviews", "rag", "flags"
    ]  # fmt: skip


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
    html = normalised(get(client).content.decode())
    assert "3 children" not in html and "A1" not in normalised(html) and "Ava" not in html
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
    assert view.columns == ["legal_status", "proceedings", "reviews"]  # the default choice
    html = get(client).content.decode()
    assert (
        'href="/tracker/?plan=sgo&amp;proceedings=open&amp;cols=legal_status&amp;'
        'cols=proceedings&amp;cols=reviews">SGO before court</a>'
    ) in html
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
        "plo_warning_days": 120,
        "plan_warning_weeks": 4,
        "sgo_assessment_weeks": 12,
        "sgo_report_weeks": 4,
        "sgo_support_plan_weeks": 4,
        "sgo_final_hearing_week": 25,
        "stale_days": 90,
        "note": "Earlier warning",
    }
    response = client.post(reverse("tracker:rules"), form)
    assert response.status_code == 302
    shipped, new = RuleSet.objects.order_by("-version")[1], RuleSet.objects.order_by("-version")[0]
    assert (shipped.plo_warning_days, new.plo_warning_days, new.version) == (133, 120, 3)
    assert new.created_by == lead
    # A warning after the 26-week limit (day 181), or week 27, is refused.
    for bad_value in ({"plo_warning_days": 200}, {"sgo_final_hearing_week": 27}):
        bad = client.post(reverse("tracker:rules"), form | bad_value)
        assert bad.status_code == 200 and RuleSet.objects.count() == 3
    auditor = UserFactory(username="aud", roles=["auditor"])
    client.force_login(auditor)
    page = client.get(reverse("tracker:rules"))
    assert page.status_code == 200 and b"rules-form" not in page.content
    assert client.post(reverse("tracker:rules"), form).status_code == 403
    # Every flag is explained, with its source, on the page.
    listed = set(re.findall(r"<code>([a-z0-9_]+)</code>", page.content.decode()))
    assert set(rules.FLAG_TITLES) <= listed, set(rules.FLAG_TITLES) - listed


def test_a_choice_of_columns_is_shown_saved_with_a_view_and_printed(client, lead, children):
    client.force_login(lead)
    # Always the child, age, plan, RAG and flags; the rest as chosen, in the table's order.
    html = get(client, "?cols=panels&cols=team&cols=nonsense").content.decode()
    assert column_keys(html) == ["child", "age", "team", "plan", "rag", "flags", "panels"]
    assert 'id="cols-team" name="cols" type="checkbox" value="team" checked' in html
    # No optional column at all is a choice too, not the default.
    assert column_keys(get(client, "?cols=none").content.decode()) == [
        "child", "age", "plan", "rag", "flags"
    ]  # fmt: skip
    # Filtering keeps the choice; the choice keeps the filters.
    html = get(client, "?rag=red&cols=ceased").content.decode()
    assert '<input type="hidden" name="cols" value="ceased">' in html
    assert '<input type="hidden" name="rag" value="red">' in html
    with clock.frozen_at(AS_OF):
        client.post(
            reverse("tracker:save_view"),
            {"name": "Leavers", "query": "care_status=left_care&cols=ceased&cols=team"},
        )
    view = SavedView.objects.get(user=lead, name="Leavers")
    assert (view.query, view.columns) == ("care_status=left_care", ["team", "ceased"])
    assert '?care_status=left_care&amp;cols=team&amp;cols=ceased">Leavers</a>' in (
        get(client).content.decode()
    )
    # The printable version shows the same columns, in full.
    with clock.frozen_at(AS_OF):
        printed = client.get(reverse("tracker:print") + "?cols=team").content.decode()
    table = printed.split('data-testid="print-table"')[1].split("</thead>")[0]
    labels = re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', table)
    assert labels == ["Child", "Age", "Team and worker", "Plan", "RAG", "Flags"]
    assert "Proceedings are in week 22" in printed


def row_cells(html: str) -> dict[str, list[str]]:
    """Each row's cells (their text, tags taken out), by child ID."""
    body = html.split('data-testid="tracker-table"')[1].split("<tbody")[1].split("</tbody>")[0]
    rows = re.findall(r'data-testid="row-(\w+)">(.*?)</tr>', body, re.S)
    return {
        child: [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        ]
        for child, cells in rows
    }


@pytest.mark.parametrize("optional", [[], ["team"], ["ceased"], ["panels"], "all"])
def test_each_row_has_its_cells_under_the_columns_shown(client, lead, children, optional):
    from assure.tracker.columns import OPTIONAL

    keys = [c.key for c in OPTIONAL] if optional == "all" else optional
    client.force_login(lead)
    html = get(client, "?" + "&".join(f"cols={k}" for k in keys or ["none"])).content.decode()
    shown = column_keys(html)
    cells = row_cells(html)
    assert sorted(cells) == ["A1", "B2", "C3"]
    for row in cells.values():
        assert len(row) == len(shown)
    ava = dict(zip(shown, cells["A1"], strict=True))
    ben = dict(zip(shown, cells["B2"], strict=True))
    assert ava["child"] == "Ava Adams A1" and ava["plan"] == "Special guardianship order"
    if "team" in shown:
        assert ava["team"] == "North" and ben["team"] == "South"
    if "ceased" in shown:
        assert ben["ceased"] == "1 Mar 2026" and ava["ceased"] == "In care"
    if "panels" in shown:
        assert ava["panels"] == "None"
    assert ava["rag"] in {"Red", "Amber", "Green"}
