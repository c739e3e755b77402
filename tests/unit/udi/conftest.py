"""Shared pieces of the UDI parser tests: one fixed judging date, so results never depend on the clock."""

from __future__ import annotations

import datetime as dt

import pytest

AS_OF = dt.date(2026, 1, 1)
GS = "\x1d"


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF
