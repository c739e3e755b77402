"""The Audit trail page: who changed what, when, where and why, and whether the trail is still intact.

21 CFR 11.10(e), EU GMP Annex 11 §9, 医疗器械生产质量管理规范 第二十七条: reviewers and inspectors read
the trail newest first, narrowed by time, person, kind of record, record and action; each entry shows
the old and new values side by side with the changed fields marked, and the reason. "Verify integrity"
recomputes the whole hash chain and checks the seals off the GUI thread (app/services/audit_trail.py)
and says plainly whether the trail is intact or names the first bad entry.

The trail grows without bound: entries are read in keyset pages of 200 (newest first) as the table
is scrolled, never all at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.security.keys import load_trusted_keys
from app.services.audit_queries import (
    ACTIONS,
    PAGE_SIZE,
    AuditEntries,
    AuditFilter,
    AuditRow,
    audited_tables,
    distinct_actors,
    fetch_audit,
)
from app.services.audit_trail import Seal, Verification, record_verification, verify_audit_trail
from app.services.identity import Account
from app.services.sealing import SEALING_GROUPS
from app.views.context import ViewContext
from app.views.operations import OperationContext, OperationRunner
from app.views.page_frame import list_detail_page
from app.views.reason_dialog import local_time
from app.views.record_table import record_table

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")

REFRESH_COALESCE_MS = 300
SEARCH_DEBOUNCE_MS = 300
ROW_HEIGHT = 24
COLUMNS = ("at", "actor", "table", "record", "action", "changed", "reason")
COLUMN_WIDTHS = {"at": 132, "actor": 84, "table": 86, "record": 110, "action": 62, "changed": 110}
SPLIT = (60, 40)  # entries : detail, in percent of the page width
# Fields that name a record the way people do (lot number, deviation number, party code, DI, login).
NAME_FIELDS = ("lot_no", "number", "code", "di", "login", "serial")
CHANGED_BACKGROUND = QColor("#fff4d6")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
INTACT_STYLE = "background: #dcf1e2; color: #1b5e2f; border: 1px solid #9fcdad; border-radius: 4px; padding: 8px;"
BROKEN_STYLE = "background: #fbe0dc; color: #8f1f0b; border: 1px solid #e0a39b; border-radius: 4px; padding: 8px;"
QUICK_RANGES = ("any", "today", "7d", "30d", "custom")
_Index = QModelIndex | QPersistentModelIndex


def while_alive(owner: QObject, callback: Callable[..., None]) -> Callable[..., None]:
    """Drop a result that arrives after `owner` was deleted (closed while its operation ran)."""

    def deliver(*args: Any) -> None:
        if shiboken6.isValid(owner):
            callback(*args)

    return deliver


def table_label(name: str) -> str:
    """DESIGN §8 words for the kinds of record in the trail (event kinds are shown as they are)."""
    labels = {
        "lot": translate("AuditTable", "Lot"),
        "product": translate("AuditTable", "Product"),
        "party": translate("AuditTable", "Party"),
        "serial_unit": translate("AuditTable", "Serial unit"),
        "qc_result": translate("AuditTable", "QC result"),
        "deviation": translate("AuditTable", "Deviation"),
        "genealogy_edge": translate("AuditTable", "Genealogy"),
        "movement": translate("AuditTable", "Movement"),
        "company_profile": translate("AuditTable", "Company profile"),
        "person": translate("AuditTable", "Person"),
        "sign_in_event": translate("AuditTable", "Sign-in"),
        "security_alert": translate("AuditTable", "Security alert"),
    }
    return labels.get(name, name)


def action_label(action: str) -> str:
    labels = {
        "INSERT": translate("AuditAction", "Created"),
        "UPDATE": translate("AuditAction", "Changed"),
        "DELETE": translate("AuditAction", "Deleted"),
        "EVENT": translate("AuditAction", "Event"),
    }
    return labels.get(action, action)


def problem_text(what: str) -> str:
    """The verifier's finding in the reader's language where it is one of the fixed findings."""
    known = {
        "the entry or its link was altered": translate("AuditProblem", "the entry or its link was altered"),
        "the entry was deleted": translate("AuditProblem", "the entry was deleted"),
        "the entry was inserted outside the audit trail (not chained)": translate(
            "AuditProblem", "the entry was inserted outside the audit trail (not chained)"),
    }
    return known.get(what, what)


def record_label(row: AuditRow) -> str:
    """The record's id with the name people use for it, e.g. "17 · L2601A"."""
    values = row.new or row.old or {}
    for key in NAME_FIELDS:
        name = values.get(key)
        if isinstance(name, str) and name:
            return f"{row.record} · {name}"
    return row.record


def value_text(value: Any) -> str:
    """A JSON value as a reviewer reads it: text as is, absent as —, the rest as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class AuditTableModel(QAbstractTableModel):
    """Entries newest first; the next keyset page is read off the GUI thread when the view scrolls to the end."""

    page_loaded = Signal(int)  # rows now loaded
    load_failed = Signal(object)

    def __init__(self, runner: OperationRunner, new_uow: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._new_uow = new_uow
        self._rows: list[AuditRow] = []
        self._has_more = False
        self._loading = False
        self._generation = 0
        self.query_filter = AuditFilter()
        self.loaded_once = False
        self._headers = {
            "at": self.tr("Time"), "actor": self.tr("User"), "table": self.tr("Record type"),
            "record": self.tr("Record"), "action": self.tr("Action"), "changed": self.tr("Changed fields"),
            "reason": self.tr("Reason for change"),
        }

    # -- queries -------------------------------------------------------------------------------

    def set_query(self, flt: AuditFilter) -> None:
        self.query_filter = flt
        self.refresh()

    def refresh(self) -> None:
        """Start again from the newest entry (what is shown stays until the first page arrives)."""
        self._generation += 1
        self._loading = False
        self._load(before_id=None)

    def _load(self, before_id: int | None) -> None:
        self._loading = True
        generation, flt, new_uow = self._generation, self.query_filter, self._new_uow
        self._runner.run(
            lambda _op: fetch_audit(new_uow(), filter=flt, before_id=before_id, limit=PAGE_SIZE),
            on_done=while_alive(self, lambda page: self._on_page(generation, before_id, page)),
            on_failed=while_alive(self, lambda exc: self._on_failed(generation, exc)),
        )

    def _on_page(self, generation: int, before_id: int | None, page: AuditEntries) -> None:
        if generation != self._generation:
            return  # a newer query replaced this one
        self._loading = False
        self.loaded_once = True
        if before_id is None:
            self.beginResetModel()
            self._rows = list(page.rows)
            self._has_more = page.has_more
            self.endResetModel()
        elif page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._has_more = page.has_more
            self.endInsertRows()
        else:
            self._has_more = False
        self.page_loaded.emit(len(self._rows))

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self._has_more = False
            self.load_failed.emit(exc)

    @property
    def has_more(self) -> bool:
        return self._has_more

    @property
    def loading(self) -> bool:
        return self._loading

    def row_at(self, row: int) -> AuditRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's default argument
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's default argument
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._has_more and not self._loading

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent) and self._rows:
            self._load(before_id=self._rows[-1].id)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[COLUMNS[section]]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        key = COLUMNS[index.column()]
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = {
                "at": lambda: local_time(row.at),
                "actor": lambda: row.actor,
                "table": lambda: table_label(row.table),
                "record": lambda: record_label(row),
                "action": lambda: action_label(row.action),
                "changed": lambda: ", ".join(row.changed_fields) if row.action == "UPDATE" else "",
                "reason": lambda: row.reason or "",
            }[key]()
            return text
        if role == Qt.ItemDataRole.FontRole and key == "action" and row.action in ("DELETE", "EVENT"):
            font = QFont()
            font.setBold(True)
            return font
        return None


class AuditDetailPanel(QWidget):
    """One entry: who, when, where, why, and the old and new values side by side, changes marked."""

    history_requested = Signal(str, str)  # table name, record id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row: AuditRow | None = None
        self.placeholder = QLabel(self.tr("Select an entry to see its old and new values and the reason."))
        self.placeholder.setObjectName("pageArrives")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.heading = QLabel()
        self.heading.setObjectName("sectionHeading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(3)
        for key, caption in (("at", self.tr("Time")), ("actor", self.tr("User")),
                             ("workstation", self.tr("Workstation")), ("entry", self.tr("Audit entry")),
                             ("reason", self.tr("Reason for change"))):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            form.addRow(caption + ":", label)
        bold = self.fields["reason"].font()
        bold.setBold(True)
        self.fields["reason"].setFont(bold)

        self.values = QTableWidget(0, 3)
        self.values.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Old value"), self.tr("New value")])
        self.values.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.values.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.values.verticalHeader().hide()
        self.values.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.values.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.values.setWordWrap(False)
        header = self.values.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.legend = QLabel(self.tr("Highlighted: fields this entry changed."))
        self.legend.setObjectName("fieldNote")
        self.history_button = QPushButton(self.tr("Show this record's history"))
        self.history_button.clicked.connect(self._on_history_clicked)

        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.setContentsMargins(0, 0, 0, 0)
        entry_layout.addWidget(self.heading)
        entry_layout.addLayout(form)
        entry_layout.addWidget(self.values, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.legend, 1)
        bottom.addWidget(self.history_button)
        entry_layout.addLayout(bottom)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(entry)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.stack)

    def show_row(self, row: AuditRow | None) -> None:
        self.row = row
        if row is None:
            self.stack.setCurrentIndex(0)
            return
        self.heading.setText(self.tr("%1 %2 — %3").replace("%1", table_label(row.table))
                             .replace("%2", record_label(row)).replace("%3", action_label(row.action)))
        self.fields["at"].setText(local_time(row.at))
        self.fields["actor"].setText(row.actor)
        self.fields["workstation"].setText(row.workstation or "—")
        self.fields["entry"].setText(str(row.id))
        self.fields["reason"].setText(row.reason or self.tr("(none given)"))
        changed = set(row.changed_fields)
        # What changed first (highlighted), then the rest of the record as it stood.
        names = [*row.changed_fields, *(n for n in row.fields if n not in changed)] if row.action == "UPDATE" \
            else list(row.fields)
        self.values.setRowCount(len(names))
        for r, name in enumerate(names):
            old = value_text((row.old or {}).get(name)) if row.old is not None else ""
            new = value_text((row.new or {}).get(name)) if row.new is not None else ""
            items = [QTableWidgetItem(name), QTableWidgetItem(old), QTableWidgetItem(new)]
            for item in items:
                item.setToolTip(item.text())
                if name in changed and row.action == "UPDATE":
                    item.setBackground(QBrush(CHANGED_BACKGROUND))
            if name in changed and row.action == "UPDATE":
                font = items[0].font()
                font.setBold(True)
                items[0].setFont(font)
            for c, item in enumerate(items):
                self.values.setItem(r, c, item)
        self.values.setColumnHidden(1, row.old is None)
        self.values.setColumnHidden(2, row.new is None)
        self.legend.setVisible(row.action == "UPDATE")
        self.history_button.setEnabled(row.action != "EVENT")
        self.stack.setCurrentIndex(1)

    def changed_rows(self) -> list[str]:
        """Field names shown as changed (highlighted)."""
        return [self.values.item(r, 0).text() for r in range(self.values.rowCount())
                if self.values.item(r, 0).font().bold()]

    def _on_history_clicked(self) -> None:
        if self.row is not None:
            self.history_requested.emit(self.row.table, self.row.record)


class AuditPage(QWidget):
    """Filters, the entries (newest first, paged), the chosen entry's detail, and integrity verification."""

    verified = Signal(object)  # Verification

    sealed = Signal(object)  # Seal

    def __init__(self, ctx: ViewContext, account: Account | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._needs_refresh = False
        self.verification: Verification | None = None
        self.last_seal: Seal | None = None

        heading = QLabel(self.tr("Audit trail"))
        heading.setObjectName("pageHeading")
        self.count_label = QLabel()
        self.count_label.setObjectName("pageArrives")
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        # -- filters --
        self.range_combo = QComboBox()
        for key, text in zip(QUICK_RANGES, (self.tr("Any time"), self.tr("Today"), self.tr("Last 7 days"),
                                            self.tr("Last 30 days"), self.tr("Dates…")), strict=True):
            self.range_combo.addItem(text, key)
        today = QDate.currentDate()
        self.from_date = QDateEdit(today.addDays(-30))
        self.to_date = QDateEdit(today)
        for edit in (self.from_date, self.to_date):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.hide()
        self.from_date.setToolTip(self.tr("From (inclusive)"))
        self.to_date.setToolTip(self.tr("To (inclusive)"))
        self.actor_combo = QComboBox()
        self.actor_combo.addItem(self.tr("All users"), None)
        self.actor_combo.setMinimumContentsLength(12)
        self.table_combo = QComboBox()
        self.table_combo.addItem(self.tr("All record types"), None)
        self.table_combo.setMinimumContentsLength(12)
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText(self.tr("Record id"))
        self.record_edit.setClearButtonEnabled(True)
        self.record_edit.setMaximumWidth(110)
        self.action_combo = QComboBox()
        self.action_combo.addItem(self.tr("Any action"), None)
        for action in ACTIONS:
            self.action_combo.addItem(action_label(action), action)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search reasons and values"))
        self.search.setClearButtonEnabled(True)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear_filters)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        for widget in (self.range_combo, self.from_date, self.to_date, self.actor_combo, self.table_combo,
                       self.record_edit, self.action_combo):
            bar.addWidget(widget)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.clear_button)

        # -- verification --
        self.verify_button = QPushButton(self.tr("Verify integrity"))
        self.verify_button.setToolTip(self.tr("Recompute every link of the hash chain and check the seals"))
        self.verify_button.clicked.connect(self.verify)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        # The database lets administrators and approvers add a seal (mt_audit_add_seal, migration 0003); the
        # key is this workstation's, from its OS keyring (app/services/sealing.py: the sealing workstation).
        self.seal_button = QPushButton(self.tr("Seal now"))
        self.seal_button.setToolTip(self.tr("Sign the head of the hash chain with this workstation's seal key"))
        self.seal_button.setVisible(account is not None and bool(SEALING_GROUPS & set(account.groups)))
        self.seal_button.clicked.connect(self.seal_now)
        verify_row = QHBoxLayout()
        verify_row.addWidget(self.verify_button)
        verify_row.addWidget(self.seal_button)
        verify_row.addWidget(self.progress)
        verify_row.addStretch(1)

        # -- entries and detail --
        self.model = AuditTableModel(ctx.runner, ctx.new_uow, self)
        self.model.set_query(AuditFilter())
        self.table = record_table(self.model, row_height=ROW_HEIGHT)
        horizontal = self.table.horizontalHeader()
        for key, width in COLUMN_WIDTHS.items():
            horizontal.resizeSection(COLUMNS.index(key), width)
        horizontal.setStretchLastSection(True)

        self.empty_message = QLabel()
        self.empty_message.setObjectName("pagePurpose")
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_clear = QPushButton(self.tr("Clear filters"))
        self.empty_clear.clicked.connect(self.clear_filters)
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_message)
        empty_layout.addWidget(self.empty_clear, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(empty)

        self.detail = AuditDetailPanel()
        self.detail.history_requested.connect(self.show_history)
        list_detail_page(self, heading, title_note=self.count_label,
                         rows=(bar, verify_row, self.banner, self.problem),
                         master=self.list_stack, detail=self.detail, split=SPLIT)

        # -- behaviour --
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_filters)
        self.record_edit.textChanged.connect(self._search_timer.start)
        self.record_edit.returnPressed.connect(self._apply_filters)
        self.range_combo.currentIndexChanged.connect(self._on_range_changed)
        for combo in (self.actor_combo, self.table_combo, self.action_combo):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.from_date.dateChanged.connect(self._apply_filters)
        self.to_date.dateChanged.connect(self._apply_filters)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_COALESCE_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.model.page_loaded.connect(self._on_page_loaded)
        self.model.load_failed.connect(self._show_problem)
        self.model.modelReset.connect(lambda: self.detail.show_row(None))
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ctx.broadcast.records_changed.connect(self._on_records_changed)
        self._load_choices()
        self._update_clear_buttons()

    # -- filters -------------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        since, until = self._time_range()
        return AuditFilter(
            since=since, until=until, actor=self.actor_combo.currentData(), table_name=self.table_combo.currentData(),
            record_id=self.record_edit.text().strip() or None, action=self.action_combo.currentData(),
            text=self.search.text().strip(),
        )

    def _time_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The chosen range in this workstation's time zone (entries carry the server's time)."""
        key = self.range_combo.currentData()
        now = dt.datetime.now().astimezone()
        if key == "today":
            return dt.datetime.combine(now.date(), dt.time()).astimezone(), None
        if key == "7d":
            return now - dt.timedelta(days=7), None
        if key == "30d":
            return now - dt.timedelta(days=30), None
        if key == "custom":
            start = self.from_date.date().toPython()
            end = self.to_date.date().toPython() + dt.timedelta(days=1)
            return (dt.datetime.combine(start, dt.time()).astimezone(),
                    dt.datetime.combine(end, dt.time()).astimezone())
        return None, None

    def _on_range_changed(self) -> None:
        custom = self.range_combo.currentData() == "custom"
        self.from_date.setVisible(custom)
        self.to_date.setVisible(custom)
        self._apply_filters()

    def _apply_filters(self) -> None:
        self._search_timer.stop()
        self._update_clear_buttons()
        if self.from_date.date() > self.to_date.date():
            self.problem.setText(self.tr("The start date is after the end date."))
            self.problem.show()
            return
        flt = self.current_filter()
        if flt != self.model.query_filter or self.range_combo.currentData() in ("today", "7d", "30d"):
            self.problem.hide()
            self.model.set_query(flt)

    def _update_clear_buttons(self) -> None:
        self.clear_button.setEnabled(not self.current_filter().is_empty)

    def clear_filters(self) -> None:
        widgets = (self.range_combo, self.actor_combo, self.table_combo, self.action_combo, self.search,
                   self.record_edit)
        for widget in widgets:
            widget.blockSignals(True)
        for combo in (self.range_combo, self.actor_combo, self.table_combo, self.action_combo):
            combo.setCurrentIndex(0)
        self.search.clear()
        self.record_edit.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self.from_date.hide()
        self.to_date.hide()
        self._apply_filters()

    def set_choice(self, combo: QComboBox, value: str | None) -> None:
        """Choose `value` in a filter combo (adding it if the list has not caught up yet)."""
        index = combo.findData(value)
        if index < 0 and value is not None:
            combo.addItem(table_label(value) if combo is self.table_combo else value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def show_history(self, table: str, record: str) -> None:
        """Every entry of one record, newest first."""
        for widget in (self.table_combo, self.record_edit, self.range_combo, self.action_combo, self.actor_combo,
                       self.search):
            widget.blockSignals(True)
        self.set_choice(self.table_combo, table)
        self.record_edit.setText(record)
        for combo in (self.range_combo, self.action_combo, self.actor_combo):
            combo.setCurrentIndex(0)
        self.search.clear()
        for widget in (self.table_combo, self.record_edit, self.range_combo, self.action_combo, self.actor_combo,
                       self.search):
            widget.blockSignals(False)
        self.from_date.hide()
        self.to_date.hide()
        self._apply_filters()

    def _load_choices(self) -> None:
        new_uow = self._ctx.new_uow

        def work(_op: OperationContext) -> tuple[tuple[str, ...], tuple[str, ...]]:
            return distinct_actors(new_uow()), audited_tables(new_uow())

        self._ctx.runner.run(work, on_done=while_alive(self, self._on_choices),
                             on_failed=while_alive(self, self._show_problem))

    def _on_choices(self, choices: tuple[Sequence[str], Sequence[str]]) -> None:
        actors, tables = choices
        for combo, values, label in ((self.actor_combo, actors, str), (self.table_combo, tables, table_label)):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(label(value), value)
            if chosen is not None and combo.findData(chosen) < 0:
                combo.addItem(label(chosen), chosen)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
            combo.blockSignals(False)

    # -- entries -------------------------------------------------------------------------------

    def _on_page_loaded(self, rows: int) -> None:
        self.problem.hide()
        more = self.model.has_more
        if rows == 0:
            self.count_label.setText("")
            if self.model.query_filter.is_empty:
                self.empty_message.setText(self.tr(
                    "No audit entries yet — every creation, change and deletion of a record will appear here, "
                    "with who made it, when and why."))
                self.empty_clear.hide()
            else:
                self.empty_message.setText(self.tr("No entries match these filters — clear filters to see all."))
                self.empty_clear.show()
            self.list_stack.setCurrentIndex(1)
            return
        self.list_stack.setCurrentIndex(0)
        text = (self.tr("1 entry") if rows == 1 else self.tr("%1 entries").replace("%1", f"{rows:,}"))
        if more:
            text = self.tr("%1 newest entries shown; scroll for more").replace("%1", f"{rows:,}")
        self.count_label.setText(text)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.detail.show_row(self.model.row_at(rows[0].row()) if rows else None)

    def select_row(self, row: int) -> None:
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.selectRow(row)

    def _show_problem(self, exc: BaseException) -> None:
        self.problem.setText(str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The audit trail could not be read. Details are in the log."))
        self.problem.show()

    # -- refresh -------------------------------------------------------------------------------

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is not None and "audit_entry" not in tables:
            return
        if not self.isVisible():
            self._needs_refresh = True
            return
        self._refresh_timer.start()

    def refresh(self) -> None:
        self._needs_refresh = False
        self.model.refresh()
        self._load_choices()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_refresh:
            self._refresh_timer.start()

    # -- verification --------------------------------------------------------------------------

    def verify(self) -> None:
        """Recompute the whole chain and check the seals, off the GUI thread, with progress."""
        config_dir = self._ctx.paths.config_dir
        new_uow = self._ctx.new_uow

        @contextmanager
        def second() -> Iterator[psycopg.Connection]:  # a long chain is read in halves, one per connection
            with new_uow() as other:
                yield other.driver_connection()

        def work(op: OperationContext) -> Verification:
            trusted = load_trusted_keys(config_dir)
            with new_uow() as uow:
                conn = uow.driver_connection()
                result = verify_audit_trail(conn, trusted_keys=trusted, second=second,
                                            progress=lambda done, total: op.progress(done, total))
                record_verification(conn, result)  # the Dashboard shows when the chain was last checked
                uow.commit()
                return result

        self.verify_button.setEnabled(False)
        self.verify_button.setText(self.tr("Verifying…"))
        self.banner.hide()
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.progress.show()
        self._ctx.runner.run(work, changes=("audit_entry",), on_done=while_alive(self, self._on_verified),
                             on_failed=while_alive(self, self._on_verify_failed),
                             on_progress=while_alive(self, self._on_verify_progress))

    def seal_now(self) -> None:
        """Seal the head of the chain with this workstation's key (created in the OS keyring the first time)."""
        from app.config import select_profile
        from app.security.keys import load_or_create_seal_key, public_bytes, trust_key
        from app.services.audit_trail import seal_audit_trail
        from app.services.sealing import MANUAL, seal_key_name

        paths, profile_name, new_uow = self._ctx.paths, self._ctx.settings.profile, self._ctx.new_uow

        def work(_op: OperationContext) -> Seal:
            key = load_or_create_seal_key(seal_key_name(paths, select_profile(paths, profile_name)))
            assert key is not None
            with new_uow() as uow:
                seal = seal_audit_trail(uow.driver_connection(), key, occasion=MANUAL)
                uow.commit()
            trust_key(paths.config_dir, public_bytes(key), "this workstation's seal key")
            return seal

        self.seal_button.setEnabled(False)
        self.banner.hide()
        self._ctx.runner.run(work, changes=("audit_entry",), on_done=while_alive(self, self._on_sealed),
                             on_failed=while_alive(self, self._on_seal_failed))

    def _on_sealed(self, seal: Seal) -> None:
        self.seal_button.setEnabled(True)
        self.last_seal = seal
        if seal.position == 0:
            text = self.tr("The trail is empty: there is nothing to seal yet.")
        else:
            text = self.tr("Audit trail sealed at position %1.").replace("%1", f"{seal.position:,}")
        self.banner.setStyleSheet(INTACT_STYLE)
        self.banner.setText(text)
        self.banner.show()
        self.sealed.emit(seal)

    def _on_seal_failed(self, exc: BaseException) -> None:
        self.seal_button.setEnabled(True)
        self.banner.setStyleSheet(BROKEN_STYLE)
        self.banner.setText(self.tr("The audit trail could not be sealed: %1").replace(
            "%1", str(exc) if isinstance(exc, MedTraceError) else self.tr("see the log for details.")))
        self.banner.show()

    def _on_verify_progress(self, done: int, total: int, _label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.progress.setFormat(self.tr("%1 of %2 entries").replace("%1", f"{done:,}").replace("%2", f"{total:,}"))

    def _verify_finished(self) -> None:
        self.verify_button.setEnabled(True)
        self.verify_button.setText(self.tr("Verify integrity"))
        self.progress.hide()

    def _on_verified(self, result: Verification) -> None:
        self._verify_finished()
        self.verification = result
        if result.ok:
            text = (self.tr("Audit trail intact: %1 entries and %2 seals verified in %3 s.")
                    .replace("%1", f"{result.entries_checked:,}").replace("%2", str(result.seals_checked))
                    .replace("%3", f"{result.seconds:.1f}"))
            if result.seals_checked and not result.trusted_seals:
                text += " " + self.tr("No seal was made with a key this workstation trusts.")
            elif not result.seals_checked:
                text += " " + self.tr("The trail has not been sealed yet.")
            if result.last_seal_age is not None:
                hours = result.last_seal_age.total_seconds() / 3600
                text += " " + self.tr("Last trusted seal: %1 hours ago.").replace("%1", f"{hours:,.1f}")
                if result.seal_overdue:
                    text += " " + self.tr("That is more than 24 hours: the sealing workstation should seal the trail.")
            self.banner.setStyleSheet(INTACT_STYLE)
        else:
            first = result.first_problem
            assert first is not None
            if first.entry_id is not None and first.position is not None:
                where = (self.tr("entry %1 (chain position %2)").replace("%1", str(first.entry_id))
                         .replace("%2", str(first.position)))
            elif first.entry_id is not None:
                where = self.tr("entry %1").replace("%1", str(first.entry_id))
            else:
                where = self.tr("chain position %1").replace("%1", str(first.position))
            text = self.tr("AUDIT TRAIL BROKEN at %1: %2.").replace("%1", where).replace("%2", problem_text(first.what))
            if len(result.problems) > 1:
                text += " " + self.tr("%1 further problems found.").replace("%1", str(len(result.problems) - 1))
            text += " " + self.tr("Report this to the quality manager; do not rely on the trail after this point.")
            self.banner.setStyleSheet(BROKEN_STYLE)
        self.banner.setText(text)
        self.banner.show()
        self.verified.emit(result)

    def _on_verify_failed(self, exc: BaseException) -> None:
        self._verify_finished()
        self.banner.setStyleSheet(BROKEN_STYLE)
        self.banner.setText(self.tr("The audit trail could not be verified: %1").replace(
            "%1", str(exc) if isinstance(exc, MedTraceError) else self.tr("see the log for details.")))
        self.banner.show()
