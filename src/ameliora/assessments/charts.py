"""Accessible SVG charts of section scores, drawn on the server: pure functions, no Django.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that states every number,
and every shape carries its own ``<title>``; pages also show the numbers in a table beside it.
Values are percentages (0-100) or ``None`` (nothing to score), drawn as 0 and said "no score".
All text is escaped here, so callers may mark the result safe.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

CURRENT_COLOUR = "#0d6efd"
PREVIOUS_COLOUR = "#6c757d"
GRID_COLOUR = "#ced4da"


def _fmt(value: float | None, no_score: str) -> str:
    return no_score if value is None else f"{value:.0f} %"


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _clamp(value: float | None) -> float:
    return 0.0 if value is None else max(0.0, min(100.0, value))


def _description(
    labels: Sequence[str],
    values: Sequence[float | None],
    previous: Sequence[float | None] | None,
    texts: dict[str, str],
) -> str:
    parts = []
    for index, label in enumerate(labels):
        part = f"{label}: {_fmt(values[index], texts['no_score'])}"
        if previous is not None:
            part += f" ({texts['previous']}: {_fmt(previous[index], texts['no_score'])})"
        parts.append(part)
    return "; ".join(parts)


DEFAULT_TEXTS = {"no_score": "no score", "previous": "previous", "current": "current"}


def radar_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    previous: Sequence[float | None] | None = None,
    title: str,
    texts: dict[str, str] | None = None,
    size: int = 420,
) -> str:
    """A radar (spider) chart: one axis per label, 0 at the centre, 100 % on the outer ring."""
    texts = {**DEFAULT_TEXTS, **(texts or {})}
    count = len(labels)
    if count < 3:
        # A radar needs three axes to enclose an area; bars say the same thing for one or two.
        return bar_svg(labels, values, previous=previous, title=title, texts=texts)
    margin = 170
    width = size + 2 * margin
    height = size + 60
    cx, cy, radius = width / 2, size / 2 + 30, size / 2 - 10

    def point(index: int, percent: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * percent / 100
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    def polygon(series: Sequence[float | None]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, _clamp(v)) for i, v in enumerate(series)))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'class="assessment-chart" aria-labelledby="radar-title radar-desc">',
        f'<title id="radar-title">{escape(title)}</title>',
        f'<desc id="radar-desc">{escape(_description(labels, values, previous, texts))}</desc>',
    ]
    for ring in (25, 50, 75, 100):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count)))
        out.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID_COLOUR}" stroke-width="1"/>')
        x, y = point(0, ring)
        out.append(f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="10" fill="#6c757d">{ring}</text>')
    for index, label in enumerate(labels):
        x, y = point(index, 100)
        out.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>')
        lx, ly = point(index, 112)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        out.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="12" text-anchor="{anchor}">'
            f"<title>{escape(label)}: {escape(_fmt(values[index], texts['no_score']))}</title>"
            f"{escape(_short(label, 24))}</text>"
        )
    if previous is not None:
        out.append(
            f'<polygon points="{polygon(previous)}" fill="{PREVIOUS_COLOUR}" fill-opacity="0.12" '
            f'stroke="{PREVIOUS_COLOUR}" stroke-width="2" stroke-dasharray="5 4">'
            f"<title>{escape(texts['previous'])}</title></polygon>"
        )
    out.append(
        f'<polygon points="{polygon(values)}" fill="{CURRENT_COLOUR}" fill-opacity="0.25" '
        f'stroke="{CURRENT_COLOUR}" stroke-width="2.5"><title>{escape(texts["current"])}</title></polygon>'
    )
    for index, value in enumerate(values):
        x, y = point(index, _clamp(value))
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{CURRENT_COLOUR}">'
            f"<title>{escape(labels[index])}: {escape(_fmt(value, texts['no_score']))}</title></circle>"
        )
    out.append("</svg>")
    return "".join(out)


def bar_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    previous: Sequence[float | None] | None = None,
    title: str,
    texts: dict[str, str] | None = None,
    width: int = 640,
) -> str:
    """Horizontal bars, one per label (0-100 %); the previous score, if any, as a thin grey bar below."""
    texts = {**DEFAULT_TEXTS, **(texts or {})}
    label_width, value_width, row = 230, 60, 34 if previous is not None else 26
    plot = width - label_width - value_width
    height = 20 + row * len(labels) + 10
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'class="assessment-chart" aria-labelledby="bars-title bars-desc">',
        f'<title id="bars-title">{escape(title)}</title>',
        f'<desc id="bars-desc">{escape(_description(labels, values, previous, texts))}</desc>',
    ]
    for tick in (0, 50, 100):
        x = label_width + plot * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="12" x2="{x:.1f}" y2="{height - 8}" stroke="{GRID_COLOUR}"/>')
        out.append(f'<text x="{x:.1f}" y="10" font-size="10" text-anchor="middle" fill="#6c757d">{tick}</text>')
    for index, label in enumerate(labels):
        y = 20 + index * row
        value = values[index]
        out.append(
            f'<text x="{label_width - 8}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_short(label, 32))}</text>"
        )
        out.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{plot * _clamp(value) / 100:.1f}" height="16" '
            f'fill="{CURRENT_COLOUR}"><title>{escape(label)}: {escape(_fmt(value, texts["no_score"]))}</title></rect>'
        )
        out.append(
            f'<text x="{width - value_width + 8}" y="{y + 14}" font-size="12">'
            f"{escape(_fmt(value, texts['no_score']))}</text>"
        )
        if previous is not None:
            before = previous[index]
            out.append(
                f'<rect x="{label_width}" y="{y + 21}" width="{plot * _clamp(before) / 100:.1f}" height="6" '
                f'fill="{PREVIOUS_COLOUR}"><title>{escape(texts["previous"])} — {escape(label)}: '
                f"{escape(_fmt(before, texts['no_score']))}</title></rect>"
            )
    out.append("</svg>")
    return "".join(out)
