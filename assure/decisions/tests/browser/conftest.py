"""The shared browser harness (tests/browser/harness.py) is loaded for the whole project by
the root conftest.py: the `browser`, `page` and `pages` fixtures come from there."""

import pytest


@pytest.fixture(autouse=True)
def frozen_clock():  # type: ignore[no-untyped-def]
    """Today as it is: the live server's thread reads the real clock, so the journey's own
    dates (clock.today()) must too, not the unit tests' frozen day."""
    yield
