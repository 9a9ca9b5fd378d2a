"""Families in a real browser, continued: the family's prospective special guardians (a
restricted sibling leaves no trace), an audit finding in the chronology for an auditor, and a
practice review's recommendation reaching the director in insights; axe on every page."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from .helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def family(transactional_db):  # type: ignore[no-untyped-def]
    from assure.audits import services as audit_services
    from assure.audits.models import Question, Theme
    from assure.children.models import SGOAssessment
    from assure.families import services
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, TeamFactory

    # A transactional test empties every table afterwards, the shipped audit tools included.
    importlib.import_module("assure.audits.migrations.0002_default_templates").ship(
        django_apps, None
    )
    north = TeamFactory(name="North")
    lead = user_create(username="car_lead", roles=["assurance_lead"], password=PASSWORD)
    user_create(username="car_auditor", roles=["auditor"], password=PASSWORD)
    user_create(username="car_director", roles=["director"], password=PASSWORD)
    Theme.objects.get_or_create(slug="kinship", defaults={"label": "Kinship assessment"})
    elder = ChildFactory(child_id="CAR1", team=north, first_name="Maya", last_name="Stone")
    younger = ChildFactory(child_id="CAR2", team=north, first_name="Leo", last_name="Stone")
    hidden = ChildFactory(
        child_id="CAR3", team=north, first_name="Secret", last_name="Sibling", restricted=True
    )
    for child in (elder, younger, hidden):
        EpisodeFactory(child=child, start_date=dt.date(2023, 3, 14), legal_status="C1")
        SGOAssessment.objects.create(
            child=child,
            assessment_id=f"SGA-{child.child_id}",
            carer_name="Gran Stone" if child is not hidden else "Hidden Name",
            carer_id="CM-9",
            relationship="relative",
            stage="full",
            start_date=dt.date(2023, 6, 1),
            completed_date=dt.date(2023, 9, 1),
            recommendation="positive",
        )
    fam = services.family_create(
        family_id="STONES", name="The Stones", child=elder, relationship="child", actor=lead
    )
    for child in (younger, hidden):
        services.family_link_child(family=fam, child=child, relationship="sibling", actor=lead)
    audit = audit_services.audit_create(
        child=elder, template_slug="sgo-before-court", mode="paper", auditor=lead, actor=lead
    )
    audit = audit_services.audit_transition(audit=audit, to="in_progress", actor=lead)
    audit_services.finding_add(
        audit=audit,
        question=Question.objects.filter(section__template=audit.template).first(),
        type="strength",
        text="The grandmother was assessed early.",
        actor=lead,
    )


def test_carers_audit_events_and_a_review_reaching_insights(
    family, live_server, page: Page
) -> None:
    sign_in(page, username="car_auditor")
    page.goto(f"{live_server.url}/families/STONES/")
    carers = page.get_by_test_id("family-carers")
    expect(carers.get_by_test_id("carer")).to_have_count(1)
    expect(carers).to_contain_text("Gran Stone")
    expect(carers).to_contain_text("carer ID CM-9")
    expect(carers).to_contain_text("Assessed for 2 children")
    expect(carers).to_contain_text("Leo Stone")
    expect(page.locator("body")).not_to_contain_text("CAR3")
    expect(page.locator("body")).not_to_contain_text("Hidden Name")
    finding = page.get_by_test_id("chronology").locator('[data-kind="finding"]')
    expect(finding).to_contain_text("The grandmother was assessed early.")
    assert_accessible(page)

    # A practice review with a themed recommendation, concluded.
    page.get_by_role("link", name="Start a practice review").click()
    page.get_by_label("Title").fill("Review of the Stones")
    page.get_by_label("car_auditor", exact=False).first.check()
    page.get_by_role("button", name="Start the review").click()
    page.get_by_label("Recommendation", exact=True).fill(
        "Start kinship assessments at the first hearing."
    )
    page.get_by_label("Kinship assessment").check()
    assert_accessible(page)
    page.get_by_role("button", name="Add the recommendation").click()
    # Change it: naming a child is refused, with the error shown accessibly; then saved.
    page.get_by_role("link", name="Change recommendation 1").click()
    page.get_by_label("Recommendation", exact=True).fill("Maya Stone waited too long.")
    page.get_by_role("button", name="Save the recommendation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("without naming children")
    assert_accessible(page)
    page.get_by_label("Recommendation", exact=True).fill(
        "Start kinship assessments at the first hearing."
    )
    page.get_by_role("button", name="Save the recommendation").click()
    page.get_by_label("Conclusions").fill("Kinship options were found late.")
    page.get_by_role("button", name="Save the conclusions").click()
    page.get_by_test_id("conclude").click()
    expect(page.get_by_test_id("in-evidence")).to_be_visible()
    assert_accessible(page)

    # The director finds it in the evidence and on the recommendations page.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, username="car_director", check=False)
    page.goto(f"{live_server.url}/insights/evidence/?source=practice_review")
    expect(page.locator("body")).to_contain_text("Kinship options were found late.")
    assert_accessible(page)
    page.goto(f"{live_server.url}/insights/recommendations/")
    page.get_by_role("link", name="Start kinship assessments at the first hearing.").click()
    expect(page.get_by_test_id("linked-evidence")).to_contain_text("Practice review")
    assert_accessible(page)
    # The director may see audits: the finding is in the family chronology too.
    page.goto(f"{live_server.url}/families/STONES/")
    expect(page.get_by_test_id("chronology")).to_contain_text("assessed early")
