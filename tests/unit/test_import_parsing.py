"""Reading import files without a database: cells, headers, encodings, and the rules of each row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from app.errors import InvalidInput
from app.services.data_import import CONTRACTS
from app.services.data_import.cells import (
    CellError,
    alert_days,
    boolean,
    choice,
    date,
    gtin14,
    integer,
    product_di,
    reference_di,
    text,
)
from app.services.data_import.records import KIND_TYPES, Errors, RowCells
from app.services.data_import.sources import open_source


def parse(kind: str, **cells: object) -> tuple[object, list[tuple[str, str]]]:
    """One row of `kind` through its rules: the record (or None) and the (column, message) problems."""
    errors = Errors()
    record = KIND_TYPES[kind]().parse(RowCells(2, cells, errors))
    return record, [(e.column, e.message) for e in errors.items]


# -- cells ------------------------------------------------------------------------------------


def test_a_gtin_with_a_correct_check_digit_is_widened_to_fourteen_digits() -> None:
    assert gtin14("6901234567892") == "06901234567892"
    assert gtin14("96385074") == "00000096385074"
    assert gtin14("00614141000036") == "00614141000036"


def test_a_gtin_with_a_wrong_check_digit_names_the_right_one() -> None:
    with pytest.raises(CellError, match="ends in 3 but should end in 2"):
        gtin14("6901234567893")
    with pytest.raises(CellError, match="8, 12, 13 or 14 digits"):
        gtin14("123456789")


def test_excel_numbers_in_identifier_columns_lose_no_digits() -> None:
    assert reference_di(6901234567892) == "06901234567892"
    assert reference_di(6901234567892.0) == "06901234567892"
    assert text(2601001.0, max_length=20) == "2601001"


def test_hibcc_and_ma_identifiers_are_stored_in_their_canonical_form() -> None:
    assert product_di("HIBCC", "h629iol20001") == "+H629IOL20001"
    assert reference_di("H629IOL20001") == "+H629IOL20001"
    assert product_di("MA", "MA.156.M0.100388.0010245") == "MA.156.M0.100388.0010245"
    with pytest.raises(CellError, match="not an MA product identifier"):
        product_di("MA", "MA.156.M0")


def test_dates_are_iso_text_or_real_excel_dates_never_ambiguous_day_month_orders() -> None:
    assert date("2026-01-31") == dt.date(2026, 1, 31)
    assert date("2026/1/31") == dt.date(2026, 1, 31)
    assert date(dt.datetime(2026, 1, 31, tzinfo=None)) == dt.date(2026, 1, 31)  # noqa: DTZ001 — Excel's naive dates
    assert date("2026-01-31 00:00:00") == dt.date(2026, 1, 31)
    for bad, reason in (("31/01/2026", "YYYY-MM-DD"), ("2026-02-30", "not a day of the calendar"),
                        (46053, "is a number, not a date")):
        with pytest.raises(CellError, match=reason):
            date(bad)


def test_yes_and_no_are_understood_in_english_chinese_and_numbers() -> None:
    assert [boolean(v) for v in ("true", "Yes", "是", "1", 1, True)] == [True] * 6
    assert [boolean(v) for v in ("FALSE", "no", "否", "0", 0.0, False)] == [False] * 6
    with pytest.raises(CellError, match="是/否"):
        boolean("maybe")


def test_alert_days_are_read_largest_first_with_any_common_separator() -> None:
    assert alert_days("180;90;30;7") == [180, 90, 30, 7]
    assert alert_days("7, 30；90、180") == [180, 90, 30, 7]
    assert alert_days(30) == [30]
    for bad, reason in (("180;-1", "positive whole numbers"), ("1;2;3;4;5;6;7;8;9", "at most 8"),
                        ("30;30", "repeats")):
        with pytest.raises(CellError, match=reason):
            alert_days(bad)


def test_whole_numbers_accept_excel_floats_and_thousands_separators_but_not_fractions() -> None:
    assert [integer(v) for v in (5, 5.0, "5", "1,000", " 12 ")] == [5, 5, 5, 1000, 12]
    for bad, reason in ((2.5, "not a whole number"), ("1.5", "not a whole number"), (0, "at least 1"),
                        (True, "true/false")):
        with pytest.raises(CellError, match=reason):
            integer(bad)


def test_enumerations_ignore_case_and_accept_chinese_words() -> None:
    contract = CONTRACTS["parties"]
    kind = next(c for c in contract.columns if c.name == "kind")
    assert choice("Hospital", kind.allowed) == "hospital"
    assert choice("经营企业", kind.allowed, {"经营企业": "distributor"}) == "distributor"
    with pytest.raises(CellError, match="use one of manufacturer, supplier, distributor, hospital"):
        choice("clinic", kind.allowed)


# -- headers ----------------------------------------------------------------------------------


def test_headers_match_ignoring_case_spacing_and_in_chinese() -> None:
    lots = CONTRACTS["lots"]
    names = {header: lots.column_for(header).name for header in (
        "DI", "Lot", "LOT_NO", "批号", "Production Date", "生产日期", "失效日期", "数量", "lot (批号)", "产品标识")}
    assert names == {"DI": "di", "Lot": "lot", "LOT_NO": "lot", "批号": "lot", "Production Date": "production_date",
                     "生产日期": "production_date", "失效日期": "expiry_date", "数量": "quantity",
                     "lot (批号)": "lot", "产品标识": "di"}
    assert lots.column_for("remarks") is None


# -- rows -------------------------------------------------------------------------------------


def test_a_lot_expiring_before_it_was_made_is_refused() -> None:
    record, problems = parse("lots", di="06901234567892", lot="L1", production_date="2026-03-01",
                             expiry_date="2026-02-01", quantity=5)
    assert record is None
    assert problems == [("expiry_date", "The expiry date 2026-02-01 is before the production date 2026-03-01.")]


def test_every_problem_of_a_row_is_reported_not_only_the_first() -> None:
    record, problems = parse("lots", di="123", lot="", production_date="soon", expiry_date=None, quantity=-2)
    assert record is None
    assert [column for column, _ in problems] == ["di", "lot", "production_date", "expiry_date", "quantity"]


def test_each_movement_type_names_the_parties_it_needs() -> None:
    base = {"date": "2026-02-01", "di": "06901234567892", "lot": "L1", "quantity": 1}
    cases = {
        ("produce", "A", "B"): ("from_party", "A produce movement needs to_party (the producing site) and no "
                                             "from_party."),
        ("receive", "", "B"): ("from_party", "A receive movement needs from_party (the sender) and to_party."),
        ("return", "A", ""): ("to_party", "A return movement needs from_party (who returns) and to_party."),
        ("install", "", "B"): ("from_party", "An install movement needs from_party (where it was used) and no "
                                             "to_party."),
        ("adjust", "A", "B"): ("from_party", "An adjust movement needs exactly one of from_party (stock taken "
                                             "away) or to_party (stock added)."),
        ("ship", "A", "A"): ("to_party", "from_party and to_party are the same party: a movement must go "
                                         "somewhere."),
    }
    for (kind, source, dest), expected in cases.items():
        _, problems = parse("movements", **base, type=kind, from_party=source, to_party=dest)
        assert problems == [expected], kind
    for kind, source, dest in (("produce", "", "B"), ("adjust", "", "B"), ("adjust", "A", ""), ("scrap", "A", ""),
                               ("生产", "", "B"), ("发货", "A", "B")):
        record, problems = parse("movements", **base, type=kind, from_party=source, to_party=dest)
        assert problems == [] and record is not None, kind


def test_a_serial_number_moves_as_one_unit() -> None:
    _, problems = parse("movements", date="2026-02-01", type="ship", di="06901234567892", lot="L1",
                        serial="SN1", quantity=2, from_party="A", to_party="B")
    assert problems == [("quantity", "A movement of one serial number (SN1) has quantity 1, not 2.")]


def test_a_product_alert_cannot_come_before_its_shelf_life_starts() -> None:
    record, problems = parse("products", agency="GS1", di="6901234567892", name="注射器", risk_class="第三类",
                             shelf_life_days=90, alert_days="180;30")
    assert record is None
    assert problems == [("alert_days", "The first alert (180 days before expiry) is longer than the shelf life "
                                       "(90 days).")]
    record, problems = parse("products", agency="gs1", di="6901234567892", name="注射器", risk_class="3",
                             shelf_life_days=730)
    assert problems == []
    assert (record.di, record.risk_class, record.implantable, record.alert_days) == (
        "06901234567892", "III", False, [180, 90, 30, 7])


# -- files ------------------------------------------------------------------------------------


def test_csv_with_a_bom_without_one_and_in_gb18030_read_alike(tmp_path: Path) -> None:
    content = "批号,数量\n批2601,5\n"
    files = {"bom": ("utf-8-sig", "utf-8-sig"), "plain": ("utf-8", "utf-8"), "chinese": ("gb18030", "gb18030")}
    for name, (encoding, expected) in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_bytes(content.encode(encoding))
        source = open_source(path)
        assert (source.encoding, source.header, [r.cells for r in source.rows]) == (
            expected, ("批号", "数量"), [("批2601", "5")]), name
    assert "GB18030" in open_source(tmp_path / "chinese.csv").encoding_note


def test_row_numbers_are_the_ones_excel_shows_even_after_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A3"], sheet["B3"] = "lot", "quantity"  # the header starts on row 3
    sheet["A4"], sheet["B4"] = "L1", 1
    sheet["A7"], sheet["B7"] = "L2", 2
    workbook.save(path)

    source = open_source(path)
    rows = [(r.number, r.cells[:2]) for r in source.rows]
    source.close()

    assert source.header_number == 3
    assert rows == [(4, ("L1", 1)), (7, ("L2", 2))]


def test_files_that_cannot_be_imported_say_how_to_save_them(tmp_path: Path) -> None:
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "b.csv").write_text("lot\tquantity\nL1\t1\n", encoding="utf-8")
    (tmp_path / "c.csv").write_bytes("lot,quantity\n".encode("utf-16"))
    (tmp_path / "d.csv").write_text("", encoding="utf-8")
    for name, reason in (("a.xls", "neither an .xlsx nor a .csv"), ("b.csv", "with tabs"),
                         ("c.csv", "UTF-16"), ("d.csv", "is empty"), ("e.csv", "does not exist")):
        with pytest.raises(InvalidInput, match=reason):
            open_source(tmp_path / name)
