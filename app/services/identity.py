"""Signing in, activating an account, and the verified session (DESIGN §3, 21 CFR 11.10(d), 11.300).

PostgreSQL verifies the password (SCRAM) when a connection opens as the person, and the second factor
inside that connection (mt_verify_totp). Only then does row-level security let the connection see
GMP data. Further connections of the same signed-in session present the session token the database
issued, never the one-time code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg import sql
from sqlalchemy import Engine, event

from app.db.engine import Database, _engine_for, explain_connection_failure, workstation_name
from app.db.uow import database_message
from app.errors import (
    AccountLocked,
    ComplianceError,
    InvalidCredentials,
    InvalidInput,
    SessionEnded,
)
from app.security.passwords import check_new_password
from app.security.signing import WrappedKey, new_signing_key, unwrap_private_key

GATE_ROLE = "medtrace_gate"
# Not a secret: the gate can only count failures (see mt_record_login_failure in migration 0002).
GATE_PASSWORD = "medtrace-gate"  # noqa: S105 — documented public credential of the gate role
WRONG = "The user name, password or authenticator code is not correct."


@dataclass(frozen=True)
class Account:
    """The signed-in person as the database knows them."""

    login: str
    printed_name: str
    state: str
    enrolled: bool
    locked: bool
    groups: tuple[str, ...]


@dataclass(frozen=True)
class SignedIn:
    """A verified session: the account and the token further connections present."""

    account: Account
    token: str = field(repr=False)
    idle_minutes: int = 15


@dataclass
class PendingActivation:
    """Signed in with an activation code: the person must choose a password and enrol TOTP now."""

    account: Account
    connection: psycopg.Connection = field(repr=False)

    def close(self) -> None:
        self.connection.close()


def person_args(base: dict[str, str], login: str, password: str) -> dict[str, str]:
    """libpq parameters for the person's own connection, on the same server as `base`."""
    args = {k: v for k, v in base.items() if k not in ("user", "password")}
    return {**args, "user": login, "password": password, "application_name": f"medtrace@{workstation_name()}"}


def _report_failure(base: dict[str, str], login: str) -> None:
    try:
        with psycopg.connect(**person_args(base, GATE_ROLE, GATE_PASSWORD), autocommit=True) as gate:
            gate.execute("SELECT mt_record_login_failure(%s)", (login,))
    except psycopg.Error:
        pass  # the refusal stands either way; an unreachable gate must not reveal anything different


def connect_as(base: dict[str, str], login: str, password: str) -> psycopg.Connection:
    """A fresh connection as the person: PostgreSQL verifies the password (21 CFR 11.200(a))."""
    try:
        return psycopg.connect(**person_args(base, login, password), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        text = str(exc).lower()
        if "not permitted to log in" in text:
            raise AccountLocked.of("identity.account_locked") from None
        if "password authentication failed" in text or "no password supplied" in text or "does not exist" in text:
            _report_failure(base, login)
            raise InvalidCredentials.of("identity.wrong_credentials") from None
        raise explain_connection_failure(exc, f"{base.get('host', '')}:{base.get('port', '')}") from None


def _account(connection: psycopg.Connection) -> Account | None:
    row = connection.execute("SELECT * FROM mt_my_account()").fetchone()
    if row is None:
        return None
    login, printed_name, state, enrolled, locked, groups = row
    return Account(login, printed_name, state, enrolled, locked, tuple(groups))


def verify_second_factor(connection: psycopg.Connection, code: str, idle_minutes: int) -> str:
    """mt_verify_totp in this connection; returns the session token or raises a clear error."""
    status, token = connection.execute(
        "SELECT status, token FROM mt_verify_totp(%s, %s)", (code, idle_minutes)
    ).fetchone()
    if status == "verified":
        return token
    if status == "locked":
        raise AccountLocked.of("identity.locked_after_failures")
    if status == "replayed":
        raise InvalidCredentials.of("identity.code_replayed")
    if status == "not_enrolled":
        raise InvalidInput.of("identity.not_enrolled")
    raise InvalidCredentials.of("identity.wrong_credentials")


def sign_in(
    base: dict[str, str], *, login: str, password: str, code: str, idle_minutes: int = 15
) -> SignedIn | PendingActivation:
    """Password by PostgreSQL, then the TOTP or recovery code by the database's own check."""
    login = login.strip().lower()
    connection = connect_as(base, login, password)
    try:
        account = _account(connection)
        if account is None:
            _report_failure(base, login)
            raise InvalidCredentials.of("identity.wrong_credentials")
        if account.state == "pending":
            pending, connection = PendingActivation(account, connection), None  # the caller closes it
            return pending
        token = verify_second_factor(connection, code, idle_minutes)
        account = _account(connection) or account
    finally:
        if connection is not None:
            connection.close()
    return SignedIn(account, token, idle_minutes)


def scram_verifier(connection: psycopg.Connection, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier, computed here by libpq: the server never sees the password."""
    return connection.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()


def _activation_refused(exc: psycopg.Error) -> InvalidInput:
    """The database's refusal of an activation, with its message id (migration 0014) when it carries one."""
    primary = exc.diag.message_primary
    if not primary:
        return InvalidInput.of("identity.activation_failed", hint=exc.diag.message_hint)
    message_id, params = database_message(exc.diag)
    return InvalidInput(primary, hint=exc.diag.message_hint, message_id=message_id, params=params)


def activate(pending: PendingActivation, *, new_password: str, seed: str, first_code: str) -> list[str]:
    """Choose the password and enrol TOTP; returns the ten recovery codes (shown once)."""
    verdict = check_new_password(new_password, login=pending.account.login,
                                 printed_name=pending.account.printed_name)
    if not verdict.ok:
        raise InvalidInput(verdict.reason, message_id=verdict.message_id, params=verdict.params)
    verifier = scram_verifier(pending.connection, pending.account.login, new_password)
    key = new_signing_key(login=pending.account.login, password=new_password)
    try:
        rows = pending.connection.execute(
            "SELECT * FROM mt_activate(%s, %s, %s, %s, %s, %s)",
            (verifier, seed, first_code.strip(), key.public_key, key.wrapped, key.params),
        ).fetchall()
    except psycopg.errors.RaiseException as exc:
        raise _activation_refused(exc) from None
    except psycopg.Error as exc:
        if exc.sqlstate and exc.sqlstate.startswith("MT"):
            raise _activation_refused(exc) from None
        raise
    return [row[0] for row in rows]


def person_engine(base: dict[str, str], login: str, password: str, session: SignedIn) -> Engine:
    """A pool of the person's own connections; each new one resumes the verified session by token."""
    engine = _engine_for(person_args(base, login, password))

    @event.listens_for(engine, "connect")
    def _resume(dbapi_connection: psycopg.Connection, _record: object) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT mt_resume_session(%s)", (session.token,))
            resumed = cursor.fetchone()[0]
        dbapi_connection.commit()
        if not resumed:
            raise SessionEnded.of("identity.session_ended")

    return engine


def person_replica_engine(replica_base: dict[str, str], login: str, password: str, session: SignedIn) -> Engine:
    """A pool of the person's connections to the profile's streaming replica (reads only).

    A standby cannot record a verified backend, so each connection presents the session token in its
    own setting, which row-level security checks there on every statement (migration 0013). The same
    password, verified by the replica's PostgreSQL: the roles are replicated with the data.
    """
    # A short connect timeout: a replica that is out of reach costs a read at most this, then reads use the
    # primary (and the replica is tried again only later: app.db.replica.DOWN_RETRY_SECONDS).
    engine = _engine_for({**person_args(replica_base, login, password), "connect_timeout": "3"})

    @event.listens_for(engine, "connect")
    def _present_token(dbapi_connection: psycopg.Connection, _record: object) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT set_config('medtrace.session_token', %s, false)", (session.token,))
            cursor.execute("SELECT pg_is_in_recovery(), mt_session_verified()")
            standby, verified = cursor.fetchone()
        dbapi_connection.commit()
        # Not a standby at all: the read path's check says so and never reads there (RLS shows it nothing).
        if standby and not verified:
            # Right after signing in the replica may not have received the session yet; or it ended.
            raise SessionEnded.of("identity.replica_session_unknown")

    return engine


def person_database(target: Database, session: SignedIn, password: str) -> Database:
    """The signed-in person's pools on `target`'s server (and on its replica, when the profile names one)."""
    login = session.account.login
    replica = None
    if target.replica_args is not None:
        replica = person_replica_engine(target.replica_args, login, password, session)
    return Database(person_engine(target.connect_args, login, password, session),
                    person_args(target.connect_args, login, password), target.where,
                    replica_engine=replica,
                    replica_args=person_args(target.replica_args, login, password) if replica is not None else None,
                    replica_where=target.replica_where, replica_max_lag_seconds=target.replica_max_lag_seconds)


def end_session(connection: psycopg.Connection, token: str) -> None:
    connection.execute("SELECT mt_end_session(%s)", (token,))


def touch_session(connection: psycopg.Connection, token: str) -> bool:
    row = connection.execute("SELECT mt_touch_session(%s)", (token,)).fetchone()
    return bool(row and row[0])


def bootstrap_first_admin(owner: psycopg.Connection, *, login: str, printed_name: str) -> str:
    """First run, owner connection: create the first administrator; returns the activation code."""
    return owner.execute(
        sql.SQL("SELECT mt_bootstrap_first_admin(%s, %s)"), (login.strip().lower(), printed_name)
    ).fetchone()[0]


def change_password(
    base: dict[str, str], *, login: str, old_password: str, new_password: str, code: str
) -> None:
    """A person changes their own password (21 CFR 11.300(b)); their signing key is rewrapped under it.

    The old password is proven by PostgreSQL, the TOTP code by the database; the new password reaches
    the server only as a SCRAM verifier, and the same key pair is kept, so earlier signatures verify.
    """
    from app.security.signing import WrappedKey, rewrap

    verdict = check_new_password(new_password, login=login)
    if not verdict.ok:
        raise InvalidInput(verdict.reason, message_id=verdict.message_id, params=verdict.params)
    if new_password == old_password:
        raise InvalidInput.of("identity.password_unchanged")
    connection = connect_as(base, login.strip().lower(), old_password)
    try:
        token = verify_second_factor(connection, code, idle_minutes=5)
        row = connection.execute(
            "SELECT public_key, wrapped_key, wrap_params FROM mt_my_signing_key()"
        ).fetchone()
        if row is None:
            raise InvalidInput.of("identity.no_signing_key")
        public_key, wrapped, params = row
        stored = WrappedKey(bytes(public_key), bytes(wrapped), json.dumps(params, sort_keys=True))
        renewed = rewrap(stored, login=login, old_password=old_password, new_password=new_password)
        connection.execute(
            "SELECT mt_change_password(%s, %s, %s)",
            (scram_verifier(connection, login, new_password), renewed.wrapped, renewed.params),
        )
        end_session(connection, token)
    finally:
        connection.close()


@dataclass(frozen=True)
class Signer:
    """A signing ceremony in progress: the signer's own connection (password proven by PostgreSQL,
    TOTP by the database in that connection) and their unwrapped private key."""

    conn: psycopg.Connection
    login: str
    key_id: int
    private_key: Ed25519PrivateKey


@contextmanager
def signing_session(base_args: dict[str, str], *, login: str, password: str, code: str) -> Iterator[Signer]:
    """21 CFR 11.200(a)(1): both components at each signing. The connection is left in manual commit
    (autocommit off); the session token is ended and the connection closed on the way out."""
    conn = connect_as(base_args, login, password)
    try:
        token = verify_second_factor(conn, code, idle_minutes=5)
        row = conn.execute("SELECT key_id, public_key, wrapped_key, wrap_params FROM mt_my_signing_key()").fetchone()
        if row is None:
            raise ComplianceError.of("identity.no_signing_key")
        key_id, public_key, wrapped, params = row
        private_key = unwrap_private_key(
            WrappedKey(bytes(public_key), bytes(wrapped), json.dumps(params, sort_keys=True)),
            login=login, password=password,
        )
        conn.autocommit = False
        yield Signer(conn, login, key_id, private_key)
        if not conn.closed:
            conn.rollback()  # nothing the ceremony left uncommitted is kept
            conn.autocommit = True
            end_session(conn, token)
    finally:
        conn.close()
