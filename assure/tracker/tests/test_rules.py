"""The tracker's rules without a database: dates, periods of care, membership and every flag
at both sides of its threshold."""

import datetime as dt
from dataclasses import dataclass

import pytest

from assure.tracker import rules
from assure.tracker.rules import Facts, Thresholds

D = dt.date
T = Thresholds()


@dataclass
class Ep:
    start_date: dt.date
    end_date: dt.date | None = None
    reason_ceased: str = ""
    legal_status: str = "C2"


def codes_of(facts: Facts, thresholds: Thresholds = T) -> dict[str, str]:
    return {f.code: f.level for f in rules.evaluate(facts, thresholds)}


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 11, 15), 4, D(2026, 3, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_one_year_before_a_leap_day_is_28_february():
    assert rules.one_year_before(D(2028, 2, 29)) == D(2027, 2, 28)
    assert rules.one_year_before(D(2026, 6, 10)) == D(2025, 6, 10)


def test_working_days_skip_weekends():
    # Friday 2 Jan 2026 + 20 working days: four whole weeks later, Friday 30 Jan.
    assert rules.add_working_days(D(2026, 1, 2), 20) == D(2026, 1, 30)
    # Saturday 3 Jan: the first working day after is Monday 5 Jan, the 20th Friday 30 Jan.
    assert rules.add_working_days(D(2026, 1, 3), 20) == D(2026, 1, 30)
    assert rules.add_working_days(D(2026, 1, 2), 1) == D(2026, 1, 5)


def test_age_and_week_numbers():
    assert rules.age_on(D(2016, 5, 10), D(2026, 5, 9)) == 9
    assert rules.age_on(D(2016, 5, 10), D(2026, 5, 10)) == 10
    assert rules.age_on(None, D(2026, 5, 10)) is None
    assert rules.proceedings_week(D(2026, 1, 1), D(2026, 1, 7)) == 1
    assert rules.proceedings_week(D(2026, 1, 1), D(2026, 1, 8)) == 2


# Periods and membership --------------------------------------------------------------------


def test_periods_join_only_x1_followed_on_the_same_day():
    eps = [
        Ep(D(2024, 1, 1), D(2024, 3, 1), "X1"),
        Ep(D(2024, 3, 1), D(2024, 6, 1), "E4A"),
        Ep(D(2025, 1, 1), D(2025, 2, 1), "X1"),
        Ep(D(2025, 2, 2)),  # a day's gap: a new period
    ]
    periods = rules.periods_of_care(eps)
    assert [[e.start_date for e in p] for p in periods] == [
        [D(2024, 1, 1), D(2024, 3, 1)],
        [D(2025, 1, 1)],
        [D(2025, 2, 2)],
    ]


def test_membership_on_the_day_of_entry_and_the_day_before():
    eps = [Ep(D(2026, 3, 10))]
    assert rules.standing_on(eps, D(2026, 3, 9)) is None
    standing = rules.standing_on(eps, D(2026, 3, 10))
    assert standing.looked_after and standing.period_start == D(2026, 3, 10)


def test_membership_on_the_day_of_leaving_and_a_year_after():
    eps = [Ep(D(2025, 1, 1), D(2025, 3, 1), "X1"), Ep(D(2025, 3, 1), D(2025, 6, 10), "E45")]
    before = rules.standing_on(eps, D(2025, 6, 9))
    assert before.looked_after and before.period_start == D(2025, 1, 1)
    on_day = rules.standing_on(eps, D(2025, 6, 10))
    assert not on_day.looked_after
    assert (on_day.ceased_date, on_day.reason_ceased) == (D(2025, 6, 10), "E45")
    assert on_day.period_start == D(2025, 1, 1)
    # A year later to the day: "after the same date one year before" is no longer true.
    assert rules.standing_on(eps, D(2026, 6, 9)) is not None
    assert rules.standing_on(eps, D(2026, 6, 10)) is None


def test_membership_a_year_after_leaving_on_a_leap_day():
    # One year before 29 Feb 2028 is 28 Feb 2027: leaving on it is not "after" it.
    left_28_feb = [Ep(D(2027, 1, 1), D(2027, 2, 28), "E4A")]
    assert rules.standing_on(left_28_feb, D(2028, 2, 27)) is not None
    assert rules.standing_on(left_28_feb, D(2028, 2, 29)) is None
    left_1_mar = [Ep(D(2027, 1, 1), D(2027, 3, 1), "E4A")]
    assert rules.standing_on(left_1_mar, D(2028, 2, 29)) is not None
    assert rules.standing_on(left_1_mar, D(2028, 3, 1)) is None
    # Leaving on a leap day: a year later (28 Feb) the child is no longer on it.
    left_on_leap_day = [Ep(D(2028, 1, 1), D(2028, 2, 29), "E4A")]
    assert rules.standing_on(left_on_leap_day, D(2029, 2, 27)) is not None
    assert rules.standing_on(left_on_leap_day, D(2029, 2, 28)) is not None
    assert rules.standing_on(left_on_leap_day, D(2029, 3, 1)) is None


def test_an_x1_ending_without_a_next_episode_is_not_leaving_care():
    assert rules.standing_on([Ep(D(2026, 1, 1), D(2026, 2, 1), "X1")], D(2026, 3, 1)) is None


def test_episodes_after_the_date_are_not_yet_known():
    eps = [Ep(D(2025, 1, 1), D(2025, 6, 1), "E4A"), Ep(D(2025, 9, 1))]
    standing = rules.standing_on(eps, D(2025, 8, 1))
    assert not standing.looked_after and standing.ceased_date == D(2025, 6, 1)
    assert rules.standing_on(eps, D(2025, 9, 1)).period_start == D(2025, 9, 1)


# Flags -------------------------------------------------------------------------------------


def facts(**kwargs) -> Facts:
    base = {
        "on": D(2026, 6, 1),
        "looked_after": True,
        "period_start": D(2026, 5, 1),
        "plan": "sgo",
        "reviews": [D(2026, 5, 20)],
        "last_update": D(2026, 6, 1),
    }
    return Facts(**(base | kwargs))


@pytest.mark.parametrize(
    ("days", "expected"),
    [(139, None), (140, "amber"), (182, "amber"), (183, "red")],
)
def test_proceedings_thresholds(days, expected):
    issued = D(2026, 1, 3)
    found = codes_of(
        facts(
            on=issued + dt.timedelta(days=days),
            proceedings_issued=issued,
            period_start=issued,
            reviews=[issued + dt.timedelta(days=days - 1)],
            last_update=issued + dt.timedelta(days=days),
        )
    )
    plo = {c: lvl for c, lvl in found.items() if c.startswith("plo")}
    assert plo == (
        {}
        if expected is None
        else {"plo_week_20" if expected == "amber" else "plo_overdue": expected}
    )


def test_proceedings_message_names_the_week_and_the_dates():
    flag = rules.plo_flags(facts(on=D(2026, 7, 5), proceedings_issued=D(2026, 1, 3)), T)[0]
    assert flag.message == (
        "Proceedings are in week 27: past the 26-week limit (issued 3 Jan 2026, limit 4 Jul 2026)."
    )
    amber = rules.plo_flags(facts(on=D(2026, 6, 1), proceedings_issued=D(2026, 1, 3)), T)[0]
    assert amber.message == (
        "Proceedings are in week 22: 33 days to the 26-week limit on 4 Jul 2026 "
        "(issued 3 Jan 2026)."
    )


def test_proceedings_thresholds_come_from_the_rule_set():
    issued = D(2026, 1, 1)
    stricter = Thresholds(plo_overdue_days=150, plo_warning_days=100)
    flags = rules.plo_flags(
        facts(on=issued + dt.timedelta(days=151), proceedings_issued=issued), stricter
    )
    assert [f.code for f in flags] == ["plo_overdue"]
    assert "21-week limit" in flags[0].message


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 3, 15), None),  # exactly 4 months: not more than 4
        (D(2026, 3, 16), "amber"),
        (D(2026, 5, 15), "amber"),  # exactly 6 months
        (D(2026, 5, 16), "red"),
    ],
)
def test_no_permanence_plan_thresholds(on, expected):
    f = facts(on=on, period_start=D(2025, 11, 15), plan=None)
    assert codes_of(f).get("no_permanence_plan") == expected
    assert "no_permanence_plan" not in codes_of(facts(on=on, period_start=D(2025, 11, 15)))


def test_no_permanence_plan_is_not_raised_for_a_child_who_left():
    f = facts(on=D(2026, 5, 16), period_start=D(2025, 11, 15), plan=None, looked_after=False)
    assert "no_permanence_plan" not in codes_of(f)


def test_no_permanence_plan_message():
    flag = rules.permanence_plan_flags(
        facts(on=D(2026, 5, 16), period_start=D(2025, 11, 15), plan=None), T
    )[0]
    assert flag.message == (
        "In care for 182 days (since 15 Nov 2025), more than 6 months, with no permanence "
        "plan agreed."
    )


def test_first_review_due_20_working_days_after_entry():
    start = D(2026, 1, 2)  # due Friday 30 Jan
    assert "review_overdue" not in codes_of(
        facts(on=D(2026, 1, 30), period_start=start, reviews=[])
    )
    found = rules.review_flags(facts(on=D(2026, 1, 31), period_start=start, reviews=[]), T)
    assert [f.level for f in found] == ["red"]
    assert found[0].message == (
        "The looked-after review was due on 30 Jan 2026 (the first review, 20 working days "
        "after entry): 1 day overdue."
    )


def test_second_review_due_3_months_after_the_first_then_every_6():
    start = D(2026, 1, 2)
    one = [D(2026, 1, 20)]
    assert "review_overdue" not in codes_of(
        facts(on=D(2026, 4, 20), period_start=start, reviews=one)
    )
    assert (
        codes_of(facts(on=D(2026, 4, 21), period_start=start, reviews=one))["review_overdue"]
        == "red"
    )
    two = [D(2026, 1, 20), D(2026, 4, 10)]
    assert "review_overdue" not in codes_of(
        facts(on=D(2026, 10, 10), period_start=start, reviews=two)
    )
    assert "review_overdue" in codes_of(facts(on=D(2026, 10, 11), period_start=start, reviews=two))


def test_sgo_assessment_late_within_12_weeks_of_the_final_hearing():
    on = D(2026, 6, 1)
    inside = facts(on=on, final_hearing=on + dt.timedelta(weeks=12))
    outside = facts(on=on, final_hearing=on + dt.timedelta(weeks=12, days=1))
    assert codes_of(inside)["sgo_assessment_late"] == "red"
    assert "sgo_assessment_late" not in codes_of(outside)
    started = facts(
        on=on,
        final_hearing=on + dt.timedelta(weeks=2),
        full_assessment_started=True,
        support_plan_agreed=True,
    )
    assert not {"sgo_assessment_late", "sgo_no_support_plan"} & set(codes_of(started))
    other_plan = facts(on=on, plan="adoption", final_hearing=on + dt.timedelta(weeks=2))
    assert not {"sgo_assessment_late", "sgo_no_support_plan"} & set(codes_of(other_plan))
    message = rules.sgo_flags(inside, T)[0].message
    assert message == (
        "The final hearing on 24 Aug 2026 is in 12 weeks (within 12 weeks) and no full SGO "
        "assessment has started."
    )


def test_sgo_no_support_plan_within_4_weeks_of_the_final_hearing():
    on = D(2026, 6, 1)
    base = {"on": on, "full_assessment_started": True}
    assert (
        codes_of(facts(final_hearing=on + dt.timedelta(days=28), **base))["sgo_no_support_plan"]
        == "amber"
    )
    assert "sgo_no_support_plan" not in codes_of(
        facts(final_hearing=on + dt.timedelta(days=29), **base)
    )
    assert "sgo_no_support_plan" not in codes_of(
        facts(final_hearing=on + dt.timedelta(days=3), support_plan_agreed=True, **base)
    )


def test_sgo_breakdown():
    assert codes_of(facts(previous_permanence={"P2"}))["sgo_breakdown"] == "red"
    assert "sgo_breakdown" not in codes_of(facts(previous_permanence={"P1", "Z1"}))


def test_stale_record_after_90_days():
    on = D(2026, 6, 1)
    assert "stale_record" not in codes_of(facts(on=on, last_update=on - dt.timedelta(days=90)))
    flag = rules.stale_flags(facts(on=on, last_update=on - dt.timedelta(days=91)), T)[0]
    assert flag.level == "amber"
    assert flag.message == (
        "Nothing about the child has been updated since 2 Mar 2026 (91 days): more than 90 days."
    )
    assert "stale_record" not in codes_of(
        facts(on=on, looked_after=False, last_update=on - dt.timedelta(days=300))
    )


def test_rag_is_the_worst_flag_and_green_without_flags():
    assert rules.rag_of([]) == "green"
    amber = rules.Flag("stale_record", "amber", "")
    red = rules.Flag("plo_overdue", "red", "")
    assert rules.rag_of([amber]) == "amber"
    assert rules.rag_of([amber, red]) == "red"
    assert [
        f.code
        for f in rules.evaluate(facts(previous_permanence={"P2"}, last_update=D(2025, 1, 1)), T)
    ] == ["sgo_breakdown", "stale_record"]


def test_a_stray_overlapping_episode_does_not_split_the_period():
    eps = [
        Ep(D(2015, 7, 29), D(2018, 3, 23), "X1"),
        Ep(D(2017, 10, 5), D(2017, 10, 24), "E6"),  # overlaps: a recording error
        Ep(D(2018, 3, 23), D(2018, 4, 18), "X1"),
        Ep(D(2018, 4, 18)),
    ]
    standing = rules.standing_on(eps, D(2018, 6, 1))
    assert standing.looked_after and standing.period_start == D(2015, 7, 29)


def test_working_days_skip_englands_bank_holidays():
    # Entering care on Monday 15 Dec 2025: 25 and 26 Dec and 1 Jan are bank holidays, so the
    # 20th working day is Thursday 15 Jan 2026, not Monday 12 Jan.
    assert rules.add_working_days(D(2025, 12, 15), 20) == D(2026, 1, 15)
    # Easter 2026: Good Friday 3 Apr and Easter Monday 6 Apr are skipped.
    assert rules.add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
    # A one-off: the state funeral on Monday 19 Sep 2022.
    assert rules.add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 20)
    first = rules.next_review_due(D(2025, 12, 15), [])
    assert first.due == D(2026, 1, 15)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert rules.add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert rules.add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert rules.add_months(D(2026, 1, 31), 3) == D(2026, 4, 30)
    assert rules.add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert rules.add_months(D(2026, 5, 15), -12) == D(2025, 5, 15)
    assert rules.add_months(D(2026, 12, 31), 1) == D(2027, 1, 31)
