"""Controlled-document PDFs from a ReportDocument (reportlab): header, footer, fingerprint, QR code.

Every page carries the company, the report title and number and its parameters (header), and who
generated it and when with the time zone, "page X of Y", the data fingerprint and a QR code holding
the report number and fingerprint (footer). Chinese text is set in WenQuanYi Micro Hei, embedded as
a TrueType subset, which poppler renders and pdftotext extracts (DESIGN §7: Noto CJK OTF does not
embed this way, STSong-Light renders blank).

Tables are drawn by `RowBlock`, a flowable of our own: reportlab's Table measures every cell and
re-splits the whole remainder at each page (quadratic in rows: a 32 k-row Table takes minutes), while
RowBlock wraps each cell once, splits by offset into the same row list (O(rows on the page)) and
writes each page's text through one text object. Cost is linear in rows: see bench/reports.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import segno
from reportlab.graphics.charts.legends import LineLegend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate
from reportlab.platypus import PageBreak as NewPage

from app.errors import InvalidInput
from app.reports.collector import young_collections_only
from app.reports.document import (
    ALERT,
    DATE,
    DATETIME,
    FLAG,
    INT,
    OK,
    Cell,
    Chart,
    Column,
    Facts,
    Fingerprint,
    Note,
    PageBreak,
    ReportDocument,
    Table,
    display_text,
    format_datetime,
    qr_payload,
)
from app.reports.words import word
from app.resources import CJK_FONT

FONT = "MedTraceSans"
MAX_ROWS = 100_000  # past this a PDF is no longer something a person reads: export Excel instead
MAX_CELL_LINES = 24  # a row must fit on a page; longer cell text is cut with "…"
MARGIN = 15 * 2.8346  # 15 mm
HEADER_HEIGHT = 62.0
LETTERHEAD_HEIGHT = 20.0  # the company profile: its details on up to two lines above the title
LOGO_HEIGHT = 22.0
LOGO_MAX_WIDTH = 90.0
FOOTER_HEIGHT = 50.0
TABLE_SIZE = 7.5
TABLE_LEADING = 9.4
CELL_PAD_X = 2.5
CELL_PAD_Y = 1.6
TITLE_SIZE = 10.5
QR_SIZE = 42.0

BLACK = (0.10, 0.10, 0.12)
GREY = (0.42, 0.42, 0.46)
RULE = (0.55, 0.55, 0.60)
HEADER_FILL = (0.20, 0.29, 0.40)
ZEBRA = (0.945, 0.953, 0.965)
RED = (0.78, 0.06, 0.06)
RED_FILL = (0.99, 0.91, 0.91)
GREEN_FILL = (0.90, 0.97, 0.91)
GREEN = (0.07, 0.42, 0.16)
INFO_FILL = (0.93, 0.95, 0.98)
LABEL_FILL = (0.95, 0.95, 0.95)

Progress = Callable[[int, int], None]


@functools.cache
def register_fonts() -> str:
    """Register the CJK TrueType font once per process (≈0.2 s); returns its name."""
    pdfmetrics.registerFont(TTFont(FONT, str(CJK_FONT), subfontIndex=0))
    return FONT


def text_width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


_TOKENS = re.compile(r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff"
                     r"\uff00-\uffef\u3000-\u303f]+")


def wrap_lines(text: str, width: float, size: float, max_lines: int = MAX_CELL_LINES) -> list[str]:
    """Break text into lines no wider than `width`: between words, between any two Chinese characters,
    and inside a word only when it is longer than a line. More than `max_lines` lines end in "…"."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if len(lines) > max_lines:
            break
        if text_width(paragraph, size) <= width:
            lines.append(paragraph)
            continue
        line = ""
        for token in _TOKENS.findall(paragraph):
            if len(lines) > max_lines:
                break
            candidate = line + token
            if text_width(candidate, size) <= width:
                line = candidate
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = token.lstrip() if token.isspace() else token
            while len(line) > 1 and text_width(line, size) > width and len(lines) <= max_lines:
                cut = _longest_fit(line, width, size)  # a word longer than the column
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + " …"]
    return lines


def _longest_fit(word_text: str, width: float, size: float) -> int:
    """Length of the longest prefix that fits (at least one character), by bisection."""
    low, high = 1, len(word_text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(word_text[:middle], size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


# -- flowables ---------------------------------------------------------------------------------


class _Rows:
    """Rows of one table with their wrapped lines, measured once and shared by every split piece."""

    def __init__(self, header: Sequence[str] | None, rows: Sequence[Sequence[str]], widths: Sequence[float],
                 size: float, columns: Sequence[Column] = ()) -> None:
        self.header = header
        self.columns = columns
        self.rows = rows
        self.widths = widths
        self.size = size
        # Tuples of strings: the garbage collector stops tracking them, so a 30 k-row table does not
        # lengthen every full collection (which would stall the GUI thread, see render_pdf).
        self.lines: list[tuple[tuple[str, ...], ...] | None] = [None] * len(rows)
        self.heights: list[float] = [0.0] * len(rows)
        self.header_lines = [wrap_lines(h, w - 2 * CELL_PAD_X, size) for h, w in zip(header, widths, strict=True)] \
            if header is not None else []
        self.header_height = _height(self.header_lines) if header is not None else 0.0

    def alarming(self, index: int, column: int) -> bool:
        return bool(self.columns) and self.columns[column].alarming(self.rows[index][column])

    def measure(self, index: int) -> float:
        if self.lines[index] is None:
            cells = tuple(tuple(wrap_lines(text, width - 2 * CELL_PAD_X, self.size))
                          for text, width in zip(self.rows[index], self.widths, strict=True))
            self.lines[index] = cells
            self.heights[index] = _height(cells)
        return self.heights[index]


def _height(cells: Sequence[Sequence[str]]) -> float:
    return max((len(lines) for lines in cells), default=1) * TABLE_LEADING + 2 * CELL_PAD_Y


class RowBlock(Flowable):
    """A table drawn fast: a title, a header row repeated on every page, zebra rows, flags in red.

    Splitting hands the next page a new RowBlock over the same rows from an offset, so laying out N
    rows costs O(N), however long the table.
    """

    def __init__(self, rows: _Rows, *, start: int = 0, title: str = "", right: frozenset[int] = frozenset(),
                 flags: frozenset[int] = frozenset(), labels: bool = False,
                 on_drawn: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.data = rows
        self.start = start
        self.stop = len(rows.rows)
        self.title = title
        self.right = right
        self.flags = flags
        self.labels = labels  # first column is a label column (facts), not a header row
        self.on_drawn = on_drawn
        self.width = sum(rows.widths)
        self.height = 0.0

    def _title_height(self) -> float:
        return TITLE_SIZE * 1.9 if self.title else 0.0

    def _fit(self, available: float) -> tuple[int, float]:
        """How many rows from `start` fit in `available` points, and the height they take."""
        used = self._title_height() + self.data.header_height
        end = self.start
        while end < self.stop:
            row = self.data.measure(end)
            if used + row > available:
                break
            used += row
            end += 1
        return end, used

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        end, used = self._fit(available_height)
        # Only what fits is measured: a height beyond the space asks reportlab to split us.
        self.height = used if end == self.stop else available_height + 1
        self._end = end
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        end, _used = self._fit(available_height)
        if end == self.start:
            return []  # not even one row fits: start on the next page, title and all
        if end == self.stop:
            return [self]
        first = self._piece(self.start, end, self.title)
        rest = self._piece(end, self.stop, "")
        return [first, rest]

    def _piece(self, start: int, stop: int, title: str) -> RowBlock:
        piece = RowBlock(self.data, start=start, title=title, right=self.right, flags=self.flags,
                         labels=self.labels, on_drawn=self.on_drawn)
        piece.stop = stop
        return piece

    def draw(self) -> None:
        canvas = self.canv
        widths = self.data.widths
        xs = list(itertools.accumulate([0.0, *widths[:-1]]))
        y = self.height
        if self.title:
            canvas.setFillColorRGB(*BLACK)
            canvas.setFont(FONT, TITLE_SIZE)
            canvas.drawString(0, y - TITLE_SIZE * 1.25, self.title)
            y -= self._title_height()
        text = canvas.beginText()
        text.setFont(FONT, self.data.size)
        if self.data.header is not None:
            height = self.data.header_height
            canvas.setFillColorRGB(*HEADER_FILL)
            canvas.rect(0, y - height, self.width, height, stroke=0, fill=1)
            text.setFillColorRGB(1, 1, 1)
            self._cells(text, xs, y, self.data.header_lines, header=True)
            y -= height
        tops: list[float] = []
        for index in range(self.start, self.stop):
            height = self.data.measure(index)
            if (index - self.start) % 2 == 1 and not self.labels:
                canvas.setFillColorRGB(*ZEBRA)
                canvas.rect(0, y - height, self.width, height, stroke=0, fill=1)
            if self.labels:
                canvas.setFillColorRGB(*LABEL_FILL)
                canvas.rect(0, y - height, widths[0], height, stroke=0, fill=1)
            flagged = [c for c in self.flags if self.data.alarming(index, c)]
            for column in flagged:
                canvas.setFillColorRGB(*RED_FILL)
                canvas.rect(xs[column], y - height, widths[column], height, stroke=0, fill=1)
            tops.append(y)
            y -= height
        text.setFillColorRGB(*BLACK)
        for index, top in zip(range(self.start, self.stop), tops, strict=True):
            cells = self.data.lines[index]
            assert cells is not None  # measured above
            self._cells(text, xs, top, cells, alarms={c for c in self.flags if self.data.alarming(index, c)})
        canvas.drawText(text)
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.4)
        canvas.line(0, y, self.width, y)
        if self.labels:
            canvas.line(0, self.height - self._title_height(), self.width, self.height - self._title_height())
        if self.on_drawn is not None:
            self.on_drawn(self.stop - self.start)

    def _cells(self, text: Any, xs: Sequence[float], top: float, cells: Sequence[Sequence[str]],
               header: bool = False, alarms: set[int] | frozenset[int] = frozenset()) -> None:
        widths = self.data.widths
        size = self.data.size
        for column, lines in enumerate(cells):
            flagged = column in alarms
            if flagged:
                text.setFillColorRGB(*RED)
            baseline = top - CELL_PAD_Y - size
            for line in lines:
                if line:
                    x = xs[column] + CELL_PAD_X
                    if column in self.right and not header:
                        x = xs[column] + widths[column] - CELL_PAD_X - text_width(line, size)
                    text.setTextOrigin(x, baseline)
                    text.textOut(line)
                baseline -= TABLE_LEADING
            if flagged:
                text.setFillColorRGB(*BLACK)


class NoteBox(Flowable):
    """A sentence in a tinted box: red for alerts, green for confirmations, blue for information."""

    def __init__(self, note: Note, width: float) -> None:
        super().__init__()
        self.note = note
        self.width = width
        self.size = 8.5
        self.lines = wrap_lines(note.text, width - 12, self.size, max_lines=40)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = len(self.lines) * self.size * 1.35 + 10 + 6
        return self.width, self.height

    def draw(self) -> None:
        fill, ink = {ALERT: (RED_FILL, RED), OK: (GREEN_FILL, GREEN)}.get(self.note.tone, (INFO_FILL, BLACK))
        canvas = self.canv
        canvas.setFillColorRGB(*fill)
        canvas.rect(0, 6, self.width, self.height - 6, stroke=0, fill=1)
        canvas.setFillColorRGB(*ink)
        canvas.setFont(FONT, self.size)
        y = self.height - 5 - self.size
        for line in self.lines:
            canvas.drawString(6, y, line)
            y -= self.size * 1.35


CHART_HEIGHT = 150.0
# Series colours: the header's navy, then a teal, an amber, a red and a grey (readable in greyscale too).
SERIES_COLOURS = ((0.20, 0.29, 0.40), (0.10, 0.55, 0.55), (0.85, 0.55, 0.10), (0.75, 0.20, 0.20), (0.5, 0.5, 0.5))


class ChartBlock(Flowable):
    """A titled line chart with a legend; a missing value leaves a gap in its line."""

    def __init__(self, chart: Chart, width: float) -> None:
        super().__init__()
        self.chart = chart
        self.width = width
        self.height = TITLE_SIZE * 1.9 + CHART_HEIGHT

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def drawing(self) -> Drawing:
        chart = self.chart
        drawing = Drawing(self.width, CHART_HEIGHT)
        plot = HorizontalLineChart()
        plot.x, plot.y = 34, 34
        plot.width, plot.height = self.width * 0.70 - 40, CHART_HEIGHT - 56
        plot.data = [tuple(v for v in values) for _, values in chart.series] or [(0,)]
        plot.categoryAxis.categoryNames = list(chart.categories) or [""]
        plot.categoryAxis.labels.fontName = FONT
        plot.categoryAxis.labels.fontSize = 7
        plot.categoryAxis.labels.angle = 30 if len(chart.categories) > 8 else 0
        plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 8 else "n"
        plot.valueAxis.labels.fontName = FONT
        plot.valueAxis.labels.fontSize = 7
        plot.valueAxis.valueMin = 0
        known = [v for _, values in chart.series for v in values if v is not None]
        # A fixed top (100 for shares); else room above the largest value, and never an axis of 0 to 0.01.
        plot.valueAxis.valueMax = chart.value_max or max(1.0, max(known, default=0.0) * 1.1)
        plot.valueAxis.visibleGrid = True
        plot.valueAxis.gridStrokeColor = Color(0.85, 0.85, 0.85)
        # A line needs two points: with fewer (one drill so far, a series mostly missing) only the markers.
        plot.joinedLines = all(sum(v is not None for v in values) >= 2 for _, values in chart.series)
        for index in range(len(chart.series)):
            colour = Color(*SERIES_COLOURS[index % len(SERIES_COLOURS)])
            plot.lines[index].strokeColor = colour
            plot.lines[index].strokeWidth = 1.4
            plot.lines[index].symbol = makeMarker("FilledCircle", size=3.5, fillColor=colour, strokeColor=colour)
        drawing.add(plot)
        if chart.unit:
            drawing.add(String(plot.x - 30, plot.y + plot.height + 8, chart.unit, fontName=FONT, fontSize=7))
        legend = LineLegend()
        legend.x, legend.y = self.width * 0.72, CHART_HEIGHT - 20
        legend.fontName, legend.fontSize = FONT, 7.5
        legend.dx, legend.dy, legend.deltay = 14, 2, 12
        legend.columnMaximum = 8
        legend.alignment = "right"  # the swatch, then its name
        legend.colorNamePairs = [(Color(*SERIES_COLOURS[i % len(SERIES_COLOURS)]), name)
                                 for i, (name, _) in enumerate(chart.series)]
        drawing.add(legend)
        return drawing

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(FONT, TITLE_SIZE)
        canvas.drawString(0, self.height - TITLE_SIZE * 1.25, self.chart.title)
        self.drawing().drawOn(canvas, 0, 0)


class Gap(Flowable):
    def __init__(self, height: float) -> None:
        super().__init__()
        self.height = height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, min(self.height, available_height)

    def draw(self) -> None:
        pass


# -- page template -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfResult:
    pages: int
    rows: int
    fingerprint: str


def _qr_runs(payload: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code as horizontal runs of dark modules: (row, first column, length)."""
    code = segno.make(payload, error="m", micro=False)
    matrix = code.matrix
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return len(matrix), runs


def header_height(document: ReportDocument) -> float:
    return HEADER_HEIGHT + (LETTERHEAD_HEIGHT if document.letterhead is not None else 0.0)


def _logo(data: bytes | None) -> tuple[ImageReader | None, tuple[float, float]]:
    """The logo scaled into the header (at most LOGO_HEIGHT high, LOGO_MAX_WIDTH wide); None without one.

    It was decoded when it was saved (app/services/company.py); one that fails here all the same (a
    file stored by a different client) is left out rather than failing the report.
    """
    if not data:
        return None, (0.0, 0.0)
    try:
        image = ImageReader(io.BytesIO(data))
        width, height = image.getSize()
    except Exception:  # noqa: BLE001 — any decoding failure: the report is printed without the logo
        return None, (0.0, 0.0)
    scale = min(LOGO_HEIGHT / height, LOGO_MAX_WIDTH / width)
    return image, (width * scale, height * scale)


class _PageTemplateDrawer:
    """Draws the header and footer of every page; the page count is filled in when the file is saved."""

    def __init__(self, document: ReportDocument, fingerprint: str, page_size: tuple[float, float]) -> None:
        self.doc = document
        self.fingerprint = fingerprint
        self.width, self.height = page_size
        self.modules, self.runs = _qr_runs(qr_payload(document, fingerprint))
        language = document.language
        self.generated = word(language, "generated", who=document.generated_by,
                              when=format_datetime(document.generated_at))
        parameters = "; ".join(f"{label}: {value}" for label, value in document.parameters)
        self.parameter_lines = wrap_lines(f"{word(language, 'parameters')} — {parameters}",
                                          self.width - 2 * MARGIN, 7.5, max_lines=2)
        self.form_ready = False
        self.letterhead = document.letterhead
        self.logo, self.logo_size = _logo(self.letterhead.logo if self.letterhead else None)
        self.header_height = header_height(document)

    def _draw_letterhead(self, canvas: Canvas, left: float, right: float, top: float) -> float:
        """Logo, legal names and the profile's details; returns how far the rest of the header moves down."""
        letterhead = self.letterhead
        if letterhead is None:
            canvas.setFillColorRGB(*GREY)
            canvas.setFont(FONT, 8.5)
            canvas.drawString(left, top - 8.5, self.doc.company)
            return 0.0
        x = left
        if self.logo is not None:
            width, height = self.logo_size
            canvas.drawImage(self.logo, left, top - height, width, height, mask="auto")
            x = left + width + 8
        name_width = right - x - 150  # the report number keeps the right end of the line
        canvas.setFillColorRGB(*BLACK)
        canvas.setFont(FONT, 9)
        name = letterhead.name
        canvas.drawString(x, top - 9, name)
        if letterhead.other_name:
            canvas.setFillColorRGB(*GREY)
            canvas.setFont(FONT, 7.5)
            shown = pdfmetrics.stringWidth(name, FONT, 9) + 6
            other = wrap_lines(letterhead.other_name, max(name_width - shown, 40), 7.5, max_lines=1)[0]
            canvas.drawString(x + shown, top - 9, other)
        canvas.setFillColorRGB(*GREY)
        canvas.setFont(FONT, 6.8)
        colon = "：" if self.doc.language == "zh_CN" else ": "
        details = wrap_lines("  ·  ".join(f"{label}{colon}{value}" if label else value
                                          for label, value in letterhead.details), right - x, 6.8, max_lines=2)
        for i, line in enumerate(details[:2]):
            canvas.drawString(x, top - 18 - 8 * i, line)
        return LETTERHEAD_HEIGHT

    def __call__(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        language = self.doc.language
        left, right = MARGIN, self.width - MARGIN
        top = self.height - MARGIN * 0.9
        canvas.saveState()
        shift = self._draw_letterhead(canvas, left, right, top)
        canvas.setFillColorRGB(*GREY)
        canvas.setFont(FONT, 8.5)
        canvas.drawRightString(right, top - 8.5, f"{word(language, 'number')} {self.doc.number}")
        top -= shift
        canvas.setFillColorRGB(*BLACK)
        canvas.setFont(FONT, 14)
        canvas.drawString(left, top - 27, self.doc.title)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColorRGB(*GREY)
        canvas.drawRightString(right, top - 27, word(language, "controlled"))
        y = top - 40
        for line in self.parameter_lines:
            canvas.drawString(left, y, line)
            y -= 9
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.6)
        canvas.line(left, self.height - MARGIN - self.header_height + 6, right,
                    self.height - MARGIN - self.header_height + 6)

        bottom = MARGIN * 0.7
        canvas.line(left, bottom + FOOTER_HEIGHT - 4, right, bottom + FOOTER_HEIGHT - 4)
        text_right = right - QR_SIZE - 8
        canvas.setFillColorRGB(*BLACK)
        canvas.setFont(FONT, 7)
        canvas.drawString(left, bottom + FOOTER_HEIGHT - 15, self.generated)
        canvas.drawString(left, bottom + FOOTER_HEIGHT - 25,
                          f"{word(language, 'fingerprint')}: {self.fingerprint}")
        canvas.setFillColorRGB(*GREY)
        canvas.setFont(FONT, 6.5)
        canvas.drawString(left, bottom + FOOTER_HEIGHT - 35, word(language, "verify_hint"))
        canvas._medtrace_page_at = (text_right, bottom + FOOTER_HEIGHT - 15)  # type: ignore[attr-defined]
        self._draw_qr(canvas, right - QR_SIZE, bottom)
        canvas.restoreState()

    def _draw_qr(self, canvas: Canvas, x: float, y: float) -> None:
        if not self.form_ready:
            canvas.beginForm("medtrace_qr")
            canvas.setFillColorRGB(0, 0, 0)
            n = self.modules
            for row, column, length in self.runs:
                canvas.rect(column, n - 1 - row, length, 1, stroke=0, fill=1)
            canvas.endForm()
            self.form_ready = True
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(QR_SIZE / self.modules, QR_SIZE / self.modules)
        canvas.doForm("medtrace_qr")
        canvas.restoreState()


def _numbering_canvas(language: str, pages: list[int]) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each can say "page X of Y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            pages.append(total)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                x, y = getattr(self, "_medtrace_page_at", (0, 0))
                self.setFillColorRGB(*BLACK)
                self.setFont(FONT, 8)
                self.drawRightString(x, y, word(language, "page", page=number, pages=total))
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


# -- rendering ---------------------------------------------------------------------------------


def _materialise(document: ReportDocument, max_rows: int) -> dict[int, list[Sequence[Cell]]]:
    rows: dict[int, list[Sequence[Cell]]] = {}
    total = 0
    try:
        for index, section in enumerate(document.sections):
            if isinstance(section, Table):
                taken = list(itertools.islice(iter(section.rows), max_rows - total + 1))
                total += len(taken)
                if total > max_rows:
                    raise TooManyRowsForPdf(
                        f"This report has more than {max_rows:,} rows: too many for a PDF anyone would read.",
                        hint="Export it as Excel (.xlsx), or narrow the parameters (a shorter period, one lot).")
                rows[index] = taken
    finally:
        close_row_sources(document)
    return rows


def close_row_sources(document: ReportDocument) -> None:
    """Close streamed row sources (their database cursor) that a renderer stopped reading early."""
    for table in document.tables():
        close = getattr(table.rows, "close", None)
        if callable(close):
            close()


class TooManyRowsForPdf(InvalidInput):
    """The report selects more rows than a PDF should hold."""


def render_pdf(document: ReportDocument, path: Path, *, progress: Progress | None = None,
               max_rows: int = MAX_ROWS) -> PdfResult:
    """Write the report to `path` (the caller chose a temporary name); `progress(rows_done, rows_total)`
    is called after each page's rows and may raise to stop."""
    with young_collections_only():
        return _render_pdf(document, path, progress, max_rows)


def _render_pdf(document: ReportDocument, path: Path, progress: Progress | None, max_rows: int) -> PdfResult:
    register_fonts()
    rows = _materialise(document, max_rows)
    fingerprint = Fingerprint(document)
    for index, section in enumerate(document.sections):
        fingerprint.section(section)
        for row in rows.get(index, ()):
            fingerprint.row(row)
    digest = fingerprint.hexdigest()

    page_size = landscape(A4) if document.landscape else A4
    frame_width = page_size[0] - 2 * MARGIN
    total_rows = sum(len(r) for r in rows.values())
    drawn = [0]

    def on_drawn(count: int) -> None:
        drawn[0] += count
        if progress is not None:
            progress(drawn[0], total_rows)

    story: list[Flowable] = []
    zone = document.zone
    for index, section in enumerate(document.sections):
        if isinstance(section, Note):
            story += [NoteBox(section, frame_width), Gap(4)]
        elif isinstance(section, PageBreak):
            story.append(NewPage())
        elif isinstance(section, Chart):
            story += [ChartBlock(section, frame_width), Gap(10)]
        elif isinstance(section, Facts):
            widths = [frame_width * 0.28, frame_width * 0.72]
            cells = [[label, display_text(value, zone)] for label, value in section.items]
            story += [RowBlock(_Rows(None, cells, widths, 8), title=section.title, labels=True), Gap(10)]
        else:
            story += _table_flowables(section, rows[index], frame_width, zone, on_drawn, document.language)

    drawer = _PageTemplateDrawer(document, digest, page_size)
    buffer = io.BytesIO()  # reportlab assembles the file in memory anyway; we write it, and close it, ourselves
    frame = Frame(MARGIN, MARGIN * 0.7 + FOOTER_HEIGHT, frame_width,
                  page_size[1] - MARGIN - header_height(document) - MARGIN * 0.7 - FOOTER_HEIGHT,
                  leftPadding=0, rightPadding=0, topPadding=4, bottomPadding=2, id="body")
    template = BaseDocTemplate(
        buffer, pagesize=page_size, title=f"{document.title} {document.number}", author=document.generated_by,
        subject=f"{document.number} data SHA-256 {digest}", creator="MedTrace", keywords=digest,
        leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
    )
    template.addPageTemplates([PageTemplate(id="controlled", frames=[frame], onPage=drawer)])
    pages: list[int] = []
    template.build(story, canvasmaker=_numbering_canvas(document.language, pages))
    with path.open("wb") as handle:
        handle.write(buffer.getbuffer())
    return PdfResult(pages=pages[0] if pages else 0, rows=total_rows, fingerprint=digest)


def _column_widths(table: Table, frame_width: float) -> list[float]:
    """Widths by the columns' weights, but never narrower than a date (or a date and time) needs."""
    weights = [c.width for c in table.columns]
    widths = [w * frame_width / sum(weights) for w in weights]
    least = {DATE: text_width("0000-00-00", TABLE_SIZE) + 2 * CELL_PAD_X + 1,
             DATETIME: text_width("0000-00-00 00:00:00", TABLE_SIZE) + 2 * CELL_PAD_X + 1}
    floors = [least.get(c.kind, 0.0) for c in table.columns]
    short = sum(max(0.0, f - w) for f, w in zip(floors, widths, strict=True))
    if short:
        spare = sum(w for f, w in zip(floors, widths, strict=True) if not f)
        widths = [max(f, w) if f else w - short * w / spare for f, w in zip(floors, widths, strict=True)]
    return widths


def _table_flowables(table: Table, rows: Sequence[Sequence[Cell]], frame_width: float, zone: dt.tzinfo,
                     on_drawn: Callable[[int], None], language: str) -> list[Flowable]:
    if not rows:
        note = Note(table.empty or word(language, "none"))
        return [RowBlock(_Rows(None, [], [frame_width], TABLE_SIZE), title=table.title), NoteBox(note, frame_width),
                Gap(8)]
    widths = _column_widths(table, frame_width)
    text_rows = [tuple(display_text(value, zone) for value in row) for row in rows]
    right = frozenset(i for i, c in enumerate(table.columns) if c.kind == INT)
    flags = frozenset(i for i, c in enumerate(table.columns) if c.kind == FLAG)
    data = _Rows([c.title for c in table.columns], text_rows, widths, TABLE_SIZE, table.columns)
    return [RowBlock(data, title=table.title, right=right, flags=flags, on_drawn=on_drawn), Gap(10)]
