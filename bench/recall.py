"""Opening a recall drill on the hub lot (DESIGN §4, §7): full scope frozen ≤ 10 s; GUI stall ≤ 100 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.recall --home DIR [--repeat 3] [--json]

DIR holds the large reference data set (`medtrace demo seed --scale large`). A bench person with the
regulatory role (bench/identity.py's way: created, activated, TOTP seed kept in memory only) opens a
level-1 DRILL on the hub component lot (the lot with the most genealogy edges) through
`app.services.recalls.open_recall`, the real signing ceremony: a fresh connection as the signer,
password + TOTP, the scope computed and frozen by mt_open_recall, the "initiated" e-signature, commit,
and the case read back. Measured, medians over --repeat runs:

* the ceremony's wall time as the GUI runs it (`initiate_recall`, from call to return: signed, committed,
  nothing read back), and once as the command line runs it (`open_recall`, the whole case read back);
* the time inside mt_open_recall: the server's own stamps on each committed case (opened_at is the
  transaction's start, scope_frozen_at and contained_at are clock_timestamp() inside the function),
  and a direct `SELECT mt_open_recall(...)` timed on a verified connection and rolled back;
* mt_recall_canonical (the content the signature covers; built once per ceremony since migration 0010);
* `load_recall` of the case through a unit of work on the person's own pool (RLS applies);
* `drill_kpi_trend` (the last 20 drills' KPIs) once the drills exist;
* the GUI: one more ceremony and load_recall through the app's OperationRunner in a QApplication,
  with a 10 ms heartbeat QTimer on the GUI thread; the gaps between ticks are the stalls (max, p99).

A drill changes no lot and no stock, but it writes its case rows (recall_case, recall_lot,
recall_consignee, recall_line, recall_containment, recall_signature, an audit entry per consignee),
which the database keeps by design (no DELETE, no TRUNCATE): each run adds one hub-sized case to
the reference set. The growth is accepted and reported (cases before and after).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pyotp
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.uow import UnitOfWork
from app.services.identity import SignedIn, connect_as, person_engine, sign_in, verify_second_factor
from app.services.recalls import RecallCase, RecallOpened, drill_kpi_trend, initiate_recall, load_recall, open_recall
from app.views.operations import ChangeBroadcast, OperationRunner
from bench.identity import PASSWORD, _person
from bench.trace import hub_lot, percentile, timed
from bench.trace_gui import Heartbeat

BUDGET_OPEN_S = 10.0
BUDGET_STALL_MS = 100.0
BUDGET_TREND_S = 1.0
REASON = "Bench drill: mock recall of the hub component lot (bench/recall.py)"


@dataclass
class BenchPerson:
    """A bench person and the TOTP codes it may still use: each code once, inside the ±1 step window."""

    login: str
    seed: str = field(repr=False)
    last_counter: int = 0

    def next_code(self) -> str:
        # Activation used the previous step; never reuse one, never run ahead of the window.
        counter = max(self.last_counter + 1, int(time.time()) // 30)
        while counter > int(time.time()) // 30 + 1:
            time.sleep(0.5)
        self.last_counter = counter
        return pyotp.TOTP(self.seed).generate_otp(counter)


class GapHeartbeat(Heartbeat):
    """The trace bench's heartbeat, keeping every gap so that a percentile can be read, not only the max."""

    def __init__(self) -> None:
        super().__init__()
        self.gaps: list[float] = []

    def restart(self) -> None:
        self.gaps = []
        super().restart()

    def _tick(self) -> None:
        self.gaps.append(time.perf_counter() - self.last)
        super()._tick()


def _seconds(summary: list[float]) -> dict[str, float]:
    return {"median_s": round(statistics.median(summary), 3), "min_s": round(min(summary), 3),
            "max_s": round(max(summary), 3), "n": len(summary)}


def _cases(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM recall_case")).scalar_one())


# The code is read before the clock starts, as a person types it before pressing Sign: next_code() may wait for
# the next 30 s step (each code signs once), and that wait is not the ceremony's.


def _open(db: Database, person: BenchPerson, hub: tuple[str, str], code: str) -> RecallCase:
    return open_recall(db.connect_args, login=person.login, password=PASSWORD, code=code,
                       lot_no=hub[0], di=hub[1], level=1, drill=True, reason=REASON)


def _initiate(db: Database, person: BenchPerson, hub: tuple[str, str], code: str) -> RecallOpened:
    return initiate_recall(db.connect_args, login=person.login, password=PASSWORD, code=code,
                           lot_no=hub[0], di=hub[1], level=1, drill=True, reason=REASON)


def _inside_open(db: Database, person: BenchPerson, lot_id: int) -> tuple[float, float]:
    """mt_open_recall timed on the signer's verified connection, then rolled back (nothing is kept: the
    case was never signed); and mt_recall_canonical of the uncommitted case (what _sign digests)."""
    conn = connect_as(db.connect_args, person.login, PASSWORD)
    try:
        verify_second_factor(conn, person.next_code(), idle_minutes=5)
        conn.autocommit = False
        started = time.perf_counter()
        recall_id = conn.execute("SELECT mt_open_recall('drill', 1, %s, '{}', %s, '')",
                                 ([lot_id], REASON)).fetchone()[0]
        inside = time.perf_counter() - started
        canonical, _ = timed(lambda: conn.execute("SELECT mt_recall_canonical(%s)", (recall_id,)).fetchone())
        conn.rollback()
    finally:
        conn.close()
    return inside, canonical


def _gui_run(db: Database, person: BenchPerson, hub: tuple[str, str], new_uow: Callable[[], UnitOfWork],
             timeout_s: float) -> dict[str, Any]:
    """initiate_recall + load_recall through the app's operation runner (as the Recalls page runs them), the GUI
    thread beating every 10 ms."""
    app = QApplication.instance() or QApplication([])
    runner = OperationRunner(ChangeBroadcast())
    beat = GapHeartbeat()
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    code = person.next_code()  # read before the work starts, as the signature dialog would

    def work(_context: object) -> tuple[RecallCase, float]:
        opened = initiate_recall(db.connect_args, login=person.login, password=PASSWORD, code=code, lot_no=hub[0],
                                 di=hub[1], level=1, drill=True, reason=REASON)
        seconds, loaded = timed(lambda: load_recall(new_uow(), opened.id))
        return loaded, seconds

    def done(result: tuple[RecallCase, float]) -> None:
        outcome["case"], outcome["load_s"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = repr(exc)
        loop.quit()

    beat.restart()
    started = time.perf_counter()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    runner.run(work, on_done=done, on_failed=failed, changes=("recall_case",))
    loop.exec()
    elapsed = time.perf_counter() - started
    beat.timer.stop()
    runner.wait_for_all()
    del app
    if "error" in outcome:
        raise SystemExit(f"the GUI run failed: {outcome['error']}")
    if "case" not in outcome:
        raise SystemExit(f"the GUI run did not finish within {timeout_s:.0f} s")
    gaps_ms = [g * 1000 for g in beat.gaps]
    return {"work_s": round(elapsed, 2), "load_recall_s": round(outcome["load_s"], 3), "ticks": len(gaps_ms),
            "max_gap_ms": round(max(gaps_ms), 1), "p99_gap_ms": round(percentile(gaps_ms, 0.99), 1),
            "median_gap_ms": round(statistics.median(gaps_ms), 1), "budget_ms": BUDGET_STALL_MS,
            "recall_id": outcome["case"].id}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=os.environ.get("MEDTRACE_HOME"), required="MEDTRACE_HOME" not in os.environ,
                        help="MEDTRACE_HOME of the large reference set")
    parser.add_argument("--repeat", type=int, default=3, help="drills opened through the ceremony (each is kept)")
    parser.add_argument("--no-gui", action="store_true", help="skip the GUI stall run")
    parser.add_argument("--prefix", default=f"r{int(time.time()) % 10**8}", help="login prefix of the bench person")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    db = open_embedded(AppPaths.resolve(args.home))
    report: dict[str, Any] = {"machine": {"python": platform.python_version(), "platform": platform.platform(),
                                          "cpus": os.cpu_count(),
                                          "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}}
    try:
        hub_no, hub_di, uses = hub_lot(db.engine)
        hub = (hub_no, hub_di)
        with db.engine.connect() as conn:
            hub_id = conn.execute(text("SELECT l.id FROM lot l JOIN product p ON p.id = l.product_id "
                                       "WHERE l.lot_no = :n AND p.di = :d"), {"n": hub_no, "d": hub_di}).scalar_one()
            schema = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        report["hub"] = {"lot": hub_no, "di": hub_di, "used_in_lots": uses}
        report["schema"] = schema
        report["cases_before"] = _cases(db)

        person = BenchPerson(f"{args.prefix}.reg", _person(db, f"{args.prefix}.reg", ["regulatory"]))
        session = sign_in(db.connect_args, login=person.login, password=PASSWORD, code=person.next_code())
        assert isinstance(session, SignedIn)
        engine = person_engine(db.connect_args, person.login, PASSWORD, session)

        def new_uow() -> UnitOfWork:
            return UnitOfWork.for_engine(engine)

        inside, canonical = [], []
        for _ in range(args.repeat):
            seconds, canon = _inside_open(db, person, hub_id)
            inside.append(seconds)
            canonical.append(canon)
        walls, identify, contain, loads, scope = [], [], [], [], {}
        for _ in range(args.repeat):
            code = person.next_code()
            seconds, opened = timed(lambda c=code: _initiate(db, person, hub, c))
            walls.append(seconds)
            seconds, case = timed(lambda o=opened: load_recall(new_uow(), o.id))
            loads.append(seconds)
            identify.append(case.kpis.time_to_identify_s or 0.0)
            contain.append(case.kpis.time_to_contain_s or 0.0)
            scope = {"lots": len(case.lots), "consignees": len(case.consignees), "lines": len(case.lines),
                     "contained_places": len(case.contained), "data_gaps": len(case.kpis.data_gaps)}
        code = person.next_code()
        seconds, _ = timed(lambda: _open(db, person, hub, code))
        report["open_recall_with_read_back"] = _seconds([seconds])
        report["scope"] = scope
        report["mt_open_recall_rolled_back"] = {**_seconds(inside), "budget_s": BUDGET_OPEN_S}
        report["server_open_to_scope_frozen"] = _seconds(identify)
        report["server_open_to_contained"] = _seconds(contain)
        report["mt_recall_canonical"] = _seconds(canonical)
        report["ceremony_wall"] = _seconds(walls)
        report["load_recall"] = _seconds(loads)
        trend = []
        for _ in range(args.repeat):
            seconds, rows = timed(lambda: drill_kpi_trend(new_uow()))
            trend.append(seconds)
        report["drill_kpi_trend"] = {**_seconds(trend), "drills": len(rows), "budget_s": BUDGET_TREND_S}
        if not args.no_gui:
            report["gui"] = _gui_run(db, person, hub, new_uow, timeout_s=600)
        report["cases_after"] = _cases(db)
        engine.dispose()
    finally:
        report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        db.close(stop_server=False)

    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    s, h = report["scope"], report["hub"]
    print(f"MedTrace recall benchmark — schema {report['schema']}; machine {report['machine']}")
    print(f"hub lot {h['lot']} (DI {h['di']}), used in {h['used_in_lots']:,} lots; drill scope: {s['lots']:,} lots, "
          f"{s['consignees']:,} consignees, {s['lines']:,} lines, {s['contained_places']:,} places held "
          f"(simulated), {s['data_gaps']:,} data gaps")
    for key, label in (("ceremony_wall", "initiate_recall, whole ceremony (GUI)"),
                       ("mt_open_recall_rolled_back", "mt_open_recall alone (rolled back)"),
                       ("server_open_to_scope_frozen", "server: opened → scope frozen"),
                       ("server_open_to_contained", "server: opened → contained"),
                       ("open_recall_with_read_back", "open_recall + case read back (CLI)"),
                       ("mt_recall_canonical", "mt_recall_canonical (×1 per ceremony)"),
                       ("load_recall", "load_recall"), ("drill_kpi_trend", "drill_kpi_trend")):
        r = report[key]
        print(f"  {label:<40} median {r['median_s']:8.3f} s  (min {r['min_s']:.3f}, max {r['max_s']:.3f}, n {r['n']})")
    verdict = "ok" if report["ceremony_wall"]["median_s"] <= BUDGET_OPEN_S else "OVER BUDGET"
    print(f"  full scope frozen and signed ≤ {BUDGET_OPEN_S:.0f} s: {verdict}")
    if "gui" in report:
        g = report["gui"]
        verdict = "ok" if g["max_gap_ms"] <= BUDGET_STALL_MS else "OVER BUDGET"
        print(f"GUI: open + load through the operation runner {g['work_s']} s; heartbeat gaps over {g['ticks']} "
              f"ticks: median {g['median_gap_ms']} ms, p99 {g['p99_gap_ms']} ms, max {g['max_gap_ms']} ms "
              f"(budget ≤ {BUDGET_STALL_MS:.0f} ms: {verdict})")
    print(f"recall cases in the reference set: {report['cases_before']} before, {report['cases_after']} after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
