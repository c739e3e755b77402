"""What starts a case besides a lot: one serialised unit, or a product's lots made within a date range."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from app.db.engine import Database
from app.errors import InvalidInput, NotFound
from app.services.recalls import open_recall
from tests.integration.recall_scenario import Chain

pytestmark = pytest.mark.clause("NMPA 召回管理办法")


def _open(database: Database, person, **start):
    return open_recall(database.connect_args, login=person.login, password=person.password, code=person.next_code(),
                       level=2, drill=True, reason="Sterility doubt (EO cycle 14)", **start)


def test_a_product_recall_starts_from_every_lot_made_in_the_range(
        chain: Chain, database: Database, make_person) -> None:
    case = _open(database, make_person("regulatory"), di=chain.di_finished, made_from=dt.date(2026, 1, 1),
                 made_until=dt.date(2026, 1, 31))
    assert case.trigger["type"] == "product" and case.trigger["made_from"] == "2026-01-01"
    assert case.trigger["lot"] == "F-10 … Q-5 (2 lots)"
    assert {lot.lot_no for lot in case.lots if lot.relation == "start"} == {"F-10", "Q-5"}
    assert {c.party for c in case.consignees} == {"RC-DIST", "RC-H1", "RC-H2"}


def test_a_serial_recalls_its_whole_lot(
        chain: Chain, database: Database, owner_conn: psycopg.Connection, make_person) -> None:
    owner_conn.execute("INSERT INTO serial_unit (lot_id, serial) VALUES (%s, 'SN-0001')", (chain.finished,))
    case = _open(database, make_person("qa_approver"), lot_no="F-10", serial="SN-0001")
    assert case.trigger == {"type": "serial", "di": chain.di_finished, "lot": "F-10", "serial": "SN-0001"}
    assert [lot.lot_no for lot in case.lots] == ["F-10"] and len(case.consignees) == 3


@pytest.mark.parametrize(("start", "error", "words"), [
    ({"lot_no": "F-10", "serial": "SN-9999"}, NotFound, "no unit with serial"),
    ({"di": "06954321009980", "made_from": dt.date(2026, 2, 1), "made_until": dt.date(2026, 1, 1)},
     InvalidInput, "comes after"),
    ({"di": "06954321009980", "made_from": dt.date(2025, 1, 1), "made_until": dt.date(2025, 12, 31)},
     NotFound, "No lot of"),
    ({"made_from": dt.date(2026, 1, 1), "made_until": dt.date(2026, 1, 31)}, InvalidInput, "names the product"),
    ({}, InvalidInput, "Name the suspect lot"),
])
def test_a_trigger_that_finds_nothing_opens_nothing(
        chain: Chain, database: Database, owner_conn, make_person, start, error, words) -> None:
    with pytest.raises(error, match=words):
        _open(database, make_person("regulatory"), **start)
    assert owner_conn.execute("SELECT count(*) FROM recall_case").fetchone()[0] == 0
