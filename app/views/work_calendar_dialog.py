"""The working calendar recall deadlines count by: public holidays and make-up working days (调休).

医疗器械召回管理办法 and 21 CFR 806 give deadlines in working days; the database counts them
(mt_add_working_days: Monday–Friday, less the holidays, plus the make-up days marked here). Marking a day
is audited with the reason given (mt_set_work_day; administrators and regulatory affairs).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import UnitOfWork
from app.security.permissions import may
from app.services.recalls import WorkDay, in_unit_of_work, set_work_day, work_calendar
from app.views.context import ViewContext
from app.views.lot_table_model import while_alive
from app.views.reason_dialog import ReasonDialog
from app.views.style import problem_label

HOLIDAY_COLOUR = QColor("#f6d5d1")
MAKE_UP_COLOUR = QColor("#d3e4f5")


class WorkCalendarDialog(QDialog):
    """A year's holidays and make-up days beside a month calendar; mark the chosen day with a reason."""

    changed = Signal()  # a day was marked and the database kept it
    loaded = Signal()

    def __init__(self, ctx: ViewContext, groups: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._may_edit = may(groups, "edit_work_calendar")
        self.days: dict[dt.date, WorkDay] = {}
        self.reason_dialog: ReasonDialog | None = None
        self.setWindowTitle(self.tr("Working calendar"))
        self.setMinimumSize(860, 520)

        intro = QLabel(self.tr(
            "Recall deadlines in working days count Monday to Friday, less the public holidays, plus the make-up "
            "working days (调休) marked here. Mark each year's holidays before they come."))
        intro.setWordWrap(True)
        intro.setObjectName("fieldNote")
        self.problem = problem_label()

        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setObjectName("workCalendar")
        self.day_state = QLabel()
        self.day_state.setObjectName("fieldNote")
        self.day_state.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("e.g. 国庆节 National Day"))
        self.holiday_button = QPushButton(self.tr("Mark as &holiday…"))
        self.working_button = QPushButton(self.tr("Mark as &working day…"))
        self.default_button = QPushButton(self.tr("Back to the &usual week…"))
        for button in (self.holiday_button, self.working_button, self.default_button):
            button.setEnabled(False)
            if not self._may_edit:
                button.setToolTip(self.tr("Administrators and regulatory affairs keep the working calendar."))
        self.holiday_button.clicked.connect(lambda: self.mark(False))
        self.working_button.clicked.connect(lambda: self.mark(True))
        self.default_button.clicked.connect(lambda: self.mark(None))

        self.listing = QTreeWidget()
        self.listing.setHeaderLabels([self.tr("Day"), self.tr("Kind"), self.tr("Note"), self.tr("Marked by")])
        self.listing.setRootIsDecorated(False)
        self.listing.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.listing.itemActivated.connect(self._on_listing_activated)
        self.listing.itemClicked.connect(self._on_listing_activated)
        self.year_label = QLabel()
        self.year_label.setObjectName("sectionHeading")

        form = QFormLayout()
        form.addRow(self.tr("Note:"), self.note)
        buttons = QHBoxLayout()
        for button in (self.holiday_button, self.working_button, self.default_button):
            buttons.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.calendar)
        left.addWidget(self.day_state)
        left.addLayout(form)
        left.addLayout(buttons)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.year_label)
        right.addWidget(self.listing, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 0)
        columns.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problem)
        layout.addLayout(columns, 1)
        layout.addWidget(close)

        self.calendar.selectionChanged.connect(self._show_day)
        self.calendar.currentPageChanged.connect(lambda year, _month: self._load(year))
        self._year = self.calendar.selectedDate().year()
        self._load(self._year)

    # -- reading -------------------------------------------------------------------------------

    def _load(self, year: int) -> None:
        self._year = year
        new_uow = self._ctx.new_uow
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        self._ctx.runner.run(lambda _op: work_calendar(new_uow(), first=first, last=last),
                             on_done=while_alive(self, lambda days, y=year: self._on_loaded(y, days)),
                             on_failed=while_alive(self, self._on_failed))

    def _on_loaded(self, year: int, days: list[WorkDay]) -> None:
        if year != self._year:
            return  # the person paged on meanwhile
        for day in self.days:
            self.calendar.setDateTextFormat(QDate(day), QTextCharFormat())
        self.days = {d.day: d for d in days}
        self.listing.clear()
        for d in days:
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(HOLIDAY_COLOUR if not d.working else MAKE_UP_COLOUR))
            self.calendar.setDateTextFormat(QDate(d.day), fmt)
            item = QTreeWidgetItem([d.day.isoformat(), self._kind(d.working), d.note, d.changed_by])
            item.setData(0, Qt.ItemDataRole.UserRole, d.day)
            self.listing.addTopLevelItem(item)
        for column in range(3):
            self.listing.resizeColumnToContents(column)
        holidays = sum(1 for d in days if not d.working)
        self.year_label.setText(self.tr("%1 · holidays: %2 · make-up working days: %3").replace("%1", str(year))
                                .replace("%2", str(holidays)).replace("%3", str(len(days) - holidays)))
        self.problem.hide()
        self._show_day()
        self.loaded.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self.problem.setText(getattr(exc, "message", None) or exc.__class__.__name__)
        self.problem.show()

    def _kind(self, working: bool) -> str:
        return self.tr("Make-up working day") if working else self.tr("Holiday")

    # -- the chosen day ------------------------------------------------------------------------

    def chosen(self) -> dt.date:
        return self.calendar.selectedDate().toPython()  # type: ignore[no-any-return]

    def choose(self, day: dt.date) -> None:
        self.calendar.setSelectedDate(QDate(day))

    def _on_listing_activated(self, item: QTreeWidgetItem) -> None:
        self.choose(item.data(0, Qt.ItemDataRole.UserRole))

    def _show_day(self) -> None:
        day = self.chosen()
        marked = self.days.get(day)
        weekday = day.isoweekday() < 6
        if marked is None:
            state = self.tr("%1 is a working day (Monday to Friday).") if weekday else self.tr(
                "%1 is a weekend day, not a working day.")
        elif marked.working:
            state = self.tr("%1 is a make-up working day.")
        else:
            state = self.tr("%1 is a holiday.")
        self.day_state.setText(state.replace("%1", day.isoformat()) + (f" {marked.note}" if marked and marked.note
                                                                       else ""))
        if marked is not None:
            self.note.setText(marked.note)
        self.holiday_button.setEnabled(self._may_edit and (marked is None or marked.working) and weekday)
        self.working_button.setEnabled(self._may_edit and (marked is None or not marked.working) and not weekday)
        self.default_button.setEnabled(self._may_edit and marked is not None)

    # -- marking -------------------------------------------------------------------------------

    def mark(self, working: bool | None) -> ReasonDialog | None:
        """Ask for the reason, then mark the chosen day (None: back to the usual week) off the GUI thread."""
        day, note = self.chosen(), self.note.text().strip()
        marked = self.days.get(day)
        before = self._kind(marked.working) if marked is not None else self.tr("usual week")
        after = self._kind(working) if working is not None else self.tr("usual week")
        self.reason_dialog = ReasonDialog(
            self.tr("the working calendar"), [(day.isoformat(), before, after)], self,
            headline=self.tr("Why is %1 changed in the working calendar?").replace("%1", day.isoformat()),
            common_reasons=(self.tr("Public holiday announced by the State Council"),
                            self.tr("Make-up working day (调休) announced by the State Council"),
                            self.tr("Site shutdown"), self.tr("Marked in error")))
        dialog = self.reason_dialog
        dialog.accepted.connect(lambda: self._save(day, working, note, dialog.reason_text()))
        dialog.open()
        return dialog

    def _save(self, day: dt.date, working: bool | None, note: str, reason: str) -> None:
        new_uow = self._ctx.new_uow

        def work(_op: object) -> None:
            uow: UnitOfWork = new_uow()
            in_unit_of_work(uow, set_work_day, day, working=working, note=note, reason=reason)

        def done(_result: object) -> None:
            self.changed.emit()
            self._load(self._year)

        self._ctx.runner.run(work, on_done=while_alive(self, done), on_failed=while_alive(self, self._on_failed),
                             changes=("work_calendar",))
