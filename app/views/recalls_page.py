"""The Recalls page: every recall and drill, its deadlines and progress; the case's consignee worklist.

DESIGN §1 job 2, §4 (Recall); 医疗器械召回管理办法 (2017) 第十九条 (notify within 1/3/7 days for
一级/二级/三级) and 第二十条 (the recall plan); 21 CFR 7.42(b)(3) (effectiveness checks) and 806.10
(report within 10 working days). The database computes and freezes the scope, holds stock and keeps the
deadlines (migration 0007); this page reads the cases off the GUI thread, works the consignee list with
the keyboard (N notified, A acknowledged, R returned) and refreshes from the "records changed" broadcast,
which LISTEN/NOTIFY feeds from other workstations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import UnitOfWork
from app.errors import MedTraceError
from app.services.identity import Account
from app.services.recalls import (
    EFFECTIVENESS_LEVELS,
    LEVELS,
    METHODS,
    RecallCase,
    RecallConsignee,
    RecallKpis,
    RecallOpened,
    RecallRow,
    ScopeChange,
    draw_effectiveness_checks,
    drill_kpi_trend,
    in_unit_of_work,
    list_recalls,
    load_recall,
    record_acknowledgement,
    record_effectiveness_check,
    record_notification,
    record_return,
    scope_change,
)
from app.views.charts import TrendChart
from app.views.context import ViewContext
from app.views.lot_table_model import while_alive
from app.views.page_frame import list_detail_page
from app.views.recall_dialogs import (
    RECALL_TABLES,
    SIGNING_GROUPS,
    CloseRecallDialog,
    RecallCeremonyDialog,
    ReturnDialog,
    StartRecallDialog,
)
from app.views.record_table import RowsTableModel, record_table
from app.views.style import problem_label
from app.views.work_calendar_dialog import WorkCalendarDialog

PAGE_TABLES = frozenset({*RECALL_TABLES, "recall_check", "recall_return", "party"})
# Who works the consignee list (mt_recall_worker, migration 0007): everyone but the auditor, who reads.
WORKER_GROUPS = frozenset({"regulatory", "qa_approver", "qa_reviewer", "warehouse"})
REFRESH_COALESCE_MS = 150
ROW_HEIGHT = 26
SPLIT = (36, 64)  # cases : the chosen case, in percent of the page width
OVERDUE = QColor("#b3261e")
DONE = QColor("#1b5e2f")
CASE_COLUMNS = ("id", "kind", "level", "state", "lot", "notified", "acknowledged", "returned", "notify_by",
                "opened", "product")
PROGRESS_COLUMNS = ("notified", "acknowledged", "returned")
CASE_WIDTHS = {"id": 40, "kind": 56, "level": 104, "state": 84, "lot": 80, "notified": 84, "acknowledged": 84,
               "returned": 84, "notify_by": 150, "opened": 118, "product": 160}
WORK_COLUMNS = ("party", "name", "tier", "contact", "phone", "notified", "acknowledged", "on_hand", "returned",
                "remaining")
WORK_WIDTHS = {"party": 76, "name": 132, "tier": 36, "contact": 70, "phone": 90, "notified": 146,
               "acknowledged": 112, "on_hand": 50, "returned": 62, "remaining": 70}
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1
# What the case view draws on the GUI thread (DESIGN §7: stalls ≤ 100 ms). A hub lot's case has ~150 k lots
# and ~167 k lines (measured: ~6 s to build them all as tree items) and a "before closing" text of ~5 MB
# (~7 s to lay out); the recall reports and `medtrace recall show` give every lot, line and item.
SCOPE_TREE_LOTS = 300  # measured: ~50 ms for a hub case (its lines are looked up, not all drawn)
OUTSTANDING_CHARS = 2000
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CasesSnapshot:
    rows: tuple[RecallRow, ...]
    now: dt.datetime


def read_cases(new_uow: Callable[[], UnitOfWork]) -> CasesSnapshot:
    """Off the GUI thread: the cases, open ones first."""
    return CasesSnapshot(tuple(list_recalls(new_uow())), dt.datetime.now(dt.UTC))


def read_trend(new_uow: Callable[[], UnitOfWork]) -> tuple[tuple[int, dt.datetime, RecallKpis], ...]:
    """Off the GUI thread, and only while the trend is shown: the KPIs of the latest drills (each drill's case
    is read whole, seconds for drills of a hub lot)."""
    return tuple(drill_kpi_trend(new_uow()))


def _local(at: dt.datetime | None) -> str:
    return "—" if at is None else f"{at.astimezone():%Y-%m-%d %H:%M}"


class ProgressDelegate(QStyledItemDelegate):
    """A cell filled to done/total: notified, acknowledged and returned at a glance. Painted with plain
    rectangles and text (the style sheet's style draws no progress bar inside an item view)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        value = index.data(PROGRESS_ROLE)
        super().paint(painter, option, index)
        if not value:
            return
        done, total = value
        fraction = 0.0 if total <= 0 else min(done / total, 1.0)
        rect = QRect(option.rect).adjusted(4, 5, -4, -5)  # type: ignore[attr-defined]
        painter.save()
        painter.setPen(QColor("#9fb3c8"))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        if fraction > 0:
            filled = QRect(rect.left() + 1, rect.top() + 1, max(int((rect.width() - 2) * fraction), 1),
                           rect.height() - 2)
            painter.fillRect(filled, QColor("#7fbf8f") if fraction >= 1.0 else QColor("#8fb3d9"))
        painter.setPen(QColor("#1f2933"))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), f"{done} / {total}")
        painter.restore()


class CasesModel(RowsTableModel[RecallRow]):
    """The cases, at most a few hundred (list_recalls keeps the latest 500)."""

    columns = CASE_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers = {
            "id": self.tr("No."), "kind": self.tr("Kind"), "level": self.tr("Level"), "state": self.tr("State"),
            "lot": self.tr("Lot"), "product": self.tr("Product"), "opened": self.tr("Opened"),
            "notify_by": self.tr("Notify all by"), "notified": self.tr("Notified"),
            "acknowledged": self.tr("Acknowledged"), "returned": self.tr("Returned"),
        }

    def row_of(self, recall_id: int) -> int | None:
        return self._first(lambda r: r.id == recall_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = CASE_COLUMNS[index.column()]
        if column in PROGRESS_COLUMNS and row.consignees and role == PROGRESS_ROLE:
            done, total = _progress(row, column)
            return done, total
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "notify_by" and row.overdue:
            return OVERDUE
        if role == Qt.ItemDataRole.ForegroundRole and column == "state" and row.state == "closed":
            return DONE
        return None

    def _text(self, row: RecallRow, column: str) -> str:
        if column == "id":
            return str(row.id)
        if column == "kind":
            return self.tr("Drill") if row.kind == "drill" else self.tr("Recall")
        if column == "level":
            cn, fda = LEVELS[row.level]
            return f"{cn} · {fda}"
        if column == "state":
            return state_words(row.state)
        if column == "lot":
            return row.trigger_lot
        if column == "product":
            return row.product
        if column == "opened":
            return _local(row.opened_at)
        if column == "notify_by":
            if row.state == "closed":
                return "—"
            text = _local(row.notify_deadline)
            return self.tr("%1 (overdue)").replace("%1", text) if row.overdue else text
        if not row.consignees:
            return self.tr("no consignee")
        return ""  # the delegate draws "done / total" on its bar


def _progress(row: RecallRow, column: str) -> tuple[int, int]:
    return {"notified": (row.notified, row.consignees), "acknowledged": (row.acknowledged, row.consignees),
            "returned": (row.units_returned, row.units_out)}[column]


def state_words(state: str) -> str:
    words = {"open": QApplication.translate("RecallsPage", "Open"),
             "notifying": QApplication.translate("RecallsPage", "Notifying"),
             "monitoring": QApplication.translate("RecallsPage", "Monitoring"),
             "closed": QApplication.translate("RecallsPage", "Closed")}
    return words.get(state, state)


def method_words(method: str) -> str:
    words = {"phone": QApplication.translate("RecallsPage", "Phone"),
             "email": QApplication.translate("RecallsPage", "E-mail"),
             "letter": QApplication.translate("RecallsPage", "Letter"),
             "fax": QApplication.translate("RecallsPage", "Fax"),
             "visit": QApplication.translate("RecallsPage", "Visit")}
    return words.get(method, method)


class WorklistModel(RowsTableModel[RecallConsignee]):
    """A case's consignees: contact, notification, acknowledgement and what is still out there."""

    columns = WORK_COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._overdue = False
        self._headers = {
            "party": self.tr("Code"), "name": self.tr("Consignee"), "tier": self.tr("Tier"),
            "contact": self.tr("Contact"), "phone": self.tr("Phone"), "notified": self.tr("Notified"),
            "acknowledged": self.tr("Acknowledged"), "on_hand": self.tr("Held"), "returned": self.tr("Returned"),
            "remaining": self.tr("Remaining"),
        }

    def set_case(self, case: RecallCase | None) -> None:
        self._overdue = bool(case and case.notify_overdue)
        self.set_rows(case.consignees if case else [])

    def row_of(self, party: str) -> int | None:
        return self._first(lambda c: c.party == party)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.row_at(index.row()) if index.isValid() else None
        if c is None:
            return None
        column = WORK_COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(c, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == "notified" and c.notified_at is None and self._overdue:
                return OVERDUE
            if column in ("contact", "phone") and not (c.contact.strip() or c.phone.strip()):
                return OVERDUE
            if column == "remaining" and c.remaining == 0 and c.acknowledged_at is not None:
                return DONE
        if role == Qt.ItemDataRole.TextAlignmentRole and column in ("tier", "on_hand", "returned", "remaining"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, c: RecallConsignee, column: str) -> str:
        if column == "notified":
            if c.notified_at is None:
                return self.tr("overdue — not notified") if self._overdue else self.tr("not yet")
            return f"{_local(c.notified_at)} · {method_words(c.method or '')}"
        if column == "acknowledged":
            return _local(c.acknowledged_at) if c.acknowledged_at else self.tr("not yet")
        if column in ("contact", "phone"):
            value = getattr(c, column).strip()
            return value or (self.tr("missing") if column == "contact" else "")
        value = {"party": c.party, "name": c.name, "tier": c.tier, "on_hand": c.on_hand,
                 "returned": c.returned_in_case, "remaining": c.remaining}[column]
        return str(value)


class CaseView(QWidget):
    """One case: deadlines, progress, the worklist, scope, effectiveness checks and KPIs."""

    loaded = Signal(object)  # RecallCase

    def __init__(self, ctx: ViewContext, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self.case: RecallCase | None = None
        self.recall_id: int | None = None
        self._loading = False
        self._stale = False
        self.can_work = bool(WORKER_GROUPS & set(account.groups))

        self.title = QLabel(self.tr("Choose a case on the left."))
        self.title.setObjectName("sectionHeading")
        self.title.setWordWrap(True)
        self.facts = QWidget()
        self.facts_form = QFormLayout(self.facts)
        self.facts_form.setContentsMargins(0, 0, 0, 0)
        self.facts_form.setVerticalSpacing(3)
        self.fact_labels: dict[str, QLabel] = {}
        self.bars: dict[str, QProgressBar] = {}
        bars = QFormLayout()
        for key, label in (("notified", self.tr("Notified")), ("acknowledged", self.tr("Acknowledged")),
                           ("returned", self.tr("Units returned"))):
            bar = QProgressBar()
            bar.setObjectName(f"progress_{key}")
            bar.setFormat("%v / %m")
            self.bars[key] = bar
            bars.addRow(label, bar)
        self.problem = problem_label()

        self.method = QComboBox()
        self.method.setObjectName("notifyMethod")
        for method in METHODS:
            self.method.addItem(method_words(method), method)
        self.notify_button = QPushButton(self.tr("Mark &notified"))
        self.notify_button.setObjectName("markNotified")
        self.ack_button = QPushButton(self.tr("Mark &acknowledged"))
        self.ack_button.setObjectName("markAcknowledged")
        self.return_button = QPushButton(self.tr("&Return…"))
        self.return_button.setObjectName("recordReturn")
        self.notify_button.setToolTip(self.tr("Record that the selected consignees were notified (N)"))
        self.ack_button.setToolTip(self.tr("Record that the selected consignees acknowledged (A)"))
        self.return_button.setToolTip(self.tr("Record units returned by the selected consignee (R)"))
        work_row = QHBoxLayout()
        work_row.addWidget(self.method)
        for button in (self.notify_button, self.ack_button, self.return_button):
            work_row.addWidget(button)
        work_row.addStretch(1)

        self.worklist = WorklistModel(self)
        self.worklist_table = record_table(self.worklist, row_height=ROW_HEIGHT,
                                           selection=QAbstractItemView.SelectionMode.ExtendedSelection)
        self.worklist_table.setObjectName("recallWorklist")
        header = self.worklist_table.horizontalHeader()
        for key, width in WORK_WIDTHS.items():
            header.resizeSection(WORK_COLUMNS.index(key), width)
        self.no_consignee = QLabel(self.tr(
            "No lot in scope was shipped from our sites: there is no consignee to notify. The drill report says "
            "so and lists what would be held at our sites."))
        self.no_consignee.setObjectName("pagePurpose")
        self.no_consignee.setWordWrap(True)
        self.no_consignee.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.worklist_stack = QStackedWidget()
        self.worklist_stack.addWidget(self.worklist_table)
        self.worklist_stack.addWidget(self.no_consignee)
        work_tab = QWidget()
        work_layout = QVBoxLayout(work_tab)
        work_layout.setContentsMargins(0, 6, 0, 0)
        work_layout.addLayout(work_row)
        work_layout.addWidget(self.worklist_stack, 1)

        self.scope_tree = QTreeWidget()
        self.scope_tree.setObjectName("recallScope")
        self.scope_tree.setHeaderLabels([self.tr("Lot / consignee"), self.tr("Tier"), self.tr("Made / shipped"),
                                         self.tr("On hand"), self.tr("Reconciled")])
        self.scope_tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.contained = QLabel()
        self.contained.setWordWrap(True)
        self.scope_check = QPushButton(self.tr("Compare with today's trace"))
        self.scope_check.setObjectName("compareScope")
        self.scope_result = QLabel()
        self.scope_result.setWordWrap(True)
        scope_tab = QWidget()
        scope_layout = QVBoxLayout(scope_tab)
        scope_layout.setContentsMargins(0, 6, 0, 0)
        scope_layout.addWidget(self.scope_tree, 1)
        scope_layout.addWidget(self.contained)
        scope_row = QHBoxLayout()
        scope_row.addWidget(self.scope_check)
        scope_row.addWidget(self.scope_result, 1)
        scope_layout.addLayout(scope_row)

        self.check_level = QComboBox()
        self.check_level.setObjectName("effectivenessLevel")
        for level in EFFECTIVENESS_LEVELS:
            self.check_level.addItem(effectiveness_words(level), level)
        self.draw_button = QPushButton(self.tr("Draw the sample"))
        self.draw_button.setObjectName("drawChecks")
        self.check_tree = QTreeWidget()
        self.check_tree.setObjectName("effectivenessChecks")
        self.check_tree.setHeaderLabels([self.tr("Rank"), self.tr("Consignee"), self.tr("Result"),
                                         self.tr("Checked by")])
        self.check_tree.setRootIsDecorated(False)
        self.check_buttons = {result: QPushButton(text) for result, text in (
            ("effective", self.tr("Effective")), ("ineffective", self.tr("Not effective")),
            ("no_response", self.tr("No response")))}
        draw_row = QHBoxLayout()
        draw_row.addWidget(QLabel(self.tr("Level (21 CFR 7.42(b)(3))")))
        draw_row.addWidget(self.check_level)
        draw_row.addWidget(self.draw_button)
        draw_row.addStretch(1)
        result_row = QHBoxLayout()
        result_row.addWidget(QLabel(self.tr("Record for the selected consignee:")))
        for result, button in self.check_buttons.items():
            button.setObjectName(f"check_{result}")
            button.clicked.connect(lambda _c=False, r=result: self.record_check(r))
            result_row.addWidget(button)
        result_row.addStretch(1)
        checks_tab = QWidget()
        checks_layout = QVBoxLayout(checks_tab)
        checks_layout.setContentsMargins(0, 6, 0, 0)
        checks_layout.addLayout(draw_row)
        checks_layout.addWidget(self.check_tree, 1)
        checks_layout.addLayout(result_row)

        self.kpi_text = QLabel()
        self.kpi_text.setObjectName("recallKpis")
        self.kpi_text.setWordWrap(True)
        self.kpi_text.setTextFormat(Qt.TextFormat.RichText)
        self.kpi_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.kpi_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("caseTabs")
        self.tabs.addTab(work_tab, self.tr("Consignees"))
        self.tabs.addTab(scope_tab, self.tr("Scope"))
        self.tabs.addTab(checks_tab, self.tr("Effectiveness checks"))
        self.tabs.addTab(self.kpi_text, self.tr("KPIs and data gaps"))

        self.report_buttons = {key: QPushButton(text) for key, text in (
            ("recall", self.tr("Report…")), ("recall-letters", self.tr("Notification letters…")),
            ("recall-consignees", self.tr("Consignee list (Excel)…")))}
        self.close_button = QPushButton(self.tr("Close the case…"))
        self.close_button.setObjectName("closeCase")
        report_row = QHBoxLayout()
        for key, button in self.report_buttons.items():
            button.setObjectName(f"report_{key}")
            report_row.addWidget(button)
        report_row.addStretch(1)
        report_row.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addLayout(bars)
        layout.addWidget(self.problem)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(report_row)

        self.notify_button.clicked.connect(self.mark_notified)
        self.ack_button.clicked.connect(self.mark_acknowledged)
        self.return_button.clicked.connect(self.open_return)
        self.draw_button.clicked.connect(self.draw_checks)
        self.scope_check.clicked.connect(self.compare_scope)
        self.worklist_table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.check_tree.itemSelectionChanged.connect(self._update_buttons)
        # Single keys on the list (not QShortcuts: a letter typed elsewhere, in a search or a dialog, stays text).
        self._keys = {Qt.Key.Key_N: self.mark_notified, Qt.Key.Key_A: self.mark_acknowledged,
                      Qt.Key.Key_R: self.open_return}
        self.worklist_table.installEventFilter(self)
        self.show_case(None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.worklist_table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.modifiers() == Qt.KeyboardModifier.NoModifier
                and event.key() in self._keys):
            self._keys[Qt.Key(event.key())]()
            return True
        return super().eventFilter(watched, event)

    # -- loading -------------------------------------------------------------------------------

    def show_case(self, recall_id: int | None) -> None:
        if recall_id != self.recall_id:
            self.case = None
            self.worklist.set_case(None)
            self.scope_result.clear()
        self.recall_id = recall_id
        self.reload()

    def reload(self) -> None:
        if self.recall_id is None:
            self._render(None)
            return
        if self._loading:
            self._stale = True
            return
        self._loading = True
        new_uow, recall_id = self._ctx.new_uow, self.recall_id
        self._ctx.runner.run(lambda _op: load_recall(new_uow(), recall_id),
                             on_done=while_alive(self, self._on_loaded), on_failed=while_alive(self, self._on_failed))

    def _on_loaded(self, case: RecallCase) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()
        if case.id != self.recall_id:
            return
        self.problem.hide()
        self._render(case)
        self.loaded.emit(case)

    def _on_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._show_problem(exc)

    def _show_problem(self, exc: BaseException) -> None:
        self.problem.setText(str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The recall could not be read or changed. Details are in the log."))
        self.problem.show()

    # -- showing -------------------------------------------------------------------------------

    def _render(self, case: RecallCase | None) -> None:
        selected = self.selected_parties()
        self.case = case
        self.worklist.set_case(case)
        if selected:
            self.select_parties(selected)
        for widget in (self.facts, self.tabs, *self.bars.values()):
            widget.setVisible(case is not None)
        if case is None:
            self.title.setText(self.tr("Choose a case on the left, or start a drill on a lot."))
            self._update_buttons()
            return
        kind = self.tr("Drill") if case.kind == "drill" else self.tr("Recall")
        self.title.setText(self.tr("%1 %2 — lot %3").replace("%1", kind).replace("%2", str(case.id)).replace(
            "%3", str(case.trigger.get("lot", ""))))
        self._fill_facts(case)
        consignees = len(case.consignees)
        self._set_bar("notified", case.notified, consignees)
        self._set_bar("acknowledged", case.acknowledged, consignees)
        self._set_bar("returned", case.units_returned, case.units_out)
        self.worklist_stack.setCurrentIndex(0 if consignees else 1)
        self._fill_scope(case)
        self._fill_checks(case)
        self.kpi_text.setText(self._kpi_html(case))
        self._update_buttons()

    def _set_bar(self, key: str, done: int, total: int) -> None:
        bar = self.bars[key]
        bar.setRange(0, max(total, 1))
        bar.setValue(min(done, max(total, 1)))
        bar.setFormat(f"{done} / {total}")

    def _fill_facts(self, case: RecallCase) -> None:
        cn, fda = LEVELS[case.level]
        today, open_case = case.now.date(), case.state != "closed"
        notify = _local(case.notify_deadline)
        if case.notify_overdue:
            notify = self.tr("%1 — overdue").replace("%1", notify)
        rows: list[tuple[str, str, str, bool]] = [
            ("state", self.tr("State"), state_words(case.state), False),
            ("level", self.tr("Level"), f"{cn} · {fda}", False),
            ("reason", self.tr("Reason"), case.reason, False),
            ("hazard", self.tr("Health hazard"), case.health_hazard or "—", False),
            ("opened", self.tr("Opened"), self.tr("%1 by %2").replace("%1", _local(case.opened_at)).replace(
                "%2", case.opened_by), False),
            ("notify", self.tr("Notify all consignees by"), notify, case.notify_overdue),
            ("plan", self.tr("Recall plan due (医疗器械召回管理办法)"), case.plan_deadline.isoformat(),
             open_case and today > case.plan_deadline),
            ("fda", self.tr("FDA report due (21 CFR 806.10)"), case.fda_report_deadline.isoformat(),
             open_case and today > case.fda_report_deadline),
        ]
        if case.closed_at:
            rows.append(("closed", self.tr("Closed"), self.tr("%1 by %2").replace(
                "%1", _local(case.closed_at)).replace("%2", case.closed_by or ""), False))
        while self.facts_form.rowCount():
            self.facts_form.removeRow(0)
        self.fact_labels = {}
        for key, caption, value, overdue in rows:
            label = QLabel(value)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if overdue:
                label.setStyleSheet("color: #b3261e; font-weight: 600;")
            label.setObjectName(f"fact_{key}")
            self.fact_labels[key] = label
            self.facts_form.addRow(caption, label)

    def _fill_scope(self, case: RecallCase) -> None:
        self.scope_tree.clear()
        by_lot: dict[int, QTreeWidgetItem] = {}
        for lot in case.lots[:SCOPE_TREE_LOTS]:
            relation = self.tr("suspect lot") if lot.relation == "start" else self.tr("made with it")
            item = QTreeWidgetItem([f"{lot.lot_no} · {lot.product} ({lot.di}) — {relation}", "", str(lot.made),
                                    str(lot.on_hand), "✓" if lot.reconciled else "✗"])
            item.setForeground(4, DONE if lot.reconciled else OVERDUE)
            item.setToolTip(4, self.tr("made %1 = on hand %2 + shipped %3 − returned %4 + consumed %5 + scrapped %6")
                            .replace("%1", str(lot.made)).replace("%2", str(lot.on_hand))
                            .replace("%3", str(lot.shipped)).replace("%4", str(lot.returned))
                            .replace("%5", str(lot.consumed)).replace("%6", str(lot.scrapped)))
            by_lot[lot.lot_id] = item
        self.scope_tree.addTopLevelItems(list(by_lot.values()))
        for line in case.lines:
            parent = by_lot.get(line.lot_id)
            if parent is not None:
                parent.addChild(QTreeWidgetItem([f"{line.party} · {line.name}", str(line.tier), str(line.shipped),
                                                 str(line.on_hand), ""]))
        if len(case.lots) > SCOPE_TREE_LOTS:
            more = QTreeWidgetItem([self.tr("%1 more lots in scope are not listed here; the recall reports list "
                                            "every lot.").replace("%1", str(len(case.lots) - SCOPE_TREE_LOTS))])
            self.scope_tree.addTopLevelItem(more)
            more.setFirstColumnSpanned(True)  # only once the item is in the tree
        if len(case.lines) <= 200:
            self.scope_tree.expandAll()
        held = sum(c.quantity for c in case.contained)
        places = ", ".join(f"{c.lot_no} @ {c.site}: {c.quantity}" for c in case.contained[:12])
        if case.kind == "drill":
            text = self.tr("Would be held at our sites (drill: nothing was held): %1 units — %2")
        else:
            text = self.tr("Held at our sites since opening: %1 units — %2")
        self.contained.setText(text.replace("%1", str(held)).replace("%2", places or "—"))

    def _fill_checks(self, case: RecallCase) -> None:
        self.check_tree.clear()
        words = {"effective": self.tr("Effective"), "ineffective": self.tr("Not effective"),
                 "no_response": self.tr("No response")}
        for check in case.checks:
            item = QTreeWidgetItem([str(check.rank), f"{check.party} · {check.name}",
                                    words.get(check.result or "", self.tr("to check")),
                                    f"{check.checked_by or ''} {_local(check.checked_at) if check.checked_at else ''}"])
            item.setData(0, Qt.ItemDataRole.UserRole, check.party)
            self.check_tree.addTopLevelItem(item)
        index = self.check_level.findData(case.effectiveness_level)
        if index >= 0 and not case.checks:
            self.check_level.setCurrentIndex(index)

    def _kpi_html(self, case: RecallCase) -> str:
        k = case.kpis
        rows = [(self.tr("Time to identify the scope"), _duration(k.time_to_identify_s)),
                (self.tr("Time to contain"), _duration(k.time_to_contain_s)),
                (self.tr("Time to notify all consignees"), _duration(k.time_to_notify_all_s)),
                (self.tr("Quantity reconciled"), _percent(k.quantity_reconciled_pct)),
                (self.tr("Consignees acknowledged"), _percent(k.consignees_acknowledged_pct))]
        cells = "".join(f"<tr><td style='padding-right:16px'>{a}</td><td><b>{b}</b></td></tr>" for a, b in rows)
        gaps = "".join(f"<li>{_escape(g)}</li>" for g in k.shown_gaps())
        # tr() calls outside the f-strings: lupdate does not see a call inside one.
        found, none_found, before = self.tr("Data gaps found"), self.tr("No data gap found."), self.tr("Before closing")
        gap_text = f"<p><b>{found}</b></p><ul>{gaps}</ul>" if gaps else f"<p>{none_found}</p>"
        outstanding = ""
        shown = case.shown_outstanding()
        if shown and case.state != "closed":
            text = shown if len(shown) <= OUTSTANDING_CHARS else shown[:OUTSTANDING_CHARS] + "…"
            outstanding = f"<p><b>{before}</b>: {_escape(text)}</p>"
        return f"<table>{cells}</table>{gap_text}{outstanding}"

    # -- working the list ----------------------------------------------------------------------

    def selected_parties(self) -> list[str]:
        return [c.party for c in self._chosen()]

    def select_parties(self, parties: Sequence[str]) -> None:
        selection = self.worklist_table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = True
        for party in parties:
            row = self.worklist.row_of(party)
            if row is None:
                continue
            index = self.worklist.index(row, 0)
            if first:
                selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                first = False
            selection.select(index, flags)

    def _open_case(self) -> bool:
        return self.case is not None and self.case.state != "closed"

    def _update_buttons(self) -> None:
        chosen = self._chosen()
        working = self.can_work and self._open_case()
        self.notify_button.setEnabled(working and any(c.notified_at is None for c in chosen))
        self.ack_button.setEnabled(working and any(c.acknowledged_at is None for c in chosen))
        self.return_button.setEnabled(working and len(chosen) == 1 and chosen[0].remaining > 0)
        self.method.setEnabled(working)
        self.draw_button.setEnabled(working and bool(self.case and self.case.consignees) and not self.case.checks)
        has_check = bool(self.check_tree.selectedItems())
        for button in self.check_buttons.values():
            button.setEnabled(working and has_check)
        self.close_button.setEnabled(self._open_case() and bool(SIGNING_GROUPS & set(self._account.groups)))
        self.close_button.setToolTip(self.tr("Regulatory and QA approvers close a case with their signature.")
                                     if not SIGNING_GROUPS & set(self._account.groups) else "")
        for button in self.report_buttons.values():
            button.setEnabled(self.case is not None)
        self.scope_check.setEnabled(self.case is not None)

    def _act(self, work: Callable[[UnitOfWork], object], changes: Sequence[str]) -> None:
        def done(_result: object) -> None:
            self.reload()

        new_uow = self._ctx.new_uow
        self._ctx.runner.run(lambda _op: work(new_uow()), on_done=while_alive(self, done),
                             on_failed=while_alive(self, self._on_action_failed), changes=changes)

    def _on_action_failed(self, exc: BaseException) -> None:
        self._show_problem(exc)
        self.reload()

    def mark_notified(self) -> None:
        if not self.notify_button.isEnabled() or self.case is None:
            return
        recall_id, method = self.case.id, str(self.method.currentData())
        parties = [c.party for c in self._chosen() if c.notified_at is None]

        def work(uow: UnitOfWork) -> None:
            for party in parties:
                in_unit_of_work(uow, record_notification, recall_id, party=party, method=method)

        self._act(work, ("recall_consignee", "recall_case"))

    def mark_acknowledged(self) -> None:
        if not self.ack_button.isEnabled() or self.case is None:
            return
        recall_id = self.case.id
        parties = [c.party for c in self._chosen() if c.acknowledged_at is None]

        def work(uow: UnitOfWork) -> None:
            for party in parties:
                in_unit_of_work(uow, record_acknowledgement, recall_id, party=party)

        self._act(work, ("recall_consignee", "recall_case"))

    def return_lots(self, consignee: RecallConsignee) -> list[tuple[str, int]]:
        case = self.case
        if case is None:
            return []
        return [(line.lot_no, line.remaining) for line in case.lines
                if line.party == consignee.party and line.remaining > 0]

    def open_return(self) -> ReturnDialog | None:
        chosen = self._chosen()
        if not self.return_button.isEnabled() or self.case is None or len(chosen) != 1:
            return None
        dialog = ReturnDialog(chosen[0], self.return_lots(chosen[0]), self)
        dialog.accepted.connect(lambda: self.record_return(chosen[0].party, *dialog.chosen()))
        dialog.open()
        return dialog

    def record_return(self, party: str, lot_no: str, quantity: int) -> None:
        if self.case is None:
            return
        recall_id = self.case.id
        self._act(lambda uow: in_unit_of_work(uow, record_return, recall_id, party=party, lot_no=lot_no,
                                              quantity=quantity),
                  ("recall_line", "recall_return", "movement", "recall_case"))

    def draw_checks(self) -> None:
        if self.case is None:
            return
        recall_id, level = self.case.id, str(self.check_level.currentData())
        self._act(lambda uow: in_unit_of_work(uow, draw_effectiveness_checks, recall_id, level=level),
                  ("recall_check", "recall_case"))

    def record_check(self, result: str) -> None:
        items = self.check_tree.selectedItems()
        if self.case is None or not items:
            return
        recall_id, party = self.case.id, str(items[0].data(0, Qt.ItemDataRole.UserRole))
        self._act(lambda uow: in_unit_of_work(uow, record_effectiveness_check, recall_id, party=party,
                                              result=result),
                  ("recall_check",))

    def compare_scope(self) -> None:
        if self.case is None:
            return
        recall_id, new_uow = self.case.id, self._ctx.new_uow
        self.scope_result.setText(self.tr("Tracing…"))
        self._ctx.runner.run(lambda _op: scope_change(new_uow(), recall_id),
                             on_done=while_alive(self, self._on_scope_change),
                             on_failed=while_alive(self, self._show_problem))

    def _on_scope_change(self, change: ScopeChange) -> None:
        if not change.added and not change.removed:
            self.scope_result.setStyleSheet("")
            self.scope_result.setText(self.tr("The scope is unchanged since opening."))
            return
        parties = len({p for p, _d, _l in change.added})
        self.scope_result.setText(self.tr("%1 consignees added since opening (%2 lines); %3 lines no longer found.")
                                  .replace("%1", str(parties)).replace("%2", str(len(change.added)))
                                  .replace("%3", str(len(change.removed))))
        self.scope_result.setStyleSheet("color: #b3261e; font-weight: 600;")

    def _chosen(self) -> list[RecallConsignee]:
        rows = sorted(i.row() for i in self.worklist_table.selectionModel().selectedRows())
        return [c for c in (self.worklist.row_at(r) for r in rows) if c is not None]


def effectiveness_words(level: str) -> str:
    words = {"A": QApplication.translate("RecallsPage", "A — every consignee (100 %)"),
             "B": QApplication.translate("RecallsPage", "B — half of the consignees (50 %)"),
             "C": QApplication.translate("RecallsPage", "C — one in ten (10 %)"),
             "D": QApplication.translate("RecallsPage", "D — one in fifty (2 %)"),
             "E": QApplication.translate("RecallsPage", "E — no checks")}
    return words[level]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return QApplication.translate("RecallsPage", "%1 s").replace("%1", f"{seconds:.1f}")
    if seconds < 2 * 3600:
        return QApplication.translate("RecallsPage", "%1 min").replace("%1", f"{seconds / 60:.0f}")
    return QApplication.translate("RecallsPage", "%1 h").replace("%1", f"{seconds / 3600:.1f}")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"


class RecallsPage(QWidget):
    """Cases on the left (and the drill trend); the chosen case on the right; start a drill or a recall."""

    refreshed = Signal()
    trend_loaded = Signal()
    report_requested = Signal(str, object)  # report key, parameters: the main window opens the Reports page

    def __init__(self, ctx: ViewContext, account: Account, base_args: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._base_args = base_args
        self._loading = False
        self._stale = False
        self._needs_refresh = False
        self.dialog: RecallCeremonyDialog | None = None
        self.snapshot: CasesSnapshot | None = None

        heading = QLabel(self.tr("Recalls and drills"))
        heading.setObjectName("pageHeading")
        self.as_of = QLabel(self.tr("Loading…"))
        self.as_of.setObjectName("pageArrives")
        self.problem = problem_label()
        self.drill_button = QPushButton(self.tr("Start &drill…"))
        self.drill_button.setObjectName("startDrill")
        self.drill_button.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.recall_button = QPushButton(self.tr("Start &recall…"))
        self.recall_button.setObjectName("startRecall")
        may_open = bool(SIGNING_GROUPS & set(account.groups))
        for button in (self.drill_button, self.recall_button):
            button.setEnabled(may_open)
            if not may_open:
                button.setToolTip(self.tr("Regulatory and QA approvers start drills and recalls."))

        self.calendar_button = QPushButton(self.tr("Working &calendar…"))
        self.calendar_button.setObjectName("workCalendarButton")
        self.calendar_button.setToolTip(self.tr("The holidays and make-up working days recall deadlines count by"))
        self.calendar_dialog: WorkCalendarDialog | None = None

        self.model = CasesModel(self)
        self.table = record_table(self.model, row_height=ROW_HEIGHT)
        self.table.setObjectName("recallCases")
        self.progress_delegate = ProgressDelegate(self.table)
        for column in PROGRESS_COLUMNS:
            self.table.setItemDelegateForColumn(CASE_COLUMNS.index(column), self.progress_delegate)
        header = self.table.horizontalHeader()
        for key, width in CASE_WIDTHS.items():
            header.resizeSection(CASE_COLUMNS.index(key), width)
        header.setStretchLastSection(True)
        self.empty = QLabel(self.tr(
            "No recall or drill yet. Start a drill on a released, shipped lot to see how fast every consignee "
            "is found and reached: a drill freezes the same scope as a recall but changes no lot and holds "
            "no stock."))
        self.empty.setObjectName("pagePurpose")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        self.trend = TrendChart()
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.list_stack, self.tr("Cases"))
        self.left_tabs.addTab(self.trend, self.tr("Drill trend"))

        self.detail = CaseView(ctx, account)
        for key, button in self.detail.report_buttons.items():
            button.clicked.connect(lambda _c=False, k=key: self.request_report(k))
        self.detail.close_button.clicked.connect(self.open_close)
        list_detail_page(self, heading, title_extras=(self.drill_button, self.recall_button, self.calendar_button),
                         title_note=self.as_of, rows=(self.problem,),
                         master=self.left_tabs, detail=self.detail, split=SPLIT)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_COALESCE_MS)
        self._refresh_timer.timeout.connect(self.reload)
        self.drill_button.clicked.connect(lambda: self.open_start(drill=True))
        self.recall_button.clicked.connect(lambda: self.open_start(drill=False))
        self.calendar_button.clicked.connect(self.open_work_calendar)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.left_tabs.currentChanged.connect(lambda _i: self.reload_trend()
                                              if self.left_tabs.currentWidget() is self.trend else None)
        ctx.broadcast.records_changed.connect(self._on_records_changed)
        self._trend_loading = False
        self.reload()

    # -- public --------------------------------------------------------------------------------

    def rows(self) -> list[RecallRow]:
        return list(self.snapshot.rows) if self.snapshot else []

    def select_case(self, recall_id: int) -> None:
        row = self.model.row_of(recall_id)
        if row is None:
            self.detail.show_case(recall_id)  # e.g. just opened, before the list has read it
            return
        self.table.selectRow(row)

    def open_work_calendar(self) -> WorkCalendarDialog:
        """The holidays and make-up working days (everyone reads; administrators and regulatory mark)."""
        self.calendar_dialog = WorkCalendarDialog(self._ctx, tuple(self._account.groups), self)
        self.calendar_dialog.open()
        return self.calendar_dialog

    def open_start(self, *, drill: bool, lot_no: str = "", di: str = "") -> StartRecallDialog | None:
        if not SIGNING_GROUPS & set(self._account.groups):
            return None
        dialog = StartRecallDialog(self._ctx, self._account, self._base_args, drill=drill, lot_no=lot_no, di=di,
                                   parent=self)
        dialog.signed.connect(self._on_signed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_close(self) -> CloseRecallDialog | None:
        case = self.detail.case
        if case is None or not self.detail.close_button.isEnabled():
            return None
        dialog = CloseRecallDialog(self._ctx, self._account, self._base_args, case, self)
        dialog.signed.connect(self._on_signed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def request_report(self, key: str) -> None:
        case = self.detail.case
        if case is not None:
            self.report_requested.emit(key, {"recall": case.id})

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        self._needs_refresh = False
        if self._loading:
            self._stale = True
            return
        self._loading = True
        new_uow = self._ctx.new_uow
        self._ctx.runner.run(lambda _op: read_cases(new_uow), on_done=while_alive(self, self._on_loaded),
                             on_failed=while_alive(self, self._on_failed))
        self.detail.reload()

    def _on_loaded(self, snapshot: CasesSnapshot) -> None:
        chosen = self.detail.recall_id
        self.snapshot = snapshot
        self.problem.hide()
        self.model.set_rows(snapshot.rows)
        self.list_stack.setCurrentIndex(0 if snapshot.rows else 1)
        if self.left_tabs.currentWidget() is self.trend:
            self.reload_trend()
        if chosen is not None and (row := self.model.row_of(chosen)) is not None:
            self.table.selectionModel().blockSignals(True)
            self.table.selectRow(row)
            self.table.selectionModel().blockSignals(False)
        self.as_of.setText(self.tr("Updated %1").replace("%1", f"{snapshot.now.astimezone():%H:%M:%S}"))
        self._finish()
        self.refreshed.emit()

    def reload_trend(self) -> None:
        if self._trend_loading:
            return
        self._trend_loading = True
        new_uow = self._ctx.new_uow

        def shown(trend: tuple[tuple[int, dt.datetime, RecallKpis], ...]) -> None:
            self._trend_loading = False
            self.trend.set_trend(trend)
            self.trend_loaded.emit()

        def failed(exc: BaseException) -> None:
            self._trend_loading = False
            self._on_failed(exc)

        self._ctx.runner.run(lambda _op: read_trend(new_uow), on_done=while_alive(self, shown),
                             on_failed=while_alive(self, failed))

    def _on_failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The recalls could not be read. Details are in the log."))
        self.problem.show()
        self._finish()

    def _finish(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is not None and not (tables & PAGE_TABLES):
            return
        if not self.isVisible():
            self._needs_refresh = True
            return
        self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_refresh:
            self._refresh_timer.start()

    def _on_selection_changed(self, *_args: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        if row is not None:
            self.detail.show_case(row.id)

    def _on_signed(self, case: RecallCase | RecallOpened) -> None:
        self.detail.show_case(case.id)
        self.reload()
