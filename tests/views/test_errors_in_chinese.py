"""A Chinese workstation shows every kind of refusal in Chinese: the database's, the services', start-up's.

Each error surface of the GUI is driven by a real refusal (PostgreSQL's, a wrong authenticator code, a
server that does not answer) with the Chinese catalogue installed; MEDTRACE_SCREENSHOTS=DIR keeps a PNG
of each (docs/screenshots/errors_*_zh_CN.png).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.db.engine import Database, explain_connection_failure
from app.db.uow import explain_database_error
from app.views import i18n
from app.views.main_window import ErrorBanner
from app.views.startup import StartupError, StartupErrorDialog
from tests.conftest import has_chinese
from tests.integration.test_lot_release import make_release_ready_lot, prepare_checklist
from tests.views.test_release_flow import (  # noqa: F401 — fixtures
    SIGNING_TIMEOUT,
    broadcasts,
    choose,
    clean,
    lot_no_of,
    sign_in_dialog,
    wait_for_lot,
    workstation,
)

SHOTS = os.environ.get("MEDTRACE_SCREENSHOTS")


def keep(widget: QWidget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"errors_{name}_zh_CN.png"))


@pytest.fixture
def chinese_workstation() -> Iterator[None]:
    """The Chinese catalogue, installed before the test's widgets are built and removed after they are closed
    (each test names it first)."""
    translation = i18n.install_translation(i18n.CHINESE)
    try:
        yield
    finally:
        # The test's widgets were closed and scheduled for deletion: delete them before the catalogue goes, so
        # that its LanguageChange reaches none of them half torn down.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        translation.remove()
        QApplication.processEvents()


def test_the_signing_dialog_gives_a_wrong_code_and_the_databases_refusal_in_chinese(
    chinese_workstation, qtbot: QtBot, clean: Database, owner_conn, make_person, workstation,  # noqa: F811
) -> None:
    reviewer = make_person("qa_reviewer")
    ready = make_release_ready_lot(owner_conn)
    not_ready = make_release_ready_lot(owner_conn, qc_passed=False)
    prepare_checklist(reviewer, ready)
    page = workstation(reviewer)
    wait_for_lot(qtbot, page, not_ready, "review")
    choose(qtbot, page, ready, not_ready)
    page.buttons["reviewed"].click()
    dialog = page.signature_dialog
    assert dialog is not None
    # The meaning follows the language the workstation speaks now, not the one saved at sign-in (English here).
    assert dialog.meaning_text == "已审核——建议放行"

    dialog.password.setText(reviewer.password)
    dialog.code.setText("000000")
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.problem.isVisible(), timeout=SIGNING_TIMEOUT)
    assert has_chinese(dialog.problem.text()) and "password" not in dialog.problem.text()
    keep(dialog, "signing_wrong_code")

    sign_in_dialog(qtbot, dialog, reviewer)
    results = {dialog.lot_table.item(r, 0).text(): dialog.lot_table.item(r, 2).text()
               for r in range(dialog.lot_table.rowCount())}
    refused = results[lot_no_of(owner_conn, not_ready)]
    assert f"批次 {lot_no_of(owner_conn, not_ready)} 的放行检查单尚未完成。" in refused, refused
    assert "release checklist" not in refused
    keep(dialog, "signing_refused")
    dialog.accept()


def test_the_error_banner_shows_a_database_refusal_in_chinese(
    chinese_workstation, qtbot: QtBot, database: Database, make_person, tmp_path: Path,
) -> None:
    warehouse = make_person("warehouse")
    with warehouse.verified_connection() as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute("SELECT mt_lock_person('somebody', 'no reason')")
    host = QWidget()
    qtbot.addWidget(host)
    banner = ErrorBanner(host)
    QVBoxLayout(host).addWidget(banner)
    host.resize(900, 80)
    banner.show_error(explain_database_error(refused.value), str(tmp_path))
    host.show()
    # PostgreSQL's own grant check (the warehouse role may not execute the function at all), in Chinese.
    assert banner.message.text() == "您没有执行此操作的权限。\n如确需执行此操作，请系统管理员为您分配相应的角色。"
    keep(host, "banner_refused")


def test_start_up_explains_a_server_that_does_not_answer_in_chinese(
    chinese_workstation, qtbot: QtBot, tmp_path: Path,
) -> None:
    with pytest.raises(psycopg.OperationalError) as failed:
        psycopg.connect(host=str(tmp_path), port=1, dbname="medtrace", user="nobody", connect_timeout=2)
    error = StartupError.from_error(explain_connection_failure(failed.value, "db.example.cn:5432"))
    dialog = StartupErrorDialog(error)
    qtbot.addWidget(dialog)
    dialog.show()
    assert has_chinese(dialog.message.text()) and "db.example.cn:5432" in dialog.message.text()
    assert has_chinese(dialog.hint.text())
    keep(dialog, "startup_unreachable")
