"""China MA (IDcode) scans: DI structure, data units .L .S .M .D .V .E .C, and the expiry reading."""

from __future__ import annotations

import datetime as dt

from app.udi import Agency, parse_scan
from tests.unit.udi.conftest import AS_OF

# A code as printed by an MA labelling client (quoted in its public source): serial, production date,
# lot, 失效期 and 有效期 one day apart, check code.
CLIENT_EXAMPLE = "MA.156.M0.100350.01004YA10017.SLMSAGAAAC.M210628.LAY21062803.E220628.V220627.C3"


def test_labelling_client_example_gives_di_and_all_production_identifiers() -> None:
    result = parse_scan(CLIENT_EXAMPLE, as_of=AS_OF)
    assert result.valid
    assert result.agency is Agency.MA
    assert result.di == "MA.156.M0.100350.01004YA10017"
    assert (result.lot, result.serial) == ("AY21062803", "LMSAGAAAC")
    assert result.production_date == dt.date(2021, 6, 28)
    assert result.expiry_date == dt.date(2022, 6, 27)  # .V, the last day of use; .E is the day after
    assert result.hri == CLIENT_EXAMPLE
    assert ("C", "3") in result.elements


def test_sterilisation_lot_is_kept_as_an_element() -> None:
    result = parse_scan("MA.156.M0.100761.21234561.L20220117.D20220118", as_of=AS_OF)
    assert result.valid
    assert ("D", "20220118") in result.elements
    assert result.lot == "20220117"


def test_expiry_only_as_e_is_read_as_the_day_before_with_a_warning() -> None:
    result = parse_scan("MA.156.M0.123456.N123456Y.L190726A.E300725", as_of=AS_OF)
    assert result.valid
    assert result.expiry_date == dt.date(2030, 7, 24)
    assert "失效期" in result.warnings[0]


def test_valid_until_and_expiry_that_disagree_take_the_earlier_last_day() -> None:
    result = parse_scan("MA.156.M0.123456.N123456Y.E300301.V300310", as_of=AS_OF)
    assert result.expiry_date == dt.date(2030, 2, 28)
    assert any("do not agree" in warning for warning in result.warnings)


def test_eight_digit_dates_are_read() -> None:
    result = parse_scan("MA.156.M0.123456.N123456Y.M20250102.V20300101", as_of=AS_OF)
    assert (result.production_date, result.expiry_date) == (dt.date(2025, 1, 2), dt.date(2030, 1, 1))


def test_impossible_date_is_an_error() -> None:
    result = parse_scan("MA.156.M0.123456.N123456Y.V301332", as_of=AS_OF)
    assert not result.valid


def test_incomplete_di_is_an_error() -> None:
    assert not parse_scan("MA.156.M0", as_of=AS_OF).valid


def test_bad_country_code_is_an_error() -> None:
    assert not parse_scan("MA.15X.M0.123456.N123456Y", as_of=AS_OF).valid


def test_empty_data_unit_is_an_error() -> None:
    assert not parse_scan("MA.156.M0.123456.N123456Y..L1", as_of=AS_OF).valid


def test_unknown_data_unit_is_kept_with_a_warning() -> None:
    result = parse_scan("MA.156.M0.123456.N123456Y.Y12345.L1", as_of=AS_OF)
    assert result.valid
    assert ("Y", "12345") in result.elements
    assert "not one this program knows" in result.warnings[0]


def test_ma_json_has_di_and_a_null_gtin() -> None:
    document = parse_scan(CLIENT_EXAMPLE, as_of=AS_OF).as_json()
    assert (document["agency"], document["gtin"]) == ("MA", None)
    assert document["di"] == "MA.156.M0.100350.01004YA10017"
