"""A pool that is closed while background work still holds one of its connections closes that one too."""

from __future__ import annotations

import time

from sqlalchemy import text

from app.db.engine import Database, _engine_for, retire_engine


def _backends(database: Database, application_name: str, *, settle_to: int | None = None) -> int:
    """Server processes for the name; with settle_to, waits (up to 5 s) for a closed one to exit."""
    deadline = time.monotonic() + 5
    with database.raw_connection() as conn:
        while True:
            count = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (application_name,)
            ).fetchone()[0]
            if settle_to is None or count == settle_to or time.monotonic() > deadline:
                return count
            time.sleep(0.05)


def test_a_connection_in_use_when_the_pool_is_retired_is_closed_when_it_comes_back(database: Database) -> None:
    name = "medtrace-retire-test"
    engine = _engine_for({**database.connect_args, "application_name": name})
    idle = engine.connect()
    idle.close()  # checked in: dispose() alone closes this one
    busy = engine.connect()  # checked out, as by an operation still running on the runner
    dbapi = busy.connection.dbapi_connection
    assert busy.execute(text("SELECT 1")).scalar() == 1
    assert _backends(database, name, settle_to=1) == 1

    retire_engine(engine)
    assert not dbapi.closed  # the running work is not cut off
    assert busy.execute(text("SELECT 2")).scalar() == 2

    busy.close()  # the work finishes and hands the connection back
    assert dbapi.closed
    assert _backends(database, name, settle_to=0) == 0
