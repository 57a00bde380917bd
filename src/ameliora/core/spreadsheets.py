"""What every spreadsheet export shares: text that a spreadsheet would run as a formula is neutralised.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula (or becomes one)
in Excel and LibreOffice: text typed by people (a comment, a free answer, a name) gets a leading apostrophe,
so that "=HYPERLINK(…)" shows as text and never runs (CSV/formula injection, OWASP).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
