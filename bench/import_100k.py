"""Import of 100 k rows (budget ≤ 60 s, issue 6): a lots file, then a movements file, into a scratch database.

    .venv/bin/python -m bench.import_100k [--rows 100000] [--format xlsx|csv|both] [--movement-lots 20000]

A fresh embedded server in a temporary MEDTRACE_HOME (removed afterwards unless --keep), schema by the
migrations, every trigger on (the stock check runs once per movement row). Master data (products and
parties) is imported from small files first; then, for each format:

* lots — ROWS lots over 200 products;
* movements — ROWS movements over --movement-lots further lots (imported beforehand, not timed): per lot
  a produce at one of our sites, shipments to a distributor and on to hospitals, a return, installs
  and a scrap, in date order, so every row is checked against the running stock.

Each import reports wall time split into parse (read every cell), validate (references, duplicates,
running stock) and write (COPY in 10 k-row chunks, triggers on, then COMMIT). The file is generated
before timing starts; its size is printed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from openpyxl import Workbook

from app.config import AppPaths
from app.db.engine import open_embedded
from app.db.migrations import upgrade
from app.services.data_import import import_file

BUDGET_S = 60.0
PRODUCTS = 200
SITES = ("MFG-SZ", "MFG-CZ")
DISTRIBUTORS = tuple(f"DST-{i:03d}" for i in range(40))
HOSPITALS = tuple(f"HSP-{i:04d}" for i in range(500))


def gtin14(body13: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body13))
    return body13 + str((10 - total % 10) % 10)


DIS = tuple(gtin14(f"069754320{i:04d}") for i in range(PRODUCTS))


def write_rows(path: Path, header: Sequence[str], rows: Iterator[Sequence[object]], *,
               inline_strings: bool = False) -> Path:
    """The file as Excel saves it: shared strings and a <dimension> (openpyxl's normal mode).

    `inline_strings` writes it as openpyxl's write-only mode does (inline strings, no dimension), which
    some exporters produce too; openpyxl reads such a file about twice as slowly.
    """
    if path.suffix == ".xlsx":
        workbook = Workbook(write_only=inline_strings)
        sheet = workbook.create_sheet("data") if inline_strings else workbook.active
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return path


def master_data(folder: Path) -> list[tuple[str, Path]]:
    products = write_rows(folder / "products.csv", ["agency", "di", "name", "risk_class", "shelf_life_days"], (
        ("GS1", di, f"一次性使用无菌注射器 {i}", "III", 1095) for i, di in enumerate(DIS)))
    parties = write_rows(folder / "parties.csv", ["code", "name", "kind"], (
        *((code, f"苏州工厂 {code}", "manufacturer") for code in SITES),
        *((code, f"经营企业 {code}", "distributor") for code in DISTRIBUTORS),
        *((code, f"医院 {code}", "hospital") for code in HOSPITALS)))
    return [("products", products), ("parties", parties)]


def lot_rows(prefix: str, count: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    start = dt.date(2025, 1, 1)
    for n in range(count):
        produced = start + dt.timedelta(days=n % 300)
        yield (DIS[n % PRODUCTS], f"{prefix}{n:07d}", produced.isoformat(),
               (produced + dt.timedelta(days=1094)).isoformat(), rng.randint(500, 5000), "quarantine")


def movement_rows(prefix: str, lots: int, rows: int, rng: random.Random) -> Iterator[tuple[object, ...]]:
    """Per lot, in date order: produce, ship to a distributor, ship on to hospitals, install, return, scrap."""
    per_lot = max(3, rows // lots)
    made = 0
    start = dt.date(2025, 1, 1)
    for n in range(lots):
        if made >= rows:
            return
        di, lot = DIS[n % PRODUCTS], f"{prefix}{n:07d}"
        day = start + dt.timedelta(days=n % 300)
        site, dist = SITES[n % 2], DISTRIBUTORS[n % len(DISTRIBUTORS)]
        steps: list[tuple[object, ...]] = [("produce", 1000, "", site), ("ship", 600, site, dist)]
        at_dist = 600
        while len(steps) < per_lot and at_dist >= 20:
            hospital = HOSPITALS[rng.randrange(len(HOSPITALS))]
            kind = rng.choice(("ship", "ship", "ship", "return"))
            if kind == "ship":
                steps.append(("ship", 20, dist, hospital))
                at_dist -= 20
            else:
                steps.append(("return", 10, dist, site))
                at_dist -= 10
        while len(steps) < per_lot:
            steps.append(("scrap", 1, site, ""))
        for offset, (kind, quantity, source, dest) in enumerate(steps[: rows - made]):
            yield ((day + dt.timedelta(days=offset)).isoformat(), kind, di, lot, "", quantity, source, dest,
                   f"DOC-{n}-{offset}")
        made += min(len(steps), rows - made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv", "both"), default="both")
    parser.add_argument("--movement-lots", type=int, default=20_000, help="distinct lots the movements touch")
    parser.add_argument("--keep", action="store_true", help="keep the scratch home (its path is printed)")
    parser.add_argument("--inline-strings", action="store_true",
                        help="write .xlsx as openpyxl write-only does (slower to read) instead of as Excel does")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="mt-import-bench-"))
    work = home / "files"
    work.mkdir()
    paths = AppPaths.resolve(home)
    paths.ensure()
    database = open_embedded(paths)
    report: dict[str, object] = {
        "rows": args.rows, "movement_lots": args.movement_lots, "inline_strings": args.inline_strings,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform(terse=True)}",
        "results": [],
    }
    try:
        upgrade(database.engine)
        for kind, path in master_data(work):
            result = import_file(database.engine, kind=kind, path=path)
            assert result.ok, result.describe()
        formats = ("xlsx", "csv") if args.format == "both" else (args.format,)
        for fmt in formats:
            rng = random.Random(fmt)
            lots = write_rows(work / f"lots.{fmt}", ["di", "lot", "production_date", "expiry_date", "quantity",
                                                     "status"], lot_rows(f"L{fmt[0].upper()}", args.rows, rng),
                              inline_strings=args.inline_strings)
            prefix = f"M{fmt[0].upper()}"
            untimed = write_rows(work / f"movement-lots.{fmt}", ["di", "lot", "production_date", "expiry_date",
                                                                 "quantity", "status"],
                                 lot_rows(prefix, args.movement_lots, rng))
            movements = write_rows(work / f"movements.{fmt}", ["date", "type", "di", "lot", "serial", "quantity",
                                                               "from_party", "to_party", "document_no"],
                                   movement_rows(prefix, args.movement_lots, args.rows, rng),
                                   inline_strings=args.inline_strings)
            for kind, path in (("lots", lots), ("lots (movement lots, not timed)", untimed),
                               ("movements", movements)):
                started = time.perf_counter()
                result = import_file(database.engine, kind=kind.split()[0], path=path)
                wall = time.perf_counter() - started
                assert result.ok, result.describe()
                if "not timed" in kind:
                    continue
                entry = {"kind": kind, "format": fmt, "rows": result.rows, "imported": result.imported,
                         "file_mb": round(path.stat().st_size / 1e6, 1), "wall_s": round(wall, 2),
                         **{f"{k}_s": v for k, v in result.seconds.items()},
                         "rows_per_s": round(result.rows / wall), "within_budget": wall <= BUDGET_S}
                report["results"].append(entry)  # type: ignore[union-attr] — a list above
                print(f"{kind:10s} {fmt:4s} {result.rows:>7,} rows {entry['file_mb']:>5} MB  wall {wall:6.2f} s "
                      f"(parse {result.seconds['parse']:.2f}, validate {result.seconds['validate']:.2f}, "
                      f"write {result.seconds['write']:.2f})  {entry['rows_per_s']:,} rows/s", flush=True)
    finally:
        database.close(stop_server=True)
        if args.keep:
            print(f"scratch home kept: {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
