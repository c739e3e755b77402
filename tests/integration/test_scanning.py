"""Scanning against the real database: what a scan is, and movements recorded from scans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, StockWouldGoNegative
from app.models import Lot, Movement, Party, Product, SerialUnit
from app.models.enums import LotStatus, MovementKind, PartyKind
from app.services.scanning import (
    AlarmKind,
    AlarmLevel,
    list_parties,
    look_up_scan,
    record_scanned_movement,
    restore_group_separators,
)
from app.udi import ScanResult, parse_scan
from tests.factories import gtin14, make_lot, make_party, make_product, move

GTIN = gtin14("0695432100123")  # 06954321001236: a real GTIN-14 with its check digit
GS = "\x1d"


@dataclass
class Warehouse:
    today: dt.date
    product: Product
    site: Party
    distributor: Party
    hospital: Party
    supplier: Party
    lots: dict[str, Lot]


@pytest.fixture
def warehouse(session: Session) -> Warehouse:
    """One product (alerts at 90 and 14 days), one lot per status, 100 units of each at our site."""
    today = session.execute(select(func.current_date())).scalar_one()
    product = make_product(session, di=GTIN, name="一次性使用无菌注射器", name_en="Sterile single-use syringe",
                           alert_days=[90, 14])
    site = make_party(session, PartyKind.MANUFACTURER, code="MFG-SZ", name="深圳工厂")
    distributor = make_party(session, PartyKind.DISTRIBUTOR, code="DIS-SH", name="上海医药")
    hospital = make_party(session, PartyKind.HOSPITAL, code="HOS-A", name="第一人民医院")
    supplier = make_party(session, PartyKind.SUPPLIER, code="SUP-1", name="供应商")
    produced, expires = today - dt.timedelta(days=30), today + dt.timedelta(days=400)
    specs = {
        "REL-1": (LotStatus.RELEASED, expires),
        "REC-1": (LotStatus.RECALLED, expires),
        "HLD-1": (LotStatus.ON_HOLD, expires),
        "QUA-1": (LotStatus.QUARANTINE, expires),
        "REV-1": (LotStatus.UNDER_REVIEW, expires),
        "REJ-1": (LotStatus.REJECTED, expires),
        "EXP-1": (LotStatus.EXPIRED, today - dt.timedelta(days=3)),
        "OLD-1": (LotStatus.RELEASED, today - dt.timedelta(days=1)),  # released, but past its date
        "SOON-1": (LotStatus.RELEASED, today + dt.timedelta(days=10)),
        "SER-1": (LotStatus.RELEASED, expires),
    }
    lots = {}
    for lot_no, (status, expiry) in specs.items():
        lot = make_lot(session, product, lot_no=lot_no, status=status, production_date=min(produced, expiry),
                       expiry_date=expiry, quantity=100)
        move(session, MovementKind.PRODUCE, lot, 100, dest=site, on=produced)
        lots[lot_no] = lot
    session.add_all([SerialUnit(lot_id=lots["SER-1"].id, serial=f"SN-{n}") for n in (1, 2, 3)])
    session.flush()
    return Warehouse(today, product, site, distributor, hospital, supplier, lots)


def scan_of(w: Warehouse, lot_no: str, serial: str | None = None, *, separator: str = GS) -> str:
    """A GS1 DataMatrix content as a scanner sends it: expiry, lot, then GS before the serial."""
    lot = w.lots.get(lot_no)
    expiry = (lot.expiry_date if lot else w.today + dt.timedelta(days=400)).strftime("%y%m%d")
    content = f"]d201{GTIN}17{expiry}10{lot_no}"
    return content + (f"{separator}21{serial}" if serial else "")


def parsed(text_: str, substitute: str = "") -> ScanResult:
    """The scan as the page reads it: separators restored, judged on the calendar date."""
    return parse_scan(restore_group_separators(text_, substitute), as_of=dt.date.today())  # noqa: DTZ011


def movements(session: Session) -> list[Movement]:
    session.expire_all()
    return list(session.scalars(select(Movement).where(Movement.kind != MovementKind.PRODUCE).order_by(Movement.id)))


# -- look-ups ----------------------------------------------------------------------------------


def test_a_released_lot_within_its_date_is_shown_with_its_product_status_and_stock(
    uow: UnitOfWork, warehouse: Warehouse
) -> None:
    lookup = look_up_scan(uow, scan=parsed(scan_of(warehouse, "REL-1")))

    assert lookup.level is AlarmLevel.OK and lookup.alarm.kind is AlarmKind.NONE
    assert (lookup.product.name, lookup.product.name_en, lookup.product.di) == (
        "一次性使用无菌注射器", "Sterile single-use syringe", GTIN)
    assert (lookup.lot.lot_no, lookup.lot.status, lookup.lot.days_to_expiry) == ("REL-1", LotStatus.RELEASED, 400)
    assert lookup.as_of == warehouse.today
    assert [(line.party_code, line.quantity) for line in lookup.stock] == [("MFG-SZ", 100)]
    assert lookup.stock_total == 100


@pytest.mark.parametrize(("lot_no", "kind"), [
    ("REC-1", AlarmKind.RECALLED),
    ("HLD-1", AlarmKind.ON_HOLD),
    ("QUA-1", AlarmKind.NOT_RELEASED),
    ("REV-1", AlarmKind.NOT_RELEASED),
    ("REJ-1", AlarmKind.REJECTED),
    ("EXP-1", AlarmKind.EXPIRED),
    ("OLD-1", AlarmKind.EXPIRED),
    ("NEW-404", AlarmKind.UNKNOWN_LOT),
])
def test_a_lot_that_may_not_be_used_raises_a_stop_alarm(
    uow: UnitOfWork, warehouse: Warehouse, lot_no: str, kind: AlarmKind
) -> None:
    lookup = look_up_scan(uow, scan=parsed(scan_of(warehouse, lot_no)))

    assert lookup.alarm.kind is kind
    assert lookup.level is AlarmLevel.STOP
    assert lot_no in lookup.alarm.message


def test_a_lot_expiring_within_the_smallest_alert_threshold_is_a_warning(
    uow: UnitOfWork, warehouse: Warehouse
) -> None:
    lookup = look_up_scan(uow, scan=parsed(scan_of(warehouse, "SOON-1")))

    assert lookup.alarm.kind is AlarmKind.EXPIRING and lookup.level is AlarmLevel.WARNING
    assert lookup.lot.days_to_expiry == 10
    assert "in 10 days" in lookup.alarm.message


def test_an_unknown_product_is_named_by_its_di(uow: UnitOfWork, warehouse: Warehouse) -> None:
    other = gtin14("0695432100999")
    lookup = look_up_scan(uow, scan=parsed(f"01{other}10REL-1"))

    assert lookup.alarm.kind is AlarmKind.UNKNOWN_PRODUCT and lookup.level is AlarmLevel.STOP
    assert other in lookup.alarm.message and lookup.product is None


def test_an_unknown_serial_of_a_serialised_lot_raises_a_stop_alarm(uow: UnitOfWork, warehouse: Warehouse) -> None:
    known = look_up_scan(uow, scan=parsed(scan_of(warehouse, "SER-1", "SN-2")))
    unknown = look_up_scan(uow, scan=parsed(scan_of(warehouse, "SER-1", "SN-9")))

    assert known.level is AlarmLevel.OK and known.serial_known is True
    assert unknown.alarm.kind is AlarmKind.UNKNOWN_SERIAL and unknown.level is AlarmLevel.STOP
    assert unknown.serial_known is False


def test_a_scanner_substitute_for_gs_reads_like_the_control_character(uow: UnitOfWork, warehouse: Warehouse) -> None:
    for substitute in ("<GS>", "^]", "~"):
        scan = parsed(scan_of(warehouse, "SER-1", "SN-1", separator=substitute), substitute)
        assert (scan.valid, scan.lot, scan.serial) == (True, "SER-1", "SN-1"), substitute
        assert look_up_scan(uow, scan=scan).level is AlarmLevel.OK


def test_without_the_substitute_setting_the_lot_swallows_the_serial_and_no_lot_is_found(
    uow: UnitOfWork, warehouse: Warehouse
) -> None:
    scan = parsed(scan_of(warehouse, "SER-1", "SN-1", separator="~"))  # the workstation expects ASCII 29

    lookup = look_up_scan(uow, scan=scan)

    assert lookup.alarm.kind in (AlarmKind.INVALID_SCAN, AlarmKind.UNKNOWN_LOT)
    assert lookup.level is AlarmLevel.STOP


def test_an_unreadable_scan_is_an_alarm_not_an_exception(uow: UnitOfWork, warehouse: Warehouse) -> None:
    lookup = look_up_scan(uow, scan=parsed("01123"))

    assert lookup.alarm.kind is AlarmKind.INVALID_SCAN and lookup.level is AlarmLevel.STOP
    assert lookup.product is None and lookup.lot is None


def test_a_label_whose_expiry_differs_from_the_lot_record_is_flagged(uow: UnitOfWork, warehouse: Warehouse) -> None:
    wrong = (warehouse.lots["REL-1"].expiry_date + dt.timedelta(days=31)).strftime("%y%m%d")

    lookup = look_up_scan(uow, scan=parsed(f"01{GTIN}17{wrong}10REL-1"))

    assert lookup.alarm.kind is AlarmKind.LABEL_MISMATCH and lookup.level is AlarmLevel.WARNING
    assert "expiry date" in lookup.alarm.message


# -- recording ---------------------------------------------------------------------------------


@pytest.mark.clause("ISO 13485 7.5.8")
@pytest.mark.clause("条例 第四十五条")
def test_shipping_a_released_lot_records_the_raw_scan_and_the_serial(
    uow: UnitOfWork, session: Session, warehouse: Warehouse
) -> None:
    raw = scan_of(warehouse, "SER-1", "SN-1", separator="<GS>")
    scan = parsed(raw, "<GS>")

    recorded = record_scanned_movement(uow, scan=scan, kind="ship", from_party_id=warehouse.site.id,
                                       to_party_id=warehouse.distributor.id, document_no="DN-2026-001")

    [movement] = movements(session)
    assert (movement.id, movement.kind, movement.lot_id, movement.serial, movement.quantity) == (
        recorded.id, MovementKind.SHIP, warehouse.lots["SER-1"].id, "SN-1", 1)
    assert (movement.from_party_id, movement.to_party_id) == (warehouse.site.id, warehouse.distributor.id)
    assert movement.raw_udi == f"]d201{GTIN}17{warehouse.lots['SER-1'].expiry_date:%y%m%d}10SER-1{GS}21SN-1"
    assert movement.document_no == "DN-2026-001" and movement.moved_on == warehouse.today
    assert (recorded.to_party_code, recorded.created_by) == ("DIS-SH", movement.created_by)
    stock = dict(session.execute(text("SELECT party_id, quantity FROM stock_on_hand WHERE lot_id = :lot"),
                                 {"lot": warehouse.lots["SER-1"].id}).all())
    assert stock == {warehouse.site.id: 99, warehouse.distributor.id: 1}


@pytest.mark.parametrize(("lot_no", "words"), [
    ("REC-1", "is recalled: it may not be shipped"),
    ("HLD-1", "is on hold: it may not be shipped"),
    ("QUA-1", "is in quarantine, not released: it may not be shipped"),
    ("REJ-1", "is rejected: it may not be shipped"),
    ("EXP-1", "is expired: it may not be shipped"),
    ("OLD-1", "expired on"),
])
@pytest.mark.clause("GMP 第二十七条")
def test_shipping_a_lot_that_is_not_released_is_refused_and_nothing_is_written(
    uow: UnitOfWork, session: Session, warehouse: Warehouse, lot_no: str, words: str
) -> None:
    with pytest.raises(InvalidInput, match=words) as refused:
        record_scanned_movement(uow, scan=parsed(scan_of(warehouse, lot_no)), kind=MovementKind.SHIP,
                                from_party_id=warehouse.site.id, to_party_id=warehouse.distributor.id)

    assert f"Lot {lot_no}" in refused.value.message
    assert movements(session) == []


def test_a_recalled_lot_may_still_be_returned_by_its_consignee(
    uow: UnitOfWork, session: Session, warehouse: Warehouse
) -> None:
    recalled = warehouse.lots["REC-1"]
    move(session, MovementKind.SHIP, recalled, 5, source=warehouse.site, dest=warehouse.distributor)

    record_scanned_movement(uow, scan=parsed(scan_of(warehouse, "REC-1")), kind="return",
                            from_party_id=warehouse.distributor.id, to_party_id=warehouse.site.id, quantity=5)

    assert [(m.kind, m.quantity) for m in movements(session)] == [(MovementKind.SHIP, 5), (MovementKind.RETURN, 5)]


def test_shipping_more_than_the_stock_is_refused_by_the_database_and_nothing_is_written(
    uow: UnitOfWork, session: Session, warehouse: Warehouse
) -> None:
    with pytest.raises(StockWouldGoNegative) as refused:
        record_scanned_movement(uow, scan=parsed(scan_of(warehouse, "REL-1")), kind="ship",
                                from_party_id=warehouse.site.id, to_party_id=warehouse.hospital.id, quantity=101)

    assert "would have -1 unit(s) at MFG-SZ" in refused.value.message
    assert "stock cannot go below zero" in refused.value.message
    assert movements(session) == []


def test_an_unreadable_scan_or_an_unknown_lot_is_refused_with_the_reason(
    uow: UnitOfWork, session: Session, warehouse: Warehouse
) -> None:
    ends = {"from_party_id": warehouse.site.id, "to_party_id": warehouse.distributor.id}
    with pytest.raises(InvalidInput, match="The scan cannot be read"):
        record_scanned_movement(uow, scan=parsed("01123"), kind="ship", **ends)
    with pytest.raises(InvalidInput, match="Lot NEW-404 of 06954321001236 is not in the lot records"):
        record_scanned_movement(uow, scan=parsed(scan_of(warehouse, "NEW-404")), kind="ship", **ends)
    with pytest.raises(InvalidInput, match="no serial unit SN-9"):
        record_scanned_movement(uow, scan=parsed(scan_of(warehouse, "SER-1", "SN-9")), kind="ship", **ends)
    assert movements(session) == []


def test_parties_must_fit_the_kind_and_other_kinds_are_not_scanned(uow: UnitOfWork, warehouse: Warehouse) -> None:
    scan = parsed(scan_of(warehouse, "REL-1"))
    with pytest.raises(InvalidInput, match="A ship needs the location it leaves from and the consignee"):
        record_scanned_movement(uow, scan=scan, kind="ship", from_party_id=warehouse.site.id, to_party_id=None)
    with pytest.raises(InvalidInput, match="An installation needs the location"):
        record_scanned_movement(uow, scan=scan, kind="install", from_party_id=warehouse.hospital.id,
                                to_party_id=warehouse.site.id)
    with pytest.raises(InvalidInput, match="Scanning records receive, ship, return, install"):
        record_scanned_movement(uow, scan=scan, kind="scrap", from_party_id=warehouse.site.id, to_party_id=None)
    with pytest.raises(InvalidInput, match="serial SN-1, one unit: the quantity must be 1"):
        record_scanned_movement(uow, scan=parsed(scan_of(warehouse, "SER-1", "SN-1")), kind="ship",
                                from_party_id=warehouse.site.id, to_party_id=warehouse.hospital.id, quantity=2)


def test_a_serial_that_already_left_a_location_cannot_leave_it_again(
    uow: UnitOfWork, session: Session, warehouse: Warehouse
) -> None:
    scan = parsed(scan_of(warehouse, "SER-1", "SN-3"))
    record_scanned_movement(uow, scan=scan, kind="ship", from_party_id=warehouse.site.id,
                            to_party_id=warehouse.distributor.id)

    with pytest.raises(InvalidInput, match=r"Serial SN-3 of lot SER-1 is not at MFG-SZ: .* took it to DIS-SH"):
        record_scanned_movement(uow, scan=scan, kind="ship", from_party_id=warehouse.site.id,
                                to_party_id=warehouse.hospital.id)
    record_scanned_movement(uow, scan=scan, kind="ship", from_party_id=warehouse.distributor.id,
                            to_party_id=warehouse.hospital.id)
    record_scanned_movement(uow, scan=scan, kind="install", from_party_id=warehouse.hospital.id, to_party_id=None)

    assert [(m.kind, m.serial) for m in movements(session)] == [
        (MovementKind.SHIP, "SN-3"), (MovementKind.SHIP, "SN-3"), (MovementKind.INSTALL, "SN-3")]


def test_receiving_from_a_supplier_adds_stock_at_our_site(
    uow: UnitOfWork, session: Session, warehouse: Warehouse
) -> None:
    record_scanned_movement(uow, scan=parsed(scan_of(warehouse, "QUA-1")), kind="receive",
                            from_party_id=warehouse.supplier.id, to_party_id=warehouse.site.id, quantity=20)

    lookup = look_up_scan(uow, scan=parsed(scan_of(warehouse, "QUA-1")))
    assert lookup.stock_total == 120  # a lot in quarantine may be received: only leaving needs release


def test_the_party_picker_lists_our_sites_first(uow: UnitOfWork, warehouse: Warehouse) -> None:
    parties = list_parties(uow)
    ours = [p.code for p in parties if p.code in ("MFG-SZ", "DIS-SH", "HOS-A", "SUP-1")]

    assert ours == ["MFG-SZ", "DIS-SH", "HOS-A", "SUP-1"]
    assert [p.code for p in list_parties(uow, kinds=["hospital"]) if p.code == "HOS-A"] == ["HOS-A"]
    assert all(p.kind is PartyKind.HOSPITAL for p in list_parties(uow, kinds=["hospital"]))
