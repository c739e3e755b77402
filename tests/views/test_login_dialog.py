"""The sign-in window and account activation, against the real database (password by PostgreSQL, code by
the database's own check), with the work off the GUI thread."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pyotp
import pytest
from pytestqt.qtbot import QtBot

from app.db.engine import Database
from app.errors import InvalidCredentials
from app.services.identity import PendingActivation, SignedIn, sign_in
from app.views.activation import ActivationDialog
from app.views.login_dialog import LoginDialog
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.conftest import Person

WRONG = "The user name, password or authenticator code is not correct."


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[OperationRunner]:
    runner = OperationRunner(ChangeBroadcast())
    yield runner
    assert runner.wait_for_all(15_000)


def open_login(qtbot: QtBot, database: Database, runner: OperationRunner, login: str = "") -> LoginDialog:
    dialog = LoginDialog(database.connect_args, runner, login=login)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fill(dialog: LoginDialog, login: str, password: str, code: str) -> None:
    dialog.form.login.setText(login)
    dialog.form.password.setText(password)
    dialog.form.code.setText(code)


def a_wrong_code(person: Person) -> str:
    """A well-formed code far outside the database's ±1 step window."""
    return pyotp.TOTP(person.seed).generate_otp(int(time.time()) // 30 + 40)


def submit_and_wait_for_problem(qtbot: QtBot, dialog: LoginDialog) -> str:
    dialog.sign_in_button.click()
    assert dialog.busy  # the database is asked off the GUI thread; the dialog says it is busy
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)
    assert dialog.form.problem.isVisible()
    return dialog.form.problem.text()


def test_the_right_password_and_code_sign_in(qtbot: QtBot, database: Database, runner, make_person) -> None:
    person: Person = make_person("qa_reviewer")
    dialog = open_login(qtbot, database, runner)
    fill(dialog, person.login, person.password, person.next_code())
    with qtbot.waitSignal(dialog.accepted, timeout=15_000):
        dialog.sign_in_button.click()
    assert isinstance(dialog.result_session, SignedIn)
    assert dialog.result_session.account.login == person.login
    assert dialog.result_session.account.groups == ("qa_reviewer",)
    assert dialog.result_password == person.password
    assert dialog.pending is None
    assert dialog.form.password.text() == "" and dialog.form.code.text() == ""


def test_a_wrong_code_is_refused_in_the_dialog_and_the_secrets_are_cleared(
    qtbot: QtBot, database: Database, runner, make_person
) -> None:
    person: Person = make_person("auditor")
    dialog = open_login(qtbot, database, runner)
    fill(dialog, person.login, person.password, a_wrong_code(person))
    assert submit_and_wait_for_problem(qtbot, dialog) == WRONG
    assert dialog.isVisible() and dialog.result_session is None
    assert dialog.form.password.text() == "" and dialog.form.code.text() == ""
    assert dialog.form.login.text() == person.login
    qtbot.waitUntil(lambda: dialog.form.password.hasFocus())


@pytest.mark.clause("21 CFR 11.300")
def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(
    qtbot: QtBot, database: Database, runner, make_person
) -> None:
    person: Person = make_person("auditor")
    dialog = open_login(qtbot, database, runner)
    fill(dialog, person.login, "not the password at all", "123456")
    first = submit_and_wait_for_problem(qtbot, dialog)
    fill(dialog, "nobody.here.at.all", "not the password at all", "123456")
    assert submit_and_wait_for_problem(qtbot, dialog) == first == WRONG


def test_a_malformed_code_is_caught_before_the_database_counts_it(
    qtbot: QtBot, database: Database, runner, make_person
) -> None:
    person: Person = make_person("auditor")
    dialog = open_login(qtbot, database, runner)
    fill(dialog, person.login, person.password, "12 34")
    dialog.sign_in_button.click()
    assert not dialog.busy
    assert "6-digit code" in dialog.form.problem.text()
    fill(dialog, person.login, person.password, person.next_code())  # nothing was counted: it still works
    with qtbot.waitSignal(dialog.accepted, timeout=15_000):
        dialog.sign_in_button.click()


@pytest.mark.clause("21 CFR 11.300")
def test_five_wrong_codes_lock_the_account_and_the_dialog_says_so(
    qtbot: QtBot, database: Database, runner, make_person
) -> None:
    person: Person = make_person("warehouse")
    dialog = open_login(qtbot, database, runner)
    messages = []
    for _ in range(5):
        fill(dialog, person.login, person.password, a_wrong_code(person))
        messages.append(submit_and_wait_for_problem(qtbot, dialog))
    assert messages[:4] == [WRONG] * 4
    assert "locked" in messages[4] and "administrator has been alerted" in messages[4]
    fill(dialog, person.login, person.password, person.next_code())  # even the right code now
    assert "locked" in submit_and_wait_for_problem(qtbot, dialog)


def test_an_activation_code_leads_to_activation_and_a_recovery_code_then_signs_in(
    qtbot: QtBot, database: Database, runner, owner_conn: psycopg.Connection, tmp_path
) -> None:
    login = "login.dialog.new"
    code = owner_conn.execute(
        "SELECT mt_create_person_unchecked(%s, '王芳 Wang Fang', ARRAY['qa_approver'])", (login,)
    ).fetchone()[0]

    dialog = open_login(qtbot, database, runner)
    dialog.form.activation.setChecked(True)
    assert not dialog.form.code.isVisible()  # an activation code needs no authenticator code yet
    fill(dialog, login, code, "")
    with qtbot.waitSignal(dialog.accepted, timeout=15_000):
        dialog.sign_in_button.click()
    assert isinstance(dialog.pending, PendingActivation) and dialog.result_session is None

    activation = ActivationDialog(dialog.pending, runner)
    qtbot.addWidget(activation)
    activation.show()
    choice = activation.password_choice
    choice.new.setText("wang")
    assert "at least 12 characters" in choice.feedback.text()
    choice.new.setText("login.dialog.new rocks")
    assert "user name or your name" in choice.feedback.text()
    choice.new.setText("plum blossoms in the snow")
    choice.repeat.setText("plum blossoms in the sno")
    assert "not the same" in choice.feedback.text()
    assert not activation.activate_button.isEnabled()
    choice.repeat.setText("plum blossoms in the snow")
    assert "can be used" in choice.feedback.text()

    seed = activation.enrolment.seed
    assert activation.enrolment.uri.startswith("otpauth://totp/MedTrace:login.dialog.new?secret=" + seed)
    assert not activation.enrolment.qr.pixmap().isNull()
    activation.enrolment.code.setText(pyotp.TOTP(seed).generate_otp(int(time.time()) // 30 + 40))
    activation.activate_button.click()
    qtbot.waitUntil(lambda: activation.problem.isVisible(), timeout=15_000)
    assert "does not match" in activation.problem.text()

    activation.enrolment.code.setText(pyotp.TOTP(seed).now())
    activation.activate_button.click()
    qtbot.waitUntil(lambda: activation.showing_codes, timeout=15_000)
    codes = activation.recovery_codes
    assert len(codes) == 10 and all(c in activation.codes_panel.listing.toPlainText() for c in codes)
    assert not activation.finish_button.isEnabled()
    activation.reject()  # Escape must not lose codes that were never stored
    assert activation.isVisible()
    activation.codes_panel.save_to(tmp_path / "codes.txt")
    assert all(c in (tmp_path / "codes.txt").read_text(encoding="utf-8") for c in codes)
    activation.codes_panel.confirmed.setChecked(True)
    with qtbot.waitSignal(activation.accepted):
        activation.finish_button.click()
    assert activation.new_password == "plum blossoms in the snow"

    again = open_login(qtbot, database, runner, login=login)
    fill(again, login, "plum blossoms in the snow", codes[0].lower())
    with qtbot.waitSignal(again.accepted, timeout=15_000):
        again.sign_in_button.click()
    assert again.result_session is not None and again.result_session.account.groups == ("qa_approver",)
    # Each recovery code works once.
    with pytest.raises(InvalidCredentials):
        sign_in(database.connect_args, login=login, password="plum blossoms in the snow", code=codes[0])
