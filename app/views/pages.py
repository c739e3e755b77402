"""The Dashboard, and the pages of work still to come (each says what it will do and when it arrives)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import LotStatus
from app.services.dashboard import DashboardCounts, dashboard_counts
from app.views.context import ViewContext

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")

# Tables whose changes move the Dashboard's numbers.
DASHBOARD_TABLES = frozenset({"lot", "deviation"})


def lot_status_label(status: LotStatus) -> str:
    """DESIGN §8 words for the lot statuses."""
    labels = {
        LotStatus.QUARANTINE: translate("LotStatus", "Quarantine"),
        LotStatus.UNDER_REVIEW: translate("LotStatus", "Under review"),
        LotStatus.RELEASED: translate("LotStatus", "Released"),
        LotStatus.REJECTED: translate("LotStatus", "Rejected"),
        LotStatus.ON_HOLD: translate("LotStatus", "On hold"),
        LotStatus.RECALLED: translate("LotStatus", "Recalled"),
        LotStatus.EXPIRED: translate("LotStatus", "Expired"),
    }
    return labels[status]


@dataclass(frozen=True)
class ComingWork:
    """What a page does, shown in its place while it cannot open (no one signed in, or not installed)."""

    title: str
    purpose: str
    arrives: str


def coming_work() -> dict[str, ComingWork]:
    """What each page of the navigation rail does, keyed like the rail, for when it cannot open."""
    sign_in = translate("ComingPage", "Sign in to use this page.")
    return {
        "lots": ComingWork(
            translate("ComingPage", "Lots"),
            translate(
                "ComingPage",
                "Every lot with its product, dates, quantity and release status; search by lot number, "
                "product or UDI, and open a lot to see its QC results, deviations and history.",
            ),
            sign_in,
        ),
        "release": ComingWork(
            translate("ComingPage", "Release queue"),
            translate(
                "ComingPage",
                "Lots awaiting review and approval, with two-person electronic signatures. Each lot shows "
                "its release checklist (QC results, closed deviations, verified label, reviewed audit trail) "
                "and is released only after two different qualified people have signed: review, then "
                "approval.",
            ),
            sign_in,
        ),
        "scan": ComingWork(
            translate("ComingPage", "Scan"),
            translate(
                "ComingPage",
                "Scan a UDI (GS1, HIBCC or China MA code) to look up the product and lot, check its expiry "
                "and status, and record receipts, shipments and returns.",
            ),
            sign_in,
        ),
        "trace": ComingWork(
            translate("ComingPage", "Trace"),
            translate(
                "ComingPage",
                "Trace a lot forward to every finished lot and every consignee at every tier, or backward "
                "to the component lots it was made from, and print the traceability report.",
            ),
            sign_in,
        ),
        "expiry": ComingWork(
            translate("ComingPage", "Expiry"),
            translate(
                "ComingPage",
                "An expiry calendar with alerts at each product's thresholds (for example 180, 90, 30 and "
                "7 days), with owners, acknowledgement and disposition of every lot about to expire.",
            ),
            sign_in,
        ),
        "recalls": ComingWork(
            translate("ComingPage", "Recalls"),
            translate(
                "ComingPage",
                "Start a recall or a recall drill from a suspect lot: the affected lots and consignees are "
                "found for you, internal stock is put on hold, and notifications, acknowledgements and "
                "returns are tracked against the legal deadlines (level I/II/III recall: 1, 3 or 7 days).",
            ),
            translate("ComingPage", "Recall management is not included in this installation of MedTrace."),
        ),
        "reports": ComingWork(
            translate("ComingPage", "Reports"),
            translate(
                "ComingPage",
                "PDF and Excel records an inspector accepts: release record with signatures, traceability "
                "report, recall and drill report, expiry report, audit-trail extract and UDI data export.",
            ),
            sign_in,
        ),
        "audit": ComingWork(
            translate("ComingPage", "Audit trail"),
            translate(
                "ComingPage",
                "Every change to a GMP record: who, when, what changed from what to what, and why. The "
                "trail cannot be edited, and its hash chain can be verified at any time.",
            ),
            sign_in,
        ),
        "admin": ComingWork(
            translate("ComingPage", "Admin"),
            translate(
                "ComingPage",
                "Users, their roles and two-factor sign-in; locking and unlocking accounts; master data "
                "for products and parties; imports from Excel or CSV.",
            ),
            sign_in,
        ),
    }


class ComingPage(QWidget):
    """In place of a page that cannot open: what it does and why it is not shown, never a blank area."""

    def __init__(self, work: ComingWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(work.title)
        heading.setObjectName("pageHeading")
        self.purpose = QLabel(work.purpose)
        self.purpose.setWordWrap(True)
        self.purpose.setObjectName("pagePurpose")
        self.arrives = QLabel(work.arrives)
        self.arrives.setWordWrap(True)
        self.arrives.setObjectName("pageArrives")
        for label in (self.purpose, self.arrives):
            label.setMaximumWidth(760)  # lines a person can read without losing their place
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addWidget(self.purpose)
        layout.addWidget(self.arrives)
        layout.addStretch(1)

    def explanation(self) -> str:
        return f"{self.purpose.text()}\n{self.arrives.text()}"


class _Tile(QFrame):
    """One number with its caption."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTile")
        self.number = QLabel("–")
        self.number.setObjectName("tileNumber")
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    def set_number(self, value: int) -> None:
        self.number.setText(QLocale().toString(value))


class DashboardPage(QWidget):
    """Lots per status, lots about to expire and open deviations, refreshed when records change."""

    refreshed = Signal()  # the numbers on screen are fresh from the database

    def __init__(self, ctx: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._loading = False
        self._stale = False

        heading = QLabel(self.tr("Dashboard"))
        heading.setObjectName("pageHeading")
        self.as_of = QLabel(self.tr("Loading…"))
        self.as_of.setObjectName("pageArrives")
        self.problem = QLabel()
        self.problem.setObjectName("inlineProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()

        self.status_tiles = {status: _Tile(lot_status_label(status)) for status in LotStatus}
        self.expiring_tiles = {
            30: _Tile(self.tr("Lots in circulation expiring within 30 days")),
            90: _Tile(self.tr("Lots in circulation expiring within 90 days")),
        }
        self.deviation_tile = _Tile(self.tr("Open deviations"))

        attention = QGridLayout()
        attention.setSpacing(12)
        for column, tile in enumerate([*self.expiring_tiles.values(), self.deviation_tile]):
            attention.addWidget(tile, 0, column)
        statuses = QGridLayout()
        statuses.setSpacing(12)
        for index, tile in enumerate(self.status_tiles.values()):
            statuses.addWidget(tile, index // 4, index % 4)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addWidget(self.as_of)
        layout.addWidget(self.problem)
        layout.addWidget(self._section(self.tr("Needs attention")))
        layout.addLayout(attention)
        layout.addWidget(self._section(self.tr("Lots by status")))
        layout.addLayout(statuses)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        ctx.broadcast.records_changed.connect(self._on_records_changed)
        self.reload()

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionHeading")
        return label

    def reload(self) -> None:
        """Fetch the numbers off the GUI thread; a change arriving meanwhile triggers one more fetch."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        read_uow = self._ctx.read_uow  # the replica when it may be used
        self._ctx.runner.run(
            lambda _op: dashboard_counts(read_uow()), on_done=self._alive(self._on_counts_loaded),
            on_failed=self._alive(self._on_failed),
        )

    def _alive(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """Drop a result that arrives after the page was deleted (its window closed while the numbers loaded)."""

        def deliver(value: Any) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return deliver

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is None or tables & DASHBOARD_TABLES:
            self.reload()

    def _on_counts_loaded(self, counts: DashboardCounts) -> None:
        self._finish_loading()
        self.problem.hide()
        for status, tile in self.status_tiles.items():
            tile.set_number(counts.lots_by_status.get(status, 0))
        for days, tile in self.expiring_tiles.items():
            tile.set_number(counts.expiring_within.get(days, 0))
        self.deviation_tile.set_number(counts.open_deviations)
        as_of = QLocale().toString(counts.as_of, QLocale.FormatType.LongFormat)
        self.as_of.setText(self.tr("As of %1 (the database server's date)").replace("%1", as_of))
        self.refreshed.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._finish_loading()
        self.problem.setText(
            self.tr("The numbers could not be loaded: %1 They will be loaded again when records change.")
            .replace("%1", getattr(exc, "message", None) or exc.__class__.__name__)
        )
        self.problem.show()

    def _finish_loading(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

