"""What every spreadsheet export shares: text that a spreadsheet would run as a formula is neutralised.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula (or becomes one)
in Excel and LibreOffice: text typed by people (a comment, a free answer, a name) gets a leading apostrophe,
so that "=HYPERLINK(…)" shows as text and never runs (CSV/formula injection, OWASP).

A computed figure (a rate, a score, a value with its unit) is written as a :class:`Figure`: the cell holds
the number rounded as the pages round it (``core.figures``), with a number format that shows its
decimals and unit ("37,5 %" in a French spreadsheet), so that it still adds up and sorts as a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ameliora.core.figures import Number, round_figure, xlsx_number_format

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Figure:
    """A computed figure for a spreadsheet cell: its value (unrounded) and its unit."""

    value: Number | None
    unit: str = ""


def put(cell: Any, value: Any) -> None:
    """Write ``value`` into an openpyxl cell: a :class:`Figure` as a rounded number with its format,
    text neutralised and typed as text (never a formula), anything else as is."""
    if isinstance(value, Figure):
        cell.value = round_figure(value.value)
        cell.number_format = xlsx_number_format(value.value, value.unit)
        return
    cell.value = neutralise(value)
    if isinstance(value, str):
        cell.data_type = "s"


def put_row(sheet: Any, values: Any) -> None:
    """Append a row to a worksheet (not a write-only one), each value written by :func:`put`."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        put(sheet.cell(row=row, column=column), value)
