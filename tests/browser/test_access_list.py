"""The assurance lead restricts a child's record and keeps its access list, in a real
browser; the practitioner's view follows; axe on every page."""

import pytest
from playwright.sync_api import expect

from .harness import Council, Pages
from .helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_lead_restricts_a_record_and_names_who_may_see_it(pages: Pages, council: Council) -> None:
    lead, practitioner = pages.open(), pages.open()
    sign_in(lead, username="lena")
    sign_in(practitioner, username="priya")

    lead.goto("/children/NA1001/")
    lead.get_by_role("tab", name="History").click()
    lead.get_by_role("link", name="Manage who can see this record").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Who can see this record")
    assert_accessible(lead)

    # A reason is required; the error summary links to the field.
    lead.get_by_role("button", name="Restrict this record").click()
    expect(lead.locator(".govuk-error-summary")).to_contain_text("Enter a reason")
    assert_accessible(lead)
    lead.get_by_label("Reason", exact=True).fill("A relative works in the team")
    lead.get_by_role("button", name="Restrict this record").click()
    expect(lead.locator(".govuk-notification-banner")).to_contain_text("The record is restricted.")
    assert_accessible(lead)

    response = practitioner.goto("/children/NA1001/")
    assert response is not None and response.status == 404

    lead.get_by_label("Person to add").select_option(label="Priya Shah")  # by name
    lead.get_by_label("Reason they need access").fill("Allocated social worker")
    lead.get_by_role("button", name="Add to the access list").click()
    expect(lead.get_by_role("table")).to_contain_text("Allocated social worker")
    assert_accessible(lead)

    response = practitioner.goto("/children/NA1001/")
    assert response is not None and response.status == 200
    expect(practitioner.get_by_role("heading", level=1)).to_contain_text("Restricted")

    lead.goto("/children/NA1001/")
    lead.get_by_role("tab", name="History").click()
    expect(lead.get_by_test_id("history")).to_contain_text(
        "priya added to the access list: Allocated social worker"
    )
