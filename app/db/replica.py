"""Where a heavy read goes: the profile's streaming replica while it is up and close behind, else the primary.

DESIGN §2: past one server, the path is PostgreSQL's own. A profile may name a hot standby that streams
from the primary; traces, reports and the dashboard read there, and every write and every signature
stays on the primary (the read path's transactions are READ ONLY on either server, so a write through
it is refused, never sent to the wrong place).

How far behind the replica is, in seconds, is estimated conservatively (an upper bound), so that a
read never sees data older than the profile allows:

* caught up — the replica has replayed at least the WAL position the primary reported just before: 0 s;
* otherwise the smaller of two upper bounds: the age of the last transaction the replica replayed
  (every later commit on the primary is younger), and the time since the last check at which the
  primary's position was already replayed (all it had then is on the replica now).

A position is compared rather than `now() - pg_last_xact_replay_timestamp()` alone, because that age
grows without bound while the primary is idle although the replica misses nothing.

Read-your-writes: after this workstation commits a write, the next read checks again and stays on the
primary until the replica has replayed that commit, so a page refreshed after a change shows it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db.uow import UnitOfWork
from app.errors import MedTraceError, SessionEnded

log = logging.getLogger(__name__)

# States of the read path (stable values: `medtrace db status --json` prints them).
NONE = "none"  # the profile names no replica: every read goes to the primary
REPLICA = "replica"  # reads go to the replica
LAGGING = "lagging"  # the replica is further behind than the profile allows: reads go to the primary
DOWN = "down"  # the replica cannot be reached (or is not a standby): reads go to the primary

CHECK_INTERVAL_SECONDS = 5.0
# A replica a few milliseconds behind (a commit just made, here or elsewhere) is given this long to replay it
# before it counts as behind: so a page refreshed after a change reads from the replica, and sees the change.
CATCH_UP_POLLS = 4
CATCH_UP_POLL_SECONDS = 0.05
# A replica found down is tried again this much later (a read never waits on it meanwhile).
DOWN_RETRY_SECONDS = 30.0


@dataclass(frozen=True)
class ReplicaStatus:
    """What the read path does now, and why (shown in the status bar and by `medtrace db status`)."""

    state: str
    where: str = ""
    lag_seconds: float | None = None
    max_lag_seconds: int | None = None
    detail: str = ""
    checked_at: dt.datetime | None = None

    @property
    def configured(self) -> bool:
        return self.state != NONE

    @property
    def reads_from_replica(self) -> bool:
        return self.state == REPLICA

    def as_json(self) -> dict[str, object]:
        return {
            "replica_configured": self.configured,
            "replica_state": self.state,
            "replica_where": self.where or None,
            "replica_lag_seconds": None if self.lag_seconds is None else round(self.lag_seconds, 1),
            "replica_max_lag_seconds": self.max_lag_seconds,
            "replica_detail": self.detail or None,
            "reads_from": "replica" if self.reads_from_replica else "primary",
        }


class ReadRoute:
    """Chooses the server of each read unit of work; thread-safe (operations run on worker threads).

    `primary` and `replica` are called for the current engines (the workstation replaces its pools when
    the person unlocks); `replica` may be None (no replica in the profile).
    """

    def __init__(
        self,
        primary: Callable[[], Engine],
        replica: Callable[[], Engine | None] | None = None,
        *,
        where: str = "",
        max_lag_seconds: int = 30,
        check_interval: float = CHECK_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._primary = primary
        self._replica = replica
        self._where = where
        self._max_lag = max_lag_seconds
        self._interval = check_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._status: ReplicaStatus | None = None
        self._checked = float("-inf")
        self._last_write = float("-inf")
        self._caught_up_at: float | None = None  # the last check whose primary position the replica had
        self._factories: dict[int, tuple[Engine, sessionmaker[Session]]] = {}

    @property
    def configured(self) -> bool:
        return self._replica is not None and self._replica() is not None

    def note_write(self) -> None:
        """A write committed on the primary: the next read checks the replica has it (read-your-writes)."""
        with self._lock:
            self._last_write = self._clock()

    def status(self, *, refresh: bool = False) -> ReplicaStatus:
        """The current state, checked again when older than the check interval (or when asked)."""
        if not self.configured:
            return ReplicaStatus(NONE)
        with self._lock:
            now = self._clock()
            interval = DOWN_RETRY_SECONDS if self._status is not None and self._status.state == DOWN \
                else self._interval
            stale = now - self._checked >= interval or self._last_write >= self._checked
            if self._status is not None and not (refresh or stale):
                return self._status
        status = self._check()
        with self._lock:
            self._status, self._checked = status, now
        if status.state != REPLICA:
            log.info("reads go to the primary: %s", status.detail)
        return status

    def read_uow(self) -> UnitOfWork:
        """A READ ONLY unit of work on the replica when it may be used, else on the primary."""
        engine = self._replica() if self._replica is not None else None
        if engine is not None and self.status().reads_from_replica and self._has_my_writes() \
                and self._reachable(engine):
            return UnitOfWork(self._factory(engine))
        return UnitOfWork(self._factory(self._primary()))

    def _reachable(self, engine: Engine) -> bool:
        """A replica that went down since the last check: noted at once, and this read uses the primary."""
        try:
            with engine.connect():
                return True  # the pool pinged the connection it handed out (pool_pre_ping)
        except (DBAPIError, MedTraceError, SQLAlchemyError):
            down = ReplicaStatus(DOWN, where=self._where, max_lag_seconds=self._max_lag,
                                 detail=f"The replica at {self._where} cannot be reached.",
                                 checked_at=dt.datetime.now(dt.UTC))
            with self._lock:
                self._status, self._checked = down, self._clock()
            log.warning("replica %s went down; reads go to the primary", self._where)
            return False

    def _factory(self, engine: Engine) -> sessionmaker[Session]:
        """One read-only session factory per pool (the pools change when the person unlocks)."""
        with self._lock:
            cached = self._factories.get(id(engine))
            if cached is None or cached[0] is not engine:
                alive = {key: value for key, value in self._factories.items()
                         if value[0] in (self._primary(), self._replica() if self._replica else None)}
                cached = (engine, _read_only(engine))
                self._factories = {**alive, id(engine): cached}
            return cached[1]

    def _has_my_writes(self) -> bool:
        """Whether the replica has replayed every write this workstation committed (read-your-writes)."""
        with self._lock:
            if self._last_write == float("-inf"):
                return True
            return self._caught_up_at is not None and self._caught_up_at > self._last_write

    # -- checking ------------------------------------------------------------------------------

    def _check(self) -> ReplicaStatus:
        replica = self._replica() if self._replica is not None else None
        assert replica is not None
        base = {"where": self._where, "max_lag_seconds": self._max_lag, "checked_at": dt.datetime.now(dt.UTC)}
        # Everything committed on the primary before this instant is at or below the position read next.
        before = self._clock()
        try:
            with Session(self._primary()) as primary_session:
                primary_lsn = primary_session.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one()
        except (DBAPIError, MedTraceError, SQLAlchemyError):
            # The primary itself is out of reach: the read that follows reports it in its own words.
            return ReplicaStatus(DOWN, detail="The primary database cannot be reached to compare the replica with.",
                                 **base)
        try:
            with Session(replica) as replica_session:
                for attempt in range(CATCH_UP_POLLS + 1):
                    row = replica_session.execute(text(
                        "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= CAST(:primary AS pg_lsn), "
                        "extract(epoch FROM now() - pg_last_xact_replay_timestamp())"),
                        {"primary": primary_lsn}).one()
                    replica_session.rollback()  # each poll sees the replay position of its own moment
                    if row[1] or not row[0] or attempt == CATCH_UP_POLLS:
                        break
                    time.sleep(CATCH_UP_POLL_SECONDS)
        except SessionEnded:
            # The sign-in (its session token) has not replicated yet, or the session ended meanwhile.
            return ReplicaStatus(LAGGING, detail=f"The replica at {self._where} has not received this sign-in yet.",
                                 **base)
        except (DBAPIError, MedTraceError, SQLAlchemyError) as exc:
            reason = exc.message if isinstance(exc, MedTraceError) else str(getattr(exc, "orig", exc)).split("\n")[0]
            log.warning("replica %s cannot be reached: %s", self._where, reason)
            return ReplicaStatus(DOWN, detail=f"The replica at {self._where} cannot be reached.", **base)
        in_recovery, caught_up, replay_age = row
        if not in_recovery:
            # A promoted (former) replica may hold data the primary never had: never read there.
            return ReplicaStatus(DOWN, detail=f"The server at {self._where} is not a replica (it accepts writes).",
                                 **base)
        lag = self._lag(caught_up=bool(caught_up), replay_age=replay_age, asked_at=before)
        if lag == float("inf"):
            return ReplicaStatus(LAGGING, detail=f"The replica at {self._where} has not replayed anything yet.",
                                 **base)
        if lag > self._max_lag:
            return ReplicaStatus(LAGGING, lag_seconds=lag, detail=(
                f"The replica at {self._where} is {lag:.0f} s behind (more than {self._max_lag} s)."), **base)
        return ReplicaStatus(REPLICA, lag_seconds=lag, **base)

    def _lag(self, *, caught_up: bool, replay_age: float | None, asked_at: float) -> float:
        if caught_up:
            self._caught_up_at = asked_at
            return 0.0
        bounds = [float(replay_age)] if replay_age is not None else []
        if self._caught_up_at is not None:
            bounds.append(self._clock() - self._caught_up_at)
        # Neither bound known (nothing replayed since the replica started, never seen caught up): not usable.
        return max(min(bounds), 0.0) if bounds else float("inf")


def _read_only(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose every transaction is READ ONLY (a write fails, on either server).

    By SET TRANSACTION rather than SQLAlchemy's `postgresql_readonly`, which resets a pooled connection
    to READ WRITE when it is returned — a statement a standby refuses."""
    factory = sessionmaker(engine, expire_on_commit=False)

    @event.listens_for(factory, "after_begin")
    def _read_only_transaction(_session: Session, _transaction: object, connection: Connection) -> None:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")

    return factory
