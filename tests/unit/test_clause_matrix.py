"""Every regulatory clause we claim is proven by at least one test, and no test cites an unclaimed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.clauses import CLAIMED, collect_clause_tests, last_results, traceability_matrix

TESTS = Path(__file__).resolve().parents[1]


@pytest.mark.clause("21 CFR 11.10(a)")
def test_every_claimed_clause_has_a_test() -> None:
    proven = {pair.clause for pair in collect_clause_tests(TESTS)}
    assert sorted(set(CLAIMED) - proven) == []


def test_no_test_cites_a_clause_we_do_not_claim() -> None:
    cited = {pair.clause: pair.test for pair in collect_clause_tests(TESTS)}
    assert {c: t for c, t in cited.items() if c not in CLAIMED} == {}


def test_the_issue_list_of_clauses_is_claimed() -> None:
    required = ("21 CFR 11.10(a)", "21 CFR 11.50", "21 CFR 11.70", "21 CFR 11.100", "21 CFR 11.200", "21 CFR 11.300",
                "ISO 13485 4.2.5", "ISO 13485 7.5.8", "ISO 13485 7.5.9", "NMPA 召回管理办法", "GMP 第二十七条",
                "条例 第四十五条", "UDI 规则")
    assert [c for c in required if c not in CLAIMED] == []


def test_a_module_mark_and_a_function_mark_both_count_and_results_come_from_junit(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_x.py").write_text(
        'import pytest\npytestmark = pytest.mark.clause("21 CFR 11.50")\n\n'
        '@pytest.mark.clause("21 CFR 11.70")\ndef test_a():\n    pass\n\ndef test_b():\n    pass\n')
    (tmp_path / "junit.xml").write_text(
        '<testsuites><testsuite><testcase classname="tests.test_x" name="test_a"/>'
        '<testcase classname="tests.test_x" name="test_b"><failure message="x"/></testcase></testsuite></testsuites>')
    pairs = {(p.clause, p.test) for p in collect_clause_tests(tests)}
    assert pairs == {("21 CFR 11.50", "tests/test_x.py::test_a"), ("21 CFR 11.70", "tests/test_x.py::test_a"),
                     ("21 CFR 11.50", "tests/test_x.py::test_b")}
    assert last_results(tmp_path / "junit.xml") == {"tests/test_x.py::test_a": "passed",
                                                    "tests/test_x.py::test_b": "failed"}
    rows = traceability_matrix(tests, tmp_path / "junit.xml")
    assert ("21 CFR 11.50", "tests/test_x.py::test_b", "failed") in {(r.clause, r.test, r.result) for r in rows}
    assert any(r.clause == "21 CFR 11.10(e)" and r.result == "no test" for r in rows)
