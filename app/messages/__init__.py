"""One catalogue of what MedTrace tells a person: the database's refusals, the services' errors, scan warnings.

Each message has a stable id (`lot.not_awaiting_review`), an English and a Simplified Chinese text and,
where there is a next step, a hint. The database raises with its SQLSTATE, the English sentence and a
DETAIL of `{"id": ..., "params": [...]}` (migration 0014); services raise `MedTraceError.of(id, ...)`;
the UDI parser records warning ids. The GUI, the CLI and the reports render through `render()` in the
language chosen for them, so the English sentence is only the fallback: an id this build does not know
(a newer database, a typo) shows the English text and is logged once.

Templates use `str.format` fields: `{0}`, `{1}` for the database's positional parameters, names for the
services'. A field may name a vocabulary (`{1:status}`), so a stored value such as `under_review` is
shown in the reader's words.
"""

from __future__ import annotations

import logging
import string
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.messages.vocabulary import VOCABULARIES

log = logging.getLogger(__name__)

ENGLISH = "en"
CHINESE = "zh_CN"


@dataclass(frozen=True)
class Text:
    """One message in both languages; the hints are the next step for the person, when there is one."""

    en: str
    zh: str
    hint_en: str = ""
    hint_zh: str = ""

    def template(self, language: str) -> str:
        return self.zh if language == CHINESE else self.en

    def hint_template(self, language: str) -> str:
        return self.hint_zh if language == CHINESE else self.hint_en


Params = Sequence[object] | Mapping[str, object]

_language = ENGLISH
_unknown_logged: set[str] = set()
_lock = threading.Lock()


def set_language(language: str) -> None:
    """The language messages are shown in from now on (the GUI's language, or the CLI's --language)."""
    global _language
    _language = CHINESE if language == CHINESE else ENGLISH


def current_language() -> str:
    return _language


def catalogue() -> dict[str, Text]:
    """Every message id this build knows."""
    from app.messages.texts_app import APP_TEXTS
    from app.messages.texts_db import DATABASE_TEXTS
    from app.messages.texts_import import IMPORT_TEXTS
    from app.messages.texts_udi import UDI_TEXTS

    merged: dict[str, Text] = {}
    for part in (DATABASE_TEXTS, APP_TEXTS, UDI_TEXTS, IMPORT_TEXTS):
        overlap = merged.keys() & part.keys()
        if overlap:
            raise RuntimeError(f"message ids defined twice: {sorted(overlap)}")
        merged.update(part)
    return merged


_CATALOGUE: dict[str, Text] | None = None


def lookup(message_id: str) -> Text | None:
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = catalogue()
    return _CATALOGUE.get(message_id)


class _Formatter(string.Formatter):
    def __init__(self, language: str) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        words = VOCABULARIES.get(format_spec)
        if words is not None:
            pair = words.get(str(value))
            if pair is None:
                return str(value)
            return pair[1] if self.language == CHINESE else pair[0]
        return super().format_field(value, format_spec)


def _fill(template: str, params: Params, language: str) -> str:
    formatter = _Formatter(language)
    if isinstance(params, Mapping):
        return formatter.vformat(template, (), params)
    return formatter.vformat(template, tuple(params), {})


def _note_unknown(message_id: str) -> None:
    with _lock:
        if message_id in _unknown_logged:
            return
        _unknown_logged.add(message_id)
    log.warning("message id %r is not in the catalogue; showing the English text", message_id)


def render(message_id: str | None, params: Params = (), *, fallback: str, language: str | None = None) -> str:
    """The message in `language` (the current one by default); `fallback` (English) when it cannot be."""
    if message_id is None:
        return fallback
    text = lookup(message_id)
    if text is None:
        _note_unknown(message_id)
        return fallback
    try:
        return _fill(text.template(language or _language), params, language or _language)
    except (IndexError, KeyError, ValueError) as exc:
        log.warning("message %r could not be filled (%s); showing the English text", message_id, exc)
        return fallback


def render_hint(message_id: str | None, params: Params = (), *, fallback: str | None,
                language: str | None = None) -> str | None:
    """The message's hint in `language`; the fallback (the database's or the raiser's hint) otherwise."""
    text = lookup(message_id) if message_id is not None else None
    language = language or _language
    template = text.hint_template(language) if text is not None else ""
    if not template:  # no hint of its own in this language: the raiser's (the database's specific one)
        return fallback
    try:
        return _fill(template, params, language)
    except (IndexError, KeyError, ValueError):
        return fallback


def english(message_id: str, params: Params = ()) -> tuple[str, str | None]:
    """The English message and hint of an id (what `MedTraceError.of` keeps as its fallback)."""
    text = lookup(message_id)
    if text is None:
        raise KeyError(f"message id {message_id!r} is not in the catalogue")
    return _fill(text.en, params, ENGLISH), (_fill(text.hint_en, params, ENGLISH) if text.hint_en else None)


@dataclass(frozen=True)
class Said:
    """One message as a value: its id, its parameters and its English sentence (what a record keeps, the fallback).

    The scan parser's errors and warnings, an import's notes, a recall's data gaps and a label check's
    differences are kept this way, so that each is shown in the reader's language when it is read.
    """

    id: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    text: str = ""

    @classmethod
    def of(cls, message_id: str, /, **params: object) -> Said:
        return cls(message_id, dict(params), english(message_id, params)[0])

    def render(self, language: str | None = None) -> str:
        """The message in `language` (the current one by default)."""
        return render(self.id, self.params, fallback=self.text, language=language)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "params": json_params(self.params)}


def message_of(said: object) -> tuple[str | None, list[object]]:
    """The id and parameters of a message the database sent as `{"id": …, "params": [...]}` (a refusal's
    DETAIL, a checklist line); `(None, [])` for anything else, so that the English text is shown."""
    if not isinstance(said, Mapping):
        return None, []
    message_id, params = said.get("id"), said.get("params", [])
    if not isinstance(message_id, str) or not isinstance(params, list):
        return None, []
    return message_id, params


def json_params(params: Mapping[str, object]) -> dict[str, object]:
    """Parameters as JSON values: numbers, text, booleans and null as they are; anything else (a date) as text."""
    return {key: value if value is None or isinstance(value, str | int | float | bool) else str(value)
            for key, value in params.items()}
