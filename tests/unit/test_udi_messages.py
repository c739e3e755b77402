"""The UDI parser's and the data import's messages in Simplified Chinese: every id, a real scan, a real import row."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from app import messages
from app.db.engine import Database
from app.messages import CHINESE, ENGLISH, Text, english, render, render_hint
from app.messages.texts_import import IMPORT_TEXTS
from app.messages.texts_udi import UDI_TEXTS
from app.services.data_import import import_file
from app.udi import parse_scan
from tests.factories import gtin14, make_product

CJK = re.compile("[\u4e00-\u9fff]")
AS_OF = dt.date(2026, 1, 1)
SYRINGE = gtin14("0697543200101")


@pytest.fixture
def chinese(request: pytest.FixtureRequest) -> None:
    """Messages in Chinese for this test; English again for every test after it."""
    request.addfinalizer(lambda: messages.set_language(ENGLISH))
    messages.set_language(CHINESE)


def _dummy_params(text: Text) -> dict[str, object]:
    """A value for every field any of the four templates names (a number, so `{n:,}` and `{s:.1f}` fill)."""
    names: set[str] = set()
    for template in (text.en, text.zh, text.hint_en, text.hint_zh):
        names.update(field for _, field, _, _ in string.Formatter().parse(template) if field)
    return dict.fromkeys(names, 7)


ALL_TEXTS = {**UDI_TEXTS, **IMPORT_TEXTS}


def test_the_udi_and_import_ids_are_named_for_their_part() -> None:
    assert len(UDI_TEXTS) > 50 and len(IMPORT_TEXTS) > 60
    assert all(message_id.startswith("udi.") for message_id in UDI_TEXTS)
    assert all(message_id.startswith("import.") for message_id in IMPORT_TEXTS)


@pytest.mark.parametrize("message_id", sorted(ALL_TEXTS))
def test_every_message_renders_in_chinese_with_chinese_characters(message_id: str) -> None:
    text = ALL_TEXTS[message_id]
    params = _dummy_params(text)
    zh = render(message_id, params, fallback="FALLBACK", language=CHINESE)
    en = render(message_id, params, fallback="FALLBACK", language=ENGLISH)
    assert zh != "FALLBACK" and CJK.search(zh), zh
    assert en != "FALLBACK" and en == english(message_id, params)[0]
    if text.hint_en:
        hint = render_hint(message_id, params, fallback="FALLBACK", language=CHINESE)
        assert hint != "FALLBACK" and CJK.search(hint), hint


# -- scans ----------------------------------------------------------------------------------------


def test_a_gtin_with_a_wrong_check_digit_reads_in_chinese_and_keeps_its_english_sentence() -> None:
    result = parse_scan("0109501101020918", as_of=AS_OF)

    assert not result.valid
    assert result.errors == ("The GTIN 09501101020918 has a wrong check digit: it ends in 8 but should end in 7.",)
    [message] = result.error_messages
    assert (message.id, dict(message.params)) == ("udi.check_digit_wrong",
                                                  {"gtin": "09501101020918", "last": "8", "expected": 7})
    assert result.rendered_errors(CHINESE) == ["GTIN 09501101020918 的校验位错误：末位是 8，应为 7。"]
    document = result.as_json()
    assert document["error_messages"] == [{"id": "udi.check_digit_wrong",
                                           "params": {"gtin": "09501101020918", "last": "8", "expected": 7}}]
    assert document["errors"] == list(result.errors)


def test_a_bad_expiry_date_reads_in_chinese_in_the_current_language(chinese: None) -> None:
    result = parse_scan("]d201095011010209171729113110L1", as_of=AS_OF)  # 31 November

    assert result.errors == ("The expiry date (AI 17) “291131” is not a real date (YYMMDD).",)
    assert result.rendered_errors() == ["失效日期（应用标识符 AI 17）“291131”不是有效日期（YYMMDD）。"]
    assert result.as_json()["error_messages"][0]["id"] == "udi.gs1_date_not_real"


def test_warnings_read_in_chinese_and_stay_english_in_the_json() -> None:
    result = parse_scan("(01)09501101020917(17)251231(10)L1", as_of=AS_OF)

    assert result.valid and result.warnings == ("Expired on 2025-12-31 (judged on 2026-01-01).",)
    assert result.rendered_warnings(CHINESE) == ["已于 2025-12-31 失效（判断日期为 2026-01-01）。"]
    assert result.as_json()["warning_messages"] == [
        {"id": "udi.expired", "params": {"expiry": "2025-12-31", "as_of": "2026-01-01"}}]


def test_a_paired_hibc_scan_drops_the_secondary_only_warning_from_both_lists() -> None:
    from app.udi import pair_hibc
    from app.udi.hibcc import check_character

    primary_body = "+A99912345"
    primary = primary_body + check_character(primary_body)
    link = primary[-1]
    secondary_body = f"+$$3291231L1{link}"
    secondary = secondary_body + check_character(secondary_body)
    first = parse_scan(primary, as_of=AS_OF)
    second = parse_scan(secondary, as_of=AS_OF)
    assert [m.id for m in second.warning_messages] == ["udi.hibcc_secondary_only"]

    paired = pair_hibc(first, second)

    assert paired.structure == "paired"
    assert paired.warnings == () and paired.warning_messages == ()


# -- a data import row ----------------------------------------------------------------------------


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_a_bad_import_row_gives_a_chinese_error(committed: Database, tmp_path: Path, chinese: None) -> None:
    with Session(committed.engine) as session:
        make_product(session, di=SYRINGE, name="一次性使用无菌注射器")
        session.commit()
    unknown = gtin14("0697543209999")
    path = _sheet(tmp_path / "lots.xlsx", [
        ["di", "lot", "production_date", "expiry_date", "quantity"],
        [SYRINGE, "L1", "2026-01-10", "2028-01-09", 5],
        [unknown, "L2", "2026-01-10", "2028-01-09", 5],
    ])

    result = import_file(committed.engine, kind="lots", path=path)

    assert not result.ok
    [error] = result.errors
    assert (error.row, error.column, error.message_id) == (3, "di", "import.unknown_product")
    assert error.message == f"There is no product with DI {unknown} in MedTrace: import it with the products first."
    assert error.rendered() == f"MedTrace 中没有产品标识（DI）为 {unknown} 的产品：请先通过产品导入将其导入。"
    assert error.as_dict()["message"] == error.message  # the JSON contract stays English
    assert f"第 3 行，di：MedTrace 中没有产品标识（DI）为 {unknown} 的产品" in result.describe()


def test_a_bad_cell_gives_a_chinese_error_without_touching_the_database(
        committed: Database, tmp_path: Path, chinese: None) -> None:
    path = _sheet(tmp_path / "lots.xlsx", [
        ["di", "lot", "production_date", "expiry_date", "quantity", "remark"],
        [SYRINGE, "L1", "2026-02-30", "2028-01-09", 0, "x"],
    ])

    result = import_file(committed.engine, kind="lots", path=path)

    assert [(e.column, e.rendered()) for e in result.errors] == [
        ("production_date", "“2026-02-30” 不是日历上存在的日期。"),
        ("quantity", "0 太小：至少应为 1。"),
    ]
    assert [e.message for e in result.errors] == ["“2026-02-30” is not a day of the calendar.",
                                                  "0 is too small: it must be at least 1."]
    assert result.notes == ("Columns not in the lots format were ignored: remark.",)
    assert result.rendered_notes() == ["以下列不属于 lots 格式，已忽略：remark。"]
    assert result.as_dict()["note_messages"] == [
        {"id": "import.note_ignored_columns", "params": {"kind": "lots", "columns": "remark"}}]


def test_an_unreadable_file_is_refused_in_chinese(tmp_path: Path, chinese: None) -> None:
    from app.errors import InvalidInput
    from app.services.data_import.sources import open_source

    path = tmp_path / "lots.txt"
    path.write_text("di,lot\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        open_source(path)
    assert caught.value.message_id == "import.not_xlsx_or_csv"
    assert caught.value.message == "lots.txt 既不是 .xlsx 文件，也不是 .csv 文件。"
    assert caught.value.english_message == "lots.txt is neither an .xlsx nor a .csv file."
    assert caught.value.hint is not None and CJK.search(caught.value.hint)


def test_the_movement_party_messages_are_the_sentences_of_the_import_contract() -> None:
    from app.services.data_import.columns import PARTY_NEEDS

    for kind, (_, _, sentence) in PARTY_NEEDS.items():
        assert english(f"import.movement_parties.{kind}")[0] == sentence[0].upper() + sentence[1:] + "."


def test_udi_parse_on_the_command_line_in_chinese_keeps_the_json_english(
        capsys: pytest.CaptureFixture[str], chinese: None) -> None:
    import json

    from app.cli import main

    assert main(["--language", "zh_CN", "udi", "parse", "0109501101020918", "--as-of", "2026-01-01"]) == 2
    captured = capsys.readouterr()
    assert "GTIN 09501101020918 的校验位错误" in captured.err and "GTIN 09501101020918 的校验位错误" in captured.out
    assert main(["--language", "zh_CN", "udi", "parse", "0109501101020918", "--as-of", "2026-01-01", "--json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["errors"] == ["The GTIN 09501101020918 has a wrong check digit: it ends in 8 but should end in 7."]
    assert document["error_messages"][0]["id"] == "udi.check_digit_wrong"
