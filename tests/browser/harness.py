"""Browser test harness, loaded once as a plugin by the root conftest.py so that every
browser test in the project (tests/browser and each app's tests/browser) shares one
Playwright and one Chromium: two sync Playwright instances cannot run in one process.

One Debian Chromium per test session, a fresh context per test,
pages served by pytest-django's live server (which also serves static files).

Playwright's sync API runs an event loop in this thread, which makes Django think it is in
async code; the ORM calls the tests make (building data) are plain synchronous calls, so the
guard is switched off. It has to be for the whole test process: the session's browser keeps
its loop running in the main thread, and with xdist other tests may run on the same worker
after the browser tests.
"""

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from .helpers import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_configure(config: pytest.Config) -> None:
    # Registered here too so `--strict-markers` accepts it when xdist is not loaded
    # (`-p no:xdist`); with xdist, `--dist loadgroup` keeps the group on one worker.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on one xdist worker")


DIST = Path(__file__).resolve().parents[2] / "assure" / "static" / "dist" / "assure.css"
# Generous for two busy cores in CI; waits end as soon as the page shows what is expected.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    if not DIST.exists():
        pytest.fail(f"{DIST} is missing: run `make frontend` to build the CSS and JavaScript")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen on a page. A document
    that answered 4xx on purpose (the 404 page) logs "Failed to load resource" for itself;
    that one line is expected, any other failed load is not."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self._error_documents: set[str] = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:  # type: ignore[no-untyped-def]
        if response.request.is_navigation_request() and response.status >= 400:
            self._error_documents.add(response.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in self._error_documents:
            return
        self.errors.append(f"{message.text} ({url})")


class Pages:
    """Opens pages, each in its own browser context (its own cookies: one person each), and
    remembers the problems each page met."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self._browser = browser
        self._base_url = base_url
        self._contexts: list[BrowserContext] = []
        self.problems: list[PageProblems] = []

    def open(self) -> Page:
        context = self._browser.new_context(
            base_url=self._base_url, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        context.set_default_timeout(TIMEOUT_MS)
        self._contexts.append(context)
        page = context.new_page()
        self.problems.append(PageProblems(page))
        return page

    def errors(self) -> list[str]:
        return [error for problems in self.problems for error in problems.errors]

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser, live_server) -> Iterator[Pages]:  # type: ignore[no-untyped-def]
    """Any page a test opens must keep a clean console: an error (a script blocked by the
    CSP, a missing asset, an exception) fails the test."""
    opened = Pages(browser, live_server.url)
    yield opened
    errors = opened.errors()
    opened.close()
    assert not errors, "Errors in the browser console:\n" + "\n".join(errors)


@pytest.fixture
def page(pages: Pages) -> Page:
    return pages.open()


@dataclass(frozen=True)
class Council:
    """A small council: two teams, a practitioner in each, and an assurance lead."""

    team_a: Any
    team_b: Any
    amelia: Any  # team A, in care: started 14 Mar 2023 (C2), moved 1 Feb 2024 (U1)
    oliver: Any  # team A, left care by SGO on 30 Jun 2024 (was E1)
    isla: Any  # team A, in care under an interim care order (C1)
    zara: Any  # team B
    practitioner_a: Any
    practitioner_b: Any
    lead: Any


@pytest.fixture
def council(transactional_db) -> Council:  # type: ignore[no-untyped-def]
    # Imported here: this conftest loads before Django's app registry is ready.
    from assure.people.services import user_create
    from tests.factories import ChildFactory, EpisodeFactory, StaffMemberFactory, TeamFactory

    team_a = TeamFactory(name="North Children in Care")
    team_b = TeamFactory(name="South Children in Care")
    worker = StaffMemberFactory(name="Sam Okafor")
    amelia = ChildFactory(
        child_id="NA1001",
        first_name="Amelia",
        last_name="Hart",
        team=team_a,
        worker=worker,
        date_of_birth=dt.date(2014, 6, 2),
    )
    EpisodeFactory(
        child=amelia,
        start_date=dt.date(2023, 3, 14),
        end_date=dt.date(2024, 2, 1),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U6",
        reason_ceased="X1",
    )
    EpisodeFactory(
        child=amelia,
        start_date=dt.date(2024, 2, 1),
        reason_new_episode="P",
        legal_status="C2",
        placement_type="U1",
        reason_place_change="CARPL",
    )
    oliver = ChildFactory(
        child_id="NA1002",
        first_name="Oliver",
        last_name="Ward",
        team=team_a,
        date_of_birth=dt.date(2019, 11, 20),
    )
    EpisodeFactory(
        child=oliver,
        start_date=dt.date(2022, 9, 5),
        end_date=dt.date(2024, 6, 30),
        reason_new_episode="S",
        legal_status="E1",
        placement_type="U3",
        reason_ceased="E45",
    )
    isla = ChildFactory(
        child_id="NA1003",
        first_name="Isla",
        last_name="Brook",
        team=team_a,
        date_of_birth=dt.date(2021, 1, 9),
    )
    EpisodeFactory(
        child=isla,
        start_date=dt.date(2024, 8, 19),
        reason_new_episode="S",
        legal_status="C1",
        placement_type="U6",
    )
    zara = ChildFactory(
        child_id="SB2001",
        first_name="Zara",
        last_name="Quinn",
        team=team_b,
        date_of_birth=dt.date(2016, 4, 12),
    )
    EpisodeFactory(child=zara, start_date=dt.date(2023, 5, 1), legal_status="C2")
    return Council(
        team_a=team_a,
        team_b=team_b,
        amelia=amelia,
        oliver=oliver,
        isla=isla,
        zara=zara,
        practitioner_a=user_create(
            username="priya",
            roles=["practitioner"],
            teams=[team_a.name],
            password=PASSWORD,
            first_name="Priya",
            last_name="Shah",
        ),
        practitioner_b=user_create(
            username="ben",
            roles=["practitioner"],
            teams=[team_b.name],
            password=PASSWORD,
            first_name="Ben",
            last_name="Cole",
        ),
        lead=user_create(
            username="lena",
            roles=["assurance_lead"],
            password=PASSWORD,
            first_name="Lena",
            last_name="Morris",
        ),
    )
