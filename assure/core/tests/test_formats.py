"""The house way of writing a moment: GOV.UK style, in the council's time zone."""

import datetime as dt

import pytest

from assure.core.formats import day_words, moment_words, time_words


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [
        (5, 10, "5:10am"),
        (17, 0, "5pm"),
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (0, 5, "12:05am"),
        (12, 30, "12:30pm"),
        (23, 59, "11:59pm"),
    ],
)
def test_times_in_gov_uk_style(hour, minute, words):
    assert time_words(dt.time(hour, minute)) == words


def test_a_moment_is_written_in_the_councils_time():
    # 10:00 UTC in June is 11am in London.
    assert moment_words(dt.datetime(2025, 6, 16, 10, tzinfo=dt.UTC)) == "16 June 2025 at 11am"
    assert moment_words(dt.datetime(2026, 12, 7, 5, 10, tzinfo=dt.UTC)) == (
        "7 December 2026 at 5:10am"
    )
    assert moment_words(None) == ""


def test_a_day_is_written_in_words():
    assert day_words(dt.date(2026, 12, 1)) == "1 December 2026"
    assert day_words(None) == ""
