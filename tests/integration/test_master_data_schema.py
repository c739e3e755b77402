"""The database itself guards master data and stock, whoever writes to it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, StockWouldGoNegative
from app.models import Lot, Movement
from app.models.enums import Agency, MovementKind, PartyKind
from tests.factories import consume, gtin14, make_lot, make_party, make_product, move


def test_a_gs1_product_with_a_wrong_check_digit_is_refused(session: Session) -> None:
    good = gtin14("0695012345678")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    make_product(session, di=good)
    with pytest.raises(IntegrityError, match="gtin_check_digit"):
        make_product(session, di=bad)


def test_hibcc_and_ma_codes_are_not_judged_by_the_gtin_rule(session: Session) -> None:
    make_product(session, agency=Agency.HIBCC, di="+A123BJC5D6E71")
    make_product(session, agency=Agency.MA, di="MA.156.M0.100001")


def test_a_lot_cannot_expire_before_it_was_made(session: Session) -> None:
    with pytest.raises(IntegrityError, match="produced_before_expiry"):
        make_lot(session, production_date=dt.date(2026, 5, 1), expiry_date=dt.date(2026, 4, 30))


def test_stock_is_derived_from_movements_and_genealogy(session: Session) -> None:
    site = make_party(session, PartyKind.MANUFACTURER)
    distributor = make_party(session, PartyKind.DISTRIBUTOR)
    hospital = make_party(session, PartyKind.HOSPITAL)
    lot = make_lot(session)
    move(session, MovementKind.PRODUCE, lot, 100, dest=site)
    move(session, MovementKind.SHIP, lot, 40, source=site, dest=distributor)
    move(session, MovementKind.SHIP, lot, 15, source=distributor, dest=hospital)
    move(session, MovementKind.RETURN, lot, 5, source=hospital, dest=site)
    move(session, MovementKind.INSTALL, lot, 3, source=hospital)
    finished = make_lot(session)
    consume(session, finished, lot, 10, site)

    rows = session.execute(
        text("SELECT party_id, quantity FROM stock_on_hand WHERE lot_id = :lot"), {"lot": lot.id}
    ).all()
    assert dict(rows) == {site.id: 100 - 40 + 5 - 10, distributor.id: 25, hospital.id: 15 - 5 - 3}


def test_a_shipment_larger_than_the_stock_is_refused_with_a_clear_message(uow: UnitOfWork) -> None:
    with uow:
        site = make_party(uow.session)
        customer = make_party(uow.session, PartyKind.HOSPITAL)
        lot = make_lot(uow.session, lot_no="L-2401")
        move(uow.session, MovementKind.PRODUCE, lot, 10, dest=site)
        uow.commit()
    with pytest.raises(StockWouldGoNegative, match=r"L-2401.*would have -1 unit"), uow:
        move(uow.session, MovementKind.SHIP, lot, 11, source=site, dest=customer)
    with uow:
        shipped = uow.session.scalars(select(Movement).where(Movement.kind == MovementKind.SHIP)).all()
    assert shipped == []


def test_consuming_more_components_than_the_site_holds_is_refused(uow: UnitOfWork) -> None:
    with uow:
        site = make_party(uow.session)
        component = make_lot(uow.session)
        finished = make_lot(uow.session)
        move(uow.session, MovementKind.PRODUCE, component, 5, dest=site)
        uow.commit()
    with pytest.raises(StockWouldGoNegative), uow:
        consume(uow.session, finished, component, 6, site)


def test_deleting_a_receipt_whose_units_were_shipped_is_refused(uow: UnitOfWork) -> None:
    with uow:
        site = make_party(uow.session)
        customer = make_party(uow.session, PartyKind.HOSPITAL)
        lot = make_lot(uow.session)
        produced = move(uow.session, MovementKind.PRODUCE, lot, 5, dest=site)
        move(uow.session, MovementKind.SHIP, lot, 5, source=site, dest=customer)
        uow.commit()
    with pytest.raises(StockWouldGoNegative), uow:
        uow.session.execute(text("SELECT set_config('medtrace.reason', 'entered twice', true)"))
        uow.session.delete(uow.session.get(Movement, produced.id))
        uow.session.flush()


def test_a_movement_must_have_the_parties_its_kind_needs(uow: UnitOfWork) -> None:
    with pytest.raises(InvalidInput, match="parties_fit_kind"), uow:
        site = make_party(uow.session)
        lot = make_lot(uow.session)
        move(uow.session, MovementKind.SHIP, lot, 1, source=site)


def test_receiving_from_a_supplier_does_not_need_the_suppliers_stock(session: Session) -> None:
    supplier = make_party(session, PartyKind.SUPPLIER)
    site = make_party(session)
    lot = make_lot(session)
    move(session, MovementKind.RECEIVE, lot, 50, source=supplier, dest=site)
    balance = session.scalar(text("SELECT stock_at(:l, :p)"), {"l": lot.id, "p": site.id})
    assert balance == 50


def test_records_say_who_made_them_by_the_database_session(session: Session) -> None:
    lot = make_lot(session)
    session.refresh(lot)
    assert lot.created_by == session.scalar(text("SELECT session_user"))
    assert session.get(Lot, lot.id).created_at.tzinfo is not None
