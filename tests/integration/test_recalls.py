"""Recalls and drills against the real database: frozen scope, containment, deadlines, tracking, closing."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from app.db.engine import Database
from app.errors import ComplianceError, InvalidCredentials, InvalidInput, NotFound
from app.services.recalls import (
    draw_effectiveness_checks,
    drill_kpi_trend,
    initiate_recall,
    list_recalls,
    load_recall,
    open_recall,
    recall_case,
    record_acknowledgement,
    record_effectiveness_check,
    record_notification,
    record_return,
    scope_change,
    set_work_day,
)
from tests.conftest import Person, person_uow
from tests.integration.recall_scenario import Chain, add_party, close_case, open_case, ship

pytestmark = pytest.mark.clause("NMPA 召回管理办法")


def _stock(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("SELECT lot_id, party_id, quantity FROM stock_on_hand ORDER BY 1, 2").fetchall()


def _statuses(conn: psycopg.Connection, chain: Chain) -> list[str]:
    return [r[0] for r in conn.execute("SELECT status FROM lot WHERE id = ANY(%s) ORDER BY id",
                                       ([chain.component, chain.finished, chain.quiet],))]


# -- opening -----------------------------------------------------------------------------------------


def test_a_drill_freezes_the_scope_through_genealogy_and_every_tier_and_changes_nothing(
        chain: Chain, database: Database, owner_conn, make_person) -> None:
    before_stock, before_status = _stock(owner_conn), _statuses(owner_conn, chain)

    case = open_case(database, make_person("regulatory"), drill=True)

    assert case.kind == "drill" and case.state == "open" and case.level == 1 and case.fda_class == "Class I"
    assert {(lot.lot_no, lot.relation) for lot in case.lots} == {("C-100", "start"), ("F-10", "finished")}
    assert all(lot.reconciled for lot in case.lots)  # 100 = 40 on hand + 10 shipped + 50 consumed; 10 = 4 + 6
    lines = {(line.party, line.lot_no): (line.tier, line.shipped, line.on_hand) for line in case.lines}
    assert lines == {("RC-DIST", "C-100"): (1, 10, 10), ("RC-DIST", "F-10"): (1, 6, 1),
                     ("RC-H1", "F-10"): (2, 4, 4), ("RC-H2", "F-10"): (2, 1, 1)}
    assert {(c.lot_no, c.site, c.quantity) for c in case.contained} == {("C-100", "RC-SITE", 40),
                                                                        ("F-10", "RC-SITE", 4)}
    # A drill never changes a real lot's status or stock (read back through raw SQL as the owner).
    assert _stock(owner_conn) == before_stock
    assert _statuses(owner_conn, chain) == before_status
    assert case.as_json()["contained"] == [] and len(case.as_json()["simulated_hold"]) == 2
    # 医疗器械召回管理办法: 一级 — notify within 1 day; the recall plan within 5 working days.
    assert case.notify_deadline - case.opened_at == dt.timedelta(days=1)
    assert case.plan_deadline > case.opened_at.date() and case.fda_report_deadline > case.plan_deadline
    assert case.kpis.time_to_identify_s is not None and case.kpis.time_to_identify_s >= 0
    assert case.kpis.quantity_reconciled_pct == 100.0
    assert any("RC-H2" in gap and "no contact" in gap for gap in case.kpis.data_gaps)
    assert [s.meaning for s in case.signatures] == ["initiated"]


def test_the_ceremony_without_read_back_opens_and_signs_the_same_case(chain: Chain, database: Database,
                                                                     make_person) -> None:
    regulatory = make_person("regulatory")
    opened = initiate_recall(database.connect_args, login=regulatory.login, password=regulatory.password,
                             code=regulatory.next_code(), lot_no="C-100", level=2, drill=True, reason="Seal may leak")

    case = load_recall(person_uow(regulatory), opened.id)
    assert (opened.kind, opened.level, opened.scope_frozen_at) == ("drill", 2, case.scope_frozen_at)
    assert [s.meaning for s in case.signatures] == ["initiated"]
    assert {(line.party, line.lot_no) for line in case.lines} == {("RC-DIST", "C-100"), ("RC-DIST", "F-10"),
                                                                  ("RC-H1", "F-10"), ("RC-H2", "F-10")}


@pytest.mark.clause("21 CFR 11.70")
def test_a_real_recall_holds_the_stock_and_the_database_refuses_to_ship_it_from_any_client(
        chain: Chain, database: Database, owner_conn, make_person) -> None:
    case = open_case(database, make_person("qa_approver"), drill=False, level=2)

    assert case.notify_deadline - case.opened_at == dt.timedelta(days=3)
    assert _statuses(owner_conn, chain) == ["recalled", "recalled", "released"]
    assert {(c.lot_no, c.quantity) for c in case.contained} == {("C-100", 40), ("F-10", 4)}
    with make_person("warehouse").verified_connection() as conn:
        with pytest.raises(psycopg.Error, match="recalled and may not leave our site"):
            ship(conn, chain.finished, 1, chain.site, chain.h1)
        ship(conn, chain.quiet, 1, chain.site, chain.h1)  # a lot outside the scope still ships


def test_a_second_real_recall_on_a_lot_in_an_open_one_is_refused_naming_it_but_a_drill_may_run(
        chain: Chain, database: Database, make_person) -> None:
    regulatory = make_person("regulatory")
    first = open_case(database, regulatory, drill=False)

    with pytest.raises(ComplianceError, match=f"already in open recall {first.id}"):
        open_case(database, regulatory, "F-10", drill=False)
    assert open_case(database, regulatory, "F-10", drill=True).kind == "drill"


def test_a_lot_that_does_not_exist_and_a_lot_never_shipped(chain: Chain, database: Database, make_person) -> None:
    regulatory = make_person("regulatory")
    with pytest.raises(NotFound, match="There is no lot “NOPE”"):
        open_case(database, regulatory, "NOPE", drill=True)

    quiet = open_case(database, regulatory, "Q-5", drill=True)

    assert quiet.consignees == () and quiet.kpis.time_to_notify_all_s is None
    assert "there is no consignee to notify" in quiet.describe()
    assert any("no consignee to notify" in gap for gap in quiet.kpis.data_gaps)


def test_only_regulatory_and_qa_approvers_open_recalls(chain: Chain, database: Database, make_person) -> None:
    with pytest.raises(ComplianceError, match="You do not have permission"):  # the grant refuses first
        open_case(database, make_person("qa_reviewer"), drill=True)


def test_a_wrong_code_or_a_case_without_its_signature_leaves_nothing_opened_and_nothing_held(
        chain: Chain, database: Database, owner_conn, make_person) -> None:
    regulatory: Person = make_person("regulatory")
    with pytest.raises(InvalidCredentials):
        open_recall(database.connect_args, login=regulatory.login, password=regulatory.password, code="000000",
                    lot_no="C-100", level=1, drill=False, reason="x")
    # A client that calls the function but never signs: the commit is refused by the database.
    with regulatory.verified_connection() as conn:
        conn.autocommit = False
        conn.execute("SELECT mt_open_recall('recall', 1, %s, '{}', 'no signature', '')", ([chain.component],))
        with pytest.raises(psycopg.Error, match="not signed “Recall initiated”"):
            conn.commit()
    # A connection dropped in the middle of opening.
    with regulatory.verified_connection() as conn:
        conn.autocommit = False
        conn.execute("SELECT mt_open_recall('recall', 1, %s, '{}', 'dropped', '')", ([chain.component],))
        pid = conn.info.backend_pid
        owner_conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(psycopg.OperationalError):
            conn.commit()
    assert owner_conn.execute("SELECT count(*) FROM recall_case").fetchone()[0] == 0
    assert _statuses(owner_conn, chain) == ["released", "released", "released"]


# -- working the case --------------------------------------------------------------------------------


def test_working_a_drill_to_closing_with_refusals_that_say_what_is_missing(
        chain: Chain, database: Database, owner_conn, make_person) -> None:
    manager = make_person("qa_approver")
    case = open_case(database, manager, drill=True)
    with pytest.raises(ComplianceError, match=r"3 consignee\(s\) not notified \(RC-DIST, RC-H1, RC-H2\)"):
        close_case(database, manager, case.id)

    with make_person("warehouse").verified_connection() as conn:
        for party in ("RC-DIST", "RC-H1", "RC-H2"):
            record_notification(conn, case.id, party=party, method="phone")
        with pytest.raises(ComplianceError, match="Already notified by"):
            record_notification(conn, case.id, party="RC-H1", method="email")
        record_acknowledgement(conn, case.id, party="RC-DIST")
        record_acknowledgement(conn, case.id, party="RC-H1")
        with pytest.raises(InvalidInput, match="more than this consignee holds"):
            record_return(conn, case.id, party="RC-H1", lot_no="F-10", quantity=5)
        record_return(conn, case.id, party="RC-H1", lot_no="F-10", quantity=4)
        middle = recall_case(conn, case.id)
    assert middle.state == "monitoring" and middle.kpis.time_to_notify_all_s is not None
    assert middle.kpis.consignees_acknowledged_pct == pytest.approx(66.7)
    with pytest.raises(ComplianceError, match=r"not acknowledged \(RC-H2\).*not yet returned"):
        close_case(database, manager, case.id)

    with make_person("regulatory").verified_connection() as conn:
        record_acknowledgement(conn, case.id, party="RC-H2")
        record_return(conn, case.id, party="RC-H2", lot_no="F-10", quantity=1)
        record_return(conn, case.id, party="RC-DIST", lot_no="F-10", quantity=1)
        record_return(conn, case.id, party="RC-DIST", lot_no="C-100", quantity=10)
    closed = close_case(database, manager, case.id)

    assert closed.state == "closed" and [s.meaning for s in closed.signatures] == ["initiated", "closed"]
    # A drill's returns move nothing: no return movement was written.
    assert owner_conn.execute("SELECT count(*) FROM movement WHERE kind = 'return'").fetchone()[0] == 0
    with make_person("warehouse").verified_connection() as conn, pytest.raises(ComplianceError, match="is closed"):
        record_notification(conn, case.id, party="RC-H1", method="phone")


def test_a_return_in_a_real_recall_is_a_return_movement_to_our_site(chain: Chain, database: Database, owner_conn,
                                                                      make_person) -> None:
    case = open_case(database, make_person("regulatory"), drill=False)
    with make_person("warehouse").verified_connection() as conn:
        record_notification(conn, case.id, party="RC-H1", method="letter")
        record_return(conn, case.id, party="RC-H1", lot_no="F-10", quantity=3)
    row = owner_conn.execute("SELECT quantity, from_party_id, to_party_id, document_no FROM movement "
                             "WHERE kind = 'return'").fetchone()
    assert row == (3, chain.h1, chain.site, f"RECALL-{case.id}")
    ref = owner_conn.execute("SELECT movement_id IS NOT NULL FROM recall_return WHERE recall_id = %s",
                             (case.id,)).fetchone()[0]
    assert ref is True


def test_the_frozen_scope_cannot_be_rewritten_even_by_its_opener(chain: Chain, database: Database,
                                                                 make_person) -> None:
    regulatory = make_person("regulatory")
    case = open_case(database, regulatory, drill=True)
    with regulatory.verified_connection() as conn:
        for statement in ("UPDATE recall_line SET on_hand = 0", "DELETE FROM recall_lot",
                          "UPDATE recall_case SET state = 'closed'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        # A signature over different content is refused, even with the signer's own key.
        key_id = conn.execute("SELECT key_id FROM mt_my_signing_key()").fetchone()[0]
        with pytest.raises(psycopg.Error, match="changed while you were signing"):
            conn.execute("SELECT mt_sign_recall(%s, 'closed', %s, %s, %s)", (case.id, b"\0" * 32, b"\0" * 64, key_id))


def test_what_is_missing_before_closing_reads_in_the_readers_language(chain: Chain, database: Database,
                                                                     make_person) -> None:
    case = open_case(database, make_person("regulatory"), drill=True)
    assert case.outstanding is not None and "not notified" in case.outstanding
    # The case's own wording agrees with the database's sentence word for word, so it may stand in for it.
    assert case.shown_outstanding("en") == case.outstanding
    chinese = case.shown_outstanding("zh_CN")
    assert chinese is not None and chinese.startswith("3 个收货单位尚未通知（RC-DIST, RC-H1, RC-H2）")
    assert "件未退回" in chinese and "not" not in chinese


def test_a_line_or_a_held_place_for_a_lot_outside_the_frozen_scope_is_refused_even_to_the_owner(
        chain: Chain, database: Database, owner_conn, make_person) -> None:
    case = open_case(database, make_person("regulatory"), drill=True)
    party = case.consignees[0].party_id
    site = owner_conn.execute("SELECT id FROM party WHERE kind = 'manufacturer' LIMIT 1").fetchone()[0]
    outside = owner_conn.execute("SELECT id FROM lot WHERE id NOT IN (SELECT lot_id FROM recall_lot WHERE "
                                 "recall_id = %s) LIMIT 1", (case.id,)).fetchone()[0]
    for statement, values in (
        ("INSERT INTO recall_line (recall_id, party_id, lot_id, tier, shipped, returned, on_hand) "
         "VALUES (%s, %s, %s, 1, 1, 0, 1)", (case.id, party, outside)),
        ("INSERT INTO recall_containment (recall_id, lot_id, site_id, quantity) VALUES (%s, %s, %s, 1)",
         (case.id, outside, site)),
    ):
        with pytest.raises(psycopg.errors.ForeignKeyViolation), owner_conn.transaction():
            owner_conn.execute(statement, values)


@pytest.mark.clause("21 CFR 11.70")
def test_the_content_kept_for_signing_no_longer_counts_once_the_case_changes_and_never_outlives_its_transaction(
        chain: Chain, database: Database, owner_conn, make_person) -> None:
    import hashlib

    regulatory = make_person("regulatory")
    with regulatory.verified_connection() as conn:
        conn.autocommit = False
        key_id = conn.execute("SELECT key_id FROM mt_my_signing_key()").fetchone()[0]
        recall_id = conn.execute("SELECT mt_open_recall('drill', 1, %s, '{}', 'stale digest', '')",
                                 ([chain.component],)).fetchone()[0]
        canonical = conn.execute("SELECT mt_recall_signing_content(%s)", (recall_id,)).fetchone()[0]
        party = conn.execute("SELECT min(party_id) FROM recall_consignee WHERE recall_id = %s",
                             (recall_id,)).fetchone()[0]
        conn.execute("SELECT mt_recall_notify(%s, %s, 'phone')", (recall_id, party))  # same transaction
        with pytest.raises(psycopg.Error, match="changed while you were signing"):
            conn.execute("SELECT mt_sign_recall(%s, 'initiated', %s, %s, %s)",
                         (recall_id, hashlib.sha256(canonical.encode()).digest(), b"\0" * 64, key_id))
        conn.rollback()

    case = open_case(database, regulatory, drill=True)
    with regulatory.verified_connection() as conn:
        conn.autocommit = False
        assert conn.execute("SELECT mt_recall_signing_content(%s)", (case.id,)).fetchone()[0] is not None
        conn.commit()  # content read for a signature never made
    assert owner_conn.execute("SELECT count(*) FROM recall_signing_digest").fetchone()[0] == 0
    with regulatory.verified_connection() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM recall_signing_digest")


def test_new_shipments_since_opening_show_as_a_scope_change(chain: Chain, database: Database, owner_conn,
                                                            make_person) -> None:
    case = open_case(database, make_person("regulatory"), drill=True)
    h3 = add_party(owner_conn, "RC-H3", "第三人民医院", "hospital")
    ship(owner_conn, chain.finished, 1, chain.distributor, h3)

    change = scope_change(person_uow(make_person("auditor")), case.id)

    assert change.added == (("RC-H3", chain.di_finished, "F-10"),)
    assert change.describe().startswith("1 consignee(s) added since opening")


def test_effectiveness_checks_are_drawn_reproducibly_and_recorded(chain: Chain, database: Database,
                                                                  make_person) -> None:
    regulatory = make_person("regulatory")
    case = open_case(database, regulatory, drill=True)
    with regulatory.verified_connection() as conn:
        assert draw_effectiveness_checks(conn, case.id, level="C") == 1  # 10 % of 3, rounded up
        first = [c.party for c in recall_case(conn, case.id).checks]
        draw_effectiveness_checks(conn, case.id, level="C")
        assert [c.party for c in recall_case(conn, case.id).checks] == first
        assert draw_effectiveness_checks(conn, case.id, level="A") == 3
        record_effectiveness_check(conn, case.id, party="RC-H1", result="effective", note="货已下架")
        with pytest.raises(ComplianceError, match="can no longer be redrawn"):
            draw_effectiveness_checks(conn, case.id, level="D")
        checks = {c.party: c.result for c in recall_case(conn, case.id).checks}
    assert checks == {"RC-DIST": None, "RC-H1": "effective", "RC-H2": None}


def test_working_days_follow_the_calendar_an_administrator_edits(committed: Database, make_person) -> None:
    admin = make_person("admin")
    with admin.verified_connection() as conn:
        # Friday 2027-10-01 is 国庆节; Saturday 2027-10-09 a make-up working day (调休).
        assert conn.execute("SELECT mt_add_working_days('2027-09-30', 1)").fetchone()[0] == dt.date(2027, 10, 1)
        set_work_day(conn, dt.date(2027, 10, 1), working=False, note="国庆节", reason="2027 official holidays")
        set_work_day(conn, dt.date(2027, 10, 9), working=True, note="调休上班", reason="2027 official holidays")
        assert conn.execute("SELECT mt_add_working_days('2027-09-30', 1)").fetchone()[0] == dt.date(2027, 10, 4)
        assert conn.execute("SELECT mt_add_working_days('2027-10-08', 1)").fetchone()[0] == dt.date(2027, 10, 9)
        with pytest.raises(ComplianceError, match="reason"):
            set_work_day(conn, dt.date(2027, 10, 2), working=False, note="", reason=" ")


def test_the_list_and_the_drill_trend_read_as_an_auditor(chain: Chain, database: Database, make_person) -> None:
    regulatory = make_person("regulatory")
    drill = open_case(database, regulatory, drill=True)
    recall = open_case(database, regulatory, "F-10", drill=False, level=3)
    uow = person_uow(make_person("auditor"))

    rows = {r.id: r for r in list_recalls(uow)}
    trend = drill_kpi_trend(uow)

    assert rows[drill.id].kind == "drill" and rows[drill.id].consignees == 3 and rows[drill.id].trigger_lot == "C-100"
    assert rows[recall.id].level == 3 and rows[recall.id].product == "一次性使用输液器"
    assert [recall_id for recall_id, _, _ in trend] == [drill.id]
    assert load_recall(uow, drill.id).as_json()["trigger"] == {"di": chain.di_component, "lot": "C-100",
                                                                  "type": "lot"}


def test_the_drill_trend_gives_each_drill_the_kpis_of_its_case(chain: Chain, database: Database, owner_conn,
                                                               make_person) -> None:
    # Lots that make data gaps: X-7 made 7 but only 5 produced and 2 shipped to a hospital with no contact
    # (does not reconcile; a consignee gap); Y-3 never produced nor shipped (no produce movement; no consignee).
    product = owner_conn.execute("SELECT product_id FROM lot WHERE id = %s", (chain.finished,)).fetchone()[0]
    gap_lots = {}
    for lot_no, made, produced in (("X-7", 7, 5), ("Y-3", 3, 0)):
        gap_lots[lot_no] = owner_conn.execute(
            "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity, status) "
            "VALUES (%s, %s, '2026-01-10', '2029-01-09', %s, 'released') RETURNING id",
            (product, lot_no, made)).fetchone()[0]
        if produced:
            owner_conn.execute("INSERT INTO movement (kind, lot_id, quantity, to_party_id, moved_on) "
                               "VALUES ('produce', %s, %s, %s, '2026-01-10')", (gap_lots[lot_no], produced, chain.site))
    ship(owner_conn, gap_lots["X-7"], 2, chain.site, chain.h2)
    regulatory = make_person("regulatory")
    worked = open_case(database, regulatory, drill=True)
    fresh = open_case(database, regulatory, "F-10", drill=True, level=2)
    gaps = open_case(database, regulatory, "X-7", drill=True, level=3)
    unshipped = open_case(database, regulatory, "Y-3", drill=True)
    real = open_case(database, regulatory, "Q-5", drill=False, level=3)
    with make_person("warehouse").verified_connection() as conn:
        for party in ("RC-DIST", "RC-H1", "RC-H2"):
            record_notification(conn, worked.id, party=party, method="email")
        record_acknowledgement(conn, worked.id, party="RC-H1")
        record_return(conn, worked.id, party="RC-H1", lot_no="F-10", quantity=2)
        record_notification(conn, fresh.id, party="RC-H1", method="phone")
    uow = person_uow(make_person("auditor"))

    trend = drill_kpi_trend(uow)
    every = drill_kpi_trend(uow, limit=2)

    drills = [worked.id, fresh.id, gaps.id, unshipped.id]
    assert [recall_id for recall_id, _, _ in trend] == drills and real.id not in [i for i, _, _ in trend]
    with make_person("auditor").verified_connection() as conn:
        cases = {i: recall_case(conn, i) for i in drills}
    assert [(i, at, kpis) for i, at, kpis in trend] == [(i, cases[i].opened_at, cases[i].kpis) for i in drills]
    assert [i for i, _, _ in every] == drills[-2:]
    # The scenario reaches every branch of the KPIs, so the comparison above means something.
    kpis = {i: k for i, _, k in trend}
    assert kpis[worked.id].time_to_notify_all_s is not None and kpis[fresh.id].time_to_notify_all_s is None
    assert kpis[worked.id].consignees_acknowledged_pct == pytest.approx(33.3)
    assert kpis[gaps.id].quantity_reconciled_pct == 0.0 and kpis[unshipped.id].consignees_acknowledged_pct is None
    assert any("X-7" in g and "does not reconcile" in g for g in kpis[gaps.id].data_gaps)
    assert any("RC-H2" in g and "no contact" in g for g in kpis[gaps.id].data_gaps)
    assert any("Y-3" in g and "no produce movement" in g for g in kpis[unshipped.id].data_gaps)
    assert any("no consignee to notify" in g for g in kpis[unshipped.id].data_gaps)


# -- the command line (DESIGN §6) ---------------------------------------------------------------------


def test_a_drill_worked_and_closed_from_the_command_line_prints_the_contract_fields(
        chain: Chain, make_person, app_paths, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import io
    import json
    import sys

    from app.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK, main

    manager: Person = make_person("qa_approver")
    warehouse: Person = make_person("warehouse")
    home = str(app_paths.config_dir.parent)

    def run(person: Person, *argv: str) -> tuple[int, dict]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{person.password}\n{person.next_code()}\n"))
        code = main([*argv, "--home", home, "--user", person.login, "--credentials-stdin", "--json"])
        out = capsys.readouterr().out
        return code, json.loads(out.splitlines()[-1] if code else out)

    code, opened = run(manager, "recall", "open", "--lot", "C-100", "--level", "2", "--drill",
                       "--reason", "演练：密封性")
    assert code == EXIT_OK
    assert {"id", "kind", "level", "opened_at", "notify_deadline", "trigger", "lots", "consignees", "contained",
            "kpis"} <= opened.keys()
    assert opened["kind"] == "drill" and opened["trigger"]["lot"] == "C-100" and opened["contained"] == []
    line_fields = {"party", "name", "kind", "tier", "di", "lot", "shipped", "returned", "on_hand"}
    assert line_fields <= opened["consignees"][0].keys()
    assert {"time_to_identify_s", "time_to_contain_s", "time_to_notify_all_s", "quantity_reconciled_pct",
            "consignees_acknowledged_pct", "data_gaps"} == opened["kpis"].keys()
    rid = str(opened["id"])
    code, refused = run(warehouse, "recall", "return", rid, "--party", "RC-H1", "--lot", "F-10", "--quantity", "9")
    assert code == EXIT_INVALID and "more than this consignee holds" in refused["error"]
    code, notified = run(warehouse, "recall", "notify", rid, "--party", "RC-H1", "--method", "email")
    assert code == EXIT_OK and notified["state"] == "notifying"
    assert {c["party"]: c["method"] for c in notified["worklist"]}["RC-H1"] == "email"
    code, refused = run(manager, "recall", "close", rid)
    assert code == EXIT_FAILED and "not notified (RC-DIST, RC-H2)" in refused["error"]
