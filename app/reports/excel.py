"""Workbooks from a ReportDocument (openpyxl, write-only: rows stream to disk, memory stays flat).

Conventions an inspector's spreadsheet habits expect: the header row frozen and filtered, column widths
that fit the data, dates and times as real Excel dates (times in the report's zone, named in the
header), one sheet per table, split into "(2)", "(3)" … past Excel's 1,048,576 rows, and a first sheet
with the report's parameters, summary facts and data fingerprint — the same fingerprint the PDF of
the same data carries (document.Fingerprint).

Text is written as text: a value beginning with "=" is not turned into a formula (a party name typed
as "=HYPERLINK(…)" stays a name), and control characters Excel cannot store are shown as visible
symbols (the GS separator of a raw GS1 scan becomes ␝).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.reports.collector import young_collections_only
from app.reports.document import (
    DATE,
    DATETIME,
    FLAG,
    INT,
    Cell,
    Chart,
    Facts,
    Fingerprint,
    Note,
    ReportDocument,
    Table,
    canonical_text,
    format_datetime,
    zone_label,
)
from app.reports.words import word

MAX_SHEET_ROWS = 1_048_576  # Excel's limit, header row included
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell
PROGRESS_EVERY = 5_000
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="334A66")
FLAG_FONT = Font(bold=True, color="C00000")
LABEL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class XlsxResult:
    rows: int
    sheets: int
    fingerprint: str


def _width(column_title: str, kind: str, weight: float) -> float:
    """Column width in characters: wide enough for the heading and for typical values of the kind."""
    by_kind = {DATE: 12, DATETIME: 20, INT: 11}.get(kind, 14 * weight)
    heading = sum(2 if ord(ch) > 0x2E80 else 1 for ch in column_title) + 3
    return float(min(60, max(by_kind, heading, 8)))


def _visible(text: str) -> str:
    return ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group())), text)


class _SheetWriter:
    """Writes one table into as many sheets as it needs."""

    def __init__(self, workbook: Workbook, table: Table, zone: dt.tzinfo, names: set[str], max_rows: int) -> None:
        self.workbook = workbook
        self.table = table
        self.zone = zone
        self.names = names
        self.max_rows = max_rows
        self.base_name = table.sheet or table.title
        self.sheets = 0
        self.sheet: Any = None
        self.rows_in_sheet = 0
        zone_suffix = f" ({zone_label(dt.datetime.now(zone))})"
        self.titles = [c.title + (zone_suffix if c.kind == DATETIME else "") for c in table.columns]
        self.datetimes = [i for i, c in enumerate(table.columns) if c.kind == DATETIME]
        self.flags = [i for i, c in enumerate(table.columns) if c.kind == FLAG]
        self.texts = [i for i, c in enumerate(table.columns) if c.kind not in (INT, DATE, DATETIME)]

    def _new_sheet(self) -> None:
        self._finish_sheet()
        self.sheets += 1
        name = _unique_name(self.base_name if self.sheets == 1 else f"{self.base_name} ({self.sheets})", self.names)
        sheet = self.workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(self.table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _width(
                self.titles[index - 1], column.kind, column.width)
        header = []
        for title in self.titles:
            cell = WriteOnlyCell(sheet, title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            header.append(cell)
        sheet.append(header)
        self.sheet = sheet
        self.rows_in_sheet = 0

    def _finish_sheet(self) -> None:
        if self.sheet is not None:
            last = get_column_letter(len(self.table.columns))
            self.sheet.auto_filter.ref = f"A1:{last}{self.rows_in_sheet + 1}"

    def write(self, row: Sequence[Cell]) -> None:
        if self.sheet is None or self.rows_in_sheet >= self.max_rows - 1:
            self._new_sheet()
        values: list[Any] = list(row)
        for index in self.datetimes:
            value = values[index]
            if isinstance(value, dt.datetime):
                values[index] = value.astimezone(self.zone).replace(tzinfo=None)  # Excel has no zones
        for index in self.texts:
            value = values[index]
            if type(value) is str:
                if not value:
                    values[index] = None  # no cell at all: openpyxl skips None, an empty string costs a cell
                    continue
                if ILLEGAL.search(value):  # openpyxl would refuse the row (and its stream with it)
                    value = values[index] = _visible(value)
                if value.startswith("=") or len(value) > MAX_CELL_TEXT:
                    values[index] = self._text_cell(value[:MAX_CELL_TEXT])
        for index in self.flags:
            if self.table.columns[index].alarming(values[index]):
                cell = WriteOnlyCell(self.sheet, values[index])
                cell.font = FLAG_FONT
                values[index] = cell
        self.sheet.append(values)
        self.rows_in_sheet += 1

    def _text_cell(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, text)
        cell.data_type = "s"  # stored as text even when it starts with "="
        return cell

    def close(self) -> None:
        if self.sheet is None:
            self._new_sheet()  # an empty table still gets its sheet with the header
        self._finish_sheet()


def _unique_name(name: str, taken: set[str]) -> str:
    base = SHEET_NAME_FORBIDDEN.sub("-", name).strip("'") or "Sheet"
    candidate = base[:31]
    number = 2
    while candidate.lower() in taken:
        suffix = f" {number}"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate


def _letterhead_lines(document: ReportDocument) -> list[tuple[str, Any]]:
    """The company profile's other-language name and details under the company line (no logo in a sheet)."""
    letterhead = document.letterhead
    if letterhead is None:
        return []
    lines: list[tuple[str, Any]] = []
    if letterhead.other_name:
        lines.append(("", letterhead.other_name))
    lines += letterhead.details
    return lines


def render_xlsx(document: ReportDocument, path: Path, *, progress: Progress | None = None,
                max_sheet_rows: int = MAX_SHEET_ROWS) -> XlsxResult:
    """Stream the report into `path`; `progress(rows_done, rows_known)` may raise to stop (nothing is
    left behind by this function: the caller removes `path`, and openpyxl's own temporary files are
    removed here)."""
    workbook = Workbook(write_only=True)
    try:
        with young_collections_only():
            return _write(workbook, document, path, progress, max_sheet_rows)
    except BaseException:
        _discard(workbook)
        for table in document.tables():
            close = getattr(table.rows, "close", None)
            if callable(close):
                close()  # a streamed source stopped early: release its database cursor now
        raise


def _write(workbook: Workbook, document: ReportDocument, path: Path, progress: Progress | None,
           max_sheet_rows: int) -> XlsxResult:
    language = document.language
    zone = document.zone
    names: set[str] = set()
    parameters_sheet = workbook.create_sheet(_unique_name(word(language, "sheet_parameters"), names))
    parameters_sheet.column_dimensions["A"].width = 34
    parameters_sheet.column_dimensions["B"].width = 90

    fingerprint = Fingerprint(document)
    summary: list[tuple[str, Any]] = []
    known = document.known_rows()
    done = 0
    sheets = 0
    for section in document.sections:
        fingerprint.section(section)
        if isinstance(section, Facts):
            summary.append((section.title, None))
            summary += [(label, value) for label, value in section.items]
        elif isinstance(section, Note):
            summary.append((section.text, None))
        elif isinstance(section, Chart):
            _chart_sheet(workbook, section, names)
            sheets += 1
        elif isinstance(section, Table):
            writer = _SheetWriter(workbook, section, zone, names, max_sheet_rows)
            # Often enough for a Cancel button to answer within a moment, rarely enough to cost nothing.
            step = max(50, min(PROGRESS_EVERY, (known or PROGRESS_EVERY * 50) // 50))
            for row in section.rows:
                fingerprint.row(row)
                writer.write(row)
                done += 1
                if progress is not None and done % step == 0:
                    progress(done, max(known, done))
            writer.close()
            sheets += writer.sheets
    digest = fingerprint.hexdigest()

    lines: list[tuple[str, Any]] = [
        (word(language, "report"), document.title),
        (word(language, "number"), document.number),
        (word(language, "company"), document.company),
        *_letterhead_lines(document),
        (word(language, "generated_by"), document.generated_by),
        (word(language, "generated_at"), format_datetime(document.generated_at)),
        (word(language, "language"), language),
        *document.parameters,
        (word(language, "rows"), done),
        (word(language, "fingerprint"), digest),
        ("", word(language, "verify_hint")),
    ]
    if summary:
        lines.append(("", ""))
        lines.append((word(language, "summary"), ""))
        lines += summary
    for label, value in lines:
        label_cell = WriteOnlyCell(parameters_sheet, _visible(label)[:MAX_CELL_TEXT])
        label_cell.font = LABEL_FONT
        if isinstance(value, dt.datetime):
            value = format_datetime(value, zone)
        elif isinstance(value, bool):
            value = word(language, "yes") if value else word(language, "no")
        elif isinstance(value, str):
            value = _visible(value)[:MAX_CELL_TEXT]
        value_cell = WriteOnlyCell(parameters_sheet, value)
        if isinstance(value, str):
            value_cell.data_type = "s"
        value_cell.alignment = WRAP
        parameters_sheet.append([label_cell, value_cell])
    workbook.properties.title = f"{document.title} {document.number}"
    workbook.properties.creator = document.generated_by
    workbook.properties.subject = f"{document.number} data SHA-256 {digest}"
    workbook.save(str(path))
    if progress is not None:
        progress(done, max(known, done))
    return XlsxResult(rows=done, sheets=sheets, fingerprint=digest)


def _discard(workbook: Workbook) -> None:
    """Remove the temporary files openpyxl's write-only sheets stream into (a cancelled export)."""
    for sheet in workbook.worksheets:
        writer = getattr(sheet, "_writer", None)
        out = getattr(writer, "out", None)
        if writer is None or not isinstance(out, str):
            continue
        with contextlib.suppress(Exception):
            rows = getattr(sheet, "_rows", None)
            if rows is not None:
                rows.close()
        with contextlib.suppress(Exception):
            writer.xf.close()
        with contextlib.suppress(Exception):
            writer.cleanup()  # removes the file and forgets it
        with contextlib.suppress(OSError):
            Path(out).unlink(missing_ok=True)


def canonical_row(row: Sequence[Cell]) -> list[str]:
    """The row as the fingerprint reads it (tests compare re-read workbooks with it)."""
    return [canonical_text(v) for v in row]


def _chart_sheet(workbook: Workbook, chart: Chart, names: set[str]) -> None:
    """The chart's figures on a sheet of their own (categories down, one column per series) and a line chart."""
    sheet = workbook.create_sheet(_unique_name(chart.sheet or chart.title, names))
    sheet.append([chart.category_title or chart.title, *(name for name, _ in chart.series)])
    for index, category in enumerate(chart.categories):
        sheet.append([category, *(values[index] for _, values in chart.series)])
    if not chart.categories or not chart.series:
        return
    line = LineChart()
    line.title = chart.title
    line.y_axis.title = chart.unit or None
    line.height, line.width = 9, 18
    last = len(chart.categories) + 1
    line.add_data(Reference(sheet, min_col=2, max_col=len(chart.series) + 1, min_row=1, max_row=last),
                  titles_from_data=True)
    line.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    sheet.add_chart(line, f"{get_column_letter(len(chart.series) + 3)}2")
