"""Report rendering budgets (DESIGN §7): PDF ≥ 100 pages/s and linear, Excel 1 M rows ≥ 8 k rows/s within
150 MB peak RSS, and the GUI never stalling > 100 ms while a report renders.

    .venv/bin/python -m bench.reports [--pdf-rows 16000] [--excel-rows 1000000] [--repeat 3] [--json]

* PDF: a consignee-list-shaped table (9 columns: tier, party code, Chinese party name, kind, DI, lot,
  three quantities) rendered by app/reports/pdf.py at N and 2N rows; best of `--repeat` runs (the
  machine is shared: the best run is the one least disturbed); pages/s and the 2N/N time ratio.
* Excel: in a fresh subprocess per shape (so peak RSS is the render's own, read with
  resource.getrusage), 1 M rows streamed from a generator into app/reports/excel.py — the same path a
  streamed audit extract takes — for the 9-column consignee shape and the 11-column audit-extract
  shape (with a datetime and old/new value texts).
* GUI: an offscreen QApplication with a 10 ms QTimer heartbeat on the GUI thread while the
  OperationRunner renders a 2N-row PDF and a 200 k-row workbook on a worker thread, reporting progress
  the way the Reports page does (at most ten signals a second); the longest gap between two ticks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.reports.document import Cell, Column, Facts, ReportDocument, Table

BUDGET_PAGES_PER_S = 100.0
BUDGET_LINEAR_RATIO = 2.2
BUDGET_ROWS_PER_S = 8_000.0
BUDGET_RSS_MB = 150.0
BUDGET_STALL_MS = 100.0
ZONE = ZoneInfo("Asia/Shanghai")
NAMES = ("上海康健医疗器械有限公司", "北京安信医疗器械有限公司", "苏州市立医院", "无锡市人民医院",
         "杭州仁和医疗用品有限公司")


def consignee_rows(count: int) -> Iterator[Sequence[Cell]]:
    for i in range(count):
        yield (1 + i % 4, f"DIS-{i % 5000:05d}", NAMES[i % len(NAMES)], "经营企业" if i % 3 else "使用单位",
               f"0697543200{i % 1000:04d}", f"L{i:08d}", 100 + i % 900, i % 7, 50 + i % 400)


CONSIGNEE_COLUMNS = (Column("层级 Tier", "int", 0.5), Column("单位代码 Party"), Column("名称 Name", width=2.6),
                     Column("类型 Kind"), Column("产品标识 DI", width=1.3), Column("批号 Lot", width=1.1),
                     Column("发货 Shipped", "int", 0.8), Column("退回 Returned", "int", 0.8),
                     Column("现有 On hand", "int", 0.8))
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def audit_rows(count: int) -> Iterator[Sequence[Cell]]:
    for i in range(count):
        update = i % 5 == 0
        yield (i + 1, START + dt.timedelta(seconds=i), f"user{i % 40:02d}", "medtrace@QA-PC-07",
               f"lot #{i // 3}", "修改" if update else "创建", "quantity" if update else "",
               "quantity: 500" if update else "",
               "quantity: 480" if update else f"id={i // 3}; lot_no=L{i:08d}; quantity=500; status=quarantine",
               "复核后更正数量" if update else "", "原始录入后修改" if update else "")


AUDIT_COLUMNS = (Column("序号", "int", 0.7), Column("时间", "datetime", 1.5), Column("操作人"),
                 Column("工作站", width=1.1), Column("记录", width=1.1), Column("操作", width=0.7),
                 Column("内容", width=1.1), Column("原值", width=2.2), Column("新值", width=2.2),
                 Column("原因", width=1.3), Column("标记", "flag", 1.2))


def document(rows: Any, columns: tuple[Column, ...], count: int, *, landscape: bool = True) -> ReportDocument:
    return ReportDocument(
        key="bench", number="BENCH-20261121-000000-0000", title="批次追溯报告 benchmark", language="zh_CN",
        company="苏州明德医疗器械有限公司", generated_by="bench (bench)",
        generated_at=dt.datetime(2026, 11, 21, 12, 0, tzinfo=ZONE), parameters=(("行数", str(count)),),
        parameter_values={"rows": count},
        sections=(Facts("摘要", (("行数", count),)), Table("收货单位", columns, rows, count=count, sheet="Rows")),
        landscape=landscape,
    )


def bench_pdf(rows: int, repeat: int) -> dict[str, Any]:
    from app.reports.pdf import register_fonts, render_pdf

    register_fonts()
    results: dict[int, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for count in (rows, 2 * rows):
            best = None
            for _ in range(repeat):
                data = list(consignee_rows(count))
                started = time.perf_counter()
                result = render_pdf(document(data, CONSIGNEE_COLUMNS, count), Path(folder) / f"{count}.pdf")
                elapsed = time.perf_counter() - started
                if best is None or elapsed < best[0]:
                    best = (elapsed, result.pages)
            assert best is not None
            results[count] = best
    small, large = results[rows], results[2 * rows]
    return {
        "rows": [rows, 2 * rows], "seconds": [round(small[0], 2), round(large[0], 2)],
        "pages": [small[1], large[1]],
        "pages_per_s": [round(small[1] / small[0], 1), round(large[1] / large[0], 1)],
        "ratio_2n_over_n": round(large[0] / small[0], 2),
    }


def excel_child(rows: int, shape: str) -> dict[str, Any]:
    """Runs in its own process: render `rows` rows, report time and this process's peak RSS."""
    from app.reports.excel import render_xlsx

    generator, columns = (consignee_rows, CONSIGNEE_COLUMNS) if shape == "consignee" else (audit_rows, AUDIT_COLUMNS)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        started = time.perf_counter()
        result = render_xlsx(document(generator(rows), columns, rows), path)
        elapsed = time.perf_counter() - started
        size = path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"peak_rss_vmhwm_mb": _vm_hwm_mb(), "shape": shape, "columns": len(columns), "rows": result.rows,
            "sheets": result.sheets, "seconds": round(elapsed, 1), "rows_per_s": round(result.rows / elapsed),
            "file_mb": round(size / 2**20, 1),
            "peak_rss_mb": round(peak, 1), "rss_before_render_mb": round(baseline, 1)}


def _vm_hwm_mb() -> float | None:
    """Peak RSS of this process image from /proc (getrusage's ru_maxrss can carry the high-water mark of
    the forking parent across exec on Linux; VmHWM starts afresh with the new image)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def bench_excel(rows: int, shape: str) -> dict[str, Any]:
    completed = subprocess.run([sys.executable, "-m", "bench.reports", "--excel-child", str(rows), "--shape", shape],
                               capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def bench_gui(pdf_rows: int, xlsx_rows: int) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.reports.excel import render_xlsx
    from app.reports.pdf import register_fonts, render_pdf
    from app.views.operations import ChangeBroadcast, OperationContext, OperationRunner

    app = QApplication.instance() or QApplication([])
    register_fonts()
    runner = OperationRunner(ChangeBroadcast())
    outcome: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, count in (("pdf", pdf_rows), ("xlsx", xlsx_rows)):
            ticks: list[float] = []
            timer = QTimer()
            timer.setInterval(10)
            timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
            done: list[object] = []
            data = list(consignee_rows(count)) if label == "pdf" else consignee_rows(count)
            doc = document(data, CONSIGNEE_COLUMNS, count)

            def work(op: OperationContext, doc: ReportDocument = doc, label: str = label) -> object:
                last = [0.0]

                def progress(rows_done: int, total: int) -> None:
                    op.check_cancelled()
                    now = time.monotonic()
                    if now - last[0] >= 0.1:
                        last[0] = now
                        op.progress(rows_done, total)

                path = Path(folder) / f"gui.{label}"
                render = render_pdf if label == "pdf" else render_xlsx
                return render(doc, path, progress=progress)

            started = time.perf_counter()
            ticks.append(started)
            timer.start()
            runner.run(work, on_done=done.append, on_failed=done.append)
            while not done:
                app.processEvents()
                time.sleep(0.001)
            timer.stop()
            elapsed = time.perf_counter() - started
            gaps = [b - a for a, b in itertools.pairwise(ticks)]
            outcome[label] = {"rows": count, "seconds": round(elapsed, 2), "ticks": len(ticks),
                              "longest_gap_ms": round(max(gaps) * 1000, 1) if gaps else None}
    runner.wait_for_all()
    return outcome


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf-rows", type=int, default=16_000)
    parser.add_argument("--excel-rows", type=int, default=1_000_000)
    parser.add_argument("--gui-xlsx-rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=["pdf", "excel", "gui"], help="run one part")
    parser.add_argument("--excel-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--shape", default="consignee", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.excel_child:
        print(json.dumps(excel_child(args.excel_child, args.shape)))
        return

    report: dict[str, Any] = {"machine": machine()}
    # The workbook subprocesses go first, forked from a small parent: peak RSS is then theirs alone.
    if args.only in (None, "excel"):
        report["excel"] = [bench_excel(args.excel_rows, shape) for shape in ("consignee", "audit")]
    if args.only in (None, "pdf"):
        report["pdf"] = bench_pdf(args.pdf_rows, args.repeat)
    if args.only in (None, "gui"):
        report["gui"] = bench_gui(2 * args.pdf_rows, args.gui_xlsx_rows)
    report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    pdf = report.get("pdf")
    if pdf:
        print(f"PDF {pdf['rows'][0]:,} rows: {pdf['seconds'][0]} s, {pdf['pages'][0]} pages, "
              f"{pdf['pages_per_s'][0]} p/s; "
              f"{pdf['rows'][1]:,} rows: {pdf['seconds'][1]} s, {pdf['pages'][1]} pages, {pdf['pages_per_s'][1]} "
              f"p/s; ratio {pdf['ratio_2n_over_n']} (budget ≥ {BUDGET_PAGES_PER_S:.0f} p/s, ≤ {BUDGET_LINEAR_RATIO})")
    for excel in report.get("excel", []):
        print(f"Excel {excel['shape']} ({excel['columns']} columns) {excel['rows']:,} rows in {excel['sheets']} "
              f"sheet(s): {excel['seconds']} s, {excel['rows_per_s']:,} rows/s, peak RSS {excel['peak_rss_mb']} MB "
              f"(VmHWM {excel['peak_rss_vmhwm_mb']} MB), "
              f"file {excel['file_mb']} MB (budget ≥ {BUDGET_ROWS_PER_S:,.0f} rows/s, ≤ {BUDGET_RSS_MB:.0f} MB)")
    for label, gui in report.get("gui", {}).items():
        print(f"GUI while rendering {label} ({gui['rows']:,} rows, {gui['seconds']} s): longest heartbeat gap "
              f"{gui['longest_gap_ms']} ms (budget ≤ {BUDGET_STALL_MS:.0f} ms)")
    print(f"machine: {report['machine']}")


if __name__ == "__main__":
    main()
