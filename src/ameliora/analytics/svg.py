"""Draw an analysed series as an accessible SVG string: the same chart on screen and in PDF.

Pure functions, no Django: the caller passes labels already translated and formatted (French
dates, decimal commas) and, for the vertical axis, a function that formats a number. Every text
that reaches the output is escaped here, so labels may come from users.

What a chart shows (see :func:`render_chart`):

* the points joined by a line, broken at missing values and at phase boundaries;
* per phase, the centre line (solid) and, where the chart has them, the control limits
  (dashed; drawn as steps when they vary from point to point, as on a p or u chart);
* the target (a long-dashed line) and the phase separators with their labels;
* special-cause points as larger diamonds in another colour — shape *and* colour, so that
  the signal does not rely on colour vision;
* points excluded from the computation of the limits (qicharts2's ``exclude``) as hollow
  squares, and the end of a frozen baseline (qicharts2's ``freeze``) as a labelled vertical
  line, both in the legend;
* annotation markers (numbered triangles above their point);
* a ``<title>`` and ``<desc>`` (referenced by ``aria-labelledby``) and one ``<title>`` per point
  for screen readers and tooltips; the page shows the numbers in a table as well.

:func:`chart_from_analysis` turns the per-phase dicts of :func:`ameliora.analytics.report.analyse`
into a :class:`Chart`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

WIDTH = 760
HEIGHT = 340
MARGIN_LEFT = 64
MARGIN_RIGHT = 24
MARGIN_TOP = 36
MARGIN_BOTTOM = 64

COLOUR_LINE = "#5b7fa6"
COLOUR_POINT = "#1f4e79"
COLOUR_SIGNAL = "#c0392b"
COLOUR_CENTRE = "#444444"
COLOUR_LIMIT = "#8a8a8a"
COLOUR_TARGET = "#2e7d32"
COLOUR_GRID = "#e5e5e5"
COLOUR_PHASE = "#6c757d"
COLOUR_ANNOTATION = "#7b4f9e"
#: Height of one row of the legend (it wraps onto a second row when its items do not fit).
LEGEND_ROW = 15

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

NumberFormatter = Callable[[float], str]


def text(value: object) -> str:
    """Escape any text for SVG/XML content and attributes (quotes included, control characters dropped)."""
    return escape(_XML_INVALID.sub("", str(value)), quote=True)


def _default_number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Phase:
    """One phase of the chart: points ``start`` (inclusive) to ``end`` (exclusive).

    ``centre`` is ``None`` when the chart has no centre line (a yes/no timeline); ``lcl``/``ucl``
    give one limit per point of the phase (``None`` where undefined) or are empty.
    """

    start: int
    end: int
    label: str = ""
    centre: float | None = None
    lcl: Sequence[float | None] = ()
    ucl: Sequence[float | None] = ()


@dataclass(frozen=True)
class Annotation:
    index: int
    text: str


@dataclass(frozen=True)
class Chart:
    """Everything :func:`render_chart` draws. Values are on the display scale (e.g. percent)."""

    title: str
    description: str
    x_labels: Sequence[str]
    y: Sequence[float | None]
    value_labels: Sequence[str] = ()
    signals: Sequence[bool] = ()
    phases: Sequence[Phase] = ()
    target: float | None = None
    target_label: str = ""
    annotations: Sequence[Annotation] = ()
    y_ticks: Sequence[tuple[float, str]] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    chart_id: str = "chart"
    #: Per point: left out of the computation of the centre line and limits.
    excluded: Sequence[bool] = ()
    #: Number of baseline points when the limits are frozen on the first ones (the boundary is
    #: drawn after that many points), or ``None``.
    freeze: int | None = None


#: Legend and tooltip words; callers pass translated ones in ``Chart.labels``.
DEFAULT_LABELS: dict[str, str] = {
    "values": "Values",
    "centre": "Centre line",
    "limits": "Control limits",
    "target": "Target",
    "signal": "Signal (special cause)",
    "annotation": "Annotation",
    "no_data": "No data yet",
    "excluded": "Excluded from the limits",
    "freeze": "Frozen baseline",
}


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering ``[low, high]``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks and ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _value_range(chart: Chart) -> tuple[float, float]:
    values: list[float] = [v for v in chart.y if _finite(v)]  # type: ignore[misc]
    for phase in chart.phases:
        if _finite(phase.centre):
            values.append(phase.centre)  # type: ignore[arg-type]
        values.extend(v for v in (*phase.lcl, *phase.ucl) if _finite(v))  # type: ignore[misc]
    if _finite(chart.target):
        values.append(chart.target)  # type: ignore[arg-type]
    if chart.y_ticks:
        values.extend(v for v, _ in chart.y_ticks)
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if low >= 0:
        low = 0.0
    if high == low:
        high = low + (abs(low) or 1.0)
    return low, high


class _Frame:
    """Maps point indexes and values to pixel coordinates."""

    def __init__(self, count: int, low: float, high: float) -> None:
        self.count = max(count, 1)
        self.low, self.high = low, high
        self.left, self.right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
        self.top, self.bottom = MARGIN_TOP, HEIGHT - MARGIN_BOTTOM
        self.step = (self.right - self.left) / self.count

    def x(self, index: float) -> float:
        return self.left + (index + 0.5) * self.step

    def y(self, value: float) -> float:
        span = self.high - self.low
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _polylines(frame: _Frame, chart: Chart, ranges: Sequence[tuple[int, int]]) -> list[str]:
    parts = []
    for start, end in ranges:
        segment: list[str] = []
        for i in range(start, end):
            value = chart.y[i]
            if _finite(value):
                segment.append(f"{_f(frame.x(i))},{_f(frame.y(value))}")  # type: ignore[arg-type]
                continue
            if len(segment) > 1:
                parts.append(segment)
            segment = []
        if len(segment) > 1:
            parts.append(segment)
    return [
        f'<polyline class="series" fill="none" stroke="{COLOUR_LINE}" stroke-width="1.5" points="{" ".join(p)}"/>'
        for p in parts
    ]


def _step_path(frame: _Frame, start: int, values: Sequence[float | None]) -> str:
    """A stepped path: each point's limit spans its own column, broken where undefined."""
    commands: list[str] = []
    pen_down = False
    for offset, value in enumerate(values):
        if not _finite(value):
            pen_down = False
            continue
        i = start + offset
        x0, x1 = frame.x(i) - frame.step / 2, frame.x(i) + frame.step / 2
        y = _f(frame.y(value))  # type: ignore[arg-type]
        commands.append(f"{'L' if pen_down else 'M'}{_f(x0)},{y} L{_f(x1)},{y}")
        pen_down = True
    return " ".join(commands)


def _axes(frame: _Frame, chart: Chart, number: NumberFormatter) -> list[str]:
    parts = []
    ticks = list(chart.y_ticks) if chart.y_ticks else [(v, number(v)) for v in nice_ticks(frame.low, frame.high)]
    for value, label in ticks:
        if not frame.low - 1e-9 <= value <= frame.high + 1e-9:
            continue
        y = _f(frame.y(value))
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.right}" y1="{y}" y2="{y}" stroke="{COLOUR_GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{frame.left - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'font-size="11" fill="#333">{text(label)}</text>'
        )
    parts.append(
        f'<line x1="{frame.left}" x2="{frame.left}" y1="{frame.top}" y2="{frame.bottom}" '
        f'stroke="#666" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{frame.left}" x2="{frame.right}" y1="{frame.bottom}" y2="{frame.bottom}" stroke="#666" '
        f'stroke-width="1"/>'
    )
    count = len(chart.x_labels)
    every = max(1, math.ceil(count / max(1, int((frame.right - frame.left) // 78))))
    for i, label in enumerate(chart.x_labels):
        if i % every and i != count - 1:
            continue
        if i != count - 1 and count - 1 - i < every and (count - 1) % every:
            continue  # keep the last label from overlapping the one before
        x = _f(frame.x(i))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{frame.bottom}" y2="{frame.bottom + 4}" stroke="#666" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x}" y="{frame.bottom + 16}" text-anchor="middle" font-size="11" fill="#333">'
            f"{text(label)}</text>"
        )
    return parts


def _phase_lines(frame: _Frame, chart: Chart) -> list[str]:
    parts = []
    for k, phase in enumerate(chart.phases):
        if phase.end <= phase.start:
            continue
        if k:
            x = _f(frame.left + phase.start * frame.step)
            parts.append(
                f'<line class="phase-separator" x1="{x}" x2="{x}" y1="{frame.top - 14}" y2="{frame.bottom}" '
                f'stroke="{COLOUR_PHASE}" stroke-width="1.5" stroke-dasharray="2 3"/>'
            )
        if phase.label:
            x_label = _f(frame.left + phase.start * frame.step + 4)
            parts.append(
                f'<text class="phase-label" x="{x_label}" y="{frame.top - 18}" font-size="11" font-weight="600" '
                f'fill="{COLOUR_PHASE}">{text(phase.label)}</text>'
            )
        x0, x1 = _f(frame.x(phase.start) - frame.step / 2), _f(frame.x(phase.end - 1) + frame.step / 2)
        if _finite(phase.centre):
            y = _f(frame.y(phase.centre))  # type: ignore[arg-type]
            parts.append(
                f'<line class="centre-line" x1="{x0}" x2="{x1}" y1="{y}" y2="{y}" stroke="{COLOUR_CENTRE}" '
                f'stroke-width="1.5"/>'
            )
        for limits in (phase.lcl, phase.ucl):
            path = _step_path(frame, phase.start, limits)
            if path:
                parts.append(
                    f'<path class="control-limit" d="{path}" fill="none" stroke="{COLOUR_LIMIT}" stroke-width="1.2" '
                    f'stroke-dasharray="5 4"/>'
                )
    return parts


def _points(frame: _Frame, chart: Chart, labels: Mapping[str, str]) -> list[str]:
    parts = []
    for i, value in enumerate(chart.y):
        if not _finite(value):
            continue
        x, y = frame.x(i), frame.y(value)  # type: ignore[arg-type]
        shown = chart.value_labels[i] if i < len(chart.value_labels) else _default_number(value)  # type: ignore[arg-type]
        when = chart.x_labels[i] if i < len(chart.x_labels) else str(i + 1)
        signal = i < len(chart.signals) and chart.signals[i]
        excluded = i < len(chart.excluded) and chart.excluded[i]
        tooltip = f"{when} : {shown}" + (f" — {labels['signal']}" if signal else "")
        if excluded:
            r = 4.5
            parts.append(
                f'<rect class="point excluded" x="{_f(x - r)}" y="{_f(y - r)}" width="{_f(2 * r)}" '
                f'height="{_f(2 * r)}" fill="#fff" stroke="{COLOUR_POINT}" stroke-width="1.8">'
                f"<title>{text(f'{when} : {shown} — ' + labels['excluded'])}</title></rect>"
            )
        elif signal:
            r = 6.0
            parts.append(
                f'<path class="point signal" d="M{_f(x)},{_f(y - r)} L{_f(x + r)},{_f(y)} L{_f(x)},{_f(y + r)} '
                f'L{_f(x - r)},{_f(y)} Z" fill="{COLOUR_SIGNAL}" stroke="#fff" stroke-width="1">'
                f"<title>{text(tooltip)}</title></path>"
            )
        else:
            parts.append(
                f'<circle class="point" cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="{COLOUR_POINT}">'
                f"<title>{text(tooltip)}</title></circle>"
            )
    return parts


def _freeze_drawn(chart: Chart) -> bool:
    return chart.freeze is not None and 0 < chart.freeze < len(chart.y)


def _freeze_line(frame: _Frame, chart: Chart, labels: Mapping[str, str]) -> list[str]:
    """The end of the frozen baseline: a vertical line after its last point, labelled on its left."""
    if chart.freeze is None or not _freeze_drawn(chart):
        return []
    x = frame.left + chart.freeze * frame.step
    return [
        f'<g class="freeze-boundary"><title>{text(labels["freeze"])}</title>'
        f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{frame.top}" y2="{frame.bottom}" stroke="{COLOUR_CENTRE}" '
        f'stroke-width="1.5" stroke-dasharray="6 3"/>'
        f'<text x="{_f(x - 4)}" y="{frame.top + 12}" text-anchor="end" font-size="11" font-weight="600" '
        f'fill="{COLOUR_CENTRE}" stroke="#fff" stroke-width="3" paint-order="stroke">{text(labels["freeze"])}</text>'
        f"</g>"
    ]


def _target(frame: _Frame, chart: Chart, labels: Mapping[str, str]) -> list[str]:
    if not _finite(chart.target):
        return []
    y = frame.y(chart.target)  # type: ignore[arg-type]
    caption = chart.target_label or labels["target"]
    return [
        f'<line class="target" x1="{frame.left}" x2="{frame.right}" y1="{_f(y)}" y2="{_f(y)}" '
        f'stroke="{COLOUR_TARGET}" stroke-width="2" stroke-dasharray="10 5"><title>{text(caption)}</title></line>',
        f'<text x="{frame.right - 2}" y="{_f(y - 5)}" text-anchor="end" font-size="11" font-weight="600" '
        f'fill="{COLOUR_TARGET}">{text(caption)}</text>',
    ]


def _annotations(frame: _Frame, chart: Chart) -> list[str]:
    parts = []
    for number, note in enumerate(chart.annotations, start=1):
        if not 0 <= note.index < len(chart.y):
            continue
        x = frame.x(note.index)
        top = frame.top - 2
        parts.append(
            f'<g class="annotation"><title>{text(f"{number}. {note.text}")}</title>'
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{top}" y2="{frame.bottom}" stroke="{COLOUR_ANNOTATION}" '
            f'stroke-width="1" stroke-dasharray="1 3"/>'
            f'<path d="M{_f(x - 6)},{top - 10} L{_f(x + 6)},{top - 10} L{_f(x)},{top} Z" fill="{COLOUR_ANNOTATION}"/>'
            f'<text x="{_f(x)}" y="{top - 12}" text-anchor="middle" font-size="10" fill="{COLOUR_ANNOTATION}">'
            f"{number}</text></g>"
        )
    return parts


def _legend(chart: Chart, labels: Mapping[str, str]) -> list[str]:
    y = HEIGHT - 18
    items: list[tuple[str, str]] = [
        (f'<circle cx="6" cy="0" r="3.5" fill="{COLOUR_POINT}"/>', labels["values"]),
    ]
    if any(_finite(p.centre) for p in chart.phases):
        items.append(
            (f'<line x1="0" x2="14" y1="0" y2="0" stroke="{COLOUR_CENTRE}" stroke-width="1.5"/>', labels["centre"])
        )
    if any(_finite(v) for p in chart.phases for v in (*p.lcl, *p.ucl)):
        items.append(
            (
                f'<line x1="0" x2="14" y1="0" y2="0" stroke="{COLOUR_LIMIT}" stroke-width="1.2" '
                f'stroke-dasharray="5 4"/>',
                labels["limits"],
            )
        )
    if _finite(chart.target):
        items.append(
            (
                f'<line x1="0" x2="14" y1="0" y2="0" stroke="{COLOUR_TARGET}" stroke-width="2" '
                f'stroke-dasharray="10 5"/>',
                labels["target"],
            )
        )
    if any(chart.signals):
        items.append(
            (f'<path d="M6,-6 L12,0 L6,6 L0,0 Z" fill="{COLOUR_SIGNAL}"/>', labels["signal"]),
        )
    if any(chart.excluded):
        items.append(
            (
                f'<rect x="1.5" y="-4.5" width="9" height="9" fill="#fff" stroke="{COLOUR_POINT}" stroke-width="1.8"/>',
                labels["excluded"],
            ),
        )
    if _freeze_drawn(chart):
        items.append(
            (
                f'<line x1="6" x2="6" y1="-7" y2="7" stroke="{COLOUR_CENTRE}" stroke-width="1.5" '
                f'stroke-dasharray="6 3"/>',
                labels["freeze"],
            ),
        )
    if chart.annotations:
        items.append((f'<path d="M0,-5 L12,-5 L6,5 Z" fill="{COLOUR_ANNOTATION}"/>', labels["annotation"]))
    # Items flow left to right and wrap onto a second row rather than run past the chart's edge.
    rows: list[list[tuple[float, str, str]]] = [[]]
    x = float(MARGIN_LEFT)
    for symbol, label in items:
        width = 20 + 6.2 * len(label)
        if rows[-1] and x + width > WIDTH - MARGIN_RIGHT:
            rows.append([])
            x = float(MARGIN_LEFT)
        rows[-1].append((x, symbol, label))
        x += width + 12
    parts = ['<g class="legend" aria-hidden="true">']
    for r, row in enumerate(rows):
        row_y = y - LEGEND_ROW * (len(rows) - 1 - r)
        for left, symbol, label in row:
            parts.append(f'<g transform="translate({_f(left)},{_f(row_y)})">{symbol}')
            parts.append(
                f'<text x="20" y="0" dominant-baseline="middle" font-size="11" fill="#333">{text(label)}</text></g>'
            )
    parts.append("</g>")
    return parts


def render_chart(chart: Chart, *, number: NumberFormatter = _default_number) -> str:
    """The chart as one ``<svg>`` element (no XML declaration, ready to inline in HTML)."""
    labels = {**DEFAULT_LABELS, **chart.labels}
    ident = re.sub(r"[^A-Za-z0-9_-]", "-", chart.chart_id) or "chart"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ameliora-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="system-ui, sans-serif">'
        f'<title id="{ident}-title">{text(chart.title)}</title>'
        f'<desc id="{ident}-desc">{text(chart.description)}</desc>'
    )
    count = len(chart.y)
    if not any(_finite(v) for v in chart.y):
        return (
            f'{head}<text x="{WIDTH // 2}" y="{HEIGHT // 2}" text-anchor="middle" font-size="14" fill="#666">'
            f"{text(labels['no_data'])}</text></svg>"
        )
    low, high = _value_range(chart)
    if not chart.y_ticks:
        ticks = nice_ticks(low, high)
        low, high = min(low, ticks[0]), max(high, ticks[-1])
    else:
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad
    frame = _Frame(count, low, high)
    ranges = [(p.start, p.end) for p in chart.phases] or [(0, count)]
    body: list[str] = []
    body += _axes(frame, chart, number)
    body += _phase_lines(frame, chart)
    body += _freeze_line(frame, chart, labels)
    body += _target(frame, chart, labels)
    body += _polylines(frame, chart, ranges)
    body += _points(frame, chart, labels)
    body += _annotations(frame, chart)
    body += _legend(chart, labels)
    return head + "".join(body) + "</svg>"


def _phase_bounds(results: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for result in results:
        size = len(result["y"])
        bounds.append((start, start + size))
        start += size
    return bounds


def chart_from_analysis(
    results: Sequence[Mapping[str, Any]],
    *,
    title: str,
    description: str,
    x_labels: Sequence[str],
    value_labels: Sequence[str] = (),
    phase_labels: Sequence[str] = (),
    scale: float = 1.0,
    target: float | None = None,
    target_label: str = "",
    annotations: Sequence[Annotation] = (),
    show_limits: bool = True,
    labels: Mapping[str, str] | None = None,
    chart_id: str = "chart",
    signals: Sequence[bool] | None = None,
) -> Chart:
    """Build a :class:`Chart` from :func:`~ameliora.analytics.report.analyse` output.

    ``scale`` multiplies every plotted value (100 for percentages, 1,000 for a rate per 1,000);
    ``target`` is already on the display scale. Signals are the ``special_cause`` flags of the
    rule set that was applied, unless ``signals`` gives the points to mark (one flag per point: the
    caller's reading of the signals, e.g. a shift's run rather than its whole phase); points in
    ``excluded`` are marked, and a frozen baseline (the first
    phase's ``freeze``) ends with a labelled line.
    """

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * scale

    y: list[float | None] = []
    flags: list[bool] = []
    excluded: list[bool] = []
    phases = []
    for k, (result, (start, end)) in enumerate(zip(results, _phase_bounds(results), strict=True)):
        y.extend(scaled(v) for v in result["y"])
        flags.extend(bool(s) for s in result.get("special_cause") or [False] * (end - start))
        excluded.extend(bool(s) for s in result.get("excluded") or [False] * (end - start))
        phases.append(
            Phase(
                start=start,
                end=end,
                label=phase_labels[k] if k < len(phase_labels) else "",
                centre=scaled(result.get("cl")),
                lcl=[scaled(v) for v in result.get("lcl") or []] if show_limits else (),
                ucl=[scaled(v) for v in result.get("ucl") or []] if show_limits else (),
            )
        )
    return Chart(
        title=title,
        description=description,
        x_labels=x_labels,
        y=y,
        value_labels=value_labels,
        signals=list(signals) if signals is not None else flags,
        phases=phases,
        target=target,
        target_label=target_label,
        annotations=annotations,
        labels=dict(labels or {}),
        chart_id=chart_id,
        excluded=excluded,
        freeze=_frozen_points(results),
    )


def _frozen_points(results: Sequence[Mapping[str, Any]]) -> int | None:
    """The first phase's baseline points, when later points of that phase are tested against them."""
    if not results:
        return None
    freeze = results[0].get("freeze")
    return freeze if freeze is not None and freeze < len(results[0]["y"]) else None
