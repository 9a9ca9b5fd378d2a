"""The drop folder and Annex A's events in a real browser, with axe-core on every page: the
performance officer is told of a refused automatic import on their home page, reads why,
marks it as dealt with by keyboard, sees the history of automatic runs and an import running
with its progress; a child's page shows the events Annex A brought."""

from __future__ import annotations

import datetime as dt
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "DF1,01/02/2020,S,C2,N1,U4,PR1,,,,,,\n"
)
BAD = EPISODES.replace("DF1,01/02/2020,S", "DF2,01/02/2020,Q")


@pytest.fixture
def officer(transactional_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    from assure.people.services import user_create

    settings.MEDIA_ROOT = tmp_path / "media"
    drop = tmp_path / "drop"
    drop.mkdir()
    settings.IMPORT_DROP_FOLDER = str(drop)
    return user_create(
        username="pat",
        roles=["performance_officer"],
        password=PASSWORD,
        first_name="Pat",
        email="pat@example.gov.uk",
    )


def _drop(folder: Path, name: str, content: str) -> None:
    path = folder / name
    path.write_text(content, encoding="utf-8")
    old = time.time() - 600
    os.utime(path, (old, old))


def test_refused_and_applied_automatic_imports_and_progress(page: Page, officer, settings) -> None:  # type: ignore[no-untyped-def]
    from assure.imports import progress
    from assure.imports.models import ImportRun

    folder = Path(settings.IMPORT_DROP_FOLDER)
    _drop(folder, "episodes.csv", EPISODES)
    call_command("import_drop_folder", "--now", stdout=StringIO())
    _drop(folder, "late return.csv", BAD)
    call_command("import_drop_folder", "--now", stdout=StringIO())
    refused = ImportRun.objects.get(status="rejected")

    sign_in(page, username="pat", check=False)
    notices = page.get_by_test_id("import-notices")
    expect(notices).to_contain_text("1 automatic import from the drop folder was refused")
    assert_accessible(page)

    notices.get_by_role("link", name=f"Run {refused.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"SSDA903 return import, run {refused.pk}"
    )
    expect(page.get_by_test_id("run-summary")).to_contain_text("Refused late return.csv")
    expect(page.get_by_test_id("run-problems")).to_contain_text("unknown-code")
    expect(page.get_by_test_id("run-email")).to_contain_text("1 performance officer was emailed")
    assert_accessible(page)

    # By keyboard: the button takes focus and Enter presses it.
    button = page.get_by_role("button", name="Mark as dealt with")
    button.focus()
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("dealt-with")).to_have_text("Dealt with by Pat.")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "marked as dealt with"
    )
    assert_accessible(page)

    # An import running from the folder now, while the page is open.
    tracker = progress.Tracker(
        "drop-1", total_bytes=100, estimate=None, about={"files": ["big return.csv"]}
    )
    try:
        tracker.stage("Applying the import")
        tracker.rows(4200)
        tracker.write(force=True)
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Import data")
        expect(page.get_by_test_id("import-notices")).to_have_count(0)
        running = page.get_by_test_id("drop-running")
        expect(running).to_contain_text("Importing big return.csv")
        expect(running).to_contain_text("Applying the import")
        expect(running).to_contain_text("4200")
        runs = page.get_by_test_id("automatic-runs")
        expect(runs.locator("tbody tr")).to_have_count(2)
        expect(runs.locator("tbody tr").first).to_contain_text("Refused")
        expect(runs.locator("tbody tr").first).to_contain_text("dealt with by Pat")
        expect(runs.locator("tbody tr").nth(1)).to_contain_text("Applied")
        assert_accessible(page)
    finally:
        tracker.close()


def test_a_childs_page_shows_the_events_annex_a_brought(page: Page, officer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    from assure.imports.services import import_execute

    book = Workbook()
    sheet = book.active
    sheet.title = "List 8"
    sheet.append(
        [
            "Child Unique ID",
            "Gender",
            "Date of Birth",
            "Date Started to be Looked After",
            "Child's Legal Status",
            "Date of Last Social Work Visit",
            "Date of Latest Statutory Review",
        ]
    )
    sheet.append(
        [
            "EV1",
            "Female",
            dt.date(2015, 3, 1),
            dt.date(2023, 1, 10),
            "C2",
            dt.date(2026, 6, 1),
            dt.date(2026, 3, 1),
        ]  # fmt: skip
    )
    seven = book.create_sheet("List 7")
    seven.append(["Child Unique ID", "Gender", "Child Protection Plan Start Date",
                  "Initial Category of Abuse", "Child Protection Plan End Date"])  # fmt: skip
    seven.append(["EV1", "Female", dt.date(2022, 11, 20), "a) Neglect", dt.date(2023, 1, 10)])
    book.save(tmp_path / "annex.xlsx")
    assert import_execute(kind="annex_a", paths=[tmp_path / "annex.xlsx"]).status == "applied"

    sign_in(page, username="pat", check=False)
    page.goto("/children/EV1/")
    events = page.get_by_test_id("social-care-events")
    expect(events).to_contain_text("2 events from Ofsted Annex A")
    events.locator("summary").click()
    table = events.locator("table")
    expect(table).to_contain_text("Child protection plan started")
    expect(table).to_contain_text("Initial category of abuse: Neglect")
    expect(table).to_contain_text("Social work visit")
    assert_accessible(page)
