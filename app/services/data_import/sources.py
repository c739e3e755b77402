"""Reading an import file row by row: .xlsx streamed with openpyxl read_only, .csv in UTF-8 or GB18030.

Rows carry the number Excel shows beside them, so every message points at the row the person sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import InvalidInput
from app.messages import english

SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class SourceRow:
    """One row of the file as read: its row number (1 = first row in Excel) and its cells."""

    number: int
    cells: tuple[object, ...]


@dataclass
class Source:
    """An opened import file: its header row, then its data rows (blank rows skipped)."""

    path: Path
    encoding: str | None  # None for .xlsx
    header_number: int
    header: tuple[object, ...]
    rows: Iterator[SourceRow]
    total_hint: int | None  # rows after the header, when the file says (for progress)
    close: Callable[[], None] = field(default=lambda: None)  # releases an .xlsx read only in part

    @property
    def encoding_note_id(self) -> str | None:
        """The id (app/messages/texts_import.py) of what to say about the file's encoding, if anything."""
        if self.encoding == "gb18030":
            return "import.note_gb18030"
        return None

    @property
    def encoding_note(self) -> str | None:
        """What to say about the file's encoding, in English."""
        return english(self.encoding_note_id)[0] if self.encoding_note_id else None


def open_source(path: Path) -> Source:
    """Open `path` by its extension; raises InvalidInput when it cannot be read at all."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput.of("import.not_xlsx_or_csv", file=path.name)
    if not path.is_file():
        raise InvalidInput.of("import.file_missing", path=str(path))
    encoding: str | None = None
    close: Callable[[], None] = _nothing_to_close
    if suffix == ".xlsx":
        rows, total, close = _xlsx_rows(path)
    else:
        encoding, records = _csv_records(path)
        total = len(records)
        rows = (SourceRow(number, tuple(cells)) for number, cells in enumerate(records, start=1))
    header: SourceRow | None = None
    for row in rows:
        if not _blank(row.cells):
            header = row
            break
    if header is None:
        close()
        raise InvalidInput.of("import.file_empty", file=path.name)
    data = (row for row in rows if not _blank(row.cells))
    remaining = None if total is None else max(0, total - header.number)
    return Source(path, encoding, header.number, header.cells, data, remaining, close)


def _nothing_to_close() -> None:
    """A CSV file is read whole at open; nothing stays open."""


def _blank(cells: tuple[object, ...]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _xlsx_rows(path: Path) -> tuple[Iterator[SourceRow], int | None, Callable[[], None]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InvalidInput.of("import.bad_workbook", file=path.name, error=exc.__class__.__name__) from None
    sheet = workbook.worksheets[0]  # the data sheet; a template's second sheet holds the instructions
    total = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else None

    def rows() -> Iterator[SourceRow]:
        # Read-only sheets yield an empty tuple for rows missing from the file, so counting from 1
        # gives the row number Excel shows.
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield SourceRow(number, tuple(cells))

    return rows(), total, workbook.close


def _csv_records(path: Path) -> tuple[str, list[list[str]]]:
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput.of("import.utf16_file", file=path.name)
    if raw.startswith(codecs.BOM_UTF8):
        encoding, content = "utf-8-sig", raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict")
    else:
        try:
            encoding, content = "utf-8", raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                encoding, content = "gb18030", raw.decode("gb18030")
            except UnicodeDecodeError:
                raise InvalidInput.of("import.bad_encoding", file=path.name) from None
    try:
        records = list(csv.reader(io.StringIO(content, newline=""), strict=True))
    except csv.Error as exc:
        raise InvalidInput.of("import.bad_csv", file=path.name, error=str(exc)) from None
    first = next((record for record in records if any(cell.strip() for cell in record)), None)
    if first is not None and len(first) == 1:
        for separator, message_id in ((";", "import.semicolon_separated"), ("\t", "import.tab_separated")):
            if separator in first[0]:
                raise InvalidInput.of(message_id, file=path.name)
    return encoding, records
