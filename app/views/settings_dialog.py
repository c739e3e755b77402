"""Per-workstation preferences: language and idle-lock minutes, saved to settings.ini."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import AppPaths, Settings, save_settings
from app.errors import MedTraceError


class SettingsDialog(QDialog):
    """Edits Settings; a new language takes effect at the next start (pages are not retranslated live)."""

    def __init__(self, settings: Settings, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings
        self._paths = paths
        self.saved: Settings | None = None

        self.language = QComboBox()
        # Language names are written in their own language so anyone can find theirs.
        self.language.addItem(self.tr("Follow the system"), "auto")
        self.language.addItem("中文（简体）", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        language_note = QLabel(self.tr("A new language is used from the next start of MedTrace."))
        language_note.setObjectName("fieldNote")
        language_note.setWordWrap(True)

        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        self.idle_minutes.setSuffix(self.tr(" min"))
        idle_note = QLabel(
            self.tr(
                "After this many minutes without use the workstation locks and asks for password and "
                "one-time code again."
            )
        )
        idle_note.setObjectName("fieldNote")
        idle_note.setWordWrap(True)

        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", language_note)
        form.addRow(self.tr("Lock after idle"), self.idle_minutes)
        form.addRow("", idle_note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def edited(self) -> Settings:
        return replace(
            self._settings, language=self.language.currentData(), idle_lock_minutes=self.idle_minutes.value()
        )

    def accept(self) -> None:
        settings = self.edited()
        try:
            save_settings(self._paths, settings)
        except (OSError, MedTraceError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            self.problem.setText(self.tr("The settings could not be saved: %1").replace("%1", reason))
            self.problem.show()
            return
        self.saved = settings
        super().accept()
