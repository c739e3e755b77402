"""The Dashboard's numbers come straight from the database: lots, the release queue, the audit chain, alerts."""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.models import Deviation, QcResult
from app.models.enums import DeviationStatus, LotStatus
from app.services.audit_trail import (
    Problem,
    Verification,
    record_verification,
    seal_audit_trail,
    verify_audit_trail,
)
from app.services.dashboard import dashboard_counts, dashboard_snapshot
from app.services.identity import person_engine, sign_in
from tests.factories import make_lot, make_product

TODAY = dt.date(2026, 3, 1)


def _lot(session: Session, status: LotStatus, expires_in_days: int) -> None:
    make_lot(
        session,
        status=status,
        production_date=TODAY - dt.timedelta(days=400),
        expiry_date=TODAY + dt.timedelta(days=expires_in_days),
    )


def test_lots_are_counted_per_status_including_statuses_with_none(session: Session, uow: UnitOfWork) -> None:
    _lot(session, LotStatus.QUARANTINE, 500)
    _lot(session, LotStatus.QUARANTINE, 500)
    _lot(session, LotStatus.RELEASED, 500)

    counts = dashboard_counts(uow, today=TODAY)

    assert counts.lots_by_status[LotStatus.QUARANTINE] == 2
    assert counts.lots_by_status[LotStatus.RELEASED] == 1
    assert counts.lots_by_status[LotStatus.RECALLED] == 0
    assert counts.total_lots == 3


def test_expiring_lots_are_counted_in_30_and_90_day_windows_only_while_in_circulation(
    session: Session, uow: UnitOfWork
) -> None:
    _lot(session, LotStatus.RELEASED, 0)  # last day of use is today: still counts
    _lot(session, LotStatus.RELEASED, 30)
    _lot(session, LotStatus.ON_HOLD, 31)
    _lot(session, LotStatus.QUARANTINE, 90)
    _lot(session, LotStatus.RELEASED, 91)
    _lot(session, LotStatus.RELEASED, -1)  # already past its expiry date
    _lot(session, LotStatus.REJECTED, 10)  # out of circulation
    _lot(session, LotStatus.RECALLED, 10)

    counts = dashboard_counts(uow, today=TODAY)

    assert counts.expiring_within == {30: 2, 90: 4}


def test_only_open_deviations_are_counted(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session, product=make_product(session))
    session.add_all([
        Deviation(lot_id=lot.id, number="DEV-1", title="Seal strength low", opened_on=TODAY),
        Deviation(lot_id=lot.id, number="DEV-2", title="Label smudged", opened_on=TODAY),
        Deviation(lot_id=lot.id, number="DEV-3", title="Closed one", opened_on=TODAY,
                  status=DeviationStatus.CLOSED, closed_on=TODAY),
    ])
    session.flush()

    assert dashboard_counts(uow, today=TODAY).open_deviations == 2


def test_the_day_counted_from_is_the_database_servers_date(session: Session, uow: UnitOfWork) -> None:
    server_today = session.execute(text("SELECT current_date")).scalar_one()

    assert dashboard_counts(uow).as_of == server_today


# -- the snapshot behind every tile ------------------------------------------------------------------


def _qc(session: Session, lot_id: int, *, passed: bool) -> None:
    session.add(QcResult(lot_id=lot_id, test_name="Seal strength", specification="≥ 1.5 N", result="1.8 N",
                         passed=passed, tested_on=TODAY))
    session.flush()


def test_the_release_queue_tile_counts_lots_per_stage_and_tells_ready_from_blocked(
    session: Session, uow: UnitOfWork
) -> None:
    before = dashboard_snapshot(uow).release
    ready = make_lot(session, status=LotStatus.QUARANTINE)
    _qc(session, ready.id, passed=True)  # only the reviewer's own steps left
    failed = make_lot(session, status=LotStatus.QUARANTINE)
    _qc(session, failed.id, passed=False)
    deviating = make_lot(session, status=LotStatus.QUARANTINE)
    _qc(session, deviating.id, passed=True)
    session.add(Deviation(lot_id=deviating.id, number="DEV-Q1", title="Seal strength low", opened_on=TODAY))
    make_lot(session, status=LotStatus.QUARANTINE)  # no QC results at all: blocked
    make_lot(session, status=LotStatus.ON_HOLD)
    make_lot(session, status=LotStatus.RELEASED)  # not in the queue
    session.flush()

    release = dashboard_snapshot(uow).release

    review = release.stage("review")
    assert review.total == before.stage("review").total + 4
    assert review.blocked == before.stage("review").blocked + 3
    assert review.ready == before.stage("review").ready + 1
    assert review.by_age[0] == before.stage("review").by_age[0] + 4  # all four created today
    assert release.stage("hold").total == before.stage("hold").total + 1
    assert release.total == before.total + 5


def test_the_audit_tile_shows_the_last_seal_and_the_last_verification_with_its_outcome(committed: Database) -> None:
    # The chain is built at commit (migration 0003), so this test commits, as the owner.
    with committed.raw_connection() as conn:
        with Session(committed.engine) as session:
            make_lot(session)
            session.commit()
        verification = verify_audit_trail(conn)
        record_verification(conn, verification)
        seal_audit_trail(conn, Ed25519PrivateKey.generate(), occasion="manual")
        with Session(committed.engine) as session:
            make_lot(session)  # one more audited change after the seal
            session.commit()
        owner = conn.execute("SELECT session_user").fetchone()[0]
        head = conn.execute("SELECT position FROM audit_head").fetchone()[0]

    audit = dashboard_snapshot(UnitOfWork.for_engine(committed.engine)).audit

    assert audit.last_verify_ok is True
    assert audit.last_verified_by == owner
    assert audit.last_sealed_at is not None and audit.last_sealed_by == owner
    assert audit.entries == head
    assert audit.entries_since_seal >= 1
    assert not audit.tampering_suspected


def test_a_failed_verification_raises_the_tampering_banner_until_one_succeeds(
    session: Session, uow: UnitOfWork
) -> None:
    conn = session.connection().connection.driver_connection
    broken = Verification(10, 0, 0, None, (Problem(4, 4, "the hash does not match"),), 0.1)
    record_verification(conn, broken)

    audit = dashboard_snapshot(uow).audit
    assert audit.tampering_suspected
    assert audit.last_verify_problem == "entry 4, position 4: the hash does not match"

    record_verification(conn, Verification(10, 0, 0, None, (), 0.1))
    assert not dashboard_snapshot(uow).audit.tampering_suspected


def test_security_alerts_are_read_only_for_people_who_may_see_them(session: Session, uow: UnitOfWork) -> None:
    assert dashboard_snapshot(uow, groups=("qa_reviewer", "auditor")).security is None


def test_administrators_see_locked_accounts_and_unacknowledged_alerts(database: Database, make_person) -> None:
    admin = make_person("admin")
    victim = make_person("qa_reviewer")
    with admin.verified_connection() as conn:
        conn.execute("SELECT mt_lock_person(%s, %s)", (victim.login, "Left the company"))
    session = sign_in(database.connect_args, login=admin.login, password=admin.password, code=admin.next_code())
    engine = person_engine(database.connect_args, admin.login, admin.password, session)
    try:
        security = dashboard_snapshot(UnitOfWork.for_engine(engine), groups=admin.groups).security
    finally:
        engine.dispose()

    assert security is not None
    assert victim.login in {a.login for a in security.locked}
    assert any(login == victim.login and kind == "account_locked" for _at, kind, login in security.recent_alerts)
    assert security.unacknowledged_alerts >= 1


def test_the_snapshot_counts_lots_as_the_counts_do(session: Session, uow: UnitOfWork) -> None:
    _lot(session, LotStatus.RECALLED, 500)

    snapshot = dashboard_snapshot(uow)

    assert snapshot.lots_by_status == dashboard_counts(uow).lots_by_status
    assert snapshot.as_of == session.execute(text("SELECT current_date")).scalar_one()


def test_reading_the_dashboard_leaves_no_connection_holding_a_transaction(database: Database) -> None:
    # The expiry tile calls a service that opens its own block inside the snapshot's: the nested block
    # must join the snapshot's transaction, not orphan it idle in transaction with its locks held.
    uow = UnitOfWork.for_engine(database.engine)
    dashboard_snapshot(uow)

    with database.raw_connection() as conn:
        idle = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert idle == 0
