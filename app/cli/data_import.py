"""`medtrace import KIND FILE` and `import template KIND`: the integrators' import contract (DESIGN §6)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import EXIT_INVALID, EXIT_OK, Commands, admin_database

IMPORT_KINDS = ("products", "parties", "lots", "genealogy", "movements")


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", help="import master data, lots, genealogy or movements")
    imp_sub = imp.add_subparsers(dest="action", required=True)
    for kind in IMPORT_KINDS:
        one = imp_sub.add_parser(kind, parents=[common], help=f"import {kind} from .xlsx or .csv (all or nothing)")
        one.add_argument("file")
        one.add_argument("--errors-out", help="write the rejected rows with an error column to this .xlsx")
    template = imp_sub.add_parser("template", parents=[common], help="write an empty import template")
    template.add_argument("kind", choices=IMPORT_KINDS)
    template.add_argument("--out", required=True, help=".xlsx or .csv file to write")



def cmd_import(args: argparse.Namespace) -> dict[str, Any]:
    from pathlib import Path

    from app.db.migrations import ensure_at_head
    from app.services.data_import import import_file

    with admin_database(args) as database:
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


COMMANDS: Commands = {
    ("import", "template"): cmd_import_template,
    **{("import", kind): cmd_import for kind in IMPORT_KINDS},
}
