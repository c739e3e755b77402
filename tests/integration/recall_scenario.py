"""A recall scenario shared by the recall tests and the recall report tests: lots, genealogy, shipments."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from app.db.engine import Database
from app.services.recalls import RecallCase, close_recall, open_recall
from tests.conftest import Person


@dataclass
class Chain:
    """Component lot C (100 made) → finished lot F (10 made) at our site S; F shipped to distributor D,
    which sold on to hospitals H1 and H2; some of C itself sold to D as spare parts."""

    site: int
    distributor: int
    h1: int
    h2: int
    component: int
    finished: int
    quiet: int  # a released lot never shipped
    di_component: str
    di_finished: str


def lot_made_at(conn: psycopg.Connection, product: int, site: int, lot_no: str, quantity: int) -> int:
    lot_id = conn.execute(  # a superuser migrating records may insert a status (0004); the trail names them
        "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity, status) "
        "VALUES (%s, %s, '2026-01-10', '2029-01-09', %s, 'released') RETURNING id",
        (product, lot_no, quantity)).fetchone()[0]
    conn.execute("INSERT INTO movement (kind, lot_id, quantity, to_party_id, moved_on) "
                 "VALUES ('produce', %s, %s, %s, '2026-01-10')", (lot_id, quantity, site))
    return lot_id


def ship(conn: psycopg.Connection, lot: int, quantity: int, source: int, dest: int) -> None:
    conn.execute("INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on) "
                 "VALUES ('ship', %s, %s, %s, %s, '2026-02-01')", (lot, quantity, source, dest))


def add_party(conn: psycopg.Connection, code: str, name: str, kind: str, contact: str = "王经理",
              address: str = "") -> int:
    phone = "0512-1234" if contact else ""
    return conn.execute("INSERT INTO party (code, name, kind, contact, phone, address) "
                        "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                        (code, name, kind, contact, phone, address)).fetchone()[0]


def build_chain(conn: psycopg.Connection) -> Chain:
    """The scenario of the Chain docstring, committed through the owner connection."""
    site = add_party(conn, "RC-SITE", "苏州工厂", "manufacturer", address="苏州工业园区星湖街 88 号")
    distributor = add_party(conn, "RC-DIST", "华东医疗器械经销公司", "distributor",
                            address="上海市浦东新区张江路 100 号")
    h1 = add_party(conn, "RC-H1", "第一人民医院", "hospital")
    h2 = add_party(conn, "RC-H2", "第二人民医院", "hospital", contact="")
    products = [conn.execute(
        "INSERT INTO product (agency, di, name, risk_class, shelf_life_days) VALUES ('GS1', %s, %s, 'II', 1095) "
        "RETURNING id", (di, name)).fetchone()[0]
        for di, name in (("06954321009997", "导管接头"), ("06954321009980", "一次性使用输液器"))]
    component = lot_made_at(conn, products[0], site, "C-100", 100)
    finished = lot_made_at(conn, products[1], site, "F-10", 10)
    quiet = lot_made_at(conn, products[1], site, "Q-5", 5)
    conn.execute("INSERT INTO genealogy_edge (finished_lot_id, component_lot_id, site_id, quantity) "
                 "VALUES (%s, %s, %s, 50)", (finished, component, site))
    ship(conn, component, 10, site, distributor)
    ship(conn, finished, 6, site, distributor)
    ship(conn, finished, 4, distributor, h1)
    ship(conn, finished, 1, distributor, h2)
    return Chain(site, distributor, h1, h2, component, finished, quiet, "06954321009997", "06954321009980")


def open_case(database: Database, person: Person, lot: str = "C-100", *, drill: bool, level: int = 1,
              **kw: str) -> RecallCase:
    return open_recall(database.connect_args, login=person.login, password=person.password, code=person.next_code(),
                       lot_no=lot, level=level, drill=drill, reason="Seal may leak (complaint QC-88)", **kw)


def close_case(database: Database, person: Person, recall_id: int) -> RecallCase:
    return close_recall(database.connect_args, login=person.login, password=person.password,
                        code=person.next_code(), recall_id=recall_id)
