"""Genealogy (批次谱系): which component lots went into which finished lot."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, int_pk, server_now, session_user


class GenealogyEdge(Base):
    """Component lot → finished lot; consumes the component's stock at the producing site."""

    __tablename__ = "genealogy_edge"
    __table_args__ = (
        UniqueConstraint("finished_lot_id", "component_lot_id"),
        CheckConstraint("finished_lot_id <> component_lot_id", name="not_its_own_component"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_genealogy_edge_component_lot_id", "component_lot_id", "finished_lot_id"),
    )

    id: Mapped[int_pk]
    finished_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    component_lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]
