"""The Scan page reads a HIBC label printed as two bar codes: primary and secondary, scanned in either order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.models import Movement
from app.models.enums import Agency, LotStatus, MovementKind, PartyKind
from app.services.identity import Account
from app.services.scanning import AlarmKind, AlarmLevel, ScanLookup
from app.udi.hibcc import check_character
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.scan_page import ScanPage
from tests.factories import make_lot, make_party, make_product, move

WAREHOUSE = Account("li.na", "李娜", "active", True, False, ("warehouse",))
DI = "M123SYR551"  # labeler M123, product SYR55, unit of measure 1
PRIMARY_DATA = f"+{DI}"
CHECK = check_character(PRIMARY_DATA)
PRIMARY = PRIMARY_DATA + CHECK
OTHER_DATA = "+M123SYR561"
OTHER_PRIMARY = OTHER_DATA + check_character(OTHER_DATA)


def secondary(expiry: dt.date, lot_no: str, link: str = CHECK) -> str:
    data = f"+$$3{expiry:%y%m%d}{lot_no}{link}"
    return data + check_character(data)


@pytest.fixture
def expiry(committed: Database) -> dt.date:
    """A released HIBC lot and two parties, committed (the page's operations use their own connections)."""
    with Session(committed.engine) as session:
        today = session.execute(select(func.current_date())).scalar_one()
        expires = today + dt.timedelta(days=400)
        product = make_product(session, agency=Agency.HIBCC, di=DI, name="一次性使用无菌注射器 HIBC")
        site = make_party(session, PartyKind.MANUFACTURER, code="MFG-SZ", name="深圳工厂")
        lot = make_lot(session, product, lot_no="HL01", status=LotStatus.RELEASED, expiry_date=expires,
                       production_date=today - dt.timedelta(days=20))
        move(session, MovementKind.PRODUCE, lot, 50, dest=site, on=today - dt.timedelta(days=20))
        make_party(session, PartyKind.DISTRIBUTOR, code="DIS-SH", name="上海医药")
        session.commit()
    return expires


@pytest.fixture
def page(qtbot: QtBot, committed: Database, app_paths: AppPaths) -> Iterator[ScanPage]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    ctx = ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(committed.engine),
                      paths=app_paths, settings=Settings(language="en"))
    page = ScanPage(ctx, WAREHOUSE)
    qtbot.addWidget(page)
    with qtbot.wait_signal(page.parties_loaded, timeout=10_000):
        page.show()
    yield page
    assert runner.wait_for_all(15_000)
    assert failures == []


def scan(qtbot: QtBot, page: ScanPage, text: str) -> ScanLookup:
    with qtbot.wait_signal(page.scan_shown, timeout=10_000) as shown:
        qtbot.keyClicks(page.scan_input, text)
        qtbot.keyClick(page.scan_input, Qt.Key.Key_Return)
    return shown.args[0]


def test_a_secondary_bar_code_alone_is_read_and_asks_for_the_primary(
    qtbot: QtBot, page: ScanPage, expiry: dt.date
) -> None:
    lookup = scan(qtbot, page, secondary(expiry, "HL01"))

    assert lookup.scan.valid and lookup.scan.lot == "HL01"
    assert lookup.alarm.kind is AlarmKind.SECONDARY_ONLY and lookup.level is AlarmLevel.WARNING
    assert page.banner_title.text() == "SECONDARY BAR CODE ONLY"
    assert "does not identify the device" in page.banner_detail.text()
    assert f"check character must be “{CHECK}”" in page.banner_detail.text()
    assert page.detail_labels["lot"].text() == "HL01"
    assert page.detail_labels["di"].text() == "—"


def test_a_secondary_scanned_after_its_primary_is_read_as_one_udi(
    qtbot: QtBot, page: ScanPage, expiry: dt.date
) -> None:
    first = scan(qtbot, page, PRIMARY)
    assert first.alarm.kind is AlarmKind.NO_LOT

    lookup = scan(qtbot, page, secondary(expiry, "HL01"))

    assert lookup.scan.structure == "paired"
    assert (lookup.scan.di, lookup.scan.lot) == (DI, "HL01")
    assert lookup.lot is not None and lookup.lot.lot_no == "HL01"
    assert lookup.level is AlarmLevel.OK and page.banner_title.text() == "RELEASED"
    assert page.detail_labels["di"].text() == f"HIBCC {DI}"
    assert page.stock_table.rowCount() == 1
    assert "primary and a secondary HIBC bar code" in page.notes.text()


def test_a_primary_scanned_after_its_secondary_is_read_as_one_udi(
    qtbot: QtBot, page: ScanPage, expiry: dt.date
) -> None:
    scan(qtbot, page, secondary(expiry, "HL01"))

    lookup = scan(qtbot, page, PRIMARY)

    assert lookup.scan.structure == "paired"
    assert lookup.lot is not None and lookup.level is AlarmLevel.OK
    assert lookup.scan.raw == f"{secondary(expiry, 'HL01')}\n{PRIMARY}"
    # The pair is complete: the next scan starts afresh.
    assert scan(qtbot, page, PRIMARY).alarm.kind is AlarmKind.NO_LOT


def test_a_secondary_whose_link_does_not_match_the_primary_warns_and_is_not_paired(
    qtbot: QtBot, page: ScanPage, expiry: dt.date
) -> None:
    scan(qtbot, page, OTHER_PRIMARY)

    lookup = scan(qtbot, page, secondary(expiry, "HL01"))

    assert lookup.scan.structure == "secondary" and lookup.scan.di is None and lookup.lot is None
    assert lookup.alarm.kind is AlarmKind.LINK_MISMATCH and lookup.level is AlarmLevel.WARNING
    assert page.banner_title.text() == "BAR CODES DO NOT BELONG TOGETHER"
    assert f"“{CHECK}”" in page.banner_detail.text() and f"“{OTHER_PRIMARY[-1]}”" in page.banner_detail.text()
    assert "SECONDARY BAR CODE ONLY" in page.banner_detail.text()


def test_a_primary_after_a_secondary_of_another_product_warns_and_is_not_paired(
    qtbot: QtBot, page: ScanPage, expiry: dt.date
) -> None:
    scan(qtbot, page, secondary(expiry, "HL01"))

    lookup = scan(qtbot, page, OTHER_PRIMARY)

    assert lookup.scan.structure == "primary" and lookup.scan.lot is None
    assert [alarm.kind for alarm in lookup.alarms] == [AlarmKind.UNKNOWN_PRODUCT, AlarmKind.LINK_MISMATCH]
    assert "BAR CODES DO NOT BELONG TOGETHER" in page.banner_detail.text()


def test_esc_forgets_the_first_half_of_a_pair(qtbot: QtBot, page: ScanPage, expiry: dt.date) -> None:
    scan(qtbot, page, PRIMARY)
    qtbot.keyClick(page.scan_input, Qt.Key.Key_Escape)

    assert scan(qtbot, page, secondary(expiry, "HL01")).alarm.kind is AlarmKind.SECONDARY_ONLY


def test_in_a_shipping_run_the_half_alone_is_refused_and_the_pair_records_one_movement(
    qtbot: QtBot, expiry: dt.date, page: ScanPage, committed: Database
) -> None:
    page.choose(MovementKind.SHIP, "MFG-SZ", "DIS-SH")
    page.start_recording()

    with qtbot.wait_signal(page.movement_refused, timeout=10_000) as refused:
        scan(qtbot, page, secondary(expiry, "HL01"))
    assert "no device identifier" in refused.args[0]
    with qtbot.wait_signal(page.movement_recorded, timeout=10_000) as recorded:
        scan(qtbot, page, PRIMARY)

    assert (recorded.args[0].di, recorded.args[0].lot_no) == (DI, "HL01")
    with Session(committed.engine) as session:
        raws = session.execute(select(Movement.raw_udi).where(Movement.kind == MovementKind.SHIP)).scalars().all()
    assert raws == [f"{secondary(expiry, 'HL01')}\n{PRIMARY}"]
    assert page.session_count.text() == "This session: 1 recorded, 1 refused"
