"""Unit of work: a service owns one transaction; nothing is kept unless it commits."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

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


def translate_db_error(exc: DBAPIError) -> MedTraceError:
    """The database's own words for rule violations; plain language for the rest."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or ""
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or str(orig).splitlines()[0]
    hint = getattr(diag, "message_hint", None)
    if sqlstate in MEDTRACE_SQLSTATES:
        return MEDTRACE_SQLSTATES[sqlstate](primary, hint=hint)
    if sqlstate == "40001" and "conflict with recovery" in primary:
        # A hot standby cancels a read whose rows its replay must remove (the replica's own words).
        return ConcurrentChange(
            "The replica cancelled this read while it applied changes from the primary.",
            hint="Try again. If it keeps happening with long reports, ask your database administrator to turn on "
                 "hot_standby_feedback on the replica.")
    if sqlstate in ("40001", "40P01"):
        return ConcurrentChange(
            "Someone else changed the same records at the same moment.", hint="Reload and try again."
        )
    if sqlstate == "23505":
        return InvalidInput(f"This record already exists ({primary}).")
    if sqlstate.startswith("23"):
        return InvalidInput(f"The database refused the data: {primary}.")
    if sqlstate == "25006":  # read_only_sql_transaction: a write attempted through the read path
        return ComplianceError(
            "This view only reads records; the change was not made.",
            hint="Changes and signatures are made from the page for them, on the primary database.")
    if sqlstate == "42501":
        return ComplianceError("You do not have permission to do this.", hint=primary)
    if sqlstate.startswith("08") or exc.connection_invalidated or sqlstate == "57P01":
        return DatabaseUnavailable(
            "The connection to the database was lost; nothing was saved.",
            hint="Check the network or the server, then try again.",
        )
    return ComplianceError(f"The database refused the operation: {primary}.", hint=hint)
