"""Change one's own password (21 CFR 11.300(b)); the signing key is rewrapped under the new one."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.errors import MedTraceError
from app.security.passwords import check_new_password
from app.services.identity import Account, change_password
from app.views.operations import OperationContext, OperationRunner
from app.views.working_dialog import WorkingDialog


class ChangePasswordDialog(WorkingDialog):
    """Current password, the new one twice, and an authenticator code; the work runs off the GUI thread."""

    def __init__(self, account: Account, base_args: dict[str, str], runner: OperationRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._base_args = base_args
        self._runner = runner
        self.changed = False
        self.setWindowTitle(self.tr("Change password"))
        self.current = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.new = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.code = QLineEdit(maxLength=8)
        self.code.setPlaceholderText(self.tr("6-digit code"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("errorText")
        form = QFormLayout()
        form.addRow(self.tr("Current password"), self.current)
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("New password again"), self.again)
        form.addRow(self.tr("Authenticator code"), self.code)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(self.tr(
            "Use at least 12 characters; a short phrase works well. Your signing key is re-protected with the "
            "new password, and your earlier signatures stay valid."))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        new, again = self.new.text(), self.again.text()
        if new != again:
            self._show(self.tr("The two new passwords differ."))
            return
        verdict = check_new_password(new, login=self._account.login, printed_name=self._account.printed_name)
        if not verdict.ok:
            self._show(verdict.shown)
            return
        login, old, code, base = self._account.login, self.current.text(), self.code.text().strip(), self._base_args

        def work(_ctx: OperationContext) -> None:
            change_password(base, login=login, old_password=old, new_password=new, code=code)

        self._set_busy(True)
        self._runner.run(work, on_done=lambda _r: self._done(), on_failed=self._failed)

    def _done(self) -> None:
        self._set_busy(False)
        self.changed = True
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        for field in (self.current, self.code):
            field.clear()
        self._show(str(exc) if isinstance(exc, MedTraceError) else self.tr("The password could not be changed."))

    def _show(self, text: str) -> None:
        self.message.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.buttons.setEnabled(not busy)
