"""The tracker's rows from the database, at dates set through the clock: membership at its
boundaries, each part of a row, every rule seen end to end, and the access policy."""

import datetime as dt

import pytest

from assure.core import clock
from assure.tracker import selectors
from assure.tracker.models import RuleSet
from tests.factories import EpisodeFactory, TeamFactory, UserFactory

from .helpers import (
    child_in_care,
    full_assessment_for,
    plan_for,
    previous_permanence_for,
    proceedings_for,
    review_for,
    support_plan_for,
)

D = dt.date


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", roles=["assurance_lead"])


def rows_at(user, day: dt.date) -> dict[str, selectors.Row]:
    with clock.frozen_at(day):
        return {r.child.child_id: r for r in selectors.tracker_rows(user=user)}


def test_membership_boundaries_through_the_clock(lead):
    child_in_care(child_id="ENTERS", start=D(2026, 3, 10))
    child_in_care(child_id="LEAVES", start=D(2025, 1, 1), end=D(2026, 3, 10), reason="E47")
    child_in_care(child_id="X1GAP", start=D(2025, 1, 1), end=D(2026, 3, 1), reason="X1")
    assert set(rows_at(lead, D(2026, 3, 9))) == {"LEAVES"}
    on_day = rows_at(lead, D(2026, 3, 10))
    assert set(on_day) == {"ENTERS", "LEAVES"}
    assert on_day["ENTERS"].looked_after and on_day["ENTERS"].days_in_care == 0
    left = on_day["LEAVES"]
    assert (left.looked_after, left.ceased_date, left.reason_ceased) == (
        False,
        D(2026, 3, 10),
        "E47",
    )
    assert set(rows_at(lead, D(2027, 3, 9))) == {"ENTERS", "LEAVES"}
    assert set(rows_at(lead, D(2027, 3, 10))) == {"ENTERS"}


def test_membership_in_sql_matches_the_rules_on_a_leap_year(lead):
    child_in_care(child_id="LEAP", start=D(2027, 1, 1), end=D(2027, 2, 28), reason="E4A")
    child_in_care(child_id="MARCH", start=D(2027, 1, 1), end=D(2027, 3, 1), reason="E4A")
    at_leap_day = rows_at(lead, D(2028, 2, 29))
    assert set(at_leap_day) == {"MARCH"}
    assert set(rows_at(lead, D(2028, 2, 27))) == {"LEAP", "MARCH"}


def test_period_of_care_spans_x1_episodes_and_the_row_shows_the_current_episode(lead):
    team = TeamFactory(name="North")
    child = child_in_care(
        child_id="A1",
        start=D(2025, 1, 6),
        end=D(2025, 4, 1),
        reason="X1",
        team=team,
        date_of_birth=D(2016, 7, 1),
    )
    EpisodeFactory(
        child=child,
        start_date=D(2025, 4, 1),
        reason_new_episode="L",
        legal_status="C2",
        placement_type="U1",
    )
    EpisodeFactory(
        child=child,
        start_date=D(2026, 9, 1),
        reason_new_episode="P",
        legal_status="E1",
        placement_type="A5",
    )
    row = rows_at(lead, D(2026, 6, 1))["A1"]
    assert row.period_start == D(2025, 1, 6)
    assert (row.legal_status, row.placement_type) == ("C2", "U1")  # the later one is not known
    assert row.age == 9 and row.days_in_care == (D(2026, 6, 1) - D(2025, 1, 6)).days


def test_plan_and_proceedings_as_at_the_date(lead):
    child = child_in_care(child_id="B2", start=D(2026, 1, 5))
    plan_for(child, plan="long_term_fostering", agreed=D(2026, 2, 1))
    plan_for(child, plan="sgo", agreed=D(2026, 5, 1))
    proceedings_for(
        child,
        issued=D(2026, 1, 5),
        final=D(2026, 8, 3),
        status="concluded",
        concluded=D(2026, 8, 3),
    )
    row = rows_at(lead, D(2026, 4, 1))["B2"]
    assert row.plan_value == "long_term_fostering"
    assert row.proceedings_week == 13
    assert row.limit_date == D(2026, 7, 5)  # issue + 181 days
    assert row.next_hearing.hearing_date == D(2026, 8, 3)
    later = rows_at(lead, D(2026, 8, 10))["B2"]
    assert later.plan_value == "sgo" and later.proceedings is None


def test_every_rule_end_to_end_at_both_sides(lead):
    # A child in care from 5 Jan 2026 with a review on 20 Jan and another on 20 Apr.
    child = child_in_care(child_id="C3", start=D(2026, 1, 5))
    review_for(child, on=D(2026, 1, 20))
    proceedings_for(child, issued=D(2026, 1, 5), final=D(2026, 8, 28))
    # No plan: the second review is due on 20 Apr; amber from 4 weeks before (23 Mar).
    assert "no_permanence_plan" not in rows_at(lead, D(2026, 3, 22))["C3"].flag_codes
    assert "no_permanence_plan" in rows_at(lead, D(2026, 3, 23))["C3"].flag_codes
    review_for(child, on=D(2026, 4, 20))
    held = rows_at(lead, D(2026, 4, 20))["C3"]
    assert [(f.code, f.level) for f in held.flags if f.code == "no_permanence_plan"] == [
        ("no_permanence_plan", "red")
    ]
    plan_for(child, plan="sgo", agreed=D(2026, 5, 10))
    # 12 weeks before the final hearing is 5 Jun; 4 weeks before is 31 Jul.
    assert "sgo_assessment_late" not in rows_at(lead, D(2026, 6, 4))["C3"].flag_codes
    row = rows_at(lead, D(2026, 6, 5))["C3"]
    assert "sgo_assessment_late" in row.flag_codes and row.rag == "red"
    full_assessment_for(child, started=D(2026, 6, 8))
    assert "sgo_assessment_late" not in rows_at(lead, D(2026, 6, 8))["C3"].flag_codes
    assert "sgo_no_support_plan" not in rows_at(lead, D(2026, 7, 30))["C3"].flag_codes
    assert "sgo_no_support_plan" in rows_at(lead, D(2026, 7, 31))["C3"].flag_codes
    assert "sgo_assessment_incomplete" in rows_at(lead, D(2026, 7, 31))["C3"].flag_codes
    support_plan_for(child, agreed=D(2026, 8, 2))
    assert "sgo_no_support_plan" not in rows_at(lead, D(2026, 8, 2))["C3"].flag_codes
    # Week 20 begins on day 133 (18 May); past 26 weeks from day 182 (6 Jul).
    assert "plo_week_20" not in rows_at(lead, D(2026, 5, 17))["C3"].flag_codes
    week_20 = rows_at(lead, D(2026, 5, 18))["C3"]
    assert "plo_week_20" in week_20.flag_codes and week_20.proceedings_week == 20
    assert rows_at(lead, D(2026, 7, 5))["C3"].flag_codes & {"plo_week_20", "plo_overdue"} == {
        "plo_week_20"
    }
    overdue = rows_at(lead, D(2026, 7, 6))["C3"]
    assert "plo_overdue" in overdue.flag_codes and overdue.limit_date == D(2026, 7, 5)
    # The third review is due 6 months after the second: 20 Oct.
    assert "review_overdue" not in rows_at(lead, D(2026, 10, 20))["C3"].flag_codes
    overdue = rows_at(lead, D(2026, 10, 21))["C3"]
    assert "review_overdue" in overdue.flag_codes
    assert overdue.next_review.due == D(2026, 10, 20)


def test_stale_record_uses_the_latest_dated_part(lead):
    child = child_in_care(child_id="D4", start=D(2026, 1, 5))
    review_for(child, on=D(2026, 1, 20))
    # Written today (real time), so the child's and the plan's own timestamps are after the
    # dates below and unknown at them: the latest part is the review, then the plan's date.
    assert "stale_record" not in rows_at(lead, D(2026, 4, 20))["D4"].flag_codes
    assert "stale_record" in rows_at(lead, D(2026, 4, 21))["D4"].flag_codes
    plan_for(child, plan="adoption", agreed=D(2026, 3, 1))
    assert "stale_record" not in rows_at(lead, D(2026, 5, 30))["D4"].flag_codes
    stale = rows_at(lead, D(2026, 5, 31))["D4"]
    assert [f.message for f in stale.flags if f.code == "stale_record"] == [
        "Nothing about the child has been updated since 1 Mar 2026 (91 days): more than 90 days."
    ]


def test_sgo_breakdown_and_rag(lead):
    child = child_in_care(child_id="E5", start=D(2026, 5, 1))
    previous_permanence_for(child, code="P2")
    row = rows_at(lead, D(2026, 5, 2))["E5"]
    assert row.rag == "red" and [f.code for f in row.flags] == ["sgo_breakdown"]
    calm = child_in_care(child_id="F6", start=D(2026, 5, 1))
    previous_permanence_for(calm, code="Z1")
    assert rows_at(lead, D(2026, 5, 2))["F6"].rag == "green"


def test_thresholds_come_from_the_latest_rule_set(lead):
    child = child_in_care(child_id="G7", start=D(2026, 1, 5))
    proceedings_for(child, issued=D(2026, 1, 5))
    review_for(child, on=D(2026, 1, 20))
    assert "plo_week_20" not in rows_at(lead, D(2026, 4, 1))["G7"].flag_codes
    RuleSet.objects.create(version=3, plo_warning_days=80, created_at=clock.now())
    assert "plo_week_20" in rows_at(lead, D(2026, 4, 1))["G7"].flag_codes


def test_a_practitioner_sees_only_their_teams_children(db):
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    child_in_care(child_id="N1", start=D(2026, 1, 5), team=north)
    child_in_care(child_id="S1", start=D(2026, 1, 5), team=south)
    restricted = child_in_care(child_id="R1", start=D(2026, 1, 5), team=north)
    restricted.restricted = True
    restricted.save()
    practitioner = UserFactory(username="pat", roles=["practitioner"], teams=[north])
    assert set(rows_at(practitioner, D(2026, 2, 1))) == {"N1"}
    nobody = UserFactory(username="panel", roles=["panel_member"])
    assert rows_at(nobody, D(2026, 2, 1)) == {}


def ids(rows) -> list[str]:
    return [r.child.child_id for r in rows]


def test_filters_sorts_and_counts(lead):
    a = child_in_care(child_id="A", start=D(2026, 1, 5), date_of_birth=D(2010, 1, 1))
    plan_for(a, plan="sgo", agreed=D(2026, 1, 10))
    previous_permanence_for(a, code="P2")
    child_in_care(
        child_id="B",
        start=D(2025, 1, 5),
        end=D(2026, 1, 10),
        reason="E45",
        date_of_birth=D(2025, 3, 1),
    )
    with clock.frozen_at(D(2026, 2, 1)):
        rows = selectors.tracker_rows(user=lead, row_filter=selectors.RowFilter(rag="red"))
        assert ids(rows) == ["A"]
        left = selectors.RowFilter(looked_after=False)
        assert ids(selectors.tracker_rows(user=lead, row_filter=left)) == ["B"]
        baby = selectors.RowFilter(plan="none", age_band="under_1")
        assert ids(selectors.tracker_rows(user=lead, row_filter=baby)) == ["B"]
        by_rag = selectors.tracker_view(user=lead, sort="rag", descending=True)
        assert ids(by_rag.built()) == ["A", "B"]
        assert ids(selectors.tracker_view(user=lead, sort="ceased_date").built()) == ["B", "A"]
        counts = selectors.tracker_view(user=lead).counts()
    assert counts["rag"] == [("red", 1), ("amber", 0), ("green", 1)]
    assert counts["total"] == 2 and counts["looked_after"] == 1
    assert counts["plans"] == [("none", "No plan", 1), ("sgo", "Special guardianship order", 1)]


def test_filters_in_the_database_match_the_rows_they_describe(lead):
    """Each filter is applied in the database over the snapshot; it must give exactly the
    rows whose built form the same filter matches: birthdays on each band's edge (and
    29 February), a plan replaced by a later one, a plan agreed after the date, proceedings
    concluded before and after it, every RAG and flag."""
    on = D(2026, 2, 28)
    births = [D(2025, 2, 28), D(2025, 3, 1), D(2022, 2, 28), D(2021, 3, 1), D(2016, 2, 28)]
    births += [D(2016, 2, 29), D(2010, 3, 1), D(2010, 2, 28), D(2009, 3, 1), None]
    for index, born in enumerate(births):
        child = child_in_care(child_id=f"C{index:02}", start=D(2025, 6, 1), date_of_birth=born)
        if index % 3 == 0:
            plan_for(child, plan="long_term_fostering", agreed=D(2025, 7, 1))
            plan_for(child, plan="sgo", agreed=D(2025, 9, 1))
        if index % 3 == 1:
            plan_for(child, plan="sgo", agreed=D(2026, 3, 1))  # after the date: no plan yet
        if index % 4 == 0:
            proceedings_for(child, issued=D(2025, 8, 1))
        if index % 4 == 1:
            proceedings_for(
                child, issued=D(2025, 8, 1), status="concluded", concluded=D(2026, 3, 5)
            )
        if index % 4 == 2:
            proceedings_for(
                child, issued=D(2025, 8, 1), status="concluded", concluded=D(2026, 1, 5)
            )
        if index % 5 == 0:
            review_for(child, on=D(2025, 6, 20))
    child_in_care(
        child_id="LEFT",
        start=D(2025, 1, 1),
        end=D(2026, 1, 1),
        reason="E45",
        date_of_birth=D(2020, 5, 5),
    )
    amber = child_in_care(child_id="WEEK21", start=D(2026, 2, 1), date_of_birth=D(2019, 1, 1))
    plan_for(amber, plan="adoption", agreed=D(2026, 2, 10))
    proceedings_for(amber, issued=D(2025, 10, 10))  # day 141 on the date: week 21
    review_for(amber, on=D(2026, 2, 20))
    from assure.tracker import rules

    with clock.frozen_at(on):
        every = selectors.tracker_rows(user=lead)
        filters = [selectors.RowFilter(plan=p) for p in ("sgo", "none", "long_term_fostering")]
        filters += [selectors.RowFilter(age_band=band) for band, *_ in selectors.AGE_BANDS]
        filters += [selectors.RowFilter(looked_after=v) for v in (True, False)]
        filters += [selectors.RowFilter(open_proceedings=v) for v in (True, False)]
        filters += [selectors.RowFilter(rag=rag) for rag in ("red", "amber", "green")]
        filters += [selectors.RowFilter(flag=code) for code in rules.FLAG_TITLES]
        filters += [selectors.RowFilter(legal_status="C2")]
        filters += [selectors.RowFilter(plan="sgo", open_proceedings=True, age_band="1_4")]
        for row_filter in filters:
            expected = [r.child.child_id for r in every if row_filter.matches(r)]
            narrowed = selectors.tracker_rows(user=lead, row_filter=row_filter)
            assert ids(narrowed) == expected, row_filter
            streamed = selectors.iter_tracker_rows(user=lead, row_filter=row_filter, batch_size=4)
            assert [r.child.child_id for batch in streamed for r in batch] == expected
    assert {r.rag for r in every} == {"red", "amber", "green"}


def test_review_dates_count_only_the_current_period_whatever_came_before(lead):
    """Only each child's last two reviews are read: that must give the same due dates as all
    of them, for none, one and several reviews in the current period, with many before it."""
    child_in_care(child_id="BACK", start=D(2020, 1, 6), end=D(2024, 1, 1), reason="E4A")
    back = child_in_care(child_id="BACK2", start=D(2025, 3, 3))
    from assure.children.models import Child, Episode

    child = Child.objects.get(child_id="BACK")
    Episode.objects.filter(child=back).update(child=child)  # one child, two periods
    back.delete()
    for day in (D(2020, 2, 1), D(2020, 5, 1), D(2020, 11, 1), D(2021, 5, 1), D(2023, 6, 1)):
        review_for(child, on=day)
    # No review yet in the period that began on 3 Mar 2025: the first is due 20 working
    # days later (31 Mar 2025), however many reviews the earlier period had.
    row = rows_at(lead, D(2025, 4, 10))["BACK"]
    assert (row.next_review.due, row.last_review) == (D(2025, 3, 31), None)
    assert "review_overdue" in row.flag_codes
    review_for(child, on=D(2025, 3, 20))
    row = rows_at(lead, D(2025, 4, 10))["BACK"]
    assert (row.next_review.due, row.last_review) == (D(2025, 6, 20), D(2025, 3, 20))
    review_for(child, on=D(2025, 6, 10))
    review_for(child, on=D(2025, 12, 1))
    row = rows_at(lead, D(2026, 1, 10))["BACK"]
    assert (row.next_review.due, row.last_review) == (D(2026, 6, 1), D(2025, 12, 1))
    # As at a date before the later reviews, only those held by then count.
    row = rows_at(lead, D(2025, 6, 15))["BACK"]
    assert (row.next_review.due, row.last_review) == (D(2025, 12, 10), D(2025, 6, 10))


def test_the_new_edges_through_the_clock(lead):
    """Short breaks, placement for adoption, an extension, a non-26-week application, a
    broken-down SGO's own period and an SGO plan at week 25, each a day either side."""
    from assure.children.models import Proceedings

    breaks = child_in_care(child_id="SB", start=D(2026, 1, 31))
    Episode = breaks.episodes.model
    Episode.objects.filter(child=breaks).update(legal_status="V3")
    assert "review_overdue" not in rows_at(lead, D(2026, 4, 30))["SB"].flag_codes
    late = rows_at(lead, D(2026, 5, 1))["SB"]
    assert "review_overdue" in late.flag_codes and late.review_schedule == "Short breaks"
    assert "no_permanence_plan" not in late.flag_codes

    placed = child_in_care(child_id="AD", start=D(2025, 6, 1), end=D(2026, 1, 10), reason="X1")
    EpisodeFactory(child=placed, start_date=D(2026, 1, 10), placement_type="A5", legal_status="E1")
    plan_for(placed, plan="adoption", agreed=D(2025, 9, 1))
    assert "review_overdue" not in rows_at(lead, D(2026, 2, 7))["AD"].flag_codes
    assert "review_overdue" in rows_at(lead, D(2026, 2, 8))["AD"].flag_codes

    extended = child_in_care(child_id="EX", start=D(2026, 1, 5))
    plan_for(extended, plan="long_term_fostering", agreed=D(2026, 2, 1))
    proceedings = proceedings_for(extended, issued=D(2026, 1, 5))
    Proceedings.objects.filter(pk=proceedings.pk).update(extended_to=D(2026, 8, 30))
    on_limit = rows_at(lead, D(2026, 8, 30))["EX"]
    assert "plo_overdue" not in on_limit.flag_codes and on_limit.limit_date == D(2026, 8, 30)
    assert "plo_overdue" in rows_at(lead, D(2026, 8, 31))["EX"].flag_codes

    other = child_in_care(child_id="OT", start=D(2025, 1, 5))
    plan_for(other, plan="sgo", agreed=D(2025, 2, 1))
    sgo_application = proceedings_for(other, issued=D(2025, 1, 5))
    Proceedings.objects.filter(pk=sgo_application.pk).update(application_type="sgo")
    row = rows_at(lead, D(2026, 6, 1))["OT"]
    assert row.proceedings is not None and row.proceedings_week is None
    assert not {"plo_week_20", "plo_overdue", "sgo_no_final_hearing"} & row.flag_codes

    broke = child_in_care(child_id="P2", start=D(2019, 1, 1), end=D(2019, 6, 1), reason="E4A")
    EpisodeFactory(child=broke, start_date=D(2026, 1, 5))
    PreviousPermanenceRecord = broke.previous_permanence.model
    PreviousPermanenceRecord.objects.create(
        child=broke, previous_permanence="P2", date_of_permanence="zz/zz/2021"
    )
    assert "sgo_breakdown" in rows_at(lead, D(2026, 1, 5))["P2"].flag_codes
    assert "sgo_breakdown" not in rows_at(lead, D(2019, 3, 1))["P2"].flag_codes

    week25 = child_in_care(child_id="W25", start=D(2026, 1, 5))
    plan_for(week25, plan="sgo", agreed=D(2026, 2, 1))
    proceedings_for(week25, issued=D(2026, 1, 5))
    day_168 = D(2026, 1, 5) + dt.timedelta(days=168)  # the first day of week 25
    assert (
        "sgo_no_final_hearing"
        not in rows_at(lead, day_168 - dt.timedelta(days=1))["W25"].flag_codes
    )
    assert "sgo_no_final_hearing" in rows_at(lead, day_168)["W25"].flag_codes
