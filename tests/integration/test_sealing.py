"""Seals on a schedule (DESIGN §3): at each release and at least daily, and `audit verify` tells their age."""

from __future__ import annotations

import json

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.cli import EXIT_OK, main
from app.config import AppPaths, Profile
from app.db.engine import Database
from app.security.keys import load_trusted_keys, public_bytes, trusted_keys_file
from app.services.audit_trail import record_event, seal_audit_trail, verify_audit_trail
from app.services.sealing import DAILY, RELEASE, seal_if_due, seal_key_name, seal_status
from tests.conftest import Person
from tests.integration.test_lot_release import make_release_ready_lot, prepare_checklist, sign
from tests.memory_keyring import MemoryKeyring, memory_keyring  # noqa: F401 — fixture

pytestmark = pytest.mark.usefixtures("committed")


@pytest.fixture(autouse=True)
def session_trusted_keys(app_paths: AppPaths):
    """`audit seal` trusts its key in the session's configuration: put that file back as it was."""
    path = trusted_keys_file(app_paths.config_dir)
    before = path.read_text(encoding="utf-8") if path.exists() else None
    yield
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(before, encoding="utf-8")


def age_last_seal(owner: psycopg.Connection, hours: int) -> None:
    """Make the newest seal `hours` old: only the superuser can, past the append-only trigger."""
    owner.execute("SET session_replication_role = replica")
    owner.execute("UPDATE audit_seal SET sealed_at = now() - make_interval(hours => %s) "
                  "WHERE id = (SELECT max(id) FROM audit_seal)", (hours,))
    owner.execute("RESET session_replication_role")


def test_no_seal_is_due_right_after_a_seal_and_one_is_due_after_a_release(
    database: Database, owner_conn: psycopg.Connection, make_person,
) -> None:
    key = Ed25519PrivateKey.generate()
    record_event(owner_conn, "test", "sealing", {})
    seal_audit_trail(owner_conn, key)
    assert seal_status(owner_conn).due is None
    assert seal_if_due(owner_conn, key)[1] is None

    reviewer: Person = make_person("qa_reviewer")
    approver: Person = make_person("qa_approver")
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    assert sign(database, reviewer, [lot_id], "reviewed").all_signed
    assert seal_status(owner_conn).due is None  # reviewed, not yet released: a day's seal will do
    assert sign(database, approver, [lot_id], "approved").all_signed
    status, seal = seal_if_due(owner_conn, key)
    assert status.due == RELEASE and seal is not None and seal.position == status.head_position
    occasion = owner_conn.execute("SELECT occasion FROM audit_seal WHERE id = %s", (seal.seal_id,)).fetchone()[0]
    assert occasion == "release"
    assert seal_status(owner_conn).due is None


def test_a_day_old_seal_is_due_again_only_when_entries_came_after_it(owner_conn: psycopg.Connection) -> None:
    key = Ed25519PrivateKey.generate()
    record_event(owner_conn, "test", "sealing", {})
    seal_audit_trail(owner_conn, key)
    age_last_seal(owner_conn, 25)
    assert seal_status(owner_conn).due is None  # nothing new since: sealing the same head again adds nothing
    record_event(owner_conn, "test", "sealing", {"later": True})
    status, seal = seal_if_due(owner_conn, key)
    assert status.due == DAILY and seal is not None


def test_audit_verify_reports_the_age_of_the_last_seal_and_warns_past_24_hours(
    owner_conn: psycopg.Connection, app_paths: AppPaths, capsys: pytest.CaptureFixture[str],
) -> None:
    key = Ed25519PrivateKey.generate()
    record_event(owner_conn, "test", "sealing", {})
    seal_audit_trail(owner_conn, key)
    trusted = ["--trust-key", public_bytes(key).hex()]
    home = ["--home", str(app_paths.config_dir.parent)]
    assert main(["audit", "verify", "--json", *trusted, *home]) == EXIT_OK
    fresh = json.loads(capsys.readouterr().out)
    assert fresh["last_seal_age_hours"] < 1 and fresh["seal_overdue"] is False and fresh["last_seal_at"]
    assert not any("24 h" in w for w in fresh["warnings"])
    assert {"ok", "entries_checked", "seals_checked", "trusted_seals", "last_sealed_position", "first_bad_entry",
            "first_bad_position", "problems", "warnings", "seconds"} <= set(fresh)  # the contract's fields stay

    age_last_seal(owner_conn, 30)
    assert main(["audit", "verify", "--json", *trusted, *home]) == EXIT_OK  # a warning, not a broken trail
    stale = json.loads(capsys.readouterr().out)
    assert 29.9 < stale["last_seal_age_hours"] < 31 and stale["seal_overdue"] is True
    assert any("30 hours old (more than 24 h)" in w for w in stale["warnings"])
    assert main(["audit", "verify", *trusted, *home]) == EXIT_OK
    assert "30.0 hours ago" in capsys.readouterr().out


def test_the_scheduled_seal_command_seals_only_when_due_with_the_key_from_the_keyring(
    owner_conn: psycopg.Connection, app_paths: AppPaths, memory_keyring: MemoryKeyring,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = ["--home", str(app_paths.config_dir.parent)]
    record_event(owner_conn, "test", "sealing", {})
    assert main(["audit", "seal", "--json", *home]) == EXIT_OK
    manual = json.loads(capsys.readouterr().out)
    assert manual["sealed"] is True and manual["occasion"] == "manual"
    assert list(memory_keyring.secrets) == [("MedTrace", f"audit-seal-key:{seal_key_name(app_paths, Profile())}")]
    assert bytes.fromhex(manual["public_key"]) in load_trusted_keys(app_paths.config_dir)
    private = next(iter(memory_keyring.secrets.values()))  # the seal key: in the keyring, nowhere in the database
    assert owner_conn.execute(
        "SELECT count(*) FROM audit_entry WHERE coalesce(new_values::text, '') || coalesce(old_values::text, '') "
        "LIKE %s", (f"%{private}%",)).fetchone()[0] == 0
    assert owner_conn.execute("SELECT count(*) FROM audit_seal WHERE position(decode(%s, 'hex') IN "
                              "public_key || signature || head_hash) > 0", (private,)).fetchone()[0] == 0

    assert main(["audit", "seal", "--if-due", "--json", *home]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["sealed"] is False
    age_last_seal(owner_conn, 26)
    record_event(owner_conn, "test", "sealing", {"later": True})
    assert main(["audit", "seal", "--if-due", "--json", *home]) == EXIT_OK
    daily = json.loads(capsys.readouterr().out)
    assert daily["sealed"] is True and daily["occasion"] == "daily" and daily["public_key"] == manual["public_key"]
    result = verify_audit_trail(owner_conn, trusted_keys=load_trusted_keys(app_paths.config_dir))
    assert result.ok and result.last_sealed_position == daily["position"]
