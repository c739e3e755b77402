"""identity on a streaming replica: a verified session reads there by presenting its session token

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

A profile may name a streaming replica (hot standby) for the heavy reads (traces, reports, the
dashboard). Row-level security must hold there exactly as on the primary, but a standby cannot write:
mt_resume_session() cannot record the backend in verified_backend, so mt_session_verified() would
refuse every person and every GMP table would read as empty.

On a standby (pg_is_in_recovery()), mt_session_verified() therefore accepts instead the session token
the connection presents in its own setting `medtrace.session_token` (set by the workstation at
connect, never stored): the token's hash must match a replicated session_token row of the person
connected (session_user), not revoked, not expired, the person active and not locked. That is the same
proof mt_resume_session() asks for on the primary (a token is issued only after the second factor), so
a stolen password alone still reads nothing on the replica. The primary ignores the setting: there
nothing changes.

Failed second-factor guesses are counted with a sequence (0002), and a standby sees a sequence up to 32
values ahead of the primary (nextval WAL-logs ahead), which would show every account as locked there.
On a standby mt_failures() therefore counts the password failures only; every guess that reaches the
limit has already locked the account on the primary (mt_lock: locked_until and revoked tokens), and
that lock replicates like any row. A lock therefore reaches the replica within its replication delay,
which the workstation bounds (replica_max_lag_seconds); the replica can change nothing in any case.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = r"""
CREATE OR REPLACE FUNCTION mt_failures(p_person bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT CASE WHEN pg_is_in_recovery() THEN 0
              ELSE greatest(coalesce(pg_sequence_last_value(p.attempts_seq), 0) - p.attempts_mark, 0) END
         + coalesce((SELECT f.failures FROM login_failure f WHERE f.login = p.login), 0)
    FROM person p WHERE p.id = p_person
$$;

CREATE OR REPLACE FUNCTION mt_session_verified() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT CASE WHEN NOT pg_is_in_recovery() THEN EXISTS (
    SELECT 1
      FROM verified_backend v
      JOIN person p ON p.id = v.person_id
      JOIN session_token t ON t.token_hash = v.token_hash
     WHERE v.pid = pg_backend_pid()
       AND v.backend_start = (SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a)
       AND p.login = session_user
       AND p.state = 'active'
       AND NOT mt_is_locked(p.id)
       AND t.revoked_at IS NULL
       AND t.expires_at > now())
  ELSE EXISTS (
    SELECT 1
      FROM session_token t
      JOIN person p ON p.id = t.person_id
     WHERE t.token_hash = mt_digest(nullif(current_setting('medtrace.session_token', true), ''))
       AND p.login = session_user
       AND p.state = 'active'
       AND NOT mt_is_locked(p.id)
       AND t.revoked_at IS NULL
       AND t.expires_at > now())
  END
$$;
"""

DOWNGRADE = r"""
CREATE OR REPLACE FUNCTION mt_failures(p_person bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT greatest(coalesce(pg_sequence_last_value(p.attempts_seq), 0) - p.attempts_mark, 0)
         + coalesce((SELECT f.failures FROM login_failure f WHERE f.login = p.login), 0)
    FROM person p WHERE p.id = p_person
$$;

CREATE OR REPLACE FUNCTION mt_session_verified() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1
      FROM verified_backend v
      JOIN person p ON p.id = v.person_id
      JOIN session_token t ON t.token_hash = v.token_hash
     WHERE v.pid = pg_backend_pid()
       AND v.backend_start = (SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a)
       AND p.login = session_user
       AND p.state = 'active'
       AND NOT mt_is_locked(p.id)
       AND t.revoked_at IS NULL
       AND t.expires_at > now())
$$;
"""


def upgrade() -> None:
    # CREATE OR REPLACE keeps the owner, the grants and every policy that calls these functions.
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
