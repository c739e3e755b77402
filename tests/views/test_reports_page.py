"""The Reports page against a real database: typed inputs, generation off the GUI thread, cancel, open."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import AppPaths, Settings
from app.db.uow import UnitOfWork
from app.services.identity import Account
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.reports_page import ReportsPage, _OptionalDate
from tests.integration.trace_scenario import TraceScenario, build_trace_scenario

ACCOUNT = Account(login="qa_zhang", printed_name="张质量", state="active", enrolled=True, locked=False,
                  groups=("qa_reviewer",))
# The 100 ms budget itself is measured in bench/reports.py (DEVELOPERS: performance lives in bench/, and
# a shared 2-core CI box is too noisy for a 100 ms assertion). Here: a guard that rendering never blocks
# the GUI thread outright — a report rendered on it would stall for seconds.
STALL_BUDGET_S = 0.500


@pytest.fixture
def ctx(connection: Connection, app_paths: AppPaths) -> Iterator[ViewContext]:
    """Units of work join the test's outer transaction; one operation at a time uses the connection."""
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork(factory),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(60_000)
    assert failures == []


@pytest.fixture
def scenario(session: Session) -> TraceScenario:
    return build_trace_scenario(session)


@pytest.fixture
def many_entries(session: Session) -> int:
    """20 000 lots inserted in the test's transaction: as many audit-trail entries for a long extract."""
    product = session.execute(text(
        "INSERT INTO product (agency, di, name, risk_class, shelf_life_days) "
        "VALUES ('MA', 'MA.156.M0.100001.0BULK', '大批量测试产品', 'I', 365) RETURNING id")).scalar()
    session.execute(text(
        "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity) "
        "SELECT :p, 'BULK-' || g, '2026-01-01', '2027-01-01', 10 FROM generate_series(1, 20000) g"), {"p": product})
    return 20_000


def open_page(qtbot: QtBot, ctx: ViewContext) -> ReportsPage:
    page = ReportsPage(ctx, ACCOUNT)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    assert ctx.runner.wait_for_all(10_000)  # the user list is loaded before a report uses the connection
    qtbot.wait(10)
    return page


class Heartbeat(QObject):
    """A 10 ms timer on the GUI thread; the longest gap between ticks is how long the GUI stalled."""

    def __init__(self) -> None:
        super().__init__()
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now


class UrlCatcher(QObject):
    """Receives what the page asks the desktop to open (Qt's own URL-handler hook, no viewer launched)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_each_report_offers_its_own_typed_inputs_and_formats(
    qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario,
) -> None:
    page = open_page(qtbot, ctx)
    page.choose_report("release-record")
    assert isinstance(page._inputs["lot"], QLineEdit) and page._inputs["lot"].completer() is not None
    assert [page.format_combo.itemData(i) for i in range(page.format_combo.count())] == ["pdf"]
    page.choose_report("audit-extract")
    assert isinstance(page._inputs["user"], QComboBox) and page._inputs["user"].isEditable()
    assert "postgres" in [page._inputs["user"].itemText(i) for i in range(page._inputs["user"].count())]
    assert isinstance(page._inputs["since"], _OptionalDate) and page.parameters()["since"] is None
    page.choose_report("expiry")
    assert isinstance(page._inputs["days"], QSpinBox) and page.parameters() == {"days": 90}
    page.choose_report("udi-nmpa")
    assert page.parameters() == {"agency": "all"}
    assert [page.format_combo.itemData(i) for i in range(page.format_combo.count())] == ["xlsx"]


def test_a_report_is_generated_off_the_gui_thread_then_opened_and_shown_in_its_folder(
    qtbot: QtBot, ctx: ViewContext, scenario: TraceScenario, tmp_path: Path,
) -> None:
    page = open_page(qtbot, ctx)
    page.choose_report("trace")
    page.set_parameter("lot", "N-001")
    page.language_combo.setCurrentIndex(page.language_combo.findData("en"))
    page.output_input.setText(str(tmp_path / "trace.pdf"))
    heartbeat = Heartbeat()
    heartbeat.start()
    with qtbot.wait_signal(page.report_finished, timeout=30_000) as finished:
        qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
        assert page.running and page.cancel_button.isEnabled() and not page.generate_button.isEnabled()
    result = finished.args[0]
    assert heartbeat.longest < STALL_BUDGET_S
    printed = subprocess.run(["pdftotext", str(result.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Lot traceability report" in printed and "Generated by 张质量 (qa_zhang)" in printed
    assert result.number in page.message.text() and page.open_button.isVisible() and page.folder_button.isVisible()

    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        page.open_report()
        page.show_in_folder()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in catcher.urls] == [str(result.path), str(tmp_path)]


def test_the_gui_never_stalls_more_than_100_ms_while_a_long_report_renders(
    qtbot: QtBot, ctx: ViewContext, many_entries: int, tmp_path: Path,
) -> None:
    page = open_page(qtbot, ctx)
    page.choose_report("audit-extract")
    page.set_parameter("since", dt.date(2000, 1, 1))
    page.format_combo.setCurrentIndex(page.format_combo.findData("pdf"))
    page.output_input.setText(str(tmp_path / "long.pdf"))
    heartbeat = Heartbeat()
    progress: list[int] = []
    page.progress.valueChanged.connect(progress.append)
    heartbeat.start()
    with qtbot.wait_signal(page.report_finished, timeout=120_000) as finished:
        page.generate()
    assert finished.args[0].rows >= many_entries and finished.args[0].pages > 300
    assert heartbeat.longest < STALL_BUDGET_S, f"the GUI stalled {heartbeat.longest * 1000:.0f} ms"
    assert len(progress) > 10  # the bar moved while it rendered


def test_cancel_half_way_leaves_no_file_and_says_so(
    qtbot: QtBot, ctx: ViewContext, many_entries: int, tmp_path: Path,
) -> None:
    page = open_page(qtbot, ctx)
    page.choose_report("audit-extract")
    page.set_parameter("since", dt.date(2000, 1, 1))
    page.format_combo.setCurrentIndex(page.format_combo.findData("xlsx"))
    page.output_input.setText(str(tmp_path / "cancelled.xlsx"))
    page.progress.valueChanged.connect(lambda value: value > 0 and page.cancel())
    with qtbot.wait_signal(page.report_cancelled, timeout=120_000):
        page.generate()
    assert list(tmp_path.iterdir()) == []
    assert "Cancelled" in page.message.text() and not page.open_button.isVisible()
    assert page.generate_button.isEnabled() and not page.running


def test_parameters_that_select_nothing_give_a_clear_message_and_no_file(
    qtbot: QtBot, ctx: ViewContext, tmp_path: Path,
) -> None:
    page = open_page(qtbot, ctx)
    page.choose_report("audit-extract")
    page.set_parameter("user", "nobody_at_all")
    page.output_input.setText(str(tmp_path / "none.pdf"))
    with qtbot.wait_signal(page.report_failed, timeout=30_000) as failed:
        page.generate()
    assert "No audit-trail entry matches" in failed.args[0] and "No audit-trail entry" in page.message.text()
    qtbot.wait_until(lambda: not page.running)  # the failure is shown before the operation has ended
    page.set_parameter("user", "")
    page.generate()  # nothing narrowed: refused at once, on the GUI thread
    assert "give at least one of" in page.message.text() and not page.running
    assert list(tmp_path.iterdir()) == []
