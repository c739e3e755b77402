"""The idle lock: covers the window after the idle time, ends the session in the database, and unlocks
only with password + code again — as the same person, or as another who replaces them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import psycopg
import pyotp
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLineEdit, QMainWindow
from pytestqt.qtbot import QtBot

from app.db.engine import Database
from app.services.identity import SignedIn, person_args, sign_in
from app.views.idle_lock import IdleLock
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.conftest import Person, activate_with

PASSWORD = "a lantern in the corridor"


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[OperationRunner]:
    runner = OperationRunner(ChangeBroadcast())
    yield runner
    assert runner.wait_for_all(15_000)


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    window = QMainWindow()
    window.setCentralWidget(QLineEdit())
    window.resize(900, 600)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def person_with_two_sign_ins(database: Database, owner_conn: psycopg.Connection) -> Callable[[str], Person]:
    """Activated with the previous step's code, so two more codes (this step's and the next) are
    available at once: one to sign in, one to unlock (each code is accepted only once)."""

    def _make(login: str) -> Person:
        code = owner_conn.execute(
            "SELECT mt_create_person_unchecked(%s, %s, ARRAY['qa_approver'])", (login, f"解锁 {login}")
        ).fetchone()[0]
        seed = pyotp.random_base32(32)
        previous = int(time.time()) // 30 - 1
        with psycopg.connect(**person_args(database.connect_args, login, code), autocommit=True) as conn:
            activate_with(conn, login, PASSWORD, seed, pyotp.TOTP(seed).generate_otp(previous))
        return Person(login, PASSWORD, seed, ("qa_approver",), database.connect_args, last_counter=previous)

    return _make


def signed_in(database: Database, person: Person) -> SignedIn:
    session = sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())
    assert isinstance(session, SignedIn)
    return session


def token_admits(person: Person, token: str) -> bool:
    with person.connect() as conn:
        return conn.execute("SELECT mt_resume_session(%s)", (token,)).fetchone()[0]


def start_lock(window: QMainWindow, database: Database, runner: OperationRunner, person: Person,
               session: SignedIn, seconds: float = 1.0, **kwargs) -> IdleLock:
    lock = IdleLock(window, session, person.password, database.connect_args, runner, idle_seconds=seconds,
                    **kwargs)
    lock.start()
    return lock


@pytest.mark.clause("21 CFR 11.300")
@pytest.mark.clause("Annex 11 §12.1")
def test_the_window_locks_after_the_idle_time_and_the_old_session_admits_nobody(
    qtbot: QtBot, window: QMainWindow, database: Database, runner: OperationRunner, make_person
) -> None:
    person: Person = make_person("qa_reviewer")
    session = signed_in(database, person)
    assert token_admits(person, session.token)
    lock = start_lock(window, database, runner, person, session)
    started = time.monotonic()
    with qtbot.waitSignal(lock.locked, timeout=5_000):
        pass
    assert 0.9 <= time.monotonic() - started < 4
    try:
        overlay = lock.overlay
        assert overlay is not None and overlay.isVisible() and lock.is_locked
        assert overlay.geometry() == window.rect()  # the whole window, menu bar included
        assert overlay.parent() is window
        picture = window.grab().toImage()  # opaque: the window's own content does not show through
        for x, y in ((2, 2), (picture.width() - 3, picture.height() - 3), (30, picture.height() // 2)):
            assert picture.pixelColor(x, y).name() == "#1f3a4d"
        assert person.login in overlay.who.text()
        window.resize(1000, 700)
        qtbot.waitUntil(lambda: overlay.geometry() == window.rect())
        runner.wait_for_all(15_000)
        assert not token_admits(person, session.token)  # the database enforces the lock, not the widget
    finally:
        lock.stop()


def test_nothing_behind_the_lock_receives_keys_clicks_or_shortcuts(
    qtbot: QtBot, window: QMainWindow, database: Database, runner: OperationRunner, make_person
) -> None:
    person: Person = make_person("auditor")
    fired: list[bool] = []
    action = QAction("Quit", window)
    action.setShortcut(QKeySequence("Ctrl+Q"))
    action.triggered.connect(lambda: fired.append(True))
    window.addAction(action)
    dialog = QDialog(window)
    dialog.setWindowTitle("A signature dialog with a half-typed password")
    dialog.show()
    lock = start_lock(window, database, runner, person, signed_in(database, person), seconds=3600)
    try:
        lock.lock_now()
        assert not dialog.isVisible()  # other windows close with the lock
        behind: QLineEdit = window.centralWidget()
        qtbot.keyClicks(behind, "typed behind the lock")
        qtbot.mouseClick(behind, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        qtbot.keyClick(lock.overlay.form.password, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        assert behind.text() == "" and fired == []
        qtbot.keyClicks(lock.overlay.form.password, "typed in the lock")
        assert lock.overlay.form.password.text() == "typed in the lock"
        visited = set()
        for _ in range(6):  # Tab cycles inside the overlay
            assert lock.overlay.focusNextPrevChild(True)
            assert lock.overlay.isAncestorOf(window.focusWidget())
            visited.add(window.focusWidget())
        assert {lock.overlay.form.password, lock.overlay.form.code, lock.overlay.unlock_button} <= visited
    finally:
        lock.stop()


def test_the_same_person_unlocks_with_password_and_code_and_gets_a_new_session(
    qtbot: QtBot, window: QMainWindow, database: Database, runner: OperationRunner, person_with_two_sign_ins
) -> None:
    person: Person = person_with_two_sign_ins("unlock.same.person")
    session = signed_in(database, person)
    lock = start_lock(window, database, runner, person, session)
    try:
        with qtbot.waitSignal(lock.locked, timeout=5_000):
            pass
        overlay = lock.overlay
        assert not overlay.form.login.isVisible()  # the same person: only password and code
        overlay.form.password.setText("not the password")
        overlay.form.code.setText("123456")
        overlay.unlock_button.click()
        qtbot.waitUntil(lambda: overlay.form.problem.isVisible(), timeout=15_000)
        assert "not correct" in overlay.form.problem.text() and lock.is_locked
        # A failed unlock reported a password failure; the right password and code still unlock.
        overlay.form.password.setText(person.password)
        overlay.form.code.setText(person.next_code())
        with qtbot.waitSignal(lock.unlocked, timeout=15_000) as unlocked:
            overlay.unlock_button.click()
        new_session: SignedIn = unlocked.args[0]
        assert new_session.account.login == person.login and new_session.token != session.token
        assert not overlay.isVisible() and not lock.is_locked
        assert overlay.form.password.text() == ""
        with qtbot.waitSignal(lock.locked, timeout=5_000):  # the timer runs again
            pass
    finally:
        lock.stop()


def test_someone_else_signing_in_at_the_lock_replaces_the_first_person(
    qtbot: QtBot, window: QMainWindow, database: Database, runner: OperationRunner, make_person
) -> None:
    first: Person = make_person("warehouse")
    second: Person = make_person("qa_reviewer")
    lock = start_lock(window, database, runner, first, signed_in(database, first), seconds=3600)
    try:
        lock.lock_now()
        overlay = lock.overlay
        overlay.switch_button.click()
        assert overlay.someone_else and overlay.form.login.isVisible() and overlay.form.login.text() == ""
        assert f"signs 测试用户 {first.login} out" in overlay.note.text()
        overlay.form.login.setText(second.login)
        overlay.form.password.setText(second.password)
        overlay.form.code.setText(second.next_code())
        with qtbot.waitSignal(lock.switched_user, timeout=15_000) as switched:
            overlay.unlock_button.click()
        session, password = switched.args
        assert session.account.login == second.login and password == second.password
        assert lock.session is session and not overlay.isVisible()
    finally:
        lock.stop()


def test_activity_is_reported_at_most_once_per_interval(
    qtbot: QtBot, window: QMainWindow, database: Database, runner: OperationRunner, make_person
) -> None:
    person: Person = make_person("auditor")
    lock = start_lock(window, database, runner, person, signed_in(database, person), seconds=3600,
                      activity_interval_seconds=60)
    reported: list[bool] = []
    lock.activity.connect(lambda: reported.append(True))
    try:
        behind: QLineEdit = window.centralWidget()
        qtbot.keyClicks(behind, "busy typing")
        qtbot.mouseMove(behind, QPoint(20, 20))
        assert reported == [True]
    finally:
        lock.stop()
