"""Reviewers read the audit trail newest first, in pages, narrowed by who, what, which record and when."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import InvalidInput
from app.models import Party
from app.models.enums import PartyKind
from app.services.audit_queries import (
    AuditFilter,
    audited_tables,
    distinct_actors,
    fetch_audit,
    history_of,
)
from app.services.identity import person_engine, sign_in
from tests.conftest import Person
from tests.factories import make_lot


def _reason(session: Session, reason: str) -> None:
    session.execute(text("SELECT set_config('medtrace.reason', :r, true)"), {"r": reason})


def test_entries_come_newest_first_in_keyset_pages_that_neither_skip_nor_repeat(uow: UnitOfWork) -> None:
    token = uuid.uuid4().hex[:10]
    with uow:
        for i in range(5):
            uow.session.add(Party(code=f"Q-{token}-{i}", name=f"分页 {token} {i}", kind=PartyKind.HOSPITAL))
            uow.session.flush()
        uow.commit()
    flt = AuditFilter(text=token)
    seen: list[int] = []
    pages = []
    before = None
    while True:
        page = fetch_audit(uow, filter=flt, before_id=before, limit=2)
        pages.append(len(page.rows))
        seen += [row.id for row in page.rows]
        if not page.has_more:
            break
        before = page.last_id
    assert pages == [2, 2, 1]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5
    first = fetch_audit(uow, filter=flt, limit=1).rows[0]
    assert (first.table, first.action, first.new["code"]) == ("party", "INSERT", f"Q-{token}-4")
    assert first.old is None and "code" in first.changed_fields


def test_an_update_shows_old_and_new_values_the_changed_field_and_the_reason(session: Session,
                                                                            uow: UnitOfWork) -> None:
    lot = make_lot(session, quantity=100)
    _reason(session, "复核后更正 recount after review")
    session.execute(text("UPDATE lot SET quantity = 98 WHERE id = :id"), {"id": lot.id})
    now = session.execute(text("SELECT now()")).scalar_one()
    page = fetch_audit(uow, filter=AuditFilter(table_name="lot", record_id=str(lot.id), action="UPDATE",
                                               since=now))
    assert len(page.rows) == 1
    row = page.rows[0]
    assert (row.old["quantity"], row.new["quantity"]) == (100, 98)
    assert row.changed_fields == ("quantity",)
    assert row.reason == "复核后更正 recount after review"
    assert row.actor == "postgres" and row.workstation.startswith("medtrace@")
    assert row.at.tzinfo is not None


def test_filters_by_table_action_and_time_range_narrow_the_list(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session)
    now = session.execute(text("SELECT now()")).scalar_one()
    by_record = AuditFilter(table_name="lot", record_id=str(lot.id), since=now)
    assert [r.action for r in fetch_audit(uow, filter=by_record).rows] == ["INSERT"]
    assert fetch_audit(uow, filter=AuditFilter(table_name="product", record_id=str(lot.id),
                                               action="UPDATE")).rows == ()
    during = AuditFilter(table_name="lot", record_id=str(lot.id), since=now,
                         until=now + dt.timedelta(seconds=1))
    assert len(fetch_audit(uow, filter=during).rows) == 1
    later = AuditFilter(table_name="lot", record_id=str(lot.id), since=now + dt.timedelta(hours=1))
    assert fetch_audit(uow, filter=later).rows == ()


def test_a_reversed_time_range_or_an_unknown_action_is_refused(uow: UnitOfWork) -> None:
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(InvalidInput, match="end of the time range"):
        fetch_audit(uow, filter=AuditFilter(since=now, until=now - dt.timedelta(days=1)))
    with pytest.raises(InvalidInput, match="Unknown audit action"):
        fetch_audit(uow, filter=AuditFilter(action="TRUNCATE"))


def test_a_records_history_holds_its_creation_and_every_change_in_order(session: Session,
                                                                         uow: UnitOfWork) -> None:
    lot = make_lot(session, quantity=500)
    for quantity, reason in ((480, "录入错误更正 typo"), (470, "供应商更正 supplier CoA")):
        _reason(session, reason)
        session.execute(text("UPDATE lot SET quantity = :q WHERE id = :id"), {"q": quantity, "id": lot.id})
    now = session.execute(text("SELECT now()")).scalar_one()
    # Only this test's entries: record ids repeat after other tests' TRUNCATE … RESTART IDENTITY.
    history = [h for h in history_of(uow, "lot", lot.id) if h.at >= now]
    assert [(h.action, (h.new or {}).get("quantity"), h.reason) for h in history] == [
        ("INSERT", 500, None), ("UPDATE", 480, "录入错误更正 typo"), ("UPDATE", 470, "供应商更正 supplier CoA"),
    ]


def test_the_user_and_table_lists_name_everyone_and_everything_in_the_trail(
    committed: Database, make_person
) -> None:
    person: Person = make_person("warehouse")
    signed_in = sign_in(committed.connect_args, login=person.login, password=person.password,
                        code=person.next_code())
    engine: Engine = person_engine(committed.connect_args, person.login, person.password, signed_in)
    try:
        with UnitOfWork.for_engine(engine) as own:
            own.session.add(Party(code=f"W-{person.login}", name="仓库 warehouse", kind=PartyKind.SUPPLIER))
            own.commit()
        actors = distinct_actors(UnitOfWork.for_engine(engine))
        tables = audited_tables(UnitOfWork.for_engine(engine))
    finally:
        engine.dispose()
    assert person.login in actors and "postgres" in actors
    assert actors == tuple(sorted(actors))
    assert {"party", "person", "sign_in_event"} <= set(tables)
