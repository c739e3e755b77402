"""Expiry management against the real database: the ship guard, shelf life, the daily job, alerts, exports."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from app.db.engine import Database
from app.db.uow import explain_database_error
from app.errors import AlreadyHandled, ExpiredLot, InvalidInput
from app.services.expiry import (
    DEFAULT_THRESHOLDS,
    ExpiryFilters,
    _rows,
    acknowledge_alert,
    alert_counts,
    alert_owners,
    band_of,
    band_totals,
    calendar_days,
    calendar_month,
    data_gaps,
    list_expiring,
    lots_expiring_on,
    open_alerts,
    parse_thresholds,
    run_expiry,
    run_expiry_as_of,
    write_ics,
)
from tests.conftest import Person, person_uow

pytestmark = pytest.mark.clause("ISO 13485 7.5.9")


@dataclass
class Stock:
    today: dt.date
    site: int
    hospital: int
    product: int
    lots: dict[str, int]


def _lot(conn: psycopg.Connection, product: int, site: int, lot_no: str, expiry: dt.date, status: str = "released",
         quantity: int = 50) -> int:
    lot_id = conn.execute(  # a superuser migrating records may insert a status (0004); the trail names them
        "INSERT INTO lot (product_id, lot_no, production_date, expiry_date, quantity, status) "
        "VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (product, lot_no, min(expiry, dt.date(2020, 1, 1)), expiry, quantity, status)).fetchone()[0]
    conn.execute("INSERT INTO movement (kind, lot_id, quantity, to_party_id, moved_on) "
                 "VALUES ('produce', %s, %s, %s, '2020-01-01')", (lot_id, quantity, site))
    return lot_id


@pytest.fixture
def stock(committed: Database, owner_conn: psycopg.Connection) -> Stock:
    """Our site holding five released lots: expired, 5, 20, 60 and 400 days left; one hospital."""
    conn = owner_conn
    today = conn.execute("SELECT current_date").fetchone()[0]
    site = conn.execute("INSERT INTO party (code, name, kind, expiry_owner) VALUES ('EXP-SITE', '苏州工厂', "
                        "'manufacturer', 'site_owner') RETURNING id").fetchone()[0]
    hospital = conn.execute("INSERT INTO party (code, name, kind) VALUES ('EXP-HOS', '第一人民医院', 'hospital') "
                            "RETURNING id").fetchone()[0]
    product = conn.execute(
        "INSERT INTO product (agency, di, name, risk_class, shelf_life_days, alert_days) "
        "VALUES ('GS1', '06954321001236', '一次性使用无菌注射器', 'II', 730, '{90,30,7}') RETURNING id").fetchone()[0]
    lots = {name: _lot(conn, product, site, name, today + dt.timedelta(days=days))
            for name, days in (("GONE-1", -2), ("D5", 5), ("D20", 20), ("D60", 60), ("D400", 400))}
    return Stock(today, site, hospital, product, lots)


def _ship(conn: psycopg.Connection, stock: Stock, lot: str, moved_on: dt.date | None = None) -> None:
    conn.execute("INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on) "
                 "VALUES ('ship', %s, 1, %s, %s, %s)",
                 (stock.lots[lot], stock.site, stock.hospital, moved_on or stock.today))


# -- thresholds --------------------------------------------------------------------------------------


def test_a_threshold_list_with_a_word_in_it_is_refused_naming_the_word() -> None:
    with pytest.raises(InvalidInput, match="“abc” is not"):
        parse_thresholds("7;abc")
    assert parse_thresholds("30; 180,90 7") == (180, 90, 30, 7)
    assert parse_thresholds("") == DEFAULT_THRESHOLDS
    with pytest.raises(InvalidInput, match="between 1 and 3650"):
        parse_thresholds("0;30")


def test_the_band_is_the_tightest_threshold_a_lot_is_inside() -> None:
    assert band_of(5, (90, 30, 7)) == 7
    assert band_of(20, (90, 30, 7)) == 30
    assert band_of(91, (90, 30, 7)) is None
    assert band_of(-3, (90, 30, 7)) == 7


# -- the database refuses --------------------------------------------------------------------------


@pytest.mark.clause("GMP 第二十七条")
def test_a_raw_sql_ship_of_an_expired_lot_is_refused_whatever_its_status_and_the_claimed_date(
        stock: Stock, make_person) -> None:
    warehouse: Person = make_person("warehouse")
    with warehouse.verified_connection() as conn:
        with pytest.raises(psycopg.Error, match="expired on") as refused:
            _ship(conn, stock, "GONE-1")  # still 'released' in the table: the job has not run yet
        assert refused.value.sqlstate == "MTE01"
        with pytest.raises(psycopg.Error, match="expired on"):
            _ship(conn, stock, "GONE-1", moved_on=stock.today - dt.timedelta(days=10))  # a back-dated claim
        _ship(conn, stock, "D5")  # one that has not expired ships


def test_the_expired_lot_refusal_reads_in_chinese_for_a_chinese_reader(stock: Stock, make_person, chinese) -> None:
    warehouse: Person = make_person("warehouse")
    with warehouse.verified_connection() as conn, pytest.raises(psycopg.Error) as refused:
        _ship(conn, stock, "GONE-1")
    error = explain_database_error(refused.value)
    assert isinstance(error, ExpiredLot)
    assert re.fullmatch(r"批次 GONE-1 已于 \d{4}-\d\d-\d\d 失效，不得出厂。", error.message), error.message
    assert error.hint == "失效库存应隔离或报废，不得发货。"
    assert "expired on" in error.english_message


def test_a_consignee_minimum_shelf_life_refuses_a_short_lot_with_the_numbers(stock: Stock, owner_conn,
                                                                             make_person) -> None:
    owner_conn.execute("SELECT set_config('medtrace.reason', 'customer contract', false)")
    owner_conn.execute("UPDATE party SET min_shelf_life_days = 30 WHERE id = %s", (stock.hospital,))
    warehouse: Person = make_person("warehouse")
    with warehouse.verified_connection() as conn:
        with pytest.raises(psycopg.Error, match=r"has 20 days of shelf life left; 第一人民医院 accepts only lots "
                                                r"with at least 30 days") as refused:
            _ship(conn, stock, "D20")
        assert refused.value.sqlstate == "MTE02"
        _ship(conn, stock, "D60")
    owner_conn.execute("UPDATE party SET min_shelf_life_days = NULL, min_shelf_life_pct = 5 WHERE id = %s",
                       (stock.hospital,))  # 5 % of 730 days = 37 days
    with warehouse.verified_connection() as conn, pytest.raises(psycopg.Error, match="at least 37 days"):
        _ship(conn, stock, "D20")


def test_an_authorised_override_with_a_reason_lets_one_ship_through_and_is_audited(stock: Stock, owner_conn,
                                                                                  make_person) -> None:
    owner_conn.execute("SELECT set_config('medtrace.reason', 'customer contract', false)")
    owner_conn.execute("UPDATE party SET min_shelf_life_days = 30 WHERE id = %s", (stock.hospital,))
    approver: Person = make_person("qa_approver", "warehouse")
    with approver.verified_connection() as conn:
        conn.autocommit = False
        with pytest.raises(psycopg.Error, match="State the reason"):
            conn.execute("SELECT mt_authorise_shelf_life_override(%s, %s, '  ')", (stock.lots["D20"], stock.hospital))
        conn.rollback()
        conn.execute("SELECT mt_authorise_shelf_life_override(%s, %s, 'Hospital accepts: urgent surgery')",
                     (stock.lots["D20"], stock.hospital))
        _ship(conn, stock, "D20")
        conn.commit()
        with pytest.raises(psycopg.Error, match="at least 30 days"):  # valid for that transaction only
            _ship(conn, stock, "D20")
        conn.rollback()
    audited = owner_conn.execute(
        "SELECT new_values ->> 'reason', actor FROM audit_entry WHERE table_name = 'shelf_life_override'").fetchall()
    assert audited == [("Hospital accepts: urgent surgery", approver.login)]
    warehouse: Person = make_person("warehouse")
    with warehouse.verified_connection() as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT mt_authorise_shelf_life_override(%s, %s, 'me too')", (stock.lots["D20"], stock.hospital))


# -- the daily job ----------------------------------------------------------------------------------


def test_the_job_expires_lots_by_the_servers_date_raises_the_tightest_alert_and_is_idempotent(
        stock: Stock, owner_conn) -> None:
    first = run_expiry_as_of(owner_conn, None)
    assert (first.expired, first.raised) == (1, 3)  # GONE-1 expired; D5 → 7, D20 → 30, D60 → 90
    status = owner_conn.execute("SELECT status FROM lot WHERE id = %s", (stock.lots["GONE-1"],)).fetchone()[0]
    assert status == "expired"
    alerts = dict(owner_conn.execute(
        "SELECT l.lot_no, a.threshold_days FROM expiry_alert a JOIN lot l ON l.id = a.lot_id").fetchall())
    assert alerts == {"D5": 7, "D20": 30, "D60": 90}
    again = run_expiry_as_of(owner_conn, None)
    assert (again.expired, again.raised, again.escalated, again.closed) == (0, 0, 0, 0)
    event = owner_conn.execute("SELECT new_values FROM audit_entry WHERE table_name = 'expiry_run' "
                               "ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert event["system_actor"] == "medtrace-expiry" and event["expired"] == 0
    reason = owner_conn.execute("SELECT reason FROM audit_entry WHERE table_name = 'lot' AND action = 'UPDATE' "
                                "AND new_values ->> 'status' = 'expired'").fetchone()[0]
    assert reason.startswith("Expiry job (system actor medtrace-expiry")


def test_the_next_threshold_re_arms_the_alert_and_the_looser_one_is_superseded(stock: Stock, owner_conn) -> None:
    run_expiry_as_of(owner_conn, None)
    later = run_expiry_as_of(owner_conn, stock.today + dt.timedelta(days=35))  # D60 now 25 days left
    assert later.raised >= 1
    states = owner_conn.execute(
        "SELECT a.threshold_days, a.state, a.closed_because FROM expiry_alert a WHERE a.lot_id = %s "
        "ORDER BY a.threshold_days", (stock.lots["D60"],)).fetchall()
    assert states == [(30, "open", None), (90, "closed", "next_threshold")]


def test_an_alert_nobody_acknowledged_in_time_is_escalated_to_the_qa_manager(stock: Stock, owner_conn) -> None:
    owner_conn.execute("UPDATE expiry_policy SET escalate_after_days = 2, qa_manager = 'qa_boss'")
    run_expiry_as_of(owner_conn, None)
    owner_conn.execute("UPDATE expiry_alert SET raised_at = now() - interval '3 days' WHERE lot_id = %s",
                       (stock.lots["D5"],))
    result = run_expiry_as_of(owner_conn, None)
    assert result.escalated == 1
    row = owner_conn.execute("SELECT state, escalated_to FROM expiry_alert WHERE lot_id = %s",
                             (stock.lots["D5"],)).fetchone()
    assert row == ("escalated", "qa_boss")
    owner_conn.execute("UPDATE expiry_policy SET escalate_after_days = 3, qa_manager = NULL")


def test_a_signed_in_person_runs_the_job_by_the_servers_date(stock: Stock, make_person) -> None:
    person: Person = make_person("auditor")
    result = run_expiry(person_uow(person))
    assert result.as_of == stock.today and result.expired == 1


# -- acknowledging ----------------------------------------------------------------------------------


def test_acknowledging_an_alert_another_workstation_acknowledged_says_who_was_first(stock: Stock, owner_conn,
                                                                                  make_person) -> None:
    run_expiry_as_of(owner_conn, None)
    alert_id = owner_conn.execute("SELECT id FROM expiry_alert WHERE lot_id = %s", (stock.lots["D5"],)).fetchone()[0]
    first: Person = make_person("warehouse")
    second: Person = make_person("qa_reviewer")
    acknowledge_alert(person_uow(first), alert_id=alert_id, note="Ship to the hospital first", disposition="use_first")
    with pytest.raises(AlreadyHandled, match=r"already acknowledged by .* at \d{4}-\d\d-\d\d"):
        acknowledge_alert(person_uow(second), alert_id=alert_id, note="me too", disposition="scrap")
    row = owner_conn.execute("SELECT state, acknowledged_by, disposition, note FROM expiry_alert WHERE id = %s",
                             (alert_id,)).fetchone()
    assert row == ("acknowledged", first.login, "use_first", "Ship to the hospital first")


def test_an_auditor_cannot_acknowledge_and_a_note_is_required(stock: Stock, owner_conn, make_person) -> None:
    from app.errors import ComplianceError, ReasonRequired

    run_expiry_as_of(owner_conn, None)
    alert_id = owner_conn.execute("SELECT id FROM expiry_alert WHERE lot_id = %s", (stock.lots["D5"],)).fetchone()[0]
    with pytest.raises(ComplianceError, match="permission"):
        acknowledge_alert(person_uow(make_person("auditor")), alert_id=alert_id, note="x", disposition="scrap")
    with pytest.raises(ReasonRequired):
        acknowledge_alert(person_uow(make_person("warehouse")), alert_id=alert_id, note="  ", disposition="scrap")


# -- reading and exports ----------------------------------------------------------------------------


def test_the_list_holds_every_lot_with_stock_inside_the_window_with_band_and_alert(stock: Stock, owner_conn,
                                                                                 make_person) -> None:
    run_expiry_as_of(owner_conn, None)
    uow = person_uow(make_person("auditor"))
    listing = list_expiring(uow, within_days=90)
    by_lot = {lot.lot: lot for lot in listing.lots}
    assert set(by_lot) == {"GONE-1", "D5", "D20", "D60"}
    assert (by_lot["D20"].band, by_lot["D20"].days_left, by_lot["D20"].on_hand) == (30, 20, 50)
    assert by_lot["D5"].alert is not None and by_lot["D5"].alert.owner == "site_owner"
    assert by_lot["GONE-1"].status == "expired" and by_lot["GONE-1"].days_left == -2
    document = listing.as_json()
    assert set(document["lots"][0]) >= {"di", "lot", "product", "site", "expiry_date", "days_left", "band",
                                        "on_hand", "status", "alert"}
    assert list_expiring(uow, within_days=90, filters=ExpiryFilters(owner="nobody")).lots == ()
    assert [d.lot for d in lots_expiring_on(uow, day=stock.today + dt.timedelta(days=5))] == ["D5"]
    assert {lot.lot for lot in open_alerts(uow)} == {"D5", "D20", "D60"}
    assert [lot.lot for lot in open_alerts(uow, limit=2)] == ["D5", "D20"]  # by expiry date, cut by the server
    counts = alert_counts(uow)
    assert (counts.waiting, counts.escalated, counts.total) == (3, 0, 3)


def test_a_calendar_month_counts_lots_per_day_with_the_tightest_band(stock: Stock, make_person) -> None:
    uow = person_uow(make_person("auditor"))
    day = stock.today + dt.timedelta(days=20)
    days = {d.day: d for d in calendar_month(uow, year=day.year, month=day.month)}
    assert (days[day].lots, days[day].on_hand, days[day].band) == (1, 50, 30)


def test_the_servers_day_sums_agree_with_the_lots_listed_one_by_one(stock: Stock, make_person) -> None:
    """calendar_days sums in SQL what the day lists show lot by lot (band_of included), expired lots too."""
    uow = person_uow(make_person("auditor"))
    first, last = stock.today - dt.timedelta(days=60), stock.today + dt.timedelta(days=500)
    for as_of in (stock.today, stock.today + dt.timedelta(days=45)):
        listed: dict[dt.date, list] = {}
        for lot in _rows(uow, first=first, last=last, as_of=as_of, filters=None):
            listed.setdefault(lot.expiry_date, []).append(lot)
        expected = [(d, len(ls), sum(x.on_hand for x in ls), min((x.band for x in ls if x.band is not None),
                                                               default=None)) for d, ls in sorted(listed.items())]
        summed = [(d.day, d.lots, d.on_hand, d.band) for d in calendar_days(uow, first=first, last=last, as_of=as_of)]
        assert summed == expected and len(summed) >= 4


def test_the_dashboards_band_totals_and_alert_owners_agree_with_the_lots_listed(stock: Stock, owner_conn,
                                                                               make_person) -> None:
    """The Dashboard's expiry tile is counted by the server from the alerts the job keeps: per band what the
    list shows lot by lot, and the alerts needing someone per owner, most first (an alert without its own owner
    falls to the site's)."""
    run_expiry_as_of(owner_conn, stock.today - dt.timedelta(days=3))  # GONE-1 (−2 days) gets its 7-day alert
    run_expiry_as_of(owner_conn, None)  # D5 → 7, D20 → 30, D60 → 90; GONE-1 expired, its alert kept
    owner_conn.execute("UPDATE expiry_alert SET owner = NULL, state = 'escalated' WHERE lot_id = %s",
                       (stock.lots["D60"],))
    owner_conn.execute("UPDATE expiry_alert SET owner = 'qa.li' WHERE lot_id = %s", (stock.lots["D5"],))
    uow = person_uow(make_person("auditor"))
    listed: dict[int, list] = {}
    for lot in list_expiring(uow, within_days=120).lots:  # expired stock on hand counts as band 0
        if lot.band is not None:
            listed.setdefault(0 if lot.days_left < 0 else lot.band, []).append(lot)
    expected = [(band, len(ls)) for band, ls in sorted(listed.items())]
    assert [(b.threshold_days, b.lots) for b in band_totals(uow, within_days=120)] == expected
    assert [b for b, *_ in expected] == [0, 7, 30, 90]
    assert alert_owners(uow) == [("site_owner", 3), ("qa.li", 1)]
    _ship(owner_conn, stock, "D20")  # one unit of fifty: the lot still holds stock
    owner_conn.execute("INSERT INTO movement (kind, lot_id, quantity, from_party_id, moved_on) VALUES "
                       "('scrap', %s, 50, %s, %s)", (stock.lots["D60"], stock.site, stock.today))
    run_expiry_as_of(owner_conn, None)  # D60's stock is gone: its alert closes, and the band with it
    assert [(b.threshold_days, b.lots) for b in band_totals(uow, within_days=120)] == [(0, 1), (7, 1), (30, 1)]


def test_products_on_the_default_thresholds_are_named_only_while_one_of_their_lots_holds_stock(
        stock: Stock, owner_conn, make_person) -> None:
    def product(di: str, name: str) -> int:
        return owner_conn.execute("INSERT INTO product (agency, di, name, risk_class, shelf_life_days) "
                                  "VALUES ('GS1', %s, %s, 'II', 730) RETURNING id", (di, name)).fetchone()[0]

    held, gone = product("06954321009997", "医用缝合针"), product("06954321009980", "医用棉签")
    _lot(owner_conn, held, stock.site, "GAP-1", stock.today + dt.timedelta(days=100))
    used = _lot(owner_conn, gone, stock.site, "GAP-2", stock.today + dt.timedelta(days=100))
    owner_conn.execute("INSERT INTO movement (kind, lot_id, quantity, from_party_id, moved_on) VALUES "
                       "('scrap', %s, 50, %s, %s)", (used, stock.site, stock.today))
    gaps = data_gaps(person_uow(make_person("auditor")))
    assert any("医用缝合针 (06954321009997)" in g for g in gaps)
    assert not any("06954321009980" in g or "06954321001236" in g for g in gaps)  # no stock; own thresholds


def test_the_ics_file_has_an_event_per_lot_with_a_reminder_at_each_threshold_ahead(stock: Stock, make_person,
                                                                                   tmp_path: Path) -> None:
    from icalendar import Calendar

    path = write_ics(person_uow(make_person("auditor")), out=tmp_path / "expiry.ics", within_days=500)
    calendar = Calendar.from_ical(path.read_bytes())
    events = {str(e["summary"]).split(" lot ")[1].split(" ")[0]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {"GONE-1", "D5", "D20", "D60", "D400"}
    assert events["D400"].decoded("dtstart") == stock.today + dt.timedelta(days=400)
    triggers = sorted(-a.decoded("trigger").days for a in events["D60"].walk("VALARM"))
    assert triggers == [7, 30]  # 90 days is already behind it
    with pytest.raises(Exception, match="does not exist"):
        write_ics(person_uow(make_person("auditor")), out=tmp_path / "no" / "x.ics")


def test_the_expiry_commands_print_the_documented_json(stock: Stock, database: Database, app_paths,
                                                      tmp_path: Path, capsys) -> None:
    from app.cli import main

    home = str(app_paths.config_dir.parent)
    later = (stock.today + dt.timedelta(days=1)).isoformat()
    assert main(["--home", home, "expiry", "run", "--as-of", later, "--json"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert run["as_of"] == later and run["expired"] == 1 and run["system_actor"] == "medtrace-expiry"
    assert main(["--home", home, "expiry", "list", "--within", "30", "--as-of", later, "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["as_of"] == later and {lot["lot"] for lot in listing["lots"]} == {"GONE-1", "D5", "D20"}
    assert main(["--home", home, "expiry", "ics", "--out", str(tmp_path / "x.ics"), "--json"]) == 0
    assert Path(json.loads(capsys.readouterr().out)["file"]).read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert main(["--home", home, "expiry", "list", "--within", "-1"]) == 2
