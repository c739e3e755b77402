"""The audit trail is complete, append-only for everyone, and tampering is found at the exact entry."""

from __future__ import annotations

import random
from collections.abc import Iterator

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.migrations import upgrade
from app.errors import ReasonRequired
from app.security.keys import public_bytes
from app.services import audit_trail
from app.services.audit_trail import seal_audit_trail, verify_audit_trail
from tests.conftest import Person
from tests.factories import make_lot


@pytest.fixture(scope="module")
def trail(database: Database, app_paths: AppPaths) -> Iterator[tuple[Database, Ed25519PrivateKey]]:
    """A scratch database with ~300 audited changes in transactions of varied size, then sealed."""
    database.server.psql("DROP DATABASE IF EXISTS audit_scratch", database="postgres")
    database.server.psql("CREATE DATABASE audit_scratch", database="postgres")
    db = open_embedded(app_paths, database="audit_scratch")
    upgrade(db.engine)
    rng = random.Random(11)
    with db.raw_connection() as conn:
        for t in range(40):
            with conn.transaction():
                conn.execute("SELECT set_config('medtrace.reason', 'corrected from batch record', true)")
                for i in range(rng.randint(1, 14)):
                    conn.execute("INSERT INTO party (code, name, kind) VALUES (%s, %s, 'hospital')",
                                 (f"H{t:03d}-{i:02d}", f"医院 {t}-{i}"))
                if t % 3 == 0:
                    conn.execute("UPDATE party SET address = '北京市海淀区' WHERE code LIKE %s", (f"H{t:03d}-%",))
        key = Ed25519PrivateKey.generate()
        seal_audit_trail(conn, key, occasion="daily")
    yield db, key
    db.close(stop_server=False)
    database.server.psql("DROP DATABASE audit_scratch WITH (FORCE)", database="postgres")


def _positions(conn: psycopg.Connection) -> list[tuple[int, int]]:
    return conn.execute("SELECT position, entry_id FROM audit_chain ORDER BY position").fetchall()


def test_an_untouched_trail_verifies_with_its_seal(trail) -> None:
    db, key = trail
    with db.raw_connection() as conn:
        result = verify_audit_trail(conn, trusted_keys={public_bytes(key)})
        chained = len(_positions(conn))
    assert result.ok, result.describe()
    assert result.entries_checked == chained
    assert result.trusted_seals == 1


@pytest.mark.parametrize("client_encoding", ["UTF8", "GB18030"])
def test_chinese_entries_verify_whatever_the_client_encoding(trail, client_encoding: str) -> None:
    """The links hash UTF-8 bytes: on a UTF-8 connection they are streamed as stored, on any other the
    server converts them first; both must agree with the chain, and an edit must still be found."""
    db, key = trail
    with db.raw_connection() as conn:
        conn.execute(f"SET client_encoding = '{client_encoding}'")
        assert conn.info.parameter_status("client_encoding") == client_encoding
        result = verify_audit_trail(conn, trusted_keys={public_bytes(key)})
        assert result.ok, result.describe()
        # the stream itself agrees (not only the link-by-link walk that runs when it doubts)
        assert audit_trail._links_in(conn, 1, result.entries_checked, None)
        with conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL session_replication_role = replica")  # around the append-only trigger
            edited = conn.execute("UPDATE audit_entry SET reason = '复核后更正' WHERE id = "
                                  "(SELECT entry_id FROM audit_chain WHERE position = 7) RETURNING id").fetchone()[0]
            broken = verify_audit_trail(conn, trusted_keys={public_bytes(key)})
    assert broken.first_problem is not None and broken.first_problem.entry_id == edited, broken.describe()


TAMPERS = ("edit", "delete", "insert", "swap", "truncate_tail", "forge_link")


@pytest.mark.parametrize("trial", range(120))
@pytest.mark.clause("21 CFR 11.10(e)")
@pytest.mark.clause("Annex 11 §9")
def test_tampering_as_superuser_is_found_at_the_first_bad_entry(trail, trial: int) -> None:
    db, key = trail
    rng = random.Random(trial)
    kind = TAMPERS[trial % len(TAMPERS)]
    with db.raw_connection() as conn:
        conn.autocommit = False
        chain = _positions(conn)
        last = len(chain)
        conn.execute("SET LOCAL session_replication_role = replica")  # superuser: triggers off
        p = rng.randint(1, last - 2)
        position, entry_id = chain[p - 1]
        if kind == "edit":
            conn.execute("UPDATE audit_entry SET reason = coalesce(reason, '') || ' (amended)' WHERE id = %s",
                         (entry_id,))
            expected = (position, entry_id)
        elif kind == "delete":
            conn.execute("DELETE FROM audit_entry WHERE id = %s", (entry_id,))
            expected = (position, entry_id)
        elif kind == "insert":
            forged = conn.execute(
                "INSERT INTO audit_entry (table_name, record_id, action, new_values) "
                "VALUES ('lot', '999', 'INSERT', '{\"status\": \"released\"}') RETURNING id"
            ).fetchone()[0]
            conn.execute("UPDATE audit_chain SET entry_id = %s WHERE position = %s", (forged, position))
            expected = (position, forged)
        elif kind == "swap":
            q = rng.randint(p + 1, last)
            _, other_id = chain[q - 1]
            conn.execute(
                "UPDATE audit_entry a SET new_values = b.new_values, old_values = b.old_values, "
                "record_id = b.record_id FROM audit_entry b "
                "WHERE (a.id, b.id) IN ((%s, %s), (%s, %s))",
                (entry_id, other_id, other_id, entry_id),
            )
            expected = (position, entry_id)
        elif kind == "forge_link":
            conn.execute("UPDATE audit_chain SET hash = sha256(hash) WHERE position = %s", (position,))
            expected = (position, entry_id)
        else:  # truncate the tail and make the head agree: only the seal can tell
            cut = rng.randint(2, 20)
            keep = last - cut
            doomed = [e for pos, e in chain if pos > keep]
            conn.execute("DELETE FROM audit_chain WHERE position > %s", (keep,))
            conn.execute("DELETE FROM audit_entry WHERE id = ANY(%s)", (doomed,))
            conn.execute("UPDATE audit_head SET position = c.position, hash = c.hash FROM audit_chain c "
                         "WHERE c.position = %s", (keep,))
            expected = (keep + 1, None)
        result = verify_audit_trail(conn, trusted_keys={public_bytes(key)})
        conn.rollback()
    assert not result.ok
    first = result.first_problem
    assert (first.position, first.entry_id) == expected, result.describe()


@pytest.mark.parametrize("where", ["first", "before_middle", "middle", "after_middle", "last"])
@pytest.mark.clause("21 CFR 11.10(e)")
def test_a_chain_read_in_halves_finds_an_edit_on_either_side_of_the_seam(
        trail, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """With a second connection the chain is read in two halves at once; an edit committed anywhere,
    the links either side of the seam included, is still found at its entry."""
    db, key = trail
    monkeypatch.setattr(audit_trail, "PARALLEL_FROM", 2)  # this trail is short: split it all the same
    with db.raw_connection() as conn:
        chain = _positions(conn)
        total = len(chain)
        middle = total // 2
        position = {"first": 1, "before_middle": middle - 1, "middle": middle, "after_middle": middle + 1,
                    "last": total}[where]
        entry_id = chain[position - 1][1]
        reason = conn.execute("SELECT reason FROM audit_entry WHERE id = %s", (entry_id,)).fetchone()[0]

        def set_reason(value: str | None) -> None:
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")  # superuser: triggers off
                conn.execute("UPDATE audit_entry SET reason = %s WHERE id = %s", (value, entry_id))

        set_reason((reason or "") + " (amended)")  # committed: the second connection sees it too
        try:
            broken = verify_audit_trail(conn, trusted_keys={public_bytes(key)}, second=db.raw_connection)
        finally:
            set_reason(reason)
        mended = verify_audit_trail(conn, trusted_keys={public_bytes(key)}, second=db.raw_connection)
    assert (broken.first_problem.position, broken.first_problem.entry_id) == (position, entry_id), \
        broken.describe()
    assert mended.ok and mended.entries_checked == total, mended.describe()


def test_a_trail_that_grows_during_verification_is_checked_up_to_its_head(
        trail, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries chained after the verification began are left for the next one, not reported as a
    chain longer than its head."""
    db, key = trail
    with db.raw_connection() as conn, db.raw_connection() as writer:
        before = len(_positions(conn))

        def grow(done: int, total: int) -> None:
            writer.execute("SELECT mt_audit_event('export', 'verification bench', '{}'::jsonb)")

        monkeypatch.setattr(audit_trail, "PROGRESS_EVERY", 50)
        result = verify_audit_trail(conn, trusted_keys={public_bytes(key)}, progress=grow)
        after = len(_positions(conn))
    assert after > before
    assert result.ok, result.describe()
    assert result.entries_checked == before


def test_truncating_the_tail_is_reported_against_the_last_seal(trail) -> None:
    db, key = trail
    with db.raw_connection() as conn:
        conn.autocommit = False
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("DELETE FROM audit_chain WHERE position > 10")
        result = verify_audit_trail(conn, trusted_keys={public_bytes(key)})
        conn.rollback()
    assert any("were removed: seal" in p.what for p in result.problems)


@pytest.mark.parametrize("group", ["admin", "auditor", "qa_approver", "qa_reviewer", "regulatory", "warehouse"])
@pytest.mark.clause("21 CFR 11.10(e)")
@pytest.mark.clause("21 CFR 11.10(c)")
def test_no_person_can_update_delete_or_truncate_the_audit_trail(make_person, group: str) -> None:
    person: Person = make_person(group)
    with person.verified_connection() as conn:
        assert conn.execute("SELECT count(*) >= 0 FROM audit_entry").fetchone() == (True,)
        for statement in (
            "UPDATE audit_entry SET reason = 'x'",
            "DELETE FROM audit_entry",
            "TRUNCATE audit_entry",
            "INSERT INTO audit_entry (table_name, record_id, action) VALUES ('lot', '1', 'INSERT')",
            "UPDATE audit_chain SET hash = hash",
            "DELETE FROM audit_seal",
            "UPDATE audit_head SET position = 0",
        ):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)


def test_even_a_superuser_with_triggers_on_cannot_change_entries(owner_conn: psycopg.Connection) -> None:
    owner_conn.execute("INSERT INTO party (code, name, kind) VALUES ('AUD-1', '审计测试', 'supplier') "
                       "ON CONFLICT (code) DO NOTHING")
    for statement in ("UPDATE audit_entry SET reason = 'x'", "DELETE FROM audit_entry", "TRUNCATE audit_entry",
                      "UPDATE audit_chain SET hash = hash", "TRUNCATE audit_chain"):
        with pytest.raises(psycopg.Error, match="audit trail cannot be changed"):
            owner_conn.execute(statement)


@pytest.mark.clause("Annex 11 §9")
@pytest.mark.clause("GMP 第二十七条")
def test_editing_a_controlled_record_without_a_reason_is_refused(uow) -> None:
    with uow:
        lot = make_lot(uow.session)
        uow.commit()
    with pytest.raises(ReasonRequired, match="reason for change is required"), uow:
        uow.session.execute(text("UPDATE lot SET quantity = 999 WHERE id = :id"), {"id": lot.id})


@pytest.mark.clause("21 CFR 11.10(e)")
@pytest.mark.clause("Annex 11 §9")
@pytest.mark.clause("ISO 13485 4.2.5")
def test_a_change_is_recorded_with_who_when_old_new_and_reason(session) -> None:
    lot = make_lot(session, quantity=100)
    session.execute(text("SELECT set_config('medtrace.reason', '复核后数量更正 recount', true)"))
    session.execute(text("UPDATE lot SET quantity = 98 WHERE id = :id"), {"id": lot.id})
    row = session.execute(text(
        "SELECT actor, action, old_values->>'quantity', new_values->>'quantity', reason, at <= now() "
        "FROM audit_entry WHERE table_name = 'lot' AND record_id = :id ORDER BY id DESC LIMIT 1"
    ), {"id": str(lot.id)}).one()
    assert row == ("postgres", "UPDATE", "100", "98", "复核后数量更正 recount", True)


def test_sign_in_outcomes_are_audited_without_secrets(make_person, owner_conn: psycopg.Connection) -> None:
    person: Person = make_person("auditor")
    with person.connect() as conn:
        conn.execute("SELECT * FROM mt_verify_totp('000000', 15)")
    outcomes = owner_conn.execute(
        "SELECT new_values->>'outcome' FROM audit_entry WHERE table_name = 'sign_in_event' "
        "AND new_values->>'login' = %s ORDER BY id", (person.login,)
    ).fetchall()
    assert ("activated",) in outcomes and ("second_factor_failed",) in outcomes
    seeds = owner_conn.execute(
        "SELECT count(*) FROM audit_entry WHERE table_name = 'person' AND (new_values ? 'totp_seed' "
        "OR old_values ? 'totp_seed')"
    ).fetchone()
    assert seeds == (0,)


@pytest.mark.parametrize("reason", ["", "   ", "\t", "\n\r\n"])
def test_a_reason_made_of_whitespace_is_no_reason(uow, reason: str) -> None:
    with uow:
        lot = make_lot(uow.session)
        uow.commit()
    with pytest.raises(ReasonRequired), uow:
        uow.session.execute(text("SELECT set_config('medtrace.reason', :r, true)"), {"r": reason})
        uow.session.execute(text("UPDATE lot SET quantity = 1 WHERE id = :id"), {"id": lot.id})


@pytest.mark.clause("21 CFR 11.10(c)")
def test_gmp_tables_cannot_be_truncated_even_by_the_superuser(owner_conn: psycopg.Connection) -> None:
    for table in ("lot", "movement", "product"):
        with pytest.raises(psycopg.Error, match="never truncated"):
            owner_conn.execute(f"TRUNCATE {table} CASCADE")
