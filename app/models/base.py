"""The declarative base: one metadata with named constraints, and the column types we reuse."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import BigInteger, DateTime, MetaData, String, func, text
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

int_pk = Annotated[int, mapped_column(BigInteger, primary_key=True, autoincrement=True)]
# Server clock and session_user only: workstation clocks and names are never trusted (DESIGN §3).
server_now = Annotated[
    dt.datetime, mapped_column(DateTime(timezone=True), server_default=func.now(), nullable=False)
]
session_user = Annotated[
    str, mapped_column(String(63), server_default=text("session_user"), nullable=False)
]
short_text = Annotated[str, mapped_column(String(200))]


class Base(DeclarativeBase):
    """Base of every MedTrace table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
