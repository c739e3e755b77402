"""`medtrace recall open|show|notify|ack|return|close` (DESIGN §6): recalls and drills from the command line.

Every command acts as a person (`--user`, password and code at the prompt or `--credentials-stdin`).
`open` and `close` are e-signatures ("Recall initiated", "Recall closed"): the two factors are proven in
the signing connection itself, as in the GUI's signature dialog. Each command prints the case document.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from app.cli.common import Commands
from app.cli.sign_in import add_sign_in_options, person_connection, person_target, read_credentials


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `recall …` to the `medtrace` parser; `sub` is its subparsers action, `common` the shared options."""
    from app.services.recalls import METHODS

    recall = sub.add_parser("recall", help="recalls and mock-recall drills (as regulatory affairs or QA)")
    actions = recall.add_subparsers(dest="action", required=True)
    opened = actions.add_parser("open", parents=[common], help="open a recall or a drill on a lot (e-signature)")
    opened.add_argument("--lot", default="", help="the lot (a finished or a component lot)")
    opened.add_argument("--di", help="the product's UDI-DI, when the lot number is not unique (or with --made-from)")
    opened.add_argument("--serial", help="one serialised unit of --lot (its whole lot is recalled)")
    opened.add_argument("--made-from", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="with --di and --made-until: every lot of the product made in that range")
    opened.add_argument("--made-until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
    opened.add_argument("--level", type=int, required=True, choices=(1, 2, 3),
                        help="1, 2 or 3: 一级/二级/三级 = FDA Class I/II/III")
    opened.add_argument("--drill", action="store_true", help="a mock recall: nothing is held, nothing moves")
    opened.add_argument("--reason", required=True, help="why the device is recalled")
    opened.add_argument("--health-hazard", default="", help="the health hazard evaluation, in a sentence")
    show = actions.add_parser("show", parents=[common], help="the case: scope, worklist, deadlines and KPIs")
    notify = actions.add_parser("notify", parents=[common], help="record that a consignee was notified")
    notify.add_argument("--party", required=True, help="the consignee's party code")
    notify.add_argument("--method", required=True, choices=METHODS)
    ack = actions.add_parser("ack", parents=[common], help="record a consignee's acknowledgement")
    ack.add_argument("--party", required=True)
    returned = actions.add_parser("return", parents=[common], help="record units returned by a consignee")
    returned.add_argument("--party", required=True)
    returned.add_argument("--lot", required=True)
    returned.add_argument("--quantity", type=int, required=True)
    close = actions.add_parser("close", parents=[common], help="close the case (e-signature)")
    for parser in (show, notify, ack, returned, close):
        parser.add_argument("id", type=int, help="the recall number")
    for parser in (opened, show, notify, ack, returned, close):
        add_sign_in_options(parser)


def _document(case: Any) -> dict[str, Any]:
    return {**case.as_json(), "text": case.describe()}


def cmd_recall_open(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.recalls import open_recall

    credentials = read_credentials(args)
    with person_target(args) as database:
        case = open_recall(database.connect_args, login=credentials.login, password=credentials.password,
                           code=credentials.code, lot_no=args.lot, di=args.di, level=args.level, drill=args.drill,
                           reason=args.reason, health_hazard=args.health_hazard, serial=args.serial,
                           made_from=args.made_from, made_until=args.made_until)
    return _document(case)


def cmd_recall_close(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.recalls import close_recall

    credentials = read_credentials(args)
    with person_target(args) as database:
        case = close_recall(database.connect_args, login=credentials.login, password=credentials.password,
                            code=credentials.code, recall_id=args.id)
    return _document(case)


def cmd_recall_show(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.recalls import recall_case

    with person_connection(args) as conn:
        return _document(recall_case(conn, args.id))


def cmd_recall_notify(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.recalls import recall_case, record_notification

    with person_connection(args) as conn:
        record_notification(conn, args.id, party=args.party, method=args.method)
        return _document(recall_case(conn, args.id))


def cmd_recall_ack(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.recalls import recall_case, record_acknowledgement

    with person_connection(args) as conn:
        record_acknowledgement(conn, args.id, party=args.party)
        return _document(recall_case(conn, args.id))


def cmd_recall_return(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.recalls import recall_case, record_return

    with person_connection(args) as conn:
        record_return(conn, args.id, party=args.party, lot_no=args.lot, quantity=args.quantity)
        return _document(recall_case(conn, args.id))


COMMANDS: Commands = {
    ("recall", "open"): cmd_recall_open,
    ("recall", "show"): cmd_recall_show,
    ("recall", "notify"): cmd_recall_notify,
    ("recall", "ack"): cmd_recall_ack,
    ("recall", "return"): cmd_recall_return,
    ("recall", "close"): cmd_recall_close,
}
