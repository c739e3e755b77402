"""The one permission matrix: group role × table × privilege, and group role × controlled function.

The identity migration grants exactly this in PostgreSQL, the GUI enables actions from it, and
tests/integration/test_permission_matrix.py proves, as a person of each group through raw SQL, that
the database allows exactly what this says — no more, no less (DESIGN §3: the database is the boundary).

Segregation of duties (21 CFR 11.10(g), Annex 11 §12): administrators manage people (and the company
profile on every report header) but change no quality record; nobody deletes a GMP record; lot status
changes only through controlled functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

GROUPS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse", "auditor", "admin")

GROUP_TITLES = {
    "qa_reviewer": ("QA reviewer", "质量审核员"),
    "qa_approver": ("QA approver", "质量放行人"),
    "regulatory": ("Regulatory affairs", "法规事务"),
    "warehouse": ("Warehouse and production", "仓储与生产"),
    "auditor": ("Auditor (read-only)", "审计员（只读）"),
    "admin": ("Administrator", "系统管理员"),
}

GMP_TABLES = (
    "product", "party", "lot", "serial_unit", "qc_result", "deviation", "genealogy_edge", "movement",
    "expiry_alert", "shelf_life_override", "expiry_policy",
    "recall_case", "recall_lot", "recall_consignee", "recall_line", "recall_containment", "recall_return",
    "recall_signature", "recall_check", "work_calendar", "company_profile",
)
READ_ONLY_VIEWS = ("stock_on_hand",)
# A recall's frozen scope (migration 0007): written once, in the opening transaction, never changed
# (triggers refuse it) and covered by the opener's signature over its digest, so it is not copied row by
# row into the audit trail (a hub lot's scope is ~150 k rows).
FROZEN_SNAPSHOTS = ("recall_lot", "recall_containment")

_READ_ALL = {table: frozenset({"SELECT"}) for table in (*GMP_TABLES, *READ_ONLY_VIEWS)}


def _with(**extra: Iterable[str]) -> dict[str, frozenset[str]]:
    grants = dict(_READ_ALL)
    for table, privileges in extra.items():
        grants[table] = grants.get(table, frozenset()) | frozenset(privileges)
    return grants


# Privileges on tables. UPDATE on lot is column-limited (see LOT_UPDATE_COLUMNS): status is never
# written directly, only by the release/recall functions.
TABLE_GRANTS: dict[str, dict[str, frozenset[str]]] = {
    "qa_reviewer": _with(qc_result={"INSERT", "UPDATE"}, deviation={"INSERT", "UPDATE"}),
    "qa_approver": _with(deviation={"UPDATE"}),
    "regulatory": _with(product={"INSERT", "UPDATE"}, party={"INSERT", "UPDATE"}),
    "warehouse": _with(
        lot={"INSERT", "UPDATE"},
        serial_unit={"INSERT"},
        genealogy_edge={"INSERT"},
        movement={"INSERT"},
        party={"INSERT"},
    ),
    "auditor": _with(),
    # The company profile (0012) is the workstation's legal identity on every report, configured by the
    # administrator like the people; it is no quality record, so segregation of duties stands.
    "admin": _with(company_profile={"INSERT", "UPDATE"}),
}

LOT_UPDATE_COLUMNS = ("production_date", "expiry_date", "quantity")

_RECALL_WORKERS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse")

# Controlled functions (SECURITY DEFINER) and who may call them. `medtrace_person` is every person.
FUNCTION_GRANTS: dict[str, tuple[str, ...]] = {
    "mt_verify_totp(text, integer)": ("medtrace_person",),
    "mt_resume_session(text)": ("medtrace_person",),
    "mt_touch_session(text)": ("medtrace_person",),
    "mt_end_session(text)": ("medtrace_person",),
    "mt_my_account()": ("medtrace_person",),
    "mt_activate(text, text, text, bytea, bytea, jsonb)": ("medtrace_person",),
    "mt_change_password(text, bytea, jsonb)": ("medtrace_person",),
    "mt_my_signing_key()": ("medtrace_person",),
    "mt_people()": ("admin",),
    "mt_create_person(text, text, text[])": ("admin",),
    "mt_set_groups(text, text[])": ("admin",),
    "mt_lock_person(text, text)": ("admin",),
    "mt_unlock_person(text)": ("admin",),
    "mt_reset_person(text)": ("admin",),
    "mt_security_alerts()": ("admin",),
    "mt_acknowledge_alert(bigint)": ("admin",),
    "mt_record_login_failure(text)": ("medtrace_gate",),
    # Expiry management (0006): the daily job runs for whoever is signed in; the database decides.
    "mt_expiry_run()": ("medtrace_person",),
    "mt_acknowledge_expiry_alert(bigint, text, text)": ("qa_reviewer", "qa_approver", "regulatory", "warehouse"),
    "mt_authorise_shelf_life_override(bigint, bigint, text)": ("qa_approver",),
    "mt_set_expiry_policy(integer, text, text)": ("qa_approver",),
    # Recalls and drills (0007): regulatory affairs and QA approvers open, sign and close; the people
    # who work the consignee list record notifications, acknowledgements, returns and checks.
    "mt_is_working_day(date)": ("medtrace_person",),
    "mt_add_working_days(date, integer)": ("medtrace_person",),
    "mt_recall_canonical(bigint)": ("medtrace_person",),
    "mt_recall_outstanding(bigint)": ("medtrace_person",),
    "mt_set_work_day(date, boolean, text, text)": ("admin", "regulatory"),
    "mt_open_recall(text, integer, bigint[], jsonb, text, text)": ("qa_approver", "regulatory"),
    "mt_sign_recall(bigint, text, bytea, bytea, bigint)": ("qa_approver", "regulatory"),
    "mt_recall_signing_content(bigint)": ("qa_approver", "regulatory"),  # 0010: what the signer signs
    "mt_recall_draw_checks(bigint, text)": ("qa_approver", "regulatory"),
    "mt_recall_notify(bigint, bigint, text)": _RECALL_WORKERS,
    "mt_recall_ack(bigint, bigint)": _RECALL_WORKERS,
    "mt_recall_return(bigint, bigint, bigint, bigint)": _RECALL_WORKERS,
    "mt_recall_record_check(bigint, bigint, text, text)": _RECALL_WORKERS,
}


@dataclass(frozen=True)
class Action:
    """Something a person does in the GUI, and the database privilege it needs."""

    table: str | None = None
    privilege: str | None = None
    function: str | None = None


ACTIONS = {
    "view_records": Action(table="lot", privilege="SELECT"),
    "create_lot": Action(table="lot", privilege="INSERT"),
    "edit_lot": Action(table="lot", privilege="UPDATE"),
    "record_movement": Action(table="movement", privilege="INSERT"),
    "record_genealogy": Action(table="genealogy_edge", privilege="INSERT"),
    "edit_product": Action(table="product", privilege="UPDATE"),
    "create_product": Action(table="product", privilege="INSERT"),
    "edit_party": Action(table="party", privilege="UPDATE"),
    "edit_company_profile": Action(table="company_profile", privilege="UPDATE"),
    "record_qc_result": Action(table="qc_result", privilege="INSERT"),
    "raise_deviation": Action(table="deviation", privilege="INSERT"),
    "close_deviation": Action(table="deviation", privilege="UPDATE"),
    "manage_people": Action(function="mt_create_person(text, text, text[])"),
    "see_security_alerts": Action(function="mt_security_alerts()"),
    "acknowledge_expiry_alert": Action(function="mt_acknowledge_expiry_alert(bigint, text, text)"),
    "authorise_shelf_life_override": Action(function="mt_authorise_shelf_life_override(bigint, bigint, text)"),
    "set_expiry_policy": Action(function="mt_set_expiry_policy(integer, text, text)"),
    "open_recall": Action(function="mt_open_recall(text, integer, bigint[], jsonb, text, text)"),
    "work_recall": Action(function="mt_recall_notify(bigint, bigint, text)"),
    "edit_work_calendar": Action(function="mt_set_work_day(date, boolean, text, text)"),
}


def may(groups: Iterable[str], action: str) -> bool:
    """Whether a person in these group roles may do `action` (mirrors the database grants)."""
    rule = ACTIONS[action]
    groups = set(groups)
    if rule.function is not None:
        return bool(groups & set(FUNCTION_GRANTS[rule.function]))
    assert rule.table is not None and rule.privilege is not None
    return any(rule.privilege in TABLE_GRANTS[g].get(rule.table, frozenset()) for g in groups & set(GROUPS))
