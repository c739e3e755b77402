"""The schema is built and torn down only by the migrations, and matches the models."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from alembic import command
from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.migrations import alembic_config, downgrade, ensure_at_head, head_revision, schema_status, upgrade
from app.errors import SchemaOutOfDate


@pytest.fixture
def scratch(database: Database, app_paths: AppPaths) -> Database:
    """A second, empty database on the session's server."""
    database.server.psql("DROP DATABASE IF EXISTS scratch", database="postgres")
    database.server.psql("CREATE DATABASE scratch", database="postgres")
    db = open_embedded(app_paths, database="scratch")
    yield db
    db.close(stop_server=False)
    database.server.psql("DROP DATABASE scratch WITH (FORCE)", database="postgres")


def test_upgrade_downgrade_upgrade_round_trip_is_clean(scratch: Database) -> None:
    upgrade(scratch.engine)
    assert schema_status(scratch.engine).at_head
    downgrade(scratch.engine, "base")
    with scratch.engine.connect() as conn:
        leftovers = conn.execute(text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relname NOT LIKE 'alembic_version%'"
        )).scalar()
    assert leftovers == 0
    upgrade(scratch.engine)
    command.check(alembic_config(scratch.engine))  # raises when models and migrations disagree


def test_every_table_belongs_to_the_nologin_owner_role(database: Database) -> None:
    with database.engine.connect() as conn:
        owners = set(conn.execute(text(
            "SELECT tableowner FROM pg_tables WHERE schemaname = 'public'"
        )).scalars())
        can_login = conn.execute(
            text("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'medtrace_owner'")
        ).scalar()
    assert owners == {"medtrace_owner"}
    assert can_login is False


def test_an_empty_database_is_refused_with_the_command_that_fixes_it(scratch: Database) -> None:
    with pytest.raises(SchemaOutOfDate, match="no MedTrace tables") as caught:
        ensure_at_head(scratch.engine)
    assert "medtrace db upgrade" in caught.value.hint


def test_a_schema_behind_head_is_refused_with_the_command_that_fixes_it(scratch: Database) -> None:
    upgrade(scratch.engine)
    with scratch.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(SchemaOutOfDate, match=f"needs {head_revision()}") as caught:
        ensure_at_head(scratch.engine, profile_option=" --profile plant")
    assert caught.value.hint.endswith("medtrace db upgrade --profile plant  (then start MedTrace again)")
