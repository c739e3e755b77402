"""Factories for test data: valid by default, every field overridable."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from app.models import GenealogyEdge, Lot, Movement, Party, Product
from app.models.enums import Agency, LotStatus, MovementKind, PartyKind, RiskClass

_counter = itertools.count(1)


def gtin14(body13: str) -> str:
    """Append the GS1 mod-10 check digit to 13 digits."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(body13))
    return body13 + str((10 - total % 10) % 10)


def make_product(session: Session, **fields: object) -> Product:
    n = next(_counter)
    values: dict[str, object] = {
        "agency": Agency.GS1,
        "di": gtin14(f"0695{n:09d}"),
        "name": f"一次性使用无菌注射器 {n}",
        "name_en": f"Sterile single-use syringe {n}",
        "model": "5 mL",
        "registration_no": f"国械注准2024315{n:04d}",
        "risk_class": RiskClass.III,
        "implantable": False,
        "shelf_life_days": 730,
    }
    values.update(fields)
    product = Product(**values)
    session.add(product)
    session.flush()
    return product


def make_party(session: Session, kind: PartyKind = PartyKind.MANUFACTURER, **fields: object) -> Party:
    n = next(_counter)
    values: dict[str, object] = {
        "code": f"{kind.value[:3].upper()}-{n:05d}", "name": f"单位 {n}", "kind": kind,
    }
    values.update(fields)
    party = Party(**values)
    session.add(party)
    session.flush()
    return party


def make_lot(session: Session, product: Product | None = None, **fields: object) -> Lot:
    n = next(_counter)
    product = product or make_product(session)
    values: dict[str, object] = {
        "product_id": product.id,
        "lot_no": f"L{n:07d}",
        "production_date": dt.date(2026, 1, 10),
        "expiry_date": dt.date(2028, 1, 9),
        "quantity": 1000,
        "status": LotStatus.QUARANTINE,
    }
    values.update(fields)
    lot = Lot(**values)
    session.add(lot)
    session.flush()
    return lot


def move(session: Session, kind: MovementKind, lot: Lot, quantity: int, *,
         source: Party | None = None, dest: Party | None = None, on: dt.date | None = None) -> Movement:
    movement = Movement(
        kind=kind, lot_id=lot.id, quantity=quantity,
        from_party_id=source.id if source else None, to_party_id=dest.id if dest else None,
        moved_on=on or dt.date(2026, 2, 1), document_no=f"DOC-{next(_counter)}",
    )
    session.add(movement)
    session.flush()
    return movement


def consume(session: Session, finished: Lot, component: Lot, quantity: int, site: Party) -> GenealogyEdge:
    edge = GenealogyEdge(finished_lot_id=finished.id, component_lot_id=component.id,
                         site_id=site.id, quantity=quantity)
    session.add(edge)
    session.flush()
    return edge
