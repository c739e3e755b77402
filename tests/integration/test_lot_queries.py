"""The lot list reads exactly the rows OFFSET would, page by page in both directions, and filters right."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound
from app.models import Deviation, Lot, Product, QcResult
from app.models.enums import DeviationStatus, LotStatus, MovementKind, PartyKind
from app.services.lot_queries import (
    SORT_KEYS,
    LotFilter,
    count_lots,
    fetch_lots,
    key_at,
    list_products,
    lot_detail,
)
from tests.factories import consume, make_lot, make_party, make_product, move

STATUSES = list(LotStatus)
# The ORDER BY each sort key means, written independently of the service.
ORDER_SQL = {
    "lot_no": "l.lot_no {d}, l.id {d}",
    "product": "p.name {d}, p.id {d}, l.id {d}",
    "di": "p.di {d}, p.id {d}, l.id {d}",
    "status": "l.status {d}, l.id {d}",
    "production_date": "l.production_date {d}, l.id {d}",
    "expiry_date": "l.expiry_date {d}, l.id {d}",
    "quantity": "l.quantity {d}, l.id {d}",
}


@dataclass(frozen=True)
class Catalogue:
    today: dt.date
    syringe: Product
    catheter: Product
    stent: Product
    total: int


@pytest.fixture
def catalogue(session: Session) -> Catalogue:
    """~300 lots of three products, with repeated dates, quantities and lot numbers (ties by id)."""
    today = session.execute(select(func.current_date())).scalar_one()
    syringe = make_product(session, name="一次性使用无菌注射器", name_en="Sterile single-use syringe")
    catheter = make_product(session, name="中心静脉导管", name_en="Central venous catheter")
    stent = make_product(session, name="冠状动脉支架", name_en="Coronary stent", alert_days=[365, 90])
    lots = []
    for i in range(310):
        product = (syringe, catheter, stent)[i % 3]
        expiry = today + dt.timedelta(days=(i * 7) % 400 - 60)
        lots.append(Lot(
            product_id=product.id,
            lot_no=f"{'AB'[i % 2]}{i // 5:04d}",  # each lot number used by up to three products
            production_date=min(expiry, today - dt.timedelta(days=i % 11)),
            expiry_date=expiry,
            quantity=100 * (1 + i % 4),
            status=STATUSES[i % len(STATUSES)],
        ))
    session.add_all(lots)
    session.flush()
    return Catalogue(today, syringe, catheter, stent, len(lots))


def ordered_ids(session: Session, sort_key: str, descending: bool, where: str = "TRUE") -> list[int]:
    order = ORDER_SQL[sort_key].format(d="DESC" if descending else "ASC")
    return list(session.execute(text(
        f"SELECT l.id FROM lot l JOIN product p ON p.id = l.product_id WHERE {where} ORDER BY {order}"
    )).scalars())


def offset_page(session: Session, sort_key: str, descending: bool, offset: int, limit: int) -> list[int]:
    order = ORDER_SQL[sort_key].format(d="DESC" if descending else "ASC")
    return list(session.execute(text(
        f"SELECT l.id FROM lot l JOIN product p ON p.id = l.product_id ORDER BY {order} "
        "OFFSET :offset LIMIT :limit"
    ), {"offset": offset, "limit": limit}).scalars())


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort_key", SORT_KEYS)
def test_keyset_pages_forward_backward_and_from_the_end_are_the_offset_pages(
    uow: UnitOfWork, session: Session, catalogue: Catalogue, sort_key: str, descending: bool
) -> None:
    flt, size = LotFilter(), 37
    expected = ordered_ids(session, sort_key, descending)
    assert len(expected) == catalogue.total

    forward: list[int] = []
    after = None
    while True:
        page = fetch_lots(uow, filter=flt, sort_key=sort_key, descending=descending, after=after, limit=size)
        if not page:
            break
        assert [r.id for r in page] == offset_page(session, sort_key, descending, len(forward), size)
        forward += [r.id for r in page]
        after = page[-1].sort_key(sort_key)
    assert forward == expected

    last = fetch_lots(uow, filter=flt, sort_key=sort_key, descending=descending, from_end=True, limit=size)
    backward = [r.id for r in last]
    assert backward == expected[-size:]
    before = last[0].sort_key(sort_key)
    while True:
        page = fetch_lots(uow, filter=flt, sort_key=sort_key, descending=descending, before=before,
                          limit=size)
        if not page:
            break
        backward = [r.id for r in page] + backward
        before = page[0].sort_key(sort_key)
    assert backward == expected


@pytest.mark.parametrize("sort_key", ["lot_no", "product", "expiry_date"])
def test_a_far_jump_finds_the_key_of_the_row_offset_would_find(
    uow: UnitOfWork, session: Session, catalogue: Catalogue, sort_key: str
) -> None:
    expected = ordered_ids(session, sort_key, False)
    for position in (0, 1, 150, 200, catalogue.total - 1):
        key = key_at(uow, filter=LotFilter(), sort_key=sort_key, position=position, total=catalogue.total)
        assert key is not None
        assert key[-1] == expected[position]
        page = fetch_lots(uow, filter=LotFilter(), sort_key=sort_key, after=key, limit=5)
        assert [r.id for r in page] == expected[position + 1:position + 6]
    assert key_at(uow, filter=LotFilter(), position=catalogue.total, total=catalogue.total) is None


def test_filters_by_status_product_and_expiry_window_count_and_list_the_same_lots(
    uow: UnitOfWork, session: Session, catalogue: Catalogue
) -> None:
    today = catalogue.today.isoformat()
    cases = {
        LotFilter(statuses=(LotStatus.RELEASED, LotStatus.ON_HOLD)): "l.status IN ('released', 'on_hold')",
        LotFilter(product_id=catalogue.stent.id): f"l.product_id = {catalogue.stent.id}",
        LotFilter(expires_within_days=30):
            f"l.expiry_date BETWEEN DATE '{today}' AND DATE '{today}' + 30",
        LotFilter(expired=True): f"l.expiry_date < DATE '{today}'",
        LotFilter(product_id=catalogue.syringe.id, statuses=(LotStatus.QUARANTINE,), expires_within_days=180):
            f"l.product_id = {catalogue.syringe.id} AND l.status = 'quarantine' "
            f"AND l.expiry_date BETWEEN DATE '{today}' AND DATE '{today}' + 180",
    }
    for flt, where in cases.items():
        expected = ordered_ids(session, "expiry_date", False, where)
        assert expected, where
        assert count_lots(uow, filter=flt) == len(expected)
        rows = fetch_lots(uow, filter=flt, sort_key="expiry_date", limit=1000)
        assert [r.id for r in rows] == expected


def test_days_to_expiry_counts_from_the_servers_date(uow: UnitOfWork, catalogue: Catalogue) -> None:
    rows = fetch_lots(uow, filter=LotFilter(expired=True), sort_key="expiry_date", limit=1)
    assert rows[0].days_to_expiry == (rows[0].expiry_date - catalogue.today).days < 0
    stent_row = fetch_lots(uow, filter=LotFilter(product_id=catalogue.stent.id), limit=1)[0]
    assert stent_row.alert_days == 365


@pytest.mark.parametrize(
    ("search", "which"),
    [
        ("注射器", "syringe"),  # Chinese name, a word inside it
        ("central VENOUS", "catheter"),  # English name, any case
        ("冠状动脉", "stent"),
    ],
)
def test_text_search_finds_lots_by_product_name_in_chinese_or_english(
    uow: UnitOfWork, catalogue: Catalogue, search: str, which: str
) -> None:
    product = getattr(catalogue, which)
    rows = fetch_lots(uow, filter=LotFilter(text=search), limit=1000)
    assert rows
    assert {r.product_id for r in rows} == {product.id}
    assert count_lots(uow, filter=LotFilter(text=search)) == len(rows)


def test_text_search_finds_lots_by_di_prefix_and_by_lot_number_prefix_in_any_case(
    uow: UnitOfWork, catalogue: Catalogue
) -> None:
    by_di = fetch_lots(uow, filter=LotFilter(text=catalogue.catheter.di), limit=1000)
    assert {r.product_id for r in by_di} == {catalogue.catheter.id}
    by_di_prefix = fetch_lots(uow, filter=LotFilter(text=catalogue.catheter.di[:-1]), limit=1000)
    assert {r.id for r in by_di} <= {r.id for r in by_di_prefix}

    by_lot = fetch_lots(uow, filter=LotFilter(text="b001"), limit=1000)
    assert by_lot
    assert all(r.lot_no.startswith("B001") for r in by_lot)
    assert len(by_lot) == count_lots(uow, filter=LotFilter(text="B001"))


def test_text_search_treats_like_wildcards_as_plain_characters(uow: UnitOfWork, catalogue: Catalogue) -> None:
    assert fetch_lots(uow, filter=LotFilter(text="%"), limit=10) == []
    assert count_lots(uow, filter=LotFilter(text="A_0")) == 0


def test_an_unknown_sort_column_is_refused(uow: UnitOfWork) -> None:
    with pytest.raises(InvalidInput, match="cannot be sorted"):
        fetch_lots(uow, filter=LotFilter(), sort_key="created_by")


def test_products_for_the_filter_come_by_name(uow: UnitOfWork, catalogue: Catalogue) -> None:
    names = [p.name for p in list_products(uow)]
    assert names == sorted(names)
    assert {"一次性使用无菌注射器", "中心静脉导管", "冠状动脉支架"} <= set(names)


def test_lot_detail_shows_qc_deviations_genealogy_movements_and_stock(
    uow: UnitOfWork, session: Session
) -> None:
    site = make_party(session, PartyKind.MANUFACTURER, name="苏州工厂")
    distributor = make_party(session, PartyKind.DISTRIBUTOR, name="华东医疗器械经营公司")
    hospital = make_party(session, PartyKind.HOSPITAL, name="市第一人民医院")
    resin = make_lot(session, lot_no="RES-01")
    move(session, MovementKind.PRODUCE, resin, 500, dest=site)
    lot = make_lot(session, lot_no="L-2401", production_date=dt.date(2026, 1, 10),
                   expiry_date=dt.date(2028, 1, 9))
    move(session, MovementKind.PRODUCE, lot, 100, dest=site)
    consume(session, lot, resin, 20, site)
    kit = make_lot(session, lot_no="KIT-9")
    move(session, MovementKind.PRODUCE, kit, 10, dest=site)
    consume(session, kit, lot, 10, site)
    move(session, MovementKind.SHIP, lot, 40, source=site, dest=distributor)
    move(session, MovementKind.SHIP, lot, 15, source=distributor, dest=hospital)
    session.add_all([
        QcResult(lot_id=lot.id, test_name="无菌检查 Sterility", specification="无菌生长", result="符合",
                 passed=True, tested_on=dt.date(2026, 1, 20)),
        QcResult(lot_id=lot.id, test_name="Endotoxin", specification="< 20 EU/device", result="25 EU",
                 passed=False, tested_on=dt.date(2026, 1, 21)),
        Deviation(lot_id=lot.id, number="DEV-2026-001", title="Label misprint",
                  opened_on=dt.date(2026, 1, 22), status=DeviationStatus.CLOSED,
                  closed_on=dt.date(2026, 1, 25)),
    ])
    session.flush()

    detail = lot_detail(uow, lot_id=lot.id)
    assert detail.header.lot_no == "L-2401"
    assert detail.header.udi_hri.endswith("(11)260110(17)280109(10)L-2401")
    assert [(q.test_name, q.passed) for q in detail.qc] == [
        ("无菌检查 Sterility", True), ("Endotoxin", False),
    ]
    assert [(d.number, d.status) for d in detail.deviations] == [("DEV-2026-001", "closed")]
    assert [(c.lot_no, c.quantity, c.site) for c in detail.components] == [("RES-01", 20, "苏州工厂")]
    assert [(w.lot_no, w.quantity) for w in detail.where_used] == [("KIT-9", 10)]
    assert detail.where_used_total == 1
    assert [(m.kind, m.quantity, m.from_party, m.to_party) for m in detail.movements] == [
        ("produce", 100, None, "苏州工厂"),
        ("ship", 40, "苏州工厂", "华东医疗器械经营公司"),
        ("ship", 15, "华东医疗器械经营公司", "市第一人民医院"),
    ]
    assert detail.movements_total == 3
    assert {(s.party_name, s.quantity) for s in detail.stock} == {
        ("苏州工厂", 100 - 10 - 40), ("华东医疗器械经营公司", 25), ("市第一人民医院", 15),
    }


def test_the_detail_of_a_lot_that_does_not_exist_says_so(uow: UnitOfWork) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        lot_detail(uow, lot_id=987654321)
