"""GOV.UK form patterns in a real browser, by keyboard, with axe: the date input with its
errors, radios, checkboxes, and a person picked from a list by name."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from .govuk_forms import fill_date
from .harness import Council, Pages
from .helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_evidence_form_date_radios_and_checkboxes_by_keyboard(
    pages: Pages, council: Council
) -> None:
    from assure.audits.models import Theme

    Theme.objects.get_or_create(slug="keyboard-use", defaults={"label": "Keyboard use"})
    page = pages.open()
    sign_in(page, username="lena", check=False)
    page.goto("/insights/evidence/add/")
    form = page.get_by_test_id("evidence-add")

    # No browser date picker, no Django "---------", no Ctrl-click list.
    assert form.locator("input[type=date], select[multiple]").count() == 0
    assert "---------" not in form.inner_text()
    date = form.get_by_role("group", name="Date")
    expect(date.get_by_label("Day")).to_have_attribute("inputmode", "numeric")
    expect(date).to_contain_text("For example, 27 3 2026")

    # Nothing entered: the summary links to the first box of the date and the first radio.
    page.get_by_role("button", name="Add evidence").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the date").click()
    expect(date.get_by_label("Day")).to_be_focused()
    link = summary.get_by_role("link", name="Choose strength or area for development")
    expect(link).to_have_attribute("href", "#id_kind_0")

    # An unreal date is named as such, and what was typed is shown again.
    fill_date(form, "Date", dt.date(2026, 4, 30))
    date.get_by_label("Day").fill("31")
    page.get_by_role("button", name="Add evidence").click()
    expect(summary).to_contain_text("Date must be a real date")
    expect(page.get_by_role("group", name="Date").get_by_label("Day")).to_have_value("31")
    assert_accessible(page)

    # By keyboard alone: the day box, the radios (arrow keys) and a checkbox (space).
    form = page.get_by_test_id("evidence-add")
    form.get_by_label("Source").select_option(index=1)
    date = form.get_by_role("group", name="Date")
    date.get_by_label("Day").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    form.get_by_label("Strength", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(form.get_by_label("Area for development")).to_be_checked()
    form.get_by_label("Keyboard use").focus()
    page.keyboard.press("Space")
    expect(form.get_by_label("Keyboard use")).to_be_checked()
    form.get_by_label("Summary").fill("Plans written late in two cases.")
    page.get_by_role("button", name="Add evidence").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Evidence added.")
    assert_accessible(page)


def test_an_action_owner_is_picked_by_name(pages: Pages, council: Council) -> None:
    from assure.insights.models import WorkStream

    WorkStream.objects.get_or_create(name="Workforce", defaults={"position": 1})
    page = pages.open()
    sign_in(page, username="lena", check=False)
    page.goto("/insights/plan/")
    form = page.get_by_test_id("add-action")
    owner = form.get_by_label("Owner")
    names = owner.locator("option").all_inner_texts()
    assert "Priya Shah" in names and "Lena Morris" in names
    assert not {"priya", "lena", "ben"} & {n.lower() for n in names}, names
    assert "---------" not in " ".join(form.locator("option").all_inner_texts())

    form.get_by_label("Work stream").select_option(label="Workforce")
    form.get_by_label("Action", exact=True).fill("Supervision training for managers")
    owner.focus()
    owner.select_option(label="Priya Shah")
    due = form.get_by_role("group", name="Due date")
    for part, value in [("Day", "29"), ("Month", "2"), ("Year", "2026")]:  # not a leap year
        due.get_by_label(part).fill(value)
    form.get_by_role("button", name="Add action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Due date must be a real date")
    assert_accessible(page)

    form = page.get_by_test_id("add-action")
    expect(form.get_by_label("Owner")).to_have_value("priya")  # the choice is kept
    fill_date(form, "Due date", dt.date(2028, 2, 29))  # a leap year
    form.get_by_role("button", name="Add action").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_text("Supervision training for managers")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Priya Shah")
    assert_accessible(page)


def test_a_long_list_of_people_is_an_autocomplete_by_keyboard(
    pages: Pages, council: Council
) -> None:
    """A council's staff is a long list: typing part of a name narrows it, the arrow keys and
    Enter choose, and the form posts the same person as the plain select would."""
    from assure.insights.models import PlanAction, WorkStream
    from assure.people.services import user_create

    WorkStream.objects.get_or_create(name="Workforce", defaults={"position": 1})
    for n in range(20):
        user_create(
            username=f"worker{n}",
            roles=["practitioner"],
            teams=[council.team_a.name],
            first_name="Alex",
            last_name=f"Worker {n:02d}",
        )
    user_create(username="ruth", roles=["director"], first_name="Ruth", last_name="Patterson")
    page = pages.open()
    sign_in(page, username="lena", check=False)
    page.goto("/insights/plan/")
    form = page.get_by_test_id("add-action")
    owner = form.get_by_role("combobox", name="Owner")
    expect(owner).to_be_visible()
    # The select is still in the form, hidden: it is what is posted.
    assert form.locator('select[name$="owner"]').count() == 1

    form.get_by_label("Work stream").select_option(label="Workforce")
    form.get_by_label("Action", exact=True).fill("Review the kinship assessments")
    fill_date(form, "Due date", dt.date(2028, 3, 31))
    owner.focus()
    page.keyboard.type("patt")
    # The autocomplete's own list (the page's other selects have options too).
    options = page.locator(".autocomplete__menu").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Ruth Patterson")
    assert_accessible(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(owner).to_have_value("Ruth Patterson")
    form.get_by_role("button", name="Add action").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_text("Review the kinship assessments")).to_be_visible()
    action = PlanAction.objects.get(description="Review the kinship assessments")
    assert action.owner == "Ruth Patterson"
    assert_accessible(page)
