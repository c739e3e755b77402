"""Lot status words, and the page shown in place of one that cannot open (it says what the page does)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import LotStatus

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


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
