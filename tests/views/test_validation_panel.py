"""The Validation panel of the Admin page as a real administrator: validate, see the verdict, get the files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.services.identity import Account
from app.services.validation import VALIDATION_EVENT
from app.views.admin_page import AdminPage
from app.views.context import ViewContext
from tests.views.test_admin_page import SignedInAdmin, admin, ctx, open_page  # noqa: F401 — fixtures

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.clause("Annex 11 §4.5")]

SCREENSHOTS = os.environ.get("MEDTRACE_SCREENSHOTS")  # a folder: the page is saved there as PNG (en, zh_CN)


def test_validating_from_the_admin_page_writes_the_report_and_shows_the_verdict(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, owner_conn, tmp_path: Path,  # noqa: F811
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    panel = page.validation
    assert panel.validate_button.isEnabled()
    steps: list[str] = []
    panel.progress.valueChanged.connect(lambda _value: steps.append(panel.progress.format()))
    before = owner_conn.execute("SELECT count(*) FROM audit_entry WHERE table_name = %s",
                                (VALIDATION_EVENT,)).fetchone()[0]
    with qtbot.waitSignal(panel.finished, timeout=120_000) as validated:
        panel.validate_into(tmp_path)
        assert not panel.validate_button.isEnabled() and panel.progress.isVisible()  # busy while it runs

    outcome = panel.last_outcome
    assert outcome is not None
    assert validated.args == [outcome.run.ok]
    pdf, xlsx = outcome.written.pdf, outcome.written.xlsx
    assert pdf.parent == tmp_path and pdf.is_file() and xlsx.is_file()
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Validation report (IQ/OQ)" in text
    sheets = load_workbook(xlsx, read_only=True).sheetnames
    assert "Matrix" in sheets
    assert owner_conn.execute("SELECT count(*) FROM audit_entry WHERE table_name = %s",
                              (VALIDATION_EVENT,)).fetchone()[0] == before + 1
    # The verdict names what the report names: PASSED, or FAILED with the failing checks by id and title.
    if outcome.run.ok:
        assert panel.outcome.text().startswith("PASSED")
    else:
        assert panel.outcome.text().startswith("FAILED")
        for check in outcome.run.failed:
            assert f"{check.id} {check.title}" in panel.outcome.text()
    assert str(pdf) in panel.outcome.text() and str(xlsx) in panel.outcome.text()
    assert any(step.startswith("Check OQ-07") for step in steps)
    assert panel.validate_button.isEnabled() and not panel.progress.isVisible()
    if SCREENSHOTS:
        page.grab().save(str(Path(SCREENSHOTS) / "admin-validation-en.png"))


def test_the_button_asks_for_the_folder_and_validates_into_it(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    asked: list[str] = []

    def choose(_parent, caption: str, _start: str) -> str:
        asked.append(caption)
        return str(tmp_path)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(choose))
    with qtbot.waitSignal(page.validation.finished, timeout=120_000):
        qtbot.mouseClick(page.validation.validate_button, Qt.MouseButton.LeftButton)
    assert asked == ["Folder for the validation report"]
    assert len(list(tmp_path.glob("medtrace-validation-*.pdf"))) == 1
    assert len(list(tmp_path.glob("medtrace-validation-*.xlsx"))) == 1


def test_cancelling_the_folder_question_validates_nothing(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_args: ""))
    qtbot.mouseClick(page.validation.validate_button, Qt.MouseButton.LeftButton)
    assert page.validation.validate_button.isEnabled() and not page.validation.progress.isVisible()
    assert page.validation.last_outcome is None


def test_a_check_that_fails_is_named_on_the_page(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, owner_conn, tmp_path: Path,  # noqa: F811
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    owner_conn.execute("REVOKE INSERT ON movement FROM warehouse")
    try:
        with qtbot.waitSignal(page.validation.finished, timeout=120_000) as validated:
            page.validation.validate_into(tmp_path)
    finally:
        owner_conn.execute("GRANT INSERT ON movement TO warehouse")
    assert validated.args == [False]
    assert "OQ-01 Table grants equal the permission matrix" in page.validation.outcome.text()
    assert page.validation.outcome.objectName() == "inlineProblem"


def test_a_folder_that_cannot_take_the_report_is_said_so(
    qtbot: QtBot, ctx: ViewContext, admin: SignedInAdmin, tmp_path: Path,  # noqa: F811
) -> None:
    page = open_page(qtbot, ctx, admin.session.account)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with qtbot.waitSignal(page.validation.finished, timeout=120_000) as validated:
        page.validation.validate_into(blocked)
    assert validated.args == [False]
    assert page.validation.outcome.objectName() == "inlineProblem"
    assert list(tmp_path.glob("medtrace-validation-*")) == []


def test_only_an_administrator_may_validate(qtbot: QtBot, ctx: ViewContext) -> None:  # noqa: F811
    page = AdminPage(ctx, Account("an.auditor", "审计员", "active", True, False, ("auditor",)))
    qtbot.addWidget(page)
    page.show()
    assert not page.validation.validate_button.isEnabled()
    assert page.validation.outcome.text() == "Only administrators validate the installation."
