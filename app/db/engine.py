"""Engines for the embedded server and for shared servers, with connection failures made readable."""

from __future__ import annotations

import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field

import psycopg
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from app.config import AppPaths, Profile
from app.db.embedded import EmbeddedServer
from app.db.replica import ReadRoute, ReplicaStatus
from app.db.uow import UnitOfWork
from app.errors import DatabaseUnavailable

CHANNEL = "medtrace_changes"


def workstation_name() -> str:
    """Recorded with every connection (application_name) so audit entries say where a change came from."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", socket.gethostname())[:40]


def _engine_for(connect_args: Mapping[str, str], *, pool_size: int = 5) -> Engine:
    args = {"application_name": f"medtrace@{workstation_name()}", "connect_timeout": "10", **connect_args}
    engine = create_engine(
        "postgresql+psycopg://",
        connect_args=args,
        hide_parameters=True,  # error messages never carry bound values (a code, a verifier)
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )

    @event.listens_for(engine, "connect")
    def _utc_session(dbapi_connection: psycopg.Connection, _record: object) -> None:
        # Stored in UTC (timestamptz); the GUI converts to the workstation's zone for display.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    return engine


def retire_engine(engine: Engine) -> None:
    """Close an engine's pool for good, including connections that background work still holds.

    `Engine.dispose()` closes only the connections that are checked in; one that an operation is still
    using (the daily expiry job, a report) would go back into the orphaned pool when it finishes and stay
    open until garbage collection finds it. Here the old pool closes each one as it comes back.
    """
    retired = engine.pool
    engine.dispose()

    @event.listens_for(retired, "checkin")
    def _close_on_return(_dbapi_connection: object, record: object) -> None:
        if record is not None:
            record.invalidate()  # type: ignore[attr-defined]  # closes the DBAPI connection


def explain_connection_failure(exc: BaseException, where: str) -> DatabaseUnavailable:
    """One clear sentence and a next step for every way a connection fails; never the password."""
    detail = str(getattr(exc, "orig", exc) or exc)
    lowered = detail.lower()
    if "certificate verify failed" in lowered or ("certificate" in lowered and "ssl" in lowered):
        return DatabaseUnavailable.of("connection.untrusted_certificate", where=where)
    if "does not match host name" in lowered or "server certificate for" in lowered:
        return DatabaseUnavailable.of("connection.certificate_name_mismatch", where=where)
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return DatabaseUnavailable.of("connection.wrong_password")
    if "database" in lowered and "does not exist" in lowered:
        return DatabaseUnavailable.of("connection.no_database", where=where)
    if any(s in lowered for s in ("could not translate host name", "name or service not known")):
        return DatabaseUnavailable.of("connection.unknown_host", where=where)
    return DatabaseUnavailable.of("connection.unreachable", where=where)


@dataclass
class Database:
    """An engine plus what is needed to reach the same database again (further sessions, listeners).

    With a replica (`replica_engine`, a pool on the profile's streaming replica), `read_uow()` gives the
    heavy reads a READ ONLY unit of work there while it is up and close enough behind, and on the
    primary otherwise; `uow()` (every write, every signature) is always the primary.
    """

    engine: Engine
    connect_args: dict[str, str] = field(repr=False)  # may hold a password: never printed
    where: str
    server: EmbeddedServer | None = None
    started_server: bool = False
    replica_engine: Engine | None = None
    replica_args: dict[str, str] | None = field(default=None, repr=False)  # the replica's libpq keywords
    replica_where: str = ""
    replica_max_lag_seconds: int = 30
    _closed: bool = field(default=False, repr=False)
    reads: ReadRoute = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Lambdas, not the engines: the workstation replaces its pools when the person unlocks.
        self.reads = ReadRoute(lambda: self.engine, lambda: self.replica_engine, where=self.replica_where,
                               max_lag_seconds=self.replica_max_lag_seconds)

    def uow(self) -> UnitOfWork:
        """A unit of work on the primary; its commits tell the read path to look for them (read-your-writes)."""
        return UnitOfWork.for_engine(self.engine, on_commit=self.reads.note_write)

    def read_uow(self) -> UnitOfWork:
        """A READ ONLY unit of work for traces, reports and the dashboard (the replica when it may be used)."""
        return self.reads.read_uow()

    def replica_status(self, *, refresh: bool = False) -> ReplicaStatus:
        return self.reads.status(refresh=refresh)

    def raw_connection(self, **overrides: str) -> psycopg.Connection:
        """A plain psycopg connection with the same parameters (LISTEN, a signer's fresh connection)."""
        args = {"application_name": f"medtrace@{workstation_name()}", **self.connect_args, **overrides}
        try:
            return psycopg.connect(**args, autocommit=True)
        except psycopg.OperationalError as exc:
            raise explain_connection_failure(exc, self.where) from None

    def release_pools(self) -> None:
        """Close the primary's and the replica's pools (the server, if any, keeps running)."""
        retire_engine(self.engine)
        if self.replica_engine is not None:
            retire_engine(self.replica_engine)

    def close(self, *, stop_server: bool | None = None) -> None:
        """Release connections; stop the embedded server if this process started it."""
        if self._closed:
            return
        self._closed = True
        self.release_pools()
        if self.server is not None and (self.started_server if stop_server is None else stop_server):
            self.server.stop()


def open_embedded(paths: AppPaths, *, database: str | None = None) -> Database:
    """Start (or join) the private server and connect as its owner."""
    server = EmbeddedServer(paths.pgdata)
    started = server.start()
    args = server.connect_args(database) if database else server.connect_args()
    return _checked(Database(_engine_for(args), args, "this computer", server, started))


def open_server(profile: Profile, *, user: str, password: str) -> Database:
    """Connect to a shared server as a person (TLS verified per the profile; SCRAM by the server).

    Only the primary is checked here: a replica that is down must not stop anyone from working (its
    reads go to the primary, and the read path says so)."""
    args = {**profile.connect_args(), "user": user, "password": password}
    replica_args = {**profile.replica_connect_args(), "user": user, "password": password} \
        if profile.has_replica else None
    return _checked(Database(_engine_for(args), args, f"{profile.host}:{profile.port}",
                             **_replica_fields(profile, replica_args)))


def server_target(profile: Profile) -> Database:
    """Where a shared server is, before anyone signs in: no connection is opened (people sign in
    with their own credentials; there is no owner connection to a shared server)."""
    args = profile.connect_args()
    replica_args = profile.replica_connect_args() if profile.has_replica else None
    return Database(_engine_for(args), args, f"{profile.host}:{profile.port}",
                    replica_args=replica_args, replica_where=profile.replica_where,
                    replica_max_lag_seconds=profile.replica_max_lag_seconds)


def _replica_fields(profile: Profile, replica_args: dict[str, str] | None) -> dict[str, object]:
    if replica_args is None:
        return {}
    return {"replica_engine": _engine_for(replica_args), "replica_args": replica_args,
            "replica_where": profile.replica_where, "replica_max_lag_seconds": profile.replica_max_lag_seconds}


def _checked(db: Database) -> Database:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        db.close()
        raise explain_connection_failure(exc, db.where) from None
    return db
