"""The QR code of a campaign's public link, as inline SVG (prints sharply, no image file).

The same as ``events.qr``: domain apps do not import each other.
"""

from __future__ import annotations

import qrcode  # type: ignore[import-untyped]
import qrcode.image.svg  # type: ignore[import-untyped]


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    raw = image.to_string()
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    # Drop the XML declaration (the SVG is embedded in an HTML page) and let CSS size it.
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1]
    return text.strip().replace('width="', 'data-width="', 1).replace('height="', 'data-height="', 1)
