"""The composition root after sign-in: the window works as the person, under row-level security."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import AppPaths, Profile, Settings
from app.db.embedded import WorkstationLock
from app.db.engine import Database
from app.main import _Workstation
from app.services.identity import sign_in
from app.views.admin_page import AdminPage
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.startup import Started
from tests.conftest import Person


@pytest.fixture
def started(database: Database, app_paths: AppPaths, tmp_path) -> Started:
    lock = WorkstationLock(tmp_path)
    lock.acquire()
    return Started(database, lock, Settings(), Profile(), first_run=False)


@pytest.fixture
def broadcast(qtbot: QtBot) -> ChangeBroadcast:
    return ChangeBroadcast()


@pytest.fixture
def runner(broadcast: ChangeBroadcast) -> Iterator[OperationRunner]:
    runner = OperationRunner(broadcast)
    yield runner
    runner.wait_for_all(15_000)


def test_an_administrator_gets_the_admin_page_and_a_window_named_for_them(
    qtbot: QtBot, started: Started, runner: OperationRunner, broadcast: ChangeBroadcast, app_paths: AppPaths,
    make_person,
) -> None:
    admin: Person = make_person("admin")
    session = sign_in(started.database.connect_args, login=admin.login, password=admin.password,
                      code=admin.next_code())
    workstation = _Workstation(QApplication.instance(), app_paths, started, runner, broadcast,
                               session, admin.password)
    try:
        window = workstation.window
        assert admin.login in window.windowTitle() and "测试用户" in window.windowTitle()
        window.navigate("admin")
        page = window.page("admin")
        assert isinstance(page, AdminPage)
        # The pool is the person's own: row-level security lets it read because the session is verified.
        with window._ctx.new_uow() as uow:
            from sqlalchemy import text

            assert uow.session.execute(text("SELECT current_user, mt_session_verified()")).one() == (
                admin.login, True)
    finally:
        workstation.close()
        started.lock.release()


def test_a_person_without_a_role_page_sees_the_promise_not_a_crash(
    qtbot: QtBot, started: Started, runner: OperationRunner, broadcast: ChangeBroadcast, app_paths: AppPaths,
    make_person,
) -> None:
    auditor: Person = make_person("auditor")
    session = sign_in(started.database.connect_args, login=auditor.login, password=auditor.password,
                      code=auditor.next_code())
    workstation = _Workstation(QApplication.instance(), app_paths, started, runner, broadcast,
                               session, auditor.password)
    try:
        for key in ("dashboard", "lots", "trace", "audit", "admin"):
            workstation.window.navigate(key)
            assert workstation.window.current_key() == key
    finally:
        workstation.close()
        started.lock.release()
