"""The signing ceremonies of a recall case ("Recall initiated", "Recall closed") and the return entry.

医疗器械召回管理办法 (2017) 第十六条–第十九条: the manufacturer decides the recall, its level, and
notifies; 21 CFR 11.50/11.200: both signature components at each ceremony, the meaning in words, the
printed name. Opening computes and freezes the scope in the database and, for a real recall, holds the
stock in the same transaction (`app.services.recalls.initiate_recall`); both ceremonies run off the GUI
thread and leave nothing half-done when refused or when the connection drops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.identity import Account
from app.services.recalls import (
    LEVELS,
    SIGNATURE_MEANINGS,
    RecallCase,
    RecallConsignee,
    RecallOpened,
    close_recall,
    initiate_recall,
)
from app.views.context import ViewContext
from app.views.login_dialog import grow_to_fit
from app.views.lot_table_model import while_alive
from app.views.signature_dialog import (
    MEANING_STYLE,
    TOTP_CODE,
    credential_fields,
    prefers_chinese,
    signing_failure,
)
from app.views.style import problem_label
from app.views.working_dialog import WorkingDialog

MAX_TEXT_CHARS = 2000
# Who may open and close a case: the rules of mt_open_recall / mt_sign_recall (migration 0007), mirrored so a
# person is not offered what would be refused; the database decides regardless.
SIGNING_GROUPS = frozenset({"regulatory", "qa_approver"})
RECALL_TABLES = ("recall_case", "recall_lot", "recall_consignee", "recall_line", "recall_containment",
                 "recall_signature", "lot", "movement")

# base args, login, password, code → the case signed: opening returns only what was opened (the page reads the
# case itself; a hub lot's scope is ~320 k rows), closing the whole case.
Ceremony = Callable[[dict[str, str], str, str, str], RecallCase | RecallOpened]


def level_words(level: int, chinese: bool) -> str:
    """一级 / Class I, with the notification deadline it sets (医疗器械召回管理办法 第十九条)."""
    cn, fda = LEVELS[level]
    days = {1: 1, 2: 3, 3: 7}[level]
    if chinese:
        return f"{cn}召回（{fda}）· {days} 日内通知"
    return f"Level {level} — {cn} / {fda} · notify within {days} day{'s' if days > 1 else ''}"


class RecallCeremonyDialog(WorkingDialog):
    """Password and authenticator code, the meaning in words, the declaration; subclasses add their fields."""

    signed = Signal(object)  # the RecallCase (closing) or RecallOpened (opening) after the signature

    def __init__(self, ctx: ViewContext, account: Account, base_args: dict[str, str], meaning: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._base_args = base_args
        self._busy = False
        self.case: RecallCase | RecallOpened | None = None
        chinese = prefers_chinese(ctx)
        english, zh = SIGNATURE_MEANINGS[meaning]
        self.meaning_text = zh if chinese else english
        self.setWindowTitle(self.tr("Electronic signature — %1").replace("%1", self.meaning_text))
        self.setMinimumWidth(600)

        self.headline = QLabel()
        self.headline.setObjectName("dialogHeadline")
        self.headline.setWordWrap(True)
        self.meaning_label = QLabel(self.meaning_text)
        self.meaning_label.setObjectName("signatureMeaning")
        self.meaning_label.setStyleSheet(MEANING_STYLE)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.signer, self.password, self.code = credential_fields(account)
        # One form, so the captions line up: subclasses add their fields above the signer (add_field).
        self.form.addRow(self.tr("Signer"), self.signer)
        self.form.addRow(self.tr("Password"), self.password)
        self.form.addRow(self.tr("Authenticator code"), self.code)
        self._fields = 0
        declaration = QLabel(self.tr(
            "This electronic signature is the legally binding equivalent of your handwritten signature. Your "
            "printed name, the server's date and time and the meaning above are recorded with the case."))
        declaration.setObjectName("signatureDeclaration")
        declaration.setWordWrap(True)
        self.problem = problem_label()
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("fieldNote")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(6)
        self.busy_label.hide()
        self.busy_bar.hide()
        self.buttons = QDialogButtonBox()
        self.sign_button = self.buttons.addButton(self.tr("Sign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("signButton")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(self.headline)
        layout.addWidget(QLabel(self.tr("Meaning of this signature:")))
        layout.addWidget(self.meaning_label)
        layout.addLayout(self.form)
        layout.addWidget(declaration)
        layout.addWidget(self.problem)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.buttons)
        self.password.returnPressed.connect(self._on_return)
        self.code.returnPressed.connect(self._on_return)

    @property
    def busy(self) -> bool:
        return self._busy

    def add_field(self, label: str | None, widget: QWidget) -> None:
        """A field of the case, above the signer and the credentials."""
        if label is None:
            self.form.insertRow(self._fields, widget)
        else:
            self.form.insertRow(self._fields, label, widget)
        self._fields += 1

    # -- what subclasses provide ---------------------------------------------------------------

    def check_fields(self) -> str | None:
        return None

    def ceremony(self) -> Ceremony:
        raise NotImplementedError

    def busy_text(self) -> str:
        return self.tr("Checking your password and code…")

    # -- signing -------------------------------------------------------------------------------

    def check(self) -> str | None:
        """What is missing before the database is asked (nothing here counts as a failed attempt)."""
        missing = self.check_fields()
        if missing:
            return missing
        if not self.password.text():
            return self.tr("Enter your password.")
        if not TOTP_CODE.match(self.code.text().strip()):
            return self.tr("Enter the 6-digit code your authenticator app shows now.")
        return None

    def submit(self) -> None:
        if self._busy:
            return
        missing = self.check()
        if missing:
            self._show_problem(missing)
            return
        ceremony = self.ceremony()
        base, login, password, code = self._base_args, self._account.login, self.password.text(), self.code.text()
        self._set_busy(True)
        self._ctx.runner.run(lambda _op: ceremony(base, login, password, code.strip()),
                             on_done=while_alive(self, self._on_signed),
                             on_failed=while_alive(self, self._on_failed),
                             changes=RECALL_TABLES)

    def _on_signed(self, case: RecallCase | RecallOpened) -> None:
        self._set_busy(False)
        self.password.clear()
        self.code.clear()
        self.case = case
        self.signed.emit(case)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        self.code.clear()
        self._show_problem(signing_failure(exc))

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()
        (self.password if not self.password.text() else self.code).setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, lambda: grow_to_fit(self) if shiboken6.isValid(self) else None)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.password, self.code, self.sign_button, self.cancel_button, *self.editors()):
            widget.setEnabled(not busy)
        self.busy_label.setText(self.busy_text())
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        if busy:
            self.problem.hide()

    def editors(self) -> list[QWidget]:
        return []

    def _on_return(self) -> None:
        if self.sender() is self.password and not self.code.text():
            self.code.setFocus(Qt.FocusReason.TabFocusReason)
            return
        self.submit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, lambda: grow_to_fit(self) if shiboken6.isValid(self) else None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # the fields submit; no default-button double submit
        super().keyPressEvent(event)


class StartRecallDialog(RecallCeremonyDialog):
    """Start a drill (or a real recall) on a lot: level, reason, health hazard, then sign "Recall initiated"."""

    def __init__(self, ctx: ViewContext, account: Account, base_args: dict[str, str], *, drill: bool,
                 lot_no: str = "", di: str = "", parent: QWidget | None = None) -> None:
        super().__init__(ctx, account, base_args, "initiated", parent)
        self.drill = drill
        self.headline.setText(self.tr("Start a mock recall drill") if drill else self.tr("Start a recall"))
        self.setObjectName("startDrillDialog" if drill else "startRecallDialog")
        chinese = prefers_chinese(ctx)
        note = QLabel(self.tr(
            "A drill computes and freezes the same scope as a recall and times every step, but changes no lot "
            "and holds no stock.") if drill else self.tr(
            "A real recall holds every affected lot's stock at our sites at once and starts the legal deadlines: "
            "the database then refuses to ship it from any workstation. To practise, start a drill instead."))
        note.setObjectName("fieldNote" if drill else "inlineProblem")
        note.setWordWrap(True)
        self.lot_no = QLineEdit(lot_no)
        self.lot_no.setObjectName("recallLotField")
        self.lot_no.setPlaceholderText(self.tr("Lot number on the label"))
        self.di = QLineEdit(di)
        self.di.setObjectName("recallDiField")
        self.di.setPlaceholderText(self.tr("Only when the lot number exists for several products"))
        self.start = QComboBox()
        self.start.setObjectName("recallStartField")
        self.start.addItem(self.tr("A lot (finished or component)"), "lot")
        self.start.addItem(self.tr("One serialised unit"), "serial")
        self.start.addItem(self.tr("A product's lots made between two dates"), "product")
        self.serial = QLineEdit()
        self.serial.setObjectName("recallSerialField")
        self.serial.setPlaceholderText(self.tr("Serial (GS1 AI 21); its whole lot is recalled"))
        today = QDate.currentDate()
        self.made_from = QDateEdit(today.addMonths(-1))
        self.made_until = QDateEdit(today)
        for edit in (self.made_from, self.made_until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.level = QComboBox()
        self.level.setObjectName("recallLevelField")
        for level in LEVELS:
            self.level.addItem(level_words(level, chinese), level)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("recallReasonField")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(56)
        self.reason.setPlaceholderText(self.tr("Required: the defect or complaint behind the recall."))
        self.hazard = QPlainTextEdit()
        self.hazard.setObjectName("recallHazardField")
        self.hazard.setTabChangesFocus(True)
        self.hazard.setFixedHeight(56)
        self.hazard.setPlaceholderText(self.tr("The health hazard evaluation: who could be harmed, and how."))
        self.add_field(None, note)
        self.add_field(self.tr("Starts from"), self.start)
        self.add_field(self.tr("Lot"), self.lot_no)
        self.add_field(self.tr("UDI-DI"), self.di)
        self.add_field(self.tr("Serial"), self.serial)
        self.add_field(self.tr("Made from"), self.made_from)
        self.add_field(self.tr("Made until"), self.made_until)
        self.add_field(self.tr("Level"), self.level)
        self.add_field(self.tr("Reason"), self.reason)
        self.add_field(self.tr("Health hazard"), self.hazard)
        self.sign_button.setText(self.tr("Sign and start the drill") if drill else self.tr("Sign and start the recall"))
        self.start.currentIndexChanged.connect(self._show_start)
        self._show_start()
        (self.password if lot_no else self.lot_no).setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def starts_from(self) -> str:
        return str(self.start.currentData())

    def _show_start(self) -> None:
        product = self.starts_from == "product"
        self.form.setRowVisible(self.lot_no, not product)
        self.form.setRowVisible(self.serial, self.starts_from == "serial")
        self.form.setRowVisible(self.made_from, product)
        self.form.setRowVisible(self.made_until, product)
        self.di.setPlaceholderText(self.tr("The product's UDI-DI") if product
                                   else self.tr("Only when the lot number exists for several products"))
        QTimer.singleShot(0, lambda: grow_to_fit(self) if shiboken6.isValid(self) else None)

    def editors(self) -> list[QWidget]:
        return [self.start, self.lot_no, self.di, self.serial, self.made_from, self.made_until, self.level,
                self.reason, self.hazard]

    def check_fields(self) -> str | None:
        if self.starts_from == "product":
            if not self.di.text().strip():
                return self.tr("Enter the product's UDI-DI.")
            if self.made_from.date() > self.made_until.date():
                return self.tr("The first production date comes after the last one.")
        elif not self.lot_no.text().strip():
            return self.tr("Enter the lot number of the suspect lot.")
        if self.starts_from == "serial" and not self.serial.text().strip():
            return self.tr("Enter the serial number of the unit.")
        if not self.reason.toPlainText().strip():
            return self.tr("State the reason for the recall.")
        if max(len(self.reason.toPlainText()), len(self.hazard.toPlainText())) > MAX_TEXT_CHARS:
            return self.tr("The reason and the health hazard may be at most %1 characters each.").replace(
                "%1", str(MAX_TEXT_CHARS))
        return None

    def busy_text(self) -> str:
        return self.tr("Checking your signature, tracing every tier and freezing the scope…")

    def ceremony(self) -> Ceremony:
        start: dict[str, Any] = {"di": self.di.text().strip() or None}
        if self.starts_from == "product":
            start.update(made_from=self.made_from.date().toPython(), made_until=self.made_until.date().toPython())
        else:
            start["lot_no"] = self.lot_no.text().strip()
            if self.starts_from == "serial":
                start["serial"] = self.serial.text().strip()
        level, drill = int(self.level.currentData()), self.drill
        reason, hazard = self.reason.toPlainText().strip(), self.hazard.toPlainText().strip()
        return lambda base, login, password, code: initiate_recall(
            base, login=login, password=password, code=code, level=level, drill=drill, reason=reason,
            health_hazard=hazard, **start)


class CloseRecallDialog(RecallCeremonyDialog):
    """Sign "Recall closed"; the database refuses, naming what is missing, while anything is outstanding."""

    def __init__(self, ctx: ViewContext, account: Account, base_args: dict[str, str], case: RecallCase,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, account, base_args, "closed", parent)
        self.headline.setText(self.tr("Close drill %1").replace("%1", str(case.id)) if case.kind == "drill"
                              else self.tr("Close recall %1").replace("%1", str(case.id)))
        self.setObjectName("closeRecallDialog")
        self.recall_id = case.id
        summary = QLabel(self.tr(
            "%1 consignees: %2 notified, %3 acknowledged; %4 of %5 units returned.").replace(
            "%1", str(len(case.consignees))).replace("%2", str(case.notified)).replace(
            "%3", str(case.acknowledged)).replace("%4", str(case.units_returned)).replace("%5", str(case.units_out)))
        summary.setWordWrap(True)
        self.add_field(None, summary)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def ceremony(self) -> Ceremony:
        recall_id = self.recall_id
        return lambda base, login, password, code: close_recall(base, login=login, password=password, code=code,
                                                                recall_id=recall_id)


class ReturnDialog(QDialog):
    """How many units of which lot came back from a consignee (never more than it holds)."""

    def __init__(self, consignee: RecallConsignee, lots: list[tuple[str, int]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recallReturnDialog")
        self.setWindowTitle(self.tr("Record a return"))
        self._lots = lots
        self.lot = QComboBox()
        for lot_no, remaining in lots:
            self.lot.addItem(self.tr("%1 (%2 still there)").replace("%1", lot_no).replace("%2", str(remaining)),
                             lot_no)
        self.quantity = QSpinBox()
        self.quantity.setObjectName("returnQuantity")
        self.quantity.setRange(1, 1_000_000_000)
        self.lot.currentIndexChanged.connect(self._on_lot)
        form = QFormLayout()
        form.addRow(QLabel(self.tr("Returned by %1 (%2)").replace("%1", consignee.name).replace(
            "%2", consignee.party)))
        form.addRow(self.tr("Lot"), self.lot)
        form.addRow(self.tr("Quantity"), self.quantity)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._on_lot(0)

    def _on_lot(self, index: int) -> None:
        if 0 <= index < len(self._lots):
            remaining = max(self._lots[index][1], 1)
            self.quantity.setMaximum(remaining)
            self.quantity.setValue(remaining)

    def chosen(self) -> tuple[str, int]:
        return str(self.lot.currentData()), self.quantity.value()
