"""The Trace page: from a lot (typed or scanned) to every finished lot and consignee, or to its components.

What a QA manager runs first when a lot is suspect (ISO 13485 7.5.9, 医疗器械召回管理办法): the trace
runs off the GUI thread through the operation runner and can be cancelled between its phases; the page
shows at most DETAIL_LIMIT rows per list (the summary counts everything), and Export writes the full
consignee list streamed from the database, so a hub component lot with ~150 k lots never freezes it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.errors import InvalidInput, MedTraceError
from app.services.trace import Consignee, TracedLot, TracedMovement, TraceResult, iter_consignees, trace_lot
from app.views.context import ViewContext
from app.views.operations import Operation, OperationContext
from app.views.page_frame import page_column
from app.views.record_table import record_table

DETAIL_LIMIT = 2_000  # rows per list on screen; the summary and the export cover everything
EXPORT_BATCH = 1_000  # rows between two cancellation checks while exporting
MAX_LOT_NO = 20  # GS1 AI (10) is X..20: anything longer is a scan, not a lot number
ROW_HEIGHT = 24
Cell = str | int


@dataclass(frozen=True)
class _Shown:
    """A trace result with its table rows and tree, ready for the GUI thread to attach."""

    result: TraceResult
    consignee_cells: list[Sequence[Cell]]
    movement_cells: list[Sequence[Cell]]
    tree: QTreeWidgetItem


def _scan_fields(text: str) -> tuple[str, str | None, str | None] | None:
    """(lot, DI, serial) when `text` is a UDI scan with a lot; None when it reads as a plain lot number."""
    looks_scanned = (len(text) > MAX_LOT_NO or text.startswith(("]", "(", "+", "http")) or "\x1d" in text)
    if not looks_scanned:
        return None
    try:
        from app.udi import parse_scan  # optional: the page works with typed lot numbers without it
    except ImportError:
        return None
    result = parse_scan(text, as_of=dt.date.today())  # noqa: DTZ011 — a calendar date for expiry warnings
    if not result.valid or not result.lot:
        return None
    return result.lot, result.device_identifier, result.serial


class _RowsModel(QAbstractTableModel):
    """A read-only table over rows already fetched (capped at DETAIL_LIMIT, so no paging is needed)."""

    def __init__(self, headers: Sequence[str], numeric: Iterable[int] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._numeric = frozenset(numeric)
        self._rows: list[Sequence[Cell]] = []

    def set_rows(self, rows: Sequence[Sequence[Cell]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Sequence[Cell]]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return value  # the raw value (numbers unformatted), for sorting and tests
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return QLocale().toString(value) if isinstance(value, int) else value
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self._numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


def _table(model: QAbstractTableModel) -> QTableView:
    view = record_table(model, row_height=ROW_HEIGHT, selection=QAbstractItemView.SelectionMode.ExtendedSelection)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class TracePage(QWidget):
    """Lot (or scan) in, direction, Run / Cancel; tree, consignee table, timeline, summary, export."""

    trace_finished = Signal(object)  # the TraceResult shown
    trace_failed = Signal(str)  # the message shown
    export_finished = Signal(str)  # the file written
    drill_requested = Signal(str, str)  # lot number, DI: start a mock recall drill on the lot just traced

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._operation: Operation[Any] | None = None
        self._export: Operation[Any] | None = None
        self.result: TraceResult | None = None
        self._query: tuple[str, str | None, str | None] | None = None

        heading = QLabel(self.tr("Trace"))
        heading.setObjectName("pageHeading")
        self.lot_input = QLineEdit()
        self.lot_input.setPlaceholderText(self.tr("Lot number, or scan the UDI"))
        self.lot_input.setClearButtonEnabled(True)
        self.lot_input.setMinimumWidth(260)
        self.di_input = QLineEdit()
        self.di_input.setPlaceholderText(self.tr("Product DI (optional)"))
        self.di_input.setClearButtonEnabled(True)
        self.serial_input = QLineEdit()
        self.serial_input.setPlaceholderText(self.tr("Serial (optional)"))
        self.serial_input.setClearButtonEnabled(True)
        self.forward_button = QPushButton(self.tr("Forward"))
        self.forward_button.setToolTip(self.tr("Where did it go: every lot made with it and every consignee"))
        self.backward_button = QPushButton(self.tr("Backward"))
        self.backward_button.setToolTip(self.tr("What is in it: its component lots and their suppliers"))
        self.direction = QButtonGroup(self)
        for button in (self.forward_button, self.backward_button):
            button.setCheckable(True)
            self.direction.addButton(button)
        self.forward_button.setChecked(True)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Write every consignee line to an Excel or CSV file"))
        self.export_button.setEnabled(False)
        self.drill_button = QPushButton(self.tr("Start drill…"))
        self.drill_button.setObjectName("traceStartDrill")
        self.drill_button.setToolTip(self.tr("Start a mock recall drill on this lot: the same scope, frozen and "
                                             "timed, without holding stock"))
        self.drill_button.setEnabled(False)
        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.lot_input, 3)
        bar.addWidget(self.di_input, 2)
        bar.addWidget(self.serial_input, 1)
        bar.addWidget(self.forward_button)
        bar.addWidget(self.backward_button)
        bar.addWidget(self.run_button)
        bar.addWidget(self.cancel_button)
        bar.addWidget(self.export_button)
        bar.addWidget(self.drill_button)

        self.summary = QLabel()
        self.summary.setObjectName("pageArrives")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        # -- results --
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Lot / consignee"), self.tr("Quantity"), self.tr("Details")])
        self.tree.setUniformRowHeights(True)
        self.tree.header().resizeSection(0, 360)
        self.tree.header().resizeSection(1, 110)
        self.consignee_model = _RowsModel(
            [self.tr("Party"), self.tr("Name"), self.tr("Kind"), self.tr("Tier"), self.tr("DI"), self.tr("Lot"),
             self.tr("Shipped"), self.tr("Returned"), self.tr("On hand")], numeric=(3, 6, 7, 8), parent=self)
        self.consignee_table = _table(self.consignee_model)
        header = self.consignee_table.horizontalHeader()
        header.setStretchLastSection(False)
        for column, width in enumerate((80, 200, 85, 40, 125, 90, 75, 75, 75)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the party's name takes what is left
        self.timeline_model = _RowsModel(
            [self.tr("Date"), self.tr("Type"), self.tr("DI"), self.tr("Lot"), self.tr("Serial"),
             self.tr("From → to"), self.tr("Quantity"), self.tr("Document")], numeric=(6,), parent=self)
        self.timeline_table = _table(self.timeline_model)
        for column, width in enumerate((90, 70, 125, 90, 60, 250, 70)):
            self.timeline_table.horizontalHeader().resizeSection(column, width)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.consignee_table, self.tr("Consignees"))
        self.tabs.addTab(self.timeline_table, self.tr("Timeline"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.empty_message = QLabel(self.tr(
            "Enter a lot number (or scan the label's UDI) and press Run.\n\n"
            "Forward finds every lot made with it and every consignee at every tier, with the quantities "
            "shipped, returned and still on hand: the scope of a recall. Backward finds the component lots "
            "it was made from and the suppliers they came from.\n\n"
            "When the same lot number exists for several products, add the product DI; for one unit of a "
            "serialised lot, add its serial."))
        self.empty_message.setObjectName("pagePurpose")
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_message)
        self.stack.addWidget(splitter)

        page_column(self, (heading, bar, self.summary, self.problem), self.stack)

        for field in (self.lot_input, self.di_input, self.serial_input):
            field.returnPressed.connect(self.run_trace)
        self.run_button.clicked.connect(self.run_trace)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.drill_button.clicked.connect(self.request_drill)
        self._show_idle()

    # -- public --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._operation is not None

    def run_trace(self) -> None:
        """Read the inputs (a scan fills lot, DI and serial) and start the trace off the GUI thread."""
        if self.running:
            return
        text = self.lot_input.text().strip()
        scanned = _scan_fields(text) if text else None
        if scanned is not None:
            lot_no, di, serial = scanned
            self.lot_input.setText(lot_no)
            self.di_input.setText(di or "")
            self.serial_input.setText(serial or "")
        lot_no = self.lot_input.text().strip()
        if not lot_no:
            self._show_problem(self.tr("Enter a lot number, or scan the UDI on the label."))
            return
        di = self.di_input.text().strip() or None
        serial = self.serial_input.text().strip() or None
        direction = "forward" if self.forward_button.isChecked() else "backward"
        self._query = (lot_no, di, serial)
        read_uow = self._ctx.read_uow  # the replica when it may be used

        def work(op: OperationContext) -> _Shown:
            result = trace_lot(read_uow(), direction=direction, lot_no=lot_no, di=di, serial=serial,
                               detail_limit=DETAIL_LIMIT, checkpoint=op.check_cancelled)
            op.check_cancelled()
            # Everything the page shows is prepared here, off the GUI thread (a hub lot's result is
            # thousands of rows and tree items; building them on the GUI thread stalled it ~270 ms).
            # Table cells are plain values and tree items are not QObjects: both may be made here.
            labels = self._kind_labels()
            return _Shown(result, [self._consignee_cells(c, labels) for c in result.consignees],
                          [self._movement_cells(m) for m in result.movements], self._build_tree(result))

        self.problem.hide()
        self.summary.setText(self.tr("Tracing lot %1…").replace("%1", lot_no))
        self._set_busy(True)
        operation: Operation[_Shown] | None = None

        def done(shown: _Shown) -> None:
            if self._operation is operation:
                self._set_busy(False)
                self._show_result(shown)

        def failed(exc: BaseException) -> None:
            if self._operation is operation:
                self._set_busy(False)
                self._show_failure(exc)

        operation = self._ctx.runner.run(work, on_done=done, on_failed=failed)
        self._operation = operation

    def request_drill(self) -> None:
        """Hand the traced lot to the Recalls page, which asks for the level, the reason and the signature."""
        if self._query is not None and self.drill_button.isEnabled():
            lot_no, di, _serial = self._query
            self.drill_requested.emit(lot_no, di or "")

    def cancel(self) -> None:
        """Stop the running trace or export at its next checkpoint; the page is usable again at once."""
        for operation in (self._operation, self._export):
            if operation is not None:
                operation.cancel()
        was_running = self._operation is not None
        self._operation = None
        self._export = None
        self._set_busy(False)
        if was_running:
            self.summary.setText(self.tr("Trace cancelled."))

    def export_consignees(self, path: Path) -> None:
        """Write every consignee line of the current forward trace to `path` (.xlsx or .csv), off the GUI thread."""
        if self._query is None or self.result is None or self.result.direction != "forward":
            return
        lot_no, di, serial = self._query
        headers = [self.consignee_model.headerData(c, Qt.Orientation.Horizontal)
                   for c in range(self.consignee_model.columnCount())]
        read_uow = self._ctx.read_uow
        labels = self._kind_labels()

        def work(op: OperationContext) -> str:
            lines = iter_consignees(read_uow(), lot_no=lot_no, di=di, serial=serial)
            rows = (self._consignee_cells(c, labels) for c in lines)
            _write_rows(path, headers, rows, op.check_cancelled)
            return str(path)

        self.export_button.setEnabled(False)
        self.summary.setText(self.summary.text() + "  " + self.tr("Exporting…"))
        operation: Operation[str] | None = None

        def done(written: str) -> None:
            if self._export is operation:
                self._export = None
                self.export_button.setEnabled(True)
                self._show_summary()
                self.export_finished.emit(written)

        def failed(exc: BaseException) -> None:
            if self._export is operation:
                self._export = None
                self.export_button.setEnabled(True)
                self._show_failure(exc)

        operation = self._ctx.runner.run(work, on_done=done, on_failed=failed)
        self._export = operation

    # -- display -------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        for widget in (self.lot_input, self.di_input, self.serial_input, self.forward_button, self.backward_button):
            widget.setEnabled(not busy)
        self.export_button.setEnabled(
            not busy and self.result is not None and self.result.direction == "forward"
            and bool(self.result.consignees))
        self.drill_button.setEnabled(not busy and self.result is not None and self._query is not None
                                     and self.result.direction == "forward")

    def _show_idle(self) -> None:
        self.stack.setCurrentIndex(0)
        self.summary.setText(self.tr("No trace run yet."))

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()

    def _show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, MedTraceError):
            message = exc.message + (f" {exc.hint}" if exc.hint else "")
        else:
            message = self.tr("The trace failed unexpectedly; the details are in the log.")
        self.summary.setText(self.tr("No result."))
        self._show_problem(message)
        self.trace_failed.emit(message)

    def _show_result(self, shown: _Shown) -> None:
        result = shown.result
        self.result = result
        self._operation = None
        self.consignee_model.set_rows(shown.consignee_cells)
        self.timeline_model.set_rows(shown.movement_cells)
        self.tree.clear()
        self.tree.addTopLevelItem(shown.tree)
        if len(result.lots) + len(result.consignees) <= 200:
            self.tree.expandAll()
        else:
            shown.tree.setExpanded(True)  # one level: expanding thousands of items at once stalls the GUI
        forward = result.direction == "forward"
        self.tabs.setTabText(0, self.tr("Consignees (%1)").replace("%1", QLocale().toString(
            result.summary.consignee_lines)) if forward else self.tr("Consignees"))
        self.tabs.setTabEnabled(0, forward)  # backward has suppliers (in the tree), no consignees
        self.tabs.setCurrentIndex(0 if forward else 1)
        self.stack.setCurrentIndex(1)
        self._show_summary()
        self._set_busy(False)
        self.trace_finished.emit(result)

    def _show_summary(self) -> None:
        result = self.result
        if result is None:
            return
        s = result.summary
        n = QLocale().toString
        what = result.start.lot_no + (f" / {result.serial}" if result.serial else "")
        if result.direction == "forward":
            text = (self.tr("Forward from %1: %2 lots, %3 consignees (%4 lines); %5 units shipped by us, "
                            "%6 returned to us, %7 on hand at consignees.")
                    .replace("%1", what).replace("%2", n(s.lots)).replace("%3", n(s.consignees))
                    .replace("%4", n(s.consignee_lines)).replace("%5", n(s.shipped)).replace("%6", n(s.returned))
                    .replace("%7", n(s.on_hand)))
            if not result.consignees:
                text += " " + self.tr("No unit of these lots has left our sites.")
        else:
            text = (self.tr("Backward from %1: %2 component lots, %3 supplier receipts.")
                    .replace("%1", what).replace("%2", n(s.lots - 1)).replace("%3", n(len(result.suppliers))))
        if result.truncated:
            text += " " + self.tr("Lists show the first %1 rows; Export writes every consignee.").replace(
                "%1", n(DETAIL_LIMIT))
        self.summary.setText(text)

    def _kind_labels(self) -> dict[str, str]:
        return {"manufacturer": self.tr("our site"), "supplier": self.tr("supplier"),
                "distributor": self.tr("distributor"), "hospital": self.tr("hospital")}

    def _movement_labels(self) -> dict[str, str]:
        return {"produce": self.tr("produce"), "receive": self.tr("receive"), "ship": self.tr("ship"),
                "return": self.tr("return"), "install": self.tr("install"), "scrap": self.tr("scrap"),
                "adjust": self.tr("adjust")}

    @staticmethod
    def _consignee_cells(c: Consignee, kinds: dict[str, str]) -> list[Cell]:
        return [c.party_code, c.party_name, kinds.get(c.party_kind, c.party_kind), c.tier, c.di, c.lot_no,
                c.shipped, c.returned, c.on_hand]

    def _movement_cells(self, m: TracedMovement) -> list[Cell]:
        route = f"{m.from_code or '—'} → {m.to_code or '—'}"
        names = " / ".join(name for name in (m.from_name, m.to_name) if name)
        return [m.moved_on.isoformat(), self._movement_labels().get(m.kind, m.kind), m.di, m.lot_no,
                m.serial or "", f"{route}  {names}" if names else route, m.quantity, m.document_no]

    def _build_tree(self, result: TraceResult) -> QTreeWidgetItem:
        """The start lot's item with everything under it (built off the GUI thread, attached on it)."""
        n = QLocale().toString
        lots = {lot.id: lot for lot in result.lots}
        children: dict[int, list[int]] = defaultdict(list)
        for link in result.genealogy:
            if result.direction == "forward":
                children[link.component_id].append(link.finished_id)
            else:
                children[link.finished_id].append(link.component_id)
        by_lot: dict[tuple[str, str], list[Consignee]] = defaultdict(list)
        for c in result.consignees:
            by_lot[(c.di, c.lot_no)].append(c)
        suppliers = defaultdict(list)
        for s in result.suppliers:
            suppliers[(s.di, s.lot_no)].append(s)
        relation = {"start": self.tr("start"), "component": self.tr("component"), "finished": self.tr("finished")}
        kinds = self._kind_labels()

        def lot_item(lot: TracedLot, parent: QTreeWidgetItem | None, path: frozenset[int]) -> QTreeWidgetItem:
            item = QTreeWidgetItem([f"{lot.lot_no}  ·  {lot.product_name}", n(lot.quantity_in_scope),
                                    f"{relation[lot.relation]} · DI {lot.di} · {lot.status}"])
            if parent is not None:
                parent.addChild(item)
            tiers: dict[int, QTreeWidgetItem] = {}
            for c in by_lot.get((lot.di, lot.lot_no), ()):
                if c.tier not in tiers:
                    tiers[c.tier] = QTreeWidgetItem([self.tr("Tier %1").replace("%1", str(c.tier)), "", ""])
                    item.addChild(tiers[c.tier])
                tiers[c.tier].addChild(QTreeWidgetItem([
                    f"{c.party_code}  {c.party_name}", n(c.on_hand),
                    self.tr("%1 · shipped %2 · returned %3 · on hand %4").replace("%1", kinds.get(
                        c.party_kind, c.party_kind)).replace("%2", n(c.shipped)).replace("%3", n(c.returned))
                    .replace("%4", n(c.on_hand))]))
            for s in suppliers.get((lot.di, lot.lot_no), ()):
                item.addChild(QTreeWidgetItem([
                    self.tr("Supplier %1  %2").replace("%1", s.party_code).replace("%2", s.party_name),
                    n(s.received), self.tr("received from %1").replace("%1", s.first_received_on.isoformat())]))
            for child in children.get(lot.id, ()):
                if child in lots and child not in path:  # a cycle in bad data is shown once, not forever
                    lot_item(lots[child], item, path | {child})
            return item

        return lot_item(result.start, None, frozenset({result.start.id}))

    def _on_export_clicked(self) -> None:
        lot_no = self._query[0] if self._query else "trace"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export consignees"), str(Path.home() / f"consignees-{lot_no}.xlsx"),
            self.tr("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"))
        if path:
            self.export_consignees(Path(path))


def _write_rows(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]],
                check_cancelled: Callable[[], None]) -> None:
    """Stream rows to .xlsx (openpyxl write-only: constant memory) or .csv (UTF-8 with BOM for Excel)."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise InvalidInput(f"Export writes .xlsx or .csv files, not “{path.suffix}”.")
    tmp = path.with_name(path.name + ".part")
    try:
        _write_file(tmp, suffix, headers, rows, check_cancelled)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a cancelled or failed export leaves no half-written file behind
        raise
    tmp.replace(path)


def _write_file(tmp: Path, suffix: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]],
                check_cancelled: Callable[[], None]) -> None:
    if suffix == ".csv":
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            for count, row in enumerate(rows, start=1):
                writer.writerow(row)
                if count % EXPORT_BATCH == 0:
                    check_cancelled()
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Consignees")
        sheet.append(list(headers))
        for count, row in enumerate(rows, start=1):
            sheet.append(list(row))
            if count % EXPORT_BATCH == 0:
                check_cancelled()
        book.save(tmp)
