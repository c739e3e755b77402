"""The reason-for-change dialog: says exactly what is about to change and asks why, before anything is saved.

EU GMP Annex 11 §9 and 医疗器械生产质量管理规范 第二十七条: a change to a GMP record records its reason.
The database refuses a change without one; this dialog is where the person states it, seeing each
field's old and new value, so the reason they give is about the change they are making.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

MIN_REASON_CHARS = 5
MAX_REASON_CHARS = 500
# Stored in the record as written, so they are data, not interface text: bilingual on purpose, so
# that the trail reads the same to a Chinese inspector and a foreign auditor whatever the UI language.
COMMON_REASONS = (
    "录入错误更正 Data entry correction",
    "复核后更正 Correction after review",
    "供应商更正 Supplier correction",
    "依据批生产记录更正 Corrected from the batch record",
    "依据检验报告更正 Corrected from the test report",
)
CHANGED_BACKGROUND = "#fff4d6"


class ReasonDialog(QDialog):
    """Shows record, field, old → new; OK only once a reason of at least five characters is given."""

    def __init__(self, record: str, changes: Sequence[tuple[str, str, str]], parent: QWidget | None = None, *,
                 headline: str | None = None, explanation: str | None = None, ok_text: str | None = None,
                 common_reasons: Sequence[str] = COMMON_REASONS) -> None:
        """`record` names what changes; a decision that changes no field (an authorised exception) passes no
        `changes` and its own `headline`, `explanation` and `ok_text`."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reason for change"))
        self.setMinimumWidth(560)
        self._common_reasons = tuple(common_reasons)

        headline_label = QLabel(headline or self.tr("Why is %1 changed?").replace("%1", record))
        headline_label.setObjectName("dialogHeadline")
        headline_label.setWordWrap(True)
        explanation_label = QLabel(explanation or self.tr(
            "The old and new values, your name, the server time and the reason you give are kept in the "
            "audit trail. The reason cannot be changed later."))
        explanation_label.setObjectName("fieldNote")
        explanation_label.setWordWrap(True)

        self.changes = QTableWidget(len(changes), 3)
        self.changes.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Old value"), self.tr("New value")])
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.changes.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.changes.verticalHeader().hide()
        header = self.changes.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, (field, old, new) in enumerate(changes):
            for column, value in enumerate((field, old, new)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.changes.setItem(row, column, item)
            new_item = self.changes.item(row, 2)
            new_item.setBackground(self.palette().base() if old == new else QBrush(QColor(CHANGED_BACKGROUND)))
            font = new_item.font()
            font.setBold(True)
            new_item.setFont(font)
        self.changes.setVisible(bool(changes))
        self.changes.setMaximumHeight(
            self.changes.horizontalHeader().sizeHint().height() + 4
            + sum(self.changes.rowHeight(r) for r in range(len(changes))))

        self.common = QComboBox()
        self.common.addItem(self.tr("Common reasons…"), "")
        for reason in self._common_reasons:
            self.common.addItem(reason, reason)
        self.common.setToolTip(self.tr("Start from a common reason, then add the details"))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(self.tr(
            "State why the record is changed, e.g. which document shows the correct value."))
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        self.rule = QLabel()
        self.rule.setObjectName("fieldNote")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text or self.tr("Save change"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(headline_label)
        layout.addWidget(explanation_label)
        layout.addWidget(self.changes)
        layout.addWidget(QLabel(self.tr("Reason for change:")))
        layout.addWidget(self.common)
        layout.addWidget(self.reason)
        layout.addWidget(self.rule)
        layout.addWidget(self.buttons)

        self.common.activated.connect(self._on_common_chosen)
        self.reason.textChanged.connect(self._on_reason_edited)
        self._on_reason_edited()

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def is_valid(self) -> bool:
        return MIN_REASON_CHARS <= len(self.reason_text()) <= MAX_REASON_CHARS

    def _on_common_chosen(self, index: int) -> None:
        chosen = self.common.itemData(index)
        if not chosen:
            return
        current = self.reason_text()
        # Replace a previously chosen common reason; keep details the person already wrote.
        for reason in self._common_reasons:
            if current.startswith(reason):
                current = current[len(reason):].lstrip(" :：")
                break
        self.reason.setPlainText(f"{chosen}: {current}" if current else chosen)
        self.reason.setFocus()
        self.reason.moveCursor(self.reason.textCursor().MoveOperation.End)

    def _on_reason_edited(self) -> None:
        length = len(self.reason_text())
        if length < MIN_REASON_CHARS:
            self.rule.setText(self.tr("At least %1 characters.").replace("%1", str(MIN_REASON_CHARS)))
        elif length > MAX_REASON_CHARS:
            self.rule.setText(self.tr("At most %1 characters.").replace("%1", str(MAX_REASON_CHARS)))
        else:
            self.rule.setText(self.tr("The reason will be kept with the change."))
        self.ok_button.setEnabled(self.is_valid())

    def accept(self) -> None:
        if self.is_valid():
            super().accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reason.setFocus()


def local_time(at: dt.datetime | None) -> str:
    """A server timestamp (stored in UTC) as this workstation's local time, to the second."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S") if at is not None else "—"
