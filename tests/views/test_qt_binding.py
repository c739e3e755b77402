"""The Qt binding keeps Python's reference counts: PySide6 6.12.0 on Python 3.11 did not (see pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    happened = Signal()


def test_emitting_signals_and_calling_void_methods_keeps_reference_counts(qtbot: QtBot) -> None:
    emitter, label = _Emitter(), QLabel()
    qtbot.addWidget(label)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(5_000):
        emitter.happened.emit()
        label.setText("批次")
    assert sys.getrefcount(True) - true_before > -100
    assert sys.getrefcount(None) - none_before > -100
