"""Backup and restore with evidence (Annex 11 §7.2), on the session's real server and new real ones."""

from __future__ import annotations

import hashlib
import io
import json
import resource
import signal
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.cli import EXIT_FAILED, EXIT_OK, main
from app.config import AppPaths
from app.db.embedded import EmbeddedServer
from app.db.engine import Database, open_embedded
from app.security.keys import public_bytes
from app.services.audit_trail import seal_audit_trail
from app.services.backup import (
    BACKUP_EVENT,
    BackupNotWritten,
    BackupRefused,
    back_up_database,
    embedded_tools,
    restore_backup,
    verify_restored_database,
    write_verification_record,
)
from app.services.identity import sign_in
from tests.conftest import Person
from tests.integration.test_lot_release import make_release_ready_lot, prepare_checklist, sign

pytestmark = pytest.mark.usefixtures("committed")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def backups_recorded(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT count(*) FROM audit_entry WHERE table_name = %s", (BACKUP_EVENT,)).fetchone()[0]


@pytest.fixture
def seal_key(owner_conn: psycopg.Connection) -> Ed25519PrivateKey:
    """The trail sealed by a key the restoring workstation is told to trust."""
    key = Ed25519PrivateKey.generate()
    seal_audit_trail(owner_conn, key, occasion="manual")
    return key


@pytest.fixture
def released_lot(database: Database, owner_conn: psycopg.Connection, make_person) -> int:
    reviewer: Person = make_person("qa_reviewer")
    approver: Person = make_person("qa_approver")
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    assert sign(database, reviewer, [lot_id], "reviewed").all_signed
    assert sign(database, approver, [lot_id], "approved").all_signed
    return lot_id


@pytest.fixture
def backup_file(app_paths: AppPaths, owner_conn: psycopg.Connection, tmp_path: Path) -> Path:
    """A backup of the session's database holding at least some records and their audit trail."""
    owner_conn.execute("INSERT INTO party (code, name, kind) VALUES ('BK-SITE', '苏州工厂', 'manufacturer') "
                       "ON CONFLICT (code) DO NOTHING")
    out = tmp_path / "site.mtbackup"
    back_up_database(owner_conn, embedded_tools(app_paths.pgdata), out=out, created_by="test")
    return out


@pytest.fixture
def new_home(tmp_path: Path) -> Iterator[AppPaths]:
    """A folder for a new embedded server; whatever a test started there is stopped afterwards."""
    paths = AppPaths.resolve(tmp_path / "restored")
    yield paths
    EmbeddedServer(paths.pgdata).stop()


def test_a_backup_restores_into_a_new_server_where_every_check_passes_and_people_sign_in(
    app_paths: AppPaths, owner_conn: psycopg.Connection, make_person, released_lot: int, seal_key: Ed25519PrivateKey,
    new_home: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    person: Person = make_person("auditor")
    out, record = tmp_path / "site.mtbackup", tmp_path / "record.pdf"
    assert main(["backup", "--out", str(out), "--home", str(app_paths.config_dir.parent), "--json"]) == EXIT_OK
    written = json.loads(capsys.readouterr().out)
    assert written["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    recorded = owner_conn.execute("SELECT new_values ->> 'sha256' FROM audit_entry WHERE table_name = %s "
                                  "ORDER BY id DESC LIMIT 1", (BACKUP_EVENT,)).fetchone()[0]
    assert recorded == written["sha256"]  # the source's own trail knows this file
    with tarfile.open(out) as archive:  # a plain tar any tool reads
        assert sorted(archive.getnames()) == ["database.dump", "manifest.json", "roles.sql"]

    code = main(["restore", str(out), "--home", str(new_home.config_dir.parent), "--record", str(record),
                 "--trust-key", public_bytes(seal_key).hex(), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK, document["checks"]
    assert {c["check"]: c["ok"] for c in document["checks"]} == {
        "schema": True, "row_counts": True, "audit_chain": True, "audit_head": True, "audit_seal": True,
        "signatures": True}
    assert document["signatures"]["valid"] >= 2 and document["signatures"]["invalid"] == 0
    lots = {t["table"]: t for t in document["tables"]}["lot"]
    assert lots["backup"] == lots["restored"] >= 1
    text = pdf_text(record)
    assert "Backup verification record" in text and written["sha256"] in text and "FAILED" not in text

    # The verification record is a controlled file the restored database knows; people came along.
    assert main(["report", "verify", str(record), "--home", str(new_home.config_dir.parent)]) == EXIT_OK
    database = open_embedded(new_home)
    try:
        signed_in = sign_in(database.connect_args, login=person.login, password=person.password,
                            code=person.next_code())
        assert signed_in.account.groups == ("auditor",)
    finally:
        database.close(stop_server=True)


def test_a_tampered_restore_is_reported_as_failed_not_rubber_stamped(
    backup_file: Path, new_home: AppPaths, tmp_path: Path,
) -> None:
    restored = restore_backup(backup_file, pgdata=new_home.pgdata)
    database = open_embedded(new_home)
    try:
        with database.raw_connection() as conn:
            conn.execute("SET session_replication_role = replica")  # past every trigger, as only a superuser can
            conn.execute("DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry)")
            conn.execute("RESET session_replication_role")
            verification = verify_restored_database(conn, restored)
            record = write_verification_record(conn, verification, out=tmp_path / "failed.pdf", language="zh_CN",
                                               generated_by="测试")
    finally:
        database.close(stop_server=True)
    failed = {c.key for c in verification.checks if not c.ok}
    assert not verification.ok and {"row_counts", "audit_chain", "audit_seal"} <= failed
    assert "备份未通过验证" in pdf_text(record.path)


def test_a_full_disk_leaves_no_half_file_and_records_nothing(
    app_paths: AppPaths, owner_conn: psycopg.Connection, tmp_path: Path,
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    before = backups_recorded(owner_conn)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, in pg_dump too
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, limits[1]))
    try:
        with pytest.raises(BackupNotWritten, match="not enough space"):
            back_up_database(owner_conn, embedded_tools(app_paths.pgdata), out=folder / "full.mtbackup",
                             created_by="test")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)
    assert list(folder.iterdir()) == []
    assert backups_recorded(owner_conn) == before


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "read-only"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:  # not root: then permissions alone make it read-only
        folder.chmod(0o500)
    yield folder
    if mounted.returncode == 0:
        subprocess.run(["umount", str(folder)], check=False)
    folder.chmod(0o700)


def test_a_read_only_folder_gets_a_clear_error_and_no_file(
    app_paths: AppPaths, owner_conn: psycopg.Connection, read_only_folder: Path,
) -> None:
    before = backups_recorded(owner_conn)
    with pytest.raises(BackupNotWritten, match="may not write"):
        back_up_database(owner_conn, embedded_tools(app_paths.pgdata), out=read_only_folder / "x.mtbackup",
                         created_by="test")
    assert list(read_only_folder.iterdir()) == []
    assert backups_recorded(owner_conn) == before


def _rewritten(source: Path, target: Path, change: dict[str, bytes], *, fix_manifest: bool = False) -> Path:
    """A copy of the backup with some members' bytes replaced; the manifest kept, or made to match."""
    with tarfile.open(source) as archive:
        bodies = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}  # type: ignore[union-attr]
    bodies.update(change)
    if fix_manifest:
        manifest = json.loads(bodies["manifest.json"])
        for name in change:
            manifest["members"][name] = {"sha256": hashlib.sha256(bodies[name]).hexdigest(), "size": len(bodies[name])}
        bodies["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w") as copy:
        for name, body in bodies.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            copy.addfile(info, io.BytesIO(body))
    return target


def test_a_damaged_backup_is_refused_before_anything_is_created(
    backup_file: Path, new_home: AppPaths, tmp_path: Path,
) -> None:
    with tarfile.open(backup_file) as archive:
        dump = bytearray(archive.extractfile("database.dump").read())  # type: ignore[union-attr]
    dump[len(dump) // 2] ^= 0xFF
    damaged = _rewritten(backup_file, tmp_path / "damaged.mtbackup", {"database.dump": bytes(dump)})
    truncated = tmp_path / "truncated.mtbackup"
    truncated.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    for bad, why in ((damaged, "does not match its manifest"), (truncated, "damaged or incomplete")):
        with pytest.raises(BackupRefused, match=why):
            restore_backup(bad, pgdata=new_home.pgdata)
        assert not new_home.data_dir.exists()


def test_a_foreign_file_is_refused(backup_file: Path, app_paths: AppPaths, new_home: AppPaths, tmp_path: Path) -> None:
    plain_dump = tmp_path / "plain.dump"
    subprocess.run([str(EmbeddedServer(app_paths.pgdata).bin_dir / "pg_dump"), "--format=custom", "--schema-only",
                    "-h", str(EmbeddedServer(app_paths.pgdata).socket_dir), "-U", "postgres", "-d", "medtrace",
                    "-f", str(plain_dump)], check=True, capture_output=True)
    random_bytes = tmp_path / "photo.jpg"
    random_bytes.write_bytes(bytes(range(256)) * 64)
    other_tar = tmp_path / "other.tar"
    with tarfile.open(other_tar, "w") as archive:
        archive.add(random_bytes, arcname="photo.jpg")
    evil = _rewritten(backup_file, tmp_path / "evil.mtbackup",
                      {"roles.sql": b"CREATE ROLE x;\nCOPY (SELECT 1) TO PROGRAM 'touch /tmp/owned';\n"},
                      fix_manifest=True)
    for foreign, why in ((plain_dump, "plain pg_dump archive"), (random_bytes, "not a MedTrace backup"),
                         (other_tar, "not a MedTrace backup"), (evil, "statements other than roles")):
        with pytest.raises(BackupRefused, match=why):
            restore_backup(foreign, pgdata=new_home.pgdata)
    assert not new_home.data_dir.exists()


def test_a_restore_never_overwrites_an_existing_database(
    backup_file: Path, app_paths: AppPaths, owner_conn: psycopg.Connection, capsys: pytest.CaptureFixture[str],
) -> None:
    lots_before = owner_conn.execute("SELECT count(*) FROM lot").fetchone()[0]
    code = main(["restore", str(backup_file), "--home", str(app_paths.config_dir.parent)])
    assert code == 2 and "already holds a database; nothing was overwritten" in capsys.readouterr().err
    assert owner_conn.execute("SELECT count(*) FROM lot").fetchone()[0] == lots_before


def test_a_restore_without_a_trusted_seal_says_the_chain_is_not_tied_to_one(
    backup_file: Path, new_home: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["restore", str(backup_file), "--home", str(new_home.config_dir.parent), "--json"])
    document = json.loads(capsys.readouterr().out)
    assert code == EXIT_FAILED
    assert [c["check"] for c in document["checks"] if not c["ok"]] == ["audit_seal"]
    assert Path(document["record"]["file"]).parent == new_home.config_dir.parent
