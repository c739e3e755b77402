"""Backup, restore and verification of the reference data set, with raw pg_dump / pg_restore beside them.

    .venv/bin/python -m bench.backup --home .medtrace-bench [--scratch DIR]

Times, on the large reference data set of DESIGN §7 (`medtrace demo seed --scale large`):
  1. `back_up_embedded` (snapshot, row counts of every table, pg_dump custom format, roles, tar, SHA-256);
  2. `restore_and_verify` into a new embedded server (check, unpack, initdb, roles, pg_restore, then
     schema, row counts, the whole audit chain, every signature, the PDF record);
  3. beside them, PostgreSQL's own tools alone: `pg_dump --format=custom` and `pg_restore` into a
     fresh database of the same server, so the overhead of the evidence can be read off.
Prints one line per figure; copy them into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from app.config import AppPaths
from app.db.embedded import EmbeddedServer
from app.services.backup import back_up_embedded, embedded_tools, restore_and_verify


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=".medtrace-bench", help="home of the reference data set")
    parser.add_argument("--scratch", help="folder for the backup and the restored copy (default: a temporary one)")
    args = parser.parse_args()
    paths = AppPaths.resolve(args.home)
    server = EmbeddedServer(paths.pgdata)
    if not server.is_initialised():
        raise SystemExit(f"No reference data set in {args.home}: medtrace --home {args.home} demo seed --scale large")
    started_here = server.start()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="medtrace-bench-backup-"))
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        steps: dict[str, float] = {}

        def progress(_done: int, _total: int, label: str) -> None:
            steps[label] = time.perf_counter()

        begin = time.perf_counter()
        result = back_up_embedded(paths.pgdata, out=scratch / "reference.mtbackup", created_by="bench",
                                  progress=progress)
        backup_s = time.perf_counter() - begin
        print(f"backup: {backup_s:.1f} s, {result.size / 1e6:,.0f} MB, {result.manifest.rows:,} rows in "
              f"{len(result.manifest.tables)} tables, audit trail {result.manifest.audit_position:,} entries")

        begin = time.perf_counter()
        outcome = restore_and_verify(scratch / "reference.mtbackup", home=scratch / "restored", generated_by="bench",
                                     progress=progress)
        total_s = time.perf_counter() - begin
        verification = outcome.verification
        print(f"restore: {verification.restore.seconds:.1f} s; verification: {verification.seconds:.1f} s "
              f"(audit chain {verification.audit.entries_checked:,} entries in {verification.audit.seconds:.1f} s, "
              f"{verification.signatures.total:,} signatures); record {outcome.record.pages} page(s); "
              f"restore + verify + record: {total_s:.1f} s; all checks: "
              + ", ".join(f"{c.key}={'ok' if c.ok else 'FAILED'}" for c in verification.checks))

        tools = embedded_tools(paths.pgdata)
        raw = scratch / "raw.dump"
        begin = time.perf_counter()
        dumped = tools.run("pg_dump", "--format=custom", "--no-password", f"--file={raw}", f"--dbname={tools.dbname}")
        raw_dump_s = time.perf_counter() - begin
        assert dumped.returncode == 0, dumped.stderr
        server.psql("DROP DATABASE IF EXISTS bench_raw_restore", database="postgres")
        server.psql("CREATE DATABASE bench_raw_restore", database="postgres")
        begin = time.perf_counter()
        restored = tools.run("pg_restore", "--exit-on-error", "--single-transaction", "--no-password",
                             "--dbname=bench_raw_restore", str(raw))
        raw_restore_s = time.perf_counter() - begin
        server.psql("DROP DATABASE bench_raw_restore", database="postgres")
        assert restored.returncode == 0, restored.stderr
        print(f"raw pg_dump -Fc: {raw_dump_s:.1f} s ({raw.stat().st_size / 1e6:,.0f} MB); "
              f"raw pg_restore --single-transaction: {raw_restore_s:.1f} s")
    finally:
        EmbeddedServer(AppPaths.resolve(scratch / "restored").pgdata).stop()
        if not args.scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        if started_here:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
