"""The pages carry a Content Security Policy, their scripts run under it (GOV.UK and MOJ
Frontend initialise), and the browser console stays clean."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .harness import Council, Pages
from .helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = ["/", "/children/", "/children/NA1001/", "/account/", "/privacy/", "/accessibility/"]


def expect_csp(response) -> None:  # type: ignore[no-untyped-def]
    assert response is not None
    policy = response.headers.get("content-security-policy", "")
    assert re.search(r"script-src 'self' 'nonce-[^']+'", policy), policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_have_a_csp_and_a_clean_console_and_govuk_scripts_run(
    pages: Pages, council: Council
) -> None:
    page = pages.open()
    expect_csp(page.goto("/sign-in/"))
    sign_in(page, username="priya", check=False)
    for path in PAGES:
        expect_csp(page.goto(path))
        # The inline module script (with the nonce) imported GOV.UK Frontend and ran initAll.
        expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
        expect(page.locator("[data-module='govuk-skip-link']")).to_have_attribute(
            "data-govuk-skip-link-init", ""
        )
    page.goto("/children/NA1001/")
    expect(page.get_by_role("tablist")).to_be_visible()
    expect(page.locator(".govuk-tabs")).to_have_attribute("data-govuk-tabs-init", "")
    expect(page.get_by_role("tab", name="Timeline")).to_have_attribute("aria-selected", "true")
    assert pages.errors() == []


def test_not_found_page_is_styled_and_accessible(page: Page, council: Council) -> None:
    sign_in(page, username="priya", check=False)
    response = page.goto("/children/NO-SUCH-CHILD/")
    assert response is not None and response.status == 404
    expect_csp(response)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert_accessible(page)


def test_the_console_watch_catches_a_script_the_csp_blocks(browser: Browser, live_server) -> None:  # type: ignore[no-untyped-def]
    """The harness itself: an inline script without the nonce is refused by the browser,
    and the refusal reaches the console that every test watches."""
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto("/sign-in/")
        with pytest.raises(Exception, match="Content Security Policy|Refused"):
            page.add_script_tag(content="window.injected = true")
        assert page.evaluate("() => window.injected === undefined")
        assert any("Content Security Policy" in e for e in errors), errors
    finally:
        context.close()


def test_the_axe_check_fails_on_a_serious_violation(page: Page, council: Council) -> None:
    """The harness itself: axe runs under the page's CSP and reports what it finds."""
    page.goto("/sign-in/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')"
    )
    with pytest.raises(AssertionError, match=r"label \(critical\): Form elements must have labels"):
        assert_accessible(page)
