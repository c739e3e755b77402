"""Shipping from the Scan page as a signed-in person: first expired, first out, and a consignee's minimum shelf life."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.models.enums import LotStatus, MovementKind, PartyKind
from app.views.i18n import install_translation
from app.views.reason_dialog import ReasonDialog
from app.views.scan_page import ScanPage
from app.views.style import apply_style
from tests.factories import gtin14, make_lot, make_party, make_product, move
from tests.views.conftest import LOAD_TIMEOUT, Workstation

GTIN = gtin14("0695432100888")
SHOTS = os.environ.get("MEDTRACE_SCREENSHOTS")  # a folder: keep screenshots of the page


@dataclass(frozen=True)
class Shelf:
    today: dt.date
    expiries: dict[str, dt.date]  # lot → expiry date
    hospital_id: int


@pytest.fixture
def shelf(committed: Database) -> Shelf:
    """Two released lots of one product at our site: OLD-1 expires 100 days before NEW-1."""
    with Session(committed.engine) as session:
        today = session.execute(select(func.current_date())).scalar_one()
        product = make_product(session, di=GTIN, name="一次性使用输液器", name_en="Infusion set", shelf_life_days=730)
        site = make_party(session, PartyKind.MANUFACTURER, code="MFG-WH", name="武汉工厂")
        hospital = make_party(session, PartyKind.HOSPITAL, code="HOS-01", name="第一人民医院")
        expiries = {"OLD-1": today + dt.timedelta(days=300), "NEW-1": today + dt.timedelta(days=400)}
        for lot_no, expiry in expiries.items():
            lot = make_lot(session, product, lot_no=lot_no, status=LotStatus.RELEASED, expiry_date=expiry,
                           production_date=today - dt.timedelta(days=30))
            move(session, MovementKind.PRODUCE, lot, 50, dest=site, on=today - dt.timedelta(days=30))
        session.commit()
        return Shelf(today, expiries, hospital.id)


def label(shelf: Shelf, lot_no: str) -> str:
    return f"01{GTIN}17{shelf.expiries[lot_no]:%y%m%d}10{lot_no}"


def open_page(qtbot: QtBot, station: Workstation) -> ScanPage:
    if SHOTS and not QApplication.instance().styleSheet():
        apply_style(QApplication.instance())
    page = ScanPage(station.ctx, station.account)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.wait_signal(page.parties_loaded, timeout=LOAD_TIMEOUT):
        page.show()
    page.choose(MovementKind.SHIP, "MFG-WH", "HOS-01", document_no="DN-77")
    return page


def scan(qtbot: QtBot, page: ScanPage, text_: str) -> None:
    with qtbot.wait_signal(page.scan_shown, timeout=LOAD_TIMEOUT):
        qtbot.keyClicks(page.scan_input, text_)
        qtbot.keyClick(page.scan_input, Qt.Key.Key_Return)


def shipped(committed: Database) -> list[tuple[str, int]]:
    with Session(committed.engine) as session:
        return [tuple(r) for r in session.execute(text(
            "SELECT l.lot_no, m.quantity FROM movement m JOIN lot l ON l.id = m.lot_id "
            "WHERE m.kind = 'ship' ORDER BY m.id")).all()]


def shoot(page: ScanPage, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_shipping_a_later_lot_is_recorded_with_a_warning_naming_the_lot_to_ship_first(
    qtbot: QtBot, signed_in: Callable[..., Workstation], make_person, shelf: Shelf, committed: Database,
    language: str,
) -> None:
    translation = install_translation(language) if language != "en" else None
    try:
        page = open_page(qtbot, signed_in(make_person("warehouse"), language))
        scan(qtbot, page, label(shelf, "NEW-1"))  # only looking: the notice says it before anything is recorded
        assert page.fefo_notice.isVisible() and "OLD-1" in page.fefo_notice.text()

        page.start_recording()
        with qtbot.wait_signal(page.movement_recorded, timeout=LOAD_TIMEOUT):
            scan(qtbot, page, label(shelf, "NEW-1"))
        notice = page.fefo_notice.text()
        assert page.fefo_notice.isVisible()
        assert all(word in notice for word in ("OLD-1", "NEW-1", "50", "MFG-WH", shelf.expiries["OLD-1"].isoformat()))
        assert "OLD-1" in page.session_rows()[0][5] and page.session_rows()[0][5].startswith("✓")
        if language == "en":
            assert notice.startswith("First expired, first out: lot OLD-1 of this product expires earlier")
        else:
            assert "先到期先出" in notice
        shoot(page, f"scan-fefo-{language}")

        with qtbot.wait_signal(page.movement_recorded, timeout=LOAD_TIMEOUT):
            scan(qtbot, page, label(shelf, "OLD-1"))  # the right lot: no notice
        assert not page.fefo_notice.isVisible()
        assert shipped(committed) == [("NEW-1", 1), ("OLD-1", 1)]
    finally:
        if translation is not None:
            translation.remove()


def _set_minimum(committed: Database, shelf: Shelf, days: int) -> None:
    with committed.engine.begin() as conn:
        conn.execute(text("SET LOCAL medtrace.reason = 'Hospital quality agreement'"))
        conn.execute(text("UPDATE party SET min_shelf_life_days = :d WHERE id = :id"),
                     {"d": days, "id": shelf.hospital_id})


def test_a_lot_with_too_little_shelf_life_for_the_consignee_is_refused_and_a_warehouse_person_is_offered_no_way_round(
    qtbot: QtBot, signed_in: Callable[..., Workstation], make_person, shelf: Shelf, committed: Database,
) -> None:
    _set_minimum(committed, shelf, 360)
    page = open_page(qtbot, signed_in(make_person("warehouse")))
    page.start_recording()
    with qtbot.wait_signal(page.movement_refused, timeout=LOAD_TIMEOUT) as refused:
        scan(qtbot, page, label(shelf, "OLD-1"))

    assert "has 300 days of shelf life left; 第一人民医院 accepts only lots with at least 360 days" in refused.args[0]
    assert page.session_rows()[0][5] == "✗ Not recorded: too little shelf life left for HOS-01"
    assert "360 days" in page.session_table.item(0, 5).toolTip()
    assert not page.exception_button.isVisible()
    assert shipped(committed) == []


def test_a_qa_approver_ships_below_the_minimum_shelf_life_only_with_a_reason_the_database_keeps(
    qtbot: QtBot, signed_in: Callable[..., Workstation], make_person, shelf: Shelf, committed: Database,
) -> None:
    _set_minimum(committed, shelf, 360)
    page = open_page(qtbot, signed_in(make_person("warehouse", "qa_approver")))
    page.start_recording()
    with qtbot.wait_signal(page.movement_refused, timeout=LOAD_TIMEOUT):
        scan(qtbot, page, label(shelf, "OLD-1"))
    assert page.exception_button.isVisible()
    assert page.session_count.text() == "This session: 0 recorded, 1 refused"
    shoot(page, "scan-shelf-life-refused-en")

    seen: list[str] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReasonDialog)
        assert not dialog.ok_button.isEnabled()  # no reason yet
        dialog.reject()

    QTimer.singleShot(0, cancel)
    page.authorise_exception()
    assert shipped(committed) == [] and page.exception_button.isVisible()

    def give_reason() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReasonDialog)
        seen.append(dialog.findChild(QLabel, "dialogHeadline").text())
        dialog.reason.setPlainText("客户书面同意接收 Consignee agreed in writing: letter 2026-117")
        if SHOTS:
            dialog.grab().save(str(Path(SHOTS) / "scan-shelf-life-exception-dialog-en.png"))
        dialog.ok_button.click()

    QTimer.singleShot(0, give_reason)
    with qtbot.wait_signal(page.movement_recorded, timeout=LOAD_TIMEOUT):
        page.authorise_exception()

    assert seen == ["Why may lot OLD-1 go to HOS-01 with less shelf life than HOS-01 accepts?"]
    assert shipped(committed) == [("OLD-1", 1)]
    assert page.session_rows()[0][5] == "✓ recorded"
    assert page.session_count.text() == "This session: 1 recorded, 0 refused"
    assert not page.exception_button.isVisible()
    with Session(committed.engine) as session:
        [(override_id, reason, days_left, required)] = session.execute(text(
            "SELECT id, reason, days_left, days_required FROM shelf_life_override")).all()
        audited = session.execute(text(  # the trail keeps every earlier test's entries too: this record's only
            "SELECT count(*) FROM audit_entry WHERE table_name = 'shelf_life_override' "
            "AND record_id = :id"), {"id": str(override_id)}).scalar_one()
    assert (reason, days_left, required) == ("客户书面同意接收 Consignee agreed in writing: letter 2026-117", 300, 360)
    assert audited == 1

    # The exception covered that one shipment: the next unit of the same lot is refused again.
    with qtbot.wait_signal(page.movement_refused, timeout=LOAD_TIMEOUT):
        scan(qtbot, page, label(shelf, "OLD-1"))
    assert shipped(committed) == [("OLD-1", 1)]


def test_the_least_shelf_life_a_consignee_accepts_is_set_from_the_scan_page_with_a_reason_and_then_holds(
    qtbot: QtBot, signed_in: Callable[..., Workstation], make_person, shelf: Shelf, committed: Database,
) -> None:
    page = open_page(qtbot, signed_in(make_person("warehouse", "regulatory")))
    assert page.party_button.isVisible() and page.party_button.isEnabled()
    dialog = page.edit_party()
    assert dialog is not None
    qtbot.wait_until(lambda: dialog.record is not None, timeout=LOAD_TIMEOUT)
    assert dialog.windowTitle() == "Edit party 第一人民医院 (HOS-01)"
    dialog.editors["min_shelf_life_days"].widget.setValue(360)
    dialog.editors["contact"].widget.setText("王主任")
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "party-dialog-en.png"))
    dialog.save_button.click()
    reason = dialog.reason_dialog
    assert reason is not None
    assert [reason.changes.item(r, 2).text() for r in range(reason.changes.rowCount())] == ["王主任", "360"]
    reason.reason.setPlainText("质量协议 Quality agreement QA-2026-31 with the hospital")
    with qtbot.wait_signal(dialog.saved, timeout=LOAD_TIMEOUT):
        reason.ok_button.click()
    shoot(page, "scan-party-saved-en")
    with Session(committed.engine) as session:
        assert session.execute(text("SELECT min_shelf_life_days, contact FROM party WHERE id = :id"),
                               {"id": shelf.hospital_id}).one() == (360, "王主任")
        assert session.execute(text(
            "SELECT reason FROM audit_entry WHERE table_name = 'party' AND record_id = :id ORDER BY id DESC LIMIT 1"),
            {"id": str(shelf.hospital_id)}).scalar_one() == "质量协议 Quality agreement QA-2026-31 with the hospital"

    page.start_recording()
    with qtbot.wait_signal(page.movement_refused, timeout=LOAD_TIMEOUT):
        scan(qtbot, page, label(shelf, "OLD-1"))  # 300 days left: below what the hospital now accepts
    assert shipped(committed) == []
