"""Product master (UDI-DI): what is made, how it is identified, how long it lasts."""

from __future__ import annotations

from sqlalchemy import ARRAY, Boolean, CheckConstraint, Enum, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, int_pk, server_now, session_user
from app.models.enums import Agency, RiskClass, values

DEFAULT_ALERT_DAYS = (180, 90, 30, 7)


class Product(Base):
    """A device model with its UDI-DI (GTIN-14, HIBC LIC+product, or MA code)."""

    __tablename__ = "product"
    __table_args__ = (
        UniqueConstraint("agency", "di"),
        # GS1 DIs are stored as GTIN-14 and must carry a correct check digit (GS1 General Specs 7.9).
        CheckConstraint("agency <> 'GS1' OR gtin_is_valid(di)", name="gtin_check_digit"),
        CheckConstraint("shelf_life_days > 0", name="shelf_life_positive"),
        CheckConstraint("device_lifetime_days IS NULL OR device_lifetime_days > 0", name="lifetime_positive"),
        CheckConstraint("cardinality(alert_days) BETWEEN 1 AND 8 AND 0 < ALL(alert_days)", name="alert_days"),
    )

    id: Mapped[int_pk]
    agency: Mapped[Agency] = mapped_column(
        Enum(Agency, values_callable=values, native_enum=False, length=8, create_constraint=True)
    )
    di: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))  # 产品名称 (as registered, usually Chinese)
    name_en: Mapped[str] = mapped_column(String(200), server_default="")
    model: Mapped[str] = mapped_column(String(100), server_default="")  # 型号/规格
    registration_no: Mapped[str] = mapped_column(String(100), server_default="")  # 注册证编号
    risk_class: Mapped[RiskClass] = mapped_column(
        Enum(RiskClass, values_callable=values, native_enum=False, length=3, create_constraint=True)
    )
    implantable: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    shelf_life_days: Mapped[int] = mapped_column(Integer)
    device_lifetime_days: Mapped[int | None] = mapped_column(Integer)
    alert_days: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), server_default=text("'{180,90,30,7}'::integer[]")
    )
    expiry_owner: Mapped[str] = mapped_column(String(63), server_default="")  # login owning its expiry alerts
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]
