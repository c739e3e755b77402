"""Alembic wired to app.models: upgrade, status, and the refusal to run on a schema not at head."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from alembic import command
from app.errors import SchemaOutOfDate
from app.resources import ALEMBIC as ALEMBIC_DIR  # beside app/, in a checkout and in the bundle


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the alembic folder has no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@dataclass(frozen=True)
class SchemaStatus:
    current: str | None
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head


def schema_status(engine: Engine) -> SchemaStatus:
    return SchemaStatus(current_revision(engine), head_revision())


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def ensure_at_head(engine: Engine, *, profile_option: str = "") -> None:
    """DESIGN §2: refuse to run on a schema that is not at head, and say the exact command."""
    status = schema_status(engine)
    if status.at_head:
        return
    fix = f"medtrace db upgrade{profile_option}"
    if status.current is None:
        raise SchemaOutOfDate(
            "This database has no MedTrace tables yet.", hint=f"An administrator should run: {fix}"
        )
    raise SchemaOutOfDate(
        f"This database is at schema version {status.current}; this program needs {status.head}.",
        hint=f"An administrator should run: {fix}  (then start MedTrace again)",
    )


def earlier_function(migration: str, name: str, *, attribute: str = "FUNCTIONS") -> str:
    """The SQL function `name` exactly as migration file `migration` (in alembic/versions) created it, as a
    CREATE OR REPLACE: a later migration edits that text, and its downgrade restores it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_mt_{Path(migration).stem}", ALEMBIC_DIR / "versions" / migration)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    functions: str = getattr(module, attribute)
    start = functions.index(f"CREATE FUNCTION {name}(")
    end = functions.index("END $$;", start) + len("END $$;")
    return functions[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
