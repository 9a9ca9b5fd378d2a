"""A family audit in a real browser, axe on every page: the auditor starts one from the
family's page, answers most questions once for both children and one per child (choosing it
by keyboard), adds a shared finding and one about one child, and submits both audits
together; each child's record shows its findings, and the restricted sibling never appears.
The lead groups siblings in the queue and allocates a group as one family audit."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Locator, Page, expect

from assure.core import clock

from .helpers import FOCUS_YELLOW, PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def stones(transactional_db):  # type: ignore[no-untyped-def]
    from assure.children.models import SGOAssessment
    from assure.families import services
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, PermanencePlanFactory, TeamFactory

    # A transactional test empties every table afterwards, the shipped audit tools included.
    importlib.import_module("assure.audits.migrations.0002_default_templates").ship(
        django_apps, None
    )
    north = TeamFactory(name="North")
    lead = user_create(
        username="fa_lead", roles=["assurance_lead"], password=PASSWORD, first_name="Lena"
    )
    user_create(username="fa_auditor", roles=["auditor"], password=PASSWORD, first_name="Alex")
    today = clock.today()
    children = []
    for child_id, first, restricted in (
        ("FAM1", "Maya", False),
        ("FAM2", "Leo", False),
        ("FAM3", "Secret", True),
    ):
        child = ChildFactory(
            child_id=child_id,
            team=north,
            first_name=first,
            last_name="Stone",
            restricted=restricted,
        )
        EpisodeFactory(child=child, start_date=today - dt.timedelta(days=400))
        PermanencePlanFactory(child=child, agreed_date=today - dt.timedelta(days=90))
        SGOAssessment.objects.create(
            child=child,
            assessment_id=f"{child_id}-A",
            carer_name="Grandmother",
            carer_id="CM-77",
            relationship="relative",
            stage="viability",
        )
        children.append(child)
    family = services.family_create(
        family_id="STONE",
        name="The Stone children",
        child=children[0],
        relationship="child",
        actor=lead,
    )
    for child in children[1:]:
        services.family_link_child(family=family, child=child, relationship="sibling", actor=lead)
    return family


def expect_radio_focus(radio: Locator) -> None:
    """A GOV.UK radio has focus and shows it: the yellow ring drawn round its circle."""
    expect(radio).to_be_focused()
    ring = radio.evaluate("el => getComputedStyle(el.nextElementSibling, '::before').boxShadow")
    assert FOCUS_YELLOW in ring, f"No visible focus on the radio: {ring}"


def _answer_everything_shared(page: Page) -> None:
    """Answer each question once for every child, section by section."""
    for n in range(page.locator("form[action*='/sections/']").count()):
        form = page.locator("form[action*='/sections/']").nth(n)
        for question in form.locator("[data-testid^='question-']").all():
            shared = question.get_by_label("Answer for every child", exact=True)
            if shared.evaluate("el => el.tagName") == "TEXTAREA":
                shared.fill("The children's plans were made together.")
            elif shared.locator("option", has_text="Good").count():
                shared.select_option(label="Good")
            else:
                shared.select_option(label="Yes")
        form.get_by_role("button", name=re.compile("^Save")).click()
        expect(page.locator(".govuk-notification-banner").first).to_contain_text("saved")


def test_a_family_audit_from_the_family_page(stones, live_server, page: Page) -> None:
    sign_in(page, username="fa_auditor")
    page.goto(f"{live_server.url}/families/STONE/")
    slot = page.locator("#family-audits")
    expect(slot).to_have_text("Family audits")
    assert_accessible(page)
    page.get_by_role("link", name="Start a family audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a family audit")
    expect(page.get_by_label("Maya Stone (FAM1)")).to_be_checked()
    expect(page.get_by_label("Leo Stone (FAM2)")).to_be_checked()
    expect(page.locator("body")).not_to_contain_text("FAM3")
    assert_accessible(page)
    page.get_by_role("button", name="Allocate the family audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Family audit: The Stone children")
    expect(page.get_by_test_id("family-audit-children")).to_contain_text("Maya Stone")
    expect(page.get_by_test_id("family-audit-children")).to_contain_text("Leo Stone")
    expect(page.locator("body")).not_to_contain_text("Secret")
    assert_accessible(page)

    page.get_by_role("button", name="Start every child's audit").click()
    expect(page.get_by_test_id("family-audit-status")).to_have_text("In progress")
    assert_accessible(page)
    _answer_everything_shared(page)

    # One graded question differs: choose "Different for each child" by keyboard alone.
    question = (
        page.locator("[data-testid^='question-']")
        .filter(has=page.locator("select option", has_text="Good"))
        .first
    )
    same = question.get_by_label("The same for every child")
    same.focus()
    expect_radio_focus(same)
    page.keyboard.press("ArrowDown")
    different = question.get_by_label("Different for each child")
    expect(different).to_be_checked()
    expect_radio_focus(different)
    maya = question.get_by_label("Answer for Maya Stone (FAM1)", exact=True)
    expect(maya).to_be_visible()
    expect(question.get_by_label("Answer for every child", exact=True)).to_be_hidden()
    page.keyboard.press("Tab")
    expect(maya).to_be_focused()
    maya.select_option(label="Good")
    question.get_by_label("Answer for Leo Stone (FAM2)", exact=True).select_option(
        label="Inadequate"
    )
    assert_accessible(page)
    section = question.locator("xpath=ancestor::form")
    section.get_by_role("button", name=re.compile("^Save")).click()
    # Below good needs evidence: the page says so, links to the field, and keeps the choice.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Leo Stone: Give the evidence for grading this inadequate.")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    evidence = page.locator("textarea:focus")
    expect(evidence).to_have_count(1)
    expect(evidence).to_have_accessible_name(re.compile(r"^Evidence for Leo Stone \(FAM2\)"))
    evidence.fill("No plan for contact with the father.")
    evidence.locator("xpath=ancestor::form").get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("saved")
    question = (
        page.locator("[data-testid^='question-']")
        .filter(has=page.locator("select option", has_text="Good"))
        .first
    )
    expect(question.get_by_label("Different for each child")).to_be_checked()
    expect(question.get_by_label("Answer for Leo Stone (FAM2)", exact=True)).to_have_value(
        "inadequate"
    )

    # A shared finding, and one about Leo only.
    form = page.locator("form[action$='/findings/']")
    expect(form.get_by_label(re.compile("^Every child"))).to_be_checked()
    form.get_by_label("Question it relates to").select_option(index=1)
    form.get_by_role("group", name="Type of finding").get_by_label("Strength").check()
    form.get_by_label("Finding", exact=True).fill(
        "The siblings' relationship is kept at the centre."
    )
    form.get_by_role("button", name="Add the finding").click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text(
        "Finding added to every child's audit."
    )
    form = page.locator("form[action$='/findings/']")
    form.get_by_label("Only Leo Stone (FAM2)").check()
    form.get_by_label("Question it relates to").select_option(index=1)
    finding_type = form.get_by_role("group", name="Type of finding")
    finding_type.get_by_label("Area for development").check()
    form.get_by_label("Finding", exact=True).fill("Leo's wishes about contact were not recorded.")
    form.get_by_role("button", name="Add the finding").click()
    findings = page.get_by_test_id("family-findings")
    expect(findings).to_contain_text("Shared")
    expect(findings.locator("tr", has_text="Leo's wishes")).to_contain_text("Leo Stone")
    assert_accessible(page)

    # Submit both audits together.
    expect(page.get_by_label("Overall grade for Leo Stone (FAM2)")).to_be_visible()
    page.get_by_role("button", name="Submit every child's audit").click()
    expect(page.get_by_test_id("family-audit-status")).to_have_text("Submitted")
    assert_accessible(page)

    # Each child's record shows its findings: the shared one on both, Leo's on his alone.
    page.get_by_role("link", name="Maya Stone", exact=True).click()
    maya_findings = page.get_by_test_id("child-findings")
    expect(maya_findings).to_contain_text("The siblings' relationship is kept at the centre.")
    expect(maya_findings).not_to_contain_text("Leo's wishes")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Leo Stone", exact=True).click()
    leo_findings = page.get_by_test_id("child-findings")
    expect(leo_findings).to_contain_text("The siblings' relationship is kept at the centre.")
    expect(leo_findings).to_contain_text("Leo's wishes about contact were not recorded.")
    assert_accessible(page)

    # The family's page lists the family audit.
    page.goto(f"{live_server.url}/families/STONE/")
    expect(page.get_by_test_id("family-audits")).to_contain_text("Family audit: The Stone children")
    expect(page.locator("body")).not_to_contain_text("Secret")
    assert_accessible(page)


def test_the_lead_allocates_a_group_from_the_queue(stones, live_server, page: Page) -> None:
    sign_in(page, username="fa_lead", check=False)
    page.goto(f"{live_server.url}/audits/")
    page.get_by_label("Group siblings").check()
    page.get_by_role("button", name="Show the queue").click()
    group = page.get_by_test_id("sibling-group")
    expect(group).to_have_count(1)
    expect(group).to_contain_text("Siblings who share a prospective special guardian")
    expect(group).to_contain_text("FAM1")
    expect(group).to_contain_text("FAM3")  # the lead may see the restricted sibling
    assert_accessible(page)
    group.get_by_role("link", name=re.compile("^Allocate as a family audit")).click()
    expect(page.get_by_test_id("group-reason")).to_have_text(
        "These children share a prospective special guardian."
    )
    page.get_by_label("Leo Stone (FAM2)").uncheck()
    page.get_by_label("Auditor").select_option("fa_lead")
    assert_accessible(page)
    page.get_by_role("button", name="Allocate the family audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Family audit: siblings who share a prospective special guardian"
    )
    children = page.get_by_test_id("family-audit-children")
    expect(children).to_contain_text("Maya Stone")
    expect(children).to_contain_text("Secret Stone")
    expect(children).not_to_contain_text("Leo Stone")
    assert_accessible(page)
