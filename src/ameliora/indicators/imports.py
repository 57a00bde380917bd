"""Reading measurement files (CSV, XLSX) into rows and a per-line report. Nothing here writes.

The file has a header row naming its columns, in French or English: a period (``période``,
``date``), then either a value (``valeur``) or a numerator and a denominator (``numérateur``,
``dénominateur``), and optionally a note. French files are the norm: ``;`` or ``,`` separators,
decimal commas, ``dd/mm/yyyy`` dates, cp1252 encoding from older Excel versions.

Formula-looking text (starting with ``=``, ``@``, or ``+``/``-`` followed by anything that is not a
number) is refused, never evaluated: such cells are how spreadsheet formula injection travels.
XLSX files are opened read-only and their formulas are read as text, so they are refused too.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

from ameliora.core.dates import is_plausible, out_of_range_message
from ameliora.indicators.models import Indicator
from ameliora.indicators.periods import period_start_of
from ameliora.indicators.services import MeasurementInput, RowError, check_rows

MAX_ERRORS_SHOWN = 500

COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "period": ("periode", "period", "date", "debut de periode", "semaine", "mois", "week", "month"),
    "value": ("valeur", "value", "nombre", "count", "mesure"),
    "numerator": ("numerateur", "numerator"),
    "denominator": ("denominateur", "denominator"),
    "note": ("note", "commentaire", "comment", "remarque"),
}

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%m/%Y", "%Y-%m")


class ImportFileError(Exception):
    """The whole file is unreadable (encoding, no header, no rows...): a message for the user."""


@dataclass
class ParsedFile:
    rows: list[MeasurementInput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    lines: int = 0
    existing_periods: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _normalise(name: object) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z ]", "", text).strip()


def _columns(header: list[Any], indicator: Indicator) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _normalise(cell)
        for key, aliases in COLUMN_NAMES.items():
            if name in aliases and key not in found:
                found[key] = index
    needed = ["period", "numerator", "denominator"] if indicator.uses_ratio else ["period", "value"]
    missing = [key for key in needed if key not in found]
    if missing:
        expected = ", ".join(COLUMN_NAMES[key][0] for key in needed)
        raise ImportFileError(
            _("The first row must name the columns; expected: %(expected)s (and optionally note).")
            % {"expected": expected}
        )
    return found


def looks_like_formula(text: str) -> bool:
    stripped = text.strip()
    if not stripped:
        return False
    if stripped[0] in "=@":
        return True
    if stripped[0] in "+-":
        return parse_decimal(stripped) is None
    return False


_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_decimal(text: str) -> Decimal | None:
    """``"1,5"``, ``"1 234,5"``, ``"1.234,5"``, ``"1234.5"`` → Decimal; anything else → None."""
    cleaned = _SPACES.sub("", text.strip())
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def parse_date(cell: Any) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell or "").strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 — a calendar date, no time
        except ValueError:
            continue
        return parsed.date()
    return None


def _number(cell: Any, column: str, line: int, errors: list[RowError]) -> Decimal | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        errors.append(RowError(line, column, _("Column “%(column)s” is empty.") % {"column": column}))
        return None
    if isinstance(cell, bool):
        cell = int(cell)
    if isinstance(cell, int | float | Decimal):
        return Decimal(str(cell))
    text = str(cell)
    if looks_like_formula(text):
        errors.append(
            RowError(
                line,
                column,
                _(
                    "Column “%(column)s” holds “%(text)s”, which looks like a spreadsheet formula: "
                    "refused, never evaluated."
                )
                % {"column": column, "text": text.strip()[:40]},
            )
        )
        return None
    value = parse_decimal(text)
    if value is None:
        errors.append(
            RowError(
                line,
                column,
                _("Column “%(column)s” holds “%(text)s”, which is not a number.")
                % {"column": column, "text": text.strip()[:40]},
            )
        )
    return value


def _note_errors(note: str, line: int) -> list[RowError]:
    if looks_like_formula(note):
        return [RowError(line, "note", _("The note looks like a spreadsheet formula: refused, never evaluated."))]
    return []


def check_imported_rows(indicator: Indicator, rows: Sequence[MeasurementInput], *, replace: bool) -> list[RowError]:
    """The checks of an imported file's rows, for rows that arrive already typed (the API's bulk
    entry): no formula-looking note, then :func:`~ameliora.indicators.services.check_rows`."""
    errors = [error for row in rows for error in _note_errors(row.note, row.line)]
    errors.extend(check_rows(indicator, rows, replace=replace))
    errors.sort(key=lambda e: e.line)
    return errors


def _row(
    cells: list[Any], columns: dict[str, int], indicator: Indicator, line: int, errors: list[RowError]
) -> MeasurementInput | None:
    def cell(key: str) -> Any:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    before = len(errors)
    raw_period = cell("period")
    if isinstance(raw_period, str) and looks_like_formula(raw_period):
        errors.append(
            RowError(
                line,
                "period",
                _("The period “%(text)s” looks like a spreadsheet formula: refused, never evaluated.")
                % {"text": raw_period.strip()[:40]},
            )
        )
        period = None
    else:
        period = parse_date(raw_period)
        if period is None:
            errors.append(
                RowError(
                    line,
                    "period",
                    _("“%(text)s” is not a date (expected dd/mm/yyyy, e.g. 03/03/2025).")
                    % {"text": str(raw_period or "").strip()[:40]},
                )
            )
        elif not is_plausible(period):
            errors.append(RowError(line, "period", out_of_range_message()))
            period = None
    note = str(cell("note") or "").strip()
    errors.extend(_note_errors(note, line))
    if indicator.uses_ratio:
        numerator = _number(cell("numerator"), _("numerator"), line, errors)
        denominator = _number(cell("denominator"), _("denominator"), line, errors)
        value = None
    else:
        value = _number(cell("value"), _("value"), line, errors)
        numerator = denominator = None
    if len(errors) > before or period is None:
        return None
    return MeasurementInput(
        period_start=period_start_of(period, indicator.periodicity),
        value=value,
        numerator=numerator,
        denominator=denominator,
        note=note,
        line=line,
    )


def decode(content: bytes) -> tuple[str, str]:
    """Text and a description of the encoding used: UTF-8 (with or without BOM), else Windows-1252."""
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), _("UTF-8 with BOM")
        except UnicodeDecodeError:
            pass
    if b"\x00" in content:
        raise ImportFileError(
            _(
                "This file is not text in UTF-8 or Windows-1252 (it may be UTF-16): "
                "save it as “CSV UTF-8” and try again."
            )
        )
    try:
        return content.decode("utf-8"), _("UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), _("Windows-1252 (older Excel); check the accented letters in the preview")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("This file's encoding could not be recognised (tried UTF-8 and Windows-1252): save it as “CSV UTF-8”.")
        ) from exc


def _separator(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def _csv_lines(content: bytes, parsed: ParsedFile) -> Iterator[list[Any]]:
    text, parsed.encoding = decode(content)
    first = text.split("\n", 1)[0]
    parsed.separator = _separator(first)
    yield from csv.reader(io.StringIO(text), delimiter=parsed.separator)


def _xlsx_lines(stream: IO[bytes], parsed: ParsedFile) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    parsed.encoding = "XLSX"
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:
        raise ImportFileError(_("This XLSX file could not be opened.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def parse_file(stream: IO[bytes], filename: str, indicator: Indicator, *, replace: bool) -> ParsedFile:
    """Read the whole file; every rejected line is in ``errors`` with its number and reason."""
    parsed = ParsedFile()
    if filename.lower().endswith(".xlsx"):
        lines: Iterator[list[Any]] = _xlsx_lines(stream, parsed)
    else:
        content = stream.read()
        if not content.strip():
            raise ImportFileError(_("The file is empty."))
        lines = _csv_lines(content, parsed)
    header: list[Any] | None = None
    columns: dict[str, int] = {}
    for line, cells in enumerate(lines, start=1):
        if not any(str(c).strip() for c in cells if c is not None):
            continue  # blank lines (frequent at the end of exported files)
        if header is None:
            header = cells
            columns = _columns(header, indicator)
            continue
        parsed.lines += 1
        row = _row(cells, columns, indicator, line, parsed.errors)
        if row is not None:
            parsed.rows.append(row)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    if not parsed.lines:
        raise ImportFileError(_("The file has a header row but no data rows."))
    existing = set(indicator.measurements.values_list("period_start", flat=True))
    parsed.existing_periods = sum(1 for row in parsed.rows if row.period_start in existing)
    parsed.errors.extend(check_rows(indicator, parsed.rows, replace=replace, existing=existing))
    parsed.errors.sort(key=lambda e: e.line)
    return parsed
