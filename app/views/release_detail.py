"""One lot's release record beside the queue: the computed checklist and every signature's manifestation.

The checklist is computed by the database (mt_lot_checklist) and never ticked by hand; an unmet item
says why and, where the person can meet it here, offers the action (scan the label, review the audit
trail). Each signature is shown as 21 CFR 11.50 requires — printed name, date and time (the server's
UTC time in this workstation's zone, the zone named), meaning — with its verification: valid, CHANGED
AFTER SIGNING (the record no longer matches what was signed; Annex 11 §8.2) or INVALID SIGNATURE (the
signature row does not verify against its signer's key).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import UnitOfWork
from app.errors import MedTraceError
from app.models.enums import LotStatus
from app.services.audit_queries import AuditRow, history_of
from app.services.identity import Account
from app.services.lot_queries import LotHeader, lot_detail
from app.services.lot_release import (
    CHECKLIST_TITLES,
    ChecklistItem,
    SignatureView,
    lot_checklist,
    lot_signatures,
    mark_audit_trail_reviewed,
)
from app.views.context import ViewContext
from app.views.label_scan_dialog import LabelScanDialog
from app.views.lot_table_model import STATUS_COLOURS, while_alive
from app.views.pages import lot_status_label
from app.views.signature_dialog import meaning_words, prefers_chinese

OK_COLOUR = "#1b5e2f"
FAIL_COLOUR = "#b3261e"
CARD_STYLE = "QFrame#signatureCard { background: #ffffff; border: 1px solid #d5dde3; border-radius: 6px; }"
BAD_CARD_STYLE = "QFrame#signatureCard { background: #fdecea; border: 2px solid #b3261e; border-radius: 6px; }"
VALID_BADGE = "background: #dcf1e2; color: #1b5e2f; border-radius: 8px; padding: 2px 10px; font-weight: 600;"
BAD_BADGE = "background: #b3261e; color: #ffffff; border-radius: 4px; padding: 3px 10px; font-weight: 700;"
WARNING_STYLE = ("background: #b3261e; color: #ffffff; border-radius: 4px; padding: 10px 12px; "
                 "font-weight: 600;")
# Checklist items the person can meet on this screen, and the groups the database lets do it (migration 0004).
LABEL_GROUPS = frozenset({"qa_reviewer", "qa_approver", "warehouse"})
AUDIT_GROUPS = frozenset({"qa_reviewer", "qa_approver"})
OPEN_STATUSES = frozenset({LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW})


def signature_time(at: dt.datetime) -> str:
    """A server timestamp in this workstation's zone, the zone named: "2026-11-21 14:03 CST (UTC+08:00)"."""
    local = at.astimezone()
    minutes = int((local.utcoffset() or dt.timedelta(0)).total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    offset = f"UTC{'+' if minutes >= 0 else '-'}{hours:02d}:{rest:02d}"
    zone = local.tzname() or ""
    if not zone or zone == offset:
        return f"{local:%Y-%m-%d %H:%M} {offset}"
    return f"{local:%Y-%m-%d %H:%M} {zone} ({offset})"


@dataclass(frozen=True)
class ReleaseRecord:
    """What the pane shows for one lot, read in one operation."""

    header: LotHeader
    checklist: tuple[ChecklistItem, ...]
    signatures: tuple[SignatureView, ...]

    @property
    def checklist_complete(self) -> bool:
        return all(item.ok for item in self.checklist)

    def item(self, name: str) -> ChecklistItem | None:
        return next((i for i in self.checklist if i.item == name), None)


def read_release_record(new_uow: Callable[[], UnitOfWork], lot_id: int) -> ReleaseRecord:
    """Off the GUI thread: the lot, its checklist and its verified signatures."""
    header = lot_detail(new_uow(), lot_id=lot_id).header
    with new_uow() as uow:
        checklist = lot_checklist(uow, lot_id=lot_id)
        signatures = lot_signatures(uow, lot_id=lot_id)
    return ReleaseRecord(header, tuple(checklist), tuple(signatures))


class ChecklistRow(QWidget):
    """✓/✗, the item's title and the database's reason, and the action that meets it (if any here)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mark = QLabel()
        self.mark.setFixedWidth(22)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600;")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setObjectName("fieldNote")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.hide()
        text = QVBoxLayout()
        text.setSpacing(1)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 3, 0, 3)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignTop)

    def show_item(self, ok: bool, title: str, detail: str) -> None:
        self.mark.setText("✓" if ok else "✗")
        self.mark.setStyleSheet(f"color: {OK_COLOUR if ok else FAIL_COLOUR}; font-size: 17px; font-weight: 700;")
        self.title.setText(title)
        self.detail.setText(detail)
        self.detail.setStyleSheet("" if ok else f"color: {FAIL_COLOUR};")

    @property
    def ok(self) -> bool:
        return self.mark.text() == "✓"


class SignatureCard(QFrame):
    """One signature's manifestation (11.50) and whether it still holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signatureCard")
        self.meaning = QLabel()
        self.meaning.setStyleSheet("font-size: 14px; font-weight: 600; color: #1f3a4d;")
        self.meaning.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("signatureStatus")
        self.signer = QLabel()
        self.when = QLabel()
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet(f"color: {FAIL_COLOUR};")
        for label in (self.meaning, self.signer, self.when, self.reason, self.explanation):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.meaning, 1)
        top.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.signer)
        layout.addWidget(self.when)
        layout.addWidget(self.reason)
        layout.addWidget(self.explanation)

    def show_signature(self, signature: SignatureView, *, chinese: bool, show_cycle: bool) -> None:
        self.signature = signature
        self.meaning.setText(meaning_words(signature.meaning, chinese))
        self.signer.setText(self.tr("Signed by %1 (%2)").replace("%1", signature.printed_name)
                            .replace("%2", signature.signer))
        when = signature_time(signature.signed_at)
        if show_cycle:
            when += "  · " + self.tr("release cycle %1").replace("%1", str(signature.cycle))
        self.when.setText(when)
        self.reason.setText(self.tr("Reason: %1").replace("%1", signature.reason or ""))
        self.reason.setVisible(bool(signature.reason))
        if signature.status == "valid":
            self.status.setText(self.tr("Valid"))
            self.status.setStyleSheet(VALID_BADGE)
            self.setStyleSheet(CARD_STYLE)
            self.explanation.hide()
            return
        self.setStyleSheet(BAD_CARD_STYLE)
        self.status.setStyleSheet(BAD_BADGE)
        if signature.status == "changed_after_signing":
            self.status.setText(self.tr("CHANGED AFTER SIGNING"))
            self.explanation.setText(self.tr("The lot's record was changed after this signature: the signature "
                                             "does not cover the record as it is now."))
        else:
            self.status.setText(self.tr("INVALID SIGNATURE"))
            self.explanation.setText(self.tr("This signature does not verify against the signer's key: the "
                                             "signature record itself was altered. Report this to QA "
                                             "management."))
        self.explanation.show()


class AuditReviewDialog(QDialog):
    """The lot's audit trail to read, then "Mark audit trail reviewed" (ISO 13485 4.2.5, Annex 11 §9)."""

    entries_loaded = Signal(int)
    reviewed = Signal()

    def __init__(self, ctx: ViewContext, lot_id: int, lot_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._lot_id = lot_id
        self._recording = False
        self.entries: tuple[AuditRow, ...] = ()
        self.setObjectName("auditReviewDialog")
        self.setWindowTitle(self.tr("Review the audit trail — lot %1").replace("%1", lot_no))
        self.resize(860, 520)

        headline = QLabel(self.tr("Audit trail of lot %1").replace("%1", lot_no))
        headline.setObjectName("dialogHeadline")
        explanation = QLabel(self.tr(
            "Every change to the lot record, oldest first: who, when, what changed and why. Read it, then "
            "mark it reviewed. A later change to the lot, its QC results or its deviations re-opens this "
            "checklist item. Changes to QC results and deviations are listed on the Audit trail page."))
        explanation.setObjectName("fieldNote")
        explanation.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("Action"),
                                              self.tr("Changes"), self.tr("Reason")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((220, 110, 80, 300)):
            header.resizeSection(column, width)
        self.status = QLabel(self.tr("Reading the audit trail…"))
        self.status.setObjectName("fieldNote")
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedHeight(6)

        self.buttons = QDialogButtonBox()
        self.confirm_button = self.buttons.addButton(self.tr("Mark audit trail reviewed"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setObjectName("confirmReviewButton")
        self.confirm_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(10)
        layout.addWidget(headline)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.problem)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.buttons)

        new_uow = ctx.new_uow
        ctx.runner.run(lambda _op: history_of(new_uow(), "lot", lot_id),
                       on_done=while_alive(self, self._on_entries),
                       on_failed=while_alive(self, self._on_failed))

    def _on_entries(self, entries: tuple[AuditRow, ...]) -> None:
        self.busy_bar.hide()
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (signature_time(entry.at), entry.actor, self._action(entry.action), self._changes(entry),
                      entry.reason or "—")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()  # one lot's history: a handful of entries
        self.status.setText(self.tr("1 entry.") if len(entries) == 1
                            else self.tr("%1 entries.").replace("%1", str(len(entries))))
        self.confirm_button.setEnabled(True)
        self.entries_loaded.emit(len(entries))

    def _action(self, action: str) -> str:
        words = {"INSERT": self.tr("Created"), "UPDATE": self.tr("Changed"), "DELETE": self.tr("Deleted")}
        return words.get(action, action)

    @staticmethod
    def _changes(entry: AuditRow) -> str:
        if entry.action == "UPDATE":
            old, new = entry.old or {}, entry.new or {}
            return "\n".join(f"{name}: {_value(old.get(name))} → {_value(new.get(name))}"
                             for name in entry.changed_fields)
        values = entry.new if entry.new is not None else entry.old or {}
        shown = ("lot_no", "production_date", "expiry_date", "quantity", "status")
        return "\n".join(f"{name}: {_value(values.get(name))}" for name in shown if name in values)

    def confirm(self) -> None:
        """Record the review off the GUI thread (mt_mark_audit_reviewed: up to the lot's last change)."""
        if self._recording:
            return
        new_uow, lot_id = self._ctx.new_uow, self._lot_id
        self._set_recording(True)
        self.status.setText(self.tr("Recording the review…"))
        self._ctx.runner.run(lambda _op: _mark_reviewed(new_uow(), lot_id),
                             on_done=while_alive(self, self._on_reviewed),
                             on_failed=while_alive(self, self._on_failed),
                             changes={"audit_review"})

    def _on_reviewed(self, _result: object) -> None:
        self._set_recording(False)
        self.reviewed.emit()
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_recording(False)
        self.busy_bar.hide()
        self.problem.setText(str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "This failed because of an unexpected problem (%1). The details are in the log."
        ).replace("%1", exc.__class__.__name__))
        self.problem.show()

    def _set_recording(self, recording: bool) -> None:
        self._recording = recording
        self.busy_bar.setVisible(recording)
        self.confirm_button.setEnabled(not recording)
        self.cancel_button.setEnabled(not recording)

    def reject(self) -> None:
        if not self._recording:
            super().reject()


def _value(value: Any) -> str:
    return "—" if value is None else str(value)


def _mark_reviewed(uow: UnitOfWork, lot_id: int) -> None:
    with uow:
        mark_audit_trail_reviewed(uow, lot_id=lot_id)


class ReleaseDetail(QWidget):
    """The chosen lot's status, release checklist and signatures; read again whenever its records change."""

    loaded = Signal(object)  # the ReleaseRecord now shown

    def __init__(self, ctx: ViewContext, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._account = account
        self._lot_id: int | None = None
        self._request = 0
        self.record: ReleaseRecord | None = None
        self.scan_dialog: LabelScanDialog | None = None
        self.audit_dialog: AuditReviewDialog | None = None

        self.placeholder = QLabel(self.tr("Select a lot to see its release checklist and signatures."))
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setObjectName("pageArrives")

        self.lot_no = QLabel()
        self.lot_no.setObjectName("sectionHeading")
        self.lot_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.product = QLabel()
        self.product.setWordWrap(True)
        self.product.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setObjectName("fieldNote")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.checklist_heading = QLabel(self.tr("Release checklist"))
        self.checklist_heading.setObjectName("sectionHeading")
        self.checklist_rows = {name: ChecklistRow() for name in CHECKLIST_TITLES}
        self.scan_button = self.checklist_rows["label_verified"].action
        self.scan_button.setText(self.tr("Scan label…"))
        self.scan_button.clicked.connect(self.open_label_scan)
        self.audit_button = self.checklist_rows["audit_trail_reviewed"].action
        self.audit_button.setText(self.tr("Review audit trail…"))
        self.audit_button.clicked.connect(self.open_audit_review)

        self.warning = QLabel()
        self.warning.setObjectName("signatureWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        self.signatures_heading = QLabel(self.tr("Electronic signatures"))
        self.signatures_heading.setObjectName("sectionHeading")
        self.no_signatures = QLabel(self.tr("Not signed yet. Release needs a review signature by a QA reviewer, "
                                            "then an approval signature by a different QA approver."))
        self.no_signatures.setObjectName("fieldNote")
        self.no_signatures.setWordWrap(True)
        self.cards: list[SignatureCard] = []
        self.cards_layout = QVBoxLayout()
        self.cards_layout.setSpacing(8)

        title_row = QHBoxLayout()
        title_row.addWidget(self.lot_no)
        title_row.addWidget(self.status)
        title_row.addStretch(1)
        checklist = QGridLayout()
        checklist.setContentsMargins(0, 0, 0, 0)
        for row, widget in enumerate(self.checklist_rows.values()):
            checklist.addWidget(widget, row, 0)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 8, 0)
        body_layout.setSpacing(6)
        body_layout.addLayout(title_row)
        body_layout.addWidget(self.product)
        body_layout.addWidget(self.facts)
        body_layout.addWidget(self.problem)
        body_layout.addWidget(self.checklist_heading)
        body_layout.addLayout(checklist)
        body_layout.addWidget(self.signatures_heading)
        body_layout.addWidget(self.warning)
        body_layout.addWidget(self.no_signatures)
        body_layout.addLayout(self.cards_layout)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(scroll)
        self._record_view = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.addWidget(self.stack)

    # -- public --------------------------------------------------------------------------------

    @property
    def lot_id(self) -> int | None:
        return self._lot_id

    def show_lot(self, lot_id: int | None) -> None:
        """Show `lot_id` (None: nothing chosen); the record is read off the GUI thread."""
        if lot_id == self._lot_id and (lot_id is None or self.record is not None):
            return
        self._lot_id = lot_id
        self.record = None
        if lot_id is None:
            self._request += 1
            self.stack.setCurrentWidget(self.placeholder)
            return
        self.reload()

    def reload(self) -> None:
        """Read the shown lot again (its records changed)."""
        if self._lot_id is None:
            return
        self._request += 1
        request, lot_id, new_uow = self._request, self._lot_id, self._ctx.new_uow
        self._ctx.runner.run(
            lambda _op: read_release_record(new_uow, lot_id),
            on_done=while_alive(self, lambda record: self._on_loaded(request, record)),
            on_failed=while_alive(self, lambda exc: self._on_failed(request, exc)),
        )

    def open_label_scan(self) -> LabelScanDialog | None:
        if self.record is None:
            return None
        head = self.record.header
        self.scan_dialog = LabelScanDialog(self._ctx, head.id, head.lot_no, self)
        self.scan_dialog.verified.connect(lambda _check: self.reload())
        self.scan_dialog.open()
        return self.scan_dialog

    def open_audit_review(self) -> AuditReviewDialog | None:
        if self.record is None:
            return None
        head = self.record.header
        self.audit_dialog = AuditReviewDialog(self._ctx, head.id, head.lot_no, self)
        self.audit_dialog.reviewed.connect(self.reload)
        self.audit_dialog.open()
        return self.audit_dialog

    def signature_statuses(self) -> list[str]:
        """What each card says, for tests and screen readers."""
        return [card.status.text() for card in self.cards]

    # -- showing -------------------------------------------------------------------------------

    def _on_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.stack.setCurrentWidget(self._record_view)
        self.problem.setText(str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The release record could not be read. Details are in the log."))
        self.problem.show()

    def _on_loaded(self, request: int, record: ReleaseRecord) -> None:
        if request != self._request:
            return
        self.record = record
        self.problem.hide()
        head = record.header
        chinese = prefers_chinese(self._ctx)
        self.lot_no.setText(self.tr("Lot %1").replace("%1", head.lot_no))
        background, foreground = STATUS_COLOURS[head.status]
        self.status.setText(lot_status_label(head.status))
        self.status.setStyleSheet(f"background: {background}; color: {foreground}; border-radius: 8px; "
                                  "padding: 1px 9px;")
        names = [head.product_name_en, head.product_name] if not chinese else [head.product_name,
                                                                                 head.product_name_en]
        self.product.setText(" · ".join(n for n in names if n))
        self.facts.setText(self.tr("DI %1 · production date %2 · expiry date %3 · quantity %4 · created by %5")
                           .replace("%1", head.di).replace("%2", head.production_date.isoformat())
                           .replace("%3", head.expiry_date.isoformat()).replace("%4", f"{head.quantity:,}")
                           .replace("%5", head.created_by))
        self._show_checklist(record, chinese)
        self._show_signatures(record.signatures, chinese)
        self.stack.setCurrentWidget(self._record_view)
        self.loaded.emit(record)

    def _show_checklist(self, record: ReleaseRecord, chinese: bool) -> None:
        open_lot = record.header.status in OPEN_STATUSES
        groups = set(self._account.groups)
        for name, row in self.checklist_rows.items():
            item = record.item(name)
            english, zh = CHECKLIST_TITLES[name]
            ok = item is not None and item.ok
            row.show_item(ok, zh if chinese else english, self.checklist_detail(item) if item else "—")
            if row.action.text():
                allowed = LABEL_GROUPS if name == "label_verified" else AUDIT_GROUPS
                row.action.setVisible(open_lot and not ok)
                row.action.setEnabled(bool(groups & allowed))
                row.action.setToolTip("" if groups & allowed else self.tr("Your roles do not include this step."))

    def _show_signatures(self, signatures: Sequence[SignatureView], chinese: bool) -> None:
        while len(self.cards) < len(signatures):
            card = SignatureCard()
            self.cards.append(card)
            self.cards_layout.addWidget(card)
        for card in self.cards[len(signatures):]:
            card.hide()
        cycles = {s.cycle for s in signatures}
        for card, signature in zip(self.cards, signatures, strict=False):
            card.show_signature(signature, chinese=chinese, show_cycle=len(cycles) > 1)
            card.show()
        self.no_signatures.setVisible(not signatures)
        statuses = {s.status for s in signatures}
        if "invalid" in statuses:
            self.warning.setText(self.tr("INVALID SIGNATURE: a signature of this lot does not verify. The release "
                                         "record cannot be relied on; report this to QA management."))
        elif "changed_after_signing" in statuses:
            self.warning.setText(self.tr("CHANGED AFTER SIGNING: this lot's record was changed after it was "
                                         "signed. The signatures marked below do not cover the record as it is "
                                         "now."))
        self.warning.setVisible(bool(statuses - {"valid"}))

    def checklist_detail(self, item: ChecklistItem) -> str:
        """The database's reason for an item, in the UI language; the times in it in this workstation's zone."""
        return item.text(shown=lambda value: _local_when(value) if isinstance(value, str) else value)


def _local_when(text: str) -> str:
    """A UTC time the database formatted ("2026-11-21 06:03 UTC") in this workstation's zone; else as it is."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d) (?:UTC|GMT|\+00)", text)
    if match is None:
        return text
    at = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
    return signature_time(at)
