"""The import dialog against a real database: imports a file, lists every bad row, exports them, cancels."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.models import Lot
from app.models.enums import PartyKind
from app.views.context import ViewContext
from app.views.import_dialog import ImportDialog
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.factories import gtin14, make_party, make_product

SYRINGE = gtin14("0697543200301")
LOT_HEADER = ["di", "lot", "production_date", "expiry_date", "quantity"]


@pytest.fixture
def ctx(committed: Database, app_paths: AppPaths) -> Iterator[ViewContext]:
    with Session(committed.engine) as session:
        make_product(session, di=SYRINGE)
        make_party(session, PartyKind.MANUFACTURER, code="MFG-SZ")
        session.commit()
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(committed.engine),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(30_000)
    assert failures == []


def lots_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([LOT_HEADER, *rows])
    return path


def lot_count(ctx: ViewContext) -> int:
    with ctx.new_uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Lot))


def open_dialog(qtbot: QtBot, ctx: ViewContext) -> ImportDialog:
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.resize(900, 560)
    dialog.show()
    return dialog


def run_import(qtbot: QtBot, dialog: ImportDialog) -> None:
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_result is not None and dialog.close_button.isVisible(), timeout=30_000)


def test_a_good_file_is_imported_and_the_change_is_announced(qtbot: QtBot, ctx: ViewContext, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, ctx)
    dialog.choose("lots", lots_csv(tmp_path / "lots.csv", [
        [SYRINGE, "L1", "2026-01-10", "2028-01-09", 100], [SYRINGE, "L2", "2026-01-11", "2028-01-10", 200]]))

    with qtbot.wait_signal(ctx.broadcast.records_changed, timeout=30_000) as changed:
        run_import(qtbot, dialog)

    assert changed.args == [frozenset({"lot"})]
    assert dialog.summary.text().startswith("Imported 2 rows from lots.csv")
    assert dialog.errors.isHidden() and dialog.export_button.isHidden()
    assert lot_count(ctx) == 2


def test_every_bad_row_is_listed_and_can_be_exported(qtbot: QtBot, ctx: ViewContext, tmp_path: Path) -> None:
    source = lots_csv(tmp_path / "lots.csv", [
        [SYRINGE, "L1", "2026-01-10", "2028-01-09", 100],
        [SYRINGE, "L2", "2026-13-01", "2028-01-09", 100],
        ["06975432003019", "L3", "2026-01-10", "2028-01-09", 100],
        [SYRINGE, "L4", "2026-01-10", "2025-01-09", 0],
    ])
    dialog = open_dialog(qtbot, ctx)
    dialog.choose("lots", source)

    run_import(qtbot, dialog)

    model = dialog.errors_model
    shown = [[model.index(r, c).data() for c in range(3)] for r in range(model.rowCount())]
    assert [row[:2] for row in shown] == [["3", "production_date"], ["4", "di"], ["5", "expiry_date"],
                                          ["5", "quantity"]]
    assert dialog.summary.text().startswith("Nothing was imported: 4 problems in 3 rows.")
    assert dialog.errors.isVisible() and dialog.export_button.isVisible()
    assert lot_count(ctx) == 0

    exported = tmp_path / "lots-errors.xlsx"
    dialog.export_errors_to(exported)
    qtbot.waitUntil(exported.is_file, timeout=10_000)
    qtbot.waitUntil(lambda: "Errors exported" in dialog.phase.text(), timeout=10_000)
    sheet = openpyxl.load_workbook(exported).active
    assert [[c.value for c in row][1:] for row in sheet.iter_rows(min_row=2)] == [
        ["L2", "2026-13-01", "2028-01-09", "100", 3, "production_date: “2026-13-01” is not a day of the calendar."],
        ["L3", "2026-01-10", "2028-01-09", "100", 4,
         "di: The GTIN 06975432003019 has a wrong check digit: it ends in 9 but should end in 8."],
        ["L4", "2026-01-10", "2025-01-09", "0", 5,
         "expiry_date: The expiry date 2025-01-09 is before the production date 2026-01-10.\n"
         "quantity: 0 is too small: it must be at least 1."],
    ]


def test_the_template_button_saves_the_template_of_the_chosen_kind(
    qtbot: QtBot, ctx: ViewContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "movements-template.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args, **_kw: (str(target), ""))
    dialog = open_dialog(qtbot, ctx)
    dialog.kind.setCurrentIndex(dialog.kind.findData("movements"))

    qtbot.mouseClick(dialog.template_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Template written" in dialog.summary.text(), timeout=10_000)
    assert openpyxl.load_workbook(target).sheetnames == ["movements", "说明 Instructions"]


def test_cancel_stops_the_import_and_nothing_is_written(qtbot: QtBot, ctx: ViewContext, tmp_path: Path) -> None:
    source = lots_csv(tmp_path / "many.csv", [[SYRINGE, f"L{n:06d}", "2026-01-10", "2028-01-09", 10]
                                              for n in range(20_000)])
    dialog = open_dialog(qtbot, ctx)
    dialog.choose("lots", source)

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: dialog.close_button.isVisible(), timeout=30_000)
    assert dialog.phase.text() == "Cancelled: nothing was imported."
    assert dialog.last_result is None
    assert lot_count(ctx) == 0


@pytest.fixture
def chinese_messages(request: pytest.FixtureRequest) -> None:
    """The catalogue's messages in Chinese for this test (as the GUI sets them for a Chinese workstation)."""
    from app import messages

    request.addfinalizer(lambda: messages.set_language("en"))
    messages.set_language("zh_CN")


def test_bad_rows_are_listed_and_exported_in_the_workstations_language(
    qtbot: QtBot, ctx: ViewContext, tmp_path: Path, chinese_messages: None
) -> None:
    source = lots_csv(tmp_path / "lots.csv", [[SYRINGE, "L1", "2026-01-10", "2025-01-09", 100]])
    dialog = open_dialog(qtbot, ctx)
    dialog.choose("lots", source)

    run_import(qtbot, dialog)

    model = dialog.errors_model
    assert [model.index(0, c).data() for c in range(3)] == [
        "2", "expiry_date", "失效日期 2025-01-09 早于生产日期 2026-01-10。"]
    english = "The expiry date 2025-01-09 is before the production date 2026-01-10."
    assert dialog.last_result.errors[0].message == english
    exported = tmp_path / "lots-errors.xlsx"
    dialog.export_errors_to(exported)
    qtbot.waitUntil(exported.is_file, timeout=10_000)
    qtbot.waitUntil(lambda: "Errors exported" in dialog.phase.text(), timeout=10_000)
    sheet = openpyxl.load_workbook(exported).active
    assert [[c.value for c in row][-1] for row in sheet.iter_rows(min_row=2)] == [
        "expiry_date: 失效日期 2025-01-09 早于生产日期 2026-01-10。"]
