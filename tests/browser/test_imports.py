"""The import journey in a real browser: upload 903 files, read the dry run's problems,
download them, apply while leaving out the bad row, and find the run in the history, with
axe-core on every page."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "BR1,01/02/2020,S,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456\n"
    "BR2,01/02/2020,Q,C2,N1,U4,PR1,,,,AB1 2CD,AB3 4EF,SC123456\n"
)


@pytest.fixture
def officer(transactional_db, settings, tmp_path):  # type: ignore[no-untyped-def]
    from assure.people.services import user_create

    settings.MEDIA_ROOT = tmp_path / "media"
    return user_create(
        username="pat", roles=["performance_officer"], password=PASSWORD, first_name="Pat"
    )


def test_upload_dry_run_apply_and_history(page: Page, officer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assure.children.models import Child

    episodes = tmp_path / "episodes 2025.csv"
    episodes.write_text(EPISODES, encoding="utf-8")
    sign_in(page, username="pat", check=False)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import data")
    assert_accessible(page)

    # Nothing chosen: the error summary says so.
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one file")
    assert_accessible(page)

    page.get_by_label("Files", exact=True).set_input_files(str(episodes))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SSDA903 return import")
    expect(page.get_by_test_id("upload-status")).to_have_text("Checked")
    counts = page.get_by_test_id("problem-counts")
    expect(counts.locator("caption")).to_contain_text("1 error and 0 warnings")
    expect(counts.locator("tbody tr")).to_have_count(1)
    expect(counts.locator("tbody tr td").nth(1)).to_have_text("unknown-code")
    expect(page.get_by_test_id("check-files")).to_contain_text("episodes 2025.csv")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_test_id("problems-csv").click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[1][:6] == ["error", "episodes 2025.csv", "3", "RNE", "Q", "unknown-code"]
    assert not Child.objects.exists()  # a dry run stores nothing

    page.get_by_label("Store the valid rows and leave out the rows with errors").check()
    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_test_id("upload-status")).to_have_text("Applied")
    expect(page.get_by_test_id("applied")).to_contain_text("records stored")
    assert list(Child.objects.values_list("child_id", flat=True)) == ["BR1"]
    assert_accessible(page)

    page.get_by_role("link", name="Import history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import history")
    runs = page.get_by_test_id("runs")
    expect(runs.locator("tbody tr")).to_have_count(1)
    expect(runs).to_contain_text("episodes 2025.csv")
    expect(runs).to_contain_text("Pat")
    assert_accessible(page)

    runs.locator("tbody tr td a").first.click()
    expect(page).to_have_url(re.compile(r"/imports/runs/\d+/$"))
    expect(page.get_by_test_id("run-files")).to_contain_text("episodes 2025.csv")
    expect(page.get_by_test_id("run-problems")).to_contain_text("unknown-code")
    assert_accessible(page)
