"""`medtrace udi parse`: exit codes and the JSON document of DESIGN §6."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from tests.unit.udi.conftest import GS

KEYS = {"valid", "agency", "gtin", "di", "lot", "serial", "production_date", "expiry_date", "elements",
        "hri", "errors", "warnings", "raw", "error_messages", "warning_messages"}


def _run(capsys: pytest.CaptureFixture[str], scan: str) -> tuple[int, dict]:
    code = main(["udi", "parse", scan, "--json", "--as-of", "2026-01-01"])
    return code, json.loads(capsys.readouterr().out)


def test_valid_gs1_scan_exits_0_with_the_documented_json(capsys: pytest.CaptureFixture[str]) -> None:
    scan = f"]d20109501101020917172905081" f"0ABCD1234{GS}21SN1"
    code, document = _run(capsys, scan)
    assert code == 0
    assert set(document) == KEYS
    assert document == {
        "valid": True, "agency": "GS1", "gtin": "09501101020917", "di": None, "lot": "ABCD1234",
        "serial": "SN1", "production_date": None, "expiry_date": "2029-05-08",
        "elements": [["01", "09501101020917"], ["17", "290508"], ["10", "ABCD1234"], ["21", "SN1"]],
        "hri": "(01)09501101020917(17)290508(10)ABCD1234(21)SN1", "errors": [], "warnings": [],
        "raw": scan, "error_messages": [], "warning_messages": [],
    }


def test_invalid_scan_exits_2_with_its_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = _run(capsys, "0109501101020918")
    assert code == 2
    assert set(document) == KEYS
    assert document["valid"] is False
    assert "check digit" in document["errors"][0]


def test_hibcc_scan_reports_di_and_a_null_gtin(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = _run(capsys, "+A99912345/$$52001510X33")
    assert code == 0
    assert (document["agency"], document["di"], document["gtin"]) == ("HIBCC", "A99912345", None)
    assert document["warnings"] == ["Expired on 2020-01-15 (judged on 2026-01-01)."]


def test_expired_product_is_still_a_valid_scan(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = _run(capsys, "(01)09501101020917(17)251231")
    assert (code, document["expiry_date"]) == (0, "2025-12-31")


def test_human_text_output_names_the_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["udi", "parse", "(01)09501101020917(10)L1", "--as-of", "2026-01-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert "gtin: 09501101020917" in out and "lot: L1" in out
