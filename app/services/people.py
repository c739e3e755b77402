"""Administering people: accounts, roles, locks, resets and security alerts (21 CFR 11.10(d), 11.300).

Every rule lives in the database's SECURITY DEFINER functions (migration 0002): only a verified
administrator may call them, nobody can lock themselves out or remove their own administrator role,
and no administrator ever learns a password or an authenticator seed — a new or reset account gets a
random, expiring, one-time activation code instead. This module calls those functions on a psycopg
connection of a verified administrator session and turns the database's refusals into
`ComplianceError`s carrying the database's own message.

Each function is one transaction: it commits what it did before returning (a lock must take effect
at once), and rolls back when the database refuses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from app.db.uow import explain_database_error
from app.security.permissions import GROUPS
from app.services.identity import bootstrap_first_admin

# mt_issue_activation (migration 0002) makes each activation code valid for 72 hours, once.
ACTIVATION_VALID_HOURS = 72
ACCOUNT_LOCKED = "account_locked"
RECOVERY_CODE_USED = "recovery_code_used"


@dataclass(frozen=True)
class PersonRow:
    """One person as an administrator sees them (never a password, seed or code)."""

    login: str
    printed_name: str
    state: str  # pending (activation code issued, not yet used) | active | disabled
    enrolled: bool  # an authenticator is enrolled
    locked: bool
    lock_reason: str
    groups: tuple[str, ...]
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True)
class SecurityAlert:
    """An event administrators must see (21 CFR 11.300(d)): a lockout, a recovery code used."""

    id: int  # negative: derived from a failure count, not stored; clears when the account is unlocked
    raised_at: dt.datetime
    kind: str
    login: str
    detail: str
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def can_be_acknowledged(self) -> bool:
        return self.id > 0 and not self.acknowledged


def _call(conn: psycopg.Connection, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    try:
        rows = conn.execute(query, params).fetchall()
    except psycopg.Error as exc:
        with contextlib.suppress(psycopg.Error):  # the connection is gone; the server rolled back for us
            conn.rollback()
        raise explain_database_error(exc) from None
    conn.commit()  # a no-op on an autocommit connection
    return rows


def _groups(groups: Iterable[str]) -> list[str]:
    chosen = [g for g in GROUPS if g in set(groups)]  # in the matrix's order; unknown names are the DB's to refuse
    unknown = sorted(set(groups) - set(GROUPS))
    return chosen + unknown


def list_people(conn: psycopg.Connection) -> list[PersonRow]:
    """Everyone with an account, by user name. Administrators only."""
    rows = _call(conn, "SELECT login, printed_name, state, enrolled, locked, lock_reason, groups, created_at, "
                       "created_by FROM mt_people()")
    return [
        PersonRow(login, name, state, bool(enrolled), bool(locked), reason or "", tuple(groups or ()), created_at,
                  created_by)
        for login, name, state, enrolled, locked, reason, groups, created_at, created_by in rows
    ]


def create_person(conn: psycopg.Connection, login: str, printed_name: str, groups: Iterable[str]) -> str:
    """A new account in these groups; returns its activation code (valid 72 hours, once).

    The code is shown to the administrator once and handed to the person, who then chooses their own
    password and enrols their authenticator (11.300(b): issuance controlled; nobody else knows either).
    """
    rows = _call(conn, "SELECT mt_create_person(%s, %s, %s)",
                 (login.strip().lower(), printed_name.strip(), _groups(groups)))
    return rows[0][0]


def set_groups(conn: psycopg.Connection, login: str, groups: Iterable[str]) -> None:
    """Replace the person's roles (at least one; an administrator cannot drop their own admin role)."""
    _call(conn, "SELECT mt_set_groups(%s, %s)", (login, _groups(groups)))


def lock_person(conn: psycopg.Connection, login: str, reason: str) -> None:
    """Lock the account at once: it cannot sign in and its open sessions end. Raises an alert."""
    _call(conn, "SELECT mt_lock_person(%s, %s)", (login, reason.strip()))


def unlock_person(conn: psycopg.Connection, login: str) -> None:
    """Lift a lock and clear the failed-attempt count."""
    _call(conn, "SELECT mt_unlock_person(%s)", (login,))


def reset_person(conn: psycopg.Connection, login: str) -> str:
    """Forgotten password or lost phone: password, seed and recovery codes become void; a new code."""
    return _call(conn, "SELECT mt_reset_person(%s)", (login,))[0][0]


def security_alerts(conn: psycopg.Connection) -> list[SecurityAlert]:
    """Lockouts and recovery-code uses, newest first (21 CFR 11.300(d))."""
    rows = _call(conn, "SELECT id, raised_at, kind, login, detail, acknowledged_by, acknowledged_at "
                       "FROM mt_security_alerts()")
    return [SecurityAlert(*row) for row in rows]


def acknowledge_alert(conn: psycopg.Connection, alert_id: int) -> None:
    """Record that this administrator has seen the alert (who and when are the server's)."""
    _call(conn, "SELECT mt_acknowledge_alert(%s)", (alert_id,))


# -- first run (owner connection) ------------------------------------------------------------------


def create_first_administrator(owner: psycopg.Connection, login: str, printed_name: str) -> str:
    """First run: the first administrator's activation code (the wizard uses it at once, unseen).

    If an earlier first run stopped after creating this same administrator but before they were
    activated, nobody knows the code it issued and nobody else exists to reset it; only the owner of
    the data folder (a superuser of the embedded server, who can do anything anyway) may then issue a
    fresh code for that one pending account. Any other existing person makes this refuse.
    """
    login = login.strip().lower()
    try:
        code = bootstrap_first_admin(owner, login=login, printed_name=printed_name.strip())
        owner.commit()  # a no-op on an autocommit connection
        return code
    except psycopg.Error as exc:
        if owner.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            owner.rollback()
        resumed = _reissue_interrupted_first_admin(owner, login) if exc.sqlstate == "MTV01" else None
        if resumed is None:
            raise explain_database_error(exc) from None
        return resumed


def _reissue_interrupted_first_admin(owner: psycopg.Connection, login: str) -> str | None:
    row = owner.execute(
        "SELECT p.id FROM person p WHERE p.login = %s AND p.state = 'pending' "
        "AND (SELECT count(*) FROM person) = 1 AND pg_has_role(p.login, 'admin', 'MEMBER')",
        (login,),
    ).fetchone()
    if row is None:
        return None
    code = owner.execute("SELECT mt_issue_activation(%s)", (row[0],)).fetchone()[0]
    owner.commit()
    return code


def first_administrator_needed(owner: psycopg.Connection) -> bool:
    """No person has ever been activated: the first-run wizard must (still) create the administrator."""
    row = owner.execute("SELECT NOT EXISTS (SELECT FROM person WHERE state <> 'pending')").fetchone()
    return bool(row and row[0])
