"""Which language the workstation speaks, and the Qt translators that make it speak it (DESIGN §1, §8).

Source strings are English; `medtrace_zh_CN.qm` translates them. Qt's own strings (standard buttons,
context menus of text fields) come from the qtbase catalogue shipped with PySide6.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app import messages
from app.resources import TRANSLATIONS

log = logging.getLogger(__name__)

CHINESE = "zh_CN"
ENGLISH = "en"
FOLLOW_SYSTEM = "auto"


def choose_language(setting: str, override: str | None, system_locale: str) -> str:
    """`--language`, then the saved setting, then the system: any Chinese locale gets Simplified Chinese."""
    for choice in (override, setting):
        if choice in (CHINESE, ENGLISH):
            return choice
    return CHINESE if system_locale.lower().startswith("zh") else ENGLISH


@dataclass
class Translation:
    """The translators installed for one language; kept referenced so Qt does not lose them."""

    language: str
    translators: list[QTranslator] = field(default_factory=list)
    previous_locale: QLocale = field(default_factory=QLocale)

    def remove(self) -> None:
        """Uninstall the translators and restore the default locale (tests switch languages)."""
        global _current
        for translator in self.translators:
            QCoreApplication.removeTranslator(translator)
        self.translators.clear()
        QLocale.setDefault(self.previous_locale)
        if _current is self:
            _current = None
            messages.set_language(ENGLISH)


def install_translation(language: str, translations_dir: Path = TRANSLATIONS) -> Translation:
    """Install MedTrace's catalogue (and Qt's own for Chinese); a missing file falls back to English."""
    translation = Translation(language)
    catalogues = [(translations_dir, f"medtrace_{language}")]
    if language == CHINESE:
        qt_translations = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        catalogues.append((qt_translations, "qtbase_zh_CN"))
    for folder, name in catalogues:
        translator = QTranslator()
        if translator.load(name, str(folder)):
            QCoreApplication.installTranslator(translator)
            translation.translators.append(translator)
        elif language == CHINESE:
            # The .qm files are compiled from the .ts sources at setup (make translations).
            log.warning("translation %s.qm not found in %s; showing English", name, folder)
    locale = QLocale("zh_CN") if language == CHINESE else None
    if locale is None and QLocale.system().language() == QLocale.Language.Chinese:
        locale = QLocale("en_US")
    if locale is not None:
        # Dates and numbers follow the chosen language when it differs from the system's.
        QLocale.setDefault(locale)
    global _current
    _current = translation
    messages.set_language(language)  # the database's and the services' messages speak it too
    return translation


_current: Translation | None = None


def current_language() -> str:
    """The language the workstation speaks now (English when no catalogue was installed)."""
    return _current.language if _current is not None else ENGLISH


def installed_language() -> str | None:
    """The language whose catalogue is installed, or None before any is (some tests build pages without one)."""
    return _current.language if _current is not None else None


def switch_translation(language: str) -> Translation:
    """Replace the installed catalogues with `language`'s (the main window's Language menu)."""
    global _current
    if _current is not None:
        _current.remove()
    _current = install_translation(language)
    return _current
