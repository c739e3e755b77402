"""The `medtrace` command: the GUI when called alone, headless subcommands for admins and automation.

Contract (DESIGN §6): human text by default, one JSON document with --json; exit 0 on success, 2 on
invalid input (reason on stderr), 1 when something else went wrong (also explained on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from app.config import AppPaths, Profile, select_profile
from app.errors import ConfigurationError, InvalidInput, MedTraceError

IMPORT_KINDS = ("products", "parties", "lots", "genealogy", "movements")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


class UsageError(InvalidInput):
    """The command line itself is wrong."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override] — argparse's NoReturn
        raise UsageError(message, hint=f"See: {self.prog} --help")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date like 2026-11-21") from None


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

    parser = _Parser(prog="medtrace", description="MedTrace QA Workstation", parents=[top])
    parser.add_argument("--language", choices=["zh_CN", "en"], help="GUI language for this run")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", parents=[common], help="bring the schema to this program's version")
    db.add_parser("status", parents=[common], help="show the schema version")

    demo = sub.add_parser("demo", help="demonstration data").add_subparsers(dest="action", required=True)
    seed = demo.add_parser("seed", parents=[common], help="fill the database with demonstration data")
    seed.add_argument("--scale", choices=["small", "large"], default="small")
    seed.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
    seed.add_argument("--if-empty", action="store_true", help="do nothing if the database already holds data")
    code = demo.add_parser("code", parents=[common], help="the current authenticator code of a demo person")
    code.add_argument("login", help="demo.admin, demo.reviewer, demo.approver or demo.warehouse")
    label = demo.add_parser("label", parents=[common], help="the GS1 scan a correct label of a lot carries")
    label.add_argument("lot")

    imp = sub.add_parser("import", help="import master data, lots, genealogy or movements")
    imp_sub = imp.add_subparsers(dest="action", required=True)
    for kind in IMPORT_KINDS:
        one = imp_sub.add_parser(kind, parents=[common], help=f"import {kind} from .xlsx or .csv (all or nothing)")
        one.add_argument("file")
        one.add_argument("--errors-out", help="write the rejected rows with an error column to this .xlsx")
    template = imp_sub.add_parser("template", parents=[common], help="write an empty import template")
    template.add_argument("kind", choices=IMPORT_KINDS)
    template.add_argument("--out", required=True, help=".xlsx or .csv file to write")

    trace = sub.add_parser("trace", help="trace a lot forward (where did it go) or backward (what is in it)")
    trace_sub = trace.add_subparsers(dest="action", required=True)
    for direction in ("forward", "backward"):
        one = trace_sub.add_parser(direction, parents=[common])
        one.add_argument("--lot", required=True, help="lot number")
        one.add_argument("--di", help="product DI, when the lot number is not unique across products")
        one.add_argument("--serial", help="one serial unit of the lot")

    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(dest="action", required=True)
    verify = audit.add_parser("verify", parents=[common], help="check every link and seal of the audit trail")
    verify.add_argument("--trust-key", action="append", default=[], metavar="HEX",
                        help="also trust this Ed25519 public key for seals (64 hex digits)")
    audit.add_parser("seal", parents=[common], help="seal the audit trail with this workstation's key")

    from app.reports.cli_commands import add_report_parsers

    add_report_parsers(sub, common)

    udi = sub.add_parser("udi", help="UDI scans").add_subparsers(dest="action", required=True)
    parse = udi.add_parser("parse", parents=[common], help="parse one scan (GS1, HIBCC, MA)")
    parse.add_argument("scan")
    parse.add_argument("--as-of", type=_date, help="judge expiry against this date (default today)")
    return parser


# -- commands ---------------------------------------------------------------------------------


@contextlib.contextmanager
def _admin_database(args: argparse.Namespace) -> Iterator[Any]:
    """The owner connection of the embedded database (the OS user who owns its data folder)."""
    from app.db.engine import open_embedded

    profile = _profile(args)
    if not profile.is_embedded:
        raise ConfigurationError(
            f"Profile “{profile.name}” is a shared server; administer it as a database administrator.",
            hint="Person sign-in for headless commands arrives with identity and access.",
        )
    paths = AppPaths.resolve(args.home)
    paths.ensure()
    database = open_embedded(paths)
    try:
        yield database
    finally:
        database.close()


def _profile(args: argparse.Namespace) -> Profile:
    return select_profile(AppPaths.resolve(args.home), args.profile)


def cmd_db_upgrade(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import schema_status, upgrade

    with _admin_database(args) as database:
        before = schema_status(database.engine)
        upgrade(database.engine)
        after = schema_status(database.engine)
    return {"from": before.current, "to": after.current, "head": after.head,
            "text": f"Schema upgraded from {before.current or 'empty'} to {after.current}."}


def cmd_db_status(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import schema_status

    with _admin_database(args) as database:
        status = schema_status(database.engine)
    state = "up to date" if status.at_head else "behind: run `medtrace db upgrade`"
    return {"current": status.current, "head": status.head, "at_head": status.at_head,
            "text": f"Schema {status.current or 'empty'} (this program needs {status.head}): {state}."}


def cmd_demo_seed(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.services.demo_data import seed_demo
    from app.services.demo_people import create_demo_people

    with _admin_database(args) as database:
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

    with _admin_database(args) as database, database.raw_connection() as conn:
        scan = label_scan(conn, args.lot)
    return {"lot": args.lot, "scan": scan, "text": scan}


def cmd_udi_parse(args: argparse.Namespace) -> dict[str, Any]:
    from app.udi import parse_scan

    result = parse_scan(args.scan, as_of=args.as_of or dt.date.today())  # noqa: DTZ011 — a calendar date
    document = result.as_json()
    lines = []
    for key, value in document.items():
        if key == "elements" or value is None or value == []:
            continue
        if isinstance(value, list):
            value = "; ".join(value)
        lines.append(f"{key}: {str(value).replace(chr(29), '<GS>')}")
    if not result.valid:
        print("medtrace: invalid scan: " + "; ".join(document["errors"]), file=sys.stderr)
    return {**document, "text": "\n".join(lines), "_exit": EXIT_OK if result.valid else EXIT_INVALID}


def cmd_import(args: argparse.Namespace) -> dict[str, Any]:
    from pathlib import Path

    from app.db.migrations import ensure_at_head
    from app.services.data_import import import_file

    with _admin_database(args) as database:
        ensure_at_head(database.engine)
        result = import_file(database.engine, kind=args.action, path=Path(args.file),
                             errors_out=Path(args.errors_out) if args.errors_out else None)
    document = result.as_dict()
    return {**document, "text": result.describe(), "_exit": EXIT_OK if result.ok else EXIT_INVALID}


def cmd_import_template(args: argparse.Namespace) -> dict[str, Any]:
    from pathlib import Path

    from app.services.data_import import write_template

    path = write_template(args.kind, Path(args.out))
    return {"kind": args.kind, "file": str(path), "text": f"Template for {args.kind} written to {path}."}


def cmd_trace(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.db.uow import UnitOfWork
    from app.services.trace import trace_lot

    with _admin_database(args) as database:
        ensure_at_head(database.engine)
        with UnitOfWork.for_engine(database.engine) as uow:
            result = trace_lot(uow, direction=args.action, lot_no=args.lot, di=args.di, serial=args.serial)
    return {**result.as_json(), "text": result.describe()}


def cmd_audit_verify(args: argparse.Namespace) -> dict[str, Any]:
    from app.security.keys import load_trusted_keys
    from app.services.audit_trail import verify_audit_trail

    paths = AppPaths.resolve(args.home)
    try:
        extra = {bytes.fromhex(k) for k in args.trust_key}
    except ValueError:
        raise UsageError("--trust-key takes a public key of 64 hex digits.") from None
    trusted = load_trusted_keys(paths.config_dir) | extra
    with _admin_database(args) as database, database.raw_connection() as conn:
        result = verify_audit_trail(conn, trusted_keys=trusted)
    return {**result.as_dict(), "text": result.describe(), "_exit": EXIT_OK if result.ok else EXIT_FAILED}


def cmd_audit_seal(args: argparse.Namespace) -> dict[str, Any]:
    from app.security.keys import load_or_create_seal_key, trust_key
    from app.services.audit_trail import seal_audit_trail

    paths = AppPaths.resolve(args.home)
    with _admin_database(args) as database, database.raw_connection() as conn:
        key = load_or_create_seal_key(f"embedded:{paths.pgdata}")
        seal = seal_audit_trail(conn, key, occasion="manual")
    trust_key(paths.config_dir, seal.public_key, "this workstation's seal key")
    return {"position": seal.position, "public_key": seal.public_key.hex(),
            "text": f"Audit trail sealed at position {seal.position} (key {seal.public_key.hex()[:16]}…)."}


COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace], dict[str, Any]]] = {
    ("db", "upgrade"): cmd_db_upgrade,
    ("db", "status"): cmd_db_status,
    ("demo", "seed"): cmd_demo_seed,
    ("demo", "code"): cmd_demo_code,
    ("demo", "label"): cmd_demo_label,
    ("udi", "parse"): cmd_udi_parse,
    ("audit", "verify"): cmd_audit_verify,
    ("audit", "seal"): cmd_audit_seal,
    ("trace", "forward"): cmd_trace,
    ("trace", "backward"): cmd_trace,
    ("import", "template"): cmd_import_template,
    **{("import", kind): cmd_import for kind in IMPORT_KINDS},
}


def _commands() -> dict[tuple[str, str | None], Callable[[argparse.Namespace], dict[str, Any]]]:
    from app.reports.cli_commands import report_commands

    return {**COMMANDS, **report_commands()}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    want_json = "--json" in argv
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            from app.main import run_gui

            return run_gui(home=args.home, profile=args.profile, language=args.language)
        handler = _commands()[(args.command, getattr(args, "action", None))]
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
        print(json.dumps({"error": exc.message, "hint": exc.hint}, ensure_ascii=False))
