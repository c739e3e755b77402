"""`medtrace trace forward|backward --lot LOT`: where a lot went, or what is in it."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import Commands, admin_database


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    trace = sub.add_parser("trace", help="trace a lot forward (where did it go) or backward (what is in it)")
    trace_sub = trace.add_subparsers(dest="action", required=True)
    for direction in ("forward", "backward"):
        one = trace_sub.add_parser(direction, parents=[common])
        one.add_argument("--lot", required=True, help="lot number")
        one.add_argument("--di", help="product DI, when the lot number is not unique across products")
        one.add_argument("--serial", help="one serial unit of the lot")



def cmd_trace(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.db.uow import UnitOfWork
    from app.services.trace import trace_lot

    with admin_database(args) as database:
        ensure_at_head(database.engine)
        with UnitOfWork.for_engine(database.engine) as uow:
            result = trace_lot(uow, direction=args.action, lot_no=args.lot, di=args.di, serial=args.serial)
    return {**result.as_json(), "text": result.describe()}


COMMANDS: Commands = {
    ("trace", "forward"): cmd_trace,
    ("trace", "backward"): cmd_trace,
}
