"""The message catalogue: every id speaks Chinese and English with the same parameters; unknown ids fall back."""

from __future__ import annotations

import logging
import string

import pytest

from app import messages
from app.errors import ComplianceError, InvalidInput
from app.messages import Text, render
from tests.conftest import has_chinese


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def _dummy(*templates: str) -> dict[str, int] | list[int]:
    names = set().union(*(_fields(t) for t in templates))
    if names and all(n.isdigit() for n in names):
        return [1] * (max(int(n) for n in names) + 1)
    return {n: 1 for n in names}  # a number fits every format spec ({count:,}, {seconds:.1f})


CATALOGUE = messages.catalogue()


@pytest.mark.parametrize("message_id", sorted(CATALOGUE))
def test_every_message_has_chinese_text_that_the_same_parameters_fill(message_id: str) -> None:
    text: Text = CATALOGUE[message_id]
    assert has_chinese(text.zh), f"{message_id} has no Chinese text"
    if text.hint_en:
        assert has_chinese(text.hint_zh), f"{message_id} has an English hint but no Chinese one"
    if all(n.isdigit() for n in _fields(text.en) | _fields(text.zh)):
        # The database's positional parameters: each language uses every one (a Chinese sentence may reorder).
        assert _fields(text.en) == _fields(text.zh), f"{message_id}: parameters differ between English and Chinese"
    # Named parameters: the raiser passes one set, and each language takes what it needs from it (a Chinese
    # sentence may use a record's Chinese title where the English uses its English one).
    params = _dummy(text.en, text.zh, text.hint_en, text.hint_zh)
    zh = render(message_id, params, fallback="FALLBACK", language="zh_CN")
    assert zh != "FALLBACK" and has_chinese(zh)
    assert render(message_id, params, fallback="FALLBACK", language="en") != "FALLBACK"


def test_an_unknown_id_shows_the_english_text_and_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="app.messages"):
        first = render("no.such.message", [1], fallback="The database said so.", language="zh_CN")
        again = render("no.such.message", [1], fallback="The database said so.", language="zh_CN")
    assert first == again == "The database said so."
    assert [r.getMessage() for r in caplog.records].count(
        "message id 'no.such.message' is not in the catalogue; showing the English text") == 1


def test_parameters_that_do_not_fit_fall_back_to_english() -> None:
    assert render("release.self_approval", [], fallback="Lot L1 cannot be approved…", language="zh_CN") == (
        "Lot L1 cannot be approved…")


def test_a_stored_status_is_shown_in_the_readers_words() -> None:
    assert render("release.not_awaiting_review", ["L1", "under_review"], fallback="", language="zh_CN") == (
        "批次 L1 当前为审核中，不在待审核状态。")
    assert render("release.not_awaiting_review", ["L1", "under_review"], fallback="", language="en") == (
        "Lot L1 is under review, not awaiting review.")
    # A value the vocabulary does not know is shown as stored.
    assert "mystery" in render("release.not_awaiting_review", ["L1", "mystery"], fallback="", language="zh_CN")


def test_an_error_renders_in_the_language_of_the_moment_it_is_read(chinese: None) -> None:
    error = InvalidInput.of("db.refused_data", detail="value too long")
    assert error.english_message == "The database refused the data: value too long."
    assert error.message == "数据库拒绝了该数据：value too long。"
    messages.set_language("en")
    assert error.message == "The database refused the data: value too long."


def test_an_error_without_an_id_keeps_its_words() -> None:
    error = ComplianceError("Plain words.", hint="Do this.")
    assert (error.message, error.hint, str(error)) == ("Plain words.", "Do this.", "Plain words.\nDo this.")


def test_a_database_hint_is_kept_where_the_catalogue_has_none_in_that_language(chinese: None) -> None:
    # The checklist refusal's English hint is the database's own list of unmet items.
    error = ComplianceError("The release checklist of lot L1 is not complete.", hint="No QC results are recorded.",
                            message_id="release.checklist_incomplete", params=["L1"])
    assert error.message == "批次 L1 的放行检查单尚未完成。" and has_chinese(error.hint)
    messages.set_language("en")
    assert error.hint == "No QC results are recorded."


def test_of_refuses_an_id_the_catalogue_does_not_have() -> None:
    with pytest.raises(KeyError, match="not in the catalogue"):
        InvalidInput.of("no.such.id")
