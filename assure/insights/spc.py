"""Statistical process control as NHS England's "Making Data Count" (MDC) does it.

Pure functions over lists of numbers, so every measure is charted by one definition and the
rules are tested on hand-worked series (tests/test_spc.py).

**Charts.**

- `xmr`: individuals and moving range. The centre line is the mean of the phase's points;
  sigma is the mean moving range divided by 1.128, so the process limits (three sigma) are
  the mean plus or minus 2.66 mean moving ranges, and the two-sigma lines are two thirds of
  the way out.
- `t`: time between rare events (days from one event to the next). The gaps are transformed
  to the power 1/3.6 (Nelson's transformation, which makes them near-normal), charted as XmR,
  and the mean and limits turned back into days. For a measure where fewer events are
  better, longer gaps are better: the caller flips the improvement direction.
- `g`: the number of opportunities (for example exits) between events; centre g-bar, sigma
  the square root of g-bar times (g-bar + 1) (the geometric distribution's).
- `p_prime` and `u_prime`: Laney's charts for a proportion or a rate whose denominators
  differ from point to point. Each point's binomial (or Poisson) sigma is widened by sigma-z,
  the mean moving range of the points' z-scores over 1.128, so the limits allow for the
  variation between months that large denominators otherwise make look special.

**Rules** (each flags the points that make it):

- `outside_limits`: a point above the upper or below the lower process limit;
- `shift`: seven or more points in a row on the same side of the mean (a point on the mean
  breaks the run);
- `trend`: seven or more points in a row each higher than the one before, or each lower (an
  equal neighbour breaks it);
- `two_of_three`: two of three points in a row beyond the same two-sigma line (the points
  beyond it are flagged).

The rules are applied within each phase of limits, so no run or trend crosses a change of
limits.

**Phases.** The limits are worked out from a baseline and carried forward, so that a change
after the programme start shows as the signals it makes, not as new limits that absorb it.
The baseline is the points before the programme start when there are at least
`MIN_BASELINE` of them; otherwise (or with no programme start) the limits are worked out from
every point. A **rebase** (new limits from a point on) is made only where one has been
recorded and confirmed by a person, the chart shows a shift beginning within the first seven
points of the new phase against the limits in force, and the new phase has at least
`MIN_PHASE` points; a recorded rebase that fails these is reported, not applied.

**Variation now, and assurance** (MDC's two icons). "Now" is the latest point, as MDC's
variation icon reads it, and this is the one rule for every place that says whether a chart
has moved: the icon, the sentence under the chart, the list of charts that moved and the
page's summary. The latest point carries a signal when it breaks a rule itself or belongs to
the points that make one (a run of seven on one side of the mean or seven rising or falling
that reaches it, or two of three beyond a two-sigma line of which it is one). Its variation
is then `improvement` or `concern` by the measure's improvement direction and whether the
signal is high or low, or `neither` for a measure with no direction; otherwise it is
`common_cause`, whatever earlier points did: a special cause before the latest point is
history, named as such (`Chart.latest_signal`), not a change now (`signal_now`).

**The open interval** (a t chart's provisional point). On a t chart "now" is the latest event,
which may be months old, and the quiet time since has no point of its own. Making Data Count
shows it as an open (provisional) point: the days from the latest event to the end of the
range (`t_chart(open_days=...)`). It is only a least value of the next gap, which can only
grow, so it is judged by one rule alone: when it is already longer than the upper process
limit of the latest phase it is a point outside the limits, high (events have become rarer),
and it is then the signal now, ahead of the latest event (`signal_now`); within the limit it
signals nothing yet (it takes no part in runs, trends or two of three), and "now" is the
latest event as before.

Assurance needs a target and a direction: `pass` when the latest limits are all on the good
side of the target (it is met consistently), `fail` when they are all on the wrong side,
`hit_and_miss` when the target lies between them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

D2 = 1.128  # the moving-range bias constant: sigma = mean moving range / d2
SHIFT_LENGTH = 7
TREND_LENGTH = 7
MIN_BASELINE = 12
MIN_PHASE = 12
T_POWER = 3.6

XMR, T, G, P_PRIME, U_PRIME = "xmr", "t", "g", "p_prime", "u_prime"
CHARTS = (XMR, T, G, P_PRIME, U_PRIME)
OUTSIDE, SHIFT, TREND, TWO_OF_THREE = "outside_limits", "shift", "trend", "two_of_three"
RULES = (OUTSIDE, SHIFT, TREND, TWO_OF_THREE)
UP, DOWN = "up", "down"
COMMON, IMPROVEMENT, CONCERN, NEITHER = "common_cause", "improvement", "concern", "neither"
VARIATIONS = (COMMON, IMPROVEMENT, CONCERN, NEITHER)
PASS, FAIL, HIT_AND_MISS = "pass", "fail", "hit_and_miss"

RULE_TEXT = {
    OUTSIDE: "a point outside the process limits",
    SHIFT: "seven or more points in a row on one side of the mean",
    TREND: "seven or more points in a row each rising or each falling",
    TWO_OF_THREE: "two of three points in a row beyond the same two-sigma line",
}
VARIATION_TEXT = {
    COMMON: "Common cause variation",
    IMPROVEMENT: "Special cause variation: improvement",
    CONCERN: "Special cause variation: concern",
    NEITHER: "Special cause variation: neither improvement nor concern",
}
ASSURANCE_TEXT = {
    PASS: "The target is consistently met",
    FAIL: "The target is consistently missed",
    HIT_AND_MISS: "The target will be met and missed at random",
}


@dataclass(frozen=True)
class Point:
    index: int
    value: float
    mean: float
    lower: float | None  # None where the phase cannot set limits (fewer than two points)
    upper: float | None
    phase: int
    signals: tuple[str, ...] = ()
    side: str = ""  # "high" or "low": which way the point's signals point, "" with none
    sigma_lower: float | None = None  # the two-sigma lines
    sigma_upper: float | None = None
    open: bool = False  # a t chart's open interval: provisional, a least value of the next gap

    @property
    def special(self) -> bool:
        return bool(self.signals)


@dataclass(frozen=True)
class Phase:
    start: int  # index of its first point
    mean: float
    lower: float | None
    upper: float | None
    points: int  # how many points the limits were worked out from


@dataclass(frozen=True)
class Rebase:
    index: int
    applied: bool
    reason: str


@dataclass
class Chart:
    kind: str
    improvement: str | None
    points: list[Point]
    phases: list[Phase]
    target: float | None = None
    rebases: list[Rebase] = field(default_factory=list)
    baseline_points: int = 0
    carried_forward: bool = False  # limits from the points before the programme start
    open_point: Point | None = None  # a t chart's open interval, after `points`

    @property
    def variation(self) -> str:
        return variation_of(self.points, self.improvement, open_point=self.open_point)

    @property
    def assurance(self) -> str | None:
        return assurance_of(self.points, self.improvement, self.target)

    def latest_signal(self) -> Point | None:
        """The most recent point with a signal, however long ago (for the record: whether
        the chart has moved is `signal_now`)."""
        ordered = [*self.points, *([self.open_point] if self.open_point else [])]
        return next((p for p in reversed(ordered) if p.special), None)

    def signal_now(self) -> Point | None:
        return signal_now(self.points, open_point=self.open_point)

    @property
    def moved(self) -> bool:
        """Whether the chart shows special cause variation now (at its latest point, or its
        open interval beyond the upper limit)."""
        return self.signal_now() is not None

    def meaning(self, side: str) -> str:
        """What a high or low signal means for this measure: improvement, concern or
        neither."""
        if self.improvement is None or not side:
            return NEITHER
        good = "high" if self.improvement == UP else "low"
        return IMPROVEMENT if side == good else CONCERN


def signal_now(points: Sequence[Point], *, open_point: Point | None = None) -> Point | None:
    """The special cause now (the one rule for "now"; see the module's docstring): a t
    chart's open interval when it is already beyond the upper limit, else the latest point
    when it carries a signal."""
    if open_point is not None and open_point.special:
        return open_point
    last = points[-1] if points else None
    return last if last is not None and last.special else None


def variation_of(
    points: Sequence[Point], improvement: str | None, *, open_point: Point | None = None
) -> str:
    """MDC's variation now, from the signal now and the measure's direction."""
    now = signal_now(points, open_point=open_point)
    if now is None:
        return COMMON
    if improvement is None:
        return NEITHER
    good = "high" if improvement == UP else "low"
    return IMPROVEMENT if now.side == good else CONCERN


def assurance_of(
    points: Sequence[Point], improvement: str | None, target: float | None
) -> str | None:
    if target is None or improvement is None or not points:
        return None
    last = points[-1]
    if last.lower is None or last.upper is None:
        return None
    if improvement == UP:
        return PASS if last.lower > target else FAIL if last.upper < target else HIT_AND_MISS
    return PASS if last.upper < target else FAIL if last.lower > target else HIT_AND_MISS


# Limits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Limits:
    """A phase's limits as a function of the point: constant for XmR, t and g; per point
    (by its denominator) for p' and u'."""

    mean: float
    sigmas: tuple[float | None, ...]  # one sigma per point of the series (None: no limits)
    floor: float | None = None  # the lowest a value can be (0 for counts)
    ceiling: float | None = None  # the highest (1 for a proportion)
    points: int = 0

    def line(self, index: int, k: float) -> float | None:
        sigma = self.sigmas[index]
        if sigma is None:
            return None
        value = self.mean + k * sigma
        if self.floor is not None:
            value = max(value, self.floor)
        if self.ceiling is not None:
            value = min(value, self.ceiling)
        return value


def _moving_range_sigma(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    return statistics.fmean(ranges) / D2


def _xmr_limits(base: Sequence[float], length: int) -> _Limits:
    sigma = _moving_range_sigma(base)
    return _Limits(statistics.fmean(base), (sigma,) * length, points=len(base))


def _g_limits(base: Sequence[float], length: int) -> _Limits:
    mean = statistics.fmean(base)
    return _Limits(mean, (math.sqrt(mean * (mean + 1)),) * length, floor=0.0, points=len(base))


def _laney_limits(
    counts: Sequence[float],
    sizes: Sequence[float],
    base: Sequence[int],
    *,
    proportion: bool,
) -> _Limits:
    """Laney p' (proportion) or u' (rate) limits from the points indexed by `base`."""
    total_x = sum(counts[i] for i in base)
    total_n = sum(sizes[i] for i in base)
    centre = total_x / total_n if total_n else 0.0

    def sigma_of(n: float) -> float:
        spread = centre * (1 - centre) if proportion else centre
        return math.sqrt(spread / n) if n > 0 and spread > 0 else 0.0

    z = [
        (counts[i] / sizes[i] - centre) / sigma_of(sizes[i]) for i in base if sigma_of(sizes[i]) > 0
    ]
    sigma_z = _moving_range_sigma(z)
    sigmas = tuple(None if sigma_z is None else sigma_of(n) * sigma_z for n in sizes)
    return _Limits(centre, sigmas, floor=0.0, ceiling=1.0 if proportion else None, points=len(base))


# Rules -------------------------------------------------------------------------------------


def _side(value: float, mean: float) -> int:
    return (value > mean) - (value < mean)


def _rules(
    values: Sequence[float],
    limits: Sequence[tuple[float, float | None, float | None, float | None, float | None]],
) -> list[dict[str, int]]:
    """The signals of a run of points judged against one phase's limits: for each point, a
    {rule: direction} map (+1 high, -1 low). `limits` holds (mean, lower, upper, sigma
    lower, sigma upper) for each point."""
    flags: list[dict[str, int]] = [{} for _ in values]
    mean = limits[0][0] if limits else 0.0
    for i, (value, (_, lower, upper, _, _)) in enumerate(zip(values, limits, strict=True)):
        if upper is not None and value > upper:
            flags[i][OUTSIDE] = 1
        elif lower is not None and value < lower:
            flags[i][OUTSIDE] = -1
    # shift: a run of SHIFT_LENGTH or more strictly on one side
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or _side(values[end], mean) != _side(values[start], mean):
            side = _side(values[start], mean)
            if side and end - start >= SHIFT_LENGTH:
                for i in range(start, end):
                    flags[i][SHIFT] = side
            start = end
    # trend: TREND_LENGTH points, TREND_LENGTH - 1 equal non-zero steps
    steps = [_side(b, a) for a, b in zip(values, values[1:], strict=False)]
    start = 0
    for end in range(1, len(steps) + 1):
        if end < len(steps) and steps[end] == steps[start]:
            continue
        if steps[start] and end - start + 1 >= TREND_LENGTH:
            for i in range(start, end + 1):
                flags[i][TREND] = steps[start]
        start = end
    # two of three beyond the same two-sigma line
    for first in range(len(values) - 2):
        window = range(first, first + 3)
        for side in (1, -1):
            beyond = [i for i in window if _beyond(values[i], limits[i], side)]
            if len(beyond) >= 2:
                for i in beyond:
                    flags[i][TWO_OF_THREE] = side
    return flags


def _beyond(value: float, limit: tuple, side: int) -> bool:
    _, _, _, sigma_lower, sigma_upper = limit
    if side > 0:
        return sigma_upper is not None and value > sigma_upper
    return sigma_lower is not None and value < sigma_lower


_PRIORITY = (OUTSIDE, TWO_OF_THREE, SHIFT, TREND)


def _direction(flags: dict[str, int]) -> str:
    for rule in _PRIORITY:
        if rule in flags:
            return "high" if flags[rule] > 0 else "low"
    return ""


# Charting ----------------------------------------------------------------------------------


def _judge(
    values: Sequence[float],
    phases: Sequence[tuple[int, _Limits]],
    *,
    transform: object = None,
) -> list[Point]:
    """Points judged phase by phase; `transform` (for the t chart) maps the internal scale
    back to the values' own."""
    back = transform if callable(transform) else (lambda v: v)
    points: list[Point] = []
    for number, (start, limits) in enumerate(phases):
        end = phases[number + 1][0] if number + 1 < len(phases) else len(values)
        lines = [
            (
                limits.mean,
                limits.line(i, -3),
                limits.line(i, 3),
                limits.line(i, -2),
                limits.line(i, 2),
            )
            for i in range(start, end)
        ]
        flags = _rules(values[start:end], lines)
        for offset, (flag, line) in enumerate(zip(flags, lines, strict=True)):
            i = start + offset
            points.append(
                Point(
                    index=i,
                    value=back(values[i]),
                    mean=back(line[0]),
                    lower=None if line[1] is None else back(line[1]),
                    upper=None if line[2] is None else back(line[2]),
                    phase=number,
                    signals=tuple(r for r in RULES if r in flag),
                    side=_direction(flag),
                    sigma_lower=None if line[3] is None else back(line[3]),
                    sigma_upper=None if line[4] is None else back(line[4]),
                )
            )
    return points


def _baseline(length: int, programme_start: int | None) -> tuple[int, bool]:
    """How many leading points set the first limits, and whether they are the points before
    the programme start (carried forward) or every point."""
    if programme_start is not None and MIN_BASELINE <= programme_start < length:
        return programme_start, True
    return length, False


def _phased(
    values: Sequence[float],
    limits_from: object,
    *,
    programme_start: int | None,
    rebases: Sequence[int],
    transform: object = None,
) -> tuple[list[Point], list[tuple[int, _Limits]], list[Rebase], int, bool]:
    """Limits from the baseline, carried forward, with each recorded rebase checked. Each
    phase after a rebase takes its limits from its own points."""
    make = limits_from  # (start, end) -> _Limits
    n = len(values)
    base_end, carried = _baseline(n, programme_start)

    def build(boundaries: list[int]) -> list[tuple[int, _Limits]]:
        phases = []
        for k, start in enumerate(boundaries):
            end = boundaries[k + 1] if k + 1 < len(boundaries) else n
            first, last = (0, min(base_end, end)) if k == 0 else (start, end)
            phases.append((start, make(first, last)))  # type: ignore[operator]
        return phases

    boundaries, outcomes = [0], []
    for index in sorted(set(rebases)):
        if index <= boundaries[-1] or index >= n:
            outcomes.append(Rebase(index, False, "not inside the series"))
            continue
        if n - index < MIN_PHASE:
            outcomes.append(Rebase(index, False, f"fewer than {MIN_PHASE} points from it"))
            continue
        judged = _judge(values, build(boundaries), transform=transform)
        if not any(SHIFT in p.signals for p in judged[index : index + SHIFT_LENGTH]):
            outcomes.append(
                Rebase(index, False, "no shift begins there against the limits in force")
            )
            continue
        boundaries.append(index)
        outcomes.append(Rebase(index, True, "a confirmed shift"))
    phases = build(boundaries)
    return (
        _judge(values, phases, transform=transform),
        phases,
        outcomes,
        phases[0][1].points,
        carried,
    )


def _chart(
    kind: str,
    values: Sequence[float],
    limits_from: object,
    *,
    improvement: str | None,
    programme_start: int | None,
    rebases: Sequence[int],
    target: float | None,
    transform: object = None,
) -> Chart:
    if not values:
        return Chart(kind=kind, improvement=improvement, points=[], phases=[], target=target)
    points, phases, outcomes, base, carried = _phased(
        values,
        limits_from,
        programme_start=programme_start,
        rebases=rebases,
        transform=transform,
    )
    back = transform if callable(transform) else (lambda v: v)
    summary = []
    for start, limits in phases:
        first = next(p for p in points if p.index == start)
        summary.append(
            Phase(
                start=start,
                mean=back(limits.mean),
                lower=first.lower if kind in (XMR, T, G) else _typical(limits, -3, back),
                upper=first.upper if kind in (XMR, T, G) else _typical(limits, 3, back),
                points=limits.points,
            )
        )
    return Chart(
        kind=kind,
        improvement=improvement,
        points=points,
        phases=summary,
        target=target,
        rebases=outcomes,
        baseline_points=base,
        carried_forward=carried,
    )


def _typical(limits: _Limits, k: float, back: object) -> float | None:
    """A varying limit summarised at the phase's mean sigma (p' and u')."""
    sigmas = [s for s in limits.sigmas if s is not None]
    if not sigmas:
        return None
    typical = _Limits(limits.mean, (statistics.fmean(sigmas),), limits.floor, limits.ceiling)
    return typical.line(0, k)


def xmr(
    values: Sequence[float],
    *,
    improvement: str | None = None,
    programme_start: int | None = None,
    rebases: Sequence[int] = (),
    target: float | None = None,
) -> Chart:
    """An XmR chart. `programme_start` is the index of the first point from the start;
    `rebases` the indexes of recorded, confirmed rebases."""
    values = [float(v) for v in values]
    return _chart(
        XMR,
        values,
        lambda a, b: _xmr_limits(values[a:b], len(values)),
        improvement=improvement,
        programme_start=programme_start,
        rebases=rebases,
        target=target,
    )


def t_chart(
    gaps: Sequence[float],
    *,
    improvement: str | None = None,
    programme_start: int | None = None,
    rebases: Sequence[int] = (),
    open_days: float | None = None,
) -> Chart:
    """A t chart of the days between successive events (each gap at least a day: two events
    on one day are a gap of zero, kept as zero). `open_days`, the days from the latest event
    to the end of the range, makes the open interval (`Chart.open_point`) when above zero."""
    inner = [float(g) ** (1 / T_POWER) for g in gaps]
    chart = _chart(
        T,
        inner,
        lambda a, b: _floored(_xmr_limits(inner[a:b], len(inner))),
        improvement=improvement,
        programme_start=programme_start,
        rebases=rebases,
        target=None,
        transform=lambda v: max(v, 0.0) ** T_POWER,
    )
    if open_days is not None and open_days > 0 and chart.points:
        chart.open_point = open_point(chart.points[-1], float(open_days))
    return chart


def open_point(last: Point, days: float) -> Point:
    """The open interval after the latest point `last`, judged against its phase's limits
    (carried on: no new event has changed them). Only the upper limit can be crossed for
    certain by a gap still growing, so that is the only signal it can make."""
    beyond = last.upper is not None and days > last.upper
    return Point(
        index=last.index + 1,
        value=days,
        mean=last.mean,
        lower=last.lower,
        upper=last.upper,
        phase=last.phase,
        signals=(OUTSIDE,) if beyond else (),
        side="high" if beyond else "",
        sigma_lower=last.sigma_lower,
        sigma_upper=last.sigma_upper,
        open=True,
    )


def _floored(limits: _Limits) -> _Limits:
    return _Limits(limits.mean, limits.sigmas, floor=0.0, points=limits.points)


def g_chart(
    between: Sequence[float],
    *,
    improvement: str | None = None,
    programme_start: int | None = None,
    rebases: Sequence[int] = (),
) -> Chart:
    """A g chart of the opportunities between successive events."""
    values = [float(v) for v in between]
    return _chart(
        G,
        values,
        lambda a, b: _g_limits(values[a:b], len(values)),
        improvement=improvement,
        programme_start=programme_start,
        rebases=rebases,
        target=None,
    )


def laney(
    counts: Sequence[float],
    sizes: Sequence[float],
    *,
    proportion: bool,
    improvement: str | None = None,
    programme_start: int | None = None,
    rebases: Sequence[int] = (),
    target: float | None = None,
) -> Chart:
    """Laney's p' (`proportion`) or u' chart of counts over denominators. Every size must be
    above zero: the caller leaves out points with nothing to divide by."""
    if any(n <= 0 for n in sizes):
        raise ValueError("Every denominator must be above zero.")
    x, n = [float(c) for c in counts], [float(s) for s in sizes]
    values = [a / b for a, b in zip(x, n, strict=True)]
    return _chart(
        P_PRIME if proportion else U_PRIME,
        values,
        lambda a, b: _laney_limits(x, n, range(a, b), proportion=proportion),
        improvement=improvement,
        programme_start=programme_start,
        rebases=rebases,
        target=target,
    )
