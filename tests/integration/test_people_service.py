"""Administering people through app.services.people, as real administrators on the real database."""

from __future__ import annotations

import re

import psycopg
import pyotp
import pytest

from app.db.engine import Database
from app.errors import ComplianceError, InvalidInput, SessionEnded
from app.services import people
from app.services.identity import PendingActivation, SignedIn, activate, sign_in
from tests.conftest import Person

ACTIVATION_CODE = re.compile(r"^[0-9A-F]{5}(-[0-9A-F]{5}){4}$")


@pytest.fixture
def admin(make_person) -> Person:
    return make_person("admin")


@pytest.fixture
def admin_conn(admin: Person):
    with admin.verified_connection() as conn:
        yield conn


def _row(conn: psycopg.Connection, login: str) -> people.PersonRow:
    return next(p for p in people.list_people(conn) if p.login == login)


def test_an_administrator_sees_everyone_with_roles_and_state(admin: Person, admin_conn, make_person) -> None:
    other: Person = make_person("qa_reviewer", "qa_approver")
    rows = {p.login: p for p in people.list_people(admin_conn)}
    assert rows[admin.login].groups == ("admin",)
    assert rows[other.login].groups == ("qa_approver", "qa_reviewer")
    assert rows[other.login].state == "active" and rows[other.login].enrolled and not rows[other.login].locked
    assert rows[other.login].printed_name == f"测试用户 {other.login}"


def test_a_new_person_gets_a_one_time_activation_code_that_signs_them_in_once(
    database: Database, admin_conn
) -> None:
    code = people.create_person(admin_conn, "  Zhang.Wei.Svc ", " 张伟 Zhang Wei ", ["warehouse", "regulatory"])
    assert ACTIVATION_CODE.match(code)
    row = _row(admin_conn, "zhang.wei.svc")
    assert (row.state, row.enrolled, row.groups) == ("pending", False, ("regulatory", "warehouse"))
    assert row.printed_name == "张伟 Zhang Wei"
    pending = sign_in(database.connect_args, login="zhang.wei.svc", password=code, code="")
    assert isinstance(pending, PendingActivation)
    seed = pyotp.random_base32(32)
    recovery = activate(pending, new_password="a quiet harbour at dawn", seed=seed,
                        first_code=pyotp.TOTP(seed).now())
    pending.close()
    assert len(recovery) == 10
    assert _row(admin_conn, "zhang.wei.svc").state == "active"


def test_the_database_refuses_a_bad_user_name_a_taken_one_and_no_role(admin: Person, admin_conn) -> None:
    with pytest.raises(InvalidInput, match="cannot be used as a user name"):
        people.create_person(admin_conn, "1bad name", "Someone", ["auditor"])
    with pytest.raises(InvalidInput, match="already taken"):
        people.create_person(admin_conn, admin.login, "Someone", ["auditor"])
    with pytest.raises(InvalidInput, match="Choose at least one role"):
        people.create_person(admin_conn, "no.roles.svc", "Someone", [])


def test_only_a_verified_administrator_may_manage_people(make_person, admin: Person) -> None:
    auditor: Person = make_person("auditor")
    with auditor.verified_connection() as conn, pytest.raises(ComplianceError, match="You do not have permission"):
        people.list_people(conn)
    with admin.connect() as unverified, pytest.raises(SessionEnded, match="not been verified"):
        people.create_person(unverified, "sneaky.svc", "Sneaky", ["admin"])


def test_roles_are_replaced_but_an_administrator_keeps_their_own(admin: Person, admin_conn, make_person) -> None:
    other: Person = make_person("warehouse")
    people.set_groups(admin_conn, other.login, ["qa_reviewer", "auditor"])
    assert _row(admin_conn, other.login).groups == ("auditor", "qa_reviewer")
    with pytest.raises(InvalidInput, match="own administrator role"):
        people.set_groups(admin_conn, admin.login, ["auditor"])


def test_a_lock_takes_effect_at_once_raises_an_alert_and_can_be_lifted(
    database: Database, admin: Person, admin_conn, make_person
) -> None:
    victim: Person = make_person("qa_reviewer")
    with pytest.raises(InvalidInput, match="cannot lock your own"):
        people.lock_person(admin_conn, admin.login, "testing")
    people.lock_person(admin_conn, victim.login, "left the company")
    row = _row(admin_conn, victim.login)
    assert row.locked and row.lock_reason == "left the company"
    alert = next(a for a in people.security_alerts(admin_conn) if a.login == victim.login)
    assert (alert.kind, alert.detail, alert.acknowledged) == (people.ACCOUNT_LOCKED, "left the company", False)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        victim.connect()
    people.unlock_person(admin_conn, victim.login)
    assert not _row(admin_conn, victim.login).locked
    outcome = sign_in(database.connect_args, login=victim.login, password=victim.password, code=victim.next_code())
    assert isinstance(outcome, SignedIn)


def test_an_acknowledged_alert_records_who_acknowledged_it(admin: Person, admin_conn, make_person) -> None:
    victim: Person = make_person("auditor")
    people.lock_person(admin_conn, victim.login, "suspected misuse")
    alert = next(a for a in people.security_alerts(admin_conn) if a.login == victim.login)
    people.acknowledge_alert(admin_conn, alert.id)
    again = next(a for a in people.security_alerts(admin_conn) if a.id == alert.id)
    assert again.acknowledged and again.acknowledged_by == admin.login


def test_a_reset_voids_password_and_authenticator_and_issues_a_new_code(
    database: Database, admin_conn, make_person
) -> None:
    person: Person = make_person("regulatory")
    code = people.reset_person(admin_conn, person.login)
    assert ACTIVATION_CODE.match(code)
    row = _row(admin_conn, person.login)
    assert (row.state, row.enrolled) == ("pending", False)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        person.connect()
    pending = sign_in(database.connect_args, login=person.login, password=code, code="")
    assert isinstance(pending, PendingActivation)
    pending.close()


def test_each_call_commits_on_a_connection_that_is_not_autocommit(admin: Person, make_person) -> None:
    # The Admin page passes a pooled connection (autocommit off) of the person's verified session.
    with admin.connect() as conn:
        status, token = conn.execute("SELECT * FROM mt_verify_totp(%s, 15)", (admin.next_code(),)).fetchone()
        assert status == "verified"
        conn.autocommit = False
        code = people.create_person(conn, "committed.svc", "已提交 测试", ["auditor"])
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with admin.connect() as other:
            assert other.execute("SELECT mt_resume_session(%s)", (token,)).fetchone() == (True,)
            assert any(p.login == "committed.svc" for p in people.list_people(other))
    assert ACTIVATION_CODE.match(code)


def test_the_first_administrator_cannot_be_created_when_people_exist(
    owner_conn: psycopg.Connection, admin: Person
) -> None:
    with pytest.raises(InvalidInput, match="already has users"):
        people.create_first_administrator(owner_conn, "late.first.admin", "迟到 管理员")
    assert people.first_administrator_needed(owner_conn) is False

