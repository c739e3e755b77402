"""The look of the workstation: a font that can show Chinese everywhere, and one stylesheet."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QLabel

from app.resources import APP_ICON, CJK_FONT, RESOURCES

log = logging.getLogger(__name__)

STYLESHEET = RESOURCES / "qss" / "medtrace.qss"


def register_cjk_font() -> str | None:
    """Register the bundled WenQuanYi Micro Hei; its family name, or None if it could not be loaded."""
    font_id = QFontDatabase.addApplicationFont(str(CJK_FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("the bundled CJK font %s could not be loaded; Chinese may show as boxes", CJK_FONT)
        return None
    return families[0]


def apply_style(app: QApplication) -> None:
    """UI font = the system's own, falling back to the bundled CJK font for glyphs it lacks."""
    cjk_family = register_cjk_font()
    font = QFont(app.font())
    if cjk_family is not None:
        # Machines without a Chinese font (many Linux installs, offscreen CI) still render 中文.
        font.setFamilies([font.family(), cjk_family])
    app.setFont(font)
    app.setWindowIcon(QIcon(str(APP_ICON)))
    app.setDesktopFileName("medtrace")  # matches installers/linux/medtrace.desktop (taskbar grouping, Wayland icon)
    try:
        app.setStyleSheet(STYLESHEET.read_text(encoding="utf-8"))
    except OSError:
        log.warning("stylesheet %s not found; using Qt's default look", STYLESHEET)


def problem_label() -> QLabel:
    """The red, wrapped line under a form or page that says what went wrong; hidden until there is something."""
    label = QLabel()
    label.setObjectName("inlineProblem")
    label.setWordWrap(True)
    label.hide()
    return label
