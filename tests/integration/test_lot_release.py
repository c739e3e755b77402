"""Two-person electronic release, enforced by PostgreSQL; signatures that cannot be forged or moved."""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
import pytest

from app.db.engine import Database
from app.db.uow import UnitOfWork
from app.errors import InvalidCredentials, InvalidInput
from app.services.lot_release import lot_checklist, lot_signatures, sign_lots
from tests.conftest import Person
from tests.factories import gtin14

# These tests commit through the owner connection; the lots they make are removed afterwards.
pytestmark = pytest.mark.usefixtures("committed")

_lots = iter(range(1, 10_000))


def make_release_ready_lot(owner: psycopg.Connection, *, qc_passed: bool = True, open_deviation: bool = False) -> int:
    """A lot created by someone else (the owner), with QC and deviations, still in quarantine."""
    n = next(_lots)
    product = owner.execute(
        "INSERT INTO product (agency, di, name, name_en, risk_class, shelf_life_days) "
        "VALUES ('GS1', %s, '一次性使用输液器', 'Infusion set', 'II', 1095) RETURNING id",
        (gtin14(f"0697{n:09d}"),),
    ).fetchone()[0]
    lot_id = owner.execute(
        "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity) "
        "VALUES (%s, %s, '2026-10-01', '2029-09-30', 500) RETURNING id", (product, f"R{n:05d}")
    ).fetchone()[0]
    owner.execute("INSERT INTO qc_result (lot_id, test_name, specification, result, passed, tested_on) "
                  "VALUES (%s, '无菌 Sterility', '无菌', '无菌', true, '2026-10-05'), "
                  "(%s, '外观 Appearance', '无破损', %s, %s, '2026-10-05')",
                  (lot_id, lot_id, "无破损" if qc_passed else "破损", qc_passed))
    if open_deviation:
        owner.execute("INSERT INTO deviation (lot_id, number, title, opened_on) VALUES (%s, %s, '灭菌温度偏差', "
                      "'2026-10-03')", (lot_id, f"DEV-{n}"))
    return lot_id


def prepare_checklist(person: Person, lot_id: int) -> None:
    """What the reviewer does before signing: scan the label, review the audit trail."""
    with person.verified_connection() as conn:
        lot_no = conn.execute("SELECT lot_no FROM lot WHERE id = %s", (lot_id,)).fetchone()[0]
        conn.execute("SELECT mt_record_label_verification(%s, %s, true, '{}')", (lot_id, f"]C1...10{lot_no}"))
        conn.execute("SELECT mt_mark_audit_reviewed(%s)", (lot_id,))


def status_of(owner: psycopg.Connection, lot_id: int) -> str:
    return owner.execute("SELECT status FROM lot WHERE id = %s", (lot_id,)).fetchone()[0]


def sign(database: Database, person: Person, lot_ids: list[int], meaning: str, reason: str | None = None):
    return sign_lots(database.connect_args, login=person.login, password=person.password, code=person.next_code(),
                     lot_ids=lot_ids, meaning=meaning, reason=reason)


@pytest.fixture
def reviewer(make_person) -> Person:
    return make_person("qa_reviewer")


@pytest.fixture
def approver(make_person) -> Person:
    return make_person("qa_approver")


@pytest.mark.clause("21 CFR 11.50")
@pytest.mark.clause("Annex 11 §14")
@pytest.mark.clause("GMP 第二十七条")
@pytest.mark.clause("Annex 11 §15")
def test_a_reviewer_then_an_approver_release_a_lot_with_both_manifestations(
    database: Database, owner_conn, reviewer: Person, approver: Person
) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    assert sign(database, reviewer, [lot_id], "reviewed").all_signed
    assert status_of(owner_conn, lot_id) == "under_review"
    assert sign(database, approver, [lot_id], "approved").all_signed
    assert status_of(owner_conn, lot_id) == "released"
    with UnitOfWork.for_engine(database.engine) as uow:
        signatures = lot_signatures(uow, lot_id=lot_id)
    assert [(s.meaning, s.signer, s.status) for s in signatures] == [
        ("reviewed", reviewer.login, "valid"), ("approved", approver.login, "valid")]
    assert all(s.printed_name.startswith("测试用户") and s.signed_at.tzinfo for s in signatures)


@pytest.mark.clause("21 CFR 11.10(g)")
@pytest.mark.clause("GMP 第二十七条")
def test_the_same_person_cannot_review_and_approve(database: Database, owner_conn, make_person) -> None:
    both = make_person("qa_reviewer", "qa_approver")
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(both, lot_id)
    assert sign(database, both, [lot_id], "reviewed").all_signed
    result = sign(database, both, [lot_id], "approved")
    assert not result.all_signed
    assert "cannot be approved by the person who reviewed it" in result.outcomes[0].error
    assert status_of(owner_conn, lot_id) == "under_review"


def test_a_chinese_reader_is_told_in_chinese_why_the_reviewer_cannot_approve(
        database: Database, owner_conn, make_person, chinese) -> None:
    both = make_person("qa_reviewer", "qa_approver")
    lot_id = make_release_ready_lot(owner_conn)
    lot_no = owner_conn.execute("SELECT lot_no FROM lot WHERE id = %s", (lot_id,)).fetchone()[0]
    prepare_checklist(both, lot_id)
    assert sign(database, both, [lot_id], "reviewed").all_signed
    error = sign(database, both, [lot_id], "approved").outcomes[0].error
    assert error == f"批次 {lot_no} 不能由审核人本人批准。\n双人复核：必须由另一位质量批准人批准。"


def test_the_release_checklist_speaks_the_readers_language(database: Database, owner_conn) -> None:
    lot_id = make_release_ready_lot(owner_conn, qc_passed=False, open_deviation=True)
    with UnitOfWork.for_engine(database.engine) as uow:
        items = {i.item: i for i in lot_checklist(uow, lot_id=lot_id)}
    assert items["qc_results"].text("zh_CN") == "2 项检验结果中有 1 项不合格：外观 Appearance。"
    assert items["qc_results"].text("en") == items["qc_results"].detail
    assert items["deviations"].text("zh_CN").startswith("有 1 项未关闭的偏差：DEV-")
    assert items["label_verified"].text("zh_CN") == "尚未扫描印刷标签并与批次信息核对。"
    assert items["audit_trail_reviewed"].text("zh_CN") == "该批次的审计追踪尚未复核。"


def test_the_creator_of_a_lot_cannot_sign_its_release(database: Database, owner_conn, make_person) -> None:
    person = make_person("qa_reviewer", "warehouse")
    product = owner_conn.execute("SELECT product_id FROM lot WHERE id = %s",
                                 (make_release_ready_lot(owner_conn),)).fetchone()[0]
    with person.verified_connection() as conn:
        lot_id = conn.execute("INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity) "
                              "VALUES (%s, 'OWN-1', '2026-10-01', '2027-10-01', 5) RETURNING id",
                              (product,)).fetchone()[0]
    result = sign(database, person, [lot_id], "reviewed")
    assert "cannot be signed for release by the person who created it" in result.outcomes[0].error


def test_an_incomplete_checklist_is_refused_with_each_unmet_item(database: Database, owner_conn, reviewer) -> None:
    lot_id = make_release_ready_lot(owner_conn, qc_passed=False, open_deviation=True)
    with UnitOfWork.for_engine(database.engine) as uow:
        items = {i.item: i for i in lot_checklist(uow, lot_id=lot_id)}
    assert not items["qc_results"].ok and "out of specification" in items["qc_results"].detail
    assert not items["deviations"].ok and "DEV-" in items["deviations"].detail
    assert not items["label_verified"].ok and not items["audit_trail_reviewed"].ok
    result = sign(database, reviewer, [lot_id], "reviewed")
    assert "checklist of lot" in result.outcomes[0].error and "out of specification" in result.outcomes[0].error


def test_a_change_after_the_review_reopens_the_audit_review(database: Database, owner_conn, reviewer) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    owner_conn.execute("BEGIN")
    owner_conn.execute("SELECT set_config('medtrace.reason', 'late QC entry', true)")
    owner_conn.execute("INSERT INTO qc_result (lot_id, test_name, specification, result, passed, tested_on) "
                       "VALUES (%s, '密封性 Seal', '无泄漏', '无泄漏', true, '2026-10-06')", (lot_id,))
    owner_conn.execute("COMMIT")
    with UnitOfWork.for_engine(database.engine) as uow:
        items = {i.item: i for i in lot_checklist(uow, lot_id=lot_id)}
    assert not items["audit_trail_reviewed"].ok
    assert "changed after its audit trail was reviewed" in items["audit_trail_reviewed"].detail


@pytest.mark.clause("21 CFR 11.10(g)")
@pytest.mark.clause("21 CFR 11.70")
def test_nobody_can_release_around_the_signatures(database: Database, owner_conn, reviewer, make_person) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    warehouse = make_person("warehouse")
    with warehouse.verified_connection() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE lot SET status = 'released' WHERE id = %s", (lot_id,))
    with reviewer.verified_connection() as conn:
        with pytest.raises(psycopg.Error, match="not made with your current signing key"):
            conn.execute("SELECT mt_sign_lot(%s, 'reviewed', %s, %s, -1, NULL)", (lot_id, b"\0" * 32, b"\0" * 64))
        key_id = conn.execute("SELECT key_id FROM mt_my_signing_key()").fetchone()[0]
        with pytest.raises(psycopg.Error, match="changed while you were signing"):
            conn.execute("SELECT mt_sign_lot(%s, 'reviewed', %s, %s, %s, NULL)",
                         (lot_id, b"\0" * 32, b"\0" * 64, key_id))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO lot_signature (lot_id, cycle, meaning, printed_name, signer_roles, "
                         "content_digest, signing_key_id, signature) SELECT %s, 1, 'approved', 'x', "
                         "ARRAY['qa_approver'], mt_lot_digest(%s), 1, repeat('a', 64)::bytea", (lot_id, lot_id))
    # Even the database superuser, with triggers on, cannot set the status by hand.
    owner_conn.execute("BEGIN")
    owner_conn.execute("SELECT set_config('medtrace.reason', 'urgent shipment', true)")
    with pytest.raises(psycopg.Error, match="cannot become released without an electronic signature"):
        owner_conn.execute("UPDATE lot SET status = 'released' WHERE id = %s", (lot_id,))
    owner_conn.execute("ROLLBACK")
    owner_conn.execute("BEGIN")
    owner_conn.execute("SELECT set_config('medtrace.transition', 'signed', true)")
    owner_conn.execute("SELECT set_config('medtrace.reason', 'urgent shipment', true)")
    with pytest.raises(psycopg.Error, match="needs a valid review and a valid approval"):
        owner_conn.execute("UPDATE lot SET status = 'released' WHERE id = %s", (lot_id,))
    owner_conn.execute("ROLLBACK")


def test_editing_a_signed_field_as_superuser_shows_changed_after_signing(
    database: Database, owner_conn, reviewer, approver
) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    sign(database, reviewer, [lot_id], "reviewed")
    sign(database, approver, [lot_id], "approved")
    owner_conn.execute("BEGIN")
    owner_conn.execute("SELECT set_config('medtrace.reason', 'typo', true)")
    owner_conn.execute("UPDATE lot SET expiry_date = expiry_date + 365 WHERE id = %s", (lot_id,))
    owner_conn.execute("COMMIT")
    with UnitOfWork.for_engine(database.engine) as uow:
        assert {s.status for s in lot_signatures(uow, lot_id=lot_id)} == {"changed_after_signing"}
    owner_conn.execute("UPDATE lot_signature SET signature = signature WHERE false")  # triggers forbid real edits
    with pytest.raises(psycopg.Error, match="cannot be changed or removed"):
        owner_conn.execute("UPDATE lot_signature SET printed_name = 'Someone else' WHERE lot_id = %s", (lot_id,))


@pytest.mark.clause("21 CFR 11.70")
@pytest.mark.clause("21 CFR 11.100")
@pytest.mark.clause("Annex 11 §14")
def test_a_forged_signature_row_does_not_verify(database: Database, owner_conn, reviewer, approver) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    sign(database, reviewer, [lot_id], "reviewed")
    owner_conn.execute("BEGIN")
    owner_conn.execute("SET LOCAL session_replication_role = replica")  # a DBA bypassing every trigger
    owner_conn.execute("UPDATE lot_signature SET signer = %s WHERE lot_id = %s", (approver.login, lot_id))
    owner_conn.execute("COMMIT")
    with UnitOfWork.for_engine(database.engine) as uow:
        assert [s.status for s in lot_signatures(uow, lot_id=lot_id)] == ["invalid"]


@pytest.mark.clause("21 CFR 11.200")
@pytest.mark.clause("21 CFR 11.300")
def test_a_wrong_or_reused_code_is_refused_with_a_clear_message(database: Database, owner_conn, reviewer) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    with pytest.raises(InvalidCredentials, match="not correct"):
        sign_lots(database.connect_args, login=reviewer.login, password=reviewer.password, code="000000",
                  lot_ids=[lot_id], meaning="reviewed")
    used = reviewer.next_code()
    with reviewer.connect() as conn:
        conn.execute("SELECT * FROM mt_verify_totp(%s, 15)", (used,))
    with pytest.raises(InvalidCredentials, match="already been used"):
        sign_lots(database.connect_args, login=reviewer.login, password=reviewer.password, code=used,
                  lot_ids=[lot_id], meaning="reviewed")
    assert status_of(owner_conn, lot_id) == "quarantine"


def test_one_ceremony_signs_several_lots_each_with_its_own_checks(database, owner_conn, reviewer) -> None:
    ready = [make_release_ready_lot(owner_conn) for _ in range(3)]
    not_ready = make_release_ready_lot(owner_conn, qc_passed=False)
    for lot_id in ready:
        prepare_checklist(reviewer, lot_id)
    result = sign(database, reviewer, [*ready, not_ready], "reviewed")
    assert [o.signed for o in result.outcomes] == [True, True, True, False]
    ids = owner_conn.execute("SELECT lot_id FROM lot_signature WHERE lot_id = ANY(%s) ORDER BY lot_id",
                             ([*ready, not_ready],)).fetchall()
    assert [i for (i,) in ids] == sorted(ready)


@pytest.mark.clause("Annex 11 §7.1")
def test_killing_the_connection_mid_signing_leaves_nothing_half_done(database, owner_conn, reviewer) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    blocker = database.raw_connection()
    blocker.execute("BEGIN")
    blocker.execute("SELECT 1 FROM lot WHERE id = %s FOR UPDATE", (lot_id,))  # the signer will wait here
    results = []
    worker = threading.Thread(target=lambda: results.append(sign(database, reviewer, [lot_id], "reviewed")))
    worker.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = owner_conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'", (reviewer.login,)
        ).fetchall()
        if waiting:
            break
        time.sleep(0.05)
    assert waiting, "the signing ceremony never reached the lot lock"
    owner_conn.execute("SELECT pg_terminate_backend(%s)", (waiting[0][0],))
    worker.join(10)
    blocker.execute("ROLLBACK")
    blocker.close()
    outcome = results[0].outcomes[0]
    assert not outcome.signed and "connection was lost" in outcome.error
    assert owner_conn.execute("SELECT count(*) FROM lot_signature WHERE lot_id = %s", (lot_id,)).fetchone() == (0,)
    assert status_of(owner_conn, lot_id) == "quarantine"
    assert sign(database, reviewer, [lot_id], "reviewed").all_signed  # and the user can retry


def test_hold_and_release_again_needs_a_new_two_person_cycle(
    database, owner_conn, reviewer, approver, make_person
) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    sign(database, reviewer, [lot_id], "reviewed")
    sign(database, approver, [lot_id], "approved")
    second_approver = make_person("qa_approver")
    with pytest.raises(InvalidInput, match="reason"):
        sign_lots(database.connect_args, login=second_approver.login, password=second_approver.password,
                  code="000000", lot_ids=[lot_id], meaning="on_hold")
    assert sign(database, second_approver, [lot_id], "on_hold",
                reason="客户投诉调查 complaint under investigation").all_signed
    assert status_of(owner_conn, lot_id) == "on_hold"
    assert sign(database, second_approver, [lot_id], "hold_lifted", reason="investigation closed").all_signed
    assert status_of(owner_conn, lot_id) == "quarantine"
    assert owner_conn.execute("SELECT release_cycle FROM lot WHERE id = %s", (lot_id,)).fetchone() == (2,)
    with UnitOfWork.for_engine(database.engine) as uow:  # the data did not change: every signature holds
        assert {s.status for s in lot_signatures(uow, lot_id=lot_id)} == {"valid"}


def test_expiry_dates_in_the_canonical_content_are_iso(database, owner_conn) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    canonical = owner_conn.execute("SELECT mt_lot_canonical(%s)", (lot_id,)).fetchone()[0]
    assert '"expiry_date": "2029-09-30"' in canonical
    assert dt.date(2029, 9, 30).isoformat() in canonical


def test_our_site_cannot_ship_a_lot_that_is_not_released(owner_conn, make_person) -> None:
    lot_id = make_release_ready_lot(owner_conn)
    site = owner_conn.execute("INSERT INTO party (code, name, kind) VALUES ('SHIP-SITE', '苏州工厂', 'manufacturer') "
                              "ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id").fetchone()[0]
    customer = owner_conn.execute("INSERT INTO party (code, name, kind) VALUES ('SHIP-HOS', '医院', 'hospital') "
                                  "ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id").fetchone()[0]
    owner_conn.execute("INSERT INTO movement (kind, lot_id, quantity, to_party_id, moved_on) "
                       "VALUES ('produce', %s, 10, %s, '2026-10-02')", (lot_id, site))
    warehouse: Person = make_person("warehouse")
    with warehouse.verified_connection() as conn, pytest.raises(psycopg.Error, match="may not leave our site"):
        conn.execute("INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on) "
                     "VALUES ('ship', %s, 1, %s, %s, '2026-10-03')", (lot_id, site, customer))


@pytest.mark.clause("21 CFR 11.100")
@pytest.mark.clause("21 CFR 11.300")
def test_a_password_change_rewraps_the_signing_key_and_earlier_signatures_still_verify(
    database: Database, owner_conn, reviewer: Person
) -> None:
    from app.services.identity import change_password

    lot_id = make_release_ready_lot(owner_conn)
    prepare_checklist(reviewer, lot_id)
    assert sign(database, reviewer, [lot_id], "reviewed").all_signed
    change_password(database.connect_args, login=reviewer.login, old_password=reviewer.password,
                    new_password="a brand new passphrase 2027", code=reviewer.next_code())
    with pytest.raises(InvalidCredentials):  # the old password no longer opens a connection
        sign_lots(database.connect_args, login=reviewer.login, password=reviewer.password, code="000000",
                  lot_ids=[lot_id], meaning="rejected", reason="x")
    reviewer.password = "a brand new passphrase 2027"
    # The same key, unwrapped by the new password, signs; the earlier signature still verifies.
    assert sign(database, reviewer, [lot_id], "rejected", reason="复核发现问题 found on review").all_signed
    with UnitOfWork.for_engine(database.engine) as uow:
        assert {s.status for s in lot_signatures(uow, lot_id=lot_id)} == {"valid"}
