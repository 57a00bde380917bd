"""An indicator's series as files another system (or Ameliora itself) reads back. Nothing here writes.

* :func:`series_csv`: the shape the file import recognises without asking (``imports.COLUMN_NAMES``):
  ``période;valeur;commentaire`` (or ``période;numérateur;dénominateur;commentaire``), ``;`` separated,
  dates ``dd/mm/yyyy``, decimal commas, UTF-8 with a BOM so that Excel reads the accents. A note that
  a spreadsheet would run as a formula is written behind an apostrophe (the import refuses formulas).
* :func:`series_json`: the body ``POST …/indicators/{id}/measurements/bulk`` accepts
  (``MeasurementsBulkIn``): ``{"measurements": [{"period_start", "value", "numerator", "denominator",
  "note"}], "replace": false}``, numbers as JSON numbers, dates ISO.

Every recorded period is exported, excluded ones too (exclusion is a reading choice, kept in Ameliora).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from ameliora.indicators.imports import looks_like_formula
from ameliora.indicators.models import Indicator, Measurement

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _measurements(indicator: Indicator) -> list[Measurement]:
    return list(indicator.measurements.order_by("period_start"))


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def _safe_note(note: str) -> str:
    return "'" + note if looks_like_formula(note) else note


def series_csv(indicator: Indicator) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if indicator.uses_ratio:
        writer.writerow(["période", "numérateur", "dénominateur", "commentaire"])
        for m in _measurements(indicator):
            row = [m.period_start.strftime("%d/%m/%Y"), _number(m.numerator), _number(m.denominator)]
            writer.writerow([*row, _safe_note(m.note)])
    else:
        writer.writerow(["période", "valeur", "commentaire"])
        for m in _measurements(indicator):
            writer.writerow([m.period_start.strftime("%d/%m/%Y"), _number(m.value), _safe_note(m.note)])
    return ("\ufeff" + out.getvalue()).encode()


def series_json(indicator: Indicator) -> dict[str, Any]:
    rows = []
    for m in _measurements(indicator):
        row: dict[str, Any] = {"period_start": m.period_start.isoformat()}
        if indicator.uses_ratio:
            row |= {"numerator": _json_number(m.numerator), "denominator": _json_number(m.denominator)}
        else:
            row["value"] = _json_number(m.value)
        rows.append(row | {"note": m.note})
    return {"measurements": rows, "replace": False}


def filename(indicator: Indicator, extension: str) -> str:
    return f"indicator-{indicator.pk}-series.{extension}"
