"""The Expiry page: a calendar of the lots with stock that expire each day, their alerts, and the exports.

A QA manager opens it on Monday morning: the month shows, per day, how many lots with stock on hand
expire, coloured by the tightest threshold band (ISO 13485 7.5.11: product is kept within its shelf
life; 医疗器械经营质量管理规范 第三十八条 近效期管理). Enter (or a click) lists a day's lots with their
on-hand stock and alert state; the alert list acknowledges with a note and a disposition.

Why a QTableView over a 6 × 7 model and not QCalendarWidget with paintCell: QCalendarWidget paints
through an internal model we cannot reach, so a cell cannot carry a count, a band or the lots of a
week view as data (no roles for tests or accessibility), its keyboard handling cannot be taught Home =
today nor Enter = open the day, and it has no week layout. A table over our own model gives the count
badges and band colours in a delegate, one model for month and week, and key handling we own.

Every query runs through the operation runner; one month read is in flight at a time and a result for
a month the person has already left is dropped (the 1 M-lot reference set must never stall the GUI).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.models.enums import LotStatus, PartyKind
from app.security.permissions import ACTIONS, may
from app.services.identity import Account
from app.views.context import ViewContext
from app.views.expiry_alerts import (
    AcknowledgeDialog,
    AlertPanel,
    ExpiringLotModel,
    lot_table,
)
from app.views.lot_table_model import while_alive
from app.views.operations import Operation, OperationContext
from app.views.page_frame import page_column
from app.views.pages import lot_status_label

if TYPE_CHECKING:
    from app.services.expiry import CalendarDay, ExpiringLot, ExpiryList

_Index = QModelIndex | QPersistentModelIndex
DATE_ROLE = Qt.ItemDataRole.UserRole + 1  # dt.date of the cell
COUNT_ROLE = Qt.ItemDataRole.UserRole + 2  # lots expiring that day (int)
BAND_ROLE = Qt.ItemDataRole.UserRole + 3  # tightest threshold band that day (int | None)
IN_MONTH_ROLE = Qt.ItemDataRole.UserRole + 4
TODAY_ROLE = Qt.ItemDataRole.UserRole + 5
LOTS_ROLE = Qt.ItemDataRole.UserRole + 6  # week view: the day's lots (tuple) once read

# Tables whose changes move the calendar's numbers.
CALENDAR_TABLES = frozenset({"lot", "movement", "product", "expiry_alert", "genealogy_edge"})
AGENDA_HORIZONS = (30, 90, 180, 365)
DEFAULT_HORIZON = 90
WEEK_LINES = 8  # lots a week cell lists before "+ N more"

# Band colours (background, text), tightest first: hue and lightness both change, so they read in greyscale
# print and for colour-blind eyes; the count is always written too.
EXPIRED_COLOURS = ("#5f2120", "#ffffff")
BAND_COLOURS = ((7, ("#b3261e", "#ffffff")), (30, ("#e8710a", "#ffffff")), (90, ("#f2b630", "#2b1d00")),
                (180, ("#fff1cc", "#6b4a00")))
LATER_COLOURS = ("#dcebf8", "#174f7a")


def band_colours(band: int | None, expired: bool) -> tuple[str, str]:
    """The badge colours of a day: expired stock, then the tightest threshold band it is inside."""
    if expired:
        return EXPIRED_COLOURS
    if band is not None:
        for limit, colours in BAND_COLOURS:
            if band <= limit:
                return colours
        return BAND_COLOURS[-1][1]
    return LATER_COLOURS


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def week_start(day: dt.date, first_weekday: int) -> dt.date:
    """The first day of the week holding `day`; `first_weekday` as Qt.DayOfWeek (Monday = 1, Sunday = 7)."""
    return day - dt.timedelta(days=(day.isoweekday() - first_weekday) % 7)


MONTH_CACHE_SIZE = 12  # months (or weeks) kept; emptied whenever the records change
_MonthRead: TypeAlias = "tuple[tuple[CalendarDay, ...], dict[dt.date, tuple[ExpiringLot, ...]], dt.date | None]"


@dataclass(frozen=True)
class Filters:
    """What the filters bar asks for; `ExpiryFilters` of the service is built from it off the GUI thread."""

    product_di: str | None = None
    site: str | None = None
    owner: str | None = None
    status: str | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.product_di, self.site, self.owner, self.status))

    def for_service(self) -> Any:
        from app.services.expiry import ExpiryFilters

        return ExpiryFilters(product_di=self.product_di, site=self.site, owner=self.owner, status=self.status)


class CalendarModel(QAbstractTableModel):
    """Six weeks of a month (or one week), each cell a day with its count of expiring lots and band."""

    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_weekday = QLocale().firstDayOfWeek().value
        self.today = today
        self.month = today.replace(day=1)
        self.week_mode = False
        self.start = week_start(self.month, self.first_weekday)
        self._rows = 6
        self._days: dict[dt.date, CalendarDay] = {}
        self._lots: dict[dt.date, tuple[ExpiringLot, ...]] = {}

    def show(self, current: dt.date, *, week: bool) -> bool:
        """Lay out the month (or week) holding `current`; True when the shown range changed."""
        month = current.replace(day=1)
        start = week_start(current if week else month, self.first_weekday)
        rows = 1 if week else 6
        if (start, rows, month, week) == (self.start, self._rows, self.month, self.week_mode):
            return False
        self.beginResetModel()
        self.start, self._rows, self.month, self.week_mode = start, rows, month, week
        self._days, self._lots = {}, {}
        self.endResetModel()
        return True

    def first_day(self) -> dt.date:
        return self.start

    def last_day(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self._rows - 1)

    def set_days(self, days: Iterable[CalendarDay], lots: dict[dt.date, tuple[ExpiringLot, ...]] | None = None) -> None:
        self._days = {d.day: d for d in days}
        self._lots = dict(lots or {})
        self._changed()

    def set_today(self, today: dt.date) -> None:
        self.today = today
        self._changed()

    def _changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, 6))

    def date_at(self, index: _Index) -> dt.date:
        return self.start + dt.timedelta(days=7 * index.row() + index.column())

    def index_of(self, day: dt.date) -> QModelIndex:
        offset = (day - self.start).days
        if not 0 <= offset < 7 * self._rows:
            return QModelIndex()
        return self.index(offset // 7, offset % 7)

    def count_on(self, day: dt.date) -> int:
        entry = self._days.get(day)
        return entry.lots if entry is not None else 0

    def total(self) -> int:
        return sum(d.lots for d in self._days.values() if self._in_view(d.day))

    def _in_view(self, day: dt.date) -> bool:
        if self.week_mode:
            return self.first_day() <= day <= self.last_day()
        return (day.year, day.month) == (self.month.year, self.month.month)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            weekday = (self.first_weekday - 1 + section) % 7 + 1
            return QLocale().dayName(weekday, QLocale.FormatType.ShortFormat)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        day = self.date_at(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(day.day)
        if role == DATE_ROLE:
            return day
        entry = self._days.get(day)
        if role == COUNT_ROLE:
            return entry.lots if entry is not None else 0
        if role == BAND_ROLE:
            return entry.band if entry is not None else None
        if role == IN_MONTH_ROLE:
            return self.week_mode or (day.year, day.month) == (self.month.year, self.month.month)
        if role == TODAY_ROLE:
            return day == self.today
        if role == LOTS_ROLE:
            return self._lots.get(day)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            when = QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)
            count = entry.lots if entry is not None else 0
            if not count:
                return self.tr("%1: no lot with stock expires").replace("%1", when)
            return self.tr("%1: %2 lot(s) with stock expire").replace("%1", when).replace(
                "%2", QLocale().toString(count))
        return None


class DayDelegate(QStyledItemDelegate):
    """A day cell: its number (today ringed), the count badge in its band's colour, in week view the lots."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(2, 2, -2, -2)
        in_month = bool(index.data(IN_MONTH_ROLE))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.fillRect(rect, QColor("#ffffff" if in_month else "#f1f3f5"))
        painter.setPen(QPen(QColor("#1a5fb4"), 3) if selected else QPen(QColor("#d5dbe1"), 1))
        painter.drawRect(rect)

        font = QFont(option.font)
        number_rect = QRect(rect.left() + 6, rect.top() + 5, 26, 22)
        if index.data(TODAY_ROLE):
            font.setBold(True)
            painter.setBrush(QColor("#1a5fb4"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(number_rect)
            painter.setPen(QColor("#ffffff"))
        else:
            painter.setPen(QColor("#243447" if in_month else "#9aa5b1"))
        painter.setFont(font)
        painter.drawText(number_rect, Qt.AlignmentFlag.AlignCenter, str(index.data(Qt.ItemDataRole.DisplayRole)))

        count = int(index.data(COUNT_ROLE) or 0)
        if count:
            today = index.model().today  # type: ignore[attr-defined] — always a CalendarModel
            expired = index.data(DATE_ROLE) < today
            background, foreground = band_colours(index.data(BAND_ROLE), expired)
            badge_font = QFont(option.font)
            badge_font.setBold(True)
            painter.setFont(badge_font)
            text = QLocale().toString(count)
            width = max(painter.fontMetrics().horizontalAdvance(text) + 16, 28)
            badge = QRect(rect.right() - width - 5, rect.top() + 5, width, 22)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(background))
            painter.drawRoundedRect(badge, 11, 11)
            painter.setPen(QColor(foreground))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        lots = index.data(LOTS_ROLE)
        if lots:
            self._paint_lots(painter, option, rect, lots, count)
        painter.restore()

    @staticmethod
    def _paint_lots(painter: QPainter, option: QStyleOptionViewItem, rect: QRect, lots: Any, count: int) -> None:
        small = QFont(option.font)
        painter.setFont(small)
        painter.setPen(QColor("#243447"))
        line_height = painter.fontMetrics().height() + 2
        top = rect.top() + 34
        room = max((rect.bottom() - top) // line_height, 1)
        shown = list(lots)[: min(room, WEEK_LINES)]
        more = count - len(shown)
        if more > 0 and len(shown) == room:
            shown = shown[:-1]
            more += 1
        for number, lot in enumerate(shown):
            line = QRect(rect.left() + 6, top + number * line_height, rect.width() - 12, line_height)
            text = f"{lot.lot} · {QLocale().toString(lot.on_hand)}"
            painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, line.width()))
        if more > 0:
            line = QRect(rect.left() + 6, top + len(shown) * line_height, rect.width() - 12, line_height)
            painter.setPen(QColor("#5b6670"))
            painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             DayDelegate.tr("+ %1 more").replace("%1", QLocale().toString(more)))

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(90, 64)


class CalendarGrid(QTableView):
    """The month (or week) grid: arrows move the day, PgUp/PgDn the month, Home = today, Enter opens the day."""

    day_moved = Signal(object)  # dt.date the keyboard or mouse moved to
    day_opened = Signal(object)  # dt.date: Enter, or a click

    def __init__(self, model: CalendarModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.current_day = model.today
        self.setItemDelegate(DayDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setHighlightSections(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.clicked.connect(self._on_clicked)

    def select_day(self, day: dt.date) -> None:
        self.current_day = day
        index = self._model.index_of(day)
        if index.isValid():
            self.setCurrentIndex(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, day = event.key(), self.current_day
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -7, Qt.Key.Key_Down: 7}
        if key in steps:
            self.day_moved.emit(day + dt.timedelta(days=steps[key]))
        elif key == Qt.Key.Key_PageUp:
            self.day_moved.emit(add_months(day, -1))
        elif key == Qt.Key.Key_PageDown:
            self.day_moved.emit(add_months(day, 1))
        elif key == Qt.Key.Key_Home:
            self.day_moved.emit(self._model.today)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.day_opened.emit(day)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _on_clicked(self, index: QModelIndex) -> None:
        day = self._model.date_at(index)
        self.day_moved.emit(day)
        self.day_opened.emit(day)


class FiltersBar(QWidget):
    """Product, site, owner and lot status; any change asks the page to read again."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.product = self._combo(self.tr("All products"), 220)
        self.site = self._combo(self.tr("All sites"), 140)
        self.owner = self._combo(self.tr("All owners"), 140)
        self.status = self._combo(self.tr("Any status"), 120)
        for status in (LotStatus.RELEASED, LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW, LotStatus.ON_HOLD,
                       LotStatus.EXPIRED):
            self.status.addItem(lot_status_label(status), status.value)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for caption, combo in ((self.tr("Product"), self.product), (self.tr("Site"), self.site),
                               (self.tr("Owner"), self.owner), (self.tr("Status"), self.status)):
            label = QLabel(caption)
            label.setBuddy(combo)
            layout.addWidget(label)
            layout.addWidget(combo)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)

    def _combo(self, everything: str, width: int) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, None)
        combo.setMinimumWidth(width)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        return combo

    def set_choices(self, products: Iterable[tuple[str, str]], sites: Iterable[tuple[str, str]],
                    owners: Iterable[str]) -> None:
        """Fill the pickers (value, label), keeping what was chosen."""
        for combo, items in ((self.product, products), (self.site, sites), (self.owner, ((o, o) for o in owners))):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, label in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
            combo.blockSignals(False)

    def filters(self) -> Filters:
        return Filters(product_di=self.product.currentData(), site=self.site.currentData(),
                       owner=self.owner.currentData(), status=self.status.currentData())

    def choose(self, **values: str | None) -> None:
        """Set filters by value (tests, and links from other pages); unknown values are added."""
        for name, value in values.items():
            combo: QComboBox = getattr(self, "product" if name == "product_di" else name)
            index = combo.findData(value)
            if index < 0 and value is not None:
                combo.addItem(value, value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(index, 0))

    def clear(self) -> None:
        blocked = [c.blockSignals(True) for c in (self.product, self.site, self.owner, self.status)]
        for combo in (self.product, self.site, self.owner, self.status):
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        del blocked
        self.changed.emit()


DAY_COLUMNS = ("lot", "product", "di", "site", "on_hand", "status", "days_left", "alert", "owner", "disposition")
AGENDA_COLUMNS = ("expiry_date", "days_left", "lot", "product", "site", "on_hand", "status", "band", "alert", "owner")


class DayPanel(QWidget):
    """One day's lots with on-hand stock and alert state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self.tr("Choose a day"))
        self.heading.setObjectName("sectionHeading")
        self.note = QLabel(self.tr("Press Enter on a day, or click it, to list the lots that expire that day."))
        self.note.setObjectName("fieldNote")
        self.note.setWordWrap(True)
        self.model = ExpiringLotModel(DAY_COLUMNS, self)
        self.table = lot_table(self.model, {"lot": 110, "product": 180, "di": 130, "site": 80, "on_hand": 70,
                                            "status": 80, "days_left": 70, "alert": 150, "owner": 100})
        self.acknowledge_button = QPushButton(self.tr("Acknowledge alert…"))
        self.acknowledge_button.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.day: dt.date | None = None

    def show_loading(self, day: dt.date) -> None:
        self.day = day
        self.heading.setText(self._title(day))
        self.note.setText(self.tr("Loading…"))

    def show_lots(self, day: dt.date, lots: tuple[ExpiringLot, ...]) -> None:
        self.day = day
        self.heading.setText(self._title(day))
        self.model.set_rows(lots)
        if not lots:
            self.note.setText(self.tr("No lot with stock on hand expires on this day."))
        else:
            on_hand = sum(lot.on_hand for lot in lots)
            self.note.setText(self.tr("%1 lot(s), %2 units on hand. Select a lot with an alert to acknowledge "
                                      "it.").replace("%1", QLocale().toString(len(lots))).replace(
                "%2", QLocale().toString(on_hand)))
        if lots:
            self.table.selectRow(0)

    def selected(self) -> ExpiringLot | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.lot_at(rows[0].row()) if rows else None

    @staticmethod
    def _title(day: dt.date) -> str:
        when = QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.LongFormat)
        return DayPanel.tr("Lots expiring on %1").replace("%1", when)


class AgendaPanel(QWidget):
    """Everything that expires in the next N days, in date order, and the lots without an expiry date."""

    horizon_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizon = QComboBox()
        for days in AGENDA_HORIZONS:
            self.horizon.addItem(self.tr("Next %1 days").replace("%1", QLocale().toString(days)), days)
        self.horizon.setCurrentIndex(self.horizon.findData(DEFAULT_HORIZON))
        self.horizon.currentIndexChanged.connect(lambda _i: self.horizon_changed.emit(self.days()))
        self.summary = QLabel()
        self.summary.setObjectName("fieldNote")
        self.summary.setWordWrap(True)
        self.gaps = QLabel()
        self.gaps.setObjectName("inlineProblem")
        self.gaps.setWordWrap(True)
        self.gaps.hide()
        self.model = ExpiringLotModel(AGENDA_COLUMNS, self)
        self.table = lot_table(self.model, {"expiry_date": 96, "days_left": 70, "lot": 110, "product": 200,
                                            "site": 80, "on_hand": 70, "status": 80, "band": 80, "alert": 150})
        top = QHBoxLayout()
        top.addWidget(self.horizon)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.gaps)
        layout.addWidget(self.table, 1)

    def days(self) -> int:
        return int(self.horizon.currentData())

    def show_list(self, result: ExpiryList) -> None:
        lots = tuple(result.lots)
        self.model.set_rows(lots)
        if lots:
            self.summary.setText(self.tr("%1 lot(s) with stock expire by %2, %3 units on hand.").replace(
                "%1", QLocale().toString(len(lots))).replace(
                "%2", (result.as_of + dt.timedelta(days=self.days())).isoformat()).replace(
                "%3", QLocale().toString(sum(lot.on_hand for lot in lots))))
        else:
            self.summary.setText(self.tr("No lot with stock on hand expires in this period."))
        gaps = result.data_gaps
        count = gaps if isinstance(gaps, int) else len(gaps)
        self.gaps.setVisible(count > 0)
        self.gaps.setText(self.tr("%1 lot(s) with stock have no expiry date, so no calendar can show them. Enter "
                                  "their expiry date in the lot record (Lots page).").replace(
            "%1", QLocale().toString(count)))


class ExpiryCalendarPage(QWidget):
    """Toolbar, filters, the month/week grid or the agenda, and beside it the day's lots and the alerts."""

    month_shown = Signal(object)  # the CalendarDays applied to the grid
    stale_dropped = Signal()  # a month read finished after the person had moved on; nothing was shown
    day_listed = Signal(object, object)  # dt.date, tuple of ExpiringLot
    agenda_shown = Signal(object)  # ExpiryList
    ics_written = Signal(str)  # path
    ics_failed = Signal(str)  # message shown
    report_requested = Signal(str, object)  # report key, parameters: the main window opens the Reports page
    load_failed = Signal(str)

    def __init__(self, ctx: ViewContext, account: Account, parent: QWidget | None = None, *,
                 as_of: dt.date | None = None) -> None:
        """`as_of` fixes the day the calendar judges from (tests, screenshots); by default the server's date."""
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._as_of = as_of
        self._month_running: Operation[Any] | None = None
        self._month_wanted = False
        self._month_cache: dict[tuple[Any, ...], _MonthRead] = {}
        self._cache_generation = 0
        self._prefetching = False
        self._day_token = 0
        self._agenda_token = 0
        self.current = as_of or dt.date.today()  # noqa: DTZ011 — replaced by the server's date once read
        self.model = CalendarModel(self.current, self)

        heading = QLabel(self.tr("Expiry"))
        heading.setObjectName("pageHeading")
        self.month_label = QLabel()
        self.month_label.setObjectName("sectionHeading")
        self.month_label.setMinimumWidth(220)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.previous_action = self._action(self.tr("‹ Previous"), self.tr("Previous month (PgUp)"),
                                            lambda: self.move_to(add_months(self.current, -1)))
        self.today_action = self._action(self.tr("Today"), self.tr("Back to today (Home)"),
                                         lambda: self.move_to(self.model.today))
        self.next_action = self._action(self.tr("Next ›"), self.tr("Next month (PgDn)"),
                                        lambda: self.move_to(add_months(self.current, 1)))
        self.toolbar.addWidget(self.month_label)
        self.toolbar.addSeparator()
        views = QActionGroup(self)
        self.month_action = self._action(self.tr("Month"), self.tr("A month of days with their counts"),
                                         lambda: self.set_view("month"), group=views)
        self.week_action = self._action(self.tr("Week"), self.tr("One week, with the lots of each day"),
                                        lambda: self.set_view("week"), group=views)
        self.agenda_action = self._action(self.tr("Agenda"), self.tr("Everything that expires in the next days, "
                                                                     "in date order"),
                                          lambda: self.set_view("agenda"), group=views)
        self.month_action.setChecked(True)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.ics_action = self._action(self.tr("Export calendar (.ics)…"),
                                       self.tr("Write the expiry dates as calendar events with reminders at the "
                                               "thresholds, for Outlook or Thunderbird"), self.export_ics)
        self.report_action = self._action(self.tr("Expiry report…"),
                                          self.tr("Open the expiry report (PDF or Excel) on the Reports page"),
                                          self.request_report)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.toolbar, 1)

        self.filters = FiltersBar()
        self.filters.changed.connect(self.reload)
        self.legend = self._legend()
        self.notice = QFrame()
        self.notice.setObjectName("expiryNotice")
        self.notice.setStyleSheet("#expiryNotice { background: #eef2f7; border: 1px solid #c9d3df; "
                                  "border-radius: 4px; }")
        self.notice_text = QLabel()
        self.notice_text.setWordWrap(True)
        self.notice_clear = QPushButton(self.tr("Clear filters"))
        self.notice_clear.clicked.connect(self.filters.clear)
        self.notice_agenda = QPushButton(self.tr("Show the agenda"))
        self.notice_agenda.clicked.connect(lambda: self.set_view("agenda"))
        notice_layout = QHBoxLayout(self.notice)
        notice_layout.setContentsMargins(12, 8, 12, 8)
        notice_layout.addWidget(self.notice_text, 1)
        notice_layout.addWidget(self.notice_clear)
        notice_layout.addWidget(self.notice_agenda)
        self.notice.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        self.grid = CalendarGrid(self.model)
        self.grid.day_moved.connect(self.move_to)
        self.grid.day_opened.connect(self.open_day)
        self.agenda = AgendaPanel()
        self.agenda.horizon_changed.connect(lambda _days: self._load_agenda())
        self.views = QStackedWidget()
        self.views.addWidget(self.grid)
        self.views.addWidget(self.agenda)

        may_ack = _may(account, "acknowledge_expiry_alert")
        self.day_panel = DayPanel()
        self.day_panel.acknowledge_button.clicked.connect(self._acknowledge_from_day)
        self.day_panel.table.selectionModel().selectionChanged.connect(lambda *_: self._on_day_selection())
        self.day_panel.table.doubleClicked.connect(lambda _i: self._acknowledge_from_day())
        self._may_acknowledge = may_ack
        self.alerts = AlertPanel(ctx, may_acknowledge=may_ack)
        self.alerts.acknowledged.connect(lambda _id: self._refresh_after_change())
        self.side = QTabWidget()
        self.side.addTab(self.day_panel, self.tr("Day"))
        self.side.addTab(self.alerts, self.tr("Expiry alerts"))
        self.alerts.alerts_loaded.connect(self._on_alerts_loaded)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.legend)
        left_layout.addWidget(self.notice)
        left_layout.addWidget(self.views, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 520])
        splitter.setChildrenCollapsible(False)

        page_column(self, (top, self.message), splitter)

        ctx.broadcast.records_changed.connect(self._on_records_changed)
        self._show_range()
        self._load_choices()
        self.reload()
        self.alerts.reload()

    # -- public --------------------------------------------------------------------------------

    @property
    def view_mode(self) -> str:
        return "agenda" if self.views.currentWidget() is self.agenda else ("week" if self.model.week_mode
                                                                           else "month")

    def as_of(self) -> dt.date:
        return self.model.today

    def move_to(self, day: dt.date) -> None:
        """Make `day` the current day; a new month (or week) is read off the GUI thread."""
        self.current = day
        if self._show_range():
            self.reload()
        self.grid.select_day(day)

    def apply_filter(self, *, view: str | None = None, alerts: bool = False, owner: str | None = None) -> None:
        """Open as a Dashboard tile asks: the agenda of what expires, or the alerts (of one owner)."""
        if view is not None:
            self.set_view(view)
        if alerts:
            self.side.setCurrentWidget(self.alerts)
        if owner is not None:
            self.filters.choose(owner=owner)

    def set_view(self, mode: str) -> None:
        action = {"month": self.month_action, "week": self.week_action, "agenda": self.agenda_action}[mode]
        action.setChecked(True)
        if mode == "agenda":
            self.views.setCurrentWidget(self.agenda)
            self.notice.hide()
            self._load_agenda()
            return
        self.views.setCurrentWidget(self.grid)
        self.grid.setFocus()
        self.move_to(self.current)
        if self.model.show(self.current, week=mode == "week"):
            self._show_range()
            self.reload()

    def reload(self) -> None:
        """Read the shown month again (and the agenda when shown); at most one month read at a time."""
        if self.views.currentWidget() is self.agenda:
            self._load_agenda()
        if self._month_running is not None:
            self._month_wanted = True
            return
        self._load_month()

    def open_day(self, day: dt.date) -> None:
        """List the day's lots in the day panel (Enter or a click)."""
        self.side.setCurrentWidget(self.day_panel)
        self._day_token += 1
        token = self._day_token
        self.day_panel.show_loading(day)
        new_uow, filters, as_of = self._ctx.new_uow, self.filters.filters(), self._as_of

        def work(_op: OperationContext) -> tuple[ExpiringLot, ...]:
            from app.services.expiry import lots_expiring_on

            return tuple(lots_expiring_on(new_uow(), day=day, as_of=as_of, filters=filters.for_service()))

        def done(lots: tuple[ExpiringLot, ...]) -> None:
            if token == self._day_token:
                self.day_panel.show_lots(day, lots)
                self._on_day_selection()
                self.day_listed.emit(day, lots)

        self._ctx.runner.run(work, on_done=while_alive(self, done), on_failed=while_alive(self, self._on_failed))

    def export_ics(self, path: str | None = None) -> None:
        """Ask where (unless given), then write the .ics off the GUI thread."""
        if path is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
            suggested = str(Path(folder or Path.home()) / "medtrace-expiry.ics")
            path, _filter = QFileDialog.getSaveFileName(self, self.tr("Export calendar"), suggested,
                                                        self.tr("iCalendar files (*.ics)"))
            if not path:
                return
            if not path.lower().endswith(".ics"):
                path += ".ics"
        out = Path(path)
        new_uow, as_of, horizon = self._ctx.new_uow, self._as_of, self.agenda.days()

        def work(_op: OperationContext) -> Path:
            from app.services.expiry import write_ics

            write_ics(new_uow(), out=out, as_of=as_of, within_days=max(horizon, 365))
            return out

        self.ics_action.setEnabled(False)
        self._show_message(self.tr("Writing the calendar…"), ok=None)

        def done(written: Path) -> None:
            self.ics_action.setEnabled(True)
            self._show_message(self.tr("Calendar saved to %1. Import it in Outlook or Thunderbird; each lot is an "
                                       "event on its expiry date with reminders at its thresholds.").replace(
                "%1", str(written)), ok=True)
            self.ics_written.emit(str(written))

        def failed(exc: BaseException) -> None:
            self.ics_action.setEnabled(True)
            text = _problem(exc, self.tr("The calendar could not be written (%1); no file was saved."))
            self._show_message(text, ok=False)
            self.ics_failed.emit(text)

        self._ctx.runner.run(work, on_done=while_alive(self, done), on_failed=while_alive(self, failed))

    def request_report(self) -> None:
        """The existing expiry report of the Reports page, for the agenda's horizon (no second renderer)."""
        self.report_requested.emit("expiry", {"days": self.agenda.days()})

    def acknowledge(self, lot: ExpiringLot) -> AcknowledgeDialog | None:
        if lot.alert is None or not self._may_acknowledge:
            return None
        dialog = AcknowledgeDialog(self._ctx, lot, self)
        dialog.acknowledged.connect(lambda _id: self._refresh_after_change())
        dialog.open()
        return dialog

    # -- reading -------------------------------------------------------------------------------

    def _month_range(self, month: dt.date | None = None) -> tuple[dt.date, dt.date, bool]:
        """The days a read covers: the week shown, or the whole month (the grid's days of the months before
        and after are not counted)."""
        if self.model.week_mode and month is None:
            return self.model.first_day(), self.model.last_day(), True
        first = (month or self.model.month).replace(day=1)
        return first, add_months(first, 1) - dt.timedelta(days=1), False

    def _month_work(self, first: dt.date, last: dt.date, week: bool) -> Callable[[OperationContext], _MonthRead]:
        new_uow, filters, as_of = self._ctx.new_uow, self.filters.filters(), self._as_of

        def work(op: OperationContext) -> _MonthRead:
            from app.services.expiry import calendar_days, lots_expiring_on

            service_filters = filters.for_service()
            today = as_of if as_of is not None else _server_date(new_uow)
            days = calendar_days(new_uow(), first=first, last=last, as_of=today, filters=service_filters)
            lots: dict[dt.date, tuple[ExpiringLot, ...]] = {}
            if week:
                for entry in days:
                    op.check_cancelled()
                    if entry.lots:
                        lots[entry.day] = tuple(lots_expiring_on(new_uow(), day=entry.day, as_of=today,
                                                                 filters=service_filters))
            return tuple(days), lots, today

        return work

    def _cache_key(self, first: dt.date, last: dt.date, week: bool) -> tuple[Any, ...]:
        return first, last, week, self.filters.filters(), self._as_of

    def _load_month(self) -> None:
        wanted = (self.model.first_day(), self.model.last_day(), self.model.week_mode)
        first, last, week = self._month_range()
        key = self._cache_key(first, last, week)

        def done(result: _MonthRead) -> None:
            days, lots, today = result
            self._month_cache[key] = result
            if (self.model.first_day(), self.model.last_day(), self.model.week_mode) != wanted:
                self.stale_dropped.emit()  # the person moved on while this month was read
                return
            if today is not None and today != self.model.today:
                self.model.set_today(today)
            self.model.set_days(days, lots)
            self._show_notice()
            self.month_shown.emit(days)

        if key in self._month_cache:  # read a moment ago, or ahead of the person paging: shown at once
            done(self._month_cache[key])
            self._prefetch_neighbours()
            return

        def finished() -> None:
            self._month_running = None
            if self._month_wanted:
                self._month_wanted = False
                self._load_month()
            else:
                self._prefetch_neighbours()

        operation = self._ctx.runner.run(self._month_work(first, last, week), on_done=while_alive(self, done),
                                         on_failed=while_alive(self, self._on_failed))
        operation.signals.finished.connect(lambda: shiboken6.isValid(self) and finished())
        self._month_running = operation

    def _prefetch_neighbours(self) -> None:
        """Read the months before and after the one shown, so that PgUp / PgDn show theirs at once (one read
        at a time, only while nothing else is being read; a change to the records empties the cache)."""
        if self.model.week_mode or self._month_running is not None or self._prefetching:
            return
        for step in (1, -1):
            first, last, week = self._month_range(add_months(self.model.month.replace(day=1), step))
            key = self._cache_key(first, last, week)
            if key in self._month_cache:
                continue
            generation = self._cache_generation

            def keep(result: _MonthRead, key: tuple[Any, ...] = key, generation: int = generation) -> None:
                if generation == self._cache_generation:
                    self._month_cache[key] = result
                    while len(self._month_cache) > MONTH_CACHE_SIZE:
                        self._month_cache.pop(next(iter(self._month_cache)))

            def finished() -> None:
                self._prefetching = False
                self._prefetch_neighbours()

            self._prefetching = True
            operation = self._ctx.runner.run(self._month_work(first, last, week), on_done=while_alive(self, keep),
                                             on_failed=lambda _exc: None)  # the person's own read says why
            operation.signals.finished.connect(lambda: shiboken6.isValid(self) and finished())
            return

    def _load_agenda(self) -> None:
        self._agenda_token += 1
        token = self._agenda_token
        new_uow, filters, as_of, days = self._ctx.new_uow, self.filters.filters(), self._as_of, self.agenda.days()
        self.agenda.summary.setText(self.tr("Loading…"))

        def work(_op: OperationContext) -> ExpiryList:
            from app.services.expiry import list_expiring

            today = as_of if as_of is not None else _server_date(new_uow)
            return list_expiring(new_uow(), within_days=days, as_of=today, filters=filters.for_service())

        def done(result: ExpiryList) -> None:
            if token == self._agenda_token:
                self.agenda.show_list(result)
                self.agenda_shown.emit(result)

        self._ctx.runner.run(work, on_done=while_alive(self, done), on_failed=while_alive(self, self._on_failed))

    def _load_choices(self) -> None:
        new_uow = self._ctx.new_uow

        def work(_op: OperationContext) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
            from app.services.lot_queries import list_products
            from app.services.reports import known_users
            from app.services.scanning import list_parties

            products = [(p.di, f"{p.name} · {p.di}") for p in list_products(new_uow())]
            sites = [(p.code, f"{p.code} · {p.name}") for p in list_parties(new_uow(), kinds=[PartyKind.MANUFACTURER])]
            return products, sites, known_users(new_uow())

        self._ctx.runner.run(work, on_done=while_alive(self, lambda c: self.filters.set_choices(*c)),
                             on_failed=while_alive(self, self._on_failed))

    # -- showing -------------------------------------------------------------------------------

    def _show_range(self) -> bool:
        changed = self.model.show(self.current, week=self.week_action.isChecked())
        locale = QLocale()
        if self.model.week_mode:
            first, last = self.model.first_day(), self.model.last_day()
            self.month_label.setText(self.tr("Week of %1 – %2").replace(
                "%1", locale.toString(QDate(first.year, first.month, first.day), QLocale.FormatType.ShortFormat))
                .replace("%2", locale.toString(QDate(last.year, last.month, last.day), QLocale.FormatType.ShortFormat)))
        else:
            self.month_label.setText(self._month_name())
        if changed:
            self.notice.hide()
        return changed

    def _month_name(self) -> str:
        month = self.model.month
        return QLocale().toString(QDate(month.year, month.month, 1), self.tr("MMMM yyyy"))

    def _show_notice(self) -> None:
        """The empty state: say why nothing shows and what to do, rather than a bare grid."""
        if self.model.total() > 0:
            self.notice.hide()
            return
        where = self.tr("this week") if self.model.week_mode else self._month_name()
        if self.filters.filters().active:
            self.notice_text.setText(self.tr("No lot matching the filters expires in %1.").replace("%1", where))
            self.notice_clear.show()
        else:
            self.notice_text.setText(self.tr(
                "No lot with stock on hand expires in %1. PgUp and PgDn move by month, Home comes back to today; "
                "the agenda lists everything that expires in the next days.").replace("%1", where))
            self.notice_clear.hide()
        self.notice.show()

    def _legend(self) -> QWidget:
        legend = QWidget()
        layout = QHBoxLayout(legend)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        caption = QLabel(self.tr("Lots expiring per day, by threshold:"))
        caption.setObjectName("fieldNote")
        layout.addWidget(caption)
        entries = [(EXPIRED_COLOURS, self.tr("expired, still in stock"))]
        entries += [(colours, self.tr("≤ %1 days").replace("%1", QLocale().toString(limit)))
                    for limit, colours in BAND_COLOURS]
        entries.append((LATER_COLOURS, self.tr("later")))
        for (background, foreground), text in entries:
            chip = QLabel(text)
            chip.setStyleSheet(f"background: {background}; color: {foreground}; border-radius: 9px; "
                               "padding: 1px 8px;")
            layout.addWidget(chip)
        layout.addStretch(1)
        return legend

    def _show_message(self, text: str, *, ok: bool | None) -> None:
        styles = {True: "background: #dcf1e2; color: #1b5e2f; border: 1px solid #9fcdad;",
                  False: "background: #fbe0dc; color: #8f1f0b; border: 1px solid #e0a39b;",
                  None: "background: #eef2f7; color: #243447; border: 1px solid #c9d3df;"}
        self.message.setStyleSheet(styles[ok] + " border-radius: 4px; padding: 8px;")
        self.message.setText(text)
        self.message.show()

    def _on_failed(self, exc: BaseException) -> None:
        text = _problem(exc, self.tr("The expiry calendar could not be read (%1). It is read again when records "
                                     "change."))
        self._show_message(text, ok=False)
        self.load_failed.emit(text)

    def _on_day_selection(self) -> None:
        lot = self.day_panel.selected()
        self.day_panel.acknowledge_button.setEnabled(
            self._may_acknowledge and lot is not None and lot.alert is not None
            and lot.alert.state in ("open", "escalated"))

    def _acknowledge_from_day(self) -> None:
        lot = self.day_panel.selected()
        if lot is not None:
            self.acknowledge(lot)

    def _on_alerts_loaded(self, _lots: tuple[ExpiringLot, ...]) -> None:
        waiting = self.alerts.waiting
        title = self.tr("Expiry alerts")
        self.side.setTabText(self.side.indexOf(self.alerts), f"{title} ({QLocale().toString(waiting)})"
                             if waiting else title)

    def _refresh_after_change(self) -> None:
        if self.day_panel.day is not None:
            self.open_day(self.day_panel.day)

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is None or tables & CALENDAR_TABLES:
            self._month_cache.clear()
            self._cache_generation += 1  # a read under way when the records changed is not kept
            self.reload()
            if self.day_panel.day is not None:
                self.open_day(self.day_panel.day)

    def _action(self, text: str, tip: str, slot: Callable[[], None], *, group: QActionGroup | None = None) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        if group is not None:
            action.setCheckable(True)
            group.addAction(action)
        self.toolbar.addAction(action)
        return action


def _may(account: Account, action: str) -> bool:
    """Whether the person's roles allow `action` (the permission matrix; the database decides in the end)."""
    return action in ACTIONS and may(account.groups, action)


def _server_date(new_uow: Callable[[], Any]) -> dt.date | None:
    """The database server's date (DESIGN §3: the workstation's clock is never trusted); off the GUI thread."""
    from app.services.dashboard import server_date

    return server_date(new_uow())


def _problem(exc: BaseException, unexpected: str) -> str:
    if isinstance(exc, MedTraceError):
        return exc.message + (f" {exc.hint}" if exc.hint else "")
    return unexpected.replace("%1", exc.__class__.__name__)
