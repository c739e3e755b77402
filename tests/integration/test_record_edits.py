"""Corrections of controlled records keep their reason, and never overwrite someone else's change unseen."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import ComplianceError, InvalidInput, NotFound
from app.models import Deviation, Lot, Product, QcResult
from app.models.enums import DeviationStatus
from app.services.audit_queries import history_of
from app.services.identity import person_engine, sign_in
from app.services.record_edits import (
    RecordChangedMeanwhile,
    close_deviation,
    edit_lot,
    edit_movement,
    edit_product,
    edit_qc_result,
    load_for_edit,
)
from tests.conftest import Person
from tests.factories import make_lot, make_product

SAW = {"production_date": dt.date(2026, 1, 10), "expiry_date": dt.date(2028, 1, 9), "quantity": 1000}


def test_a_lot_correction_is_saved_with_its_reason_old_and_new_values(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session)
    result = edit_lot(uow, lot_id=lot.id, changes={"quantity": 990, "expiry_date": dt.date(2028, 1, 8)},
                      reason="录入错误更正 Data entry correction", expected=SAW)
    assert {(c.field, c.old, c.new) for c in result.changes} == {
        ("quantity", 1000, 990), ("expiry_date", dt.date(2028, 1, 9), dt.date(2028, 1, 8))}
    assert result.label.startswith(lot.lot_no)
    session.expire_all()
    assert (session.get(Lot, lot.id).quantity, session.get(Lot, lot.id).expiry_date) == (990, dt.date(2028, 1, 8))
    last = history_of(uow, "lot", lot.id)[-1]  # record ids repeat after other tests' RESTART IDENTITY
    assert (last.id, last.action, last.reason) == (result.audit_entry_id, "UPDATE",
                                                   "录入错误更正 Data entry correction")
    assert set(last.changed_fields) == {"quantity", "expiry_date"}


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_edit_without_a_reason_is_refused_and_changes_nothing(session: Session, uow: UnitOfWork,
                                                                reason: str | None) -> None:
    lot = make_lot(session)
    with pytest.raises(InvalidInput, match="State why"):
        edit_lot(uow, lot_id=lot.id, changes={"quantity": 1}, reason=reason, expected=SAW)  # type: ignore[arg-type]
    session.expire_all()
    assert session.get(Lot, lot.id).quantity == 1000


def test_a_change_made_by_someone_else_meanwhile_is_reported_with_who_and_when(
    committed: Database, owner_conn: psycopg.Connection
) -> None:
    with Session(committed.engine) as session:
        lot_id = make_lot(session).id
        session.commit()
    opened = load_for_edit(UnitOfWork.for_engine(committed.engine), table="lot", record_id=lot_id)
    with owner_conn.transaction():
        owner_conn.execute("SELECT set_config('medtrace.reason', 'recount by warehouse', true)")
        owner_conn.execute("UPDATE lot SET quantity = 950 WHERE id = %s", (lot_id,))
    with pytest.raises(RecordChangedMeanwhile, match=r"was changed by postgres at .* reload") as caught:
        edit_lot(UnitOfWork.for_engine(committed.engine), lot_id=lot_id, changes={"quantity": 990},
                 reason="录入错误更正", expected=dict(opened.values))
    assert caught.value.changed_by == "postgres" and caught.value.fields == ("quantity",)
    assert caught.value.changed_at is not None
    with Session(committed.engine) as session:
        assert session.get(Lot, lot_id).quantity == 950


def test_two_simultaneous_corrections_cannot_both_win(committed: Database, owner_conn: psycopg.Connection) -> None:
    """The first writer holds the row; the second waits, then sees the first one's change and stops."""
    with Session(committed.engine) as session:
        lot_id = make_lot(session).id
        session.commit()
    outcome: list[BaseException | None] = []
    started = threading.Event()

    def second_writer() -> None:
        started.set()
        try:
            edit_lot(UnitOfWork.for_engine(committed.engine), lot_id=lot_id, changes={"quantity": 700},
                     reason="second writer", expected=SAW)
        except BaseException as exc:  # noqa: BLE001 — handed to the test thread
            outcome.append(exc)
        else:
            outcome.append(None)

    owner_conn.execute("BEGIN")
    try:
        owner_conn.execute("SELECT set_config('medtrace.reason', 'first writer', true)")
        owner_conn.execute("UPDATE lot SET quantity = 800 WHERE id = %s", (lot_id,))
        thread = threading.Thread(target=second_writer)
        thread.start()
        started.wait()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the second writer must wait for the first one's lock"
    finally:
        owner_conn.execute("COMMIT")
    thread.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], RecordChangedMeanwhile)
    with Session(committed.engine) as session:
        assert session.get(Lot, lot_id).quantity == 800


def test_fields_the_permission_matrix_does_not_open_cannot_be_edited(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session)
    with pytest.raises(InvalidInput, match="Status of a lot cannot be edited"):
        edit_lot(uow, lot_id=lot.id, changes={"status": "released"}, reason="shortcut", expected={})
    with pytest.raises(InvalidInput, match="record a correcting movement"):
        edit_movement(uow, movement_id=1, changes={"document_no": "X"}, reason="typo", expected={})
    with pytest.raises(InvalidInput, match="cannot be edited here"):
        edit_product(uow, product_id=lot.product_id, changes={"di": "06901234567892"}, reason="typo",
                     expected={})


def test_an_unchanged_value_or_a_vanished_record_is_told_plainly(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session)
    with pytest.raises(InvalidInput, match="Nothing was changed"):
        edit_lot(uow, lot_id=lot.id, changes={"quantity": 1000}, reason="same", expected=SAW)
    with pytest.raises(NotFound, match="no longer exists"):
        edit_lot(uow, lot_id=lot.id + 10_000_000, changes={"quantity": 5}, reason="gone", expected={})
    with pytest.raises(InvalidInput, match="not a valid quantity"):
        edit_lot(uow, lot_id=lot.id, changes={"quantity": "many"}, reason="typo", expected=SAW)


def test_the_database_constraints_still_apply_to_a_correction(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session)
    with pytest.raises(InvalidInput, match="refused the data"):
        edit_lot(uow, lot_id=lot.id, changes={"expiry_date": dt.date(2020, 1, 1)}, reason="typo", expected=SAW)


def test_closing_a_deviation_records_its_closing_date_and_reason(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session)
    deviation = Deviation(lot_id=lot.id, number=f"DEV-{lot.id}", title="标签偏移 label offset",
                          opened_on=dt.date(2026, 1, 12))
    session.add(deviation)
    session.flush()
    result = close_deviation(uow, deviation_id=deviation.id, reason="CAPA 完成 CAPA effective",
                             expected={"closed_on": None}, closed_on=dt.date(2026, 2, 1))
    assert {c.field: c.new for c in result.changes} == {"status": "closed", "closed_on": dt.date(2026, 2, 1)}
    session.expire_all()
    assert session.get(Deviation, deviation.id).status == DeviationStatus.CLOSED
    with pytest.raises(RecordChangedMeanwhile):
        close_deviation(uow, deviation_id=deviation.id, reason="again", expected={})


def test_product_and_qc_result_corrections_are_audited_with_their_reason(session: Session,
                                                                        uow: UnitOfWork) -> None:
    product = make_product(session, model="5 mL")
    lot = make_lot(session, product)
    qc = QcResult(lot_id=lot.id, test_name="无菌 Sterility", specification="无菌", result="符合", passed=True,
                  tested_on=dt.date(2026, 1, 20))
    session.add(qc)
    session.flush()
    now = session.execute(text("SELECT now()")).scalar_one()
    edit_product(uow, product_id=product.id, changes={"model": "5 mL 带针", "risk_class": "II"},
                 reason="注册证变更 registration change", expected={"model": "5 mL", "risk_class": "III"})
    edit_qc_result(uow, qc_result_id=qc.id, changes={"passed": False, "result": "不符合"},
                   reason="复核后更正 Correction after review", expected={"passed": True})
    session.expire_all()
    assert (session.get(Product, product.id).model, session.get(QcResult, qc.id).passed) == ("5 mL 带针", False)
    # Only this test's entries: ids of rolled-back or truncated records repeat across tests.
    history = [h for h in history_of(uow, "qc_result", qc.id) if h.at >= now]
    assert [h.reason for h in history] == [None, "复核后更正 Correction after review"]


def test_a_person_without_the_grant_is_refused_by_the_database(committed: Database, make_person) -> None:
    with Session(committed.engine) as session:
        product_id = make_product(session).id
        session.commit()
    person: Person = make_person("warehouse")  # may edit lots, not products
    signed_in = sign_in(committed.connect_args, login=person.login, password=person.password,
                        code=person.next_code())
    engine: Engine = person_engine(committed.connect_args, person.login, person.password, signed_in)
    try:
        with pytest.raises(ComplianceError, match="permission"):
            edit_product(UnitOfWork.for_engine(engine), product_id=product_id, changes={"model": "10 mL"},
                         reason="typo", expected={})
    finally:
        engine.dispose()
    with Session(committed.engine) as session:
        assert session.execute(select(Product.model).where(Product.id == product_id)).scalar_one() == "5 mL"


def test_a_warehouse_person_corrects_a_lot_and_is_named_in_the_trail(committed: Database, make_person) -> None:
    with Session(committed.engine) as session:
        lot_id = make_lot(session).id
        session.commit()
    person: Person = make_person("warehouse")
    signed_in = sign_in(committed.connect_args, login=person.login, password=person.password,
                        code=person.next_code())
    engine: Engine = person_engine(committed.connect_args, person.login, person.password, signed_in)
    try:
        edit_lot(UnitOfWork.for_engine(engine), lot_id=lot_id, changes={"quantity": 999},
                 reason="录入错误更正 Data entry correction", expected=SAW)
        result = edit_lot(UnitOfWork.for_engine(engine), lot_id=lot_id, changes={"quantity": 998},
                          reason="复核后更正 Correction after review", expected={"quantity": 999})
        with Session(engine) as session:
            actor = session.execute(text("SELECT actor FROM audit_entry WHERE id = :id"),
                                    {"id": result.audit_entry_id}).scalar_one()
    finally:
        engine.dispose()
    assert actor == person.login
