"""Insights in a real browser, with axe-core on every page visited (issues 7 and 16): the
exits page (the answer first, Making Data Count charts read without colour, each figure's
method), the programme start and a rebase, the triangulation matrix's drill-down, a
recommendation made from evidence and accepted by the director, put into the plan as an
action and updated."""

import datetime as dt
import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from assure.core import clock
from tests.browser.govuk_forms import fill_date
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
    last_month = clock.today().replace(day=1) - dt.timedelta(days=1)
    # Three or four SGO exits a month for the 23 months before last month (not rare: an XmR
    # chart), then a spike of 12.
    month_end, n = last_month, 0
    for index in range(24):
        for _ in range(12 if index == 0 else 3 + index % 2):
            child = child_with(child_id=f"N{n}", team=north)
            period(child, start=dt.date(2022, 1, 1), end=month_end.replace(day=10), reason="E45")
            n += 1
        month_end = month_end.replace(day=1) - dt.timedelta(days=1)
    # Thirteen adoptions (rare: a t chart) 20 and 40 days apart in turn, starting early in the
    # default 24 months, then none: the open interval is far beyond the upper limit.
    first_month = (last_month.replace(day=1) - dt.timedelta(days=700)).replace(day=1)
    adopted = first_month + dt.timedelta(days=9)
    for index, gap in enumerate([0, *[20, 40] * 6]):
        adopted += dt.timedelta(days=gap)
        child = child_with(child_id=f"A{index}", team=north)
        period(child, start=dt.date(2022, 1, 1), end=adopted, reason="E11")
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
    return SimpleNamespace(
        lead=lead, director=director, last_month=last_month, last_adoption=adopted
    )


def test_exits_dashboard(page: Page, council) -> None:
    sign_in(page, username="lena", check=False)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Were exits from care safe?")
    # The answer comes first.
    expect(page.get_by_role("heading", name="The answer so far")).to_be_visible()
    assert_accessible(page)
    chart = page.get_by_role("img", name="Exits through special guardianship orders")
    expect(chart).to_be_visible()
    month = council.last_month.strftime("%B %Y")
    expect(page.get_by_test_id("sentence-exits-sgo")).to_contain_text(
        f"Exits through special guardianship orders: special cause at the latest point, {month}"
        " (a point outside the process limits, high): a real change (neither better nor worse "
        "by itself)."
    )
    # Readable without colour: the special-cause point is a triangle with a text label, and
    # the variation icon has its words beside it.
    expect(chart.locator("text", has_text="Outside limit")).to_have_count(1)
    expect(page.get_by_test_id("variation-exits-sgo")).to_contain_text(
        "Special cause variation: neither improvement nor concern"
    )
    expect(page.get_by_test_id("moved")).to_contain_text("Exits through special guardianship")
    # Adoptions stopped: the days since the last one are an open point, drawn apart and
    # already beyond the upper limit, so the chart moved, by the same rule everywhere.
    quiet = (council.last_month - council.last_adoption).days
    to = f"{council.last_month.day} {council.last_month:%B %Y}"
    words = (
        f"no event for {quiet} days, from {council.last_adoption.day} "
        f"{council.last_adoption:%B %Y} to {to}, longer than the upper limit of 127 days: "
        "events have become rarer"
    )
    expect(page.get_by_test_id("moved")).to_contain_text(
        f"Exits through adoption: special cause variation: neither improvement nor concern "
        f"({words})"
    )
    expect(page.get_by_test_id("sentence-exits-adoption")).to_contain_text(
        f"Exits through adoption: special cause now: {words}"
    )
    expect(page.get_by_test_id("open-exits-adoption")).to_have_text(f"Open: {words}.")
    adoption = page.get_by_role("img", name="Exits through adoption")
    expect(adoption.locator("text", has_text=f"Open, to {to}")).to_have_count(1)
    expect(adoption.locator("text", has_text=f"{quiet} days, outside limit")).to_have_count(1)
    page.get_by_test_id("numbers-exits-adoption").locator("summary").click()
    expect(
        page.get_by_test_id("table-exits-adoption").get_by_role("row", name=f"Open, to {to}")
    ).to_contain_text(str(quiet))
    assert_accessible(page)
    # The numbers are folded under the chart, and open by keyboard.
    table = page.get_by_test_id("table-exits-sgo")
    expect(table).to_be_hidden()
    page.get_by_test_id("numbers-exits-sgo").locator("summary").focus()
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(month))).to_contain_text("12")
    # The period is changed inside a details component, by keyboard.
    page.locator("summary", has_text="Change the period or the programme start").focus()
    page.keyboard.press("Enter")
    page.get_by_role("group", name="Points by").get_by_label("Quarter").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("period")).to_contain_text("by quarter")
    assert_accessible(page)
    # Every figure links to its method.
    page.get_by_test_id("sentence-exits-sgo").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the figures are worked out")
    expect(page.locator("#exits-from-care")).to_be_visible()
    assert_accessible(page)


def test_programme_start_and_a_rebase(page: Page, council) -> None:
    sign_in(page, username="lena", check=False)
    page.goto("/insights/settings/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Programme start, targets and rebases"
    )
    assert_accessible(page)
    form = page.get_by_test_id("rebase-form")
    form.get_by_role("button", name="Record the rebase").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a measure.")
    assert_accessible(page)
    form = page.get_by_test_id("rebase-form")
    form.get_by_label("Measure").select_option("exits_sgo")
    fill_date(form, "First month of the new phase", council.last_month.replace(day=1))
    form.get_by_label("What changed").fill("The SGO panel began.")
    form.get_by_role("button", name="Record the rebase").click()
    expect(page.get_by_text("Rebase recorded.")).to_be_visible()
    expect(page.get_by_test_id("rebases")).to_contain_text("The SGO panel began.")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Withdraw")).click()
    expect(page.get_by_text("Rebase withdrawn.")).to_be_visible()
    expect(page.get_by_test_id("rebases")).to_contain_text("withdrawn")
    assert_accessible(page)
    target = page.get_by_test_id("target-form")
    target.get_by_label("Measure").select_option("reentry_rate")
    target.get_by_label("Target", exact=True).fill("5")
    target.get_by_label("Where the target comes from").fill("The corporate parenting plan.")
    target.get_by_role("button", name="Save the target").click()
    expect(page.get_by_text("Target saved.")).to_be_visible()
    expect(page.get_by_test_id("targets")).to_contain_text("5%")
    assert_accessible(page)
    settings = page.get_by_test_id("settings-form")
    fill_date(settings, "Programme start date", dt.date(council.last_month.year - 1, 1, 1))
    settings.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Were exits from care safe?")
    expect(page.get_by_test_id("period")).to_contain_text("from the programme start on 1 January")
    expect(page.get_by_test_id("measure-compare-reentry")).to_be_visible()
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
    director.get_by_role("group", name="Decision").get_by_label("Accept", exact=True).check()
    director.get_by_label("Reasons").fill("Families must know.")
    director.get_by_role("button", name="Record decision").click()
    expect(director.get_by_test_id("decision")).to_contain_text("Accepted")
    assert_accessible(director)
    director.get_by_role("link", name="Add an action to the plan").click()
    form = director.get_by_test_id("add-action")
    form.get_by_label("Work stream").select_option(label="Communications")
    form.get_by_label("Action", exact=True).fill("Letter template for plan changes")
    form.get_by_label("Owner").select_option("lena")  # picked from the list of people
    fill_date(form, "Due date", dt.date(2020, 1, 31))
    form.get_by_role("button", name="Add action").click()
    expect(director.get_by_text("Action added to the plan.")).to_be_visible()
    assert_accessible(director)
    director.get_by_test_id("overdue-link").click()
    director.get_by_role("link", name="Letter template for plan changes").click()
    expect(director.get_by_role("heading", level=1)).to_contain_text("Letter template")
    update = director.get_by_test_id("update-action")
    update.get_by_label("Progress", exact=True).fill("Draft shared with the family group.")
    update.get_by_role("group", name="Status").get_by_label("In progress").check()
    update.get_by_role("group", name="RAG").get_by_label("Amber").check()
    update.get_by_role("button", name="Record progress").click()
    expect(director.get_by_test_id("action-status")).to_have_text("In progress")
    expect(director.get_by_test_id("updates")).to_contain_text("Draft shared")
    assert_accessible(director)


def test_reports_printable_page_opens_with_the_answer(page: Page, council) -> None:
    sign_in(page, username="lena", check=False)
    page.goto("/insights/reports/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    start = council.last_month.replace(day=1).replace(year=council.last_month.year - 2)
    page.goto(f"/insights/reports/stage-review/?date_from={start.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stage review: independent assurance")
    expect(page.get_by_role("heading", name="The answer so far")).to_be_visible()
    expect(
        page.get_by_role("img", name="Exits through special guardianship orders")
    ).to_be_visible()
    expect(page.get_by_test_id("docx-link")).to_have_attribute("href", re.compile("format=docx"))
    assert_accessible(page)
