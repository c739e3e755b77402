"""`medtrace expiry list|ics|run`: what expires when, the calendar file, and the daily expiry job."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.cli.common import Commands, admin_database, parse_date


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    expiry = sub.add_parser("expiry", help="expiry calendar, alerts and the daily expiry job")
    actions = expiry.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", parents=[common], help="lots with stock expiring within DAYS")
    listing.add_argument("--within", type=int, required=True, metavar="DAYS", help="days ahead to look")
    listing.add_argument("--as-of", type=parse_date, help="judge from this date (default: the server's date)")
    ics = actions.add_parser("ics", parents=[common], help="write an .ics calendar for Outlook or Thunderbird")
    ics.add_argument("--out", required=True, help="the .ics file to write")
    ics.add_argument("--within", type=int, default=365, metavar="DAYS", help="days ahead (default 365)")
    ics.add_argument("--as-of", type=parse_date, help="judge from this date (default: the server's date)")
    run = actions.add_parser("run", parents=[common],
                             help="the daily job: expire lots, raise, escalate and close alerts (idempotent)")
    run.add_argument("--as-of", type=parse_date, help="run as of this date (default: the server's date)")


def cmd_expiry_list(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.db.uow import UnitOfWork
    from app.services.expiry import list_expiring

    with admin_database(args) as database:
        ensure_at_head(database.engine)
        listing = list_expiring(UnitOfWork.for_engine(database.engine), within_days=args.within, as_of=args.as_of)
    lines = [f"{lot.expiry_date}  {lot.days_left:>5} d  {lot.di}  {lot.lot:<20} {lot.site:<10} {lot.on_hand:>7}  "
             f"{lot.status}" + (f"  alert {lot.alert.state} ({lot.alert.threshold_days} d)" if lot.alert else "")
             for lot in listing.lots]
    until = listing.as_of + dt.timedelta(days=args.within)
    summary = f"{len(listing.lots)} lot(s) with stock expire by {until} (as of {listing.as_of})."
    return {**listing.as_json(), "text": "\n".join([*lines, summary])}


def cmd_expiry_ics(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.db.uow import UnitOfWork
    from app.services.expiry import write_ics

    with admin_database(args) as database:
        ensure_at_head(database.engine)
        path = write_ics(UnitOfWork.for_engine(database.engine), out=Path(args.out), as_of=args.as_of,
                         within_days=args.within)
    return {"file": str(path), "text": f"Calendar written to {path}."}


def cmd_expiry_run(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.services.expiry import run_expiry_as_of

    with admin_database(args) as database:
        ensure_at_head(database.engine)
        with database.raw_connection() as conn:
            run = run_expiry_as_of(conn, args.as_of)
    return {**run.as_json(), "text": f"Expiry job as of {run.as_of}: {run.expired} lot(s) expired, {run.raised} "
                                     f"alert(s) raised, {run.escalated} escalated, {run.closed} closed."}


COMMANDS: Commands = {
    ("expiry", "list"): cmd_expiry_list,
    ("expiry", "ics"): cmd_expiry_ics,
    ("expiry", "run"): cmd_expiry_run,
}
