"""The Trace page against a real database: runs traces off the GUI thread, shows them, cancels, exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from app.config import AppPaths, Settings
from app.db.uow import UnitOfWork
from app.services.trace import TraceResult
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.trace_page import TracePage
from tests.integration.trace_scenario import TraceScenario, build_trace_scenario

# Worked out by hand from the drawing in tests/integration/trace_scenario.py.
N001_CONSIGNEES = [
    ("DIS-BJ", "I-201", 1, 800, 100, 400),
    ("DIS-SH", "S-101", 1, 1_000, 0, 350),
    ("DIS-SH", "K-301", 1, 200, 0, 200),
    ("HOS-C", "N-001", 1, 500, 0, 500),
    ("HOS-C", "S-101", 1, 300, 0, 300),
    ("DIS-WX", "S-101", 2, 100, 0, 40),
    ("HOS-A", "S-101", 2, 400, 0, 250),
    ("HOS-A", "I-201", 2, 300, 0, 300),
    ("HOS-B", "S-101", 2, 200, 50, 150),
    ("HOS-F", "S-101", 3, 60, 0, 60),
]


@pytest.fixture
def scenario(session: Session) -> TraceScenario:
    return build_trace_scenario(session)


@pytest.fixture
def ctx(connection: Connection, app_paths: AppPaths) -> Iterator[ViewContext]:
    """The page's units of work join the test's outer transaction (rolled back afterwards): the operation
    thread uses the connection only while the test waits for it."""
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork(factory),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(10_000)
    assert failures == []


def open_page(qtbot: QtBot, ctx: ViewContext) -> TracePage:
    page = TracePage(ctx)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    return page


def run(qtbot: QtBot, page: TracePage, lot_text: str) -> TraceResult:
    page.lot_input.setText(lot_text)
    with qtbot.wait_signal(page.trace_finished, timeout=10_000) as finished:
        qtbot.keyClick(page.lot_input, Qt.Key.Key_Return)
    return finished.args[0]


def consignee_rows(page: TracePage) -> list[tuple[object, ...]]:
    model = page.consignee_model
    return [tuple(model.index(r, c).data(Qt.ItemDataRole.UserRole) for c in (0, 5, 3, 6, 7, 8))
            for r in range(model.rowCount())]


def n(value: int) -> str:
    return QLocale().toString(value)


def test_before_any_trace_the_page_says_what_to_enter(qtbot: QtBot, ctx: ViewContext) -> None:
    page = open_page(qtbot, ctx)
    assert page.stack.currentIndex() == 0
    assert "Enter a lot number" in page.empty_message.text()
    assert page.export_button.isEnabled() is False
    assert page.drill_button.isEnabled() is False


def test_a_forward_trace_shows_every_consignee_tier_and_the_totals(
    qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario
) -> None:
    page = open_page(qtbot, ctx)
    run(qtbot, page, "N-001")
    assert page.stack.currentIndex() == 1
    assert consignee_rows(page) == N001_CONSIGNEES
    assert "4 lots, 7 consignees (10 lines)" in page.summary.text()
    assert f"{n(2_800)} units shipped by us, 100 returned to us, {n(2_550)} on hand" in page.summary.text()
    root = page.tree.topLevelItem(0)
    assert root.text(0).startswith("N-001")
    children = [root.child(i).text(0) for i in range(root.childCount())]
    assert any(text.startswith("Tier 1") for text in children)  # HOS-C received the needles themselves
    assert any(text.startswith("S-101") for text in children) and any(text.startswith("I-201") for text in children)
    assert page.timeline_model.rowCount() > 0
    assert page.export_button.isEnabled()
    # The traced lot goes to the Recalls page for a drill (the main window opens its signed dialog).
    drills: list[tuple[str, str]] = []
    page.drill_requested.connect(lambda lot, di: drills.append((lot, di)))
    page.drill_button.click()
    assert drills == [("N-001", "")]


def test_a_backward_trace_shows_the_components_and_their_suppliers(
    qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario
) -> None:
    page = open_page(qtbot, ctx)
    page.backward_button.click()
    result = run(qtbot, page, "K-301")
    assert result.direction == "backward"
    assert "3 component lots, 2 supplier receipts" in page.summary.text()
    texts: list[str] = []

    def walk(item: QTreeWidgetItem) -> None:
        texts.append(item.text(0))
        for i in range(item.childCount()):
            walk(item.child(i))

    walk(page.tree.topLevelItem(0))
    assert any(text.startswith("Supplier SUP-NDL") for text in texts)
    assert any(text.startswith("R-001") for text in texts)


def test_a_scanned_udi_fills_lot_di_and_serial(qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario) -> None:
    page = open_page(qtbot, ctx)
    result = run(qtbot, page, f"]d201{scenario.implant.di}10P-401\x1d21SN-1")
    assert (page.lot_input.text(), page.di_input.text(), page.serial_input.text()) == (
        "P-401", scenario.implant.di, "SN-1")
    assert result.serial == "SN-1"
    assert consignee_rows(page) == [("DIS-SH", "P-401", 1, 1, 0, 0), ("HOS-A", "P-401", 2, 1, 0, 1)]


def test_an_unknown_lot_is_explained_on_the_page(qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario) -> None:
    page = open_page(qtbot, ctx)
    page.lot_input.setText("X-404")
    with qtbot.wait_signal(page.trace_failed, timeout=10_000) as failed:
        page.run_button.click()
    assert "There is no lot X-404" in failed.args[0]
    assert page.problem.isVisible()
    assert page.run_button.isEnabled()


def test_cancel_gives_the_page_back_at_once_and_drops_the_late_result(
    qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario
) -> None:
    page = open_page(qtbot, ctx)
    shown: list[object] = []
    page.trace_finished.connect(shown.append)
    page.lot_input.setText("N-001")
    page.run_button.click()
    assert page.running and page.cancel_button.isEnabled() and not page.run_button.isEnabled()
    page.cancel_button.click()
    assert not page.running and page.run_button.isEnabled() and not page.cancel_button.isEnabled()
    assert page.summary.text() == "Trace cancelled."
    assert ctx.runner.wait_for_all(10_000)
    qtbot.wait(50)  # let any queued result arrive: it must be ignored
    assert shown == []
    assert page.stack.currentIndex() == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_writes_every_consignee_line(
    qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario, tmp_path: Path, suffix: str
) -> None:
    page = open_page(qtbot, ctx)
    run(qtbot, page, "N-001")
    target = tmp_path / f"consignees{suffix}"
    with qtbot.wait_signal(page.export_finished, timeout=10_000):
        page.export_consignees(target)
    if suffix == ".xlsx":
        book = load_workbook(target, read_only=True)
        rows = [tuple(row) for row in book.active.iter_rows(values_only=True)]
        book.close()
    else:
        rows = [tuple(line.split(",")) for line in target.read_text(encoding="utf-8-sig").splitlines()]
    assert rows[0][:4] == ("Party", "Name", "Kind", "Tier")
    assert len(rows) == 1 + 10
    assert [(r[0], r[5]) for r in rows[1:]] == [(c[0], c[1]) for c in N001_CONSIGNEES]
    assert not list(tmp_path.glob("*.part"))
