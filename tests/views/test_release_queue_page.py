"""The Release queue page on the session's database: sections, facts, buttons by role and status, checklist."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.services.identity import Account, SignedIn, person_engine, sign_in
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.release_queue_page import COLUMNS, ReleaseQueuePage
from tests.conftest import Person, empty_gmp_tables
from tests.integration.test_lot_release import make_release_ready_lot

TIMEOUT = 15_000
REVIEWER = Account("li.na", "李娜 Li Na", "active", True, False, ("qa_reviewer",))
APPROVER = Account("wang.fang", "王芳 Wang Fang", "active", True, False, ("qa_approver",))
AUDITOR = Account("chen.jie", "陈杰 Chen Jie", "active", True, False, ("auditor",))


def force_status(owner: psycopg.Connection, lot_id: int, status: str) -> None:
    """Test set-up only: a superuser passing the status guard (no signatures are made)."""
    owner.execute("BEGIN")
    owner.execute("SELECT set_config('medtrace.transition', 'signed', true), "
                  "set_config('medtrace.reason', 'test set-up', true)")
    owner.execute("UPDATE lot SET status = %s WHERE id = %s", (status, lot_id))
    owner.execute("COMMIT")


@pytest.fixture
def clean(committed: Database) -> Database:
    """An empty queue at the start (other suites leave lots behind); emptied again afterwards by `committed`."""
    empty_gmp_tables(committed)
    return committed


@pytest.fixture
def lots(clean: Database, owner_conn: psycopg.Connection) -> dict[str, int]:
    """One lot in each section, created by the owner."""
    ids = {"review": make_release_ready_lot(owner_conn), "approval": make_release_ready_lot(owner_conn),
           "hold": make_release_ready_lot(owner_conn)}
    force_status(owner_conn, ids["approval"], "under_review")
    force_status(owner_conn, ids["hold"], "on_hold")
    return ids


@pytest.fixture
def broadcasts() -> dict[ReleaseQueuePage, ChangeBroadcast]:
    return {}


@pytest.fixture
def open_page(
    database: Database, app_paths: AppPaths, qtbot: QtBot, broadcasts: dict[ReleaseQueuePage, ChangeBroadcast]
) -> Iterator[Callable[..., ReleaseQueuePage]]:
    """The page as `account`, reading through `engine` (the owner's by default: reading needs no second factor
    for a superuser; the checklist actions need a person's verified session)."""
    runners: list[OperationRunner] = []
    failures: list[BaseException] = []

    def _open(account: Account, engine: Engine | None = None) -> ReleaseQueuePage:
        broadcast = ChangeBroadcast()
        runner = OperationRunner(broadcast)
        runner.failed.connect(failures.append)
        runners.append(runner)
        chosen = engine or database.engine
        ctx = ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(chosen),
                          paths=app_paths, settings=Settings(language="en"))
        page = ReleaseQueuePage(ctx, account, database.connect_args)
        qtbot.addWidget(page)
        page.resize(1400, 800)
        page.show()
        broadcasts[page] = broadcast
        qtbot.waitUntil(lambda: page.sections.tabText(0) != "Awaiting review (…)", timeout=TIMEOUT)
        return page

    yield _open
    for runner in runners:
        assert runner.wait_for_all(TIMEOUT)
    assert failures == []


def cells(page: ReleaseQueuePage, row: int) -> dict[str, str]:
    return {key: page.model.index(row, c).data() for c, key in enumerate(COLUMNS)}


def choose(qtbot: QtBot, page: ReleaseQueuePage, lot_id: int) -> None:
    page.select_lots([lot_id])
    qtbot.waitUntil(lambda: page.detail.record is not None and page.detail.record.header.id == lot_id,
                    timeout=TIMEOUT)


def enabled(page: ReleaseQueuePage) -> set[str]:
    return {meaning for meaning, button in page.buttons.items() if button.isEnabled()}


def test_the_sections_count_and_list_the_lots_with_their_facts(
    qtbot: QtBot, lots: dict[str, int], owner_conn, open_page
) -> None:
    page = open_page(REVIEWER)
    assert [page.sections.tabText(i) for i in range(3)] == [
        "Awaiting review (1)", "Awaiting approval (1)", "On hold (1)"]
    di, lot_no = owner_conn.execute("SELECT p.di, l.lot_no FROM lot l JOIN product p ON p.id = l.product_id "
                                    "WHERE l.id = %s", (lots["review"],)).fetchone()
    assert cells(page, 0) == {"checklist": "◐ Ready for review: label, audit trail", "lot_no": lot_no,
                              "product": "一次性使用输液器", "di": di, "expiry": "2029-09-30", "waiting": "today",
                              "created_by": "postgres", "reviewed_by": "—"}
    assert page.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "Ready for your review: scan label, review audit trail")
    page.set_section("hold")
    assert page.model.rowCount() == 1 and page.model.line_at(0).lot_id == lots["hold"]


def test_lots_blocked_by_qc_or_a_deviation_are_told_apart_and_listed_after_the_ready_ones(
    qtbot: QtBot, clean: Database, owner_conn, open_page
) -> None:
    """A newcomer reads which lots are theirs to review now; the blocked ones say what blocks them."""
    failed = make_release_ready_lot(owner_conn, qc_passed=False)  # the oldest: first by waiting time alone
    deviating = make_release_ready_lot(owner_conn, open_deviation=True)
    ready = make_release_ready_lot(owner_conn)
    page = open_page(REVIEWER)
    qtbot.waitUntil(lambda: len(page.lines("review")) == 3, timeout=TIMEOUT)
    assert [line.lot_id for line in page.lines("review")] == [ready, failed, deviating]
    shown = [cells(page, row)["checklist"] for row in range(3)]
    assert shown == ["◐ Ready for review: label, audit trail", "✗ Blocked: QC",
                     "✗ Blocked: open deviation"]
    assert page.model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole).name() == "#b3261e"
    assert "cannot clear" in page.model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole)
    shots = os.environ.get("MEDTRACE_SCREENSHOTS")
    if shots:
        page.grab().save(str(Path(shots) / "release_queue_ready_and_blocked_en.png"))


def test_an_empty_section_says_what_brings_lots_into_it(qtbot: QtBot, clean: Database, open_page) -> None:
    page = open_page(APPROVER)
    assert page.list_stack.currentIndex() == 1
    assert page.empty_message.text().startswith("No lots are awaiting review.")
    page.set_section("approval")
    assert page.empty_message.text().startswith("No lots are awaiting approval.")
    assert enabled(page) == set()


def test_the_buttons_offer_only_what_the_persons_roles_and_the_lots_status_allow(
    qtbot: QtBot, lots: dict[str, int], open_page
) -> None:
    expected = {
        ("reviewer", "review"): {"reviewed", "rejected"},
        ("reviewer", "approval"): {"rejected"},
        ("reviewer", "hold"): {"rejected"},
        ("approver", "review"): {"rejected", "on_hold"},
        ("approver", "approval"): {"approved", "rejected", "on_hold"},
        ("approver", "hold"): {"rejected", "hold_lifted"},
        ("auditor", "review"): set(),
        ("auditor", "hold"): set(),
    }
    pages = {"reviewer": open_page(REVIEWER), "approver": open_page(APPROVER), "auditor": open_page(AUDITOR)}
    for (who, section), meanings in expected.items():
        choose(qtbot, pages[who], lots[section])
        assert enabled(pages[who]) == meanings, (who, section)
    assert "Your roles do not include this." in pages["reviewer"].buttons["approved"].toolTip()


def test_the_queue_follows_the_change_broadcast(
    qtbot: QtBot, clean: Database, owner_conn, open_page, broadcasts
) -> None:
    page = open_page(REVIEWER)
    assert page.lines("review") == []
    first = make_release_ready_lot(owner_conn)
    broadcasts[page].announce(frozenset({"lot"}))
    qtbot.waitUntil(lambda: [x.lot_id for x in page.lines("review")] == [first], timeout=TIMEOUT)
    second = make_release_ready_lot(owner_conn)
    broadcasts[page].announce(None)  # "everything changed" (e.g. after a reconnect)
    qtbot.waitUntil(lambda: {x.lot_id for x in page.lines("review")} == {first, second}, timeout=TIMEOUT)
    assert page.sections.tabText(0) == "Awaiting review (2)"


def test_unmet_qc_and_deviation_items_name_what_is_missing(
    qtbot: QtBot, clean: Database, owner_conn, open_page
) -> None:
    lot_id = make_release_ready_lot(owner_conn, qc_passed=False, open_deviation=True)
    number = owner_conn.execute("SELECT number FROM deviation WHERE lot_id = %s", (lot_id,)).fetchone()[0]
    page = open_page(REVIEWER)
    choose(qtbot, page, lot_id)
    rows = page.detail.checklist_rows
    assert not rows["qc_results"].ok
    assert rows["qc_results"].detail.text() == "1 of 2 QC results are out of specification: 外观 Appearance."
    assert not rows["deviations"].ok and rows["deviations"].detail.text() == f"1 open deviation(s): {number}."
    assert rows["qc_results"].title.text() == "QC results recorded and within specification"
    assert not rows["qc_results"].action.isVisible() and not rows["deviations"].action.isVisible()
    assert page.detail.scan_button.isVisible() and page.detail.scan_button.isEnabled()
    assert page.detail.no_signatures.isVisible()
    auditor = open_page(AUDITOR)
    choose(qtbot, auditor, lot_id)
    assert auditor.detail.scan_button.isVisible() and not auditor.detail.scan_button.isEnabled()


def test_a_label_that_does_not_match_the_lot_is_recorded_and_keeps_the_item_open(
    qtbot: QtBot, clean: Database, database: Database, owner_conn, make_person, open_page
) -> None:
    person: Person = make_person("qa_reviewer")
    session = sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())
    assert isinstance(session, SignedIn)
    engine = person_engine(database.connect_args, person.login, person.password, session)
    try:
        lot_id = make_release_ready_lot(owner_conn)
        di, lot_no = owner_conn.execute("SELECT p.di, l.lot_no FROM lot l JOIN product p ON p.id = l.product_id "
                                        "WHERE l.id = %s", (lot_id,)).fetchone()
        page = open_page(session.account, engine)
        choose(qtbot, page, lot_id)
        scan = page.detail.open_label_scan()
        assert scan is not None
        scan.scan.setText(f"]C101{di}1729083110{lot_no}X")  # wrong expiry, wrong lot: a label of another lot
        with qtbot.wait_signal(scan.verified, timeout=TIMEOUT):
            qtbot.keyClick(scan.scan, Qt.Key.Key_Return)
        assert scan.last_check is not None and not scan.last_check.matched
        assert scan.result.text().startswith(f"✗ The label does NOT match lot {lot_no}:")
        assert f"lot on the label {lot_no}X ≠ {lot_no}" in scan.result.text()
        assert "expiry on the label 2029-08-31 ≠ 2029-09-30" in scan.result.text()
        # The same differences for a Chinese reader (the audit record keeps the English).
        assert scan.last_check.shown_differences("zh_CN") == [
            f"标签上的批号 {lot_no}X ≠ {lot_no}", "标签上的失效日期 2029-08-31 ≠ 2029-09-30"]
        assert scan.scan.text() == "" and scan.isVisible()  # ready for the next scan
        scan.reject()
        row = page.detail.checklist_rows["label_verified"]
        qtbot.waitUntil(lambda: row.detail.text() == "The last label scan did not match the lot master data.",
                        timeout=TIMEOUT)
        assert not row.ok
        recorded = owner_conn.execute("SELECT matched, verified_by FROM label_verification WHERE lot_id = %s",
                                      (lot_id,)).fetchall()
        assert recorded == [(False, person.login)]
    finally:
        engine.dispose()
