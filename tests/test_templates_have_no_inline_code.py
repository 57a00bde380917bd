"""No template of ours carries code or styles that the Content-Security-Policy would block.

The policy (``CONTENT_SECURITY_POLICY`` in settings.py) allows scripts and styles only from our static
files: an inline ``<script>``, an ``on…=`` handler, an ``hx-on`` attribute, a ``javascript:`` URL, htmx's
``js:`` values, an inline ``<style>`` or a ``style=`` attribute would silently stop working in the
browser. Behaviour goes in ``static/ameliora/app.js`` (or the app's static file), styles in CSS classes.

The WeasyPrint templates are the exception: they are turned into PDF files on the server, never
served as pages, so their ``<style>`` blocks never meet a browser's policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "ameliora"
TEMPLATES = sorted(p for p in SOURCE.glob("**/templates/**/*.html") if "static" not in p.parts)
PDF_ONLY = {
    "assessments/campaign_export.html",
    "learning/dossier_pdf.html",
    "meetings/report_pdf.html",
    "meetings/letter_pdf.html",
    "plans/plan_pdf.html",
    "reports/annual_pdf.html",
}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
FORBIDDEN = {
    "an on…= event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "an hx-on attribute": re.compile(r"\b(data-)?hx-on", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "an htmx js: value (needs eval)": re.compile(r"""hx-(vals|vars|headers)\s*=\s*['"]\s*(js|javascript):""", re.I),
    "an hx-vars attribute (needs eval)": re.compile(r"\bhx-vars\b", re.IGNORECASE),
}
STYLES = {
    "an inline <style> block": re.compile(r"<style\b", re.IGNORECASE),
    "a style= attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
}


def _name(path: Path) -> str:
    return path.as_posix().split("/templates/", 1)[1]


def inline_code(text: str) -> list[str]:
    """What in ``text`` needs 'unsafe-inline' or 'unsafe-eval' for scripts, one line per finding."""
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        kind = re.search(r"""\btype\s*=\s*["']?([^"'\s>]+)""", attributes)
        if not re.search(r"\bsrc\s*=", attributes) and not (kind and kind.group(1).lower() in DATA_SCRIPT_TYPES):
            found.append(f"an inline <script>: {match.group(0)}")
    found += [f"{what}: {m.group(0)[:80]}" for what, pattern in FORBIDDEN.items() for m in pattern.finditer(text)]
    return found


def inline_styles(text: str) -> list[str]:
    return [f"{what}: {m.group(0)[:80]}" for what, pattern in STYLES.items() for m in pattern.finditer(text)]


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) > 150
    assert {_name(p) for p in TEMPLATES} >= PDF_ONLY


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_no_template_carries_inline_script(path: Path) -> None:
    assert inline_code(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", [p for p in TEMPLATES if _name(p) not in PDF_ONLY], ids=_name)
def test_no_page_template_carries_inline_style(path: Path) -> None:
    assert inline_styles(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="module">import "x"</script>',
        '<button type="button" onclick="window.print()">',
        '<select name="a" onChange="go()">',
        '<div hx-on::before-swap="x()">',
        '<div data-hx-on:click="x()">',
        '<a href="javascript:void(0)">',
        """<button hx-vals='js:{row: 1}'>""",
    ],
)
def test_the_check_catches_each_kind_of_inline_script(snippet: str) -> None:
    assert inline_code(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="/static/ameliora/app.js" defer></script>',
        '<script type="application/json" id="data">{"a": 1}</script>',
        '<button type="button" data-print>',
        '<p class="condition">Only one option</p>',
        '<input name="is_online">',
    ],
)
def test_the_check_lets_external_scripts_and_plain_markup_through(snippet: str) -> None:
    assert inline_code(snippet) == []


def test_the_style_check_catches_blocks_and_attributes() -> None:
    assert inline_styles("<style>.a{}</style>")
    assert inline_styles('<div class="progress" style="width: 10%">')
    assert inline_styles('<div class="am-w-10" data-style="x">') == []
