"""Property tests: fields written in each syntax read back the same; arbitrary text never breaks parsing."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.udi import ScanResult, parse_scan
from app.udi.hibcc import check_character
from app.udi.scan import INTERNAL_FAILURE
from tests.unit.udi.conftest import AS_OF, GS

# GS1 General Specifications §7.11 figure 7.11-1: character set 82, allowed in AI 10 and 21.
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
UPPER_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Two-digit years are read within -49..+50 years of AS_OF (GS1 Gen Specs §7.12).
WINDOW = {"min_value": dt.date(1977, 1, 1), "max_value": dt.date(2076, 12, 31)}
EXAMPLES = settings(database=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Fields:
    gtin: str
    lot: str | None
    serial: str | None
    production_date: dt.date | None
    expiry_date: dt.date | None


gtins = st.text("0123456789", min_size=13, max_size=13).filter(lambda p: p.strip("0")).map(
    lambda p: p + str(gs1_standard_check_digit(p)))
gs1_fields = st.builds(
    Fields,
    gtin=gtins,
    lot=st.none() | st.text(CSET82, min_size=1, max_size=20),
    serial=st.none() | st.text(CSET82, min_size=1, max_size=20),
    production_date=st.none() | st.dates(**WINDOW),
    expiry_date=st.none() | st.dates(**WINDOW),
)


def _yymmdd(date: dt.date) -> str:
    return date.strftime("%y%m%d")


def as_element_string(fields: Fields) -> str:
    """Predefined-length AIs first, GS after a variable-length field that is not last (Gen Specs §7.8.5)."""
    text = "01" + fields.gtin
    if fields.production_date:
        text += "11" + _yymmdd(fields.production_date)
    if fields.expiry_date:
        text += "17" + _yymmdd(fields.expiry_date)
    if fields.lot:
        text += "10" + fields.lot + (GS if fields.serial else "")
    if fields.serial:
        text += "21" + fields.serial
    return text


def as_hri(fields: Fields) -> str:
    parts = [("01", fields.gtin), ("11", fields.production_date), ("17", fields.expiry_date),
             ("10", fields.lot), ("21", fields.serial)]
    return "".join(f"({ai})" + (_yymmdd(v) if isinstance(v, dt.date) else v) for ai, v in parts if v)


def as_digital_link(fields: Fields) -> str:
    path = f"/01/{fields.gtin}"
    if fields.lot:
        path += "/10/" + quote(fields.lot, safe="")
    if fields.serial:
        path += "/21/" + quote(fields.serial, safe="")
    query = "&".join(f"{ai}={_yymmdd(v)}" for ai, v in (("11", fields.production_date),
                                                          ("17", fields.expiry_date)) if v)
    return f"https://id.gs1.org{path}" + (f"?{query}" if query else "")


def read_back(result: ScanResult) -> Fields:
    assert result.valid, result.errors
    assert result.gtin is not None
    return Fields(result.gtin, result.lot, result.serial, result.production_date, result.expiry_date)


@EXAMPLES
@given(gs1_fields)
def test_fields_written_as_element_string_read_back_the_same(fields: Fields) -> None:
    assert read_back(parse_scan(as_element_string(fields), as_of=AS_OF)) == fields


@EXAMPLES
@given(gs1_fields, st.sampled_from(["]C1", "]d2", "]Q3", "]e0"]))
def test_fields_behind_a_symbology_identifier_read_back_the_same(fields: Fields, identifier: str) -> None:
    assert read_back(parse_scan(identifier + as_element_string(fields), as_of=AS_OF)) == fields


@EXAMPLES
@given(gs1_fields)
def test_fields_written_as_hri_read_back_the_same(fields: Fields) -> None:
    # "(12)" inside a lot is itself a known AI in HRI, which the HRI form cannot tell apart (documented).
    assume(not re.search(r"\(\d{2,4}\)", (fields.lot or "") + (fields.serial or "")))
    result = parse_scan(as_hri(fields), as_of=AS_OF)
    assert read_back(result) == fields
    assert result.hri == as_hri(fields)


@EXAMPLES
@given(gs1_fields)
def test_fields_written_as_digital_link_read_back_the_same(fields: Fields) -> None:
    assert read_back(parse_scan(as_digital_link(fields), as_of=AS_OF)) == fields


@EXAMPLES
@given(
    lic=st.builds(lambda a, b: a + b, st.sampled_from(UPPER_ALNUM[10:]), st.text(UPPER_ALNUM, min_size=3,
                                                                                max_size=3)),
    product=st.text(UPPER_ALNUM, min_size=1, max_size=18),
    unit=st.sampled_from("0123456789"),
    lot=st.text(UPPER_ALNUM, min_size=1, max_size=18),
    expiry=st.dates(**WINDOW),
    date_format=st.sampled_from(["2", "3", "5"]),
)
def test_hibc_fields_read_back_the_same(lic: str, product: str, unit: str, lot: str, expiry: dt.date,
                                        date_format: str) -> None:
    written = {"2": expiry.strftime("%m%d%y"), "3": _yymmdd(expiry), "5": expiry.strftime("%y%j")}
    data = f"+{lic}{product}{unit}/$${date_format}{written[date_format]}{lot}"
    result = parse_scan(data + check_character(data), as_of=AS_OF)
    assert result.valid, result.errors
    assert (result.di, result.lot, result.expiry_date) == (lic + product + unit, lot, expiry)


@EXAMPLES
@given(
    registrant=st.text("0123456789", min_size=6, max_size=6),
    product=st.text(UPPER_ALNUM + "abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14),
    lot=st.text(UPPER_ALNUM, min_size=1, max_size=20),
    serial=st.text(UPPER_ALNUM, min_size=1, max_size=20),
    production=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
    valid_until=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31)),
)
def test_ma_fields_read_back_the_same(registrant: str, product: str, lot: str, serial: str,
                                      production: dt.date, valid_until: dt.date) -> None:
    code = (f"MA.156.M0.{registrant}.{product}.L{lot}.S{serial}.M{production:%Y%m%d}"
            f".V{valid_until:%Y%m%d}")
    result = parse_scan(code, as_of=AS_OF)
    assert result.valid, result.errors
    assert (result.di, result.lot, result.serial) == (f"MA.156.M0.{registrant}.{product}", lot, serial)
    assert (result.production_date, result.expiry_date) == (production, valid_until)


# -- fuzz: no input may crash the parser ---------------------------------------------------------

_GRAMMAR = "0123456789()+$/.*]dCQeAMLSEVDhtps:%#- " + GS + "\r\n\x00"
_PREFIXES = ["", "]d2", "]C1", "]Q1", "+", "*+", "+A999", "MA.156.M0.123456.", "https://id.gs1.org/01/",
             "http://", "(01)", "(17)", "01", "0109501101020917", "10", "17", "7003"]
scans = st.one_of(
    st.text(),
    st.text(alphabet=_GRAMMAR),
    st.binary().map(lambda raw: raw.decode("latin-1")),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(_PREFIXES),
              st.text(alphabet=_GRAMMAR) | st.text()),
)


_CJK = re.compile("[\u4e00-\u9fff]")


def _never_breaks(scan: str, as_of: dt.date) -> None:
    result = parse_scan(scan, as_of=as_of)
    assert isinstance(result, ScanResult)
    assert result.raw == scan
    assert not any(error.startswith(INTERNAL_FAILURE) for error in result.errors), result.errors
    document = json.loads(json.dumps(result.as_json(), ensure_ascii=False))
    assert document["valid"] is (not document["errors"])
    assert set(document) == {"valid", "agency", "gtin", "di", "lot", "serial", "production_date",
                             "expiry_date", "elements", "hri", "errors", "warnings", "raw",
                             "error_messages", "warning_messages"}
    # every sentence has its catalogue id, one for one, and that id fills in Chinese (no English fallback)
    assert [m.text for m in result.error_messages] == list(result.errors)
    assert [m.text for m in result.warning_messages] == list(result.warnings)
    for text in result.rendered_errors("zh_CN") + result.rendered_warnings("zh_CN"):
        assert _CJK.search(text), text


@settings(database=None, max_examples=300, deadline=None)
@given(scans, st.dates())
def test_arbitrary_text_never_raises_and_always_gives_the_full_json_shape(scan: str, as_of: dt.date) -> None:
    _never_breaks(scan, as_of)


@pytest.mark.slow
@settings(database=None, max_examples=20_000, deadline=None)
@given(scans, st.dates())
def test_arbitrary_text_never_raises_long_run(scan: str, as_of: dt.date) -> None:
    _never_breaks(scan, as_of)


@pytest.mark.parametrize("not_text", [b"0109501101020917", None, 12345])
def test_calling_with_something_other_than_text_is_a_programming_error(not_text: object) -> None:
    from app.udi import UdiUsageError

    with pytest.raises(UdiUsageError):
        parse_scan(not_text, as_of=AS_OF)  # type: ignore[arg-type] — the misuse under test
