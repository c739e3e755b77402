"""The lot list as a Qt table model over the whole filtered result, read page by page off the GUI thread.

A million lots never sit in memory and the GUI thread never waits: the row count and each page of
200 rows are read by the operation runner and arrive later; meanwhile a row shows "…". Pages are
read by keyset from a neighbour's boundary key, or from either end of the result, so the first page
and the last page (a jump to the end) each cost one short index walk.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.db.uow import UnitOfWork
from app.models.enums import LotStatus
from app.services.lot_queries import (
    PAGE_SIZE,
    LotFilter,
    LotPage,
    LotRow,
    SortKey,
    count_lots,
    fetch_lots,
    key_at,
)
from app.views.operations import OperationRunner
from app.views.pages import lot_status_label

log = logging.getLogger(__name__)

COLUMNS = ("lot_no", "product", "di", "status", "production_date", "expiry_date", "quantity")
STATUS_COLUMN = COLUMNS.index("status")
EXPIRY_COLUMN = COLUMNS.index("expiry_date")
QUANTITY_COLUMN = COLUMNS.index("quantity")
_Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
# A read of rows off the GUI thread, given the factory of units of work (a far jump needs two).
_Plan = Callable[[Callable[[], UnitOfWork]], LotPage]
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the LotRow of a loaded row, None while it loads
PLACEHOLDER = "…"

# Reading up to this many rows by keyset from a cached page (or an end of the result) beats any
# other way of reaching a page; beyond it, a far jump goes through key_at (see _plan).
SEEK_ROWS = 10 * PAGE_SIZE
MAX_IN_FLIGHT = 2  # page reads running at once; newer requests wait, older unwanted ones are dropped
MAX_WANTED = 6  # a scrollbar drag leaves only the pages it stopped on
MAX_CACHED_PAGES = 250  # 50 k rows; least recently shown pages are dropped first
COUNT_BACKSTOP_MS = 150  # start the count this long after the first page if nothing painted it

# Badge colours (background, text) per status: distinct in hue and readable in greyscale print.
STATUS_COLOURS: dict[LotStatus, tuple[str, str]] = {
    LotStatus.QUARANTINE: ("#fff1cc", "#6b4a00"),
    LotStatus.UNDER_REVIEW: ("#dcebf8", "#174f7a"),
    LotStatus.RELEASED: ("#dcf1e2", "#1b5e2f"),
    LotStatus.REJECTED: ("#fbe0dc", "#8f1f0b"),
    LotStatus.ON_HOLD: ("#ece2f6", "#55297a"),
    LotStatus.RECALLED: ("#7d1a10", "#ffffff"),
    LotStatus.EXPIRED: ("#e4e8eb", "#3d4a54"),
}
EXPIRED_COLOUR = QColor("#b3261e")
ALERT_COLOUR = QColor("#9a5b00")
_EXPIRED_BRUSH = QBrush(EXPIRED_COLOUR)
_ALERT_BRUSH = QBrush(ALERT_COLOUR)
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def while_alive(owner: QObject, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """Drop a result that arrives after `owner` was deleted (its page was closed mid-read)."""

    def deliver(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return deliver


@dataclass(frozen=True, slots=True)
class _Line:
    """One row as the view asks for it: display texts and expiry emphasis."""

    lot: LotRow
    display: tuple[str, ...]
    expiry_brush: QBrush | None
    expiry_font: QFont | None


@dataclass(frozen=True)
class _Query:
    """What the model shows; a new one replaces every cached page."""

    filter: LotFilter
    sort_key: str
    descending: bool


class LotTableModel(QAbstractTableModel):
    """All lots matching a filter, in a sort order, for a QTableView (rows appear as pages arrive)."""

    count_changed = Signal(object)  # the filtered total (int), or None while it is being counted
    first_page_loaded = Signal(int)  # rows in the first page of a new query (0: nothing matches)
    page_loaded = Signal(int, int)  # first and last row just filled in
    load_failed = Signal(object)  # the error, for the page to show

    def __init__(
        self,
        runner: OperationRunner,
        new_uow: Callable[[], UnitOfWork],
        *,
        prefer_english: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._new_uow = new_uow
        self._prefer_english = prefer_english
        self._query = _Query(LotFilter(), "lot_no", False)
        self._generation = 0
        self._rows = 0  # what rowCount reports: the count once known, else what is loaded
        self._total: int | None = None
        self._counting = False
        self._pages: OrderedDict[int, tuple[_Line, ...]] = OrderedDict()
        self._stale: dict[int, tuple[_Line, ...]] = {}  # shown during a refresh until replaced
        self._status_labels = {status: lot_status_label(status) for status in LotStatus}
        self._in_flight: set[int] = set()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(0)
        self._flush_timer.timeout.connect(self._flush)
        # The count waits until the first rows are on screen (see _start_count); this is the backstop
        # when no view asks for them.
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_BACKSTOP_MS)
        self._count_timer.timeout.connect(self._start_count)
        self._headers = {
            "lot_no": self.tr("Lot no."),
            "product": self.tr("Product"),
            "di": self.tr("DI"),
            "status": self.tr("Status"),
            "production_date": self.tr("Production date"),
            "expiry_date": self.tr("Expiry date"),
            "quantity": self.tr("Quantity"),
        }

    # -- what is shown -------------------------------------------------------------------------

    @property
    def query_filter(self) -> LotFilter:
        return self._query.filter

    @property
    def sort_key(self) -> str:
        return self._query.sort_key

    @property
    def descending(self) -> bool:
        return self._query.descending

    @property
    def total(self) -> int | None:
        """The filtered count, None until it has been read."""
        return self._total

    def set_query(self, flt: LotFilter, sort_key: str | None = None, descending: bool | None = None) -> None:
        """Show another filter or order: everything is read again, from the first page and the count."""
        self._query = _Query(
            flt,
            self._query.sort_key if sort_key is None else sort_key,
            self._query.descending if descending is None else descending,
        )
        self.beginResetModel()
        self._forget(keep_stale=False)
        self._rows = 0
        self.endResetModel()
        self.count_changed.emit(None)
        self._start()

    def refresh(self) -> None:
        """Read the same query again (records changed); rows on screen stay until fresh ones arrive."""
        self._forget(keep_stale=True)
        self._start()

    def row_at(self, row: int) -> LotRow | None:
        page = self._pages.get(row // PAGE_SIZE)
        if page is None or row % PAGE_SIZE >= len(page):
            return None
        return page[row % PAGE_SIZE].lot

    def line_at(self, row: int) -> _Line | None:
        """The precomputed texts of a loaded row (for delegates), None while it loads."""
        page = self._pages.get(row // PAGE_SIZE)
        if page is None or row % PAGE_SIZE >= len(page):
            return None
        return page[row % PAGE_SIZE]

    def row_of_lot(self, lot_id: int) -> int | None:
        """The row showing `lot_id`, if it is among the pages read."""
        for index, page in self._pages.items():
            for offset, line in enumerate(page):
                if line.lot.id == lot_id:
                    return index * PAGE_SIZE + offset
        return None

    # -- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[COLUMNS[section]]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            if section == QUANTITY_COLUMN:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # Called about seven times per visible cell per paint: everything is precomputed per row.
        page_no, offset = divmod(index.row(), PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            self._want(page_no)
            page = self._stale.get(page_no)
            if page is None or offset >= len(page):
                return PLACEHOLDER if role == _DISPLAY and index.column() == 0 else None
        elif offset >= len(page):
            return None
        line = page[offset]
        column = index.column()
        if role == _DISPLAY:
            if column == 0 and page_no in self._pages:
                self._pages.move_to_end(page_no)  # recently shown pages are the last evicted
                if not self._counting:
                    self._count_timer.start(0)  # fires once this paint is over
            return line.display[column]
        if role == ROW_ROLE:
            return line.lot
        if column == EXPIRY_COLUMN:
            if role == _FOREGROUND:
                return line.expiry_brush
            if role == _FONT:
                return line.expiry_font
        if role == _ALIGNMENT and column == QUANTITY_COLUMN:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line.lot, COLUMNS[column])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: keyset order on that column (then id), read again from the first page."""
        if not 0 <= column < len(COLUMNS):
            return
        sort_key, descending = COLUMNS[column], order == Qt.SortOrder.DescendingOrder
        if (sort_key, descending) != (self._query.sort_key, self._query.descending):
            self.set_query(self._query.filter, sort_key, descending)

    def _line(self, lot: LotRow) -> _Line:
        """What the view will ask about `lot`, computed once when its page arrives."""
        display = (
            lot.lot_no, self.product_name(lot), lot.product_di, self._status_labels[lot.status],
            lot.production_date.isoformat(), lot.expiry_date.isoformat(), f"{lot.quantity:,}",
        )
        expired = lot.days_to_expiry < 0
        alert = not expired and lot.days_to_expiry <= lot.alert_days
        brush, font = None, None
        if expired or alert:
            brush = _EXPIRED_BRUSH if expired else _ALERT_BRUSH
            font = QFont()
            font.setBold(expired)
            font.setItalic(alert)
        return _Line(lot, display, brush, font)

    def product_name(self, lot: LotRow) -> str:
        if self._prefer_english and lot.product_name_en:
            return lot.product_name_en
        return lot.product_name

    def _tooltip(self, lot: LotRow, column: str) -> str | None:
        if column == "product":
            return "\n".join(n for n in (lot.product_name, lot.product_name_en) if n)
        if column == "expiry_date":
            days = lot.days_to_expiry
            if days < 0:
                if days == -1:
                    return self.tr("Expired yesterday")
                return self.tr("Expired %1 days ago").replace("%1", f"{-days:,}")
            if days == 0:
                return self.tr("Last day of use is today")
            if days == 1:
                return self.tr("Expires tomorrow")
            return self.tr("Expires in %1 days").replace("%1", f"{days:,}")
        return None

    # -- reading -------------------------------------------------------------------------------

    def _forget(self, *, keep_stale: bool) -> None:
        self._generation += 1
        self._count_timer.stop()
        self._stale = dict(self._pages) if keep_stale else {}
        self._pages.clear()
        self._in_flight.clear()
        self._wanted.clear()
        self._total = None

    def _start(self) -> None:
        """The first page first; the count (a scan of every matching lot) once it is on screen."""
        self._counting = False
        self._in_flight.add(0)
        self._read(self._generation, 0, self._plan(0))

    def _start_count(self) -> None:
        """Count the matching lots, once the first rows have been painted.

        The count scans every matching lot; started together with the first page it competes for
        the CPU with the first paint (measured on 2 CPUs: first paint ~60 → ~90 ms). Until it
        arrives, rowCount is what is loaded.
        """
        self._count_timer.stop()
        if self._counting:
            return
        self._counting = True
        generation, flt, new_uow = self._generation, self._query.filter, self._new_uow
        self._runner.run(
            lambda _ctx: count_lots(new_uow(), filter=flt),
            on_done=while_alive(self, lambda total: self._on_counted(generation, total)),
            on_failed=while_alive(self, lambda exc: self._on_failed(generation, exc)),
        )

    def _want(self, page_no: int) -> None:
        if page_no in self._in_flight:
            return
        self._wanted[page_no] = None
        self._wanted.move_to_end(page_no)
        while len(self._wanted) > MAX_WANTED:
            self._wanted.popitem(last=False)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        """Start the most recently wanted pages first (a jump cares about where it landed)."""
        if self._total is None:
            return  # beyond page 0, positions need the count; _on_counted flushes again
        while self._wanted and len(self._in_flight) < MAX_IN_FLIGHT:
            page_no, _ = self._wanted.popitem(last=True)
            if page_no in self._pages or page_no in self._in_flight or page_no * PAGE_SIZE >= self._total:
                continue
            self._in_flight.add(page_no)
            self._read(self._generation, page_no, self._plan(page_no))

    def _plan(self, page_no: int) -> _Plan:
        """How to read page `page_no`: the keyset read of fewest rows that lands exactly on it.

        Candidates: forward from the first row; backward from the last row (from_end — so a jump to
        the end is one short index walk); forward after the last key of the nearest cached page
        below; backward before the first key of the nearest cached page above. The cheapest is used
        when it reads at most SEEK_ROWS rows beyond the page itself.

        Otherwise (a scrollbar dragged far into the middle), the bounded fallback: key_at reads only
        the sort key of the row before the page, by OFFSET over keys counted from the nearer end of
        the result (at most total/2 index entries; an index-only walk for an unfiltered list), then
        the page itself is read by keyset after that key. Approximate positions (planner statistics)
        were rejected: pages must tile exactly, or rows would repeat or vanish at page seams.
        """
        q, start, total = self._query, page_no * PAGE_SIZE, self._total
        common: dict[str, Any] = {"filter": q.filter, "sort_key": q.sort_key, "descending": q.descending}
        from_start = start + PAGE_SIZE
        candidates: list[tuple[int, _Plan]] = [
            (from_start, lambda new: LotPage(0, tuple(fetch_lots(new(), **common, limit=from_start)))),
        ]
        if total is not None:
            tail = total - start
            candidates.append(
                (tail, lambda new: LotPage(start, tuple(fetch_lots(new(), **common, from_end=True, limit=tail))))
            )
        full = [p for p, rows in self._pages.items() if len(rows) == PAGE_SIZE]
        below = max((p for p in full if p < page_no), default=None)
        above = min((p for p in self._pages if p > page_no), default=None)
        if below is not None:
            after, first = self._pages[below][-1].lot.sort_key(q.sort_key), (below + 1) * PAGE_SIZE
            ahead = start + PAGE_SIZE - first
            candidates.append(
                (ahead, lambda new: LotPage(first, tuple(fetch_lots(new(), **common, after=after, limit=ahead))))
            )
        if above is not None:
            before, back = self._pages[above][0].lot.sort_key(q.sort_key), above * PAGE_SIZE - start
            candidates.append(
                (back, lambda new: LotPage(start, tuple(fetch_lots(new(), **common, before=before, limit=back))))
            )
        rows, plan = min(candidates, key=lambda c: c[0])
        if total is None or rows <= SEEK_ROWS + PAGE_SIZE:
            return plan

        def far(new: Callable[[], UnitOfWork]) -> LotPage:
            key: SortKey | None = key_at(new(), **common, position=start - 1, total=total)
            if key is None:
                return LotPage(start, ())
            return LotPage(start, tuple(fetch_lots(new(), **common, after=key, limit=PAGE_SIZE)))

        return far

    def _read(self, generation: int, page_no: int, plan: _Plan) -> None:
        new_uow = self._new_uow
        self._runner.run(
            lambda _ctx: plan(new_uow),
            on_done=while_alive(self, lambda page: self._on_page(generation, page_no, page)),
            on_failed=while_alive(self, lambda exc: self._on_failed(generation, exc, page_no)),
        )

    def _on_counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._total = total
        self._resize(total)
        if not self._pages and 0 not in self._in_flight and total:
            self._want(0)
        self.count_changed.emit(total)
        self._flush()

    def _on_page(self, generation: int, page_no: int, page: LotPage) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(page_no)
        first_new = None
        for offset in range(0, len(page.rows), PAGE_SIZE):
            start = page.start + offset
            if start % PAGE_SIZE:
                log.warning("page read at row %s is not aligned; ignored", start)
                break
            number = start // PAGE_SIZE
            chunk = page.rows[offset:offset + PAGE_SIZE]
            if number in self._pages and number != page_no:
                continue
            self._pages[number] = tuple(self._line(lot) for lot in chunk)
            self._stale.pop(number, None)
            first_new = start if first_new is None else first_new
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        if self._total is None and page.start == 0:
            self._resize(max(self._rows, len(page.rows)) if self._stale else len(page.rows))
        if page_no == 0:
            if not self._counting:
                self._count_timer.start(COUNT_BACKSTOP_MS)
            self.first_page_loaded.emit(len(page.rows))
        if first_new is not None and page.rows:
            last = min(page.end, self._rows) - 1
            if last >= first_new:
                self.dataChanged.emit(self.index(first_new, 0), self.index(last, len(COLUMNS) - 1))
                self.page_loaded.emit(first_new, last)
        self._flush()

    def _on_failed(self, generation: int, exc: BaseException, page_no: int | None = None) -> None:
        if generation != self._generation:
            return
        if page_no is not None:
            self._in_flight.discard(page_no)
        if page_no == 0:
            self._start_count()
        self.load_failed.emit(exc)

    def _resize(self, rows: int) -> None:
        """Grow or shrink the row count in place, so scroll position and selection survive a refresh."""
        if rows > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, rows - 1)
            self._rows = rows
            self.endInsertRows()
        elif rows < self._rows:
            self.beginRemoveRows(QModelIndex(), rows, self._rows - 1)
            self._rows = rows
            self.endRemoveRows()
        if self._stale and rows:
            # Stale rows stay on screen, but repaint them as fresh pages replace them.
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, len(COLUMNS) - 1))


class StatusBadgeDelegate(QStyledItemDelegate):
    """Paints the status as a coloured pill, so a column of statuses reads at a glance."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._colours = {s: (QColor(bg), QColor(fg)) for s, (bg, fg) in STATUS_COLOURS.items()}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        # The row straight from the model, not through index.data(): no QVariant round trips per cell
        # (and no None coming back through one: PySide6 6.12.0 on Python 3.11 mis-counts those).
        model = index.model()
        line = model.line_at(index.row()) if isinstance(model, LotTableModel) else None
        if line is None:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # selection / alternate-row background, as the other cells have
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        background, foreground = self._colours[line.lot.status]
        text = line.display[STATUS_COLUMN]
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(text) + 16
        height = min(option.rect.height() - 6, metrics.height() + 4)
        pill = QRect(option.rect.left() + 6, option.rect.center().y() - height // 2 + 1, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(foreground)
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 22, hint.height())
