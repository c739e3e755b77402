"""`medtrace user …` as an administrator signed in from the command line, on the real embedded server."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable

import psycopg
import pytest

from app import messages
from app.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK, main
from app.config import AppPaths
from app.db.engine import Database
from app.errors import AccountLocked, InvalidCredentials
from app.services.identity import WRONG, PendingActivation, sign_in
from tests.conftest import SECRETS_USED, Person

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`medtrace ARGS --home <the session's home>` with `stdin` on standard input: (exit, stdout, stderr)."""
    home = str(app_paths.config_dir.parent)

    def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main([*argv, "--home", home])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def as_admin(admin: Person, *argv: str) -> tuple[list[str], str]:
    """The arguments and standard input of a command run by `admin` with --credentials-stdin."""
    return [*argv, "--user", admin.login, "--credentials-stdin"], f"{admin.password}\n{admin.next_code()}\n"


def test_user_add_prints_an_activation_code_the_new_person_signs_in_with(
    make_person, run: Run, database: Database
) -> None:
    admin: Person = make_person("admin")
    argv, stdin = as_admin(admin, "user", "add", "cli.newcomer", "--name", "王 芳", "--role", "qa_reviewer",
                           "--role", "auditor", "--json")
    code, out, _err = run(*argv, stdin=stdin)
    assert code == EXIT_OK
    document = json.loads(out)
    SECRETS_USED.add(document["activation_code"])
    assert document["login"] == "cli.newcomer" and document["groups"] == ["qa_reviewer", "auditor"]
    assert document["valid_hours"] == 72
    assert admin.password not in out  # the administrator's own secrets never come back

    pending = sign_in(database.connect_args, login="cli.newcomer", password=document["activation_code"], code="")
    assert isinstance(pending, PendingActivation) and pending.account.groups == ("auditor", "qa_reviewer")
    pending.close()


def test_a_locked_account_cannot_sign_in_until_it_is_unlocked(make_person, run: Run, database: Database) -> None:
    admin: Person = make_person("admin")
    person: Person = make_person("warehouse")
    argv, stdin = as_admin(admin, "user", "lock", person.login, "--reason", "Left the company")
    code, out, _err = run(*argv, stdin=stdin)
    assert code == EXIT_OK and "locked" in out
    with pytest.raises(AccountLocked):
        sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())

    argv, stdin = as_admin(admin, "user", "unlock", person.login)
    assert run(*argv, stdin=stdin)[0] == EXIT_OK
    signed_in = sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())
    assert signed_in.account.login == person.login


def test_a_refusal_is_printed_in_the_language_asked_for_with_its_message_id(make_person, run: Run) -> None:
    admin: Person = make_person("admin")
    try:
        argv, stdin = as_admin(admin, "user", "lock", admin.login, "--json")
        code, out, err = run("--language", "zh_CN", *argv, stdin=stdin)
    finally:
        messages.set_language("en")
    assert code == EXIT_INVALID
    said = json.loads(out)
    assert said["error"] == "您不能锁定自己的账户。" and "您不能锁定自己的账户。" in err
    assert (said["message_id"], said["params"]) == ("people.cannot_lock_self", [])
    argv, stdin = as_admin(admin, "user", "lock", admin.login, "--json")
    code, out, _err = run(*argv, stdin=stdin)  # without --language: the English words, the same id
    assert json.loads(out)["error"] == "You cannot lock your own account."
    assert json.loads(out)["message_id"] == "people.cannot_lock_self"


def test_reset_mfa_voids_the_password_and_issues_a_new_activation_code(
    make_person, run: Run, database: Database
) -> None:
    admin: Person = make_person("admin")
    person: Person = make_person("qa_approver")
    argv, stdin = as_admin(admin, "user", "reset-mfa", person.login, "--json")
    code, out, _err = run(*argv, stdin=stdin)
    assert code == EXIT_OK
    activation = json.loads(out)["activation_code"]
    SECRETS_USED.add(activation)
    assert set(json.loads(out)) == {"login", "activation_code", "valid_hours"}  # nothing else secret
    with pytest.raises(InvalidCredentials):
        sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())
    pending = sign_in(database.connect_args, login=person.login, password=activation, code="")
    assert isinstance(pending, PendingActivation)
    pending.close()


def test_user_list_shows_everyone_without_a_secret(make_person, run: Run) -> None:
    admin: Person = make_person("admin")
    reviewer: Person = make_person("qa_reviewer")
    argv, stdin = as_admin(admin, "user", "list", "--json")
    code, out, _err = run(*argv, stdin=stdin)
    assert code == EXIT_OK
    people = {p["login"]: p for p in json.loads(out)["people"]}
    assert people[reviewer.login]["groups"] == ["qa_reviewer"] and people[reviewer.login]["state"] == "active"
    assert people[admin.login]["enrolled"] is True
    assert reviewer.password not in out and reviewer.seed not in out


def test_an_unknown_administrator_and_a_wrong_password_get_the_same_refusal(make_person, run: Run) -> None:
    admin: Person = make_person("admin")
    unknown = run("user", "list", "--user", "nobody.here", "--credentials-stdin", stdin="guess-one\n123456\n")
    wrong = run("user", "list", "--user", admin.login, "--credentials-stdin", stdin="guess-one\n123456\n")
    assert unknown[0] == wrong[0] == EXIT_FAILED
    assert unknown[1] == wrong[1] == ""
    assert unknown[2] == wrong[2] == f"medtrace: {WRONG}\n"


def test_a_wrong_code_is_refused_and_counted_like_at_the_window(make_person, run: Run,
                                                                 owner_conn: psycopg.Connection) -> None:
    admin: Person = make_person("admin")
    code, _out, err = run("user", "list", "--user", admin.login, "--credentials-stdin",
                          stdin=f"{admin.password}\n000000\n")
    assert code == EXIT_FAILED and WRONG in err
    failures = owner_conn.execute("SELECT mt_failures(id) FROM person WHERE login = %s", (admin.login,)).fetchone()
    assert failures is not None and failures[0] >= 1


def test_a_person_who_is_not_an_administrator_is_refused(make_person, run: Run) -> None:
    reviewer: Person = make_person("qa_reviewer")
    argv, stdin = as_admin(reviewer, "user", "add", "cli.intruder", "--name", "X", "--role", "admin")
    code, _out, err = run(*argv, stdin=stdin)
    assert code == EXIT_FAILED and "You do not have permission to do this." in err


def test_an_unknown_target_account_is_named_to_the_administrator(make_person, run: Run) -> None:
    admin: Person = make_person("admin")
    argv, stdin = as_admin(admin, "user", "unlock", "no.such.person")
    code, _out, err = run(*argv, stdin=stdin)
    assert code == EXIT_INVALID and "There is no user “no.such.person”." in err


def test_credentials_come_only_from_standard_input_or_a_prompt(make_person, run: Run) -> None:
    admin: Person = make_person("admin")
    missing = run("user", "list", "--user", admin.login, "--credentials-stdin", stdin=f"{admin.password}\n")
    assert missing[0] == EXIT_INVALID and "two lines" in missing[2]
    no_terminal = run("user", "list", "--user", admin.login)  # stdin is a pipe: no prompt is possible
    assert no_terminal[0] == EXIT_INVALID and "--credentials-stdin" in no_terminal[2]
    argv_password = run("user", "list", "--user", admin.login, "--password", admin.password)
    assert argv_password[0] == EXIT_INVALID and admin.password not in argv_password[2]
