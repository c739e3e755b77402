"""The Recalls page on the session's database: start a drill, work the consignee list, close it, report."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.views.i18n import install_translation
from app.views.main_window import MainWindow
from app.views.recall_dialogs import RecallCeremonyDialog, ReturnDialog, StartRecallDialog
from app.views.recalls_page import RecallsPage
from app.views.style import apply_style
from tests.conftest import Person
from tests.integration.recall_scenario import Chain
from tests.views.conftest import LOAD_TIMEOUT, Workstation

pytestmark = pytest.mark.clause("NMPA 召回管理办法")

SIGNING_TIMEOUT = 60_000  # the signer's key is unwrapped with a memory-hard KDF
# Set to a folder to keep screenshots of the page (what a reviewer looks at).
SHOTS = os.environ.get("MEDTRACE_SCREENSHOTS")


def shoot(widget: QWidget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture(params=["en", "zh_CN"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    """The flow in each language the product ships (the catalogue compiled by make translations)."""
    translation = install_translation(request.param) if request.param != "en" else None
    yield request.param
    if translation is not None:
        translation.remove()


def open_page(qtbot: QtBot, station: Workstation) -> RecallsPage:
    if SHOTS and not QApplication.instance().styleSheet():
        apply_style(QApplication.instance())  # as app.main shows it, before the page is built
    page = RecallsPage(station.ctx, station.account, station.base_args)
    qtbot.addWidget(page)
    page.resize(1500, 860)
    page.show()
    qtbot.waitUntil(lambda: page.snapshot is not None, timeout=LOAD_TIMEOUT)
    return page


def sign(qtbot: QtBot, dialog: RecallCeremonyDialog, person: Person) -> None:
    dialog.password.setText(person.password)
    dialog.code.setText(person.next_code())
    with qtbot.wait_signal(dialog.signed, timeout=SIGNING_TIMEOUT):
        dialog.sign_button.click()


def start_drill(qtbot: QtBot, page: RecallsPage, person: Person, lot_no: str) -> int:
    dialog = page.open_start(drill=True, lot_no=lot_no)
    assert isinstance(dialog, StartRecallDialog)
    dialog.reason.setPlainText("Mock recall drill: seal may leak")
    dialog.hazard.setPlainText("Air embolism risk if the seal leaks during infusion")
    shoot(dialog, f"recalls-start-drill-{page.detail.title.text()[:1].isascii()}")
    sign(qtbot, dialog, person)
    assert dialog.case is not None
    recall_id = dialog.case.id
    qtbot.waitUntil(lambda: page.detail.case is not None and page.detail.case.id == recall_id, timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: any(r.id == recall_id for r in page.rows()), timeout=LOAD_TIMEOUT)
    return recall_id


def wait_case(qtbot: QtBot, page: RecallsPage, condition: Callable[[object], bool]) -> None:
    qtbot.waitUntil(lambda: page.detail.case is not None and condition(page.detail.case), timeout=LOAD_TIMEOUT)


def test_a_qa_manager_runs_a_drill_from_start_to_closed_with_the_keyboard(
        qtbot: QtBot, chain: Chain, owner_conn: psycopg.Connection, make_person, signed_in,
        language: str) -> None:
    manager = make_person("qa_approver")
    page = open_page(qtbot, signed_in(manager, language))
    if language == "zh_CN":
        assert page.drill_button.text() == "启动演练(&D)…"
    assert page.list_stack.currentWidget() is page.empty  # no case yet: what a drill is, not a blank table
    stock_before = owner_conn.execute("SELECT lot_id, party_id, quantity FROM stock_on_hand ORDER BY 1, 2").fetchall()

    recall_id = start_drill(qtbot, page, manager, "F-10")
    detail = page.detail
    case = detail.case
    assert case is not None and case.kind == "drill" and case.state == "open"
    assert [c.party for c in case.consignees] == ["RC-DIST", "RC-H1", "RC-H2"]
    assert detail.worklist.rowCount() == 3 and detail.bars["notified"].value() == 0
    # RC-H2 has no contact person or phone: a data gap, in the page's language.
    gap = "RC-H2 (第二人民医院) has no contact" if language == "en" else "RC-H2（第二人民医院）没有联系人或电话"
    assert gap in detail.kpi_text.text()
    assert detail.scope_tree.topLevelItemCount() == 1 and detail.scope_tree.topLevelItem(0).childCount() == 3
    assert ("nothing was held" if language == "en" else "未实际控制") in detail.contained.text()
    shoot(page, f"recalls-drill-opened-{language}")

    # N, A: the whole list notified by phone and acknowledged, straight from the keyboard.
    table = detail.worklist_table
    table.setFocus()
    table.selectAll()
    qtbot.keyClick(table, Qt.Key.Key_N)
    wait_case(qtbot, page, lambda c: c.notified == 3)
    assert all(c.method == "phone" for c in detail.case.consignees)
    table.selectAll()
    qtbot.keyClick(table, Qt.Key.Key_A)
    wait_case(qtbot, page, lambda c: c.acknowledged == 3)

    # R: each consignee's units back, never more than it holds.
    for party in ("RC-DIST", "RC-H1", "RC-H2"):
        detail.select_parties([party])
        qtbot.keyClick(table, Qt.Key.Key_R)
        dialog = detail.findChild(ReturnDialog)
        assert dialog is not None and dialog.quantity.maximum() == dialog.quantity.value()
        returned = detail.case.units_returned
        dialog.accept()
        dialog.deleteLater()
        wait_case(qtbot, page, lambda c, r=returned: c.units_returned > r)
    case = detail.case
    assert case.units_returned == case.units_out == 6 and case.outstanding is None
    qtbot.waitUntil(lambda: page.rows()[0].notified == 3, timeout=LOAD_TIMEOUT)
    shoot(page, f"recalls-drill-worked-{language}")

    close = page.open_close()
    assert close is not None
    shoot(close, f"recalls-close-dialog-{language}")
    sign(qtbot, close, manager)
    shoot(page, f"recalls-drill-closed-{language}")
    for index, name in ((1, "scope"), (3, "kpis")):
        detail.tabs.setCurrentIndex(index)
        shoot(detail, f"recalls-{name}-{language}")
    detail.tabs.setCurrentIndex(0)
    wait_case(qtbot, page, lambda c: c.state == "closed")
    assert [s.meaning for s in detail.case.signatures] == ["initiated", "closed"]
    assert not detail.notify_button.isEnabled() and not detail.close_button.isEnabled()
    # A drill changed no stock: read back through raw SQL as the owner.
    assert owner_conn.execute("SELECT lot_id, party_id, quantity FROM stock_on_hand ORDER BY 1, 2"
                              ).fetchall() == stock_before
    qtbot.waitUntil(lambda: page.rows()[0].state == "closed", timeout=LOAD_TIMEOUT)
    with qtbot.wait_signal(page.trend_loaded, timeout=LOAD_TIMEOUT):
        page.left_tabs.setCurrentIndex(1)  # the trend is read when shown
    assert page.trend.points["identify"] and page.trend.points["identify"][0][0] == recall_id
    shoot(page.left_tabs, f"recalls-trend-{language}")

    reports: list[tuple[str, object]] = []
    page.report_requested.connect(lambda key, params: reports.append((key, params)))
    detail.report_buttons["recall"].click()
    assert reports == [("recall", {"recall": recall_id})]


def test_closing_too_early_is_refused_with_what_is_missing_and_nothing_changes(
        qtbot: QtBot, chain: Chain, make_person, signed_in) -> None:
    regulatory = make_person("regulatory")
    page = open_page(qtbot, signed_in(regulatory))
    start_drill(qtbot, page, regulatory, "F-10")
    close = page.open_close()
    assert close is not None
    close.password.setText(regulatory.password)
    close.code.setText(regulatory.next_code())
    close.sign_button.click()
    qtbot.waitUntil(lambda: not close.busy and close.problem.isVisible(), timeout=SIGNING_TIMEOUT)
    assert "not notified" in close.problem.text() or "notified" in close.problem.text()
    assert close.password.text() == "" and close.isVisible()  # secrets cleared, the dialog stays
    close.reject()
    page.detail.reload()
    wait_case(qtbot, page, lambda c: c.state != "closed" and len(c.signatures) == 1)


def test_a_wrong_code_opens_nothing(qtbot: QtBot, chain: Chain, owner_conn, make_person, signed_in) -> None:
    regulatory = make_person("regulatory")
    page = open_page(qtbot, signed_in(regulatory))
    dialog = page.open_start(drill=False, lot_no="F-10")
    assert dialog is not None
    dialog.reason.setPlainText("Seal may leak")
    assert dialog.check() == "Enter your password."
    dialog.password.setText(regulatory.password)
    dialog.code.setText("000000")
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.problem.isVisible(), timeout=SIGNING_TIMEOUT)
    assert "Nothing was signed" in dialog.problem.text()
    assert owner_conn.execute("SELECT count(*) FROM recall_case").fetchone()[0] == 0
    assert owner_conn.execute("SELECT count(*) FROM lot WHERE status = 'recalled'").fetchone()[0] == 0
    dialog.reject()


def test_a_drill_on_a_lot_never_shipped_says_so_and_an_auditor_only_reads(
        qtbot: QtBot, chain: Chain, make_person, signed_in) -> None:
    manager, auditor = make_person("qa_approver"), make_person("auditor")
    page = open_page(qtbot, signed_in(manager, "zh_CN"))
    recall_id = start_drill(qtbot, page, manager, "Q-5")
    assert page.detail.worklist_stack.currentWidget() is page.detail.no_consignee
    shoot(page, "recalls-no-shipments")

    reader = open_page(qtbot, signed_in(auditor))
    qtbot.waitUntil(lambda: any(r.id == recall_id for r in reader.rows()), timeout=LOAD_TIMEOUT)
    reader.select_case(recall_id)
    qtbot.waitUntil(lambda: reader.detail.case is not None, timeout=LOAD_TIMEOUT)
    assert not reader.drill_button.isEnabled() and not reader.recall_button.isEnabled()
    assert not reader.detail.close_button.isEnabled() and reader.open_start(drill=True) is None


def test_another_workstations_notification_shows_up_live(
        qtbot: QtBot, chain: Chain, make_person, signed_in) -> None:
    manager, clerk = make_person("qa_approver"), make_person("warehouse")
    first_station = signed_in(manager)
    first = open_page(qtbot, first_station)
    recall_id = start_drill(qtbot, first, manager, "F-10")

    second = open_page(qtbot, signed_in(clerk))
    qtbot.waitUntil(lambda: any(r.id == recall_id for r in second.rows()), timeout=LOAD_TIMEOUT)
    second.select_case(recall_id)
    qtbot.waitUntil(lambda: second.detail.case is not None, timeout=LOAD_TIMEOUT)
    assert not second.drill_button.isEnabled()  # the warehouse works the list, it does not open cases
    second.detail.select_parties(["RC-H1"])
    second.detail.method.setCurrentIndex(second.detail.method.findData("email"))
    second.detail.notify_button.click()
    qtbot.waitUntil(lambda: second.detail.case.notified == 1, timeout=LOAD_TIMEOUT)

    first_station.broadcast.announce(frozenset({"recall_consignee"}))  # what LISTEN/NOTIFY delivers
    qtbot.waitUntil(lambda: first.detail.case.notified == 1 and first.rows()[0].notified == 1,
                    timeout=LOAD_TIMEOUT)
    notified = {c.party: c.method for c in first.detail.case.consignees if c.notified_at}
    assert notified == {"RC-H1": "email"}


def test_the_trace_pages_start_drill_opens_the_signed_dialog_on_the_recalls_page(
        qtbot: QtBot, chain: Chain, make_person, signed_in) -> None:
    manager = make_person("qa_approver")
    station = signed_in(manager)
    window = MainWindow(station.ctx, account=station.account, base_args=station.base_args)
    qtbot.addWidget(window)
    window.show()
    window.navigate("trace")
    trace = window.page("trace")
    trace.lot_input.setText("F-10")
    with qtbot.wait_signal(trace.trace_finished, timeout=LOAD_TIMEOUT):
        trace.run_button.click()
    trace.drill_button.click()
    assert window.current_key() == "recalls"
    recalls = window.page("recalls")
    assert isinstance(recalls, RecallsPage)
    dialog = recalls.dialog
    assert isinstance(dialog, StartRecallDialog) and dialog.drill and dialog.lot_no.text() == "F-10"
    qtbot.waitUntil(lambda: recalls.snapshot is not None, timeout=LOAD_TIMEOUT)
    dialog.reject()


def test_a_drill_on_a_products_lots_made_in_a_date_range(
        qtbot: QtBot, chain: Chain, make_person, signed_in) -> None:
    regulatory = make_person("regulatory")
    page = open_page(qtbot, signed_in(regulatory))
    dialog = page.open_start(drill=True)
    assert dialog is not None and not dialog.serial.isVisible()
    dialog.start.setCurrentIndex(dialog.start.findData("product"))
    assert dialog.made_from.isVisible() and not dialog.lot_no.isVisible()
    dialog.reason.setPlainText("Sterility doubt")
    assert dialog.check() == "Enter the product's UDI-DI."
    dialog.di.setText(chain.di_finished)
    dialog.made_from.setDate(QDate(2026, 1, 1))
    dialog.made_until.setDate(QDate(2026, 1, 31))
    qtbot.wait(50)  # the dialog grows to fit the rows it now shows
    shoot(dialog, "recalls-start-product-range")
    sign(qtbot, dialog, regulatory)
    assert dialog.case is not None
    recall_id = dialog.case.id
    qtbot.waitUntil(lambda: page.detail.case is not None and page.detail.case.id == recall_id, timeout=LOAD_TIMEOUT)
    case = page.detail.case
    assert case.trigger["type"] == "product"
    assert {lot.lot_no for lot in case.lots} == {"F-10", "Q-5"}
    qtbot.waitUntil(lambda: any(r.trigger_lot == "F-10 … Q-5 (2 lots)" for r in page.rows()), timeout=LOAD_TIMEOUT)


def test_a_hub_sized_case_shows_a_bounded_part_of_its_scope_and_of_what_is_outstanding(
        qtbot: QtBot, chain: Chain, make_person, signed_in, monkeypatch: pytest.MonkeyPatch) -> None:
    # The bounds a hub lot's ~150 k lots and ~5 MB "before closing" text meet, lowered to this scenario's size.
    import app.views.recalls_page as recalls_page

    monkeypatch.setattr(recalls_page, "SCOPE_TREE_LOTS", 1)
    monkeypatch.setattr(recalls_page, "OUTSTANDING_CHARS", 30)
    regulatory = make_person("regulatory")
    page = open_page(qtbot, signed_in(regulatory))

    start_drill(qtbot, page, regulatory, "C-100")  # C-100 and F-10 in scope

    tree = page.detail.scope_tree
    assert tree.topLevelItemCount() == 2 and tree.topLevelItem(0).text(0).startswith("C-100")
    assert tree.topLevelItem(1).text(0) == ("1 more lots in scope are not listed here; the recall reports list "
                                           "every lot.")
    assert page.detail.case is not None and len(page.detail.case.outstanding) > 30
    assert page.detail.case.outstanding[:30] + "…" in page.detail.kpi_text.text()
