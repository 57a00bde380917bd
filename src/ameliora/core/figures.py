"""How a figure is shown: one rounding rule and one way to write a target, for pages and exports.

The same figure must read the same on a page, in a PDF, a DOCX and an XLSX (a resolution rate of
37.5 % was "38 %" on the events page and "37,5 %" in the annual report). Every place that shows a
figure rounds it with :func:`round_figure` and writes it with :func:`format_figure` (pages, PDF,
DOCX, through the ``figure`` template filter) or stores the rounded value with
:func:`xlsx_number_format` (spreadsheets keep numbers, not text).

The rule: the precision suits the size — no decimal from 100 up, one from 10 up, two below 10 —
and trailing zeros are dropped ("21", "37,5", "0,25"). The decimal separator is the active
language's (a comma in French).
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils import formats

NO_VALUE = "—"
AT_MOST = "≤"
AT_LEAST = "≥"

Number = float | int | Decimal


def places_for(value: Number) -> int:
    """Decimal places kept for a figure of this size."""
    size = abs(float(value))
    return 0 if size >= 100 else 1 if size >= 10 else 2


def round_figure(value: Number | None) -> float | None:
    """The figure as it is shown, as a number (``None`` for a missing or non-finite value)."""
    if value is None or not math.isfinite(float(value)):
        return None
    rounded = round(float(value), places_for(value))
    return rounded + 0.0  # no "-0"


def format_figure(value: Number | None, unit: str = "") -> str:
    """``37.5`` → "37,5" in French; with a unit, "37,5 %" (a non-breaking space before the unit)."""
    rounded = round_figure(value)
    if rounded is None:
        return NO_VALUE
    text = (
        formats.number_format(int(rounded))
        if rounded == int(rounded)
        else formats.number_format(rounded, decimal_pos=None)
    )
    return f"{text}\u00a0{unit}" if unit else text


def format_target(value: Number | None, *, at_most: bool, unit: str = "") -> str:
    """A target with its sense and unit: "≤ 21 jours", "≥ 75 %"; "—" without a target."""
    if value is None:
        return NO_VALUE
    sign = AT_MOST if at_most else AT_LEAST
    return f"{sign}\u00a0{format_figure(value, unit)}"


def xlsx_number_format(value: Number | None, unit: str = "") -> str:
    """The Excel number format that shows :func:`round_figure`'s value as the pages do, with its unit.

    The unit is quoted so that "%" stays a label (unquoted, Excel would multiply by 100).
    """
    rounded = round_figure(value)
    places = 0
    if value is not None and rounded is not None:
        places = next(p for p in range(places_for(value) + 1) if round(rounded, p) == rounded)
    code = "0" if places == 0 else "0." + "0" * places
    if unit:
        escaped = unit.replace('"', "")
        code += f'" {escaped}"'
    return code
