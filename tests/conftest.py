"""Shared fixtures: one real embedded PostgreSQL per test session, schema built by the migrations."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.migrations import upgrade
from app.db.uow import UnitOfWork
from app.models import GMP_TABLES

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def app_paths(tmp_path_factory: pytest.TempPathFactory) -> AppPaths:
    paths = AppPaths.resolve(tmp_path_factory.mktemp("medtrace-home"))
    paths.ensure()
    return paths


@pytest.fixture(scope="session")
def database(app_paths: AppPaths) -> Iterator[Database]:
    """The embedded server for the whole session, at schema head."""
    db = open_embedded(app_paths)
    upgrade(db.engine)
    yield db
    db.close(stop_server=True)


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


@pytest.fixture
def committed(database: Database) -> Iterator[Database]:
    """For tests that need real commits (other connections, notifications): data removed afterwards."""
    yield database
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(GMP_TABLES)} RESTART IDENTITY CASCADE"))


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

    def next_code(self) -> str:
        """A code the database has not accepted yet, inside its ±1 step window."""
        counter = self.last_counter + 1
        assert counter <= int(time.time()) // 30 + 1, "this person used up its codes for this window"
        self.last_counter = counter
        return pyotp.TOTP(self.seed).generate_otp(counter)

    def connect(self, password: str | None = None) -> psycopg.Connection:
        return psycopg.connect(**person_args(self.base, self.login, password or self.password), autocommit=True)

    def verified_connection(self) -> psycopg.Connection:
        conn = self.connect()
        status, _token = conn.execute("SELECT * FROM mt_verify_totp(%s, 15)", (self.next_code(),)).fetchone()
        assert status == "verified", status
        return conn


def activate_with(conn: psycopg.Connection, login: str, password: str, seed: str, code: str) -> list[str]:
    """What the activation dialog does: SCRAM verifier, wrapped signing key, TOTP enrolment."""
    key = new_signing_key(login=login, password=password)
    rows = conn.execute(
        "SELECT * FROM mt_activate(%s, %s, %s, %s, %s, %s)",
        (scram_verifier(conn, login, password), seed, code, key.public_key, key.wrapped, key.params),
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
        counter = int(time.time()) // 30
        with psycopg.connect(**person_args(database.connect_args, login, code), autocommit=True) as conn:
            activate_with(conn, login, password, seed, pyotp.TOTP(seed).generate_otp(counter))
        return Person(login, password, seed, groups, database.connect_args, last_counter=counter)

    return _make
