"""What every command group of `medtrace` shares: exit codes, the usage error, the owner connection."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from typing import Any

from app.config import AppPaths, Profile, select_profile
from app.errors import ConfigurationError, InvalidInput

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2

# A command handler takes the parsed arguments and returns the JSON document, with its human text
# under "text" and, where it is not 0, the exit code under "_exit".
Handler = Callable[[argparse.Namespace], dict[str, Any]]
Commands = dict[tuple[str, str | None], Handler]


class UsageError(InvalidInput):
    """The command line itself is wrong."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override] — argparse's NoReturn
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            # Only the option names: a value typed by mistake (a password after --password) is not echoed.
            names = [word if word.startswith("-") else "…" for word in message[len(prefix):].split()]
            message = prefix + " ".join(names)
        raise UsageError.of("cli.usage", detail=message, prog=self.prog)  # argparse's own words


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” is not a date like 2026-11-21") from None


def profile_of(args: argparse.Namespace) -> Profile:
    return select_profile(AppPaths.resolve(args.home), args.profile)


@contextlib.contextmanager
def admin_database(args: argparse.Namespace) -> Iterator[Any]:
    """The owner connection of the embedded database (the OS user who owns its data folder)."""
    from app.db.engine import open_embedded

    profile = profile_of(args)
    if not profile.is_embedded:
        raise ConfigurationError.of("cli.profile_is_shared", profile=profile.name)
    paths = AppPaths.resolve(args.home)
    paths.ensure()
    database = open_embedded(paths)
    try:
        yield database
    finally:
        database.close()


def report_language(args: argparse.Namespace) -> str:
    """--language of the command, else the workstation's setting, else the system locale."""
    from app.config import load_settings

    chosen = getattr(args, "report_language", None) or getattr(args, "language", None)
    if chosen in ("zh_CN", "en"):
        return str(chosen)
    setting = load_settings(AppPaths.resolve(args.home)).language
    if setting in ("zh_CN", "en"):
        return setting
    system = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh_CN" if system.lower().startswith("zh") else "en"
