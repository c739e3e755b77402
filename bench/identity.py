"""Identity budgets (issue 3): TOTP verification in the database ≤ 20 ms; row-level security costs ≤ 10 %
on the Lots list and trace queries.

    .venv/bin/python -m bench.identity --home /tmp/mt-large2

Runs against an embedded home at schema head (ideally the large reference data set: `medtrace demo seed
--scale large`). It creates throw-away people named bench.* (each verification consumes a code).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import pyotp
from sqlalchemy import Engine, text

from app.config import AppPaths
from app.db.engine import open_embedded
from app.db.uow import UnitOfWork
from app.models.enums import LotStatus
from app.services.identity import PendingActivation, activate, connect_as, person_engine, sign_in
from app.services.lot_queries import LotFilter, count_lots, fetch_lots
from app.services.trace import trace_lot

PASSWORD = "bench-person-passphrase"  # noqa: S105 — throw-away bench people


def _person(db, login: str, groups: list[str]) -> str:
    """Create (once) and activate a person; returns its seed."""
    seed = pyotp.random_base32(32)
    with db.raw_connection() as owner:
        if owner.execute("SELECT 1 FROM person WHERE login = %s", (login,)).fetchone():
            raise SystemExit(f"{login} exists already: use a fresh home or another --prefix")
        code = owner.execute("SELECT mt_create_person_unchecked(%s, %s, %s)", (login, login, groups)).fetchone()[0]
    pending = sign_in(db.connect_args, login=login, password=code, code="")
    assert isinstance(pending, PendingActivation)
    activate(pending, new_password=PASSWORD, seed=seed, first_code=pyotp.TOTP(seed).at(time.time() - 30))
    pending.close()
    return seed


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _time(run: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", required=True)
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--prefix", default=f"b{int(time.time()) % 10**8}", help="login prefix of the bench people")
    args = parser.parse_args()
    db = open_embedded(AppPaths.resolve(args.home))

    # 1. TOTP verification inside the database, success path, one fresh person per sample.
    verify_ms = []
    for n in range(args.people):
        login = f"{args.prefix}.p{n:03d}"
        seed = _person(db, login, ["auditor"])
        conn = connect_as(db.connect_args, login, PASSWORD)
        code = pyotp.TOTP(seed).now()
        started = time.perf_counter()
        status = conn.execute("SELECT status FROM mt_verify_totp(%s, 15)", (code,)).fetchone()[0]
        verify_ms.append((time.perf_counter() - started) * 1000)
        conn.close()
        assert status == "verified", status
    with db.raw_connection() as owner:
        owner.execute("SELECT mt_totp_match(mt_base32_decode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA'), '000000', now())")
        match_ms = _time(lambda: owner.execute(
            "SELECT mt_totp_match(mt_base32_decode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA'), '000000', now())"
        ).fetchone(), 500)
    print(f"mt_verify_totp (success, new connection): median {statistics.median(verify_ms):.2f} ms, "
          f"p95 {_pct(verify_ms, 0.95):.2f} ms over {len(verify_ms)}")
    print(f"mt_totp_match (window ±1): median {statistics.median(match_ms):.3f} ms, p95 {_pct(match_ms, 0.95):.3f} ms")

    # 2. Row-level security: the same queries as the superuser (RLS bypassed) and as a verified person.
    login = f"{args.prefix}.rls"
    seed = _person(db, login, ["auditor"])
    session = sign_in(db.connect_args, login=login, password=PASSWORD, code=pyotp.TOTP(seed).now())
    person: Engine = person_engine(db.connect_args, login, PASSWORD, session)
    owner: Engine = db.engine
    with owner.connect() as conn:
        max_id = conn.execute(text("SELECT max(id) FROM lot")).scalar()
        lots = [r[0] for r in conn.execute(text(
            "SELECT lot_no FROM lot TABLESAMPLE SYSTEM (1) WHERE lot_no IN (SELECT lot_no FROM lot GROUP BY lot_no "
            "HAVING count(*) = 1 LIMIT 100000) LIMIT 100")).all()] if max_id else []
    # The Lots page's own queries (app/services/lot_queries.py) and the trace service.
    cases = {
        "lots: first page": lambda uow: fetch_lots(uow, filter=LotFilter()),
        "lots: last page": lambda uow: fetch_lots(uow, filter=LotFilter(), from_end=True),
        "lots: first page by expiry": lambda uow: fetch_lots(uow, filter=LotFilter(), sort_key="expiry_date"),
        "lots: released, text '2601'": lambda uow: fetch_lots(
            uow, filter=LotFilter(statuses=(LotStatus.RELEASED,), text="2601")),
        "lots: count, all": lambda uow: count_lots(uow, filter=LotFilter()),
        "lots: count, expiring in 90 days": lambda uow: count_lots(uow, filter=LotFilter(expires_within_days=90)),
    }
    rng = random.Random(7)
    print(f"\n{'query':38} {'superuser ms':>13} {'person ms':>10} {'ratio':>6}")
    for name, case in cases.items():
        results = {}
        for label, engine in (("owner", owner), ("person", person)):
            case(UnitOfWork.for_engine(engine))  # warm
            results[label] = _time(lambda e=engine, c=case: c(UnitOfWork.for_engine(e)), 20)
        a, b = statistics.median(results["owner"]), statistics.median(results["person"])
        print(f"{name:38} {a:13.2f} {b:10.2f} {b / a:6.2f}")
    for label, engine in (("owner", owner), ("person", person)):
        samples = []
        for lot_no in rng.sample(lots, min(50, len(lots))):
            with UnitOfWork.for_engine(engine) as uow:
                started = time.perf_counter()
                trace_lot(uow, direction="forward", lot_no=lot_no)
                samples.append((time.perf_counter() - started) * 1000)
        results[label] = samples
    a, b = statistics.median(results["owner"]), statistics.median(results["person"])
    print(f"{'trace forward, 50 random lots':38} {a:13.2f} {b:10.2f} {b / a:6.2f}")
    person.dispose()
    db.close(stop_server=False)


if __name__ == "__main__":
    main()
