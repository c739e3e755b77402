"""Forward and backward traces against a real database, checked against answers worked out by hand.

The scenario is drawn in tests/integration/trace_scenario.py; every expected number below was
computed on paper from that drawing, not by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.cli import main
from app.config import AppPaths
from app.db.embedded import EmbeddedServer
from app.db.engine import open_embedded
from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound
from app.models import Movement
from app.models.enums import MovementKind
from app.services.trace import TraceResult, iter_consignees, lots_received_by, trace_lot
from tests.factories import consume, make_lot, make_product, move
from tests.integration.trace_scenario import TraceScenario, build_trace_scenario

# (party, lot, tier, shipped, returned, on hand), in the order the trace lists them:
# tier, then party code, then DI (needle < syringe < infusion < kit, as the products were created), lot.
FORWARD_N001 = [
    ("DIS-BJ", "I-201", 1, 800, 100, 400),  # 800 in, 300 on to HOS-A, 100 back to us
    ("DIS-SH", "S-101", 1, 1_000, 0, 350),  # 1,000 + 50 returned by HOS-B − 400 − 200 − 100
    ("DIS-SH", "K-301", 1, 200, 0, 200),
    ("HOS-C", "N-001", 1, 500, 0, 500),  # spare parts: the needle lot itself
    ("HOS-C", "S-101", 1, 300, 0, 300),
    ("DIS-WX", "S-101", 2, 100, 0, 40),  # 100 in, 60 on to HOS-F
    ("HOS-A", "S-101", 2, 400, 0, 250),  # 150 used (installed)
    ("HOS-A", "I-201", 2, 300, 0, 300),
    ("HOS-B", "S-101", 2, 200, 50, 150),
    ("HOS-F", "S-101", 3, 60, 0, 60),
]


@pytest.fixture
def scenario(session: Session) -> TraceScenario:
    return build_trace_scenario(session)


def lines(result: TraceResult) -> list[tuple[str, str, int, int, int, int]]:
    return [(c.party_code, c.lot_no, c.tier, c.shipped, c.returned, c.on_hand) for c in result.consignees]


@pytest.mark.clause("ISO 13485 7.5.9")
@pytest.mark.clause("条例 第四十五条")
@pytest.mark.clause("NMPA 召回管理办法")
def test_forward_from_a_component_lot_finds_every_finished_lot_and_every_consignee_at_every_tier(
    uow: UnitOfWork, scenario: TraceScenario
) -> None:
    result = trace_lot(uow, direction="forward", lot_no="N-001")

    assert [(lot.lot_no, lot.relation, lot.quantity_in_scope) for lot in result.lots] == [
        ("N-001", "start", 10_000), ("S-101", "finished", 4_000), ("I-201", "finished", 2_000),
        ("K-301", "finished", 500),  # through S-101: genealogy is followed recursively
    ]
    assert lines(result) == FORWARD_N001
    assert result.summary.lots == 4
    assert result.summary.consignees == 7
    assert result.summary.consignee_lines == 10
    assert result.summary.shipped == 1_000 + 300 + 500 + 800 + 200  # by our site to tier 1
    assert result.summary.returned == 100  # DIS-BJ → SITE-SZ; HOS-B's 50 went to DIS-SH, not to us
    assert result.summary.on_hand == 350 + 200 + 500 + 300 + 400 + 40 + 250 + 300 + 150 + 60
    assert result.truncated is False


def test_a_consignee_that_received_only_an_unaffected_lot_of_the_affected_product_is_not_listed(
    uow: UnitOfWork, scenario: TraceScenario
) -> None:
    result = trace_lot(uow, direction="forward", lot_no="N-001")
    parties = {c.party_code for c in result.consignees}
    assert "HOS-D" not in parties  # received syringes, but only lot S-102 (needles N-002)
    assert ("DIS-BJ", "S-102") not in {(c.party_code, c.lot_no) for c in result.consignees}
    assert not any(code.startswith("SITE") for code in parties)  # our own sites are never consignees


def test_the_shared_resin_lot_brings_the_other_syringe_lot_and_its_consignees_into_scope(
    uow: UnitOfWork, scenario: TraceScenario
) -> None:
    result = trace_lot(uow, direction="forward", lot_no="R-001")
    assert {lot.lot_no for lot in result.lots} == {"R-001", "S-101", "S-102", "K-301"}
    assert ("DIS-BJ", "S-102", 1, 1_000, 0, 600) in lines(result)
    assert ("HOS-D", "S-102", 2, 400, 0, 400) in lines(result)
    assert not {"I-201", "N-001"} & {c.lot_no for c in result.consignees}


def test_on_hand_of_every_consignee_line_agrees_with_the_stock_view(
    uow: UnitOfWork, session: Session, scenario: TraceScenario
) -> None:
    result = trace_lot(uow, direction="forward", lot_no="N-001")
    for c in result.consignees:
        stock = session.execute(
            text("SELECT quantity FROM stock_on_hand WHERE lot_id = :lot AND party_id = :party"),
            {"lot": scenario.lots[c.lot_no].id, "party": scenario.parties[c.party_code].id},
        ).scalar_one()
        assert stock == c.on_hand, c


def test_forward_edges_are_the_genealogy_and_the_shipments_walked(
    uow: UnitOfWork, scenario: TraceScenario
) -> None:
    document = trace_lot(uow, direction="forward", lot_no="N-001").as_json()
    genealogy = {(e["component"]["lot"], e["finished"]["lot"], e["quantity"])
                 for e in document["edges"] if e["type"] == "genealogy"}
    assert genealogy == {("N-001", "S-101", 4_000), ("N-001", "I-201", 2_000), ("S-101", "K-301", 500)}
    moves = [(e["type"], e["lot"], e["from"], e["to"], e["quantity"]) for e in document["edges"]
             if e["type"] != "genealogy"]
    assert len(moves) == 13  # S-101: 7 ship + 1 return; I-201: 2 ship + 1 return; K-301: 1; N-001: 1
    assert ("ship", "N-001", "SITE-SZ", "HOS-C", 500) in moves
    assert ("return", "S-101", "HOS-B", "DIS-SH", 50) in moves
    assert not [m for m in moves if m[1] == "S-102"]


def test_forward_for_one_serial_follows_only_the_movements_of_that_serial(
    uow: UnitOfWork, scenario: TraceScenario
) -> None:
    one = trace_lot(uow, direction="forward", lot_no="P-401", serial="SN-1")
    assert one.lots[0].quantity_in_scope == 1
    assert lines(one) == [("DIS-SH", "P-401", 1, 1, 0, 0), ("HOS-A", "P-401", 2, 1, 0, 1)]

    whole = trace_lot(uow, direction="forward", lot_no="P-401")
    assert lines(whole) == [("DIS-SH", "P-401", 1, 1, 0, 0), ("HOS-C", "P-401", 1, 1, 0, 1),
                            ("HOS-A", "P-401", 2, 1, 0, 1)]


@pytest.mark.clause("ISO 13485 7.5.9")
@pytest.mark.clause("条例 第四十五条")
def test_backward_finds_component_lots_recursively_with_their_suppliers(
    uow: UnitOfWork, scenario: TraceScenario
) -> None:
    result = trace_lot(uow, direction="backward", lot_no="K-301")
    assert [(lot.lot_no, lot.relation, lot.quantity_in_scope, lot.quantity_used) for lot in result.lots] == [
        ("K-301", "start", 500, None),
        ("N-001", "component", 10_000, 4_000),
        ("R-001", "component", 500, 40),
        ("S-101", "component", 4_000, 500),
    ]
    assert [(s.party_code, s.lot_no, s.received) for s in result.suppliers] == [
        ("SUP-NDL", "N-001", 10_000), ("SUP-RES", "R-001", 500),
    ]
    assert result.consignees == ()
    genealogy = {(g.component_lot, g.finished_lot, g.quantity) for g in result.genealogy}
    assert genealogy == {("S-101", "K-301", 500), ("N-001", "S-101", 4_000), ("R-001", "S-101", 40)}
    assert {(m.kind, m.lot_no) for m in result.movements} == {
        ("receive", "N-001"), ("receive", "R-001"), ("produce", "S-101"), ("produce", "K-301"),
    }


def test_backward_from_a_consignee_lists_the_lots_it_received(uow: UnitOfWork, scenario: TraceScenario) -> None:
    received = lots_received_by(uow, party_code="HOS-A")
    assert [(r.lot_no, r.received, r.returned, r.on_hand) for r in received] == [
        ("S-101", 400, 0, 250), ("I-201", 300, 0, 300), ("P-401", 1, 0, 1),
    ]


def test_counting_only_gives_the_same_totals_without_the_rows(uow: UnitOfWork, scenario: TraceScenario) -> None:
    full = trace_lot(uow, direction="forward", lot_no="N-001")
    counted = trace_lot(uow, direction="forward", lot_no="N-001", count_only=True)
    assert counted.summary == full.summary
    assert counted.consignees == ()


def test_a_detail_limit_cuts_the_lists_but_the_summary_still_counts_everything(
    uow: UnitOfWork, scenario: TraceScenario
) -> None:
    capped = trace_lot(uow, direction="forward", lot_no="N-001", detail_limit=3)
    assert capped.truncated is True
    assert lines(capped) == FORWARD_N001[:3]
    assert len(capped.lots) == 3 and len(capped.movements) == 3
    assert capped.summary.consignee_lines == 10 and capped.summary.on_hand == 2_550


def test_streamed_consignees_are_the_same_lines_as_the_trace(uow: UnitOfWork, scenario: TraceScenario) -> None:
    streamed = [(c.party_code, c.lot_no, c.tier, c.shipped, c.returned, c.on_hand)
                for c in iter_consignees(uow, lot_no="N-001", batch_size=3)]
    assert streamed == FORWARD_N001


def test_stock_passed_round_in_a_circle_ends_the_walk_at_the_lowest_tier(
    uow: UnitOfWork, session: Session, scenario: TraceScenario
) -> None:
    move(session, MovementKind.SHIP, scenario.lots["S-101"], 10,
         source=scenario.parties["DIS-WX"], dest=scenario.parties["DIS-SH"])
    result = trace_lot(uow, direction="forward", lot_no="S-101")
    by_party = {(c.party_code, c.lot_no): c for c in result.consignees}
    assert by_party[("DIS-SH", "S-101")].tier == 1
    assert by_party[("DIS-SH", "S-101")].shipped == 1_010
    assert by_party[("HOS-F", "S-101")].tier == 3


def test_a_genealogy_cycle_in_bad_data_does_not_hang_the_trace(
    uow: UnitOfWork, session: Session, scenario: TraceScenario
) -> None:
    site = scenario.parties["SITE-SZ"]
    first, second = make_lot(session, lot_no="CYC-1"), make_lot(session, lot_no="CYC-2")
    for lot in (first, second):
        session.add(Movement(kind=MovementKind.PRODUCE, lot_id=lot.id, quantity=100, to_party_id=site.id,
                             moved_on=scenario.lots["S-101"].production_date, document_no="PR-CYC"))
    session.flush()
    consume(session, second, first, 10, site)
    consume(session, first, second, 10, site)
    forward = trace_lot(uow, direction="forward", lot_no="CYC-1")
    backward = trace_lot(uow, direction="backward", lot_no="CYC-1")
    assert {lot.lot_no for lot in forward.lots} == {"CYC-1", "CYC-2"}
    assert {lot.lot_no for lot in backward.lots} == {"CYC-1", "CYC-2"}


def test_a_lot_number_used_by_two_products_needs_the_di(
    uow: UnitOfWork, session: Session, scenario: TraceScenario
) -> None:
    make_lot(session, make_product(session), lot_no="S-101")
    with pytest.raises(InvalidInput, match="2 products"):
        trace_lot(uow, direction="forward", lot_no="S-101")
    result = trace_lot(uow, direction="forward", lot_no="S-101", di=scenario.syringe.di)
    assert result.start.di == scenario.syringe.di


def test_an_unknown_lot_or_serial_is_reported_as_not_found(uow: UnitOfWork, scenario: TraceScenario) -> None:
    with pytest.raises(NotFound, match="no lot X-999"):
        trace_lot(uow, direction="forward", lot_no="X-999")
    with pytest.raises(NotFound, match="no serial unit SN-9"):
        trace_lot(uow, direction="forward", lot_no="P-401", serial="SN-9")
    with pytest.raises(InvalidInput):
        trace_lot(uow, direction="sideways", lot_no="N-001")


def test_the_trace_command_prints_the_documented_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "home")
    assert main(["db", "upgrade", "--home", home]) == 0
    database = open_embedded(AppPaths.resolve(home))
    try:
        with Session(database.engine, expire_on_commit=False) as session:
            scenario = build_trace_scenario(session)
            session.commit()
        capsys.readouterr()
        assert main(["trace", "forward", "--lot", "N-001", "--json", "--home", home]) == 0
        forward = json.loads(capsys.readouterr().out)
        assert main(["trace", "backward", "--lot", "K-301", "--di", scenario.kit.di, "--json", "--home", home]) == 0
        backward = json.loads(capsys.readouterr().out)
        assert main(["trace", "forward", "--lot", "P-401", "--serial", "SN-1", "--home", home]) == 0
        human = capsys.readouterr().out
    finally:
        database.close(stop_server=False)
        EmbeddedServer(AppPaths.resolve(home).pgdata).stop()

    assert forward["direction"] == "forward"
    assert forward["start"]["lot"] == "N-001" and forward["start"]["di"] == scenario.needle.di
    assert {"start", "lots", "consignees", "edges"} <= forward.keys()
    assert forward["lots"][0] == {"di": scenario.needle.di, "lot": "N-001", "relation": "start",
                                  "quantity_in_scope": 10_000, "product": "注射针", "status": "quarantine"}
    assert set(forward["consignees"][0]) == {"party", "name", "kind", "tier", "di", "lot", "shipped", "returned",
                                            "on_hand"}
    assert forward["consignees"][0] == {
        "party": "DIS-BJ", "name": "北京安信医疗器械有限公司", "kind": "distributor", "tier": 1,
        "di": scenario.infusion.di, "lot": "I-201", "shipped": 800, "returned": 100, "on_hand": 400,
    }
    assert [[c["party"], c["lot"], c["tier"], c["shipped"], c["returned"], c["on_hand"]]
            for c in forward["consignees"]] == [list(line) for line in FORWARD_N001]
    assert len(forward["edges"]) == 3 + 13

    assert backward["direction"] == "backward"
    assert [(lot["lot"], lot["relation"]) for lot in backward["lots"]] == [
        ("K-301", "start"), ("N-001", "component"), ("R-001", "component"), ("S-101", "component")]
    assert backward["consignees"] == []
    assert {(e["type"], e.get("lot") or e["component"]["lot"]) for e in backward["edges"]} >= {
        ("receive", "N-001"), ("receive", "R-001"), ("genealogy", "S-101")}

    assert "serial SN-1" in human and "HOS-A" in human and "HOS-C" not in human


class _Stop(Exception):
    """Raised by the test's checkpoint, as the GUI's Cancel raises Cancelled."""


def test_a_checkpoint_that_raises_stops_the_trace_between_phases(uow: UnitOfWork, scenario: TraceScenario) -> None:
    calls: list[int] = []

    def checkpoint() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise _Stop

    with pytest.raises(_Stop):
        trace_lot(uow, direction="forward", lot_no="N-001", checkpoint=checkpoint)
    assert len(calls) == 2
