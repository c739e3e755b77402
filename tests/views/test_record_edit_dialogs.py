"""Correcting a lot or a product: the dialog asks for the reason, saves it, and catches a change made meanwhile."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.models import Lot, Product
from app.services.demo_data import COMPANY, demo_logo
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.reason_dialog import COMMON_REASONS, ReasonDialog
from app.views.record_edit_dialogs import EditCompanyDialog, EditLotDialog, EditProductDialog
from tests.factories import make_lot, make_product


@pytest.fixture
def ctx(committed: Database, app_paths: AppPaths) -> Iterator[ViewContext]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(committed.engine),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(10_000)
    assert failures == []


@pytest.fixture
def lot_id(committed: Database) -> int:
    with Session(committed.engine) as session:
        lot = make_lot(session, quantity=1000)
        session.commit()
        return lot.id


def open_lot_dialog(qtbot: QtBot, ctx: ViewContext, lot_id: int) -> EditLotDialog:
    dialog = EditLotDialog(ctx, lot_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    return dialog


def give_reason(qtbot: QtBot, dialog: ReasonDialog, reason: str) -> None:
    dialog.reason.setPlainText(reason)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_the_lot_dialog_asks_for_a_reason_and_saves_the_correction(
    qtbot: QtBot, ctx: ViewContext, committed: Database, lot_id: int
) -> None:
    dialog = open_lot_dialog(qtbot, ctx, lot_id)
    assert not dialog.save_button.isEnabled()  # nothing changed yet
    dialog.editors["quantity"].widget.setValue(990)
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    reason = dialog.reason_dialog
    assert reason is not None and reason.isVisible()
    assert [reason.changes.item(0, c).text() for c in range(3)] == ["Quantity", "1000", "990"]
    reason.reason.setPlainText("typo")  # too short to say why
    assert not reason.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        give_reason(qtbot, reason, "录入错误更正 Data entry correction: batch record says 990")
    assert saved.args[0].changes[0].new == 990
    with Session(committed.engine) as session:
        assert session.get(Lot, lot_id).quantity == 990
        stored = session.execute(text("SELECT reason FROM audit_entry WHERE id = :id"),
                                 {"id": saved.args[0].audit_entry_id}).scalar_one()
    assert stored == "录入错误更正 Data entry correction: batch record says 990"
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_change_made_meanwhile_says_who_and_when_and_reload_shows_it(
    qtbot: QtBot, ctx: ViewContext, committed: Database, lot_id: int, owner_conn: psycopg.Connection
) -> None:
    dialog = open_lot_dialog(qtbot, ctx, lot_id)
    with owner_conn.transaction():
        owner_conn.execute("SELECT set_config('medtrace.reason', 'recount in the warehouse', true)")
        owner_conn.execute("UPDATE lot SET quantity = 950 WHERE id = %s", (lot_id,))
    dialog.editors["quantity"].widget.setValue(990)
    dialog.save_button.click()
    give_reason(qtbot, dialog.reason_dialog, "复核后更正 Correction after review")
    qtbot.waitUntil(dialog.conflict.isVisible, timeout=10_000)
    assert dialog.conflict_text.text().startswith("Changed by postgres at ")
    assert "Reload" in dialog.conflict_text.text() and dialog.reload_button.isVisible()
    assert not dialog.save_button.isEnabled()
    with Session(committed.engine) as session:
        assert session.get(Lot, lot_id).quantity == 950  # nothing overwritten

    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.reload_button.click()
    assert dialog.editors["quantity"].widget.value() == 950
    assert not dialog.conflict.isVisible()
    assert dialog.last_change.text().startswith("Last changed by postgres at ")


def test_the_product_dialog_corrects_master_data_with_a_reason(
    qtbot: QtBot, ctx: ViewContext, committed: Database
) -> None:
    with Session(committed.engine) as session:
        product_id = make_product(session, model="5 mL").id
        session.commit()
    dialog = EditProductDialog(ctx, product_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    assert dialog.editors["alert_days"].widget.text() == "180;90;30;7"
    dialog.editors["model"].widget.setText("5 mL 带针")
    dialog.editors["model"].widget.textEdited.emit("5 mL 带针")
    dialog.editors["alert_days"].widget.setText("180;x")
    dialog.editors["alert_days"].widget.textEdited.emit("180;x")
    assert not dialog.save_button.isEnabled() and "Expiry alert days" in dialog.problem.text()
    dialog.editors["alert_days"].widget.setText("90;30")
    dialog.editors["alert_days"].widget.textEdited.emit("90;30")
    assert dialog.save_button.isEnabled()
    dialog.save_button.click()
    rows = {dialog.reason_dialog.changes.item(r, 0).text(): dialog.reason_dialog.changes.item(r, 2).text()
            for r in range(dialog.reason_dialog.changes.rowCount())}
    assert rows == {"Model / specification": "5 mL 带针", "Expiry alert days": "90;30"}
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        give_reason(qtbot, dialog.reason_dialog, "注册证变更 registration certificate amended")
    with Session(committed.engine) as session:
        product = session.execute(select(Product).where(Product.id == product_id)).scalar_one()
        assert (product.model, product.alert_days) == ("5 mL 带针", [90, 30])


def test_a_common_reason_starts_the_text_and_details_can_follow(qtbot: QtBot) -> None:
    dialog = ReasonDialog("L0001 (06901234567892)", [("Expiry date", "2028-01-09", "2028-01-08")])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()
    assert dialog.rule.text() == "At least 5 characters."
    dialog.common.setCurrentIndex(2)
    dialog.common.activated.emit(2)
    assert dialog.reason_text() == COMMON_REASONS[1]
    assert dialog.ok_button.isEnabled()
    dialog.reason.setPlainText(COMMON_REASONS[1] + ": QA review of label proof")
    dialog.common.setCurrentIndex(1)
    dialog.common.activated.emit(1)
    assert dialog.reason_text() == COMMON_REASONS[0] + ": QA review of label proof"


def test_the_dialog_refuses_a_date_order_the_database_refuses_and_keeps_the_edit(
    qtbot: QtBot, ctx: ViewContext, committed: Database, lot_id: int
) -> None:
    dialog = open_lot_dialog(qtbot, ctx, lot_id)
    dialog.editors["expiry_date"].put(dt.date(2020, 1, 1))
    dialog.save_button.click()
    give_reason(qtbot, dialog.reason_dialog, "录入错误更正 Data entry correction")
    qtbot.waitUntil(dialog.problem.isVisible, timeout=10_000)
    assert "refused the data" in dialog.problem.text()
    assert dialog.isVisible() and dialog.editors["expiry_date"].get() == dt.date(2020, 1, 1)


# -- the company profile ------------------------------------------------------------------------


def open_company_dialog(qtbot: QtBot, ctx: ViewContext) -> EditCompanyDialog:
    dialog = EditCompanyDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    return dialog


def test_the_company_dialog_sets_up_the_profile_with_a_logo_and_a_reason_then_corrects_it(
    qtbot: QtBot, ctx: ViewContext, committed: Database, tmp_path: Path
) -> None:
    dialog = open_company_dialog(qtbot, ctx)
    assert dialog.creating and dialog.windowTitle() == "Set up the company profile"
    assert not dialog.save_button.isEnabled()
    dialog.editors["address"].widget.setText("江苏省苏州市工业园区星湖街328号")
    dialog.editors["address"].widget.textEdited.emit("")
    assert not dialog.save_button.isEnabled() and "legal name" in dialog.problem.text()  # a name is required
    for name, value in COMPANY.items():
        dialog.editors[name].widget.setText(value)
    logo_file = tmp_path / "logo.png"
    logo_file.write_bytes(demo_logo())
    logo = dialog.editors["logo"].widget
    assert logo.load_file(logo_file) is None and logo.data == demo_logo()
    dialog.save_button.click()
    reason = dialog.reason_dialog
    assert reason is not None
    table = reason.changes
    shown = {table.item(r, 0).text(): table.item(r, 2).text() for r in range(table.rowCount())}
    assert shown["Legal name (Chinese)"] == COMPANY["legal_name_zh"] and shown["Logo"].startswith("image, ")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        give_reason(qtbot, reason, "首次设置企业信息 First set-up")
    with Session(committed.engine) as session:
        stored = session.execute(text("SELECT legal_name_en, licence_no, logo_sha256 FROM company_profile")).one()
    assert stored == (COMPANY["legal_name_en"], COMPANY["licence_no"], hashlib.sha256(demo_logo()).hexdigest())

    again = open_company_dialog(qtbot, ctx)
    assert not again.creating and again.windowTitle() == f"Company profile: {COMPANY['legal_name_zh']}"
    assert again.editors["licence_no"].widget.text() == COMPANY["licence_no"]
    bad = tmp_path / "logo.gif"
    bad.write_bytes(b"GIF89a" + bytes(64))
    assert "not a PNG or JPEG" in (again.editors["logo"].widget.load_file(bad) or "")
    again.editors["logo"].widget.remove_button.click()
    again.save_button.click()
    assert again.reason_dialog is not None
    with qtbot.waitSignal(again.saved, timeout=10_000) as saved:
        give_reason(qtbot, again.reason_dialog, "标志停用 Logo withdrawn")
    assert [c.field for c in saved.args[0].changes] == ["logo"]
