"""Installation and operational qualification (IQ/OQ) of one MedTrace installation and its database.

A site validates the workstation before GMP use (EU GMP Annex 11 §4 "validation", 21 CFR 11.10(a)
"validation of systems to ensure accuracy, reliability, consistent intended performance"). `run_validation`
runs on the customer's own installation and database and answers, check by check:

IQ  — what is installed: Python and library versions, a SHA-256 manifest of the installed program files
      (compared with the manifest shipped with the build when there is one), the schema revision, the
      server's security-relevant settings.
OQ  — does it behave as specified: the grants equal the permission matrix, row-level security is forced
      on every GMP table, every guard trigger is present and enabled, the database's own TOTP matches
      the RFC 6238 test vectors, the audit trail refuses change and the two-person rule refuses a
      self-approval (both tried inside transactions that are rolled back), the audit chain verifies,
      and a report's data fingerprint comes out the same from both renderers.

Nothing a check tries survives it: every probe runs inside a transaction that is rolled back, so the
only trace a validation run leaves in GMP data is its own audited `validation_run` event (written by
`record_validation`, with the SHA-256 of the report files so `verify_report_file` can vouch for them).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import importlib.metadata
import platform
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from app.db.migrations import head_revision
from app.reports.document import Letterhead, ReportDocument, Section
from app.security.permissions import (
    FROZEN_SNAPSHOTS,
    FUNCTION_GRANTS,
    GMP_TABLES,
    GROUPS,
    LOT_UPDATE_COLUMNS,
    TABLE_GRANTS,
)
from app.services.audit_trail import record_event, verify_audit_trail
from app.services.clauses import MatrixRow, traceability_matrix
from app.services.company import connection_letterhead

IQ = "IQ"
OQ = "OQ"
VALIDATION_EVENT = "validation_run"

# The libraries the workstation is built on (pyproject.toml): their installed versions are IQ evidence.
LIBRARIES = ("PySide6-Essentials", "SQLAlchemy", "alembic", "psycopg", "reportlab", "openpyxl", "keyring", "pyotp",
             "segno", "cryptography", "biip")

# Tables whose rows are readable only from a second-factor-verified session (0002, 0003, 0004).
RLS_TABLES = (*GMP_TABLES, "audit_entry", "audit_seal", "label_verification", "audit_review", "lot_signature")

# Every trigger a rule of the system depends on: (table, trigger name, what it guards).
GUARD_TRIGGERS: tuple[tuple[str, str, str], ...] = (
    *((t, "audit", "every change recorded in the audit trail") for t in GMP_TABLES if t not in FROZEN_SNAPSHOTS),
    *((t, "frozen", "the frozen recall scope and its signatures cannot be rewritten")
      for t in (*FROZEN_SNAPSHOTS, "recall_return", "recall_signature")),
    ("recall_case", "needs_initiation", "no recall is opened without its “Recall initiated” signature"),
    *((t, "audit", "every change recorded in the audit trail")
      for t in ("label_verification", "audit_review", "lot_signature")),
    *((t, "reason_required", "a reason for every change")
      for t in ("product", "lot", "qc_result", "deviation", "movement", "genealogy_edge", "party", "company_profile")),
    *((t, "no_truncate", "no bulk erase") for t in GMP_TABLES),
    *((t, "append_only", "the audit trail cannot be changed") for t in ("audit_entry", "audit_chain", "audit_seal")),
    *((t, "append_only_truncate", "the audit trail cannot be emptied")
      for t in ("audit_entry", "audit_chain", "audit_seal")),
    ("audit_entry", "chain", "every entry chained by hash"),
    ("audit_head", "audit_head_no_truncate", "the chain head cannot be reset"),
    ("movement", "stock_not_negative", "stock never below zero"),
    ("genealogy_edge", "stock_not_negative", "components never over-consumed"),
    ("lot", "guard_status", "lot status changes only through a signature"),
    ("movement", "released_to_ship", "only released, unexpired lots ship"),
    ("lot_signature", "signature_final", "signatures cannot be changed"),
    ("lot_signature", "signature_final_truncate", "signatures cannot be erased"),
)

# RFC 6238 Appendix B, SHA-1 rows (seed "12345678901234567890"), truncated to the 6 digits we use.
TOTP_VECTORS = ((59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"),
                (2000000000, "279037"), (20000000000, "353130"))
TOTP_SEED = b"12345678901234567890"

PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")

Progress = Callable[[int, int, str], None]  # (done, total, what is being done now)


@dataclass(frozen=True)
class Check:
    """One IQ or OQ check: what was checked, against which requirement, and what was found."""

    id: str
    stage: str  # IQ | OQ
    title: str
    clauses: tuple[str, ...]
    passed: bool
    detail: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "stage": self.stage, "title": self.title, "clauses": list(self.clauses),
                "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class InstalledFiles:
    files: int
    digest: str  # SHA-256 over the sorted "sha256  path" lines: one number for the whole installation
    manifest: tuple[tuple[str, str], ...]  # (relative path, sha256)


@dataclass(frozen=True)
class ValidationRun:
    started_at: dt.datetime
    finished_at: dt.datetime
    database: str
    server_version: str
    schema_revision: str | None
    installed: InstalledFiles
    versions: tuple[tuple[str, str], ...]
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.passed)

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok, "started_at": self.started_at.isoformat(), "finished_at": self.finished_at.isoformat(),
            "database": self.database, "server_version": self.server_version,
            "schema_revision": self.schema_revision, "installed_files": self.installed.files,
            "installation_digest": self.installed.digest, "versions": dict(self.versions),
            "checks": [c.as_json() for c in self.checks], "failed": [c.id for c in self.failed],
        }


# == The run ======================================================================================


def run_validation(conn: psycopg.Connection, *, trusted_keys: Iterable[bytes] = (),
                   install_root: Path | None = None, progress: Progress | None = None) -> ValidationRun:
    """Run every IQ and OQ check on this installation and the database behind `conn`.

    `conn` is the database administrator's connection (the embedded server's superuser, or the site's
    DBA): the checks read the catalogue and try refused operations inside rolled-back transactions.
    `progress(done, total, check_id)` is called before each check.
    """
    install_root = install_root or Path(__file__).resolve().parents[1]
    started_at = _now(conn)
    versions = _versions()
    installed = installed_files(install_root)
    steps: tuple[tuple[str, Callable[[], Check]], ...] = (
        ("IQ-01", lambda: _check_versions(versions)),
        ("IQ-02", lambda: _check_installed_files(installed, install_root)),
        ("IQ-03", lambda: _check_schema(conn)),
        ("IQ-04", lambda: _check_server_settings(conn)),
        ("OQ-01", lambda: _check_table_grants(conn)),
        ("OQ-02", lambda: _check_function_grants(conn)),
        ("OQ-03", lambda: _check_row_level_security(conn)),
        ("OQ-04", lambda: _check_guard_triggers(conn)),
        ("OQ-05", lambda: _check_totp_vectors(conn)),
        ("OQ-06", lambda: _check_append_only(conn)),
        ("OQ-07", lambda: _check_two_person_rule(conn)),
        ("OQ-08", lambda: _check_audit_chain(conn, trusted_keys)),
        ("OQ-09", _check_fingerprint_round_trip),
    )
    found = []
    for done, (check_id, check) in enumerate(steps):
        if progress is not None:
            progress(done, len(steps), check_id)
        found.append(check())
    checks = tuple(found)
    server_version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    database = str(conn.execute("SELECT current_database()").fetchone()[0])  # type: ignore[index]
    return ValidationRun(started_at=started_at, finished_at=_now(conn), database=database,
                         server_version=server_version, schema_revision=_schema_revision(conn),
                         installed=installed, versions=versions, checks=checks)


def record_validation(conn: psycopg.Connection, run: ValidationRun, files: Sequence[tuple[Path, str, str]]) -> int:
    """The one trace a validation run leaves: an audited `validation_run` event naming its report files.

    `files` are (path, sha256, data fingerprint) of the PDF report and the XLSX matrix.
    """
    return record_event(conn, VALIDATION_EVENT, run.started_at.strftime("VAL-%Y%m%d-%H%M%S"), {
        "ok": run.ok, "checks": len(run.checks), "failed": [c.id for c in run.failed],
        "installation_digest": run.installed.digest, "schema_revision": run.schema_revision,
        "files": [{"name": p.name, "sha256": sha, "fingerprint": fp} for p, sha, fp in files],
    })


# == IQ ===========================================================================================


def _versions() -> tuple[tuple[str, str], ...]:
    found = [("Python", platform.python_version())]
    for name in LIBRARIES:
        try:
            found.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            found.append((name, ""))
    try:
        found.append(("MedTrace", importlib.metadata.version("medtrace")))
    except importlib.metadata.PackageNotFoundError:
        found.append(("MedTrace", "source checkout"))
    return tuple(found)


def _check_versions(versions: tuple[tuple[str, str], ...]) -> Check:
    missing = [name for name, version in versions if not version]
    too_old = sys.version_info < (3, 11)
    detail = "; ".join(f"{n} {v or 'MISSING'}" for n, v in versions)
    if too_old:
        detail = f"Python 3.11 or newer is required. {detail}"
    return Check("IQ-01", IQ, "Python and libraries installed", ("Annex 11 §4.5",), not missing and not too_old,
                 detail)


MANIFEST_NAME = "installed-files.sha256"
PROGRAM_SUFFIXES = (".py", ".qm", ".ttf", ".ttc", ".svg", ".png", ".ini", ".mako")


def installed_files(root: Path) -> InstalledFiles:
    """SHA-256 of every program file of the `app` package and the migrations next to it."""
    roots = [root, root.parent / "alembic"]
    lines: list[tuple[str, str]] = []
    for base in roots:
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in PROGRAM_SUFFIXES and "__pycache__" not in path.parts:
                lines.append((path.relative_to(root.parent).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    lines.sort()
    digest = hashlib.sha256("".join(f"{sha}  {rel}\n" for rel, sha in lines).encode()).hexdigest()
    return InstalledFiles(files=len(lines), digest=digest, manifest=tuple(lines))


def _check_installed_files(installed: InstalledFiles, root: Path) -> Check:
    """Compared with the manifest the build ships (`make dist` writes it); otherwise the digest is recorded."""
    manifest_path = root / MANIFEST_NAME
    title = "Installed program files unchanged"
    if not manifest_path.is_file():
        return Check("IQ-02", IQ, title, ("Annex 11 §4.5", "21 CFR 11.10(a)"), True,
                     f"{installed.files} files hashed, installation digest {installed.digest}. This installation "
                     "ships no manifest (a source checkout): record the digest in the IQ protocol and compare it "
                     "on the next run.")
    expected: dict[str, str] = {}
    for line in manifest_path.read_text(encoding="utf-8").splitlines():
        sha, _, rel = line.partition("  ")
        if rel:
            expected[rel] = sha
    found = dict(installed.manifest)
    changed = sorted(rel for rel, sha in expected.items() if found.get(rel) != sha)
    extra = sorted(set(found) - set(expected))
    passed = not changed and not extra
    detail = f"{installed.files} files match the shipped manifest." if passed else (
        "Differs from the shipped manifest: " + ", ".join([*(f"changed or missing {r}" for r in changed[:10]),
                                                           *(f"not shipped {r}" for r in extra[:10])]))
    return Check("IQ-02", IQ, title, ("Annex 11 §4.5", "21 CFR 11.10(a)"), passed, detail)


def _schema_revision(conn: psycopg.Connection) -> str | None:
    try:
        with conn.transaction():
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return None if row is None else str(row[0])


def _check_schema(conn: psycopg.Connection) -> Check:
    current, head = _schema_revision(conn), head_revision()
    return Check("IQ-03", IQ, "Database schema at the installed revision", ("Annex 11 §4.5",), current == head,
                 f"Database at {current or 'no schema'}, program expects {head}."
                 + ("" if current == head else " Run `medtrace db upgrade`."))


# (setting, accepted values, why)
SERVER_SETTINGS = (
    ("password_encryption", ("scram-sha-256",), "passwords stored as SCRAM verifiers (21 CFR 11.300)"),
    ("standard_conforming_strings", ("on",), "literal strings as the SQL standard reads them"),
    ("fsync", ("on",), "committed records survive a power cut (Annex 11 §7.1)"),
    ("full_page_writes", ("on",), "no torn pages after a crash (Annex 11 §7.1)"),
)


def _check_server_settings(conn: psycopg.Connection) -> Check:
    wrong, seen = [], []
    for name, accepted, why in SERVER_SETTINGS:
        value = str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]  # names are constants
        seen.append(f"{name}={value}")
        if value not in accepted:
            wrong.append(f"{name} is {value}, should be {' or '.join(accepted)}: {why}")
    version = int(conn.execute("SHOW server_version_num").fetchone()[0])  # type: ignore[index]
    if version < 150000:
        wrong.append(f"PostgreSQL {version // 10000} is older than the supported 15")
    ssl = str(conn.execute("SHOW ssl").fetchone()[0])  # type: ignore[index]
    seen.append(f"ssl={ssl}")
    return Check("IQ-04", IQ, "Database server settings", ("Annex 11 §7.1", "21 CFR 11.300"), not wrong,
                 "; ".join(wrong) if wrong else ", ".join(seen))


# == OQ ===========================================================================================


def _check_table_grants(conn: psycopg.Connection) -> Check:
    """Each group role holds exactly the table privileges of the permission matrix (no more, no less)."""
    differences = []
    for group in GROUPS:
        for table in GMP_TABLES:
            expected = TABLE_GRANTS[group].get(table, frozenset())
            for privilege in PRIVILEGES:
                if table == "lot" and privilege == "UPDATE":
                    held = bool(conn.execute(
                        "SELECT bool_or(has_column_privilege(%s, 'lot', c, 'UPDATE')) FROM unnest(%s::text[]) c",
                        (group, list(LOT_UPDATE_COLUMNS))).fetchone()[0])  # type: ignore[index]
                    whole = bool(conn.execute("SELECT has_table_privilege(%s, 'lot', 'UPDATE')",
                                              (group,)).fetchone()[0])  # type: ignore[index]
                    if whole:
                        differences.append(f"{group} may UPDATE every column of lot (status included)")
                else:
                    held = bool(conn.execute("SELECT has_table_privilege(%s, %s, %s)",
                                             (group, table, privilege)).fetchone()[0])  # type: ignore[index]
                if held != (privilege in expected):
                    differences.append(f"{group} {'holds' if held else 'lacks'} {privilege} on {table}")
    return Check("OQ-01", OQ, "Table grants equal the permission matrix", ("21 CFR 11.10(d)", "Annex 11 §12.1"),
                 not differences, "; ".join(differences) or
                 f"{len(GROUPS)} groups × {len(GMP_TABLES)} tables × {len(PRIVILEGES)} privileges as specified.")


def _check_function_grants(conn: psycopg.Connection) -> Check:
    differences = []
    for signature, grantees in FUNCTION_GRANTS.items():
        try:
            with conn.transaction():
                public = bool(conn.execute(
                    "SELECT has_function_privilege('public', %s, 'EXECUTE')", (signature,)).fetchone()[0])  # type: ignore[index]
        except psycopg.errors.UndefinedFunction:
            differences.append(f"{signature} is missing")
            continue
        if public:
            differences.append(f"{signature} is executable by PUBLIC")
        for role in (*GROUPS, "medtrace_person", "medtrace_gate"):
            held = bool(conn.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')",
                                     (role, signature)).fetchone()[0])  # type: ignore[index]
            should = role in grantees
            if held != should:
                differences.append(f"{role} {'may' if held else 'may not'} execute {signature}")
    return Check("OQ-02", OQ, "Controlled functions executable exactly by their groups",
                 ("21 CFR 11.10(d)", "21 CFR 11.10(g)"), not differences,
                 "; ".join(differences) or f"{len(FUNCTION_GRANTS)} controlled functions as specified.")


def _check_row_level_security(conn: psycopg.Connection) -> Check:
    rows = dict(conn.execute(
        "SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY(%s)",
        (list(RLS_TABLES),)).fetchall())
    missing = [t for t in RLS_TABLES if not rows.get(t)]
    return Check("OQ-03", OQ, "Row-level security forced on every GMP table", ("21 CFR 11.10(d)",), not missing,
                 ("Not forced on: " + ", ".join(missing)) if missing else
                 f"Forced on {len(RLS_TABLES)} tables: only a second-factor-verified session reads them.")


def _check_guard_triggers(conn: psycopg.Connection) -> Check:
    present = {(t, n): e for t, n, e in conn.execute(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal").fetchall()}
    problems = []
    for table, name, guards in GUARD_TRIGGERS:
        state = present.get((table, name))
        if state is None:
            problems.append(f"trigger {name} on {table} is missing ({guards})")
        elif state == "D":
            problems.append(f"trigger {name} on {table} is disabled ({guards})")
    replica = str(conn.execute("SHOW session_replication_role").fetchone()[0])  # type: ignore[index]
    if replica != "origin":
        problems.append(f"session_replication_role is {replica}: triggers would not fire")
    return Check("OQ-04", OQ, "Every guard trigger present and enabled", ("21 CFR 11.10(e)", "Annex 11 §9"),
                 not problems, "; ".join(problems) or f"{len(GUARD_TRIGGERS)} guard triggers present and enabled.")


def _check_totp_vectors(conn: psycopg.Connection) -> Check:
    wrong = []
    for seconds, code in TOTP_VECTORS:
        got = conn.execute("SELECT mt_hotp(%s, %s, 6)", (TOTP_SEED, seconds // 30)).fetchone()[0]  # type: ignore[index]
        if got != code:
            wrong.append(f"T={seconds}: {got} instead of {code}")
    return Check("OQ-05", OQ, "The database's TOTP matches the RFC 6238 test vectors", ("21 CFR 11.300(b)",),
                 not wrong, "; ".join(wrong) or f"{len(TOTP_VECTORS)} RFC 6238 vectors reproduced by PostgreSQL.")


def _refused(conn: psycopg.Connection, statement: str) -> str | None:
    """Try `statement` in a savepoint that is rolled back; the SQLSTATE of the refusal, or None if it ran."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(statement)  # type: ignore[arg-type]  # constants of this module
    except psycopg.Error as exc:
        return exc.sqlstate or "refused"
    return None


def _check_append_only(conn: psycopg.Connection) -> Check:
    attempts = {
        "UPDATE audit_entry": "UPDATE audit_entry SET actor = actor WHERE id = (SELECT min(id) FROM audit_entry)",
        "DELETE audit_entry": "DELETE FROM audit_entry WHERE id = (SELECT min(id) FROM audit_entry)",
        "TRUNCATE audit_entry": "TRUNCATE audit_entry CASCADE",
        "TRUNCATE lot_signature": "TRUNCATE lot_signature CASCADE",
        "lot status without signature":
            "UPDATE lot SET status = 'released' WHERE id = (SELECT min(id) FROM lot WHERE status = 'quarantine')",
    }
    with conn.transaction(force_rollback=True):
        # Rows to aim at, so that a missing guard cannot pass for want of a target row.
        _probe_lot(conn)
        conn.execute("SELECT mt_audit_event('validation_probe', 'probe', '{}'::jsonb)")
        accepted = [what for what, sql in attempts.items() if _refused(conn, sql) is None]
    return Check("OQ-06", OQ, "Audit trail, signatures and lot status refuse change",
                 ("21 CFR 11.10(e)", "Annex 11 §9", "21 CFR 11.70"), not accepted,
                 ("Accepted, although it must be refused: " + "; ".join(accepted)) if accepted else
                 f"{len(attempts)} changes tried inside a rolled-back transaction, each refused by the database.")


def _gtin14() -> str:
    body = "0" + "".join(secrets.choice("0123456789") for _ in range(12))
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _probe_lot(conn: psycopg.Connection) -> int:
    """A product and lot that exist only inside the caller's rolled-back transaction."""
    product = conn.execute(
        "INSERT INTO product (agency, di, name, shelf_life_days, risk_class) "
        "VALUES ('GS1', %s, 'validation probe', 365, 'II') RETURNING id", (_gtin14(),)).fetchone()[0]  # type: ignore[index]
    return int(conn.execute(  # type: ignore[index]
        "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity) "
        "VALUES (%s, %s, current_date, current_date + 365, 1) RETURNING id",
        (product, "VALPROBE" + secrets.token_hex(3).upper())).fetchone()[0])


PROBE_LOGIN = "mt_validation_probe"


def _check_two_person_rule(conn: psycopg.Connection) -> Check:
    """A QA person who reviewed a lot tries to approve it as well: the database must refuse (MTG05).

    Everything (role, person, verified session, signing key, lot, review signature) exists only inside a
    transaction that is rolled back; the refusal is PostgreSQL's own, raised by mt_sign_lot.
    """
    title = "Two-person rule refuses a self-approval"
    clauses = ("21 CFR 11.10(g)", "GMP 第二十七条")
    outcome: str | None
    with conn.transaction(force_rollback=True):
        lot = _probe_lot(conn)
        conn.execute(f"CREATE ROLE {PROBE_LOGIN} LOGIN IN ROLE medtrace_person, qa_reviewer, qa_approver")
        seq = f"mt_validation_probe_attempts_{secrets.token_hex(4)}"
        conn.execute(f"CREATE SEQUENCE {seq}")
        person = conn.execute(
            "INSERT INTO person (login, printed_name, state, totp_seed, attempts_seq) "
            "VALUES (%s, 'Validation probe', 'active', %s, %s) RETURNING id",
            (PROBE_LOGIN, secrets.token_bytes(20), seq)).fetchone()[0]  # type: ignore[index]
        token = secrets.token_bytes(32)
        conn.execute("INSERT INTO session_token (token_hash, person_id, idle_minutes, expires_at) "
                     "VALUES (%s, %s, 15, now() + interval '1 hour')", (token, person))
        conn.execute("INSERT INTO verified_backend (pid, backend_start, person_id, token_hash) "
                     "SELECT pg_backend_pid(), a.backend_start, %s, %s FROM pg_stat_get_activity(pg_backend_pid()) a",
                     (person, token))
        key = conn.execute(
            "INSERT INTO signing_key (person_id, login, public_key, wrapped_key, wrap_params) "
            "VALUES (%s, %s, %s, '\\x00', '{}') RETURNING id",
            (person, PROBE_LOGIN, secrets.token_bytes(32))).fetchone()[0]  # type: ignore[index]
        conn.execute("INSERT INTO lot_signature (lot_id, cycle, meaning, printed_name, signer, signer_roles, "
                     "content_digest, signing_key_id, signature) "
                     "VALUES (%s, 1, 'reviewed', 'Validation probe', %s, ARRAY['qa_reviewer'], mt_lot_digest(%s), "
                     "%s, %s)", (lot, PROBE_LOGIN, lot, key, secrets.token_bytes(64)))
        conn.execute("SELECT set_config('medtrace.transition', 'signed', true), "
                     "set_config('medtrace.reason', 'validation probe', true)")
        conn.execute("UPDATE lot SET status = 'under_review' WHERE id = %s", (lot,))
        conn.execute("SELECT set_config('medtrace.transition', '', true)")
        digest = conn.execute("SELECT mt_lot_digest(%s)", (lot,)).fetchone()[0]  # type: ignore[index]
        conn.execute(f"SET SESSION AUTHORIZATION {PROBE_LOGIN}")
        try:
            outcome = _refused(conn, _sign_statement(lot, digest, key))
        finally:
            conn.execute("RESET SESSION AUTHORIZATION")
    passed = outcome == "MTG05"
    detail = ("The reviewer's own approval was refused by the database (MTG05) inside a rolled-back transaction."
              if passed else
              "The reviewer's own approval was ACCEPTED." if outcome is None else
              f"The approval was refused for another reason (SQLSTATE {outcome}), not by the two-person rule.")
    return Check("OQ-07", OQ, title, clauses, passed, detail)


def _sign_statement(lot: int, digest: bytes, key: int) -> str:
    return (f"SELECT mt_sign_lot({int(lot)}, 'approved', '\\x{bytes(digest).hex()}'::bytea, "
            f"'\\x{secrets.token_bytes(64).hex()}'::bytea, {int(key)}, NULL)")


def _check_audit_chain(conn: psycopg.Connection, trusted_keys: Iterable[bytes]) -> Check:
    result = verify_audit_trail(conn, trusted_keys=set(trusted_keys))
    return Check("OQ-08", OQ, "Audit trail chain and seals verify", ("21 CFR 11.10(e)", "Annex 11 §9"), result.ok,
                 result.describe())


def _check_fingerprint_round_trip() -> Check:
    """One document rendered as PDF and as XLSX carries the same data fingerprint, and a changed cell does not."""
    from app.reports.document import Column, ReportDocument, Table
    from app.reports.excel import render_xlsx
    from app.reports.pdf import render_pdf

    def document(value: str) -> ReportDocument:
        now = dt.datetime.now(dt.UTC)
        return ReportDocument(key="validation-probe", number="VAL-PROBE", title="Fingerprint probe 指纹", language="en",
                              company="—", generated_by="validation", generated_at=now, parameters=(),
                              parameter_values={}, sections=(Table("Rows", (Column("Lot"), Column("Value")),
                                                                   [("L1", value), ("L2", "批号")], count=2),))

    with tempfile.TemporaryDirectory(prefix="medtrace-validate-") as folder:
        pdf = render_pdf(document("42"), Path(folder) / "probe.pdf")
        xlsx = render_xlsx(document("42"), Path(folder) / "probe.xlsx")
        changed = render_pdf(document("43"), Path(folder) / "changed.pdf")
    passed = pdf.fingerprint == xlsx.fingerprint and changed.fingerprint != pdf.fingerprint
    return Check("OQ-09", OQ, "Report fingerprint round trip", ("21 CFR 11.10(b)", "Annex 11 §8.1"), passed,
                 f"PDF {pdf.fingerprint[:16]}…, workbook {xlsx.fingerprint[:16]}…, one cell changed "
                 f"{changed.fingerprint[:16]}…" + ("" if passed else ": the fingerprints do not behave as specified."))


def _now(conn: psycopg.Connection) -> dt.datetime:
    return conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index,no-any-return]


# == The report and the matrix =====================================================================

TITLES_ZH = {
    "IQ-01": "已安装 Python 及依赖库", "IQ-02": "已安装程序文件未被改动", "IQ-03": "数据库结构与程序版本一致",
    "IQ-04": "数据库服务器设置", "OQ-01": "表权限与权限矩阵一致", "OQ-02": "受控函数仅授权组可执行",
    "OQ-03": "所有 GMP 表强制行级安全", "OQ-04": "所有防护触发器存在且启用",
    "OQ-05": "数据库动态口令符合 RFC 6238 测试向量",
    "OQ-06": "审计追踪、签名与批次状态拒绝篡改", "OQ-07": "双人规则拒绝自我批准", "OQ-08": "审计追踪链与封印核验通过",
    "OQ-09": "报告数据指纹往返一致",
}

WORDS = {
    "title": ("Validation report (IQ/OQ)", "系统验证报告（IQ/OQ）"),
    "installation": ("Installation", "安装"), "database": ("Database", "数据库"),
    "server": ("PostgreSQL", "PostgreSQL"), "schema": ("Schema revision", "数据库结构版本"),
    "files": ("Program files hashed", "已计算校验和的程序文件"),
    "digest": ("Installation digest (SHA-256)", "安装摘要 (SHA-256)"),
    "started": ("Started", "开始时间"), "finished": ("Finished", "结束时间"),
    "result": ("Result", "结果"), "passed": ("PASSED", "通过"), "failed": ("FAILED", "未通过"),
    "checks": ("Checks", "检查项"), "stage": ("Stage", "阶段"), "id": ("Check", "编号"),
    "what": ("What is checked", "检查内容"), "clauses": ("Requirement", "法规条款"), "detail": ("Found", "检查结果"),
    "versions": ("Installed versions", "已安装版本"), "component": ("Component", "组件"),
    "version": ("Version", "版本"),
    "matrix": ("Traceability matrix", "追溯矩阵"), "clause": ("Clause", "条款"), "feature": ("Feature", "功能"),
    "test": ("Test", "测试"), "last_result": ("Last result", "最近结果"),
    "all_passed": ("Every check passed: the installation is qualified as specified.",
                   "所有检查项均通过：该安装符合规定的确认要求。"),
    "some_failed": ("{n} check(s) failed: {ids}. The installation is not qualified for GMP use until they pass.",
                    "{n} 项检查未通过：{ids}。在其通过之前，该安装不得用于 GMP。"),
    "no_trace": ("Every probe ran inside a transaction that was rolled back; this run left one audit-trail entry "
                 "(validation_run) naming this file.",
                 "所有探测均在回滚的事务中执行；本次验证仅在审计追踪中留下一条（validation_run）记录，并记有本文件。"),
}


def _w(language: str, key: str, **values: object) -> str:
    en, zh = WORDS[key]
    return (zh if language == "zh_CN" else en).format(**values)


@dataclass(frozen=True)
class WrittenValidation:
    pdf: Path
    xlsx: Path
    audit_entry_id: int
    fingerprint: str


def validation_document(run: ValidationRun, *, language: str, company: str, generated_by: str,
                        matrix: Sequence[MatrixRow] = (), letterhead: Letterhead | None = None) -> ReportDocument:
    from app.reports.document import ALERT, FLAG, OK, Column, Facts, Note, Table

    w = lambda key, **kv: _w(language, key, **kv)  # noqa: E731
    outcome = Note(w("all_passed"), OK) if run.ok else Note(
        w("some_failed", n=len(run.failed), ids=", ".join(c.id for c in run.failed)), ALERT)
    facts = Facts(w("installation"), (
        (w("result"), w("passed") if run.ok else w("failed")), (w("database"), run.database),
        (w("server"), run.server_version), (w("schema"), run.schema_revision or "—"),
        (w("files"), run.installed.files), (w("digest"), run.installed.digest),
        (w("started"), run.started_at), (w("finished"), run.finished_at)))
    checks = [(c.stage, c.id, TITLES_ZH.get(c.id, c.title) if language == "zh_CN" else c.title, "; ".join(c.clauses),
               w("passed") if c.passed else w("failed"), c.detail) for c in run.checks]
    sections: list[Section] = [
        outcome, facts,
        Table(w("checks"), (Column(w("stage"), width=0.5), Column(w("id"), width=0.7), Column(w("what"), width=2.2),
                            Column(w("clauses"), width=1.3), Column(w("result"), FLAG, 0.8, calm=(w("passed"),)),
                            Column(w("detail"), width=4.5)), checks, count=len(checks)),
        Table(w("versions"), (Column(w("component"), width=2), Column(w("version"), width=2)), list(run.versions),
              count=len(run.versions)),
    ]
    if matrix:
        rows = [(m.clause, m.feature, m.test, m.result) for m in matrix]
        sections.append(Table(w("matrix"), (Column(w("clause"), width=1.2), Column(w("feature"), width=2.5),
                                            Column(w("test"), width=4), Column(w("last_result"), width=0.9)),
                              rows, count=len(rows), sheet="Matrix"))
    sections.append(Note(w("no_trace")))
    return ReportDocument(key="validation-report", number=run.started_at.strftime("VAL-%Y%m%d-%H%M%S"),
                          title=w("title"), language=language, company=company, generated_by=generated_by,
                          generated_at=run.finished_at.astimezone(), parameters=(), parameter_values={},
                          sections=tuple(sections), landscape=True, letterhead=letterhead)


def write_validation_report(conn: psycopg.Connection, run: ValidationRun, *, out_dir: Path, language: str,
                            tests_root: Path | None = None, junit_xml: Path | None = None,
                            generated_by: str | None = None) -> WrittenValidation:
    """The PDF report and the XLSX (checks + traceability matrix), recorded by one `validation_run` event.

    Both files are written under temporary names and renamed only once the event is committed: no file
    without its record, no record without its file.
    """
    from app.reports.excel import render_xlsx
    from app.reports.pdf import render_pdf
    from app.services.reports import _check_folder, _not_written, _temporary_file, file_sha256

    project = Path(__file__).resolve().parents[2]
    matrix = traceability_matrix(tests_root or project / "tests", junit_xml or project / "build" / "test-results.xml",
                                 language=language)
    letterhead = connection_letterhead(conn, language)
    company = letterhead.name
    database_user = conn.execute("SELECT session_user").fetchone()[0]  # type: ignore[index]
    generated_by = f"{generated_by or getpass.getuser()} ({database_user})"
    stem = run.started_at.strftime("medtrace-validation-%Y%m%d-%H%M%S")
    pdf_path, xlsx_path = (out_dir.expanduser().absolute() / f"{stem}.{ext}" for ext in ("pdf", "xlsx"))
    _check_folder(pdf_path)
    pdf_doc = validation_document(run, language=language, company=company, generated_by=generated_by,
                                  letterhead=letterhead)
    xlsx_doc = validation_document(run, language=language, company=company, generated_by=generated_by,
                                   matrix=matrix, letterhead=letterhead)
    temporaries = [_temporary_file(pdf_path), _temporary_file(xlsx_path)]
    try:
        pdf = render_pdf(pdf_doc, temporaries[0])
        xlsx = render_xlsx(xlsx_doc, temporaries[1])
        files = [(pdf_path, file_sha256(temporaries[0], sync=True), pdf.fingerprint),
                 (xlsx_path, file_sha256(temporaries[1], sync=True), xlsx.fingerprint)]
        try:
            with conn.transaction():
                entry = record_validation(conn, run, files)
                temporaries[0].replace(pdf_path)
                temporaries[1].replace(xlsx_path)
        except BaseException:
            pdf_path.unlink(missing_ok=True)  # not recorded: not written
            xlsx_path.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise _not_written(exc, pdf_path) from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    return WrittenValidation(pdf=pdf_path, xlsx=xlsx_path, audit_entry_id=entry, fingerprint=pdf.fingerprint)


WRITING_REPORT = "Writing the validation report"


@dataclass(frozen=True)
class ValidationOutcome:
    """A validation run and the report files recorded for it."""

    run: ValidationRun
    written: WrittenValidation


def validate_embedded(pgdata: Path, *, out_dir: Path, language: str, trusted_keys: Iterable[bytes] = (),
                      generated_by: str | None = None, progress: Progress | None = None) -> ValidationOutcome:
    """`medtrace validate` on the running embedded database in `pgdata`, through its owner connection.

    What the Admin page runs; raises DatabaseUnavailable when the server cannot be reached, and the
    report's ReportNotWritten when `out_dir` cannot take the files.
    """
    from app.db.embedded import EmbeddedServer
    from app.errors import DatabaseUnavailable

    try:
        conn = psycopg.connect(**EmbeddedServer(pgdata).connect_args(), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable.of("validation.database_unreachable",
                                     hint=str(exc).strip().splitlines()[-1] if str(exc).strip() else None) from None
    with conn:
        run = run_validation(conn, trusted_keys=trusted_keys, progress=progress)
        if progress is not None:
            progress(len(run.checks), len(run.checks) + 1, WRITING_REPORT)
        written = write_validation_report(conn, run, out_dir=out_dir, language=language, generated_by=generated_by)
    return ValidationOutcome(run, written)
