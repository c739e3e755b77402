"""Paths to the files shipped in resources/ (fonts, translations, icons); no Qt here."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
FONTS = RESOURCES / "fonts"
TRANSLATIONS = RESOURCES / "translations"
ICONS = RESOURCES / "icons"

# WenQuanYi Micro Hei: TrueType outlines, so it embeds in PDFs and renders in poppler (DESIGN §7).
CJK_FONT = FONTS / "wqy-microhei.ttc"
