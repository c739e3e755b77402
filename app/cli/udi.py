"""`medtrace udi parse SCAN`: one scan parsed, as the Scan page parses it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from app.cli.common import EXIT_INVALID, EXIT_OK, Commands, parse_date


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    udi = sub.add_parser("udi", help="UDI scans").add_subparsers(dest="action", required=True)
    parse = udi.add_parser("parse", parents=[common], help="parse one scan (GS1, HIBCC, MA)")
    parse.add_argument("scan")
    parse.add_argument("--as-of", type=parse_date, help="judge expiry against this date (default today)")


def cmd_udi_parse(args: argparse.Namespace) -> dict[str, Any]:
    from app.udi import parse_scan

    result = parse_scan(args.scan, as_of=args.as_of or dt.date.today())  # noqa: DTZ011 — a calendar date
    document = result.as_json()
    # The text output shows errors and warnings in the --language chosen; the JSON keeps English in
    # errors/warnings (the contract) and gives the ids in error_messages/warning_messages.
    shown = {"errors": result.rendered_errors(), "warnings": result.rendered_warnings()}
    lines = []
    for key, value in document.items():
        if key in ("elements", "error_messages", "warning_messages") or value is None or value == []:
            continue
        value = shown.get(key, value)
        if isinstance(value, list):
            value = "; ".join(value)
        lines.append(f"{key}: {str(value).replace(chr(29), '<GS>')}")
    if not result.valid:
        print("medtrace: invalid scan: " + "; ".join(shown["errors"]), file=sys.stderr)
    return {**document, "text": "\n".join(lines), "_exit": EXIT_OK if result.valid else EXIT_INVALID}


COMMANDS: Commands = {
    ("udi", "parse"): cmd_udi_parse,
}
