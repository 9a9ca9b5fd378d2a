"""Every page of the product, opened in Chromium by someone who may see it, answers as it
should and passes axe (WCAG 2.2 A and AA, no serious or critical violation), with a clean
console.

The pages come from the URL resolver (tests/demo_site.py): a named pattern that is neither
walked here, nor a download, nor a form's POST target, fails
`test_every_url_pattern_is_walked`, so a new page cannot go without its accessibility check.
Path arguments are the seeded demo council's own records.

One browser, one sign-in per person (a context each), one seeding: the pages are walked in
one test, and every failing page is reported together."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests import demo_site

from .harness import Pages
from .helpers import PASSWORD, assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_every_url_pattern_is_walked() -> None:
    missing = [f"{p.name}  ({p.route})" for p in demo_site.uncovered()]
    assert not missing, (
        "New URL patterns with no accessibility check: add each to PAGES (a page), DOWNLOADS "
        "or POST_ONLY in tests/demo_site.py:\n" + "\n".join(missing)
    )


def _password_sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


class People:
    """A signed-in browser context per person, opened when first needed."""

    def __init__(self, pages: Pages) -> None:
        self._pages = pages
        self._signed_in: dict[str, Page] = {}
        self.checked: set[str] = set()

    def as_user(self, username: str) -> Page:
        if username not in self._signed_in:
            page = self._pages.open()
            if username == "admin":
                self._admin(page)
            else:
                sign_in(page, username=username, check=False)
            self._signed_in[username] = page
        return self._signed_in[username]

    def _admin(self, page: Page) -> None:
        """The administrator sets up an authenticator app at first sign-in: that page is
        checked on the way, then confirmed with a code the app would show."""
        _password_sign_in(page, "admin")
        expect(page).to_have_url(re.compile(r"/account/authenticator/"))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
        self.checked.add("people:two_factor_setup")
        device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
        page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
        page.get_by_role("button", name=re.compile("Continue|Confirm|Set up", re.I)).click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    def anonymous(self) -> Page:
        return self._pages.open()

    def code_page(self) -> Page:
        """Signing in again as the administrator, who has an app now: the code is asked for."""
        self.as_user("admin")
        page = self._pages.open()
        _password_sign_in(page, "admin")
        expect(page).to_have_url(re.compile(r"/sign-in/code/"))
        return page


def _open(people: People, name: str, spec: demo_site.Page) -> tuple[Page, str]:
    if spec.session == "anonymous":
        page = people.anonymous()
    elif name == "people:two_factor":
        page = people.code_page()
        return page, page.url
    elif name == "people:two_factor_setup":
        people.as_user("admin")
        return people.as_user("admin"), ""
    else:
        page = people.as_user(spec.username)
    return page, demo_site.path_of(name, spec)


def test_every_page_answers_and_passes_axe(pages: Pages, transactional_db) -> None:  # type: ignore[no-untyped-def]
    demo_site.seed_demo_council()
    people = People(pages)
    failures = []
    walked = 0
    for name, spec in demo_site.PAGES.items():
        if not demo_site.registered(name):
            continue  # a page of a part of the product that is not here yet
        path = ""
        try:
            page, path = _open(people, name, spec)
            if name in people.checked:
                walked += 1
                continue
            if path and not page.url.endswith(path):
                # Generous: the exits page works out every chart on two busy cores.
                response = page.goto(path, timeout=30_000)
                assert response is not None, "no response"
                assert response.status == spec.status, f"answered {response.status}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page)
            walked += 1
        except Exception as exc:  # an assertion or a wait that timed out: report them all
            failures.append(f"{name} {path}: {exc}")
    assert not failures, f"{len(failures)} pages failed:\n" + "\n\n".join(failures)
    assert walked >= 70
