"""Activating an account: choose a password, enrol an authenticator, keep the recovery codes (DESIGN §3).

A new or reset account signs in once with its activation code; then the person alone chooses the
password (only a SCRAM verifier leaves the workstation) and enrols TOTP by scanning a QR code of a seed
made here, proving it with a first code the database checks. The database answers with ten recovery
codes, shown exactly once. No administrator ever sees the password or the seed (21 CFR 11.300(a)–(c)).

The three steps are widgets, used by `ActivationDialog` and by the first-run wizard alike.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import segno
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontDatabase, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.security.passwords import MAX_LENGTH, MIN_LENGTH, check_new_password
from app.security.totp import DIGITS, STEP_SECONDS, new_seed, provisioning_uri
from app.services.identity import PendingActivation, activate
from app.views.operations import OperationRunner

QR_SCALE = 5  # pixels per module: ~250 px for an otpauth URI, easy for any phone camera
GOOD_COLOUR = "#1e6b34"


def qr_pixmap(text: str, scale: int = QR_SCALE) -> QPixmap:
    """A QR code of `text` (segno → PNG bytes → QPixmap); error correction M survives a glossy screen."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


def _monospace() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 11))
    return font


class PasswordChoice(QWidget):
    """The new password twice, with live feedback from the password rules (app/security/passwords.py)."""

    changed = Signal()

    def __init__(self, login: str, printed_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._login = login
        self._printed_name = printed_name
        self.new = QLineEdit()
        self.new.setObjectName("newPasswordField")
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.new.setMaxLength(MAX_LENGTH + 1)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeatPasswordField")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setMaxLength(MAX_LENGTH + 1)
        self.show_text = QCheckBox(self.tr("Show the password"))
        self.show_text.toggled.connect(self._on_show_toggled)
        rules = QLabel(self.tr("At least %1 characters. A short phrase of several words works well; there are no "
                               "other rules, and you will not be asked to change it on a schedule.")
                       .replace("%1", str(MIN_LENGTH)))
        rules.setObjectName("fieldNote")
        rules.setWordWrap(True)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setObjectName("fieldNote")
        form = QFormLayout()
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("Repeat it"), self.repeat)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(rules)
        layout.addLayout(form)
        layout.addWidget(self.show_text)
        layout.addWidget(self.feedback)
        self.new.textChanged.connect(self._on_edited)
        self.repeat.textChanged.connect(self._on_edited)
        self._on_edited()

    def password(self) -> str | None:
        """The chosen password once it is acceptable and repeated exactly; None before."""
        text = self.new.text()
        if not check_new_password(text, login=self._login, printed_name=self._printed_name).ok:
            return None
        return text if text == self.repeat.text() else None

    def is_complete(self) -> bool:
        return self.password() is not None

    def clear(self) -> None:
        self.new.clear()
        self.repeat.clear()

    def _on_show_toggled(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.new.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def _on_edited(self) -> None:
        text = self.new.text()
        verdict = check_new_password(text, login=self._login, printed_name=self._printed_name)
        if not text:
            self._say("", good=None)
        elif not verdict.ok:
            self._say(verdict.shown, good=False)
        elif not self.repeat.text():
            self._say(self.tr("Good. Now type it again below."), good=None)
        elif self.repeat.text() != text:
            self._say(self.tr("The two entries are not the same."), good=False)
        else:
            self._say(self.tr("✓ This password can be used."), good=True)
        self.changed.emit()

    def _say(self, text: str, *, good: bool | None) -> None:
        self.feedback.setText(text)
        self.feedback.setObjectName("inlineProblem" if good is False else "fieldNote")
        self.feedback.setStyleSheet(f"color: {GOOD_COLOUR}; font-weight: 600;" if good else "")
        self.feedback.style().unpolish(self.feedback)
        self.feedback.style().polish(self.feedback)


class AuthenticatorEnrolment(QWidget):
    """A fresh TOTP seed as a QR code and as text, and the first code that proves the app has it."""

    changed = Signal()

    def __init__(self, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seed = new_seed()  # made here, stored only by the database (readable by no login role)
        self.uri = provisioning_uri(self.seed, account=login)
        steps = QLabel(self.tr(
            "1. Open an authenticator app on your phone (for example Microsoft Authenticator, Google "
            "Authenticator or FreeOTP).\n2. Scan this QR code with it.\n3. Enter the 6-digit code the app "
            "shows now."))
        steps.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setObjectName("totpQrCode")
        self.qr.setPixmap(qr_pixmap(self.uri))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setToolTip(self.tr("Scan with your authenticator app"))
        manual = QLabel(self.tr("Cannot scan? Enter this key by hand (time-based, %1 digits, every %2 seconds):")
                        .replace("%1", str(DIGITS)).replace("%2", str(STEP_SECONDS)))
        manual.setObjectName("fieldNote")
        manual.setWordWrap(True)
        self.seed_text = QLabel(" ".join(self.seed[i:i + 4] for i in range(0, len(self.seed), 4)))
        self.seed_text.setObjectName("totpSeedText")
        self.seed_text.setFont(_monospace())
        self.seed_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = QLineEdit()
        self.code.setObjectName("firstCodeField")
        self.code.setMaxLength(DIGITS + 2)
        self.code.setPlaceholderText("123456")
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.code.textChanged.connect(lambda _text: self.changed.emit())
        self.code.setMaximumWidth(160)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.tr("Code from the app"), self.code)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(steps)
        layout.addWidget(self.qr)
        layout.addWidget(manual)
        layout.addWidget(self.seed_text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(form)

    def first_code(self) -> str:
        return "".join(self.code.text().split())

    def is_complete(self) -> bool:
        code = self.first_code()
        return len(code) == DIGITS and code.isdigit()

    def failure_message(self, exc: BaseException) -> str:
        """Why activation was refused, in the workstation's language where the reason is known."""
        text = exc.message if isinstance(exc, MedTraceError) else ""
        if text == "The code from the authenticator app does not match.":
            return self.tr("The code from the authenticator app does not match. Check that the phone's clock is "
                           "right, scan the QR code again and enter the code it shows now.")
        if text == "The activation code has expired or was already used.":
            return self.tr("The activation code has expired or was already used. Ask an administrator for a "
                           "new one.")
        if isinstance(exc, MedTraceError):
            return str(exc)
        return self.tr("Activation failed because of an unexpected problem (%1). The details are in the log."
                       ).replace("%1", exc.__class__.__name__)


class RecoveryCodesPanel(QWidget):
    """The ten recovery codes, shown once, with Copy and Save and a tick that they are stored."""

    confirmed_changed = Signal(bool)

    def __init__(self, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._login = login
        self.codes: list[str] = []
        explain = QLabel(self.tr(
            "If you lose your phone, each of these codes signs you in once instead of the authenticator code. "
            "They are shown only now: print them, or save them where only you can reach them. Using one "
            "alerts the administrators."))
        explain.setWordWrap(True)
        self.listing = QPlainTextEdit()
        self.listing.setObjectName("recoveryCodes")
        self.listing.setReadOnly(True)
        self.listing.setFont(_monospace())
        lines = self.listing.fontMetrics().lineSpacing() * 11
        self.listing.setFixedHeight(lines + 2 * self.listing.frameWidth() + 12)  # ten codes, no scrolling
        self.listing.setMaximumWidth(self.listing.fontMetrics().horizontalAdvance("10.  " + "0000-" * 7) + 60)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton(self.tr("Save as text file…"))
        self.save_button.clicked.connect(self._on_save_clicked)
        self.saved_note = QLabel()
        self.saved_note.setObjectName("fieldNote")
        self.confirmed = QCheckBox(self.tr("I have stored these codes in a safe place"))
        self.confirmed.setObjectName("codesStoredCheck")
        self.confirmed.toggled.connect(self.confirmed_changed.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(explain)
        layout.addWidget(self.listing)
        layout.addLayout(buttons)
        layout.addWidget(self.confirmed)
        layout.addStretch(1)

    def set_codes(self, codes: list[str]) -> None:
        self.codes = list(codes)
        self.listing.setPlainText("\n".join(f"{n:>2}.  {code}" for n, code in enumerate(self.codes, start=1)))
        self.confirmed.setChecked(False)

    def is_confirmed(self) -> bool:
        return self.confirmed.isChecked()

    def text_file_content(self) -> str:
        lines = [
            self.tr("MedTrace recovery codes for %1").replace("%1", self._login),
            self.tr("Each code works once, instead of the authenticator code. Keep them private."),
            self.tr("Created %1").replace("%1", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
            "",
            *self.codes,
            "",
        ]
        return "\n".join(lines)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text_file_content())
        self.saved_note.setText(self.tr("Copied."))

    def save_to(self, path: Path) -> None:
        path.write_text(self.text_file_content(), encoding="utf-8")
        self.saved_note.setText(self.tr("Saved to %1").replace("%1", str(path)))

    def _on_save_clicked(self) -> None:
        suggested = str(Path.home() / f"medtrace-recovery-codes-{self._login}.txt")
        name, _filter = QFileDialog.getSaveFileName(self, self.tr("Save recovery codes"), suggested,
                                                    self.tr("Text files (*.txt)"))
        if not name:
            return
        try:
            self.save_to(Path(name))
        except OSError as exc:
            self.saved_note.setText(self.tr("Could not save: %1").replace("%1", exc.strerror or str(exc)))


def run_activation(
    runner: OperationRunner,
    pending: PendingActivation,
    *,
    password: str,
    seed: str,
    first_code: str,
    on_done: Callable[[list[str]], None],
    on_failed: Callable[[BaseException], None],
) -> None:
    """`activate` off the GUI thread (SCRAM hashing and the database round trip); the activation
    connection is closed once it has done its one job."""

    def work(_op: object) -> list[str]:
        codes = activate(pending, new_password=password, seed=seed, first_code=first_code)
        pending.close()
        return codes

    runner.run(work, on_done=on_done, on_failed=on_failed)


class ActivationDialog(QDialog):
    """First sign-in with an activation code: password, authenticator, then the recovery codes."""

    def __init__(self, pending: PendingActivation, runner: OperationRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activationDialog")
        self.setWindowTitle(self.tr("Activate your account — MedTrace"))
        self._pending = pending
        self._runner = runner
        self._busy = False
        self.recovery_codes: list[str] = []
        self.new_password: str | None = None
        account = pending.account

        # -- step 1: password and authenticator --
        headline = QLabel(self.tr("Welcome, %1").replace("%1", account.printed_name))
        headline.setObjectName("dialogHeadline")
        intro = QLabel(self.tr("Choose your password and set up your authenticator app. Nobody else, not even "
                               "an administrator, will know either. User name: %1").replace("%1", account.login))
        intro.setWordWrap(True)
        self.password_choice = PasswordChoice(account.login, account.printed_name)
        self.enrolment = AuthenticatorEnrolment(account.login)
        password_heading = QLabel(self.tr("1. Your password"))
        password_heading.setObjectName("sectionHeading")
        app_heading = QLabel(self.tr("2. Your authenticator app"))
        app_heading.setObjectName("sectionHeading")
        left = QVBoxLayout()
        left.addWidget(password_heading)
        left.addWidget(self.password_choice)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(app_heading)
        right.addWidget(self.enrolment)
        columns = QHBoxLayout()
        columns.setSpacing(28)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.busy_label = QLabel(self.tr("Activating…"))
        self.busy_label.setObjectName("fieldNote")
        self.busy_label.hide()
        self.activate_button = QPushButton(self.tr("Activate"))
        self.activate_button.setDefault(True)
        self.activate_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        step1_buttons = QHBoxLayout()
        step1_buttons.addWidget(self.busy_label)
        step1_buttons.addStretch(1)
        step1_buttons.addWidget(self.cancel_button)
        step1_buttons.addWidget(self.activate_button)
        step1 = QWidget()
        step1_layout = QVBoxLayout(step1)
        step1_layout.addWidget(headline)
        step1_layout.addWidget(intro)
        step1_layout.addLayout(columns, 1)
        step1_layout.addWidget(self.problem)
        step1_layout.addLayout(step1_buttons)

        # -- step 2: recovery codes --
        codes_headline = QLabel(self.tr("Your recovery codes"))
        codes_headline.setObjectName("dialogHeadline")
        self.codes_panel = RecoveryCodesPanel(account.login)
        self.finish_button = QPushButton(self.tr("Finish"))
        self.finish_button.setEnabled(False)
        self.finish_button.clicked.connect(self.accept)
        self.codes_panel.confirmed_changed.connect(self.finish_button.setEnabled)
        step2_buttons = QHBoxLayout()
        step2_buttons.addStretch(1)
        step2_buttons.addWidget(self.finish_button)
        step2 = QWidget()
        step2_layout = QVBoxLayout(step2)
        step2_layout.addWidget(codes_headline)
        step2_layout.addWidget(self.codes_panel, 1)
        step2_layout.addLayout(step2_buttons)

        self.steps = QStackedWidget()
        self.steps.addWidget(step1)
        self.steps.addWidget(step2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(self.steps)

        self.password_choice.changed.connect(self._update_buttons)
        self.enrolment.changed.connect(self._update_buttons)
        self.enrolment.code.returnPressed.connect(self.submit)
        self._update_buttons()
        self.setMinimumSize(860, 560)
        self.password_choice.new.setFocus()

    @property
    def showing_codes(self) -> bool:
        return self.steps.currentIndex() == 1

    def submit(self) -> None:
        password = self.password_choice.password()
        if self._busy or password is None or not self.enrolment.is_complete():
            return
        self._set_busy(True)
        run_activation(self._runner, self._pending, password=password, seed=self.enrolment.seed,
                       first_code=self.enrolment.first_code(),
                       on_done=lambda codes: self._on_activated(codes, password), on_failed=self._on_failed)

    def _on_activated(self, codes: list[str], password: str) -> None:
        self._set_busy(False)
        self.recovery_codes = codes
        self.new_password = password
        self.password_choice.clear()
        self.codes_panel.set_codes(codes)
        self.steps.setCurrentIndex(1)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.enrolment.code.clear()
        self.problem.setText(self.enrolment.failure_message(exc))
        self.problem.show()
        self.enrolment.code.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_label.setVisible(busy)
        if busy:
            self.problem.hide()
        self.cancel_button.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.activate_button.setEnabled(
            not self._busy and self.password_choice.is_complete() and self.enrolment.is_complete())

    def reject(self) -> None:
        # Busy: the database is answering. Codes showing: they must be confirmed as stored first.
        if self._busy:
            return
        if self.showing_codes:
            if self.codes_panel.is_confirmed():
                self.accept()
            return
        self._pending.close()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy or (self.showing_codes and not self.codes_panel.is_confirmed()):
            event.ignore()
            return
        super().closeEvent(event)
