"""The Expiry page against a real database: month grid counts, a day's lots, agenda, alerts, .ics export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import AppPaths, Settings
from app.db.uow import UnitOfWork
from app.models.enums import LotStatus, MovementKind, PartyKind
from app.services.identity import Account
from app.views.context import ViewContext
from app.views.expiry_calendar import ExpiryCalendarPage, add_months
from app.views.operations import ChangeBroadcast, OperationRunner
from tests.factories import make_lot, make_party, make_product, move

ACCOUNT = Account(login="qa_zhang", printed_name="张质量", state="active", enrolled=True, locked=False,
                  groups=("qa_reviewer",))


@pytest.fixture
def ctx(connection: Connection, app_paths: AppPaths) -> Iterator[ViewContext]:
    broadcast = ChangeBroadcast()
    runner = OperationRunner(broadcast)
    runner._pool.setMaxThreadCount(1)  # the page reads several things at once; the test has one connection
    failures: list[BaseException] = []
    runner.failed.connect(failures.append)
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield ViewContext(runner=runner, broadcast=broadcast, new_uow=lambda: UnitOfWork(factory),
                      paths=app_paths, settings=Settings(language="en"))
    assert runner.wait_for_all(60_000)
    assert failures == []


@pytest.fixture
def today(session: Session) -> dt.date:
    """Three lots with stock at our site, 5, 6 and 40 days from expiry; the expiry job has run."""
    day = session.execute(select(func.current_date())).scalar_one()
    product = make_product(session, name="一次性使用无菌注射器", alert_days=[90, 30, 7])
    site = make_party(session, PartyKind.MANUFACTURER, code="EXP-GUI", name="苏州工厂")
    for lot_no, days in (("CAL-5", 5), ("CAL-6", 6), ("CAL-40", 40)):
        expiry = day + dt.timedelta(days=days)
        lot = make_lot(session, product, lot_no=lot_no, status=LotStatus.RELEASED, expiry_date=expiry,
                       production_date=day - dt.timedelta(days=300), quantity=20)
        move(session, MovementKind.PRODUCE, lot, 20, dest=site, on=day - dt.timedelta(days=300))
    session.flush()
    session.execute(text("SELECT * FROM mt_expiry_run_as_of(current_date)"))
    return day


def open_page(qtbot: QtBot, ctx: ViewContext, as_of: dt.date) -> ExpiryCalendarPage:
    page = ExpiryCalendarPage(ctx, ACCOUNT, as_of=as_of)
    qtbot.addWidget(page)
    page.resize(1400, 820)
    page.show()
    return page


def test_the_month_shows_how_many_lots_expire_each_day_and_enter_lists_them(qtbot: QtBot, ctx: ViewContext,
                                                                           today: dt.date) -> None:
    page = open_page(qtbot, ctx, today)
    day = today + dt.timedelta(days=5)
    page.move_to(day)
    qtbot.wait_until(lambda: page.model.total() > 0, timeout=20_000)
    qtbot.wait_until(lambda: page._month_running is None, timeout=20_000)
    with qtbot.wait_signal(page.day_listed, timeout=20_000) as listed:
        page.grid.setFocus()
        page.grid.select_day(day)
        qtbot.keyClick(page.grid, Qt.Key.Key_Return)
    shown_day, lots = listed.args
    assert shown_day == day and [lot.lot for lot in lots] == ["CAL-5"]
    assert lots[0].band == 7 and lots[0].on_hand == 20 and lots[0].alert is not None


def test_the_agenda_lists_what_expires_in_the_horizon_and_the_alerts_tab_counts_open_alerts(
        qtbot: QtBot, ctx: ViewContext, today: dt.date) -> None:
    page = open_page(qtbot, ctx, today)
    with qtbot.wait_signal(page.agenda_shown, timeout=20_000) as shown:
        page.set_view("agenda")
    listing = shown.args[0]
    assert [lot.lot for lot in listing.lots if lot.lot.startswith("CAL-")] == ["CAL-5", "CAL-6", "CAL-40"]
    qtbot.wait_until(lambda: len(page.alerts.model.rows()) >= 3, timeout=20_000)
    assert "(3)" in page.side.tabText(page.side.indexOf(page.alerts))


def test_a_filter_that_matches_nothing_says_so_and_offers_to_clear_it(qtbot: QtBot, ctx: ViewContext,
                                                                      today: dt.date) -> None:
    page = open_page(qtbot, ctx, today)
    qtbot.wait_until(lambda: page._month_running is None, timeout=20_000)
    page.filters.choose(owner="nobody_owns_this")
    qtbot.wait_until(lambda: page.notice.isVisible(), timeout=20_000)
    assert "No lot matching the filters" in page.notice_text.text()
    assert page.notice_clear.isVisible()


def test_the_calendar_is_exported_as_an_ics_file(qtbot: QtBot, ctx: ViewContext, today: dt.date,
                                                 tmp_path: Path) -> None:
    page = open_page(qtbot, ctx, today)
    target = tmp_path / "expiry.ics"
    with qtbot.wait_signal(page.ics_written, timeout=20_000):
        page.export_ics(str(target))
    assert b"CAL-40" in target.read_bytes() and b"BEGIN:VALARM" in target.read_bytes()


def test_the_report_link_asks_for_the_expiry_report_of_the_agenda_horizon(qtbot: QtBot, ctx: ViewContext,
                                                                         today: dt.date) -> None:
    page = open_page(qtbot, ctx, today)
    with qtbot.wait_signal(page.report_requested, timeout=5_000) as asked:
        page.report_action.trigger()
    assert asked.args[0] == "expiry" and asked.args[1]["days"] == page.agenda.days()


def test_the_next_month_is_read_ahead_so_paging_shows_it_at_once_and_a_change_reads_it_anew(
        qtbot: QtBot, ctx: ViewContext, today: dt.date, session: Session) -> None:
    page = open_page(qtbot, ctx, today)
    day = today + dt.timedelta(days=40)
    this_month = day.replace(day=1)
    page.move_to(this_month)
    next_key = page._cache_key(*page._month_range(add_months(this_month, 1)))
    qtbot.wait_until(lambda: next_key in page._month_cache, timeout=20_000)  # read ahead, off the GUI thread

    shown: list[object] = []
    page.month_shown.connect(shown.append)
    page.move_to(add_months(this_month, 1))
    assert len(shown) == 1  # from what was read ahead: no wait for the database

    page.move_to(day)
    qtbot.wait_until(lambda: page.model.count_on(day) == 1, timeout=20_000)
    # The page's reads share the test's one connection: write only once they (and the reads ahead) are done.
    qtbot.wait_until(lambda: not page._prefetching and page._month_running is None, timeout=20_000)
    assert ctx.runner.wait_for_all(20_000)
    lot = make_lot(session, make_product(session), lot_no="CAL-40B", status=LotStatus.RELEASED, expiry_date=day,
                   production_date=today - dt.timedelta(days=10), quantity=5)
    move(session, MovementKind.PRODUCE, lot, 5, dest=make_party(session, PartyKind.MANUFACTURER), on=today)
    session.flush()
    ctx.broadcast.announce(frozenset({"lot", "movement"}))  # what another workstation's change arrives as
    assert next_key not in page._month_cache  # what was read before the change is not shown again
    qtbot.wait_until(lambda: page.model.count_on(day) == 2, timeout=20_000)
