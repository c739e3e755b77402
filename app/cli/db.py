"""`medtrace db upgrade|status`: the schema, through the owner connection."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import Commands, admin_database


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", parents=[common], help="bring the schema to this program's version")
    db.add_parser("status", parents=[common], help="show the schema version")



def cmd_db_upgrade(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import schema_status, upgrade

    with admin_database(args) as database:
        before = schema_status(database.engine)
        upgrade(database.engine)
        after = schema_status(database.engine)
    return {"from": before.current, "to": after.current, "head": after.head,
            "text": f"Schema upgraded from {before.current or 'empty'} to {after.current}."}


def cmd_db_status(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import schema_status

    with admin_database(args) as database:
        status = schema_status(database.engine)
    state = "up to date" if status.at_head else "behind: run `medtrace db upgrade`"
    return {"current": status.current, "head": status.head, "at_head": status.at_head,
            "text": f"Schema {status.current or 'empty'} (this program needs {status.head}): {state}."}


COMMANDS: Commands = {
    ("db", "upgrade"): cmd_db_upgrade,
    ("db", "status"): cmd_db_status,
}
