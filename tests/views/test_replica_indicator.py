"""The status bar says where traces, reports and the dashboard read: the replica, or the primary and why.

The states themselves are measured against two real servers in tests/integration/test_replica.py; here
the window is given each state the read path reports and must show it plainly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import AppPaths, Settings
from app.db.engine import Database
from app.db.replica import DOWN, LAGGING, NONE, REPLICA, ReplicaStatus
from app.db.uow import UnitOfWork
from app.views.context import ViewContext
from app.views.main_window import MainWindow
from app.views.operations import ChangeBroadcast, OperationRunner

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
