"""Import of products, parties, lots, genealogy or movements from a spreadsheet, all or nothing.

The import runs off the GUI thread (reading, checking and writing 100 k rows takes seconds), with a
progress bar and Cancel; when anything is wrong, every problem is listed with its Excel row number and
can be exported as a workbook to fix the file. The file contract is docs/import-formats.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.services.data_import import (
    KIND_TABLES,
    KINDS,
    ImportResult,
    RowError,
    import_rows,
    write_errors,
    write_template,
)
from app.views.context import ViewContext
from app.views.lot_table_model import while_alive
from app.views.operations import Operation, OperationContext

_AnyIndex = QModelIndex | QPersistentModelIndex


class ImportErrorsModel(QAbstractTableModel):
    """The rejected rows of one import (row, column, problem); cheap for a hundred thousand of them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._errors: Sequence[RowError] = ()
        self._headers = (self.tr("Row"), self.tr("Column"), self.tr("Problem"))

    def set_errors(self, errors: Sequence[RowError]) -> None:
        self.beginResetModel()
        self._errors = errors
        self.endResetModel()

    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 — Qt's default argument
        return 0 if parent.isValid() else len(self._errors)

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008 — Qt's default argument
        return 0 if parent.isValid() else 3

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        error = self._errors[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == 0:
                return str(error.row) if error.row is not None else self.tr("file")
            return error.column if index.column() == 1 else error.rendered()
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


class ImportDialog(QDialog):
    """Chooses what to import and from which file, imports it, and shows the outcome."""

    imported = Signal(object)  # ImportResult of a successful import

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import data"))
        self._ctx = ctx
        self._operation: Operation[ImportResult] | None = None
        self.last_result: ImportResult | None = None
        kind_names = {
            "products": self.tr("Products (UDI-DI)"),
            "parties": self.tr("Parties (sites, suppliers, distributors, hospitals)"),
            "lots": self.tr("Lots"),
            "genealogy": self.tr("Genealogy (component lot → finished lot)"),
            "movements": self.tr("Stock movements"),
        }

        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(kind_names[kind], kind)
        self.kind.setCurrentIndex(self.kind.findData("lots"))
        self.template_button = QPushButton(self.tr("Download template…"))
        self.template_button.clicked.connect(self._on_template_clicked)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind, 1)
        kind_row.addWidget(self.template_button)

        self.file = QLineEdit()
        self.file.setPlaceholderText(self.tr("An .xlsx workbook or a .csv file (UTF-8 or GB18030)"))
        self.file.textChanged.connect(self._update_buttons)
        self.browse_button = QPushButton(self.tr("Choose file…"))
        self.browse_button.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse_button)

        rule = QLabel(self.tr("All or nothing: every row is checked first. If any row is wrong, nothing is "
                              "imported and every problem is listed below with its row number in Excel."))
        rule.setObjectName("fieldNote")
        rule.setWordWrap(True)

        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.phase = QLabel()
        self.phase.setObjectName("fieldNote")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.errors_model = ImportErrorsModel(self)
        self.errors = QTableView()
        self.errors.setObjectName("importErrors")
        self.errors.setModel(self.errors_model)
        self.errors.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.errors.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.errors.setAlternatingRowColors(True)
        self.errors.setWordWrap(False)
        self.errors.verticalHeader().hide()
        self.errors.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.errors.horizontalHeader()
        header.setStretchLastSection(True)
        header.resizeSection(0, 70)
        header.resizeSection(1, 150)
        self.errors.hide()

        self.export_button = QPushButton(self.tr("Export errors as .xlsx…"))
        self.export_button.clicked.connect(self._on_export_clicked)
        self.export_button.hide()
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        form = QFormLayout()
        form.addRow(self.tr("What"), kind_row)
        form.addRow(self.tr("File"), file_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(rule)
        layout.addWidget(self.progress)
        layout.addWidget(self.phase)
        layout.addWidget(self.summary)
        layout.addWidget(self.errors, 1)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)
        self._set_running(False)

    # -- actions (public so that tests and the menu can drive them without a file dialog) ------------

    def selected_kind(self) -> str:
        return str(self.kind.currentData())

    def choose(self, kind: str, path: Path) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.file.setText(str(path))

    def start_import(self) -> None:
        path = Path(self.file.text().strip())
        if not self.file.text().strip():
            return
        kind = self.selected_kind()
        new_uow = self._ctx.new_uow
        self.last_result = None
        self.errors_model.set_errors(())
        self.errors.hide()
        self.export_button.hide()
        self.summary.setText("")
        self._set_running(True)

        def work(op: OperationContext) -> ImportResult:
            return import_rows(new_uow(), kind=kind, path=path, progress=op.progress)

        self._operation = self._ctx.runner.run(
            work, on_done=while_alive(self, self._on_imported), on_failed=while_alive(self, self._on_failed),
            on_progress=self._on_progress,
        )
        self._operation.signals.finished.connect(self._on_finished)  # a bound slot: dropped with the dialog

    def save_template_to(self, path: Path) -> None:
        kind = self.selected_kind()
        self._ctx.runner.run(
            lambda _op: write_template(kind, path),
            on_done=while_alive(self, lambda written: self.summary.setText(
                self.tr("Template written to %1").replace("%1", str(written)))),
            on_failed=while_alive(self, self._on_failed),
        )

    def export_errors_to(self, path: Path) -> None:
        result = self.last_result
        if result is None or result.ok:
            return
        self._ctx.runner.run(
            lambda _op: write_errors(path, Path(result.file), result.errors),
            on_done=while_alive(self, lambda written: self.phase.setText(
                self.tr("Errors exported to %1").replace("%1", str(written)))),
            on_failed=while_alive(self, self._on_failed),
        )

    # -- slots --------------------------------------------------------------------------------

    def _on_browse_clicked(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose the file to import"), self.file.text() or str(Path.home()),
            self.tr("Spreadsheets (*.xlsx *.csv)"))
        if name:
            self.file.setText(name)

    def _on_template_clicked(self) -> None:
        suggested = str(Path.home() / f"medtrace-{self.selected_kind()}-template.xlsx")
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Save the import template"), suggested,
            self.tr("Excel workbook (*.xlsx);;CSV file (*.csv)"))
        if name:
            self.save_template_to(Path(name))

    def _on_export_clicked(self) -> None:
        result = self.last_result
        if result is None:
            return
        suggested = str(Path(result.file).with_name(Path(result.file).stem + "-errors.xlsx"))
        name, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export the errors"), suggested, self.tr("Excel workbook (*.xlsx)"))
        if name:
            self.export_errors_to(Path(name if name.lower().endswith(".xlsx") else name + ".xlsx"))

    def _on_cancel_clicked(self) -> None:
        if self._operation is not None:
            self._operation.cancel()
            self.phase.setText(self.tr("Cancelling… nothing will be imported."))

    def _on_finished(self) -> None:
        self._set_running(False)

    def _on_progress(self, done: int, total: int, phase: str) -> None:
        if not self.progress.isVisible() and self._operation is None:
            return
        labels = {"read": self.tr("Reading the file…"), "check": self.tr("Checking every row…"),
                  "write": self.tr("Writing to the database…")}
        self.phase.setText(labels.get(phase, ""))
        self.progress.setRange(0, total if total > 0 else 0)
        if total > 0:
            self.progress.setValue(min(done, total))

    def _on_imported(self, result: ImportResult) -> None:
        self.last_result = result
        self.phase.setText("")
        if result.ok:
            self.summary.setText(self.tr("Imported %1 rows from %2 in %3 s.")
                                 .replace("%1", f"{result.imported:,}").replace("%2", Path(result.file).name)
                                 .replace("%3", f"{result.seconds.get('total', 0):.1f}")
                                 + self._notes(result))
            self._ctx.broadcast.announce(frozenset(KIND_TABLES[result.kind]))
            self.imported.emit(result)
            return
        self.summary.setText(self.tr("Nothing was imported: %1 problems in %2 rows. Fix them in the file and "
                                     "import it again.")
                             .replace("%1", f"{len(result.errors):,}").replace("%2", f"{result.rows_with_errors:,}")
                             + self._notes(result))
        self.errors_model.set_errors(result.errors)
        self.errors.show()
        self.export_button.show()

    def _notes(self, result: ImportResult) -> str:
        # Notes (encoding detected, ignored columns), in the language of the catalogue's messages.
        return "".join(f"\n{note}" for note in result.rendered_notes())

    def _on_failed(self, exc: BaseException) -> None:
        self.phase.setText("")
        if isinstance(exc, MedTraceError):
            self.summary.setText(str(exc))
        else:
            self.summary.setText(self.tr("The import stopped because of an unexpected problem (%1). Nothing was "
                                         "imported; the details are in the log.").replace("%1", type(exc).__name__))

    def _set_running(self, running: bool) -> None:
        if not running:
            self._operation = None
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.close_button.setVisible(not running)
        for widget in (self.kind, self.file, self.browse_button, self.template_button):
            widget.setEnabled(not running)
        if not running and self.phase.text() == self.tr("Cancelling… nothing will be imported."):
            self.phase.setText(self.tr("Cancelled: nothing was imported."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.import_button.setEnabled(self._operation is None and bool(self.file.text().strip()))

    def reject(self) -> None:
        if self._operation is not None:  # Escape while importing cancels the import, not the dialog
            self._on_cancel_clicked()
            return
        super().reject()
