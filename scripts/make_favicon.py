"""Draw the bitmap favicons (32x32 PNG, 16+32 ICO) from the same shapes as ``favicon.svg``.

Browsers that take SVG icons use ``favicon.svg``; the bitmaps are for the others and for ``/favicon.ico``.
Run after changing the SVG: ``.venv/bin/python scripts/make_favicon.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "src" / "ameliora" / "static" / "ameliora"
PRIMARY = "#1d4f8c"  # --am-primary in app.css
# The heartbeat of favicon.svg, in its 32x32 viewBox.
PULSE = [(4, 17), (10, 17), (13, 9), (18, 24), (21, 14), (23, 17), (28, 17)]
SCALE = 16  # draw large, then shrink: Pillow draws without anti-aliasing


def draw() -> Image.Image:
    size = 32 * SCALE
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=7 * SCALE, fill=PRIMARY)
    width = round(2.75 * SCALE)
    points = [(x * SCALE, y * SCALE) for x, y in PULSE]
    pen.line(points, fill="white", width=width, joint="curve")
    for x, y in (points[0], points[-1]):  # round caps, as stroke-linecap="round"
        pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill="white")
    return image


def main() -> None:
    image = draw()
    image.resize((32, 32), Image.Resampling.LANCZOS).save(STATIC / "favicon-32.png", optimize=True)
    image.resize((64, 64), Image.Resampling.LANCZOS).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32)])


if __name__ == "__main__":
    main()
