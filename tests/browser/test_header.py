"""The header in a real browser: the role with the most links keeps them on one line at
1,280 px, and every link is there for keyboard and screen reader users."""

import pytest
from playwright.sync_api import Page, expect

from assure.core import clock
from assure.inbox.models import Notification

from .harness import Council
from .helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# The assurance lead has the most links in the header (docs/roles.md); with two-digit unread
# notifications the notifications link is as wide as it gets.
LINKS = [
    "Home",
    "Children",
    "Tracker",
    "Families",
    "Sign-off",
    "Panels",
    "Audits",
    "Insights",
    "Access report",
    "Data protection",
    "Your account",
]


def test_the_leads_header_fits_on_one_line_at_1280_px(page: Page, council: Council) -> None:
    for n in range(12):
        Notification.objects.create(
            user=council.lead,
            kind="test",
            title=f"Note {n}",
            key=f"test:{n}",
            created_at=clock.now(),
        )
    page.set_viewport_size({"width": 1280, "height": 720})
    sign_in(page, username="lena", check=False)
    menu = page.get_by_role("navigation", name="Menu")
    for name in LINKS:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Notifications 12 unread")).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()
    tops = menu.locator("li").evaluate_all(
        "items => items.map(li => Math.round(li.getBoundingClientRect().top))"
    )
    assert len(tops) == len(LINKS) + 2 and len(set(tops)) == 1, tops
    assert_accessible(page)
