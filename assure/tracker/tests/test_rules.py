"""The tracker's flags without a database, each at both sides of its threshold. The facts
come from the care-history rules (tested in children/tests/test_care_rules.py)."""

import datetime as dt

import pytest

from assure.children.care import history
from assure.children.tests.care_records import Assessment, D, Ep, Hearing, Plan, Proc
from assure.tracker import rules
from assure.tracker.rules import Thresholds

T = Thresholds()
days = dt.timedelta


def facts(
    on: dt.date,
    *,
    episodes=None,
    reviews=(),
    plans=(),
    proceedings=(),
    hearings=(),
    assessments=(),
    support_plans=(),
    previous=(),
    last_update=None,
) -> rules.Facts:
    """A child in care since 1 Jan 2026 (unless `episodes` says otherwise) at `on`."""
    procs = list(proceedings)
    care = history.facts_at(
        on=on,
        date_of_birth=D(2020, 1, 1),
        episodes=episodes or [Ep(D(2026, 1, 1))],
        review_dates=reviews,
        plan_history=plans,
        proceedings_list=procs,
        hearings_of={procs[0].pk: list(hearings)} if procs else {},
        assessments=assessments,
        support_plan_dates=support_plans,
        previous_permanence=previous,
    )
    return rules.Facts(care, last_update or on)


def codes_of(f: rules.Facts, thresholds: Thresholds = T) -> dict[str, str]:
    return {flag.code: flag.level for flag in rules.evaluate(f, thresholds)}


PLAN = [Plan("long_term_fostering", D(2026, 1, 1))]
REVIEWED = [D(2026, 1, 20)]


# 26 weeks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [(132, None), (133, "plo_week_20"), (181, "plo_week_20"), (182, "plo_overdue")],
)
def test_26_weeks_amber_from_day_133_red_from_day_182(day, expected):
    issued = D(2026, 1, 5)
    on = issued + days(day)
    found = codes_of(facts(on, plans=PLAN, reviews=[on], proceedings=[Proc("care", issued)]))
    plo = {code for code in found if code.startswith("plo")}
    assert plo == ({expected} if expected else set())


def test_the_messages_say_week_n_of_26_and_the_limit():
    issued = D(2026, 1, 5)
    red = rules.plo_flags(facts(D(2026, 7, 6), proceedings=[Proc("care", issued)]), T)[0]
    assert red.message == (
        "Proceedings are in week 27 of 26: 1 day past the limit on 5 Jul 2026 (issued 5 Jan 2026)."
    )
    amber = rules.plo_flags(facts(D(2026, 7, 5), proceedings=[Proc("care", issued)]), T)[0]
    assert amber.message == (
        "Proceedings are in week 26 of 26: 0 days to the limit on 5 Jul 2026 (issued 5 Jan 2026)."
    )


def test_an_extension_keeps_proceedings_amber_until_it_ends():
    issued, extended = D(2026, 1, 5), D(2026, 8, 30)
    proc = [Proc("care", issued, extended_to=extended)]
    assert "plo_week_20" in codes_of(facts(extended, proceedings=proc))
    after = rules.plo_flags(facts(extended + days(1), proceedings=proc), T)
    assert [f.code for f in after] == ["plo_overdue"]
    assert "extended to 30 Aug 2026" in after[0].message


@pytest.mark.parametrize("kind", ["placement", "sgo", "cao", "discharge", "other"])
def test_other_applications_carry_no_26_week_flags(kind):
    issued = D(2025, 1, 5)
    assert not rules.plo_flags(facts(D(2026, 6, 1), proceedings=[Proc(kind, issued)]), T)


@pytest.mark.parametrize(
    ("proceedings", "expected"),
    [
        ([Proc("care")], "Care"),  # open, no issue date: the limit cannot be checked
        ([Proc("supervision")], "Supervision"),
        ([Proc("care", D(2026, 2, 2))], None),  # dated: the 26-week flags take over
        ([Proc("placement")], None),  # no 26-week limit to check
        ([Proc("care", status="concluded", concluded_date=D(2026, 3, 1))], None),
    ],
)
def test_open_care_proceedings_with_no_issue_date_are_flagged(proceedings, expected):
    found = rules.plo_flags(facts(D(2026, 4, 1), proceedings=proceedings), T)
    undated = [f for f in found if f.code == "proceedings_no_issue_date"]
    if expected is None:
        assert not undated
    else:
        [flag] = undated
        assert flag.level == rules.AMBER
        assert flag.message.startswith(f"{expected} proceedings are open with no issue date")


def test_the_week_20_threshold_comes_from_the_rule_set():
    issued = D(2026, 1, 5)
    earlier = Thresholds(plo_warning_days=100)
    f = facts(issued + days(100), proceedings=[Proc("care", issued)])
    assert [x.code for x in rules.plo_flags(f, earlier)] == ["plo_week_20"]
    assert not rules.plo_flags(f, T)


# The permanence plan by the second review ----------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2026, 3, 22), None),  # 29 days before the second review is due on 20 Apr
        (D(2026, 3, 23), "amber"),  # 4 weeks before
        (D(2026, 4, 20), "amber"),  # the day it is due
        (D(2026, 4, 21), "red"),  # passed
    ],
)
def test_no_permanence_plan_against_the_second_review(on, expected):
    f = facts(on, reviews=REVIEWED)
    assert codes_of(f).get("no_permanence_plan") == expected
    assert "no_permanence_plan" not in codes_of(facts(on, reviews=REVIEWED, plans=PLAN))


def test_no_permanence_plan_is_red_once_the_second_review_is_held():
    f = facts(D(2026, 3, 1), reviews=[D(2026, 1, 20), D(2026, 2, 25)])
    assert codes_of(f)["no_permanence_plan"] == "red"


def test_no_permanence_plan_messages():
    amber = rules.permanence_plan_flags(facts(D(2026, 4, 1), reviews=REVIEWED), T)[0]
    assert amber.message == (
        "No permanence plan is agreed, and the second looked-after review is due on "
        "20 Apr 2026 (in 19 days)."
    )
    red = rules.permanence_plan_flags(facts(D(2026, 4, 25), reviews=REVIEWED), T)[0]
    assert red.message == (
        "No permanence plan is agreed, and the second looked-after review was due on "
        "20 Apr 2026 (5 days ago)."
    )


def test_no_permanence_plan_is_not_raised_for_a_child_who_left_or_on_short_breaks():
    left = [Ep(D(2025, 11, 15), D(2026, 5, 1), "E4A")]
    assert "no_permanence_plan" not in codes_of(facts(D(2026, 5, 16), episodes=left))
    breaks = [Ep(D(2025, 1, 1), legal_status="V3")]
    assert "no_permanence_plan" not in codes_of(facts(D(2026, 5, 16), episodes=breaks))


# Reviews -------------------------------------------------------------------------------------


def test_first_review_due_20_working_days_after_entry():
    entered = [Ep(D(2026, 1, 2))]
    assert "review_overdue" not in codes_of(facts(D(2026, 1, 30), episodes=entered))
    found = rules.review_flags(facts(D(2026, 1, 31), episodes=entered), T)
    assert [f.level for f in found] == ["red"]
    assert found[0].message == (
        "The looked-after review was due on 30 Jan 2026 (the first review, 20 working days "
        "after entering care; looked-after reviews): 1 day overdue."
    )


def test_short_breaks_and_adoption_schedules_on_both_sides():
    breaks = [Ep(D(2026, 1, 31), legal_status="V4")]
    assert "review_overdue" not in codes_of(facts(D(2026, 4, 30), episodes=breaks))
    assert "review_overdue" in codes_of(facts(D(2026, 5, 1), episodes=breaks))
    placed = [Ep(D(2025, 6, 1), D(2026, 1, 10), "X1"), Ep(D(2026, 1, 10), placement_type="A6")]
    reviews = [D(2025, 12, 1)]  # before the placement: not counted
    assert "review_overdue" not in codes_of(facts(D(2026, 2, 7), episodes=placed, reviews=reviews))
    late = rules.review_flags(facts(D(2026, 2, 8), episodes=placed, reviews=reviews), T)
    assert late and "placed for adoption" in late[0].message


# SGO --------------------------------------------------------------------------------------------

ON = D(2026, 6, 1)
SGO_PLAN = [Plan("sgo", D(2026, 2, 1), carer_name="Ann Smith")]
CARE = Proc("care", D(2026, 1, 5))


def sgo_facts(*, final_in_days=None, plans=SGO_PLAN, assessments=(), support_plans=(), on=ON):
    hearings = [Hearing(on + days(final_in_days))] if final_in_days is not None else []
    return facts(
        on,
        reviews=[on],
        plans=plans,
        proceedings=[CARE],
        hearings=hearings,
        assessments=assessments,
        support_plans=support_plans,
    )


def test_sgo_assessment_late_within_12_weeks_of_the_final_hearing():
    assert codes_of(sgo_facts(final_in_days=84))["sgo_assessment_late"] == "red"
    assert "sgo_assessment_late" not in codes_of(sgo_facts(final_in_days=85))
    message = rules.sgo_flags(sgo_facts(final_in_days=84), T)[0].message
    assert message == (
        "The final hearing on 24 Aug 2026 is in 12 weeks: no full SGO assessment of Ann Smith "
        "has started."
    )


def test_a_negative_or_another_carers_assessment_does_not_clear_the_flag():
    negative = Assessment(
        start_date=D(2026, 2, 1), completed_date=D(2026, 4, 1), recommendation="negative"
    )
    other = Assessment(start_date=D(2026, 2, 1), carer_name="Bob Jones")
    f = sgo_facts(final_in_days=30, assessments=[negative, other])
    assert "sgo_assessment_late" in codes_of(f)
    assert "ended negative" in rules.sgo_flags(f, T)[0].message


def test_a_parallel_sgo_plan_counts():
    parallel = [Plan("adoption", D(2026, 2, 1), parallel_plan="sgo")]
    assert "sgo_assessment_late" in codes_of(sgo_facts(final_in_days=30, plans=parallel))
    other = [Plan("adoption", D(2026, 2, 1))]
    assert not {c for c in codes_of(sgo_facts(final_in_days=30, plans=other)) if "sgo" in c}


def test_an_assessment_under_way_must_be_complete_4_weeks_before_the_hearing():
    under_way = [Assessment(start_date=D(2026, 3, 1))]
    assert "sgo_assessment_late" not in codes_of(sgo_facts(final_in_days=30, assessments=under_way))
    assert "sgo_assessment_incomplete" not in codes_of(
        sgo_facts(final_in_days=29, assessments=under_way)
    )
    assert (
        codes_of(sgo_facts(final_in_days=28, assessments=under_way))["sgo_assessment_incomplete"]
        == "red"
    )


def test_the_support_plan_is_expected_with_the_report_and_4_weeks_before_the_hearing():
    report = [
        Assessment(
            start_date=D(2026, 2, 1), completed_date=D(2026, 5, 1), recommendation="positive"
        )
    ]
    # Completed without a support plan: flagged whenever the hearing is.
    assert (
        codes_of(sgo_facts(final_in_days=60, assessments=report))["sgo_no_support_plan"] == "amber"
    )
    assert "sgo_no_support_plan" not in codes_of(
        sgo_facts(final_in_days=60, assessments=report, support_plans=[D(2026, 5, 1)])
    )
    # The day before the report, 5 weeks from the hearing: not yet.
    early = sgo_facts(final_in_days=35, assessments=report, on=D(2026, 4, 30))
    assert "sgo_no_support_plan" not in codes_of(early)
    # From 4 weeks before the final hearing, whatever the report.
    under_way = [Assessment(start_date=D(2026, 3, 1))]
    assert "sgo_no_support_plan" in codes_of(sgo_facts(final_in_days=28, assessments=under_way))
    assert "sgo_no_support_plan" not in codes_of(sgo_facts(final_in_days=29, assessments=under_way))


def test_an_sgo_plan_at_week_25_with_no_final_hearing_is_flagged():
    week_24 = D(2026, 1, 5) + days(7 * 24 - 1)
    week_25 = D(2026, 1, 5) + days(7 * 24)
    assert "sgo_no_final_hearing" not in codes_of(sgo_facts(on=week_24))
    assert codes_of(sgo_facts(on=week_25))["sgo_no_final_hearing"] == "amber"
    assert "sgo_no_final_hearing" not in codes_of(sgo_facts(on=week_25, final_in_days=10))


# A broken-down SGO, a stale record, RAG ---------------------------------------------------


def test_sgo_breakdown_only_for_the_period_after_the_order():
    episodes = [Ep(D(2019, 1, 1), D(2019, 6, 1), "E4A"), Ep(D(2026, 1, 1))]
    on = D(2026, 2, 1)
    assert codes_of(facts(on, episodes=episodes, previous=[("P2", "01/03/2021")]))[
        "sgo_breakdown"
    ] == ("red")
    # The order came before the 2019 period: that one broke down, not this one.
    assert "sgo_breakdown" not in codes_of(
        facts(on, episodes=episodes, previous=[("P2", "01/03/2018")])
    )
    assert "sgo_breakdown" not in codes_of(facts(on, episodes=episodes, previous=[("P1", "")]))


def test_stale_record_after_90_days():
    f = facts(ON, plans=PLAN, reviews=[ON], last_update=ON - days(90))
    assert "stale_record" not in codes_of(f)
    stale = facts(ON, plans=PLAN, reviews=[ON], last_update=ON - days(91))
    flag = rules.stale_flags(stale, T)[0]
    assert flag.level == "amber"
    assert flag.message == (
        "Nothing about the child has been updated since 2 Mar 2026 (91 days): more than 90 days."
    )


def test_rag_is_the_worst_flag_and_green_without_flags():
    assert rules.rag_of([]) == "green"
    amber = rules.Flag("stale_record", "amber", "")
    red = rules.Flag("plo_overdue", "red", "")
    assert rules.rag_of([amber]) == "amber"
    assert rules.rag_of([amber, red]) == "red"
    assert rules.bits_of([amber, red]) == (
        rules.FLAG_BITS["stale_record"] | rules.FLAG_BITS["plo_overdue"]
    )


def test_every_flag_has_a_title_a_bit_and_its_levels():
    assert set(rules.FLAG_TITLES) == set(rules.FLAG_BITS) == set(rules.FLAG_LEVELS)
    assert len(set(rules.FLAG_BITS.values())) == len(rules.FLAG_BITS)
