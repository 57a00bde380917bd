"""The fishbone (Ishikawa) diagram of an analysis, drawn as SVG. Pure: strings in, a string out.

Families alternate above and below the spine; each factor is written along its family's bone, root
causes in bold with a marker. Every text is escaped, and the full text of a shortened factor stays in
a ``<title>`` (shown on hover, read by screen readers), so the drawing never hides information.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Cause:
    text: str
    is_root: bool = False


@dataclass(frozen=True)
class Bone:
    label: str
    causes: Sequence[Cause]


WIDTH = 1000
HEAD_WIDTH = 150
MARGIN = 20
ROW = 22
MAX_CHARS = 24
LABEL_CHARS = 22  # a family's name wraps beyond this, so neighbouring names never run into each other
LABEL_LINE = 17
ROOT_COLOUR = "#b02a37"


def _short(text: str, limit: int = MAX_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) > width and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines[:4] or [""]


def fishbone_svg(effect: str, bones: Sequence[Bone], *, title: str = "", root_label: str = "root cause") -> str:
    """The diagram as an ``<svg>`` element (no XML declaration: it is embedded in a page)."""
    top, bottom = list(bones[0::2]), list(bones[1::2])
    columns = max(1, math.ceil(len(bones) / 2))
    rows = max([len(b.causes) for b in bones] + [1])
    bone_height = 50 + ROW * rows
    height = 2 * bone_height + 60 + 4 * LABEL_LINE  # room for a family's name on up to three lines
    spine_y = height // 2
    spine_end = WIDTH - HEAD_WIDTH - 10
    column_width = (spine_end - MARGIN) / columns
    slant = min(25.0, column_width / 6)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'class="fishbone" font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{escape(title or effect)}</title>",
        f'<line x1="{MARGIN}" y1="{spine_y}" x2="{spine_end}" y2="{spine_y}" stroke="#333" stroke-width="3"/>',
        f'<polygon points="{spine_end},{spine_y - 8} {spine_end + 12},{spine_y} {spine_end},{spine_y + 8}" '
        'fill="#333"/>',
    ]
    # The head: the effect (the event), wrapped on a few lines.
    head_x = spine_end + 16
    lines = _wrap(effect, 16)
    box_h = 20 + ROW * len(lines)
    parts.append(
        f'<rect x="{head_x}" y="{spine_y - box_h / 2:.0f}" width="{HEAD_WIDTH - 30}" height="{box_h}" rx="6" '
        f'fill="#fff3cd" stroke="#997404"/>'
    )
    for i, line in enumerate(lines):
        y = spine_y - box_h / 2 + 22 + ROW * i
        parts.append(f'<text x="{head_x + 10}" y="{y:.0f}" font-weight="600">{escape(line)}</text>')

    for side, group in ((-1, top), (1, bottom)):
        for index, bone in enumerate(group):
            x_spine = MARGIN + column_width * (index + 1) - 12
            x_end = x_spine - slant
            y_end = spine_y + side * bone_height
            parts.append(
                f'<line x1="{x_end:.0f}" y1="{y_end}" x2="{x_spine:.0f}" y2="{spine_y}" '
                'stroke="#555" stroke-width="2"/>'
            )
            label_lines = _wrap(bone.label, LABEL_CHARS)
            for n, line in enumerate(label_lines):
                # Above the spine the name grows upwards from the bone's end, below it downwards.
                offset = (n - len(label_lines) + 1) * LABEL_LINE if side < 0 else n * LABEL_LINE
                label_y = (y_end - 8 if side < 0 else y_end + 18) + offset
                parts.append(
                    f'<text x="{x_end:.0f}" y="{label_y}" text-anchor="middle" font-weight="700" font-size="15">'
                    f"{escape(line)}</text>"
                )
            for k, cause in enumerate(bone.causes):
                # Causes sit along the bone, from its outer end towards the spine, written to the left of
                # the bone (inside its own column) so that neighbouring families never overlap.
                y = y_end - side * (28 + ROW * k)
                x = x_end + slant * abs(y - y_end) / bone_height - 6
                style = f' font-weight="700" fill="{ROOT_COLOUR}"' if cause.is_root else ' fill="#212529"'
                marker = "▶ " if cause.is_root else "– "
                full = f"{cause.text} ({root_label})" if cause.is_root else cause.text
                parts.append(
                    f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="end"{style}><title>{escape(full)}</title>'
                    f"{escape(marker + _short(cause.text))}</text>"
                )
    parts.append("</svg>")
    return "".join(parts)
