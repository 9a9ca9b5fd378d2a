"""Statistical process control: XmR charts with NHS England "Making Data Count" rules.

Pure functions over a list of numbers, so that any measure can be charted and the rules are
tested on constructed series.

- Limits: the mean plus or minus 2.66 times the mean moving range (the three-sigma
  equivalent for an XmR chart).
- Special causes: a point beyond a limit; a run of seven or more points on one side of the
  mean (a point on the mean breaks a run); a trend of seven or more points each higher (or
  lower) than the one before (an equal neighbour breaks a trend).
- Phases: limits can be recalculated from a programme start: the points before it are the
  baseline phase, the points from it on a second phase with their own mean and limits. The
  rules are applied within each phase, against that phase's mean and limits.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

SIGMA_FACTOR = 2.66
RUN_LENGTH = 7
TREND_LENGTH = 7

ABOVE_UPPER = "above_upper"
BELOW_LOWER = "below_lower"
RUN_ABOVE = "run_above"
RUN_BELOW = "run_below"
TREND_UP = "trend_up"
TREND_DOWN = "trend_down"
SIGNAL_TEXT = {
    ABOVE_UPPER: "above the upper process limit",
    BELOW_LOWER: "below the lower process limit",
    RUN_ABOVE: "a run of seven or more points above the mean",
    RUN_BELOW: "a run of seven or more points below the mean",
    TREND_UP: "a trend of seven or more rising points",
    TREND_DOWN: "a trend of seven or more falling points",
}
HIGH_SIGNALS = frozenset({ABOVE_UPPER, RUN_ABOVE, TREND_UP})


@dataclass(frozen=True)
class Point:
    index: int
    value: float
    phase: int
    mean: float
    upper: float | None  # None when the phase has a single point (no moving range)
    lower: float | None
    signals: tuple[str, ...]

    @property
    def special(self) -> bool:
        return bool(self.signals)

    @property
    def direction(self) -> str:
        """ "high", "low" or "" for the chart's marker shape."""
        if not self.signals:
            return ""
        return "high" if any(s in HIGH_SIGNALS for s in self.signals) else "low"


def limits(values: Sequence[float]) -> tuple[float, float | None, float | None]:
    """Mean, upper and lower process limits of one phase."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, None, None
    moving_ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    spread = SIGMA_FACTOR * statistics.fmean(moving_ranges)
    return mean, mean + spread, mean - spread


def _mark_runs(values: Sequence[float], mean: float, flags: list[set[str]]) -> None:
    def side(v: float) -> int:
        return (v > mean) - (v < mean)

    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or side(values[end]) != side(values[start]):
            if side(values[start]) and end - start >= RUN_LENGTH:
                label = RUN_ABOVE if side(values[start]) > 0 else RUN_BELOW
                for i in range(start, end):
                    flags[i].add(label)
            start = end


def _mark_trends(values: Sequence[float], flags: list[set[str]]) -> None:
    # steps[i] is the direction from point i to point i + 1; a trend of n points is n - 1
    # equal, non-zero steps in a row.
    steps = [(b > a) - (b < a) for a, b in zip(values, values[1:], strict=False)]
    start = 0
    for end in range(1, len(steps) + 1):
        if end < len(steps) and steps[end] == steps[start]:
            continue
        if steps[start] and end - start + 1 >= TREND_LENGTH:
            label = TREND_UP if steps[start] > 0 else TREND_DOWN
            for i in range(start, end + 1):
                flags[i].add(label)
        start = end


def _phase(values: Sequence[float], offset: int, phase: int) -> list[Point]:
    mean, upper, lower = limits(values)
    flags: list[set[str]] = [set() for _ in values]
    for i, value in enumerate(values):
        if upper is not None and value > upper:
            flags[i].add(ABOVE_UPPER)
        if lower is not None and value < lower:
            flags[i].add(BELOW_LOWER)
    _mark_runs(values, mean, flags)
    _mark_trends(values, flags)
    order = list(SIGNAL_TEXT)
    return [
        Point(
            index=offset + i,
            value=value,
            phase=phase,
            mean=mean,
            upper=upper,
            lower=lower,
            signals=tuple(sorted(flags[i], key=order.index)),
        )
        for i, value in enumerate(values)
    ]


def xmr(values: Sequence[float], *, phase_start: int | None = None) -> list[Point]:
    """The XmR chart of a series. `phase_start` is the index of the first point from the
    programme start: limits are recalculated from there (None or 0: one phase)."""
    values = [float(v) for v in values]
    if not values:
        return []
    if not phase_start or phase_start >= len(values):
        return _phase(values, 0, 0)
    return _phase(values[:phase_start], 0, 0) + _phase(values[phase_start:], phase_start, 1)
