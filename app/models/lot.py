"""Lots (UDI-PI) with their serial units, QC results and deviations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, int_pk, server_now, session_user
from app.models.enums import DeviationStatus, LotStatus, values


class Lot(Base):
    """A production lot (批次) of one product; its status follows the release workflow."""

    __tablename__ = "lot"
    __table_args__ = (
        UniqueConstraint("product_id", "lot_no"),
        CheckConstraint("production_date <= expiry_date", name="produced_before_expiry"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("lot_no <> ''", name="lot_no_present"),
        Index("ix_lot_expiry_date_id", "expiry_date", "id"),
        Index("ix_lot_lot_no_pattern", "lot_no", postgresql_ops={"lot_no": "text_pattern_ops"}),
        Index("ix_lot_status_id", "status", "id"),
        Index("ix_lot_product_id_id", "product_id", "id"),
        # Keyset pagination of the lot list (app/services/lot_queries.py): one index per sort column.
        Index("ix_lot_lot_no_id", "lot_no", "id"),
        Index("ix_lot_production_date_id", "production_date", "id"),
        Index("ix_lot_quantity_id", "quantity", "id"),
    )

    id: Mapped[int_pk]
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    lot_no: Mapped[str] = mapped_column(String(20))  # GS1 AI (10): X..20
    production_date: Mapped[dt.date] = mapped_column(Date)
    expiry_date: Mapped[dt.date] = mapped_column(Date)  # last day of use
    quantity: Mapped[int] = mapped_column(Integer)  # units produced
    status: Mapped[LotStatus] = mapped_column(
        Enum(LotStatus, values_callable=values, native_enum=False, length=20, create_constraint=True),
        server_default=LotStatus.QUARANTINE.value,
    )
    # Bumped when a lot goes on hold: release again needs a new two-person signature cycle.
    release_cycle: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]


class SerialUnit(Base):
    """A serialised unit of a lot (GS1 AI 21)."""

    __tablename__ = "serial_unit"
    __table_args__ = (UniqueConstraint("lot_id", "serial"),)

    id: Mapped[int_pk]
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"))
    serial: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]


class QcResult(Base):
    """One inspection result (检验结果) of a lot against its specification."""

    __tablename__ = "qc_result"

    id: Mapped[int_pk]
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    test_name: Mapped[str] = mapped_column(String(200))
    specification: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(200))
    passed: Mapped[bool] = mapped_column(Boolean)
    tested_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]


class Deviation(Base):
    """A deviation (偏差) raised against a lot; it must be closed before release."""

    __tablename__ = "deviation"
    __table_args__ = (
        CheckConstraint(
            "(status = 'closed') = (closed_on IS NOT NULL)", name="closed_has_date"
        ),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_opened"),
    )

    id: Mapped[int_pk]
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[DeviationStatus] = mapped_column(
        Enum(DeviationStatus, values_callable=values, native_enum=False, length=10, create_constraint=True),
        server_default=text("'open'"),
    )
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]
