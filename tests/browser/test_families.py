"""Families in a real browser: open a family, filter its chronology, start a practice review
and annotate an event; a restricted sibling leaves no trace; axe on every page."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def family(transactional_db):  # type: ignore[no-untyped-def]
    from assure.children.models import ChildAccess
    from assure.families import services
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, ProceedingsFactory, TeamFactory

    north = TeamFactory(name="North")
    lead = user_create(username="fam_lead", roles=["assurance_lead"], password=PASSWORD)
    auditor = user_create(username="fam_auditor", roles=["auditor"], password=PASSWORD)
    elder = ChildFactory(child_id="FAM1", team=north, first_name="Maya", last_name="Stone")
    younger = ChildFactory(child_id="FAM2", team=north, first_name="Leo", last_name="Stone")
    hidden = ChildFactory(
        child_id="FAM3", team=north, first_name="Secret", last_name="Sibling", restricted=True
    )
    ChildAccess.objects.create(child=hidden, user=lead)
    EpisodeFactory(child=elder, start_date=dt.date(2023, 3, 14), legal_status="C1")
    EpisodeFactory(child=younger, start_date=dt.date(2023, 3, 14), legal_status="C1")
    EpisodeFactory(child=hidden, start_date=dt.date(2023, 5, 2), legal_status="V2")
    shared = ProceedingsFactory(issue_date=dt.date(2023, 3, 20), application_type="care")
    shared.children.add(elder, younger)
    fam = services.family_create(
        family_id="STONE",
        name="The Stone children",
        child=elder,
        relationship="child",
        actor=lead,
    )
    for child in (younger, hidden):
        services.family_link_child(family=fam, child=child, relationship="sibling", actor=lead)
    return {"lead": lead, "auditor": auditor}


def test_open_filter_review_and_annotate(family, live_server, page: Page) -> None:
    sign_in(page, username="fam_auditor")
    page.goto(f"{live_server.url}/families/")
    expect(page.locator("body")).not_to_contain_text("FAM3")
    assert_accessible(page)
    page.get_by_role("link", name="STONE").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Stone children")
    chronology = page.get_by_test_id("chronology")
    expect(chronology).to_contain_text("Maya Stone (FAM1)")
    expect(page.locator("body")).not_to_contain_text("FAM3")
    expect(page.locator("body")).not_to_contain_text("Secret")
    assert_accessible(page)

    # The shared proceedings appear once, naming both children.
    proceedings = chronology.locator('[data-kind="proceedings"]')
    expect(proceedings).to_have_count(1)
    expect(proceedings).to_contain_text("Maya Stone (FAM1), Leo Stone (FAM2)")

    # Filter to one child and one kind of event.
    page.get_by_label("Child", exact=True).select_option("FAM2")
    page.get_by_label("Entered care").check()
    page.get_by_test_id("apply-filters").click()
    items = page.get_by_test_id("chronology").locator(".moj-timeline__item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Leo Stone (FAM2)")
    expect(items.first).to_contain_text("14 March 2023")
    assert_accessible(page)

    # Download what the filtered page shows.
    with page.expect_download() as download_info:
        page.get_by_test_id("chronology-csv").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-chronology.csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["Date", "Kind", "Child IDs"]
    assert [row[:4] for row in rows[1:]] == [["2023-03-14", "Entered care", "FAM2", "Leo Stone"]]

    # Start a practice review and annotate an event.
    page.get_by_role("link", name="Start a practice review").click()
    page.get_by_label("Title").fill("Historic review of the Stone family")
    page.get_by_label("Maya Stone (FAM1)").check()
    page.get_by_label("Leo Stone (FAM2)").check()
    page.get_by_label("fam_auditor", exact=False).first.check()
    assert_accessible(page)
    page.get_by_role("button", name="Start the review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Historic review of the Stone family"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Annotate").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annotate an event")
    page.get_by_label("Missed opportunity").check()
    page.get_by_label("Commentary").fill("Nobody asked the grandmother to be assessed.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the annotation").click()
    expect(page.locator("body")).to_contain_text("Nobody asked the grandmother to be assessed.")
    expect(page.locator("body")).not_to_contain_text("FAM3")
    assert_accessible(page)
