"""Lots page on ~1 M lots: first paint and jump to the end (budget 100 ms each, DESIGN §7), and raw queries.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.lots_page --home /tmp/mt-large

Measured with the real LotsPage / LotTableModel / OperationRunner, offscreen:

* first paint — from `LotsPage(ctx)` to the end of the first paint of the table viewport that shows
  loaded rows (the page builds, reads the first page off the GUI thread, and paints it);
* jump to end — once the count has arrived (the scroll range is the count): from scrollToBottom()
  to the end of the first paint that shows the last row loaded;
* middle jump — the same for a jump to the middle of the list (the bounded key_at fallback);
* raw service calls — first page, last page, count, text searches, far-jump key — each through a
  fresh UnitOfWork as the page does.

Each page measurement uses a new page (nothing cached); the engine's connection pool is warm, as in
the running application. `--build-lots N` fills an EMPTY embedded home with N synthetic lots
(INSERT … SELECT generate_series, every index and trigger in place) when the reference set built by
`medtrace demo seed --scale large` is not available.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from app.config import AppPaths, Settings
from app.db.engine import open_embedded
from app.db.migrations import schema_status, upgrade
from app.db.uow import UnitOfWork
from app.models.enums import LotStatus
from app.services.lot_queries import LotFilter, count_lots, fetch_lots, key_at

BUDGET_MS = 100.0
PRODUCT_WORDS = (
    ("一次性使用无菌注射器", "Sterile single-use syringe"),
    ("中心静脉导管", "Central venous catheter"),
    ("冠状动脉药物洗脱支架", "Coronary drug-eluting stent"),
    ("一次性使用输液器", "Single-use infusion set"),
    ("血液透析器", "Haemodialyser"),
    ("人工髋关节假体", "Hip joint prosthesis"),
    ("植入式心脏起搏器", "Implantable pacemaker"),
    ("医用外科口罩", "Surgical mask"),
    ("留置针", "Peripheral IV cannula"),
    ("骨科固定螺钉", "Orthopaedic bone screw"),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(values), 2), "p95_ms": round(percentile(values, 0.95), 2),
            "max_ms": round(max(values), 2), "n": len(values)}


def gtin14(body13: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body13))
    return body13 + str((10 - total % 10) % 10)


# -- synthetic data (only when no reference set is available) ----------------------------------


def build_lots(engine: Engine, lots: int, products: int = 500) -> None:
    """Products and `lots` lots, set-based; refuses a database that already has lots."""
    with engine.begin() as conn:
        if conn.execute(text("SELECT EXISTS (SELECT FROM lot)")).scalar():
            raise SystemExit("--build-lots needs an empty database; this one has lots already.")
        rows = []
        for n in range(products):
            name, name_en = PRODUCT_WORDS[n % len(PRODUCT_WORDS)]
            rows.append({"di": gtin14(f"0697543{n:06d}"), "name": f"{name} 型号{n:03d}",
                         "name_en": f"{name_en} model {n:03d}", "shelf": 730 + 365 * (n % 3)})
        conn.execute(text(
            "INSERT INTO product (agency, di, name, name_en, risk_class, shelf_life_days) "
            "VALUES ('GS1', :di, :name, :name_en, 'II', :shelf)"
        ), rows)
        conn.execute(text("""
            WITH p AS (SELECT id, shelf_life_days, row_number() OVER (ORDER BY id) - 1 AS k FROM product),
            g AS (
              SELECT g, (hashint4(g) & 2147483647) % :products AS k,
                     current_date - ((hashint4(g * 3 + 1) & 2147483647) % 1500) AS made,
                     (hashint4(g * 5 + 2) & 2147483647) % 100 AS roll
              FROM generate_series(1, :lots) AS g
            )
            INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity, status)
            SELECT p.id, to_char(g.made, 'YYMMDD') || '-' || lpad(g.g::text, 7, '0'), g.made,
                   g.made + p.shelf_life_days, 100 + g.roll * 37,
                   CASE WHEN g.made + p.shelf_life_days < current_date AND g.roll < 70 THEN 'expired'
                        WHEN g.roll < 60 THEN 'released' WHEN g.roll < 70 THEN 'quarantine'
                        WHEN g.roll < 80 THEN 'under_review' WHEN g.roll < 86 THEN 'on_hold'
                        WHEN g.roll < 94 THEN 'rejected' ELSE 'recalled' END
            FROM g JOIN p ON p.k = g.k
        """), {"lots": lots, "products": products})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE product, lot"))


# -- raw queries --------------------------------------------------------------------------------


def time_calls(label: str, call: Callable[[], Any], repeat: int) -> dict[str, Any]:
    call()  # warm: statement compiled and cached, pages in the buffer cache
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return {"what": label, **summary(times)}


def raw_queries(engine: Engine, total: int, repeat: int) -> list[dict[str, Any]]:
    def uow() -> UnitOfWork:
        return UnitOfWork.for_engine(engine)

    everything = LotFilter()
    with engine.connect() as conn:
        word = conn.execute(text("SELECT name FROM product ORDER BY id LIMIT 1")).scalar_one()[:4]
        prefix = conn.execute(text("SELECT lot_no FROM lot ORDER BY id DESC LIMIT 1")).scalar_one()[:9]
    searches = {
        f"text search “{word}” (Chinese product name), first page": LotFilter(text=word),
        f"text search “{prefix}” (lot number prefix), first page": LotFilter(text=prefix),
        "text search “model 01” (English name), first page": LotFilter(text="model 01"),
    }
    results = [
        time_calls("first page (200 rows, sorted by lot no.)",
                   lambda: fetch_lots(uow(), filter=everything), repeat),
        time_calls("last page (200 rows, from_end)",
                   lambda: fetch_lots(uow(), filter=everything, from_end=True), repeat),
        time_calls("first page sorted by product name",
                   lambda: fetch_lots(uow(), filter=everything, sort_key="product"), repeat),
        time_calls("last page sorted by expiry date, descending",
                   lambda: fetch_lots(uow(), filter=everything, sort_key="expiry_date", descending=True,
                                      from_end=True), repeat),
        time_calls("count (all lots)", lambda: count_lots(uow(), filter=everything), repeat),
        time_calls("count (status released, expiring within 90 days)",
                   lambda: count_lots(uow(), filter=LotFilter(statuses=(LotStatus.RELEASED,), expires_within_days=90)),
                   repeat),
        time_calls("far-jump key at the middle (key_at, OFFSET over keys)",
                   lambda: key_at(uow(), filter=everything, position=total // 2, total=total), repeat),
    ]
    for label, flt in searches.items():
        results.append(time_calls(label, lambda flt=flt: fetch_lots(uow(), filter=flt), repeat))
        results.append(time_calls(label.replace("first page", "count"),
                                  lambda flt=flt: count_lots(uow(), filter=flt), repeat))
    return results


# -- the page -----------------------------------------------------------------------------------


def page_timings(engine: Engine, paths: AppPaths, repeat: int) -> dict[str, Any]:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from app.views.context import ViewContext
    from app.views.lots_page import LotsPage
    from app.views.operations import ChangeBroadcast, OperationRunner
    from app.views.style import apply_style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    errors: list[BaseException] = []
    runner.failed.connect(errors.append)
    ctx = ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork.for_engine(engine),
                      paths=paths, settings=Settings(language="zh_CN"))

    class PaintWatch(QObject):
        """Notes a paint of the table's viewport made while `row` was loaded (so it shows real rows).

        The filter sees the event just before the view paints; the paint is over when the
        processEvents() call that delivered it returns, which is when wait_for() takes the time.
        """

        def __init__(self, page: LotsPage) -> None:
            super().__init__()
            self.page = page
            self.row = 0
            self.hit = False

        def expect(self, row: int) -> None:
            self.row, self.hit = row, False

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.page.model.row_at(self.row) is not None:
                self.hit = True
            return False

    def wait_for(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
        deadline = time.perf_counter() + timeout_s
        while not condition():
            if errors:
                raise RuntimeError(f"the page reported an error: {errors[0]}")
            if time.perf_counter() > deadline:
                raise TimeoutError("the page did not get there in time")
            app.processEvents()
            time.sleep(0.0002)

    first_paint, jump_end, jump_middle, total = [], [], [], None
    built, arrived = [], []  # parts of the first paint: page constructed; first page of rows received
    for attempt in range(repeat + 1):  # the first round warms imports, fonts and statement caches
        began = time.perf_counter()
        page = LotsPage(ctx)
        created = began
        elapsed_built = (time.perf_counter() - began) * 1000
        marks: dict[str, float] = {}
        page.model.first_page_loaded.connect(lambda _rows, marks=marks: marks.setdefault("rows", time.perf_counter()))
        watch = PaintWatch(page)
        page.table.viewport().installEventFilter(watch)
        page.resize(1400, 860)
        page.show()
        wait_for(lambda watch=watch: watch.hit)
        elapsed_first = (time.perf_counter() - began) * 1000
        wait_for(lambda page=page: page.model.total is not None)
        total = page.model.total
        app.processEvents()

        watch.expect(total - 1)
        began = time.perf_counter()
        page.table.scrollToBottom()
        wait_for(lambda watch=watch: watch.hit)
        elapsed_end = (time.perf_counter() - began) * 1000
        assert page.model.index(total - 1, 0).data() != "…"

        middle = total // 2
        watch.expect(middle)
        began = time.perf_counter()
        page.table.scrollTo(page.model.index(middle, 0))
        wait_for(lambda watch=watch: watch.hit)
        elapsed_middle = (time.perf_counter() - began) * 1000

        if attempt:
            built.append(elapsed_built)
            arrived.append((marks["rows"] - created) * 1000)
            first_paint.append(elapsed_first)
            jump_end.append(elapsed_end)
            jump_middle.append(elapsed_middle)
        page.close()
        page.deleteLater()
        runner.wait_for_all(30_000)
        app.processEvents()
    return {
        "rows": total,
        "first_paint": summary(first_paint),
        "first_paint_page_built": summary(built),
        "first_paint_rows_arrived": summary(arrived),
        "jump_to_end": summary(jump_end),
        "jump_to_middle": summary(jump_middle),
    }


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from PySide6 import __version__ as pyside

    return {"nproc": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "pyside6": pyside,
            "load_before": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lots_page", description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="MEDTRACE_HOME of the reference database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--build-lots", type=int, default=0,
                        help="fill an empty database with this many synthetic lots first")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)

    paths = AppPaths.resolve(args.home)
    paths.ensure()
    database = open_embedded(paths)
    try:
        engine = database.engine
        if args.build_lots:
            if not schema_status(engine).at_head:
                upgrade(engine)
            began = time.perf_counter()
            build_lots(engine, args.build_lots)
            print(f"built {args.build_lots:,} lots in {time.perf_counter() - began:.1f} s", file=sys.stderr)
        status = schema_status(engine)
        if not status.at_head:
            # The benchmark only reads lot and product (migration 0001); say so rather than refuse.
            print(f"warning: schema {status.current}, head is {status.head}", file=sys.stderr)
        with engine.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM lot")).scalar_one()
        if total < 2:
            raise SystemExit("The database has no lots: seed it (medtrace demo seed --scale large) or "
                             "use --build-lots 1000000 on an empty home.")
        report = {
            "machine": machine(),  # with the load average before the run: other work skews figures
            "command": " ".join(["QT_QPA_PLATFORM=offscreen", ".venv/bin/python -m bench.lots_page",
                                 *(argv if argv is not None else sys.argv[1:])]),
            "lots": total,
            "page": page_timings(engine, paths, args.repeat),
            "queries": raw_queries(engine, total, args.repeat),
        }
        report["machine"]["load_after"] = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    finally:
        database.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(render(report))
    page = report["page"]
    within = all(page[k]["p95_ms"] <= BUDGET_MS for k in ("first_paint", "jump_to_end"))
    return 0 if within else 1


def render(report: dict[str, Any]) -> str:
    page, m = report["page"], report["machine"]
    lines = [
        f"Machine: {m['nproc']} CPUs, {m['cpu']}, Python {m['python']}, PySide6 {m['pyside6']}, {m['platform']}",
        f"Load average (1/5/15 min) before: {m['load_before']}, after: {m['load_after']}",
        f"Command: `{report['command']}`",
        f"Lots: {report['lots']:,}",
        "",
        "| page measurement | median ms | p95 ms | max ms | n | budget |",
        "|---|---|---|---|---|---|",
    ]
    for key, label, budget in (("first_paint", "first paint (page created → first rows painted)", "≤ 100"),
                               ("first_paint_page_built", "… of which: LotsPage constructed", ""),
                               ("first_paint_rows_arrived", "… of which: first 200 rows received", ""),
                               ("jump_to_end", "jump to end (scrollToBottom → last row painted)", "≤ 100"),
                               ("jump_to_middle", "jump to middle (far seek, key_at fallback)", "—")):
        s = page[key]
        lines.append(f"| {label} | {s['median_ms']} | {s['p95_ms']} | {s['max_ms']} | {s['n']} | {budget} |")
    lines += ["", "| service call (fresh unit of work each) | median ms | p95 ms | max ms | n |",
              "|---|---|---|---|---|"]
    for q in report["queries"]:
        lines.append(f"| {q['what']} | {q['median_ms']} | {q['p95_ms']} | {q['max_ms']} | {q['n']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
