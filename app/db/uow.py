"""Unit of work: a service owns one transaction; nothing is kept unless it commits."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import TracebackType

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import (
    AlreadyHandled,
    ComplianceError,
    ConcurrentChange,
    DatabaseUnavailable,
    ExpiredLot,
    InvalidInput,
    MedTraceError,
    ReasonRequired,
    SessionEnded,
    ShelfLifeTooShort,
    StockWouldGoNegative,
)
from app.messages import message_of

# SQLSTATEs our triggers and functions raise (class "MT"), and the error each becomes.
MEDTRACE_SQLSTATES: dict[str, type[ComplianceError]] = {
    "MTS01": StockWouldGoNegative,
    "MTV01": InvalidInput,
    "MTR01": ReasonRequired,
    "MTA01": SessionEnded,
    "MTU01": ComplianceError,
    "MTE01": ExpiredLot,
    "MTE02": ShelfLifeTooShort,
    "MTE03": AlreadyHandled,
    "MTE04": InvalidInput,
    "MTC01": ComplianceError,  # the lot is already in an open recall
    "MTC02": InvalidInput,  # a return larger than the consignee holds
    "MTC03": ComplianceError,  # the case cannot be closed yet / is closed
}


class UnitOfWork:
    """`with uow: ...; uow.commit()` — leaving the block without commit rolls everything back.

    Blocks nest: a service that opens `with uow:` inside another service's block joins that
    transaction and leaves it to the outermost block to roll back and close. (A nested block that
    opened a second session would orphan the first one, idle in transaction and holding its locks
    until the process ends.)
    """

    def __init__(self, session_factory: sessionmaker[Session], *,
                 on_commit: Callable[[], None] | None = None) -> None:
        """`on_commit` runs after each successful commit (the read path's read-your-writes)."""
        self._session_factory = session_factory
        self._on_commit = on_commit
        self._depth = 0
        self.session: Session

    @classmethod
    def for_engine(cls, engine: Engine, *, on_commit: Callable[[], None] | None = None) -> UnitOfWork:
        return cls(sessionmaker(engine, expire_on_commit=False), on_commit=on_commit)

    def __enter__(self) -> UnitOfWork:
        if self._depth == 0:
            self.session = self._session_factory()
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return  # the outer block owns the transaction
        try:
            self.session.rollback()
        except DBAPIError:
            pass  # the connection is gone; the server has rolled back for us
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError):
            raise translate_db_error(exc) from exc

    def commit(self) -> None:
        self.session.commit()
        if self._on_commit is not None:
            self._on_commit()

    def rollback(self) -> None:
        self.session.rollback()

    def driver_connection(self) -> psycopg.Connection:
        """The psycopg connection under the session, inside this unit of work's transaction (COPY, the
        services that speak SQL directly)."""
        return self.session.connection().connection.driver_connection  # type: ignore[return-value]


def database_message(diag: object) -> tuple[str | None, list[object]]:
    """The message id and parameters a refusal carries in its DETAIL (migration 0014), if it carries them."""
    detail = getattr(diag, "message_detail", None)
    if not detail or not detail.startswith("{"):
        return None, []
    try:
        return message_of(json.loads(detail))
    except ValueError:
        return None, []


def explain_database_error(orig: BaseException, *, connection_lost: bool = False) -> MedTraceError:
    """The database's own words for rule violations (in the reader's language); plain language for the rest."""
    sqlstate = getattr(orig, "sqlstate", None) or ""
    diag = getattr(orig, "diag", None)
    text = str(orig)
    primary = getattr(diag, "message_primary", None) or (text.splitlines()[0] if text else "")
    hint = getattr(diag, "message_hint", None)
    message_id, params = database_message(diag)
    said = {"hint": hint, "message_id": message_id, "params": params}
    if sqlstate in MEDTRACE_SQLSTATES:
        return MEDTRACE_SQLSTATES[sqlstate](primary, **said)
    if sqlstate.startswith(("MTV", "MTA")):
        return InvalidInput(primary, **said)
    if sqlstate.startswith("MT"):  # every rule of ours words its refusal for people
        return ComplianceError(primary, **said)
    if sqlstate == "40001" and "conflict with recovery" in primary:
        # A hot standby cancels a read whose rows its replay must remove (the replica's own words).
        return ConcurrentChange.of("db.replica_cancelled")
    if sqlstate in ("40001", "40P01"):
        return ConcurrentChange.of("db.concurrent_change")
    if sqlstate == "23505":
        return InvalidInput.of("db.already_exists", detail=primary)
    if sqlstate.startswith("23"):
        return InvalidInput.of("db.refused_data", detail=primary)
    if sqlstate == "25006":  # read_only_sql_transaction: a write attempted through the read path
        return ComplianceError.of("db.read_only")
    if sqlstate == "42501":
        if message_id is not None or (primary and not primary.startswith("permission denied")):
            return ComplianceError(primary, **said)  # the functions' own words
        return ComplianceError.of("db.permission_denied", detail=primary)  # PostgreSQL's own grant check
    if (connection_lost or isinstance(orig, psycopg.OperationalError) or sqlstate.startswith("08")
            or sqlstate == "57P01"):
        return DatabaseUnavailable.of("db.connection_lost")
    if message_id is not None:
        return ComplianceError(primary, **said)
    return ComplianceError.of("db.refused", detail=primary, hint=hint)


def translate_db_error(exc: DBAPIError) -> MedTraceError:
    """`explain_database_error` for an error that came through SQLAlchemy."""
    return explain_database_error(exc.orig if exc.orig is not None else exc,
                                  connection_lost=bool(exc.connection_invalidated))
