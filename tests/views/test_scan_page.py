"""The Scan page against a real database: typed scans, the alarm banner, and a run of recorded shipments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.models import Movement, SerialUnit
from app.models.enums import LotStatus, MovementKind, PartyKind
from app.services.identity import Account
from app.services.scanning import AlarmLevel, ScanLookup
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.scan_page import ScanPage
from tests.factories import gtin14, make_lot, make_party, make_product, move

GTIN = gtin14("0695432100777")
WAREHOUSE = Account("li.na", "李娜", "active", True, False, ("warehouse",))
AUDITOR = Account("zhou.min", "周敏", "active", True, False, ("auditor",))


@dataclass(frozen=True)
class Stock:
    expiry: dt.date


@pytest.fixture
def stock(committed: Database) -> Stock:
    """Committed for real: the page's operations use their own connections, one after another."""
    with Session(committed.engine) as session:
        today = session.execute(select(func.current_date())).scalar_one()
        expiry = today + dt.timedelta(days=400)
        product = make_product(session, di=GTIN, name="一次性使用无菌注射器", name_en="Sterile single-use syringe")
        site = make_party(session, PartyKind.MANUFACTURER, code="MFG-SZ", name="深圳工厂")
        make_party(session, PartyKind.DISTRIBUTOR, code="DIS-SH", name="上海医药")
        for lot_no, status in (("REL-1", LotStatus.RELEASED), ("REC-1", LotStatus.RECALLED)):
            lot = make_lot(session, product, lot_no=lot_no, status=status, expiry_date=expiry,
                           production_date=today - dt.timedelta(days=20))
            move(session, MovementKind.PRODUCE, lot, 100, dest=site, on=today - dt.timedelta(days=20))
            if lot_no == "REL-1":
                session.add_all([SerialUnit(lot_id=lot.id, serial=f"SN-{n}") for n in (1, 2, 3)])
        session.commit()
    return Stock(expiry)


@pytest.fixture
def ctx(committed: Database, app_paths: AppPaths) -> Iterator[ViewContext]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(committed.engine),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(15_000)
    assert failures == []


def open_page(qtbot: QtBot, ctx: ViewContext, account: Account = WAREHOUSE) -> ScanPage:
    page = ScanPage(ctx, account)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.wait_signal(page.parties_loaded, timeout=10_000):
        page.show()
    page.activateWindow()
    qtbot.wait_until(page.isActiveWindow)
    return page


def label(stock: Stock, lot_no: str, serial: str | None = None, separator: str = "\x1d") -> str:
    content = f"01{GTIN}17{stock.expiry:%y%m%d}10{lot_no}"
    return content + (f"{separator}21{serial}" if serial else "")


def type_scan(qtbot: QtBot, page: ScanPage, text: str) -> ScanLookup:
    """What a keyboard-wedge scanner does: one key per character, then Enter."""
    with qtbot.wait_signal(page.scan_shown, timeout=10_000) as shown:
        qtbot.keyClicks(page.scan_input, text)
        qtbot.keyClick(page.scan_input, Qt.Key.Key_Return)
    return shown.args[0]


def shipped(ctx: ViewContext) -> list[tuple[str | None, str | None, int]]:
    with ctx.new_uow() as uow:
        rows = uow.session.execute(select(Movement.serial, Movement.raw_udi, Movement.quantity)
                                   .where(Movement.kind == MovementKind.SHIP).order_by(Movement.id)).all()
    return [tuple(row) for row in rows]


def test_before_any_scan_the_page_says_what_to_do(qtbot: QtBot, ctx: ViewContext, stock: Stock) -> None:
    page = open_page(qtbot, ctx)

    assert page.details_stack.currentIndex() == 0
    assert "scan the UDI on a label" in page.empty_message.text()
    assert page.banner.isHidden()
    assert page.scan_input.hasFocus()


def test_a_typed_scan_with_a_gs_substitute_shows_the_product_and_a_red_banner_for_a_recalled_lot(
    qtbot: QtBot, ctx: ViewContext, stock: Stock
) -> None:
    page = open_page(qtbot, ctx)
    page.gs_setting.setCurrentIndex(page.gs_setting.findData("~"))
    alarms: list[str] = []
    page.alarm_raised.connect(alarms.append)

    lookup = type_scan(qtbot, page, label(stock, "REC-1", "SN-7", separator="~"))

    assert (lookup.scan.lot, lookup.scan.serial) == ("REC-1", "SN-7")
    assert lookup.level is AlarmLevel.STOP
    assert page.banner.isVisible() and page.banner.property("level") == "stop"
    assert page.banner_title.text() == "RECALLED"
    assert "Lot REC-1 is recalled" in page.banner_detail.text()
    assert page.detail_labels["name"].text() == "一次性使用无菌注射器"
    assert page.detail_labels["name_en"].text() == "Sterile single-use syringe"
    assert page.detail_labels["di"].text() == f"GS1 {GTIN}"
    assert page.detail_labels["status"].text() == "Recalled"
    assert page.detail_labels["expiry_date"].text().startswith(stock.expiry.isoformat())
    assert alarms == ["recalled"]
    assert page.scan_input.text() == ""  # ready for the next scan


def test_a_released_lot_shows_a_green_banner_with_its_stock(qtbot: QtBot, ctx: ViewContext, stock: Stock) -> None:
    page = open_page(qtbot, ctx)

    type_scan(qtbot, page, label(stock, "REL-1"))

    assert page.banner.property("level") == "ok" and page.banner_title.text() == "RELEASED"
    assert page.stock_table.rowCount() == 1
    assert [page.stock_table.item(0, c).text() for c in (0, 3)] == ["MFG-SZ", "100"]


def test_the_gs_control_character_from_the_scanner_is_kept_and_shown(
    qtbot: QtBot, ctx: ViewContext, stock: Stock
) -> None:
    page = open_page(qtbot, ctx)
    head, serial = label(stock, "REL-1"), "21SN-2"

    with qtbot.wait_signal(page.scan_shown, timeout=10_000) as shown:
        qtbot.keyClicks(page.scan_input, head)
        # A text field drops ASCII 29 typed at it; the scan field must not.
        QApplication.sendEvent(page.scan_input, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_BracketRight,
                                                          Qt.KeyboardModifier.ControlModifier, "\x1d"))
        assert page.scan_input.text() == head + "«GS»"
        qtbot.keyClicks(page.scan_input, serial)
        qtbot.keyClick(page.scan_input, Qt.Key.Key_Return)

    lookup: ScanLookup = shown.args[0]
    assert (lookup.scan.lot, lookup.scan.serial, lookup.serial_known) == ("REL-1", "SN-2", True)
    assert page.detail_labels["serial"].text() == "SN-2"


def test_an_unreadable_scan_is_shown_as_an_alarm_with_the_reason(
    qtbot: QtBot, ctx: ViewContext, stock: Stock
) -> None:
    page = open_page(qtbot, ctx)

    type_scan(qtbot, page, "01" + GTIN[:-1] + "0")

    assert page.banner.property("level") == "stop"
    assert page.banner_title.text() == "CANNOT READ THE SCAN"
    assert "check digit" in page.banner_detail.text()


@pytest.fixture
def chinese_messages(request: pytest.FixtureRequest) -> None:
    """The catalogue's messages in Chinese for this test (as the GUI sets them for a Chinese workstation)."""
    from app import messages

    request.addfinalizer(lambda: messages.set_language("en"))
    messages.set_language("zh_CN")


def test_the_reason_a_scan_cannot_be_read_and_the_scan_notes_are_in_the_workstations_language(
    qtbot: QtBot, ctx: ViewContext, stock: Stock, chinese_messages: None
) -> None:
    page = open_page(qtbot, ctx)

    lookup = type_scan(qtbot, page, "01" + GTIN[:-1] + "0")

    assert lookup.scan.errors[0].startswith("The GTIN")  # the service's record stays English
    assert "校验位错误" in page.banner_detail.text()

    type_scan(qtbot, page, f"(01){GTIN}(17){stock.expiry:%y%m%d}(10)REL-1(01){GTIN}")
    assert "应用标识符 AI (01) 以相同的值出现了两次。" in page.notes.text()


def test_esc_clears_the_field_and_the_result(qtbot: QtBot, ctx: ViewContext, stock: Stock) -> None:
    page = open_page(qtbot, ctx)
    type_scan(qtbot, page, label(stock, "REL-1"))
    qtbot.keyClicks(page.scan_input, "0106")

    qtbot.keyClick(page.scan_input, Qt.Key.Key_Escape)

    assert page.scan_input.text() == ""
    assert page.banner.isHidden() and page.details_stack.currentIndex() == 0


def test_a_run_of_three_scans_in_ship_mode_records_three_movements_and_lists_them(
    qtbot: QtBot, ctx: ViewContext, stock: Stock
) -> None:
    page = open_page(qtbot, ctx)
    page.choose(MovementKind.SHIP, "MFG-SZ", "DIS-SH", document_no="DN-0001")
    page.document_no.setFocus()
    page.gs_setting.setCurrentIndex(page.gs_setting.findData("~"))
    page.start_recording()
    assert page.recording and not page.kind.isEnabled() and not page.from_party.isEnabled()

    for n in (1, 2, 3):
        with qtbot.wait_signal(page.movement_recorded, timeout=10_000):
            qtbot.keyClicks(page.scan_input, label(stock, "REL-1", f"SN-{n}", separator="~"))
            qtbot.keyClick(page.scan_input, Qt.Key.Key_Return)
        assert page.scan_input.hasFocus()  # the next scan goes to the field, whatever was clicked before

    rows = page.session_rows()
    assert [row[1:5] for row in rows] == [["ship", "REL-1", f"SN-{n}", "1"] for n in (1, 2, 3)]
    assert all(row[5] == "✓ recorded" for row in rows)
    assert page.session_count.text() == "This session: 3 recorded, 0 refused"
    assert shipped(ctx) == [(f"SN-{n}", label(stock, "REL-1", f"SN-{n}"), 1) for n in (1, 2, 3)]


def test_a_recalled_lot_scanned_in_a_shipping_run_is_refused_and_listed_with_the_reason(
    qtbot: QtBot, ctx: ViewContext, stock: Stock
) -> None:
    page = open_page(qtbot, ctx)
    page.choose(MovementKind.SHIP, "MFG-SZ", "DIS-SH")
    page.start_recording()

    with qtbot.wait_signal(page.movement_refused, timeout=10_000) as refused:
        type_scan(qtbot, page, label(stock, "REC-1"))

    assert "Lot REC-1 is recalled: it may not be shipped" in refused.args[0]
    [row] = page.session_rows()
    assert row[5] == "✗ Not recorded: RECALLED"
    assert "Lot REC-1 is recalled" in page.session_table.item(0, 5).toolTip()
    assert page.banner_title.text() == "RECALLED"
    assert page.session_count.text() == "This session: 0 recorded, 1 refused"
    assert shipped(ctx) == []


def test_recording_needs_the_parties_before_it_starts(qtbot: QtBot, ctx: ViewContext, stock: Stock) -> None:
    page = open_page(qtbot, ctx)
    page.choose(MovementKind.SHIP, "MFG-SZ", None)

    page.start_recording()

    assert not page.recording and not page.record_button.isChecked()
    assert page.record_problem.text() == "Choose where the units go to."


def test_a_person_without_the_warehouse_role_may_look_up_but_not_record(
    qtbot: QtBot, ctx: ViewContext, stock: Stock
) -> None:
    page = open_page(qtbot, ctx, AUDITOR)

    assert not page.record_box.isEnabled()
    assert "not record movements" in page.record_state.text()
    assert type_scan(qtbot, page, label(stock, "REL-1")).level is AlarmLevel.OK


def test_more_units_than_the_stock_are_refused_in_a_run_and_nothing_is_written(
    qtbot: QtBot, ctx: ViewContext, stock: Stock
) -> None:
    page = open_page(qtbot, ctx)
    page.choose(MovementKind.SHIP, "MFG-SZ", "DIS-SH", quantity=101)
    page.start_recording()

    with qtbot.wait_signal(page.movement_refused, timeout=10_000) as refused:
        type_scan(qtbot, page, label(stock, "REL-1"))

    assert "stock cannot go below zero" in refused.args[0]
    assert page.session_rows()[0][4:] == ["101", "✗ Not recorded: not enough stock at MFG-SZ"]
    assert shipped(ctx) == []


def test_a_recall_recorded_elsewhere_turns_the_shown_unit_red_without_a_new_scan(
    qtbot: QtBot, ctx: ViewContext, stock: Stock, committed: Database
) -> None:
    page = open_page(qtbot, ctx)
    type_scan(qtbot, page, label(stock, "REL-1"))
    assert page.banner_title.text() == "RELEASED"
    with Session(committed.engine) as session:
        session.execute(text("SELECT set_config('medtrace.reason', 'Recall R-1 started', true)"))
        session.execute(text("UPDATE lot SET status = 'recalled' WHERE lot_no = 'REL-1'"))
        session.commit()
    alarms: list[str] = []
    page.alarm_raised.connect(alarms.append)

    with qtbot.wait_signal(page.scan_shown, timeout=10_000):
        ctx.broadcast.announce(frozenset({"lot"}))

    assert page.banner_title.text() == "RECALLED" and page.banner.property("level") == "stop"
    assert alarms == []  # a refresh is quiet: nobody just scanned anything
