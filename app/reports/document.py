"""What a report shows, as plain data both renderers read: facts, notes and tables of rows.

Services build a `ReportDocument` from their queries; `pdf.py` and `excel.py` turn the same document
into a controlled PDF or a workbook. Neither renderer touches a database or Qt.

The data fingerprint is a SHA-256 over everything a report shows except who generated it, when and
under which number: the same data give the same fingerprint in the PDF and in the workbook, and a
report generated again over unchanged data carries the same fingerprint. It is printed on every page
(and in a QR code), so a reader can tell two printouts of the same data from two different data sets.
The SHA-256 of the exact file, recorded in the audit trail at export, is what proves a file is the
one the system produced (app/services/reports.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Cell = str | int | float | bool | dt.date | dt.datetime | None

TEXT = "text"
INT = "int"
DATE = "date"
DATETIME = "datetime"
FLAG = "flag"  # text that must stand out wherever it is not empty (e.g. CHANGED AFTER SIGNING)
KINDS = (TEXT, INT, DATE, DATETIME, FLAG)

INFO = "info"
OK = "ok"
ALERT = "alert"

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
UNIT_SEPARATOR = "\x1f"
RECORD_SEPARATOR = "\x1e"


@dataclass(frozen=True)
class Column:
    """One column of a table: its heading (in the report's language), its kind and relative width."""

    title: str
    kind: str = TEXT
    width: float = 1.0
    calm: tuple[str, ...] = ()  # FLAG values that are good news and are not highlighted ("Signature valid")

    def alarming(self, value: object) -> bool:
        return self.kind == FLAG and bool(value) and value not in self.calm

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class Table:
    """Rows under headings. `rows` may be a list or a one-shot iterator (streamed to a workbook)."""

    title: str
    columns: tuple[Column, ...]
    rows: Iterable[Sequence[Cell]]
    count: int | None = None  # number of rows when known beforehand (progress, PDF size check)
    sheet: str = ""  # workbook sheet name; the title when empty
    empty: str = ""  # what a PDF says in place of an empty table


@dataclass(frozen=True)
class Facts:
    """A block of label → value lines (lot data, summary figures)."""

    title: str
    items: tuple[tuple[str, Cell], ...]


@dataclass(frozen=True)
class Note:
    """A sentence the reader must not miss; `alert` notes are printed in red."""

    text: str
    tone: str = INFO


@dataclass(frozen=True)
class PageBreak:
    """Start a new page in a PDF (one letter per consignee); a workbook has no pages and skips it."""


@dataclass(frozen=True)
class Chart:
    """A line chart of a few series over the same categories (the drill-KPI trend).

    A PDF draws it; a workbook gets its figures on a sheet of their own with an Excel line chart over
    them. Its figures are in the fingerprint like a table's rows. A value may be missing (None).
    """

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    category_title: str = ""  # the heading of the categories on the workbook sheet
    unit: str = ""  # the value axis, e.g. "%"
    value_max: float | None = None  # a fixed top of the value axis (100 for shares); else from the data
    sheet: str = ""


Section = Facts | Table | Note | PageBreak | Chart


@dataclass(frozen=True)
class Retitled:
    """What a report builder returns when its title depends on the data (召回报告 or 模拟召回演练报告)."""

    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Letterhead:
    """The issuing company as every page's header prints it (the company profile, migration 0012)."""

    name: str  # the legal name in the report's language
    other_name: str = ""  # the legal name in the other language, when there is one
    details: tuple[tuple[str, str], ...] = ()  # (label, value): address, manufacturing licence no., registrant
    logo: bytes | None = None  # PNG or JPEG, checked when it was saved


@dataclass(frozen=True)
class ReportDocument:
    """One report ready to render: controlled-document header data plus its sections."""

    key: str  # catalogue key, e.g. "release-record"
    number: str  # unique report number, also the audit-trail record of the export
    title: str
    language: str  # "zh_CN" | "en"
    company: str
    generated_by: str  # printed name (and login) of the person who generated it
    generated_at: dt.datetime  # server time, in the zone the report shows
    parameters: tuple[tuple[str, str], ...]  # (label, value) as printed
    parameter_values: Mapping[str, object]  # the typed values, for the fingerprint and the audit trail
    sections: tuple[Section, ...]
    landscape: bool = False
    letterhead: Letterhead | None = None  # None: only `company` is printed (no profile was read)

    @property
    def zone(self) -> dt.tzinfo:
        zone = self.generated_at.tzinfo
        if zone is None:
            raise ValueError("generated_at must carry its time zone")
        return zone

    def tables(self) -> list[Table]:
        return [s for s in self.sections if isinstance(s, Table)]

    def known_rows(self) -> int:
        return sum(t.count or 0 for t in self.tables())


# -- formatting shared by both renderers -----------------------------------------------------


def zone_label(moment: dt.datetime) -> str:
    """`UTC+08:00`: an offset is unambiguous where abbreviations are not (CST is China and Chicago)."""
    offset = moment.utcoffset() or dt.timedelta(0)
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_datetime(moment: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    local = moment.astimezone(zone) if zone is not None else moment
    return f"{local:%Y-%m-%d %H:%M:%S} {zone_label(local)}"


def display_text(value: Cell, zone: dt.tzinfo | None = None) -> str:
    """A cell as printed in a PDF."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✘"
    if isinstance(value, dt.datetime):
        return format_datetime(value, zone)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    if CONTROL.search(text):  # e.g. the GS separator of a raw GS1 scan: shown, not swallowed
        text = CONTROL.sub(lambda m: "<GS>" if m.group() == "\x1d" else f"<0x{ord(m.group()):02X}>", text)
    return text


def canonical_text(value: Cell) -> str:
    """A cell as the fingerprint sees it: independent of display zone and number formatting."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class Fingerprint:
    """SHA-256 over the data a report shows, fed in document order (see the module docstring).

    Both renderers walk the document in the same order, so a PDF and a workbook of the same data
    carry the same fingerprint; the workbook feeds rows while it streams them.
    """

    VERSION = "medtrace-report-data-v1"

    def __init__(self, document: ReportDocument) -> None:
        self._hash = hashlib.sha256()
        params = json.dumps(document.parameter_values, sort_keys=True, ensure_ascii=False, default=str)
        self._put(self.VERSION, document.key, document.language, document.title, params)

    def _put(self, *parts: str) -> None:
        self._hash.update((UNIT_SEPARATOR.join(parts) + RECORD_SEPARATOR).encode("utf-8"))

    def section(self, section: Section) -> None:
        if isinstance(section, Facts):
            self._put("facts", section.title)
            for label, value in section.items:
                self._put(label, canonical_text(value))
        elif isinstance(section, Note):
            self._put("note", section.tone, section.text)
        elif isinstance(section, PageBreak):
            self._put("page")
        elif isinstance(section, Chart):
            self._put("chart", section.title, section.unit, *section.categories)
            for name, values in section.series:
                self._put(name, *("" if v is None else repr(float(v)) for v in values))
        else:
            self._put("table", section.title, *(f"{c.title}:{c.kind}" for c in section.columns))

    def row(self, cells: Sequence[Cell]) -> None:
        self._put(*(canonical_text(c) for c in cells))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def fingerprint_of(document: ReportDocument, rows: Mapping[int, Sequence[Sequence[Cell]]]) -> str:
    """The fingerprint of a document whose tables' rows are given materialised (by section index)."""
    fingerprint = Fingerprint(document)
    for index, section in enumerate(document.sections):
        fingerprint.section(section)
        if isinstance(section, Table):
            for row in rows[index]:
                fingerprint.row(row)
    return fingerprint.hexdigest()


def qr_payload(document: ReportDocument, fingerprint: str) -> str:
    """What the QR code on every page holds: the report number and the data fingerprint."""
    return f"MEDTRACE-REPORT:{document.number};DATA-SHA256:{fingerprint}"
