"""The start-up smoke probe: proves that a build reaches a given window, then leaves the way a person would.

With ``MEDTRACE_SMOKE_WINDOW=<objectName>`` in the environment (the installer test sets it; nobody else
does), the GUI starts exactly as always — splash, embedded server, schema — and when a visible
top-level window with that object name appears, one line ``medtrace-smoke: <name> shown after <s> s``
goes to standard output and the window is closed as its Cancel/close button would close it
(`reject()` for a dialog), so the program then ends through its ordinary path, stopping the server.
With ``MEDTRACE_SMOKE_GRAB=<file.png>`` as well, the window is saved there first, to look at how the
build renders it (fonts, translations). Nothing else changes: the probe only looks at windows, and
only when the variable is set.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QDialog

ENVIRONMENT = "MEDTRACE_SMOKE_WINDOW"
GRAB_ENVIRONMENT = "MEDTRACE_SMOKE_GRAB"
POLL_MS = 50


class SmokeProbe(QObject):
    """Watches for the named top-level window; reports it once and closes it."""

    def __init__(self, app: QApplication, window_name: str, grab_to: str = "") -> None:
        super().__init__(app)
        self._app = app
        self._name = window_name
        self._grab_to = grab_to
        self._began = time.perf_counter()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        for widget in self._app.topLevelWidgets():
            if widget.objectName() == self._name and widget.isVisible():
                self._timer.stop()
                if self._grab_to:
                    widget.grab().save(self._grab_to)
                print(f"medtrace-smoke: {self._name} shown after {time.perf_counter() - self._began:.2f} s",
                      flush=True, file=sys.stdout)
                if isinstance(widget, QDialog):
                    widget.reject()
                else:
                    widget.close()
                return


def install_smoke_probe(app: QApplication) -> SmokeProbe | None:
    """A probe when the environment asks for one (installers/README.md, tests/installers); otherwise nothing."""
    name = os.environ.get(ENVIRONMENT, "").strip()
    return SmokeProbe(app, name, os.environ.get(GRAB_ENVIRONMENT, "").strip()) if name else None
