"""The `medtrace` command: the GUI when called alone, headless subcommands for admins and automation.

Contract (DESIGN §6): human text by default, one JSON document with --json; exit 0 on success, 2 on
invalid input (reason on stderr), 1 when something else went wrong (also explained on stderr).

One module per command group; each adds its parsers (`add_parsers(sub, common)`) and names its
handlers (`COMMANDS`). A new group is one module and one line in GROUPS.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from app import messages
from app.cli import (
    audit,
    backup,
    company,
    data_import,
    db,
    demo,
    expiry,
    recall,
    report,
    trace,
    udi,
    user,
    validate,
)
from app.cli.common import EXIT_FAILED, EXIT_INVALID, EXIT_OK, Commands, Parser, UsageError
from app.errors import InvalidInput, MedTraceError

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "EXIT_OK", "UsageError", "build_parser", "main"]

# In the order `medtrace --help` lists them.
GROUPS = (db, demo, data_import, trace, expiry, recall, audit, report, udi, user, company, backup, validate)


def build_parser() -> argparse.ArgumentParser:
    # The options may stand before or after the subcommand. The subcommands' copies default to
    # SUPPRESS so that one given before the subcommand is not overwritten by the subcommand's default.
    top = argparse.ArgumentParser(add_help=False)
    common = argparse.ArgumentParser(add_help=False)
    for parser_, default in ((top, None), (common, argparse.SUPPRESS)):
        parser_.add_argument("--home", default=default,
                             help="folder for configuration and the embedded database (MEDTRACE_HOME)")
        parser_.add_argument("--profile", default=default,
                             help="connection profile to use (default: the configured one)")
        parser_.add_argument("--json", action="store_true", default=False if default is None else default,
                             help="print one JSON document")

    parser = Parser(prog="medtrace", description="MedTrace QA Workstation", parents=[top])
    parser.add_argument("--language", choices=["zh_CN", "en"],
                        help="language of the GUI and of messages for this run")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    for group in GROUPS:
        group.add_parsers(sub, common)
    return parser


def commands() -> Commands:
    table: Commands = {}
    for group in GROUPS:
        table.update(group.COMMANDS)
    return table


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    want_json = "--json" in argv
    try:
        args = build_parser().parse_args(argv)
        if args.language:
            messages.set_language(args.language)  # errors and refusals in the language asked for
        if args.command is None:
            from app.main import run_gui

            return run_gui(home=args.home, profile=args.profile, language=args.language)
        handler = commands()[(args.command, getattr(args, "action", None))]
        result = handler(args)
    except InvalidInput as exc:
        _report(exc, want_json)
        return EXIT_INVALID
    except MedTraceError as exc:
        _report(exc, want_json)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("Interrupted; nothing further was changed.", file=sys.stderr)
        return EXIT_FAILED
    exit_code = result.pop("_exit", EXIT_OK)
    text = result.pop("text", "")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)
    return exit_code


def _report(exc: MedTraceError, want_json: bool) -> None:
    print(f"medtrace: {exc}", file=sys.stderr)
    if want_json:
        print(json.dumps({"error": exc.message, "hint": exc.hint, "message_id": exc.message_id,
                          "params": exc.params}, ensure_ascii=False, default=str))
