"""Audit trail: writes under 4 concurrent writers, linearity in transaction size, chain verification rate.

    .venv/bin/python -m bench.audit --home /tmp/mt-audit-bench [--entries 500000] [--json]

DESIGN §7 budgets: audit writes with 4 concurrent writers ≥ 500 events/s and linear in transaction
size; chain verification ≥ 100 k entries/s with bounded memory. Everything runs in a scratch
database (`audit_bench`, dropped and re-created) on the embedded server of a scratch home, through the
owner connection, with every trigger in place (audit row trigger, reason check, stock check, the
deferred chain trigger at commit).

(a) concurrent writers — 4 threads, each with its own connection, run transactions of 1 and of 10
    events (a GUI action writes 1–10) for `--seconds`, and 1 thread for reference: alternately a lot
    correction WITH a reason (UPDATE lot … quantity) and a `produce` movement (INSERT movement, with
    the stock trigger). events/s = audit entries written by all writers / wall time.
(b) linearity — 20 000 events in ONE transaction vs 20 transactions of 1 000, twice: as one
    multi-row INSERT per transaction, and as single-row statements (20 000 round trips). Budget:
    one transaction ≤ 2× the time of the twenty.
(c) verification — the trail is filled to `--entries` (multi-row inserts, 50 000 a transaction)
    and vacuumed (as autovacuum would have done), then `verify_audit_trail` runs on a fresh
    connection; entries/s from its own timer, the client process's RSS sampled every 20 ms during it
    (psutil), its baseline before, and ru_maxrss; and the CPU seconds of client and server. Done at
    half the size as well: bounded memory means the same peak at both sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import psycopg

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.migrations import upgrade
from app.services.audit_trail import verify_audit_trail

SCRATCH = "audit_bench"
BUDGET_EVENTS_PER_S = 500.0
BUDGET_LINEARITY = 2.0
BUDGET_VERIFY_PER_S = 100_000.0
WRITERS = 4
FILL_BATCH = 50_000


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def scratch_database(home: str) -> tuple[Database, Database]:
    """(the home's own database, a freshly created `audit_bench` with the schema at head)."""
    paths = AppPaths.resolve(home)
    paths.ensure()
    main = open_embedded(paths)
    assert main.server is not None
    main.server.psql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)", database="postgres")
    main.server.psql(f"CREATE DATABASE {SCRATCH}", database="postgres")
    db = open_embedded(paths, database=SCRATCH)
    upgrade(db.engine)
    return main, db


def audit_count(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0]


def seed_master_data(conn: psycopg.Connection, lots: int) -> tuple[int, list[int]]:
    """One product, one site, `lots` lots (the writers' targets)."""
    with conn.transaction():
        product = conn.execute(
            "INSERT INTO product (agency, di, name, risk_class, shelf_life_days) "
            "VALUES ('GS1', '06901234567892', '基准 bench', 'II', 730) RETURNING id").fetchone()[0]
        site = conn.execute("INSERT INTO party (code, name, kind) VALUES ('SITE', '基地', 'manufacturer') "
                            "RETURNING id").fetchone()[0]
        lot_ids = [r[0] for r in conn.execute(
            "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity) "
            "SELECT %s, 'B' || g, '2026-01-01', '2028-01-01', 1000 FROM generate_series(1, %s) g RETURNING id",
            (product, lots)).fetchall()]
    return site, lot_ids


def concurrent_writers(db: Database, site: int, lot_ids: list[int], tx_size: int, seconds: float,
                       writers: int = WRITERS) -> dict[str, Any]:
    """`writers` threads, each its own connection, small transactions with reasons, for `seconds`."""
    stop = threading.Event()
    counts = [0] * writers
    errors: list[str] = []
    start_barrier = threading.Barrier(writers + 1)

    def writer(n: int) -> None:
        conn = db.raw_connection()
        conn.autocommit = False
        mine = lot_ids[n::writers]
        i = 0
        try:
            start_barrier.wait()
            while not stop.is_set():
                with conn.transaction():
                    conn.execute("SELECT set_config('medtrace.reason', %s, true)", (f"bench writer {n}",))
                    for k in range(tx_size):
                        lot = mine[(i + k) % len(mine)]
                        if k % 2 == 0:
                            conn.execute("UPDATE lot SET quantity = quantity + 1 WHERE id = %s", (lot,))
                        else:
                            conn.execute("INSERT INTO movement (kind, lot_id, quantity, to_party_id, moved_on) "
                                         "VALUES ('produce', %s, 1, %s, '2026-01-02')", (lot, site))
                counts[n] += tx_size
                i += tx_size
        except Exception as exc:  # noqa: BLE001 — reported in the figures, never hidden
            errors.append(f"writer {n}: {exc!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    start_barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    events = sum(counts)
    return {"tx_size": tx_size, "writers": writers, "events": events, "seconds": round(elapsed, 2),
            "events_per_s": round(events / elapsed, 1), "transactions_per_s": round(events / tx_size / elapsed, 1),
            "errors": errors, "ok": not errors and events / elapsed >= BUDGET_EVENTS_PER_S}


def linearity(db: Database, total: int = 20_000, transactions: int = 20) -> dict[str, Any]:
    """The same `total` events as one transaction and as `transactions` transactions."""
    per = total // transactions
    conn = db.raw_connection()
    conn.autocommit = False
    tag = iter(range(1_000_000))

    def bulk(rows: int) -> None:
        t = next(tag)
        conn.execute("INSERT INTO party (code, name, kind) SELECT 'LIN' || %s || '-' || g, '线性', 'hospital' "
                     "FROM generate_series(1, %s) g", (t, rows))

    def single(rows: int) -> None:
        t = next(tag)
        for g in range(rows):
            conn.execute("INSERT INTO party (code, name, kind) VALUES (%s, '线性', 'hospital')", (f"LIS{t}-{g}",))

    def timed(statements: Any, rows: int, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            with conn.transaction():
                statements(rows)
        return time.perf_counter() - started

    result: dict[str, Any] = {}
    try:
        for name, statements in (("multi_row_insert", bulk), ("single_row_statements", single)):
            timed(statements, 1_000, 1)  # warm-up
            one = timed(statements, total, 1)
            many = timed(statements, per, transactions)
            result[name] = {"one_transaction_s": round(one, 3), f"{transactions}_transactions_s": round(many, 3),
                            "ratio": round(one / many, 2), "events_per_s_one": round(total / one),
                            "ok": one <= BUDGET_LINEARITY * many}
    finally:
        conn.close()
    return result


def fill(db: Database, entries: int) -> dict[str, Any]:
    """Add parties (one audit entry each) until the trail holds `entries` entries."""
    conn = db.raw_connection()
    conn.autocommit = False
    have = audit_count(conn)
    conn.rollback()
    started = time.perf_counter()
    batch = 0
    while have < entries:
        rows = min(FILL_BATCH, entries - have)
        with conn.transaction():
            conn.execute("INSERT INTO party (code, name, kind, address) "
                         "SELECT 'F' || %s || '-' || %s || '-' || g, '医院 ' || g, 'hospital', "
                         "'北京市海淀区中关村大街 ' || g FROM generate_series(1, %s) g", (entries, batch, rows))
        have += rows
        batch += 1
    elapsed = time.perf_counter() - started
    # A trail in service is vacuumed by autovacuum long before anyone verifies it; do it now so that
    # autovacuum does not run (and count as server CPU) during the verification.
    conn.autocommit = True
    for table in ("audit_entry", "audit_chain", "party"):
        conn.execute(f"VACUUM ANALYZE {table}")
    conn.close()
    return {"entries": have, "seconds": round(elapsed, 1)}


def server_cpu_seconds(db: Database) -> float:
    """CPU time used so far by the embedded server's processes (this home's server serves only us):
    the live processes plus those that ended (a parallel worker's time moves to its parent when reaped)."""
    assert db.server is not None
    postmaster = psutil.Process(int((db.server.pgdata / "postmaster.pid").read_text().split()[0]))
    times = postmaster.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for proc in postmaster.children():
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def verify(db: Database) -> dict[str, Any]:
    """verify_audit_trail on a fresh connection, with the client's RSS sampled during it.

    Besides wall time, the CPU seconds of the client and of the server are recorded: on a shared,
    loaded machine they say what the verification costs independently of what else runs.
    """
    process = psutil.Process()
    baseline = process.memory_info().rss
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with db.raw_connection() as conn:
            time.sleep(0.5)  # let the filling connection's backend end first (its time would count here)
            server_before = server_cpu_seconds(db)
            client_before = time.process_time()
            result = verify_audit_trail(conn, second=db.raw_connection)
            client_cpu = time.process_time() - client_before
            server_cpu = server_cpu_seconds(db) - server_before
    finally:
        done.set()
        sampler.join()
    rate = result.entries_checked / result.seconds
    entries = result.entries_checked
    return {
        "entries": result.entries_checked, "seconds": round(result.seconds, 2), "entries_per_s": round(rate),
        "intact": result.ok, "rss_baseline_mb": round(baseline / 2**20, 1), "rss_peak_mb": round(peak / 2**20, 1),
        "rss_growth_mb": round((peak - baseline) / 2**20, 1),
        "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "client_cpu_s": round(client_cpu, 2), "server_cpu_s": round(server_cpu, 2),
        "client_us_per_entry": round(client_cpu / entries * 1e6, 2),
        "server_us_per_entry": round(server_cpu / entries * 1e6, 2),
        "ok": result.ok and rate >= BUDGET_VERIFY_PER_S,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="a scratch MedTrace home (its embedded server is used)")
    parser.add_argument("--entries", type=int, default=500_000, help="trail size for the verification run")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each concurrent-writer run")
    parser.add_argument("--skip-writes", action="store_true", help="only (c), the verification")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    main_db, db = scratch_database(args.home)
    report: dict[str, Any] = {
        "machine": {"cpu": _cpu_model(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
    }
    try:
        with db.raw_connection() as conn:
            report["machine"]["postgres"] = conn.execute("SHOW server_version").fetchone()[0]
            site, lot_ids = seed_master_data(conn, 400)
        # The 1-writer run is the reference: commits that serialise on the chain head show as no gain from 4.
        runs = () if args.skip_writes else ((WRITERS, 1), (WRITERS, 10), (1, 1), (1, 10))
        report["concurrent_writers"] = [concurrent_writers(db, site, lot_ids, size, args.seconds, writers)
                                        for writers, size in runs]
        report["linearity"] = {} if args.skip_writes else linearity(db)
        report["verification"] = []
        for target in (args.entries // 2, args.entries):
            report.setdefault("fill", []).append(fill(db, target))
            report["verification"].append(verify(db))
        report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        db.close(stop_server=False)
        assert main_db.server is not None
        main_db.server.psql(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)", database="postgres")
        main_db.close()

    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"machine: {report['machine']}")
    for run in report["concurrent_writers"]:
        print(f"(a) {run['writers']} writer(s), {run['tx_size']} event(s)/transaction: {run['events_per_s']:,.0f} "
              f"events/s, {run['transactions_per_s']:,.0f} commits/s ({run['events']} in {run['seconds']} s) — "
              f"budget ≥ {BUDGET_EVENTS_PER_S:.0f}: "
              f"{'OK' if run['ok'] else 'MISSED'} {run['errors'] or ''}")
    for name, run in report["linearity"].items():
        print(f"(b) {name}: 20 000 events in 1 transaction {run['one_transaction_s']} s vs 20×1 000 "
              f"{run['20_transactions_s']} s — ratio {run['ratio']} (budget ≤ {BUDGET_LINEARITY}): "
              f"{'OK' if run['ok'] else 'MISSED'}")
    for filled, run in zip(report["fill"], report["verification"], strict=True):
        print(f"(c) trail filled to {filled['entries']:,} entries ({filled['seconds']} s); verified in "
              f"{run['seconds']} s = {run['entries_per_s']:,} entries/s (budget ≥ {BUDGET_VERIFY_PER_S:,.0f}: "
              f"{'OK' if run['ok'] else 'MISSED'}), intact={run['intact']}; client RSS {run['rss_baseline_mb']} → "
              f"peak {run['rss_peak_mb']} MB (+{run['rss_growth_mb']} MB), ru_maxrss {run['ru_maxrss_mb']} MB; CPU: "
              f"client {run['client_cpu_s']} s ({run['client_us_per_entry']} µs/entry), server "
              f"{run['server_cpu_s']} s ({run['server_us_per_entry']} µs/entry)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
