"""The Release queue: lots awaiting review and approval, their checklists, and the two-person signing.

DESIGN §1 job 1; 21 CFR 11.50/11.200, EU GMP Annex 11 §14. The queue lists lots in quarantine
("Awaiting review"), under review ("Awaiting approval") and on hold; the pane beside it shows the
chosen lot's computed checklist and signatures. The buttons mirror the rules that mt_sign_lot enforces
in the database (who may sign which meaning, from which status) so a person is not offered what would
be refused — the database decides regardless. The page refreshes from the single "records changed"
broadcast (DESIGN §5), which LISTEN/NOTIFY also feeds: another workstation's signature shows up here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import UnitOfWork
from app.errors import MedTraceError
from app.models.enums import LotStatus
from app.services.identity import Account
from app.services.lot_release import CeremonyResult, release_queue
from app.views.context import ViewContext
from app.views.lot_table_model import while_alive
from app.views.page_frame import list_detail_page
from app.views.record_table import RowsTableModel, record_table
from app.views.release_detail import ReleaseDetail
from app.views.signature_dialog import SignatureDialog

# Changes to these tables change what the queue shows (status, signatures, the computed checklist).
QUEUE_TABLES = frozenset({"lot", "lot_signature", "label_verification", "audit_review", "qc_result", "deviation",
                          "product"})
REFRESH_COALESCE_MS = 150
ROW_HEIGHT = 26
SPLIT = (64, 36)  # the list gets the room; the checklist pane beside it wraps its lines
SECTIONS = ("review", "approval", "hold")
SECTION_STATUS = {"review": LotStatus.QUARANTINE, "approval": LotStatus.UNDER_REVIEW, "hold": LotStatus.ON_HOLD}
COLUMNS = ("checklist", "lot_no", "product", "di", "expiry", "waiting", "created_by", "reviewed_by")
COLUMN_WIDTHS = {"lot_no": 104, "di": 124, "expiry": 92, "waiting": 64, "created_by": 92, "reviewed_by": 110}
OK_COLOUR = QColor("#1b5e2f")
FAIL_COLOUR = QColor("#b3261e")
TODO_COLOUR = QColor("#1a5fb4")

# Who may sign each meaning, from which statuses: the rules of mt_sign_lot (migration 0004), mirrored.
SIGNING_RULES: dict[str, tuple[frozenset[str], frozenset[LotStatus]]] = {
    "reviewed": (frozenset({"qa_reviewer"}), frozenset({LotStatus.QUARANTINE})),
    "approved": (frozenset({"qa_approver"}), frozenset({LotStatus.UNDER_REVIEW})),
    "rejected": (frozenset({"qa_reviewer", "qa_approver"}),
                 frozenset({LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW, LotStatus.ON_HOLD})),
    "on_hold": (frozenset({"qa_approver"}),
                frozenset({LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW, LotStatus.RELEASED})),
    "hold_lifted": (frozenset({"qa_approver"}), frozenset({LotStatus.ON_HOLD})),
}
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class QueueLine:
    """One lot in the queue (on-hold lots come from the lot list and carry less)."""

    lot_id: int
    lot_no: str
    product: str
    di: str
    status: LotStatus
    expiry_date: dt.date
    waiting_since: dt.datetime | None = None
    created_by: str | None = None
    reviewed_by: str | None = None
    checklist_complete: bool | None = None
    blocked_by: tuple[str, ...] = ()  # open checklist items that are not the reviewer's to clear
    reviewer_steps: tuple[str, ...] = ()  # open items that are: scan the label, review the audit trail

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by)


@dataclass(frozen=True)
class QueueSnapshot:
    lines: tuple[QueueLine, ...]
    as_of: dt.datetime


def read_queue(new_uow: Callable[[], UnitOfWork]) -> QueueSnapshot:
    """Off the GUI thread: lots awaiting review and approval, and lots on hold."""
    with new_uow() as uow:
        queued = release_queue(uow)
    lines = [QueueLine(r.lot_id, r.lot_no, r.product_name, r.product_di, LotStatus(r.status), r.expiry_date,
                       r.waiting_since, r.created_by, r.reviewed_by, r.checklist_complete, r.blocked_by,
                       r.reviewer_steps) for r in queued]
    lines.sort(key=lambda line: line.blocked)  # ready lots first, each group oldest first (a stable sort)
    return QueueSnapshot(tuple(lines), dt.datetime.now(dt.UTC))


class ReleaseQueueModel(RowsTableModel[QueueLine]):
    """The lots of one section; at most a few thousand, held in memory."""

    columns = COLUMNS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._now = dt.datetime.now(dt.UTC)
        self._headers = {
            "checklist": self.tr("Checklist"), "lot_no": self.tr("Lot no."), "product": self.tr("Product"),
            "di": self.tr("DI"), "expiry": self.tr("Expiry date"), "waiting": self.tr("Waiting"),
            "created_by": self.tr("Created by"), "reviewed_by": self.tr("Reviewed by"),
        }

    def set_lines(self, lines: Sequence[QueueLine], now: dt.datetime) -> None:
        self._now = now
        self.set_rows(lines)

    def line_at(self, row: int) -> QueueLine | None:
        return self.row_at(row)

    def row_of(self, lot_id: int) -> int | None:
        return self._first(lambda line: line.lot_id == lot_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.line_at(index.row()) if index.isValid() else None
        if line is None:
            return None
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(line, column, tooltip=role == Qt.ItemDataRole.ToolTipRole)
        if role == Qt.ItemDataRole.ForegroundRole and column == "checklist" and line.checklist_complete is not None:
            return OK_COLOUR if line.checklist_complete else (FAIL_COLOUR if line.blocked else TODO_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "waiting":
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, line: QueueLine, column: str, *, tooltip: bool) -> str:
        if column == "checklist":
            return self._checklist(line, tooltip=tooltip)
        if column == "lot_no":
            return line.lot_no
        if column == "product":
            return f"{line.product} · DI {line.di}" if tooltip else line.product
        if column == "di":
            return line.di
        if column == "expiry":
            return line.expiry_date.isoformat()
        if column == "waiting":
            return self._waiting(line, tooltip=tooltip)
        if column == "created_by":
            return line.created_by or "—"
        return line.reviewed_by or "—"

    def _checklist(self, line: QueueLine, *, tooltip: bool) -> str:
        """✓ complete; ◐ only the reviewer's own steps are left; ✗ blocked by QC or a deviation (and why)."""
        if line.checklist_complete is None:
            return ""
        if line.checklist_complete:
            return self.tr("Release checklist complete") if tooltip else self.tr("✓ Complete")
        if line.blocked:
            why = ", ".join(self._item(i) for i in line.blocked_by)
            if tooltip:
                return self.tr("Blocked: %1. The reviewer cannot clear this; it needs QC results within "
                               "specification and every deviation closed.").replace("%1", why)
            return self.tr("✗ Blocked: %1").replace("%1", why)
        if tooltip:
            steps = ", ".join(self._item(i) for i in line.reviewer_steps)
            return self.tr("Ready for your review: %1").replace("%1", steps)
        short = {"label_verified": self.tr("label"), "audit_trail_reviewed": self.tr("audit trail")}
        return self.tr("◐ Ready for review: %1").replace("%1", ", ".join(short.get(i, i) for i in line.reviewer_steps))

    def _item(self, key: str) -> str:
        return {"qc_results": self.tr("QC"), "deviations": self.tr("open deviation"),
                "label_verified": self.tr("scan label"), "audit_trail_reviewed": self.tr("review audit trail"),
                }.get(key, key)

    def _waiting(self, line: QueueLine, *, tooltip: bool) -> str:
        if line.waiting_since is None:
            return "—"
        if tooltip:
            return self.tr("Waiting since %1").replace("%1", f"{line.waiting_since.astimezone():%Y-%m-%d %H:%M %Z}")
        days = max((self._now - line.waiting_since).days, 0)
        if days == 0:
            return self.tr("today")
        return self.tr("1 day") if days == 1 else self.tr("%1 days").replace("%1", str(days))


class ReleaseQueuePage(QWidget):
    """Sections of the queue, the lots, the signing buttons; the chosen lot's checklist and signatures."""

    refreshed = Signal()  # the queue on screen is fresh from the database
    signing_finished = Signal(object)  # CeremonyResult of a ceremony started here

    def __init__(self, ctx: ViewContext, account: Account, base_args: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._base_args = base_args
        self._lines: tuple[QueueLine, ...] = ()
        self._loading = False
        self._stale = False
        self._needs_refresh = False
        self._syncing = False
        self.signature_dialog: SignatureDialog | None = None

        heading = QLabel(self.tr("Release queue"))
        heading.setObjectName("pageHeading")
        self.as_of = QLabel(self.tr("Loading…"))
        self.as_of.setObjectName("pageArrives")
        self.signer_note = QLabel(self._signer_text())
        self.signer_note.setObjectName("fieldNote")
        self.signer_note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.sections = QTabBar()
        self.sections.setObjectName("releaseSections")
        self.sections.setExpanding(False)
        self.sections.setDrawBase(False)
        for _ in SECTIONS:
            self.sections.addTab("")
        self._set_section_titles({})

        self.model = ReleaseQueueModel(self)
        self.table = record_table(self.model, row_height=ROW_HEIGHT,
                                  selection=QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setObjectName("releaseQueueTable")
        horizontal = self.table.horizontalHeader()
        for key, width in COLUMN_WIDTHS.items():
            horizontal.resizeSection(COLUMNS.index(key), width)
        horizontal.setSectionResizeMode(COLUMNS.index("product"), QHeaderView.ResizeMode.Stretch)
        horizontal.setMinimumSectionSize(60)
        self.table.setColumnHidden(COLUMNS.index("di"), True)  # in the checklist pane and the product's tooltip

        self.empty_message = QLabel()
        self.empty_message.setObjectName("pagePurpose")
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_message)
        empty_layout.addStretch(2)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(empty)

        self.buttons: dict[str, QPushButton] = {
            "reviewed": QPushButton(self.tr("Sign review…")),
            "approved": QPushButton(self.tr("Approve release…")),
            "rejected": QPushButton(self.tr("Reject…")),
            "on_hold": QPushButton(self.tr("Place on hold…")),
            "hold_lifted": QPushButton(self.tr("Lift hold…")),
        }
        self._rule_text = {
            "reviewed": self.tr("QA reviewers sign the review of lots awaiting review."),
            "approved": self.tr("QA approvers approve the release of lots awaiting approval; not the reviewer."),
            "rejected": self.tr("QA reviewers and approvers reject lots awaiting review or approval, or on hold."),
            "on_hold": self.tr("QA approvers place lots on hold (awaiting review or approval, or released)."),
            "hold_lifted": self.tr("QA approvers lift the hold of lots on hold; the lot goes back to review."),
        }
        for meaning, button in self.buttons.items():
            button.setObjectName(f"sign_{meaning}")
            button.clicked.connect(lambda _checked=False, m=meaning: self.open_signing(m))
        self.buttons["approved"].setDefault(False)
        self.selection_note = QLabel()
        self.selection_note.setObjectName("fieldNote")
        actions = QHBoxLayout()
        actions.setSpacing(8)
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.selection_note)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(8)
        left_layout.addWidget(self.sections)
        left_layout.addWidget(self.list_stack, 1)
        left_layout.addLayout(actions)

        self.detail = ReleaseDetail(ctx, account)
        list_detail_page(self, heading, title_note=self.as_of, rows=(self.signer_note, self.problem),
                         master=left, detail=self.detail, split=SPLIT)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_COALESCE_MS)
        self._refresh_timer.timeout.connect(self.reload)
        self.sections.currentChanged.connect(self._on_section_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.detail.loaded.connect(lambda _record: self._update_buttons())
        ctx.broadcast.records_changed.connect(self._on_records_changed)
        self._show_section()
        self.reload()

    # -- public --------------------------------------------------------------------------------

    @property
    def section(self) -> str:
        return SECTIONS[self.sections.currentIndex()]

    def set_section(self, section: str) -> None:
        self.sections.setCurrentIndex(SECTIONS.index(section))

    def apply_filter(self, *, section: str) -> None:
        """Show one section (the Dashboard's queue tile opens the page so)."""
        self.set_section(section)

    def lines(self, section: str | None = None) -> list[QueueLine]:
        """The lots of a section (the current one by default), as shown."""
        status = SECTION_STATUS[section or self.section]
        return [line for line in self._lines if line.status == status]

    def select_lots(self, lot_ids: Iterable[int]) -> None:
        """Select these lots (switching to the section of the first one); keyboard users and tests."""
        wanted = list(lot_ids)
        line = next((x for x in self._lines if x.lot_id in wanted), None)
        if line is None:
            return
        section = next(s for s, status in SECTION_STATUS.items() if status == line.status)
        if section != self.section:
            self.set_section(section)
        selection = QItemSelection()
        for lot_id in wanted:
            row = self.model.row_of(lot_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, len(COLUMNS) - 1))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        first = self.model.row_of(line.lot_id)
        if first is not None:
            self.table.selectionModel().setCurrentIndex(self.model.index(first, 0),
                                                        QItemSelectionModel.SelectionFlag.NoUpdate)
        self.table.selectionModel().select(selection, flags)

    def targets(self) -> list[tuple[int, str, str, LotStatus]]:
        """The lots the buttons act on: the selected rows, or else the lot the pane shows (for instance one
        just released, which has left the queue)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        lines = [line for line in (self.model.line_at(r) for r in rows) if line is not None]
        if lines:
            return [(x.lot_id, x.lot_no, x.product, x.status) for x in lines]
        record = self.detail.record
        if record is not None and record.header.id == self.detail.lot_id:
            head = record.header
            return [(head.id, head.lot_no, head.product_name, head.status)]
        return []

    def open_signing(self, meaning: str) -> SignatureDialog | None:
        """The signing ceremony for the target lots, with this meaning (window-modal, not blocking)."""
        lots = self.targets()
        if not lots or not self._allowed(meaning, lots):
            return None
        dialog = SignatureDialog(self._ctx, self._account, self._base_args,
                                 [(lot_id, lot_no, product) for lot_id, lot_no, product, _status in lots],
                                 meaning, self)
        dialog.signed.connect(self._on_signed)
        self.signature_dialog = dialog
        dialog.open()
        return dialog

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the queue off the GUI thread; a change arriving meanwhile triggers one more read."""
        self._needs_refresh = False
        if self._loading:
            self._stale = True
            return
        self._loading = True
        new_uow = self._ctx.new_uow
        self._ctx.runner.run(lambda _op: read_queue(new_uow),
                             on_done=while_alive(self, self._on_loaded),
                             on_failed=while_alive(self, self._on_failed))
        self.detail.reload()

    def _on_loaded(self, snapshot: QueueSnapshot) -> None:
        self._lines = snapshot.lines
        self.problem.hide()
        counts = {section: len(self.lines(section)) for section in SECTIONS}
        self._set_section_titles(counts)
        local = snapshot.as_of.astimezone()
        self.as_of.setText(self.tr("Updated %1").replace("%1", f"{local:%H:%M:%S}"))
        self._show_section(now=snapshot.as_of)
        self._finish_loading()
        self.refreshed.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The release queue could not be read. Details are in the log."))
        self.problem.show()
        self._finish_loading()

    def _finish_loading(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is not None and not (tables & QUEUE_TABLES):
            return
        if not self.isVisible():
            self._needs_refresh = True  # read again when shown
            return
        self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_refresh:
            self._refresh_timer.start()

    # -- showing -------------------------------------------------------------------------------

    def _set_section_titles(self, counts: dict[str, int]) -> None:
        titles = {"review": self.tr("Awaiting review (%1)"), "approval": self.tr("Awaiting approval (%1)"),
                  "hold": self.tr("On hold (%1)")}
        for index, section in enumerate(SECTIONS):
            count = counts.get(section)
            self.sections.setTabText(index, titles[section].replace("%1", "…" if count is None else str(count)))

    def _show_section(self, now: dt.datetime | None = None) -> None:
        """Fill the table with the current section, keeping the selected lots selected where they still are."""
        selected = [lot_id for lot_id, *_rest in self.targets()] if self.table.selectionModel().hasSelection() else []
        self._syncing = True
        try:
            self.model.set_lines(self.lines(), now or dt.datetime.now(dt.UTC))
            # Nobody has reviewed a lot awaiting review: the column would be dashes, and its room is the product's.
            self.table.setColumnHidden(COLUMNS.index("reviewed_by"), self.section == "review")
            self.table.resizeColumnToContents(COLUMNS.index("checklist"))
            if selected:
                self.select_lots([i for i in selected if self.model.row_of(i) is not None])
        finally:
            self._syncing = False
        empty = self.model.rowCount() == 0
        if empty:
            self.empty_message.setText({
                "review": self.tr("No lots are awaiting review. A lot arrives here in quarantine when production "
                                  "records it."),
                "approval": self.tr("No lots are awaiting approval. A lot arrives here once a QA reviewer has "
                                    "signed its review."),
                "hold": self.tr("No lots are on hold."),
            }[self.section])
        self.list_stack.setCurrentIndex(1 if empty else 0)
        self._update_buttons()

    def _on_section_changed(self, _index: int) -> None:
        self.table.clearSelection()
        self.detail.show_lot(None)
        self._show_section()

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._syncing:
            current = self.table.selectionModel().currentIndex()
            rows = self.table.selectionModel().selectedRows()
            chosen = current.row() if current.isValid() and any(r.row() == current.row() for r in rows) else (
                rows[0].row() if rows else None)
            line = self.model.line_at(chosen) if chosen is not None else None
            if line is not None:
                self.detail.show_lot(line.lot_id)
        self._update_buttons()

    def _allowed(self, meaning: str, lots: Sequence[tuple[int, str, str, LotStatus]]) -> bool:
        groups, statuses = SIGNING_RULES[meaning]
        return bool(lots) and bool(groups & set(self._account.groups)) and all(s in statuses for *_x, s in lots)

    def _update_buttons(self) -> None:
        lots = self.targets()
        for meaning, button in self.buttons.items():
            button.setEnabled(self._allowed(meaning, lots))
            groups, _statuses = SIGNING_RULES[meaning]
            note = self._rule_text[meaning]
            if not groups & set(self._account.groups):
                note += " " + self.tr("Your roles do not include this.")
            button.setToolTip(note)
        selected = len(self.table.selectionModel().selectedRows())
        self.selection_note.setText("" if selected < 2 else self.tr("%1 lots selected").replace("%1", str(selected)))

    def _signer_text(self) -> str:
        words = {"qa_reviewer": self.tr("QA reviewer"), "qa_approver": self.tr("QA approver"),
                 "regulatory": self.tr("Regulatory"), "warehouse": self.tr("Warehouse"),
                 "auditor": self.tr("Auditor"), "admin": self.tr("Administrator")}
        roles = ", ".join(words.get(g, g) for g in self._account.groups) or self.tr("no roles")
        return self.tr("Signed in as %1 (%2) · %3").replace("%1", self._account.printed_name).replace(
            "%2", self._account.login).replace("%3", roles)

    def _on_signed(self, result: CeremonyResult) -> None:
        signed = [o.lot_id for o in result.outcomes if o.signed]
        if signed:
            # The pane follows the (first) signed lot even when it leaves the queue (released, on hold…).
            self.detail.show_lot(signed[0])
        self.signing_finished.emit(result)

