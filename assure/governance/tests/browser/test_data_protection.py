"""Data protection in a real browser, axe-core on every page (issue 17, acceptance): the
information governance officer reads the retention report and proposes a deletion, a second
officer approves it and carries it out; legal places and lifts a hold, which stops an
approval; the assurance lead downloads a subject access bundle; a rule is changed."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import zipfile

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def people(transactional_db):  # type: ignore[no-untyped-def]
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, TeamFactory

    # A transactional test empties every table afterwards, the shipped rules included.
    rules = importlib.import_module("assure.governance.migrations.0002_default_retention_rules")
    rules.add_defaults(django_apps, None)
    team = TeamFactory(name="North Children in Care")

    def child(child_id: str, born: dt.date, **extra):  # type: ignore[no-untyped-def]
        record = ChildFactory(child_id=child_id, team=team, date_of_birth=born, **extra)
        EpisodeFactory(
            child=record,
            start_date=born + dt.timedelta(days=3000),
            end_date=born + dt.timedelta(days=5000),
            legal_status="C2",
            reason_ceased="E45",
        )
        return record

    def person(username: str, role: str):  # type: ignore[no-untyped-def]
        return user_create(
            username=username,
            roles=[role],
            teams=(),
            password=PASSWORD,
            first_name=username.title(),
            last_name="Test",
        )

    return {
        "old": child("OLD1001", dt.date(1940, 4, 2), first_name="Edith", last_name="Marsh"),
        "young": child("NEW1001", dt.date(2012, 4, 2)),
        "iona": person("iona", "information_governance"),
        "ivan": person("ivan", "information_governance"),
        "lee": person("lee", "legal"),
        "lena": person("lena", "assurance_lead"),
    }


def _open_data_protection(page, link: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Data protection").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data protection")
    assert_accessible(page)
    page.get_by_role("link", name=link).click()


def test_a_deletion_proposed_approved_by_another_and_carried_out(pages, people) -> None:
    from assure.children.models import Child

    iona = pages.open()
    sign_in(iona, username="iona")
    _open_data_protection(iona, "Records past retention")
    expect(iona.get_by_role("heading", level=1)).to_have_text("Records past retention")
    row = iona.locator('tr[data-kind="looked_after_child"]')
    expect(row.locator("td").first).to_have_text("1")
    expect(iona.locator("body")).not_to_contain_text("OLD1001")  # counts, not children
    assert_accessible(iona)
    row.get_by_role("button", name="Propose deletion").click()
    expect(iona.locator(".govuk-notification-banner")).to_contain_text(
        "Another person must approve it"
    )
    expect(iona.get_by_role("button", name="Approve the deletion")).to_have_count(0)
    assert_accessible(iona)
    proposal_url = iona.url

    # The other officer finds it waiting on his home page; the proposer does not.
    iona.goto("/")
    expect(iona.get_by_test_id("deletions-waiting")).to_have_count(0)
    ivan = pages.open()
    sign_in(ivan, username="ivan")
    ivan.goto("/")
    expect(ivan.get_by_test_id("work-summary")).to_have_text("1 deletion waiting for you.")
    waiting = ivan.get_by_test_id("deletions-waiting")
    number = proposal_url.rstrip("/").rsplit("/", 1)[1]  # not 1 on PostgreSQL's sequences
    expect(waiting).to_contain_text(f"Proposal {number}, proposed ")
    expect(waiting).to_contain_text(" by Iona Test")
    assert_accessible(ivan)
    waiting.get_by_role("link", name=re.compile("^Approve or reject the deletion")).click()
    assert ivan.url == proposal_url
    expect(ivan.get_by_test_id("proposal")).to_contain_text("Iona Test")
    assert_accessible(ivan)
    ivan.get_by_role("button", name="Approve the deletion").click()
    expect(ivan.locator(".govuk-notification-banner")).to_contain_text("Deletion approved")
    assert Child.objects.filter(child_id="OLD1001").exists()  # not before it is carried out
    assert_accessible(ivan)
    ivan.get_by_role("button", name="Delete the records").click()
    expect(ivan.locator(".govuk-notification-banner")).to_contain_text("The records are deleted")
    expect(ivan.get_by_test_id("result")).to_contain_text("children.child")
    expect(ivan.get_by_test_id("proposal")).to_contain_text("Approved by")
    expect(ivan.get_by_test_id("proposal")).to_contain_text("Ivan Test")
    assert_accessible(ivan)
    assert not Child.objects.filter(child_id="OLD1001").exists()
    assert Child.objects.filter(child_id="NEW1001").exists()

    ivan.get_by_role("link", name="Deletion proposals").click()
    expect(ivan.get_by_test_id("proposals")).to_contain_text("Deleted")
    assert_accessible(ivan)


def test_a_legal_hold_stops_the_approval_until_it_is_lifted(pages, people) -> None:
    iona = pages.open()
    sign_in(iona, username="iona")
    iona.goto("/data-protection/retention/")
    iona.locator('tr[data-kind="looked_after_child"]').get_by_role(
        "button", name="Propose deletion"
    ).click()
    expect(iona.locator(".govuk-notification-banner")).to_contain_text("Deletion proposed")
    proposal_url = iona.url

    lee = pages.open()
    sign_in(lee, username="lee")
    _open_data_protection(lee, "Legal holds")
    expect(lee.get_by_role("heading", level=1)).to_have_text("Legal holds")
    assert_accessible(lee)
    lee.get_by_label("Child's ID").fill("OLD1001")
    lee.get_by_role("button", name="Find the child").click()
    expect(lee.get_by_role("heading", level=1)).to_have_text("Legal holds")
    expect(lee.locator(".govuk-caption-l")).to_contain_text("OLD1001")
    lee.get_by_role("button", name="Place a legal hold").click()
    expect(lee.locator(".govuk-error-summary")).to_contain_text("Enter a reason")
    assert_accessible(lee)
    lee.get_by_label("Why the record is held").fill("A claim against the council")
    lee.get_by_role("button", name="Place a legal hold").click()
    expect(lee.get_by_test_id("child-holds")).to_contain_text("Stands")
    assert_accessible(lee)
    # The child's page says the record is held, and why.
    lee.goto("/children/OLD1001/")
    expect(lee.get_by_test_id("legal-hold")).to_contain_text("“A claim against the council”")
    assert_accessible(lee)
    lee.get_by_role("link", name="Legal holds on this record").click()
    expect(lee.get_by_test_id("child-holds")).to_contain_text("Stands")

    ivan = pages.open()
    sign_in(ivan, username="ivan")
    ivan.goto(proposal_url)
    expect(ivan.get_by_test_id("held")).to_contain_text("under a legal hold")
    ivan.get_by_role("button", name="Approve the deletion").click()
    expect(ivan.locator(".govuk-notification-banner")).to_contain_text("under a legal hold")
    expect(ivan.locator("h1")).to_contain_text("Proposed")
    assert_accessible(ivan)

    lee.get_by_role("link", name=re.compile("^Lift")).click()
    expect(lee.get_by_role("heading", level=1)).to_have_text("Lift the legal hold")
    assert_accessible(lee)
    lee.get_by_label("Why the hold is lifted").fill("The claim is settled")
    lee.get_by_role("button", name="Lift the hold").click()
    expect(lee.get_by_test_id("child-holds")).to_contain_text("Lifted by Lee Test")

    ivan.reload()
    ivan.get_by_role("button", name="Approve the deletion").click()
    expect(ivan.locator(".govuk-notification-banner")).to_contain_text("Deletion approved")


def test_the_assurance_lead_downloads_a_subject_access_bundle(pages, people) -> None:
    from assure.core.models import AccessEvent

    lena = pages.open()
    sign_in(lena, username="lena")
    _open_data_protection(lena, "Subject access")
    expect(lena.get_by_role("heading", level=1)).to_have_text("Subject access")
    lena.get_by_role("button", name="Find the child").click()
    expect(lena.locator(".govuk-error-summary")).to_contain_text("Enter the child's ID")
    assert_accessible(lena)
    lena.get_by_label("Child's ID").fill("OLD1001")
    lena.get_by_role("button", name="Find the child").click()
    expect(lena.get_by_role("heading", level=1)).to_have_text(
        "Everything Assure holds about this child"
    )
    assert_accessible(lena)
    with lena.expect_download() as download:
        lena.get_by_role("button", name="Download the bundle").click()
    assert download.value.suggested_filename.startswith("subject-access-OLD1001-")
    archive = zipfile.ZipFile(download.value.path())
    data = json.loads(archive.read("bundle.json"))
    assert data["sections"]["children.child"]["rows"][0]["first_name"] == "Edith"
    assert len(data["sections"]["children.episode"]["rows"]) == 1
    assert "Everything Assure holds about OLD1001" in archive.read("bundle.html").decode()
    assert AccessEvent.objects.filter(child__child_id="OLD1001", via="export").count() == 1


def test_a_rule_is_changed_with_the_law_as_its_floor(pages, people) -> None:
    iona = pages.open()
    sign_in(iona, username="iona")
    _open_data_protection(iona, "Retention rules")
    expect(iona.get_by_test_id("rules")).to_contain_text("regulation 50")
    assert_accessible(iona)
    iona.get_by_role("link", name="Change the rule for a looked-after child's record").click()
    iona.get_by_label("Years the record is kept").fill("70")
    iona.get_by_label("Why the rule changes").fill("Trying shorter")
    iona.get_by_role("button", name="Save a new version").click()
    expect(iona.locator(".govuk-error-summary")).to_contain_text("The law requires at least 75")
    assert_accessible(iona)
    iona.get_by_label("Years the record is kept").fill("80")
    iona.get_by_role("button", name="Save a new version").click()
    expect(iona.locator(".govuk-notification-banner")).to_contain_text("the new rule is in force")
    expect(iona.get_by_test_id("rules")).to_contain_text("80 years")
