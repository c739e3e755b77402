"""`medtrace backup --out FILE` and `medtrace restore FILE --home DIR`: backups with evidence.

Both use the owner connection of an embedded database (the OS user who owns its data folder), like
the other administration commands. `restore` restores into a new embedded server in `--home DIR`,
verifies it against the backup's manifest and writes the PDF backup verification record
(app/services/backup.py); it exits 1 when a check failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_FAILED, EXIT_OK, Commands, UsageError, admin_database
from app.config import AppPaths


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `backup` and `restore` to the `medtrace` parser."""
    backup = sub.add_parser("backup", parents=[common], help="back up the database into one file (pg_dump inside)")
    backup.add_argument("--out", required=True, help="the backup file to write (written in full or not at all)")
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
    print(f"[{done + 1}/{total}] {label}…" if label else "", file=sys.stderr, flush=True)


def _operator() -> str:
    return f"{getpass.getuser()} (administrator, command line)"


def cmd_backup(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.engine import workstation_name
    from app.services.backup import back_up_database, embedded_tools

    paths = AppPaths.resolve(args.home)
    with admin_database(args) as database, database.raw_connection() as conn:
        result = back_up_database(conn, embedded_tools(paths.pgdata), out=args.out, created_by=_operator(),
                                  workstation=workstation_name(), progress=_progress)
    return {**result.as_json(), "text": result.describe()}


def cmd_restore(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.engine import open_embedded
    from app.security.keys import load_trusted_keys
    from app.services.backup import restore_backup, verify_restored_database, write_verification_record

    if not args.home:
        raise UsageError("Say where to restore with --home NEW_FOLDER (a new, empty folder).")
    try:
        extra = {bytes.fromhex(k) for k in args.trust_key}
    except ValueError:
        raise UsageError("--trust-key takes a public key of 64 hex digits.") from None
    paths = AppPaths.resolve(args.home)
    restored = restore_backup(Path(args.file), pgdata=paths.pgdata, progress=_progress)
    paths.ensure()
    database = open_embedded(paths)
    try:
        with database.raw_connection() as conn:
            verification = verify_restored_database(conn, restored, trusted_keys=load_trusted_keys(paths.config_dir)
                                                    | extra)
            out = Path(args.record) if args.record else \
                paths.config_dir.parent / f"backup-verification-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.pdf"
            record = write_verification_record(conn, verification, out=out, language=args.record_language,
                                               generated_by=_operator())
    finally:
        database.close(stop_server=True)
    text = verification.describe() + f"\nVerification record {record.number} written to {record.path} " \
                                     f"(SHA-256 {record.sha256})."
    return {**verification.as_json(), "record": record.as_json(), "text": text,
            "_exit": EXIT_OK if verification.ok else EXIT_FAILED}


COMMANDS: Commands = {
    ("backup", None): cmd_backup,
    ("restore", None): cmd_restore,
}
