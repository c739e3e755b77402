"""One permission matrix, enforced by PostgreSQL and mirrored by the GUI — proven both ways.

For each group role, a real person of that group signs in (password + TOTP) and tries every operation
on every GMP table through raw SQL; what PostgreSQL allows must equal app/security/permissions.py
exactly. The GUI's `may()` answers for each action must equal what the database allows.
"""

from __future__ import annotations

import psycopg
import pytest

from app.security.permissions import ACTIONS, FUNCTION_GRANTS, GMP_TABLES, GROUPS, TABLE_GRANTS, may
from tests.conftest import Person

PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _attempt(conn: psycopg.Connection, table: str, privilege: str) -> bool:
    """Try the operation; True unless PostgreSQL refuses it for lack of privilege."""
    column = "quantity" if table == "lot" else "id"
    statement = {
        "SELECT": f"SELECT 1 FROM {table} LIMIT 0",
        "INSERT": f"INSERT INTO {table} DEFAULT VALUES",
        "UPDATE": f"UPDATE {table} SET {column} = {column} WHERE false",
        "DELETE": f"DELETE FROM {table} WHERE false",
    }[privilege]
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return False
    except psycopg.Error:
        return True  # past the privilege check (e.g. NOT NULL on an empty row): allowed
    return True


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.clause("21 CFR 11.10(d)")
@pytest.mark.clause("Annex 11 §12.1")
def test_the_database_allows_exactly_the_matrix_as_each_group(make_person, group: str) -> None:
    person: Person = make_person(group)
    with person.verified_connection() as conn:
        conn.autocommit = False
        allowed = {
            (table, privilege)
            for table in GMP_TABLES
            for privilege in PRIVILEGES
            if _attempt(conn, table, privilege)
        }
    expected = {
        (table, privilege)
        for table, privileges in TABLE_GRANTS[group].items()
        if table in GMP_TABLES
        for privilege in privileges
    }
    assert allowed == expected


@pytest.mark.parametrize("group", GROUPS)
def test_controlled_functions_are_executable_exactly_by_their_groups(make_person, group: str) -> None:
    person: Person = make_person(group)
    with person.connect() as conn:
        for signature, grantees in FUNCTION_GRANTS.items():
            can = conn.execute("SELECT has_function_privilege(%s, 'EXECUTE')", (signature,)).fetchone()[0]
            assert can == bool({group, "medtrace_person"} & set(grantees)), signature


@pytest.mark.parametrize("group", GROUPS)
def test_the_gui_offers_exactly_what_the_database_allows(make_person, group: str) -> None:
    person: Person = make_person(group)
    with person.connect() as conn:
        for name, rule in ACTIONS.items():
            if rule.function is not None:
                db_allows = conn.execute(
                    "SELECT has_function_privilege(%s, 'EXECUTE')", (rule.function,)
                ).fetchone()[0]
            else:
                db_allows = conn.execute(
                    "SELECT has_table_privilege(%s, %s) OR has_any_column_privilege(%s, %s)",
                    (rule.table, rule.privilege, rule.table, rule.privilege),
                ).fetchone()[0]
            assert may([group], name) == db_allows, name


@pytest.mark.clause("21 CFR 11.10(c)")
def test_nobody_may_delete_a_gmp_record() -> None:
    for group in GROUPS:
        assert all("DELETE" not in TABLE_GRANTS[group].get(t, frozenset()) for t in GMP_TABLES)


def test_lot_status_cannot_be_written_directly_even_by_warehouse(make_person) -> None:
    person: Person = make_person("warehouse")
    with person.verified_connection() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE lot SET status = 'released' WHERE false")
