"""Making Data Count's charts and rules, against series worked by hand, and properties every
chart must have whatever the series (hypothesis)."""

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assure.insights import spc

ALTERNATING = [9.0, 11.0] * 6  # mean 10, every moving range 2: sigma 2 / 1.128


def flagged(chart: spc.Chart, rule: str) -> list[int]:
    return [p.index for p in chart.points if rule in p.signals]


def test_xmr_limits_are_three_sigma_from_the_mean_moving_range():
    chart = spc.xmr(ALTERNATING)
    sigma = 2 / 1.128
    (phase,) = chart.phases
    assert phase.mean == 10
    assert phase.upper == pytest.approx(10 + 3 * sigma)  # 2.66 mean moving ranges
    assert phase.lower == pytest.approx(10 - 3 * sigma)
    assert chart.points[0].sigma_upper == pytest.approx(10 + 2 * sigma)
    assert all(not p.signals for p in chart.points)
    assert chart.variation == spc.COMMON


def test_a_point_outside_the_limits():
    values = [*ALTERNATING, 20.0]
    # mean 140 / 13; moving ranges eleven of 2 and one of 9: mean 31 / 12
    mean, sigma = 140 / 13, (31 / 12) / 1.128
    chart = spc.xmr(values)
    assert chart.phases[0].upper == pytest.approx(mean + 3 * sigma)
    assert flagged(chart, spc.OUTSIDE) == [12]
    assert chart.points[12].side == "high"


def test_a_shift_of_seven_and_six_is_not_enough():
    seven = [5.0] * 7 + [1.0] * 7
    chart = spc.xmr(seven)
    assert flagged(chart, spc.SHIFT) == list(range(14))  # mean 3: both runs are seven
    six = [5.0] * 6 + [1.0] * 6
    assert flagged(spc.xmr(six), spc.SHIFT) == []


def test_a_point_on_the_mean_breaks_a_shift():
    # mean exactly 3: six above, one on the mean, six above, then seven below
    values = [4.0] * 6 + [3.0] + [4.0] * 6 + [1.0] * 5 + [2.0] * 2
    assert statistics.fmean(values) == 3.0
    chart = spc.xmr(values)
    assert flagged(chart, spc.SHIFT) == list(range(13, 20))


def test_a_trend_of_seven_rising_or_falling_and_ties_break_it():
    rising = [1.0, 2, 3, 4, 5, 6, 7]
    assert flagged(spc.xmr(rising), spc.TREND) == list(range(7))
    assert spc.xmr(rising).points[-1].side in ("high",)
    falling = list(reversed(rising))
    assert {spc.xmr(falling).points[i].side for i in range(7)} <= {"high", "low"}
    assert flagged(spc.xmr(falling), spc.TREND) == list(range(7))
    assert flagged(spc.xmr(rising[:6]), spc.TREND) == []
    tied = [1.0, 2, 3, 3, 4, 5, 6, 7]  # the tie splits it into 3 and 5 points
    assert flagged(spc.xmr(tied), spc.TREND) == []


def test_two_of_three_beyond_two_sigma_after_a_programme_start():
    # Baseline: 12 points alternating 10 and 14 (mean 12, sigma 4 / 1.128, two-sigma line
    # 19.09, upper limit 22.64), carried forward. Then 20 and 21 are beyond the two-sigma
    # line but inside the limits: two of three.
    baseline = [10.0, 14.0] * 6
    chart = spc.xmr([*baseline, 12.0, 20.0, 21.0, 12.0], programme_start=12)
    sigma = 4 / 1.128
    assert chart.carried_forward and chart.baseline_points == 12
    assert chart.points[13].sigma_upper == pytest.approx(12 + 2 * sigma)
    assert chart.points[13].upper == pytest.approx(12 + 3 * sigma)
    assert flagged(chart, spc.TWO_OF_THREE) == [13, 14]
    assert flagged(chart, spc.OUTSIDE) == []
    # one point beyond the line in three is not enough
    once = spc.xmr([*baseline, 12.0, 20.0, 12.0, 12.0], programme_start=12)
    assert flagged(once, spc.TWO_OF_THREE) == []


def test_baseline_limits_are_carried_forward_not_rephased():
    """The issue's case: a mean that rose after the programme start is a signal against the
    baseline's limits, where limits re-worked from the start would call it ordinary."""
    baseline = [18.0, 17.0, 19.0, 18.0, 18.0, 19.0, 17.0, 18.0, 19.0, 18.0, 17.0, 18.0]
    after = [23.0, 22.0, 24.0, 23.0, 22.0, 24.0, 23.0]
    chart = spc.xmr(baseline + after, programme_start=12)
    assert len(chart.phases) == 1 and chart.phases[0].points == 12
    assert all(p.mean == pytest.approx(statistics.fmean(baseline)) for p in chart.points)
    assert set(flagged(chart, spc.OUTSIDE)) == set(range(12, 19))
    assert set(flagged(chart, spc.SHIFT)) >= set(range(12, 19))


def test_a_short_baseline_is_not_a_phase():
    """Five points before the start cannot set limits: every point sets them instead."""
    values = [3.0, 4.0, 3.0, 4.0, 3.0, 8.0, 9.0, 8.0, 9.0, 8.0, 9.0, 8.0, 9.0]
    chart = spc.xmr(values, programme_start=5)
    assert not chart.carried_forward and chart.baseline_points == len(values)
    assert chart.phases[0].mean == pytest.approx(statistics.fmean(values))


def test_a_rebase_needs_a_confirmed_shift_and_twelve_points():
    baseline = [10.0, 12.0] * 6
    shifted = [20.0, 22.0] * 6  # 12 points at a new level
    chart = spc.xmr(baseline + shifted, programme_start=12, rebases=[12])
    assert [r.applied for r in chart.rebases] == [True]
    assert [p.start for p in chart.phases] == [0, 12]
    assert chart.phases[1].mean == 21
    assert not any(p.signals for p in chart.points[12:])  # judged against its own limits
    short = spc.xmr(baseline + shifted[:11], programme_start=12, rebases=[12])
    assert [(r.applied, r.reason) for r in short.rebases] == [
        (False, "fewer than 12 points from it")
    ]
    assert len(short.phases) == 1
    level = spc.xmr(baseline + baseline, programme_start=12, rebases=[12])
    assert not level.rebases[0].applied and len(level.phases) == 1


def test_t_chart_is_xmr_on_gaps_to_the_power_one_over_3_6():
    gaps = [10.0, 20.0] * 6
    y = [g ** (1 / 3.6) for g in gaps]
    mean_y = statistics.fmean(y)
    sigma_y = abs(y[1] - y[0]) / 1.128
    chart = spc.t_chart(gaps, improvement=spc.UP)
    (phase,) = chart.phases
    assert phase.mean == pytest.approx(mean_y**3.6)
    assert phase.upper == pytest.approx((mean_y + 3 * sigma_y) ** 3.6)
    assert phase.lower == pytest.approx(max(mean_y - 3 * sigma_y, 0) ** 3.6)
    assert [p.value for p in chart.points] == pytest.approx(gaps)
    long_gap = spc.t_chart([*gaps, 400.0], improvement=spc.UP)
    assert flagged(long_gap, spc.OUTSIDE) == [12]
    assert long_gap.variation == spc.IMPROVEMENT  # a long wait for a rare harm is good


# The open interval: the days since the latest event, judged against the upper limit alone.
RARE = [20.0, 40.0] * 6  # upper limit 126.9 days (the gaps to the power 1/3.6, as XmR)


def rare_upper() -> float:
    y = [g ** (1 / 3.6) for g in RARE]
    return (statistics.fmean(y) + 3 * abs(y[1] - y[0]) / 1.128) ** 3.6


@pytest.mark.parametrize(
    ("improvement", "variation"),
    [(spc.UP, spc.IMPROVEMENT), (spc.DOWN, spc.CONCERN), (None, spc.NEITHER)],
)
def test_an_open_interval_beyond_the_upper_limit_is_the_signal_now(improvement, variation):
    upper = rare_upper()
    assert upper == pytest.approx(126.94, abs=0.01)
    quiet = spc.t_chart(RARE, improvement=improvement, open_days=127)
    gap = quiet.open_point
    assert gap.open and gap.index == 12 and gap.value == 127
    assert gap.upper == pytest.approx(upper) and gap.mean == quiet.points[-1].mean
    assert gap.signals == (spc.OUTSIDE,) and gap.side == "high"
    assert quiet.signal_now() is gap and quiet.latest_signal() is gap
    assert quiet.moved and quiet.variation == variation
    # The closed points and their limits are the chart's without the open interval.
    plain = spc.t_chart(RARE, improvement=improvement)
    assert quiet.points == plain.points and plain.open_point is None
    assert not plain.moved


def test_an_open_interval_within_the_upper_limit_signals_nothing_yet():
    within = spc.t_chart(RARE, improvement=spc.UP, open_days=126)
    assert within.open_point.value == 126 and not within.open_point.special
    assert within.signal_now() is None and not within.moved
    assert within.variation == spc.COMMON
    # Beyond the two-sigma line (82.6 days), as the latest event is: no two of three is made
    # with it, for it or for the latest event.
    pair = spc.t_chart([*RARE, 100.0], open_days=120)
    assert pair.points[-1].sigma_upper < 100 and pair.open_point.sigma_upper < 120
    assert pair.points[-1].signals == () and pair.open_point.signals == ()


def test_the_latest_event_stays_now_while_the_open_interval_is_within_the_limit():
    # A short gap at the latest event (below the lower limit) is the signal now, and a
    # short open interval after it does not end it; one beyond the upper limit takes over.
    short = spc.t_chart([*RARE, 0.0], improvement=spc.UP, open_days=10)
    assert short.points[-1].signals == (spc.OUTSIDE,) and short.points[-1].side == "low"
    assert short.signal_now() is short.points[-1] and short.variation == spc.CONCERN
    long = spc.t_chart([*RARE, 0.0], improvement=spc.UP, open_days=400)
    assert long.signal_now() is long.open_point and long.variation == spc.IMPROVEMENT


def test_no_open_interval_without_days_or_events():
    assert spc.t_chart(RARE, open_days=0).open_point is None  # the latest event was today
    assert spc.t_chart(RARE, open_days=-3).open_point is None
    assert spc.t_chart([], open_days=50).open_point is None
    lone = spc.t_chart([30.0], open_days=500).open_point
    assert lone.upper is None and not lone.special  # no limits: nothing to be beyond


def test_g_chart_limits():
    chart = spc.g_chart([4.0] * 12)
    assert chart.phases[0].upper == pytest.approx(4 + 3 * math.sqrt(4 * 5))
    assert chart.phases[0].lower == 0  # floored


def test_laney_p_prime_widens_binomial_limits_by_sigma_z():
    counts = [5.0, 9.0, 6.0, 12.0, 7.0, 8.0]
    sizes = [50.0, 60.0, 40.0, 80.0, 70.0, 50.0]
    p = sum(counts) / sum(sizes)  # 47 / 350
    z = [(c / n - p) / math.sqrt(p * (1 - p) / n) for c, n in zip(counts, sizes, strict=True)]
    sigma_z = statistics.fmean(abs(b - a) for a, b in zip(z, z[1:], strict=False)) / 1.128
    chart = spc.laney(counts, sizes, proportion=True)
    for point, n in zip(chart.points, sizes, strict=True):
        assert point.mean == pytest.approx(p)
        assert point.upper == pytest.approx(p + 3 * math.sqrt(p * (1 - p) / n) * sigma_z)
        assert point.lower == pytest.approx(max(0, p - 3 * math.sqrt(p * (1 - p) / n) * sigma_z))
    assert chart.kind == spc.P_PRIME


def test_laney_u_prime():
    counts = [3.0, 5.0, 4.0, 6.0]
    sizes = [1.5, 2.0, 1.8, 2.2]  # looked after in hundreds: exits per 100
    u = sum(counts) / sum(sizes)
    z = [(c / n - u) / math.sqrt(u / n) for c, n in zip(counts, sizes, strict=True)]
    sigma_z = statistics.fmean(abs(b - a) for a, b in zip(z, z[1:], strict=False)) / 1.128
    chart = spc.laney(counts, sizes, proportion=False)
    assert chart.points[1].upper == pytest.approx(u + 3 * math.sqrt(u / 2.0) * sigma_z)
    assert chart.kind == spc.U_PRIME
    with pytest.raises(ValueError):
        spc.laney([1.0], [0.0], proportion=False)


@pytest.mark.parametrize(
    ("improvement", "variation"),
    [(spc.UP, spc.IMPROVEMENT), (spc.DOWN, spc.CONCERN), (None, spc.NEITHER)],
)
def test_variation_reads_the_latest_point_and_the_direction(improvement, variation):
    chart = spc.xmr([*ALTERNATING, 20.0], improvement=improvement)
    assert chart.variation == variation
    earlier = spc.xmr([*ALTERNATING, 20.0, 10.0], improvement=improvement)
    assert earlier.latest_signal().index == 12
    assert earlier.variation == spc.COMMON  # the latest point is ordinary again


def test_now_is_the_latest_point_and_a_run_that_reaches_it():
    # Limits from the twelve alternating points, carried forward; then seven at 11.5, inside
    # every line but all above the mean: a shift, and the latest point is one of it.
    run = spc.xmr([*ALTERNATING, *[11.5] * 7], improvement=spc.UP, programme_start=12)
    assert run.points[-1].signals == (spc.SHIFT,)  # inside every line: the run alone
    assert run.signal_now() is run.points[-1]
    assert run.moved and run.variation == spc.IMPROVEMENT
    # One point back below the mean ends the run: the shift is history, not now.
    ended = spc.xmr([*ALTERNATING, *[11.5] * 7, 9.0], improvement=spc.UP, programme_start=12)
    assert ended.latest_signal().index == 18
    assert ended.signal_now() is None
    assert not ended.moved and ended.variation == spc.COMMON
    # A lone point outside the limits is now only while it is the latest point.
    spike = spc.xmr([*ALTERNATING, 20.0])
    assert spike.moved and spike.signal_now().index == 12
    assert not spc.xmr([*ALTERNATING, 20.0, 10.0]).moved
    assert not spc.xmr(ALTERNATING).moved and not spc.xmr([]).moved


def test_assurance_against_a_target():
    chart = spc.xmr(ALTERNATING, improvement=spc.UP, target=3)
    assert chart.assurance == spc.PASS  # lower limit 4.68 is above 3
    assert spc.xmr(ALTERNATING, improvement=spc.UP, target=10).assurance == spc.HIT_AND_MISS
    assert spc.xmr(ALTERNATING, improvement=spc.UP, target=20).assurance == spc.FAIL
    assert spc.xmr(ALTERNATING, improvement=spc.DOWN, target=20).assurance == spc.PASS
    assert spc.xmr(ALTERNATING, improvement=None, target=20).assurance is None
    assert spc.xmr(ALTERNATING, improvement=spc.UP).assurance is None


def test_edges_one_point_none_and_ties():
    assert spc.xmr([]).points == []
    (only,) = spc.xmr([4.0]).points
    assert only.upper is None and only.lower is None and not only.signals
    flat = spc.xmr([3.0] * 20)
    assert not any(p.signals for p in flat.points)  # on the mean: no run, no trend


# Properties --------------------------------------------------------------------------------

series = st.lists(st.integers(min_value=0, max_value=40), min_size=0, max_size=40)


def maximal_runs(values, key):
    """(start, end) of each maximal run of equal non-zero keys."""
    runs, start = [], 0
    for end in range(1, len(values) + 1):
        if end == len(values) or key(values[end]) != key(values[start]):
            if key(values[start]):
                runs.append((start, end))
            start = end
    return runs


@settings(max_examples=200, deadline=None)
@given(values=series, start=st.one_of(st.none(), st.integers(min_value=0, max_value=40)))
def test_every_flag_is_earned(values, start):
    chart = spc.xmr(values, programme_start=start)
    assert [p.index for p in chart.points] == list(range(len(values)))
    for p in chart.points:
        assert set(p.signals) <= set(spc.RULES)
        if spc.OUTSIDE in p.signals:
            assert p.value > p.upper or p.value < p.lower
        elif p.upper is not None:
            assert p.lower <= p.value <= p.upper
        if spc.TWO_OF_THREE in p.signals:
            beyond = [
                q
                for q in chart.points[max(p.index - 2, 0) : p.index + 3]
                if (p.side == "high" and q.value > q.sigma_upper)
                or (p.side == "low" and q.value < q.sigma_lower)
                or (spc.TWO_OF_THREE in q.signals and q is not p)
            ]
            assert len(beyond) >= 2
    # a shift flag marks exactly the maximal same-side runs of seven or more
    mean = chart.phases[0].mean if chart.phases else 0
    runs = maximal_runs(values, lambda v: (v > mean) - (v < mean))
    expected = {i for a, b in runs if b - a >= 7 for i in range(a, b)}
    if len(chart.phases) == 1:
        assert set(flagged(chart, spc.SHIFT)) == expected


@settings(max_examples=100, deadline=None)
@given(values=series, shift=st.integers(min_value=-20, max_value=20))
def test_moving_the_series_moves_the_limits_not_the_signals(values, shift):
    plain = spc.xmr(values)
    moved = spc.xmr([v + shift for v in values])
    assert [p.signals for p in plain.points] == [p.signals for p in moved.points]
    for a, b in zip(plain.points, moved.points, strict=True):
        assert b.mean == pytest.approx(a.mean + shift)


@settings(max_examples=100, deadline=None)
@given(values=series)
def test_turning_the_series_over_swaps_high_and_low(values):
    plain = spc.xmr(values, improvement=spc.UP)
    flipped = spc.xmr([-v for v in values], improvement=spc.DOWN)
    swap = {"high": "low", "low": "high", "": ""}
    assert [swap[p.side] for p in plain.points] == [p.side for p in flipped.points]
    assert plain.variation == flipped.variation


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=30),
    extra=st.integers(min_value=1, max_value=200),
)
def test_laney_limits_hold_every_proportion_in_zero_to_one(counts, extra):
    sizes = [c + extra for c in counts]
    chart = spc.laney(counts, sizes, proportion=True)
    for p in chart.points:
        assert 0 <= p.value <= 1
        if p.upper is not None:
            assert 0 <= p.lower <= p.mean <= p.upper <= 1
