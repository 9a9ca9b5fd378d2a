"""The sign-off journey in a real browser, axe-core on every page (issue 6, acceptance):
a practitioner raises a proposal from the child's page; the team manager and service manager
approve; the panel meets and its chair records support; once the audit is closed the head of
service approves and the child's plan becomes SGO; the assurance lead reads the arrangements
review."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from assure.core import clock
from tests.browser.govuk_forms import fill_date
from tests.browser.helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def people(transactional_db):  # type: ignore[no-untyped-def]
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
    child = ChildFactory(child_id="NA3001", team=north, first_name="Amelia", last_name="Hart")
    EpisodeFactory(child=child, start_date=clock.today() - dt.timedelta(days=500))

    def person(username, roles, teams=(north.name,)):  # type: ignore[no-untyped-def]
        return user_create(
            username=username,
            roles=roles,
            teams=teams,
            password=PASSWORD,
            first_name=username.title(),
            last_name="Test",
        )

    return {
        "child": child,
        "sw": person("sam", ["practitioner"]),
        "tm": person("tess", ["team_manager"]),
        "sm": person("sian", ["service_manager"]),
        "hos": person("harry", ["head_of_service"]),
        "lead": person("lena", ["assurance_lead"], teams=()),
        "chair": person("chris", ["panel_member"], teams=()),
        "adviser": person("alex", ["legal"], teams=()),
        "member": person("morgan", ["panel_member"], teams=()),
    }


def _choose(page: Page, label: str, value: str) -> None:
    """A choice as radios (GOV.UK) or, where the form still has one, a select."""
    radio = page.locator(f'input[type="radio"][value="{value}"]')
    if radio.count():
        radio.first.check()
    else:
        page.get_by_label(label, exact=True).select_option(value)


def _decide(
    pages, who: str, proposal_url: str, decision: str = "approve", *, reason: str = ""
) -> Page:
    page = pages.open()
    sign_in(page, username=who, check=False)
    page.goto("/decisions/")
    assert_accessible(page)
    page.get_by_role("link", name="Care plan changes to special guardianship").first.click()
    expect(page).to_have_url(proposal_url)
    _choose(page, "Your decision", decision)
    page.get_by_label("Comment").fill("Checked the assessments")
    if reason:
        # The last approval with due diligence not recorded: refused until confirmed.
        page.get_by_role("button", name="Record my decision").click()
        expect(page.locator(".govuk-error-summary").first).to_contain_text("Not recorded:")
        assert_accessible(page)
        _choose(page, "Your decision", decision)
        page.get_by_label("I approve although these items are not recorded").check()
        page.get_by_label("Why approve without them").fill(reason)
    page.get_by_role("button", name="Record my decision").click()
    expect(page.get_by_text("Your decision is recorded.")).to_be_visible()
    return page


def _close_audit(people) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from assure.audits.models import Audit, AuditTemplate, Grade, OverallGrade

    now = timezone.now()
    audit = Audit.objects.create(
        child=people["child"],
        template=AuditTemplate.objects.first(),
        mode="paper",
        auditor=people["lead"],
        status="closed",
        created_at=now,
        closed_at=now,
    )
    OverallGrade.objects.create(
        audit=audit, grade=Grade.objects.get(slug="good"), given_by=people["lead"], given_at=now
    )


def test_sign_off_journey(pages, people):  # type: ignore[no-untyped-def]
    # The practitioner raises the proposal from the child's page.
    page = pages.open()
    sign_in(page, username="sam")
    page.goto("/children/NA3001/")
    page.get_by_role("link", name="Raise a proposal for this child").click()
    assert_accessible(page)
    page.get_by_role("link", name="Care plan changes to special guardianship").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the rationale")
    assert_accessible(page)
    page.get_by_label("Proposed plan").fill("SGO to the maternal grandmother")
    page.get_by_label("Rationale").fill("Settled with her for two years")
    page.get_by_label("Full special guardianship assessment").fill("Completed in May")
    page.get_by_role("button", name="Save as a draft").click()
    # From the draft on, each gate and due-diligence item as it stands for this child.
    gates = page.get_by_test_id("gates")
    expect(gates.locator('[data-gate="audit"]')).to_contain_text("Not met")
    expect(gates.locator('[data-gate="panel"]')).to_contain_text("Not yet on a coming panel")
    expect(page.get_by_test_id("unrecorded-count")).to_contain_text("7 of 8 not recorded")
    record_it = page.get_by_role("link", name=re.compile(r"Record it\s+for Legal advice"))
    expect(record_it).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("Submitted for sign-off.")).to_be_visible()
    assert_accessible(page)
    proposal_url = page.url
    proposal_id = proposal_url.rstrip("/").rsplit("/", 1)[1]

    _decide(pages, "tess", proposal_url)
    _decide(pages, "sian", proposal_url)

    # The head of service is held by the gates.
    hos = pages.open()
    sign_in(hos, username="harry", check=False)
    hos.goto(proposal_url)
    expect(hos.get_by_test_id("gates").locator('[data-gate="audit"]')).to_contain_text("Not met")
    expect(hos.get_by_test_id("confirm-unrecorded")).to_contain_text("7 due-diligence items")
    assert_accessible(hos)

    # The assurance lead sets up the permanence panel and records a meeting.
    from assure.panels import services as panel_services
    from assure.panels.models import Panel

    panel = Panel.objects.get(slug="permanence-panel")
    month_ago = clock.today() - dt.timedelta(days=30)
    for who, role in (("chair", "chair"), ("adviser", "legal_adviser"), ("member", "member")):
        with clock.frozen_at(month_ago):
            panel_services.panel_member_add(
                panel=panel,
                user=people[who],
                panel_role=role,
                actor=people["lead"],
                from_date=month_ago,
            )
    lead = pages.open()
    sign_in(lead, username="lena", check=False)
    lead.goto("/panels/")
    assert_accessible(lead)
    lead.get_by_role("link", name="Permanence panel").click()
    assert_accessible(lead)
    fill_date(lead, "Date of the meeting", clock.today())
    lead.get_by_label("Chris Test (chair)").check()
    lead.get_by_label("Alex Test (legal adviser)").check()
    lead.get_by_label("Morgan Test (member)").check()
    lead.get_by_role("button", name="Record the meeting").click()
    expect(lead.get_by_test_id("quorum")).to_have_text("Quorate")
    lead.get_by_label("Proposal awaiting a panel").select_option(proposal_id)
    lead.get_by_role("button", name="Add to the agenda").click()
    expect(lead.get_by_test_id("agenda")).to_contain_text("Amelia Hart (NA3001)")
    assert_accessible(lead)
    meeting_url = lead.url

    # The proposal page links the panel gate to the meeting it is on.
    hos.goto(proposal_url)
    expect(hos.get_by_test_id("gates").locator('[data-gate="panel"]')).to_contain_text(
        "On the agenda of Permanence panel"
    )

    # The chair records the panel's support.
    chair = pages.open()
    sign_in(chair, username="chris", check=False)
    chair.goto(meeting_url)
    expect(chair.locator("#id_item")).to_contain_text(
        "1. Amelia Hart (NA3001): Care plan changes to special guardianship"
    )
    _choose(chair, "Outcome", "support")
    chair.get_by_label("Conditions (optional)").fill("Support plan agreed first")
    chair.get_by_role("button", name="Record the outcome").click()
    expect(chair.get_by_test_id("agenda")).to_contain_text("Support")
    assert_accessible(chair)

    # With the audit closed, the head of service approves and the plan changes.
    _close_audit(people)
    done = _decide(pages, "harry", proposal_url, reason="Each seen in the court bundle")
    expect(done.get_by_role("heading", level=1)).to_contain_text("Approved")
    expect(done.get_by_test_id("approved-unrecorded")).to_contain_text(
        "Each seen in the court bundle"
    )
    assert_accessible(done)
    done.goto("/children/NA3001/")
    expect(done.get_by_test_id("child-now")).to_contain_text("Special guardianship order")
    expect(done.get_by_test_id("child-proposals")).to_contain_text("Approved")
    assert_accessible(done)

    # The assurance lead reads the arrangements review.
    lead.goto("/panels/review/")
    expect(lead.get_by_role("heading", level=1)).to_have_text("Arrangements review")
    assert_accessible(lead)
