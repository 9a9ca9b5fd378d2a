"""The shared browser harness (tests/browser/conftest.py): Chromium, pages with a clean
console, and the xdist_group marker."""

from tests.browser.conftest import browser, page, pages, pytest_configure  # noqa: F401
