"""Backups that prove themselves: back up, restore into a fresh server, verify, and keep the evidence.

EU GMP Annex 11 §7.1–7.2 (data secured by regular back-ups; the integrity and accuracy of back-up
data and the ability to restore it checked and monitored), 21 CFR 11.10(c) (records protected to
enable their accurate and ready retrieval throughout the retention period).

A MedTrace backup is one plain tar file (readable with any tar) holding three members:

* `manifest.json` — what was backed up: the source database, schema revision, head of the audit
  chain, the number of rows of every table, and the SHA-256 and size of the other two members;
* `roles.sql` — the login and group roles (`pg_dumpall --roles-only`): people *are* roles, so a
  database without them cannot be signed in to;
* `database.dump` — `pg_dump --format=custom`, restorable by PostgreSQL's own `pg_restore` too.

The row counts, the audit head and the dump come from one exported snapshot, so they describe
exactly the same instant. The file is written under a temporary name beside the target and renamed
only once complete and synced: a full or read-only disk leaves no half file that looks good. The
SHA-256 of the finished file is recorded in the source's audit trail (event `database_backup`).

A restore refuses a file that is not a MedTrace backup or whose members do not match their manifest
before it touches anything, and refuses a target folder that already holds a database. After the
restore, the verification checks the schema, every table's row count against the manifest, the
audit chain against its last trusted seal and the manifest's head, and every electronic signature,
and writes the result as a fingerprinted PDF "backup verification record" through the report
renderer, recorded in the restored database's trail (`medtrace report verify` identifies it).

Restore only backups you made: a backup file is as sensitive as the database itself (it holds
every record and the people's password verifiers), and restoring runs its SQL as the superuser of
the new server, so `roles.sql` is additionally held to role statements only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psycopg

from app.errors import ComplianceError, InvalidInput, MedTraceError
from app.services.audit_trail import Verification, record_event, verify_audit_trail

FORMAT = "medtrace-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ROLES = "roles.sql"
DUMP = "database.dump"
MEMBERS = (MANIFEST, ROLES, DUMP)
BACKUP_EVENT = "database_backup"
RECORD_KEY = "backup-verification"
COPY_BLOCK = 1 << 20
SUPERUSER = "postgres"

# (done, total, label): the operation runner's progress signature.
Progress = Callable[[int, int, str], None]


class BackupNotWritten(MedTraceError):
    """The backup file could not be written; no file was left behind and nothing was recorded."""


class BackupRefused(InvalidInput):
    """The file is not a MedTrace backup, or it is damaged: nothing was restored or overwritten."""


class RestoreFailed(ComplianceError):
    """PostgreSQL could not restore the backup; the new server was removed again."""


# == What a backup holds ============================================================================


@dataclass(frozen=True)
class Manifest:
    """The description of a backup, written first into the file and checked before any restore."""

    created_at: dt.datetime
    created_by: str
    database: str
    system_identifier: str
    server_version: str
    schema_revision: str | None
    audit_position: int
    audit_hash: str
    tables: Mapping[str, int]
    members: Mapping[str, Mapping[str, Any]]
    workstation: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": FORMAT_VERSION, "created_at": self.created_at.isoformat(),
                "created_by": self.created_by, "workstation": self.workstation, "database": self.database,
                "system_identifier": self.system_identifier, "server_version": self.server_version,
                "schema_revision": self.schema_revision,
                "audit_head": {"position": self.audit_position, "hash": self.audit_hash},
                "tables": dict(self.tables), "members": {k: dict(v) for k, v in self.members.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Manifest:
        head = data["audit_head"]
        return cls(created_at=dt.datetime.fromisoformat(data["created_at"]), created_by=str(data["created_by"]),
                   workstation=str(data.get("workstation", "")), database=str(data["database"]),
                   system_identifier=str(data["system_identifier"]), server_version=str(data["server_version"]),
                   schema_revision=data.get("schema_revision"), audit_position=int(head["position"]),
                   audit_hash=str(head["hash"]), tables={str(k): int(v) for k, v in data["tables"].items()},
                   members={str(k): dict(v) for k, v in data["members"].items()})

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass(frozen=True)
class BackupResult:
    """A backup written, synced and recorded in the source's audit trail."""

    path: Path
    sha256: str
    size: int
    manifest: Manifest
    audit_entry_id: int | None
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "sha256": self.sha256, "size": self.size, "audit_entry": self.audit_entry_id,
                "seconds": round(self.seconds, 3), "schema_revision": self.manifest.schema_revision,
                "audit_position": self.manifest.audit_position, "tables": dict(self.manifest.tables),
                "created_at": self.manifest.created_at.isoformat()}

    def describe(self) -> str:
        return (f"Backup written to {self.path} ({self.size / 1e6:,.1f} MB, {len(self.manifest.tables)} tables, "
                f"{self.manifest.rows:,} rows, audit trail to position {self.manifest.audit_position}) in "
                f"{self.seconds:.1f} s.\nSHA-256 {self.sha256}"
                + (f" recorded in the audit trail (entry {self.audit_entry_id})." if self.audit_entry_id else "."))


# == PostgreSQL's own tools ==========================================================================


@dataclass(frozen=True)
class Tools:
    """pg_dump and friends, and the libpq keywords (never a password) to reach the server with them."""

    bin_dir: Path
    connect_args: Mapping[str, str] = field(repr=False)

    def run(self, command: str, *args: str, stdin: str | None = None, timeout: float = 6 * 3600,
            ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}  # only what we pass counts
        env.update({"PGHOST": self.connect_args.get("host", ""), "PGPORT": str(self.connect_args.get("port", "")),
                    "PGUSER": self.connect_args.get("user", SUPERUSER), "PGCONNECT_TIMEOUT": "10"})
        for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
            if self.connect_args.get(key):
                env[variable] = self.connect_args[key]
        return subprocess.run(  # noqa: S603 — PostgreSQL's own binary, arguments we build
            [str(self.bin_dir / command), *args], input=stdin, capture_output=True, text=True, env=env,
            timeout=timeout, check=False, cwd="/",
        )

    @property
    def dbname(self) -> str:
        return self.connect_args.get("dbname", "medtrace")


def embedded_tools(pgdata: Path) -> Tools:
    """The embedded server's binaries, as the OS user who owns the data folder (peer authentication)."""
    from app.db.embedded import EmbeddedServer

    server = EmbeddedServer(pgdata)
    return Tools(server.bin_dir, server.connect_args())


def _last_lines(text: str, count: int = 4) -> str:
    return "\n".join(text.strip().splitlines()[-count:])


# == Backing up ======================================================================================


def _tables(conn: psycopg.Connection) -> list[str]:
    return [name for (name,) in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname").fetchall()]


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows of every table of the schema (as the superuser: row-level security does not hide any)."""
    return {name: conn.execute(f'SELECT count(*) FROM public."{name}"').fetchone()[0]
            for name in _tables(conn)}


def _audit_head(conn: psycopg.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT position, hash FROM audit_head WHERE id = 1").fetchone()
    return (int(row[0]), bytes(row[1]).hex()) if row else (0, "")


def _schema_revision(conn: psycopg.Connection) -> str | None:
    try:
        with conn.transaction():
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    return row[0] if row else None


def _check_target(target: Path) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise BackupNotWritten.of("backup.folder_missing", folder=folder)
    if target.is_dir():
        raise BackupNotWritten.of("backup.target_is_folder", target=target)


def _not_written(exc: OSError, target: Path) -> BackupNotWritten:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return BackupNotWritten.of("backup.no_space", folder=target.parent)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BackupNotWritten.of("backup.not_permitted", folder=target.parent)
    return BackupNotWritten.of("backup.write_failed", folder=target.parent, detail=exc.strerror or exc)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(COPY_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def back_up_database(conn: psycopg.Connection, tools: Tools, *, out: Path | str, created_by: str,
                     workstation: str = "", progress: Progress | None = None) -> BackupResult:
    """Write a MedTrace backup of the database `conn` (a superuser or owner connection) reaches.

    Raises BackupNotWritten (folder, disk, a tool that failed): then no file is left at `out` or beside it.
    """
    started = time.perf_counter()
    target = Path(out).expanduser().absolute()
    _check_target(target)
    step = _stepper(progress, 5)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".work", dir=target.parent))
    except OSError as exc:
        raise _not_written(exc, target) from None
    partial = work.with_suffix(".part")
    try:
        step("Reading the database")
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            now, database, version, system_id = conn.execute(
                "SELECT now(), current_database(), current_setting('server_version'), "
                "(SELECT system_identifier::text FROM pg_control_system())").fetchone()
            counts = table_counts(conn)
            position, head_hash = _audit_head(conn)
            revision = _schema_revision(conn)
            step("Dumping the database")
            dumped = tools.run("pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-password",
                               f"--file={work / DUMP}", f"--dbname={tools.dbname}")
            if dumped.returncode != 0:
                raise _tool_failed("pg_dump", dumped, target)
        step("Dumping the roles")
        roles = tools.run("pg_dumpall", "--roles-only", "--no-password", "-l", tools.dbname)
        if roles.returncode != 0:
            raise _tool_failed("pg_dumpall", roles, target)
        (work / ROLES).write_text(roles.stdout, encoding="utf-8")
        members = {name: {"sha256": _sha256_file(work / name), "size": (work / name).stat().st_size}
                   for name in (ROLES, DUMP)}
        manifest = Manifest(created_at=now, created_by=created_by, workstation=workstation, database=database,
                            system_identifier=system_id, server_version=version, schema_revision=revision,
                            audit_position=position, audit_hash=head_hash, tables=counts, members=members)
        step("Writing the backup file")
        _write_archive(partial, manifest, work)
        sha256 = _sha256_file(partial)
        size = partial.stat().st_size
        step("Recording the backup in the audit trail")
        with conn.transaction():
            entry_id = record_event(conn, BACKUP_EVENT, target.name, {
                "sha256": sha256, "name": target.name, "size": size, "schema_revision": revision,
                "audit_position": position, "rows": manifest.rows, "tables": len(counts),
                "created_by": created_by})
            partial.replace(target)
    except OSError as exc:
        raise _not_written(exc, target) from None
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return BackupResult(target, sha256, size, manifest, entry_id, time.perf_counter() - started)


def _tool_failed(tool: str, result: subprocess.CompletedProcess[str], target: Path) -> MedTraceError:
    detail = _last_lines(result.stderr)
    too_large = result.returncode == -signal.SIGXFSZ  # past the file size limit (ulimit -f)
    if too_large or "No space left" in detail or "File too large" in detail:
        return _not_written(OSError(errno.ENOSPC, "No space left on device"), target)
    if "Permission denied" in detail or "Read-only file system" in detail:
        return _not_written(OSError(errno.EACCES, "Permission denied"), target)
    return BackupNotWritten.of("backup.tool_failed", tool=tool, hint=detail or None)


def _write_archive(path: Path, manifest: Manifest, work: Path) -> None:
    with path.open("wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
            body = json.dumps(manifest.as_json(), ensure_ascii=False, indent=2, sort_keys=True).encode()
            archive.addfile(_member(MANIFEST, len(body)), io.BytesIO(body))
            for name in (ROLES, DUMP):
                with (work / name).open("rb") as handle:
                    archive.addfile(_member(name, (work / name).stat().st_size), handle)
        raw.flush()
        os.fsync(raw.fileno())


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


def _stepper(progress: Progress | None, total: int) -> Callable[[str], None]:
    done = [0]

    def step(label: str) -> None:
        if progress is not None:
            progress(done[0], total, label)
        done[0] += 1

    return step


# == Reading a backup ================================================================================


def _refused(message_id: str, path: Path, **params: object) -> BackupRefused:
    """Why `path` cannot be restored; every `backup.refused_*` message names the file and says nothing changed."""
    return BackupRefused.of(message_id, name=path.name, **params)


def read_manifest(path: Path | str) -> Manifest:
    """The manifest of a backup file, after checking that every member matches it (streamed, no copy).

    Raises BackupRefused for a file that is not a MedTrace backup, or is damaged or incomplete.
    """
    path = Path(path).expanduser()
    with _open_backup(path) as (archive, manifest):
        for name in (ROLES, DUMP):
            _copy_checked(path, archive, manifest, name, None)
    return manifest


@contextlib.contextmanager
def _open_backup(path: Path) -> Any:
    if not path.is_file():
        raise BackupRefused.of("backup.no_such_file", path=path)
    with path.open("rb") as handle:
        if handle.read(5) == b"PGDMP":
            raise _refused("backup.refused_plain_dump", path)
    try:
        archive = tarfile.open(path, mode="r:")  # noqa: SIM115 — closed by the `with` below
    except (tarfile.TarError, OSError):
        raise _refused("backup.refused_not_a_backup", path) from None
    with archive:
        try:
            names = [m.name for m in archive.getmembers()]
        except (tarfile.TarError, OSError, EOFError):
            raise _refused("backup.refused_damaged", path) from None
        if names[:1] != [MANIFEST] or sorted(names) != sorted(MEMBERS):
            raise _refused("backup.refused_not_a_backup", path)
        try:
            data = json.loads(_member_file(archive, MANIFEST).read().decode("utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError
            if int(data.get("version", 0)) > FORMAT_VERSION:
                raise _refused("backup.refused_newer_version", path)
            manifest = Manifest.from_json(data)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, tarfile.TarError):
            raise _refused("backup.refused_no_manifest", path) from None
        yield archive, manifest


def _member_file(archive: tarfile.TarFile, name: str) -> IO[bytes]:
    member = archive.getmember(name)
    handle = archive.extractfile(member) if member.isfile() else None
    if handle is None:
        raise tarfile.TarError(name)
    return handle


def _copy_checked(path: Path, archive: tarfile.TarFile, manifest: Manifest, name: str,
                  out: Path | None) -> None:
    """Stream one member (into `out` if given), refusing it unless size and SHA-256 match the manifest."""
    expected = manifest.members.get(name) or {}
    digest, size = hashlib.sha256(), 0
    try:
        source = _member_file(archive, name)
        with out.open("wb") if out is not None else contextlib.nullcontext() as sink:
            for block in iter(lambda: source.read(COPY_BLOCK), b""):
                digest.update(block)
                size += len(block)
                if sink is not None:
                    sink.write(block)
    except (tarfile.TarError, EOFError, OSError) as exc:
        if out is not None and isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EACCES, errno.EROFS):
            raise BackupRefused.of("backup.unpack_failed", name=name, detail=exc.strerror) from None
        raise _refused("backup.refused_damaged", path) from None
    if size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
        raise _refused("backup.refused_checksum", path, member=name)


# == Restoring =======================================================================================


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    backup_file: Path
    backup_sha256: str
    pgdata: Path
    seconds: float


ROLE_LINE = re.compile(r"^(--.*|\s*|SET [a-z_]+ = [^;]+;|\\(un)?restrict \S+|CREATE ROLE [^;]+;|ALTER ROLE [^;]+;"
                       r"|GRANT [^;]+ TO [^;]+;)$")


def _roles_sql(text: str) -> str:
    """roles.sql without the superuser (the new server has its own) and with nothing but role statements."""
    kept = []
    for line in text.splitlines():
        if not ROLE_LINE.match(line):
            raise BackupRefused.of("backup.roles_not_only_roles")
        if re.match(rf'^(CREATE|ALTER) ROLE "?{SUPERUSER}"?[ ;]', line):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def restore_backup(path: Path | str, *, pgdata: Path, progress: Progress | None = None) -> RestoreResult:
    """Restore a MedTrace backup into a new embedded server at `pgdata`, which must not exist yet.

    The server is left running (the caller verifies, then stops it). Raises BackupRefused (not a
    backup, damaged, target in use: nothing touched) or RestoreFailed (the new server is removed).
    """
    from app.db.embedded import EmbeddedServer

    started = time.perf_counter()
    path = Path(path).expanduser().absolute()
    step = _stepper(progress, 5)
    step("Checking the backup file")
    if pgdata.exists() and any(pgdata.iterdir()):
        raise BackupRefused.of("backup.target_not_empty", pgdata=pgdata)
    backup_sha256 = _sha256_file(path) if path.is_file() else ""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=pgdata.parent))
    server = EmbeddedServer(pgdata)
    created = False
    try:
        with _open_backup(path) as (archive, manifest):
            for name in (ROLES, DUMP):
                _copy_checked(path, archive, manifest, name, work / name)
        roles = _roles_sql((work / ROLES).read_text(encoding="utf-8"))
        step("Starting a new database server")
        created = True
        server.start()
        tools = embedded_tools(pgdata)
        step("Restoring the roles")
        applied = tools.run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--no-password", "-d", "postgres",
                            stdin=roles)
        if applied.returncode != 0:
            raise RestoreFailed.of("backup.roles_restore_failed", hint=_last_lines(applied.stderr))
        step("Restoring the database")
        restored = tools.run("pg_restore", "--exit-on-error", "--single-transaction", "--no-password",
                             f"--dbname={tools.dbname}", str(work / DUMP))
        if restored.returncode != 0:
            raise RestoreFailed.of("backup.restore_failed", hint=_last_lines(restored.stderr))
    except BaseException:
        if created:
            server.stop()
            shutil.rmtree(pgdata, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(OSError):
            pgdata.parent.rmdir()  # only if this restore left it empty
        raise
    shutil.rmtree(work, ignore_errors=True)
    step("Restored")
    return RestoreResult(manifest, path, backup_sha256, pgdata, time.perf_counter() - started)


# == Verifying a restored database ===================================================================


@dataclass(frozen=True)
class Check:
    """One verification item and its outcome."""

    key: str  # schema | row_counts | audit_chain | audit_head | audit_seal | signatures
    ok: bool
    detail: str
    detail_zh: str = ""

    def detail_in(self, language: str) -> str:
        return self.detail_zh if language == "zh_CN" and self.detail_zh else self.detail


@dataclass(frozen=True)
class SignatureTally:
    total: int
    valid: int
    changed_after_signing: int
    invalid: int


@dataclass(frozen=True)
class RestoreVerification:
    """Everything the backup verification record states."""

    restore: RestoreResult
    checks: tuple[Check, ...]
    tables: tuple[tuple[str, int | None, int | None], ...]  # name, in the backup, restored
    audit: Verification
    signatures: SignatureTally
    schema_revision: str | None
    head_revision: str
    restored_at: dt.datetime
    server_version: str
    seconds: float

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "backup_file": str(self.restore.backup_file),
                "backup_sha256": self.restore.backup_sha256,
                "restored_into": str(self.restore.pgdata), "schema_revision": self.schema_revision,
                "checks": [{"check": c.key, "ok": c.ok, "detail": c.detail} for c in self.checks],
                "tables": [{"table": t, "backup": b, "restored": r} for t, b, r in self.tables],
                "audit": self.audit.as_dict(),
                "signatures": {"total": self.signatures.total, "valid": self.signatures.valid,
                               "changed_after_signing": self.signatures.changed_after_signing,
                               "invalid": self.signatures.invalid},
                "restore_seconds": round(self.restore.seconds, 3), "verify_seconds": round(self.seconds, 3)}

    def describe(self) -> str:
        head = "Backup restored and verified" if self.ok else "BACKUP VERIFICATION FAILED"
        lines = [f"{head}: {self.restore.backup_file.name} into {self.restore.pgdata} "
                 f"(restore {self.restore.seconds:.1f} s, verification {self.seconds:.1f} s)."]
        lines += [f"  {'ok  ' if c.ok else 'FAIL'} {c.key}: {c.detail}" for c in self.checks]
        return "\n".join(lines)


def verify_restored_database(conn: psycopg.Connection, restore: RestoreResult, *,
                             trusted_keys: Iterable[bytes] = (), progress: Progress | None = None,
                             ) -> RestoreVerification:
    """Check the restored database against the backup's manifest (see the module docstring)."""
    from app.db.migrations import head_revision

    started = time.perf_counter()
    manifest = restore.manifest
    now, version = conn.execute("SELECT now(), current_setting('server_version')").fetchone()
    checks: list[Check] = []

    revision, head = _schema_revision(conn), head_revision()
    checks.append(Check("schema", revision == head == manifest.schema_revision,
                        f"schema {revision or 'none'} restored, backup {manifest.schema_revision or 'none'}, "
                        f"this program {head}",
                        f"已恢复结构 {revision or '无'}，备份 {manifest.schema_revision or '无'}，本程序 {head}"))

    counts = table_counts(conn)
    names = sorted(set(counts) | set(manifest.tables))
    tables = tuple((n, manifest.tables.get(n), counts.get(n)) for n in names)
    differing = [n for n, b, r in tables if b != r]
    rows = sum(counts.values())
    checks.append(Check("row_counts", not differing,
                        f"{len(names)} tables, {rows:,} rows, all as in the backup" if not differing
                        else f"{len(differing)} table(s) differ from the backup: {', '.join(differing[:8])}",
                        f"{len(names)} 个表，{rows:,} 行，均与备份一致" if not differing
                        else f"{len(differing)} 个表与备份不一致：{', '.join(differing[:8])}"))

    audit = verify_audit_trail(conn, trusted_keys=trusted_keys,
                               progress=(lambda done, total: progress(done, total, "Verifying the audit trail"))
                               if progress else None)
    first = audit.first_problem.describe() if audit.first_problem else ""
    checks.append(Check("audit_chain", audit.ok,
                        f"{audit.entries_checked:,} entries and {audit.seals_checked} seal(s) verified" if audit.ok
                        else f"first bad: {first}",
                        f"已验证 {audit.entries_checked:,} 条记录、{audit.seals_checked} 个封签" if audit.ok
                        else f"首个异常：{first}"))
    position, head_hash = _audit_head(conn)
    same_head = (position, head_hash) == (manifest.audit_position, manifest.audit_hash)
    checks.append(Check("audit_head", same_head,
                        f"chain ends at position {position}, as in the backup" if same_head
                        else f"chain ends at position {position}; the backup says {manifest.audit_position}",
                        f"哈希链终点为第 {position} 条，与备份一致" if same_head
                        else f"哈希链终点为第 {position} 条；备份为第 {manifest.audit_position} 条"))
    sealed = audit.last_sealed_position
    checks.append(Check("audit_seal", sealed is not None and audit.ok,
                        f"last seal by a trusted key at position {sealed:,} of {position:,}" if sealed is not None
                        else "no seal made with a key this workstation trusts: the chain cannot be tied to a seal",
                        f"可信密钥的最后一个封签位于第 {sealed:,} 条（共 {position:,} 条）" if sealed is not None
                        else "没有本工作站信任的密钥所做的封签：哈希链无法与封签对应"))

    signatures = _tally_signatures(conn)
    checks.append(Check("signatures", signatures.invalid == 0,
                        f"{signatures.total:,} electronic signature(s): {signatures.valid:,} valid, "
                        f"{signatures.changed_after_signing:,} on records changed after signing, "
                        f"{signatures.invalid:,} invalid",
                        f"电子签名 {signatures.total:,} 个：有效 {signatures.valid:,} 个，签名后记录被修改 "
                        f"{signatures.changed_after_signing:,} 个，无效 {signatures.invalid:,} 个"))
    return RestoreVerification(restore, tuple(checks), tables, audit, signatures, revision, head, now, version,
                               time.perf_counter() - started)


def _tally_signatures(conn: psycopg.Connection) -> SignatureTally:
    from app.security.signing import signature_valid

    total = valid = changed = invalid = 0
    with conn.transaction(), conn.cursor(name="signatures") as cursor:
        cursor.execute(
            "SELECT s.lot_id, s.cycle, s.meaning, s.signer, s.content_digest, s.signature, k.public_key, "
            "       s.content_digest = mt_lot_digest(s.lot_id) "
            "  FROM lot_signature s JOIN signing_key_public k ON k.id = s.signing_key_id ORDER BY s.id")
        for lot_id, cycle, meaning, signer, digest, signature, public_key, current in cursor:
            total += 1
            if not signature_valid(bytes(public_key), bytes(signature), lot_id=lot_id, cycle=cycle, meaning=meaning,
                                   signer=signer, digest=bytes(digest)):
                invalid += 1
            elif current:
                valid += 1
            else:
                changed += 1
    return SignatureTally(total, valid, changed, invalid)


# == The backup verification record (PDF) ============================================================

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Backup verification record", "备份验证记录"),
    "verdict_ok": ("The backup was restored into a new database and every check below passed.",
                   "备份已恢复到新的数据库，以下各项检查全部通过。"),
    "verdict_failed": ("THE BACKUP DID NOT PASS VERIFICATION: see the failed checks below.",
                       "备份未通过验证：见下列未通过的检查项。"),
    "backup": ("Backup", "备份"),
    "file": ("Backup file", "备份文件"),
    "sha256": ("SHA-256 of the file", "文件 SHA-256"),
    "size": ("Size (bytes)", "大小（字节）"),
    "taken_at": ("Backed up at", "备份时间"),
    "taken_by": ("Backed up by", "备份人"),
    "source": ("Source database (system identifier)", "源数据库（系统标识）"),
    "server_version": ("PostgreSQL version", "PostgreSQL 版本"),
    "schema": ("Schema version", "数据库结构版本"),
    "audit_position": ("Audit trail entries in the backup", "备份中的审计追踪条目"),
    "restore": ("Restore", "恢复"),
    "restored_into": ("Restored into", "恢复位置"),
    "restored_at": ("Restored at", "恢复时间"),
    "restore_seconds": ("Restore time (s)", "恢复用时（秒）"),
    "verify_seconds": ("Verification time (s)", "验证用时（秒）"),
    "checks": ("Checks", "检查项"),
    "check": ("Check", "检查项"),
    "result": ("Result", "结果"),
    "detail": ("Detail", "详情"),
    "passed": ("Passed", "通过"),
    "failed": ("FAILED", "未通过"),
    "tables": ("Row counts per table", "各表行数"),
    "table": ("Table", "表"),
    "in_backup": ("In the backup", "备份中"),
    "restored": ("Restored", "已恢复"),
    "match": ("Match", "一致"),
    "differs": ("DIFFERS", "不一致"),
    "check_schema": ("Schema at this program's version", "数据库结构为本程序版本"),
    "check_row_counts": ("Row counts as in the backup", "行数与备份一致"),
    "check_audit_chain": ("Audit trail hash chain intact", "审计追踪哈希链完整"),
    "check_audit_head": ("Audit trail ends where the backup's did", "审计追踪终点与备份一致"),
    "check_audit_seal": ("Audit trail tied to a trusted seal", "审计追踪有可信封签"),
    "check_signatures": ("Electronic signatures verify", "电子签名验证通过"),
    "annex": ("EU GMP Annex 11 §7.2: the ability to restore the data is checked; 21 CFR 11.10(c).",
              "欧盟 GMP 附录 11 第 7.2 条：检查数据的可恢复性；21 CFR 11.10(c)。"),
}


def _w(key: str, language: str) -> str:
    en, zh = WORDS[key]
    return zh if language == "zh_CN" else en


@dataclass(frozen=True)
class VerificationRecord:
    path: Path
    number: str
    sha256: str
    fingerprint: str
    pages: int
    audit_entry_id: int

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "number": self.number, "sha256": self.sha256,
                "fingerprint": self.fingerprint, "pages": self.pages, "audit_entry": self.audit_entry_id}


def write_verification_record(conn: psycopg.Connection, verification: RestoreVerification, *, out: Path | str,
                              language: str = "en", generated_by: str, zone: dt.tzinfo | None = None,
                              ) -> VerificationRecord:
    """Render the record as a controlled PDF and record its SHA-256 in the restored database's trail."""
    from app.reports.document import ALERT, FLAG, INT, OK, Column, Facts, Note, ReportDocument, Table
    from app.reports.pdf import render_pdf
    from app.services.company import connection_letterhead
    from app.services.reports import EVENT_KIND

    target = Path(out).expanduser().absolute()
    _check_target(target)
    zone = zone or dt.datetime.now().astimezone().tzinfo
    manifest, restore = verification.restore.manifest, verification.restore
    now = verification.restored_at.astimezone(zone)
    number = f"BV-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"
    letterhead = connection_letterhead(conn, language)
    passed, failed = _w("passed", language), _w("failed", language)
    sections = (
        Note(_w("verdict_ok" if verification.ok else "verdict_failed", language), OK if verification.ok else ALERT),
        Facts(_w("backup", language), (
            (_w("file", language), restore.backup_file.name), (_w("sha256", language), restore.backup_sha256),
            (_w("taken_at", language), manifest.created_at), (_w("taken_by", language), manifest.created_by),
            (_w("source", language), f"{manifest.database} ({manifest.system_identifier})"),
            (_w("server_version", language), manifest.server_version),
            (_w("schema", language), manifest.schema_revision or "—"),
            (_w("audit_position", language), manifest.audit_position),
        )),
        Facts(_w("restore", language), (
            (_w("restored_into", language), str(restore.pgdata)),
            (_w("restored_at", language), verification.restored_at),
            (_w("server_version", language), verification.server_version),
            (_w("restore_seconds", language), f"{restore.seconds:.1f}"),
            (_w("verify_seconds", language), f"{verification.seconds:.1f}"),
        )),
        Table(_w("checks", language), (Column(_w("check", language), width=1.4),
                                       Column(_w("result", language), FLAG, 0.6, calm=(passed,)),
                                       Column(_w("detail", language), width=2.6)),
              [(_w(f"check_{c.key}", language), passed if c.ok else failed, c.detail_in(language))
               for c in verification.checks],
              count=len(verification.checks)),
        Table(_w("tables", language), (Column(_w("table", language), width=1.6),
                                       Column(_w("in_backup", language), INT), Column(_w("restored", language), INT),
                                       Column(_w("match", language), FLAG, 0.7, calm=(_w("match", language),))),
              [(t, b, r, _w("match", language) if b == r else _w("differs", language))
               for t, b, r in verification.tables], count=len(verification.tables)),
        Note(_w("annex", language)),
    )
    document = ReportDocument(
        key=RECORD_KEY, number=number, title=_w("title", language), language=language,
        company=letterhead.name, letterhead=letterhead, generated_by=generated_by, generated_at=now,
        parameters=((_w("file", language), restore.backup_file.name),),
        parameter_values={"backup_sha256": restore.backup_sha256}, sections=sections)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise _not_written(exc, target) from None
    temporary = Path(name)
    try:
        rendered = render_pdf(document, temporary)
        sha256 = _sha256_file(temporary)
        with conn.transaction():
            entry_id = record_event(conn, EVENT_KIND, number, {
                "sha256": sha256, "name": target.name, "report": RECORD_KEY, "title": document.title,
                "params": {"backup_sha256": restore.backup_sha256, "ok": verification.ok}, "format": "pdf",
                "rows": len(verification.tables), "pages": rendered.pages, "fingerprint": rendered.fingerprint,
                "language": language, "generated_by": generated_by})
            temporary.replace(target)
    except OSError as exc:
        raise _not_written(exc, target) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return VerificationRecord(target, number, sha256, rendered.fingerprint, rendered.pages, entry_id)


# == The whole procedures, for the command line and the Admin page ===================================


def back_up_embedded(pgdata: Path, *, out: Path | str, created_by: str, workstation: str = "",
                     progress: Progress | None = None) -> BackupResult:
    """Back up the embedded database in `pgdata` through its owner connection (the server must run)."""
    from app.db.embedded import EmbeddedServer

    server = EmbeddedServer(pgdata)
    try:
        conn = psycopg.connect(**server.connect_args(), autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise BackupNotWritten.of("backup.database_unreachable", hint=_last_lines(str(exc))) from None
    with conn:
        return back_up_database(conn, embedded_tools(pgdata), out=out, created_by=created_by,
                                workstation=workstation, progress=progress)


@dataclass(frozen=True)
class RestoreOutcome:
    """A restore, its verification and the record written about it."""

    verification: RestoreVerification
    record: VerificationRecord

    @property
    def ok(self) -> bool:
        return self.verification.ok


def restore_and_verify(path: Path | str, *, home: Path, trusted_keys: Iterable[bytes] = (),
                       record_out: Path | str | None = None, language: str = "en", generated_by: str,
                       progress: Progress | None = None) -> RestoreOutcome:
    """Restore into a new embedded server in `home`, verify it, write the record, stop the server.

    The record goes to `record_out`, or into `home` as backup-verification-NUMBER.pdf.
    """
    from app.config import AppPaths
    from app.db.engine import open_embedded

    paths = AppPaths.resolve(home)
    restored = restore_backup(path, pgdata=paths.pgdata, progress=progress)
    paths.ensure()
    database = open_embedded(paths)
    try:
        with database.raw_connection() as conn:
            if progress is not None:
                progress(0, 1, "Verifying the restored database")
            verification = verify_restored_database(conn, restored, trusted_keys=trusted_keys, progress=progress)
            out = Path(record_out) if record_out else \
                paths.config_dir.parent / f"backup-verification-{verification.restored_at:%Y%m%d-%H%M%S}.pdf"
            if progress is not None:
                progress(1, 1, "Writing the backup verification record")
            record = write_verification_record(conn, verification, out=out, language=language,
                                               generated_by=generated_by)
    finally:
        database.close(stop_server=True)
    return RestoreOutcome(verification, record)
