"""Demonstration people for evaluation installs: known passwords and published TOTP seeds.

FOR DEMONSTRATION ONLY. These accounts exist so that someone trying MedTrace can sign in as two
different people and release a lot. Their seeds are printed in the README, so anyone can compute their
codes: never create them in a database that holds real records (`medtrace demo seed` refuses a
database that already holds data unless asked to skip).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import psycopg
import pyotp

from app.db.engine import Database
from app.errors import InvalidInput
from app.services.identity import PendingActivation, activate, sign_in


@dataclass(frozen=True)
class DemoPerson:
    login: str
    printed_name: str
    groups: tuple[str, ...]
    password: str
    seed: str  # published: demo only


DEMO_PEOPLE = (
    DemoPerson("demo.admin", "赵管理 Zhao Admin", ("admin",), "copper-valley-2026", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA"),
    DemoPerson("demo.reviewer", "王审核 Wang Reviewer", ("qa_reviewer",), "lantern-river-2026",
               "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"),
    DemoPerson("demo.approver", "李放行 Li Approver", ("qa_approver",), "harbor-meadow-2026",
               "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"),
    DemoPerson("demo.warehouse", "陈仓管 Chen Warehouse", ("warehouse", "regulatory"), "maple-station-2026",
               "ONSWG4TFOQYTEMZUGU3DOOBZGAYTEMZU"),
)


def create_demo_people(database: Database) -> list[str]:
    """Create and activate the demo people that do not exist yet; returns the logins created."""
    created = []
    with database.raw_connection() as owner:
        states = dict(owner.execute("SELECT login, state FROM person").fetchall())
        for person in DEMO_PEOPLE:
            if states.get(person.login) == "active":
                continue
            if person.login in states:  # an earlier set-up stopped half-way: issue a new activation code
                code = owner.execute("SELECT mt_issue_activation(id) FROM person WHERE login = %s",
                                     (person.login,)).fetchone()[0]
            else:
                code = owner.execute("SELECT mt_create_person_unchecked(%s, %s, %s)",
                                     (person.login, person.printed_name, list(person.groups))).fetchone()[0]
            pending = sign_in(database.connect_args, login=person.login, password=code, code="")
            if not isinstance(pending, PendingActivation):
                raise InvalidInput.of("demo.person_not_activated", login=person.login)
            try:
                # The current code: its step stays inside the ±1 window however slow the key wrapping is.
                # (Signing in right after, the person waits for the next code.)
                activate(pending, new_password=person.password, seed=person.seed, first_code=demo_code(person.login))
            finally:
                pending.close()
            created.append(person.login)
    return created


def demo_code(login: str, *, at: float | None = None) -> str:
    """The current authenticator code of a demo person (their seed is public)."""
    for person in DEMO_PEOPLE:
        if person.login == login:
            return pyotp.TOTP(person.seed).at(time.time() if at is None else at)
    raise InvalidInput.of("demo.not_a_demo_person", login=login, people=", ".join(p.login for p in DEMO_PEOPLE))


def label_scan(conn: psycopg.Connection, lot_no: str) -> str:
    """The GS1 element string a correctly printed label of this lot carries (for trying label checks)."""
    row = conn.execute(
        "SELECT p.agency, p.di, l.production_date, l.expiry_date, l.lot_no FROM lot l "
        "JOIN product p ON p.id = l.product_id WHERE l.lot_no = %s ORDER BY l.id LIMIT 1", (lot_no,)
    ).fetchone()
    if row is None:
        raise InvalidInput.of("demo.no_such_lot", lot_no=lot_no)
    agency, di, produced, expires, lot = row
    if agency != "GS1":
        raise InvalidInput.of("demo.lot_not_gs1", lot_no=lot_no)

    def yymmdd(day: dt.date) -> str:
        return day.strftime("%y%m%d")

    return f"]C101{di}11{yymmdd(produced)}17{yymmdd(expires)}10{lot}"
