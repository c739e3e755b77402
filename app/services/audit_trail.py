"""The audit trail: verifying the hash chain and its seals, sealing it, and reading it.

21 CFR 11.10(e), Annex 11 §9. Verification streams the chain in position order (COPY, bounded
memory) and recomputes every link in Python: hash_n = SHA-256(hash_{n-1} ‖ canonical text of entry n),
where the canonical text is produced by the database's mt_audit_canonical() from the entry as it is
stored now. Any change to a stored entry therefore breaks its link. Seals are Ed25519 signatures,
made outside the database, over (position, hash); they are checked against the public keys the
verifying workstation trusts, so an attacker who rewrites the whole chain is caught at the last seal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg import sql

from app.security.keys import public_bytes, seal_message, seal_signature_valid

GENESIS = bytes(32)
PROGRESS_EVERY = 20_000
SEAL_MAX_AGE = dt.timedelta(hours=24)  # DESIGN §3: sealed at each release and at least daily
PARALLEL_FROM = 100_000  # a chain at least this long is read in two halves on two connections (both cores)

ConnectionSource = Callable[[], AbstractContextManager[psycopg.Connection]]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the trail, located by chain position and entry id where known."""

    position: int | None
    entry_id: int | None
    what: str

    def describe(self) -> str:
        where = []
        if self.entry_id is not None:
            where.append(f"entry {self.entry_id}")
        if self.position is not None:
            where.append(f"position {self.position}")
        return f"{', '.join(where)}: {self.what}" if where else self.what


@dataclass(frozen=True)
class Verification:
    """The outcome of `medtrace audit verify`."""

    entries_checked: int
    seals_checked: int
    trusted_seals: int
    last_sealed_position: int | None
    problems: tuple[Problem, ...]
    seconds: float
    warnings: tuple[str, ...] = ()
    last_seal_at: dt.datetime | None = None  # of the last seal made with a trusted key
    checked_at: dt.datetime | None = None  # the server's clock when the verification began

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def last_seal_age(self) -> dt.timedelta | None:
        if self.last_seal_at is None or self.checked_at is None:
            return None
        return self.checked_at - self.last_seal_at

    @property
    def seal_overdue(self) -> bool:
        """No trusted seal in the last 24 hours while entries were added after the last one."""
        unsealed = self.entries_checked > (self.last_sealed_position or 0)
        age = self.last_seal_age
        return unsealed and (age is None or age > SEAL_MAX_AGE)

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "entries_checked": self.entries_checked,
            "seals_checked": self.seals_checked,
            "trusted_seals": self.trusted_seals,
            "last_sealed_position": self.last_sealed_position,
            "first_bad_entry": self.first_problem.entry_id if self.first_problem else None,
            "first_bad_position": self.first_problem.position if self.first_problem else None,
            "problems": [p.describe() for p in self.problems],
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
            "last_seal_at": self.last_seal_at.isoformat() if self.last_seal_at else None,
            "last_seal_age_hours": round(self.last_seal_age.total_seconds() / 3600, 2)
            if self.last_seal_age is not None else None,
            "seal_overdue": self.seal_overdue,
        }

    def describe(self) -> str:
        rate = self.entries_checked / self.seconds if self.seconds else 0
        head = (
            f"Audit trail intact: {self.entries_checked} entries and {self.seals_checked} seals verified"
            if self.ok
            else f"AUDIT TRAIL BROKEN — first bad: {self.first_problem.describe()}"  # type: ignore[union-attr]
        )
        lines = [head + f" ({self.seconds:.2f} s, {rate:,.0f} entries/s)."]
        if self.last_seal_age is not None:
            lines.append(f"Last trusted seal at position {self.last_sealed_position:,}, "
                         f"{self.last_seal_age.total_seconds() / 3600:,.1f} hours ago.")
        lines += [f"  - {p.describe()}" for p in self.problems[1:10]]
        lines += [f"  ! {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class _Seal:
    id: int
    position: int
    head_hash: bytes
    sealed_at: dt.datetime
    sealed_by: str
    public_key: bytes
    signature: bytes


def _seals(conn: psycopg.Connection) -> list[_Seal]:
    rows = conn.execute(
        "SELECT id, position, head_hash, sealed_at, sealed_by, public_key, signature "
        "FROM audit_seal ORDER BY position, id"
    ).fetchall()
    return [_Seal(*row) for row in rows]


def verify_audit_trail(
    conn: psycopg.Connection,
    *,
    trusted_keys: Iterable[bytes] = (),
    progress: Callable[[int, int], None] | None = None,
    second: ConnectionSource | None = None,
) -> Verification:
    """Check every link and every seal; problems are listed in chain order, the first bad one first.

    `second` gives a further connection of the same person (or the same owner): with it a long chain is
    read in two halves at once, one per connection, so the server's work is spread over two cores.
    The chain is checked up to the head read when the verification begins; entries chained later are
    left for the next verification (so a trail in use is never reported broken for growing meanwhile).
    """
    started = time.perf_counter()
    trusted = set(trusted_keys)
    checked_at = conn.execute("SELECT now()").fetchone()[0]
    seals = _seals(conn)  # read before the head: every seal made so far is at or before it
    head = _Head(*conn.execute(  # one statement, so one snapshot of head, chain and entries
        "SELECT h.position, h.hash, c.chain_end, c.links, c.first, (SELECT count(*) FROM audit_entry) "
        "FROM audit_head h, (SELECT coalesce(max(position), 0) AS chain_end, count(*) AS links, "
        "                           coalesce(min(position), 1) AS first FROM audit_chain) c "
        "WHERE h.id = 1").fetchone())
    if _links_hold(conn, second, seals, head, progress):
        problems: list[Problem] = []
        last_position, last_hash, checked = head.position, bytes(head.hash), head.position
        # Positions 1..head each name an existing entry, no entry twice (a unique key): when there are
        # as many entries as positions, every entry is in the chain.
        if head.entries != head.position:
            problems += _unchained(conn)
    else:  # something is wrong: walk the chain link by link to say where, first bad one first
        problems, last_position, last_hash, checked = _walk_chain(conn, seals, head.position, progress)
        problems += _check_head(head, last_position, last_hash) + _unchained(conn)

    warnings: list[str] = []
    trusted_count = 0
    last_sealed: int | None = None
    last_sealed_at: dt.datetime | None = None
    for seal in seals:
        if not seal_signature_valid(bytes(seal.public_key), seal.position, bytes(seal.head_hash),
                                    bytes(seal.signature)):
            problems.append(Problem(seal.position, None, f"seal {seal.id} has an invalid signature"))
            continue
        if bytes(seal.public_key) in trusted:
            trusted_count += 1
            last_sealed = max(last_sealed or 0, seal.position)
            last_sealed_at = max(last_sealed_at or seal.sealed_at, seal.sealed_at)
        if seal.position > last_position:
            problems.append(Problem(
                last_position + 1, None,
                f"entries after position {last_position} were removed: seal {seal.id} "
                f"({seal.sealed_at:%Y-%m-%d %H:%M} UTC, {seal.sealed_by}) covers position {seal.position}",
            ))
    if seals and not trusted_count:
        warnings.append("No seal was made with a key this workstation trusts; add the sealing key's public "
                        "key to the trusted keys to rely on the seals.")
    if not seals:
        warnings.append("The audit trail has not been sealed yet.")
    if last_sealed_at is not None and checked - (last_sealed or 0) > 0 \
            and checked_at - last_sealed_at > SEAL_MAX_AGE:
        hours = (checked_at - last_sealed_at).total_seconds() / 3600
        warnings.append(f"The last trusted seal is {hours:,.0f} hours old (more than 24 h): the sealing workstation "
                        "should seal the trail (medtrace audit seal).")

    problems.sort(key=lambda p: (p.position if p.position is not None else 1 << 62, p.entry_id or 0))
    return Verification(checked, len(seals), trusted_count, last_sealed, tuple(problems),
                        time.perf_counter() - started, tuple(warnings), last_sealed_at, checked_at)


@dataclass(frozen=True)
class _Head:
    position: int
    hash: bytes
    chain_end: int  # the highest position in the chain, read in the same statement as the head
    links: int  # how many positions the chain has, likewise
    first: int  # its lowest position, likewise
    entries: int  # how many entries there are, likewise


def _links_hold(conn: psycopg.Connection, second: ConnectionSource | None, seals: list[_Seal], head: _Head,
                progress: Callable[[int, int], None] | None) -> bool:
    """The fast check of an intact chain: positions 1..head without a gap, every link recomputed, the head's
    and every seal's hash where they should be. False at the first doubt, and `_walk_chain` says what.

    Only the two values a link needs are read (binary COPY: no text decoding); with a second connection
    and a long chain, the upper half is read there at the same time (each half starts from the stored
    hash before it, so the halves are independent)."""
    total = head.position
    if head.links != total or head.first != 1 or head.chain_end != total:  # a gap, or links past the head
        return False
    at_seals = dict(conn.execute("SELECT position, hash FROM audit_chain WHERE position = ANY(%s)",
                                 ([total, *(seal.position for seal in seals)],)).fetchall())
    if total and bytes(head.hash) != bytes(at_seals.get(total, b"")):
        return False
    if any(bytes(seal.head_hash) != bytes(at_seals.get(seal.position, b"")) for seal in seals):
        return False
    if total == 0:
        return True
    report = (lambda done: progress(done, total)) if progress is not None else None
    if second is None or total < PARALLEL_FROM:
        return _links_in(conn, 1, total, report)

    middle = total // 2
    upper_done = [0]
    upper: list[bool] = []
    failed: list[BaseException] = []
    cancel: list[psycopg.Connection] = []

    def read_upper() -> None:
        try:
            with second() as other:
                cancel.append(other)
                upper.append(_links_in(other, middle, total, lambda done: upper_done.__setitem__(0, done)))
        except BaseException as exc:  # noqa: BLE001 - raised again on the calling thread
            failed.append(exc)

    worker = threading.Thread(target=read_upper, name="audit-verify-upper", daemon=True)
    worker.start()
    try:
        lower = _links_in(conn, 1, middle, (lambda done: report(done + upper_done[0])) if report else None)
    except BaseException:
        for other in cancel:
            other.cancel_safe()
        worker.join()
        raise
    while worker.is_alive():  # progress is reported from the calling thread only (it may be the GUI's)
        worker.join(0.25)
        if report is not None and worker.is_alive():
            report(middle + upper_done[0])
    if failed:
        raise failed[0]
    return lower and upper == [True]


def _links_in(conn: psycopg.Connection, start: int, end: int, progress: Callable[[int], None] | None) -> bool:
    """Recompute links start..end (their positions known to be gap-free); the link at `start` is taken as
    stored (it is checked with the range before it) unless `start` is 1, whose link starts at GENESIS.
    `progress` hears how many rows were read, every PROGRESS_EVERY."""
    sha256 = hashlib.sha256
    holds = True
    done = 0
    # A text value in binary COPY is its bytes in the client encoding: when server and client both speak
    # UTF-8 they are the UTF-8 bytes the link hashes, and converting them again costs the server ~10 %.
    utf8 = all(conn.info.parameter_status(name) == "UTF8" for name in ("server_encoding", "client_encoding"))
    canonical_sql = sql.SQL("mt_audit_canonical(e)" if utf8 else "convert_to(mt_audit_canonical(e), 'UTF8')")
    with conn.transaction(), conn.cursor() as cursor:
        _stream_in_index_order(cursor)
        query = sql.SQL(
            "COPY (SELECT c.hash, CASE WHEN e.id IS NOT NULL THEN {} END "
            "      FROM audit_chain c LEFT JOIN audit_entry e ON e.id = c.entry_id "
            "      WHERE c.position BETWEEN {} AND {} ORDER BY c.position) TO STDOUT (FORMAT BINARY)"
        ).format(canonical_sql, sql.Literal(start), sql.Literal(end))
        with cursor.copy(query) as copy:
            copy.set_types(["bytea", "bytea"])  # the canonical text as its UTF-8 bytes, hashed as they come
            rows = copy.rows()
            previous_hash = GENESIS
            seed = next(rows, None) if start > 1 else None  # the link before the range: taken as stored
            if seed is not None:
                previous_hash, done = seed[0], 1
            # Read to the end even after a doubt (the stream must be drained); a missing entry has no text.
            for stored, canonical in rows:
                if canonical is None or sha256(previous_hash + canonical).digest() != stored:
                    holds = False
                previous_hash = stored
                done += 1
                if not done % PROGRESS_EVERY and progress is not None:
                    progress(done)
    return holds and done == end - start + 1


def _stream_in_index_order(cursor: psycopg.Cursor) -> None:
    # Walk the chain in index order and look each entry up by key, so rows stream to us while the
    # server reads on (the planner's hash join would sort the whole trail first, spilling to disk).
    for setting in ("enable_hashjoin", "enable_mergejoin", "enable_sort"):
        cursor.execute(f"SET LOCAL {setting} = off")
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _walk_chain(
    conn: psycopg.Connection, seals: list[_Seal], total: int, progress: Callable[[int, int], None] | None
) -> tuple[list[Problem], int, bytes, int]:
    """Recompute every link up to position `total` (the head) in position order, noting every problem;
    returns problems, last position and hash, entries seen."""
    seals_at: dict[int, list[_Seal]] = {}
    for seal in seals:
        seals_at.setdefault(seal.position, []).append(seal)
    problems: list[Problem] = []
    previous_hash = GENESIS
    expected_position = 1
    checked = 0
    sha256 = hashlib.sha256
    with conn.transaction(), conn.cursor() as cursor:
        _stream_in_index_order(cursor)
        with cursor.copy(sql.SQL(
            "COPY (SELECT c.position, c.entry_id, c.hash, e.id IS NULL, mt_audit_canonical(e) "
            "      FROM audit_chain c LEFT JOIN audit_entry e ON e.id = c.entry_id "
            "      WHERE c.position <= {} ORDER BY c.position) TO STDOUT").format(sql.Literal(total))
        ) as copy:
            copy.set_types(["int8", "int8", "bytea", "bool", "text"])
            for position, entry_id, stored_hash, missing, canonical in copy.rows():
                if position != expected_position:
                    problems.append(Problem(expected_position, None,
                                            f"chain positions {expected_position}–{position - 1} are missing"))
                expected_position = position + 1
                stored = bytes(stored_hash)
                if missing:
                    problems.append(Problem(position, entry_id, "the entry was deleted"))
                elif sha256(previous_hash + canonical.encode()).digest() != stored:
                    problems.append(Problem(position, entry_id, "the entry or its link was altered"))
                previous_hash = stored
                for seal in seals_at.get(position, ()):
                    if bytes(seal.head_hash) != stored:
                        problems.append(Problem(position, entry_id, f"does not match seal {seal.id}"))
                checked += 1
                if progress is not None and checked % PROGRESS_EVERY == 0:
                    progress(checked, total)
    return problems, expected_position - 1, previous_hash, checked


def _check_head(head: _Head, last_position: int, last_hash: bytes) -> list[Problem]:
    """The head must agree with the chain's end."""
    if head.chain_end > head.position:
        return [Problem(head.position, None,
                        f"the chain ends at position {head.chain_end} but its head says {head.position}")]
    if head.position != last_position or (last_position and bytes(head.hash) != last_hash):
        return [Problem(last_position + 1 if head.position > last_position else head.position, None,
                        f"the chain ends at position {last_position} but its head says {head.position}")]
    return []


def _unchained(conn: psycopg.Connection) -> list[Problem]:
    """Entries that are not in the chain (written around the audit trail's triggers), the first ten."""
    unchained = conn.execute(
        "SELECT e.id FROM audit_entry e LEFT JOIN audit_chain c ON c.entry_id = e.id "
        "WHERE c.entry_id IS NULL ORDER BY e.id LIMIT 10"
    ).fetchall()
    return [Problem(None, entry_id, "the entry was inserted outside the audit trail (not chained)")
            for (entry_id,) in unchained]


@dataclass(frozen=True)
class Seal:
    position: int
    head_hash: bytes = field(repr=False)
    public_key: bytes = field(repr=False)
    seal_id: int = 0


def seal_audit_trail(conn: psycopg.Connection, key: Ed25519PrivateKey, *, occasion: str = "manual") -> Seal:
    """Sign the current head of the chain and record the seal (nothing to seal on an empty trail)."""
    position, head_hash = conn.execute("SELECT position, hash FROM audit_head WHERE id = 1").fetchone()
    head_hash = bytes(head_hash)
    if position == 0:
        return Seal(0, head_hash, public_bytes(key))
    signature = key.sign(seal_message(position, head_hash))
    seal_id = conn.execute(
        "SELECT mt_audit_add_seal(%s, %s, %s, %s, %s)",
        (position, head_hash, occasion, public_bytes(key), signature),
    ).fetchone()[0]
    return Seal(position, head_hash, public_bytes(key), seal_id)


def record_event(conn: psycopg.Connection, kind: str, record: str, detail: dict[str, object]) -> int:
    """An audit entry for something that changed no record (an export, a verification)."""
    from psycopg.types.json import Jsonb

    return conn.execute("SELECT mt_audit_event(%s, %s, %s)", (kind, record, Jsonb(detail))).fetchone()[0]


VERIFICATION_EVENT = "audit_verification"


def record_verification(conn: psycopg.Connection, result: Verification) -> int:
    """Note a verification and its outcome in the trail itself, so everyone sees when the chain was last
    checked, by whom and whether it held (Annex 11 §9: the trail's integrity is reviewed). The caller
    commits (an autocommit connection needs nothing more)."""
    first = result.first_problem
    entry_id = record_event(conn, VERIFICATION_EVENT, "chain", {
        "ok": result.ok,
        "entries_checked": result.entries_checked,
        "seals_checked": result.seals_checked,
        "trusted_seals": result.trusted_seals,
        "first_problem": first.describe() if first is not None else None,
    })
    return entry_id
