"""The record of one lot beside the list: identity and UDI, then QC, deviations, genealogy, movements, stock.

What a reviewer reads before signing (ISO 13485 7.5.8 identification, 7.5.9 traceability); the data
is read off the GUI thread each time a lot is chosen or its records change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import MedTraceError
from app.models.enums import LotStatus
from app.services.lot_queries import DETAIL_LIMIT, GenealogyLine, LotDetail, lot_detail
from app.views.context import ViewContext
from app.views.lot_table_model import STATUS_COLOURS, while_alive
from app.views.pages import lot_status_label

PASS_COLOUR = QColor("#1b5e2f")
MAX_COLUMN_WIDTH = 260
FAIL_COLOUR = QColor("#b3261e")


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "—"


def _table(headers: Sequence[str]) -> QTableWidget:
    """A read-only, compact table (detail lists are capped at DETAIL_LIMIT rows)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setMaximumSectionSize(MAX_COLUMN_WIDTH)  # long texts elide; tooltips show all
    table.setWordWrap(False)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str | QTableWidgetItem]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = value if isinstance(value, QTableWidgetItem) else QTableWidgetItem(value)
            item.setToolTip(item.text())
            table.setItem(r, c, item)
    table.resizeColumnsToContents()  # columns only: at most DETAIL_LIMIT short rows


class LotDetailPanel(QWidget):
    """Header and tabs for the chosen lot; says what to do when no lot is chosen."""

    loaded = Signal(object)  # the LotDetail now shown

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._lot_id: int | None = None
        self._request = 0
        self.detail: LotDetail | None = None

        self.placeholder = QLabel(self.tr("Select a lot to see its QC results, deviations, genealogy, "
                                          "movements and stock."))
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setObjectName("pageArrives")

        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self._record: QWidget | None = None  # built when the first lot is shown (page opens faster)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.addWidget(self.stack)

    def _build_record(self) -> None:
        """The header and tabs, made once: most page openings show the list long before a record."""
        if self._record is not None:
            return
        self.lot_no = QLabel()
        self.lot_no.setObjectName("sectionHeading")
        self.lot_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.product = QLabel()
        self.product.setWordWrap(True)
        self.product.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setContentsMargins(0, 4, 0, 4)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(3)
        for key, caption in (
            ("udi", self.tr("UDI")),
            ("registration_no", self.tr("Registration certificate no.")),
            ("model", self.tr("Model / specification")),
            ("production_date", self.tr("Production date")),
            ("expiry_date", self.tr("Expiry date")),
            ("quantity", self.tr("Quantity")),
            ("created", self.tr("Created")),
        ):
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.fields[key] = value
            form.addRow(caption + ":", value)

        self.qc_table = _table([self.tr("Test"), self.tr("Verdict"), self.tr("Result"),
                                self.tr("Specification"), self.tr("Tested on")])
        self.deviation_table = _table([self.tr("Deviation no."), self.tr("Title"), self.tr("Status"),
                                       self.tr("Opened"), self.tr("Closed")])
        genealogy_headers = [self.tr("Lot no."), self.tr("Product"), self.tr("DI"), self.tr("Status"),
                             self.tr("Quantity"), self.tr("Site")]
        self.components_table = _table(genealogy_headers)
        self.where_used_table = _table(genealogy_headers)
        self.components_caption = QLabel()
        self.where_used_caption = QLabel()
        genealogy = QWidget()
        genealogy_layout = QVBoxLayout(genealogy)
        genealogy_layout.setContentsMargins(0, 4, 0, 0)
        genealogy_layout.addWidget(self.components_caption)
        genealogy_layout.addWidget(self.components_table, 1)
        genealogy_layout.addWidget(self.where_used_caption)
        genealogy_layout.addWidget(self.where_used_table, 1)
        self.movement_table = _table([self.tr("Date"), self.tr("Movement"), self.tr("Quantity"),
                                      self.tr("From"), self.tr("To"), self.tr("Document no."),
                                      self.tr("Serial")])
        self.movements_caption = QLabel()
        self.movements_caption.setObjectName("pageArrives")
        movements = QWidget()
        movements_layout = QVBoxLayout(movements)
        movements_layout.setContentsMargins(0, 4, 0, 0)
        movements_layout.addWidget(self.movements_caption)
        movements_layout.addWidget(self.movement_table, 1)
        self.stock_table = _table([self.tr("Location code"), self.tr("Location"), self.tr("Kind"),
                                   self.tr("On hand")])

        self.tabs = QTabWidget()
        self.tabs.addTab(self.qc_table, "")
        self.tabs.addTab(self.deviation_table, "")
        self.tabs.addTab(genealogy, "")
        self.tabs.addTab(movements, "")
        self.tabs.addTab(self.stock_table, "")
        self._set_tab_titles(None)

        title_row = QHBoxLayout()
        title_row.addWidget(self.lot_no)
        title_row.addWidget(self.status)
        title_row.addStretch(1)
        record = QWidget()
        record_layout = QVBoxLayout(record)
        record_layout.setContentsMargins(0, 0, 0, 0)
        record_layout.addLayout(title_row)
        record_layout.addWidget(self.product)
        record_layout.addWidget(self.problem)
        record_layout.addLayout(form)
        record_layout.addWidget(self.tabs, 1)

        self._record = record
        self.stack.addWidget(record)

    @property
    def lot_id(self) -> int | None:
        return self._lot_id

    def show_lot(self, lot_id: int | None) -> None:
        """Show `lot_id` (None: nothing chosen); the record is read off the GUI thread."""
        if lot_id == self._lot_id and (lot_id is None or self.detail is not None):
            return
        self._lot_id = lot_id
        if lot_id is None:
            self._request += 1
            self.detail = None
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
            lambda _ctx: lot_detail(new_uow(), lot_id=lot_id),
            on_done=while_alive(self, lambda detail: self._on_loaded(request, detail)),
            on_failed=while_alive(self, lambda exc: self._on_failed(request, exc)),
        )

    def _on_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self._build_record()
        self.stack.setCurrentWidget(self._record)
        message = exc.message if isinstance(exc, MedTraceError) else self.tr(
            "The lot could not be read. Details are in the log.")
        self.problem.setText(message)
        self.problem.show()

    def _on_loaded(self, request: int, detail: LotDetail) -> None:
        if request != self._request:
            return
        self._build_record()
        self.detail = detail
        self.problem.hide()
        head = detail.header
        self.lot_no.setText(head.lot_no)
        background, foreground = STATUS_COLOURS[head.status]
        self.status.setText(lot_status_label(head.status))
        self.status.setStyleSheet(
            f"background: {background}; color: {foreground}; border-radius: 8px; padding: 1px 9px;"
        )
        names = [n for n in (head.product_name, head.product_name_en) if n]
        self.product.setText(" · ".join(names))
        self.fields["udi"].setText(head.udi_hri)
        self.fields["registration_no"].setText(head.registration_no or "—")
        model = head.model or "—"
        # tr() outside the f-string: lupdate does not see a call inside one.
        risk = self.tr("class %1").replace("%1", head.risk_class)
        implantable = self.tr(", implantable") if head.implantable else ""
        self.fields["model"].setText(f"{model}  ({risk}{implantable})")
        self.fields["production_date"].setText(_date(head.production_date))
        expiry = f"{_date(head.expiry_date)}  {self._days_text(head.days_to_expiry)}"
        self.fields["expiry_date"].setText(expiry)
        self.fields["quantity"].setText(
            f"{head.quantity:,}" + (self.tr(" (%1 serial units)").replace("%1", f"{head.serial_count:,}")
                                    if head.serial_count else "")
        )
        self.fields["created"].setText(f"{head.created_at.astimezone():%Y-%m-%d %H:%M} · {head.created_by}")

        _fill(self.qc_table, [
            (q.test_name, self._verdict(q.passed), q.result, q.specification, _date(q.tested_on))
            for q in detail.qc
        ])
        _fill(self.deviation_table, [
            (d.number, d.title, self.tr("Closed") if d.status == "closed" else self.tr("Open"),
             _date(d.opened_on), _date(d.closed_on))
            for d in detail.deviations
        ])
        _fill(self.components_table, [self._genealogy_row(g) for g in detail.components])
        _fill(self.where_used_table, [self._genealogy_row(g) for g in detail.where_used])
        self.components_caption.setText(self.tr("Made from (component lots): %1").replace(
            "%1", str(len(detail.components))))
        used = self.tr("Used in (finished lots): %1").replace("%1", f"{detail.where_used_total:,}")
        if detail.where_used_total > len(detail.where_used):
            used += " " + self.tr("(the first %1 are listed)").replace("%1", str(DETAIL_LIMIT))
        self.where_used_caption.setText(used)
        _fill(self.movement_table, [
            (_date(m.moved_on), self._movement_kind(m.kind), f"{m.quantity:,}", m.from_party or "—",
             m.to_party or "—", m.document_no, m.serial or "")
            for m in detail.movements
        ])
        caption = ""
        if detail.movements_total > len(detail.movements):
            caption = self.tr("The first %1 of %2 movements are listed.").replace(
                "%1", str(len(detail.movements))).replace("%2", f"{detail.movements_total:,}")
        self.movements_caption.setText(caption)
        self.movements_caption.setVisible(bool(caption))
        _fill(self.stock_table, [
            (s.party_code, s.party_name, self._party_kind(s.party_kind), f"{s.quantity:,}")
            for s in detail.stock
        ])
        self._set_tab_titles(detail)
        self.stack.setCurrentWidget(self._record)
        self.loaded.emit(detail)

    def _set_tab_titles(self, detail: LotDetail | None) -> None:
        counts = (
            (self.tr("QC results"), len(detail.qc) if detail else None),
            (self.tr("Deviations"), len(detail.deviations) if detail else None),
            (self.tr("Genealogy"), len(detail.components) + detail.where_used_total if detail else None),
            (self.tr("Movements"), detail.movements_total if detail else None),
            (self.tr("Stock"), len(detail.stock) if detail else None),
        )
        for index, (title, count) in enumerate(counts):
            self.tabs.setTabText(index, title if count is None else f"{title} ({count:,})")

    def _days_text(self, days: int) -> str:
        if days < 0:
            return self.tr("expired 1 day ago") if days == -1 else self.tr("expired %1 days ago").replace(
                "%1", f"{-days:,}")
        if days == 0:
            return self.tr("last day of use is today")
        return self.tr("1 day left") if days == 1 else self.tr("%1 days left").replace("%1", f"{days:,}")

    def _verdict(self, passed: bool) -> QTableWidgetItem:
        item = QTableWidgetItem(self.tr("Pass") if passed else self.tr("Fail"))
        item.setForeground(PASS_COLOUR if passed else FAIL_COLOUR)
        return item

    def _genealogy_row(self, line: GenealogyLine) -> tuple[str, ...]:
        return (line.lot_no, line.product_name, line.di, lot_status_label(LotStatus(line.status)),
                f"{line.quantity:,}", line.site)

    def _movement_kind(self, kind: str) -> str:
        words = {
            "produce": self.tr("Produce"), "receive": self.tr("Receive"), "ship": self.tr("Ship"),
            "return": self.tr("Return"), "install": self.tr("Install"), "scrap": self.tr("Scrap"),
            "adjust": self.tr("Adjust"),
        }
        return words.get(kind, kind)

    def _party_kind(self, kind: str) -> str:
        words = {
            "manufacturer": self.tr("Manufacturer site"), "supplier": self.tr("Supplier"),
            "distributor": self.tr("Distributor"), "hospital": self.tr("User facility"),
        }
        return words.get(kind, kind)
