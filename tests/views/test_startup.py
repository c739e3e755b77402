"""Every way start-up can fail ends in one clear message and exit code 1; a first start builds the schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.config import AppPaths
from app.db.embedded import WorkstationLock
from app.db.engine import Database, open_embedded
from app.db.migrations import head_revision, schema_status, upgrade
from app.errors import DatabaseUnavailable
from app.main import _check_server_schema, run_gui
from app.services.identity import sign_in
from app.views.startup import Failure, Started, StartupError, StartupErrorDialog, start_up


@pytest.fixture
def home(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "home")


@pytest.fixture
def scratch(database: Database, app_paths: AppPaths) -> Iterator[Callable[[AppPaths], Database]]:
    """Opens an empty second database on the session's server (no second server is started)."""
    database.server.psql("DROP DATABASE IF EXISTS startup_scratch", database="postgres")
    database.server.psql("CREATE DATABASE startup_scratch", database="postgres")
    yield lambda _paths: open_embedded(app_paths, database="startup_scratch")
    database.server.psql("DROP DATABASE startup_scratch WITH (FORCE)", database="postgres")


def _refused(outcome: Started | StartupError) -> StartupError:
    assert isinstance(outcome, StartupError), f"start-up should have been refused, got {outcome!r}"
    return outcome


def test_a_second_copy_is_told_medtrace_is_already_open(home: AppPaths) -> None:
    first_copy = WorkstationLock(home.data_dir)
    first_copy.acquire()
    try:
        error = _refused(start_up(home))
    finally:
        first_copy.release()
    assert error.failure is Failure.ALREADY_RUNNING
    assert "already open on this computer" in error.message
    assert "close it first" in error.hint


def test_a_second_copy_shows_one_dialog_and_exits_with_code_1(home: AppPaths, qtbot: QtBot) -> None:
    shown: list[str] = []

    def read_and_close_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, StartupErrorDialog):
            QTimer.singleShot(50, read_and_close_the_dialog)
            return
        shown.extend([dialog.windowTitle(), dialog.title.text(), dialog.message.text(), dialog.hint.text()])
        dialog.reject()

    first_copy = WorkstationLock(home.data_dir)
    first_copy.acquire()
    try:
        QTimer.singleShot(50, read_and_close_the_dialog)
        code = run_gui(home=str(home.config_dir.parent), language="en")
    finally:
        first_copy.release()
    assert code == 1
    assert shown[0] == "MedTrace cannot start"
    assert shown[1] == "MedTrace is already open"
    assert "already open on this computer" in shown[2]
    assert shown[3].startswith("Next step: Switch to the open window")
    assert "Traceback" not in "".join(shown)


def test_a_schema_behind_head_names_the_upgrade_command(
    home: AppPaths, scratch: Callable[[AppPaths], Database]
) -> None:
    db = scratch(home)
    upgrade(db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    db.close()

    error = _refused(start_up(home, open_database=scratch))

    assert error.failure is Failure.SCHEMA_OUT_OF_DATE
    assert head_revision() in error.message
    assert "medtrace db upgrade" in error.hint


def test_a_refused_start_releases_the_data_folder_for_the_next_attempt(
    home: AppPaths, scratch: Callable[[AppPaths], Database]
) -> None:
    db = scratch(home)
    upgrade(db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    db.close()
    _refused(start_up(home, open_database=scratch))

    lock = WorkstationLock(home.data_dir)
    lock.acquire()  # raises AlreadyRunning if the failed start had kept it
    lock.release()


def test_the_first_start_on_an_empty_database_builds_the_schema(
    home: AppPaths, scratch: Callable[[AppPaths], Database]
) -> None:
    outcome = start_up(home, open_database=scratch)

    assert isinstance(outcome, Started)
    try:
        assert outcome.first_run
        assert schema_status(outcome.database.engine).at_head
    finally:
        outcome.close()


def test_a_garbage_profile_file_is_named_in_the_message(home: AppPaths) -> None:
    home.ensure()
    home.profiles_file.write_bytes(b"\x00\xff this is not an ini file [[[")

    error = _refused(start_up(home))

    assert error.failure is Failure.CONFIGURATION
    assert str(home.profiles_file) in error.message
    assert "Fix or delete the file" in error.hint


def test_a_garbage_settings_file_is_named_in_the_message(home: AppPaths) -> None:
    home.ensure()
    home.settings_file.write_text("[ui]\nlanguage = klingon\n", encoding="utf-8")

    error = _refused(start_up(home))

    assert error.failure is Failure.CONFIGURATION
    assert str(home.settings_file) in error.message
    assert "klingon" in error.message


def test_a_shared_server_profile_starts_without_connecting_and_its_people_sign_in(
    home: AppPaths, database: Database, make_person
) -> None:
    """The session's own server stands in for the shared one, reached through a server profile."""
    home.ensure()
    host = database.connect_args["host"]
    home.profiles_file.write_text(f"[profile plant]\nhost = {host}\nport = 5432\nsslmode = disable\n",
                                  encoding="utf-8")

    started = start_up(home, profile_name="plant")

    assert isinstance(started, Started) and not started.profile.is_embedded
    try:
        person = make_person("auditor")
        session = sign_in(started.database.connect_args, login=person.login, password=person.password,
                          code=person.next_code())
        assert session.account.groups == ("auditor",)
        _check_server_schema(started, session, person.password)  # at head: no error
    finally:
        started.close()


def test_an_unreachable_shared_server_is_named_in_a_clear_message(home: AppPaths) -> None:
    home.ensure()
    home.profiles_file.write_text("[profile plant]\nhost = 127.0.0.1\nport = 1\nsslmode = disable\n",
                                  encoding="utf-8")
    started = start_up(home, profile_name="plant")
    assert isinstance(started, Started)
    try:
        with pytest.raises(DatabaseUnavailable, match=r"127\.0\.0\.1:1 cannot be reached") as caught:
            sign_in(started.database.connect_args, login="someone", password="any password", code="123456")
        assert "Check that the server is running" in caught.value.hint
    finally:
        started.close()


def test_the_error_dialog_shows_what_happened_and_copies_the_details(qtbot: QtBot) -> None:
    error = StartupError(Failure.SCHEMA_OUT_OF_DATE, "This database is at schema version 0001.",
                         "An administrator should run: medtrace db upgrade")
    dialog = StartupErrorDialog(error)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.copy_button.click()

    assert dialog.title.text() == "The database needs an upgrade"
    assert dialog.hint.text() == "Next step: An administrator should run: medtrace db upgrade"
    assert QGuiApplication.clipboard().text() == (
        "The database needs an upgrade\nThis database is at schema version 0001.\n"
        "An administrator should run: medtrace db upgrade"
    )
