"""`medtrace validate`: IQ/OQ of this installation and its database, written as a fingerprinted report."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_FAILED, EXIT_OK, Commands, admin_database, report_language
from app.config import AppPaths


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    validate = sub.add_parser("validate", parents=[common],
                              help="qualify this installation and database (IQ/OQ) and write the validation report")
    validate.add_argument("--out-dir", default=".", help="folder for the PDF report and the XLSX matrix")
    validate.add_argument("--language", dest="report_language", choices=["zh_CN", "en"],
                          help="language of the report (default: the workstation's language)")


def cmd_validate(args: argparse.Namespace) -> dict[str, Any]:
    from app.security.keys import load_trusted_keys
    from app.services.validation import run_validation, write_validation_report

    paths = AppPaths.resolve(args.home)
    language = report_language(args)
    with admin_database(args) as database, database.raw_connection() as conn:
        run = run_validation(conn, trusted_keys=load_trusted_keys(paths.config_dir))
        written = write_validation_report(conn, run, out_dir=Path(args.out_dir), language=language)
    lines = [f"{'PASS' if c.passed else 'FAIL'}  {c.id}  {c.title}" + ("" if c.passed else f": {c.detail}")
             for c in run.checks]
    verdict = ("Validation passed: every IQ and OQ check holds." if run.ok else
               f"Validation FAILED: {', '.join(c.id for c in run.failed)}.")
    return {**run.as_json(), "pdf": str(written.pdf), "xlsx": str(written.xlsx),
            "audit_entry_id": written.audit_entry_id, "fingerprint": written.fingerprint,
            "text": "\n".join([*lines, verdict, f"Report: {written.pdf}", f"Matrix: {written.xlsx}"]),
            "_exit": EXIT_OK if run.ok else EXIT_FAILED}


COMMANDS: Commands = {("validate", None): cmd_validate}
