"""The Lots page against a real database: lists, filters, searches, shows a lot, follows changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.models import Lot, QcResult
from app.models.enums import LotStatus
from app.services.lot_queries import PAGE_SIZE
from app.views.context import ViewContext
from app.views.lot_table_model import PLACEHOLDER
from app.views.lots_page import LotsPage
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.factories import make_product

LOTS = 450  # more than two pages of 200


@dataclass(frozen=True)
class Seeded:
    syringe_id: int
    catheter_id: int
    last_lot_no: str  # the last lot in the default order (lot number)
    qc_lot_no: str
    released: int  # how many lots are released


@pytest.fixture
def seeded(committed: Database) -> Seeded:
    with Session(committed.engine) as session:
        today = session.execute(select(func.current_date())).scalar_one()
        syringe = make_product(session, name="一次性使用无菌注射器", name_en="Sterile syringe")
        catheter = make_product(session, name="中心静脉导管", name_en="Central venous catheter")
        lots = [
            Lot(product_id=(syringe, catheter)[i % 2].id, lot_no=f"L{i:05d}",
                production_date=today - dt.timedelta(days=30),
                expiry_date=today + dt.timedelta(days=(i % 400) - 20), quantity=100 + i,
                status=LotStatus.RELEASED if i % 3 == 0 else LotStatus.QUARANTINE)
            for i in range(LOTS)
        ]
        session.add_all(lots)
        session.flush()
        session.add(QcResult(lot_id=lots[123].id, test_name="无菌检查 Sterility", specification="无菌",
                             result="符合", passed=True, tested_on=today))
        session.commit()
        return Seeded(syringe.id, catheter.id, f"L{LOTS - 1:05d}", "L00123",
                      sum(1 for i in range(LOTS) if i % 3 == 0))


@pytest.fixture
def ctx(database: Database, app_paths: AppPaths) -> Iterator[ViewContext]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    yield ViewContext(runner=runner, broadcast=broadcast,
                      new_uow=lambda: UnitOfWork.for_engine(database.engine),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(10_000)
    assert failures == []


def open_page(qtbot: QtBot, ctx: ViewContext) -> LotsPage:
    page = LotsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    return page


def shown_lot_nos(page: LotsPage) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_the_page_lists_every_lot_and_counts_them(qtbot: QtBot, ctx: ViewContext, seeded: Seeded) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS and page.model.row_at(0) is not None, timeout=10_000)
    assert page.model.index(0, 0).data() == "L00000"
    assert page.count_label.text() == "450 lots"
    assert page.list_stack.currentIndex() == 0


def test_filtering_by_status_shows_only_lots_in_that_status(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS, timeout=10_000)
    page.status_actions[LotStatus.RELEASED].setChecked(True)
    qtbot.waitUntil(lambda: page.model.total == seeded.released and page.model.row_at(0) is not None,
                    timeout=10_000)
    rows = [page.model.row_at(r) for r in range(min(seeded.released, 200))]
    assert {r.status for r in rows if r is not None} == {LotStatus.RELEASED}
    assert page.model.index(0, 3).data() == "Released"
    assert "Released" in page.status_button.text()


def test_searching_by_chinese_name_english_name_or_lot_number_narrows_the_list(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS, timeout=10_000)

    page.search.setText("导管")  # QTest types ASCII only; an input method would deliver this text
    qtbot.waitUntil(lambda: page.model.total == LOTS // 2 and page.model.row_at(0) is not None,
                    timeout=10_000)
    assert page.model.row_at(0).product_id == seeded.catheter_id

    page.search.setText("sterile")
    qtbot.waitUntil(lambda: page.model.total == LOTS // 2 and page.model.row_at(0) is not None
                    and page.model.row_at(0).product_id == seeded.syringe_id, timeout=10_000)

    page.search.setText("l0012")
    qtbot.waitUntil(lambda: page.model.total == 10 and page.model.row_at(9) is not None, timeout=10_000)
    assert shown_lot_nos(page) == [f"L0012{i}" for i in range(10)]


def test_a_search_that_matches_nothing_says_so_and_offers_to_clear_the_filters(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS, timeout=10_000)
    page.search.setText("NO-SUCH-LOT")
    qtbot.waitUntil(lambda: page.list_stack.currentIndex() == 1, timeout=10_000)
    assert "No lots match these filters" in page.empty_message.text()
    assert page.empty_clear.isVisible()
    qtbot.mouseClick(page.empty_clear, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.total == LOTS and page.list_stack.currentIndex() == 0, timeout=10_000)
    assert page.search.text() == ""


def test_an_empty_database_tells_the_user_how_to_get_lots(
    qtbot: QtBot, ctx: ViewContext, committed: Database
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.list_stack.currentIndex() == 1, timeout=10_000)
    assert "medtrace demo seed" in page.empty_message.text()
    assert not page.empty_clear.isVisible()


def test_selecting_a_lot_shows_its_qc_result(qtbot: QtBot, ctx: ViewContext, seeded: Seeded) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.row_at(200) is not None or page.model.total == LOTS, timeout=10_000)
    page.search.setText(seeded.qc_lot_no)
    qtbot.waitUntil(lambda: page.model.total == 1 and page.model.row_at(0) is not None, timeout=10_000)
    page.select_row(0)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    assert page.detail.lot_no.text() == seeded.qc_lot_no
    assert page.detail.qc_table.item(0, 0).text() == "无菌检查 Sterility"
    assert page.detail.qc_table.item(0, 1).text() == "Pass"
    assert page.detail.tabs.tabText(0) == "QC results (1)"


def test_scrolling_to_the_end_shows_the_last_lot(qtbot: QtBot, ctx: ViewContext, seeded: Seeded) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS, timeout=10_000)
    page.table.scrollToBottom()
    last = page.model.index(LOTS - 1, 0)
    qtbot.waitUntil(lambda: last.data() == seeded.last_lot_no, timeout=10_000)
    # The rows between the last page and the first were never read: they were not on screen.
    assert page.model.row_at(250) is None
    assert page.model.index(250, 0).data() == PLACEHOLDER


def test_sorting_by_a_header_reads_the_list_again_in_that_order(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS, timeout=10_000)
    page.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)  # quantity, largest first
    qtbot.waitUntil(lambda: page.model.row_at(0) is not None and page.model.sort_key == "quantity",
                    timeout=10_000)
    assert page.model.row_at(0).quantity == 100 + LOTS - 1


def test_a_lot_added_elsewhere_appears_after_the_change_broadcast(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded, committed: Database
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS, timeout=10_000)
    with Session(committed.engine) as other:
        today = other.execute(select(func.current_date())).scalar_one()
        other.add(Lot(product_id=seeded.syringe_id, lot_no="Z99999", production_date=today,
                      expiry_date=today + dt.timedelta(days=700), quantity=5))
        other.commit()
    ctx.broadcast.announce(frozenset({"lot"}))
    qtbot.waitUntil(lambda: page.model.total == LOTS + 1, timeout=10_000)
    page.table.scrollToBottom()
    last = page.model.index(LOTS, 0)
    qtbot.waitUntil(lambda: last.data() == "Z99999", timeout=10_000)


def test_ctrl_f_focuses_the_search_and_escape_clears_it(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded
) -> None:
    page = open_page(qtbot, ctx)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=5_000)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.search.hasFocus, timeout=5_000)
    qtbot.keyClicks(page.search, "L001")
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""


def test_the_chosen_lot_stays_chosen_when_a_change_moves_its_row(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded, committed: Database
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS and page.model.row_at(123) is not None, timeout=10_000)
    page.select_row(123)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=10_000)
    chosen = page.detail.lot_id
    with Session(committed.engine) as other:
        today = other.execute(select(func.current_date())).scalar_one()
        other.add(Lot(product_id=seeded.syringe_id, lot_no="A00001", production_date=today,
                      expiry_date=today + dt.timedelta(days=700), quantity=5))  # sorts first
        other.commit()
    ctx.broadcast.announce(frozenset({"lot"}))
    qtbot.waitUntil(lambda: page.model.total == LOTS + 1, timeout=10_000)
    qtbot.waitUntil(lambda: [i.row() for i in page.table.selectionModel().selectedRows()] == [124],
                    timeout=10_000)
    assert page.model.row_at(124).id == chosen
    assert page.detail.lot_id == chosen


def test_a_jump_far_from_any_page_read_lands_on_exactly_the_right_rows(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No keyset detour allowed, so every page but the first is "far": the bounded fallback runs
    # (key_at finds the key before the page, then the page is read by keyset after it).
    monkeypatch.setattr("app.views.lot_table_model.SEEK_ROWS", -PAGE_SIZE)
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.model.total == LOTS, timeout=10_000)
    page.table.scrollTo(page.model.index(300, 0))
    qtbot.waitUntil(lambda: page.model.row_at(300) is not None, timeout=10_000)
    assert [page.model.row_at(r).lot_no for r in range(200, 400)] == [f"L{r:05d}" for r in range(200, 400)]


def test_choosing_a_product_and_the_expired_window_narrows_the_list(
    qtbot: QtBot, ctx: ViewContext, seeded: Seeded
) -> None:
    page = open_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.product_combo.count() == 3, timeout=10_000)  # "All products" + two
    catheter = next(i for i in range(page.product_combo.count()) if "catheter" in page.product_combo.itemText(i))
    page.product_combo.setCurrentIndex(catheter)
    qtbot.waitUntil(lambda: page.model.total == LOTS // 2, timeout=10_000)
    page.expiry_combo.setCurrentIndex(page.expiry_combo.count() - 1)  # Expired
    # Lots i with i % 400 < 20 expired (expiry = today + i % 400 - 20); the catheter made the odd ones.
    expired_catheter = sum(1 for i in range(LOTS) if i % 400 < 20 and i % 2 == 1)
    qtbot.waitUntil(lambda: page.model.total == expired_catheter and page.model.row_at(0) is not None,
                    timeout=10_000)
    assert page.model.row_at(0).days_to_expiry < 0
    assert page.clear_button.isEnabled()
