"""Seals on a schedule: at each release and at least daily, by the one workstation that holds the key.

DESIGN §3, 21 CFR 11.10(e), Annex 11 §9. A seal is an Ed25519 signature over the head of the audit
chain, made outside the database (app/services/audit_trail.py). Where the key lives and who seals:

* The seal key lives only in the OS keyring of the site's *sealing workstation* — the administrator's
  workstation (or a machine set aside for it) — never in the database, a file or a log. Its public key
  is what every verifying workstation trusts (`trusted_seal_keys.txt`).
* That workstation seals when a seal is due: a lot was released since the last seal ("release"), or
  the last seal is older than SEAL_INTERVAL while entries were added after it ("daily"). While an
  administrator or approver is signed in there, the GUI checks at every release it hears of (LISTEN/
  NOTIFY) and every SCHEDULE_MINUTES; `medtrace audit seal --if-due`, run by the OS scheduler every
  15 minutes on an embedded workstation, covers the hours nobody is signed in.
* Other workstations never hold the key: every extra holder could seal over a rewritten chain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.config import AppPaths, Profile
from app.services.audit_trail import Seal, seal_audit_trail

SEAL_INTERVAL = dt.timedelta(hours=24)
SCHEDULE_MINUTES = 15
# mt_audit_add_seal is granted to these group roles (migration 0003): they may add a seal.
SEALING_GROUPS = frozenset({"admin", "qa_approver"})
RELEASE = "release"
DAILY = "daily"
MANUAL = "manual"


def seal_key_name(paths: AppPaths, profile: Profile) -> str:
    """The keyring entry of the seal key for this database (one key per database a workstation seals)."""
    if profile.is_embedded:
        return f"embedded:{paths.pgdata}"
    return f"server:{profile.host}:{profile.port}/{profile.dbname}"


@dataclass(frozen=True)
class SealStatus:
    """How far the trail is sealed, by the server's clock."""

    now: dt.datetime
    head_position: int
    last_sealed_position: int | None
    last_sealed_at: dt.datetime | None
    released_since: bool  # a lot was released after the last seal

    @property
    def age(self) -> dt.timedelta | None:
        return self.now - self.last_sealed_at if self.last_sealed_at else None

    @property
    def unsealed_entries(self) -> int:
        return self.head_position - (self.last_sealed_position or 0)

    @property
    def due(self) -> str | None:
        """Why a seal is due now (RELEASE or DAILY), or None."""
        if self.unsealed_entries <= 0:
            return None
        if self.released_since:
            return RELEASE
        if self.age is None or self.age >= SEAL_INTERVAL:
            return DAILY
        return None


def seal_status(conn: psycopg.Connection) -> SealStatus:
    """The last seal and whether a release happened after it (any seal counts; verify checks the keys)."""
    now, head = conn.execute("SELECT now(), (SELECT position FROM audit_head WHERE id = 1)").fetchone()
    last = conn.execute("SELECT position, sealed_at FROM audit_seal ORDER BY position DESC, id DESC LIMIT 1"
                        ).fetchone()
    position, sealed_at = last if last else (None, None)
    released = conn.execute(
        "SELECT EXISTS (SELECT FROM audit_chain c JOIN audit_entry e ON e.id = c.entry_id "
        "               WHERE c.position > %s AND e.table_name = 'lot' AND e.action = 'UPDATE' "
        "                 AND e.new_values ->> 'status' = 'released')", (position or 0,)).fetchone()[0]
    return SealStatus(now, int(head or 0), position, sealed_at, bool(released))


def seal_if_due(conn: psycopg.Connection, key: Ed25519PrivateKey) -> tuple[SealStatus, Seal | None]:
    """Seal when a release happened since the last seal or the last seal is a day old; else nothing."""
    status = seal_status(conn)
    reason = status.due
    if reason is None:
        return status, None
    return status, seal_audit_trail(conn, key, occasion=reason)


def describe_age(age: dt.timedelta | None) -> str:
    if age is None:
        return "never sealed"
    hours = age.total_seconds() / 3600
    return f"{hours:.1f} h ago" if hours < 48 else f"{hours / 24:.1f} days ago"
