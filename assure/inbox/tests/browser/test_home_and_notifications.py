"""My work in a real browser, axe-core on every page (issue 14, acceptance): each role's
home is its work list, naming the child and linking where the work is done; the header
counts unread notifications; the notifications page marks them read; the header's search
finds a child by name."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from assure.core import clock
from tests.browser.helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROLES = {
    "sam": "practitioner",
    "tess": "team_manager",
    "seb": "service_manager",
    "hana": "head_of_service",
    "dina": "director",
    "lena": "assurance_lead",
    "alan": "auditor",
    "pat": "panel_member",
    "perry": "performance_officer",
    "lee": "legal",
    "ivy": "iro",
    "ada": "admin",
    "iggy": "information_governance",
}


@pytest.fixture(autouse=True)
def frozen_clock():  # type: ignore[no-untyped-def]
    """Today as it is: the live server's thread reads the real clock."""
    yield


@pytest.fixture
def people(transactional_db):  # type: ignore[no-untyped-def]
    from assure.audits.models import Audit, AuditTemplate
    from assure.decisions import services as decisions
    from assure.panels import services as panels
    from assure.panels.models import Panel
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, TeamFactory

    # A transactional test empties every table afterwards, including the rows the data
    # migrations shipped: put the defaults back.
    for module in (
        "assure.audits.migrations.0002_default_templates",
        "assure.panels.migrations.0002_default_panels",
        "assure.decisions.migrations.0002_default_scheme",
    ):
        loaded = importlib.import_module(module)
        (getattr(loaded, "ship", None) or loaded.create)(django_apps, None)
    north = TeamFactory(name="North Children in Care")
    child = ChildFactory(child_id="NA4001", team=north, first_name="Amelia", last_name="Hart")
    EpisodeFactory(child=child, start_date=clock.today() - dt.timedelta(days=500))
    people = {
        username: user_create(
            username=username,
            roles=[role],
            teams=(north.name,),
            password=PASSWORD,
            first_name=username.title(),
            last_name="Test",
        )
        for username, role in ROLES.items()
    }
    proposal = decisions.proposal_create(
        child=child,
        decision_type="sgo_care_plan",
        proposed_plan="SGO to her aunt",
        rationale="Settled there for 18 months",
        actor=people["sam"],
    )
    decisions.proposal_submit(proposal=proposal, actor=people["sam"])
    Audit.objects.create(
        child=child,
        template=AuditTemplate.objects.first(),
        mode="paper",
        auditor=people["alan"],
        status="in_progress",
        created_at=clock.now(),
        due_date=clock.today() - dt.timedelta(days=2),
    )
    panel = Panel.objects.get(slug="permanence-panel")
    panels.panel_member_add(
        panel=panel,
        user=people["pat"],
        panel_role="member",
        actor=people["lena"],
        from_date=clock.today(),
    )
    meeting = panels.meeting_create(
        panel=panel, date=clock.today() + dt.timedelta(days=7), attendees=[], actor=people["lena"]
    )
    panels.agenda_item_add(meeting=meeting, child=child, proposal=proposal, actor=people["lena"])
    return {"child": child, "proposal": proposal, **people}


def _sign_in_admin(page: Page, user) -> None:  # type: ignore[no-untyped-def]
    from assure.people.tests.helpers import confirmed_device, current_code

    device = confirmed_device(user=user)
    page.goto("/sign-in/")
    page.get_by_label("User name").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    page.get_by_label("Code from your authenticator app").fill(current_code(device=device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize("username", list(ROLES))
def test_each_roles_home_is_its_work_list(people, page: Page, username: str) -> None:
    if username == "ada":
        _sign_in_admin(page, people[username])
    else:
        sign_in(page, username=username, check=username == "sam")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    expect(page.get_by_test_id("work-summary")).to_be_visible()
    expect(page.get_by_role("search", name="Search Assure")).to_be_visible()
    expect(page.get_by_test_id("notifications-link")).to_be_visible()
    assert_accessible(page)
    work = page.get_by_test_id("work-item")
    if username == "tess":  # the proposal waits on the team manager
        expect(work).to_have_count(1)
        expect(work.first).to_contain_text("Amelia Hart (NA4001)")
        expect(work.first).to_contain_text("waiting for your decision")
    elif username == "alan":  # an overdue audit
        expect(work.first).to_contain_text("Audit of Amelia Hart (NA4001)")
        expect(work.first).to_contain_text("Overdue")
    elif username == "pat":  # next week's panel, with its agenda
        expect(work).to_have_count(1)
        expect(work.first).to_contain_text("Permanence")
        expect(work.first).to_contain_text("Amelia Hart (NA4001)")
    elif username in {"seb", "hana", "sam"}:  # not theirs yet
        expect(page.locator("[data-kind=proposal_decision]")).to_have_count(0)


def test_the_team_manager_goes_from_home_to_the_proposal_and_reads_his_notification(
    people, page: Page
) -> None:
    sign_in(page, username="tess", check=False)
    expect(page.get_by_test_id("unread-count")).to_have_text("1 unread")
    page.get_by_test_id("work-item").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/decisions/{people['proposal'].pk}/$"))

    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_test_id("unread-summary")).to_contain_text("1 unread notification")
    expect(page.get_by_test_id("notification")).to_contain_text("Amelia Hart (NA4001)")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as read").click()
    expect(page.get_by_test_id("unread-summary")).to_contain_text("no unread notifications")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)
    page.get_by_label("Send me the daily email").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You will not get the daily email.")).to_be_visible()
    expect(page.get_by_label("Send me the daily email")).not_to_be_checked()
    assert_accessible(page)


def test_the_header_search_finds_a_child_by_name(people, page: Page) -> None:
    sign_in(page, username="sam", check=False)
    page.get_by_label("Search for a child, family or proposal").fill("amelia")
    page.get_by_role("search", name="Search Assure").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    results = page.get_by_test_id("search-children")
    expect(results).to_contain_text("Amelia Hart")
    expect(results).to_contain_text("NA4001")
    assert_accessible(page)
    results.get_by_role("link", name="Amelia Hart").click()
    expect(page).to_have_url(re.compile(r"/children/NA4001/$"))
