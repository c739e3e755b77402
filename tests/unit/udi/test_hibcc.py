"""HIBC LIC scans (ANSI/HIBC 2.6): primary, secondary, concatenated data, date formats, mod-43 check."""

from __future__ import annotations

import datetime as dt

import pytest

from app.udi import Agency, pair_hibc, parse_scan
from app.udi.hibcc import check_character
from tests.unit.udi.conftest import AS_OF

# HIBC LIC standard example data: labeler A999, product 1234, unit of measure 5, expiry 2020 day 015
# (Julian, flag $$5), lot 10X3. The check characters below follow from the modulo-43 rule.
STANDARD_CONCATENATED = "+A99912345/$$52001510X33"
STANDARD_PRIMARY = "+A999123457"
STANDARD_SECONDARY = "+$$52001510X374"  # link character 7 = the primary's check character


def test_modulo_43_check_character_of_the_standard_examples() -> None:
    assert check_character("+A99912345") == "7"
    assert check_character("+A99912345/$$52001510X3") == "3"
    assert check_character("+$$52001510X37") == "4"


def test_check_character_values_follow_the_code_39_table() -> None:
    # ANSI/HIBC 2.6 Appendix: 0-9 = 0-9, A-Z = 10-35, then - . space $ / + % = 36-42.
    table = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
    for value, character in enumerate(table):
        assert check_character(character) == character
        assert check_character("Z" + character) == table[(35 + value) % 43]
    assert check_character("a") is None


@pytest.mark.parametrize(
    ("scan", "check"),
    [
        # Real labels, from the test vectors of the MIT-licensed `hibc` Python package.
        ("+E20831269/$$8020423286539", "+"),
        ("+E20831339/$$8020223283831", "T"),
    ],
)
def test_real_label_check_characters(scan: str, check: str) -> None:
    assert check_character(scan) == check
    assert parse_scan(scan + check, as_of=AS_OF).valid


@pytest.mark.clause("UDI 规则")
def test_standard_concatenated_example_gives_di_lot_and_julian_expiry() -> None:
    result = parse_scan(STANDARD_CONCATENATED, as_of=AS_OF)
    assert result.valid
    assert result.agency is Agency.HIBCC
    assert result.di == "A99912345"
    assert result.gtin is None
    assert (result.lot, result.expiry_date) == ("10X3", dt.date(2020, 1, 15))
    assert result.as_json()["di"] == "A99912345"


def test_code_39_asterisks_around_the_data_are_ignored() -> None:
    assert parse_scan(f"*{STANDARD_CONCATENATED}*", as_of=AS_OF).di == "A99912345"


def test_primary_alone_gives_the_di_without_production_data() -> None:
    result = parse_scan(STANDARD_PRIMARY, as_of=AS_OF)
    assert result.valid
    assert (result.di, result.lot, result.expiry_date) == ("A99912345", None, None)
    assert result.elements == (("LIC", "A999"), ("PCN", "1234"), ("UOM", "5"), ("CHECK", "7"))


def test_secondary_alone_is_valid_data_that_does_not_identify_the_device() -> None:
    result = parse_scan(STANDARD_SECONDARY, as_of=AS_OF)
    assert result.valid, result.errors
    assert result.structure == "secondary"
    assert (result.lot, result.expiry_date, result.di) == ("10X3", dt.date(2020, 1, 15), None)
    assert result.device_identifier is None
    assert result.elements == (("EXP", "20015"), ("LOT", "10X3"), ("LINK", "7"), ("CHECK", "4"))
    assert any("does not identify the device" in w and "its check character must be “7”" in w
               for w in result.warnings)


def test_primary_and_concatenated_scans_say_their_structure() -> None:
    assert parse_scan(STANDARD_PRIMARY, as_of=AS_OF).structure == "primary"
    assert parse_scan(STANDARD_CONCATENATED, as_of=AS_OF).structure == "concatenated"


def test_secondary_alone_with_a_wrong_check_character_is_an_error() -> None:
    result = parse_scan("+$$52001510X375", as_of=AS_OF)
    assert not result.valid
    assert result.errors[0] == ("The HIBC check character is “5”, but the data require “4”: the scan is "
                                "damaged or was mistyped.")


def test_secondary_alone_keeps_its_supplemental_fields_before_the_link_character() -> None:
    data = "+$$3291231LOT7/16D20250101/SSN9" + "7"
    result = parse_scan(data + check_character(data), as_of=AS_OF)
    assert result.valid, result.errors
    assert (result.lot, result.serial, result.production_date) == ("LOT7", "SN9", dt.date(2025, 1, 1))
    assert ("LINK", "7") in result.elements


def test_pairing_a_primary_with_the_secondary_scanned_after_it_identifies_the_device() -> None:
    primary, secondary = parse_scan(STANDARD_PRIMARY, as_of=AS_OF), parse_scan(STANDARD_SECONDARY, as_of=AS_OF)
    paired = pair_hibc(primary, secondary)
    assert paired.valid and paired.structure == "paired"
    assert (paired.di, paired.lot, paired.expiry_date) == ("A99912345", "10X3", dt.date(2020, 1, 15))
    assert paired.raw == f"{STANDARD_PRIMARY}\n{STANDARD_SECONDARY}"
    assert not any("does not identify the device" in w for w in paired.warnings)
    assert paired.link_mismatch is None


def test_pairing_works_when_the_secondary_is_scanned_first() -> None:
    secondary, primary = parse_scan(STANDARD_SECONDARY, as_of=AS_OF), parse_scan(STANDARD_PRIMARY, as_of=AS_OF)
    paired = pair_hibc(secondary, primary)
    assert (paired.structure, paired.di, paired.lot) == ("paired", "A99912345", "10X3")
    assert paired.raw == f"{STANDARD_SECONDARY}\n{STANDARD_PRIMARY}"


def test_a_secondary_whose_link_is_not_the_primarys_check_character_is_never_paired() -> None:
    other = "+B99912345"
    primary = parse_scan(other + check_character(other), as_of=AS_OF)
    assert check_character(other) != "7"
    for previous, scan in ((primary, parse_scan(STANDARD_SECONDARY, as_of=AS_OF)),
                           (parse_scan(STANDARD_SECONDARY, as_of=AS_OF), primary)):
        result = pair_hibc(previous, scan)
        assert result.structure == scan.structure and result.raw == scan.raw
        assert result.link_mismatch == ("7", check_character(other))


@pytest.mark.parametrize("previous", [None, STANDARD_CONCATENATED, STANDARD_SECONDARY, "+A999123458",
                                      "0109501101020917"])
def test_a_primary_is_not_paired_with_anything_but_a_valid_separate_secondary(previous: str | None) -> None:
    primary = parse_scan(STANDARD_PRIMARY, as_of=AS_OF)
    before = parse_scan(previous, as_of=AS_OF) if previous else None
    if previous == STANDARD_SECONDARY:
        assert pair_hibc(before, primary).structure == "paired"
    else:
        assert pair_hibc(before, primary) == primary


def test_two_secondaries_in_a_row_are_not_paired() -> None:
    secondary = parse_scan(STANDARD_SECONDARY, as_of=AS_OF)
    assert pair_hibc(secondary, secondary) == secondary


def test_wrong_check_character_is_an_error() -> None:
    result = parse_scan("+A99912345/$$52001510X34", as_of=AS_OF)
    assert not result.valid
    assert result.errors[0] == ("The HIBC check character is “4”, but the data require “3”: the scan is "
                                "damaged or was mistyped.")


def test_supplemental_manufacture_date_and_serial_of_hibc_2_6() -> None:
    # Example from the `hibc` package README: HIBC 2.6 supplemental fields /16D (YYYYMMDD) and /S.
    data = "+A99912345/$$52001510X3/16D20111212/S77DE1G45"
    result = parse_scan(data + check_character(data), as_of=AS_OF)
    assert result.valid
    assert result.production_date == dt.date(2011, 12, 12)
    assert (result.lot, result.serial) == ("10X3", "77DE1G45")


def test_quantity_flag_then_mmyy_expiry_means_the_last_day_of_that_month() -> None:
    result = parse_scan("+E20831269/$$8020423286539+", as_of=AS_OF)
    assert ("QTY", "02") in result.elements
    assert (result.lot, result.expiry_date) == ("286539", dt.date(2023, 4, 30))


@pytest.mark.parametrize(
    ("secondary", "expiry", "lot", "serial"),
    [
        ("$$1229LOT7", dt.date(2029, 12, 31), "LOT7", None),  # MMYY
        ("$$2123129LOT7", dt.date(2029, 12, 31), "LOT7", None),  # MMDDYY
        ("$$3291231LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYMMDD
        ("$$429123123LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYMMDDHH
        ("$$529365LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYJJJ
        ("$$62936523LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYJJJHH
        ("$$7LOT7", None, "LOT7", None),  # no expiry date
        ("$$9000103291231LOT7", dt.date(2029, 12, 31), "LOT7", None),  # 5-digit quantity first
        ("$$+3291231SN9", dt.date(2029, 12, 31), None, "SN9"),  # serial instead of lot
        ("$+SN9", None, None, "SN9"),
        ("$LOT7", None, "LOT7", None),
        ("29365LOT7", dt.date(2029, 12, 31), "LOT7", None),  # oldest format: Julian date first
        ("$$3291231LOT7/14D20291130", dt.date(2029, 11, 30), "LOT7", None),  # two expiries: earlier
    ],
)
def test_secondary_data_formats(secondary: str, expiry: dt.date | None, lot: str | None,
                                serial: str | None) -> None:
    data = f"+A99912345/{secondary}"
    result = parse_scan(data + check_character(data), as_of=AS_OF)
    assert result.valid, result.errors
    assert (result.expiry_date, result.lot, result.serial) == (expiry, lot, serial)


@pytest.mark.parametrize(
    ("secondary", "expiry", "lot", "serial"),
    [
        ("$$1229LOT7", dt.date(2029, 12, 31), "LOT7", None),  # MMYY
        ("$$2123129LOT7", dt.date(2029, 12, 31), "LOT7", None),  # MMDDYY
        ("$$3291231LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYMMDD
        ("$$429123123LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYMMDDHH
        ("$$529365LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYJJJ
        ("$$62936523LOT7", dt.date(2029, 12, 31), "LOT7", None),  # YYJJJHH
        ("$$7LOT7", None, "LOT7", None),  # no expiry date
        ("$$8053291231LOT7", dt.date(2029, 12, 31), "LOT7", None),  # 2-digit quantity first
        ("$$+3291231SN9", dt.date(2029, 12, 31), None, "SN9"),  # serial instead of lot
        ("$+SN9", None, None, "SN9"),
        ("$LOT7", None, "LOT7", None),
        ("29365LOT7", dt.date(2029, 12, 31), "LOT7", None),  # oldest format: Julian date first
    ],
)
def test_secondary_alone_in_every_date_format_gives_its_dates_and_link(secondary: str, expiry: dt.date | None,
                                                                      lot: str | None, serial: str | None) -> None:
    data = f"+{secondary}Q"  # link character Q: the check character of some primary
    result = parse_scan(data + check_character(data), as_of=AS_OF)
    assert result.valid, result.errors
    assert result.structure == "secondary"
    assert (result.expiry_date, result.lot, result.serial, result.di) == (expiry, lot, serial, None)
    assert ("LINK", "Q") in result.elements


def test_leap_day_julian_366_only_in_leap_years() -> None:
    leap = "+A99912345/$$528366L"
    assert parse_scan(leap + check_character(leap), as_of=AS_OF).expiry_date == dt.date(2028, 12, 31)
    common = "+A99912345/$$529366L"
    assert not parse_scan(common + check_character(common), as_of=AS_OF).valid


def test_unknown_date_flag_after_double_dollar_is_an_error() -> None:
    data = "+A99912345/$$A1"
    assert not parse_scan(data + check_character(data), as_of=AS_OF).valid


def test_lowercase_letters_are_outside_the_hibc_character_set() -> None:
    result = parse_scan("+a999123457", as_of=AS_OF)
    assert not result.valid
    assert "capital letters only" in result.errors[0]


def test_labeler_code_must_start_with_a_letter() -> None:
    data = "+1999123"
    assert not parse_scan(data + check_character(data), as_of=AS_OF).valid


def test_a_space_check_character_trimmed_by_the_scanner_is_tolerated_with_a_warning() -> None:
    data = next(f"+A999{n}1" for n in range(100, 999) if check_character(f"+A999{n}1") == " ")
    assert parse_scan(data + " ", as_of=AS_OF).valid
    trimmed = parse_scan(data, as_of=AS_OF)
    assert trimmed.valid
    assert "space" in trimmed.warnings[0]
