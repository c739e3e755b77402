"""The regulatory clauses MedTrace claims, and the tests that prove each one (the traceability matrix).

A test proves a clause by carrying `@pytest.mark.clause("21 CFR 11.10(e)")` (several marks, or a
module-level `pytestmark`, are fine). `tests/unit/test_clause_matrix.py` fails when a claimed clause has
no test or a test names a clause we do not claim; `medtrace validate` exports the matrix (clause →
feature → test → last result) as a workbook.

The tests are found by reading their source (ast), not by importing them: the matrix can be built on an
installation that does not run the suite, and the last results come from the JUnit XML that `make
test` writes, when it is there.
"""

from __future__ import annotations

import ast
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# clause → (what MedTrace does for it, in English, in Chinese)
CLAIMED: dict[str, tuple[str, str]] = {
    "21 CFR 11.10(a)": ("System validation: IQ/OQ run on the installation", "系统验证：在安装上执行 IQ/OQ"),
    "21 CFR 11.10(b)": ("Accurate and complete copies of records (PDF/XLSX with fingerprint)",
                        "准确完整的记录副本（带数据指纹的 PDF/XLSX）"),
    "21 CFR 11.10(c)": ("Records protected throughout retention (append-only, no delete)",
                        "记录在保存期内受保护（只追加、不可删除）"),
    "21 CFR 11.10(d)": ("Access limited to authorised people (grants, row-level security)",
                        "仅授权人员可访问（授权、行级安全）"),
    "21 CFR 11.10(e)": ("Secure, computer-generated, time-stamped audit trail",
                        "安全的、系统生成的、带时间戳的审计追踪"),
    "21 CFR 11.10(g)": ("Authority checks: two-person release, no self-approval", "权限检查：双人放行，不得自我批准"),
    "21 CFR 11.50": ("Signature manifestation: printed name, date and time, meaning", "签名显示：姓名、日期时间、含义"),
    "21 CFR 11.70": ("Signatures linked to their records, cannot be copied or changed",
                     "签名与记录关联，不可复制或更改"),
    "21 CFR 11.100": ("Signatures unique to one person", "签名唯一对应一人"),
    "21 CFR 11.200": ("Two distinct identification components (password + TOTP)",
                      "两种不同的身份识别要素（密码 + 动态口令）"),
    "21 CFR 11.300": ("Controls for identification codes and passwords (lockout, expiry, reuse)",
                      "身份代码与密码的控制（锁定、到期、防重放）"),
    "Annex 11 §4.5": ("Validated installation: versions, checksums, schema", "经验证的安装：版本、校验和、数据库结构"),
    "Annex 11 §7.1": ("Data secured against damage; durable server settings", "数据防损坏保护；可靠的服务器设置"),
    "Annex 11 §8.1": ("Clear printed copies of electronic records", "电子记录的清晰打印副本"),
    "Annex 11 §9": ("Audit trail of GMP-relevant changes with reasons", "GMP 相关变更的审计追踪及原因"),
    "Annex 11 §12.1": ("Physical and logical controls restrict access", "物理与逻辑控制限制访问"),
    "Annex 11 §14": ("Electronic signatures: same impact as handwritten, linked, dated",
                     "电子签名：与手写签名同等效力，关联且有日期"),
    "Annex 11 §15": ("Batch release by authorised people with electronic signatures", "由授权人员以电子签名放行批次"),
    "NMPA 召回管理办法": ("Recall scope from the forward trace: every consignee at every tier",
                     "基于正向追溯的召回范围：各级收货单位"),
    "ISO 13485 4.2.5": ("Control of records: legible, identifiable, retrievable", "记录控制：清晰、可识别、可检索"),
    "ISO 13485 7.5.8": ("Identification of product (UDI)", "产品标识（UDI）"),
    "ISO 13485 7.5.9": ("Traceability, forward and backward", "可追溯性：正向与反向"),
    "GMP 第二十七条": ("Release by authorised QA after review of records", "经授权质量人员审核记录后放行"),
    "条例 第四十五条": ("Traceable records of purchase and distribution", "可追溯的采购与销售记录"),
    "UDI 规则": ("UDI carriers parsed and checked (GS1, HIBC)", "UDI 载体解析与校验（GS1、HIBC）"),
}


@dataclass(frozen=True)
class ClauseTest:
    clause: str
    test: str  # pytest node id, e.g. tests/unit/test_totp.py::test_rfc_vectors
    path: str


@dataclass(frozen=True)
class MatrixRow:
    clause: str
    feature: str
    test: str
    result: str  # passed | failed | skipped | not run here


def _clauses_of(decorators: Iterable[ast.expr]) -> list[str]:
    found = []
    for node in decorators:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "clause"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.extend(str(a.value) for a in node.args if isinstance(a, ast.Constant))
    return found


def _module_clauses(tree: ast.Module) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, ast.List | ast.Tuple) else [node.value]
            return _clauses_of(values)
    return []


def collect_clause_tests(tests_root: Path) -> list[ClauseTest]:
    """Every (clause, test) pair marked in the test sources under `tests_root` (empty when there are none)."""
    pairs: list[ClauseTest] = []
    if not tests_root.is_dir():
        return pairs
    base = tests_root.parent
    for path in sorted(tests_root.rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        module = _module_clauses(tree)
        rel = path.relative_to(base).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"):
                for clause in dict.fromkeys([*module, *_clauses_of(node.decorator_list)]):
                    pairs.append(ClauseTest(clause, f"{rel}::{node.name}", rel))
    return pairs


def last_results(junit_xml: Path) -> dict[str, str]:
    """test node id (without parameters) → passed | failed | skipped, from pytest's JUnit XML."""
    if not junit_xml.is_file():
        return {}
    results: dict[str, str] = {}
    # The file is this installation's own build output (make test), not data from outside.
    for case in ET.parse(junit_xml).getroot().iter("testcase"):  # noqa: S314
        classname, name = case.get("classname", ""), case.get("name", "").split("[")[0]
        node = classname.replace(".", "/") + ".py::" + name
        outcome = ("failed" if case.find("failure") is not None or case.find("error") is not None
                   else "skipped" if case.find("skipped") is not None else "passed")
        if results.get(node) != "failed":  # one failing parameter fails the test
            results[node] = outcome
    return results


def traceability_matrix(tests_root: Path, junit_xml: Path, *, language: str = "en") -> list[MatrixRow]:
    """One row per (claimed clause, test); a claimed clause with no test gets a row that says so."""
    pairs = collect_clause_tests(tests_root)
    results = last_results(junit_xml)
    rows = []
    for clause, (feature_en, feature_zh) in CLAIMED.items():
        feature = feature_zh if language == "zh_CN" else feature_en
        tests = [p.test for p in pairs if p.clause == clause]
        if not tests:
            rows.append(MatrixRow(clause, feature, "—", "no test"))
        for test in sorted(set(tests)):
            rows.append(MatrixRow(clause, feature, test, results.get(test, "not run here")))
    return rows
