"""`medtrace backup --out FILE` and `medtrace restore FILE --home DIR`: backups with evidence.

Both use the owner connection of an embedded database (the OS user who owns its data folder), like
the other administration commands. `restore` restores into a new embedded server in `--home DIR`,
verifies it against the backup's manifest and writes the PDF backup verification record
(app/services/backup.py); it exits 1 when a check failed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

import psycopg

from app.cli.common import EXIT_FAILED, EXIT_OK, Commands, UsageError, admin_database, profile_of
from app.config import AppPaths, Profile


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `backup` and `restore` to the `medtrace` parser."""
    backup = sub.add_parser("backup", parents=[common], help="back up the database into one file (pg_dump inside)")
    backup.add_argument("--out", required=True, help="the backup file to write (written in full or not at all)")
    backup.add_argument("--db-user", metavar="ROLE",
                        help="on a shared server: the database administrator's role; MedTrace passes no password, "
                             "libpq authenticates as it is set up for that role (~/.pgpass, client certificate)")
    restore = sub.add_parser("restore", parents=[common],
                             help="restore a backup into a new embedded database in --home, verify it and write "
                                  "the backup verification record (PDF)")
    restore.add_argument("file", help="a file written by `medtrace backup`")
    restore.add_argument("--record", help="where to write the verification record (default: in --home)")
    restore.add_argument("--trust-key", action="append", default=[], metavar="HEX",
                         help="trust this Ed25519 public key for the audit seals (64 hex digits; the source "
                              "workstation's keys are in its trusted_seal_keys.txt)")
    restore.add_argument("--language", dest="record_language", choices=["zh_CN", "en"], default="en",
                         help="language of the verification record")


def _progress(done: int, total: int, label: str) -> None:
    if label:
        print(f"{label}…", file=sys.stderr, flush=True)


def _operator() -> str:
    return f"{getpass.getuser()} (administrator, command line)"


def cmd_backup(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.engine import workstation_name
    from app.services.backup import back_up_embedded

    paths = AppPaths.resolve(args.home)
    profile = profile_of(args)
    if not profile.is_embedded:
        return _back_up_server(args, profile)
    with admin_database(args):  # the embedded profile, its server running
        result = back_up_embedded(paths.pgdata, out=args.out, created_by=_operator(),
                                  workstation=workstation_name(), progress=_progress)
    return {**result.as_json(), "text": result.describe()}


def _back_up_server(args: argparse.Namespace, profile: Profile) -> dict[str, Any]:
    """A shared server, as its database administrator: pg_dump of the embedded package (it dumps any
    PostgreSQL ≥ 9.2), TLS as the profile says, and no password from MedTrace at all."""
    from app.db.embedded import EmbeddedServer
    from app.db.engine import explain_connection_failure, workstation_name
    from app.services.backup import Tools, back_up_database

    if not args.db_user:
        raise UsageError.of("cli.backup_needs_db_user")
    connect_args = {**profile.connect_args(), "user": args.db_user}
    try:
        conn = psycopg.connect(**connect_args, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise explain_connection_failure(exc, f"{profile.host}:{profile.port}") from None
    with conn:
        tools = Tools(EmbeddedServer(AppPaths.resolve(args.home).pgdata).bin_dir, connect_args)
        result = back_up_database(conn, tools, out=args.out, created_by=f"{args.db_user} ({_operator()})",
                                  workstation=workstation_name(), progress=_progress)
    return {**result.as_json(), "text": result.describe()}


def cmd_restore(args: argparse.Namespace) -> dict[str, Any]:
    from app.security.keys import load_trusted_keys
    from app.services.backup import restore_and_verify

    if not args.home:
        raise UsageError.of("cli.restore_needs_home")
    try:
        extra = {bytes.fromhex(k) for k in args.trust_key}
    except ValueError:
        raise UsageError.of("cli.trust_key_not_hex") from None
    paths = AppPaths.resolve(args.home)
    outcome = restore_and_verify(Path(args.file), home=paths.config_dir.parent,
                                 trusted_keys=load_trusted_keys(paths.config_dir) | extra,
                                 record_out=args.record, language=args.record_language, generated_by=_operator(),
                                 progress=_progress)
    record = outcome.record
    text = outcome.verification.describe() + f"\nVerification record {record.number} written to {record.path} " \
                                             f"(SHA-256 {record.sha256})."
    return {**outcome.verification.as_json(), "record": record.as_json(), "text": text,
            "_exit": EXIT_OK if outcome.ok else EXIT_FAILED}


COMMANDS: Commands = {
    ("backup", None): cmd_backup,
    ("restore", None): cmd_restore,
}
