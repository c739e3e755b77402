"""Demonstration data: realistic, bilingual, reproducible, and within every rule the database keeps."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Connection, text

from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import InvalidInput, StockWouldGoNegative
from app.models import Movement
from app.models.enums import LotStatus, MovementKind
from app.services.demo_data import SeedSummary, seed_demo
from tests.conftest import empty_gmp_tables

SCALED_DOWN_LOTS = 20_000



def _scalar(conn: Connection, sql: str) -> object:
    return conn.execute(text(sql)).scalar_one()


def _has_chinese(value: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in value)


def _empty(database: Database) -> None:
    empty_gmp_tables(database)


def _fingerprint(database: Database) -> str:
    """A digest of everything a user sees of the data (not ids or creation timestamps)."""
    with database.engine.connect() as conn:
        return conn.execute(text("""
            SELECT md5(
              (SELECT string_agg(concat_ws('|', code, name, kind, address, contact, phone, licence_no), ','
                                 ORDER BY code) FROM party)
              || (SELECT string_agg(concat_ws('|', p.di, l.lot_no, l.production_date, l.expiry_date, l.quantity,
                                              l.status), ',' ORDER BY p.di, l.lot_no)
                  FROM lot l JOIN product p ON p.id = l.product_id)
              || (SELECT string_agg(concat_ws('|', m.kind, l.lot_no, m.serial, m.quantity, f.code, t.code,
                                              m.moved_on, m.document_no, m.raw_udi), ',' ORDER BY m.id)
                  FROM movement m JOIN lot l ON l.id = m.lot_id
                  LEFT JOIN party f ON f.id = m.from_party_id LEFT JOIN party t ON t.id = m.to_party_id)
              || (SELECT string_agg(concat_ws('|', f.lot_no, c.lot_no, g.quantity), ','
                                    ORDER BY f.lot_no, c.lot_no)
                  FROM genealogy_edge g JOIN lot f ON f.id = g.finished_lot_id
                  JOIN lot c ON c.id = g.component_lot_id))
        """)).scalar_one()


@pytest.fixture
def small_demo(committed: Database) -> SeedSummary:
    _empty(committed)  # demonstration data only goes into an empty database
    return seed_demo(committed.engine, scale="small", seed=2024)


def test_the_small_set_has_lots_in_every_status_of_the_release_workflow(
    committed: Database, small_demo: SeedSummary
) -> None:
    with committed.engine.connect() as conn:
        statuses = dict(conn.execute(text("SELECT status, count(*) FROM lot GROUP BY status")).all())
    assert set(statuses) == {status.value for status in LotStatus}
    assert 200 <= small_demo.lots <= 400
    assert statuses["released"] > len(statuses) * 10  # most lots are released, as in real life
    assert small_demo.qc_results > small_demo.lots and small_demo.serial_units > 0
    assert small_demo.skipped is False and small_demo.seconds < 30


def test_the_small_set_names_products_in_chinese_and_english_with_valid_registrations(
    committed: Database, small_demo: SeedSummary
) -> None:
    with committed.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT name, name_en, registration_no, risk_class, implantable, agency FROM product"
        )).all()
    finished = [row for row in rows if row.registration_no]
    assert 20 <= len(finished) <= 40 and small_demo.products == len(rows)
    assert all(_has_chinese(row.name) and row.name_en and not _has_chinese(row.name_en) for row in rows)
    names = {row.name for row in rows}
    assert {"一次性使用无菌注射器 带针", "医用外科口罩", "髋关节假体", "冠状动脉药物洗脱支架系统"} <= names
    assert {row.risk_class for row in finished} == {"I", "II", "III"}
    assert any(row.implantable for row in rows) and {"GS1", "HIBCC", "MA"} == {row.agency for row in rows}
    # 国械注准 (NMPA, class III), 苏械注准 (province, class II), 苏苏械备 (class I filing)
    assert all(r.registration_no.startswith(("国械注准", "苏械注准", "苏苏械备")) for r in finished)


def test_the_small_set_ships_through_distributors_and_directly_to_hospitals(
    committed: Database, small_demo: SeedSummary
) -> None:
    with committed.engine.connect() as conn:
        ships = dict(conn.execute(text("""
            SELECT f.kind || '→' || t.kind, count(*) FROM movement m
            JOIN party f ON f.id = m.from_party_id JOIN party t ON t.id = m.to_party_id
            WHERE m.kind = 'ship' GROUP BY 1
        """)).all())
        parties = dict(conn.execute(text("SELECT kind, count(*) FROM party GROUP BY kind")).all())
        kinds = set(conn.execute(text("SELECT DISTINCT kind FROM movement")).scalars())
        scans = conn.execute(text(
            "SELECT raw_udi FROM movement WHERE raw_udi LIKE '%' || chr(29) || '21%' LIMIT 1"
        )).scalar_one()
    assert ships.keys() == {"manufacturer→distributor", "manufacturer→hospital", "distributor→hospital"}
    assert parties == {"manufacturer": 2, "supplier": 6, "distributor": 10, "hospital": 30}
    assert kinds == {"produce", "receive", "ship", "return", "install", "scrap"}
    assert scans.startswith(("]d201", "]C101", "01"))  # GS1 element string, GS before the serial


def test_the_small_set_consumes_component_lots_at_the_site_that_made_the_finished_lot(
    committed: Database, small_demo: SeedSummary
) -> None:
    with committed.engine.connect() as conn:
        misplaced = _scalar(conn, """
            SELECT count(*) FROM genealogy_edge g
            WHERE NOT EXISTS (SELECT 1 FROM movement m WHERE m.lot_id = g.finished_lot_id
                              AND m.kind = 'produce' AND m.to_party_id = g.site_id)
               OR NOT EXISTS (SELECT 1 FROM movement m WHERE m.lot_id = g.component_lot_id
                              AND m.kind = 'receive' AND m.to_party_id = g.site_id)
        """)
        most_used = _scalar(conn, "SELECT max(n) FROM (SELECT count(*) AS n FROM genealogy_edge "
                                  "GROUP BY component_lot_id) c")
    assert small_demo.genealogy_edges > 100 and misplaced == 0
    assert most_used >= 20  # one resin lot feeds many syringe and infusion-set lots


def test_the_small_set_leaves_no_stock_negative_and_some_lots_expiring_soon(
    committed: Database, small_demo: SeedSummary
) -> None:
    today = dt.date.today()  # noqa: DTZ011 — the seed places its dates around today
    with committed.engine.connect() as conn:
        negative = _scalar(conn, "SELECT count(*) FROM stock_on_hand WHERE quantity < 0")
        expiring = conn.execute(text(
            "SELECT expiry_date FROM lot WHERE status = 'released' AND expiry_date >= :today"
        ), {"today": today}).scalars().all()
        expired = _scalar(conn, "SELECT count(*) FROM lot WHERE status = 'expired' AND expiry_date < current_date")
        open_deviations = _scalar(conn, "SELECT count(*) FROM deviation WHERE status = 'open'")
    assert negative == 0
    assert sum(1 for day in expiring if day <= today + dt.timedelta(days=30)) >= 3
    assert sum(1 for day in expiring if day <= today + dt.timedelta(days=90)) >= 6
    assert expired >= 3 and 0 < open_deviations < small_demo.deviations


def test_seeding_a_database_that_has_lots_is_refused_or_skipped_with_if_empty(
    committed: Database, small_demo: SeedSummary
) -> None:
    again = seed_demo(committed.engine, scale="small", seed=7, if_empty=True)
    assert again.skipped is True and again.lots == 0
    assert "already holds data" in again.describe()
    with pytest.raises(InvalidInput, match="already holds lots"):
        seed_demo(committed.engine, scale="large", seed=7)
    with committed.engine.connect() as conn:
        assert _scalar(conn, "SELECT count(*) FROM lot") == small_demo.lots


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(committed: Database) -> None:
    seed_demo(committed.engine, scale="small", seed=11)
    first = _fingerprint(committed)
    _empty(committed)
    seed_demo(committed.engine, scale="small", seed=11)
    assert _fingerprint(committed) == first
    _empty(committed)
    seed_demo(committed.engine, scale="small", seed=12)
    assert _fingerprint(committed) != first


def test_an_unknown_scale_is_refused(database: Database) -> None:
    with pytest.raises(InvalidInput, match="Unknown demonstration scale"):
        seed_demo(database.engine, scale="huge", seed=1)


# -- the large reference set, scaled down -------------------------------------------------------


@pytest.fixture
def large_demo(committed: Database) -> SeedSummary:
    _empty(committed)
    phases: list[str] = []
    summary = seed_demo(committed.engine, scale="large", seed=2024, progress=phases.append,
                        _lots=SCALED_DOWN_LOTS)
    assert any("no stock is negative" in phase for phase in phases)
    return summary


def test_the_bulk_loaded_set_keeps_every_rule_the_switched_off_triggers_check(
    committed: Database, large_demo: SeedSummary
) -> None:
    with committed.engine.connect() as conn:
        negative = _scalar(conn, "SELECT count(*) FROM stock_on_hand WHERE quantity < 0")
        # Foreign keys are triggers too: every reference must point at a row.
        orphans = _scalar(conn, """
            SELECT (SELECT count(*) FROM lot x LEFT JOIN product p ON p.id = x.product_id WHERE p.id IS NULL)
                 + (SELECT count(*) FROM genealogy_edge x LEFT JOIN lot f ON f.id = x.finished_lot_id
                    LEFT JOIN lot c ON c.id = x.component_lot_id LEFT JOIN party s ON s.id = x.site_id
                    WHERE f.id IS NULL OR c.id IS NULL OR s.id IS NULL)
                 + (SELECT count(*) FROM movement x LEFT JOIN lot l ON l.id = x.lot_id
                    LEFT JOIN party f ON f.id = x.from_party_id LEFT JOIN party t ON t.id = x.to_party_id
                    WHERE l.id IS NULL OR (x.from_party_id IS NOT NULL AND f.id IS NULL)
                       OR (x.to_party_id IS NOT NULL AND t.id IS NULL))
                 + (SELECT count(*) FROM serial_unit x LEFT JOIN lot l ON l.id = x.lot_id WHERE l.id IS NULL)
                 + (SELECT count(*) FROM qc_result x LEFT JOIN lot l ON l.id = x.lot_id WHERE l.id IS NULL)
                 + (SELECT count(*) FROM deviation x LEFT JOIN lot l ON l.id = x.lot_id WHERE l.id IS NULL)
        """)
        # Parties fit their role: we make, suppliers sell to us, distributors and hospitals receive.
        wrong_parties = _scalar(conn, """
            SELECT count(*) FROM movement m
            LEFT JOIN party f ON f.id = m.from_party_id LEFT JOIN party t ON t.id = m.to_party_id
            WHERE (m.kind = 'produce' AND t.kind <> 'manufacturer')
               OR (m.kind = 'receive' AND (f.kind <> 'supplier' OR t.kind <> 'manufacturer'))
               OR (m.kind = 'ship' AND (f.kind NOT IN ('manufacturer', 'distributor')
                                        OR t.kind NOT IN ('distributor', 'hospital')))
        """)
        edges_off_site = _scalar(conn, "SELECT count(*) FROM genealogy_edge g JOIN party s ON s.id = g.site_id "
                                       "WHERE s.kind <> 'manufacturer'")
        bad_dates = _scalar(conn, "SELECT count(*) FROM movement m JOIN lot l ON l.id = m.lot_id "
                                  "WHERE m.moved_on < l.production_date OR m.moved_on > current_date")
        serial_lots_mismatch = _scalar(conn, """
            SELECT count(*) FROM (SELECT lot_id, count(*) AS n FROM serial_unit GROUP BY lot_id) s
            JOIN lot l ON l.id = s.lot_id WHERE s.n <> l.quantity
        """)
    assert (negative, orphans, wrong_parties, edges_off_site, bad_dates, serial_lots_mismatch) == (0,) * 6


def test_the_bulk_loaded_set_has_the_reference_shape_and_a_hub_component_lot(
    committed: Database, large_demo: SeedSummary
) -> None:
    with committed.engine.connect() as conn:
        finished = _scalar(conn, "SELECT count(DISTINCT finished_lot_id) FROM genealogy_edge")
        hub_uses = _scalar(conn, "SELECT max(n) FROM (SELECT count(*) AS n FROM genealogy_edge "
                                 "GROUP BY component_lot_id) c")
        shipments = _scalar(conn, "SELECT count(*) FROM movement WHERE kind = 'ship'")
        tier_two = _scalar(conn, "SELECT count(*) FROM movement m JOIN party f ON f.id = m.from_party_id "
                                 "WHERE m.kind = 'ship' AND f.kind = 'distributor'")
        customers = _scalar(conn, "SELECT count(*) FROM party WHERE kind IN ('distributor', 'hospital')")
        statuses = set(conn.execute(text("SELECT DISTINCT status FROM lot")).scalars())
        # the indexes and unique constraints dropped for the load are back
        indexes = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'movement'")).scalars())
        uniques = set(conn.execute(text("SELECT conname FROM pg_constraint WHERE contype = 'u'")).scalars())
    assert large_demo.lots == SCALED_DOWN_LOTS
    assert 2.7 <= large_demo.genealogy_edges / finished <= 3.8  # ≈ 3 M edges for 1 M lots
    assert 0.12 * finished <= hub_uses <= 0.2 * finished  # the hub: ~150 k of ~900 k finished lots
    assert 0.8 * SCALED_DOWN_LOTS <= shipments <= 1.2 * SCALED_DOWN_LOTS  # ≈ 1 M shipments
    assert 0.15 * shipments <= tier_two <= 0.35 * shipments
    assert customers == SCALED_DOWN_LOTS // 200 and statuses == {s.value for s in LotStatus}
    assert indexes == {ix.name for ix in Movement.__table__.indexes} | {"pk_movement"}
    assert {"uq_lot_product_id_lot_no", "uq_genealogy_edge_finished_lot_id_component_lot_id",
                             "uq_serial_unit_lot_id_serial", "uq_deviation_number"} <= uniques


def test_the_stock_trigger_is_active_again_after_the_bulk_load(
    committed: Database, large_demo: SeedSummary
) -> None:
    with committed.engine.connect() as conn:
        assert _scalar(conn, "SHOW session_replication_role") == "origin"
        lot_id, site_id, on_hand = conn.execute(text(
            "SELECT s.lot_id, s.party_id, s.quantity FROM stock_on_hand s JOIN party p ON p.id = s.party_id "
            "WHERE p.kind = 'manufacturer' AND s.quantity > 0 ORDER BY s.lot_id DESC LIMIT 1"
        )).one()
        hospital = _scalar(conn, "SELECT id FROM party WHERE kind = 'hospital' LIMIT 1")
    uow = UnitOfWork.for_engine(committed.engine)
    with pytest.raises(StockWouldGoNegative), uow:
        uow.session.add(Movement(kind=MovementKind.SHIP, lot_id=lot_id, quantity=on_hand + 1,
                                 from_party_id=site_id, to_party_id=hospital, moved_on=dt.date.today()))  # noqa: DTZ011
        uow.session.flush()
