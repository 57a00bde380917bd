"""English left on a French page or PDF: phrases of the French catalogue found verbatim in what a reader sees.

The catalogue (``locale/fr/LC_MESSAGES/django.po``) lists every English source string with its French
translation. When a French page shows one of those English strings as it is, someone forgot to mark it
for translation, rendered it outside the request's language, or froze it in English (a history, a PDF).

Only phrases that cannot be French are looked for: the literal parts of a msgid between its placeholders,
of at least two words, whose translation differs, and which appear in no French translation of the
catalogue (so "Ameliora", "CSV UTF-8" or a shared proper name never count).
"""

from __future__ import annotations

import io
import re
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from scripts.check_translations import PO, parse_po

PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{[^}]*\}|\n")
VISIBLE_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "placeholder"})
HIDDEN_ELEMENTS = frozenset({"script", "style", "template"})
MIN_WORDS = 2
MIN_CHARACTERS = 8


def _normalised(text: str) -> str:
    return " ".join(text.split())


def catalogue_phrases(po: Path = PO) -> frozenset[str]:
    """The English phrases a French reader must never see."""
    entries = parse_po(po)
    french = "\n".join(_normalised(text) for translations in entries.values() for text in translations)
    phrases = set()
    for msgid, translations in entries.items():
        if not any(translations) or msgid in translations:
            continue
        for fragment in PLACEHOLDER.split(msgid):
            phrase = _normalised(fragment).strip(" .,:;!?()[]«»\"'…-")
            if len(phrase.split()) >= MIN_WORDS and len(phrase) >= MIN_CHARACTERS and phrase not in french:
                phrases.add(phrase)
    return frozenset(phrases)


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside scripts and styles, and labelling attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return _normalised("\n".join(parser.parts))


def generated_pdf_text(content: bytes) -> str | None:
    """The text of a PDF the app made (WeasyPrint is its producer); None for any other file, such as an
    uploaded attachment, which is not the app's to translate."""
    try:
        reader = PdfReader(io.BytesIO(content))
        producer = str(reader.metadata.producer or "") if reader.metadata else ""
    except PdfReadError:
        return None
    if "WeasyPrint" not in producer:
        return None
    return _normalised("\n".join(page.extract_text() or "" for page in reader.pages))


class EnglishFinder:
    """Finds the catalogue's English phrases in a text, as whole words and with their case."""

    def __init__(self, phrases: frozenset[str]) -> None:
        self.phrases = phrases

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(phrase) for phrase in sorted(self.phrases, key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def find(self, text: str) -> list[str]:
        return sorted(set(self._pattern.findall(text))) if self.phrases else []

    def in_html(self, html: str) -> list[str]:
        return self.find(visible_text(html))

    def in_pdf(self, content: bytes) -> list[str]:
        text = generated_pdf_text(content)
        return [] if text is None else self.find(text)
