"""Recall reports against the real database: drill and recall report, letters per consignee, consignee list."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound
from app.services.recalls import record_acknowledgement, record_notification
from app.services.reports import export_report
from tests.integration.recall_scenario import Chain, open_case

pytestmark = pytest.mark.clause("NMPA 召回管理办法")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def export(database: Database, report: str, out: Path, language: str = "zh_CN", **params: object):
    return export_report(UnitOfWork.for_engine(database.engine), report=report, params=params,
                         fmt=out.suffix.lstrip("."), out=out, language=language)


def test_a_drill_report_in_chinese_and_english_shows_scope_balance_consignees_and_would_be_held_stock(
        chain: Chain, database: Database, make_person, tmp_path: Path) -> None:
    case = open_case(database, make_person("regulatory"), drill=True)
    zh = pdf_text(export(database, "recall", tmp_path / "drill-zh.pdf", recall=case.id).path)
    for expected in ("模拟召回演练报告", "一级召回", "C-100", "F-10", "RC-DIST", "第一人民医院", "本次未冻结任何库存",
                     "通知全部收货单位", "21 CFR 806.10", "最近各次演练的指标趋势", "收货单位 RC-H2",
                     "演练趋势：数量平衡率与收货单位确认率", "演练趋势：确定范围、控制与通知所用时间", "确认率 %"):
        assert expected in zh, expected
    en = pdf_text(export(database, "recall", tmp_path / "drill-en.pdf", "en", recall=case.id).path)
    for expected in ("Mock recall drill report", "Class I", "nothing was held", "Reconciled", "Data gaps"):
        assert expected in en, expected
    book = load_workbook(export(database, "recall", tmp_path / "drill.xlsx", recall=case.id).path, read_only=True)
    lots = list(book["批次"].iter_rows(values_only=True))
    assert lots[0][1] == "批号" and {r[1] for r in lots[1:]} == {"C-100", "F-10"}
    assert all(r[-1] == "✓" for r in lots[1:])
    shares = list(book["演练趋势：数量平衡率与收货单位确认率"].iter_rows(values_only=True))
    assert shares[0] == ("演练", "平衡率 %", "确认率 %") and shares[-1][0].startswith(f"#{case.id} ")
    with zipfile.ZipFile(tmp_path / "drill.xlsx") as package:  # openpyxl does not read charts back
        assert sum(name.startswith("xl/charts/chart") for name in package.namelist()) == 2


def test_a_real_recall_report_lists_the_held_stock_and_notified_consignees(
        chain: Chain, database: Database, make_person, tmp_path: Path) -> None:
    person = make_person("regulatory")
    case = open_case(database, person, "F-10", drill=False)
    with person.verified_connection() as conn:
        record_notification(conn, case.id, party="RC-H1", method="phone")
        record_acknowledgement(conn, case.id, party="RC-H1")
    text = pdf_text(export(database, "recall", tmp_path / "recall.pdf", "en", recall=case.id).path)
    assert "Recall report" in text and "stock held at our sites" in text and "RC-SITE" in text
    assert "(phone)" in text and "Mock recall" not in text
    book = load_workbook(export(database, "recall", tmp_path / "recall.xlsx", "en", recall=case.id).path,
                         read_only=True)
    consignees = list(book["Consignees"].iter_rows(values_only=True))
    assert {r[1]: r[4] for r in consignees[1:]} == {"RC-DIST": 6, "RC-H1": 4, "RC-H2": 1}


def test_letters_carry_each_consignees_own_quantities_and_one_party_gives_one_letter(
        chain: Chain, database: Database, make_person, tmp_path: Path) -> None:
    case = open_case(database, make_person("regulatory"), "F-10", drill=False)
    all_letters = export(database, "recall-letters", tmp_path / "letters.pdf", recall=case.id)
    assert all_letters.pages is not None and all_letters.pages >= 3
    one = pdf_text(export(database, "recall-letters", tmp_path / "h1.pdf", recall=case.id, party="RC-H1").path)
    assert "召回通知函" in one and "第一人民医院 (RC-H1)" in one and "回执" in one and "06954321009980" in one
    assert "第二人民医院" not in one and "华东医疗器械经销公司" not in one
    shipped_line = next(line for line in one.splitlines() if "F-10" in line and "一次性使用输液器" in line)
    assert shipped_line.split()[-1] == "4"
    book = load_workbook(export(database, "recall-consignees", tmp_path / "merge.xlsx", recall=case.id).path,
                         read_only=True)
    rows = list(book["收货单位"].iter_rows(values_only=True))
    assert rows[0][:4] == ("单位代码", "名称", "类型", "层级")
    assert {r[0]: (r[8], r[13]) for r in rows[1:]} == {"RC-DIST": (6, 1), "RC-H1": (4, 4), "RC-H2": (1, 1)}


def test_a_drill_on_a_lot_never_shipped_reports_that_there_is_no_consignee(
        chain: Chain, database: Database, make_person, tmp_path: Path) -> None:
    case = open_case(database, make_person("regulatory"), "Q-5", drill=True)
    text = pdf_text(export(database, "recall", tmp_path / "quiet.pdf", "en", recall=case.id).path)
    assert "Q-5" in text and "there is no consignee to notify" in text
    with pytest.raises(InvalidInput, match="no consignee"):
        export(database, "recall-letters", tmp_path / "none.pdf", recall=case.id)


def test_an_unknown_or_malformed_recall_number_is_refused_with_a_sentence(
        chain: Chain, database: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="There is no recall 987654"):
        export(database, "recall", tmp_path / "x.pdf", recall="987654")
    with pytest.raises(InvalidInput, match="not a recall number"):
        export(database, "recall", tmp_path / "x.pdf", recall="abc")
    assert not list(tmp_path.iterdir())


def test_letters_are_written_by_the_company_of_the_profile_with_its_address_licence_and_registrant(
        chain: Chain, database: Database, make_person, owner_conn, tmp_path: Path) -> None:
    from app.services.demo_data import COMPANY

    with owner_conn.transaction():
        owner_conn.execute(
            "INSERT INTO company_profile (legal_name_zh, legal_name_en, address, licence_no, registrant) "
            "VALUES (%(legal_name_zh)s, %(legal_name_en)s, %(address)s, %(licence_no)s, %(registrant)s)", COMPANY)
    case = open_case(database, make_person("regulatory"), "F-10", drill=False)
    for language, name in (("zh_CN", COMPANY["legal_name_zh"]), ("en", COMPANY["legal_name_en"])):
        letter = pdf_text(export(database, "recall-letters", tmp_path / f"{language}.pdf", language=language,
                                 recall=case.id, party="RC-H1").path)
        ours = letter[letter.index("本企业联系方式" if language == "zh_CN" else "Our contact"):]
        for expected in (name, COMPANY["address"], COMPANY["licence_no"], COMPANY["registrant"]):
            assert expected in ours, expected
