"""The signing ceremony's dialog: what is signed and with which meaning, who signs, and every refusal shown."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.resources import TRANSLATIONS
from app.services.identity import Account
from app.views import i18n
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.signature_dialog import SignatureDialog
from tests.conftest import Person

LRELEASE = Path(sys.executable).with_name("pyside6-lrelease")
LOTS = [(9_000_001, "L-2401", "一次性使用输液器"), (9_000_002, "L-2402", "一次性使用输液器"),
        (9_000_003, "L-2403", "中心静脉导管")]
REVIEWER = Account("li.na", "李娜 Li Na", "active", True, False, ("qa_reviewer",))
TIMEOUT = 30_000


@pytest.fixture
def ctx(database: Database, app_paths: AppPaths) -> Iterator[ViewContext]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(database.engine),
                      paths=app_paths, settings=Settings(language="auto"))
    assert runner.wait_for_all(TIMEOUT)


def open_dialog(qtbot: QtBot, ctx: ViewContext, base_args: dict[str, str], meaning: str,
                account: Account = REVIEWER, lots: list[tuple[int, str, str]] = LOTS) -> SignatureDialog:
    dialog = SignatureDialog(ctx, account, base_args, lots, meaning)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def account_of(person: Person) -> Account:
    return Account(person.login, f"测试用户 {person.login}", "active", True, False, person.groups)


def test_the_dialog_states_the_meaning_in_words_and_lists_every_lot_and_the_signer(
    qtbot: QtBot, ctx: ViewContext, database: Database
) -> None:
    dialog = open_dialog(qtbot, ctx, database.connect_args, "approved")
    assert dialog.windowTitle() == "Electronic signature — Approved for release"
    assert dialog.meaning_label.text() == "Approved for release"
    rows = [[dialog.lot_table.item(r, c).text() for c in range(3)] for r in range(dialog.lot_table.rowCount())]
    assert rows == [[no, product, "Not signed yet"] for _id, no, product in LOTS]
    assert dialog.signer.text() == "李娜 Li Na  (li.na)" and dialog.signer.isReadOnly()
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    assert "legally binding equivalent of your handwritten signature" in dialog.declaration.text()
    assert dialog.sign_button.text() == "Sign 3 lots"
    assert not dialog.reason_required


def test_nothing_reaches_the_database_until_password_code_and_a_needed_reason_are_given(
    qtbot: QtBot, ctx: ViewContext, database: Database
) -> None:
    dialog = open_dialog(qtbot, ctx, database.connect_args, "on_hold")
    assert dialog.reason_required and dialog.meaning_label.text() == "Placed on hold"
    dialog.sign_button.click()
    assert dialog.problem.text() == "Enter your password." and not dialog.busy
    dialog.password.setText("secret words")
    dialog.code.setText("12345")
    dialog.sign_button.click()
    assert dialog.problem.text() == "Enter the 6-digit code your authenticator app shows now."
    dialog.code.setText("123456")
    dialog.sign_button.click()
    assert dialog.problem.text() == "State the reason for this decision." and not dialog.busy
    assert dialog.result_ is None and dialog.password.text() == "secret words"  # nothing was tried yet


def test_a_database_that_cannot_be_reached_is_shown_in_the_dialog_and_the_secrets_are_cleared(
    qtbot: QtBot, ctx: ViewContext, database: Database, tmp_path: Path
) -> None:
    unreachable = {**database.connect_args, "host": str(tmp_path)}  # no server listens in this folder
    dialog = open_dialog(qtbot, ctx, unreachable, "reviewed")
    dialog.password.setText("correct horse battery staple")
    dialog.code.setText("123456")
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.problem.isVisible(), timeout=TIMEOUT)
    assert dialog.problem.text().startswith("The database cannot be reached. Nothing was signed.")
    assert dialog.password.text() == "" and dialog.code.text() == "" and dialog.result_ is None
    assert dialog.sign_button.isEnabled() and dialog.isVisible()


def test_a_locked_account_cannot_sign_and_is_told_so(
    qtbot: QtBot, ctx: ViewContext, database: Database, owner_conn, make_person
) -> None:
    person = make_person("qa_reviewer")
    owner_conn.execute("SELECT mt_lock(id, 'test: left the company', 'infinity') FROM person WHERE login = %s",
                       (person.login,))
    dialog = open_dialog(qtbot, ctx, database.connect_args, "reviewed", account=account_of(person), lots=LOTS[:1])
    assert dialog.sign_button.text() == "Sign"
    dialog.password.setText(person.password)
    dialog.code.setText("123456")
    dialog.sign_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.problem.isVisible(), timeout=TIMEOUT)
    assert dialog.problem.text().startswith("Your account is locked")
    assert dialog.password.text() == "" and dialog.code.text() == ""


@pytest.fixture
def chinese(tmp_path: Path) -> Iterator[i18n.Translation]:
    subprocess.run(
        [str(LRELEASE), "-silent", str(TRANSLATIONS / "medtrace_zh_CN.ts"), "-qm", str(tmp_path / "medtrace_zh_CN.qm")],
        check=True,
    )
    translation = i18n.install_translation(i18n.CHINESE, tmp_path)
    yield translation
    translation.remove()


def test_in_chinese_the_dialog_states_the_meaning_and_the_declaration_in_chinese(
    chinese: i18n.Translation, qtbot: QtBot, ctx: ViewContext, database: Database
) -> None:
    dialog = open_dialog(qtbot, ctx, database.connect_args, "reviewed")
    assert dialog.meaning_label.text() == "已审核——建议放行"
    assert dialog.sign_button.text() == "签署 3 个批次"
    assert "电子签名" in dialog.declaration.text() and "手写签名" in dialog.declaration.text()
