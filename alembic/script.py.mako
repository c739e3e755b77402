"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Team rules for migrations:
- Every migration has a working downgrade; `make test` runs upgrade → downgrade base → upgrade.
- Objects are owned by medtrace_owner (NOLOGIN); SECURITY DEFINER functions pin search_path and
  REVOKE EXECUTE FROM PUBLIC.
- New GMP tables get the change-broadcast trigger (and, once it exists, the audit trigger).
- Never edit a migration that has landed on main: write a new one.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
