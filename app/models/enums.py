"""Closed vocabularies of the domain (DESIGN §4), stored by value."""

from __future__ import annotations

import enum


class Agency(enum.StrEnum):
    """UDI issuing agency."""

    GS1 = "GS1"
    HIBCC = "HIBCC"
    MA = "MA"  # 中国 MA 码 (国家物品编码中心 IDcode)


class RiskClass(enum.StrEnum):
    """Device class: 第一类/第二类/第三类 (NMPA), Class I/II/III (FDA/EU)."""

    I = "I"  # noqa: E741 — the class is called I
    II = "II"
    III = "III"


class PartyKind(enum.StrEnum):
    MANUFACTURER = "manufacturer"  # our own production/warehouse sites
    SUPPLIER = "supplier"
    DISTRIBUTOR = "distributor"  # 经营企业
    HOSPITAL = "hospital"  # 使用单位


class LotStatus(enum.StrEnum):
    """quarantine → under_review → released | rejected; plus on_hold, recalled, expired."""

    QUARANTINE = "quarantine"
    UNDER_REVIEW = "under_review"
    RELEASED = "released"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"
    RECALLED = "recalled"
    EXPIRED = "expired"


class MovementKind(enum.StrEnum):
    """Stock movements; stock per location is derived from them (never edited)."""

    PRODUCE = "produce"
    RECEIVE = "receive"
    SHIP = "ship"
    RETURN = "return"
    INSTALL = "install"
    SCRAP = "scrap"
    ADJUST = "adjust"


class DeviationStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def values(enum_cls: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in enum_cls]
