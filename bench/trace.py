"""Lot traces on the reference data set (DESIGN §7): p95 ≤ 50 ms per trace, hub counts ≤ 3 s, hub list ≤ 10 s.

    .venv/bin/python -m bench.trace --home DIR [--samples 200] [--json]   (DIR holds `demo seed --scale large`)

Measured through the service layer (app/services/trace.py), each call with a fresh UnitOfWork as the
CLI and the Trace page make it, on a warm connection pool:

* forward and backward `trace_lot` of `--samples` random lots (component and finished lots alike, drawn
  uniformly by id with a fixed seed), full detail as the CLI prints it; median / p95 / max;
* the hub component lot (the lot with the most genealogy edges): `trace_lot(count_only=True)` — the
  counts — and `iter_consignees` drained to the end — the full consignee list streamed from a
  server-side cursor; and the page's capped trace (`detail_limit=2000`) for reference.

The database is the one built by `medtrace demo seed --scale large` (app/services/demo_data.py). The
script reads only; it reports whether the covering index ix_movement_lot_id_flow (migration 0001) is
present, because a database seeded before that index existed is about twice as slow on the hub.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from app.config import AppPaths
from app.db.engine import open_embedded
from app.db.uow import UnitOfWork
from app.services.trace import iter_consignees, trace_lot

BUDGET_TRACE_P95_MS = 50.0
BUDGET_HUB_COUNTS_S = 3.0
BUDGET_HUB_LIST_S = 10.0
WARM_UP = 10


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float], unit: str = "ms") -> dict[str, Any]:
    return {f"median_{unit}": round(statistics.median(values), 2), f"p95_{unit}": round(percentile(values, 0.95), 2),
            f"max_{unit}": round(max(values), 2), "n": len(values)}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def sample_lots(engine: Engine, count: int, seed: int) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        low, high = conn.execute(text("SELECT min(id), max(id) FROM lot")).one()
        ids = random.Random(seed).sample(range(low, high + 1), min(count * 2, high - low + 1))
        rows = conn.execute(text(
            "SELECT l.id, l.lot_no, p.di FROM lot l JOIN product p ON p.id = l.product_id "
            "WHERE l.id = ANY(:ids)"), {"ids": ids}).all()
    found = {r[0]: (r[1], r[2]) for r in rows}
    return [found[i] for i in ids if i in found][:count]


def hub_lot(engine: Engine) -> tuple[str, str, int]:
    with engine.connect() as conn:
        lot_id, uses = conn.execute(text(
            "SELECT component_lot_id, count(*) FROM genealogy_edge GROUP BY 1 ORDER BY 2 DESC LIMIT 1")).one()
        lot_no, di = conn.execute(text(
            "SELECT l.lot_no, p.di FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = :id"),
            {"id": lot_id}).one()
    return lot_no, di, uses


def database_facts(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        counts = conn.execute(text(
            "SELECT (SELECT count(*) FROM lot), (SELECT count(*) FROM genealogy_edge), "
            "(SELECT count(*) FROM movement), (SELECT count(*) FROM movement WHERE kind = 'ship')")).one()
        index = conn.execute(text("SELECT to_regclass('ix_movement_lot_id_flow') IS NOT NULL")).scalar_one()
        version = conn.execute(text("SHOW server_version")).scalar_one()
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"lots": counts[0], "genealogy_edges": counts[1], "movements": counts[2], "shipments": counts[3],
            "covering_index": bool(index), "postgresql": version, "schema": revision}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=os.environ.get("MEDTRACE_HOME"), required="MEDTRACE_HOME" not in os.environ,
                        help="MEDTRACE_HOME of the large reference set")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--hub-repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    database = open_embedded(AppPaths.resolve(args.home))
    engine = database.engine
    try:
        facts = database_facts(engine)
        lots = sample_lots(engine, args.samples, args.seed)
        report: dict[str, Any] = {
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
            "database": facts, "home": args.home,
        }

        def new_uow() -> UnitOfWork:
            return UnitOfWork.for_engine(engine)

        for lot_no, di in lots[:WARM_UP]:
            trace_lot(new_uow(), direction="forward", lot_no=lot_no, di=di)
        for direction in ("forward", "backward"):
            times, consignees = [], []
            for lot_no, di in lots:
                seconds, result = timed(lambda d=direction, n=lot_no, i=di: trace_lot(
                    new_uow(), direction=d, lot_no=n, di=i))
                times.append(seconds * 1000)
                consignees.append(result.summary.consignee_lines)
            report[f"trace_{direction}"] = {**summary(times), "budget_p95_ms": BUDGET_TRACE_P95_MS,
                                             "mean_consignee_lines": round(statistics.mean(consignees), 1)}

        hub_no, hub_di, uses = hub_lot(engine)
        counts, streams, capped = [], [], []
        lines = 0
        result = None
        for _ in range(args.hub_repeat):
            seconds, result = timed(lambda: trace_lot(new_uow(), direction="forward", lot_no=hub_no, di=hub_di,
                                                      count_only=True))
            counts.append(seconds)
            seconds, lines = timed(lambda: sum(1 for _ in iter_consignees(new_uow(), lot_no=hub_no, di=hub_di)))
            streams.append(seconds)
            seconds, _ = timed(lambda: trace_lot(new_uow(), direction="forward", lot_no=hub_no, di=hub_di,
                                                 detail_limit=2_000))
            capped.append(seconds)
        assert result is not None
        report["hub"] = {
            "lot": hub_no, "di": hub_di, "used_in_lots": uses, "lots_in_scope": result.summary.lots,
            "consignee_lines": lines, "consignees": result.summary.consignees,
            "counts": {**summary(counts, "s"), "budget_s": BUDGET_HUB_COUNTS_S},
            "full_list_streamed": {**summary(streams, "s"), "budget_s": BUDGET_HUB_LIST_S},
            "page_trace_capped_2000": summary(capped, "s"),
        }
        report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        database.close(stop_server=False)

    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"MedTrace trace benchmark — {facts['lots']:,} lots, {facts['genealogy_edges']:,} genealogy edges, "
          f"{facts['movements']:,} movements ({facts['shipments']:,} shipments); PostgreSQL {facts['postgresql']}, "
          f"schema {facts['schema']}, covering index {'present' if facts['covering_index'] else 'ABSENT'}")
    print(f"machine: {report['machine']}")
    for direction in ("forward", "backward"):
        r = report[f"trace_{direction}"]
        verdict = "ok" if r["p95_ms"] <= BUDGET_TRACE_P95_MS else "OVER BUDGET"
        print(f"trace {direction:<8} {r['n']} lots: median {r['median_ms']} ms, p95 {r['p95_ms']} ms, "
              f"max {r['max_ms']} ms (budget p95 ≤ {BUDGET_TRACE_P95_MS:.0f} ms: {verdict}); "
              f"mean {r['mean_consignee_lines']} consignee lines")
    h = report["hub"]
    print(f"hub lot {h['lot']} (DI {h['di']}): used in {h['used_in_lots']:,} lots, {h['lots_in_scope']:,} lots in "
          f"scope, {h['consignee_lines']:,} consignee lines, {h['consignees']:,} consignees")
    for key, label, budget in (("counts", "counts", BUDGET_HUB_COUNTS_S),
                               ("full_list_streamed", "full list streamed", BUDGET_HUB_LIST_S)):
        r = h[key]
        verdict = "ok" if r["p95_s"] <= budget else "OVER BUDGET"
        print(f"  {label:<19} median {r['median_s']} s, max {r['max_s']} s (budget ≤ {budget:.0f} s: {verdict})")
    r = h["page_trace_capped_2000"]
    print(f"  page trace (2,000 rows per list) median {r['median_s']} s, max {r['max_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
