"""Parties: our sites, suppliers, distributors (经营企业) and hospitals (使用单位)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Enum, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, int_pk, server_now, session_user
from app.models.enums import PartyKind, values


class Party(Base):
    """Anyone who holds, sends or receives devices (医疗器械监督管理条例 第四十五条 record fields)."""

    __tablename__ = "party"
    __table_args__ = (
        CheckConstraint("(min_shelf_life_days IS NULL OR min_shelf_life_days > 0) AND "
                        "(min_shelf_life_pct IS NULL OR min_shelf_life_pct BETWEEN 0 AND 100)",
                        name="min_shelf_life"),
    )

    id: Mapped[int_pk]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PartyKind] = mapped_column(
        Enum(PartyKind, values_callable=values, native_enum=False, length=20, create_constraint=True)
    )
    address: Mapped[str] = mapped_column(String(300), server_default="")
    contact: Mapped[str] = mapped_column(String(100), server_default="")
    phone: Mapped[str] = mapped_column(String(50), server_default="")
    licence_no: Mapped[str] = mapped_column(String(100), server_default="")  # 许可证/备案凭证编号
    # The least remaining shelf life this consignee accepts (days, or % of the product's shelf life; 0006).
    min_shelf_life_days: Mapped[int | None] = mapped_column(Integer)
    min_shelf_life_pct: Mapped[float | None] = mapped_column(Numeric(5, 2))
    expiry_owner: Mapped[str] = mapped_column(String(63), server_default="")  # login owning this site's alerts
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]
