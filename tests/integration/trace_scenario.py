"""A small supply chain whose trace answers can be worked out by hand (tests of app/services/trace.py).

    suppliers            our site SITE-SZ (and SITE-CZ)           distribution
    SUP-NDL ─N-001 10,000─┐
    SUP-NDL ─N-002  5,000─┤  N-001 ─4,000→ S-101 (syringe, 4,000) ─500→ K-301 (kit, 500)
    SUP-RES ─R-001    500─┘  R-001 ────40→ S-101
                             N-002 ─3,000→ S-102 (syringe, 3,000)   ← same product as S-101, unaffected by N-001
                             R-001 ────30→ S-102
                             N-001 ─2,000→ I-201 (infusion set, 2,000)
                             P-401 (implant, serials SN-1..SN-3)

    S-101: SITE-SZ ─1,000→ DIS-SH ─400→ HOS-A (uses 150)
                                   ─200→ HOS-B ─return 50→ DIS-SH
                                   ─100→ DIS-WX ─60→ HOS-F          (tier 3)
           SITE-SZ ───300→ HOS-C
    I-201: SITE-SZ ───800→ DIS-BJ ─300→ HOS-A;  DIS-BJ ─return 100→ SITE-SZ
    K-301: SITE-SZ ───200→ DIS-SH
    N-001: SITE-SZ ───500→ HOS-C                                    (spare parts: the component itself)
    S-102: SITE-SZ ─1,000→ DIS-BJ ─400→ HOS-D                       (HOS-D never saw an N-001 unit)
    P-401: SITE-SZ ─SN-1→ DIS-SH ─SN-1→ HOS-A;  SITE-SZ ─SN-2→ HOS-C
    SITE-SZ ─transfer 100 of S-101→ SITE-CZ                         (between our sites: no consignee)

Every movement goes through the database's own stock rule (no location ever goes negative).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Lot, Movement, Party, Product, SerialUnit
from app.models.enums import MovementKind, PartyKind
from tests.factories import consume, make_lot, make_party, make_product

SHIP, RETURN, RECEIVE, PRODUCE, INSTALL = (
    MovementKind.SHIP, MovementKind.RETURN, MovementKind.RECEIVE, MovementKind.PRODUCE, MovementKind.INSTALL,
)


@dataclass(frozen=True)
class TraceScenario:
    """The products (by key) and parties of the scenario, to name them in expectations."""

    needle: Product
    resin: Product
    syringe: Product
    infusion: Product
    kit: Product
    implant: Product
    lots: dict[str, Lot]
    parties: dict[str, Party]

    def di(self, lot_no: str) -> str:
        lot = self.lots[lot_no]
        for product in (self.needle, self.resin, self.syringe, self.infusion, self.kit, self.implant):
            if product.id == lot.product_id:
                return product.di
        raise KeyError(lot_no)


def build_trace_scenario(session: Session) -> TraceScenario:
    """Write the scenario of the module docstring (flushes; the caller commits or rolls back)."""
    day = iter(dt.date(2026, 3, 1) + dt.timedelta(days=n) for n in range(1000))
    parties = {
        code: make_party(session, kind, code=code, name=name)
        for code, kind, name in (
            ("SITE-SZ", PartyKind.MANUFACTURER, "苏州工厂"),
            ("SITE-CZ", PartyKind.MANUFACTURER, "常州工厂"),
            ("SUP-NDL", PartyKind.SUPPLIER, "宁波针管材料有限公司"),
            ("SUP-RES", PartyKind.SUPPLIER, "上海树脂有限公司"),
            ("DIS-SH", PartyKind.DISTRIBUTOR, "上海康健医疗器械有限公司"),
            ("DIS-BJ", PartyKind.DISTRIBUTOR, "北京安信医疗器械有限公司"),
            ("DIS-WX", PartyKind.DISTRIBUTOR, "无锡仁和医疗用品有限公司"),
            ("HOS-A", PartyKind.HOSPITAL, "上海市第一人民医院"),
            ("HOS-B", PartyKind.HOSPITAL, "上海市中心医院"),
            ("HOS-C", PartyKind.HOSPITAL, "苏州市立医院"),
            ("HOS-D", PartyKind.HOSPITAL, "北京朝阳医院"),
            ("HOS-F", PartyKind.HOSPITAL, "无锡市人民医院"),
        )
    }
    p = parties
    needle = make_product(session, name="注射针", name_en="Needle")
    resin = make_product(session, name="医用聚丙烯粒料", name_en="Medical PP resin")
    syringe = make_product(session, name="一次性使用无菌注射器", name_en="Sterile syringe")
    infusion = make_product(session, name="一次性使用输液器", name_en="Infusion set")
    kit = make_product(session, name="注射护理包", name_en="Injection kit")
    implant = make_product(session, name="骨科固定螺钉", name_en="Bone screw", implantable=True)

    lots: dict[str, Lot] = {}

    def lot(lot_no: str, product: Product, quantity: int) -> Lot:
        lots[lot_no] = make_lot(session, product, lot_no=lot_no, quantity=quantity)
        return lots[lot_no]

    def mv(kind: MovementKind, lot_no: str, quantity: int, source: str | None, dest: str | None,
           serial: str | None = None) -> None:
        session.add(Movement(
            kind=kind, lot_id=lots[lot_no].id, quantity=quantity, serial=serial,
            from_party_id=p[source].id if source else None, to_party_id=p[dest].id if dest else None,
            moved_on=next(day), document_no=f"{kind.value[:2].upper()}-{lot_no}-{quantity}",
        ))
        session.flush()

    lot("N-001", needle, 10_000)
    lot("N-002", needle, 5_000)
    lot("R-001", resin, 500)
    mv(RECEIVE, "N-001", 10_000, "SUP-NDL", "SITE-SZ")
    mv(RECEIVE, "N-002", 5_000, "SUP-NDL", "SITE-SZ")
    mv(RECEIVE, "R-001", 500, "SUP-RES", "SITE-SZ")

    lot("S-101", syringe, 4_000)
    consume(session, lots["S-101"], lots["N-001"], 4_000, p["SITE-SZ"])
    consume(session, lots["S-101"], lots["R-001"], 40, p["SITE-SZ"])
    mv(PRODUCE, "S-101", 4_000, None, "SITE-SZ")
    lot("S-102", syringe, 3_000)
    consume(session, lots["S-102"], lots["N-002"], 3_000, p["SITE-SZ"])
    consume(session, lots["S-102"], lots["R-001"], 30, p["SITE-SZ"])
    mv(PRODUCE, "S-102", 3_000, None, "SITE-SZ")
    lot("I-201", infusion, 2_000)
    consume(session, lots["I-201"], lots["N-001"], 2_000, p["SITE-SZ"])
    mv(PRODUCE, "I-201", 2_000, None, "SITE-SZ")
    lot("K-301", kit, 500)
    consume(session, lots["K-301"], lots["S-101"], 500, p["SITE-SZ"])
    mv(PRODUCE, "K-301", 500, None, "SITE-SZ")
    lot("P-401", implant, 3)
    session.add_all(SerialUnit(lot_id=lots["P-401"].id, serial=f"SN-{n}") for n in (1, 2, 3))
    mv(PRODUCE, "P-401", 3, None, "SITE-SZ")

    mv(SHIP, "S-101", 100, "SITE-SZ", "SITE-CZ")
    mv(SHIP, "S-101", 1_000, "SITE-SZ", "DIS-SH")
    mv(SHIP, "S-101", 300, "SITE-SZ", "HOS-C")
    mv(SHIP, "S-101", 400, "DIS-SH", "HOS-A")
    mv(SHIP, "S-101", 200, "DIS-SH", "HOS-B")
    mv(RETURN, "S-101", 50, "HOS-B", "DIS-SH")
    mv(SHIP, "S-101", 100, "DIS-SH", "DIS-WX")
    mv(SHIP, "S-101", 60, "DIS-WX", "HOS-F")
    mv(INSTALL, "S-101", 150, "HOS-A", None)
    mv(SHIP, "I-201", 800, "SITE-SZ", "DIS-BJ")
    mv(SHIP, "I-201", 300, "DIS-BJ", "HOS-A")
    mv(RETURN, "I-201", 100, "DIS-BJ", "SITE-SZ")
    mv(SHIP, "K-301", 200, "SITE-SZ", "DIS-SH")
    mv(SHIP, "N-001", 500, "SITE-SZ", "HOS-C")
    mv(SHIP, "S-102", 1_000, "SITE-SZ", "DIS-BJ")
    mv(SHIP, "S-102", 400, "DIS-BJ", "HOS-D")
    mv(SHIP, "P-401", 1, "SITE-SZ", "DIS-SH", serial="SN-1")
    mv(SHIP, "P-401", 1, "DIS-SH", "HOS-A", serial="SN-1")
    mv(SHIP, "P-401", 1, "SITE-SZ", "HOS-C", serial="SN-2")
    return TraceScenario(needle=needle, resin=resin, syringe=syringe, infusion=infusion, kit=kit,
                         implant=implant, lots=lots, parties=parties)
