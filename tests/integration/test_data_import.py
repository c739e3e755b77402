"""Imports against the real database: all or nothing, every bad row reported, stock checked in file order."""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import psycopg
import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from app.cli import main
from app.config import AppPaths
from app.db.embedded import EmbeddedServer
from app.db.engine import Database
from app.errors import DatabaseUnavailable, InvalidInput
from app.models import GenealogyEdge, Lot, Movement, Party, Product
from app.models.enums import Agency, LotStatus, MovementKind, PartyKind
from app.services.data_import import import_file, write_template
from tests.conftest import Person
from tests.factories import gtin14, make_lot, make_party, make_product, move

SYRINGE = gtin14("0697543200101")
NEEDLE = gtin14("0697543200102")


def write_sheet(path: Path, rows: Sequence[Sequence[object]], *, encoding: str = "utf-8-sig") -> Path:
    """A file as a person would save it: .xlsx from Excel, or .csv (UTF-8 with BOM unless told)."""
    if path.suffix == ".xlsx":
        workbook = openpyxl.Workbook()
        for row in rows:
            workbook.active.append(list(row))
        workbook.save(path)
    else:
        with path.open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle).writerows([["" if v is None else v for v in row] for row in rows])
    return path


def count(engine: object, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


@dataclass(frozen=True)
class World:
    engine: object
    site: str
    distributor: str
    hospital: str


@pytest.fixture
def world(committed: Database) -> World:
    """Two products, our site, a distributor and a hospital, committed."""
    with Session(committed.engine) as session:
        make_product(session, di=SYRINGE, name="一次性使用无菌注射器")
        make_product(session, di=NEEDLE, name="针管", shelf_life_days=1825)
        make_party(session, PartyKind.MANUFACTURER, code="MFG-SZ")
        make_party(session, PartyKind.DISTRIBUTOR, code="DST-001")
        make_party(session, PartyKind.HOSPITAL, code="HSP-001")
        session.commit()
    return World(committed.engine, "MFG-SZ", "DST-001", "HSP-001")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_every_kind_imports_from_xlsx_and_from_csv(committed: Database, tmp_path: Path, suffix: str) -> None:
    engine = committed.engine
    products = write_sheet(tmp_path / f"products{suffix}", [
        ["agency", "di", "name", "model", "registration_no", "risk_class", "implantable", "shelf_life_days",
         "alert_days", "name_en"],
        ["GS1", SYRINGE[1:], "一次性使用无菌注射器", "5 mL", "国械注准20243150001", "III", "否", 730,
         "180;90;30;7", "Syringe"],
        ["GS1", NEEDLE, "针管", "0.7×32 mm", "", "II", "no", 1825, "90;30", ""],
        ["HIBCC", "H629IOL20001", "人工晶状体", "+20.0 D", "国械注准20213160193", "3", "是", 1825, "365;180", ""],
    ])
    parties = write_sheet(tmp_path / f"parties{suffix}", [
        ["code", "name", "kind", "address", "contact", "phone", "licence_no"],
        ["MFG-SZ", "苏州工厂", "manufacturer", "苏州工业园区", "王敏", "0512-66660000", ""],
        ["DST-001", "江苏康达医疗器械有限公司", "经营企业", "", "", "", "苏食药监械经营许20230001号"],
        ["HSP-001", "苏州市立医院", "Hospital", "", "", "", ""],
    ])
    lots = write_sheet(tmp_path / f"lots{suffix}", [
        ["DI", "Lot", "Production Date", "Expiry_Date", "QUANTITY", "status"],
        [SYRINGE, "2601001", dt.date(2026, 1, 10) if suffix == ".xlsx" else "2026-01-10", "2028-01-09", 1000, ""],
        [NEEDLE, "C2512007", "2025-12-01", "2030-11-30", 5000, "on_hold"],
        ["+H629IOL20001", "IOL-001", "2026-01-05", "2031-01-04", 10, "quarantine"],
    ])
    movements = write_sheet(tmp_path / f"movements{suffix}", [
        ["date", "type", "di", "lot", "serial", "quantity", "from_party", "to_party", "document_no"],
        ["2026-01-10", "produce", SYRINGE, "2601001", "", 1000, "", "MFG-SZ", "WO-1"],
        ["2026-01-02", "receive", NEEDLE, "C2512007", "", 3000, "DST-001", "MFG-SZ", "PO-7"],
        ["2026-02-01", "ship", SYRINGE, "2601001", "", 400, "MFG-SZ", "DST-001", "SO-1"],
        ["2026-02-03", "发货", SYRINGE, "2601001", "", 100, "DST-001", "HSP-001", "SO-2"],
        ["2026-02-09", "install", SYRINGE, "2601001", "", 5, "HSP-001", "", ""],
        ["2026-01-20", "produce", "+H629IOL20001", "IOL-001", "SN0001", 1, "", "MFG-SZ", ""],
    ])
    genealogy = write_sheet(tmp_path / f"genealogy{suffix}", [
        ["finished_di", "finished_lot", "component_di", "component_lot", "quantity"],
        [SYRINGE, "2601001", NEEDLE, "C2512007", 1000],
    ])

    results = [import_file(engine, kind=kind, path=path) for kind, path in (
        ("products", products), ("parties", parties), ("lots", lots), ("movements", movements),
        ("genealogy", genealogy))]

    assert [(r.ok, r.imported) for r in results] == [(True, 3), (True, 3), (True, 3), (True, 6), (True, 1)], [
        r.describe() for r in results]
    assert [(r.ok, r.imported) for r in results] == [(True, 3), (True, 3), (True, 3), (True, 6), (True, 1)]
    with Session(engine) as session:
        iol = session.scalars(select(Product).where(Product.agency == Agency.HIBCC)).one()
        assert (iol.di, iol.implantable, iol.alert_days, iol.risk_class.value) == ("+H629IOL20001", True,
                                                                                   [365, 180], "III")
        assert session.scalar(select(Product.di).where(Product.name_en == "Syringe")) == SYRINGE
        assert session.scalar(select(Party.kind).where(Party.code == "DST-001")) == PartyKind.DISTRIBUTOR
        statuses = dict(session.execute(select(Lot.lot_no, Lot.status)).all())
        assert statuses == {"2601001": LotStatus.QUARANTINE, "C2512007": LotStatus.ON_HOLD,
                            "IOL-001": LotStatus.QUARANTINE}
        edge = session.scalars(select(GenealogyEdge)).one()
        assert (edge.quantity, edge.site_id) == (1000, session.scalar(select(Party.id).where(
            Party.code == "MFG-SZ")))
        stock = dict(session.execute(text(
            "SELECT pa.code || ' ' || l.lot_no, s.quantity FROM stock_on_hand s JOIN party pa ON pa.id = s.party_id "
            "JOIN lot l ON l.id = s.lot_id")).all())
    assert stock == {"MFG-SZ 2601001": 600, "DST-001 2601001": 300, "HSP-001 2601001": 95,
                     "MFG-SZ C2512007": 2000, "MFG-SZ IOL-001": 1}


def test_a_file_with_several_bad_rows_reports_every_one_and_writes_nothing(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "lots.xlsx", [
        ["di", "lot", "production_date", "expiry_date", "quantity", "status"],
        [SYRINGE, "OK-1", "2026-01-10", "2028-01-09", 100, None],
        ["06975432001019", "BAD-GTIN", "2026-01-10", "2028-01-09", 100, None],
        [SYRINGE, "BACKWARDS", "2026-03-01", "2026-02-01", 100, None],
        [None, None, None, None, None, None],
        [SYRINGE, "BAD-DATE", "2026-02-30", "2028-01-09", 0, None],
        [gtin14("0697543209999"), "UNKNOWN-PRODUCT", "2026-01-10", "2028-01-09", 100, None],
        [SYRINGE, "OK-1", "2026-01-10", "2028-01-09", 100, None],
        [SYRINGE, "HELD", "2026-01-10", "2028-01-09", 100, "hold"],
    ])

    result = import_file(world.engine, kind="lots", path=path, errors_out=tmp_path / "errors.xlsx")

    assert not result.ok and result.imported == 0 and result.rows == 7
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "di"), (4, "expiry_date"), (6, "production_date"), (6, "quantity"), (7, "di"), (8, "lot"),
        (9, "status"),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "should end in 4" in messages[(3, "di")]
    assert messages[(8, "lot")] == f"Lot OK-1 of {SYRINGE} is already on row 2 of this file."
    assert messages[(9, "status")].startswith("“hold” is not allowed here: use one of quarantine, ")
    assert count(world.engine, Lot) == 0
    errors = openpyxl.load_workbook(tmp_path / "errors.xlsx").active
    rows = [[c.value for c in row] for row in errors.iter_rows()]
    assert rows[0] == ["di", "lot", "production_date", "expiry_date", "quantity", "status", "row", "error"]
    assert [row[6] for row in rows[1:]] == [3, 4, 6, 7, 8, 9]
    assert rows[3][1] == "BAD-DATE" and "production_date:" in rows[3][7] and "quantity:" in rows[3][7]
    assert "Row 6, quantity: 0 is too small" in result.describe()


def test_a_missing_required_column_is_named_before_any_row_is_read(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "lots.xlsx", [["产品标识", "批号", "数量"], [SYRINGE, "L1", 5]])

    result = import_file(world.engine, kind="lots", path=path)

    assert [(e.row, e.column) for e in result.errors] == [(1, "production_date"), (1, "expiry_date")]
    assert "required column production_date is missing" in result.errors[0].message


def test_shipments_may_draw_on_stock_produced_earlier_in_the_same_file(world: World, tmp_path: Path) -> None:
    with Session(world.engine) as session:
        lot_id = make_lot(session, session.scalar(select(Product).where(Product.di == SYRINGE)),
                          lot_no="2601001").id
        session.commit()
    header = ["date", "type", "di", "lot", "quantity", "from_party", "to_party"]
    produce = ["2026-01-10", "produce", SYRINGE, "2601001", 100, "", "MFG-SZ"]
    ship_60 = ["2026-02-01", "ship", SYRINGE, "2601001", 60, "MFG-SZ", "DST-001"]
    ship_50 = ["2026-02-02", "ship", SYRINGE, "2601001", 50, "MFG-SZ", "HSP-001"]
    return_10 = ["2026-02-03", "return", SYRINGE, "2601001", 10, "DST-001", "MFG-SZ"]

    too_much = import_file(world.engine, kind="movements",
                           path=write_sheet(tmp_path / "a.csv", [header, produce, ship_60, ship_50]))
    in_order = import_file(world.engine, kind="movements",
                           path=write_sheet(tmp_path / "b.csv", [header, produce, ship_60, return_10, ship_50]))

    assert [(e.row, e.column) for e in too_much.errors] == [(4, "quantity")]
    assert too_much.errors[0].message == (f"Only 40 unit(s) of lot 2601001 of {SYRINGE} are at MFG-SZ at this "
                                          "row; 50 cannot leave (stock cannot go below zero).")
    assert in_order.ok and in_order.imported == 4
    with Session(world.engine) as session:
        assert session.scalar(text("SELECT stock_at(:lot, (SELECT id FROM party WHERE code = 'MFG-SZ'))"),
                              {"lot": lot_id}) == 0


def test_movements_say_which_parties_their_type_needs(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "movements.xlsx", [
        ["date", "type", "di", "lot", "quantity", "from_party", "to_party"],
        ["2026-01-10", "produce", SYRINGE, "X", 1, "MFG-SZ", "DST-001"],
        ["2026-01-10", "ship", SYRINGE, "X", 1, "MFG-SZ", ""],
        ["2026-01-10", "scrap", SYRINGE, "X", 1, "MFG-SZ", "HSP-001"],
        ["2026-01-10", "adjust", SYRINGE, "X", 1, "", ""],
        ["2026-01-10", "move", SYRINGE, "X", 1, "MFG-SZ", "DST-001"],
        ["2026-01-10", "ship", SYRINGE, "X", 1, "MFG-SZ", "NOBODY"],
        ["2099-01-10", "ship", SYRINGE, "NO-SUCH-LOT", 1, "MFG-SZ", "DST-001"],
    ])

    result = import_file(world.engine, kind="movements", path=path)

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "from_party", "A produce movement needs to_party (the producing site) and no from_party."),
        (3, "to_party", "A ship movement needs from_party and to_party (the consignee)."),
        (4, "to_party", "A scrap movement needs from_party (where the stock is) and no to_party."),
        (5, "to_party", "An adjust movement needs exactly one of from_party (stock taken away) or to_party "
                        "(stock added)."),
        (6, "type", "“move” is not allowed here: use one of produce, receive, ship, return, install, scrap, "
                    "adjust."),
        (7, "lot", f"There is no lot X of {SYRINGE} in MedTrace: import it with the lots first."),
        (7, "to_party", "There is no party with code NOBODY in MedTrace: import it with the parties first."),
        (8, "lot", f"There is no lot NO-SUCH-LOT of {SYRINGE} in MedTrace: import it with the lots first."),
    ]


def test_a_gb18030_csv_from_chinese_excel_is_read_with_chinese_headers_and_said_so(
    world: World, tmp_path: Path
) -> None:
    path = write_sheet(tmp_path / "批次.csv", [
        ["产品标识", "批号", "生产日期", "失效日期", "数量", "备注"],
        [SYRINGE, "批2601", "2026/1/10", "2028/1/9", "1,000", "首批"],
    ], encoding="gb18030")
    assert path.read_bytes().decode("gb18030").startswith("产品标识")

    result = import_file(world.engine, kind="lots", path=path)

    assert result.ok, result.describe()
    assert result.encoding == "gb18030"
    assert "GB18030" in result.describe()
    assert "备注" in result.describe()  # the extra column is named as ignored
    with Session(world.engine) as session:
        lot = session.scalars(select(Lot)).one()
    assert (lot.lot_no, lot.production_date, lot.expiry_date, lot.quantity) == (
        "批2601", dt.date(2026, 1, 10), dt.date(2028, 1, 9), 1000)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_filled_in_template_imports_and_an_untouched_example_row_is_refused(
    world: World, tmp_path: Path, suffix: str
) -> None:
    template = write_template("parties", tmp_path / f"parties{suffix}")
    untouched = import_file(world.engine, kind="parties", path=template)
    if suffix == ".xlsx":
        workbook = openpyxl.load_workbook(template)
        assert workbook.sheetnames == ["parties", "说明 Instructions"]
        sheet = workbook["parties"]
        assert [c.value for c in sheet[1]] == ["code", "name", "kind", "address", "contact", "phone", "licence_no"]
        assert any("manufacturer,supplier,distributor,hospital" in v.formula1
                   for v in sheet.data_validations.dataValidation)
        sheet.delete_rows(2)
        sheet.append(["SUP-010", "宁波针管厂", "供应商", "宁波", None, None, None])
        sheet.append(["HSP-010", "苏州大学附属第一医院", "hospital", None, None, None, None])
        workbook.save(template)
    else:
        lines = template.read_text(encoding="utf-8-sig").splitlines()
        template.write_text("\n".join([lines[0], "SUP-010,宁波针管厂,供应商,宁波,,,",
                                       "HSP-010,苏州大学附属第一医院,hospital,,,,"]), encoding="utf-8-sig")

    filled = import_file(world.engine, kind="parties", path=template)

    assert [(e.row, e.message) for e in untouched.errors] == [
        (2, "This is the example row of the template: replace it with your own data or delete it.")]
    assert filled.ok and filled.imported == 2
    with Session(world.engine) as session:
        assert session.scalar(select(Party.kind).where(Party.code == "SUP-010")) == PartyKind.SUPPLIER


def test_existing_records_are_never_overwritten_by_an_import(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "products.csv", [
        ["agency", "di", "name", "risk_class", "shelf_life_days"],
        ["GS1", SYRINGE, "改名的注射器", "III", 730],
    ])

    result = import_file(world.engine, kind="products", path=path)

    assert [(e.row, e.column) for e in result.errors] == [(2, "di")]
    assert "already exists" in result.errors[0].message
    with Session(world.engine) as session:
        assert session.scalar(select(Product.name).where(Product.di == SYRINGE)) == "一次性使用无菌注射器"


def test_genealogy_without_a_site_needs_the_finished_lot_to_say_where_it_was_made(
    world: World, tmp_path: Path
) -> None:
    with Session(world.engine) as session:
        syringe = session.scalar(select(Product).where(Product.di == SYRINGE))
        needle = session.scalar(select(Product).where(Product.di == NEEDLE))
        make_lot(session, syringe, lot_no="F1")
        component = make_lot(session, needle, lot_no="C1")
        site = session.scalar(select(Party).where(Party.code == "MFG-SZ"))
        move(session, MovementKind.RECEIVE, component, 500, source=session.scalar(
            select(Party).where(Party.code == "DST-001")), dest=site)
        session.commit()
    header = ["finished_di", "finished_lot", "component_di", "component_lot", "quantity", "site"]

    no_site = import_file(world.engine, kind="genealogy", path=write_sheet(
        tmp_path / "g1.csv", [header, [SYRINGE, "F1", NEEDLE, "C1", 100, ""]]))
    too_much = import_file(world.engine, kind="genealogy", path=write_sheet(
        tmp_path / "g2.csv", [header, [SYRINGE, "F1", NEEDLE, "C1", 501, "MFG-SZ"]]))
    fine = import_file(world.engine, kind="genealogy", path=write_sheet(
        tmp_path / "g3.csv", [header, [SYRINGE, "F1", NEEDLE, "C1", 500, "MFG-SZ"]]))

    assert [(e.row, e.column) for e in no_site.errors] == [(2, "site")]
    assert "has no produce movement" in no_site.errors[0].message
    assert [(e.row, e.column) for e in too_much.errors] == [(2, "quantity")]
    assert fine.ok and count(world.engine, GenealogyEdge) == 1


def test_a_database_refusal_while_writing_names_the_row(world: World, tmp_path: Path) -> None:
    """Someone ships the last units between our check and our write: the trigger refuses, the row is named."""
    with Session(world.engine) as session:
        lot = make_lot(session, session.scalar(select(Product).where(Product.di == SYRINGE)), lot_no="RACE")
        site = session.scalar(select(Party).where(Party.code == "MFG-SZ"))
        move(session, MovementKind.PRODUCE, lot, 100, dest=site)
        lot_id, site_id = lot.id, site.id
        session.commit()
    path = write_sheet(tmp_path / "m.csv", [
        ["date", "type", "di", "lot", "quantity", "from_party", "to_party"],
        ["2026-02-01", "scrap", SYRINGE, "RACE", 10, "MFG-SZ", ""],
        ["2026-02-01", "ship", SYRINGE, "RACE", 80, "MFG-SZ", "DST-001"],
    ])

    def someone_else_ships(_done: int, _total: int, phase: str) -> None:
        if phase == "write" and _done == 0:
            with world.engine.begin() as other:
                other.execute(text("INSERT INTO movement (kind, lot_id, quantity, from_party_id, moved_on) "
                                   "VALUES ('install', :lot, 50, :site, DATE '2026-02-01')"),
                              {"lot": lot_id, "site": site_id})

    result = import_file(world.engine, kind="movements", path=path, progress=someone_else_ships)

    assert [(e.row, e.column) for e in result.errors] == [(3, "quantity")]
    assert "stock cannot go below zero" in result.errors[0].message
    assert count(world.engine, Movement) == 2  # the produce and the other workstation's install


def test_a_connection_lost_mid_import_leaves_the_database_unchanged(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "parties.csv", [
        ["code", "name", "kind"], *([f"P{i:03d}", f"单位 {i}", "hospital"] for i in range(50))])
    before = count(world.engine, Party)
    killed = threading.Event()

    def pull_the_plug(_done: int, _total: int, phase: str) -> None:
        if phase == "write" and not killed.is_set():
            with world.engine.connect() as other:
                pids = other.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE state = 'idle in transaction' AND pid <> pg_backend_pid()")).scalars().all()
            assert pids == [True]
            killed.set()

    with pytest.raises(DatabaseUnavailable, match="connection to the database was lost"):
        import_file(world.engine, kind="parties", path=path, progress=pull_the_plug)

    assert killed.is_set()
    assert count(world.engine, Party) == before


# -- as a person signed in with MFA (the application's path) ------------------------------------


@pytest.fixture
def warehouse_engine(world: World, make_person: Callable[..., Person]) -> Iterator[tuple[Engine, str]]:
    """An engine whose one connection is a warehouse person's, verified with TOTP (row-level security on)."""
    person = make_person("warehouse")

    def verified() -> psycopg.Connection:
        connection = person.verified_connection()
        connection.autocommit = False
        return connection

    engine = create_engine("postgresql+psycopg://", creator=verified, poolclass=StaticPool)
    yield engine, person.login
    engine.dispose()


def test_a_person_imports_lots_and_movements_under_row_level_security(
    warehouse_engine: tuple[Engine, str], world: World, tmp_path: Path
) -> None:
    engine, login = warehouse_engine
    lots = write_sheet(tmp_path / "lots.csv", [
        ["di", "lot", "production_date", "expiry_date", "quantity", "status"],
        [SYRINGE, "P1", "2026-01-10", "2028-01-09", 100, "quarantine"],
        [SYRINGE, "P2", "2026-01-10", "2028-01-09", 100, "released"],
    ])
    quarantined = write_sheet(tmp_path / "lots2.csv", [
        ["di", "lot", "production_date", "expiry_date", "quantity"], [SYRINGE, "P1", "2026-01-10", "2028-01-09", 100]])
    movements = write_sheet(tmp_path / "movements.csv", [
        ["date", "type", "di", "lot", "quantity", "from_party", "to_party"],
        ["2026-01-10", "produce", SYRINGE, "P1", 100, "", "MFG-SZ"],
        ["2026-01-11", "scrap", SYRINGE, "P1", 30, "MFG-SZ", ""],  # a quarantined lot may not be shipped
    ])

    refused = import_file(engine, kind="lots", path=lots)
    accepted = [import_file(engine, kind=kind, path=path)
                for kind, path in (("lots", quarantined), ("movements", movements))]

    assert [(e.row, e.column) for e in refused.errors] == [(3, "status")]
    assert refused.errors[0].message.startswith("A new lot starts in quarantine, not released")
    assert [(r.ok, r.imported) for r in accepted] == [(True, 1), (True, 2)], [r.describe() for r in accepted]
    with Session(world.engine) as session:
        assert session.execute(select(Movement.created_by)).scalars().all() == [login, login]


def test_the_database_administrator_may_migrate_historical_lot_statuses(world: World, tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "lots.csv", [
        ["di", "lot", "production_date", "expiry_date", "quantity", "status"],
        [SYRINGE, "H1", "2020-01-10", "2022-01-09", 100, "已过期"],
        [SYRINGE, "H2", "2024-01-10", "2026-01-09", 100, "released"],
    ])

    result = import_file(world.engine, kind="lots", path=path)

    assert result.ok, result.describe()
    assert "2 lot(s) were given a status other than quarantine" in result.describe()
    with Session(world.engine) as session:
        assert dict(session.execute(select(Lot.lot_no, Lot.status)).all()) == {
            "H1": LotStatus.EXPIRED, "H2": LotStatus.RELEASED}


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second, independent workstation home with its own embedded server, stopped afterwards."""
    home = str(tmp_path_factory.mktemp("cli-home"))
    assert main(["db", "upgrade", "--home", home]) == 0
    yield home
    EmbeddedServer(AppPaths.resolve(home).pgdata).stop()


def test_the_import_command_exits_0_or_2_and_prints_one_json_document(
    cli_home: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    products = write_sheet(tmp_path / "products.csv", [
        ["agency", "di", "name", "risk_class", "shelf_life_days"], ["GS1", SYRINGE, "注射器", "III", 730]])
    good = write_sheet(tmp_path / "good.xlsx", [
        ["di", "lot", "production_date", "expiry_date", "quantity"], [SYRINGE, "L1", "2026-01-10", "2028-01-09", 5]])
    bad = write_sheet(tmp_path / "bad.xlsx", [
        ["di", "lot", "production_date", "expiry_date", "quantity"], [SYRINGE, "L2", "2026-01-10", "2025-01-09", 5]])
    capsys.readouterr()

    assert main(["import", "products", str(products), "--home", cli_home]) == 0
    assert "Imported 1 products" in capsys.readouterr().out
    assert main(["import", "lots", str(bad), "--json", "--home", cli_home,
                 "--errors-out", str(tmp_path / "e.xlsx")]) == 2
    refused = json.loads(capsys.readouterr().out)
    assert main(["import", "lots", str(good), "--json", "--home", cli_home]) == 0
    accepted = json.loads(capsys.readouterr().out)

    assert refused["ok"] is False and refused["imported"] == 0 and refused["error_count"] == 1
    assert refused["errors"] == [{"row": 2, "column": "expiry_date",
                                  "message": "The expiry date 2025-01-09 is before the production date 2026-01-10.",
                                  "message_id": "import.expiry_before_production",
                                  "params": {"expiry": "2025-01-09", "production": "2026-01-10"}}]
    assert refused["errors_file"] == str(tmp_path / "e.xlsx") and (tmp_path / "e.xlsx").is_file()
    assert {k: accepted[k] for k in ("ok", "kind", "rows", "imported", "errors")} == {
        "ok": True, "kind": "lots", "rows": 1, "imported": 1, "errors": []}
    assert set(accepted["seconds"]) == {"parse", "validate", "write", "total"}


@pytest.fixture
def chinese(request: pytest.FixtureRequest) -> None:
    """The CLI's --language zh_CN sets the process's message language; every test after this one reads English."""
    from app import messages

    request.addfinalizer(lambda: messages.set_language("en"))


def test_the_import_command_in_chinese_shows_row_errors_in_chinese_and_keeps_the_json_english(
    cli_home: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], chinese: None
) -> None:
    bad = write_sheet(tmp_path / "bad.xlsx", [
        ["di", "lot", "production_date", "expiry_date", "quantity"], [SYRINGE, "L2", "2026-01-10", "2026-02-30", 5]])
    capsys.readouterr()

    assert main(["--language", "zh_CN", "import", "lots", str(bad), "--home", cli_home]) == 2
    out = capsys.readouterr().out
    assert "第 2 行，expiry_date：“2026-02-30” 不是日历上存在的日期。" in out and "未导入任何内容" in out
    assert main(["--language", "zh_CN", "import", "lots", str(bad), "--json", "--home", cli_home]) == 2
    document = json.loads(capsys.readouterr().out)
    assert document["errors"][0]["message"] == "“2026-02-30” is not a day of the calendar."
    assert document["errors"][0]["message_id"] == "import.not_a_calendar_day"


def test_the_template_command_writes_the_kind_and_format_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "lots-template.xlsx"

    assert main(["import", "template", "lots", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"kind": "lots", "file": str(out)}
    assert [c.value for c in openpyxl.load_workbook(out)["lots"][1]] == [
        "di", "lot", "production_date", "expiry_date", "quantity", "status"]
    assert main(["import", "template", "lots", "--out", str(tmp_path / "lots.txt")]) == 2
    assert ".xlsx or .csv" in capsys.readouterr().err


def test_an_unreadable_file_is_refused_with_the_reason(world: World, tmp_path: Path) -> None:
    not_a_workbook = tmp_path / "lots.xlsx"
    not_a_workbook.write_text("hello")
    semicolons = tmp_path / "lots.csv"
    semicolons.write_text("di;lot;production_date\n1;2;3\n", encoding="utf-8")

    with pytest.raises(InvalidInput, match="cannot be read as an Excel workbook"):
        import_file(world.engine, kind="lots", path=not_a_workbook)
    with pytest.raises(InvalidInput, match="separates its columns with semicolons"):
        import_file(world.engine, kind="lots", path=semicolons)
    assert count(world.engine, Lot) == 0
