"""Every GMP change leaves exactly one complete audit entry, and replaying the trail rebuilds the records.

21 CFR 11.10(e) and 医疗器械生产质量管理规范 第二十七条: the trail must let an inspector reconstruct
every record as it was at any time. A hypothesis state machine makes random changes (parties,
products, lots, corrections with a reason, stock movements, and changes the database must refuse)
through the owner connection and checks after each step that (1) each changed row got exactly one
entry with actor, server time, old and new values and the reason, refused changes got none, and
(2) applying the entries in id order to nothing reproduces the current rows exactly (`to_jsonb`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from app.config import AppPaths
from app.db.engine import Database, open_embedded
from app.db.migrations import upgrade
from tests.factories import gtin14

TABLES = ("party", "product", "lot", "movement")
SCRATCH = "audit_completeness"
_codes = itertools.count(1)

reasons = st.one_of(
    st.sampled_from(["录入错误更正 Data entry correction", "复核后更正 Correction after review",
                     "供应商更正 Supplier correction"]),
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=40)
    .filter(lambda s: s.strip() != ""),
)
addresses = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=60)


@pytest.fixture(scope="module")
def scratch(database: Database, app_paths: AppPaths) -> Iterator[psycopg.Connection]:
    """The owner's connection to a database of its own (this test leaves many committed rows)."""
    assert database.server is not None
    database.server.psql(f"DROP DATABASE IF EXISTS {SCRATCH}", database="postgres")
    database.server.psql(f"CREATE DATABASE {SCRATCH}", database="postgres")
    db = open_embedded(app_paths, database=SCRATCH)
    upgrade(db.engine)
    conn = db.raw_connection()
    yield conn
    conn.close()
    db.close(stop_server=False)
    database.server.psql(f"DROP DATABASE {SCRATCH} WITH (FORCE)", database="postgres")


def _stored(conn: psycopg.Connection, reason: str) -> str | None:
    """The reason as the trigger keeps it (mt_clean_reason; its rule has its own tests in test_audit_trail)."""
    return conn.execute("SELECT mt_clean_reason(%s)", (reason,)).fetchone()[0]


Change = tuple[str, int, str, str | None]  # table, record id, action, reason expected in the entry


class AuditedChanges(RuleBasedStateMachine):
    """Random GMP changes; the model tracks stock so that movements stay valid (or refused on purpose)."""

    sites = Bundle("sites")
    hospitals = Bundle("hospitals")
    products = Bundle("products")
    lots = Bundle("lots")

    def __init__(self, conn: psycopg.Connection) -> None:
        super().__init__()
        self.conn = conn
        self.start_id = self._scalar("SELECT coalesce(max(id), 0) FROM audit_entry")
        self.seen_id = self.start_id
        self.started_at = self._scalar("SELECT now()")
        # Rows of earlier examples stay; this example's rows are those above these ids.
        self.floor = {t: self._scalar(f"SELECT coalesce(max(id), 0) FROM {t}") for t in TABLES}
        self.parties: list[int] = []
        self.stock: Counter[tuple[int, int]] = Counter()
        self.lot_dates: dict[int, dt.date] = {}

    # -- helpers -------------------------------------------------------------------------------

    def _scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql, params).fetchone()[0]

    def _insert(self, sql: str, params: tuple[Any, ...]) -> int:
        with self.conn.transaction():
            new_id = self._scalar(sql + " RETURNING id", params)
        return int(new_id)

    def _expect(self, changes: list[Change]) -> None:
        """The entries written since the last step: one per change, complete, in order."""
        rows = self.conn.execute(
            "SELECT id, table_name, record_id, action, actor, at, workstation, old_values, new_values, reason, "
            "now() FROM audit_entry WHERE id > %s ORDER BY id", (self.seen_id,)
        ).fetchall()
        assert [(r[1], r[2], r[3], r[9]) for r in rows] == [(t, str(i), a, why) for t, i, a, why in changes]
        for (_id, _t, _r, action, actor, at, workstation, old, new, _why, now) in rows:
            assert actor == "postgres" and workstation.startswith("medtrace@")
            assert self.started_at <= at <= now
            assert new is not None
            assert (old is None) == (action == "INSERT")
        if rows:
            self.seen_id = rows[-1][0]

    def _refused(self, sql: str, params: tuple[Any, ...], sqlstate: str, reason: str | None = None) -> None:
        with pytest.raises(psycopg.Error) as caught, self.conn.transaction():
            if reason is not None:
                self.conn.execute("SELECT set_config('medtrace.reason', %s, true)", (reason,))
            self.conn.execute(sql, params)
        assert caught.value.sqlstate == sqlstate
        self._expect([])

    # -- master data -----------------------------------------------------------------------------

    @rule(target=sites)
    def add_site(self) -> int:
        n = next(_codes)
        party = self._insert("INSERT INTO party (code, name, kind) VALUES (%s, %s, 'manufacturer')",
                             (f"S-{n}", f"生产基地 {n}"))
        self.parties.append(party)
        self._expect([("party", party, "INSERT", None)])
        return party

    @rule(target=hospitals)
    def add_hospital(self) -> int:
        n = next(_codes)
        party = self._insert("INSERT INTO party (code, name, kind) VALUES (%s, %s, 'hospital')",
                             (f"H-{n}", f"医院 {n}"))
        self.parties.append(party)
        self._expect([("party", party, "INSERT", None)])
        return party

    @rule(target=products, shelf=st.integers(30, 2000))
    def add_product(self, shelf: int) -> int:
        n = next(_codes)
        product = self._insert(
            "INSERT INTO product (agency, di, name, risk_class, shelf_life_days) VALUES ('GS1', %s, %s, 'II', %s)",
            (gtin14(f"0697{n:09d}"), f"导管 {n}", shelf))
        self._expect([("product", product, "INSERT", None)])
        return product

    @rule(target=lots, product=products, quantity=st.integers(1, 500), days=st.integers(0, 900))
    def add_lot(self, product: int, quantity: int, days: int) -> int:
        made = dt.date(2026, 1, 1) + dt.timedelta(days=days % 60)
        lot = self._insert(
            "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity) VALUES (%s, %s, %s, %s, %s)",
            (product, f"L{next(_codes)}", made, made + dt.timedelta(days=days), quantity))
        self.lot_dates[lot] = made
        self._expect([("lot", lot, "INSERT", None)])
        return lot

    # -- corrections with a reason -----------------------------------------------------------------

    @rule(lot=lots, quantity=st.integers(1, 5000), shift=st.integers(-30, 30), shelf=st.integers(0, 1500),
          reason=reasons)
    def correct_lot(self, lot: int, quantity: int, shift: int, shelf: int, reason: str) -> None:
        made = self.lot_dates[lot] + dt.timedelta(days=shift)
        with self.conn.transaction():
            self.conn.execute("SELECT set_config('medtrace.reason', %s, true)", (reason,))
            self.conn.execute("UPDATE lot SET quantity = %s, production_date = %s, expiry_date = %s WHERE id = %s",
                              (quantity, made, made + dt.timedelta(days=shelf), lot))
        self.lot_dates[lot] = made
        self._expect([("lot", lot, "UPDATE", _stored(self.conn, reason))])

    @rule(party=st.one_of(sites, hospitals), address=addresses, reason=reasons)
    def correct_address(self, party: int, address: str, reason: str) -> None:
        with self.conn.transaction():
            self.conn.execute("SELECT set_config('medtrace.reason', %s, true)", (reason,))
            self.conn.execute("UPDATE party SET address = %s WHERE id = %s", (address, party))
        self._expect([("party", party, "UPDATE", _stored(self.conn, reason))])

    @precondition(lambda self: len(self.parties) >= 2)
    @rule(address=addresses, reason=reasons)
    def correct_addresses_in_one_statement(self, address: str, reason: str) -> None:
        with self.conn.transaction():
            self.conn.execute("SELECT set_config('medtrace.reason', %s, true)", (reason,))
            # RETURNING lists rows in the order they were updated, which is the order the trigger fired.
            updated = self.conn.execute("UPDATE party SET address = %s WHERE id = ANY(%s) RETURNING id",
                                        (address, self.parties)).fetchall()
        self._expect([("party", party_id, "UPDATE", _stored(self.conn, reason)) for (party_id,) in updated])

    @rule(lot=lots)
    def a_correction_without_a_reason_is_refused(self, lot: int) -> None:
        self._refused("UPDATE lot SET quantity = quantity + 1 WHERE id = %s", (lot,), "MTR01", reason="   ")

    # -- stock movements ---------------------------------------------------------------------------

    @rule(lot=lots, site=sites, quantity=st.integers(1, 300))
    def produce(self, lot: int, site: int, quantity: int) -> None:
        movement = self._insert(
            "INSERT INTO movement (kind, lot_id, quantity, to_party_id, moved_on) VALUES ('produce', %s, %s, %s, %s)",
            (lot, quantity, site, self.lot_dates[lot]))
        self.stock[(lot, site)] += quantity
        self._expect([("movement", movement, "INSERT", None)])

    @precondition(lambda self: any(q > 0 for q in self.stock.values()))
    @rule(hospital=hospitals, data=st.data())
    def ship(self, hospital: int, data: st.DataObject) -> None:
        lot, site = data.draw(st.sampled_from(sorted(k for k, q in self.stock.items() if q > 0 and k[1] != hospital)))
        quantity = data.draw(st.integers(1, self.stock[(lot, site)]))
        movement = self._insert(
            "INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on, document_no) "
            "VALUES ('ship', %s, %s, %s, %s, %s, %s)",
            (lot, quantity, site, hospital, self.lot_dates[lot], f"DN-{next(_codes)}"))
        self.stock[(lot, site)] -= quantity
        self.stock[(lot, hospital)] += quantity
        self._expect([("movement", movement, "INSERT", None)])

    @rule(lot=lots, site=sites, hospital=hospitals)
    def shipping_more_than_on_hand_is_refused(self, lot: int, site: int, hospital: int) -> None:
        self._refused(
            "INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on) "
            "VALUES ('ship', %s, %s, %s, %s, '2026-03-01')",
            (lot, self.stock[(lot, site)] + 1, site, hospital), "MTS01")

    # -- the trail rebuilds the records ------------------------------------------------------------

    @invariant()
    def replaying_the_trail_reproduces_the_current_rows(self) -> None:
        replayed: dict[tuple[str, int], dict[str, Any]] = {}
        for table, record, action, old, new in self.conn.execute(
            "SELECT table_name, record_id, action, old_values, new_values FROM audit_entry "
            "WHERE id > %s AND table_name = ANY(%s) ORDER BY id", (self.start_id, list(TABLES))
        ):
            key = (table, int(record))
            if action == "INSERT":
                assert key not in replayed
                replayed[key] = new
            elif action == "UPDATE":
                assert replayed[key] == old, "an update's old values are what the trail said before"
                replayed[key] = new
            else:
                assert replayed.pop(key) == old
        current = {
            (table, row["id"]): row
            for table in TABLES
            for (row,) in self.conn.execute(f"SELECT to_jsonb(t) FROM {table} t WHERE id > %s",
                                            (self.floor[table],))
        }
        assert replayed == current


def _run(conn: psycopg.Connection, examples: int, steps: int) -> None:
    run_state_machine_as_test(
        lambda: AuditedChanges(conn),
        settings=settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )


def test_every_change_has_one_complete_entry_and_the_trail_replays_to_the_records(
    scratch: psycopg.Connection,
) -> None:
    _run(scratch, examples=20, steps=25)


@pytest.mark.slow
def test_every_change_has_one_complete_entry_over_many_long_runs(scratch: psycopg.Connection) -> None:
    _run(scratch, examples=150, steps=60)
