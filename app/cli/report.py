"""`medtrace report NAME [--param …] --format pdf|xlsx --out FILE`, `report verify FILE`, `report list`.

The parameters of each report come from the catalogue, so the command line and the Reports page
accept the same inputs and refuse the same mistakes. Like the other headless administration commands,
these use the owner connection of the embedded database; the person who ran them is named on the
report as the OS user, and the audit trail attributes the export to the database role.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_FAILED, EXIT_OK, Commands, admin_database, report_language
from app.reports.catalogue import CATALOGUE, CHOICE, DATE, DAYS, FORMATS, PARTY, RECALL

LIST = "list"
VERIFY = "verify"


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `report …` to the `medtrace` parser; `sub` is its subparsers action, `common` the shared options."""
    report = sub.add_parser("report", help="regulatory reports (PDF, Excel) and checking a report file")
    actions = report.add_subparsers(dest="action", required=True)
    for definition in CATALOGUE.values():
        one = actions.add_parser(definition.key, parents=[common], help=definition.title_en,
                                 description=definition.description_en)
        for parameter in definition.parameters:
            options: dict[str, Any] = {"help": parameter.label_en + (" (required)" if parameter.required
                                                                     and parameter.default is None else "")}
            if parameter.kind == CHOICE:
                options["choices"] = [value for value, _en, _zh in parameter.choices]
            if parameter.kind == DATE:
                options["metavar"] = "YYYY-MM-DD"
            if parameter.kind == DAYS:
                options["metavar"] = "N"
            if parameter.kind == RECALL:
                options["metavar"] = "ID"
            if parameter.kind == PARTY:
                options["metavar"] = "CODE"
            if parameter.default is not None:
                options["help"] += f" (default {parameter.default})"
            one.add_argument(f"--{parameter.name}", **options)
        one.add_argument("--format", choices=definition.formats,
                         help="file format (default: from the --out file's extension)")
        one.add_argument("--out", required=True, help="file to write (written in full or not at all)")
        one.add_argument("--language", dest="report_language", choices=["zh_CN", "en"],
                         help="language of the report (default: the workstation's language)")
    verify = actions.add_parser(VERIFY, parents=[common],
                                help="say whether a report file is one MedTrace produced, and when and by whom")
    verify.add_argument("file")
    actions.add_parser(LIST, parents=[common], help="list the reports and their parameters")


def _format(args: argparse.Namespace, formats: tuple[str, ...]) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else formats[0]


def cmd_report(args: argparse.Namespace) -> dict[str, Any]:
    from app.config import AppPaths
    from app.db.migrations import ensure_at_head
    from app.db.uow import UnitOfWork
    from app.security.keys import load_trusted_keys
    from app.services.reports import export_report

    definition = CATALOGUE[args.action]
    params = {p.name: getattr(args, p.name, None) for p in definition.parameters}
    paths = AppPaths.resolve(args.home)
    with admin_database(args) as database:
        ensure_at_head(database.engine)
        result = export_report(
            UnitOfWork.for_engine(database.engine), report=definition.key, params=params,
            fmt=_format(args, definition.formats), out=args.out, language=report_language(args),
            generated_by=f"{getpass.getuser()} (administrator, command line)",
            trusted_keys=load_trusted_keys(paths.config_dir),
        )
    return {**result.as_json(), "text": result.describe()}


def cmd_report_verify(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.reports import verify_report_file

    with admin_database(args) as database, database.raw_connection() as conn:
        verification = verify_report_file(conn, args.file)
    return {**verification.as_json(), "text": verification.describe(),
            "_exit": EXIT_OK if verification.ok else EXIT_FAILED}


def cmd_report_list(_args: argparse.Namespace) -> dict[str, Any]:
    lines = []
    reports = []
    for definition in CATALOGUE.values():
        params = " ".join(f"--{p.name}" + ("" if p.required else "?") for p in definition.parameters)
        lines.append(f"{definition.key:<15} {definition.title_en} ({', '.join(definition.formats)})  {params}")
        reports.append({"name": definition.key, "title": definition.title_en, "title_zh": definition.title_zh,
                        "formats": list(definition.formats),
                        "parameters": [{"name": p.name, "kind": p.kind, "required": p.required,
                                        "default": p.default} for p in definition.parameters]})
    return {"reports": reports, "text": "\n".join(lines)}


COMMANDS: Commands = {
    **{("report", key): cmd_report for key in CATALOGUE},
    ("report", VERIFY): cmd_report_verify,
    ("report", LIST): cmd_report_list,
}
