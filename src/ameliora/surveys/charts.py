"""Horizontal bar charts as accessible inline SVG: a <title> and <desc> for the chart, one per bar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

ROW = 26
LABEL_WIDTH = 230
BAR_WIDTH = 260
WIDTH = LABEL_WIDTH + BAR_WIDTH + 110


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    share: float  # percent of respondents to the question
    previous_share: float | None = None


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars_svg(title: str, bars: Sequence[Bar]) -> str:
    """One row per bar: label, bar, "n (x %)"; a thin grey mark shows the previous campaign's share."""
    height = ROW * len(bars) + 8
    parts = [
        f'<svg class="sv-bars" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="13">',
        f"<title>{escape(title)}</title>",
    ]
    description = "; ".join(
        _("%(label)s: %(count)s (%(share).0f %%)") % {"label": bar.label, "count": bar.count, "share": bar.share}
        for bar in bars
    )
    parts.append(f"<desc>{escape(description)}</desc>")
    for index, bar in enumerate(bars):
        y = 4 + index * ROW
        width = BAR_WIDTH * max(0.0, min(bar.share, 100.0)) / 100
        text = _("%(label)s: %(count)s (%(share).0f %%)") % {
            "label": bar.label,
            "count": bar.count,
            "share": bar.share,
        }
        if bar.previous_share is not None:
            text += " — " + _("previous campaign: %(share).0f %%") % {"share": bar.previous_share}
        parts.append(f"<g><title>{escape(text)}</title>")
        label = escape(_short(bar.label))
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" fill="#212529">{label}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{BAR_WIDTH}" height="18" fill="#e9ecef"/>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="18" fill="#0d6efd"/>')
        if bar.previous_share is not None:
            x = LABEL_WIDTH + BAR_WIDTH * max(0.0, min(bar.previous_share, 100.0)) / 100
            parts.append(f'<rect x="{x - 1.5:.1f}" y="{y}" width="3" height="24" fill="#6c757d"/>')
        figure = f"{bar.count} ({bar.share:.0f} %)"
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 16}" fill="#212529">{figure}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
