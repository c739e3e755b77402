"""`medtrace validate`: IQ/OQ on the real installation and database, failing by name when a control is broken."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from app.db.engine import Database
from app.services.validation import VALIDATION_EVENT, run_validation

pytestmark = pytest.mark.clause("Annex 11 §4.5")


def _gmp_snapshot(conn: psycopg.Connection) -> dict[str, int]:
    tables = ("product", "lot", "lot_signature", "audit_entry", "person", "signing_key", "session_token")
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


@pytest.mark.clause("21 CFR 11.10(a)")
def test_validation_passes_on_a_correct_installation_and_leaves_no_trace(database: Database) -> None:
    with database.raw_connection() as conn:
        before = _gmp_snapshot(conn)
        run = run_validation(conn)
        after = _gmp_snapshot(conn)
        roles = conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'mt_validation_probe'").fetchone()[0]
    assert run.ok, [f"{c.id}: {c.detail}" for c in run.failed]
    assert {c.id for c in run.checks} >= {"IQ-01", "IQ-02", "IQ-03", "IQ-04", *(f"OQ-0{i}" for i in range(1, 10))}
    assert before == after
    assert roles == 0


@pytest.mark.clause("21 CFR 11.10(g)")
def test_a_two_person_rule_probe_is_refused_by_the_database_itself(database: Database) -> None:
    with database.raw_connection() as conn:
        run = run_validation(conn)
    check = next(c for c in run.checks if c.id == "OQ-07")
    assert check.passed and "MTG05" in check.detail


@pytest.mark.clause("21 CFR 11.10(d)")
def test_a_revoked_grant_fails_the_matrix_check_naming_it(database: Database) -> None:
    with database.raw_connection() as conn:
        conn.execute("REVOKE INSERT ON movement FROM warehouse")
        try:
            run = run_validation(conn)
        finally:
            conn.execute("GRANT INSERT ON movement TO warehouse")
    check = next(c for c in run.checks if c.id == "OQ-01")
    assert not check.passed and not run.ok
    assert "warehouse lacks INSERT on movement" in check.detail


@pytest.mark.clause("21 CFR 11.10(e)")
def test_a_disabled_trigger_fails_the_guard_check_naming_it(database: Database) -> None:
    with database.raw_connection() as conn:
        conn.execute("ALTER TABLE lot_signature DISABLE TRIGGER signature_final")
        try:
            run = run_validation(conn)
        finally:
            conn.execute("ALTER TABLE lot_signature ENABLE TRIGGER signature_final")
    check = next(c for c in run.checks if c.id == "OQ-04")
    assert not check.passed
    assert "trigger signature_final on lot_signature is disabled" in check.detail


def test_a_changed_program_file_fails_the_installation_check(tmp_path: Path) -> None:
    from app.services.validation import MANIFEST_NAME, _check_installed_files, installed_files

    root = tmp_path / "app"
    root.mkdir()
    (root / "module.py").write_text("x = 1\n")
    shipped = installed_files(root)
    (root / MANIFEST_NAME).write_text("".join(f"{sha}  {rel}\n" for rel, sha in shipped.manifest))
    assert _check_installed_files(installed_files(root), root).passed
    (root / "module.py").write_text("x = 2\n")
    check = _check_installed_files(installed_files(root), root)
    assert not check.passed and "changed or missing app/module.py" in check.detail


@pytest.mark.clause("Annex 11 §4.5")
def test_validate_command_writes_the_report_and_matrix_and_one_audited_entry(database: Database, app_paths,
                                                                             tmp_path: Path, capsys) -> None:
    from app.cli import main

    with database.raw_connection() as conn:
        last = conn.execute("SELECT coalesce(max(id), 0) FROM audit_entry").fetchone()[0]
    code = main(["--home", str(app_paths.config_dir.parent), "validate", "--out-dir", str(tmp_path),
                 "--language", "en", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0, result
    assert result["ok"] is True
    assert Path(result["pdf"]).is_file() and Path(result["xlsx"]).is_file()
    with database.raw_connection() as conn:
        entries = conn.execute("SELECT table_name, new_values FROM audit_entry WHERE id > %s", (last,)).fetchall()
    assert [e[0] for e in entries] == [VALIDATION_EVENT]
    assert {f["name"] for f in entries[0][1]["files"]} == {Path(result["pdf"]).name, Path(result["xlsx"]).name}


def test_the_validation_report_file_is_vouched_for_by_report_verify(database: Database, app_paths,
                                                                     tmp_path: Path, capsys) -> None:
    from app.cli import main

    home = str(app_paths.config_dir.parent)
    assert main(["--home", home, "validate", "--out-dir", str(tmp_path), "--json"]) == 0
    pdf = json.loads(capsys.readouterr().out)["pdf"]
    assert main(["--home", home, "report", "verify", pdf, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["exports"]
    Path(pdf).write_bytes(Path(pdf).read_bytes() + b" ")
    assert main(["--home", home, "report", "verify", pdf, "--json"]) != 0
