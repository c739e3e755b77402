"""The working calendar recall deadlines count by, kept from the Recalls page against the session's database."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import psycopg
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.views.work_calendar_dialog import WorkCalendarDialog
from tests.views.conftest import LOAD_TIMEOUT

pytestmark = pytest.mark.clause("NMPA 召回管理办法")

SHOTS = os.environ.get("MEDTRACE_SCREENSHOTS")


def _next_weekday(after: dt.date, isoweekday: int) -> dt.date:
    return after + dt.timedelta(days=(isoweekday - after.isoweekday()) % 7 or 7)


@pytest.fixture
def clean_calendar(owner_conn: psycopg.Connection):
    """The calendar as this test leaves it is not another test's business."""
    yield
    owner_conn.execute("SELECT set_config('medtrace.reason', 'test clean-up', false)")
    owner_conn.execute("DELETE FROM work_calendar")


def _open(qtbot: QtBot, station) -> WorkCalendarDialog:
    dialog = WorkCalendarDialog(station.ctx, tuple(station.account.groups))
    qtbot.addWidget(dialog)
    with qtbot.wait_signal(dialog.loaded, timeout=LOAD_TIMEOUT):
        dialog.show()
    return dialog


def _mark(qtbot: QtBot, dialog: WorkCalendarDialog, day: dt.date, working: bool | None, note: str,
          reason: str) -> None:
    dialog.choose(day)
    dialog.note.setText(note)
    reason_dialog = dialog.mark(working)
    assert reason_dialog is not None
    assert not reason_dialog.ok_button.isEnabled()  # no reason, no change
    reason_dialog.reason.setPlainText(reason)
    with qtbot.wait_signal(dialog.loaded, timeout=LOAD_TIMEOUT):
        reason_dialog.ok_button.click()


def test_regulatory_marks_a_holiday_and_a_make_up_day_that_the_deadlines_then_count_by(
        qtbot: QtBot, make_person, signed_in, owner_conn: psycopg.Connection, clean_calendar) -> None:
    regulatory = make_person("regulatory")
    dialog = _open(qtbot, signed_in(regulatory))
    today = owner_conn.execute("SELECT current_date").fetchone()[0]
    wednesday, saturday = _next_weekday(today, 3), _next_weekday(today, 6)
    tuesday = wednesday - dt.timedelta(days=1)

    dialog.choose(wednesday)
    assert dialog.holiday_button.isEnabled() and not dialog.working_button.isEnabled()
    _mark(qtbot, dialog, wednesday, False, "国庆节 National Day", "Public holiday announced by the State Council")
    dialog.choose(saturday)
    assert dialog.working_button.isEnabled() and not dialog.holiday_button.isEnabled()
    _mark(qtbot, dialog, saturday, True, "调休", "Make-up working day announced by the State Council")

    rows = owner_conn.execute("SELECT day, working, note FROM work_calendar ORDER BY day").fetchall()
    assert rows == [(wednesday, False, "国庆节 National Day"), (saturday, True, "调休")]
    # The deadlines, as a person's recall computes them: after Tuesday the next working day is Thursday, and
    # three working days after Thursday end on Monday (Friday, the make-up Saturday, Monday).
    with regulatory.verified_connection() as conn:
        next_day, third = conn.execute("SELECT mt_add_working_days(%s, 1), mt_add_working_days(%s, 3)",
                                       (tuesday, wednesday + dt.timedelta(days=1))).fetchone()
    assert next_day == wednesday + dt.timedelta(days=1) and third == saturday + dt.timedelta(days=2)
    audited = owner_conn.execute(
        "SELECT reason FROM audit_entry WHERE table_name = 'work_calendar' ORDER BY id DESC LIMIT 2").fetchall()
    assert {r[0] for r in audited} == {"Public holiday announced by the State Council",
                                       "Make-up working day announced by the State Council"}
    assert dialog.listing.topLevelItemCount() == 2
    assert "holidays: 1 · make-up working days: 1" in dialog.year_label.text()
    if SHOTS:
        dialog.choose(wednesday)
        QApplication.processEvents()
        dialog.grab().save(str(Path(SHOTS) / "work_calendar_en.png"))

    dialog.choose(wednesday)
    assert dialog.default_button.isEnabled()
    _mark(qtbot, dialog, wednesday, None, "", "Marked in error")
    assert owner_conn.execute("SELECT count(*) FROM work_calendar WHERE day = %s", (wednesday,)).fetchone()[0] == 0


def test_an_auditor_reads_the_calendar_and_is_offered_no_change(
        qtbot: QtBot, make_person, signed_in, owner_conn: psycopg.Connection, clean_calendar) -> None:
    dialog = _open(qtbot, signed_in(make_person("auditor")))
    today = owner_conn.execute("SELECT current_date").fetchone()[0]
    dialog.choose(_next_weekday(today, 2))
    assert not any(b.isEnabled() for b in (dialog.holiday_button, dialog.working_button, dialog.default_button))
    assert "regulatory" in dialog.holiday_button.toolTip()
