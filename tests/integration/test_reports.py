"""Regulatory reports against the real database: content, the export record, verification, bad input."""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from openpyxl import load_workbook
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.cli import report as report_cli_group
from app.config import AppPaths
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound
from app.models.enums import MovementKind, PartyKind
from app.reports.catalogue import CATALOGUE
from app.services.audit_trail import verify_audit_trail
from app.services.reports import (
    NMPA_COLUMNS,
    NothingToReport,
    ReportNotWritten,
    export_report,
    verify_report_file,
)
from app.services.trace import trace_lot
from tests.conftest import Person
from tests.factories import gtin14, make_lot, make_party, make_product, move
from tests.integration.test_lot_release import make_release_ready_lot, prepare_checklist, sign
from tests.integration.trace_scenario import TraceScenario, build_trace_scenario

SHANGHAI = ZoneInfo("Asia/Shanghai")

# These tests commit through the owner connection; what they make is removed afterwards.
pytestmark = pytest.mark.usefixtures("committed")


class StopPressed(Exception):
    """What the GUI's Cancel raises inside the work."""


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def exports_recorded(conn: psycopg.Connection, number_prefix: str = "") -> int:
    return conn.execute("SELECT count(*) FROM audit_entry WHERE table_name = 'report_export' AND record_id LIKE %s",
                        (number_prefix + "%",)).fetchone()[0]


def sheet_rows(path: Path, name: str) -> list[tuple[object, ...]]:
    book = load_workbook(path, read_only=True)
    try:
        return list(book[name].iter_rows(values_only=True))
    finally:
        book.close()


def driver(connection: Connection) -> psycopg.Connection:
    return connection.connection.driver_connection  # type: ignore[return-value]


@pytest.fixture
def scenario(session: Session) -> TraceScenario:
    return build_trace_scenario(session)


@pytest.fixture
def reviewer(make_person) -> Person:
    return make_person("qa_reviewer")


@pytest.fixture
def approver(make_person) -> Person:
    return make_person("qa_approver")


@pytest.fixture
def released_lot(database: Database, owner_conn: psycopg.Connection, reviewer: Person, approver: Person) -> int:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    assert sign(database, reviewer, [lot_id], "reviewed").all_signed
    assert sign(database, approver, [lot_id], "approved").all_signed
    return lot_id


def lot_no_of(owner_conn: psycopg.Connection, lot_id: int) -> tuple[str, str]:
    return owner_conn.execute("SELECT l.lot_no, p.di FROM lot l JOIN product p ON p.id = l.product_id "
                              "WHERE l.id = %s", (lot_id,)).fetchone()


# -- 1. lot release record -------------------------------------------------------------------------


@pytest.mark.clause("21 CFR 11.50")
@pytest.mark.clause("Annex 11 §8.1")
@pytest.mark.clause("ISO 13485 4.2.5")
def test_a_release_record_prints_lot_udi_qc_checklist_and_every_signature_manifestation(
    database: Database, owner_conn: psycopg.Connection, released_lot: int, reviewer: Person, approver: Person,
    tmp_path: Path,
) -> None:
    lot_no, di = lot_no_of(owner_conn, released_lot)
    result = export_report(UnitOfWork.for_engine(database.engine), report="release-record",
                           params={"lot": lot_no}, fmt="pdf", out=tmp_path / "release.pdf", language="zh_CN",
                           zone=SHANGHAI)
    text = pdf_text(result.path)
    signed = owner_conn.execute("SELECT printed_name, signed_at FROM lot_signature WHERE lot_id = %s ORDER BY id",
                                (released_lot,)).fetchall()
    for expected in (
        "批放行记录", lot_no, "一次性使用输液器", "Infusion set", f"(01){di}(11)261001(17)290930(10){lot_no}",
        "无菌 Sterility", "外观 Appearance", "无破损", "合格", "已放行", "检验结果已录入且全部合格",
        "已审核——建议放行", "批准放行", reviewer.login, approver.login, "签名有效", "所有签名均验证有效",
        signed[0][0], signed[1][0], f"{signed[0][1].astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}", result.number,
        result.fingerprint, "原始录入后无更改",
    ):
        assert expected in text, expected
    assert "CHANGED AFTER SIGNING" not in text
    assert result.rows > 0 and result.pages >= 1


def test_a_release_record_of_a_lot_changed_after_signing_shows_the_change_flag_and_the_change(
    database: Database, owner_conn: psycopg.Connection, released_lot: int, tmp_path: Path,
) -> None:
    owner_conn.execute("BEGIN")
    owner_conn.execute("SELECT set_config('medtrace.reason', 'typo on the label copy', true)")
    owner_conn.execute("UPDATE lot SET expiry_date = expiry_date + 365 WHERE id = %s", (released_lot,))
    owner_conn.execute("COMMIT")
    lot_no, _di = lot_no_of(owner_conn, released_lot)
    result = export_report(UnitOfWork.for_engine(database.engine), report="release-record",
                           params={"lot": lot_no}, fmt="pdf", out=tmp_path / "changed.pdf", language="en",
                           zone=SHANGHAI)
    text = pdf_text(result.path)
    assert text.count("CHANGED AFTER SIGNING") >= 3  # both signatures and the note
    assert "no longer covers" in text and "Annex 11 §8.2" in text
    assert "Signature valid" not in text
    for expected in ("Changes since original entry", "expiry_date", "2029-09-30", "2030-09-30",
                     "typo on the label"):
        assert expected in text, expected


@pytest.mark.clause("21 CFR 11.10(b)")
@pytest.mark.clause("Annex 11 §8.1")
def test_editing_one_byte_of_an_exported_pdf_makes_verification_fail(
    database: Database, owner_conn: psycopg.Connection, released_lot: int, tmp_path: Path,
) -> None:
    lot_no, _di = lot_no_of(owner_conn, released_lot)
    result = export_report(UnitOfWork.for_engine(database.engine), report="release-record",
                           params={"lot": lot_no}, fmt="pdf", out=tmp_path / "original.pdf", language="en")
    good = verify_report_file(owner_conn, result.path)
    assert good.ok and good.exports[0].number == result.number
    assert good.exports[0].chain_intact is True  # committed: its link in the hash chain recomputes
    assert good.exports[0].exported_by == "postgres" and good.exports[0].rows == result.rows
    assert "is report " + result.number in good.describe()

    tampered = tmp_path / "tampered.pdf"
    data = bytearray(result.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    bad = verify_report_file(owner_conn, tampered)
    assert not bad.ok and bad.exports == ()
    assert bad.describe().startswith("NOT A FILE MEDTRACE PRODUCED")


# -- 2. lot traceability ---------------------------------------------------------------------------


@pytest.mark.clause("21 CFR 11.10(b)")
@pytest.mark.clause("ISO 13485 7.5.9")
def test_a_traceability_report_lists_consignees_per_tier_and_the_timeline_in_pdf_and_excel(
    uow: UnitOfWork, scenario: TraceScenario, connection: Connection, tmp_path: Path,
) -> None:
    pdf = export_report(uow, report="trace", params={"lot": "N-001"}, fmt="pdf", out=tmp_path / "trace.pdf",
                        language="zh_CN", zone=SHANGHAI)
    xlsx = export_report(uow, report="trace", params={"lot": "N-001"}, fmt="xlsx", out=tmp_path / "trace.xlsx",
                         language="en", zone=SHANGHAI)
    forward = trace_lot(uow, direction="forward", lot_no="N-001")
    text = pdf_text(pdf.path)
    for expected in ("批次追溯报告", "正向：各级收货单位", "上海康健医疗器械有限公司", "无锡市人民医院",
                     "宁波针管材料有限公司",
                     "流向时间线", "S-101", "K-301", "I-201", "SH-S-101-1000", "经营企业", "使用单位"):
        assert expected in text, expected

    consignees = sheet_rows(xlsx.path, "Consignees")
    assert consignees[0] == ("Tier", "Party", "Name", "Kind", "DI", "Lot no.", "Shipped", "Returned", "On hand")
    expected_rows = sorted(((c.tier, c.party_code, c.party_name, c.di, c.lot_no, c.shipped, c.returned, c.on_hand)
                            for c in forward.consignees), key=lambda r: (r[0], r[1], r[3], r[4]))
    assert [(r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[8]) for r in consignees[1:]] == expected_rows
    timeline = sheet_rows(xlsx.path, "Timeline")[1:]
    assert all(isinstance(row[0], dt.datetime) for row in timeline)  # real dates
    assert len(timeline) == len({m.id for m in forward.movements} | {
        m.id for m in trace_lot(uow, direction="backward", lot_no="N-001").movements})
    assert xlsx.fingerprint != pdf.fingerprint  # different language, different words shown
    assert exports_recorded(driver(connection), "TR-") >= 2


# -- 3. audit-trail extract ------------------------------------------------------------------------


def test_an_audit_extract_for_a_lot_shows_old_and_new_values_flags_changes_and_states_the_chain_check(
    database: Database, owner_conn: psycopg.Connection, tmp_path: Path,
) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    owner_conn.execute("BEGIN")
    owner_conn.execute("SELECT set_config('medtrace.reason', '复核后更正数量 corrected count', true)")
    owner_conn.execute("UPDATE lot SET quantity = 480 WHERE id = %s", (lot_id,))
    owner_conn.execute("COMMIT")
    lot_no, di = lot_no_of(owner_conn, lot_id)
    uow = UnitOfWork.for_engine(database.engine)
    pdf = export_report(uow, report="audit-extract", params={"lot": lot_no, "di": di}, fmt="pdf",
                        out=tmp_path / "audit.pdf", language="zh_CN", zone=SHANGHAI)
    xlsx = export_report(uow, report="audit-extract", params={"lot": lot_no, "di": di}, fmt="xlsx",
                         out=tmp_path / "audit.xlsx", language="zh_CN", zone=SHANGHAI)
    text = pdf_text(pdf.path)
    chain = verify_audit_trail(owner_conn)
    assert ("审计追踪校验完整" if chain.ok else "审计追踪已被破坏") in text
    for expected in ("审计追踪摘录", "quantity: 500", "quantity: 480", "复核后更正数量",
                     "原始录入后修改", "qc_result", "test_name=无菌", "postgres"):  # ids may wrap "#n"
        assert expected in text, expected

    entries = owner_conn.execute(
        "SELECT id, action, reason FROM audit_entry WHERE (table_name = 'lot' AND record_id = %s) "
        "OR (table_name = 'qc_result' AND new_values ->> 'lot_id' = %s) ORDER BY id",
        (str(lot_id), str(lot_id))).fetchall()
    read = [row + (None,) * (11 - len(row)) for row in sheet_rows(xlsx.path, "审计追踪记录")]  # empty cells unwritten
    assert read[0][:3] == ("序号", "时间 (UTC+08:00)", "操作人")
    assert [(r[0], r[9]) for r in read[1:]] == [(e[0], e[2]) for e in entries]
    assert [r[10] for r in read[1:]] == ["原始录入后修改" if e[1] == "UPDATE" else None for e in entries]
    assert xlsx.rows == len(entries) and isinstance(read[1][1], dt.datetime)


def test_an_audit_extract_that_selects_nothing_writes_no_file_and_records_nothing(
    uow: UnitOfWork, connection: Connection, tmp_path: Path,
) -> None:
    before = exports_recorded(driver(connection))
    with pytest.raises(NothingToReport, match="No audit-trail entry matches"):
        export_report(uow, report="audit-extract", params={"user": "nobody_at_all"}, fmt="pdf",
                      out=tmp_path / "none.pdf")
    assert list(tmp_path.iterdir()) == []
    assert exports_recorded(driver(connection)) == before


# -- 4. expiry -------------------------------------------------------------------------------------


def test_the_expiry_report_lists_lots_expiring_within_n_days_by_product_and_location_with_stock(
    uow: UnitOfWork, session: Session, tmp_path: Path,
) -> None:
    today = session.execute(text("SELECT current_date")).scalar()
    site = make_party(session, PartyKind.MANUFACTURER, name="苏州工厂（效期测试）")
    shop = make_party(session, PartyKind.DISTRIBUTOR, name="杭州经销商（效期测试）")
    product = make_product(session, name="一次性使用导尿管", name_en="Urinary catheter")
    soon = make_lot(session, product, lot_no="EXP-SOON", production_date=today - dt.timedelta(days=700),
                    expiry_date=today + dt.timedelta(days=12))
    later = make_lot(session, product, lot_no="EXP-LATER", production_date=today - dt.timedelta(days=700),
                     expiry_date=today + dt.timedelta(days=200))
    for lot in (soon, later):
        move(session, MovementKind.PRODUCE, lot, 100, dest=site)
        move(session, MovementKind.SHIP, lot, 30, source=site, dest=shop)
    pdf = export_report(uow, report="expiry", params={"days": "30"}, fmt="pdf", out=tmp_path / "expiry.pdf",
                        language="zh_CN")
    xlsx = export_report(uow, report="expiry", params={"days": 30}, fmt="xlsx", out=tmp_path / "expiry.xlsx",
                         language="en")
    printed = pdf_text(pdf.path)
    assert "效期报告" in printed and "EXP-SOON" in printed and "EXP-LATER" not in printed
    assert "苏州工厂（效期测试）" in printed and "杭州经销商（效期测试）" in printed
    rows = sheet_rows(xlsx.path, "By product and location")
    mine = [r for r in rows[1:] if r[2] == "EXP-SOON"]
    assert sorted((r[7], r[9], r[4]) for r in mine) == sorted([("苏州工厂（效期测试）", 70, 12),
                                                               ("杭州经销商（效期测试）", 30, 12)])
    assert not [r for r in rows if r[2] == "EXP-LATER"]


# -- 5. UDI data export ----------------------------------------------------------------------------


@pytest.mark.clause("UDI 规则")
@pytest.mark.clause("ISO 13485 7.5.8")
def test_the_udi_exports_hold_one_row_per_product_in_the_nmpa_and_gudid_layouts(
    uow: UnitOfWork, scenario: TraceScenario, session: Session, tmp_path: Path,
) -> None:
    nmpa = export_report(uow, report="udi-nmpa", params={"agency": "GS1"}, fmt="xlsx", out=tmp_path / "udid.xlsx")
    gudid = export_report(uow, report="udi-gudid", params={}, fmt="xlsx", out=tmp_path / "gudid.xlsx")
    products = session.execute(text(
        "SELECT di, name, model, registration_no FROM product WHERE agency = 'GS1' ORDER BY di")).all()
    sheet = sheet_rows(nmpa.path, "UDID")
    assert list(sheet[0]) == [label for _code, label in NMPA_COLUMNS]
    assert [(r[0], r[9], r[11], r[20]) for r in sheet[1:]] == [tuple(v or None for v in p) for p in products]
    implant = next(r for r in sheet[1:] if r[0] == scenario.implant.di)
    assert implant[32] == "是" and implant[1] == "GS1" and implant[15] == "Ⅲ类"  # serialised: 序列号 是
    rows = sheet_rows(gudid.path, "GUDID")
    assert rows[0][:3] == ("Primary DI Number", "Issuing Agency", "Device Count")
    screw = next(r for r in rows[1:] if r[0] == scenario.implant.di)
    assert screw[3] == "Bone screw" and screw[10] == "Y" and screw[-1] == "Y"
    with pytest.raises(InvalidInput, match="written as XLSX"):
        export_report(uow, report="udi-nmpa", params={}, fmt="pdf", out=tmp_path / "udid.pdf")


# -- bad input and interruptions -------------------------------------------------------------------


def test_a_missing_folder_or_a_file_in_place_of_a_folder_is_refused_before_anything_is_written(
    uow: UnitOfWork, scenario: TraceScenario, tmp_path: Path,
) -> None:
    with pytest.raises(ReportNotWritten, match="does not exist"):
        export_report(uow, report="trace", params={"lot": "S-101"}, fmt="pdf", out=tmp_path / "no" / "t.pdf")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ReportNotWritten, match="is not a folder"):
        export_report(uow, report="trace", params={"lot": "S-101"}, fmt="pdf", out=tmp_path / "file" / "t.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_full_disk_leaves_no_half_written_file_and_records_nothing(
    uow: UnitOfWork, scenario: TraceScenario, connection: Connection, tmp_path: Path,
) -> None:
    before = exports_recorded(driver(connection))
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, limits[1]))
    try:
        with pytest.raises(ReportNotWritten, match="not enough space"):
            export_report(uow, report="trace", params={"lot": "N-001"}, fmt="pdf", out=tmp_path / "full.pdf")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)
    assert list(tmp_path.iterdir()) == []
    assert exports_recorded(driver(connection)) == before


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_cancelling_half_way_leaves_no_file_and_records_nothing(
    uow: UnitOfWork, session: Session, connection: Connection, tmp_path: Path, fmt: str,
) -> None:
    site = make_party(session, PartyKind.MANUFACTURER)
    product = make_product(session)
    for n in range(40):
        move(session, MovementKind.PRODUCE, make_lot(session, product, lot_no=f"CX-{n:03d}"), 5, dest=site)
    before = exports_recorded(driver(connection))
    calls = []

    def cancel(done: int, total: int) -> None:
        calls.append((done, total))
        raise StopPressed

    with pytest.raises(StopPressed):
        export_report(uow, report="audit-extract", params={"since": "2000-01-01"}, fmt=fmt,
                      out=tmp_path / f"cancelled.{fmt}", progress=cancel)
    assert calls and calls[0][0] < calls[0][1]  # stopped with rows still to go
    assert list(tmp_path.iterdir()) == []
    assert exports_recorded(driver(connection)) == before


def test_parameters_are_checked_against_the_catalogue(uow: UnitOfWork, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no report called"):
        export_report(uow, report="everything", params={}, fmt="pdf", out=tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match="Enter the lot number"):
        export_report(uow, report="release-record", params={}, fmt="pdf", out=tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match="give at least one of"):
        export_report(uow, report="audit-extract", params={}, fmt="pdf", out=tmp_path / "x.pdf")
    with pytest.raises(InvalidInput, match=r"ends .* before it starts"):
        export_report(uow, report="audit-extract", params={"since": "2026-02-01", "until": "2026-01-01"},
                      fmt="xlsx", out=tmp_path / "x.xlsx")
    with pytest.raises(InvalidInput, match="between 1 and 3650"):
        export_report(uow, report="expiry", params={"days": "0"}, fmt="pdf", out=tmp_path / "x.pdf")
    with pytest.raises(NotFound, match="There is no lot NOPE"):
        export_report(uow, report="release-record", params={"lot": "NOPE"}, fmt="pdf", out=tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


# -- the command line ------------------------------------------------------------------------------


@pytest.fixture
def report_cli(app_paths: AppPaths) -> Iterator[tuple[argparse.ArgumentParser, str]]:
    """The `report` subcommands as app/cli.py adds them, on the test session's embedded database."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home")
    common.add_argument("--profile")
    common.add_argument("--json", action="store_true")
    parser = argparse.ArgumentParser(prog="medtrace")
    report_cli_group.add_parsers(parser.add_subparsers(dest="command"), common)
    yield parser, str(app_paths.config_dir.parent)


def test_the_report_command_writes_a_recorded_file_and_verify_tells_it_from_an_edited_copy(
    report_cli: tuple[argparse.ArgumentParser, str], owner_conn: psycopg.Connection, tmp_path: Path,
) -> None:
    parser, home = report_cli
    commands = report_cli_group.COMMANDS
    owner_conn.execute("INSERT INTO product (agency, di, name, risk_class, shelf_life_days) "
                       "VALUES ('GS1', %s, '医用外科口罩', 'II', 730) ON CONFLICT DO NOTHING",
                       (gtin14("0697999999991"),))
    out = tmp_path / "udid.xlsx"
    args = parser.parse_args(["report", "udi-nmpa", "--out", str(out), "--home", home, "--language", "zh_CN"])
    written = commands[("report", "udi-nmpa")](args)
    assert written["format"] == "xlsx" and out.exists() and "recorded in the audit trail" in written["text"]

    verified = commands[("report", "verify")](parser.parse_args(["report", "verify", str(out), "--home", home]))
    assert verified["_exit"] == 0 and verified["exports"][0]["number"] == written["number"]
    assert verified["exports"][0]["chain_intact"] is True
    out.write_bytes(out.read_bytes() + b"\0")
    refused = commands[("report", "verify")](parser.parse_args(["report", "verify", str(out), "--home", home]))
    assert refused["_exit"] == 1 and refused["produced_by_medtrace"] is False
    listed = commands[("report", "list")](parser.parse_args(["report", "list"]))
    assert [r["name"] for r in listed["reports"]] == list(CATALOGUE)
