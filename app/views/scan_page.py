"""The Scan page: a keyboard-wedge scanner's input in, what the unit is and whether it may move, out — loudly.

At the goods-in desk or the packing bench a person scans label after label without looking at the
screen; a recalled, held, unreleased, rejected, expired or unknown unit must stop them (ISO 13485 7.5.8,
8.3.1), so the page shows a big coloured banner and beeps. In "Record movements" mode every scan records
one movement through the operation runner, in the order scanned; recorded movements are controlled
records and are never undone here (a correction is a return or an adjustment, GMP 第二十七条).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QLocale, Qt, QTime, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError, ShelfLifeTooShort, StockWouldGoNegative
from app.models.enums import MovementKind, PartyKind
from app.security.permissions import may
from app.services.expiry import FefoWarning, earlier_expiring
from app.services.identity import Account
from app.services.scanning import (
    GS,
    GS_SUBSTITUTES,
    GS_SYMBOL,
    SCAN_KINDS,
    Alarm,
    AlarmKind,
    AlarmLevel,
    PartyChoice,
    RecordedMovement,
    ScanLookup,
    list_parties,
    look_up_scan,
    record_scanned_movement,
    restore_group_separators,
)
from app.udi import ScanResult, pair_hibc, parse_scan
from app.views.context import ViewContext
from app.views.lot_table_model import while_alive
from app.views.operations import Operation, OperationContext
from app.views.page_frame import page_column, title_row
from app.views.pages import lot_status_label
from app.views.reason_dialog import ReasonDialog
from app.views.record_edit_dialogs import EditPartyDialog
from app.views.style import problem_label

# Banner colours (background, text): red stops, amber warns, green clears; white/black text for contrast.
BANNER_COLOURS = {
    AlarmLevel.STOP: ("#b3261e", "#ffffff"),
    AlarmLevel.WARNING: ("#f2b630", "#2b1d00"),
    AlarmLevel.OK: ("#1b6e35", "#ffffff"),
}
RESULT_OK = QColor("#1b5e2f")
RESULT_REFUSED = QColor("#a1260d")
RESULT_WARNING = QColor("#8a5a00")
SETTING_GS = "scan_gs_substitute"  # Settings.extra key of the workstation's scanner setting
WATCHED_TABLES = frozenset({"lot", "movement", "product", "serial_unit", "party", "genealogy_edge"})
SESSION_COLUMNS = 6
# Reasons for shipping below a consignee's minimum shelf life: stored as written, so bilingual on purpose
# (the same convention as the reasons for change).
SHELF_LIFE_REASONS = (
    "客户书面同意接收 Consignee agreed in writing",
    "临床急需 Urgent clinical need",
    "客户即时使用 For immediate use by the consignee",
)


class ScanField(QLineEdit):
    """The scanner types here. A text field drops ASCII 29, so a received GS is kept as «GS»; Esc clears."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl_bracket = (event.key() == Qt.Key.Key_BracketRight
                        and event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.text() == GS or ctrl_bracket:  # Ctrl+] is how a US keyboard types GS
            self.insert(GS_SYMBOL)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.escaped.emit()
            event.accept()
            return
        super().keyPressEvent(event)


@dataclass(frozen=True)
class _Plan:
    """The movement every scan of a recording run makes (chosen once for the run)."""

    kind: MovementKind
    from_party_id: int | None
    to_party_id: int | None
    quantity: int
    document_no: str


@dataclass(frozen=True)
class _Job:
    scan: ScanResult
    plan: _Plan | None
    row: int | None  # the session-list row of a recording
    quiet: bool = False  # a refresh after someone else's change: no beep
    fefo_site: str | None = None  # a shipment from this site: look for a lot that should go first
    shelf_life_exception: str | None = None  # the reason of an authorised exception to a minimum shelf life


@dataclass(frozen=True)
class _Outcome:
    lookup: ScanLookup
    recorded: RecordedMovement | None
    refusal: MedTraceError | None
    fefo: FefoWarning | None = None


class ScanPage(QWidget):
    """Scan field, alarm banner, unit details and stock; movement recording with its session list."""

    scan_shown = Signal(object)  # ScanLookup
    movement_recorded = Signal(object)  # RecordedMovement
    movement_refused = Signal(str)  # the reason shown
    alarm_raised = Signal(str)  # AlarmKind value of a stop alarm (after the beep)
    parties_loaded = Signal()

    def __init__(self, ctx: ViewContext, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self.may_record = may(account.groups, "record_movement")
        self.may_authorise_exception = may(account.groups, "authorise_shelf_life_override")
        self._exception_job: _Job | None = None
        self._queue: deque[_Job] = deque()
        self._running: Operation[Any] | None = None
        self._plan: _Plan | None = None
        self._parties: tuple[PartyChoice, ...] = ()
        self._ignore_broadcast = False
        self.lookup: ScanLookup | None = None
        self._last_scan: ScanResult | None = None  # a separate HIBC primary or secondary pairs with the next scan
        self.recorded_count = 0
        self.refused_count = 0

        heading = QLabel(self.tr("Scan"))
        heading.setObjectName("pageHeading")
        self.gs_setting = QComboBox()
        self.gs_setting.addItem(self.tr("GS control character (ASCII 29)"), "")
        for substitute in GS_SUBSTITUTES:
            self.gs_setting.addItem(substitute, substitute)
        chosen = self.gs_setting.findData(ctx.settings.extra.get(SETTING_GS, ""))
        self.gs_setting.setCurrentIndex(max(chosen, 0))
        self.gs_setting.setToolTip(self.tr("What this workstation's scanner types for the GS1 field separator "
                                           "(FNC1). Set the same in the scanner's configuration."))
        top = title_row(heading, QLabel(self.tr("Scanner sends GS as")), self.gs_setting)

        self.scan_input = ScanField()
        self.scan_input.setObjectName("scanInput")
        self.scan_input.setPlaceholderText(self.tr("Scan a label (or type the UDI and press Enter)"))
        font = QFont(self.scan_input.font())
        font.setPointSize(max(font.pointSize(), 10) + 7)
        self.scan_input.setFont(font)
        self.scan_input.setMinimumHeight(48)
        self.scan_input.returnPressed.connect(self._on_return_pressed)
        self.scan_input.escaped.connect(self.clear_result)

        # -- the banner: what matters, in big letters --
        self.banner = QFrame()
        self.banner.setObjectName("scanBanner")
        self.banner_title = QLabel()
        title_font = QFont(self.banner_title.font())
        title_font.setPointSize(max(title_font.pointSize(), 10) + 10)
        title_font.setBold(True)
        self.banner_title.setFont(title_font)
        self.banner_detail = QLabel()
        detail_font = QFont(self.banner_detail.font())
        detail_font.setPointSize(max(detail_font.pointSize(), 10) + 2)
        self.banner_detail.setFont(detail_font)
        self.banner_detail.setWordWrap(True)
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(16, 10, 16, 12)
        banner_layout.setSpacing(4)
        banner_layout.addWidget(self.banner_title)
        banner_layout.addWidget(self.banner_detail)
        self.banner.hide()

        # -- details of the unit --
        self.empty_message = QLabel(self.tr(
            "Click in the field above and scan the UDI on a label; the scanner's Enter ends each scan.\n\n"
            "The page shows the product, lot, serial, dates, status and stock at once, and stops you loudly "
            "(red banner and a beep) when the lot is recalled, on hold, not released, rejected, expired or "
            "unknown.\n\n"
            "To record goods in, shipments, returns or installations, choose them under “Record movements” "
            "and press Start recording: then every scan records one movement.\n\n"
            "Esc clears the field. If scans of labels with a serial number show the wrong lot, set what "
            "your scanner sends for the GS separator (top right)."))
        self.empty_message.setObjectName("pagePurpose")
        self.empty_message.setWordWrap(True)
        self.empty_message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty_message.setMargin(12)

        self.detail_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(6)
        for key, caption in (
            ("name", self.tr("Product")), ("name_en", self.tr("English name")), ("model", self.tr("Model")),
            ("registration_no", self.tr("Registration no.")), ("di", self.tr("DI")), ("lot", self.tr("Lot")),
            ("serial", self.tr("Serial")), ("production_date", self.tr("Production date")),
            ("expiry_date", self.tr("Expiry date")), ("status", self.tr("Status")),
        ):
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.detail_labels[key] = value
            form.addRow(caption, value)
        strong = QFont(self.detail_labels["lot"].font())
        strong.setBold(True)
        for key in ("name", "lot", "status"):
            self.detail_labels[key].setFont(strong)
        self.notes = QLabel()
        self.notes.setObjectName("fieldNote")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stock_heading = QLabel(self.tr("Stock on hand"))
        self.stock_heading.setObjectName("sectionHeading")
        self.stock_table = _table([self.tr("Location"), self.tr("Name"), self.tr("Kind"), self.tr("On hand")])
        stock_header = self.stock_table.horizontalHeader()
        stock_header.setStretchLastSection(False)
        for column, width in enumerate((90, 200, 90, 80)):
            stock_header.resizeSection(column, width)
        stock_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the name takes what is left
        self.stock_total = QLabel()
        self.stock_total.setObjectName("fieldNote")
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addLayout(form)
        details_layout.addWidget(self.notes)
        details_layout.addWidget(self.stock_heading)
        details_layout.addWidget(self.stock_table, 1)
        details_layout.addWidget(self.stock_total)
        self.details_stack = QStackedWidget()
        self.details_stack.addWidget(self.empty_message)
        self.details_stack.addWidget(details)

        # -- recording --
        self.record_box = QGroupBox(self.tr("Record movements"))
        self.kind = QComboBox()
        kinds = self._kind_labels()
        for kind in SCAN_KINDS:
            self.kind.addItem(kinds[kind], kind.value)
        self.kind.setCurrentIndex(self.kind.findData(MovementKind.SHIP.value))
        self.from_party = QComboBox()
        self.to_party = QComboBox()
        for combo in (self.from_party, self.to_party):
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.document_no = QLineEdit()
        self.document_no.setPlaceholderText(self.tr("Delivery note, order or invoice no."))
        self.document_no.setMaxLength(60)
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 100_000)
        self.quantity.setToolTip(self.tr("Units each scan records; a scan with a serial number is always one unit."))
        self.record_button = QPushButton(self.tr("Start recording"))
        self.record_button.setCheckable(True)
        self.record_state = QLabel()
        self.record_state.setObjectName("fieldNote")
        self.record_state.setWordWrap(True)
        self.record_problem = problem_label()
        self.exception_button = QPushButton(self.tr("Authorise an exception…"))
        self.exception_button.setToolTip(self.tr(
            "Ship this lot although the consignee asks for more shelf life, stating why: the database keeps your "
            "name, the time and the reason."))
        self.exception_button.hide()
        record_form = QFormLayout()
        record_form.addRow(self.tr("Movement"), self.kind)
        record_form.addRow(self.tr("From"), self.from_party)
        self.party_button = QPushButton(self.tr("Details…"))
        self.party_button.setToolTip(self.tr("The party's record: contact, licence, the least shelf life it accepts "
                                             "and who owns expiry alerts of stock held there"))
        self.party_button.setVisible(may(account.groups, "edit_party"))
        to_row = QHBoxLayout()
        to_row.addWidget(self.to_party, 1)
        to_row.addWidget(self.party_button)
        record_form.addRow(self.tr("To"), to_row)
        record_form.addRow(self.tr("Document no."), self.document_no)
        record_form.addRow(self.tr("Units per scan"), self.quantity)
        button_row = QHBoxLayout()
        button_row.addWidget(self.record_button)
        button_row.addWidget(self.record_state, 1)
        self.session_table = _table([self.tr("Time"), self.tr("Movement"), self.tr("Lot"), self.tr("Serial"),
                                     self.tr("Qty"), self.tr("Result")])
        for column, width in enumerate((68, 64, 90, 80, 40)):
            self.session_table.horizontalHeader().resizeSection(column, width)
        self.session_count = QLabel()
        self.session_count.setObjectName("sectionHeading")
        no_undo = QLabel(self.tr("Recorded movements are controlled records and cannot be undone. To correct one, "
                                 "record a return or an adjustment."))
        no_undo.setObjectName("fieldNote")
        no_undo.setWordWrap(True)
        record_layout = QVBoxLayout(self.record_box)
        record_layout.addLayout(record_form)
        record_layout.addLayout(button_row)
        record_layout.addWidget(self.record_problem)
        record_layout.addWidget(self.exception_button, 0, Qt.AlignmentFlag.AlignLeft)
        record_layout.addWidget(self.session_count)
        record_layout.addWidget(self.session_table, 1)
        record_layout.addWidget(no_undo)
        if not self.may_record:
            self.record_box.setEnabled(False)
            self.record_box.setToolTip(self.tr("Recording movements needs the warehouse role; you can look up "
                                               "scans."))
            self.record_state.setText(self.tr("Your role may look up scans but not record movements."))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.details_stack)
        splitter.addWidget(self.record_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 660])
        splitter.setChildrenCollapsible(False)

        self.problem = problem_label()
        # First expired, first out: an earlier-expiring lot of the product waits at the shipping site.
        self.fefo_notice = QLabel()
        self.fefo_notice.setObjectName("fefoNotice")
        self.fefo_notice.setWordWrap(True)
        self.fefo_notice.setStyleSheet("QLabel#fefoNotice { background: #fff1c7; color: #4a3200; "
                                       "border: 1px solid #f2b630; border-radius: 4px; padding: 8px 12px; }")
        self.fefo_notice.hide()

        page_column(self, (top, self.scan_input, self.banner, self.problem, self.fefo_notice), splitter)

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.kind.activated.connect(self._choose_default_parties)  # the person chose: suggest the usual ends
        self.record_button.toggled.connect(self._on_record_toggled)
        self.exception_button.clicked.connect(self.authorise_exception)
        self.party_button.clicked.connect(self.edit_party)
        self.to_party.currentIndexChanged.connect(
            lambda _i: self.party_button.setEnabled(self.to_party.currentData() is not None))
        ctx.broadcast.records_changed.connect(self._on_records_changed)
        self._show_counts()
        self._show_record_state()
        self._on_kind_changed()
        self._load_parties()

    # -- public --------------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self._plan is not None

    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self._queue)

    def gs_substitute(self) -> str:
        return str(self.gs_setting.currentData() or "")

    def submit_scan(self, text: str) -> None:
        """Read one scan (GS restored), then look it up, recording a movement first when recording."""
        raw = restore_group_separators(text.strip("\r\n"), self.gs_substitute())
        if not raw.strip():
            return
        # The label's own dates are read on the calendar day; the lot's status and expiry are judged on the
        # database server's date by the look-up.
        scan = parse_scan(raw, as_of=dt.date.today())  # noqa: DTZ011 — a calendar date, see above
        scan = self._last_scan = pair_hibc(self._last_scan, scan)
        row = self._add_session_row(scan) if self._plan is not None else None
        self._queue.append(_Job(scan=scan, plan=self._plan, row=row, fefo_site=self._shipping_site()))
        self._start_next()

    def _shipping_site(self) -> str | None:
        """The site a shipment leaves from (the run's, or the one chosen for the next run), if shipping."""
        kind = self._plan.kind if self._plan is not None else self.selected_kind()
        source = self._plan.from_party_id if self._plan is not None else self.from_party.currentData()
        if kind is not MovementKind.SHIP or source is None:
            return None
        return next((p.code for p in self._parties if p.id == source), None)

    def authorise_exception(self) -> None:
        """Ship the refused scan after all, with the QA approver's stated reason (recorded by the database)."""
        job = self._exception_job
        if job is None or job.plan is None:
            return
        dialog = ReasonDialog(
            self.tr("the minimum shelf life of %1").replace("%1", self._party_code(job.plan.to_party_id)),
            [], self,
            explanation=self.record_problem.text() + "\n\n" + self.tr(
                "The database records this exception for this one shipment, with your name, the server time and "
                "the reason you give. The reason cannot be changed later."),
            headline=self.tr("Why may lot %1 go to %2 with less shelf life than %2 accepts?").replace(
                "%1", job.scan.lot or "—").replace("%2", self._party_code(job.plan.to_party_id)),
            ok_text=self.tr("Authorise and ship"), common_reasons=SHELF_LIFE_REASONS)
        if dialog.exec() != ReasonDialog.DialogCode.Accepted:
            self.scan_input.setFocus()
            return
        self._exception_job = None
        self.exception_button.hide()
        self.record_problem.hide()
        if job.row is not None:
            self._set_result(job.row, self.tr("recording…"), RESULT_WARNING, "")
            self.refused_count -= 1  # the refused row is this shipment's again: recorded, or refused once more
        self._queue.append(_Job(scan=job.scan, plan=job.plan, row=job.row, fefo_site=job.fefo_site,
                                shelf_life_exception=dialog.reason_text()))
        self._start_next()

    def edit_party(self) -> EditPartyDialog | None:
        """Open the chosen destination's record (what it accepts included); saved with a reason, audited."""
        party_id = self.to_party.currentData()
        if party_id is None:
            return None
        dialog = EditPartyDialog(self._ctx, party_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _party_code(self, party_id: int | None) -> str:
        return next((p.code for p in self._parties if p.id == party_id), "?")

    def clear_result(self) -> None:
        """Esc: back to the empty scan field and the instructions (the session list stays)."""
        self.scan_input.clear()
        self.lookup = self._last_scan = None
        self.banner.hide()
        self.problem.hide()
        self.fefo_notice.hide()
        self.details_stack.setCurrentIndex(0)
        self.scan_input.setFocus()

    def start_recording(self) -> None:
        self.record_button.setChecked(True)

    def stop_recording(self) -> None:
        self.record_button.setChecked(False)

    # -- scans ---------------------------------------------------------------------------------

    def _on_return_pressed(self) -> None:
        text = self.scan_input.text()
        self.scan_input.clear()
        self.submit_scan(text)

    def _start_next(self) -> None:
        if self._running is not None or not self._queue:
            return
        job = self._queue.popleft()
        new_uow = self._ctx.new_uow

        def work(_op: OperationContext) -> _Outcome:
            recorded = refusal = fefo = None
            if job.plan is not None:
                try:
                    recorded = record_scanned_movement(
                        new_uow(), scan=job.scan, kind=job.plan.kind, from_party_id=job.plan.from_party_id,
                        to_party_id=job.plan.to_party_id, quantity=1 if job.scan.serial else job.plan.quantity,
                        document_no=job.plan.document_no, shelf_life_exception=job.shelf_life_exception)
                except MedTraceError as exc:
                    refusal = exc
            lookup = look_up_scan(new_uow(), scan=job.scan)
            if job.fefo_site is not None and lookup.lot is not None and refusal is None:
                fefo = earlier_expiring(new_uow(), lot_id=lookup.lot.id, site_code=job.fefo_site)
            return _Outcome(lookup, recorded, refusal, fefo)

        def done(outcome: _Outcome) -> None:
            self._running = None
            self._show_outcome(job, outcome)
            self._start_next()

        def failed(exc: BaseException) -> None:
            self._running = None
            self._show_failure(job, exc)
            self._start_next()

        self._running = self._ctx.runner.run(work, on_done=while_alive(self, done),
                                             on_failed=while_alive(self, failed))

    def _show_outcome(self, job: _Job, outcome: _Outcome) -> None:
        lookup = outcome.lookup
        self.lookup = lookup
        self.problem.hide()
        self._show_banner(lookup)
        self._show_details(lookup)
        fefo = self._fefo_words(job, outcome)
        self.fefo_notice.setText(fefo or "")
        self.fefo_notice.setVisible(fefo is not None)
        loud = (lookup.level is AlarmLevel.STOP or fefo is not None) and not job.quiet
        if job.row is not None:
            self._exception_job = None  # an offer stands for the last refused scan only
            self.exception_button.hide()
            if outcome.recorded is not None:
                self.recorded_count += 1
                if fefo is not None:
                    self._set_result(job.row, self.tr("✓ recorded · first expired, first out: lot %1").replace(
                        "%1", outcome.fefo.lot if outcome.fefo else ""), RESULT_WARNING, fefo)
                else:
                    self._set_result(job.row, self.tr("✓ recorded"), RESULT_OK, outcome.recorded.raw_udi)
                self._announce_movement()
                self.movement_recorded.emit(outcome.recorded)
            else:
                message = _message(outcome.refusal) if outcome.refusal else self.tr("Not recorded.")
                self.refused_count += 1
                self._set_result(job.row, "✗ " + self._refusal_words(job, outcome, message), RESULT_REFUSED, message)
                loud = True
                self.movement_refused.emit(message)
                self._offer_exception(job, outcome)
            self._show_counts()
        if loud:
            QApplication.beep()
            if lookup.level is AlarmLevel.STOP:
                self.alarm_raised.emit(lookup.alarm.kind.value)
        self.scan_shown.emit(lookup)
        self.scan_input.setFocus()

    def _fefo_words(self, job: _Job, outcome: _Outcome) -> str | None:
        fefo = outcome.fefo
        if fefo is None or job.fefo_site is None:
            return None
        return self.tr("First expired, first out: lot %1 of this product expires earlier (%2) and %3 units of it "
                       "are on hand at %4. Ship lot %1 before lot %5.").replace("%1", fefo.lot).replace(
            "%2", _date(fefo.expiry_date)).replace("%3", _n(fefo.on_hand)).replace("%4", job.fefo_site).replace(
            "%5", outcome.lookup.lot.lot_no if outcome.lookup.lot else "—")

    def _offer_exception(self, job: _Job, outcome: _Outcome) -> None:
        """A shipment refused for the consignee's minimum shelf life: a QA approver may authorise it."""
        if not isinstance(outcome.refusal, ShelfLifeTooShort) or not self.may_authorise_exception:
            return
        self._exception_job = job
        self.record_problem.setText(_message(outcome.refusal))
        self.record_problem.show()
        self.exception_button.show()

    def _refusal_words(self, job: _Job, outcome: _Outcome, message: str) -> str:
        """The usual refusals in the workstation's language; others in the service's words (the tooltip has all)."""
        if isinstance(outcome.refusal, StockWouldGoNegative) and job.plan is not None:
            codes = {p.id: p.code for p in self._parties}
            return self.tr("Not recorded: not enough stock at %1").replace(
                "%1", codes.get(job.plan.from_party_id, "?"))
        if isinstance(outcome.refusal, ShelfLifeTooShort) and job.plan is not None:
            return self.tr("Not recorded: too little shelf life left for %1").replace(
                "%1", self._party_code(job.plan.to_party_id))
        if outcome.lookup.level is AlarmLevel.STOP:
            return self.tr("Not recorded: %1").replace("%1", self._alarm_words(outcome.lookup, outcome.lookup.alarm)[0])
        return message

    def _show_failure(self, job: _Job, exc: BaseException) -> None:
        if isinstance(exc, MedTraceError):
            message = _message(exc)
        else:
            message = self.tr("The scan could not be looked up because of an unexpected problem; the details "
                              "are in the log.")
        self.problem.setText(message)
        self.problem.show()
        if job.row is not None:
            self.refused_count += 1
            self._set_result(job.row, "✗ " + message, RESULT_REFUSED, message)
            self._show_counts()
            self.movement_refused.emit(message)
        if not job.quiet:
            QApplication.beep()
        self.scan_input.setFocus()

    # -- display -------------------------------------------------------------------------------

    def _show_banner(self, lookup: ScanLookup) -> None:
        title, detail = self._alarm_words(lookup, lookup.alarm)
        more = [self._alarm_words(lookup, alarm) for alarm in lookup.alarms[1:]]
        if more:
            detail += "\n" + "\n".join(f"• {t}: {d}" for t, d in more)
        background, foreground = BANNER_COLOURS[lookup.level]
        self.banner.setProperty("level", lookup.level.value)
        self.banner.setStyleSheet(f"#scanBanner {{ background: {background}; border-radius: 6px; }} "
                                  f"#scanBanner QLabel {{ color: {foreground}; }}")
        self.banner_title.setText(title)
        self.banner_detail.setText(detail)
        self.banner.show()

    def _show_details(self, lookup: ScanLookup) -> None:
        scan, product, lot = lookup.scan, lookup.product, lookup.lot
        d = self.detail_labels
        d["name"].setText(product.name if product else "—")
        d["name_en"].setText(product.name_en if product and product.name_en else "—")
        d["model"].setText(product.model if product and product.model else "—")
        d["registration_no"].setText(product.registration_no if product and product.registration_no else "—")
        agency = scan.agency.value + " " if scan.agency else ""
        d["di"].setText(f"{agency}{scan.device_identifier}" if scan.device_identifier else "—")
        d["lot"].setText(scan.lot or "—")
        serial = scan.serial or "—"
        if scan.serial and lookup.serial_known is False:
            serial += "  " + self.tr("(not a registered serial of this lot)")
        d["serial"].setText(serial)
        production = lot.production_date if lot else scan.production_date
        d["production_date"].setText(_date(production))
        if lot is not None:
            days = lot.days_to_expiry
            when = (self.tr("expired %1 days ago").replace("%1", _n(-days)) if days < 0
                    else self.tr("today is the last day") if days == 0
                    else self.tr("%1 days left").replace("%1", _n(days)))
            d["expiry_date"].setText(f"{_date(lot.expiry_date)}  ({when})")
            d["status"].setText(lot_status_label(lot.status))
        else:
            d["expiry_date"].setText(_date(scan.expiry_date) + ("  " + self.tr("(from the label)")
                                                               if scan.expiry_date else ""))
            d["status"].setText(self.tr("no lot record") if scan.lot and scan.device_identifier else "—")
        notes = [self.tr("Scan: %1").replace("%1", scan.raw.replace(GS, GS_SYMBOL))]
        if scan.structure == "paired":
            notes.append(self.tr("Read as one UDI from a primary and a secondary HIBC bar code whose link character "
                                 "matches."))
        notes += [self.tr("Note from reading the scan: %1").replace("%1", w) for w in scan.rendered_warnings()]
        self.notes.setText("\n".join(notes))
        self._show_stock(lookup)
        self.details_stack.setCurrentIndex(1)

    def _show_stock(self, lookup: ScanLookup) -> None:
        kinds = self._party_kind_labels()
        table = self.stock_table
        table.setRowCount(0)
        table.setRowCount(len(lookup.stock))
        for row, line in enumerate(lookup.stock):
            cells = (line.party_code, line.party_name, kinds[line.party_kind], _n(line.quantity))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if column == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        if lookup.lot is None:
            self.stock_total.setText(self.tr("No lot record, so no stock."))
        elif not lookup.stock:
            self.stock_total.setText(self.tr("No unit of this lot is held anywhere."))
        else:
            self.stock_total.setText(self.tr("Total on hand: %1 · locations: %2").replace(
                "%1", _n(lookup.stock_total)).replace("%2", _n(len(lookup.stock))))

    def _alarm_words(self, lookup: ScanLookup, alarm: Alarm) -> tuple[str, str]:
        """Title and sentence for an alarm, in the workstation's language (the service's are English)."""
        lot = lookup.lot
        lot_no = lot.lot_no if lot else (lookup.scan.lot or "")
        expiry = _date(lot.expiry_date) if lot else ""
        days = _n(lot.days_to_expiry) if lot else ""
        status = lot_status_label(lot.status) if lot else ""
        k = alarm.kind
        if k is AlarmKind.INVALID_SCAN:
            reason = lookup.scan.rendered_errors()[0] if lookup.scan.errors else alarm.message
            return self.tr("CANNOT READ THE SCAN"), reason
        if k is AlarmKind.UNKNOWN_PRODUCT:
            return self.tr("UNKNOWN PRODUCT"), self.tr(
                "No product with the DI %1 is in the product master. Do not use or ship this unit; tell QA.").replace(
                "%1", lookup.scan.device_identifier or "")
        if k is AlarmKind.UNKNOWN_LOT:
            return self.tr("UNKNOWN LOT"), self.tr(
                "Lot %1 of this product is not in the lot records. Do not use or ship it until QA has checked "
                "the label.").replace("%1", lot_no)
        if k is AlarmKind.RECALLED:
            return self.tr("RECALLED"), self.tr(
                "Lot %1 is recalled. Do not use or ship it: set the unit aside and tell QA.").replace("%1", lot_no)
        if k is AlarmKind.REJECTED:
            return self.tr("REJECTED"), self.tr(
                "Lot %1 was rejected at release. Do not use or ship it.").replace("%1", lot_no)
        if k is AlarmKind.ON_HOLD:
            return self.tr("ON HOLD"), self.tr(
                "Lot %1 is on hold. Do not use or ship it until QA releases it again.").replace("%1", lot_no)
        if k is AlarmKind.EXPIRED:
            return self.tr("EXPIRED"), self.tr(
                "Lot %1 expired on %2. Do not use or ship it.").replace("%1", lot_no).replace("%2", expiry)
        if k is AlarmKind.NOT_RELEASED:
            return self.tr("NOT RELEASED"), self.tr(
                "Lot %1 is not released (%2). It may not be shipped or used yet.").replace(
                "%1", lot_no).replace("%2", status)
        if k is AlarmKind.UNKNOWN_SERIAL:
            return self.tr("UNKNOWN SERIAL"), self.tr(
                "Lot %1 has no serial unit %2. Check the label and tell QA.").replace(
                "%1", lot_no).replace("%2", lookup.scan.serial or "")
        if k is AlarmKind.LABEL_MISMATCH and lot is not None:
            production = alarm.subject == "production_date"
            on_label = lookup.scan.production_date if production else lookup.scan.expiry_date
            on_record = lot.production_date if production else lot.expiry_date
            sentence = (self.tr("The label's production date %1 is not the lot record's %2. Check the label and "
                                "tell QA.") if production else
                        self.tr("The label's expiry date %1 is not the lot record's %2. Check the label and tell QA."))
            return self.tr("LABEL DIFFERS FROM THE LOT RECORD"), sentence.replace(
                "%1", _date(on_label)).replace("%2", _date(on_record))
        if k is AlarmKind.LINK_MISMATCH and lookup.scan.link_mismatch is not None:
            link, check = lookup.scan.link_mismatch
            return self.tr("BAR CODES DO NOT BELONG TOGETHER"), self.tr(
                "The link character “%1” of the secondary bar code is not the check character “%2” of the primary "
                "bar code scanned next to it, so they were not read as one UDI. Scan both bar codes of one "
                "label, one right after the other.").replace("%1", link).replace("%2", check)
        if k is AlarmKind.SECONDARY_ONLY:
            link = next((value for key, value in lookup.scan.elements if key == "LINK"), "")
            return self.tr("SECONDARY BAR CODE ONLY"), self.tr(
                "This HIBC bar code carries lot %1 and its dates but does not identify the device. Scan the "
                "primary bar code of the same label; its check character must be “%2”.").replace(
                "%1", lot_no or "—").replace("%2", link)
        if k is AlarmKind.NO_LOT:
            return self.tr("NO LOT NUMBER IN THE SCAN"), self.tr(
                "This bar code carries the product only. Scan the UDI that carries the lot to see its status.")
        if k is AlarmKind.EXPIRING:
            return self.tr("EXPIRES SOON"), self.tr(
                "Lot %1 is released but expires on %2, in %3 days.").replace("%1", lot_no).replace(
                "%2", expiry).replace("%3", days)
        return self.tr("RELEASED"), self.tr(
            "Lot %1 is released and within its expiry date (%2, %3 days left).").replace(
            "%1", lot_no).replace("%2", expiry).replace("%3", days)

    # -- recording -----------------------------------------------------------------------------

    def _kind_labels(self) -> dict[MovementKind, str]:
        return {
            MovementKind.RECEIVE: self.tr("Receive (goods in)"),
            MovementKind.SHIP: self.tr("Ship (to a customer)"),
            MovementKind.RETURN: self.tr("Return (from a customer)"),
            MovementKind.INSTALL: self.tr("Install (used at a hospital)"),
        }

    def _short_kind_labels(self) -> dict[MovementKind, str]:
        return {MovementKind.RECEIVE: self.tr("receive"), MovementKind.SHIP: self.tr("ship"),
                MovementKind.RETURN: self.tr("return"), MovementKind.INSTALL: self.tr("install")}

    def _party_kind_labels(self) -> dict[PartyKind, str]:
        return {PartyKind.MANUFACTURER: self.tr("our site"), PartyKind.SUPPLIER: self.tr("supplier"),
                PartyKind.DISTRIBUTOR: self.tr("distributor"), PartyKind.HOSPITAL: self.tr("hospital")}

    def selected_kind(self) -> MovementKind:
        return MovementKind(self.kind.currentData())

    def choose(self, kind: MovementKind | str, from_code: str | None, to_code: str | None,
               document_no: str = "", quantity: int = 1) -> None:
        """Set up a recording run by party codes (the menu, tests); the user does the same with the pickers."""
        self.kind.setCurrentIndex(self.kind.findData(MovementKind(kind).value))
        for combo, code in ((self.from_party, from_code), (self.to_party, to_code)):
            ids = [p.id for p in self._parties if p.code == code]
            combo.setCurrentIndex(combo.findData(ids[0]) if ids else 0)
        self.document_no.setText(document_no)
        self.quantity.setValue(quantity)

    def _load_parties(self) -> None:
        new_uow = self._ctx.new_uow
        self._ctx.runner.run(lambda _op: list_parties(new_uow()), on_done=while_alive(self, self._on_parties),
                             on_failed=while_alive(self, self._on_parties_failed))

    def _on_parties(self, parties: tuple[PartyChoice, ...]) -> None:
        self._parties = parties
        kinds = self._party_kind_labels()
        for combo in (self.from_party, self.to_party):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("— choose —"), None)
            for party in parties:
                combo.addItem(f"{party.code} · {party.name} ({kinds[party.kind]})", party.id)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen is not None else 0)
            combo.blockSignals(False)
        if self.from_party.currentData() is None and self.to_party.currentData() is None:
            self._choose_default_parties()
        self._on_kind_changed()
        self.parties_loaded.emit()

    def _on_parties_failed(self, exc: BaseException) -> None:
        self.record_problem.setText(_message(exc) if isinstance(exc, MedTraceError)
                                    else self.tr("The parties could not be loaded."))
        self.record_problem.show()

    def _choose_default_parties(self) -> None:
        """The usual ends of each kind: our site sends and receives; customers return; hospitals install."""
        kind = self.selected_kind()
        first = {k: next((p.id for p in self._parties if p.kind is k), None) for k in PartyKind}
        customer = first[PartyKind.DISTRIBUTOR] or first[PartyKind.HOSPITAL]
        ends = {
            MovementKind.RECEIVE: (first[PartyKind.SUPPLIER], first[PartyKind.MANUFACTURER]),
            MovementKind.SHIP: (first[PartyKind.MANUFACTURER], None),
            MovementKind.RETURN: (customer, first[PartyKind.MANUFACTURER]),
            MovementKind.INSTALL: (first[PartyKind.HOSPITAL], None),
        }[kind]
        for combo, party_id in zip((self.from_party, self.to_party), ends, strict=True):
            combo.setCurrentIndex(max(combo.findData(party_id), 0) if party_id is not None else 0)

    def _on_kind_changed(self) -> None:
        install = self.selected_kind() is MovementKind.INSTALL
        if install:
            self.to_party.setCurrentIndex(0)
        self.to_party.setEnabled(not install and not self.recording)
        self.to_party.setToolTip(self.tr("An installation has no destination: the unit is in use.") if install
                                 else "")

    def _on_record_toggled(self, on: bool) -> None:
        self.record_problem.hide()
        self.exception_button.hide()
        self._exception_job = None
        if on:
            plan = self._plan_from_inputs()
            if plan is None:
                self.record_button.blockSignals(True)
                self.record_button.setChecked(False)
                self.record_button.blockSignals(False)
                self.scan_input.setFocus()
                return
            self._plan = plan
        else:
            self._plan = None
        for widget in (self.kind, self.from_party, self.to_party, self.document_no, self.quantity):
            widget.setEnabled(not on)
        self._on_kind_changed()
        self.record_button.setText(self.tr("Stop recording") if on else self.tr("Start recording"))
        self._show_record_state()
        self.scan_input.setPlaceholderText(self.tr("Scan to record one movement per label") if on
                                           else self.tr("Scan a label (or type the UDI and press Enter)"))
        self.scan_input.setFocus()

    def _plan_from_inputs(self) -> _Plan | None:
        kind = self.selected_kind()
        source, dest = self.from_party.currentData(), self.to_party.currentData()
        problem = None
        if source is None:
            problem = self.tr("Choose where the units come from.")
        elif kind is not MovementKind.INSTALL and dest is None:
            problem = self.tr("Choose where the units go to.")
        elif source == dest:
            problem = self.tr("From and To are the same party: nothing would move.")
        if problem is not None:
            self.record_problem.setText(problem)
            self.record_problem.show()
            return None
        return _Plan(kind=kind, from_party_id=source, to_party_id=None if kind is MovementKind.INSTALL else dest,
                     quantity=self.quantity.value(), document_no=self.document_no.text().strip())

    def _show_record_state(self) -> None:
        plan = self._plan
        if plan is None:
            self.record_state.setText(self.tr("Scans only look up. Choose the movement and press Start recording "
                                              "to record one movement per scan.") if self.may_record
                                      else self.tr("Your role may look up scans but not record movements."))
            return
        codes = {p.id: p.code for p in self._parties}
        route = f"{codes.get(plan.from_party_id, '?')} → {codes.get(plan.to_party_id, '—')}"
        text = self.tr("Recording: every scan records “%1” %2, %3 unit(s) per scan.").replace(
            "%1", self._short_kind_labels()[plan.kind]).replace("%2", route).replace("%3", _n(plan.quantity))
        if plan.document_no:
            text += " " + self.tr("Document %1.").replace("%1", plan.document_no)
        self.record_state.setText(text)

    def _add_session_row(self, scan: ScanResult) -> int:
        plan = self._plan
        assert plan is not None
        table = self.session_table
        row = table.rowCount()
        table.insertRow(row)
        quantity = 1 if scan.serial else plan.quantity
        cells = (QTime.currentTime().toString("HH:mm:ss"), self._short_kind_labels()[plan.kind],
                 scan.lot or "—", scan.serial or "", _n(quantity), self.tr("recording…"))
        for column, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if column == 4:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)
        table.scrollToBottom()
        return row

    def _set_result(self, row: int, text: str, colour: QColor, tooltip: str) -> None:
        item = QTableWidgetItem(text)
        item.setForeground(QBrush(colour))
        item.setToolTip(tooltip.replace(GS, GS_SYMBOL))
        self.session_table.setItem(row, SESSION_COLUMNS - 1, item)

    def _show_counts(self) -> None:
        self.session_count.setText(self.tr("This session: %1 recorded, %2 refused").replace(
            "%1", _n(self.recorded_count)).replace("%2", _n(self.refused_count)))

    def session_rows(self) -> list[list[str]]:
        """The session list as shown (for tests and for reading it back)."""
        table = self.session_table
        return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(SESSION_COLUMNS)]
                for r in range(table.rowCount())]

    # -- changes elsewhere ---------------------------------------------------------------------

    def _announce_movement(self) -> None:
        self._ignore_broadcast = True
        try:
            self._ctx.broadcast.announce(frozenset({"movement"}))
        finally:
            self._ignore_broadcast = False

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if self._ignore_broadcast:
            return
        if tables is None or "party" in tables:
            self._load_parties()
        if self.lookup is not None and not self.busy and (tables is None or tables & WATCHED_TABLES):
            # Someone released, recalled or moved stock: show the current unit as it is now, quietly.
            self._queue.append(_Job(scan=self.lookup.scan, plan=None, row=None, quiet=True,
                                    fefo_site=self._shipping_site()))
            self._start_next()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.scan_input.setFocus()


def _message(exc: BaseException) -> str:
    if isinstance(exc, MedTraceError):
        return exc.message + (f" {exc.hint}" if exc.hint else "")
    return str(exc)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "—"


def _n(value: int) -> str:
    return QLocale().toString(value)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the keyboard
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setStretchLastSection(True)
    return table
