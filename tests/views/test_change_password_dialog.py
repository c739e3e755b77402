"""A person changes their own password in the GUI; the database then accepts only the new one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.db.engine import Database
from app.errors import InvalidCredentials
from app.services.identity import Account, sign_in
from app.views.change_password_dialog import ChangePasswordDialog
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.conftest import Person

NEW = "river stones in autumn light"


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[OperationRunner]:
    runner = OperationRunner(ChangeBroadcast())
    yield runner
    runner.wait_for_all(15_000)


def _dialog(qtbot: QtBot, database: Database, person: Person, runner: OperationRunner) -> ChangePasswordDialog:
    account = Account(person.login, f"测试用户 {person.login}", "active", True, False, person.groups)
    dialog = ChangePasswordDialog(account, database.connect_args, runner)
    qtbot.addWidget(dialog)
    return dialog


def test_the_new_password_works_and_the_old_one_no_longer_does(
    qtbot: QtBot, database: Database, make_person, runner: OperationRunner
) -> None:
    person: Person = make_person("auditor")
    dialog = _dialog(qtbot, database, person, runner)
    dialog.current.setText(person.password)
    dialog.new.setText(NEW)
    dialog.again.setText(NEW)
    dialog.code.setText(person.next_code())
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.changed or bool(dialog.message.text()), timeout=20_000)
    assert dialog.changed, dialog.message.text()
    with pytest.raises(InvalidCredentials):
        sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())
    assert sign_in(database.connect_args, login=person.login, password=NEW, code=person.next_code())


def test_two_different_new_passwords_are_refused_before_anything_is_sent(
    qtbot: QtBot, database: Database, make_person, runner: OperationRunner
) -> None:
    person: Person = make_person("auditor")
    dialog = _dialog(qtbot, database, person, runner)
    dialog.current.setText(person.password)
    dialog.new.setText(NEW)
    dialog.again.setText(NEW + "!")
    dialog.submit()
    assert dialog.message.text() == "The two new passwords differ."
    assert not dialog.changed
