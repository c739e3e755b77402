"""`medtrace db upgrade|status`: the schema, through the owner connection."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import Commands, UsageError, admin_database, profile_of


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", parents=[common], help="bring the schema to this program's version")
    status = db.add_parser("status", parents=[common],
                           help="show the schema version, and where the heavy reads go (the profile's replica)")
    status.add_argument("--user", metavar="LOGIN",
                        help="on a shared server: sign in as yourself (password and code at the prompt)")
    status.add_argument("--credentials-stdin", action="store_true",
                        help="read your password and then your authenticator code as two lines from standard input")



def cmd_db_upgrade(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import schema_status, upgrade

    with admin_database(args) as database:
        before = schema_status(database.engine)
        upgrade(database.engine)
        after = schema_status(database.engine)
    return {"from": before.current, "to": after.current, "head": after.head,
            "text": f"Schema upgraded from {before.current or 'empty'} to {after.current}."}


def cmd_db_status(args: argparse.Namespace) -> dict[str, Any]:
    """The schema of the profile's database; on a shared server (signed in with --user) also where traces,
    reports and the dashboard read: the replica, or the primary and why (fields `replica_*`, `reads_from`)."""
    from app.db.migrations import schema_status
    from app.db.replica import NONE, ReplicaStatus

    if profile_of(args).is_embedded:
        with admin_database(args) as database:
            status = schema_status(database.engine)
        replica = ReplicaStatus(NONE)
    else:
        if not getattr(args, "user", None):
            raise UsageError.of("cli.shared_needs_user")
        from app.cli.sign_in import person_database_of

        with person_database_of(args) as database:
            status = schema_status(database.engine)
            replica = database.replica_status(refresh=True)
    state = "up to date" if status.at_head else "behind: run `medtrace db upgrade`"
    text = f"Schema {status.current or 'empty'} (this program needs {status.head}): {state}."
    if replica.configured:
        if replica.reads_from_replica:
            text += f"\nTraces, reports and the dashboard read from the replica at {replica.where} " \
                    f"({replica.lag_seconds or 0:.0f} s behind; limit {replica.max_lag_seconds} s)."
        else:
            text += f"\n{replica.detail} Traces, reports and the dashboard read from the primary."
    return {"current": status.current, "head": status.head, "at_head": status.at_head, **replica.as_json(),
            "text": text}


COMMANDS: Commands = {
    ("db", "upgrade"): cmd_db_upgrade,
    ("db", "status"): cmd_db_status,
}
