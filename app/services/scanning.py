"""Scanning at the workstation: what a scanned UDI is (product, lot, status, stock), and movements from scans.

A person at the packing bench or the goods-in desk scans a label and must learn at once whether the
unit may be used or shipped (ISO 13485 7.5.8: status identified throughout; 8.3.1: nonconforming
product kept from unintended use or delivery). `look_up_scan` answers with the lot's status, expiry and
stock and one alarm per thing that is wrong; `record_scanned_movement` records one movement per scan
with the raw scan kept (DESIGN §4: raw scanned UDI; 医疗器械监督管理条例 第四十五条: purchase and sales
records), refusing what may not move.

Not enforced by the database yet, only here: that a lot shipped or installed is released and within its
expiry date, and that a serial is where it is said to leave from. Negative stock is refused by the
database itself (trigger `stock_not_negative`, migration 0001) and arrives as StockWouldGoNegative.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.errors import InvalidInput
from app.models import Lot, Movement, Party, Product, SerialUnit
from app.models.enums import LotStatus, MovementKind, PartyKind
from app.services.expiry import authorise_shelf_life_override
from app.udi import ScanResult

# The kinds a scan records. Produce, scrap and adjust are made elsewhere (lot creation, the Lots page).
SCAN_KINDS = (MovementKind.RECEIVE, MovementKind.SHIP, MovementKind.RETURN, MovementKind.INSTALL)
# Kinds that put a unit into use or into the market: only a released lot within its expiry date may
# (ISO 13485 8.3.1: nonconforming product is prevented from unintended use or delivery).
LEAVING_KINDS = (MovementKind.SHIP, MovementKind.INSTALL)
MAX_RAW_UDI = 400  # movement.raw_udi
MAX_DOCUMENT_NO = 60  # movement.document_no
STOCK_LINES = 50  # locations listed per lot; the total counts all of them
_PARTY_ORDER = (PartyKind.MANUFACTURER, PartyKind.DISTRIBUTOR, PartyKind.HOSPITAL, PartyKind.SUPPLIER)


class AlarmLevel(enum.StrEnum):
    """How loudly the workstation speaks: stop (do not use or ship), warning (look twice), ok."""

    STOP = "stop"
    WARNING = "warning"
    OK = "ok"


class AlarmKind(enum.StrEnum):
    """What is wrong with a scanned unit, most severe first; the page words each kind in its language."""

    INVALID_SCAN = "invalid_scan"
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_LOT = "unknown_lot"
    RECALLED = "recalled"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"
    EXPIRED = "expired"
    NOT_RELEASED = "not_released"
    UNKNOWN_SERIAL = "unknown_serial"
    LINK_MISMATCH = "link_mismatch"
    LABEL_MISMATCH = "label_mismatch"
    SECONDARY_ONLY = "secondary_only"
    NO_LOT = "no_lot"
    EXPIRING = "expiring"
    NONE = "none"


_LEVELS = {
    AlarmKind.LINK_MISMATCH: AlarmLevel.WARNING,
    AlarmKind.LABEL_MISMATCH: AlarmLevel.WARNING,
    AlarmKind.SECONDARY_ONLY: AlarmLevel.WARNING,
    AlarmKind.NO_LOT: AlarmLevel.WARNING,
    AlarmKind.EXPIRING: AlarmLevel.WARNING,
    AlarmKind.NONE: AlarmLevel.OK,
}
_SEVERITY = {kind: rank for rank, kind in enumerate(AlarmKind)}


@dataclass(frozen=True)
class Alarm:
    """One finding about a scan, with a plain English message (logs, CLI; the page words it itself)."""

    kind: AlarmKind
    message: str
    subject: str = ""  # for LABEL_MISMATCH: which date differs ("expiry_date" or "production_date")

    @property
    def level(self) -> AlarmLevel:
        return _LEVELS.get(self.kind, AlarmLevel.STOP)


@dataclass(frozen=True)
class ScannedProduct:
    """The product master record the scan's DI points to."""

    id: int
    agency: str
    di: str
    name: str
    name_en: str
    model: str
    registration_no: str
    alert_days: tuple[int, ...]


@dataclass(frozen=True)
class ScannedLot:
    """The lot record the scan's lot number points to, judged on the server's date."""

    id: int
    lot_no: str
    status: LotStatus
    production_date: dt.date
    expiry_date: dt.date
    days_to_expiry: int
    quantity: int
    serialised: bool  # serial units are registered for this lot

    @property
    def usable(self) -> bool:
        """Released and not past its expiry date: the only lots that may be shipped or used."""
        return self.status is LotStatus.RELEASED and self.days_to_expiry >= 0


@dataclass(frozen=True)
class StockLine:
    """Units of the lot held at one location (derived from movements and genealogy, never edited)."""

    party_id: int
    party_code: str
    party_name: str
    party_kind: PartyKind
    quantity: int


@dataclass(frozen=True)
class ScanLookup:
    """Everything the Scan page shows about one scan; `alarms` are ordered most severe first."""

    scan: ScanResult
    as_of: dt.date
    product: ScannedProduct | None
    lot: ScannedLot | None
    serial_known: bool | None  # None: no serial scanned, or the lot registers no serial units
    stock: tuple[StockLine, ...]
    stock_total: int
    alarms: tuple[Alarm, ...]

    @property
    def alarm(self) -> Alarm:
        """The most severe finding, or a NONE alarm when nothing is wrong."""
        return self.alarms[0] if self.alarms else Alarm(AlarmKind.NONE, "Released and within its expiry date.")

    @property
    def level(self) -> AlarmLevel:
        return self.alarm.level


@dataclass(frozen=True)
class PartyChoice:
    """A party for the from/to pickers."""

    id: int
    code: str
    name: str
    kind: PartyKind


@dataclass(frozen=True)
class RecordedMovement:
    """A movement recorded from a scan, as the database stored it (time and person from the server)."""

    id: int
    kind: MovementKind
    di: str
    lot_no: str
    serial: str | None
    quantity: int
    from_party_code: str | None
    to_party_code: str | None
    moved_on: dt.date
    document_no: str
    raw_udi: str
    created_at: dt.datetime
    created_by: str


# == Services ===================================================================================


GS = "\x1d"  # ASCII 29, the GS1 field separator (GS1 General Specifications §7.8.4)
# How the scan field shows a GS it received (a text field cannot show ASCII 29). Not ␝ (U+241D): common
# fonts (DejaVu, WenQuanYi, most of Windows' UI fonts) have no glyph for it; « and » are in every font and
# in neither GS1's character set 82 nor HIBC's, so the mark cannot be mistaken for data.
GS_SYMBOL = "«GS»"
GS_SUBSTITUTES = ("<GS>", "^]", "~")  # what keyboard-wedge scanners are commonly set to send instead


def restore_group_separators(text: str, substitute: str = "") -> str:
    """The scan as the bar code holds it: «GS» and the scanner's substitute string (if any) back to ASCII 29.

    A keyboard-wedge scanner cannot always type ASCII 29, so many send a printable stand-in; it is
    configured per workstation. `~`, `^` and `]` are outside GS1's character set 82 (Gen Specs figure 7.11-1)
    and HIBC's, so they cannot be data; `<GS>` is legal GS1 text but no real lot or serial holds it.
    """
    text = text.replace(GS_SYMBOL, GS)
    return text.replace(substitute, GS) if substitute else text



def look_up_scan(uow: UnitOfWork, *, scan: ScanResult) -> ScanLookup:
    """What the scanned unit is and whether it may be used or shipped, judged on the server's date.

    Never raises for bad scans or unknown codes: those are alarms in the result.
    """
    with uow:
        session = uow.session
        today = session.execute(select(func.current_date())).scalar_one()
        alarms: list[Alarm] = []
        product = lot = None
        serial_known: bool | None = None
        stock: tuple[StockLine, ...] = ()
        stock_total = 0
        if scan.valid and scan.link_mismatch is not None:
            link, check = scan.link_mismatch
            alarms.append(Alarm(AlarmKind.LINK_MISMATCH, f"The secondary HIBC bar code's link character “{link}” "
                                                         f"is not the primary's check character “{check}”: the "
                                                         f"two bar codes were not read as one UDI."))
        if not scan.valid:
            alarms.append(Alarm(AlarmKind.INVALID_SCAN, f"The scan cannot be read: {scan.errors[0]}"))
        elif scan.structure == "secondary":
            # ANSI/HIBC 2.6: lot and dates without labeler and product; the device is not identified.
            alarms.append(Alarm(AlarmKind.SECONDARY_ONLY, "A secondary HIBC bar code alone does not identify the "
                                                          "device: scan its primary bar code."))
        elif not scan.device_identifier:
            alarms.append(Alarm(AlarmKind.INVALID_SCAN, "The scan holds no device identifier (DI)."))
        else:
            product = _product(session, scan)
            if product is None:
                alarms.append(Alarm(AlarmKind.UNKNOWN_PRODUCT,
                                    f"No product with the DI {scan.device_identifier} is in the product master."))
            elif not scan.lot:
                alarms.append(Alarm(AlarmKind.NO_LOT, "The scan has no lot number; scan the UDI that carries the "
                                                      "lot to see its status."))
            else:
                lot = _lot(session, product.id, scan.lot, today)
                if lot is None:
                    alarms.append(Alarm(AlarmKind.UNKNOWN_LOT,
                                        f"Lot {scan.lot} of {product.di} is not in the lot records."))
                else:
                    alarms += _lot_alarms(lot, min(product.alert_days))
                    alarms += _label_alarms(scan, lot)
                    if scan.serial and lot.serialised:
                        serial_known = _serial_registered(session, lot.id, scan.serial)
                        if not serial_known:
                            alarms.append(Alarm(AlarmKind.UNKNOWN_SERIAL,
                                                f"Lot {lot.lot_no} has no serial unit {scan.serial}."))
                    stock, stock_total = _stock(session, lot.id)
    alarms.sort(key=lambda alarm: _SEVERITY[alarm.kind])
    return ScanLookup(scan=scan, as_of=today, product=product, lot=lot, serial_known=serial_known, stock=stock,
                      stock_total=stock_total, alarms=tuple(alarms))


def record_scanned_movement(
    uow: UnitOfWork,
    *,
    scan: ScanResult,
    kind: MovementKind | str,
    from_party_id: int | None,
    to_party_id: int | None,
    quantity: int = 1,
    document_no: str = "",
    moved_on: dt.date | None = None,
    shelf_life_exception: str | None = None,
) -> RecordedMovement:
    """Record one movement of the scanned lot (and serial), keeping the raw scan.

    `shelf_life_exception` is the reason of an authorised exception to the consignee's minimum shelf life
    (a QA approver's, recorded and audited by the database in this same transaction and valid only for it);
    without one, a shipment below that minimum is refused (ShelfLifeTooShort).

    Refuses with InvalidInput: an unreadable scan, one without DI or lot, an unknown product, lot,
    party or serial, parties that do not fit the kind, a date in the future, a shipment or installation
    of a lot that is not released or is past its expiry date, a serial that is not at the sending
    location. The database refuses a movement that would make stock negative (StockWouldGoNegative);
    nothing is written then.
    """
    kind = _scan_kind(kind)
    _check_scan(scan)
    assert scan.lot is not None and scan.device_identifier is not None  # checked above
    if quantity < 1:
        raise InvalidInput.of("scan.quantity_too_small", quantity=quantity)
    if scan.serial and quantity != 1:
        raise InvalidInput.of("scan.serial_quantity", serial=scan.serial, quantity=quantity)
    _check_parties(kind, from_party_id, to_party_id)
    document_no = (document_no or "").strip()
    if len(document_no) > MAX_DOCUMENT_NO:
        raise InvalidInput.of("scan.document_no_too_long", max=MAX_DOCUMENT_NO)
    if len(scan.raw) > MAX_RAW_UDI:
        raise InvalidInput.of("scan.raw_too_long", length=len(scan.raw), max=MAX_RAW_UDI)
    with uow:
        session = uow.session
        today = session.execute(select(func.current_date())).scalar_one()
        moved_on = moved_on or today
        if moved_on > today:
            raise InvalidInput.of("scan.dated_in_future", moved_on=moved_on.isoformat(), today=today.isoformat())
        product = _product(session, scan)
        if product is None:
            raise InvalidInput.of("scan.unknown_product", di=scan.device_identifier)
        # FOR SHARE keeps the lot's status from changing (a recall) until this movement is committed; the
        # stock trigger's own lock then makes scans of one lot judge and write one at a time.
        lot = _lot(session, product.id, scan.lot, today, lock=True)
        if lot is None:
            raise InvalidInput.of("scan.unknown_lot", lot_no=scan.lot, di=product.di)
        session.execute(text("SELECT pg_advisory_xact_lock(7001, (CAST(:lot AS bigint) % 2147483647)::int)"),
                        {"lot": lot.id})
        parties = _parties(session, (from_party_id, to_party_id))
        if kind in LEAVING_KINDS and not lot.usable:
            raise _not_usable(kind, lot)
        if scan.serial:
            _check_serial(session, kind, lot, scan.serial, from_party_id, parties)
        if shelf_life_exception is not None and kind is MovementKind.SHIP and to_party_id is not None:
            authorise_shelf_life_override(uow, lot_id=lot.id, party_id=to_party_id, reason=shelf_life_exception)
        movement = Movement(kind=kind, lot_id=lot.id, serial=scan.serial, quantity=quantity,
                            from_party_id=from_party_id, to_party_id=to_party_id, moved_on=moved_on,
                            document_no=document_no, raw_udi=scan.raw)
        session.add(movement)
        session.flush()  # the stock trigger runs here; a DBAPIError leaves `with uow` translated
        session.refresh(movement, ["created_at", "created_by"])
        recorded = RecordedMovement(
            id=movement.id, kind=kind, di=product.di, lot_no=lot.lot_no, serial=scan.serial, quantity=quantity,
            from_party_code=parties[from_party_id].code if from_party_id else None,
            to_party_code=parties[to_party_id].code if to_party_id else None, moved_on=moved_on,
            document_no=document_no, raw_udi=scan.raw, created_at=movement.created_at,
            created_by=movement.created_by)
        uow.commit()
    return recorded


def list_parties(uow: UnitOfWork, *, kinds: Iterable[PartyKind | str] | None = None) -> tuple[PartyChoice, ...]:
    """Parties for the from/to pickers: our sites first, then distributors, hospitals, suppliers; by code."""
    wanted = [PartyKind(kind) for kind in kinds] if kinds is not None else list(PartyKind)
    with uow:
        rows = uow.session.execute(
            select(Party.id, Party.code, Party.name, Party.kind).where(Party.kind.in_(wanted)).order_by(Party.code)
        ).all()
    parties = [PartyChoice(id=r.id, code=r.code, name=r.name, kind=PartyKind(r.kind)) for r in rows]
    parties.sort(key=lambda p: _PARTY_ORDER.index(p.kind) if p.kind in _PARTY_ORDER else len(_PARTY_ORDER))
    return tuple(parties)


# == Internals ==================================================================================


def _product(session: Session, scan: ScanResult) -> ScannedProduct | None:
    if scan.agency is None or not scan.device_identifier:
        return None
    row = session.execute(select(Product).where(Product.agency == scan.agency.value,
                                                Product.di == scan.device_identifier)).scalar_one_or_none()
    if row is None:
        return None
    return ScannedProduct(id=row.id, agency=str(row.agency), di=row.di, name=row.name, name_en=row.name_en,
                          model=row.model, registration_no=row.registration_no, alert_days=tuple(row.alert_days))


def _lot(session: Session, product_id: int, lot_no: str, today: dt.date, *, lock: bool = False) -> ScannedLot | None:
    query = select(Lot).where(Lot.product_id == product_id, Lot.lot_no == lot_no)
    if lock:
        query = query.with_for_update(read=True)
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        return None
    serialised = session.execute(select(select(SerialUnit.id).where(SerialUnit.lot_id == row.id).exists())).scalar()
    return ScannedLot(id=row.id, lot_no=row.lot_no, status=LotStatus(row.status), production_date=row.production_date,
                      expiry_date=row.expiry_date, days_to_expiry=(row.expiry_date - today).days,
                      quantity=row.quantity, serialised=bool(serialised))


def _lot_alarms(lot: ScannedLot, alert_days: int) -> list[Alarm]:
    alarms: list[Alarm] = []
    status = lot.status
    if status is LotStatus.RECALLED:
        alarms.append(Alarm(AlarmKind.RECALLED, f"Lot {lot.lot_no} is recalled: do not use or ship it."))
    elif status is LotStatus.REJECTED:
        alarms.append(Alarm(AlarmKind.REJECTED, f"Lot {lot.lot_no} was rejected: do not use or ship it."))
    elif status is LotStatus.ON_HOLD:
        alarms.append(Alarm(AlarmKind.ON_HOLD, f"Lot {lot.lot_no} is on hold: do not use or ship it."))
    elif status in (LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW):
        alarms.append(Alarm(AlarmKind.NOT_RELEASED, f"Lot {lot.lot_no} is not released "
                                                    f"({status.value.replace('_', ' ')}): it may not be shipped."))
    if status is LotStatus.EXPIRED or lot.days_to_expiry < 0:
        alarms.append(Alarm(AlarmKind.EXPIRED, f"Lot {lot.lot_no} expired on {lot.expiry_date.isoformat()}."))
    elif lot.days_to_expiry <= alert_days:
        alarms.append(Alarm(AlarmKind.EXPIRING, f"Lot {lot.lot_no} expires on {lot.expiry_date.isoformat()}, in "
                                                f"{lot.days_to_expiry} days."))
    return alarms


def _label_alarms(scan: ScanResult, lot: ScannedLot) -> list[Alarm]:
    """A label whose dates differ from the lot record is a labelling error (label verification, DESIGN §4)."""
    alarms = []
    for subject, on_label, on_record in (("expiry_date", scan.expiry_date, lot.expiry_date),
                                         ("production_date", scan.production_date, lot.production_date)):
        if on_label is not None and on_label != on_record:
            what = subject.replace("_", " ")
            alarms.append(Alarm(AlarmKind.LABEL_MISMATCH, f"The label's {what} {on_label.isoformat()} differs from "
                                                          f"the lot record's {on_record.isoformat()}.", subject))
    return alarms


def _serial_registered(session: Session, lot_id: int, serial: str) -> bool:
    return bool(session.execute(select(select(SerialUnit.id).where(
        SerialUnit.lot_id == lot_id, SerialUnit.serial == serial).exists())).scalar())


def _stock(session: Session, lot_id: int) -> tuple[tuple[StockLine, ...], int]:
    rows = session.execute(text(
        "SELECT s.party_id, p.code, p.name, p.kind, s.quantity, sum(s.quantity) OVER () AS total "
        "FROM stock_on_hand s JOIN party p ON p.id = s.party_id "
        "WHERE s.lot_id = :lot AND s.quantity <> 0 ORDER BY s.quantity DESC, p.code LIMIT :limit"
    ), {"lot": lot_id, "limit": STOCK_LINES}).all()
    lines = tuple(StockLine(party_id=r[0], party_code=r[1], party_name=r[2], party_kind=PartyKind(r[3]),
                            quantity=int(r[4])) for r in rows)
    if len(rows) < STOCK_LINES:
        return lines, sum(line.quantity for line in lines)
    total = session.execute(text("SELECT coalesce(sum(quantity), 0) FROM stock_on_hand WHERE lot_id = :lot"),
                            {"lot": lot_id}).scalar_one()
    return lines, int(total)


def _scan_kind(kind: MovementKind | str) -> MovementKind:
    try:
        value = MovementKind(kind)
    except ValueError:
        value = None
    if value not in SCAN_KINDS:
        names = ", ".join(k.value for k in SCAN_KINDS)
        raise InvalidInput.of("scan.unknown_kind", kinds=names, kind=kind)
    return value


def _check_scan(scan: ScanResult) -> None:
    if not scan.valid:
        raise InvalidInput.of("scan.unreadable", detail=scan.rendered_errors()[0])  # the reader's language
    if not scan.device_identifier:
        raise InvalidInput.of("scan.no_di")
    if not scan.lot:
        raise InvalidInput.of("scan.no_lot")


def _check_parties(kind: MovementKind, from_party_id: int | None, to_party_id: int | None) -> None:
    """The ends each kind needs (the database's check `parties_fit_kind`, said in words)."""
    if kind is MovementKind.INSTALL:
        if from_party_id is None or to_party_id is not None:
            raise InvalidInput.of("scan.install_parties")
        return
    if from_party_id is None or to_party_id is None:
        raise InvalidInput.of({
            MovementKind.RECEIVE: "scan.receive_parties",
            MovementKind.SHIP: "scan.ship_parties",
            MovementKind.RETURN: "scan.return_parties",
        }[kind])
    if from_party_id == to_party_id:
        raise InvalidInput.of("scan.same_party")


def _parties(session: Session, ids: Iterable[int | None]) -> dict[int, PartyChoice]:
    wanted = {i for i in ids if i is not None}
    rows = session.execute(select(Party.id, Party.code, Party.name, Party.kind).where(Party.id.in_(wanted))).all()
    found = {r.id: PartyChoice(id=r.id, code=r.code, name=r.name, kind=PartyKind(r.kind)) for r in rows}
    missing = wanted - set(found)
    if missing:
        raise InvalidInput.of("scan.unknown_party", party_id=min(missing))
    return found


def _not_usable(kind: MovementKind, lot: ScannedLot) -> InvalidInput:
    verb = "ship" if kind is MovementKind.SHIP else "install"
    if lot.status is LotStatus.RELEASED:
        return InvalidInput.of(f"scan.expired_no_{verb}", lot_no=lot.lot_no, expiry_date=lot.expiry_date.isoformat())
    words = {
        LotStatus.RECALLED: "recalled",
        LotStatus.REJECTED: "rejected",
        LotStatus.ON_HOLD: "on hold",
        LotStatus.EXPIRED: "expired",
        LotStatus.QUARANTINE: "in quarantine, not released",
        LotStatus.UNDER_REVIEW: "under review, not released",
    }[lot.status]
    return InvalidInput.of(f"scan.not_released_no_{verb}", lot_no=lot.lot_no, words=words, status=lot.status.value)


# Movement kinds in the Chinese messages of a serial found elsewhere.
KIND_WORDS_ZH = {"produce": "生产", "receive": "收货", "ship": "发货", "return": "退货", "install": "安装",
                 "scrap": "报废", "adjust": "库存调整"}


def _check_serial(session: Session, kind: MovementKind, lot: ScannedLot, serial: str,
                  from_party_id: int | None, parties: dict[int, PartyChoice]) -> None:
    """A registered serial that leaves a location must be there (ISO 13485 7.5.9.2: implant traceability)."""
    if lot.serialised and not _serial_registered(session, lot.id, serial):
        raise InvalidInput.of("scan.unknown_serial", lot_no=lot.lot_no, serial=serial)
    if kind is MovementKind.RECEIVE:
        return  # it arrives from outside, where we keep no stock
    last = session.execute(
        select(Movement.kind, Movement.to_party_id, Movement.moved_on)
        .where(Movement.lot_id == lot.id, Movement.serial == serial)
        .order_by(Movement.moved_on.desc(), Movement.id.desc()).limit(1)
    ).first()
    if last is None or last.to_party_id == from_party_id:
        return
    known = from_party_id in parties
    said = {"serial": serial, "lot_no": lot.lot_no, "kind": MovementKind(last.kind).value,
            "kind_zh": KIND_WORDS_ZH.get(MovementKind(last.kind).value, last.kind), "on": last.moved_on.isoformat(),
            "where": parties[from_party_id].code if known else "the sending location",
            "where_zh": parties[from_party_id].code if known else "发出地点"}
    if last.to_party_id is None:
        raise InvalidInput.of("scan.serial_used_up", **said)
    code = session.execute(select(Party.code).where(Party.id == last.to_party_id)).scalar_one()
    raise InvalidInput.of("scan.serial_elsewhere", **said, code=code)
