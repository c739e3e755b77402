"""Signing in from the command line as a person (DESIGN §6): `--user LOGIN` and `--credentials-stdin`.

The password and the authenticator code are typed at a prompt, or given as two lines on standard input
(password, then code) the way `docker login --password-stdin` takes one; never in an argument or an
environment variable, where other users of the machine (ps, /proc) and shell histories would see them.
The database checks both exactly as for the GUI (`app.services.identity.sign_in`).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import psycopg

from app.cli.common import UsageError, profile_of
from app.config import AppPaths
from app.errors import InvalidCredentials, InvalidInput

__all__ = ["Credentials", "add_sign_in_options", "person_connection", "person_database_of", "person_target",
           "read_credentials"]


@dataclass(frozen=True)
class Credentials:
    """Who signs in and their two factors (repr hides both secrets)."""

    login: str
    password: str = field(repr=False)
    code: str = field(repr=False)


def add_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """The options of every command that acts as a person."""
    parser.add_argument("--user", required=True, metavar="LOGIN", help="your user name (you sign in as yourself)")
    parser.add_argument("--credentials-stdin", action="store_true",
                        help="read your password and then your authenticator code as two lines from standard "
                             "input instead of prompting")


def read_credentials(args: argparse.Namespace, stdin: TextIO | None = None) -> Credentials:
    """The login from --user; password and code from stdin (--credentials-stdin) or typed at prompts."""
    login = (getattr(args, "user", None) or "").strip().lower()
    if not login:
        raise UsageError.of("cli.user_missing")
    stdin = sys.stdin if stdin is None else stdin
    if getattr(args, "credentials_stdin", False):
        password = stdin.readline().rstrip("\r\n")
        code = stdin.readline().strip()
        if not password or not code:
            raise UsageError.of("cli.credentials_stdin_incomplete")
        return Credentials(login, password, code)
    if not stdin.isatty():
        raise UsageError.of("cli.no_terminal")
    password = getpass.getpass(f"Password for {login}: ")
    code = getpass.getpass("Authenticator code: ").strip()
    return Credentials(login, password, code)


@contextlib.contextmanager
def person_connection(args: argparse.Namespace, stdin: TextIO | None = None) -> Iterator[psycopg.Connection]:
    """A verified connection as the person named by --user, on the profile's server; signed out after.

    Unknown user, wrong password and wrong code all give the same refusal (identity.WRONG), and each
    failure is counted against the account as at the GUI's sign-in (21 CFR 11.300(d)).
    """
    from app.services.identity import PendingActivation, connect_as, end_session, sign_in

    credentials = read_credentials(args, stdin)
    with person_target(args) as database:
        outcome = sign_in(database.connect_args, login=credentials.login, password=credentials.password,
                          code=credentials.code, idle_minutes=5)
        if isinstance(outcome, PendingActivation):
            outcome.close()
            raise InvalidInput.of("cli.not_activated")
        connection = connect_as(database.connect_args, credentials.login, credentials.password)
        try:
            if not connection.execute("SELECT mt_resume_session(%s)", (outcome.token,)).fetchone()[0]:
                raise InvalidCredentials.of("cli.session_ended")
            try:
                yield connection
            finally:
                with contextlib.suppress(psycopg.Error):
                    end_session(connection, outcome.token)
        finally:
            connection.close()


@contextlib.contextmanager
def person_database_of(args: argparse.Namespace, stdin: TextIO | None = None) -> Iterator[Any]:
    """The person's pools (the primary, and the profile's replica when it names one), as at the GUI;
    signed out after. Refusals as for `person_connection`."""
    from app.services.identity import PendingActivation, end_session, person_database, sign_in

    credentials = read_credentials(args, stdin)
    with person_target(args) as target:
        outcome = sign_in(target.connect_args, login=credentials.login, password=credentials.password,
                          code=credentials.code, idle_minutes=5)
        if isinstance(outcome, PendingActivation):
            outcome.close()
            raise InvalidInput.of("cli.not_activated")
        database = person_database(target, outcome, credentials.password)
        try:
            yield database
        finally:
            with contextlib.suppress(psycopg.Error), database.engine.connect() as conn:
                end_session(conn.connection.driver_connection, outcome.token)  # type: ignore[arg-type]
                conn.commit()
            database.close()


@contextlib.contextmanager
def person_target(args: argparse.Namespace) -> Iterator[Any]:
    """The database of the profile (the embedded one started if need be), for signing in as a person."""
    from app.db.engine import open_embedded, server_target

    profile = profile_of(args)
    if profile.is_embedded:
        paths = AppPaths.resolve(args.home)
        paths.ensure()
        database = open_embedded(paths)
    else:
        database = server_target(profile)
    try:
        yield database
    finally:
        database.close()
