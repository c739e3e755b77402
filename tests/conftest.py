"""Shared fixtures: one real embedded PostgreSQL per test session, schema built by the migrations."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.migrations import upgrade
from app.db.uow import UnitOfWork
from app.errors import MedTraceError
from app.models import GMP_TABLES

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Every password, TOTP seed and code, recovery and activation code the fixtures hand out; the session
# checks at its end that none of them reached the server log.
SECRETS_USED: set[str] = set()


@pytest.fixture(scope="session")
def app_paths(tmp_path_factory: pytest.TempPathFactory) -> AppPaths:
    paths = AppPaths.resolve(tmp_path_factory.mktemp("medtrace-home"))
    paths.ensure()
    return paths


@pytest.fixture(scope="session")
def database(app_paths: AppPaths) -> Iterator[Database]:
    """The embedded server for the whole session, at schema head.

    A server that cannot start ends the session with its reason once, rather than failing every test.
    """
    try:
        db = open_embedded(app_paths)
    except (MedTraceError, OSError) as exc:
        reason = f"{exc.message}\n{exc.hint or ''}" if isinstance(exc, MedTraceError) else repr(exc)
        pytest.exit(f"The embedded PostgreSQL server for the tests did not start: {reason}", returncode=3)
    upgrade(db.engine)
    yield db
    db.close(stop_server=True)
    # Issue 3: after the whole session, no secret a test used may appear in the server's log.
    log = db.server.log_file.read_text(encoding="utf-8", errors="replace") if db.server else ""
    # A six-digit code would match timestamps and pids by chance: it could only leak as a literal.
    leaked = sorted(s for s in SECRETS_USED if (f"'{s}'" if s.isdigit() and len(s) <= 8 else s) in log)
    assert not leaked, f"{len(leaked)} secret(s) used by the tests appear in the PostgreSQL log"


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    """A connection inside an outer transaction that is rolled back after the test."""
    with database.engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with Session(bind=connection, join_transaction_mode="create_savepoint") as s:
        yield s


@pytest.fixture
def uow(connection: Connection) -> UnitOfWork:
    """A unit of work whose commits are savepoints of the test's outer transaction."""
    return UnitOfWork(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    )


def empty_gmp_tables(database: Database) -> None:
    """Test clean-up only: as the superuser, with triggers off (signatures are otherwise final)."""
    with database.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        # Ids keep counting, as in production (records are never removed there): a later test must not
        # find an earlier test's audit history under a reused id.
        conn.execute(text(f"TRUNCATE {', '.join(GMP_TABLES)}, recall_case, work_calendar CASCADE"))


@pytest.fixture
def committed(database: Database) -> Iterator[Database]:
    """For tests that need real commits (other connections, notifications): data removed afterwards."""
    yield database
    empty_gmp_tables(database)


# -- people ------------------------------------------------------------------------------------

import itertools  # noqa: E402 — kept with the fixtures that use it
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import psycopg  # noqa: E402
import pyotp  # noqa: E402

from app.security.signing import new_signing_key  # noqa: E402
from app.services.identity import person_args, scram_verifier  # noqa: E402

_people = itertools.count(1)


@dataclass
class Person:
    """A real login role, activated with a real password and TOTP seed."""

    login: str
    password: str
    seed: str
    groups: tuple[str, ...]
    base: dict[str, str] = field(repr=False)
    last_counter: int = 0
    token: str | None = field(default=None, repr=False)

    def next_code(self) -> str:
        """A code the database has not accepted yet, inside its ±1 step window (waits for the next
        30-second step when this person has used up the codes of the current one)."""
        # Never behind the current step (a code older than one step is refused), never reused.
        counter = max(self.last_counter + 1, int(time.time()) // 30)
        while counter > int(time.time()) // 30 + 1:
            time.sleep(0.5)
        self.last_counter = counter
        code = pyotp.TOTP(self.seed).generate_otp(counter)
        SECRETS_USED.add(code)
        return code

    def connect(self, password: str | None = None) -> psycopg.Connection:
        return psycopg.connect(**person_args(self.base, self.login, password or self.password), autocommit=True)

    def verified_connection(self) -> psycopg.Connection:
        """Signed in like the GUI's pool: one TOTP per person, then the session token."""
        conn = self.connect()
        if self.token and conn.execute("SELECT mt_resume_session(%s)", (self.token,)).fetchone()[0]:
            return conn
        status, token = conn.execute("SELECT * FROM mt_verify_totp(%s, 15)", (self.next_code(),)).fetchone()
        assert status == "verified", status
        self.token = token
        return conn


def activate_with(
    conn: psycopg.Connection, login: str, password: str, seed: str, code: str | Callable[[], str]
) -> list[str]:
    """What the activation dialog does: SCRAM verifier, wrapped signing key, TOTP enrolment.

    `code` may be a function, called only after the slow key wrapping, so the code is fresh."""
    key = new_signing_key(login=login, password=password)
    verifier = scram_verifier(conn, login, password)
    rows = conn.execute(
        "SELECT * FROM mt_activate(%s, %s, %s, %s, %s, %s)",
        (verifier, seed, code() if callable(code) else code, key.public_key, key.wrapped, key.params),
    ).fetchall()
    return [row[0] for row in rows]


@pytest.fixture(scope="session")
def owner_conn(database: Database) -> Iterator[psycopg.Connection]:
    conn = database.raw_connection()
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def make_person(database: Database, owner_conn: psycopg.Connection):
    """Create and activate a person in the given groups (as an administrator would, then the person)."""

    def _make(*groups: str, password: str = "correct horse battery staple") -> Person:
        login = f"p{next(_people):04d}_{'_'.join(g[:3] for g in groups) or 'none'}"[:31]
        code = owner_conn.execute(
            "SELECT mt_create_person_unchecked(%s, %s, %s)", (login, f"测试用户 {login}", list(groups))
        ).fetchone()[0]
        seed = pyotp.random_base32(32)
        enrolled: list[int] = []

        def enrolment_code() -> str:
            # The previous step (still inside the ±1 window) leaves this person two codes right away.
            enrolled.append(int(time.time()) // 30 - 1)
            return pyotp.TOTP(seed).generate_otp(enrolled[0])

        with psycopg.connect(**person_args(database.connect_args, login, code), autocommit=True) as conn:
            recovery = activate_with(conn, login, password, seed, enrolment_code)
        SECRETS_USED.update({password, seed, code, *recovery})
        return Person(login, password, seed, groups, database.connect_args, last_counter=enrolled[0])

    return _make


def person_uow(person: Person) -> UnitOfWork:
    """A unit of work on the person's own verified connections (as the GUI's pool gives them)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    def creator() -> psycopg.Connection:
        conn = person.verified_connection()
        conn.autocommit = False
        return conn

    return UnitOfWork.for_engine(create_engine("postgresql+psycopg://", creator=creator, poolclass=NullPool))


@pytest.fixture
def chain(committed: Database, owner_conn: psycopg.Connection):  # -> tests.integration.recall_scenario.Chain
    """The recall scenario (tests/integration/recall_scenario.py), removed after the test."""
    from tests.integration.recall_scenario import build_chain

    return build_chain(owner_conn)


@pytest.fixture
def chinese() -> Iterator[None]:
    """Messages shown in Simplified Chinese for the test (as for a person whose workstation speaks it)."""
    from app import messages

    messages.set_language("zh_CN")
    try:
        yield
    finally:
        messages.set_language("en")


def has_chinese(text: str | None) -> bool:
    """Whether a text the person reads is written in Chinese (CJK ideographs in it)."""
    return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in text)
