"""A primary and its hot standby on this machine, and a person signed in on them (tests of the read path).

Both are scratch clusters (tests/integration/scratch_cluster.py) running the embedded server's PostgreSQL:
the primary with `wal_level = replica` and the schema built by the migrations, the standby made from it by
`pg_basebackup -R`, streaming over the primary's socket. People reach both over 127.0.0.1 with SCRAM.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pyotp
from sqlalchemy import Engine, create_engine

from app.config import SERVER, Profile
from app.db.embedded import EmbeddedServer
from app.db.migrations import upgrade
from app.services.identity import SignedIn, person_args, sign_in
from tests.conftest import SECRETS_USED, activate_with
from tests.integration.scratch_cluster import REPLICATION_HBA, ScratchCluster

PASSWORD = "replica test password 2026"
MAX_LAG = 3


@dataclass
class Pair:
    primary: ScratchCluster
    standby: ScratchCluster
    owner: Engine  # the primary's superuser, over its socket (set-up and clean-up only)

    def profile(self, *, replica_port: int | None = None, max_lag: int = MAX_LAG) -> Profile:
        return Profile(name="plant", kind=SERVER, host="127.0.0.1", port=self.primary.port, sslmode="disable",
                       replica_host="127.0.0.1", replica_port=replica_port or self.standby.port,
                       replica_max_lag_seconds=max_lag)

    def base(self) -> dict[str, str]:
        return self.profile().connect_args()

    def wait_for_replay(self, timeout: float = 30) -> None:
        """Until the standby has replayed everything the primary has written so far."""
        lsn = self.primary.psql("SELECT pg_current_wal_lsn()").strip()
        deadline = time.monotonic() + timeout
        while self.standby.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn").strip() != "t":
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)


@contextlib.contextmanager
def running_pair(root: Path) -> Iterator[Pair]:
    """Start both servers in `root`; stopped (and their socket folders removed) afterwards."""
    bin_dir = EmbeddedServer(root / "unused").bin_dir  # the embedded server's PostgreSQL (pg_basebackup too)
    primary = ScratchCluster(root / "primary", bin_dir)
    primary.initdb(conf="password_encryption = 'scram-sha-256'\nwal_level = replica\nmax_wal_senders = 4\n"
                        "timezone = 'UTC'\nmax_connections = 60",
                   hba=f"{REPLICATION_HBA}\nhost all all 127.0.0.1/32 scram-sha-256")
    primary.start()
    standby = None
    owner = None
    try:
        primary.psql("CREATE DATABASE medtrace")
        owner = create_engine("postgresql+psycopg://", connect_args={
            "host": str(primary.socket_dir), "port": str(primary.port), "dbname": "medtrace", "user": "postgres"})
        upgrade(owner)
        standby = primary.base_backup_into(root / "standby")
        standby.start()
        standby.wait_until_hot()
        yield Pair(primary, standby, owner)
    finally:
        if owner is not None:
            owner.dispose()
        if standby is not None:
            standby.stop()
        primary.stop()


@dataclass
class Someone:
    """A person of the pair's primary and their TOTP seed."""

    login: str
    seed: str
    counter: int

    def code(self) -> str:
        """A code not accepted yet, inside the ±1 step window (waits for the next step if need be)."""
        counter = max(self.counter + 1, int(time.time()) // 30)
        while counter > int(time.time()) // 30 + 1:
            time.sleep(0.5)
        self.counter = counter
        code = pyotp.TOTP(self.seed).generate_otp(counter)
        SECRETS_USED.add(code)
        return code

    def sign_in(self, pair: Pair) -> SignedIn:
        """As at the GUI, on the primary; returns once the session has reached the standby."""
        outcome = sign_in(pair.base(), login=self.login, password=PASSWORD, code=self.code())
        assert isinstance(outcome, SignedIn)
        pair.wait_for_replay()
        return outcome


_made = itertools.count(1)


def make_someone(pair: Pair, *groups: str) -> Someone:
    """A person on the primary, activated as the activation dialog does."""
    login = f"rep{next(_made):03d}_{'_'.join(g[:3] for g in groups)}"[:31]
    with psycopg.connect(host=str(pair.primary.socket_dir), port=pair.primary.port, dbname="medtrace",
                         user="postgres", autocommit=True) as owner:
        code = owner.execute("SELECT mt_create_person_unchecked(%s, %s, %s)",
                             (login, f"副本 {login}", list(groups))).fetchone()[0]
    seed = pyotp.random_base32(32)
    first = int(time.time()) // 30 - 1
    with psycopg.connect(**person_args(pair.base(), login, code), autocommit=True) as conn:
        activate_with(conn, login, PASSWORD, seed, lambda: pyotp.TOTP(seed).generate_otp(first))
    SECRETS_USED.update({PASSWORD, seed, code})
    return Someone(login, seed, first)
