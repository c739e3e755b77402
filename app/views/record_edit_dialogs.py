"""Dialogs that correct a lot or a product: load off the GUI thread, edit, state the reason, save.

Annex 11 §9 / 第二十七条: every correction carries its reason (asked by ReasonDialog, which shows each
field's old and new value). The save is optimistic: the values the person saw are sent along, and if
someone changed the record meanwhile nothing is saved and the dialog says who changed it and when,
with a Reload button (app/services/record_edits.py). Open one with `EditLotDialog(ctx, lot_id)`,
`EditProductDialog(ctx, product_id)`, `EditPartyDialog(ctx, party_id)` or `EditCompanyDialog(ctx)`;
`saved` carries the EditResult.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QDate, QEvent, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import ConcurrentChange, MedTraceError
from app.models.company import LOGO_MAX_BYTES, PROFILE_ID
from app.models.enums import RiskClass
from app.services.company import load_company_for_edit, save_company_profile
from app.services.record_edits import (
    EditableRecord,
    EditResult,
    RecordChangedMeanwhile,
    edit_lot,
    edit_party,
    edit_product,
    load_for_edit,
)
from app.views.audit_page import while_alive
from app.views.context import ViewContext
from app.views.reason_dialog import ReasonDialog, local_time

MAX_QUANTITY = 100_000_000
MAX_DAYS = 100 * 366
LOGO_PREVIEW_WIDTH = 180
LOGO_PREVIEW_HEIGHT = 72


@dataclass
class FieldEditor:
    """One editable field: its caption, its widget, and how to read, write and show its value."""

    caption: str
    widget: QWidget
    get: Callable[[], Any]  # raises ValueError with a message for the person when the input is unusable
    put: Callable[[Any], None]
    show: Callable[[Any], str]


def _plain(value: Any) -> Any:
    if hasattr(value, "value") and not isinstance(value, int | str):
        return value.value
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(_plain(value))


def date_editor(caption: str) -> FieldEditor:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(1990, 1, 1))
    return FieldEditor(caption, edit, lambda: edit.date().toPython(),
                       lambda v: edit.setDate(QDate(v.year, v.month, v.day)), _text)


def number_editor(caption: str, maximum: int, *, optional: bool = False, none_text: str = "—") -> FieldEditor:
    """A whole number; `optional` makes 0 mean "not set" (shown as `none_text`)."""
    spin = QSpinBox()
    spin.setRange(0 if optional else 1, maximum)
    spin.setGroupSeparatorShown(True)
    if optional:
        spin.setSpecialValueText(none_text)

    def get() -> int | None:
        return None if optional and spin.value() == 0 else spin.value()

    return FieldEditor(caption, spin, get, lambda v: spin.setValue(v or 0), _text)


def text_editor(caption: str, max_length: int) -> FieldEditor:
    line = QLineEdit()
    line.setMaxLength(max_length)
    return FieldEditor(caption, line, lambda: line.text().strip(), lambda v: line.setText(v or ""), _text)


class RecordEditDialog(QDialog):
    """Loads one record, lets the person change its editable fields, then asks for the reason and saves."""

    saved = Signal(object)  # EditResult
    loaded = Signal(object)  # EditableRecord

    table = ""

    def __init__(self, ctx: ViewContext, record_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.record_id = record_id
        self.record: EditableRecord | None = None
        self.saved_result: EditResult | None = None
        self.reason_dialog: ReasonDialog | None = None
        self.editors = self._editors()
        self.setMinimumWidth(480)

        self.headline = QLabel(self.tr("Loading…"))
        self.headline.setObjectName("dialogHeadline")
        self.headline.setWordWrap(True)
        self.last_change = QLabel()
        self.last_change.setObjectName("fieldNote")
        self.last_change.setWordWrap(True)
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        for editor in self.editors.values():
            form.addRow(editor.caption + ":", editor.widget)
            signal = next((getattr(editor.widget, s) for s in ("dateChanged", "valueChanged", "textEdited",
                                                               "currentIndexChanged", "toggled")
                           if hasattr(editor.widget, s)), None)
            if signal is not None:
                signal.connect(self._update_buttons)

        # Someone else changed the record: say who and when, offer to reload.
        self.conflict = QFrame()
        self.conflict.setObjectName("conflictBanner")
        self.conflict.setStyleSheet("#conflictBanner { background: #fdecea; border: 1px solid #e0a39b; "
                                    "border-radius: 4px; } #conflictBanner QLabel { color: #611a15; }")
        self.conflict_text = QLabel()
        self.conflict_text.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.clicked.connect(self.reload)
        conflict_layout = QHBoxLayout(self.conflict)
        conflict_layout.addWidget(self.conflict_text, 1)
        conflict_layout.addWidget(self.reload_button, 0, Qt.AlignmentFlag.AlignTop)
        self.conflict.hide()
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save…"))
        self.save_button.setToolTip(self.tr("You will be asked for the reason for change"))
        self.buttons.accepted.connect(self.ask_reason)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.last_change)
        layout.addLayout(form)
        layout.addWidget(self.conflict)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._set_editable(False)
        self.reload()

    # -- subclasses ----------------------------------------------------------------------------

    def _editors(self) -> dict[str, FieldEditor]:
        raise NotImplementedError

    def _save_work(self, changes: dict[str, Any], reason: str, expected: dict[str, Any]) -> EditResult:
        raise NotImplementedError

    def _title(self, record: EditableRecord) -> str:
        raise NotImplementedError

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the record as stored now (discarding edits not saved)."""
        self.conflict.hide()
        self.problem.hide()
        self._set_editable(False)
        new_uow, table, record_id = self._ctx.new_uow, self.table, self.record_id
        self._ctx.runner.run(lambda _op: load_for_edit(new_uow(), table=table, record_id=record_id),
                             on_done=while_alive(self, self._on_loaded),
                             on_failed=while_alive(self, self._show_problem))

    def _on_loaded(self, record: EditableRecord) -> None:
        self.record = record
        self.setWindowTitle(self._title(record))
        self.headline.setText(self._title(record))
        if record.last_changed_by:
            self.last_change.setText(self.tr("Last changed by %1 at %2.")
                                     .replace("%1", record.last_changed_by)
                                     .replace("%2", local_time(record.last_changed_at)))
        for name, editor in self.editors.items():
            editor.put(record.values[name])
        self._set_editable(True)
        self.loaded.emit(record)

    def _set_editable(self, editable: bool) -> None:
        for editor in self.editors.values():
            editor.widget.setEnabled(editable)
        self._update_buttons()

    # -- editing -------------------------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """Fields whose value differs from the one loaded; ValueError if an input is unusable."""
        if self.record is None:
            return {}
        changed = {}
        for name, editor in self.editors.items():
            value = editor.get()
            if _plain(value) != _plain(self.record.values[name]):
                changed[name] = value
        return changed

    def _update_buttons(self) -> None:
        try:
            changed = bool(self.changes())
            self.problem.hide()
        except ValueError as exc:
            changed = False
            self.problem.setText(str(exc))
            self.problem.show()
        self.save_button.setEnabled(self.record is not None and changed and self.editors_enabled())

    def editors_enabled(self) -> bool:
        return all(editor.widget.isEnabled() for editor in self.editors.values())

    def ask_reason(self) -> None:
        """Show exactly what will change and ask why; saving starts when the reason is given."""
        if self.record is None:
            return
        try:
            changes = self.changes()
        except ValueError:
            return
        if not changes:
            return
        rows = [(self.editors[n].caption, self.editors[n].show(self.record.values[n]), self.editors[n].show(v))
                for n, v in changes.items()]
        self.reason_dialog = ReasonDialog(self.record.label, rows, self)
        self.reason_dialog.accepted.connect(self._save)
        self.reason_dialog.open()

    def _save(self) -> None:
        assert self.record is not None and self.reason_dialog is not None
        changes = self.changes()
        reason = self.reason_dialog.reason_text()
        expected = dict(self.record.values)
        self._set_editable(False)
        self.save_button.setEnabled(False)
        self._ctx.runner.run(lambda _op: self._save_work(changes, reason, expected),
                             on_done=while_alive(self, self._on_saved),
                             on_failed=while_alive(self, self._on_save_failed),
                             changes=(self.table, "audit_entry"))

    def _on_saved(self, result: EditResult) -> None:
        self.saved_result = result
        self.saved.emit(result)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self._set_editable(True)
        if isinstance(exc, RecordChangedMeanwhile):
            self.conflict_text.setText(
                self.tr("Changed by %1 at %2 after you opened it — nothing was saved. Reload to see the "
                        "current values, then make your change again.")
                .replace("%1", exc.changed_by or self.tr("another user"))
                .replace("%2", local_time(exc.changed_at)))
            self.conflict.show()
            self.save_button.setEnabled(False)
        elif isinstance(exc, ConcurrentChange):
            self.conflict_text.setText(exc.message)
            self.conflict.show()
        else:
            self._show_problem(exc)

    def _show_problem(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, MedTraceError) else self.tr(
            "The record could not be read or saved. Details are in the log.")
        self.problem.setText(message)
        self.problem.show()


class EditLotDialog(RecordEditDialog):
    """Correct a lot's production date, expiry date or quantity (its status moves only by release)."""

    table = "lot"

    def __init__(self, ctx: ViewContext, lot_id: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, lot_id, parent)

    def _editors(self) -> dict[str, FieldEditor]:
        return {
            "production_date": date_editor(self.tr("Production date")),
            "expiry_date": date_editor(self.tr("Expiry date")),
            "quantity": number_editor(self.tr("Quantity"), MAX_QUANTITY),
        }

    def _title(self, record: EditableRecord) -> str:
        return self.tr("Edit lot %1").replace("%1", record.label)

    def _save_work(self, changes: dict[str, Any], reason: str, expected: dict[str, Any]) -> EditResult:
        return edit_lot(self._ctx.new_uow(), lot_id=self.record_id, changes=changes, reason=reason,
                        expected=expected)


class EditProductDialog(RecordEditDialog):
    """Correct a product's master data; its DI never changes (a new DI is a new product)."""

    table = "product"

    def __init__(self, ctx: ViewContext, product_id: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, product_id, parent)

    def _editors(self) -> dict[str, FieldEditor]:
        risk = QComboBox()
        for value in RiskClass:
            risk.addItem(value.value, value.value)
        implantable = QCheckBox(self.tr("Implantable device"))
        alerts = QLineEdit()
        alerts.setPlaceholderText("180;90;30;7")
        alerts.setToolTip(self.tr("Days before expiry at which alerts are raised, separated by ;"))

        def get_alerts() -> list[int]:
            try:
                days = [int(part) for part in alerts.text().replace("；", ";").split(";") if part.strip()]
            except ValueError:
                days = []
            if not 1 <= len(days) <= 8 or min(days) <= 0:
                raise ValueError(self.tr("Expiry alert days: 1 to 8 whole numbers above 0, separated by ;"))
            return days

        def get_yes_no(value: Any) -> str:
            return self.tr("Yes") if value else self.tr("No")

        return {
            "name": text_editor(self.tr("Product name"), 200),
            "name_en": text_editor(self.tr("English name"), 200),
            "model": text_editor(self.tr("Model / specification"), 100),
            "registration_no": text_editor(self.tr("Registration certificate no."), 100),
            "risk_class": FieldEditor(self.tr("Risk class"), risk, lambda: risk.currentData(),
                                      lambda v: risk.setCurrentIndex(max(risk.findData(_plain(v)), 0)), _text),
            "implantable": FieldEditor(self.tr("Implantable"), implantable, implantable.isChecked,
                                       lambda v: implantable.setChecked(bool(v)), get_yes_no),
            "shelf_life_days": number_editor(self.tr("Shelf life (days)"), MAX_DAYS),
            "device_lifetime_days": number_editor(self.tr("Device lifetime (days)"), MAX_DAYS, optional=True,
                                                  none_text=self.tr("not set")),
            "alert_days": FieldEditor(self.tr("Expiry alert days"), alerts, get_alerts,
                                      lambda v: alerts.setText(_text(v)), _text),
        }

    def _title(self, record: EditableRecord) -> str:
        return self.tr("Edit product %1").replace("%1", record.label)

    def _save_work(self, changes: dict[str, Any], reason: str, expected: dict[str, Any]) -> EditResult:
        return edit_product(self._ctx.new_uow(), product_id=self.record_id, changes=changes, reason=reason,
                            expected=expected)


class EditPartyDialog(RecordEditDialog):
    """Correct a party's record, and set what it accepts: the least remaining shelf life (days, or % of the
    product's shelf life) and who owns the expiry alerts of stock held there. Its code never changes."""

    table = "party"

    def __init__(self, ctx: ViewContext, party_id: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, party_id, parent)

    def _editors(self) -> dict[str, FieldEditor]:
        percent = QSpinBox()
        percent.setRange(0, 100)
        percent.setSuffix(" %")
        percent.setSpecialValueText(self.tr("not set"))

        def get_percent() -> int | None:
            return percent.value() or None

        days = number_editor(self.tr("Minimum shelf life on receipt (days)"), MAX_DAYS, optional=True,
                             none_text=self.tr("not set"))
        days.widget.setToolTip(self.tr("A shipment to this party of a lot with fewer days left is refused, unless "
                                       "a QA approver authorises an exception with a reason."))
        percent.setToolTip(self.tr("The same as a share of the product's shelf life; the stricter of the two "
                                   "applies."))
        return {
            "name": text_editor(self.tr("Name"), 200),
            "address": text_editor(self.tr("Address"), 300),
            "contact": text_editor(self.tr("Contact person"), 100),
            "phone": text_editor(self.tr("Phone"), 50),
            "licence_no": text_editor(self.tr("Licence / filing no."), 100),
            "min_shelf_life_days": days,
            "min_shelf_life_pct": FieldEditor(self.tr("Minimum shelf life on receipt (% of shelf life)"), percent,
                                              get_percent, lambda v: percent.setValue(int(v or 0)), _text),
            "expiry_owner": text_editor(self.tr("Owner of expiry alerts here (login)"), 63),
        }

    def _title(self, record: EditableRecord) -> str:
        return self.tr("Edit party %1").replace("%1", record.label)

    def _save_work(self, changes: dict[str, Any], reason: str, expected: dict[str, Any]) -> EditResult:
        return edit_party(self._ctx.new_uow(), party_id=self.record_id, changes=changes, reason=reason,
                          expected=expected)


class LogoField(QWidget):
    """The company logo: a preview, Choose… and Remove. Files are checked here before they are kept."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: bytes | None = None
        self.preview = QLabel()
        self.preview.setObjectName("logoPreview")
        self.preview.setFixedSize(LOGO_PREVIEW_WIDTH, LOGO_PREVIEW_HEIGHT)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("#logoPreview { border: 1px dashed #9aa3ad; border-radius: 3px; }")
        self.note = QLabel()
        self.note.setObjectName("fieldNote")
        self.note.setWordWrap(True)
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.remove_button.clicked.connect(lambda: self.set_data(None))
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.preview)
        row.addLayout(buttons)
        row.addWidget(self.note, 1)
        self.set_data(None)

    def set_data(self, data: bytes | None) -> None:
        self.data = bytes(data) if data is not None else None
        image = QImage.fromData(self.data) if self.data else QImage()
        if image.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("No logo"))
        else:
            self.preview.setPixmap(QPixmap.fromImage(image).scaled(
                LOGO_PREVIEW_WIDTH - 8, LOGO_PREVIEW_HEIGHT - 8, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        self.note.setText(self.tr("PNG or JPEG, at most %1 KB; printed at the top left of every report page.")
                          .replace("%1", str(LOGO_MAX_BYTES // 1024)))
        self.remove_button.setEnabled(self.data is not None and self.isEnabled())
        self.changed.emit()

    def load_file(self, path: Path) -> str | None:
        """Take the logo from `path`; the problem, in a sentence, when it cannot be used."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return self.tr("The file could not be read (%1).").replace("%1", exc.strerror or exc.__class__.__name__)
        if len(data) > LOGO_MAX_BYTES:
            return self.tr("The logo is %1 KB; at most %2 KB is accepted.").replace(
                "%1", f"{len(data) / 1024:,.0f}").replace("%2", str(LOGO_MAX_BYTES // 1024))
        image_format = QImageReader.imageFormat(_read_only_buffer(data)).data().decode().lower()
        if image_format not in ("png", "jpeg", "jpg") or QImage.fromData(data).isNull():
            return self.tr("This file is not a PNG or JPEG image that can be read.")
        self.set_data(data)
        return None

    def _on_choose_clicked(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, self.tr("Choose the company logo"), "",
                                                    self.tr("Images (*.png *.jpg *.jpeg)"))
        if name:
            problem = self.load_file(Path(name))
            if problem:
                self.note.setText(problem)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.EnabledChange:
            self.remove_button.setEnabled(self.data is not None and self.isEnabled())
        super().changeEvent(event)


def _read_only_buffer(data: bytes) -> QBuffer:
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    return buffer


class EditCompanyDialog(RecordEditDialog):
    """Set up or correct the company profile printed on every report and recall letter (administrators).

    With no profile yet, the same dialog creates it: every field starts empty, and the reason is still
    asked (the audit trail keeps why the profile was first entered, too)."""

    table = "company_profile"

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        self.creating = False
        super().__init__(ctx, PROFILE_ID, parent)
        self.setMinimumWidth(620)

    def _editors(self) -> dict[str, FieldEditor]:
        logo = LogoField()
        logo.changed.connect(self._update_buttons)

        def show_logo(value: Any) -> str:
            if not value:
                return self.tr("none")
            return self.tr("image, %1 KB (SHA-256 %2…)").replace("%1", f"{len(value) / 1024:,.1f}").replace(
                "%2", hashlib.sha256(value).hexdigest()[:12])

        return {
            "legal_name_zh": text_editor(self.tr("Legal name (Chinese)"), 200),
            "legal_name_en": text_editor(self.tr("Legal name (English)"), 200),
            "address": text_editor(self.tr("Address"), 300),
            "licence_no": text_editor(self.tr("Manufacturing licence no."), 100),
            "registrant": text_editor(self.tr("Registrant"), 200),
            "logo": FieldEditor(self.tr("Logo"), logo, lambda: logo.data, logo.set_data, show_logo),
        }

    def reload(self) -> None:
        self.conflict.hide()
        self.problem.hide()
        self._set_editable(False)
        new_uow = self._ctx.new_uow
        self._ctx.runner.run(lambda _op: load_company_for_edit(new_uow()),
                             on_done=while_alive(self, self._on_profile_loaded),
                             on_failed=while_alive(self, self._show_problem))

    def _on_profile_loaded(self, record: EditableRecord | None) -> None:
        self.creating = record is None
        if record is None:
            empty = {name: (None if name == "logo" else "") for name in self.editors}
            record = EditableRecord(self.table, PROFILE_ID, "", empty, tuple(self.editors), None, None)
        self._on_loaded(record)

    def changes(self) -> dict[str, Any]:
        changed = super().changes()
        if self.record is not None and changed:
            names = {n: self.editors[n].get() for n in ("legal_name_zh", "legal_name_en")}
            if not any(names.values()):
                raise ValueError(self.tr("Enter the company's legal name in Chinese, in English or both."))
        return changed

    def _title(self, record: EditableRecord) -> str:
        if self.creating:
            return self.tr("Set up the company profile")
        return self.tr("Company profile: %1").replace("%1", record.label)

    def _save_work(self, changes: dict[str, Any], reason: str, expected: dict[str, Any]) -> EditResult:
        return save_company_profile(self._ctx.new_uow(), changes=changes, reason=reason,
                                    expected=None if self.creating else expected)
