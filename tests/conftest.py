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
