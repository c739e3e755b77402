"""Signing in: user name, password and the authenticator (or recovery) code (21 CFR 11.200(a), 11.300).

PostgreSQL checks the password (SCRAM) and the database checks the code (`app.services.identity.sign_in`);
that takes a network round trip and hashing, so it runs off the GUI thread while the form shows that it
is busy. Refusals are shown in the form itself (no message box), the secrets are cleared, and the
cursor goes back to the password. The message never says whether the user name exists.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.errors import AccountLocked, DatabaseUnavailable, InvalidCredentials, MedTraceError
from app.services.identity import PendingActivation, SignedIn, sign_in
from app.views.operations import OperationRunner
from app.views.working_dialog import WorkingDialog

TOTP_CODE = re.compile(r"^[0-9]{6}$")
RECOVERY_CODE = re.compile(r"^[0-9A-Fa-f]{28}$")  # seven groups of four hex digits, dashes optional


def grow_to_fit(window: QWidget) -> None:
    """Make a dialog tall enough for word-wrapped text that just appeared (Qt sizes top-level windows
    from their layout's minimum, which ignores height-for-width; a long message would squeeze the fields)."""
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(window.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
    if needed > window.height():
        window.resize(window.width(), needed)


def plausible_code(code: str) -> bool:
    """A six-digit TOTP code or a recovery code; checked here so a typo does not count as an attempt."""
    compact = re.sub(r"[\s-]", "", code)
    return bool(TOTP_CODE.match(compact) or RECOVERY_CODE.match(compact))


class SignInForm(QWidget):
    """The fields of a sign-in (shared by the login dialog and the lock screen), its problem and busy line."""

    submitted = Signal()  # Return pressed in the last field
    problem_shown = Signal()  # a message appeared: the window around may need to grow

    def __init__(self, *, allow_activation: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._allow_activation = allow_activation
        self.login = QLineEdit()
        self.login.setObjectName("loginField")
        self.login.setMaxLength(63)
        self.login.setInputMethodHints(Qt.InputMethodHint.ImhNoAutoUppercase | Qt.InputMethodHint.ImhLatinOnly)
        self.password = QLineEdit()
        self.password.setObjectName("passwordField")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(256)
        self.code = QLineEdit()
        self.code.setObjectName("codeField")
        self.code.setMaxLength(40)
        self.code.setPlaceholderText(self.tr("6 digits, or a recovery code"))
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhPreferNumbers)
        self.activation = QCheckBox(self.tr("I have an activation code (first sign-in, or after a reset)"))
        self.activation.setObjectName("activationToggle")
        self.activation.setVisible(allow_activation)
        self.activation.toggled.connect(self._on_activation_toggled)

        self.password_label = QLabel(self.tr("Password"))
        self.code_label = QLabel(self.tr("Authenticator code"))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.addRow(self.tr("User name"), self.login)
        self.form.addRow(self.password_label, self.password)
        self.form.addRow(self.code_label, self.code)

        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.busy_label = QLabel(self.tr("Signing in…"))
        self.busy_label.setObjectName("fieldNote")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # indeterminate: the database answers when it answers
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(6)
        self.busy_label.hide()
        self.busy_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.activation)
        layout.addWidget(self.problem)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)

        for field in (self.login, self.password, self.code):
            field.returnPressed.connect(self._on_return)

    # -- reading and checking ----------------------------------------------------------------

    @property
    def activating(self) -> bool:
        return self._allow_activation and self.activation.isChecked()

    def check(self) -> str | None:
        """What is missing before the database is asked (nothing here counts as a failed attempt)."""
        if not self.login.text().strip():
            return self.tr("Enter your user name.")
        if not self.password.text():
            return self.tr("Enter your activation code.") if self.activating else self.tr("Enter your password.")
        if not self.activating and not plausible_code(self.code.text()):
            return self.tr("Enter the 6-digit code your authenticator app shows now, or one of your recovery "
                           "codes.")
        return None

    # -- feedback ----------------------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        for field in (self.login, self.password, self.code, self.activation):
            field.setEnabled(not busy)
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        if busy:
            self.problem.hide()

    def show_problem(self, text: str, *, focus: QLineEdit | None = None) -> None:
        self.problem.setText(text)
        self.problem.show()
        self.problem_shown.emit()
        (focus or self._first_empty()).setFocus(Qt.FocusReason.OtherFocusReason)

    def show_failure(self, exc: BaseException) -> None:
        """A refused sign-in: say why (never which part was wrong), clear the secrets, return the cursor."""
        self.password.clear()
        self.code.clear()
        self.show_problem(self.failure_message(exc), focus=self.password if self.login.text() else self.login)

    def failure_message(self, exc: BaseException) -> str:
        if isinstance(exc, AccountLocked):
            # 21 CFR 11.300(d): the lock raised a security alert for administrators.
            return self.tr("This account is locked after too many failed attempts or by an administrator. "
                           "An administrator has been alerted; ask one to unlock your account or reset it.")
        if isinstance(exc, InvalidCredentials):
            if exc.message == "This authenticator code has already been used.":
                # Each code is accepted once (DESIGN §3); the next one appears within 30 seconds.
                return self.tr("This authenticator code has already been used. Wait for the next code and "
                               "enter it.")
            return self.tr("The user name, password or authenticator code is not correct.")
        if isinstance(exc, DatabaseUnavailable):
            return self.tr("The database cannot be reached. Check the network or the server, then try again.")
        if isinstance(exc, MedTraceError):
            return str(exc)
        return self.tr("Signing in failed because of an unexpected problem (%1). The details are in the log."
                       ).replace("%1", exc.__class__.__name__)

    def focus_first_empty(self) -> None:
        self._first_empty().setFocus(Qt.FocusReason.OtherFocusReason)

    def _first_empty(self) -> QLineEdit:
        for field in (self.login, self.password, self.code):
            if field.isEnabled() and field.isVisibleTo(self) and not field.text():
                return field
        return self.password

    def _on_activation_toggled(self, on: bool) -> None:
        self.password_label.setText(self.tr("Activation code") if on else self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        self.code.clear()
        self.code_label.setVisible(not on)
        self.code.setVisible(not on)
        self.problem.hide()

    def _on_return(self) -> None:
        sender = self.sender()
        order = [f for f in (self.login, self.password, self.code) if f.isVisibleTo(self)]
        if sender in order and sender is not order[-1] and not order[order.index(sender) + 1].text():
            order[order.index(sender) + 1].setFocus(Qt.FocusReason.TabFocusReason)
            return
        self.submitted.emit()


class LoginDialog(WorkingDialog):
    """The sign-in window: on success `result_session` (and the password for the connection pool) or
    `pending` when the account must first choose a password and enrol an authenticator."""

    def __init__(
        self,
        base_args: dict[str, str],
        runner: OperationRunner,
        parent: QWidget | None = None,
        *,
        login: str = "",
        idle_minutes: int = 15,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Sign in — MedTrace"))
        self._base_args = base_args
        self._runner = runner
        self._idle_minutes = idle_minutes
        self._busy = False
        self.result_session: SignedIn | None = None
        self.result_password: str | None = None  # kept in memory only, for the person's connection pool
        self.pending: PendingActivation | None = None

        headline = QLabel(self.tr("Sign in to MedTrace"))
        headline.setObjectName("dialogHeadline")
        purpose = QLabel(self.tr("Enter your user name, your password and the code your authenticator app "
                                 "shows now. Lost your phone? Use one of your recovery codes instead."))
        purpose.setObjectName("fieldNote")
        purpose.setWordWrap(True)
        self.form = SignInForm(allow_activation=True)
        self.form.login.setText(login)
        self.form.submitted.connect(self.submit)
        self.form.problem_shown.connect(lambda: QTimer.singleShot(0, lambda: grow_to_fit(self)))

        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton(self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        layout.addWidget(headline)
        layout.addWidget(purpose)
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.form.focus_first_empty()

    @property
    def busy(self) -> bool:
        return self._busy

    def submit(self) -> None:
        """Check the form, then sign in off the GUI thread."""
        if self._busy:
            return
        missing = self.form.check()
        if missing:
            self.form.show_problem(missing)
            return
        login = self.form.login.text().strip().lower()
        password = self.form.password.text()
        code = "" if self.form.activating else self.form.code.text().strip()
        base, idle = self._base_args, self._idle_minutes
        self._set_busy(True)
        self._runner.run(
            lambda _op: sign_in(base, login=login, password=password, code=code, idle_minutes=idle),
            on_done=lambda outcome: self._on_signed_in(outcome, password),
            on_failed=self._on_failed,
        )

    def _on_signed_in(self, outcome: SignedIn | PendingActivation, password: str) -> None:
        self._set_busy(False)
        if isinstance(outcome, PendingActivation):
            self.pending = outcome
        else:
            self.result_session = outcome
            self.result_password = password
        self.form.password.clear()
        self.form.code.clear()
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.form.show_failure(exc)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.form.set_busy(busy)
        self.sign_in_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # the fields submit (SignInForm.submitted); no default-button double submit
        super().keyPressEvent(event)
