"""`medtrace company show|set`: the profile read by the owner, set by an administrator with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from app.services.demo_data import COMPANY, demo_logo
from tests.conftest import Person
from tests.integration.test_cli_user import Run, as_admin, run  # noqa: F401 — `run` is a fixture

pytestmark = pytest.mark.usefixtures("committed")


def test_an_administrator_sets_the_profile_from_the_command_line_and_show_prints_it(
        make_person, run: Run, tmp_path: Path) -> None:  # noqa: F811 — the fixture
    code, out, _err = run("company", "show", "--json")
    assert code == EXIT_OK and json.loads(out) == {"set_up": False}
    logo = tmp_path / "logo.png"
    logo.write_bytes(demo_logo())
    admin: Person = make_person("admin")
    argv, stdin = as_admin(admin, "company", "set", "--legal-name-zh", COMPANY["legal_name_zh"], "--licence-no",
                           COMPANY["licence_no"], "--logo", str(logo), "--reason", "首次设置 First set-up", "--json")
    code, out, err = run(*argv, stdin=stdin)
    assert code == EXIT_OK, err
    document = json.loads(out)
    assert document["legal_name_zh"] == COMPANY["legal_name_zh"] and document["logo_bytes"] == len(demo_logo())
    assert document["audit_entry"] > 0
    code, out, _err = run("company", "show")
    assert code == EXIT_OK and COMPANY["licence_no"] in out


def test_someone_who_is_not_an_administrator_is_refused_and_nothing_to_change_is_invalid(
        make_person, run: Run) -> None:  # noqa: F811 — the fixture
    person: Person = make_person("regulatory")
    argv, stdin = as_admin(person, "company", "set", "--legal-name-en", "Someone Else Ltd.", "--reason", "attempt")
    code, _out, err = run(*argv, stdin=stdin)
    assert code == EXIT_FAILED and "permission" in err
    code, _out, err = run("company", "set", "--user", person.login, "--reason", "nothing")
    assert code == EXIT_INVALID and "Nothing to change" in err
