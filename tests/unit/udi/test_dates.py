"""Calendar rules: GS1 century window, day 00, Julian days, judged against as_of and never the clock."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from app.udi import dates


@settings(database=None)
@given(as_of=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9000, 12, 31)),
       yy=st.integers(min_value=0, max_value=99))
def test_century_rule_puts_every_year_within_49_years_before_and_50_after_as_of(as_of: dt.date,
                                                                                  yy: int) -> None:
    # GS1 General Specifications §7.12.
    year = dates.gs1_year(yy, as_of)
    assert year % 100 == yy
    assert -49 <= year - as_of.year <= 50


def test_day_00_is_the_last_day_of_the_month() -> None:
    as_of = dt.date(2026, 1, 1)
    assert dates.yymmdd("240200", as_of) == dt.date(2024, 2, 29)
    assert dates.yymmdd("250200", as_of) == dt.date(2025, 2, 28)
    assert dates.yymmdd("251200", as_of) == dt.date(2025, 12, 31)


def test_day_00_can_be_refused_where_a_standard_does_not_allow_it() -> None:
    assert dates.yymmdd("250200", dt.date(2026, 1, 1), day_zero_allowed=False) is None


def test_julian_day_zero_and_day_366_of_a_common_year_are_not_dates() -> None:
    as_of = dt.date(2026, 1, 1)
    assert dates.yyjjj("25000", as_of) is None
    assert dates.yyjjj("25366", as_of) is None
    assert dates.yyjjj("24366", as_of) == dt.date(2024, 12, 31)


def test_non_ascii_digits_are_not_dates() -> None:
    assert dates.yymmdd("２５０１０１", dt.date(2026, 1, 1)) is None
