"""Read-side queries of the Lots page: filtered, keyset-paged lot lists and one lot's full record.

The list is meant for a million lots. Every page is read by KEYSET pagination over (sort column, id)
(or (product column, product id, lot id) when sorting by product): the database walks an index from
the boundary key and stops after `limit` rows, so page 5,000 costs what page 1 costs. OFFSET is used
in one place only, `key_at`, as the bounded fallback of a far jump (see its docstring) — DESIGN §7
measured keyset 200× faster than OFFSET deep in a table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    String,
    and_,
    case,
    column,
    func,
    literal,
    or_,
    select,
    table,
    true,
    tuple_,
)
from sqlalchemy.orm import Session, aliased

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound
from app.models import Deviation, GenealogyEdge, Lot, Movement, Party, Product, QcResult, SerialUnit
from app.models.enums import LotStatus

PAGE_SIZE = 200
# Columns the list can be sorted by. "product" and "di" sort by a product column, then product, then lot.
SORT_KEYS = ("lot_no", "product", "di", "status", "production_date", "expiry_date", "quantity")
PRODUCT_SORTS = {"product": Product.name, "di": Product.di}
LOT_SORTS = {
    "lot_no": Lot.lot_no,
    "status": Lot.status,
    "production_date": Lot.production_date,
    "expiry_date": Lot.expiry_date,
    "quantity": Lot.quantity,
}
DETAIL_LIMIT = 500  # rows per detail list (a hub component lot is used in ~150 k lots; the rest is counted)
_MAX_CODE_POINT = "\U0010ffff"
_BIGINT_MAX = 2**63 - 1

# The stock view is defined in the migration (derived from movements and genealogy, never edited).
stock_on_hand = table(
    "stock_on_hand",
    column("lot_id", BigInteger), column("party_id", BigInteger), column("quantity", BigInteger),
)

SortKey = tuple[Any, ...]


@dataclass(frozen=True)
class LotFilter:
    """What the user narrowed the list to; the empty filter shows every lot.

    `expires_within_days` keeps lots still usable that expire within that many days of the server's
    date; `expired` keeps lots whose expiry date has passed (the expiry date is the last day of use).
    """

    product_id: int | None = None
    statuses: tuple[LotStatus, ...] = ()
    expires_within_days: int | None = None
    expired: bool = False
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return (self.product_id is None and not self.statuses and self.expires_within_days is None
                and not self.expired and not self.text.strip())


@dataclass(frozen=True)
class LotRow:
    """One line of the lot list."""

    id: int
    product_id: int
    product_di: str
    product_name: str
    product_name_en: str
    lot_no: str
    status: LotStatus
    production_date: dt.date
    expiry_date: dt.date
    quantity: int
    created_at: dt.datetime
    days_to_expiry: int  # from the server's date: negative once expired
    alert_days: int  # the product's widest expiry-alert threshold (效期预警)

    def sort_key(self, sort_key: str) -> SortKey:
        """The keyset boundary this row represents under `sort_key`."""
        if sort_key == "product":
            return (self.product_name, self.product_id, self.id)
        if sort_key == "di":
            return (self.product_di, self.product_id, self.id)
        value = getattr(self, sort_key)
        return (value.value if isinstance(value, LotStatus) else value, self.id)


@dataclass(frozen=True)
class LotPage:
    """Consecutive rows of the filtered, sorted result, starting at position `start` (0-based)."""

    start: int
    rows: tuple[LotRow, ...]

    @property
    def end(self) -> int:
        return self.start + len(self.rows)


@dataclass(frozen=True)
class ProductChoice:
    """A product as offered in the filter combo."""

    id: int
    di: str
    name: str
    name_en: str


@dataclass(frozen=True)
class LotHeader:
    """The lot with its product's UDI and registration data."""

    id: int
    lot_no: str
    status: LotStatus
    production_date: dt.date
    expiry_date: dt.date
    days_to_expiry: int
    quantity: int
    created_at: dt.datetime
    created_by: str
    product_id: int
    agency: str
    di: str
    product_name: str
    product_name_en: str
    model: str
    registration_no: str
    risk_class: str
    implantable: bool
    alert_days: tuple[int, ...]
    serial_count: int

    @property
    def udi_hri(self) -> str:
        """Human-readable UDI (DI + PI); GS1 form for GS1 products (医疗器械唯一标识系统规则)."""
        if self.agency == "GS1":
            return (f"(01){self.di}(11){self.production_date:%y%m%d}"
                    f"(17){self.expiry_date:%y%m%d}(10){self.lot_no}")
        return f"{self.di} / {self.lot_no}"


@dataclass(frozen=True)
class QcLine:
    test_name: str
    specification: str
    result: str
    passed: bool
    tested_on: dt.date


@dataclass(frozen=True)
class DeviationLine:
    number: str
    title: str
    status: str
    opened_on: dt.date
    closed_on: dt.date | None


@dataclass(frozen=True)
class GenealogyLine:
    """The other lot of a genealogy edge (a component of this lot, or a lot this one went into)."""

    lot_id: int
    lot_no: str
    di: str
    product_name: str
    status: LotStatus
    quantity: int
    site: str


@dataclass(frozen=True)
class MovementLine:
    id: int
    kind: str
    moved_on: dt.date
    quantity: int
    serial: str | None
    from_party: str | None
    to_party: str | None
    document_no: str


@dataclass(frozen=True)
class StockLine:
    party_id: int
    party_code: str
    party_name: str
    party_kind: str
    quantity: int


@dataclass(frozen=True)
class LotDetail:
    """Everything the detail panel shows about one lot; long lists are capped and counted."""

    header: LotHeader
    qc: tuple[QcLine, ...] = ()
    deviations: tuple[DeviationLine, ...] = ()
    components: tuple[GenealogyLine, ...] = ()
    where_used: tuple[GenealogyLine, ...] = ()
    where_used_total: int = 0
    movements: tuple[MovementLine, ...] = ()
    movements_total: int = 0
    stock: tuple[StockLine, ...] = ()


# -- filters -----------------------------------------------------------------------------------


def _prefix_range(expr: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    """`expr` starts with `prefix`, as a byte-order range the text_pattern_ops index can serve.

    LIKE 'abc%' is turned into this range by the planner only when the pattern is known at planning
    time; psycopg prepares a statement after five runs and PostgreSQL may then plan it generically,
    which would turn a prefix search into a scan of a million rows. The range stays indexable.
    """
    return and_(expr.op("~>=~")(prefix), expr.op("~<~")(prefix + _MAX_CODE_POINT))


def _matching_product_ids(session: Session, text: str) -> list[int]:
    """Products whose DI starts with, or whose Chinese or English name contains, `text` (few rows)."""
    return list(session.execute(
        select(Product.id).where(or_(
            _prefix_range(Product.di, text),
            _prefix_range(Product.di, text.upper()),
            Product.name.icontains(text, autoescape=True),
            Product.name_en.icontains(text, autoescape=True),
        ))
    ).scalars())


def _conditions(session: Session, flt: LotFilter) -> list[ColumnElement[bool]]:
    """WHERE terms on `lot` (product matches for the text are resolved first, into an id list)."""
    terms: list[ColumnElement[bool]] = []
    if flt.product_id is not None:
        terms.append(Lot.product_id == flt.product_id)
    if flt.statuses:
        terms.append(Lot.status.in_([LotStatus(s) for s in flt.statuses]))
    if flt.expires_within_days is not None:
        if flt.expires_within_days < 0:
            raise InvalidInput.of("lots.expiry_window_negative")
        terms.append(Lot.expiry_date >= func.current_date())
        terms.append(Lot.expiry_date <= func.current_date() + flt.expires_within_days)
    if flt.expired:
        terms.append(Lot.expiry_date < func.current_date())
    text = flt.text.strip()
    if text:
        # Lot numbers as typed and in capitals (scanners and labels use capitals); products by id.
        matches = [_prefix_range(Lot.lot_no, text)]
        if text.upper() != text:
            matches.append(_prefix_range(Lot.lot_no, text.upper()))
        product_ids = _matching_product_ids(session, text)
        if product_ids:
            matches.append(Lot.product_id.in_(product_ids))
        terms.append(or_(*matches))
    return terms


# -- list --------------------------------------------------------------------------------------


def _row_columns(lot: Any, product: Any) -> list[ColumnElement[Any]]:
    return [
        lot.id, lot.product_id, product.di, product.name, product.name_en, lot.lot_no, lot.status,
        lot.production_date, lot.expiry_date, lot.quantity, lot.created_at,
        (lot.expiry_date - func.current_date()).label("days_to_expiry"), product.alert_days,
    ]


def _to_row(r: Any) -> LotRow:
    return LotRow(
        id=r.id, product_id=r.product_id, product_di=r.di, product_name=r.name, product_name_en=r.name_en,
        lot_no=r.lot_no, status=LotStatus(r.status), production_date=r.production_date,
        expiry_date=r.expiry_date, quantity=r.quantity, created_at=r.created_at,
        days_to_expiry=r.days_to_expiry, alert_days=max(r.alert_days, default=0),
    )


def _check_sort(sort_key: str) -> None:
    if sort_key not in SORT_KEYS:
        raise InvalidInput.of("lots.unknown_sort_key", key=sort_key)


def _after(cols: Sequence[ColumnElement[Any]], key: SortKey, scan_desc: bool) -> ColumnElement[bool]:
    """Rows strictly after `key` in scan order (a row comparison: one index range condition)."""
    left, right = tuple_(*cols), tuple_(*(literal(v, type_=c.type) for v, c in zip(key, cols, strict=True)))
    return left < right if scan_desc else left > right


def _lot_sorted(session: Session, flt: LotFilter, sort_key: str, boundary: SortKey | None,
                scan_desc: bool, *, keys_only: bool = False) -> Select[Any]:
    """The filtered list in scan order, strictly after `boundary`, for a sort on a lot column."""
    cols = [LOT_SORTS[sort_key], Lot.id]
    if keys_only:
        stmt = select(*cols)  # no join: an index-only walk when there is no filter
    else:
        stmt = select(*_row_columns(Lot, Product)).join(Product, Product.id == Lot.product_id)
    stmt = stmt.where(*_conditions(session, flt))
    if boundary is not None:
        stmt = stmt.where(_after(cols, boundary, scan_desc))
    return stmt.order_by(*(c.desc() if scan_desc else c.asc() for c in cols))


def _product_sorted(session: Session, flt: LotFilter, sort_key: str, boundary: SortKey | None,
                    scan_desc: bool, inner_limit: int | None, *, keys_only: bool = False) -> Select[Any]:
    """The filtered list sorted by a product column: products in order, each product's lots by id.

    The products (few) are sorted in a subquery, so the planner knows the join's output is already
    ordered by product and adds only an incremental sort by lot id; a LATERAL subquery walks
    lot(product_id, id) for one product at a time and stops after `inner_limit` rows, so a page
    touches only the products it shows. The boundary's own product starts after the boundary lot.
    """
    pcol = PRODUCT_SORTS[sort_key]
    product_order = (pcol.desc(), Product.id.desc()) if scan_desc else (pcol.asc(), Product.id.asc())
    products = select(Product.id, Product.di, Product.name, Product.name_en, Product.alert_days,
                      pcol.label("sort_value"))
    if flt.product_id is not None:
        products = products.where(Product.id == flt.product_id)
    if boundary is not None:
        pkey = tuple_(pcol, Product.id)
        bound = tuple_(literal(boundary[0], type_=String()), literal(boundary[1], type_=BigInteger()))
        products = products.where(pkey <= bound if scan_desc else pkey >= bound)
    p = products.order_by(*product_order).subquery("p")

    inner = select(Lot.id, Lot.product_id, Lot.lot_no, Lot.status, Lot.production_date, Lot.expiry_date,
                   Lot.quantity, Lot.created_at).where(Lot.product_id == p.c.id, *_conditions(session, flt))
    if boundary is not None:
        _value, product_id, lot_id = boundary
        # One index condition on lot(product_id, id): past the boundary lot in the boundary's own
        # product, unbounded (ids are positive) in the products after it.
        open_end = _BIGINT_MAX if scan_desc else 0
        start = case((p.c.id == literal(product_id, BigInteger()), literal(lot_id, BigInteger())),
                     else_=literal(open_end, BigInteger()))
        inner = inner.where(Lot.id < start if scan_desc else Lot.id > start)
    inner = inner.order_by(Lot.id.desc() if scan_desc else Lot.id.asc())
    if inner_limit is not None:
        inner = inner.limit(inner_limit)
    lots = inner.lateral("l")
    order = [p.c.sort_value, p.c.id, lots.c.id]
    columns = order if keys_only else _row_columns(lots.c, p.c)
    stmt = select(*columns).select_from(p).join(lots, true())
    return stmt.order_by(*(c.desc() if scan_desc else c.asc() for c in order))


def _sorted(session: Session, flt: LotFilter, sort_key: str, boundary: SortKey | None, scan_desc: bool,
            limit: int | None) -> Select[Any]:
    if sort_key in PRODUCT_SORTS:
        return _product_sorted(session, flt, sort_key, boundary, scan_desc, limit)
    return _lot_sorted(session, flt, sort_key, boundary, scan_desc)


def fetch_lots(
    uow: UnitOfWork,
    *,
    filter: LotFilter,
    sort_key: str = "lot_no",
    descending: bool = False,
    after: SortKey | None = None,
    before: SortKey | None = None,
    from_end: bool = False,
    limit: int = PAGE_SIZE,
) -> list[LotRow]:
    """Up to `limit` rows in display order: the first ones, those just after/before a key, or the last.

    `after`/`before` are `LotRow.sort_key(sort_key)` values of a row already shown. Rows come back in
    display order whichever way they were read.
    """
    _check_sort(sort_key)
    if sum((after is not None, before is not None, from_end)) > 1:
        raise InvalidInput.of("lots.page_anchor_conflict")
    if limit <= 0:
        return []
    backward = before is not None or from_end
    scan_desc = descending != backward
    with uow:
        boundary = after if after is not None else before
        stmt = _sorted(uow.session, filter, sort_key, boundary, scan_desc, limit)
        rows = [_to_row(r) for r in uow.session.execute(stmt.limit(limit))]
    if backward:
        rows.reverse()
    return rows


def count_lots(uow: UnitOfWork, *, filter: LotFilter) -> int:
    """How many lots match the filter (exact; the list's scroll range depends on it).

    Runs without parallel workers: on a workstation the count is background work, and a parallel
    scan takes every core of a small machine from the GUI that is painting the first rows (measured
    on 2 CPUs with 1 M lots: 3 processes × ~90 ms instead of one × ~120 ms; first paint ~90 → ~60 ms).
    """
    with uow:
        uow.session.execute(select(func.set_config("max_parallel_workers_per_gather", "0", True)))
        stmt = select(func.count()).select_from(Lot).where(*_conditions(uow.session, filter))
        return uow.session.execute(stmt).scalar_one()


def key_at(
    uow: UnitOfWork,
    *,
    filter: LotFilter,
    sort_key: str = "lot_no",
    descending: bool = False,
    position: int,
    total: int,
) -> SortKey | None:
    """The sort key of the row at `position` (0-based) of a result of `total` rows.

    The bounded fallback for a jump far from any page already read: reads keys only, counting from
    the nearer end of the result, so it walks at most total / 2 index entries. The caller then reads
    the page itself by keyset from the key returned.
    """
    _check_sort(sort_key)
    if not 0 <= position < total:
        return None
    from_end = position >= total - position
    offset = total - 1 - position if from_end else position
    scan_desc = descending != from_end
    with uow:
        session = uow.session
        if sort_key in PRODUCT_SORTS:
            keys = _product_sorted(session, filter, sort_key, None, scan_desc, None, keys_only=True)
        else:
            keys = _lot_sorted(session, filter, sort_key, None, scan_desc, keys_only=True)
        found = session.execute(keys.offset(offset).limit(1)).first()
    return tuple(found) if found is not None else None


def list_products(uow: UnitOfWork) -> list[ProductChoice]:
    """Every product, by name, for the product filter."""
    with uow:
        rows = uow.session.execute(
            select(Product.id, Product.di, Product.name, Product.name_en).order_by(Product.name, Product.id)
        )
        return [ProductChoice(id=r.id, di=r.di, name=r.name, name_en=r.name_en) for r in rows]


# -- detail ------------------------------------------------------------------------------------


def lot_detail(uow: UnitOfWork, *, lot_id: int) -> LotDetail:
    """The lot record as a reviewer reads it (ISO 13485 7.5.8/7.5.9: identification and traceability).

    Raises NotFound when the lot does not exist (or is not visible to this user).
    """
    with uow:
        session = uow.session
        head = session.execute(
            select(
                Lot, Product,
                (Lot.expiry_date - func.current_date()).label("days_to_expiry"),
                select(func.count()).where(SerialUnit.lot_id == Lot.id).scalar_subquery().label("serials"),
            ).join(Product, Product.id == Lot.product_id).where(Lot.id == lot_id)
        ).first()
        if head is None:
            raise NotFound.of("lots.not_found", lot_id=lot_id)
        lot, product = head.Lot, head.Product
        header = LotHeader(
            id=lot.id, lot_no=lot.lot_no, status=LotStatus(lot.status), production_date=lot.production_date,
            expiry_date=lot.expiry_date, days_to_expiry=head.days_to_expiry, quantity=lot.quantity,
            created_at=lot.created_at, created_by=lot.created_by, product_id=product.id,
            agency=str(product.agency), di=product.di, product_name=product.name,
            product_name_en=product.name_en, model=product.model, registration_no=product.registration_no,
            risk_class=str(product.risk_class), implantable=product.implantable,
            alert_days=tuple(sorted(product.alert_days, reverse=True)), serial_count=head.serials,
        )
        qc = tuple(
            QcLine(r.test_name, r.specification, r.result, r.passed, r.tested_on)
            for r in session.execute(
                select(QcResult).where(QcResult.lot_id == lot_id).order_by(QcResult.tested_on, QcResult.id)
            ).scalars()
        )
        deviations = tuple(
            DeviationLine(d.number, d.title, str(d.status), d.opened_on, d.closed_on)
            for d in session.execute(
                select(Deviation).where(Deviation.lot_id == lot_id)
                .order_by(Deviation.opened_on, Deviation.id)
            ).scalars()
        )
        edge = GenealogyEdge
        components = _genealogy(session, edge.finished_lot_id == lot_id, edge.component_lot_id)
        where_used = _genealogy(session, edge.component_lot_id == lot_id, edge.finished_lot_id)
        where_used_total = session.execute(
            select(func.count()).select_from(GenealogyEdge).where(GenealogyEdge.component_lot_id == lot_id)
        ).scalar_one()
        movements, movements_total = _movements(session, lot_id)
        stock = tuple(
            StockLine(r.id, r.code, r.name, str(r.kind), r.quantity)
            for r in session.execute(
                select(Party.id, Party.code, Party.name, Party.kind, stock_on_hand.c.quantity)
                .join(Party, Party.id == stock_on_hand.c.party_id)
                .where(stock_on_hand.c.lot_id == lot_id, stock_on_hand.c.quantity != 0)
                .order_by(stock_on_hand.c.quantity.desc(), Party.code)
            )
        )
    return LotDetail(
        header=header, qc=qc, deviations=deviations, components=components, where_used=where_used,
        where_used_total=where_used_total, movements=movements, movements_total=movements_total, stock=stock,
    )


def _genealogy(session: Session, where: ColumnElement[bool], other_lot: Any) -> tuple[GenealogyLine, ...]:
    other = aliased(Lot)
    rows = session.execute(
        select(other.id, other.lot_no, other.status, Product.di, Product.name, GenealogyEdge.quantity,
               Party.name.label("site"))
        .select_from(GenealogyEdge)
        .join(other, other.id == other_lot)
        .join(Product, Product.id == other.product_id)
        .join(Party, Party.id == GenealogyEdge.site_id)
        .where(where)
        .order_by(other_lot)
        .limit(DETAIL_LIMIT)
    )
    return tuple(
        GenealogyLine(r.id, r.lot_no, r.di, r.name, LotStatus(r.status), r.quantity, r.site) for r in rows
    )


def _movements(session: Session, lot_id: int) -> tuple[tuple[MovementLine, ...], int]:
    source, dest = aliased(Party), aliased(Party)
    rows = session.execute(
        select(Movement, source.name.label("source"), dest.name.label("dest"))
        .outerjoin(source, source.id == Movement.from_party_id)
        .outerjoin(dest, dest.id == Movement.to_party_id)
        .where(Movement.lot_id == lot_id)
        .order_by(Movement.id)
        .limit(DETAIL_LIMIT)
    )
    lines = tuple(
        MovementLine(r.Movement.id, str(r.Movement.kind), r.Movement.moved_on, r.Movement.quantity,
                     r.Movement.serial, r.source, r.dest, r.Movement.document_no)
        for r in rows
    )
    total = len(lines)
    if total == DETAIL_LIMIT:
        total = session.execute(
            select(func.count()).select_from(Movement).where(Movement.lot_id == lot_id)
        ).scalar_one()
    return lines, total

