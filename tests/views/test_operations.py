"""Work runs off the GUI thread and reports back on it; errors reach the user, never a traceback."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from app.errors import InvalidInput
from app.views.operations import ChangeBroadcast, OperationContext, OperationRunner


def test_work_runs_off_the_gui_thread_and_the_result_arrives_on_it(qtbot: QtBot) -> None:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    gui_thread = threading.get_ident()
    seen: dict[str, int] = {}

    def work(_ctx: OperationContext) -> int:
        seen["work"] = threading.get_ident()
        return 42

    results: list[int] = []
    with qtbot.wait_signal(broadcast.records_changed, timeout=5000) as changed:
        runner.run(work, on_done=lambda r: (results.append(r), seen.update(done=threading.get_ident())),
                   changes={"lot"})
    assert results == [42]
    assert seen["work"] != gui_thread
    assert seen["done"] == gui_thread
    assert changed.args == [frozenset({"lot"})]


def test_a_users_error_is_handed_to_the_failure_handler(qtbot: QtBot) -> None:
    runner = OperationRunner(ChangeBroadcast())

    def work(_ctx: OperationContext) -> None:
        raise InvalidInput("Lot L-1 is not in quarantine.")

    with qtbot.wait_signal(runner.failed, timeout=5000) as failed:
        runner.run(work)
    assert str(failed.args[0]) == "Lot L-1 is not in quarantine."


def test_cancelled_work_stops_at_its_next_progress_report_and_reports_nothing(qtbot: QtBot) -> None:
    runner = OperationRunner(ChangeBroadcast())
    started = threading.Event()
    release = threading.Event()
    steps: list[int] = []

    def work(ctx: OperationContext) -> None:
        started.set()
        release.wait(5)
        for i in range(100):
            ctx.progress(i, 100)
            steps.append(i)

    done: list[object] = []
    operation = runner.run(work, on_done=done.append, on_failed=done.append)
    assert started.wait(5)
    operation.cancel()
    release.set()
    with qtbot.wait_signal(runner.busy_changed, timeout=5000):
        pass
    assert steps == []
    assert done == []
