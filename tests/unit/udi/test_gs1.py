"""GS1 scans: element strings, symbology identifiers, HRI, Digital Link, check digits, limits, biip gaps."""

from __future__ import annotations

import datetime as dt

import biip
import pytest

from app.udi import Agency, parse_scan
from tests.unit.udi.conftest import AS_OF, GS

# The issue's example (GS1 example GTIN 09501101020917 from the GS1 "950" example prefix range).
ISSUE_HRI = "(01)09501101020917(17)190508(10)ABCD1234"


def test_issue_example_in_hri_form_gives_gtin_expiry_and_lot() -> None:
    result = parse_scan(ISSUE_HRI, as_of=AS_OF)
    assert result.valid
    assert result.agency is Agency.GS1
    assert (result.gtin, result.lot) == ("09501101020917", "ABCD1234")
    assert result.expiry_date == dt.date(2019, 5, 8)
    assert result.hri == ISSUE_HRI
    assert result.elements == (("01", "09501101020917"), ("17", "190508"), ("10", "ABCD1234"))


@pytest.mark.clause("UDI 规则")
@pytest.mark.clause("ISO 13485 7.5.8")
def test_issue_example_reads_the_same_as_element_string_hri_and_digital_link() -> None:
    forms = [
        "010950110102091717190508" "10ABCD1234",
        ISSUE_HRI,
        "https://id.gs1.org/01/09501101020917/10/ABCD1234?17=190508",
    ]
    readings = {(r.gtin, r.lot, r.expiry_date) for r in (parse_scan(form, as_of=AS_OF) for form in forms)}
    assert readings == {("09501101020917", "ABCD1234", dt.date(2019, 5, 8))}


def test_gs1_china_faq_example_with_production_expiry_lot_and_serial() -> None:
    # GS1 China UDI FAQ, quoting GS1 General Specifications §7.8.5.3 (fixed-length AIs first).
    result = parse_scan(f"01069012345678921114123117150707" f"10A213B1{GS}211234", as_of=AS_OF)
    assert result.valid
    assert result.gtin == "06901234567892"
    assert result.production_date == dt.date(2014, 12, 31)
    assert result.expiry_date == dt.date(2015, 7, 7)
    assert (result.lot, result.serial) == ("A213B1", "1234")
    assert result.hri == "(01)06901234567892(11)141231(17)150707(10)A213B1(21)1234"


def test_fixed_length_ais_need_no_separator_between_them() -> None:
    # GS1 General Specifications §7.8.5: predefined-length AIs (here 01 and 3103 net weight) concatenate
    # without FNC1; GTIN 95012345678903 is a GS1 example number (prefix 950 is reserved for examples).
    result = parse_scan("0195012345678903" "3103000123", as_of=AS_OF)
    assert result.valid
    assert result.elements == (("01", "95012345678903"), ("3103", "000123"))


@pytest.mark.parametrize("identifier", ["]C1", "]d2", "]Q3", "]e0"])
def test_gs1_symbology_identifiers_are_recognised_and_kept(identifier: str) -> None:
    result = parse_scan(f"{identifier}0109501101020917172905081" f"0ABCD1234", as_of=AS_OF)
    assert result.valid
    assert result.symbology == identifier
    assert (result.gtin, result.lot) == ("09501101020917", "ABCD1234")
    assert result.expiry_date == dt.date(2029, 5, 8)


def test_a_leading_group_separator_standing_for_fnc1_is_ignored() -> None:
    result = parse_scan(f"{GS}0109501101020917{GS}10LOT1", as_of=AS_OF)
    assert (result.valid, result.gtin, result.lot) == (True, "09501101020917", "LOT1")


def test_scanner_line_endings_are_ignored_but_the_raw_scan_is_kept_exactly() -> None:
    scan = "0109501101020917" "10LOT1\r\n"
    result = parse_scan(scan, as_of=AS_OF)
    assert (result.valid, result.lot, result.raw) == (True, "LOT1", scan)
    assert result.as_json()["raw"] == scan


def test_group_separator_ends_a_variable_length_lot_before_the_serial() -> None:
    result = parse_scan(f"0109501101020917" f"10ABC{GS}21XYZ", as_of=AS_OF)
    assert (result.lot, result.serial, result.warnings) == ("ABC", "XYZ", ())


@pytest.mark.parametrize("identifier", ["]d1", "]C0", "]Q1", "]I0", "]d0", "]Q0"])
def test_a_symbol_without_fnc1_in_first_position_is_rejected_as_not_gs1_data(identifier: str) -> None:
    result = parse_scan(identifier + "0109501101020917" "10ABC", as_of=AS_OF)
    assert not result.valid
    assert (result.gtin, result.lot) == (None, None)
    assert identifier in result.errors[0] and "no GS1" in result.errors[0]


def test_fourteen_digits_in_a_plain_data_matrix_are_not_a_gtin() -> None:
    result = parse_scan("]d1" "09501101020917", as_of=AS_OF)
    assert not result.valid and result.gtin is None


@pytest.mark.parametrize("identifier", ["]E0", "]I1"])
def test_ean_and_itf_14_identifiers_still_carry_a_bare_gtin(identifier: str) -> None:
    digits = "09501101020917" if identifier == "]I1" else "9501101020917"
    result = parse_scan(identifier + digits, as_of=AS_OF)
    assert result.valid and result.gtin == "09501101020917"


def test_lone_bracket_is_an_unknown_symbology_identifier_not_a_crash() -> None:
    assert parse_scan("]", as_of=AS_OF).errors == (
        "The scan starts with “]”, which is not a known symbology identifier.",)


def test_unknown_symbology_identifier_is_an_error() -> None:
    result = parse_scan("]#1" "0109501101020917", as_of=AS_OF)
    assert not result.valid
    assert "not a known symbology identifier" in result.errors[0]


# -- biip's measured gaps -----------------------------------------------------------------------


def test_biip_still_swallows_a_missing_separator_silently() -> None:
    # Canary: documents the gap this package closes. If biip starts to warn, revisit the heuristic.
    message = biip.parse("0109501101020917" "10ABC17290101").gs1_message
    assert message is not None
    assert message.element_strings.get(ai="10").value == "ABC17290101"


def test_missing_separator_after_the_lot_gives_a_plain_language_warning() -> None:
    result = parse_scan("0109501101020917" "10ABC17290101", as_of=AS_OF)
    assert result.valid  # the data are well-formed; only a person can tell which reading is right
    assert result.lot == "ABC17290101"
    assert result.expiry_date is None
    [warning] = result.warnings
    assert "may have absorbed a missing separator" in warning
    assert "AI (17)" in warning and "2029-01-01" in warning and "“ABC”" in warning


def test_missing_separator_after_the_serial_hiding_a_gtin_is_noticed() -> None:
    result = parse_scan("21SN42" "0109501101020917", as_of=AS_OF)
    assert any("AI (01)" in warning for warning in result.warnings)


def test_lot_ending_in_digits_that_are_not_a_real_date_gives_no_separator_warning() -> None:
    result = parse_scan("0109501101020917" "10ABC17291399", as_of=AS_OF)  # month 13 is no date
    assert result.warnings == ()


def test_biip_does_not_read_the_parenthesised_form_but_we_do() -> None:
    assert biip.parse(ISSUE_HRI).gs1_message is None
    assert parse_scan(ISSUE_HRI, as_of=AS_OF).valid


def test_biip_reports_errors_in_its_result_and_we_turn_them_into_messages() -> None:
    assert biip.parse("0109501101020918").gtin_error is not None  # no exception from biip either
    result = parse_scan("0109501101020918", as_of=AS_OF)
    assert not result.valid
    assert result.errors == ("The GTIN 09501101020918 has a wrong check digit: it ends in 8 but should "
                             "end in 7.",)


# -- check digits and GTIN lengths --------------------------------------------------------------


@pytest.mark.parametrize(
    ("scan", "gtin14"),
    [
        ("9501101020917", "09501101020917"),  # GTIN-13 (EAN-13)
        ("614141123452", "00614141123452"),  # GTIN-12 (UPC-A), GS1 US example company prefix 0614141
        ("96385074", "00000096385074"),  # GTIN-8 (EAN-8)
        ("]E09501101020917", "09501101020917"),  # EAN-13 with its symbology identifier
    ],
)
def test_short_gtins_are_normalised_to_gtin_14(scan: str, gtin14: str) -> None:
    result = parse_scan(scan, as_of=AS_OF)
    assert result.valid
    assert result.gtin == gtin14
    assert result.elements == (("01", gtin14),)


@pytest.mark.clause("UDI 规则")
def test_bare_gtin_with_wrong_check_digit_is_invalid() -> None:
    result = parse_scan("9501101020918", as_of=AS_OF)
    assert result.errors == ("The GTIN 09501101020918 has a wrong check digit: it ends in 8 but should "
                             "end in 7.",)


def test_scan_without_a_gtin_does_not_identify_a_device() -> None:
    result = parse_scan("]C1" "17290101" "10ABC", as_of=AS_OF)
    assert not result.valid
    assert any("no GTIN" in error for error in result.errors)


def test_dates_only_with_gs1_128_symbology_are_element_strings_not_a_gtin_8() -> None:
    result = parse_scan("]C1" "17290101", as_of=AS_OF)
    assert result.expiry_date == dt.date(2029, 1, 1)
    assert result.gtin is None


# -- lot and serial limits (GS1 Gen Specs §3.2: AI 10 and 21 are X..20 in character set 82) ---------


def test_lot_longer_than_twenty_characters_is_an_error() -> None:
    result = parse_scan("0109501101020917" "10" + "A" * 25, as_of=AS_OF)
    assert not result.valid
    assert "longer than the 20 characters" in result.errors[0]


def test_serial_of_exactly_twenty_characters_is_accepted() -> None:
    result = parse_scan("0109501101020917" "21" + "S" * 20, as_of=AS_OF)
    assert (result.valid, result.serial) == (True, "S" * 20)


def test_lot_character_outside_gs1_set_82_is_named_in_the_error() -> None:
    result = parse_scan(f"0109501101020917{GS}10AB#C", as_of=AS_OF)
    assert not result.valid
    assert result.errors[0].startswith("“#” at position 22 is not allowed in a GS1 lot")


def test_lot_with_all_the_symbols_of_set_82_is_accepted() -> None:
    lot = "!\"%&'()*+,-./:;<=>?_"
    result = parse_scan(f"0109501101020917" f"10{lot}", as_of=AS_OF)
    assert (result.valid, result.lot) == (True, lot)


def test_hri_lot_longer_than_twenty_characters_is_an_error() -> None:
    result = parse_scan("(01)09501101020917(10)" + "L" * 21, as_of=AS_OF)
    assert not result.valid


def test_same_ai_twice_with_different_values_is_an_error() -> None:
    result = parse_scan(f"0109501101020917" f"10A{GS}10B", as_of=AS_OF)
    assert not result.valid


def test_text_that_is_no_ai_is_reported_with_its_position() -> None:
    result = parse_scan("0109501101020917" "ZZ", as_of=AS_OF)
    assert result.errors == ("No GS1 Application Identifier starts at position 17 (“ZZ”).",)


def test_positions_in_messages_count_from_the_start_of_the_raw_scan() -> None:
    result = parse_scan("]d2" "0109501101020917" "ZZ", as_of=AS_OF)
    assert result.errors == ("No GS1 Application Identifier starts at position 20 (“ZZ”).",)


@pytest.mark.parametrize("scan", ["00000000000000", "0000000000000", "0100000000000000"])
def test_an_all_zero_gtin_is_not_a_gtin(scan: str) -> None:
    assert parse_scan(scan, as_of=AS_OF).errors == ("00000000000000 is not a GTIN: a GTIN is never all zeros.",)


# -- dates --------------------------------------------------------------------------------------


def test_expiry_day_00_means_the_last_day_of_the_month() -> None:
    # GS1 General Specifications §3.4.6 (AI 17): DD = 00 names the month; leap February included.
    assert parse_scan("0109501101020917" "17280200", as_of=AS_OF).expiry_date == dt.date(2028, 2, 29)
    assert parse_scan("0109501101020917" "17270200", as_of=AS_OF).expiry_date == dt.date(2027, 2, 28)
    assert parse_scan("0109501101020917" "17261100", as_of=AS_OF).expiry_date == dt.date(2026, 11, 30)


def test_impossible_expiry_date_is_an_error() -> None:
    result = parse_scan("0109501101020917" "17270230", as_of=AS_OF)
    assert not result.valid
    assert "not a real date" in result.errors[0]


def test_expired_product_gets_a_warning_and_stays_valid() -> None:
    result = parse_scan("0109501101020917" "17251231", as_of=AS_OF)
    assert result.valid
    assert result.warnings == ("Expired on 2025-12-31 (judged on 2026-01-01).",)


def test_expiry_on_the_judging_day_is_not_expired() -> None:
    assert parse_scan("0109501101020917" "17260101", as_of=AS_OF).warnings == ()


@pytest.mark.parametrize(
    ("as_of", "yymmdd", "expected_year"),
    [
        (dt.date(2026, 6, 1), "760101", 2076),  # +50 years: still this century
        (dt.date(2026, 6, 1), "770101", 1977),  # +51: previous century
        (dt.date(2026, 6, 1), "770100", 1977),
        (dt.date(2060, 6, 1), "100101", 2110),  # -50: next century
        (dt.date(2060, 6, 1), "110101", 2011),  # -49: this century
        (dt.date(1999, 6, 1), "010101", 2001),
    ],
)
def test_two_digit_years_follow_the_gs1_century_rule_around_as_of(
    as_of: dt.date, yymmdd: str, expected_year: int
) -> None:
    # GS1 General Specifications §7.12: the year lies between 49 years before and 50 years after as_of.
    result = parse_scan(f"0109501101020917" f"17{yymmdd}", as_of=as_of)
    assert result.expiry_date is not None and result.expiry_date.year == expected_year


def test_expiry_date_and_time_ai_7003_sets_the_expiry_date() -> None:
    result = parse_scan(f"0109501101020917" f"70032901011530{GS}10L1", as_of=AS_OF)
    assert (result.valid, result.expiry_date, result.lot) == (True, dt.date(2029, 1, 1), "L1")


def test_production_date_after_expiry_gets_a_warning() -> None:
    result = parse_scan("0109501101020917" "11251201" "17251101", as_of=dt.date(2025, 10, 1))
    assert result.valid
    assert "The production date is after the expiry date." in result.warnings


# -- HRI and Digital Link -------------------------------------------------------------------------


def test_hri_tolerates_spaces_between_elements() -> None:
    result = parse_scan("(01) 09501101020917 (17) 290508 (10) ABCD1234", as_of=AS_OF)
    assert (result.valid, result.lot, result.expiry_date) == (True, "ABCD1234", dt.date(2029, 5, 8))


def test_hri_lot_may_contain_parentheses_that_are_not_an_ai() -> None:
    result = parse_scan("(01)09501101020917(10)AB(C)", as_of=AS_OF)
    assert (result.valid, result.lot) == (True, "AB(C)")


def test_hri_with_a_thirteen_digit_gtin_is_an_error() -> None:
    result = parse_scan("(01)9501101020917(10)A", as_of=AS_OF)
    assert not result.valid


def test_text_before_the_first_hri_ai_is_an_error() -> None:
    assert not parse_scan("(XX)09501101020917", as_of=AS_OF).valid


def test_digital_link_from_the_issue() -> None:
    result = parse_scan("https://id.gs1.org/01/09501101020917/10/ABC?17=290101", as_of=AS_OF)
    assert result.valid
    assert (result.gtin, result.lot, result.expiry_date) == ("09501101020917", "ABC", dt.date(2029, 1, 1))
    assert result.hri == "(01)09501101020917(10)ABC(17)290101"


def test_digital_link_with_gtin_12_custom_domain_and_convenience_alphas() -> None:
    # GS1 Digital Link standard 1.0 example: https://id.gs1.org/01/614141123452/lot/ABC1/ser/12345?exp=180426
    result = parse_scan("https://example.com/dl/01/614141123452/lot/ABC1/ser/12345?exp=180426", as_of=AS_OF)
    assert result.valid
    assert (result.gtin, result.lot, result.serial) == ("00614141123452", "ABC1", "12345")
    assert result.expiry_date == dt.date(2018, 4, 26)


def test_digital_link_percent_encoded_values_are_decoded() -> None:
    result = parse_scan("https://id.gs1.org/01/09501101020917/21/A%2FB%25", as_of=AS_OF)
    assert (result.valid, result.serial) == (True, "A/B%")


def test_digital_link_with_wrong_gtin_check_digit_is_invalid() -> None:
    result = parse_scan("https://id.gs1.org/01/09501101020918", as_of=AS_OF)
    assert not result.valid


def test_web_address_without_a_gs1_key_is_an_error_not_an_exception() -> None:
    result = parse_scan("https://example.com/index.html", as_of=AS_OF)
    assert not result.valid
    assert result.errors[0].startswith("This web address is not a GS1 Digital Link")
