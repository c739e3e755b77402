"""`medtrace company show|set`: the company profile every report header and recall letter prints.

`show` reads it through the owner connection of the embedded database (like `expiry list`); `set` is an
administrator's audited correction: they sign in as themselves (`--user`, password and code at the prompt
or with `--credentials-stdin`), state the reason (`--reason`), and the change goes through the same
record-edit path as the Admin page's dialog (app/services/company.py), so the database's grants decide.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from app.cli.common import Commands, UsageError, admin_database
from app.cli.sign_in import add_sign_in_options, person_connection

FIELDS = (("legal_name_zh", "legal name in Chinese"), ("legal_name_en", "legal name in English"),
          ("address", "address"), ("licence_no", "manufacturing licence no. (生产许可证编号)"),
          ("registrant", "registrant (注册人/备案人)"))


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    company = sub.add_parser("company", help="the company profile printed on every report and recall letter")
    actions = company.add_subparsers(dest="action", required=True)
    actions.add_parser("show", parents=[common], help="the company profile as reports print it")
    changed = actions.add_parser("set", parents=[common],
                                 help="set up or correct the company profile (as an administrator, with a reason)")
    for name, meaning in FIELDS:
        changed.add_argument(f"--{name.replace('_', '-')}", dest=name, help=f"the {meaning}")
    logo = changed.add_mutually_exclusive_group()
    logo.add_argument("--logo", type=Path, metavar="FILE", help="PNG or JPEG, at most 512 KB")
    logo.add_argument("--no-logo", action="store_true", help="remove the logo")
    changed.add_argument("--reason", required=True, help="why it is changed (kept in the audit trail)")
    add_sign_in_options(changed)


def _document(profile: Any) -> dict[str, Any]:
    if profile is None:
        return {"set_up": False, "text": "The company profile is not set up: reports name the first manufacturer "
                                         "site and say so. Set it with: medtrace company set --user ADMIN ..."}
    values = {name: getattr(profile, name) for name, _meaning in FIELDS}
    lines = [f"{meaning}: {values[name] or '—'}" for name, meaning in FIELDS]
    logo = (f"{len(profile.logo):,} bytes, SHA-256 {profile.logo_sha256}" if profile.logo else "none")
    return {"set_up": True, **values, "logo_sha256": profile.logo_sha256 or None,
            "logo_bytes": len(profile.logo) if profile.logo else 0, "text": "\n".join([*lines, f"logo: {logo}"])}


def cmd_company_show(args: argparse.Namespace) -> dict[str, Any]:
    from app.db.migrations import ensure_at_head
    from app.db.uow import UnitOfWork
    from app.services.company import company_profile

    with admin_database(args) as database:
        ensure_at_head(database.engine)
        return _document(company_profile(UnitOfWork.for_engine(database.engine)))


@contextlib.contextmanager
def _unit_of_work(connection: psycopg.Connection) -> Iterator[Any]:
    """A unit of work on the person's one verified connection (kept open: the sign-out runs on it after)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from app.db.uow import UnitOfWork

    connection.autocommit = False
    engine = create_engine("postgresql+psycopg://", creator=lambda: connection, poolclass=StaticPool)
    try:
        yield UnitOfWork.for_engine(engine)
    finally:
        connection.rollback()
        connection.autocommit = True


def cmd_company_set(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.company import company_profile, load_company_for_edit, save_company_profile

    changes: dict[str, Any] = {name: getattr(args, name).strip() for name, _m in FIELDS
                               if getattr(args, name) is not None}
    if args.logo is not None:
        try:
            changes["logo"] = args.logo.read_bytes()
        except OSError as exc:
            raise UsageError.of("cli.logo_unreadable", path=args.logo, detail=exc.strerror) from None
    elif args.no_logo:
        changes["logo"] = None
    if not changes:
        raise UsageError.of("cli.company_nothing_to_change")
    with person_connection(args) as conn, _unit_of_work(conn) as uow:
        opened = load_company_for_edit(uow)
        expected = None if opened is None else {n: opened.values[n] for n in changes}
        result = save_company_profile(uow, changes=changes, reason=args.reason, expected=expected)
        document = _document(company_profile(uow))
    changed = ", ".join(c.field for c in result.changes)
    return {**document, "audit_entry": result.audit_entry_id,
            "text": f"{document['text']}\nSaved ({changed}); audit trail entry {result.audit_entry_id}."}


COMMANDS: Commands = {
    ("company", "show"): cmd_company_show,
    ("company", "set"): cmd_company_set,
}
