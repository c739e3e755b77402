"""A throw-away PostgreSQL cluster for tests that need a server of their own (TLS, a standby).

Not the product's embedded server (`app.db.embedded`), which listens on a Unix socket only: this one
listens on its own loopback port with whatever configuration the test writes, and is removed with
the test's tmp folder. It runs as the same unprivileged system user the embedded server uses when the
tests run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.db.embedded import EmbeddedServer

SUPERUSER = "postgres"
# What a primary's pg_hba needs so that `base_backup_into` (pg_basebackup) and its standby may stream.
REPLICATION_HBA = f"local replication {SUPERUSER} trust"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def openssl_bin_dir() -> Path | None:
    """A PostgreSQL built with OpenSSL: the embedded one if it is, else the system's newest server."""
    candidates = [EmbeddedServer(Path("/nonexistent")).bin_dir]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    for bin_dir in candidates:
        config = bin_dir / "pg_config"
        if not (bin_dir / "postgres").exists():
            continue
        configured = subprocess.run([str(config)], capture_output=True, text=True, check=False).stdout \
            if config.exists() else ""
        linked = subprocess.run(["ldd", str(bin_dir / "postgres")], capture_output=True, text=True,
                                check=False).stdout
        if "openssl" in configured or "libssl" in linked:
            return bin_dir
    return None


@dataclass
class ScratchCluster:
    """initdb in `root`, its own port on 127.0.0.1, configuration written by the test."""

    root: Path
    bin_dir: Path
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.pgdata = self.root / "pgdata"
        # A short socket folder of its own (sun_path is 108 bytes), for the superuser's set-up only.
        self.socket_dir = Path(tempfile.mkdtemp(prefix="mt-scratch-"))

    @property
    def run_as(self) -> str | None:
        return EmbeddedServer(self.pgdata).run_as

    def _run(self, command: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.bin_dir / command), *args], capture_output=True, text=True, timeout=timeout,
            user=self.run_as, check=False, cwd="/",
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command} failed: {result.stderr.strip()[-2000:]}")
        return result

    def give(self, path: Path, mode: int = 0o600) -> None:
        """Hand a file or folder to the server's OS user (a key file must be theirs, 0600)."""
        path.chmod(mode)
        if self.run_as is not None:
            entry = pwd.getpwnam(self.run_as)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def initdb(self, *, conf: str, hba: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(mode=0o700)
        self.give(self.pgdata, 0o700)
        self.give(self.socket_dir, 0o755)
        if self.run_as is not None:
            EmbeddedServer(self.pgdata)._prepare_ownership()  # the server user must reach its folder
        self._run("initdb", "--auth-local=trust", "--auth-host=reject", "-U", SUPERUSER, "--encoding=UTF8",
                  "--locale=C.UTF-8", "-D", str(self.pgdata))
        self.configure(conf=conf, hba=hba)

    def configure(self, *, conf: str, hba: str) -> None:
        with (self.pgdata / "postgresql.conf").open("a", encoding="utf-8") as handle:
            handle.write(f"\nport = {self.port}\nunix_socket_directories = '{self.socket_dir}'\n"
                         f"listen_addresses = '127.0.0.1'\nlog_connections = on\n{conf}\n")
        (self.pgdata / "pg_hba.conf").write_text(f"local all {SUPERUSER} trust\n{hba}\n", encoding="utf-8")
        self.give(self.pgdata / "pg_hba.conf")

    def start(self) -> None:
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.pgdata), "-l", str(self.pgdata / "server.log"))

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            subprocess.run([str(self.bin_dir / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.pgdata)],
                           capture_output=True, user=self.run_as, check=False, timeout=90, cwd="/")
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run("psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
                         "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-c", sql).stdout

    def base_backup_into(self, root: Path) -> ScratchCluster:
        """A hot standby of this cluster in `root` (pg_basebackup -R: it streams from here), not started.

        This cluster needs `local replication postgres trust` in its pg_hba (see `REPLICATION_HBA`); the
        standby gets its own port and socket folder, the rest of the configuration is this one's."""
        standby = ScratchCluster(root, self.bin_dir)
        root.mkdir(parents=True, exist_ok=True)
        standby.pgdata.mkdir(mode=0o700)
        standby.give(standby.pgdata, 0o700)
        standby.give(standby.socket_dir, 0o755)
        if standby.run_as is not None:
            EmbeddedServer(standby.pgdata)._prepare_ownership()
        self._run("pg_basebackup", "-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER,
                  "-D", str(standby.pgdata), "-R", "-X", "stream", "--checkpoint=fast", timeout=300)
        with (standby.pgdata / "postgresql.conf").open("a", encoding="utf-8") as handle:
            handle.write(f"\nport = {standby.port}\nunix_socket_directories = '{standby.socket_dir}'\n")
        return standby

    def wait_until_hot(self, timeout: float = 60) -> None:
        """Wait until this standby accepts read-only connections (hot standby reached consistency)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.psql("SELECT pg_is_in_recovery()").strip() == "t":
                    return
            except RuntimeError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the standby did not accept connections: {self.log()[-2000:]}")
            time.sleep(0.2)

    def stop_server(self) -> None:
        """Stop the server but keep its folders (a test that starts it again)."""
        subprocess.run([str(self.bin_dir / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.pgdata)],
                       capture_output=True, user=self.run_as, check=False, timeout=90, cwd="/")

    def log(self) -> str:
        path = self.pgdata / "server.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
