"""First run: the company profile, then create the administrator and activate their account (DESIGN §3, §6).

The owner connection of the embedded server (the OS user who owns the data folder) creates the first
administrator; the activation code the database issues is used at once by the wizard itself, never
shown, to sign in as that person. From there on it is the ordinary activation: the person chooses the
password and enrols TOTP, so the owner connection never learns either. Afterwards the normal sign-in
window opens with `login` filled in.

The company profile entered first (legal names, address, manufacturing licence no., registrant, logo:
what every report header and recall letter prints) is saved by the same owner connection right after the
administrator is created, with a reason naming that administrator; the administrator corrects it later
on the Admin page, like any audited record.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import InvalidInput, MedTraceError
from app.services.company import set_up_company_profile
from app.services.identity import PendingActivation, sign_in
from app.services.people import create_first_administrator
from app.views.activation import AuthenticatorEnrolment, PasswordChoice, RecoveryCodesPanel, run_activation
from app.views.operations import OperationRunner
from app.views.record_edit_dialogs import LogoField
from app.views.style import problem_label

# The database's rule (mt_check_login_name), mirrored so a typo is caught before anything is created.
LOGIN_NAME = re.compile(r"^[a-z][a-z0-9_.]{2,30}$")


class WelcomePage(QWizardPage):
    """What MedTrace is, and that the account made next is the administrator's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Welcome to MedTrace"))
        self.setSubTitle(self.tr("Setting up this workstation takes five short steps."))
        text = QLabel(self.tr(
            "MedTrace keeps the quality records of medical devices: lot release with electronic signatures, "
            "traceability and recalls, expiry management and the audit trail inspectors ask for.\n\n"
            "This computer has a new, empty MedTrace database. First you enter your company, as every report "
            "and recall letter will name it. The first account you create next is the "
            "administrator's. The administrator adds the other people, gives them their roles and can lock "
            "or reset accounts; on its own this role signs no quality record (segregation of duties).\n\n"
            "You will need a phone with an authenticator app: every sign-in and every signature asks for "
            "your password and a code from that app."))
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)


class CompanyPage(QWizardPage):
    """The company profile: legal name (Chinese and/or English), address, licence no., registrant, logo."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Your company"))
        self.setSubTitle(self.tr("Printed at the top of every report and on every recall letter. An administrator "
                                 "can correct it later on the Admin page, with a reason."))
        self.legal_name_zh = self._line("companyNameZhField", 200, self.tr("e.g. 苏州明德医疗器械有限公司"))
        self.legal_name_en = self._line("companyNameEnField", 200,
                                        self.tr("e.g. Suzhou Mingde Medical Devices Co., Ltd."))
        self.address = self._line("companyAddressField", 300, "")
        self.licence_no = self._line("companyLicenceField", 100, self.tr("e.g. 苏药监械生产许20150088号"))
        self.registrant = self._line("companyRegistrantField", 200, self.tr("usually the company itself"))
        self.logo = LogoField()
        name_note = QLabel(self.tr("The legal name in Chinese, in English or both (at least one)."))
        name_note.setObjectName("fieldNote")
        form = QFormLayout()
        form.addRow(self.tr("Legal name (Chinese)"), self.legal_name_zh)
        form.addRow(self.tr("Legal name (English)"), self.legal_name_en)
        form.addRow("", name_note)
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Manufacturing licence no."), self.licence_no)
        form.addRow(self.tr("Registrant"), self.registrant)
        form.addRow(self.tr("Logo (optional)"), self.logo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

    def _line(self, name: str, length: int, placeholder: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setMaxLength(length)
        line.setPlaceholderText(placeholder)
        line.textChanged.connect(lambda _text: self.completeChanged.emit())
        return line

    def isComplete(self) -> bool:
        return bool(self.legal_name_zh.text().strip() or self.legal_name_en.text().strip())

    def values(self) -> dict[str, str | bytes | None]:
        """The profile as entered, for app.services.company.set_up_company_profile."""
        return {"legal_name_zh": self.legal_name_zh.text().strip(), "legal_name_en": self.legal_name_en.text().strip(),
                "address": self.address.text().strip(), "licence_no": self.licence_no.text().strip(),
                "registrant": self.registrant.text().strip(), "logo": self.logo.data}


class AdministratorPage(QWizardPage):
    """User name and full printed name of the administrator; creating the account is the commit point."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("The administrator"))
        self.setSubTitle(self.tr("The name printed with every signature must be the person's full legal name "
                                 "(21 CFR 11.50)."))
        self.login = QLineEdit()
        self.login.setObjectName("adminLoginField")
        self.login.setMaxLength(31)
        self.login.setPlaceholderText(self.tr("e.g. li.na"))
        self.printed_name = QLineEdit()
        self.printed_name.setObjectName("adminNameField")
        self.printed_name.setMaxLength(120)
        self.printed_name.setPlaceholderText(self.tr("e.g. 李娜 (Li Na)"))
        login_note = QLabel(self.tr("3–31 lower-case letters, digits, “_” or “.”, starting with a letter."))
        login_note.setObjectName("fieldNote")
        self.problem = problem_label()
        self.busy_label = QLabel(self.tr("Creating the administrator…"))
        self.busy_label.setObjectName("fieldNote")
        self.busy_label.hide()
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.login)
        form.addRow("", login_note)
        form.addRow(self.tr("Full printed name"), self.printed_name)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.busy_label)
        layout.addStretch(1)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Create administrator"))
        self.login.textChanged.connect(self._on_edited)
        self.printed_name.textChanged.connect(self._on_edited)
        self._busy = False
        self._created = False

    @property
    def busy(self) -> bool:
        return self._busy

    def isComplete(self) -> bool:
        return not self._busy and bool(LOGIN_NAME.match(self.login.text().strip().lower())) and bool(
            self.printed_name.text().strip())

    def validatePage(self) -> bool:
        if self._created:
            return True
        if not self._busy:
            self._create()
        return False  # the wizard moves on when the database has answered

    def _on_edited(self) -> None:
        self.problem.hide()
        self.completeChanged.emit()

    def _create(self) -> None:
        login = self.login.text().strip().lower()
        printed_name = self.printed_name.text().strip()
        factory, base = self._wizard.owner_conn_factory, self._wizard.base_args
        company = self._wizard.company_page.values()

        def work(_op: object) -> PendingActivation:
            owner: psycopg.Connection = factory()
            try:
                code = create_first_administrator(owner, login, printed_name)
            finally:
                owner.close()
            # After the administrator: a refused administrator (the database already has people) saves
            # no profile. A refused profile leaves the administrator pending; the retry reissues its code.
            set_up_company_profile(factory, values=company, administrator=login)
            # The code is used here and now, by the wizard, and then forgotten.
            outcome = sign_in(base, login=login, password=code, code="")
            if not isinstance(outcome, PendingActivation):  # pragma: no cover — a new account is pending
                raise InvalidInput("The new administrator account is not waiting for activation.")
            return outcome

        self._set_busy(True)
        self._wizard.runner.run(work, on_done=self._on_created, on_failed=self._on_failed)

    def _on_created(self, pending: PendingActivation) -> None:
        self._created = True
        self._set_busy(False)
        self._wizard.pending = pending
        self._wizard.login = pending.account.login
        self._wizard.next()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.problem.setText(str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The administrator could not be created (%1). The details are in the log.")
            .replace("%1", exc.__class__.__name__))
        self.problem.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_label.setVisible(busy)
        self.login.setEnabled(not busy)
        self.printed_name.setEnabled(not busy)
        self.completeChanged.emit()


class PasswordPage(QWizardPage):
    """The administrator chooses their password (the same widget as ActivationDialog)."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Your password"))
        self.setSubTitle(self.tr("Only you will know it; MedTrace keeps nothing from which it could be read."))
        self.password_choice: PasswordChoice | None = None
        self._layout = QVBoxLayout(self)

    def initializePage(self) -> None:
        pending = self._wizard.pending
        if self.password_choice is None and pending is not None:
            self.password_choice = PasswordChoice(pending.account.login, pending.account.printed_name)
            self.password_choice.changed.connect(self.completeChanged.emit)
            self._layout.addWidget(self.password_choice)
            self._layout.addStretch(1)
        if self.password_choice is not None:
            self.password_choice.new.setFocus()

    def isComplete(self) -> bool:
        return self.password_choice is not None and self.password_choice.is_complete()


class AuthenticatorPage(QWizardPage):
    """QR code and key of a new seed, the first code; activating the account is the commit point."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Your authenticator app"))
        self.setSubTitle(self.tr("Every sign-in and signature asks for the code this app shows."))
        self.enrolment: AuthenticatorEnrolment | None = None
        self.problem = problem_label()
        self.busy_label = QLabel(self.tr("Activating…"))
        self.busy_label.setObjectName("fieldNote")
        self.busy_label.hide()
        self._layout = QVBoxLayout(self)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Activate"))
        self._busy = False
        self._activated = False

    def initializePage(self) -> None:
        pending = self._wizard.pending
        if self.enrolment is None and pending is not None:
            # Made once: the person may already have scanned it when they come back to this page.
            self.enrolment = AuthenticatorEnrolment(pending.account.login)
            self.enrolment.changed.connect(self._on_edited)
            self._layout.addWidget(self.enrolment)
            self._layout.addWidget(self.problem)
            self._layout.addWidget(self.busy_label)
        if self.enrolment is not None:
            self.enrolment.code.setFocus()

    @property
    def busy(self) -> bool:
        return self._busy

    def isComplete(self) -> bool:
        return not self._busy and self.enrolment is not None and self.enrolment.is_complete()

    def validatePage(self) -> bool:
        if self._activated:
            return True
        if not self._busy:
            self._activate()
        return False

    def _on_edited(self) -> None:
        self.problem.hide()
        self.completeChanged.emit()

    def _activate(self) -> None:
        wizard = self._wizard
        choice = wizard.password_page.password_choice
        password = choice.password() if choice is not None else None
        if wizard.pending is None or self.enrolment is None or password is None:
            return
        self._set_busy(True)
        run_activation(wizard.runner, wizard.pending, password=password, seed=self.enrolment.seed,
                       first_code=self.enrolment.first_code(), on_done=self._on_activated,
                       on_failed=self._on_failed)

    def _on_activated(self, codes: list[str]) -> None:
        self._activated = True
        self._set_busy(False)
        wizard = self._wizard
        wizard.pending = None  # run_activation closed its connection
        wizard.recovery_codes = codes
        if wizard.password_page.password_choice is not None:
            wizard.password_page.password_choice.clear()  # not kept: the sign-in window asks for it
        wizard.next()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        assert self.enrolment is not None
        self.enrolment.code.clear()
        self.problem.setText(self.enrolment.failure_message(exc))
        self.problem.show()
        self.enrolment.code.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_label.setVisible(busy)
        if busy:
            self.problem.hide()
        self.completeChanged.emit()


class RecoveryCodesPage(QWizardPage):
    """The recovery codes, shown once; Finish only after they are stored."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(self.tr("Your recovery codes"))
        self.setSubTitle(self.tr("Shown only this once. Store them before you finish."))
        self.panel: RecoveryCodesPanel | None = None
        self._layout = QVBoxLayout(self)
        self.setFinalPage(True)

    def initializePage(self) -> None:
        if self.panel is None:
            self.panel = RecoveryCodesPanel(self._wizard.login)
            self.panel.confirmed_changed.connect(lambda _on: self.completeChanged.emit())
            self._layout.addWidget(self.panel)
        self.panel.set_codes(self._wizard.recovery_codes)

    def isComplete(self) -> bool:
        return self.panel is not None and self.panel.is_confirmed()


class FirstRunWizard(QWizard):
    """Welcome → company → administrator → password → authenticator → recovery codes; then `login` signs in."""

    def __init__(
        self,
        owner_conn_factory: Callable[[], psycopg.Connection],
        base_args: dict[str, str],
        runner: OperationRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(self.tr("Set up MedTrace"))
        self.owner_conn_factory = owner_conn_factory  # each connection it returns is closed after use
        self.base_args = base_args
        self.runner = runner
        self.login = ""
        self.pending: PendingActivation | None = None
        self.recovery_codes: list[str] = []
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)  # the same title band on every platform
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.welcome_page = WelcomePage()
        self.company_page = CompanyPage()
        self.administrator_page = AdministratorPage(self)
        self.password_page = PasswordPage(self)
        self.authenticator_page = AuthenticatorPage(self)
        self.recovery_page = RecoveryCodesPage(self)
        for page in (self.welcome_page, self.company_page, self.administrator_page, self.password_page,
                     self.authenticator_page, self.recovery_page):
            self.addPage(page)
        self.setMinimumSize(720, 640)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)

    @property
    def busy(self) -> bool:
        return self.administrator_page.busy or self.authenticator_page.busy

    def reject(self) -> None:
        if self.busy:
            return  # the database is answering
        if self.currentPage() is self.recovery_page:
            return  # activation is done: the codes must be stored first, then Finish
        if self.pending is not None:
            # Stopped before activation: the account stays pending; running set-up again with the same
            # user name issues it a fresh activation code (people.create_first_administrator).
            self.pending.close()
            self.pending = None
        super().reject()
