"""Identity and access, proven as people connecting straight to PostgreSQL (DESIGN §3).

Every test here speaks raw SQL as a real login role: the GUI is not in the way, just as it would not be
for someone with psql and a stolen password.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pyotp
import pytest

from app.db.engine import Database
from app.errors import AccountLocked, InvalidCredentials
from app.models import GMP_TABLES
from app.services.identity import WRONG, person_args, sign_in
from tests.conftest import Person, activate_with

SECRET_TABLES = ("person", "login_failure", "activation", "recovery_code", "session_token",
                 "verified_backend", "security_alert")


@pytest.fixture
def some_records(owner_conn: psycopg.Connection) -> None:
    owner_conn.execute(
        "INSERT INTO party (code, name, kind) VALUES ('ID-SITE', '苏州工厂', 'manufacturer') "
        "ON CONFLICT (code) DO NOTHING"
    )


@pytest.mark.clause("21 CFR 11.200")
@pytest.mark.clause("21 CFR 11.10(d)")
@pytest.mark.clause("Annex 11 §12.1")
def test_the_right_password_without_totp_reads_nothing_and_writes_nothing(make_person, some_records) -> None:
    person: Person = make_person("warehouse", "regulatory")
    with person.connect() as conn:
        for table in GMP_TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
        assert conn.execute("SELECT count(*) FROM stock_on_hand").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO party (code, name, kind) VALUES ('X-1', 'x', 'supplier')")
        assert conn.execute("UPDATE party SET name = 'changed'").rowcount == 0


def test_the_same_person_after_totp_sees_and_changes_records(make_person, some_records) -> None:
    person: Person = make_person("regulatory")
    with person.verified_connection() as conn:
        assert conn.execute("SELECT count(*) FROM party WHERE code = 'ID-SITE'").fetchone() == (1,)
        conn.execute("INSERT INTO party (code, name, kind) VALUES (%s, '上海经销商', 'distributor')",
                     (f"D-{person.login}",))


def test_a_code_is_accepted_only_once(make_person) -> None:
    person: Person = make_person("auditor")
    code = person.next_code()
    with person.connect() as first:
        assert first.execute("SELECT status FROM mt_verify_totp(%s, 15)", (code,)).fetchone() == ("verified",)
    with person.connect() as replay:
        assert replay.execute("SELECT status FROM mt_verify_totp(%s, 15)", (code,)).fetchone() == ("replayed",)
        assert replay.execute("SELECT count(*) FROM party").fetchone() == (0,)


def test_two_simultaneous_submissions_of_one_code_give_exactly_one_success(make_person) -> None:
    person: Person = make_person("auditor")
    code = person.next_code()
    connections = [person.connect() for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(conn: psycopg.Connection) -> None:
        barrier.wait()
        outcomes.append(conn.execute("SELECT status FROM mt_verify_totp(%s, 15)", (code,)).fetchone()[0])

    threads = [threading.Thread(target=submit, args=(c,)) for c in connections]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    for c in connections:
        c.close()
    assert sorted(outcomes) == ["replayed", "verified"]


def test_codes_from_an_independent_generator_are_accepted(make_person) -> None:
    import subprocess

    person: Person = make_person("auditor")
    # oathtool (Debian) computes the next step's code; the database accepts ±1 step.
    next_step = str(int(time.time()) + 30)
    code = subprocess.run(["oathtool", "--totp", "-b", "-N", f"@{next_step}", person.seed],
                          capture_output=True, text=True, check=True).stdout.strip()
    person.last_counter = int(next_step) // 30
    with person.connect() as conn:
        assert conn.execute("SELECT status FROM mt_verify_totp(%s, 15)", (code,)).fetchone() == ("verified",)


def test_five_failures_lock_the_account_even_when_each_guess_is_rolled_back(make_person) -> None:
    person: Person = make_person("qa_reviewer")
    with person.connect() as conn:
        for _ in range(5):
            conn.execute("BEGIN")
            conn.execute("SELECT status FROM mt_verify_totp('000000', 15)").fetchone()
            conn.execute("ROLLBACK")  # an attacker erasing the evidence: the sequence still counts
        status = conn.execute("SELECT status FROM mt_verify_totp(%s, 15)", (person.next_code(),)).fetchone()
    assert status == ("locked",)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        person.connect()


def test_an_administrator_sees_the_lockout_alert_and_can_unlock(make_person) -> None:
    admin: Person = make_person("admin")
    victim: Person = make_person("qa_approver")
    with victim.connect() as conn:
        for _ in range(5):
            conn.execute("SELECT status FROM mt_verify_totp('000000', 15)")
    with admin.verified_connection() as conn:
        alerts = conn.execute("SELECT kind, login FROM mt_security_alerts()").fetchall()
        assert ("account_locked", victim.login) in alerts
        assert conn.execute("SELECT locked FROM mt_people() WHERE login = %s", (victim.login,)).fetchone() == (True,)
        conn.execute("SELECT mt_unlock_person(%s)", (victim.login,))
    with victim.verified_connection() as conn:
        assert conn.execute("SELECT state FROM mt_my_account()").fetchone() == ("active",)


def test_a_locked_account_cannot_even_open_a_connection(make_person) -> None:
    admin: Person = make_person("admin")
    victim: Person = make_person("warehouse")
    with admin.verified_connection() as conn:
        conn.execute("SELECT mt_lock_person(%s, 'left the company')", (victim.login,))
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        victim.connect()


def test_unknown_user_and_wrong_password_get_the_same_message(database: Database, make_person) -> None:
    person: Person = make_person("auditor")
    messages = []
    for login, password in ((person.login, "wrong password entirely"), ("nobody_here", "wrong password entirely")):
        with pytest.raises(InvalidCredentials) as caught:
            sign_in(database.connect_args, login=login, password=password, code="123456")
        messages.append(str(caught.value))
    assert messages == [WRONG, WRONG]


def test_password_failures_reported_through_the_gate_lock_the_account(database: Database, make_person) -> None:
    person: Person = make_person("auditor")
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            sign_in(database.connect_args, login=person.login, password="not the password", code="000000")
    with pytest.raises(AccountLocked):
        sign_in(database.connect_args, login=person.login, password=person.password, code=person.next_code())


def test_a_recovery_code_works_once(database: Database, owner_conn: psycopg.Connection) -> None:
    login = "recovery.tester"
    code = owner_conn.execute(
        "SELECT mt_create_person_unchecked(%s, '恢复 测试', ARRAY['auditor'])", (login,)
    ).fetchone()[0]
    seed = pyotp.random_base32(32)
    with psycopg.connect(**person_args(database.connect_args, login, code), autocommit=True) as conn:
        recovery = activate_with(conn, login, "a long and private phrase", seed, pyotp.TOTP(seed).now())
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert all(len(c.replace("-", "")) == 28 for c in recovery)  # 28 hex digits = 112 bits
    for expected in ("verified", "failed"):
        with psycopg.connect(**person_args(database.connect_args, login, "a long and private phrase"),
                             autocommit=True) as conn:
            status = conn.execute("SELECT status FROM mt_verify_totp(%s, 15)", (recovery[3],)).fetchone()[0]
        assert status == expected


def test_an_activation_code_works_once_and_expires(database: Database, owner_conn: psycopg.Connection) -> None:
    code = owner_conn.execute(
        "SELECT mt_create_person_unchecked('activation.once', '激活 测试', ARRAY['auditor'])"
    ).fetchone()[0]
    seed = pyotp.random_base32(32)
    args = person_args(database.connect_args, "activation.once", code)
    with psycopg.connect(**args, autocommit=True) as conn:
        activate_with(conn, "activation.once", "another long private phrase", seed, pyotp.TOTP(seed).now())
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(**args)  # the code was the password only until activation

    expired = owner_conn.execute(
        "SELECT mt_create_person_unchecked('activation.late', '过期 测试', ARRAY['auditor'])"
    ).fetchone()[0]
    owner_conn.execute("ALTER ROLE \"activation.late\" VALID UNTIL '2000-01-01'")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(**person_args(database.connect_args, "activation.late", expired))


@pytest.mark.parametrize("groups", [("admin",), ("qa_approver",), ("auditor",), ("warehouse",)])
def test_no_login_role_can_read_seeds_codes_or_tokens(make_person, groups) -> None:
    person: Person = make_person(*groups)
    with person.verified_connection() as conn:
        for table in SECRET_TABLES:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT * FROM {table}")


def test_a_person_cannot_raise_their_own_privileges(make_person) -> None:
    person: Person = make_person("auditor")
    attempts = [
        f"GRANT admin TO {person.login}",
        f"GRANT qa_approver TO {person.login}",
        f"ALTER ROLE {person.login} SUPERUSER",
        f"ALTER ROLE {person.login} CREATEROLE",
        f"ALTER ROLE {person.login} BYPASSRLS",
        "SET ROLE medtrace_owner",
        "SET ROLE admin",
        "SELECT mt_create_person('intruder', 'x', ARRAY['admin'])",
        "SELECT mt_bootstrap_first_admin('intruder', 'x')",
        "SELECT mt_create_person_unchecked('intruder', 'x', ARRAY['admin'])",
        "ALTER TABLE party DISABLE ROW LEVEL SECURITY",
        "DROP POLICY mfa_verified ON lot",
        "CREATE TABLE public.mine (x int)",
    ]
    with person.verified_connection() as conn:
        for statement in attempts:
            with pytest.raises(psycopg.Error):
                conn.execute(statement)
        assert conn.execute("SELECT groups FROM mt_my_account()").fetchone() == (["auditor"],)


def test_a_session_token_admits_further_connections_until_the_session_ends(make_person) -> None:
    person: Person = make_person("auditor")
    with person.connect() as first:
        status, token = first.execute("SELECT * FROM mt_verify_totp(%s, 15)", (person.next_code(),)).fetchone()
        assert status == "verified"
        with person.connect() as second:
            assert second.execute("SELECT mt_session_verified()").fetchone() == (False,)
            assert second.execute("SELECT mt_resume_session(%s)", (token,)).fetchone() == (True,)
            assert second.execute("SELECT mt_session_verified()").fetchone() == (True,)
            first.execute("SELECT mt_end_session(%s)", (token,))  # the idle lock
            assert second.execute("SELECT mt_session_verified()").fetchone() == (False,)
            assert second.execute("SELECT mt_resume_session(%s)", (token,)).fetchone() == (False,)


def test_a_token_is_bound_to_its_person(make_person) -> None:
    alice: Person = make_person("qa_reviewer")
    mallory: Person = make_person("auditor")
    with alice.connect() as conn:
        _status, token = conn.execute("SELECT * FROM mt_verify_totp(%s, 15)", (alice.next_code(),)).fetchone()
    with mallory.connect() as conn:
        assert conn.execute("SELECT mt_resume_session(%s)", (token,)).fetchone() == (False,)
