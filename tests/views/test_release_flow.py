"""Two-person release in the GUI, on the session's database: scan, review the trail, sign, approve, verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import psycopg
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db.engine import Database
from app.models.enums import LotStatus
from app.views.operations import ChangeBroadcast
from app.views.release_queue_page import ReleaseQueuePage
from app.views.signature_dialog import SignatureDialog
from tests.conftest import Person, empty_gmp_tables
from tests.integration.test_lot_release import make_release_ready_lot, prepare_checklist

SIGNING_TIMEOUT = 60_000  # the signer's key is unwrapped with a memory-hard KDF; the code may wait for a step
LOAD_TIMEOUT = 15_000


def gs1_scan(owner: psycopg.Connection, lot_id: int) -> str:
    """The GS1-128 element string printed on the lot's label: ]C1 (01) GTIN (11) made (17) expiry (10) lot."""
    di, lot_no, produced, expires = owner.execute(
        "SELECT p.di, l.lot_no, l.production_date, l.expiry_date FROM lot l JOIN product p ON p.id = l.product_id "
        "WHERE l.id = %s", (lot_id,)).fetchone()
    return f"]C101{di}11{produced:%y%m%d}17{expires:%y%m%d}10{lot_no}"


def lot_no_of(owner: psycopg.Connection, lot_id: int) -> str:
    return owner.execute("SELECT lot_no FROM lot WHERE id = %s", (lot_id,)).fetchone()[0]


@pytest.fixture
def clean(committed: Database) -> Iterator[Database]:
    """An empty queue at the start (other suites leave lots behind); emptied again afterwards by `committed`."""
    empty_gmp_tables(committed)
    return committed


@pytest.fixture
def broadcasts() -> dict[ReleaseQueuePage, ChangeBroadcast]:
    return {}


@pytest.fixture
def workstation(
    qtbot: QtBot, signed_in, broadcasts: dict[ReleaseQueuePage, ChangeBroadcast]
) -> Callable[[Person], ReleaseQueuePage]:
    """Signs a person in and opens their Release queue, each on their own workstation."""

    def _open(person: Person) -> ReleaseQueuePage:
        station = signed_in(person)
        page = ReleaseQueuePage(station.ctx, station.account, station.base_args)
        qtbot.addWidget(page)
        page.resize(1400, 800)
        page.show()
        broadcasts[page] = station.broadcast
        return page

    return _open


def wait_for_lot(qtbot: QtBot, page: ReleaseQueuePage, lot_id: int, section: str) -> None:
    qtbot.waitUntil(lambda: any(line.lot_id == lot_id for line in page.lines(section)), timeout=LOAD_TIMEOUT)


def choose(qtbot: QtBot, page: ReleaseQueuePage, *lot_ids: int) -> None:
    page.select_lots(lot_ids)
    qtbot.waitUntil(lambda: page.detail.record is not None and page.detail.record.header.id == page.detail.lot_id
                    and page.detail.lot_id in lot_ids, timeout=LOAD_TIMEOUT)


def sign_in_dialog(qtbot: QtBot, dialog: SignatureDialog, person: Person, code: str | None = None) -> None:
    dialog.password.setText(person.password)
    dialog.code.setText(code or person.next_code())
    with qtbot.wait_signal(dialog.signed, timeout=SIGNING_TIMEOUT):
        dialog.sign_button.click()


def test_a_reviewer_and_an_approver_release_a_lot_and_both_manifestations_are_shown(
    qtbot: QtBot, clean: Database, owner_conn, make_person, workstation, broadcasts
) -> None:
    reviewer, approver = make_person("qa_reviewer"), make_person("qa_approver")
    lot_id = make_release_ready_lot(owner_conn)
    lot_no = lot_no_of(owner_conn, lot_id)

    # -- the reviewer: the checklist, item by item -----------------------------------------------
    page = workstation(reviewer)
    wait_for_lot(qtbot, page, lot_id, "review")
    choose(qtbot, page, lot_id)
    detail = page.detail
    assert not detail.checklist_rows["label_verified"].ok and detail.scan_button.isVisible()
    assert not detail.checklist_rows["audit_trail_reviewed"].ok and detail.audit_button.isVisible()
    assert detail.checklist_rows["qc_results"].ok and detail.checklist_rows["deviations"].ok
    assert not page.buttons["approved"].isEnabled()  # a reviewer is not an approver

    scan = detail.open_label_scan()
    assert scan is not None
    qtbot.keyClicks(scan.scan, gs1_scan(owner_conn, lot_id))  # the keyboard wedge types, then Enter
    with qtbot.wait_signal(scan.verified, timeout=LOAD_TIMEOUT):
        qtbot.keyClick(scan.scan, Qt.Key.Key_Return)
    assert scan.last_check is not None and scan.last_check.matched
    assert f"The label matches lot {lot_no}" in scan.result.text()
    scan.reject()
    qtbot.waitUntil(lambda: detail.checklist_rows["label_verified"].ok, timeout=LOAD_TIMEOUT)
    assert not detail.scan_button.isVisible()

    review = detail.open_audit_review()
    assert review is not None
    qtbot.waitUntil(lambda: review.confirm_button.isEnabled(), timeout=LOAD_TIMEOUT)
    assert review.table.rowCount() >= 1 and review.table.item(0, 2).text() == "Created"
    with qtbot.wait_signal(review.reviewed, timeout=LOAD_TIMEOUT):
        review.confirm_button.click()
    qtbot.waitUntil(lambda: detail.checklist_rows["audit_trail_reviewed"].ok, timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: page.lines("review")[0].checklist_complete is True, timeout=LOAD_TIMEOUT)

    # -- the review signature ----------------------------------------------------------------------
    assert page.buttons["reviewed"].isEnabled()
    page.buttons["reviewed"].click()
    dialog = page.signature_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.meaning_label.text() == "Reviewed — release recommended"
    assert dialog.lot_table.item(0, 0).text() == lot_no
    assert dialog.signer.text() == f"测试用户 {reviewer.login}  ({reviewer.login})" and dialog.signer.isReadOnly()
    assert "legally binding equivalent of your handwritten signature" in dialog.declaration.text()
    sign_in_dialog(qtbot, dialog, reviewer)
    assert dialog.result_ is not None and dialog.result_.all_signed
    assert dialog.lot_table.item(0, 2).text() == "✓ Signed"
    assert dialog.password.text() == "" and dialog.code.text() == ""
    dialog.accept()
    wait_for_lot(qtbot, page, lot_id, "approval")
    assert page.lines("approval")[0].reviewed_by == f"测试用户 {reviewer.login}"
    qtbot.waitUntil(lambda: detail.signature_statuses() == ["Valid"], timeout=LOAD_TIMEOUT)

    # -- the approver, on another workstation --------------------------------------------------------
    second = workstation(approver)
    wait_for_lot(qtbot, second, lot_id, "approval")
    choose(qtbot, second, lot_id)
    assert second.buttons["approved"].isEnabled() and not second.buttons["reviewed"].isEnabled()
    second.buttons["approved"].click()
    approval = second.signature_dialog
    assert approval is not None and approval.meaning_label.text() == "Approved for release"
    sign_in_dialog(qtbot, approval, approver)
    assert approval.result_ is not None and approval.result_.all_signed
    approval.accept()

    # The lot has left the queue; the pane keeps showing it, released, with both manifestations.
    qtbot.waitUntil(lambda: not second.lines("approval") and second.detail.record is not None
                    and second.detail.record.header.status == LotStatus.RELEASED
                    and len(second.detail.record.signatures) == 2, timeout=LOAD_TIMEOUT)
    cards = second.detail.cards[:2]
    assert [c.meaning.text() for c in cards] == ["Reviewed — release recommended", "Approved for release"]
    assert [c.signer.text() for c in cards] == [f"Signed by 测试用户 {reviewer.login} ({reviewer.login})",
                                               f"Signed by 测试用户 {approver.login} ({approver.login})"]
    zone = dt.datetime.now().astimezone().tzname()
    for card in cards:
        assert card.when.text().endswith(")") and "(UTC" in card.when.text() and zone in card.when.text()
    assert second.detail.signature_statuses() == ["Valid", "Valid"]
    assert not second.detail.warning.isVisible()
    assert second.detail.status.text() == "Released"

    # -- a superuser edits the released lot: every screen shows it ----------------------------------
    owner_conn.execute("BEGIN")
    owner_conn.execute("SELECT set_config('medtrace.reason', 'x', true)")
    owner_conn.execute("UPDATE lot SET expiry_date = expiry_date + 1 WHERE id = %s", (lot_id,))
    owner_conn.execute("COMMIT")
    broadcasts[second].announce(frozenset({"lot"}))  # what LISTEN/NOTIFY delivers on a workstation
    qtbot.waitUntil(lambda: second.detail.signature_statuses() == ["CHANGED AFTER SIGNING"] * 2,
                    timeout=LOAD_TIMEOUT)
    assert second.detail.warning.isVisible() and "CHANGED AFTER SIGNING" in second.detail.warning.text()


def test_a_wrong_and_a_reused_authenticator_code_are_refused_with_a_clear_message(
    qtbot: QtBot, clean: Database, owner_conn, make_person, workstation
) -> None:
    reviewer = make_person("qa_reviewer")
    first, second = make_release_ready_lot(owner_conn), make_release_ready_lot(owner_conn)
    for lot_id in (first, second):
        prepare_checklist(reviewer, lot_id)
    page = workstation(reviewer)
    wait_for_lot(qtbot, page, second, "review")
    choose(qtbot, page, first)

    page.buttons["reviewed"].click()
    dialog = page.signature_dialog
    assert dialog is not None
    dialog.password.setText(reviewer.password)
    dialog.code.setText("000000")
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.problem.isVisible(), timeout=SIGNING_TIMEOUT)
    assert dialog.problem.text() == "The password or the authenticator code is not correct. Nothing was signed."
    assert dialog.password.text() == "" and dialog.code.text() == "" and dialog.result_ is None
    used = reviewer.next_code()
    sign_in_dialog(qtbot, dialog, reviewer, code=used)
    dialog.accept()

    choose(qtbot, page, second)
    page.buttons["reviewed"].click()
    again = page.signature_dialog
    assert again is not None and again is not dialog
    again.password.setText(reviewer.password)
    again.code.setText(used)
    again.sign_button.click()
    qtbot.waitUntil(lambda: not again.busy and again.problem.isVisible(), timeout=SIGNING_TIMEOUT)
    assert "already been used" in again.problem.text() and "Wait for the next code" in again.problem.text()
    assert again.code.text() == "" and again.result_ is None
    assert owner_conn.execute("SELECT status FROM lot WHERE id = %s", (second,)).fetchone() == ("quarantine",)


def test_signing_several_lots_at_once_lists_each_and_reports_each_result(
    qtbot: QtBot, clean: Database, owner_conn, make_person, workstation
) -> None:
    reviewer = make_person("qa_reviewer")
    ready = [make_release_ready_lot(owner_conn) for _ in range(2)]
    not_ready = make_release_ready_lot(owner_conn, qc_passed=False)
    for lot_id in ready:
        prepare_checklist(reviewer, lot_id)
    page = workstation(reviewer)
    wait_for_lot(qtbot, page, not_ready, "review")
    choose(qtbot, page, *ready, not_ready)
    assert page.selection_note.text() == "3 lots selected"
    page.buttons["reviewed"].click()
    dialog = page.signature_dialog
    assert dialog is not None
    numbers = [lot_no_of(owner_conn, i) for i in (*ready, not_ready)]
    assert sorted(dialog.lot_table.item(r, 0).text() for r in range(dialog.lot_table.rowCount())) == sorted(numbers)
    assert dialog.sign_button.text() == "Sign 3 lots"
    sign_in_dialog(qtbot, dialog, reviewer)
    results = {dialog.lot_table.item(r, 0).text(): dialog.lot_table.item(r, 2).text()
               for r in range(dialog.lot_table.rowCount())}
    assert [results[lot_no_of(owner_conn, i)] for i in ready] == ["✓ Signed", "✓ Signed"]
    refused = results[lot_no_of(owner_conn, not_ready)]
    assert refused.startswith("✗ Refused: The release checklist of lot") and "out of specification" in refused
    assert dialog.summary.text() == "2 of 3 lots were signed; the database refused the others for the reasons shown."
    dialog.accept()
    qtbot.waitUntil(lambda: {line.lot_id for line in page.lines("approval")} == set(ready), timeout=LOAD_TIMEOUT)
    assert [line.lot_id for line in page.lines("review")] == [not_ready]
