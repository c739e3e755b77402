"""The Admin page: people, their roles and locks, activation codes, and security alerts (21 CFR 11.300).

Everything here is a call of a database function that refuses anyone but a verified administrator
(`app.services.people`); the buttons only mirror that (`may`). An administrator never sees a password
or an authenticator key: a new or reset account gets a one-time activation code, shown here once, to
be handed over in person. Lockouts and recovery-code uses appear as alerts until acknowledged
(11.300(d)); the page follows them live through the change broadcast (LISTEN/NOTIFY).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.security.permissions import GROUP_TITLES, GROUPS, may
from app.services.identity import Account
from app.services.people import (
    ACCOUNT_LOCKED,
    ACTIVATION_VALID_HOURS,
    RECOVERY_CODE_USED,
    PersonRow,
    SecurityAlert,
    acknowledge_alert,
    create_person,
    list_people,
    lock_person,
    reset_person,
    security_alerts,
    set_groups,
    unlock_person,
)
from app.views.backup_panel import BackupPanel
from app.views.context import ViewContext
from app.views.login_dialog import grow_to_fit
from app.views.record_edit_dialogs import EditCompanyDialog
from app.views.validation_panel import ValidationPanel

LOGIN_NAME = re.compile(r"^[a-z][a-z0-9_.]{2,30}$")  # mirrors mt_check_login_name
PAGE_TABLES = frozenset({"person", "security_alert"})
REFRESH_COALESCE_MS = 150
UNACKNOWLEDGED_BACKGROUND = QColor("#fff1c7")
LOCKED_FOREGROUND = QColor("#a1260d")
PEOPLE_COLUMNS = ("login", "printed_name", "groups", "state", "enrolled", "locked")
ALERT_COLUMNS = ("raised_at", "kind", "login", "detail", "acknowledged")


def group_title(group: str) -> str:
    """The role's name in the workstation's language (GROUP_TITLES holds English and Chinese)."""
    english, chinese = GROUP_TITLES.get(group, (group, group))
    return chinese if QLocale().language() == QLocale.Language.Chinese else english


def local_time(moment: dt.datetime | None) -> str:
    """A server timestamp in the workstation's zone and language (DESIGN §3: UTC stored, local shown)."""
    if moment is None:
        return ""
    when = QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000)).toLocalTime()
    return when.toString("yyyy-MM-dd HH:mm")  # ISO order: unambiguous in both languages, as auditors read it


class _FormDialog(QDialog):
    """A small dialog whose OK is answered by the database: it stays open, busy, until the answer."""

    submitted = Signal()

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button.clicked.connect(self._on_ok)
        self.cancel_button.clicked.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.problem)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._busy = False

    def problem_with_input(self) -> str | None:
        return None

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.ok_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        if busy:
            self.problem.hide()

    def show_problem(self, text: str) -> None:
        self.set_busy(False)
        self.problem.setText(text)
        self.problem.show()
        QTimer.singleShot(0, lambda: grow_to_fit(self))

    def reject(self) -> None:
        if not self._busy:
            super().reject()

    def _on_ok(self) -> None:
        if self._busy:
            return
        problem = self.problem_with_input()
        if problem:
            self.show_problem(problem)
            return
        self.submitted.emit()


class _RoleBoxes(QWidget):
    """One checkbox per group role, titled in the workstation's language."""

    def __init__(self, chosen: tuple[str, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group in GROUPS:
            box = QCheckBox(group_title(group))
            box.setObjectName(f"role_{group}")
            box.setChecked(group in chosen)
            self.boxes[group] = box
            layout.addWidget(box)

    def chosen(self) -> tuple[str, ...]:
        return tuple(g for g, box in self.boxes.items() if box.isChecked())

    def set_chosen(self, groups: tuple[str, ...]) -> None:
        for group, box in self.boxes.items():
            box.setChecked(group in groups)


class AddPersonDialog(_FormDialog):
    """User name, full printed name and roles of a new person."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add a person"), self.tr("Add and issue activation code"), parent)
        self.login = QLineEdit()
        self.login.setObjectName("newLoginField")
        self.login.setMaxLength(31)
        self.login.setPlaceholderText(self.tr("e.g. zhang.wei"))
        self.printed_name = QLineEdit()
        self.printed_name.setObjectName("newNameField")
        self.printed_name.setMaxLength(120)
        self.printed_name.setPlaceholderText(self.tr("Full name as printed with signatures"))
        self.roles = _RoleBoxes()
        self.form.addRow(self.tr("User name"), self.login)
        self.form.addRow(self.tr("Full printed name"), self.printed_name)
        self.form.addRow(self.tr("Roles"), self.roles)

    def problem_with_input(self) -> str | None:
        if not LOGIN_NAME.match(self.login.text().strip().lower()):
            return self.tr("Use 3–31 lower-case letters, digits, “_” or “.” for the user name, starting with "
                           "a letter.")
        if not self.printed_name.text().strip():
            return self.tr("Enter the person's full name as it appears on signatures.")
        if not self.roles.chosen():
            return self.tr("Choose at least one role.")
        return None


class RolesDialog(_FormDialog):
    """Change which roles a person holds (the database grants exactly these)."""

    def __init__(self, person: PersonRow, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Change roles of %1").replace("%1", person.login), self.tr("Save roles"), parent)
        self.person = person
        self.roles = _RoleBoxes(person.groups)
        name = QLabel(person.printed_name)
        self.form.addRow(self.tr("Person"), name)
        self.form.addRow(self.tr("Roles"), self.roles)

    def problem_with_input(self) -> str | None:
        return None if self.roles.chosen() else self.tr("Choose at least one role.")


class LockDialog(_FormDialog):
    """Lock an account at once, with the reason (it goes into the alert and the people list)."""

    def __init__(self, person: PersonRow, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Lock %1").replace("%1", person.login), self.tr("Lock account"), parent)
        self.person = person
        note = QLabel(self.tr("%1 will be signed out everywhere and cannot sign in until an administrator "
                              "unlocks the account.").replace("%1", person.printed_name))
        note.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("lockReasonField")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("e.g. left the company; suspected misuse"))
        self.form.addRow(note)
        self.form.addRow(self.tr("Reason"), self.reason)

    def problem_with_input(self) -> str | None:
        return None if self.reason.text().strip() else self.tr("Give the reason for the lock.")


class ActivationCodeDialog(QDialog):
    """The activation code, shown once, to be handed to the person in person."""

    def __init__(self, person_name: str, login: str, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activationCodeDialog")
        self.setWindowTitle(self.tr("Activation code for %1").replace("%1", login))
        self.code = code
        headline = QLabel(self.tr("Activation code for %1 (%2)").replace("%1", person_name).replace("%2", login))
        headline.setObjectName("dialogHeadline")
        headline.setWordWrap(True)
        self.code_label = QLabel(code)
        self.code_label.setObjectName("activationCode")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(max(font.pointSizeF() * 1.6, 16))
        font.setWeight(QFont.Weight.DemiBold)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note = QLabel(self.tr(
            "Valid for %1 hours, and only once. Give it to the person in person; it is shown only now. At "
            "their first sign-in (user name, and this code as the password) they choose their own password and "
            "set up their authenticator app.").replace("%1", str(ACTIVATION_VALID_HOURS)))
        note.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self._copy)
        self.copied = QLabel()
        self.copied.setObjectName("fieldNote")
        done = QPushButton(self.tr("Done"))
        done.setDefault(True)
        done.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copied, 1)
        buttons.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.code_label)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.copied.setText(self.tr("Copied."))


class AdminPage(QWidget):
    """People with their roles and state, the actions on them, and the security alerts."""

    refreshed = Signal()

    def __init__(self, ctx: ViewContext, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._people: list[PersonRow] = []
        self._alerts: list[SecurityAlert] = []
        self._needs_refresh = False
        self._loading = False
        self.may_manage = may(account.groups, "manage_people")
        self.may_see_alerts = may(account.groups, "see_security_alerts")
        self.add_dialog: AddPersonDialog | None = None
        self.roles_dialog: RolesDialog | None = None
        self.lock_dialog: LockDialog | None = None
        self.code_dialog: ActivationCodeDialog | None = None
        self.reset_question: QMessageBox | None = None

        heading = QLabel(self.tr("People and access"))
        heading.setObjectName("pageHeading")
        purpose = QLabel(self.tr(
            "Who may sign in, and with which roles. Administrators never see a password or an authenticator "
            "key: new and reset accounts get a one-time activation code."))
        purpose.setObjectName("pagePurpose")
        purpose.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.not_allowed = QLabel(self.tr("Only administrators manage people. You can see this page, not use it."))
        self.not_allowed.setObjectName("fieldNote")
        self.not_allowed.setVisible(not self.may_manage)

        self.add_button = QPushButton(self.tr("Add person…"))
        self.roles_button = QPushButton(self.tr("Change roles…"))
        self.lock_button = QPushButton(self.tr("Lock…"))
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.reset_button = QPushButton(self.tr("Reset password and authenticator…"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        # The company on every report header and recall letter (migration 0012): administrators keep it.
        self.company_dialog: EditCompanyDialog | None = None
        self.company_button = QPushButton(self.tr("Company profile…"))
        self.company_button.setObjectName("companyProfileButton")
        self.company_button.setToolTip(self.tr("Legal name, address, manufacturing licence no., registrant and logo "
                                               "printed on every report and recall letter"))
        self.company_button.setEnabled(may(account.groups, "edit_company_profile"))
        self.company_button.clicked.connect(self.open_company_dialog)
        self.add_button.clicked.connect(self.open_add_dialog)
        self.roles_button.clicked.connect(self.open_roles_dialog)
        self.lock_button.clicked.connect(self.open_lock_dialog)
        self.unlock_button.clicked.connect(self.unlock_selected)
        self.reset_button.clicked.connect(self.ask_reset_selected)
        self.refresh_button.clicked.connect(self.refresh)
        actions = QHBoxLayout()
        for button in (self.add_button, self.roles_button, self.lock_button, self.unlock_button, self.reset_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)

        self.people_table = self._table([
            self.tr("User name"), self.tr("Printed name"), self.tr("Roles"), self.tr("State"),
            self.tr("Authenticator"), self.tr("Lock"),
        ])
        self.people_table.setObjectName("peopleTable")
        header = self.people_table.horizontalHeader()
        header.setSectionResizeMode(PEOPLE_COLUMNS.index("groups"), QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PEOPLE_COLUMNS.index("locked"), QHeaderView.ResizeMode.Stretch)
        self.people_table.itemSelectionChanged.connect(self._update_buttons)
        self.people_table.itemDoubleClicked.connect(lambda _item: self.open_roles_dialog())

        alerts_heading = QLabel(self.tr("Security alerts"))
        alerts_heading.setObjectName("sectionHeading")
        self.alert_count = QLabel()
        self.alert_count.setObjectName("pageArrives")
        self.acknowledge_button = QPushButton(self.tr("Acknowledge"))
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        alerts_bar = QHBoxLayout()
        alerts_bar.addWidget(alerts_heading)
        alerts_bar.addWidget(self.alert_count, 1)
        alerts_bar.addWidget(self.acknowledge_button)
        self.alerts_table = self._table([
            self.tr("Raised"), self.tr("Alert"), self.tr("User name"), self.tr("Detail"), self.tr("Acknowledged"),
        ])
        self.alerts_table.setObjectName("alertsTable")
        self.alerts_table.horizontalHeader().setSectionResizeMode(
            ALERT_COLUMNS.index("detail"), QHeaderView.ResizeMode.Stretch)
        self.alerts_table.itemSelectionChanged.connect(self._update_buttons)
        alerts = QWidget()
        alerts_layout = QVBoxLayout(alerts)
        alerts_layout.setContentsMargins(0, 0, 0, 0)
        alerts_layout.addLayout(alerts_bar)
        alerts_layout.addWidget(self.alerts_table, 1)
        alerts.setVisible(self.may_see_alerts)

        people = QWidget()
        people_layout = QVBoxLayout(people)
        people_layout.setContentsMargins(0, 0, 0, 0)
        people_layout.addLayout(actions)
        people_layout.addWidget(self.people_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(people)
        splitter.addWidget(alerts)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        heading_row = QHBoxLayout()
        heading_row.addWidget(heading, 1)
        heading_row.addWidget(self.company_button)
        layout.addLayout(heading_row)
        layout.addWidget(purpose)
        layout.addWidget(self.not_allowed)
        layout.addWidget(self.problem)
        layout.addWidget(splitter, 1)
        self.backups = BackupPanel(ctx, account, may_manage=self.may_manage)
        layout.addWidget(self.backups)
        self.validation = ValidationPanel(ctx, account, may_manage=self.may_manage)
        layout.addWidget(self.validation)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_COALESCE_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        ctx.broadcast.records_changed.connect(self._on_records_changed)
        self._update_buttons()
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------

    @property
    def people(self) -> list[PersonRow]:
        return list(self._people)

    @property
    def alerts(self) -> list[SecurityAlert]:
        return list(self._alerts)

    def refresh(self) -> None:
        """Read people and alerts (one connection, off the GUI thread)."""
        if not (self.may_manage or self.may_see_alerts):
            return
        if self._loading:
            self._needs_refresh = True  # read again when this read is back
            return
        self._loading = True
        manage, see = self.may_manage, self.may_see_alerts

        def work(conn: Any) -> tuple[list[PersonRow], list[SecurityAlert]]:
            return (list_people(conn) if manage else [], security_alerts(conn) if see else [])

        self._run(work, on_done=self._on_loaded, on_failed=self._on_load_failed)

    def _on_loaded(self, result: tuple[list[PersonRow], list[SecurityAlert]]) -> None:
        self._loading = False
        self._people, self._alerts = result
        self.problem.hide()
        self._fill_people()
        self._fill_alerts()
        self._update_buttons()
        self.refreshed.emit()
        if self._needs_refresh:
            self._needs_refresh = False
            self._refresh_timer.start()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._show_problem(exc)

    def _fill_people(self) -> None:
        chosen = self.selected_person()
        table = self.people_table
        table.setRowCount(len(self._people))
        for row, person in enumerate(self._people):
            state = {"pending": self.tr("Waiting for activation"), "active": self.tr("Active"),
                     "disabled": self.tr("Disabled")}.get(person.state, person.state)
            lock = ""
            if person.locked:
                lock = self.tr("Locked: %1").replace("%1", self._reason_text(person.lock_reason)) \
                    if person.lock_reason else self.tr("Locked")
            values = (
                person.login, person.printed_name, ", ".join(group_title(g) for g in person.groups), state,
                self.tr("Enrolled") if person.enrolled else self.tr("Not enrolled"), lock,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, person.login)
                if person.locked:
                    item.setForeground(QBrush(LOCKED_FOREGROUND))
                table.setItem(row, column, item)
        for column in ("login", "printed_name", "state", "enrolled"):
            _fit_column(table, PEOPLE_COLUMNS.index(column))
        if chosen is not None:
            self.select_person(chosen.login)

    def _fill_alerts(self) -> None:
        table = self.alerts_table
        table.setRowCount(len(self._alerts))
        bold = QFont(table.font())
        bold.setWeight(QFont.Weight.DemiBold)
        for row, alert in enumerate(self._alerts):
            kind = {ACCOUNT_LOCKED: self.tr("Account locked"),
                    RECOVERY_CODE_USED: self.tr("Recovery code used")}.get(alert.kind, alert.kind)
            acknowledged = (self.tr("%1, %2").replace("%1", alert.acknowledged_by or "")
                            .replace("%2", local_time(alert.acknowledged_at))
                            if alert.acknowledged else self.tr("Not yet"))
            values = (local_time(alert.raised_at), kind, alert.login, self._reason_text(alert.detail), acknowledged)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, alert.id)
                if not alert.acknowledged:
                    item.setBackground(QBrush(UNACKNOWLEDGED_BACKGROUND))
                    item.setFont(bold)
                table.setItem(row, column, item)
        for column in ("raised_at", "kind", "login", "acknowledged"):
            _fit_column(table, ALERT_COLUMNS.index(column))
        waiting = sum(1 for a in self._alerts if not a.acknowledged)
        self.alert_count.setText(self.tr("%1 not yet acknowledged").replace("%1", str(waiting)) if waiting else "")

    def _reason_text(self, reason: str) -> str:
        """The database's fixed English reasons in the workstation's language; typed reasons as typed."""
        known = {
            "Too many failed sign-in attempts": self.tr("Too many failed sign-in attempts"),
            "Locked by an administrator": self.tr("Locked by an administrator"),
        }
        if reason in known:
            return known[reason]
        left = re.fullmatch(r"(\d+) recovery code\(s\) left", reason)
        if left:
            return self.tr("%1 recovery codes left").replace("%1", left.group(1))
        failures = re.fullmatch(r"(\d+) failed sign-in attempts", reason)
        if failures:
            return self.tr("%1 failed sign-in attempts").replace("%1", failures.group(1))
        return reason

    # -- selection -------------------------------------------------------------------------------

    def selected_person(self) -> PersonRow | None:
        rows = self.people_table.selectionModel().selectedRows()
        if not rows:
            return None
        login = self.people_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((p for p in self._people if p.login == login), None)

    def select_person(self, login: str) -> None:
        for row in range(self.people_table.rowCount()):
            if self.people_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == login:
                self.people_table.selectRow(row)
                return
        self.people_table.clearSelection()

    def selected_alert(self) -> SecurityAlert | None:
        rows = self.alerts_table.selectionModel().selectedRows()
        if not rows:
            return None
        alert_id = self.alerts_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((a for a in self._alerts if a.id == alert_id), None)

    def select_alert(self, alert_id: int) -> None:
        for row in range(self.alerts_table.rowCount()):
            if self.alerts_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == alert_id:
                self.alerts_table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        person = self.selected_person()
        myself = person is not None and person.login == self._account.login
        self.add_button.setEnabled(self.may_manage)
        self.roles_button.setEnabled(self.may_manage and person is not None)
        self.lock_button.setEnabled(self.may_manage and person is not None and not person.locked and not myself)
        self.unlock_button.setEnabled(self.may_manage and person is not None and person.locked)
        self.reset_button.setEnabled(self.may_manage and person is not None and not myself)
        self.refresh_button.setEnabled(self.may_manage or self.may_see_alerts)
        alert = self.selected_alert()
        self.acknowledge_button.setEnabled(self.may_see_alerts and alert is not None and alert.can_be_acknowledged)
        if alert is not None and alert.id < 0:
            self.acknowledge_button.setToolTip(self.tr("This lockout clears when the account is unlocked or reset."))
        else:
            self.acknowledge_button.setToolTip("")

    # -- actions ---------------------------------------------------------------------------------

    def open_company_dialog(self) -> None:
        self.company_dialog = EditCompanyDialog(self._ctx, self)
        self.company_dialog.open()

    def open_add_dialog(self) -> None:
        dialog = AddPersonDialog(self)
        self.add_dialog = dialog

        def submit() -> None:
            login = dialog.login.text().strip().lower()
            name = dialog.printed_name.text().strip()
            groups = dialog.roles.chosen()
            dialog.set_busy(True)
            self._run(lambda conn: create_person(conn, login, name, groups),
                      on_done=lambda code: self._on_code_issued(dialog, name, login, code),
                      on_failed=lambda exc: dialog.show_problem(self._message(exc)), changes=("person",))

        dialog.submitted.connect(submit)
        dialog.open()

    def open_roles_dialog(self) -> None:
        person = self.selected_person()
        if person is None or not self.may_manage:
            return
        dialog = RolesDialog(person, self)
        self.roles_dialog = dialog

        def submit() -> None:
            groups = dialog.roles.chosen()
            dialog.set_busy(True)
            self._run(lambda conn: set_groups(conn, person.login, groups),
                      on_done=lambda _none: self._close_dialog(dialog),
                      on_failed=lambda exc: dialog.show_problem(self._message(exc)), changes=("person",))

        dialog.submitted.connect(submit)
        dialog.open()

    def open_lock_dialog(self) -> None:
        person = self.selected_person()
        if person is None or not self.may_manage:
            return
        dialog = LockDialog(person, self)
        self.lock_dialog = dialog

        def submit() -> None:
            reason = dialog.reason.text().strip()
            dialog.set_busy(True)
            self._run(lambda conn: lock_person(conn, person.login, reason),
                      on_done=lambda _none: self._close_dialog(dialog),
                      on_failed=lambda exc: dialog.show_problem(self._message(exc)),
                      changes=("person", "security_alert"))

        dialog.submitted.connect(submit)
        dialog.open()

    def unlock_selected(self) -> None:
        person = self.selected_person()
        if person is None or not self.may_manage:
            return
        self._run(lambda conn: unlock_person(conn, person.login), on_done=lambda _none: None,
                  on_failed=self._show_problem, changes=("person", "security_alert"))

    def ask_reset_selected(self) -> None:
        person = self.selected_person()
        if person is None or not self.may_manage:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Reset %1").replace("%1", person.login), self.tr(
            "Reset the password and authenticator of %1? Their password, authenticator and recovery codes stop "
            "working at once and they are signed out everywhere. They will need the new activation code to sign "
            "in again.").replace("%1", person.printed_name),
            QMessageBox.StandardButton.Cancel, self)
        reset = box.addButton(self.tr("Reset and issue activation code"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.reset_question = box

        box.buttonClicked.connect(lambda button: self.reset(person) if button is reset else None)
        box.open()

    def reset(self, person: PersonRow) -> None:
        self._run(lambda conn: reset_person(conn, person.login),
                  on_done=lambda code: self._on_code_issued(None, person.printed_name, person.login, code),
                  on_failed=self._show_problem, changes=("person",))

    def acknowledge_selected(self) -> None:
        alert = self.selected_alert()
        if alert is None or not alert.can_be_acknowledged:
            return
        self._run(lambda conn: acknowledge_alert(conn, alert.id), on_done=lambda _none: None,
                  on_failed=self._show_problem, changes=("security_alert",))

    def _on_code_issued(self, dialog: QDialog | None, name: str, login: str, code: str) -> None:
        if dialog is not None:
            self._close_dialog(dialog)
        self.code_dialog = ActivationCodeDialog(name, login, code, self)
        self.code_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.code_dialog.open()

    def _close_dialog(self, dialog: QDialog) -> None:
        if isinstance(dialog, _FormDialog):
            dialog.set_busy(False)
        dialog.accept()

    # -- plumbing --------------------------------------------------------------------------------

    def _run(
        self,
        service: Callable[[Any], Any],
        *,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        changes: tuple[str, ...] = (),
    ) -> None:
        """`service(connection)` off the GUI thread, on a connection of this person's verified pool."""
        new_uow = self._ctx.new_uow

        def work(_op: object) -> Any:
            with new_uow() as uow:
                return service(uow.driver_connection())

        self._ctx.runner.run(work, on_done=on_done, on_failed=on_failed, changes=changes)

    def _message(self, exc: BaseException) -> str:
        if isinstance(exc, MedTraceError):
            return str(exc)
        return self.tr("The operation failed because of an unexpected problem (%1). The details are in the log."
                       ).replace("%1", exc.__class__.__name__)

    def _show_problem(self, exc: BaseException) -> None:
        self.problem.setText(self._message(exc))
        self.problem.show()

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is not None and not (tables & PAGE_TABLES):
            return
        if not self.isVisible():
            self._needs_refresh = True
            return
        self._refresh_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_refresh:
            self._needs_refresh = False
            self._refresh_timer.start()

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.horizontalHeader().setHighlightSections(False)
        table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return table


def _fit_column(table: QTableWidget, column: int) -> None:
    """Wide enough for its contents, with air between columns (a handful of rows: measuring is cheap)."""
    table.resizeColumnToContents(column)
    table.setColumnWidth(column, table.columnWidth(column) + 18)
