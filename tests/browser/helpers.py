"""What the browser journeys share: signing in, and the accessibility and focus checks."""

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

AXE_JS = (
    Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
PASSWORD = "a-long-browser-test-password-1"
# GOV.UK's focus state: a yellow (#ffdd00) background or outline, with a black bar below.
FOCUS_YELLOW = "rgb(255, 221, 0)"

_axe_source: str | None = None


def _axe() -> str:
    global _axe_source
    if _axe_source is None:
        if not AXE_JS.exists():
            raise AssertionError(f"{AXE_JS} is missing: run `make frontend` (npm ci)")
        _axe_source = AXE_JS.read_text(encoding="utf-8")
    return _axe_source


def assert_accessible(page: Page, *, read_stylesheets: bool = True) -> None:
    """Run axe-core (WCAG 2.2 A and AA rules) on the page as it is, and fail listing every
    serious or critical violation. axe is evaluated through the DevTools protocol, which
    the page's CSP does not govern, so the CSP stays on for everything the page itself
    loads.

    `read_stylesheets=False` is for a page with a stylesheet that @imports another (Django's
    admin forms): axe re-reads such a sheet by adding a <style> element, which the CSP
    blocks, and the console error would be axe's, not the page's. Without its preloading axe
    leaves only two rules unanswered: the orientation lock (stylesheets) and autoplaying
    audio (media)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe())
    result = page.evaluate(
        "([tags, preload]) => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload})",
        [AXE_TAGS, read_stylesheets],
    )
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
        for v in blocking
    )
    assert not blocking, f"axe-core found problems on {page.url}:\n{report}"


def sign_in(page: Page, *, username: str, password: str = PASSWORD, check: bool = True) -> None:
    """Sign in through the real sign-in form, as a person would."""
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Assure")
    if check:
        assert_accessible(page)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Assure")


def focus_style(locator: Locator) -> dict[str, str]:
    return locator.evaluate(
        """el => {
            const s = getComputedStyle(el);
            return {outlineColor: s.outlineColor, outlineStyle: s.outlineStyle,
                    outlineWidth: s.outlineWidth, backgroundColor: s.backgroundColor,
                    boxShadow: s.boxShadow};
        }"""
    )


def expect_gov_uk_focus(locator: Locator) -> None:
    """The element has focus and shows GOV.UK's focus state: yellow, as a background or
    as a visible outline, or the black-and-yellow box shadow."""
    expect(locator).to_be_focused()
    style = focus_style(locator)
    yellow_outline = style["outlineStyle"] != "none" and style["outlineColor"] == FOCUS_YELLOW
    yellow_fill = style["backgroundColor"] == FOCUS_YELLOW
    yellow_shadow = FOCUS_YELLOW in style["boxShadow"]
    assert yellow_outline or yellow_fill or yellow_shadow, f"No visible focus style: {style}"


def focused(page: Page) -> Locator:
    return page.locator("*:focus")
