"""The Reports page: pick a report, fill its typed parameters, get a controlled PDF or workbook.

The report list and each report's inputs come from the catalogue (app/reports/catalogue.py), so the
page and `medtrace report` accept the same things. Generating runs off the GUI thread through the
operation runner with a progress bar and Cancel; a cancelled or failed export leaves no file and no
audit record (app/services/reports.py). The finished file opens in the system's viewer or is shown in
its folder. Each report has its own language (中文 or English), independent of the GUI's.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, QLocale, QStandardPaths, QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.reports.catalogue import (
    CATALOGUE,
    CHOICE,
    DATE,
    DAYS,
    LOT,
    RECALL,
    USER,
    ReportDefinition,
    parse_parameters,
)
from app.security.keys import load_trusted_keys
from app.services.identity import Account
from app.services.reports import ExportResult, LotChoice, export_report, find_lots, known_users
from app.views.context import ViewContext
from app.views.operations import Operation, OperationContext

LOT_LOOKUP_DELAY_MS = 250
PROGRESS_INTERVAL_S = 0.1
OK_STYLE = "background: #dcf1e2; color: #1b5e2f; border: 1px solid #9fcdad; border-radius: 4px; padding: 8px;"
PROBLEM_STYLE = "background: #fbe0dc; color: #8f1f0b; border: 1px solid #e0a39b; border-radius: 4px; padding: 8px;"
NEUTRAL_STYLE = "background: #eef2f7; color: #243447; border: 1px solid #c9d3df; border-radius: 4px; padding: 8px;"


def ui_language() -> str:
    """The GUI's language (i18n sets the default locale to zh_CN when Chinese is chosen)."""
    return "zh_CN" if QLocale().language() == QLocale.Language.Chinese else "en"


class _OptionalDate(QWidget):
    """A date that may be left out: a check box in front of the date editor."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox(label)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setEnabled(False)
        self.enabled.toggled.connect(self.date.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addWidget(self.date, 1)

    def value(self) -> dt.date | None:
        if not self.enabled.isChecked():
            return None
        return self.date.date().toPython()  # type: ignore[no-any-return]

    def set_value(self, value: dt.date | None) -> None:
        self.enabled.setChecked(value is not None)
        if value is not None:
            self.date.setDate(QDate(value.year, value.month, value.day))


class ReportsPage(QWidget):
    """Catalogue on the left; parameters, language, format, file and Generate on the right."""

    report_finished = Signal(object)  # ExportResult
    report_failed = Signal(str)  # the message shown
    report_cancelled = Signal()

    def __init__(self, ctx: ViewContext, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._operation: Operation[Any] | None = None
        self._inputs: dict[str, QWidget] = {}
        self.result: ExportResult | None = None
        self._users: list[str] = []
        self._language = ui_language()

        heading = QLabel(self.tr("Reports"))
        heading.setObjectName("pageHeading")
        self.report_list = QListWidget()
        self.report_list.setMaximumWidth(300)
        for definition in CATALOGUE.values():
            item = QListWidgetItem(definition.title(self._language))
            item.setData(Qt.ItemDataRole.UserRole, definition.key)
            item.setToolTip(", ".join(f.upper() for f in definition.formats))
            self.report_list.addItem(item)

        self.title = QLabel()
        self.title.setObjectName("pageHeading")
        self.description = QLabel()
        self.description.setObjectName("pagePurpose")
        self.description.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.language_combo = QComboBox()
        self.language_combo.addItem("中文 (zh_CN)", "zh_CN")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(0 if self._language == "zh_CN" else 1)
        self.language_combo.setToolTip(self.tr("The language the report is written in"))
        self.format_combo = QComboBox()
        self.output_input = QLineEdit()
        self.output_input.setPlaceholderText(self.tr("File to write"))
        self.browse_button = QPushButton(self.tr("Save as…"))
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_input, 1)
        output_row.addWidget(self.browse_button)
        settings_form = QFormLayout()
        settings_form.addRow(self.tr("Language of the report"), self.language_combo)
        settings_form.addRow(self.tr("Format"), self.format_combo)
        settings_form.addRow(self.tr("File"), output_row)

        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.generate_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.progress, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setToolTip(self.tr("Open the report with the system's viewer"))
        self.folder_button = QPushButton(self.tr("Show in folder"))
        done_row = QHBoxLayout()
        done_row.addWidget(self.open_button)
        done_row.addWidget(self.folder_button)
        done_row.addStretch(1)
        for button in (self.open_button, self.folder_button):
            button.hide()

        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(self.title)
        right.addWidget(self.description)
        right.addLayout(self.form)
        right.addLayout(settings_form)
        right.addLayout(actions)
        right.addWidget(self.message)
        right.addLayout(done_row)
        right.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(18)
        body.addWidget(self.report_list)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addLayout(body, 1)

        self._lot_model = QStringListModel(self)
        self._lot_timer = QTimer(self)
        self._lot_timer.setSingleShot(True)
        self._lot_timer.setInterval(LOT_LOOKUP_DELAY_MS)
        self._lot_timer.timeout.connect(self._look_up_lots)

        self.report_list.currentRowChanged.connect(self._on_report_chosen)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button.clicked.connect(self.open_report)
        self.folder_button.clicked.connect(self.show_in_folder)
        self.report_list.setCurrentRow(0)
        self._load_users()

    # -- public --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._operation is not None

    def definition(self) -> ReportDefinition:
        item = self.report_list.currentItem()
        return CATALOGUE[item.data(Qt.ItemDataRole.UserRole)]

    def choose_report(self, key: str) -> None:
        for row in range(self.report_list.count()):
            if self.report_list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.report_list.setCurrentRow(row)
                return
        raise KeyError(key)

    def set_parameter(self, name: str, value: object) -> None:
        """Fill one input as a person would (tests and "report on this lot" shortcuts from other pages)."""
        widget = self._inputs[name]
        if isinstance(widget, QLineEdit):
            widget.setText("" if value is None else str(value))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))  # type: ignore[call-overload]
        elif isinstance(widget, _OptionalDate):
            widget.set_value(value)  # type: ignore[arg-type]
        elif isinstance(widget, QComboBox):
            index = widget.findData(value)
            if index >= 0:
                widget.setCurrentIndex(index)
            else:
                widget.setEditText("" if value is None else str(value))

    def parameters(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for name, widget in self._inputs.items():
            if isinstance(widget, QLineEdit):
                values[name] = widget.text()
            elif isinstance(widget, (QSpinBox, _OptionalDate)):
                values[name] = widget.value()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentText() if widget.isEditable() else widget.currentData()
        return values

    def generate(self) -> None:
        """Check the inputs here (instant answer), then build, write and record the report off the GUI thread."""
        if self.running:
            return
        definition = self.definition()
        params = self.parameters()
        try:
            parse_parameters(definition, params)
        except MedTraceError as exc:
            self._show_problem(str(exc))
            return
        target = self.output_input.text().strip() or self._default_path()
        self.output_input.setText(target)
        fmt = self.format_combo.currentData()
        language = self.language_combo.currentData()
        new_uow, read_uow = self._ctx.new_uow, self._ctx.read_uow  # rows from the replica, the record on the primary
        config_dir = self._ctx.paths.config_dir
        signer = f"{self._account.printed_name} ({self._account.login})"

        def work(op: OperationContext) -> ExportResult:
            last = [0.0]

            def progress(done: int, total: int) -> None:
                # Cancel is noticed at every call; the bar is told at most ten times a second (each
                # cross-thread signal costs the GUI thread a turn of the GIL).
                op.check_cancelled()
                now = time.monotonic()
                if now - last[0] >= PROGRESS_INTERVAL_S or done >= total:
                    last[0] = now
                    op.progress(done, total)

            return export_report(new_uow(), report=definition.key, params=params, fmt=fmt, out=Path(target),
                                 language=language, generated_by=signer, trusted_keys=load_trusted_keys(config_dir),
                                 progress=progress, read_uow=read_uow())

        self.result = None
        self._set_running(True)
        self.message.setStyleSheet(NEUTRAL_STYLE)
        self.message.setText(self.tr("Generating %1…").replace("%1", definition.title(self._language)))
        self.message.show()
        operation = self._ctx.runner.run(work, on_done=self._alive(self._on_done),
                                         on_failed=self._alive(self._on_failed),
                                         on_progress=self._alive(self._on_progress))
        operation.signals.finished.connect(self._alive(self._on_operation_finished))
        self._operation = operation

    def cancel(self) -> None:
        if self._operation is not None:
            self._operation.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText(self.tr("Cancelling…"))

    def open_report(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.path)))

    def show_in_folder(self) -> None:
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.path.parent)))

    # -- building the form ---------------------------------------------------------------------

    def _on_report_chosen(self, row: int) -> None:
        if row < 0:
            return
        definition = self.definition()
        self.title.setText(definition.title(self._language))
        self.description.setText(definition.description(self._language))
        while self.form.rowCount():
            self.form.removeRow(0)
        self._inputs = {}
        for parameter in definition.parameters:
            label = parameter.label(self._language) + ("" if not parameter.required else " *")
            widget = self._input_for(parameter.kind, parameter)
            self._inputs[parameter.name] = widget
            self.form.addRow(label, widget)
        self.format_combo.blockSignals(True)
        self.format_combo.clear()
        for fmt in definition.formats:
            self.format_combo.addItem({"pdf": self.tr("PDF (printable record)"),
                                       "xlsx": self.tr("Excel workbook (.xlsx)")}[fmt], fmt)
        self.format_combo.blockSignals(False)
        self.output_input.clear()
        self._hide_outcome()

    def _input_for(self, kind: str, parameter: Any) -> QWidget:
        if kind == LOT:
            edit = QLineEdit()
            edit.setPlaceholderText(self.tr("Type the beginning of the lot number"))
            edit.setClearButtonEnabled(True)
            completer = QCompleter(self._lot_model, edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            edit.setCompleter(completer)
            edit.textEdited.connect(self._on_lot_edited)
            return edit
        if kind == DAYS:
            spin = QSpinBox()
            spin.setRange(parameter.minimum or 1, parameter.maximum or 3650)
            spin.setValue(int(parameter.default or 30))
            spin.setSuffix(self.tr(" days"))
            return spin
        if kind == DATE:
            return _OptionalDate(self.tr("Limit to"))
        if kind == USER:
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItem("", None)
            for login in self._users:
                combo.addItem(login, login)
            return combo
        if kind == RECALL:
            edit = QLineEdit()
            edit.setPlaceholderText(self.tr("Recall number, e.g. 12"))
            edit.setClearButtonEnabled(True)
            return edit
        if kind == CHOICE:
            combo = QComboBox()
            for value, _english, _chinese in parameter.choices:
                combo.addItem(parameter.choice_label(value, self._language), value)
            combo.setCurrentIndex(max(0, combo.findData(parameter.default)))
            return combo
        edit = QLineEdit()
        edit.setClearButtonEnabled(True)
        edit.setPlaceholderText(self.tr("Optional"))
        return edit

    def _on_format_changed(self, _index: int) -> None:
        text = self.output_input.text().strip()
        fmt = self.format_combo.currentData()
        if text and fmt:
            self.output_input.setText(str(Path(text).with_suffix(f".{fmt}")))

    def _default_path(self) -> str:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        definition = self.definition()
        lot = self.parameters().get("lot")
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")  # noqa: DTZ005 — a file name in local time
        name = "_".join(str(p) for p in (definition.key, lot, stamp) if p)
        return str(Path(folder) / f"{name}.{self.format_combo.currentData()}")

    def _on_browse_clicked(self) -> None:
        fmt = self.format_combo.currentData()
        pattern = self.tr("PDF files (*.pdf)") if fmt == "pdf" else self.tr("Excel workbooks (*.xlsx)")
        chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save report as"),
                                                      self.output_input.text() or self._default_path(), pattern)
        if chosen:
            self.output_input.setText(chosen if chosen.lower().endswith(f".{fmt}") else f"{chosen}.{fmt}")

    # -- lookups ---------------------------------------------------------------------------------

    def _on_lot_edited(self, _text: str) -> None:
        self._lot_timer.start()

    def _look_up_lots(self) -> None:
        widget = self._inputs.get("lot")
        if not isinstance(widget, QLineEdit) or not widget.text().strip():
            return
        prefix = widget.text().strip()
        read_uow = self._ctx.read_uow
        self._ctx.runner.run(lambda _op: find_lots(read_uow(), prefix=prefix),
                             on_done=self._alive(self._on_lots_found), on_failed=self._alive(lambda _exc: None))

    def _on_lots_found(self, lots: list[LotChoice]) -> None:
        self._lot_model.setStringList(sorted({lot.lot_no for lot in lots}))
        widget = self._inputs.get("lot")
        if isinstance(widget, QLineEdit) and widget.hasFocus() and widget.completer() is not None:
            widget.completer().complete()

    def _load_users(self) -> None:
        read_uow = self._ctx.read_uow
        self._ctx.runner.run(lambda _op: known_users(read_uow()), on_done=self._alive(self._on_users),
                             on_failed=self._alive(lambda _exc: None))

    def _on_users(self, users: list[str]) -> None:
        self._users = users
        widget = self._inputs.get("user")
        if isinstance(widget, QComboBox):
            current = widget.currentText()
            widget.clear()
            widget.addItem("", None)
            for login in users:
                widget.addItem(login, login)
            widget.setEditText(current)

    # -- outcome ---------------------------------------------------------------------------------

    def _on_progress(self, done: int, total: int, _label: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(self.tr("%1 of %2 rows").replace("%1", f"{done:,}").replace("%2", f"{total:,}"))

    def _on_done(self, result: ExportResult) -> None:
        self.result = result
        size = (self.tr("%1 pages").replace("%1", str(result.pages)) + ", ") if result.pages is not None else ""
        self.message.setStyleSheet(OK_STYLE)
        self.message.setText(
            self.tr("%1 %2 saved to %3 (%4%5 rows). Its SHA-256 is recorded in the audit trail, so this file can "
                    "be verified later.")
            .replace("%1", result.title).replace("%2", result.number).replace("%3", str(result.path))
            .replace("%4", size).replace("%5", f"{result.rows:,}"))
        self.message.show()
        for button in (self.open_button, self.folder_button):
            button.show()
        self.report_finished.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, MedTraceError):
            text = str(exc)
        else:
            text = self.tr("The report could not be generated (%1); no file was written. The details are in the "
                           "log.").replace("%1", exc.__class__.__name__)
        self._show_problem(text)
        self.report_failed.emit(text)

    def _on_operation_finished(self) -> None:
        operation = self._operation
        self._operation = None
        self._set_running(False)
        if operation is not None and operation.context.cancelled and self.result is None:
            self.message.setStyleSheet(NEUTRAL_STYLE)
            self.message.setText(self.tr("Cancelled: no file was written and nothing was recorded."))
            self.message.show()
            self.report_cancelled.emit()

    def _set_running(self, running: bool) -> None:
        self.generate_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.report_list.setEnabled(not running)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)
            self._hide_outcome(keep_message=True)

    def _show_problem(self, text: str) -> None:
        self.message.setStyleSheet(PROBLEM_STYLE)
        self.message.setText(text)
        self.message.show()
        for button in (self.open_button, self.folder_button):
            button.hide()

    def _hide_outcome(self, keep_message: bool = False) -> None:
        if not keep_message:
            self.message.hide()
        for button in (self.open_button, self.folder_button):
            button.hide()

    def _alive(self, callback: Any) -> Any:
        """Drop results that arrive after the page was closed."""

        def deliver(*args: Any) -> None:
            if shiboken6.isValid(self):
                callback(*args)

        return deliver
