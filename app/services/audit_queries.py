"""Reading the audit trail: filtered, keyset-paged lists newest first, and one record's whole history.

21 CFR 11.10(e) and Annex 11 §9: the trail must be available for review and inspection in human
readable form. The trail grows without bound (every change of every GMP record), so pages are read
by KEYSET on the entry id (newest first), never with OFFSET, and the choice lists of users and tables
are read by a loose index scan (a recursive CTE that hops from one distinct value to the next in the
index) instead of a DISTINCT over the whole table.

`audit_entry` is written only by the database (migration 0003) and is not an ORM model; it is read here
through a Core `table()` construct.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    String,
    Text,
    column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from app.db.uow import UnitOfWork
from app.errors import InvalidInput

PAGE_SIZE = 200
MAX_PAGE = 1_000
ACTIONS = ("INSERT", "UPDATE", "DELETE", "EVENT")

audit_entry = table(
    "audit_entry",
    column("id", BigInteger),
    column("at", DateTime(timezone=True)),
    column("actor", String),
    column("workstation", Text),
    column("table_name", Text),
    column("record_id", Text),
    column("action", Text),
    column("old_values", JSONB),
    column("new_values", JSONB),
    column("reason", Text),
)


@dataclass(frozen=True)
class AuditFilter:
    """What the reviewer narrowed the trail to; the empty filter shows every entry.

    `since` is inclusive and `until` exclusive (server time, timezone-aware). `text` matches the
    reason, the record id, and the old and new values (case-insensitive substring).
    """

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    actor: str | None = None
    table_name: str | None = None
    record_id: str | None = None
    action: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return (self.since is None and self.until is None and not self.actor and not self.table_name
                and not (self.record_id or "").strip() and not self.action and not self.text.strip())


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as a reviewer reads it: who, when, where, what, before and after, and why."""

    id: int
    at: dt.datetime
    actor: str
    workstation: str
    table: str
    record: str
    action: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    reason: str | None
    changed_fields: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field named in the old or new values, in the order the record stores them."""
        names = list((self.old or {}).keys())
        names += [k for k in (self.new or {}) if k not in names]
        return tuple(names)


@dataclass(frozen=True)
class AuditEntries:
    """Entries newest first; `has_more` says whether older ones match the same filter."""

    rows: tuple[AuditRow, ...]
    has_more: bool

    @property
    def last_id(self) -> int | None:
        return self.rows[-1].id if self.rows else None


def changed_fields(action: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[str, ...]:
    """Fields whose value differs between old and new (all of them for an insert or a deletion)."""
    if action == "UPDATE" and old is not None and new is not None:
        names = list(old) + [k for k in new if k not in old]
        return tuple(k for k in names if old.get(k) != new.get(k))
    values = new if new is not None else old
    return tuple(values or ())


def _to_row(r: Any) -> AuditRow:
    return AuditRow(
        id=r.id, at=r.at, actor=r.actor, workstation=r.workstation, table=r.table_name, record=r.record_id,
        action=r.action, old=r.old_values, new=r.new_values, reason=r.reason,
        changed_fields=changed_fields(r.action, r.old_values, r.new_values),
    )


def _conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    e = audit_entry.c
    where: list[ColumnElement[bool]] = []
    if flt.since is not None:
        where.append(e.at >= flt.since)
    if flt.until is not None:
        where.append(e.at < flt.until)
    if flt.since is not None and flt.until is not None and flt.until <= flt.since:
        raise InvalidInput.of("audit.range_reversed")
    if flt.actor:
        where.append(e.actor == flt.actor)
    if flt.table_name:
        where.append(e.table_name == flt.table_name)
    if flt.record_id and flt.record_id.strip():
        where.append(e.record_id == flt.record_id.strip())
    if flt.action:
        if flt.action not in ACTIONS:
            raise InvalidInput.of("audit.unknown_action", action=flt.action, actions=", ".join(ACTIONS))
        where.append(e.action == flt.action)
    needle = flt.text.strip()
    if needle:
        # A substring of what a reviewer remembers: a reason, a lot number, an address.
        pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(
            e.reason.ilike(pattern),
            e.record_id.ilike(pattern),
            e.old_values.cast(Text).ilike(pattern),
            e.new_values.cast(Text).ilike(pattern),
        ))
    return where


def fetch_audit(
    uow: UnitOfWork, *, filter: AuditFilter, before_id: int | None = None, limit: int = PAGE_SIZE
) -> AuditEntries:
    """Up to `limit` entries matching `filter`, newest first, older than `before_id` when given."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput.of("audit.page_size", max=MAX_PAGE)
    where = _conditions(filter)
    if before_id is not None:
        where.append(audit_entry.c.id < before_id)
    stmt = select(audit_entry).where(*where).order_by(audit_entry.c.id.desc()).limit(limit + 1)
    with uow:
        rows = [_to_row(r) for r in uow.session.execute(stmt)]
    return AuditEntries(tuple(rows[:limit]), has_more=len(rows) > limit)


def history_of(uow: UnitOfWork, table: str, record_id: int | str) -> tuple[AuditRow, ...]:
    """Every entry of one record, oldest first: its creation, each change with its reason, its deletion."""
    e = audit_entry.c
    stmt = (select(audit_entry).where(e.table_name == table, e.record_id == str(record_id))
            .order_by(e.id))
    with uow:
        return tuple(_to_row(r) for r in uow.session.execute(stmt))


# Loose index scans: one index probe per distinct value (ix_audit_entry_actor, and the leading column
# of ix_audit_entry_table_name_record_id), so the lists stay instant with millions of entries.
_DISTINCT_ACTORS = text("""
WITH RECURSIVE actors(actor) AS (
    (SELECT actor FROM audit_entry ORDER BY actor LIMIT 1)
  UNION ALL
    SELECT (SELECT a.actor FROM audit_entry a WHERE a.actor > actors.actor ORDER BY a.actor LIMIT 1)
    FROM actors WHERE actors.actor IS NOT NULL
)
SELECT actor::text FROM actors WHERE actor IS NOT NULL
""")
_DISTINCT_TABLES = text("""
WITH RECURSIVE tables(table_name) AS (
    (SELECT table_name FROM audit_entry ORDER BY table_name LIMIT 1)
  UNION ALL
    SELECT (SELECT a.table_name FROM audit_entry a WHERE a.table_name > tables.table_name
            ORDER BY a.table_name LIMIT 1)
    FROM tables WHERE tables.table_name IS NOT NULL
)
SELECT table_name FROM tables WHERE table_name IS NOT NULL
""")


def distinct_actors(uow: UnitOfWork) -> tuple[str, ...]:
    """Everyone who has an entry in the trail (database login names), sorted."""
    with uow:
        return tuple(uow.session.execute(_DISTINCT_ACTORS).scalars())


def audited_tables(uow: UnitOfWork) -> tuple[str, ...]:
    """The tables (and event kinds) that have entries in the trail, sorted."""
    with uow:
        return tuple(uow.session.execute(_DISTINCT_TABLES).scalars())
