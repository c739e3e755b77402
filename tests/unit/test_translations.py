"""The Chinese catalogue is complete and current: every string the GUI shows has a translation."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from app.resources import TRANSLATIONS

ROOT = Path(__file__).resolve().parents[2]
ZH_CN = TRANSLATIONS / "medtrace_zh_CN.ts"
LUPDATE = Path(sys.executable).with_name("pyside6-lupdate")
PLACEHOLDER = re.compile(r"%\d")


def _messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(path).getroot()  # noqa: S314 — our own catalogue from the repository
    return [
        (context.findtext("name", ""), message.findtext("source", ""), message.find("translation"))
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def test_every_chinese_message_is_translated() -> None:
    untranslated = [
        (context, source)
        for context, source, translation in _messages(ZH_CN)
        if translation is None or translation.get("type") is not None or not (translation.text or "").strip()
    ]
    assert untranslated == []


def test_chinese_translations_keep_every_placeholder_of_the_source() -> None:
    broken = [
        (context, source)
        for context, source, translation in _messages(ZH_CN)
        if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation.text or ""))
    ]
    assert broken == []


def test_menu_entries_keep_their_keyboard_accelerator_in_chinese() -> None:
    lost = [
        source
        for _context, source, translation in _messages(ZH_CN)
        if re.search(r"&\w", source) and not re.search(r"\(&[A-Z]\)", translation.text or "")
    ]
    assert lost == []


def test_the_chinese_catalogue_holds_every_string_of_the_current_code(tmp_path: Path) -> None:
    fresh = tmp_path / "medtrace_zh_CN.ts"
    shutil.copy(ZH_CN, fresh)
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app" / "views").glob("*.py"))
    subprocess.run(
        [str(LUPDATE), *sources, "app/main.py", "-no-obsolete", "-ts", str(fresh)],
        cwd=ROOT, check=True, capture_output=True,
    )
    committed = {(context, source) for context, source, _ in _messages(ZH_CN)}
    current = {(context, source) for context, source, _ in _messages(fresh)}
    assert sorted(current - committed) == [], "run tools/update_translations.sh and translate the new strings"
    assert sorted(committed - current) == [], "run tools/update_translations.sh to drop strings no longer used"


def test_no_string_is_translated_inside_an_f_string() -> None:
    """lupdate does not see `self.tr("…")` inside an f-string's braces, so such a string never reaches the
    catalogue and stays English in Chinese (it happened: "Data gaps found" on the Recalls page)."""
    import ast

    hidden = []
    for path in sorted((ROOT / "app" / "views").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            for value in node.values:
                for call in ast.walk(value):
                    if isinstance(call, ast.Call) and (
                            (isinstance(call.func, ast.Attribute) and call.func.attr == "tr")
                            or (isinstance(call.func, ast.Name) and call.func.id == "translate")):
                        hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert hidden == [], f"tr() inside an f-string (call it before, into a variable): {hidden}"
