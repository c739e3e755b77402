"""Demo people can sign in with their published codes, and a demo label scan matches its lot."""

from __future__ import annotations

import datetime as dt
import time

from app.db.engine import Database
from app.services.demo_people import DEMO_PEOPLE, create_demo_people, demo_code, label_scan
from app.services.identity import SignedIn, sign_in
from app.udi import parse_scan


def test_demo_people_are_created_once_and_sign_in_with_their_published_codes(database: Database) -> None:
    assert create_demo_people(database) == [p.login for p in DEMO_PEOPLE]
    assert create_demo_people(database) == []
    reviewer = next(p for p in DEMO_PEOPLE if p.login == "demo.reviewer")
    session = sign_in(database.connect_args, login=reviewer.login, password=reviewer.password,
                      code=demo_code(reviewer.login, at=time.time() + 30))  # activation used this step's
    assert isinstance(session, SignedIn)
    assert session.account.groups == ("qa_reviewer",)
    assert session.account.printed_name == "王审核 Wang Reviewer"


def test_a_demo_label_scan_parses_back_to_its_lot(committed: Database, owner_conn) -> None:
    product = owner_conn.execute(
        "INSERT INTO product (agency, di, name, risk_class, shelf_life_days) "
        "VALUES ('GS1', '06975432000246', '演示产品', 'II', 730) "
        "ON CONFLICT (agency, di) DO UPDATE SET name = excluded.name RETURNING id"
    ).fetchone()[0]
    owner_conn.execute("INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity) "
                       "VALUES (%s, 'DEMO-LABEL-1', '2026-11-17', '2028-11-15', 10)", (product,))
    scan = parse_scan(label_scan(owner_conn, "DEMO-LABEL-1"), as_of=dt.date(2026, 11, 21))
    assert scan.valid
    assert (scan.gtin, scan.lot, scan.expiry_date) == ("06975432000246", "DEMO-LABEL-1", dt.date(2028, 11, 15))
