"""`make bench`: build the reference data set once, then run every benchmark; figures go to RESULTS.md by hand.

    python -m bench [--home DIR] [--only NAME ...]

DIR (default .medtrace-bench/) holds the large reference data set of DESIGN §7, created with
`medtrace demo seed --scale large` the first time (about two minutes here). Benchmarks that need their
own scratch data (audit, import, reports) make it themselves.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from app.config import AppPaths
from app.db.embedded import EmbeddedServer

ON_REFERENCE = ("lots_page", "trace", "identity", "backup", "recall", "expiry", "dashboard", "startup")
SCRATCH = {"audit": ["--home", "{scratch}/audit"], "import_100k": [], "reports": [], "recall_report": []}


def _python(*args: str) -> int:
    print(f"\n$ python {' '.join(args)}", flush=True)
    return subprocess.call([sys.executable, *args])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", default=".medtrace-bench", help="home of the large reference data set")
    parser.add_argument("--only", nargs="*", choices=[*ON_REFERENCE, *SCRATCH], help="run only these")
    args = parser.parse_args()
    home = Path(args.home).resolve()
    wanted = args.only or [*ON_REFERENCE, *SCRATCH]
    failures = 0
    if any(name in ON_REFERENCE for name in wanted):
        paths = AppPaths.resolve(home)
        if not EmbeddedServer(paths.pgdata).is_initialised():
            failures += _python("-m", "app", "--home", str(home), "db", "upgrade")
            failures += _python("-m", "app", "--home", str(home), "demo", "seed", "--scale", "large")
    for name in wanted:
        extra = [a.format(scratch=home.parent / ".medtrace-bench-scratch") for a in SCRATCH.get(name, [])]
        if name in ON_REFERENCE:
            extra = ["--home", str(home)]
        failures += _python("-m", f"bench.{name}", *extra) != 0
    EmbeddedServer(AppPaths.resolve(home).pgdata).stop()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
