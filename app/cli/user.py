"""`medtrace user add|lock|unlock|reset-mfa|list`: administering people from the command line.

The administrator signs in as themselves (`--user`, password and code at the prompt or with
`--credentials-stdin`) and the commands call the very database functions the Admin page calls
(`app.services.people`), so the same rules hold: only a verified administrator may act, nobody locks
themselves out, and no administrator ever learns a password or a seed (21 CFR 11.300(b)). `add` and
`reset-mfa` print the one-time activation code the person needs, and nothing else secret.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import Commands
from app.cli.sign_in import add_sign_in_options, person_connection
from app.security.permissions import GROUPS


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add `user …` to the `medtrace` parser; `sub` is its subparsers action, `common` the shared options."""
    user = sub.add_parser("user", help="people: accounts, locks and resets (as an administrator)")
    actions = user.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", parents=[common], help="create an account; prints its activation code")
    add.add_argument("login", help="the new person's user name")
    add.add_argument("--name", required=True, help="full name as printed on signatures")
    add.add_argument("--role", dest="roles", action="append", required=True, choices=GROUPS,
                     help="a role of the new person (repeat for several)")
    lock = actions.add_parser("lock", parents=[common], help="lock an account at once (signs it out everywhere)")
    lock.add_argument("login")
    lock.add_argument("--reason", default="", help="why (shown to administrators and kept in the audit trail)")
    unlock = actions.add_parser("unlock", parents=[common], help="lift a lock and clear the failed attempts")
    unlock.add_argument("login")
    reset = actions.add_parser("reset-mfa", parents=[common],
                               help="void password, authenticator and recovery codes; prints a new activation code")
    reset.add_argument("login")
    listed = actions.add_parser("list", parents=[common], help="everyone with an account")
    for parser in (add, lock, unlock, reset, listed):
        add_sign_in_options(parser)


def _issued(login: str, code: str, what: str) -> dict[str, Any]:
    from app.services.people import ACTIVATION_VALID_HOURS

    return {"login": login, "activation_code": code, "valid_hours": ACTIVATION_VALID_HOURS,
            "text": f"{what} Activation code for {login} (valid {ACTIVATION_VALID_HOURS} hours, once): {code}\n"
                    "Hand it to the person only; they choose their own password and enrol their authenticator."}


def cmd_user_add(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.people import create_person

    login = args.login.strip().lower()
    with person_connection(args) as conn:
        code = create_person(conn, login, args.name, args.roles)
    return {**_issued(login, code, f"Account {login} created."), "printed_name": args.name.strip(),
            "groups": [g for g in GROUPS if g in args.roles]}


def cmd_user_lock(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.people import lock_person

    with person_connection(args) as conn:
        lock_person(conn, args.login.strip().lower(), args.reason)
    return {"login": args.login, "locked": True, "text": f"Account {args.login} is locked."}


def cmd_user_unlock(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.people import unlock_person

    with person_connection(args) as conn:
        unlock_person(conn, args.login.strip().lower())
    return {"login": args.login, "locked": False, "text": f"Account {args.login} is unlocked."}


def cmd_user_reset_mfa(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.people import reset_person

    login = args.login.strip().lower()
    with person_connection(args) as conn:
        code = reset_person(conn, login)
    return _issued(login, code, f"Password, authenticator and recovery codes of {login} are void.")


def cmd_user_list(args: argparse.Namespace) -> dict[str, Any]:
    from app.services.people import list_people

    with person_connection(args) as conn:
        people = list_people(conn)
    rows = [{"login": p.login, "printed_name": p.printed_name, "state": p.state, "enrolled": p.enrolled,
             "locked": p.locked, "lock_reason": p.lock_reason, "groups": list(p.groups),
             "created_at": p.created_at.isoformat(), "created_by": p.created_by} for p in people]
    lines = [f"{p.login:<24} {p.state:<8} {'locked' if p.locked else '':<7} {', '.join(p.groups):<40} "
             f"{p.printed_name}" for p in people]
    return {"people": rows, "text": "\n".join(lines)}


COMMANDS: Commands = {
    ("user", "add"): cmd_user_add,
    ("user", "lock"): cmd_user_lock,
    ("user", "unlock"): cmd_user_unlock,
    ("user", "reset-mfa"): cmd_user_reset_mfa,
    ("user", "list"): cmd_user_list,
}
