"""The process map drawn as quality managers draw it, as server-rendered SVG.

Management band on top, operational processes in the middle as a flow of chevrons joined by
arrows, support band at the bottom, and the patient at both ends: needs on the left, satisfied
on the right. Each process is a link to its page and carries a ``<title>`` for screen readers.
Also the 5x5 heat map grid (severity x likelihood) as plain data for an accessible table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 1000
PATIENT_W = 90
BAND_H = 70
FLOW_H = 120
GAP = 18
COLOURS = {
    "management": ("#e7eef8", "#1d4f8c"),
    "operational": ("#e6f4ea", "#146c43"),
    "support": ("#fff4e0", "#996300"),
}


@dataclass(frozen=True)
class Box:
    code: str
    name: str
    pilot: str
    url: str
    risk_count: int = 0


def _wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into at most three lines of about ``width`` characters."""
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][: width - 1] + "…"]
    return lines


def _label(box: Box, cx: float, top: float, height: float, *, width_chars: int, colour: str) -> str:
    lines = _wrap(box.name, width_chars)
    first = top + height / 2 - (len(lines) - 1) * 7 - 4
    tspans = "".join(
        f'<tspan x="{cx:.1f}" y="{first + i * 14:.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    pilot = (
        f'<text x="{cx:.1f}" y="{first + len(lines) * 14 + 2:.1f}" text-anchor="middle" font-size="10" '
        f'fill="#555">{escape(box.pilot)}</text>'
        if box.pilot
        else ""
    )
    return (
        f'<text x="{cx:.1f}" y="{top + 14:.1f}" text-anchor="middle" font-size="10" font-weight="bold" '
        f'fill="{colour}">{escape(box.code)}</text>'
        f'<text text-anchor="middle" font-size="12" fill="#222">{tspans}</text>{pilot}'
    )


def _band(boxes: Sequence[Box], *, kind: str, top: float, title: str) -> list[str]:
    fill, stroke = COLOURS[kind]
    left, right = PATIENT_W + GAP, WIDTH - PATIENT_W - GAP
    parts = [
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{BAND_H + 26}" rx="10" fill="{fill}" '
        f'stroke="{stroke}" stroke-dasharray="5 3"/>',
        f'<text x="{left + 10}" y="{top + 16}" font-size="11" font-weight="bold" fill="{stroke}">'
        f"{escape(title)}</text>",
    ]
    if not boxes:
        return parts
    inner = (right - left - 20) / len(boxes)
    for index, box in enumerate(boxes):
        x = left + 10 + index * inner
        w = inner - 10
        y = top + 22
        parts.append(
            f'<a href="{escape(box.url)}" class="process-link"><title>{escape(box.code)} — {escape(box.name)}'
            f"{' — ' + escape(box.pilot) if box.pilot else ''}</title>"
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAND_H - 4}" rx="6" fill="#fff" stroke="{stroke}"/>'
            f"{_label(box, x + w / 2, y, BAND_H - 4, width_chars=max(int(w / 7), 8), colour=stroke)}</a>"
        )
    return parts


def _flow(boxes: Sequence[Box], *, top: float, title: str) -> list[str]:
    fill, stroke = COLOURS["operational"]
    left, right = PATIENT_W + GAP, WIDTH - PATIENT_W - GAP
    parts = [
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{FLOW_H + 26}" rx="10" fill="{fill}" '
        f'stroke="{stroke}"/>',
        f'<text x="{left + 10}" y="{top + 16}" font-size="11" font-weight="bold" fill="{stroke}">'
        f"{escape(title)}</text>",
    ]
    if not boxes:
        return parts
    arrow = 22
    inner = (right - left - 20 - arrow * (len(boxes) - 1)) / len(boxes)
    y = top + 24
    h = FLOW_H - 4
    for index, box in enumerate(boxes):
        x = left + 10 + index * (inner + arrow)
        tip = 14  # chevron point
        points = (
            f"{x:.1f},{y} {x + inner - tip:.1f},{y} {x + inner:.1f},{y + h / 2:.1f} "
            f"{x + inner - tip:.1f},{y + h} {x:.1f},{y + h}"
        )
        if index:
            points += f" {x + tip:.1f},{y + h / 2:.1f}"
        parts.append(
            f'<a href="{escape(box.url)}" class="process-link"><title>{escape(box.code)} — {escape(box.name)}'
            f"{' — ' + escape(box.pilot) if box.pilot else ''}</title>"
            f'<polygon points="{points}" fill="#fff" stroke="{stroke}" stroke-width="1.5"/>'
            f"{_label(box, x + inner / 2, y, h, width_chars=max(int((inner - 2 * tip) / 7), 8), colour=stroke)}</a>"
        )
        if index < len(boxes) - 1:
            ax = x + inner + 2
            parts.append(
                f'<line x1="{ax:.1f}" y1="{y + h / 2:.1f}" x2="{ax + arrow - 6:.1f}" y2="{y + h / 2:.1f}" '
                f'stroke="{stroke}" stroke-width="2" marker-end="url(#arrow)"/>'
            )
    return parts


def process_map_svg(
    management: Sequence[Box], operational: Sequence[Box], support: Sequence[Box], *, title: str
) -> SafeString:
    top_management = 10
    top_flow = top_management + BAND_H + 26 + GAP
    top_support = top_flow + FLOW_H + 26 + GAP
    height = top_support + BAND_H + 26 + 10
    mid = top_flow + (FLOW_H + 26) / 2
    parts = [
        # A group, not an image: each process box is a link, and an image's content is hidden from
        # assistive technologies (axe "nested-interactive").
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="group" '
        f'aria-labelledby="map-title" class="process-map" font-family="sans-serif">',
        f'<title id="map-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#146c43"/></marker></defs>',
    ]
    for x, label, sub in (
        (0, _("Patient"), _("needs and expectations")),
        (WIDTH - PATIENT_W, _("Patient"), _("needs met, satisfied")),
    ):
        parts.append(
            f'<rect x="{x + 4}" y="10" width="{PATIENT_W - 8}" height="{height - 20}" rx="12" fill="#f3e8fd" '
            'stroke="#6f42c1"/>'
            f'<text x="{x + PATIENT_W / 2}" y="{mid - 8:.1f}" text-anchor="middle" font-size="13" font-weight="bold" '
            f'fill="#6f42c1">{escape(label)}</text>'
            + "".join(
                f'<text x="{x + PATIENT_W / 2}" y="{mid + 10 + i * 12:.1f}" text-anchor="middle" font-size="9" '
                f'fill="#6f42c1">{escape(line)}</text>'
                for i, line in enumerate(_wrap(sub, 12))
            )
        )
    # Arrows from the patient into the flow and out of it to the patient.
    parts.append(
        f'<line x1="{PATIENT_W - 2}" y1="{mid:.1f}" x2="{PATIENT_W + GAP + 8}" y2="{mid:.1f}" stroke="#146c43" '
        'stroke-width="2" marker-end="url(#arrow)"/>'
        f'<line x1="{WIDTH - PATIENT_W - GAP - 2}" y1="{mid:.1f}" x2="{WIDTH - PATIENT_W + 2}" y2="{mid:.1f}" '
        'stroke="#146c43" stroke-width="2" marker-end="url(#arrow)"/>'
    )
    parts += _band(management, kind="management", top=top_management, title=_("Management processes"))
    parts += _flow(operational, top=top_flow, title=_("Operational processes"))
    parts += _band(support, kind="support", top=top_support, title=_("Support processes"))
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class HeatCell:
    severity: int
    likelihood: int
    criticity: int
    zone: str
    count: int


def heat_grid(counts: dict[tuple[int, int], int], zone_of: object) -> list[list[HeatCell]]:
    """Rows from severity 5 (top) to 1, columns likelihood 1 to 5, as risk maps are read."""
    rows = []
    for severity in range(5, 0, -1):
        row = []
        for likelihood in range(1, 6):
            criticity = severity * likelihood
            row.append(
                HeatCell(
                    severity,
                    likelihood,
                    criticity,
                    zone_of(criticity),  # type: ignore[operator]
                    counts.get((severity, likelihood), 0),
                )
            )
        rows.append(row)
    return rows
