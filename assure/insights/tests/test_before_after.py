"""Before and after the programme start: each estimate against a hand-worked figure, and the
measures' rules (re-entry only over complete windows, rare routes, the stock's changes,
outcomes after exit, broken-down SGOs tied to their order, rebases)."""

import datetime as dt
import math
import statistics

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assure.children.models import PreviousPermanenceRecord, SocialCareEvent
from assure.core import clock
from assure.core.models import DomainEvent
from assure.insights import before_after as ba
from assure.insights import dashboard, measures, services, spc
from assure.insights.exits import EpisodeRow, analyse
from assure.insights.selectors import events_after_exit, exits_analysis, rebases_by_measure
from tests.factories import TeamFactory, UserFactory

from .helpers import D, child_with, period

# Estimates ----------------------------------------------------------------------------------


def test_wilson_interval_is_the_issues_2_7_percent():
    # The issue: 6 of 219 re-entered: 2.7% (95% CI 1.3 to 5.8%).
    interval = ba.wilson(6, 219)
    assert round(100 * interval.estimate, 1) == 2.7
    assert (round(100 * interval.lower, 1), round(100 * interval.upper, 1)) == (1.3, 5.8)
    assert ba.wilson(0, 0) is None


def test_newcombe_difference_brackets_the_estimate():
    diff = ba.difference((6, 219), (12, 140))
    assert diff.estimate == pytest.approx(12 / 140 - 6 / 219)
    assert diff.lower < diff.estimate < diff.upper
    assert diff.excludes(0)  # 2.7% against 8.6%
    assert not ba.difference((6, 219), (3, 100)).excludes(0)


def test_rate_ratio_by_hand():
    before, after = [18] * 12, [23] * 12  # no over-dispersion: a plain Poisson interval
    ratio = ba.rate_ratio(before, after)
    se = math.sqrt(1 / (23 * 12) + 1 / (18 * 12))
    assert ratio.estimate == pytest.approx(23 / 18)
    assert ratio.lower == pytest.approx(23 / 18 * math.exp(-1.959963984540054 * se))
    noisy = ba.rate_ratio([10, 26] * 6, [15, 31] * 6)  # the same means, spread out: wider
    assert noisy.upper - noisy.lower > ratio.upper - ratio.lower
    assert ba.rate_ratio([1] * 5, [2] * 12) is None  # fewer than 6 months on one side


def test_segmented_regression_finds_the_break():
    # 12 months falling by 1 a month from 100, then a drop of 10 and a fall of 3 a month.
    values = [100 - t for t in range(12)] + [78 - 3 * (t - 12) for t in range(12, 24)]
    values = [v + (0.4 if t % 2 else -0.4) for t, v in enumerate(values)]  # a little noise
    fit = ba.segmented(values, 12)
    assert fit.slope_before.estimate == pytest.approx(-1, abs=0.15)
    assert fit.level_change.estimate == pytest.approx(-10, abs=1.5)
    assert fit.slope_change.estimate == pytest.approx(-2, abs=0.2)
    assert fit.level_change.excludes(0) and fit.slope_change.excludes(0)
    assert ba.segmented(values, 3) is None  # too few months before


def test_median_difference_is_repeatable():
    before, after = [100, 120, 140, 160, 180], [60, 70, 80, 90, 100]
    first, second = ba.median_difference(before, after), ba.median_difference(before, after)
    assert first == second  # a fixed seed: the page says the same each time
    assert first.estimate == statistics.median(after) - statistics.median(before) == -60
    assert first.lower <= -60 <= first.upper


def test_cumulative_incidence_with_reaching_18_competing():
    # Five exits: back at 2 months, 18th birthday at 3 (can no longer come back), back at 5,
    # censored at 6 and 8. Aalen-Johansen by hand: at 2 months 1/5; at 3 the competing event
    # leaves 3 at risk with survival 4/5 * 3/4 = 3/5; at 5, 1/5 + 3/5 * 1/3 = 2/5.
    cases = [
        ba.IncidenceCase(after=False, months=2, event=1),
        ba.IncidenceCase(after=False, months=3, event=2),
        ba.IncidenceCase(after=False, months=5, event=1),
        ba.IncidenceCase(after=False, months=6, event=0),
        ba.IncidenceCase(after=False, months=8, event=0),
    ]
    curve = ba.cumulative_incidence("before", cases)
    assert curve.at(2)[0] == pytest.approx(0.2)
    assert curve.at(4)[0] == pytest.approx(0.2)
    assert curve.at(5)[0] == pytest.approx(0.4)
    low, high = curve.at(5)[1:]
    assert 0 <= low <= 0.4 <= high <= 1


def test_an_incidence_case_ends_at_the_first_of_return_18_or_today():
    left = D(2025, 1, 10)
    back = ba.incidence_case(
        exit_date=left,
        after=False,
        next_start=D(2025, 4, 10),
        eighteenth=D(2025, 3, 1),
        today=D(2026, 7, 1),
    )
    assert back.event == 2  # turned 18 first
    came = ba.incidence_case(
        exit_date=left, after=False, next_start=D(2025, 4, 10), eighteenth=None, today=D(2026, 7, 1)
    )
    assert came.event == 1 and came.months == pytest.approx(90 / ba.DAYS_PER_MONTH)
    open_case = ba.incidence_case(
        exit_date=left, after=False, next_start=None, eighteenth=None, today=D(2025, 6, 10)
    )
    assert open_case.event == 0 and open_case.months == pytest.approx(151 / ba.DAYS_PER_MONTH)


def test_adjusted_odds_ratio_needs_enough_events_and_moves_with_the_data():
    def cases(after_rate: float) -> list[ba.ExitCase]:
        found = []
        for i in range(200):
            after = i >= 100
            rate = after_rate if after else 0.1
            found.append(
                ba.ExitCase(
                    after=after,
                    reentered=(i % 100) < rate * 100,
                    age=5 + i % 10,
                    days_in_care=200 + 7 * (i % 30),
                    earlier_periods=i % 3 == 0,
                    legal_status="C2" if i % 2 else "V2",
                )
            )
        return found

    worse = ba.adjusted_odds_ratio(cases(0.3))
    assert worse.estimate > 2 and worse.lower > 1
    same = ba.adjusted_odds_ratio(cases(0.1))
    assert same.lower < 1 < same.upper
    assert ba.adjusted_odds_ratio(cases(0.1)[:40]) is None  # fewer than 10 re-entries


# Measures over a history ----------------------------------------------------------------------


def row(pk, child, start, end, rne, rec, ls=""):
    return EpisodeRow(pk, child, start, end, rne, rec, ls)


def test_reentry_rate_only_over_months_whose_windows_have_all_run():
    rows = [
        row(1, 1, D(2024, 1, 1), D(2025, 3, 5), "S", "E4A"),
        row(2, 1, D(2025, 6, 1), None, "S", ""),  # back within 12 months
        row(3, 2, D(2024, 1, 1), D(2025, 3, 30), "S", "E45"),
        row(4, 3, D(2024, 1, 1), D(2025, 4, 20), "S", "E45"),  # 12 months run on 20 April
    ]
    analysis = analyse(rows, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31), today=D(2026, 4, 10))
    assert measures.reentry_cohorts(analysis) == [(D(2025, 3, 1), 2, 1)]  # not April yet
    later = analyse(rows, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31), today=D(2026, 5, 1))
    assert measures.reentry_cohorts(later) == [(D(2025, 3, 1), 2, 1), (D(2025, 4, 1), 1, 0)]


def test_exits_on_reaching_18_are_not_exit_decisions():
    rows = [
        row(1, 1, D(2024, 1, 1), D(2025, 3, 5), "S", "E45"),
        row(2, 2, D(2024, 1, 1), D(2025, 3, 5), "S", "E8"),
    ]
    analysis = analyse(
        rows,
        date_from=D(2025, 1, 1),
        date_to=D(2025, 12, 31),
        today=D(2026, 1, 1),
        dobs={1: D(2007, 3, 5), 2: D(2015, 1, 1)},
    )
    kinds = {x.child: x.kind for x in analysis.exits}
    assert kinds == {1: "adulthood", 2: "other"}  # an SGO at 18 is growing up


def test_looked_after_is_charted_by_its_change():
    rows = [row(i, i, D(2024, 1, 1), None, "S", "") for i in range(1, 4)]
    rows.append(row(9, 9, D(2025, 2, 10), None, "S", ""))
    analysis = analyse(rows, date_from=D(2025, 1, 1), date_to=D(2025, 4, 30), today=D(2025, 5, 1))
    charted = measures.chart_measure("looked_after", analysis, programme_start=None)
    assert [p.value for p in charted.chart.points] == [0, 1, 0, 0]
    assert charted.counts == [3, 4, 4, 4]


def test_rare_counts_are_t_charts_and_common_ones_xmr():
    rows = [row(i, i, D(2024, 1, 1), D(2025, 1 + i % 12, 5), "S", "E45") for i in range(30)]
    analysis = analyse(rows, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31), today=D(2026, 1, 1))
    assert measures.chart_measure("exits_sgo", analysis, programme_start=None).chart.kind == (
        spc.XMR  # 2.5 a month
    )
    rare = [r for r in rows if r.child < 12]  # 1 a month
    analysis = analyse(rare, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31), today=D(2026, 1, 1))
    charted = measures.chart_measure("exits_sgo", analysis, programme_start=None)
    assert charted.chart.kind == spc.T
    assert [p.value for p in charted.chart.points][:3] == pytest.approx([31, 28, 31])  # days


# Outcomes, broken-down SGOs and rebases (the database) -----------------------------------------


@pytest.mark.django_db
def test_outcomes_within_12_months_of_an_exit_decision():
    team = TeamFactory(name="North")
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    children = []
    for i in range(3):
        child = child_with(child_id=f"O{i}", team=team)
        period(child, start=D(2024, 1, 1), end=D(2025, 2, 1), reason="E4A")
        children.append(child)
    now = clock.now()
    for child, kind, day in (
        (children[0], "referral", D(2025, 6, 1)),  # within 12 months
        (children[0], "section_47", D(2025, 7, 1)),
        (children[1], "child_protection", D(2026, 3, 1)),  # after the 12 months: not counted
    ):
        SocialCareEvent.objects.create(
            child=child, kind=kind, start_date=day, recorded_at=now, updated_at=now
        )
    with clock.frozen_at(D(2026, 7, 1)):
        analysis = exits_analysis(user=lead, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31))
        events = events_after_exit(user=lead, analysis=analysis)
        page = dashboard.build(analysis, programme_start=None, events=events)
    outcomes = page.get("outcomes")
    home = next(r for r in outcomes.rows if r[0].startswith("Returned home as part"))
    assert home[1:] == [3, 1, 1, 0, 1]
    assert "3 exit decisions whose 12 months have run, 1 were followed" in outcomes.sentence


@pytest.mark.django_db
def test_a_broken_down_sgo_is_tied_to_the_order():
    team = TeamFactory(name="North")
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    ours = child_with(child_id="T1", team=team)
    period(ours, start=D(2022, 1, 1), end=D(2024, 3, 1), reason="E45")
    period(ours, start=D(2025, 5, 1))
    PreviousPermanenceRecord.objects.create(
        child=ours, previous_permanence="P2", date_of_permanence="01/03/2024"
    )
    elsewhere = child_with(child_id="T2", team=team)
    period(elsewhere, start=D(2025, 6, 1))
    PreviousPermanenceRecord.objects.create(
        child=elsewhere, previous_permanence="P2", date_of_permanence="zz/zz/2019"
    )
    with clock.frozen_at(D(2026, 7, 1)):
        analysis = exits_analysis(user=lead, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31))
        page = dashboard.build(analysis, programme_start=None)
    tied = page.get("sgo-breakdowns-tied")
    assert [r[1] for r in tied.rows] == [2, 1, 1]
    assert tied.rows[1][2] == "14"  # 1 March 2024 to 1 May 2025: 14 months


@pytest.mark.django_db
def test_a_rebase_is_recorded_by_the_lead_and_withdrawn():
    lead = UserFactory(username="lead", roles=["assurance_lead"])
    rebase = services.rebase_record(
        actor=lead, measure="exits_sgo", start=D(2026, 3, 17), reason="The SGO panel began."
    )
    assert rebase.start == D(2026, 3, 1)
    assert rebases_by_measure() == {"exits_sgo": [D(2026, 3, 1)]}
    assert DomainEvent.objects.filter(verb="insights_rebase.recorded").count() == 1
    with pytest.raises(ValidationError):
        services.rebase_record(actor=lead, measure="nothing", start=D(2026, 3, 1), reason="")
    with pytest.raises(PermissionDenied):
        services.rebase_record(
            actor=UserFactory(username="dir", roles=["director"]),
            measure="exits_sgo",
            start=D(2026, 3, 1),
            reason="x",
        )
    services.rebase_withdraw(actor=lead, rebase=rebase)
    assert rebases_by_measure() == {}
    with pytest.raises(ValidationError):
        services.rebase_withdraw(actor=lead, rebase=rebase)
    assert dt.date(2026, 3, 1) == rebase.start
