"""The audit journeys in a real browser, with axe-core on every page visited (issue 5,
acceptance): an auditor takes a case from the queue, completes a paper audit with a finding
and an action, and submits; the lead moderates and closes; a collaborative audit with the
practitioner's reflection; an escalation raised and acknowledged."""

import datetime as dt
import importlib
import re
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from assure.core import clock
from tests.browser.govuk_forms import fill_date
from tests.browser.helpers import PASSWORD, assert_accessible, expect_gov_uk_focus, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def team(transactional_db):  # type: ignore[no-untyped-def]
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory, TeamFactory

    # A transactional test empties every table afterwards, including the rows the data
    # migration shipped: put the defaults back.
    ship = importlib.import_module("assure.audits.migrations.0002_default_templates").ship
    ship(django_apps, None)
    north = TeamFactory(name="North Children in Care")
    today = clock.today()
    left = ChildFactory(child_id="NA2001", team=north, first_name="Oliver", last_name="Ward")
    EpisodeFactory(
        child=left,
        start_date=today - dt.timedelta(days=400),
        end_date=today - dt.timedelta(days=30),
        reason_ceased="E45",
    )
    planned = ChildFactory(child_id="NA2002", team=north, first_name="Amelia", last_name="Hart")
    EpisodeFactory(child=planned, start_date=today - dt.timedelta(days=300))
    PermanencePlanFactory(child=planned, agreed_date=today - dt.timedelta(days=60))

    def person(username: str, role: str, **extra):  # type: ignore[no-untyped-def]
        return user_create(
            username=username,
            roles=[role],
            teams=[north.name],
            password=PASSWORD,
            first_name=username.title(),
            last_name="Test",
            email=f"{username}@example.org",
            **extra,
        )

    return SimpleNamespace(
        auditor=person("alex", "auditor"),
        lead=person("lena", "assurance_lead"),
        practitioner=person("priya", "practitioner"),
        manager=person("tom", "team_manager"),
        head=person("hana", "head_of_service"),
        left=left,
        planned=planned,
    )


def answer_all(page: Page) -> None:
    """Answer every question, section by section, saving each section."""
    sections = page.locator("form[action*='/sections/']")
    for n in range(sections.count()):
        form = page.locator("form[action*='/sections/']").nth(n)
        for fieldset in form.locator("fieldset").all():
            if fieldset.locator("textarea[name^='q']").count():
                fieldset.locator("textarea[name^='q']").fill("Support reviewed with the family.")
            elif fieldset.get_by_label("Good", exact=True).count():
                fieldset.get_by_label("Good", exact=True).check()
            else:
                fieldset.get_by_label("Yes", exact=True).check()
        form.get_by_role("button", name=re.compile("^Save")).click()
        expect(
            page.locator(".govuk-notification-banner, .govuk-error-summary").first
        ).to_be_visible()


def test_paper_audit_from_queue_to_closed(pages, team) -> None:  # type: ignore[no-untyped-def]
    page = pages.open()
    sign_in(page, username="alex")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit queue")
    queue = page.get_by_test_id("queue-table")
    expect(queue.locator("tbody tr")).to_have_count(2)
    # Names, with the ID beside each.
    assert queue.locator("tbody tr td:nth-child(3)").all_inner_texts() == [
        "Amelia Hart NA2002",
        "Oliver Ward NA2001",
    ]
    assert_accessible(page)

    queue.get_by_role("button", name="Take Oliver Ward (NA2001)").click()
    mine = page.get_by_test_id("my-audits")
    expect(mine).to_contain_text("NA2001")
    mine.get_by_role("link", name=re.compile("Oliver Ward")).click()
    expect(page.get_by_test_id("audit-status")).to_have_text("Scheduled")
    # Taking it set its due date (no programme is running: 28 days, on a working day).
    from assure.core.working_days import working_day_on_or_before

    due = working_day_on_or_before(clock.today() + dt.timedelta(days=28))
    expect(page.locator("xpath=//dt[normalize-space()='Due']/following-sibling::dd")).to_have_text(
        f"{due.day} {due:%B %Y}"
    )
    expect(page.get_by_test_id("key-facts")).to_contain_text("Oliver Ward")
    assert_accessible(page)
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_test_id("audit-status")).to_have_text("In progress")

    # A grade below good without evidence is refused, with a summary linking to the field.
    first = page.locator("form[action*='/sections/']").first
    first.locator("fieldset").first.get_by_label("Inadequate", exact=True).check()
    first.get_by_role("button", name=re.compile("^Save")).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give the evidence")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("textarea[name^='e']").first).to_be_focused()

    answer_all(page)
    page.get_by_label("Question it relates to").select_option(index=1)
    page.get_by_role("group", name="Type of finding").get_by_label("Area for development").check()
    page.get_by_label("Finding", exact=True).fill("Support plan review is overdue.")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.get_by_text("Support plan review is overdue.")).to_be_visible()
    page.get_by_label("Action", exact=True).fill("Hold the support plan review.")
    page.get_by_label("Owner").select_option(value="priya")
    fill_date(page, "Due date", clock.today() + dt.timedelta(days=14))
    page.get_by_role("group", name="Priority").get_by_label("High").check()
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Hold the support plan review.")).to_be_visible()
    assert_accessible(page)

    expect(page.get_by_label("Overall grade", exact=True)).to_have_value("good")  # suggested
    page.get_by_role("button", name="Submit the audit").click()
    expect(page.get_by_test_id("audit-status")).to_have_text("Submitted")
    audit_url = page.url.split("#")[0]

    lead = pages.open()
    sign_in(lead, username="lena")
    lead.goto("/audits/moderation/")
    expect(lead.get_by_test_id("waiting")).to_contain_text("Oliver Ward NA2001")
    assert_accessible(lead)
    lead.goto(audit_url)
    lead.get_by_role("button", name="Moderate").click()
    expect(lead.get_by_test_id("audit-status")).to_have_text("In moderation")
    lead.get_by_label("Moderated grade", exact=True).select_option(value="requires_improvement")
    lead.get_by_label("Reason for the regrade", exact=True).fill("The plan was not reviewed.")
    lead.get_by_role("button", name="Record the moderated grade").click()
    expect(lead.get_by_text("Requires improvement to be good (moderated)")).to_be_visible()
    assert_accessible(lead)
    lead.get_by_role("button", name="Close the audit").click()
    expect(lead.get_by_test_id("audit-status")).to_have_text("Closed")
    expect(lead.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    assert_accessible(lead)


def test_collaborative_audit_and_escalation(pages, team) -> None:  # type: ignore[no-untyped-def]
    from assure.audits import services

    audit = services.audit_create(
        child=team.planned,
        template_slug="sgo-before-court",
        mode="collaborative",
        auditor=team.auditor,
        actor=team.lead,
    )
    page = pages.open()
    sign_in(page, username="alex")
    page.goto(f"/audits/{audit.pk}/")
    page.get_by_label("Practitioner").select_option(value="priya")
    page.get_by_label("Their manager").select_option(value="tom")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator("#collaboration")).to_be_visible()
    page.get_by_text("This child may be unsafe now").click()
    page.get_by_label("Why the child may be unsafe now").fill("Father visiting unsupervised.")
    page.get_by_role("button", name="Raise an escalation").click()
    expect(page.get_by_text("Not acknowledged")).to_be_visible()
    assert_accessible(page)

    worker = pages.open()
    sign_in(worker, username="priya")
    worker.goto(f"/audits/{audit.pk}/")
    worker.get_by_label("Your reflection").check()
    worker.get_by_label("Text", exact=True).fill("I had not tested the carer's plan for contact.")
    worker.get_by_role("button", name="Add", exact=True).click()
    expect(worker.get_by_text("I had not tested the carer's plan for contact.")).to_be_visible()
    assert_accessible(worker)

    manager = pages.open()
    sign_in(manager, username="tom")
    # His to acknowledge: in his work list (not also in the banner others oversee by).
    waiting = manager.locator('[data-testid="work-item"][data-kind="escalation"]')
    expect(waiting).to_contain_text("NA2002")
    expect(manager.get_by_test_id("home-escalations")).to_have_count(0)
    assert_accessible(manager)
    waiting.get_by_role("link").click()
    manager.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Say what was done")
    assert_accessible(manager)
    manager.get_by_label("What was done").fill("Visited today; contact suspended.")
    manager.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(manager.get_by_text("No escalations are waiting.")).to_be_visible()


def tab_to(page: Page, target, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the target has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("Tab never reached the element")


def test_keyboard_only_take_and_start(pages, team) -> None:  # type: ignore[no-untyped-def]
    page = pages.open()
    sign_in(page, username="alex", check=False)
    page.goto("/audits/")
    take = page.get_by_role("button", name="Take Oliver Ward (NA2001)")
    tab_to(page, take)
    expect_gov_uk_focus(take)
    page.keyboard.press("Enter")
    link = page.get_by_test_id("my-audits").get_by_role("link", name=re.compile("Oliver Ward"))
    expect(link).to_be_visible()
    tab_to(page, link)
    expect_gov_uk_focus(link)
    page.keyboard.press("Enter")
    start = page.get_by_role("button", name="Start the audit")
    tab_to(page, start)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("audit-status")).to_have_text("In progress")
    radio = page.locator("form[action*='/sections/'] input[type=radio]").first
    tab_to(page, radio)
    page.keyboard.press("Space")
    expect(radio).to_be_checked()


def test_the_leads_tools_page(pages, team) -> None:  # type: ignore[no-untyped-def]
    from assure.audits import services
    from assure.audits.models import Programme

    today = clock.today()
    Programme.objects.create(
        name="SGO assurance", start_date=today, end_date=today + dt.timedelta(days=90)
    )
    services.audit_create(
        child=team.planned,
        template_slug="sgo-before-court",
        mode="paper",
        auditor=team.auditor,
        actor=team.lead,
    )
    lead = pages.open()
    sign_in(lead, username="lena")
    lead.goto("/audits/")
    lead.get_by_test_id("lead-tools-link").get_by_role("link", name="Lead's tools").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Lead's tools")
    expect(lead.get_by_test_id("lead-programmes")).to_contain_text("SGO assurance")
    expect(lead.get_by_test_id("lead-workload")).to_contain_text("Alex Test")
    assert_accessible(lead)
