"""The foundation's main journeys, in a real browser, with axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import Page, expect

from .harness import Council, Pages
from .helpers import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def child_ids(page: Page) -> list[str]:
    """The child IDs in the list's table, top to bottom."""
    return (
        page.get_by_test_id("children-table").locator("tbody tr td:first-child a").all_inner_texts()
    )


def expect_children(page: Page, ids: list[str]) -> None:
    expect(page.get_by_test_id("children-table").locator("caption")).to_have_text(
        f"{len(ids)} child{'' if len(ids) == 1 else 'ren'}"
    )
    assert child_ids(page) == ids


def test_practitioner_filters_opens_a_child_reads_the_timeline_and_signs_out(
    page: Page, council: Council
) -> None:
    sign_in(page, username="priya")
    assert_accessible(page)  # home

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Children").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")
    expect_children(page, ["NA1001", "NA1002", "NA1003"])
    assert_accessible(page)

    # The MOJ filter: legal status, then care status.
    page.get_by_label("Legal status", exact=True).select_option(label="C1: Interim care order")
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(re.compile(r"legal_status=C1"))
    expect_children(page, ["NA1003"])
    expect(page.locator(".moj-filter__tag")).to_have_text("Legal status: C1: Interim care order")
    assert_accessible(page)

    page.get_by_role("link", name="Clear filters").click()
    expect_children(page, ["NA1001", "NA1002", "NA1003"])
    page.get_by_label("In care or left care").select_option(label="Left care")
    page.get_by_test_id("apply-filters").click()
    expect_children(page, ["NA1002"])
    expect(page.get_by_test_id("children-table").get_by_text("Left care")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Clear filters").click()

    # Search by name.
    page.get_by_label("Search by child ID or name").fill("hart")
    page.get_by_role("button", name="Search", exact=True).click()
    expect_children(page, ["NA1001"])
    assert_accessible(page)
    page.get_by_label("Search by child ID or name").fill("")
    page.get_by_role("button", name="Search", exact=True).click()
    expect_children(page, ["NA1001", "NA1002", "NA1003"])

    # Sort by date of birth: oldest first, then youngest first.
    table = page.get_by_test_id("children-table")
    table.get_by_role("link", name="Date of birth").click()
    expect(table.locator("th", has_text="Date of birth")).to_have_attribute(
        "aria-sort", "ascending"
    )
    assert child_ids(page) == ["NA1001", "NA1002", "NA1003"]
    table.get_by_role("link", name="Date of birth").click()
    expect(table.locator("th", has_text="Date of birth")).to_have_attribute(
        "aria-sort", "descending"
    )
    assert child_ids(page) == ["NA1003", "NA1002", "NA1001"]
    assert_accessible(page)

    # Open a child of the team and read the timeline, newest first.
    table.get_by_role("link", name="NA1001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Hart")
    timeline = page.get_by_test_id("timeline")
    items = timeline.locator(".moj-timeline__item")
    expect(items).to_have_count(2)
    expect(items.nth(0).locator(".moj-timeline__title")).to_have_text("Placement changed")
    expect(items.nth(0).locator("time")).to_have_text("1 February 2024")
    expect(items.nth(0)).to_contain_text(
        "Reason for move: CARPL: Change to, or implementation of, care plan"
    )
    expect(items.nth(1).locator(".moj-timeline__title")).to_have_text("Started to be looked after")
    expect(items.nth(1).locator("time")).to_have_text("14 March 2023")
    expect(items.nth(1).locator("time")).to_have_attribute("datetime", "2023-03-14")
    expect(items.nth(1)).to_contain_text("C2: Full care order")
    assert_accessible(page)

    # Each tab in turn.
    page.get_by_role("tab", name="Episodes of care").click()
    episodes = page.locator("#episodes")
    expect(episodes).to_be_visible()
    expect(timeline).to_be_hidden()
    rows = episodes.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("14 Mar 2023")
    expect(rows.nth(0)).to_contain_text("1 Feb 2024")
    expect(rows.nth(1)).to_contain_text("Open")
    expect(rows.nth(1)).to_contain_text(
        "U1: Foster placement with relative or friend: long-term fostering"
    )
    assert_accessible(page)
    page.get_by_role("tab", name="Proceedings").click()
    expect(page.locator("#court")).to_contain_text("No court proceedings are recorded.")
    assert_accessible(page)
    page.get_by_role("tab", name="Permanence and SGO").click()
    expect(page.locator("#permanence")).to_contain_text("No permanence plan is recorded.")
    assert_accessible(page)

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_test_id("sign-out")).to_be_visible()
    assert_accessible(page)

    sign_out(page)
    assert_accessible(page)
    page.goto(f"/children/{council.amelia.child_id}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/children/NA1001/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Assure")


def test_practitioner_cannot_reach_another_teams_child(pages: Pages, council: Council) -> None:
    page = pages.open()
    sign_in(page, username="priya")

    response = page.goto(f"/children/{council.zara.child_id}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_text("Zara")).to_have_count(0)
    assert_accessible(page)

    page.goto("/children/")
    expect_children(page, ["NA1001", "NA1002", "NA1003"])
    team_options = page.get_by_label("Team", exact=True).locator("option").all_inner_texts()
    assert team_options == ["All teams", "North Children in Care"]
    for term in ("SB2001", "Quinn"):
        page.get_by_label("Search by child ID or name").fill(term)
        page.get_by_role("button", name="Search", exact=True).click()
        expect_children(page, [])
        expect(page.get_by_text("No children match.")).to_be_visible()
    assert_accessible(page)

    # The other team's practitioner does see that child: the 404 is the policy, not the data.
    other = pages.open()
    sign_in(other, username="ben", check=False)
    other.goto(f"/children/{council.zara.child_id}/")
    expect(other.get_by_role("heading", level=1)).to_contain_text("Zara Quinn")


def test_assurance_lead_sees_who_looked_at_a_child(pages: Pages, council: Council) -> None:
    practitioner = pages.open()
    sign_in(practitioner, username="priya", check=False)
    for child in (council.amelia, council.oliver):
        practitioner.goto(f"/children/{child.child_id}/")
        expect(practitioner.get_by_role("heading", level=1)).to_contain_text(child.first_name)

    lead = pages.open()
    sign_in(lead, username="lena", check=False)
    lead.get_by_role("link", name="Access report").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Access report")
    table = lead.locator("table")
    expect(table.locator("caption")).to_have_text("2 records of access")
    assert_accessible(lead)

    lead.get_by_label("Child ID").fill("NA1001")
    lead.get_by_role("button", name="Search", exact=True).click()
    expect(lead).to_have_url(re.compile(r"child=NA1001"))
    expect(table.locator("caption")).to_have_text("1 record of access")
    row = table.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("Priya Shah (priya)")
    expect(row.locator("td").nth(2)).to_have_text("NA1001")
    expect(row.locator("td").nth(4)).to_have_text("/children/NA1001/")
    assert_accessible(lead)

    lead.get_by_label("Child ID").fill("SB2001")
    lead.get_by_role("button", name="Search", exact=True).click()
    expect(table.locator("caption")).to_have_text("0 records of access")
    expect(lead.get_by_text("No access matches these filters.")).to_be_visible()


def test_wrong_password_shows_an_error_summary_linked_to_the_field(
    page: Page, council: Council
) -> None:
    page.goto("/sign-in/")
    page.get_by_label("User name").fill("priya")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name=re.compile("Enter a correct user name and password"))
    expect(link).to_have_attribute("href", "#id_username")
    assert_accessible(page)

    link.click()
    expect(page.get_by_label("User name")).to_be_focused()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
