"""Alembic environment: the engine comes from app.db (no URL in any file)."""

from __future__ import annotations

from sqlalchemy import text

from alembic import context
from app.models import DATABASE_ONLY_TABLES, Base

# Every schema object belongs to medtrace_owner, a role nobody logs in as (DESIGN §3). The admin who
# runs the migrations creates it once; the migrations themselves then run as that role. A migration
# that needs cluster-level powers (creating group roles) says RESET ROLE and SET ROLE around them.
BOOTSTRAP = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'medtrace_owner') THEN
    CREATE ROLE medtrace_owner NOLOGIN;
  END IF;
END $$;
GRANT USAGE, CREATE ON SCHEMA public TO medtrace_owner;
"""

config = context.config
target_metadata = Base.metadata


def _include_name(name: str | None, type_: str, _parent: object) -> bool:
    return not (type_ == "table" and name in DATABASE_ONLY_TABLES)


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("Run migrations through `medtrace db upgrade`, which knows the database.")
    with engine.connect() as connection:
        connection.execute(text(BOOTSTRAP))
        connection.execute(text("SET ROLE medtrace_owner"))
        connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            compare_server_default=True,
            include_name=_include_name,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        connection.execute(text("RESET ROLE"))
        connection.commit()


if context.is_offline_mode():
    raise RuntimeError("Offline (SQL script) migrations are not supported.")
run_migrations_online()
