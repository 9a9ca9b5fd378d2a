"""The exits page's SPC parts against hand-made series: whether a chart has moved, its
variation and its sentence are read by one rule (Making Data Count's "now", the latest
point), so the list of charts that moved, the chart's own words and the summary agree."""

import datetime as dt

import pytest

from assure.insights import dashboard, measures, spc
from assure.insights.exits import EpisodeRow, analyse

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


# A rare event's open interval: the days since the latest event, up to today or the end of
# the range, against the upper limit.

D = dt.date
NOW = dt.datetime(2026, 7, 1, 9, tzinfo=dt.UTC)
NEITHER = "a real change (neither better nor worse by itself)"


def adoptions(
    *, date_to: dt.date, today: dt.date, records_to: dt.date | None = None
) -> dashboard.Page:
    """Thirteen adoptions in 2025, 20 and 40 days apart in turn (upper limit 126.9 days), the
    last on 31 December 2025; then none."""
    days = [D(2025, 1, 5)]
    for gap in [20, 40] * 6:
        days.append(days[-1] + dt.timedelta(days=gap))
    rows = [EpisodeRow(n, n, D(2024, 1, 1), day, "S", "E11") for n, day in enumerate(days, 1)]
    analysis = analyse(
        rows, date_from=D(2025, 1, 1), date_to=date_to, today=today, records_to=records_to
    )
    return dashboard.build(analysis, programme_start=None)


def test_the_open_interval_stops_where_the_imported_records_stop():
    """Records imported on a return that runs to 1 April 2026 cannot say the quiet went on
    to 30 June: the open interval is 91 days, within the limit, not 181 beyond it."""
    page = adoptions(date_to=D(2026, 6, 30), today=D(2026, 7, 15), records_to=D(2026, 4, 1))
    m = page.get("exits-adoption")
    assert m.spc.open_to == D(2026, 4, 1) and not m.spc.chart.moved
    assert (
        "no event for 91 days, from 31 December 2025 to 1 April 2026 (as far as the imported "
        "records run), within the upper limit of 127 days"
    ) in m.sentence
    # Records that run past the range's end change nothing.
    later = adoptions(date_to=D(2026, 6, 30), today=D(2026, 7, 15), records_to=D(2026, 7, 1))
    assert later.get("exits-adoption").spc.open_to == D(2026, 6, 30)
    assert "imported records" not in later.get("exits-adoption").sentence


@pytest.mark.django_db
def test_records_run_as_far_as_their_latest_episode_once_they_come_from_imports():
    from assure.imports.models import ImportRun
    from assure.insights.selectors import records_run_to

    rows = [
        EpisodeRow(1, 1, D(2025, 1, 5), D(2026, 3, 20), "S", "E11"),
        EpisodeRow(2, 2, D(2026, 2, 3), None, "S", ""),
    ]
    assert records_run_to(rows) is None  # not imported: taken as up to date
    run = ImportRun.objects.create(kind="extract", status="applied", started_at=NOW)
    assert records_run_to(rows) is None  # extracts bring no episodes
    ImportRun.objects.create(kind="ssda903", status="rejected", started_at=NOW)
    assert records_run_to(rows) is None  # a refused return brought nothing
    run.kind = "ssda903"
    run.save()
    assert records_run_to(rows) == D(2026, 3, 20)
    assert records_run_to([]) is None


def test_an_open_interval_beyond_the_upper_limit_moved_the_chart_everywhere():
    # The range ends before today: the open interval runs to its end, 181 days.
    page = adoptions(date_to=D(2026, 6, 30), today=D(2026, 7, 15))
    m = page.get("exits-adoption")
    assert m.spc.chart.kind == spc.T and m.spc.open_to == D(2026, 6, 30)
    words = (
        "no event for 181 days, from 31 December 2025 to 30 June 2026, longer than the upper "
        "limit of 127 days: events have become rarer"
    )
    assert m.sentence == (
        f"Exits through adoption: special cause now: {words}, {NEITHER}. "
        "(Limits from all 12 points.)"
    )
    assert m.moved and m in page.moved and m.variation == spc.NEITHER
    assert m.now_text == words and m.open_text == words
    assert m.sentence in [f.text for f in page.findings]
    assert m.rows[-1] == [
        "Open, to 30 June 2026",
        181,
        "28.8",
        "2.2",
        "126.9",
        "a point outside the process limits (open: already longer than the upper limit)",
    ]
    assert len(m.rows) == 13  # twelve gaps between events, and the open one
    # Drawn apart: hollow, on a dashed line, labelled with its end and its days.
    assert m.chart.count('class="app-open-interval"') == 1
    assert "Open, to 30 June 2026" in m.chart and "181 days, outside limit" in m.chart
    assert 'fill="#ffffff" stroke="#4c2c92" stroke-width="2.5" stroke-dasharray="3 2"' in m.chart


def test_an_open_interval_within_the_upper_limit_is_said_but_is_not_a_move():
    page = adoptions(date_to=D(2026, 4, 30), today=D(2026, 7, 15))
    m = page.get("exits-adoption")
    assert not m.moved and m not in page.moved and m.variation == spc.COMMON
    assert m.sentence == (
        "Exits through adoption: common cause variation only (limits from all 12 points); no "
        "sign of a change. Since then, no event for 120 days, from 31 December 2025 to 30 "
        "April 2026, within the upper limit of 127 days."
    )
    assert m.now_text == "latest point, 31 December 2025"
    assert m.rows[-1][0] == "Open, to 30 April 2026" and m.rows[-1][1] == 120
    assert m.rows[-1][-1].startswith("None yet (open")
    assert "120 days" in m.chart and "outside limit" not in m.chart
    assert not any(f.anchor == "exits-adoption" for f in page.findings)


def test_the_open_interval_runs_to_today_inside_a_range_that_ends_later():
    page = adoptions(date_to=D(2026, 12, 31), today=D(2026, 5, 6))
    m = page.get("exits-adoption")
    assert m.spc.open_to == D(2026, 5, 6) and m.rows[-1][1] == 126
    assert not m.moved  # 126 days: still within 126.9
    later = adoptions(date_to=D(2026, 12, 31), today=D(2026, 5, 7)).get("exits-adoption")
    assert later.moved and later.rows[-1][1] == 127


def test_charts_of_counts_by_month_have_no_open_interval():
    m = measure(charted([*ALTERNATING, 10, 11, 9]))
    assert m.spc.chart.open_point is None and m.open_text == ""
