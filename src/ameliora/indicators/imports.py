"""Reading measurement files (CSV, XLSX) into rows and a per-line report. Nothing here writes.

The file has a header row naming its columns, in French or English: a period (``période``,
``semaine``, ``mois``, ``date``…), then either a value (``valeur``, ``nombre``…) or a numerator and a
denominator (``numérateur``, ``dénominateur``), and optionally a note (``commentaire``, ``remarque``…);
case, accents and punctuation do not matter (:data:`COLUMN_NAMES`). When the header names something
else ("Semaine;Erreurs;Commentaire"), the person says which column is which: :func:`parse_file`
takes those ``columns`` (role → index) or a mapping remembered for the indicator (role → header),
and raises :class:`ColumnsNeededError` (with the headers and the first lines, for the form) when
neither is given and the header is not recognised. French files are the norm: ``;`` or ``,``
separators, decimal commas, ``dd/mm/yyyy`` dates, cp1252 encoding from older Excel versions.

Formula-looking text (starting with ``=``, ``@``, or ``+``/``-`` followed by anything that is not a
number) is refused, never evaluated: such cells are how spreadsheet formula injection travels.
XLSX files are opened read-only and their formulas are read as text, so they are refused too.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _

from ameliora.core.dates import is_plausible, out_of_range_message
from ameliora.indicators.models import ImportMapping, Indicator, MeasurementImport
from ameliora.indicators.periods import period_start_of
from ameliora.indicators.services import MeasurementInput, RowError, check_rows

MAX_ERRORS_SHOWN = 500
PREVIEW_LINES = 10
SAMPLE_LINES = 3

# Normalised header names (lower case, no accents, letters and spaces only). A header is recognised
# when it is one of these names or starts with one followed by a space ("nombre derreurs",
# "semaine du"). The first name of each role is the one the refusal message suggests.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "period": (
        "periode",
        "period",
        "date",
        "debut de periode",
        "semaine",
        "mois",
        "trimestre",
        "annee",
        "jour",
        "week",
        "month",
        "quarter",
        "year",
        "day",
    ),
    "value": ("valeur", "value", "nombre", "nb", "count", "mesure", "total", "resultat", "effectif", "quantite"),
    "numerator": ("numerateur", "numerator", "num"),
    "denominator": ("denominateur", "denominator", "denom"),
    "note": (
        "note",
        "notes",
        "commentaire",
        "commentaires",
        "comment",
        "comments",
        "remarque",
        "remarques",
        "observation",
        "observations",
    ),
}
ROLES = tuple(COLUMN_NAMES)

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%m/%Y", "%Y-%m")


class ImportFileError(Exception):
    """The whole file is unreadable (encoding, no header, no rows...): a message for the user."""


class ColumnsNeededError(ImportFileError):
    """The header is not recognised: the person must say which column is which."""

    def __init__(self, message: str, head: FileHead) -> None:
        super().__init__(message)
        self.head = head


@dataclass
class FileHead:
    """The header row and the first data lines, as text, for the column form."""

    headers: list[str] = field(default_factory=list)
    samples: list[list[str]] = field(default_factory=list)


@dataclass
class PreviewLine:
    """One of the first data lines as it will be read: the cells taken, the row or the reasons."""

    line: int
    period_text: str
    row: MeasurementInput | None
    reasons: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list[MeasurementInput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    lines: int = 0
    existing_periods: int = 0
    headers: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    columns_from: str = ""  # "header", "remembered" or "chosen"
    preview: list[PreviewLine] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def valid_rows(self) -> list[MeasurementInput]:
        """The rows of the lines that no error names (what a partial import saves)."""
        refused = {e.line for e in self.errors}
        return [row for row in self.rows if row.line not in refused]

    @property
    def column_names(self) -> dict[str, str]:
        """Role → header text of the columns used (what is remembered for the indicator)."""
        return {role: self.headers[index] for role, index in self.columns.items() if index < len(self.headers)}


def normalise_header(name: object) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]", "", text)).strip()


def needed_roles(indicator: Indicator) -> list[str]:
    return ["period", "numerator", "denominator"] if indicator.uses_ratio else ["period", "value"]


def _recognised(name: str, aliases: tuple[str, ...]) -> bool:
    return any(name == alias or name.startswith(alias + " ") for alias in aliases)


def recognise_columns(headers: list[str]) -> dict[str, int]:
    """Role → index of the headers recognised by name (the first column wins for each role)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(headers):
        name = normalise_header(cell)
        for role, aliases in COLUMN_NAMES.items():
            if role not in found and index not in found.values() and _recognised(name, aliases):
                found[role] = index
    return found


def remembered_columns(headers: list[str], remembered: Mapping[str, str]) -> dict[str, int] | None:
    """Role → index of a remembered mapping (role → header), or None unless every header is in the file."""
    if not remembered:
        return None
    names = [normalise_header(h) for h in headers]
    found: dict[str, int] = {}
    for role, header in remembered.items():
        wanted = normalise_header(header)
        if wanted not in names:
            return None
        found[role] = names.index(wanted)
    return found


def guess_columns(head: FileHead, indicator: Indicator) -> dict[str, int]:
    """What the column form proposes: the headers recognised, then for a missing role the only
    unassigned column whose first lines all read as dates (period) or numbers (value, numerator and
    denominator in the file's order)."""
    found = recognise_columns(head.headers)
    free = [i for i in range(len(head.headers)) if i not in found.values()]

    def cells(index: int) -> list[str]:
        return [line[index] for line in head.samples if index < len(line) and line[index].strip()]

    def all_read(index: int, read: Any) -> bool:
        values = cells(index)
        return bool(values) and all(read(v) is not None for v in values)

    if "period" not in found:
        dates = [i for i in free if all_read(i, parse_date)]
        if len(dates) == 1:
            found["period"] = dates[0]
            free.remove(dates[0])
    numbers = [i for i in free if all_read(i, parse_decimal)]
    missing = [role for role in needed_roles(indicator)[1:] if role not in found]
    if missing and len(numbers) == len(missing):
        found.update(zip(missing, numbers, strict=True))
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


def _cell_text(cell: Any) -> str:
    if isinstance(cell, datetime):
        return cell.date().strftime("%d/%m/%Y") if not (cell.hour or cell.minute) else cell.strftime("%d/%m/%Y %H:%M")
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return "" if cell is None else str(cell).strip()


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


def _numbered_lines(stream: IO[bytes], filename: str, parsed: ParsedFile) -> Iterator[tuple[int, list[Any]]]:
    """The file's non-blank lines with their numbers (line 1 is the first line of the file)."""
    if filename.lower().endswith(".xlsx"):
        lines: Iterator[list[Any]] = _xlsx_lines(stream, parsed)
    else:
        content = stream.read()
        if not content.strip():
            raise ImportFileError(_("The file is empty."))
        lines = _csv_lines(content, parsed)
    for line, cells in enumerate(lines, start=1):
        if any(str(c).strip() for c in cells if c is not None):  # blank lines end many exported files
            yield line, cells


def read_head(stream: IO[bytes], filename: str) -> FileHead:
    """The header and the first few data lines as text (for the column form)."""
    head = FileHead()
    for _line, cells in _numbered_lines(stream, filename, ParsedFile()):
        if not head.headers:
            head.headers = [_cell_text(c) for c in cells]
            continue
        head.samples.append([_cell_text(c) for c in cells])
        if len(head.samples) >= SAMPLE_LINES:
            break
    if not head.headers:
        raise ImportFileError(_("The file is empty."))
    return head


def _choose_columns(
    headers: list[str],
    indicator: Indicator,
    columns: Mapping[str, int] | None,
    remembered: Mapping[str, str] | None,
) -> tuple[dict[str, int], str] | None:
    needed = needed_roles(indicator)
    if columns is not None:
        chosen = {role: index for role, index in columns.items() if role in ROLES and 0 <= index < len(headers)}
        if all(role in chosen for role in needed):
            return chosen, "chosen"
    if remembered:
        found = remembered_columns(headers, remembered)
        if found is not None and all(role in found for role in needed):
            return found, "remembered"
    found = recognise_columns(headers)
    if all(role in found for role in needed):
        return found, "header"
    return None


def parse_file(
    stream: IO[bytes],
    filename: str,
    indicator: Indicator,
    *,
    replace: bool,
    columns: Mapping[str, int] | None = None,
    remembered: Mapping[str, str] | None = None,
) -> ParsedFile:
    """Read the whole file; every rejected line is in ``errors`` with its number and reason.

    The columns are, in this order: ``columns`` (role → index, chosen by the person), the
    ``remembered`` mapping (role → header) if every header it names is in the file, the headers
    recognised by name. If none of them gives every column the indicator needs, raise
    :class:`ColumnsNeededError`.
    """
    parsed = ParsedFile()
    header_seen = False
    samples: list[list[str]] = []
    for line, cells in _numbered_lines(stream, filename, parsed):
        if not header_seen:
            header_seen = True
            parsed.headers = [_cell_text(c) for c in cells]
            choice = _choose_columns(parsed.headers, indicator, columns, remembered)
            if choice is None:
                samples = []
                continue
            parsed.columns, parsed.columns_from = choice
            continue
        if not parsed.columns:
            samples.append([_cell_text(c) for c in cells])
            if len(samples) < SAMPLE_LINES:
                continue
            break
        parsed.lines += 1
        before = len(parsed.errors)
        row = _row(cells, parsed.columns, indicator, line, parsed.errors)
        if row is not None:
            parsed.rows.append(row)
        if len(parsed.preview) < PREVIEW_LINES:
            index = parsed.columns["period"]
            parsed.preview.append(
                PreviewLine(
                    line=line,
                    period_text=_cell_text(cells[index]) if index < len(cells) else "",
                    row=row,
                    reasons=[e.message for e in parsed.errors[before:]],
                )
            )
    if not header_seen:
        raise ImportFileError(_("The file is empty."))
    if not parsed.columns:
        expected = ", ".join(COLUMN_NAMES[key][0] for key in needed_roles(indicator))
        raise ColumnsNeededError(
            _("The first row must name the columns; expected: %(expected)s (and optionally note).")
            % {"expected": expected},
            FileHead(headers=parsed.headers, samples=samples),
        )
    if not parsed.lines:
        raise ImportFileError(_("The file has a header row but no data rows."))
    existing = set(indicator.measurements.values_list("period_start", flat=True))
    parsed.existing_periods = sum(1 for row in parsed.rows if row.period_start in existing)
    checked = check_rows(indicator, parsed.rows, replace=replace, existing=existing)
    parsed.errors.extend(checked)
    parsed.errors.sort(key=lambda e: e.line)
    previewed = {p.line: p for p in parsed.preview}
    for error in checked:
        if error.line in previewed:
            previewed[error.line].reasons.append(error.message)
    return parsed


def remembered_mapping(indicator: Indicator) -> dict[str, str]:
    """The columns remembered from the indicator's last import whose columns were chosen (may be empty)."""
    mapping = ImportMapping.objects.filter(indicator=indicator).values_list("columns", flat=True).first()
    return dict(mapping or {})


def parse_import(pending: MeasurementImport) -> ParsedFile:
    """Read a pending import with the columns chosen for it, else those remembered, else its header."""
    with pending.file.open("rb") as stream:
        return parse_file(
            stream,
            pending.original_name,
            pending.indicator,
            replace=pending.replace,
            columns=pending.columns or None,
            remembered=remembered_mapping(pending.indicator),
        )


def head_of(pending: MeasurementImport) -> FileHead:
    with pending.file.open("rb") as stream:
        return read_head(stream, pending.original_name)
