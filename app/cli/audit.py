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
    seal = audit.add_parser("seal", parents=[common], help="seal the audit trail with this workstation's key")
    seal.add_argument("--if-due", action="store_true",
                      help="seal only if a lot was released since the last seal or the last seal is 24 h old "
                           "(for the OS scheduler, e.g. every 15 minutes)")



def cmd_audit_verify(args: argparse.Namespace) -> dict[str, Any]:
    from app.security.keys import load_trusted_keys
    from app.services.audit_trail import record_verification, verify_audit_trail

    paths = AppPaths.resolve(args.home)
    try:
        extra = {bytes.fromhex(k) for k in args.trust_key}
    except ValueError:
        raise UsageError.of("cli.trust_key_not_hex") from None
    trusted = load_trusted_keys(paths.config_dir) | extra
    with admin_database(args) as database, database.raw_connection() as conn:
        result = verify_audit_trail(conn, trusted_keys=trusted, second=database.raw_connection)
        record_verification(conn, result)  # autocommit: the Dashboard shows the last verification
    return {**result.as_dict(), "text": result.describe(), "_exit": EXIT_OK if result.ok else EXIT_FAILED}


def cmd_audit_seal(args: argparse.Namespace) -> dict[str, Any]:
    from app.cli.common import profile_of
    from app.security.keys import load_or_create_seal_key, public_bytes, trust_key
    from app.services.audit_trail import seal_audit_trail
    from app.services.sealing import MANUAL, describe_age, seal_if_due, seal_key_name, seal_status

    paths = AppPaths.resolve(args.home)
    with admin_database(args) as database, database.raw_connection() as conn:
        key = load_or_create_seal_key(seal_key_name(paths, profile_of(args)))
        assert key is not None
        if args.if_due:
            status, seal = seal_if_due(conn, key)
        else:
            status, seal = seal_status(conn), seal_audit_trail(conn, key, occasion=MANUAL)
    trust_key(paths.config_dir, public_bytes(key), "this workstation's seal key")
    if seal is None or seal.position == 0:
        return {"position": status.last_sealed_position or 0, "public_key": public_bytes(key).hex(), "sealed": False,
                "occasion": None, "text": f"No seal due: last seal {describe_age(status.age)}, "
                                          f"{status.unsealed_entries:,} entries after it, no release since."}
    occasion = status.due if args.if_due else MANUAL
    return {"position": seal.position, "public_key": seal.public_key.hex(), "sealed": True, "occasion": occasion,
            "text": f"Audit trail sealed at position {seal.position} ({occasion}; key {seal.public_key.hex()[:16]}…)."}


COMMANDS: Commands = {
    ("audit", "verify"): cmd_audit_verify,
    ("audit", "seal"): cmd_audit_seal,
}
