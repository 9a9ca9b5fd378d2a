"""Insights in a real browser, with axe-core on every page visited (issue 7, acceptance):
the exits dashboard read without colour, the triangulation matrix's drill-down, a
recommendation made from evidence and accepted by the director, put into the plan as an
action and updated."""

import datetime as dt
import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from tests.browser.helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def council(transactional_db):  # type: ignore[no-untyped-def]
    from assure.audits.models import Theme
    from assure.insights import services
    from assure.insights.tests.helpers import child_with, period
    from assure.people.services import user_create
    from tests.factories import TeamFactory

    # A transactional test empties every table afterwards, including the rows the data
    # migration shipped: put the default work streams back.
    importlib.import_module("assure.insights.migrations.0002_default_work_streams").add_defaults(
        django_apps, None
    )
    north = TeamFactory(name="North Children in Care")
    last_month = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    # One or two SGO exits a month for the 23 months before last month, then a spike of 8.
    month_end, n = last_month, 0
    for index in range(24):
        for _ in range(8 if index == 0 else 1 + index % 2):
            child = child_with(child_id=f"N{n}", team=north)
            period(child, start=dt.date(2022, 1, 1), end=month_end.replace(day=10), reason="E45")
            n += 1
        month_end = month_end.replace(day=1) - dt.timedelta(days=1)
    lead = user_create(username="lena", roles=["assurance_lead"], password=PASSWORD)
    director = user_create(username="dina", roles=["director"], password=PASSWORD)
    oversight = Theme.objects.create(slug="oversight", label="Management oversight")
    for source, summary in [
        ("complaint", "Family not told of the plan change."),
        ("diagnostic", "Managers' decisions not recorded."),
    ]:
        services.evidence_create(
            actor=lead,
            source=source,
            date=last_month,
            kind="area_for_development",
            summary=summary,
            themes=[oversight],
        )
    return SimpleNamespace(lead=lead, director=director, last_month=last_month)


def test_exits_dashboard(page: Page, council) -> None:
    sign_in(page, username="lena", check=False)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Were exits from care safe?")
    assert_accessible(page)
    chart = page.get_by_role("img", name="Exits through special guardianship orders")
    expect(chart).to_be_visible()
    month = council.last_month.strftime("%B %Y")
    expect(page.get_by_test_id("sentence-exits-sgo")).to_have_text(
        "Exits through special guardianship orders rose above the upper process limit in "
        f"{month}: a real change, not noise."
    )
    # Readable without colour: the special-cause point is a triangle with a text label.
    expect(chart.locator("polygon")).to_have_count(3)  # the legend's two and the point's
    expect(chart.locator("text", has_text="Above limit")).to_have_count(1)
    table = page.get_by_test_id("table-exits-sgo")
    expect(table.get_by_role("row", name=re.compile(month))).to_contain_text("8")
    page.get_by_label("Points by").select_option("quarter")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("period")).to_contain_text("by quarter")
    assert_accessible(page)


def test_matrix_drill_down_recommendation_plan_and_update(page: Page, pages, council) -> None:
    sign_in(page, username="lena", check=False)
    page.goto("/insights/evidence/matrix/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Triangulation: themes by source")
    assert_accessible(page)
    row = page.get_by_test_id("matrix").get_by_role("row", name=re.compile("Management oversight"))
    expect(row).to_contain_text("2 sources")
    page.get_by_test_id("cell-oversight-complaint").click()
    expect(page.get_by_test_id("evidence-total")).to_have_text(
        "1 piece of evidence match the filters."
    )
    expect(page.get_by_test_id("evidence-table")).to_contain_text("Family not told")
    assert_accessible(page)
    page.get_by_test_id("evidence-table").get_by_role("checkbox").check()
    page.get_by_label("Make a recommendation from the selected evidence").fill(
        "Tell families of plan changes"
    )
    page.get_by_role("button", name="Make recommendation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell families of plan changes")
    expect(page.get_by_test_id("linked-evidence")).to_contain_text("Family not told")
    assert_accessible(page)
    url = page.url

    director = pages.open()
    sign_in(director, username="dina", check=False)
    director.goto(url)
    director.get_by_label("Decision").select_option("accept")
    director.get_by_label("Reasons").fill("Families must know.")
    director.get_by_role("button", name="Record decision").click()
    expect(director.get_by_test_id("decision")).to_contain_text("Accepted")
    assert_accessible(director)
    director.get_by_role("link", name="Add an action to the plan").click()
    form = director.get_by_test_id("add-action")
    form.get_by_label("Work stream").select_option(label="Communications")
    form.get_by_label("Action", exact=True).fill("Letter template for plan changes")
    form.get_by_label("Owner").fill("Head of service")
    form.get_by_label("Due date").fill("2020-01-31")
    form.get_by_role("button", name="Add action").click()
    expect(director.get_by_text("Action added to the plan.")).to_be_visible()
    assert_accessible(director)
    director.get_by_test_id("overdue-link").click()
    director.get_by_role("link", name="Letter template for plan changes").click()
    expect(director.get_by_role("heading", level=1)).to_contain_text("Letter template")
    update = director.get_by_test_id("update-action")
    update.get_by_label("Progress").fill("Draft shared with the family group.")
    update.get_by_label("Status").select_option("in_progress")
    update.get_by_label("RAG").select_option("amber")
    update.get_by_role("button", name="Record progress").click()
    expect(director.get_by_test_id("action-status")).to_have_text("In progress")
    expect(director.get_by_test_id("updates")).to_contain_text("Draft shared")
    assert_accessible(director)
