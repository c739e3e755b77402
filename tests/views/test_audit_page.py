"""The Audit trail page against a real database: lists, filters, shows old and new, verifies the chain."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.config import AppPaths, Settings
from app.db.engine import Database, open_embedded
from app.db.migrations import upgrade
from app.db.uow import UnitOfWork
from app.models import Party
from app.models.enums import PartyKind
from app.services.audit_queries import PAGE_SIZE
from app.views.audit_page import AuditPage
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.conftest import Person
from tests.factories import make_lot

_scratch_names = itertools.count(1)
ContextFor = Callable[[Database], ViewContext]


@pytest.fixture
def context_for(app_paths: AppPaths) -> Iterator[ContextFor]:
    """Builds a ViewContext on a database; checks that no operation failed unhandled."""
    runners: list[OperationRunner] = []
    failures: list[BaseException] = []

    def _make(db: Database) -> ViewContext:
        broadcast = ChangeBroadcast()
        runner = OperationRunner(broadcast)
        runner.failed.connect(failures.append)
        runners.append(runner)
        return ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(db.engine),
                           paths=app_paths, settings=Settings(language="en"))

    yield _make
    for runner in runners:
        assert runner.wait_for_all(20_000)
    assert failures == []


@pytest.fixture
def ctx(committed: Database, context_for: ContextFor) -> ViewContext:
    return context_for(committed)


@pytest.fixture
def scratch(database: Database, app_paths: AppPaths) -> Iterator[Database]:
    """A fresh database of its own: empty trail, and free to be tampered with."""
    assert database.server is not None
    name = f"audit_page_{next(_scratch_names)}"
    database.server.psql(f"DROP DATABASE IF EXISTS {name}", database="postgres")
    database.server.psql(f"CREATE DATABASE {name}", database="postgres")
    db = open_embedded(app_paths, database=name)
    upgrade(db.engine)
    yield db
    db.close(stop_server=False)
    database.server.psql(f"DROP DATABASE {name} WITH (FORCE)", database="postgres")


def open_page(qtbot: QtBot, ctx: ViewContext) -> AuditPage:
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 760)
    page.show()
    return page


def add_parties(db: Database, count: int, prefix: str) -> list[int]:
    with Session(db.engine) as session:
        parties = [Party(code=f"{prefix}-{i:04d}", name=f"医院 {prefix} {i}", kind=PartyKind.HOSPITAL)
                   for i in range(count)]
        session.add_all(parties)
        session.commit()
        return [p.id for p in parties]


def newest_audit_id(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT max(id) FROM audit_entry")).scalar_one()


def test_the_page_lists_entries_newest_first(qtbot: QtBot, ctx: ViewContext, committed: Database) -> None:
    add_parties(committed, 3, "NEW")
    newest = newest_audit_id(committed)
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert rows[0].id == newest
    assert [r.id for r in rows] == sorted((r.id for r in rows), reverse=True)
    assert page.model.index(0, 2).data() == "Party"
    assert page.model.index(0, 4).data() == "Created"


def test_filtering_by_record_type_and_user_shows_only_their_entries(
    qtbot: QtBot, ctx: ViewContext, committed: Database, make_person
) -> None:
    person: Person = make_person("warehouse")
    with person.verified_connection() as conn:
        conn.execute("INSERT INTO party (code, name, kind) VALUES (%s, '供应商 by person', 'supplier')",
                     (f"P-{person.login}",))
    make_lot_committed(committed)
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.actor_combo.findData(person.login) >= 0
                    and page.table_combo.findData("lot") >= 0, timeout=10_000)
    page.actor_combo.setCurrentIndex(page.actor_combo.findData(person.login))
    page.table_combo.setCurrentIndex(page.table_combo.findData("party"))
    qtbot.waitUntil(lambda: page.model.query_filter.table_name == "party" and not page.model.loading
                    and page.model.rowCount() >= 1, timeout=10_000)
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert {(r.actor, r.table) for r in rows} == {(person.login, "party")}
    assert page.table_combo.currentText() == "Party"


def make_lot_committed(db: Database, quantity: int = 100) -> int:
    with Session(db.engine) as session:
        lot_id = make_lot(session, quantity=quantity).id
        session.commit()
    return lot_id


def test_an_entry_shows_old_and_new_values_side_by_side_with_the_change_marked_and_the_reason(
    qtbot: QtBot, ctx: ViewContext, committed: Database, owner_conn
) -> None:
    lot_id = make_lot_committed(committed, quantity=100)
    with owner_conn.transaction():
        owner_conn.execute("SELECT set_config('medtrace.reason', '复核后更正 Correction after review', true)")
        owner_conn.execute("UPDATE lot SET quantity = 98 WHERE id = %s", (lot_id,))
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=10_000)
    assert page.detail.stack.currentIndex() == 0  # nothing chosen yet: the placeholder says what to do
    page.select_row(0)
    detail = page.detail
    assert detail.stack.currentIndex() == 1
    lot_no = detail.row.new["lot_no"]
    assert detail.heading.text() == f"Lot {lot_id} · {lot_no} — Changed"
    assert page.model.index(0, 3).data() == f"{lot_id} · {lot_no}"
    assert detail.fields["reason"].text() == "复核后更正 Correction after review"
    assert detail.fields["actor"].text() == "postgres"
    assert detail.changed_rows() == ["quantity"]
    assert detail.values.item(0, 0).text() == "quantity"  # what changed comes first
    values = {detail.values.item(r, 0).text(): (detail.values.item(r, 1).text(), detail.values.item(r, 2).text())
              for r in range(detail.values.rowCount())}
    assert values["quantity"] == ("100", "98")
    assert values["status"] == ("quarantine", "quarantine")
    assert not detail.values.isColumnHidden(1) and not detail.values.isColumnHidden(2)

    detail.history_button.click()
    qtbot.waitUntil(lambda: page.model.query_filter.record_id == str(lot_id) and not page.model.loading,
                    timeout=10_000)
    assert {page.model.row_at(r).action for r in range(page.model.rowCount())} >= {"INSERT", "UPDATE"}


def test_more_entries_are_read_when_the_list_is_scrolled_to_the_end(
    qtbot: QtBot, ctx: ViewContext, committed: Database
) -> None:
    add_parties(committed, PAGE_SIZE + 50, "MORE")
    page = open_page(qtbot, ctx)
    page.search.setText("MORE-")
    qtbot.waitUntil(lambda: page.model.query_filter.text == "MORE-" and not page.model.loading, timeout=10_000)
    assert page.model.rowCount() == PAGE_SIZE
    assert page.model.has_more
    assert "scroll for more" in page.count_label.text()
    scrollbar = page.table.verticalScrollBar()
    qtbot.waitUntil(lambda: scrollbar.maximum() > 0, timeout=5_000)  # the view has laid out its rows
    scrollbar.setValue(scrollbar.maximum())  # as a person dragging the scrollbar to the end
    qtbot.waitUntil(lambda: page.model.rowCount() == PAGE_SIZE + 50, timeout=10_000)
    assert not page.model.has_more
    assert page.count_label.text() == f"{PAGE_SIZE + 50} entries"


def test_a_change_announced_by_the_broadcast_appears_at_the_top(
    qtbot: QtBot, ctx: ViewContext, committed: Database
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.loaded_once, timeout=10_000)
    (party_id,) = add_parties(committed, 1, "LATE")
    ctx.broadcast.announce(frozenset({"party", "audit_entry"}))
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None and page.model.row_at(0).record == str(party_id)
                    and page.model.row_at(0).table == "party", timeout=10_000)


def test_an_empty_trail_and_an_empty_filter_result_each_say_what_to_do(
    qtbot: QtBot, context_for: ContextFor, scratch: Database
) -> None:
    page = open_page(qtbot, context_for(scratch))
    qtbot.waitUntil(lambda: page.model.loaded_once, timeout=10_000)
    assert page.list_stack.currentIndex() == 1
    assert page.empty_message.text().startswith("No audit entries yet")
    assert not page.empty_clear.isVisibleTo(page)
    add_parties(scratch, 1, "ONE")
    page.search.setText("nothing like this")
    qtbot.waitUntil(lambda: page.model.query_filter.text == "nothing like this" and not page.model.loading,
                    timeout=10_000)
    assert page.empty_message.text().startswith("No entries match these filters")
    page.empty_clear.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.list_stack.currentIndex() == 0


def test_verifying_an_intact_trail_shows_a_green_banner_with_the_counts(
    qtbot: QtBot, context_for: ContextFor, scratch: Database
) -> None:
    add_parties(scratch, 5, "OK")
    page = open_page(qtbot, context_for(scratch))
    with qtbot.waitSignal(page.verified, timeout=20_000) as signal:
        page.verify_button.click()
    result = signal.args[0]
    assert result.ok and result.entries_checked == 5
    assert page.banner.isVisible()
    assert page.banner.text().startswith("Audit trail intact: 5 entries and 0 seals verified")
    assert "not been sealed" in page.banner.text()
    assert "#dcf1e2" in page.banner.styleSheet()
    assert page.verify_button.isEnabled() and not page.progress.isVisible()


def test_verifying_a_tampered_trail_names_the_first_bad_entry_in_a_red_banner(
    qtbot: QtBot, context_for: ContextFor, scratch: Database
) -> None:
    add_parties(scratch, 8, "TAMPER")
    with scratch.raw_connection() as conn:
        victim = conn.execute("SELECT entry_id FROM audit_chain WHERE position = 4").fetchone()[0]
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")  # superuser: triggers off
            conn.execute("UPDATE audit_entry SET new_values = jsonb_set(new_values, '{name}', '\"伪造 forged\"') "
                         "WHERE id = %s", (victim,))
    page = open_page(qtbot, context_for(scratch))
    with qtbot.waitSignal(page.verified, timeout=20_000):
        page.verify_button.click()
    assert page.banner.text().startswith(f"AUDIT TRAIL BROKEN at entry {victim} (chain position 4)")
    assert "altered" in page.banner.text()
    assert "#fbe0dc" in page.banner.styleSheet()
