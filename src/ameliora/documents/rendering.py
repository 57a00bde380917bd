"""Markdown written in the app, rendered to HTML that cannot carry scripts or foreign styles."""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip


def render_markdown(text: str) -> SafeString:
    """Markdown → HTML, then sanitised by nh3 (Ammonia): only the tags above, links with rel=noopener."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer"))
