"""The company profile: the legal entity (企业) every report and recall letter is issued by."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, server_now, session_user

PROFILE_ID = 1  # one row: a workstation's database belongs to one legal entity
LOGO_MAX_BYTES = 512 * 1024


class CompanyProfile(Base):
    """Legal names, address, manufacturing licence no. (生产许可证编号), registrant (注册人/备案人), logo."""

    __tablename__ = "company_profile"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("btrim(legal_name_zh) <> '' OR btrim(legal_name_en) <> ''", name="legal_name"),
        CheckConstraint("logo IS NULL OR octet_length(logo) <= 524288", name="logo"),  # and PNG/JPEG: 0012
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, server_default=text("1"))
    legal_name_zh: Mapped[str] = mapped_column(String(200), server_default="")
    legal_name_en: Mapped[str] = mapped_column(String(200), server_default="")
    address: Mapped[str] = mapped_column(String(300), server_default="")
    licence_no: Mapped[str] = mapped_column(String(100), server_default="")  # 生产许可证编号 (or 备案凭证编号)
    registrant: Mapped[str] = mapped_column(String(200), server_default="")  # 注册人/备案人
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)  # PNG or JPEG; not copied into the audit trail
    logo_sha256: Mapped[str] = mapped_column(String(64), server_default="")  # set by the database (0012)
    created_at: Mapped[server_now]
    created_by: Mapped[session_user]
