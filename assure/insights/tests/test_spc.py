"""The XmR chart and the Making Data Count rules on constructed series."""

import pytest

from assure.insights import spc
from assure.insights.spc import xmr

# A stable, noisy series: no rule fires (checked below).
NOISE = [10, 12, 9, 11, 10, 13, 9, 11, 12, 10, 11, 9]


def signals(points) -> dict[int, tuple[str, ...]]:
    return {p.index: p.signals for p in points if p.signals}


def test_limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges():
    points = xmr([10, 14, 12, 16])
    # moving ranges 4, 2, 4 -> mean 10/3; mean 13
    assert points[0].mean == pytest.approx(13.0)
    assert points[0].upper == pytest.approx(13 + 2.66 * 10 / 3)
    assert points[0].lower == pytest.approx(13 - 2.66 * 10 / 3)


def test_noise_has_no_special_cause():
    assert signals(xmr(NOISE)) == {}


def test_a_point_beyond_the_upper_limit():
    points = xmr([*NOISE, 30])
    assert signals(points) == {12: ("above_upper",)}
    assert points[12].direction == "high"


def test_a_point_beyond_the_lower_limit():
    series = [50, 53, 47, 51, 49, 52, 48, 50, 20, 51, 49, 52]
    assert signals(xmr(series)) == {8: ("below_lower",)}


def test_a_run_of_seven_above_the_mean_and_six_is_not_enough():
    run = [8, 9, 8, 9, 8, 9, 8, 12, 11, 12, 11, 12, 11, 12]
    mean = sum(run) / len(run)
    assert all(v > mean for v in run[7:])
    assert signals(xmr(run)) == {
        **{i: ("run_below",) for i in range(7)},
        **{i: ("run_above",) for i in range(7, 14)},
    }
    six = [11, 11, 11, 9, 11, 9, 12, 13, 12, 13, 12, 13]
    assert not any("run_above" in p.signals for p in xmr(six))


def test_a_point_on_the_mean_breaks_a_run():
    series = [8, 8, 8, 10, 8, 8, 8, 12, 12, 12, 12, 12, 12]
    # the mean is exactly 10: the fourth point sits on it, so no run of seven below
    assert xmr(series)[0].mean == 10
    assert not any("run_below" in p.signals for p in xmr(series))


def test_a_trend_of_seven_rising_and_falling():
    rising = [10, 9, 10, 11, 12, 13, 14, 15, 16]  # 9 to 16: eight rising points
    found = signals(xmr(rising))
    assert [i for i, s in found.items() if "trend_up" in s] == [1, 2, 3, 4, 5, 6, 7, 8]
    falling = [20, 19, 18, 17, 16, 15, 14]
    assert all("trend_down" in p.signals for p in xmr(falling))


def test_six_rising_points_or_an_equal_step_is_not_a_trend():
    assert not any("trend_up" in p.signals for p in xmr([5, 1, 2, 3, 4, 5, 6, 2]))
    assert not any("trend_up" in p.signals for p in xmr([1, 2, 3, 3, 4, 5, 6, 7]))


@pytest.mark.parametrize("values", [[], [7], [7, 7], [3, 9]])
def test_edge_lengths(values):
    points = xmr(values)
    assert [p.value for p in points] == values
    assert all(not p.signals for p in points)
    if len(values) == 1:
        assert (points[0].mean, points[0].upper, points[0].lower) == (7, None, None)
    if values == [7, 7]:
        assert (points[0].upper, points[0].lower) == (7, 7)  # no variation: flat limits


def test_limits_recalculated_from_the_programme_start():
    before = [10, 12, 9, 11, 10, 13, 9, 11]
    after = [20, 22, 19, 21, 20, 23]
    points = xmr(before + after, phase_start=len(before))
    assert {p.phase for p in points[:8]} == {0} and {p.phase for p in points[8:]} == {1}
    assert points[0].mean == pytest.approx(sum(before) / 8)
    assert points[8].mean == pytest.approx(sum(after) / 6)
    assert signals(points) == {}  # each phase is stable against its own limits
    one_phase = xmr(before + after)
    assert any(p.signals for p in one_phase)  # against one set of limits it is a shift


def test_phase_start_out_of_range_means_one_phase():
    assert {p.phase for p in xmr(NOISE, phase_start=len(NOISE))} == {0}
    assert {p.phase for p in xmr(NOISE, phase_start=0)} == {0}


def test_signal_text_covers_every_signal():
    assert set(spc.SIGNAL_TEXT) == {
        "above_upper",
        "below_lower",
        "run_above",
        "run_below",
        "trend_up",
        "trend_down",
    }
