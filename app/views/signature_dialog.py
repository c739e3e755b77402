"""The signing ceremony: the meaning in words, every lot signed, the signer, password and authenticator code.

21 CFR 11.50 (the signature shows the printed name, the date and time and the meaning), 11.100(c) and
11.200(a)(1) (both components at each ceremony; the password is proven by a fresh database connection
as the signer, the code by the database's own check). One ceremony may cover several lots; each lot is
signed separately and gets its own result (`app.services.lot_release.sign_lots`), which runs off the
GUI thread. Refusals of the credentials are shown in the dialog and the secrets are cleared.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import AccountLocked, DatabaseUnavailable, InvalidCredentials, MedTraceError
from app.services.identity import Account
from app.services.lot_release import MEANINGS, NEEDS_REASON, CeremonyResult, sign_lots
from app.views import i18n
from app.views.context import ViewContext
from app.views.login_dialog import grow_to_fit
from app.views.lot_table_model import while_alive
from app.views.operations import OperationContext
from app.views.working_dialog import WorkingDialog

TOTP_CODE = re.compile(r"^[0-9]{6}$")
SIGNED_COLOUR = QColor("#1b5e2f")
REFUSED_COLOUR = QColor("#b3261e")
MAX_REASON_CHARS = 500
MAX_TABLE_HEIGHT = 320
MEANING_STYLE = ("background: #eef4f9; color: #1f3a4d; border: 1px solid #b9cfe0; border-radius: 4px; "
                 "padding: 8px 10px; font-size: 16px; font-weight: 600;")
REPLAYED = "This authenticator code has already been used."

LotToSign = tuple[int, str, str]  # lot id, lot number, product
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


def prefers_chinese(ctx: ViewContext) -> bool:
    """The UI language: the one installed now (View › Language changes it), else the saved setting, or (auto)
    the locale the translators installed."""
    installed = i18n.installed_language()
    if installed is not None:
        return installed == i18n.CHINESE
    language = ctx.settings.language
    if language == "auto":
        return QLocale().language() == QLocale.Language.Chinese
    return language == "zh_CN"


def meaning_words(meaning: str, chinese: bool) -> str:
    """The meaning of a signature as printed everywhere (11.50(a)(3)); one wording, kept in the service."""
    english, zh = MEANINGS[meaning]
    return zh if chinese else english


def signing_failure(exc: BaseException) -> str:
    """Why a signing ceremony failed, in the person's words: nothing was signed, and what to do next."""
    if isinstance(exc, AccountLocked):
        # 21 CFR 11.300(d): the lock raised a security alert for administrators.
        return translate("SignatureDialog",
                         "Your account is locked after too many failed attempts or by an administrator. "
                         "Nothing was signed. An administrator has been alerted; ask one to unlock it.")
    if isinstance(exc, InvalidCredentials):
        if exc.message == REPLAYED:
            # Each code is accepted once (DESIGN §3); the next one appears within 30 seconds.
            return translate("SignatureDialog",
                             "This authenticator code has already been used. Nothing was signed. Wait for "
                             "the next code and enter it.")
        return translate("SignatureDialog",
                         "The password or the authenticator code is not correct. Nothing was signed.")
    if isinstance(exc, DatabaseUnavailable):
        return translate("SignatureDialog",
                         "The database cannot be reached. Nothing was signed. Check the network or the "
                         "server, then try again.")
    if isinstance(exc, MedTraceError):
        return str(exc)
    return translate("SignatureDialog",
                     "Signing failed because of an unexpected problem (%1). Nothing was signed. The details "
                     "are in the log.").replace("%1", exc.__class__.__name__)


def credential_fields(account: Account) -> tuple[QLineEdit, QLineEdit, QLineEdit]:
    """The signer (read-only), password and authenticator-code fields of every signing ceremony."""
    # 21 CFR 11.50(a)(1): the printed name of the signer; read-only — one signs only as oneself.
    signer = QLineEdit(f"{account.printed_name}  ({account.login})")
    signer.setObjectName("signerField")
    signer.setReadOnly(True)
    signer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    password = QLineEdit()
    password.setObjectName("passwordField")
    password.setEchoMode(QLineEdit.EchoMode.Password)
    password.setMaxLength(256)
    code = QLineEdit()
    code.setObjectName("codeField")
    code.setMaxLength(6)
    code.setPlaceholderText(translate("SignatureDialog", "6 digits"))
    code.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    return signer, password, code


class SignatureDialog(WorkingDialog):
    """Re-authenticate and sign one or more lots with one stated meaning; then each lot's result."""

    signed = Signal(object)  # CeremonyResult, when the ceremony ran (some lots may have been refused)

    def __init__(
        self,
        ctx: ViewContext,
        account: Account,
        base_args: dict[str, str],
        lots: Sequence[LotToSign],
        meaning: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if meaning not in MEANINGS:
            raise ValueError(f"unknown meaning {meaning!r}")
        self._ctx = ctx
        self._account = account
        self._base_args = base_args
        self._lots = list(lots)
        self._meaning = meaning
        self._busy = False
        self.result_: CeremonyResult | None = None
        chinese = prefers_chinese(ctx)
        self.meaning_text = meaning_words(meaning, chinese)
        self.setObjectName("signatureDialog")
        self.setWindowTitle(self.tr("Electronic signature — %1").replace("%1", self.meaning_text))
        self.setMinimumWidth(620)

        count = len(self._lots)
        headline = QLabel(self.tr("Sign 1 lot") if count == 1 else self.tr("Sign %1 lots").replace("%1", str(count)))
        headline.setObjectName("dialogHeadline")
        meaning_caption = QLabel(self.tr("Meaning of this signature:"))
        self.meaning_label = QLabel(self.meaning_text)
        self.meaning_label.setObjectName("signatureMeaning")
        self.meaning_label.setStyleSheet(MEANING_STYLE)
        self.meaning_label.setWordWrap(True)
        self.meaning_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lots_caption = QLabel(
            self.tr("You sign this lot, with this meaning:") if count == 1
            else self.tr("You sign each of these %1 lots separately, with this meaning:").replace("%1", str(count)))
        lots_caption.setWordWrap(True)

        self.lot_table = QTableWidget(count, 3)
        self.lot_table.setObjectName("lotsToSign")
        self.lot_table.setHorizontalHeaderLabels([self.tr("Lot no."), self.tr("Product"), self.tr("Result")])
        self.lot_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lot_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lot_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lot_table.setWordWrap(True)
        self.lot_table.verticalHeader().hide()
        header = self.lot_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 200)
        for row, (_lot_id, lot_no, product) in enumerate(self._lots):
            for column, value in enumerate((lot_no, product, self.tr("Not signed yet"))):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.lot_table.setItem(row, column, item)
        self._fit_lot_table()

        self.signer, self.password, self.code = credential_fields(account)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reasonField")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(64)
        self.reason_required = meaning in NEEDS_REASON
        self.reason.setPlaceholderText(
            self.tr("Required: why this decision (e.g. the complaint, deviation or result behind it).")
            if self.reason_required else self.tr("Optional comment, kept with the signature."))
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.form.addRow(self.tr("Signer"), self.signer)
        self.form.addRow(self.tr("Password"), self.password)
        self.form.addRow(self.tr("Authenticator code"), self.code)
        self.form.addRow(self.tr("Reason") if self.reason_required else self.tr("Comment"), self.reason)

        # 21 CFR 11.100(c): electronic signatures are the legally binding equivalent of handwritten ones.
        self.declaration = QLabel(self.tr(
            "By signing you confirm that you have checked what you sign. This electronic signature is the "
            "legally binding equivalent of your handwritten signature. Your printed name, the server's date "
            "and time and the meaning above are recorded with each lot, and the signature is linked to the "
            "record as it is now: any later change shows as 'changed after signing'."))
        self.declaration.setObjectName("signatureDeclaration")
        self.declaration.setWordWrap(True)

        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.summary = QLabel()
        self.summary.setObjectName("signingSummary")
        self.summary.setWordWrap(True)
        self.summary.hide()
        self.busy_label = QLabel()
        self.busy_label.setObjectName("fieldNote")
        self.busy_bar = QProgressBar()
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(6)
        self.busy_label.hide()
        self.busy_bar.hide()

        self.buttons = QDialogButtonBox()
        sign_text = self.tr("Sign") if count == 1 else self.tr("Sign %1 lots").replace("%1", str(count))
        self.sign_button = self.buttons.addButton(sign_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("signButton")
        self.sign_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        self.sign_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(headline)
        layout.addWidget(meaning_caption)
        layout.addWidget(self.meaning_label)
        layout.addWidget(lots_caption)
        layout.addWidget(self.lot_table)
        layout.addLayout(self.form)
        layout.addWidget(self.declaration)
        layout.addWidget(self.problem)
        layout.addWidget(self.summary)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.buttons)

        self.password.returnPressed.connect(self._on_return)
        self.code.returnPressed.connect(self._on_return)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- state -------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def finished_signing(self) -> bool:
        return self.result_ is not None

    def lots(self) -> list[LotToSign]:
        return list(self._lots)

    def check(self) -> str | None:
        """What is missing before the database is asked (nothing here counts as a failed attempt)."""
        if not self.password.text():
            return self.tr("Enter your password.")
        if not TOTP_CODE.match(self.code.text().strip()):
            return self.tr("Enter the 6-digit code your authenticator app shows now.")
        reason = self.reason.toPlainText().strip()
        if self.reason_required and not reason:
            return self.tr("State the reason for this decision.")
        if len(reason) > MAX_REASON_CHARS:
            return self.tr("The reason may be at most %1 characters.").replace("%1", str(MAX_REASON_CHARS))
        return None

    # -- signing -----------------------------------------------------------------------------

    def submit(self) -> None:
        """Sign every lot off the GUI thread: one re-authentication, one signature per lot."""
        if self._busy or self.finished_signing:
            return
        missing = self.check()
        if missing:
            self._show_problem(missing)
            return
        base, login = self._base_args, self._account.login
        password, code = self.password.text(), self.code.text().strip()
        reason = self.reason.toPlainText().strip() or None
        lot_ids = [lot_id for lot_id, _no, _product in self._lots]
        meaning = self._meaning

        def work(op: OperationContext) -> CeremonyResult:
            return sign_lots(base, login=login, password=password, code=code, lot_ids=lot_ids, meaning=meaning,
                             reason=reason, progress=lambda done, total: op.progress(done, total))

        self._set_busy(True)
        self._ctx.runner.run(
            work,
            on_done=while_alive(self, self._on_signed),
            on_failed=while_alive(self, self._on_failed),
            on_progress=lambda done, total, _label: self._on_progress(done, total) if shiboken6.isValid(self) else None,
            changes={"lot", "lot_signature"},
        )

    def _on_progress(self, done: int, total: int) -> None:
        self.busy_bar.setRange(0, total)
        self.busy_bar.setValue(done)
        if done < total:
            self.busy_label.setText(self.tr("Signing lot %1 of %2…").replace("%1", str(done + 1))
                                    .replace("%2", str(total)))

    def _on_signed(self, result: CeremonyResult) -> None:
        self._set_busy(False)
        self.result_ = result
        self.password.clear()
        self.code.clear()
        by_id = {o.lot_id: o for o in result.outcomes}
        for row, (lot_id, _lot_no, _product) in enumerate(self._lots):
            outcome = by_id.get(lot_id)
            if outcome is not None and outcome.signed:
                item = QTableWidgetItem(self.tr("✓ Signed"))
                item.setForeground(SIGNED_COLOUR)
            else:
                error = outcome.error if outcome is not None else self.tr("Not signed.")
                item = QTableWidgetItem(self.tr("✗ Refused: %1").replace("%1", error or ""))
                item.setForeground(REFUSED_COLOUR)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            item.setToolTip(item.text())
            self.lot_table.setItem(row, 2, item)
        self.lot_table.resizeRowsToContents()  # at most a few dozen lots in one ceremony
        self._fit_lot_table()
        signed = sum(1 for o in result.outcomes if o.signed)
        total = len(self._lots)
        if signed == total:
            text = (self.tr("The lot was signed.") if total == 1
                    else self.tr("All %1 lots were signed.").replace("%1", str(total)))
            self.summary.setStyleSheet("color: #1b5e2f; font-weight: 600;")
        else:
            text = self.tr("%1 of %2 lots were signed; the database refused the others for the reasons shown."
                           ).replace("%1", str(signed)).replace("%2", str(total))
            self.summary.setStyleSheet("color: #a1260d; font-weight: 600;")
        self.summary.setText(text)
        self.summary.show()
        self.problem.hide()
        for widget in (self.password, self.code, self.reason):
            widget.setEnabled(False)
        self.sign_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, lambda: grow_to_fit(self))
        self.signed.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.code.clear()
        self._show_problem(self.failure_message(exc))

    def failure_message(self, exc: BaseException) -> str:
        return signing_failure(exc)

    # -- feedback ----------------------------------------------------------------------------

    def _fit_lot_table(self) -> None:
        """Every lot visible without scrolling, up to MAX_TABLE_HEIGHT (then the table scrolls)."""
        rows = sum(self.lot_table.rowHeight(r) for r in range(self.lot_table.rowCount()))
        height = self.lot_table.horizontalHeader().sizeHint().height() + 2 * self.lot_table.frameWidth() + rows
        self.lot_table.setFixedHeight(min(height, MAX_TABLE_HEIGHT))

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        target: QWidget = self.password if not self.password.text() else self.code
        if self.reason_required and self.password.text() and self.code.text() and not self.reason.toPlainText():
            target = self.reason
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, lambda: grow_to_fit(self))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.password, self.code, self.reason, self.sign_button, self.cancel_button):
            widget.setEnabled(not busy)
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        if busy:
            self.problem.hide()
            self.busy_bar.setRange(0, 0)  # until the first lot is done: checking the password and code
            self.busy_label.setText(self.tr("Checking your password and code…"))

    def _on_return(self) -> None:
        if self.sender() is self.password and not self.code.text():
            self.code.setFocus(Qt.FocusReason.TabFocusReason)
            return
        self.submit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, lambda: grow_to_fit(self))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.finished_signing:
            return  # the fields submit; no default-button double submit
        super().keyPressEvent(event)
