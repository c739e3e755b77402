"""Expiry alerts in the GUI: the alert list (escalated and open first, owner shown) and the acknowledge dialog.

An alert is raised by the daily expiry job when a lot with stock crosses one of its product's thresholds
(ISO 13485 7.5.11 preservation of product; 医疗器械经营质量管理规范 近效期预警). Acknowledging records who,
when (server time) and a note; a disposition says what will be done with the stock. The database decides
who acknowledged first: when another workstation was quicker, the dialog says so and shows their answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.views.context import ViewContext
from app.views.lot_table_model import while_alive
from app.views.pages import lot_status_label
from app.views.record_table import record_table
from app.views.working_dialog import WorkingDialog

if TYPE_CHECKING:
    from app.services.expiry import ExpiringLot

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")
_Index = QModelIndex | QPersistentModelIndex
LOT_ROLE = Qt.ItemDataRole.UserRole + 1  # the ExpiringLot of a row

# The dispositions of issue 12, stored by value; the order is the order offered.
DISPOSITIONS = ("use_first", "transfer", "return_to_supplier", "scrap", "quarantine")
NOTE_MAX = 2000

# Alert states in the order the list shows them: what needs someone now comes first.
STATE_COLOURS = {"escalated": QColor("#b3261e"), "open": QColor("#9a5b00"),
                 "acknowledged": QColor("#1b5e2f"), "closed": QColor("#5b6670")}


def disposition_label(value: str | None) -> str:
    """DESIGN §8 words for a disposition; an unknown stored value is shown as stored."""
    if value is None:
        return "—"
    labels = {
        "use_first": translate("ExpiryWords", "Use first"),
        "transfer": translate("ExpiryWords", "Transfer"),
        "return_to_supplier": translate("ExpiryWords", "Return to supplier"),
        "scrap": translate("ExpiryWords", "Scrap"),
        "quarantine": translate("ExpiryWords", "Quarantine"),
    }
    return labels.get(value, value)


def alert_state_label(state: str | None) -> str:
    if state is None:
        return translate("ExpiryWords", "No alert")
    labels = {
        "open": translate("ExpiryWords", "Open"),
        "acknowledged": translate("ExpiryWords", "Acknowledged"),
        "escalated": translate("ExpiryWords", "Escalated"),
        "closed": translate("ExpiryWords", "Closed"),
    }
    return labels.get(state, state)


def local_time(value: dt.datetime | None) -> str:
    """A server timestamp in the workstation's time zone, with the zone shown (21 CFR 11.50(a)(2))."""
    if value is None:
        return "—"
    when = QDateTime(value) if value.tzinfo is not None else QDateTime(value, QTimeZone.utc())
    return QLocale().toString(when.toLocalTime(), "yyyy-MM-dd HH:mm t")


def day_text(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else translate("ExpiryWords", "no expiry date")


def days_left_text(days: int | None) -> str:
    if days is None:
        return "—"
    if days < 0:
        return translate("ExpiryWords", "expired %1 days ago").replace("%1", QLocale().toString(-days))
    if days == 0:
        return translate("ExpiryWords", "last day today")
    return QLocale().toString(days)


def alert_summary(lot: ExpiringLot) -> str:
    """One cell: the alert's state and threshold, e.g. "Escalated (30 days)"."""
    alert = lot.alert
    if alert is None:
        return alert_state_label(None)
    return translate("ExpiryWords", "%1 (%2 days)").replace("%1", alert_state_label(alert.state)).replace(
        "%2", QLocale().toString(alert.threshold_days))


class ExpiringLotModel(QAbstractTableModel):
    """Lots with stock and their alert state: the day panel, the agenda and the alert list share it.

    These lists are bounded (one day, an agenda horizon, the open alerts), so the rows sit in memory; the
    million-lot list is the Lots page's paged model.
    """

    def __init__(self, columns: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: tuple[ExpiringLot, ...] = ()

    def headers(self) -> dict[str, str]:
        return {
            "expiry_date": self.tr("Expiry date"), "lot": self.tr("Lot"), "product": self.tr("Product"),
            "di": self.tr("DI"), "site": self.tr("Site"), "on_hand": self.tr("On hand"),
            "status": self.tr("Status"), "days_left": self.tr("Days left"), "band": self.tr("Threshold"),
            "alert": self.tr("Expiry alert"), "owner": self.tr("Owner"),
            "acknowledged_by": self.tr("Acknowledged by"), "disposition": self.tr("Disposition"),
            "raised_at": self.tr("Raised"),
        }

    def set_rows(self, rows: Sequence[ExpiringLot]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[ExpiringLot, ...]:
        return self._rows

    def lot_at(self, row: int) -> ExpiringLot | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def column_of(self, key: str) -> int:
        return self._columns.index(key)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[self._columns[section]]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        lot = self._rows[index.row()]
        key = self._columns[index.column()]
        if role == LOT_ROLE:
            return lot
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(lot, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("on_hand", "days_left", "band"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "alert" and lot.alert is not None:
                return QBrush(STATE_COLOURS.get(lot.alert.state, QColor("#243447")))
            if key in ("days_left", "expiry_date") and lot.days_left is not None and lot.days_left < 0:
                return QBrush(STATE_COLOURS["escalated"])
        if role == Qt.ItemDataRole.ToolTipRole and key == "alert" and lot.alert is not None and lot.alert.note:
            return lot.alert.note
        return None

    def _text(self, lot: ExpiringLot, key: str) -> str:
        alert = lot.alert
        if key == "expiry_date":
            return day_text(lot.expiry_date)
        if key == "on_hand":
            return QLocale().toString(lot.on_hand)
        if key == "status":
            return _status_text(lot.status)
        if key == "days_left":
            return days_left_text(lot.days_left)
        if key == "band":
            return self.tr("≤ %1 days").replace("%1", QLocale().toString(lot.band)) if lot.band else "—"
        if key == "alert":
            return alert_summary(lot)
        if key == "owner":
            return (alert.owner if alert is not None else None) or "—"
        if key == "acknowledged_by":
            if alert is None or not alert.acknowledged_by:
                return "—"
            return f"{alert.acknowledged_by} · {local_time(alert.acknowledged_at)}"
        if key == "disposition":
            return disposition_label(alert.disposition if alert is not None else None)
        if key == "raised_at":
            return local_time(alert.raised_at if alert is not None else None)
        return str(getattr(lot, key) or "—")


def _status_text(status: object) -> str:
    from app.models.enums import LotStatus

    try:
        return lot_status_label(LotStatus(status))
    except ValueError:
        return str(status)


def lot_table(model: ExpiringLotModel, widths: dict[str, int]) -> Any:
    """The shared record-table look with sensible column widths for these lists."""
    view = record_table(model, row_height=26)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    for key, width in widths.items():
        header.resizeSection(model.column_of(key), width)
    return view


ALERT_COLUMNS = ("alert", "owner", "expiry_date", "days_left", "lot", "product", "site", "on_hand",
                 "acknowledged_by", "disposition")
ALERT_TABLES = frozenset({"expiry_alert", "lot", "movement", "product"})


MAX_LISTED = 2_000  # alerts listed at once, most urgent first (the counts cover all of them)


@dataclass(frozen=True)
class _AlertsRead:
    rows: tuple[ExpiringLot, ...]  # sorted, at most MAX_LISTED
    total: int
    escalated: int
    waiting: int  # open, not yet escalated


class AlertPanel(QWidget):
    """The alerts that need someone: escalated and open first, each with its owner; acknowledge from here."""

    alerts_loaded = Signal(object)  # tuple of ExpiringLot with an alert
    acknowledged = Signal(object)  # the alert id

    def __init__(self, ctx: ViewContext, *, may_acknowledge: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._may_acknowledge = may_acknowledge
        self._loading = False
        self.waiting = 0  # alerts open or escalated (all of them, not only those listed)
        self._stale = False
        self.model = ExpiringLotModel(ALERT_COLUMNS, self)
        self.table = lot_table(self.model, {"alert": 150, "owner": 110, "expiry_date": 96, "days_left": 70,
                                            "lot": 110, "product": 180, "site": 80, "on_hand": 70,
                                            "acknowledged_by": 190})
        self.table.doubleClicked.connect(lambda _index: self.acknowledge_selected())
        self.summary = QLabel(self.tr("Loading…"))
        self.summary.setObjectName("fieldNote")
        self.summary.setWordWrap(True)
        self.acknowledge_button = QPushButton(self.tr("Acknowledge…"))
        self.acknowledge_button.setToolTip(self.tr("Record that you have seen this alert, with a note and a "
                                                   "disposition"))
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        if not may_acknowledge:
            self.acknowledge_button.setEnabled(False)
            self.acknowledge_button.setToolTip(self.tr("Your role may see expiry alerts but not acknowledge them."))
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        ctx.broadcast.records_changed.connect(self._on_records_changed)

    def reload(self) -> None:
        """Read the open alerts off the GUI thread; a change meanwhile triggers one more read."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        new_uow = self._ctx.new_uow

        def work(_op: object) -> _AlertsRead:
            from app.services.expiry import alert_counts, open_alerts

            # Sorted, cut and counted by the server: a site can have a hundred thousand alerts.
            rows = open_alerts(new_uow(), limit=MAX_LISTED)
            counts = alert_counts(new_uow())
            return _AlertsRead(tuple(rows), max(counts.total, len(rows)), counts.escalated, counts.waiting)

        self._ctx.runner.run(work, on_done=while_alive(self, self._on_loaded),
                             on_failed=while_alive(self, self._on_failed))

    def selected(self) -> ExpiringLot | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.lot_at(rows[0].row()) if rows else None

    def select_alert(self, alert_id: int) -> bool:
        for row, lot in enumerate(self.model.rows()):
            if lot.alert is not None and lot.alert.id == alert_id:
                self.table.selectRow(row)
                return True
        return False

    def acknowledge_selected(self) -> AcknowledgeDialog | None:
        lot = self.selected()
        if lot is None or lot.alert is None or not self._may_acknowledge:
            return None
        dialog = AcknowledgeDialog(self._ctx, lot, self)
        dialog.acknowledged.connect(self.acknowledged.emit)
        dialog.open()
        return dialog

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is None or tables & ALERT_TABLES:
            self.reload()

    def _on_loaded(self, read: _AlertsRead) -> None:
        self._finish()
        rows, escalated, waiting = read.rows, read.escalated, read.waiting
        self.waiting = escalated + waiting
        chosen = self.selected()
        self.model.set_rows(rows)
        if chosen is not None and chosen.alert is not None:
            self.select_alert(chosen.alert.id)
        if not rows:
            self.summary.setText(self.tr("No expiry alert is waiting. Alerts are raised by the daily expiry check "
                                         "when a lot with stock crosses one of its product's thresholds."))
        else:
            self.summary.setText(self.tr("%1 escalated, %2 waiting for acknowledgement, %3 in all.").replace(
                "%1", QLocale().toString(escalated)).replace("%2", QLocale().toString(waiting)).replace(
                "%3", QLocale().toString(read.total)))
            if read.total > len(rows):
                self.summary.setText(self.summary.text() + " " + self.tr(
                    "The %1 most urgent are listed; the calendar and the expiry report show every lot.").replace(
                    "%1", QLocale().toString(len(rows))))
        self.alerts_loaded.emit(tuple(rows))

    def _on_failed(self, exc: BaseException) -> None:
        self._finish()
        self.summary.setText(self.tr("The alerts could not be loaded: %1").replace(
            "%1", exc.message if isinstance(exc, MedTraceError) else exc.__class__.__name__))

    def _finish(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()


class AcknowledgeDialog(WorkingDialog):
    """Acknowledge one expiry alert: a note (required) and, optionally, what will be done with the stock."""

    acknowledged = Signal(object)  # the alert id, after the database accepted it
    refused = Signal(str)  # the message shown (e.g. another workstation acknowledged first)

    def __init__(self, ctx: ViewContext, lot: ExpiringLot, parent: QWidget | None = None,
                 *, on_done: Callable[[int], None] | None = None) -> None:
        super().__init__(parent)
        assert lot.alert is not None
        self._ctx = ctx
        self.lot = lot
        self._on_done = on_done
        alert = lot.alert
        self.setWindowTitle(self.tr("Acknowledge expiry alert"))
        self.setMinimumWidth(520)

        heading = QLabel(self.tr("Lot %1 · %2").replace("%1", lot.lot).replace("%2", lot.product))
        heading.setObjectName("sectionHeading")
        facts = QFormLayout()
        facts.addRow(self.tr("Expiry date"), QLabel(f"{day_text(lot.expiry_date)}  ({days_left_text(lot.days_left)})"))
        on_hand = self.tr("on hand")  # outside the f-string, where lupdate sees it
        facts.addRow(self.tr("Site"), QLabel(f"{lot.site} · {on_hand} {QLocale().toString(lot.on_hand)}"))
        facts.addRow(self.tr("Threshold"), QLabel(self.tr("%1 days").replace(
            "%1", QLocale().toString(alert.threshold_days))))
        facts.addRow(self.tr("State"), QLabel(alert_state_label(alert.state)))
        facts.addRow(self.tr("Owner"), QLabel(alert.owner or "—"))
        facts.addRow(self.tr("Raised"), QLabel(local_time(alert.raised_at)))
        if alert.escalated_at is not None:
            facts.addRow(self.tr("Escalated"), QLabel(local_time(alert.escalated_at)))

        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("What you checked and what will happen to the stock (required)"))
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(90)
        self.disposition = QComboBox()
        self.disposition.addItem(self.tr("— decide later —"), None)
        for value in DISPOSITIONS:
            self.disposition.addItem(disposition_label(value), value)
        if alert.disposition:
            self.disposition.setCurrentIndex(max(self.disposition.findData(alert.disposition), 0))
        form = QFormLayout()
        form.addRow(self.tr("Note"), self.note)
        form.addRow(self.tr("Disposition"), self.disposition)
        self.message = QLabel()
        self.message.setObjectName("inlineProblem")
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton(self.tr("Acknowledge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(facts)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.note.setFocus()

    def submit(self) -> None:
        """Check the note here, then let the database record the acknowledgement (it decides who was first)."""
        if self._busy:
            return
        note = self.note.toPlainText().strip()
        if not note:
            self._show_problem(self.tr("Write a note: what you checked and what will happen to the stock."))
            return
        if len(note) > NOTE_MAX:
            self._show_problem(self.tr("The note is too long (at most %1 characters).").replace(
                "%1", QLocale().toString(NOTE_MAX)))
            return
        assert self.lot.alert is not None
        alert_id = self.lot.alert.id
        disposition = self.disposition.currentData()
        new_uow = self._ctx.new_uow

        def work(_op: object) -> int:
            from app.services.expiry import acknowledge_alert

            acknowledge_alert(new_uow(), alert_id=alert_id, note=note, disposition=disposition)
            return alert_id

        self._set_busy(True)
        self._ctx.runner.run(work, on_done=while_alive(self, self._on_acknowledged),
                             on_failed=while_alive(self, self._on_refused), changes=("expiry_alert",))

    def _on_acknowledged(self, alert_id: int) -> None:
        self._set_busy(False)
        self.acknowledged.emit(alert_id)
        if self._on_done is not None:
            self._on_done(alert_id)
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, MedTraceError):
            text = exc.message + (f" {exc.hint}" if exc.hint else "")
            if exc.__class__.__name__ == "AlreadyAcknowledged":
                # Nothing more to do here: the other person's answer stands (and the list shows it).
                text = self.tr("Not recorded: %1 Their note and disposition stand; the list shows them.").replace(
                    "%1", text)
                self.ok_button.setEnabled(False)
                self._ctx.broadcast.announce(frozenset({"expiry_alert"}))
        else:
            text = self.tr("The acknowledgement could not be recorded because of an unexpected problem; the "
                           "details are in the log.")
        self._show_problem(text)
        self.refused.emit(text)

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.ok_button.setEnabled(not busy)
        self.note.setReadOnly(busy)
        self.disposition.setEnabled(not busy)
