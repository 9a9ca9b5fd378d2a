"""The tracker in a real browser: filter, sort, change the as-at date, save a view, export and
print, with axe-core on every state of the page."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .harness import Council
from .helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def tracker_ids(page: Page) -> list[str]:
    table = page.get_by_test_id("tracker-table")
    return table.locator("tbody tr td:first-child a").all_inner_texts()


def expect_ids(page: Page, ids: list[str]) -> None:
    caption = page.get_by_test_id("tracker-table").locator("caption")
    expect(caption).to_contain_text(f"{len(ids)} child{'' if len(ids) == 1 else 'ren'} as at")
    assert tracker_ids(page) == ids


def test_lead_filters_sorts_dates_saves_exports_and_prints(page: Page, council: Council) -> None:
    sign_in(page, username="lena", check=False)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Tracker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Permanency tracker")
    expect_ids(page, ["NA1001", "NA1003", "SB2001"])
    expect(page.get_by_test_id("as-at")).to_contain_text("(today)")
    assert_accessible(page)

    page.get_by_label("Team", exact=True).select_option(label="North Children in Care")
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(re.compile(r"team=\d+"))
    expect_ids(page, ["NA1001", "NA1003"])
    expect(page.locator(".moj-filter__tag")).to_have_text("Team: North Children in Care")
    assert_accessible(page)

    header = page.get_by_role("columnheader", name=re.compile("In care since"))
    header.get_by_role("link").click()
    expect(page.get_by_role("columnheader", name=re.compile("In care since"))).to_have_attribute(
        "aria-sort", "ascending"
    )
    page.get_by_role("columnheader", name=re.compile("In care since")).get_by_role("link").click()
    expect(page.get_by_role("columnheader", name=re.compile("In care since"))).to_have_attribute(
        "aria-sort", "descending"
    )
    expect_ids(page, ["NA1003", "NA1001"])

    # As at 1 January 2025 Oliver had left care (30 June 2024) less than a year before.
    page.get_by_label("As at").fill("2025-01-01")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("as-at")).to_contain_text("As at 1 January 2025:")
    expect_ids(page, ["NA1003", "NA1001", "NA1002"])
    assert_accessible(page)

    page.get_by_label("Name of this view").fill("North at new year")
    page.get_by_test_id("save-view").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved the view")
    page.get_by_role("link", name="Clear filters").click()
    expect_ids(page, ["NA1001", "NA1003", "SB2001"])
    page.get_by_test_id("saved-views").get_by_role("link", name="North at new year").click()
    expect_ids(page, ["NA1003", "NA1001", "NA1002"])
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    download = download_info.value
    assert download.suggested_filename == "tracker-2025-01-01.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:2] == ["Child ID", "First name"]
    assert [r[0] for r in rows[1:]] == ["NA1003", "NA1001", "NA1002"]

    page.get_by_role("link", name="Printable version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Permanency tracker as at 1 January 2025"
    )
    expect(page.get_by_test_id("print-table").locator("tbody tr")).to_have_count(3)
    assert_accessible(page)


def test_a_practitioner_sees_only_their_team_on_the_tracker(page: Page, council: Council) -> None:
    sign_in(page, username="ben", check=False)
    page.goto("/tracker/")
    expect_ids(page, ["SB2001"])
    assert "NA1001" not in page.content()
