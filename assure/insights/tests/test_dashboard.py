"""The exits page's SPC parts against hand-made series: whether a chart has moved, its
variation and its sentence are read by one rule (Making Data Count's "now", the latest
point), so the list of charts that moved, the chart's own words and the summary agree."""

import datetime as dt

import pytest

from assure.insights import dashboard, measures, spc

ALTERNATING = [9.0, 11.0] * 6  # mean 10, sigma 2 / 1.128: limits about 4.7 to 15.3
BASE = "(Limits from the 12 points before the programme start, carried forward.)"


def charted(values: list[float], *, improvement: str | None = None) -> measures.MeasureChart:
    """Entries to care by month from January 2025, limits from the first twelve months."""
    starts = [dt.date(2025 + i // 12, i % 12 + 1, 1) for i in range(len(values))]
    return measures.MeasureChart(
        spec=measures.SPECS["entries"],
        chart=spc.xmr(values, improvement=improvement, programme_start=12),
        period_starts=starts,
        labels=[f"{s:%B %Y}" for s in starts],
        counts=[int(v) for v in values],
        programme_start=dt.date(2026, 1, 1),
    )


def measure(chart: measures.MeasureChart) -> dashboard.Measure:
    sentence = dashboard.describe(chart)
    return dashboard.Measure(
        slug="entries", title="Entries", headers=[], rows=[], chart="", sentence=sentence, spc=chart
    )


def test_an_old_special_cause_is_history_not_a_move():
    # August 2026 is far outside the limits; the three months after it are ordinary.
    m = measure(charted([*ALTERNATING, 10, 11, 9, 10, 11, 9, 10, 40, 10, 9, 11]))
    assert not m.moved
    assert m.variation == spc.COMMON and m.variation_text == "Common cause variation"
    assert m.sentence == (
        "Entries to care: common cause variation at the latest point, November 2026: no sign "
        "of a change now. The last special cause was earlier, August 2026 (a point outside the "
        f"process limits, high). {BASE}"
    )


def test_a_special_cause_at_the_latest_point_moved_and_says_so():
    m = measure(charted([*ALTERNATING, 10, 11, 9, 10, 11, 9, 10, 10, 9, 11, 40]))
    assert m.moved
    assert m.variation == spc.NEITHER
    assert m.latest_label == "November 2026"
    assert m.sentence == (
        "Entries to care: special cause at the latest point, November 2026 (a point outside "
        "the process limits, high): a real change (neither better nor worse by itself). "
        f"{BASE}"
    )


@pytest.mark.parametrize(
    ("improvement", "variation", "meaning"),
    [
        (spc.DOWN, spc.IMPROVEMENT, "an improvement"),
        (spc.UP, spc.CONCERN, "a concern"),
    ],
)
def test_a_run_that_reaches_the_latest_point_is_a_move_now(improvement, variation, meaning):
    # Seven months at 8, inside every line but below the mean: a shift, low, to the end.
    m = measure(charted([*ALTERNATING, *[8.0] * 7], improvement=improvement))
    assert m.spc.chart.points[-1].signals == (spc.SHIFT,)
    assert m.moved and m.variation == variation
    assert m.sentence.startswith(
        "Entries to care: special cause at the latest point, July 2026 (seven or more points "
        f"in a row on one side of the mean, low): {meaning}."
    )
    # The month after goes back above the mean: the run ended, and every place says so.
    ended = measure(charted([*ALTERNATING, *[8.0] * 7, 12.0], improvement=improvement))
    assert not ended.moved and ended.variation == spc.COMMON
    assert "common cause variation at the latest point, August 2026" in ended.sentence
    assert "The last special cause was earlier, July 2026" in ended.sentence


def test_no_special_cause_at_all():
    m = measure(charted([*ALTERNATING, 10, 11, 9]))
    assert not m.moved and m.variation == spc.COMMON
    assert m.sentence == (
        "Entries to care: common cause variation only (limits from the 12 points before the "
        "programme start, carried forward); no sign of a change."
    )
