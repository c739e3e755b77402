"""A dialog that stays open while its operation runs."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog


class WorkingDialog(QDialog):
    """Escape, Cancel and the window's close button wait until the database has answered.

    Closing mid-operation would leave its result (a session opened, a signature made, a scan recorded)
    with nobody to show it to. Subclasses set `_busy` while their operation runs.
    """

    _busy = False

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy:
            event.ignore()
            return
        super().closeEvent(event)
