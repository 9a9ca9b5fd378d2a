"""The care-history rules (assure.children.care) without a database: every edge on both
sides. The user guide (docs/user-guide/tracker.md, "How the rules count") names each source."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assure.children.care import dates, exits, history, periods, plans, proceedings, reviews, sgo

from .care_records import Assessment, D, Ep, Hearing, Plan, Proc

days = dt.timedelta


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2027, 8, 31), 6, D(2028, 2, 29)),
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 5, 15), -12, D(2025, 5, 15)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert dates.add_months(day, months) == expected


def test_one_year_before_a_leap_day_is_28_february():
    assert dates.one_year_before(D(2028, 2, 29)) == D(2027, 2, 28)
    assert dates.one_year_before(D(2026, 6, 10)) == D(2025, 6, 10)


def test_age_and_birthdays_on_both_sides():
    assert dates.age_on(D(2016, 5, 10), D(2026, 5, 9)) == 9
    assert dates.age_on(D(2016, 5, 10), D(2026, 5, 10)) == 10
    assert dates.age_on(None, D(2026, 5, 10)) is None
    leap = D(2008, 2, 29)
    assert dates.birthday(leap, 18) == D(2026, 3, 1)
    assert dates.age_on(leap, D(2026, 2, 28)) == 17
    assert dates.age_on(leap, dates.birthday(leap, 18)) == 18


def test_working_days_skip_weekends_and_englands_bank_holidays():
    assert dates.add_working_days(D(2026, 1, 2), 20) == D(2026, 1, 30)
    assert dates.add_working_days(D(2026, 1, 3), 20) == D(2026, 1, 30)  # from a Saturday
    # Christmas, Boxing Day and New Year's Day 2025/26 are skipped.
    assert dates.add_working_days(D(2025, 12, 15), 20) == D(2026, 1, 15)
    # Good Friday 3 Apr and Easter Monday 6 Apr 2026.
    assert dates.add_working_days(D(2026, 4, 2), 1) == D(2026, 4, 7)
    # A one-off: the state funeral on Monday 19 Sep 2022.
    assert dates.add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 20)


# Periods of care and the tracker's membership ----------------------------------------------


def test_looked_after_from_the_day_of_entry_until_the_day_before_leaving():
    eps = [Ep(D(2026, 3, 10), D(2026, 6, 1), "E4A")]
    assert not periods.looked_after_on(eps, D(2026, 3, 9))
    assert periods.looked_after_on(eps, D(2026, 3, 10))
    assert periods.looked_after_on(eps, D(2026, 5, 31))
    assert not periods.looked_after_on(eps, D(2026, 6, 1))


def test_an_episode_ends_the_period_unless_it_ended_x1():
    assert periods.ends_period(Ep(D(2026, 1, 1), D(2026, 2, 1), "E45"))
    assert not periods.ends_period(Ep(D(2026, 1, 1), D(2026, 2, 1), "X1"))
    assert not periods.ends_period(Ep(D(2026, 1, 1)))
    # An ended episode with no reason: the child left, for a reason not given.
    assert periods.ends_period(Ep(D(2026, 1, 1), D(2026, 2, 1), ""))


def test_periods_join_only_x1_followed_on_the_same_day():
    eps = [
        Ep(D(2024, 1, 1), D(2024, 3, 1), "X1"),
        Ep(D(2024, 3, 1), D(2024, 6, 1), "E4A"),
        Ep(D(2025, 1, 1), D(2025, 2, 1), "X1"),
        Ep(D(2025, 2, 2)),  # a day's gap: a new period
    ]
    assert periods.period_starts(eps) == [D(2024, 1, 1), D(2025, 1, 1), D(2025, 2, 2)]
    assert periods.period_start_of(eps[1], eps) == D(2024, 1, 1)
    assert periods.starts_period(eps[3], eps) and not periods.starts_period(eps[1], eps)


def test_membership_on_the_day_of_leaving_and_a_year_after():
    eps = [Ep(D(2025, 1, 1), D(2025, 3, 1), "X1"), Ep(D(2025, 3, 1), D(2025, 6, 10), "E45")]
    before = periods.standing_on(eps, D(2025, 6, 9))
    assert before.looked_after and before.period_start == D(2025, 1, 1)
    on_day = periods.standing_on(eps, D(2025, 6, 10))
    assert not on_day.looked_after
    assert (on_day.ceased_date, on_day.reason_ceased) == (D(2025, 6, 10), "E45")
    assert periods.standing_on(eps, D(2026, 6, 9)) is not None
    assert periods.standing_on(eps, D(2026, 6, 10)) is None


def test_membership_a_year_after_leaving_on_a_leap_day():
    left_28_feb = [Ep(D(2027, 1, 1), D(2027, 2, 28), "E4A")]
    assert periods.standing_on(left_28_feb, D(2028, 2, 27)) is not None
    assert periods.standing_on(left_28_feb, D(2028, 2, 29)) is None
    left_on_leap_day = [Ep(D(2028, 1, 1), D(2028, 2, 29), "E4A")]
    assert periods.standing_on(left_on_leap_day, D(2029, 2, 28)) is not None
    assert periods.standing_on(left_on_leap_day, D(2029, 3, 1)) is None


def test_an_x1_ending_without_a_next_episode_is_not_leaving_care():
    assert periods.standing_on([Ep(D(2026, 1, 1), D(2026, 2, 1), "X1")], D(2026, 3, 1)) is None


def test_episodes_after_the_date_are_not_yet_known():
    eps = [Ep(D(2025, 1, 1), D(2025, 6, 1), "E4A"), Ep(D(2025, 9, 1))]
    standing = periods.standing_on(eps, D(2025, 8, 1))
    assert not standing.looked_after and standing.ceased_date == D(2025, 6, 1)
    assert periods.standing_on(eps, D(2025, 9, 1)).period_start == D(2025, 9, 1)


def test_a_stray_overlapping_episode_does_not_split_the_period():
    eps = [
        Ep(D(2015, 7, 29), D(2018, 3, 23), "X1"),
        Ep(D(2017, 10, 5), D(2017, 10, 24), "E6"),  # overlaps: a recording error
        Ep(D(2018, 3, 23), D(2018, 4, 18), "X1"),
        Ep(D(2018, 4, 18)),
    ]
    standing = periods.standing_on(eps, D(2018, 6, 1))
    assert standing.looked_after and standing.period_start == D(2015, 7, 29)


def test_exits_carry_the_start_of_the_period_they_end():
    eps = [
        Ep(D(2024, 1, 1), D(2024, 3, 1), "X1"),
        Ep(D(2024, 3, 1), D(2024, 6, 1), "E45"),
        Ep(D(2025, 1, 1), D(2025, 2, 1), "E4B"),
    ]
    found = periods.exits_of(eps)
    assert [(x.date, x.reason, x.period_start) for x in found] == [
        (D(2024, 6, 1), "E45", D(2024, 1, 1)),
        (D(2025, 2, 1), "E4B", D(2025, 1, 1)),
    ]
    assert found[0].days_in_care == 152


# Proceedings and the 26-week limit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "week"), [(0, 1), (6, 1), (7, 2), (132, 19), (133, 20), (181, 26), (182, 27)]
)
def test_week_n_runs_from_day_7n_minus_7_the_issue_day_being_day_0(day, week):
    issued = D(2026, 1, 5)
    assert proceedings.week_of(issued, issued + days(day)) == week


def test_the_26_week_limit_is_issue_plus_181_days_overdue_from_day_182():
    issued = D(2026, 1, 5)
    assert proceedings.statutory_limit(issued) == D(2026, 7, 5)
    inside = proceedings.Timescale(issued, issued + days(181), None)
    past = proceedings.Timescale(issued, issued + days(182), None)
    assert not inside.overdue and inside.days_left == 0 and inside.week == 26
    assert past.overdue and past.week == 27
    assert inside.label == "Week 26 of 26"


def test_an_extension_moves_the_limit_and_is_shown():
    issued = D(2026, 1, 5)
    extended = D(2026, 8, 30)
    on_last_day = proceedings.Timescale(issued, extended, extended)
    after = proceedings.Timescale(issued, extended + days(1), extended)
    assert on_last_day.limit == extended and not on_last_day.overdue
    assert after.overdue
    assert on_last_day.label == "Week 34 of 26 (extended to 30 Aug 2026)"


def test_proceedings_open_on_a_date():
    issued = D(2026, 1, 5)
    assert not proceedings.is_open_on(Proc(issue_date=issued), issued - days(1))
    assert proceedings.is_open_on(Proc(issue_date=issued), issued)
    assert proceedings.is_open_on(Proc(issue_date=None), issued)  # issue date not recorded
    concluded = Proc(issue_date=issued, status="concluded", concluded_date=D(2026, 6, 1))
    assert proceedings.is_open_on(concluded, D(2026, 5, 31))
    assert not proceedings.is_open_on(concluded, D(2026, 6, 1))
    withdrawn = Proc(issue_date=issued, status="withdrawn", concluded_date=None)
    assert not proceedings.is_open_on(withdrawn, D(2026, 3, 1))


def test_only_care_and_supervision_applications_carry_26_weeks():
    on = D(2026, 9, 1)
    sgo_app = Proc("sgo", D(2025, 1, 1))
    care = Proc("care", D(2026, 2, 1))
    found = proceedings.open_on([care, sgo_app], on)
    assert found == [sgo_app, care]  # earliest issued first
    assert proceedings.timescale_of(found, on).issue_date == D(2026, 2, 1)
    for kind in ("placement", "sgo", "cao", "discharge", "other"):
        assert proceedings.timescale_of([Proc(kind, D(2025, 1, 1))], on) is None
    assert proceedings.timescale_of([Proc("supervision", D(2026, 1, 1))], on) is not None
    assert proceedings.timescale_of([Proc("care", None)], on) is None


def test_the_next_hearing_includes_one_on_the_day():
    on = D(2026, 6, 1)
    hearings = [Hearing(on - days(1), "irh"), Hearing(on, "cmh"), Hearing(on + days(9))]
    assert proceedings.next_hearing(hearings, on).hearing_date == on
    assert proceedings.next_hearing(hearings, on + days(1), "final").hearing_date == D(2026, 6, 10)
    assert proceedings.next_hearing(hearings, on + days(10)) is None


def test_of_two_hearings_on_one_day_the_next_is_the_later_stage_in_any_order():
    on = D(2026, 6, 1)
    day = [Hearing(on, "irh"), Hearing(on, "final"), Hearing(on, "cmh"), Hearing(on, "other")]
    for order in (day, day[::-1], day[1:] + day[:1]):
        assert proceedings.next_hearing(order, on).hearing_type == "final"
    assert proceedings.next_hearing(
        [Hearing(on, "other"), Hearing(on, "cmh")], on
    ).hearing_type == ("cmh")


# Permanence plans ---------------------------------------------------------------------------


def test_the_plan_in_force_is_the_latest_agreed_on_or_before_the_date():
    history_ = [
        Plan("long_term_fostering", D(2026, 1, 1)),
        Plan("adoption", D(2026, 3, 1)),
        Plan("sgo", D(2026, 3, 1)),  # recorded later the same day: it wins
        Plan("return_home", D(2026, 5, 1)),
    ]
    assert plans.plan_at(history_, D(2025, 12, 31)) is None
    assert plans.plan_at(history_, D(2026, 2, 28)).plan == "long_term_fostering"
    assert plans.plan_at(history_, D(2026, 3, 1)).plan == "sgo"
    assert plans.plan_at(history_, D(2026, 4, 30)).plan == "sgo"
    assert plans.plan_at(history_, D(2026, 5, 1)).plan == "return_home"


def test_a_plan_whose_agreed_date_is_not_known_is_in_force_from_the_day_it_was_recorded():
    recorded = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)  # 1 April in London (BST)
    history_ = [Plan("adoption", D(2026, 1, 1)), Plan("sgo", None, recorded_at=recorded)]
    assert plans.in_force_from(history_[1]) == D(2026, 4, 1)
    assert plans.plan_at(history_, D(2026, 3, 31)).plan == "adoption"
    assert plans.plan_at(history_, D(2026, 4, 1)).plan == "sgo"


def test_a_parallel_sgo_plan_includes_an_sgo():
    assert plans.includes_sgo(Plan("adoption", D(2026, 1, 1), parallel_plan="sgo"))
    assert plans.includes_sgo(Plan("sgo", D(2026, 1, 1)))
    assert not plans.includes_sgo(Plan("adoption", D(2026, 1, 1), parallel_plan="cao"))
    assert not plans.includes_sgo(None)


def test_an_sgo_or_cao_plan_includes_both_orders():
    """Annex A's "SGO/CAO": until the council says which, the SGO work is needed."""
    either = Plan("sgo_cao", None)
    assert plans.includes_sgo(either)
    assert plans.includes(either, "cao") and plans.includes(either, "sgo_cao")
    assert not plans.includes(either, "adoption")
    assert plans.includes_sgo(Plan("adoption", D(2026, 1, 1), parallel_plan="sgo_cao"))
    assert plans.values_including(plans.SGO) == {"sgo", "sgo_cao"}
    assert plans.values_including("adoption") == {"adoption"}
    assert plans.routes_of("") == frozenset()


# Review schedules ---------------------------------------------------------------------------


def _schedule(current, period=None, start=None):
    period = period or [current]
    return reviews.schedule_for(current, period, start or period[0].start_date)


def test_the_ordinary_schedule_20_working_days_then_3_then_6_months():
    in_use = _schedule(Ep(D(2026, 1, 2)))
    assert in_use.schedule is reviews.ORDINARY
    assert reviews.next_review_due(in_use, []).due == D(2026, 1, 30)
    assert reviews.next_review_due(in_use, [D(2026, 1, 20)]).due == D(2026, 4, 20)
    assert reviews.next_review_due(in_use, [D(2026, 1, 20), D(2026, 4, 10)]).due == D(2026, 10, 10)
    # Reviews before the period began are not counted.
    assert reviews.next_review_due(in_use, [D(2025, 12, 1)]).due == D(2026, 1, 30)


@pytest.mark.parametrize("status", ["V3", "V4"])
def test_short_breaks_first_within_3_months_then_every_6(status):
    in_use = _schedule(Ep(D(2026, 1, 31), legal_status=status))
    assert in_use.schedule is reviews.SHORT_BREAKS
    assert reviews.next_review_due(in_use, []).due == D(2026, 4, 30)
    assert reviews.next_review_due(in_use, [D(2026, 4, 1)]).due == D(2026, 10, 1)
    assert reviews.second_review(in_use, []).due == D(2026, 10, 30)


def test_placed_for_adoption_4_weeks_after_placement_then_3_then_6_months():
    period = [
        Ep(D(2025, 6, 1), D(2026, 1, 10), "X1", "E1", "U4"),
        Ep(D(2026, 1, 10), D(2026, 2, 1), "X1", "E1", "A5"),
        Ep(D(2026, 2, 1), None, "", "E1", "A6"),  # moved, still placed for adoption
    ]
    in_use = _schedule(period[-1], period, D(2025, 6, 1))
    assert in_use.schedule is reviews.ADOPTION and in_use.anchor == D(2026, 1, 10)
    # The foster placement's reviews do not count: the first is due 4 weeks after placement.
    assert reviews.next_review_due(in_use, [D(2025, 12, 1)]).due == D(2026, 2, 7)
    assert reviews.next_review_due(in_use, [D(2026, 2, 5)]).due == D(2026, 5, 5)
    assert reviews.next_review_due(in_use, [D(2026, 2, 5), D(2026, 5, 1)]).due == D(2026, 11, 1)


def test_the_second_review_is_held_or_falls_due():
    in_use = _schedule(Ep(D(2026, 1, 2)))
    assert reviews.second_review(in_use, []) == reviews.SecondReview(False, D(2026, 4, 30))
    assert reviews.second_review(in_use, [D(2026, 1, 20)]) == reviews.SecondReview(
        False, D(2026, 4, 20)
    )
    assert reviews.second_review(in_use, [D(2026, 1, 20), D(2026, 3, 1)]).held


def test_a_review_whose_earlier_reviews_are_not_known_on_both_sides_of_the_first_due_date():
    """Annex A gives only the latest review. Held by the day the first was due (30 January),
    it is the first; held after, it is taken as the second or later."""
    in_use = _schedule(Ep(D(2026, 1, 2)))
    first_on_time = reviews.next_review_due(in_use, [D(2026, 1, 30)], earlier_unknown=True)
    assert first_on_time.due == D(2026, 4, 30)
    assert not reviews.second_review(in_use, [D(2026, 1, 30)], earlier_unknown=True).held
    later = reviews.next_review_due(in_use, [D(2026, 1, 31)], earlier_unknown=True)
    assert later.due == D(2026, 7, 31)
    assert "not known" in later.reason
    assert reviews.second_review(in_use, [D(2026, 1, 31)], earlier_unknown=True).held
    # With the reviews before it known, the same review is the (late) first.
    assert reviews.next_review_due(in_use, [D(2026, 1, 31)]).due == D(2026, 4, 30)
    assert not reviews.second_review(in_use, [D(2026, 1, 31)]).held
    # Two reviews: the rule is the ordinary one whatever is known before them.
    both = [D(2026, 1, 20), D(2026, 4, 10)]
    assert reviews.next_review_due(in_use, both, earlier_unknown=True).due == D(2026, 10, 10)


def test_facts_read_a_latest_only_review_only_when_it_is_the_one_counted():
    episodes = [Ep(D(2023, 1, 10))]
    latest = D(2026, 3, 1)

    def due(**kwargs):
        facts = history.facts_at(
            on=D(2026, 6, 15), date_of_birth=D(2015, 1, 1), episodes=episodes, **kwargs
        )
        return facts.next_review.due

    assert due(review_dates=[latest]) == D(2026, 6, 1)
    assert due(review_dates=[latest], latest_only_reviews={latest}) == D(2026, 9, 1)
    # A 903 review before it: two are counted, and the ordinary rule applies.
    assert due(review_dates=[D(2025, 9, 1), latest], latest_only_reviews={latest}) == D(2026, 9, 1)


# Special guardianship -----------------------------------------------------------------------


def test_an_assessment_counts_only_for_the_carer_the_plan_names():
    named = Plan("sgo", D(2026, 1, 1), carer_id="C-1", carer_name="Ann Smith")
    by_name = Plan("sgo", D(2026, 1, 1), carer_name="  ann   SMITH ")
    anyone = Plan("sgo", D(2026, 1, 1))
    assert sgo.is_of_planned_carer(Assessment(carer_id="C-1", carer_name="A S"), named)
    assert not sgo.is_of_planned_carer(Assessment(carer_id="C-2", carer_name="Ann Smith"), named)
    assert sgo.is_of_planned_carer(Assessment(carer_name="Ann Smith"), by_name)
    assert not sgo.is_of_planned_carer(Assessment(carer_name="Bob Smith"), by_name)
    assert sgo.is_of_planned_carer(Assessment(carer_name="Bob Smith"), anyone)


def test_in_progress_and_completed_positive_on_both_sides():
    a = Assessment(
        start_date=D(2026, 3, 1), completed_date=D(2026, 5, 1), recommendation="positive"
    )
    assert not sgo.full_in_progress(a, D(2026, 2, 28))
    assert sgo.full_in_progress(a, D(2026, 3, 1))
    assert sgo.full_in_progress(a, D(2026, 4, 30))
    assert not sgo.full_in_progress(a, D(2026, 5, 1))
    assert not sgo.full_completed_positive(a, D(2026, 4, 30))
    assert sgo.full_completed_positive(a, D(2026, 5, 1))
    undated = Assessment(start_date=D(2026, 3, 1), recommendation="withdrawn")
    assert not sgo.full_in_progress(undated, D(2026, 4, 1))
    viability = Assessment(stage="viability", start_date=D(2026, 3, 1))
    assert not sgo.full_in_progress(viability, D(2026, 4, 1))


def test_a_negative_or_other_carers_assessment_never_satisfies_the_plan():
    plan = Plan("sgo", D(2026, 1, 1), carer_name="Ann Smith")
    on = D(2026, 6, 1)
    negative = Assessment(
        start_date=D(2026, 2, 1), completed_date=D(2026, 4, 1), recommendation="negative"
    )
    other = Assessment(
        start_date=D(2026, 2, 1),
        completed_date=D(2026, 4, 1),
        recommendation="positive",
        carer_name="Bob Jones",
    )
    standing = sgo.assessment_standing([negative, other], plan, on)
    assert not standing.satisfied and standing.in_progress is None
    assert standing.closed is negative
    good = Assessment(
        start_date=D(2026, 2, 1), completed_date=D(2026, 5, 1), recommendation="positive"
    )
    assert sgo.assessment_standing([negative, good], plan, on).report is good
    assert not sgo.assessment_standing([good], plan, D(2026, 4, 30)).satisfied


@pytest.mark.parametrize(
    ("date_perm", "after"),
    [
        ("01/05/2015", D(2015, 5, 1)),
        ("zz/05/2015", D(2015, 4, 30)),
        ("zz/zz/2015", D(2014, 12, 31)),
        ("zz/zz/zzzz", None),
        ("", None),
        ("31/02/2015", None),
    ],
)
def test_the_date_a_broken_down_order_came_before(date_perm, after):
    assert sgo.permanence_after(date_perm) == after


def test_a_p2_record_belongs_to_the_period_after_the_order():
    starts = [D(2014, 3, 1), D(2016, 9, 1), D(2020, 1, 5)]
    assert sgo.period_after_order(starts, "01/05/2015") == D(2016, 9, 1)
    assert sgo.period_after_order(starts, "zz/zz/zzzz") == D(2020, 1, 5)
    assert sgo.period_after_order(starts, "01/05/2021") is None
    assert sgo.breakdown_in_period([("P2", "01/05/2015")], starts, D(2016, 9, 1))
    assert not sgo.breakdown_in_period([("P2", "01/05/2015")], starts, D(2020, 1, 5))
    assert not sgo.breakdown_in_period([("P1", "01/05/2015")], starts, D(2016, 9, 1))


def test_previous_permanence_is_shown_for_the_period_it_was_returned_for():
    starts = [D(2021, 3, 4), D(2024, 10, 6)]
    # A first period with none before it, and one after an SGO of 29 April 2024 broke down.
    both = [("Z1", ""), ("P2", "29/04/2024")]
    assert sgo.previous_permanence_by_period(both, starts) == {
        D(2021, 3, 4): [("Z1", "")],
        D(2024, 10, 6): [("P2", "29/04/2024")],
    }
    # The order came before the first period: "none" is the second period's.
    early = [("P2", "zz/zz/2019"), ("Z1", "")]
    assert sgo.previous_permanence_by_period(early, starts) == {
        D(2021, 3, 4): [("P2", "zz/zz/2019")],
        D(2024, 10, 6): [("Z1", "")],
    }
    # An order for every period leaves no period to "not known"; one period has it all.
    full = [("P3", "01/01/2020"), ("P2", "01/05/2024"), ("P4", "")]
    assert list(sgo.previous_permanence_by_period(full, starts)) == starts
    assert ("P4", "") not in sum(sgo.previous_permanence_by_period(full, starts).values(), [])
    assert sgo.previous_permanence_by_period([("Z1", "")], starts[:1]) == {
        D(2021, 3, 4): [("Z1", "")]
    }
    # An order dated after every period belongs to none, as for the broken-down SGO.
    assert sgo.previous_permanence_by_period([("P1", "01/01/2025")], starts) == {}
    assert sgo.previous_permanence_by_period([("Z1", "")], []) == {}


# Exits and re-entry -------------------------------------------------------------------------


def test_exit_routes_and_codes():
    assert {exits.route_of(c) for c in ("E43", "E44", "E45", "E46", "E47", "E48")} == {"sgo"}
    assert exits.route_of("E11") == exits.route_of("E12") == "adoption"
    assert exits.route_of("E41") == "cao"
    assert exits.route_of("E4A") == "return_home_planned"
    assert exits.route_of("E4B") == "return_home_unplanned"
    assert exits.route_of("E8") == exits.route_of("") == "other"
    assert exits.route_of("E13") == "return_home_without_pr"
    assert {exits.route_of(c) for c in ("E5", "E6", "E7", "E15", "E17")} == {"adulthood"}
    assert {exits.route_of(c) for c in ("E2", "E3", "E9", "E14", "E16")} == {"other"}
    assert {exits.route_of(c) for c in ("E4A", "E4B", "E13")} == exits.RETURN_HOME_ROUTES


@pytest.mark.parametrize(
    ("route", "age", "kind"),
    [
        ("sgo", 17, "decision"),
        ("sgo", None, "decision"),
        ("return_home_without_pr", 12, "decision"),
        ("sgo", 18, "adulthood"),  # an exit at 18 is growing up, whatever its code
        ("other", 18, "adulthood"),
        ("adulthood", 16, "adulthood"),  # E5 at 16: independent living, by its code
        ("adulthood", None, "adulthood"),
        ("other", 17, "other"),
        ("other", None, "other"),
    ],
)
def test_exit_kind_tells_reaching_adulthood_from_exit_decisions(route, age, kind):
    assert exits.exit_kind(route, age) == kind


def test_reentry_within_12_calendar_months_on_both_sides():
    left = D(2025, 8, 31)
    assert exits.reentry_deadline(left) == D(2026, 8, 31)
    assert exits.reentered(left, [D(2026, 8, 31)])
    assert not exits.reentered(left, [D(2026, 9, 1)])
    assert not exits.reentered(left, [left])  # the same day is not after leaving
    assert exits.reentry_deadline(D(2028, 2, 29)) == D(2029, 2, 28)


def test_the_window_runs_12_calendar_months():
    left = D(2025, 8, 31)
    assert not exits.follow_up_complete(left, D(2026, 8, 30))
    assert exits.follow_up_complete(left, D(2026, 8, 31))


# Together ------------------------------------------------------------------------------------


def test_facts_at_a_date_put_the_rules_together():
    on = D(2026, 6, 1)
    care = Proc("care", D(2026, 1, 5))
    facts = history.facts_at(
        on=on,
        date_of_birth=D(2020, 6, 2),
        episodes=[
            Ep(D(2016, 1, 1), D(2017, 1, 1), "E47"),
            Ep(D(2026, 1, 5), D(2026, 3, 1), "X1"),
            Ep(D(2026, 3, 1)),
        ],
        review_dates=[D(2026, 1, 20)],
        plan_history=[Plan("adoption", D(2026, 2, 1), parallel_plan="sgo")],
        proceedings_list=[care],
        hearings_of={care.pk: [Hearing(D(2026, 7, 1))]},
        assessments=[Assessment(start_date=D(2026, 3, 1))],
        previous_permanence=[("P2", "zz/zz/2018")],
    )
    assert facts.looked_after and facts.period_start == D(2026, 1, 5)
    assert facts.age == 5
    assert facts.timescale.week == 22 and facts.next_final_hearing.hearing_date == D(2026, 7, 1)
    assert facts.plan_includes_sgo and facts.assessment.in_progress is not None
    assert facts.next_review.due == D(2026, 4, 20)
    assert facts.sgo_breakdown  # the period starting 5 Jan 2026 followed the 2018 order
    # Open proceedings and a plan that includes an SGO: before the court, by the next hearing.
    assert facts.sgo_stage == sgo.SGOStage(1, D(2026, 7, 1))


@st.composite
def histories(draw):
    """Episodes with distinct start dates: X1 chains, gaps, overlaps and zero-length ones."""
    starts = sorted(draw(st.sets(st.integers(0, 60), min_size=1, max_size=9)))
    episodes = []
    for start in starts:
        end = draw(st.one_of(st.none(), st.integers(start, 70)))
        reason = draw(st.sampled_from(["X1", "X1", "E4A", "", "E45"])) if end is not None else ""
        episodes.append(
            Ep(
                D(2026, 1, 1) + days(start),
                None if end is None else D(2026, 1, 1) + days(end),
                reason,
            )
        )
    return episodes


@settings(max_examples=300, deadline=None)
@given(histories())
def test_the_one_pass_period_starts_match_the_walk(episodes):
    starts = periods.period_start_map(episodes)
    for episode in episodes:
        assert starts[id(episode)] == periods.period_start_of(episode, episodes)
    assert periods.period_starts(episodes) == sorted(
        {e.start_date for e in episodes if periods.starts_period(e, episodes)}
    )
