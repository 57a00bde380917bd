"""The plan's timeline (Gantt-like), drawn on the server as SVG so it prints in the PDF too.

One bar per action from its start to its due date, a line for today, late bars in red. Every bar
carries a ``<title>`` with its dates and status for screen readers; the page adds a table beside it.
A date outside ``core.dates``' plausible range (stored before typed dates were bounded) counts as no
date: a due date in year 9999 would stretch the axis over millennia, or past the calendar's end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ameliora.core.dates import is_plausible

LABEL_WIDTH = 260
CHART_WIDTH = 640
ROW_HEIGHT = 22
HEADER = 28
COLOURS = {
    "planned": "#6c8ebf",
    "in_progress": "#0d6efd",
    "done": "#198754",
    "cancelled": "#adb5bd",
}
LATE_COLOUR = "#dc3545"


@dataclass(frozen=True)
class Bar:
    label: str
    start: date | None
    due: date | None
    status: str
    status_label: str
    late: bool
    url: str = ""


def _truncate(text: str, length: int = 38) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


#: Beyond this many months, the axis marks years only.
MONTHLY_TICKS = 36


def _ticks(first: date, last: date) -> list[tuple[date, str]]:
    """The first day of each month between ``first`` and ``last`` with its label (years only on a long axis)."""
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    if len(months) <= MONTHLY_TICKS:
        return [(month, f"{month:%m/%Y}") for month in months]
    return [(month, f"{month:%Y}") for month in months if month.month == 1]


def _plausible(day: date | None) -> date | None:
    return day if day is not None and is_plausible(day) else None


def timeline_svg(bars: list[Bar], *, today: date, title: str) -> SafeString:
    """The SVG markup; bars without any date are listed without a bar."""
    bars = [replace(bar, start=_plausible(bar.start), due=_plausible(bar.due)) for bar in bars]
    dated = [d for b in bars for d in (b.start, b.due) if d is not None]
    first = min([*dated, today]) - timedelta(days=3)
    last = max([*dated, today]) + timedelta(days=3)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return LABEL_WIDTH + CHART_WIDTH * (day - first).days / span

    height = HEADER + ROW_HEIGHT * max(len(bars), 1) + 8
    width = LABEL_WIDTH + CHART_WIDTH + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="timeline-title" class="plan-timeline" font-family="sans-serif" font-size="11">',
        f'<title id="timeline-title">{escape(title)}</title>',
    ]
    for month, tick in _ticks(first, last):
        if month < first:
            continue
        mx = x(month)
        parts.append(f'<line x1="{mx:.1f}" y1="{HEADER - 6}" x2="{mx:.1f}" y2="{height}" stroke="#dee2e6"/>')
        parts.append(f'<text x="{mx + 3:.1f}" y="{HEADER - 10}" fill="#6c757d">{tick}</text>')
    for index, bar in enumerate(bars):
        y = HEADER + index * ROW_HEIGHT
        if index % 2 == 0:
            parts.append(f'<rect x="0" y="{y}" width="{width}" height="{ROW_HEIGHT}" fill="#f8f9fa"/>')
        label = escape(_truncate(bar.label))
        if bar.url:
            parts.append(f'<a href="{escape(bar.url)}"><text x="4" y="{y + 15}" fill="#0a58ca">{label}</text></a>')
        else:
            parts.append(f'<text x="4" y="{y + 15}">{label}</text>')
        start = bar.start or bar.due
        due = bar.due or bar.start
        if start is None or due is None:
            parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + 15}" fill="#6c757d">{escape(_("no dates"))}</text>')
            continue
        x1, x2 = x(start), x(due + timedelta(days=1))
        colour = LATE_COLOUR if bar.late else COLOURS.get(bar.status, "#6c757d")
        when = f"{start:%d/%m/%Y} → {due:%d/%m/%Y}"
        state = bar.status_label + (f", {_('late')}" if bar.late else "")
        outline = ' stroke="#842029" stroke-width="1.5"' if bar.late else ""
        parts.append(
            f'<rect x="{x1:.1f}" y="{y + 4}" width="{max(x2 - x1, 3):.1f}" height="{ROW_HEIGHT - 8}" rx="3" '
            f'fill="{colour}"{outline}>'
            f"<title>{escape(bar.label)} — {when} — {escape(state)}</title></rect>"
        )
    tx = x(today)
    parts.append(
        f'<line x1="{tx:.1f}" y1="{HEADER - 6}" x2="{tx:.1f}" y2="{height}" '
        'stroke="#fd7e14" stroke-width="2" stroke-dasharray="4 3"/>'
    )
    today_label = escape(_("today"))
    parts.append(f'<text x="{tx + 3:.1f}" y="{HEADER - 1}" fill="#fd7e14" font-weight="bold">{today_label}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
