"""Expiry on the reference set: a calendar month read and painted, the open alerts, and the daily job on 1 M lots.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.expiry --home .medtrace-bench [--repeat 3]

Budgets: a calendar month ≤ 100 ms to first paint without stalling the GUI; `expiry run` on 1 M lots ≤ 30 s.

1. The server's day sums (`calendar_days`) for the next 12 months, and for comparison the per-lot listing of
   the same month (`lots_expiring_on` style rows, what the day panel shows).
2. The real Expiry page (ExpiryCalendarPage) through its own operation runner, with a 10 ms heartbeat on the
   GUI thread: time from moving to a month to the grid's first paint, to the month's counts painted, and the
   longest gap between heartbeat ticks (the stall).
3. The daily job as the database owner (`medtrace expiry run --as-of`): the first run of the day (expires lots,
   raises alerts), the same day again (idempotent: nothing to do), and days later (re-arming at the next
   threshold). The job writes to the reference set; later runs of this benchmark find its alerts in place.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from app.config import AppPaths, Settings
from app.db.engine import open_embedded
from app.db.uow import UnitOfWork
from app.services.expiry import _rows, calendar_days, open_alerts, run_expiry_as_of
from app.services.identity import Account
from app.views.context import ViewContext
from app.views.expiry_calendar import ExpiryCalendarPage, add_months
from app.views.operations import ChangeBroadcast, OperationRunner
from bench.trace_gui import Heartbeat

QA = Account("bench.qa", "Bench QA", "active", True, False, ("qa_approver",))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class PaintClock(QObject):
    """When the watched widget next paints."""

    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return False


def _month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    return first, add_months(first, 1) - dt.timedelta(days=1)


def bench_service(new_uow, today: dt.date, months: int) -> None:
    sums, listings, counted = [], [], []
    for k in range(months):
        first, last = _month_bounds(add_months(today.replace(day=1), k + 1))
        started = time.perf_counter()
        days = calendar_days(new_uow(), first=first, last=last, as_of=today)
        sums.append(time.perf_counter() - started)
        counted.append(sum(d.lots for d in days))
        started = time.perf_counter()
        _rows(new_uow(), first=first, last=last, as_of=today, filters=None)
        listings.append(time.perf_counter() - started)
    print(f"calendar_days, one month ({statistics.median(counted):,.0f} lot-site pairs median), {months} months: "
          f"median {_ms(statistics.median(sums))}, worst {_ms(max(sums))}")
    print(f"the same months listed lot by lot (day panel rows): median {_ms(statistics.median(listings))}, "
          f"worst {_ms(max(listings))}; ratio to the sums {statistics.median(listings) / statistics.median(sums):.1f}")


def bench_page(ctx: ViewContext, today: dt.date, months: int) -> None:
    page = ExpiryCalendarPage(ctx, QA, as_of=today)
    page.resize(1500, 900)
    loop = QEventLoop()
    page.month_shown.connect(loop.quit)
    page.load_failed.connect(loop.quit)
    page.show()
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()  # the first month, as the page opens
    beat, clock = Heartbeat(), PaintClock()
    # The alert list, read as the page opens: how long, and whether showing it stalls the GUI.
    alerts_loop = QEventLoop()
    page.alerts.alerts_loaded.connect(alerts_loop.quit)
    while page.alerts._loading:  # the read the page started as it opened
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    ctx.runner.wait_for_all()
    beat.restart()
    started = time.perf_counter()
    page.alerts.reload()
    QTimer.singleShot(180_000, alerts_loop.quit)
    alerts_loop.exec()
    QApplication.processEvents()
    print(f"Alerts panel: {page.alerts.waiting:,} alerts waiting, {len(page.alerts.model.rows()):,} listed; "
          f"read and shown in {_ms(time.perf_counter() - started)}; GUI stall {_ms(beat.longest)} (budget 100 ms)")
    ctx.runner.wait_for_all()
    page.grid.viewport().installEventFilter(clock)

    def visit(day: dt.date) -> tuple[float, float, float]:
        clock.painted_at = None
        beat.restart()
        started = time.perf_counter()
        page.move_to(day)
        if page._month_running is not None:  # not read ahead: wait for the read
            QTimer.singleShot(120_000, loop.quit)
            loop.exec()
        done = time.perf_counter()
        QApplication.processEvents()
        return (clock.painted_at or time.perf_counter()) - started, done - started, beat.longest

    def settle() -> None:  # the months before and after are read ahead
        deadline = time.perf_counter() + 60
        while (page._prefetching or page._month_running is not None) and time.perf_counter() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    for label, step, wait in (("jump 3 months (not read ahead)", 3, False), ("next month (PgDn, read ahead)", 1, True)):
        page.move_to(today.replace(day=15))
        settle()
        first_paints, shown, stalls = [], [], []
        for k in range(months):
            if wait:
                settle()
            painted, counts, stall = visit(add_months(today.replace(day=15), step * (k + 1)))
            first_paints.append(painted)
            shown.append(counts)
            stalls.append(stall)
        print(f"Expiry page, {label}, {months} months: first paint median {_ms(statistics.median(first_paints))} "
              f"(worst {_ms(max(first_paints))}); counts painted median {_ms(statistics.median(shown))} "
              f"(worst {_ms(max(shown))}); GUI stall median {_ms(statistics.median(stalls))}, "
              f"worst {_ms(max(stalls))} (budget 100 ms)")
    beat.timer.stop()
    ctx.runner.wait_for_all()
    page.close()


def bench_job(db, new_uow, today: dt.date) -> None:
    with db.engine.connect() as conn:
        lots = conn.execute(text("SELECT count(*) FROM lot")).scalar_one()
        # Earlier runs of this benchmark moved the job's day on: start from the first day not yet run.
        done_until = conn.execute(text("SELECT max(expiry_date) + 1 FROM lot WHERE status = 'expired'")).scalar_one()
    base = max(today, done_until or today)
    runs = (("first run of a new day", 0), ("the same day again (nothing to do)", 0), ("the next day", 1),
            ("a week's work at once", 8), ("a month's work at once", 38))
    for label, days_later in runs:
        day = base + dt.timedelta(days=days_later)
        conn = db.raw_connection()
        try:
            started = time.perf_counter()
            run = run_expiry_as_of(conn, day)
            elapsed = time.perf_counter() - started
        finally:
            conn.close()
        print(f"expiry run as of {day} ({label}) on {lots:,} lots: {elapsed:.1f} s — expired {run.expired:,}, "
              f"raised {run.raised:,}, escalated {run.escalated:,}, closed {run.closed:,} (budget 30 s)")
    started = time.perf_counter()
    alerts = open_alerts(new_uow())
    print(f"open_alerts (the Alerts panel): {len(alerts):,} alerts in {_ms(time.perf_counter() - started)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--skip-job", action="store_true", help="do not run the daily job (it writes)")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    paths = AppPaths.resolve(args.home)
    db = open_embedded(paths)

    def new_uow() -> UnitOfWork:
        return UnitOfWork.for_engine(db.engine)

    with db.engine.connect() as conn:
        today = conn.execute(text("SELECT current_date")).scalar_one()
    bench_service(new_uow, today, args.months)
    broadcast = ChangeBroadcast()
    ctx = ViewContext(OperationRunner(broadcast), broadcast, new_uow, paths, Settings())
    bench_page(ctx, today, args.months)
    if not args.skip_job:
        bench_job(db, new_uow, today)
    db.close(stop_server=False)
    del app


if __name__ == "__main__":
    main()
