"""The GUI never stalls > 100 ms while a trace runs (issue 6): the real Trace page on the reference set,
with a 10 ms QTimer heartbeat on the GUI thread; the longest gap between ticks is the stall.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.trace_gui --home /tmp/mt-large2

Traces 20 random lots and the hub lot (the largest result the page shows) through the page's own
operation runner, as a person would by pressing Run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from app.config import AppPaths, Settings
from app.db.engine import open_embedded
from app.db.uow import UnitOfWork
from app.views.context import ViewContext
from app.views.operations import ChangeBroadcast, OperationRunner
from app.views.trace_page import TracePage


class Heartbeat(QObject):
    """A 10 ms timer on the GUI thread; the longest gap between ticks is how long the GUI stalled."""

    def __init__(self) -> None:
        super().__init__()
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def restart(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def _trace(page: TracePage, lot_no: str, beat: Heartbeat, timeout_s: float = 120) -> tuple[float, float]:
    loop = QEventLoop()
    page.trace_finished.connect(loop.quit)
    page.trace_failed.connect(loop.quit)
    page.lot_input.setText(lot_no)
    beat.restart()
    started = time.perf_counter()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    page.run_trace()
    loop.exec()
    page.trace_finished.disconnect(loop.quit)
    page.trace_failed.disconnect(loop.quit)
    return time.perf_counter() - started, beat.longest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    paths = AppPaths.resolve(args.home)
    db = open_embedded(paths)
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    ctx = ViewContext(runner, broadcast, lambda: UnitOfWork.for_engine(db.engine), paths, Settings())
    page = TracePage(ctx)
    page.resize(1400, 800)
    page.show()
    beat = Heartbeat()
    with db.engine.connect() as conn:
        hub = conn.execute(text(
            "SELECT l.lot_no FROM genealogy_edge g JOIN lot l ON l.id = g.component_lot_id "
            "GROUP BY l.lot_no ORDER BY count(*) DESC LIMIT 1")).scalar_one()
        lots = list(conn.execute(text("SELECT lot_no FROM lot TABLESAMPLE SYSTEM (0.1) LIMIT 500")).scalars())
    sample = random.Random(3).sample(lots, min(args.samples, len(lots)))
    stalls, durations = [], []
    for lot_no in sample:
        duration, stall = _trace(page, lot_no, beat)
        durations.append(duration * 1000)
        stalls.append(stall * 1000)
    hub_duration, hub_stall = _trace(page, hub, beat, timeout_s=300)
    print(f"random lots: trace on the page median {statistics.median(durations):.0f} ms; GUI stall median "
          f"{statistics.median(stalls):.0f} ms, worst {max(stalls):.0f} ms (budget 100 ms)")
    print(f"hub lot {hub}: {hub_duration:.1f} s on the page; worst GUI stall {hub_stall * 1000:.0f} ms")
    runner.wait_for_all()
    page.close()
    db.close(stop_server=False)
    del app


if __name__ == "__main__":
    main()
