"""The status bar says where traces, reports and the dashboard read: the replica, or the primary and why.

Each state as the read path reports it must read plainly; and on a real primary and standby (the states
themselves are measured in tests/integration/test_replica.py) the label follows the standby being stopped
and started again, while the dashboard keeps loading.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import AppPaths, Settings
from app.db.engine import Database, server_target
from app.db.replica import DOWN, LAGGING, NONE, REPLICA, ReplicaStatus
from app.db.uow import UnitOfWork
from app.services.identity import person_database
from app.views.context import ViewContext
from app.views.dashboard_page import DashboardPage
from app.views.main_window import MainWindow
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.integration.replica_pair import PASSWORD, Pair, make_someone, running_pair

WHERE = "replica.plant.example:5432"


def _status(state: str, lag: float | None = None) -> ReplicaStatus:
    return ReplicaStatus(state, where=WHERE, lag_seconds=lag, max_lag_seconds=30, detail="",
                         checked_at=dt.datetime.now(dt.UTC))


@pytest.fixture
def reported() -> list[ReplicaStatus]:
    return [_status(REPLICA, 0.0)]


@pytest.fixture
def window(database: Database, app_paths: AppPaths, qtbot: QtBot,
           reported: list[ReplicaStatus]) -> Iterator[MainWindow]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    ctx = ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(database.engine),
                      paths=app_paths, settings=Settings(profile="plant"), replica_status=lambda: reported[-1])
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    yield window
    runner.wait_for_all()


def test_reading_from_the_replica_is_shown(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: window.replica_label.isVisible(), timeout=5_000)
    assert window.replica_label.text() == "Reading from the replica"
    assert WHERE in window.replica_label.toolTip()


def test_a_lagging_replica_shows_how_far_behind_and_that_reads_use_the_primary(
        window: MainWindow, qtbot: QtBot, reported: list[ReplicaStatus], tmp_path: Path) -> None:
    reported.append(_status(LAGGING, 42.4))
    window.check_replica()
    qtbot.waitUntil(lambda: "42 s behind" in window.replica_label.text(), timeout=5_000)
    assert window.replica_label.text() == "Replica 42 s behind — reading from the primary"
    assert "more than 30 s behind" in window.replica_label.toolTip()
    assert "nothing is lost" in window.replica_label.toolTip()
    window.resize(1200, 300)  # docs/screenshots/replica_lagging_en.png was taken from here
    assert window.grab().save(str(tmp_path / "replica_lagging_en.png"))


def test_an_unavailable_replica_is_shown_and_reads_use_the_primary(
        window: MainWindow, qtbot: QtBot, reported: list[ReplicaStatus]) -> None:
    reported.append(_status(DOWN))
    window.check_replica()
    qtbot.waitUntil(lambda: "unavailable" in window.replica_label.text(), timeout=5_000)
    assert window.replica_label.text() == "Replica unavailable — reading from the primary"
    assert f"The replica at {WHERE} cannot be reached." in window.replica_label.toolTip()
    reported.append(_status(REPLICA, 1.0))
    window.check_replica()
    qtbot.waitUntil(lambda: window.replica_label.text() == "Reading from the replica", timeout=5_000)


def test_without_a_replica_in_the_profile_nothing_is_shown(window: MainWindow, qtbot: QtBot,
                                                           reported: list[ReplicaStatus]) -> None:
    window.show_replica_status(ReplicaStatus(NONE))
    assert not window.replica_label.isVisible()


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with running_pair(tmp_path_factory.mktemp("replica-views")) as started:
        yield started


def test_on_a_real_standby_the_label_follows_it_down_and_back_up(pair: Pair, app_paths: AppPaths,
                                                                 qtbot: QtBot) -> None:
    someone = make_someone(pair, "auditor")
    database = person_database(server_target(pair.profile()), someone.sign_in(pair), PASSWORD)
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    ctx = ViewContext(runner=runner, broadcast=broadcast, new_uow=database.uow, paths=app_paths,
                      settings=Settings(profile="plant"), new_read_uow=database.read_uow,
                      replica_status=database.replica_status)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    try:
        dashboard = window.page("dashboard")
        assert isinstance(dashboard, DashboardPage)
        with qtbot.wait_signal(dashboard.refreshed, timeout=15_000):
            window.show()
        qtbot.waitUntil(lambda: window.replica_label.text() == "Reading from the replica", timeout=10_000)
        pair.standby.stop_server()
        try:
            database.replica_status(refresh=True)
            window.check_replica()
            qtbot.waitUntil(lambda: window.replica_label.text() == "Replica unavailable — reading from the primary",
                            timeout=10_000)
            with qtbot.wait_signal(dashboard.refreshed, timeout=15_000):
                dashboard.reload()  # from the primary meanwhile
        finally:
            pair.standby.start()
            pair.standby.wait_until_hot()
        pair.wait_for_replay()
        database.replica_status(refresh=True)
        window.check_replica()
        qtbot.waitUntil(lambda: window.replica_label.text() == "Reading from the replica", timeout=10_000)
    finally:
        window.close()
        runner.wait_for_all()
        database.close()
