"""Accessible charts as server-rendered inline SVG: no JavaScript, a <title> and <desc> on
each, points told apart without colour (marker shapes and a text label for each
special-cause point) and limits drawn dashed. Every chart is shown with its data table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .spc import Point

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 64, 40, 56
INK, MUTED, HIGH, LOW = "#0b0c0c", "#505a5f", "#d4351c", "#1d70b8"
SHORT_SIGNAL = {
    "above_upper": "Above limit",
    "below_lower": "Below limit",
    "run_above": "Run above",
    "run_below": "Run below",
    "trend_up": "Trend up",
    "trend_down": "Trend down",
}


@dataclass(frozen=True)
class Frame:
    count: int
    top_value: float

    def x(self, index: int) -> float:
        span = WIDTH - LEFT - RIGHT
        return LEFT + (span / 2 if self.count == 1 else span * index / (self.count - 1))

    def y(self, value: float) -> float:
        span = HEIGHT - TOP - BOTTOM
        return TOP + span - span * (max(value, 0) / self.top_value)


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 5:
            return float(step * (int(value / step) + 1))
    return float(value * 1.1)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "middle",
    size: int = 12,
    colour: str = INK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="Arial, sans-serif" fill="{colour}" font-weight="{weight}">'
        f"{escape(text)}</text>"
    )


def _open(chart_id: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'data-testid="chart-{chart_id}">'
    )


def _marker(x: float, y: float, direction: str) -> str:
    if direction == "high":  # a filled triangle pointing up
        return (
            f'<polygon points="{x:.1f},{y - 7:.1f} {x - 6:.1f},{y + 5:.1f} {x + 6:.1f},{y + 5:.1f}"'
            f' fill="{HIGH}" stroke="{INK}" stroke-width="1"/>'
        )
    if direction == "low":  # a filled triangle pointing down
        return (
            f'<polygon points="{x:.1f},{y + 7:.1f} {x - 6:.1f},{y - 5:.1f} {x + 6:.1f},{y - 5:.1f}"'
            f' fill="{LOW}" stroke="{INK}" stroke-width="1"/>'
        )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#ffffff" stroke="{MUTED}" '
        'stroke-width="2"/>'
    )


def _axes(frame: Frame, labels: Sequence[str]) -> list[str]:
    bottom = HEIGHT - BOTTOM
    parts = [
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{INK}"/>',
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}" stroke="{INK}"/>',
    ]
    for fraction in (0, 0.5, 1):
        value = frame.top_value * fraction
        y = frame.y(value)
        parts.append(_text(LEFT - 6, y + 4, f"{value:g}", anchor="end"))
    every = max(1, (len(labels) + 5) // 6)
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(_text(frame.x(index), bottom + 18, label, size=11))
    return parts


def _limit_path(frame: Frame, points: Sequence[Point], attr: str) -> list[str]:
    """One horizontal segment per phase."""
    segments = []
    for phase in sorted({p.phase for p in points}):
        members = [p for p in points if p.phase == phase]
        value = getattr(members[0], attr)
        if value is None or (attr == "lower" and value <= 0):
            continue  # a lower limit at or below zero is no limit for a count
        x1, x2 = frame.x(members[0].index), frame.x(members[-1].index)
        if x1 == x2:
            x1, x2 = x1 - 8, x2 + 8
        segments.append((x1, x2, frame.y(value)))
    dash = "" if attr == "mean" else ' stroke-dasharray="8 5"'
    width = "2" if attr == "mean" else "1.5"
    return [
        f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="{MUTED}" '
        f'stroke-width="{width}"{dash}/>'
        for x1, x2, y in segments
    ]


def _legend() -> str:
    y = 16
    return "".join(
        [
            f'<line x1="{LEFT}" y1="{y}" x2="{LEFT + 24}" y2="{y}" stroke="{MUTED}" '
            'stroke-width="2"/>',
            _text(LEFT + 30, y + 4, "Mean", anchor="start", size=11),
            f'<line x1="{LEFT + 80}" y1="{y}" x2="{LEFT + 104}" y2="{y}" stroke="{MUTED}" '
            'stroke-width="1.5" stroke-dasharray="8 5"/>',
            _text(LEFT + 110, y + 4, "Process limits", anchor="start", size=11),
            _marker(LEFT + 210, y, ""),
            _text(LEFT + 220, y + 4, "Common cause", anchor="start", size=11),
            _marker(LEFT + 320, y, "high"),
            _text(LEFT + 330, y + 4, "Special cause, high", anchor="start", size=11),
            _marker(LEFT + 460, y, "low"),
            _text(LEFT + 470, y + 4, "Special cause, low", anchor="start", size=11),
        ]
    )


def spc_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[Point],
    labels: Sequence[str],
    phase_label: str = "Programme start",
) -> SafeString:
    """An XmR chart: the values joined by a line, the mean solid, the limits dashed, each
    special-cause point a triangle with a text label."""
    tops = [p.value for p in points] + [p.upper for p in points if p.upper is not None]
    frame = Frame(count=max(len(points), 1), top_value=_nice_top(max(tops, default=0)))
    parts = [
        _open(chart_id, HEIGHT),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        _legend(),
        *_axes(frame, labels),
        *_limit_path(frame, points, "mean"),
        *_limit_path(frame, points, "upper"),
        *_limit_path(frame, points, "lower"),
    ]
    starts = [p for p in points if p.phase == 1]
    if starts:
        x = (frame.x(starts[0].index) + frame.x(max(starts[0].index - 1, 0))) / 2
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" stroke="{INK}" '
            'stroke-dasharray="2 3"/>'
        )
        parts.append(_text(x + 4, TOP + 10, phase_label, anchor="start", size=11))
    if points:
        line = " ".join(f"{frame.x(p.index):.1f},{frame.y(p.value):.1f}" for p in points)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{MUTED}" stroke-width="1.5"/>')
    for p in points:
        x, y = frame.x(p.index), frame.y(p.value)
        parts.append(_marker(x, y, p.direction))
        if p.special:
            offset = -12 if p.direction == "high" else 20
            parts.append(_text(x, y + offset, SHORT_SIGNAL[p.signals[0]], size=10, weight="bold"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float | None]],
    unit: str = "",
) -> SafeString:
    """Horizontal bars, each labelled with its value in text (blank bars say "no exits")."""
    row, label_width = 30, 280
    height = TOP + row * len(bars) + 10
    top_value = _nice_top(max((v for _, v in bars if v is not None), default=0))
    span = WIDTH - label_width - RIGHT - 60
    parts = [
        _open(chart_id, height),
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        y = TOP + index * row
        parts.append(_text(label_width - 8, y + 15, label, anchor="end", size=12))
        if value is None:
            parts.append(_text(label_width + 4, y + 15, "no exits", anchor="start", size=12))
            continue
        width = span * value / top_value
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{width:.1f}" height="{row - 10}" '
            f'fill="{LOW}" stroke="{INK}" stroke-width="1"/>'
        )
        parts.append(
            _text(label_width + width + 6, y + 15, f"{value:g}{unit}", anchor="start", size=12)
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
