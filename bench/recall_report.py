"""Drill-report PDF throughput for a large scope (DESIGN §7: PDF ≥ 100 pages/s).

    .venv/bin/python -m bench.recall_report [--consignees 8000] [--repeat 3] [--json]

The document has the shape app/services/recall_reports.py builds for a drill (case facts, deadlines,
lots with their balance, the consignee worklist, would-be-held stock, KPIs, trend), filled in memory
so the figure is the renderer's; the database read is measured by bench/trace.py. Median of the runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from app.reports.document import DATETIME, FLAG, INT, Column, Facts, Note, ReportDocument, Table
from app.reports.pdf import render_pdf

BUDGET_PAGES_PER_S = 100.0
ZONE = ZoneInfo("Asia/Shanghai")
BALANCE = ("生产", "现有", "发货", "退回", "消耗", "报废")
NAMES = ("上海康健医疗器械有限公司", "北京安信医疗器械有限公司", "苏州市立医院", "无锡市人民医院")


def drill_document(consignees: int) -> ReportDocument:
    now = dt.datetime(2026, 12, 7, 8, 0, tzinfo=ZONE)
    lots = [(f"0695432100{i:04d}", f"F-{i:05d}", "一次性使用输液器", "成品", 1000, 10, 990, 0, 0, 0, "✓")
            for i in range(max(1, consignees // 20))]
    worklist = [(1 + i % 3, f"H-{i:05d}", NAMES[i % 4], "使用单位", 10 + i % 50,
                 f"2026-12-07 09:{i % 60:02d}:00 UTC+08:00 (电话)", "", i % 5, 3 + i % 7) for i in range(consignees)]
    sections = (
        Facts("召回事件", (("召回编号", "1"), ("类型", "模拟召回演练"), ("召回级别", "一级召回（FDA Class I）"))),
        Note("演练：以下数量在真实召回中应被冻结——本次未冻结任何库存。"),
        Table("时限", (Column("事项"), Column("截止", DATETIME), Column("状态", FLAG)),
              [("通知全部收货单位", now, "未到期")], count=1),
        Table("涉及批次及数量平衡", (Column("DI", width=1.35), Column("批号"), Column("产品名称", width=1.9),
                                   Column("关系"), *(Column(t, INT, 0.6) for t in BALANCE),
                                   Column("平衡", FLAG, calm=("✓",))), lots, count=len(lots)),
        Table("收货单位", (Column("层级", INT, 0.4), Column("单位代码"), Column("名称", width=2), Column("类型"),
                       Column("发货", INT, 0.6), Column("已通知", width=1.7), Column("已确认", width=1.5),
                       Column("已退回", INT, 0.6), Column("未退回", INT, 0.6)), worklist, count=len(worklist)),
        Facts("关键指标", (("确定范围用时", "0.4 秒"), ("数量平衡率", "100.0 %"))),
    )
    return ReportDocument(key="recall", number="RC-BENCH", title="模拟召回演练报告", language="zh_CN",
                          company="苏州工厂", generated_by="bench", generated_at=now, parameters=(("召回编号", "1"),),
                          parameter_values={"recall": 1}, sections=sections)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--consignees", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rates, pages = [], 0
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = render_pdf(drill_document(args.consignees), Path(folder) / "drill.pdf")
            rates.append(result.pages / (time.perf_counter() - start))
            pages = result.pages
    median = statistics.median(rates)
    figures = {"consignees": args.consignees, "pages": pages, "median_pages_per_s": round(median, 1),
               "runs": [round(r, 1) for r in rates], "budget_pages_per_s": BUDGET_PAGES_PER_S,
               "ok": median >= BUDGET_PAGES_PER_S}
    print(json.dumps(figures) if args.json else
          f"drill report PDF: {pages} pages, median {median:.1f} pages/s over {args.repeat} runs "
          f"(budget ≥ {BUDGET_PAGES_PER_S:.0f}) {'OK' if figures['ok'] else 'OVER BUDGET'}")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
