"""A streaming replica for the heavy reads, proven with two real servers on this machine (DESIGN §2).

A primary (wal_level = replica) and a hot standby made from it by `pg_basebackup -R`, both scratch
clusters running the embedded server's PostgreSQL. A person signs in on the primary as at the GUI; the
traces, reports and dashboard of the read path are served by the standby (the connection they used is
in recovery), row-level security holds there, writes and signatures stay on the primary, and a replica
that is stopped or lagging past the profile's limit is reported and its reads fall back to the primary.
"""

from __future__ import annotations

import io
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from app.cli import main
from app.config import SERVER, AppPaths, Profile, save_profile
from app.db.engine import Database, open_server, server_target
from app.db.replica import DOWN, LAGGING, NONE, REPLICA
from app.db.uow import UnitOfWork
from app.errors import ComplianceError, ConcurrentChange
from app.services.dashboard import dashboard_snapshot
from app.services.identity import SignedIn, person_args, person_database
from app.services.reports import export_report
from app.services.trace import trace_lot
from tests.factories import make_lot
from tests.integration.replica_pair import MAX_LAG, PASSWORD, Pair, Someone, make_someone, running_pair


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with running_pair(tmp_path_factory.mktemp("replica")) as started:
        yield started


def _base(pair: Pair) -> dict[str, str]:
    return pair.base()


@pytest.fixture(scope="module")
def warehouse_person(pair: Pair) -> Someone:
    """A warehouse person on the primary (may create lots and products)."""
    return make_someone(pair, "warehouse", "regulatory")


@pytest.fixture(scope="module")
def session(pair: Pair, warehouse_person: Someone) -> SignedIn:
    """Signed in on the primary as at the GUI (one sign-in for the module: each TOTP code is accepted once)."""
    return warehouse_person.sign_in(pair)


@pytest.fixture(scope="module")
def signed_in(pair: Pair, session: SignedIn) -> Iterator[Database]:
    """The person's pools as the GUI builds them after sign-in, on a profile that names the standby."""
    database = person_database(server_target(pair.profile()), session, PASSWORD)
    yield database
    database.close()


def _in_recovery(uow: UnitOfWork) -> bool:
    with uow:
        return bool(uow.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one())


def _make_lot(database: Database, lot_no: str) -> None:
    with database.uow() as uow:
        make_lot(uow.session, lot_no=lot_no)
        uow.commit()


def test_a_profile_without_a_replica_reads_from_the_primary(pair: Pair) -> None:
    database = open_server(Profile(name="p", kind=SERVER, host="127.0.0.1", port=pair.primary.port,
                                   sslmode="disable"), user="medtrace_gate", password="medtrace-gate")
    try:
        assert database.replica_status().state == NONE
        assert _in_recovery(database.read_uow()) is False
    finally:
        database.close()


def test_reads_go_to_the_replica_and_see_what_was_written_on_the_primary(pair: Pair, signed_in: Database) -> None:
    status = signed_in.replica_status(refresh=True)
    assert status.state == REPLICA, status.detail
    assert status.lag_seconds == 0
    _make_lot(signed_in, "REP-0001")
    pair.wait_for_replay()
    read = signed_in.read_uow()
    assert _in_recovery(read) is True
    with signed_in.read_uow() as uow:  # row-level security let the verified session read there
        seen = uow.session.execute(text("SELECT count(*) FROM lot WHERE lot_no = 'REP-0001'")).scalar_one()
    assert seen == 1


def test_the_replica_shows_nothing_to_a_session_without_the_token(pair: Pair, warehouse_person: Someone) -> None:
    """Row-level security on the standby: the password alone (no verified session) reads no GMP row."""
    pair.wait_for_replay()
    replica = {**pair.profile().replica_connect_args()}
    with psycopg.connect(**person_args(replica, warehouse_person.login, PASSWORD), autocommit=True) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
        assert conn.execute("SELECT count(*) FROM lot").fetchone()[0] == 0
        conn.execute("SELECT set_config('medtrace.session_token', 'not-a-token', false)")
        assert conn.execute("SELECT count(*) FROM lot").fetchone()[0] == 0


def test_trace_report_and_dashboard_read_on_the_replica(pair: Pair, signed_in: Database, tmp_path: Path) -> None:
    """Each service runs inside a read unit of work whose connection is the standby's (blocks nest: the
    service joins the transaction the test opened)."""
    _make_lot(signed_in, "REP-0002")
    pair.wait_for_replay()
    signed_in.replica_status(refresh=True)
    uow = signed_in.read_uow()
    with uow:
        assert _in_recovery(uow)
        result = trace_lot(uow, direction="forward", lot_no="REP-0002")
    assert result.start.lot_no == "REP-0002"
    uow = signed_in.read_uow()
    with uow:
        assert _in_recovery(uow)
        counts = dashboard_snapshot(uow)  # every tile, as the Dashboard reads them
    assert counts.total_lots >= 1
    read = signed_in.read_uow()
    with read:
        assert _in_recovery(read)
        exported = export_report(signed_in.uow(), read_uow=read, report="trace", params={"lot": "REP-0002"},
                                 fmt="xlsx", out=tmp_path / "trace.xlsx", language="en")
    assert exported.path.exists()
    # The export's record (a write) is on the primary's audit trail.
    with signed_in.uow() as write:
        recorded = write.session.execute(text(
            "SELECT pg_is_in_recovery(), count(*) FROM audit_entry WHERE record_id = :n"),
            {"n": exported.number}).one()
    assert tuple(recorded) == (False, 1)


def test_an_account_that_signed_in_is_not_shown_locked_on_the_replica(pair: Pair, signed_in: Database,
                                                                       warehouse_person: Someone) -> None:
    """The failure counter is a sequence, which a standby sees logged ahead (measured: 33 there, 2 on the
    primary, which would read as 31 failures): on a standby only password failures are counted."""
    pair.wait_for_replay()
    query = f"SELECT mt_is_locked(id), pg_sequence_last_value(attempts_seq) FROM person WHERE login = " \
            f"'{warehouse_person.login}'"
    assert pair.primary.psql(query, database="medtrace").strip().startswith("f|")
    assert pair.standby.psql(query, database="medtrace").strip().startswith("f|")


def test_a_write_through_the_read_path_is_refused(pair: Pair, signed_in: Database) -> None:
    for_replica = signed_in.read_uow()
    assert _in_recovery(for_replica)
    with pytest.raises(ComplianceError, match="only reads records"), signed_in.read_uow() as uow:
        uow.session.execute(text("UPDATE lot SET quantity = quantity + 1"))
        uow.commit()


def test_a_write_then_a_read_sees_the_write(pair: Pair, signed_in: Database) -> None:
    """Read-your-writes: until the replica has replayed this workstation's commit, reads use the primary."""
    signed_in.replica_status(refresh=True)
    _make_lot(signed_in, "REP-0003")
    with signed_in.read_uow() as uow:
        seen = uow.session.execute(text("SELECT count(*) FROM lot WHERE lot_no = 'REP-0003'")).scalar_one()
    assert seen == 1


def test_a_stopped_replica_is_reported_and_reads_fall_back_to_the_primary(pair: Pair, signed_in: Database) -> None:
    assert signed_in.replica_status(refresh=True).state == REPLICA
    pair.standby.stop_server()
    try:
        # The very next read notices (no need to wait for the next check) and uses the primary.
        assert _in_recovery(signed_in.read_uow()) is False
        assert signed_in.replica_status().state == DOWN
        status = signed_in.replica_status(refresh=True)
        assert status.state == DOWN
        assert status.detail == f"The replica at 127.0.0.1:{pair.standby.port} cannot be reached."
        assert _in_recovery(signed_in.read_uow()) is False
        _make_lot(signed_in, "REP-0004")  # writes never needed the replica
        with pytest.raises(ComplianceError, match="only reads records"), signed_in.read_uow() as uow:
            uow.session.execute(text("UPDATE lot SET quantity = quantity + 1"))  # read-only on the primary too
        with signed_in.read_uow() as uow:
            assert uow.session.execute(text("SELECT count(*) FROM lot WHERE lot_no = 'REP-0004'")).scalar_one() == 1
    finally:
        pair.standby.start()
        pair.standby.wait_until_hot()
    pair.wait_for_replay()
    assert signed_in.replica_status(refresh=True).state == REPLICA  # back on the replica once it is up


def test_a_server_that_is_not_a_standby_is_never_read_as_the_replica(pair: Pair, session: SignedIn) -> None:
    """A promoted former replica may hold data the primary never had: it is reported, reads stay on the primary."""
    profile = pair.profile(replica_port=pair.primary.port)  # "the replica" is the primary itself
    database = person_database(server_target(profile), session, PASSWORD)
    try:
        status = database.replica_status(refresh=True)
        assert status.state == DOWN
        assert "is not a replica (it accepts writes)" in status.detail
    finally:
        database.close()


def test_db_status_says_where_the_heavy_reads_go(pair: Pair, warehouse_person: Someone, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    paths = AppPaths.resolve(tmp_path / "home")
    save_profile(paths, pair.profile())
    pair.wait_for_replay()
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n{warehouse_person.code()}\n"))
    code = main(["db", "status", "--json", "--profile", "plant", "--user", warehouse_person.login,
                 "--credentials-stdin", "--home", str(tmp_path / "home")])
    out = capsys.readouterr().out
    assert code == 0, out
    status = json.loads(out)
    assert status["at_head"] is True  # the fields that were there before are kept
    assert status["replica_configured"] is True
    assert status["replica_where"] == f"127.0.0.1:{pair.standby.port}"
    assert status["replica_max_lag_seconds"] == MAX_LAG
    assert status["replica_state"] == "replica" and status["reads_from"] == "replica"


def test_db_status_of_the_embedded_database_has_no_replica(app_paths: AppPaths,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status", "--json", "--home", str(app_paths.config_dir.parent)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["replica_configured"] is False and status["reads_from"] == "primary"


def test_an_idle_primary_does_not_make_the_replica_look_behind(pair: Pair, signed_in: Database) -> None:
    """Measured by WAL position: with nothing to replay, the age of the last replayed commit is not lag."""
    _make_lot(signed_in, "REP-0006")
    pair.wait_for_replay()
    time.sleep(MAX_LAG + 1)
    status = signed_in.replica_status(refresh=True)
    assert status.state == REPLICA, status.detail
    assert status.lag_seconds == 0


def test_a_read_the_replica_cancels_for_replay_says_so(pair: Pair, signed_in: Database) -> None:
    """With no delay allowed for replay, a standby cancels a read whose snapshot a vacuum on the primary
    outdates: the person is told what happened, not that someone changed the same records."""
    pair.standby.psql("ALTER SYSTEM SET max_standby_streaming_delay = 0")
    pair.standby.psql("SELECT pg_reload_conf()")
    errors: list[BaseException] = []

    def long_read() -> None:
        try:
            with signed_in.read_uow() as uow:
                assert uow.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one()
                uow.session.execute(text("SELECT pg_sleep(8)"))
        except BaseException as exc:  # noqa: BLE001 — handed to the test thread
            errors.append(exc)

    try:
        signed_in.replica_status(refresh=True)
        reader = threading.Thread(target=long_read)
        reader.start()
        time.sleep(1)
        # Rows deleted by a later transaction than the one that inserted them: their removal conflicts.
        pair.primary.psql("CREATE TABLE replay_conflict AS SELECT generate_series(1, 1000) AS n", database="medtrace")
        pair.primary.psql("DELETE FROM replay_conflict", database="medtrace")
        pair.primary.psql("VACUUM replay_conflict", database="medtrace")
        reader.join(30)
    finally:
        pair.primary.psql("DROP TABLE IF EXISTS replay_conflict", database="medtrace")
        pair.standby.psql("ALTER SYSTEM RESET max_standby_streaming_delay")
        pair.standby.psql("SELECT pg_reload_conf()")
    assert len(errors) == 1 and isinstance(errors[0], ConcurrentChange), errors
    assert errors[0].message == "The replica cancelled this read while it applied changes from the primary."
    assert "hot_standby_feedback" in (errors[0].hint or "")


def test_a_replica_lagging_past_the_limit_is_shown_and_reads_fall_back(pair: Pair, signed_in: Database) -> None:
    assert signed_in.replica_status(refresh=True).state == REPLICA
    pair.standby.psql("SELECT pg_wal_replay_pause()")
    try:
        _make_lot(signed_in, "REP-0005")
        time.sleep(MAX_LAG + 1.5)
        status = signed_in.replica_status(refresh=True)
        assert status.state == LAGGING, status
        assert status.lag_seconds is not None and status.lag_seconds > MAX_LAG
        assert f"more than {MAX_LAG} s" in status.detail
        assert _in_recovery(signed_in.read_uow()) is False
    finally:
        pair.standby.psql("SELECT pg_wal_replay_resume()")
    pair.wait_for_replay()
    assert signed_in.replica_status(refresh=True).state == REPLICA
