"""Label verification: scan the printed label of a lot and compare it with the lot master (ISO 13485 7.5.8).

A keyboard-wedge scanner types the bar code into the field and ends it with Enter. The comparison (DI,
lot, production and expiry dates) and the record of it are made by `verify_label_scan` off the GUI
thread; the dialog shows what matched or every difference, and stays open for the next scan.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import UnitOfWork
from app.errors import MedTraceError
from app.services.lot_release import LabelCheck, verify_label_scan
from app.views.context import ViewContext
from app.views.login_dialog import grow_to_fit
from app.views.lot_table_model import while_alive
from app.views.working_dialog import WorkingDialog

GS = "\x1d"  # GS1 group separator (FNC1 inside the data); many wedges send it as Ctrl+]
MATCH_STYLE = "background: #dcf1e2; color: #1b5e2f; border: 1px solid #9fcdad; border-radius: 4px; padding: 8px;"
MISMATCH_STYLE = "background: #fbe0dc; color: #8f1f0b; border: 1px solid #e0a39b; border-radius: 4px; padding: 8px;"


class ScanField(QLineEdit):
    """A line edit that keeps the GS1 group separator a scanner sends (QLineEdit drops control characters)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl_bracket = (event.key() == Qt.Key.Key_BracketRight
                        and event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.text() == GS or ctrl_bracket:
            self.insert(GS)
            return
        super().keyPressEvent(event)


class LabelScanDialog(WorkingDialog):
    """Scan → compare with the lot master → recorded as evidence for the release checklist."""

    verified = Signal(object)  # LabelCheck, after the database recorded the scan

    def __init__(self, ctx: ViewContext, lot_id: int, lot_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._lot_id = lot_id
        self._lot_no = lot_no
        self._busy = False
        self.last_check: LabelCheck | None = None
        self.setObjectName("labelScanDialog")
        self.setWindowTitle(self.tr("Verify the label — lot %1").replace("%1", lot_no))
        self.setMinimumWidth(600)

        headline = QLabel(self.tr("Scan the printed label of lot %1").replace("%1", lot_no))
        headline.setObjectName("dialogHeadline")
        headline.setWordWrap(True)
        explanation = QLabel(self.tr(
            "Point the scanner at the UDI bar code on the finished label. The scan ends by itself (the "
            "scanner sends Enter); typing the code and pressing Enter works too. The DI, lot number, "
            "production and expiry dates on the label are compared with the lot master, and the result is "
            "kept as evidence for the release checklist."))
        explanation.setObjectName("fieldNote")
        explanation.setWordWrap(True)
        self.scan = ScanField()
        self.scan.setObjectName("scanField")
        self.scan.setMaxLength(8000)
        self.scan.setPlaceholderText(self.tr("Waiting for a scan…"))
        self.scan.setInputMethodHints(Qt.InputMethodHint.ImhNoPredictiveText | Qt.InputMethodHint.ImhLatinOnly)
        self.scan.returnPressed.connect(self.submit)

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(6)
        self.busy_bar.hide()
        self.result = QLabel()
        self.result.setObjectName("scanResult")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        self.raw = QLabel()
        self.raw.setObjectName("fieldNote")
        self.raw.setWordWrap(True)
        self.raw.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.raw.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)  # Enter belongs to the scan field
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(headline)
        layout.addWidget(explanation)
        layout.addWidget(self.scan)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.result)
        layout.addWidget(self.raw)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def busy(self) -> bool:
        return self._busy

    def submit(self) -> None:
        """Compare the scan in the field with the lot master, off the GUI thread."""
        raw = self.scan.text()
        if self._busy or not raw.strip():
            return
        # The workstation's date only places GS1 two-digit years in their century (not a trusted time).
        as_of = dt.datetime.now(dt.UTC).astimezone().date()
        new_uow, lot_id = self._ctx.new_uow, self._lot_id
        self._set_busy(True)
        self._ctx.runner.run(
            lambda _op: _verify(new_uow(), lot_id, raw, as_of),
            on_done=while_alive(self, lambda check: self._on_checked(raw, check)),
            on_failed=while_alive(self, self._on_failed),
            changes={"label_verification"},
        )

    def _on_checked(self, raw: str, check: LabelCheck) -> None:
        self._set_busy(False)
        self.last_check = check
        if check.matched:
            self.result.setText(self.tr("✓ The label matches lot %1: DI, lot number and dates agree. The "
                                        "checklist item is met.").replace("%1", self._lot_no))
            self.result.setStyleSheet(MATCH_STYLE)
        else:
            lines = "\n".join(f"• {difference}" for difference in check.shown_differences())
            self.result.setText(self.tr("✗ The label does NOT match lot %1:").replace("%1", self._lot_no)
                                + "\n" + lines + "\n" + self.tr("The mismatch is recorded. Check the label "
                                                                "and scan again."))
            self.result.setStyleSheet(MISMATCH_STYLE)
        self.result.show()
        self.raw.setText(self.tr("Scanned: %1").replace("%1", raw.replace(GS, "<GS>")))
        self.raw.show()
        self.scan.clear()
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, lambda: grow_to_fit(self))
        self.verified.emit(check)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The scan could not be checked because of an unexpected problem (%1). The details are in the log."
        ).replace("%1", exc.__class__.__name__)
        self.result.setText(message)
        self.result.setStyleSheet(MISMATCH_STYLE)
        self.result.show()
        QTimer.singleShot(0, lambda: grow_to_fit(self))
        self.scan.selectAll()
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.scan.setReadOnly(busy)
        self.busy_bar.setVisible(busy)
        self.close_button.setEnabled(not busy)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, lambda: grow_to_fit(self))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # a scanner's Enter ends the scan (the field handles it), never closes the dialog
        super().keyPressEvent(event)


def _verify(uow: UnitOfWork, lot_id: int, raw: str, as_of: dt.date) -> LabelCheck:
    with uow:
        return verify_label_scan(uow, lot_id=lot_id, raw_scan=raw, as_of=as_of)
