"""The REX dossier's charts as PNG images, for the DOCX (Word shows no SVG we could rely on).

Only Pillow is available (no cairosvg, no matplotlib), so the two charts the dossier needs are drawn
here with :mod:`PIL.ImageDraw`:

- :func:`bars_png`: the self-assessment score per section, one horizontal bar per section with its
  label and percentage (and the previous campaign's score as a thin grey bar when there is one);
- :func:`series_png`: an indicator's values over time, from the same
  :class:`ameliora.analytics.svg.Chart` the indicator page's SVG is drawn from: points joined per
  phase, the centre line of each phase (median or mean, as the analysis gives it), the control
  limits when the chart has them, the target (dashed), phase separators and labels, signals.

Images are ``WIDTH`` pixels wide at ``DPI`` (16 cm at 150 dpi), drawn at twice that size and
downsampled, which smooths lines and text. Texts arrive translated and formatted by the caller.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from ameliora.analytics.svg import Chart

DPI = 150
WIDTH_CM = 16.0
WIDTH = round(WIDTH_CM / 2.54 * DPI)  # 945 px
SERIES_HEIGHT = round(8.0 / 2.54 * DPI)  # 472 px: 8 cm
_S = 2  # supersampling factor

INK = (34, 34, 34)
MUTED = (110, 110, 110)
GRID = (225, 228, 232)
BLUE = (29, 79, 140)
LIGHT = (190, 198, 210)
GREEN = (25, 135, 84)
ORANGE = (214, 110, 0)
RED = (176, 42, 55)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int, *, bold: bool = False) -> Font:
    """DejaVu Sans (installed with the PDF's fonts) at ``size`` final pixels, else Pillow's own."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(name, size * _S)
    except OSError:
        return ImageFont.load_default(size=size * _S)


def _text_width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    return draw.textlength(text, font=font)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits in ``width`` pixels."""
    if _text_width(draw, text, font) <= width:
        return text
    while text and _text_width(draw, text + "…", font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _png(image: Image.Image) -> bytes:
    final = image.resize((image.width // _S, image.height // _S), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    final.save(buffer, format="PNG", dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def _dashed(
    draw: ImageDraw.ImageDraw,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    fill: tuple[int, int, int],
    width: int,
    dash: float = 10,
    gap: float = 6,
) -> None:
    """A dashed straight line (Pillow has none)."""
    (x0, y0), (x1, y1) = start, end
    length = math.hypot(x1 - x0, y1 - y0)
    if not length:
        return
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    position = 0.0
    dash, gap = dash * _S, gap * _S
    while position < length:
        stop = min(position + dash, length)
        draw.line([(x0 + dx * position, y0 + dy * position), (x0 + dx * stop, y0 + dy * stop)], fill=fill, width=width)
        position = stop + gap


def bars_png(
    labels: Sequence[str],
    percents: Sequence[float | None],
    *,
    title: str,
    previous: Sequence[float | None] | None = None,
    previous_label: str = "",
) -> bytes:
    """Horizontal bars, one per label, on a 0-100 % scale, each with its percentage written after it."""
    s = _S
    row = 30 * s
    top = 40 * s
    legend = 26 * s if previous else 0
    height = top + row * len(labels) + 26 * s + legend
    image = Image.new("RGB", (WIDTH * s, height), "white")
    draw = ImageDraw.Draw(image)
    font, small, bold = _font(12), _font(10), _font(14, bold=True)
    draw.text((10 * s, 8 * s), title, fill=INK, font=bold)
    left, right = int(WIDTH * s * 0.38), WIDTH * s - 60 * s
    span = right - left
    bottom = top + row * len(labels)
    for tick in range(0, 101, 25):
        x = left + span * tick / 100
        draw.line([(x, top - 4 * s), (x, bottom)], fill=GRID, width=s)
        draw.text((x, bottom + 4 * s), f"{tick} %", fill=MUTED, font=small, anchor="ma")
    for k, label in enumerate(labels):
        y = top + row * k
        draw.text((10 * s, y + row / 2), _fit(draw, label, font, left - 20 * s), fill=INK, font=font, anchor="lm")
        value = percents[k]
        before = previous[k] if previous and k < len(previous) else None
        if value is not None:
            draw.rectangle(
                [left, y + 6 * s, left + span * max(0.0, min(value, 100.0)) / 100, y + row - 9 * s], fill=BLUE
            )
            x = left + span * max(0.0, min(value, 100.0)) / 100
            draw.text((x + 5 * s, y + row / 2 - 2 * s), f"{value:.0f} %", fill=INK, font=font, anchor="lm")
        else:
            draw.text((left + 5 * s, y + row / 2), "—", fill=MUTED, font=font, anchor="lm")
        if before is not None:
            draw.rectangle(
                [left, y + row - 7 * s, left + span * max(0.0, min(before, 100.0)) / 100, y + row - 4 * s], fill=LIGHT
            )
    draw.line([(left, top - 4 * s), (left, bottom)], fill=MUTED, width=s)
    if previous:
        y = bottom + 26 * s
        draw.rectangle([left, y + 4 * s, left + 24 * s, y + 10 * s], fill=BLUE)
        draw.text((left + 30 * s, y + 7 * s), title, fill=MUTED, font=small, anchor="lm")
        x = left + 40 * s + _text_width(draw, title, small)
        draw.rectangle([x, y + 5 * s, x + 24 * s, y + 9 * s], fill=LIGHT)
        draw.text((x + 30 * s, y + 7 * s), previous_label, fill=MUTED, font=small, anchor="lm")
    return _png(image)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten apart) covering ``low``..``high``."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def series_png(  # noqa: PLR0912, PLR0915 — one chart, drawn back to front
    chart: Chart, *, number: Callable[[float], str], height: int = SERIES_HEIGHT
) -> bytes:
    """An indicator's run or control chart: values, centre line per phase, limits, target, phases."""
    s = _S
    image = Image.new("RGB", (WIDTH * s, height * s), "white")
    draw = ImageDraw.Draw(image)
    font, small, bold = _font(11), _font(9), _font(13, bold=True)
    labels = chart.labels
    draw.text((10 * s, 8 * s), _fit(draw, chart.title, bold, (WIDTH - 20) * s), fill=INK, font=bold)
    values = [v for v in chart.y if v is not None and math.isfinite(v)]
    plot_top, plot_bottom = 52 * s, (height - 66) * s
    if not values:
        draw.text(
            (WIDTH * s / 2, (plot_top + plot_bottom) / 2),
            labels.get("no_data", "No data yet"),
            fill=MUTED,
            font=font,
            anchor="mm",
        )
        return _png(image)
    extent = list(values)
    for phase in chart.phases:
        if phase.centre is not None:
            extent.append(phase.centre)
        extent.extend(v for v in (*phase.lcl, *phase.ucl) if v is not None and math.isfinite(v))
    if chart.target is not None:
        extent.append(chart.target)
    if chart.y_ticks:
        ticks = [t for t, _label in chart.y_ticks]
        tick_labels = [label for _t, label in chart.y_ticks]
        low, high = min(ticks) - 0.1, max(ticks) + 0.1
    else:
        lo, hi = min(extent), max(extent)
        pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
        floor = 0.0 if lo >= 0 > lo - pad else lo - pad  # no negative axis for positive values
        ticks = _nice_ticks(floor, hi + pad)
        low, high = ticks[0], ticks[-1]
        tick_labels = [number(t) for t in ticks]
    left = 14 * s + max(_text_width(draw, label, small) for label in tick_labels)
    right = (WIDTH - 16) * s
    n = len(chart.y)
    step = (right - left) / max(n, 1)

    def x_of(i: float) -> float:
        return left + step * (i + 0.5)

    def y_of(value: float) -> float:
        return plot_bottom - (value - low) / ((high - low) or 1) * (plot_bottom - plot_top)

    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        draw.line([(left, y), (right, y)], fill=GRID, width=s)
        draw.text((left - 6 * s, y), label, fill=MUTED, font=small, anchor="rm")
    draw.line([(left, plot_top), (left, plot_bottom), (right, plot_bottom)], fill=MUTED, width=s)
    # Phases: separators and labels, then centre line and limits of each.
    for k, phase in enumerate(chart.phases):
        x0, x1 = x_of(phase.start - 0.5), x_of(phase.end - 0.5)
        if k:
            _dashed(draw, (x0, plot_top - 14 * s), (x0, plot_bottom), fill=MUTED, width=s, dash=4, gap=4)
        if phase.label:
            draw.text(
                (x0 + 4 * s, plot_top - 16 * s), _fit(draw, phase.label, small, x1 - x0 - 8 * s), fill=MUTED, font=small
            )
        if phase.centre is not None:
            y = y_of(phase.centre)
            draw.line([(x0, y), (x1, y)], fill=GREEN, width=2 * s)
        for limits in (phase.lcl, phase.ucl):
            for offset, limit in enumerate(limits):
                if limit is None or not math.isfinite(limit):
                    continue
                i = phase.start + offset
                y = y_of(limit)
                _dashed(draw, (x_of(i - 0.5), y), (x_of(i + 0.5), y), fill=RED, width=s, dash=5, gap=4)
    if chart.target is not None:
        y = y_of(chart.target)
        _dashed(draw, (left, y), (right, y), fill=ORANGE, width=2 * s, dash=12, gap=6)
    # Values: joined within a phase, broken at missing values.
    boundaries = {phase.start for phase in chart.phases}
    previous: tuple[float, float] | None = None
    for i, value in enumerate(chart.y):
        if value is None or not math.isfinite(value):
            previous = None
            continue
        point = (x_of(i), y_of(value))
        if previous is not None and i not in boundaries:
            draw.line([previous, point], fill=BLUE, width=2 * s)
        previous = point
    radius = 3.5 * s
    for i, value in enumerate(chart.y):
        if value is None or not math.isfinite(value):
            continue
        x, y = x_of(i), y_of(value)
        if i < len(chart.signals) and chart.signals[i]:
            r = radius * 1.8
            draw.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill=ORANGE, outline=INK)
        else:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=BLUE)
    # Period labels, thinned so they do not overlap.
    widest = max((_text_width(draw, label, small) for label in chart.x_labels), default=0)
    every = max(1, math.ceil((widest + 8 * s) / step)) if step else 1
    for i, label in enumerate(chart.x_labels):
        if i % every == 0:
            draw.text((x_of(i), plot_bottom + 5 * s), label, fill=MUTED, font=small, anchor="ma")
    # Legend.
    y = (height - 22) * s
    x = left
    items: list[tuple[str, str, tuple[int, int, int]]] = [("dot", labels.get("values", "Values"), BLUE)]
    if any(phase.centre is not None for phase in chart.phases):
        items.append(("line", labels.get("centre", "Centre line"), GREEN))
    if any(phase.lcl or phase.ucl for phase in chart.phases):
        items.append(("dash", labels.get("limits", "Control limits"), RED))
    if chart.target is not None:
        items.append(("dash", chart.target_label or labels.get("target", "Target"), ORANGE))
    if any(chart.signals):
        items.append(("diamond", labels.get("signal", "Signal"), ORANGE))
    for kind, text, colour in items:
        if kind == "dot":
            draw.ellipse([x + 8 * s, y - radius, x + 8 * s + 2 * radius, y + radius], fill=colour)
        elif kind == "line":
            draw.line([(x, y), (x + 22 * s, y)], fill=colour, width=2 * s)
        elif kind == "dash":
            _dashed(draw, (x, y), (x + 22 * s, y), fill=colour, width=2 * s, dash=6, gap=4)
        else:
            r = radius * 1.6
            cx = x + 11 * s
            draw.polygon([(cx, y - r), (cx + r, y), (cx, y + r), (cx - r, y)], fill=colour, outline=INK)
        draw.text((x + 28 * s, y), text, fill=INK, font=small, anchor="lm")
        x += 28 * s + _text_width(draw, text, small) + 18 * s
    return _png(image)
