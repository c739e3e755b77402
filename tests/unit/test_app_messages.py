"""The services' and the command line's messages (app/messages/texts_app.py) in both languages.

Every id renders in English exactly as its entry says and in Chinese with Chinese characters, whatever
parameters it names; and errors raised by real service calls read in Chinese once the language is Chinese.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import messages
from app.config import AppPaths, select_profile
from app.db.uow import UnitOfWork
from app.errors import ConfigurationError, InvalidInput, MedTraceError, NotFound
from app.messages import CHINESE, ENGLISH, render, render_hint
from app.messages.texts_app import APP_TEXTS
from app.messages.vocabulary import VOCABULARIES
from app.reports.catalogue import definition_of
from app.services.trace import lots_received_by, trace_lot

CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(*templates: str) -> dict[str, str]:
    """Each field the templates name, with its format spec (vocabulary or number format)."""
    fields: dict[str, str] = {}
    for template in templates:
        for _literal, name, spec, _conversion in string.Formatter().parse(template):
            if name is not None:
                assert name and not name.isdigit(), f"services' messages use named fields: {template!r}"
                fields.setdefault(name, spec or "")
    return fields


def _dummy(name: str, spec: str) -> object:
    if spec in VOCABULARIES:
        return next(iter(VOCABULARIES[spec]))  # a stored value the vocabulary knows
    if spec:
        return 1234.5  # a number format such as ,.0f
    return f"<{name}>"


def _english(template: str, params: dict[str, object]) -> str:
    """The template filled by hand: vocabulary fields in their English words, the rest as given."""
    def field(match: re.Match[str]) -> str:
        name, _, spec = match.group(1).partition(":")
        value = params[name]
        if spec in VOCABULARIES:
            return VOCABULARIES[spec][str(value)][0]
        return format(value, spec) if spec else str(value)

    return re.sub(r"\{([^{}]+)\}", field, template)


@pytest.fixture
def chinese() -> Iterator[None]:
    messages.set_language(CHINESE)
    try:
        yield
    finally:
        messages.set_language(ENGLISH)


def test_app_ids_are_stable_words() -> None:
    for message_id in APP_TEXTS:
        assert re.fullmatch(r"[a-z]+(\.[a-z0-9_]+)+", message_id), message_id


@pytest.mark.parametrize("message_id", sorted(APP_TEXTS))
def test_every_app_message_renders_in_both_languages(message_id: str) -> None:
    text = APP_TEXTS[message_id]
    fields = _fields(text.en, text.zh, text.hint_en, text.hint_zh)
    params: dict[str, object] = {name: _dummy(name, spec) for name, spec in fields.items()}

    english = render(message_id, params, fallback="FALLBACK", language=ENGLISH)
    assert english == _english(text.en, params)
    chinese = render(message_id, params, fallback="FALLBACK", language=CHINESE)
    assert chinese != "FALLBACK" and CJK.search(chinese), chinese

    assert bool(text.hint_en) == bool(text.hint_zh), "a hint in one language needs the other"
    if text.hint_en:
        assert render_hint(message_id, params, fallback=None, language=ENGLISH) == _english(text.hint_en, params)
        hint = render_hint(message_id, params, fallback=None, language=CHINESE)
        assert hint is not None and CJK.search(hint), hint

    error = MedTraceError.of(message_id, **params)
    assert error.english_message == english  # what tests and logs compare


def _raised(call: object) -> MedTraceError:
    with pytest.raises(MedTraceError) as caught:
        call()  # type: ignore[operator]
    return caught.value


def test_unknown_report_reads_in_chinese(chinese: None) -> None:
    error = _raised(lambda: definition_of("no-such-report"))
    assert isinstance(error, InvalidInput) and error.message_id == "report.unknown_report"
    assert error.message == "没有名为“no-such-report”的报表。"
    assert error.hint is not None and error.hint.startswith("可用报表：")
    assert error.english_message == "There is no report called “no-such-report”."


def test_unknown_connection_profile_reads_in_chinese(tmp_path: Path, chinese: None) -> None:
    paths = AppPaths.resolve(tmp_path)
    paths.ensure()
    error = _raised(lambda: select_profile(paths, "lab-server"))
    assert isinstance(error, ConfigurationError)
    assert str(error).startswith("没有名为“lab-server”的连接配置。\n已有的配置：")


def test_tracing_an_unknown_lot_reads_in_chinese(uow: UnitOfWork, chinese: None) -> None:
    error = _raised(lambda: trace_lot(uow, direction="forward", lot_no="NO-SUCH-LOT-4711"))
    assert isinstance(error, NotFound)
    assert error.message == "不存在批号为 NO-SUCH-LOT-4711 的批次。"
    assert error.hint == "请对照标签或“批次”页面核对批号（及 DI）。"
    assert error.english_message == "There is no lot NO-SUCH-LOT-4711."


def test_an_unknown_consignee_reads_in_chinese_and_english(uow: UnitOfWork, chinese: None) -> None:
    error = _raised(lambda: lots_received_by(uow, party_code="NO-SUCH-PARTY"))
    assert isinstance(error, NotFound)
    assert str(error) == "不存在代码为“NO-SUCH-PARTY”的单位。"
    messages.set_language(ENGLISH)
    assert str(error) == "There is no party with the code “NO-SUCH-PARTY”."
