"""The Dashboard on the reference set: every tile read, and the page refreshed without stalling the GUI.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.dashboard --home .medtrace-bench [--repeat 5]

Budget (DESIGN §7): the Dashboard is computed off the GUI thread, ≤ 100 ms GUI stall on the reference set.

1. `dashboard_snapshot` as a QA approver, `--repeat` times: the whole read, and each
   tile's part of it (release queue, expiry bands and alert owners, recalls and the drill trend, audit chain).
2. The real DashboardPage through its own operation runner, with a 10 ms heartbeat on the GUI thread: a
   "records changed" broadcast as another workstation's release would send, to the tiles repainted; the
   longest gap between heartbeat ticks is the stall.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from app.config import AppPaths, Settings
from app.db.engine import open_embedded
from app.db.uow import UnitOfWork
from app.services import dashboard
from app.services.identity import Account
from app.views.context import ViewContext
from app.views.dashboard_page import DashboardPage
from app.views.operations import ChangeBroadcast, OperationRunner
from bench.trace_gui import Heartbeat

# A QA approver's Dashboard: the security tile is an administrator's, read through functions that demand a
# person's verified session (the benchmark reads as the database owner), and is a few rows in any case.
QA = Account("bench.qa", "Bench QA", "active", True, False, ("qa_approver",))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def bench_service(new_uow, repeat: int) -> None:
    wholes: list[float] = []
    parts: dict[str, list[float]] = {}
    snapshot = None
    for _ in range(repeat):
        started = time.perf_counter()
        snapshot = dashboard.dashboard_snapshot(new_uow(), groups=QA.groups)
        wholes.append(time.perf_counter() - started)
        uow = new_uow()
        with uow:
            as_of = uow.session.execute(text("SELECT current_date")).scalar_one()
            for name, read in (("release queue", lambda u, _d: dashboard._release_queue_summary(u)),
                               ("expiry bands and alert owners", dashboard._expiry_summary),
                               ("recalls and drill trend", lambda u, _d: dashboard._recall_summary(u)),
                               ("audit chain", lambda u, _d: dashboard._audit_chain_state(u)),
                               ("lots by status", lambda u, _d: dashboard._lots_by_status(u))):
                started = time.perf_counter()
                read(uow, as_of)
                parts.setdefault(name, []).append(time.perf_counter() - started)
    assert snapshot is not None
    print(f"dashboard_snapshot ({snapshot.total_lots:,} lots, {snapshot.release.total:,} in the queue, "
          f"{snapshot.expiry.open_alerts if snapshot.expiry else 0:,} open alerts), {repeat} reads: "
          f"median {_ms(statistics.median(wholes))}, worst {_ms(max(wholes))}")
    for name, times in parts.items():
        print(f"  {name}: median {_ms(statistics.median(times))}")


def bench_page(ctx: ViewContext, repeat: int) -> None:
    page = DashboardPage(ctx, QA)
    page.resize(1400, 900)
    loop = QEventLoop()
    page.refreshed.connect(loop.quit)
    page.show()
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()  # the first read, as the page opens
    beat = Heartbeat()
    refreshes, stalls = [], []
    for _ in range(repeat):
        ctx.runner.wait_for_all()
        beat.restart()
        started = time.perf_counter()
        ctx.broadcast.announce(frozenset({"lot", "lot_signature"}))
        QTimer.singleShot(120_000, loop.quit)
        loop.exec()
        QApplication.processEvents()
        refreshes.append(time.perf_counter() - started)
        stalls.append(beat.longest)
    beat.timer.stop()
    print(f"Dashboard page refreshed by a change broadcast, {repeat} times: tiles repainted median "
          f"{_ms(statistics.median(refreshes))} (of which {_ms(0.5)} coalescing), worst {_ms(max(refreshes))}; "
          f"GUI stall median {_ms(statistics.median(stalls))}, worst {_ms(max(stalls))} (budget 100 ms)")
    ctx.runner.wait_for_all()
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    paths = AppPaths.resolve(args.home)
    db = open_embedded(paths)

    def new_uow() -> UnitOfWork:
        return UnitOfWork.for_engine(db.engine)

    bench_service(new_uow, args.repeat)
    broadcast = ChangeBroadcast()
    ctx = ViewContext(OperationRunner(broadcast), broadcast, new_uow, paths, Settings())
    bench_page(ctx, args.repeat)
    db.close(stop_server=False)
    del app


if __name__ == "__main__":
    main()
