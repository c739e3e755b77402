"""`medtrace demo seed|code|label`: demonstration data and the demo people's codes and labels."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import Commands, admin_database


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    demo = sub.add_parser("demo", help="demonstration data").add_subparsers(dest="action", required=True)
    seed = demo.add_parser("seed", parents=[common], help="fill the database with demonstration data")
    seed.add_argument("--scale", choices=["small", "large"], default="small")
    seed.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
    seed.add_argument("--if-empty", action="store_true", help="do nothing if the database already holds data")
    code = demo.add_parser("code", parents=[common], help="the current authenticator code of a demo person")
    code.add_argument("login", help="demo.admin, demo.reviewer, demo.approver or demo.warehouse")
    label = demo.add_parser("label", parents=[common], help="the GS1 scan a correct label of a lot carries")
    label.add_argument("lot")



def cmd_demo_seed(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.services.demo_data import seed_demo
    from app.services.demo_people import create_demo_people

    with admin_database(args) as database:
        ensure_at_head(database.engine)
        summary = seed_demo(database.engine, scale=args.scale, seed=args.seed, if_empty=args.if_empty,
                            progress=lambda phase: print(phase, file=sys.stderr, flush=True))
        people = create_demo_people(database)
    text = summary.describe()
    if people:
        text += "\nDemo people (demonstration only): " + ", ".join(people)
    return {**summary.as_dict(), "demo_people": people, "text": text}


def cmd_demo_code(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.demo_people import demo_code

    code = demo_code(args.login)
    return {"login": args.login, "code": code, "text": code}


def cmd_demo_label(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.demo_people import label_scan

    with admin_database(args) as database, database.raw_connection() as conn:
        scan = label_scan(conn, args.lot)
    return {"lot": args.lot, "scan": scan, "text": scan}


COMMANDS: Commands = {
    ("demo", "seed"): cmd_demo_seed,
    ("demo", "code"): cmd_demo_code,
    ("demo", "label"): cmd_demo_label,
}
