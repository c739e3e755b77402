"""Stock movements; stock per location is derived from them and from genealogy, never edited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, int_pk, server_now, session_user
from app.models.enums import MovementKind, values

# Which ends a movement of each kind has: (from_party, to_party) required / forbidden.
PARTY_RULE = """
CASE kind
  WHEN 'produce' THEN from_party_id IS NULL AND to_party_id IS NOT NULL
  WHEN 'receive' THEN from_party_id IS NOT NULL AND to_party_id IS NOT NULL
  WHEN 'ship'    THEN from_party_id IS NOT NULL AND to_party_id IS NOT NULL
  WHEN 'return'  THEN from_party_id IS NOT NULL AND to_party_id IS NOT NULL
  WHEN 'install' THEN from_party_id IS NOT NULL AND to_party_id IS NULL
  WHEN 'scrap'   THEN from_party_id IS NOT NULL AND to_party_id IS NULL
  WHEN 'adjust'  THEN (from_party_id IS NULL) <> (to_party_id IS NULL)
END
""".strip()


class Movement(Base):
    """Units of a lot (optionally one serial) moving from one party to another.

    The source loses the quantity (except for `receive`, whose source is an outside supplier whose
    stock we do not keep), the destination gains it; the database refuses any movement that would
    leave a location with negative stock.
    """

    __tablename__ = "movement"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(PARTY_RULE, name="parties_fit_kind"),
        CheckConstraint("from_party_id IS DISTINCT FROM to_party_id", name="moves_somewhere"),
        Index("ix_movement_lot_id", "lot_id", "id"),
        Index("ix_movement_to_party_id", "to_party_id", "lot_id"),
        Index("ix_movement_from_party_id", "from_party_id", "lot_id"),
        # Traces read every movement of up to ~150 k lots (a hub component, DESIGN §7): with these
        # columns included the read is index-only, ~5× faster than visiting the heap (app/services/trace.py).
        Index("ix_movement_lot_id_flow", "lot_id",
              postgresql_include=["kind", "quantity", "from_party_id", "to_party_id", "serial"]),
    )

    id: Mapped[int_pk]
    kind: Mapped[MovementKind] = mapped_column(
        Enum(MovementKind, values_callable=values, native_enum=False, length=10, create_constraint=True)
    )
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    serial: Mapped[str | None] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    from_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    to_party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    moved_on: Mapped[dt.date] = mapped_column(Date)
    document_no: Mapped[str] = mapped_column(String(60), server_default="")
    raw_udi: Mapped[str | None] = mapped_column(String(400))  # the scan exactly as read
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]
