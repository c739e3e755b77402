"""Paths to the files shipped in resources/ (fonts, translations, icons) and to the migrations; no Qt here."""

from __future__ import annotations

import sys
from pathlib import Path


def _shipped_root() -> Path:
    """The folder holding resources/ and alembic/: the checkout, or the PyInstaller bundle's data folder."""
    bundle = getattr(sys, "_MEIPASS", None)  # set by the bundle's boot loader (installers/medtrace.spec)
    return Path(bundle) if bundle else Path(__file__).resolve().parents[1]


ROOT = _shipped_root()
RESOURCES = ROOT / "resources"
FONTS = RESOURCES / "fonts"
TRANSLATIONS = RESOURCES / "translations"
ICONS = RESOURCES / "icons"
ALEMBIC = ROOT / "alembic"
APP_ICON = ICONS / "medtrace.png"

# WenQuanYi Micro Hei: TrueType outlines, so it embeds in PDFs and renders in poppler (DESIGN §7).
CJK_FONT = FONTS / "wqy-microhei.ttc"
