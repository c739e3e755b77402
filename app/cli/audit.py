"""`medtrace audit verify|seal`: the audit trail's chain and seals."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_FAILED, EXIT_OK, Commands, UsageError, admin_database
from app.config import AppPaths


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(dest="action", required=True)
    verify = audit.add_parser("verify", parents=[common], help="check every link and seal of the audit trail")
    verify.add_argument("--trust-key", action="append", default=[], metavar="HEX",
                        help="also trust this Ed25519 public key for seals (64 hex digits)")
    audit.add_parser("seal", parents=[common], help="seal the audit trail with this workstation's key")



def cmd_audit_verify(args: argparse.Namespace) -> dict[str, Any]:
    from app.security.keys import load_trusted_keys
    from app.services.audit_trail import record_verification, verify_audit_trail

    paths = AppPaths.resolve(args.home)
    try:
        extra = {bytes.fromhex(k) for k in args.trust_key}
    except ValueError:
        raise UsageError("--trust-key takes a public key of 64 hex digits.") from None
    trusted = load_trusted_keys(paths.config_dir) | extra
    with admin_database(args) as database, database.raw_connection() as conn:
        result = verify_audit_trail(conn, trusted_keys=trusted)
        record_verification(conn, result)  # autocommit: the Dashboard shows the last verification
    return {**result.as_dict(), "text": result.describe(), "_exit": EXIT_OK if result.ok else EXIT_FAILED}


def cmd_audit_seal(args: argparse.Namespace) -> dict[str, Any]:
    from app.security.keys import load_or_create_seal_key, trust_key
    from app.services.audit_trail import seal_audit_trail

    paths = AppPaths.resolve(args.home)
    with admin_database(args) as database, database.raw_connection() as conn:
        key = load_or_create_seal_key(f"embedded:{paths.pgdata}")
        seal = seal_audit_trail(conn, key, occasion="manual")
    trust_key(paths.config_dir, seal.public_key, "this workstation's seal key")
    return {"position": seal.position, "public_key": seal.public_key.hex(),
            "text": f"Audit trail sealed at position {seal.position} (key {seal.public_key.hex()[:16]}…)."}


COMMANDS: Commands = {
    ("audit", "verify"): cmd_audit_verify,
    ("audit", "seal"): cmd_audit_seal,
}
