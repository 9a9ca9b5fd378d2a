"""The pages work by keyboard alone: the skip link comes first and works, every control
reached with Tab shows GOV.UK's focus state, and the tabs move with the arrow keys."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from .harness import Council
from .helpers import PASSWORD, assert_accessible, expect_gov_uk_focus, focused

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

MAX_TABS = 40


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the target has focus, checking the focus is visible
    on every control passed on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        expect_gov_uk_focus(focused(page))
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {MAX_TABS} presses of Tab")


def expect_skip_link_first(page: Page, *, follow: bool = True) -> None:
    """The first Tab on a freshly loaded page lands on the skip link, which shows itself;
    Enter on it moves focus to the main content."""
    page.wait_for_load_state("load")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect_gov_uk_focus(skip)
    expect(skip).to_be_visible()
    if follow:
        page.keyboard.press("Enter")
        expect(page.locator("main#main-content")).to_be_focused()


def test_sign_in_open_a_child_and_change_tabs_by_keyboard(page: Page, council: Council) -> None:
    page.goto("/sign-in/")
    # Not followed here: the #main-content it adds to the address would carry through the
    # sign-in redirect and start the next page's Tab order inside its main content.
    expect_skip_link_first(page, follow=False)
    tab_to(page, page.get_by_label("User name"))
    page.keyboard.type("priya")
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # The skip link works; then back up into the navigation, to the children list.
    expect_skip_link_first(page)
    nav = page.get_by_role("navigation", name="Menu")
    tab_to(page, nav.get_by_role("link", name="Children"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children")

    # Filter by keyboard: choose an option in a select, then submit with Enter.
    legal_status = page.get_by_label("Legal status", exact=True)
    tab_to(page, legal_status)
    page.keyboard.press("ArrowDown")  # All -> C1
    page.keyboard.press("ArrowDown")  # C1 -> C2
    expect(legal_status).to_have_value("C2")
    tab_to(page, page.get_by_test_id("apply-filters"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"legal_status=C2"))
    expect(page.get_by_test_id("children-table").locator("caption")).to_have_text("1 child")

    tab_to(page, page.get_by_role("link", name="NA1001"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Hart")
    expect_skip_link_first(page)

    # GOV.UK tabs: one tab in the Tab order, the arrow keys move between them.
    timeline_tab = page.get_by_role("tab", name="Timeline")
    episodes_tab = page.get_by_role("tab", name="Episodes of care")
    court_tab = page.get_by_role("tab", name="Proceedings")
    expect(page.get_by_role("tablist")).to_be_visible()
    tab_to(page, timeline_tab)
    page.keyboard.press("ArrowRight")
    expect(episodes_tab).to_be_focused()
    expect(episodes_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#episodes")).to_be_visible()
    expect(page.locator("#timeline")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(court_tab).to_be_focused()
    expect(page.locator("#court")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect_gov_uk_focus(episodes_tab)
    expect(page.locator("#episodes")).to_be_visible()
    # Tab leaves the tab list for the open panel's content.
    page.keyboard.press("Tab")
    expect(timeline_tab).not_to_be_focused()
    expect(court_tab).not_to_be_focused()
    assert_accessible(page)

    # Back up to the navigation and sign out by keyboard.
    tab_to(page, page.get_by_role("button", name="Sign out"), backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Assure")
