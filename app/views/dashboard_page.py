"""The Dashboard: the first page after sign-in, what a QA manager checks each morning.

Every tile is read in one transaction off the GUI thread (`dashboard_snapshot`), refreshed by the "records
changed" broadcast (coalesced, and only while the page is shown), and opens the page it summarises,
filtered to it: a click, or Enter / Space on a focused tile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.models.enums import LotStatus
from app.services.dashboard import AGE_BANDS, QUEUE_STAGES, DashboardSnapshot, dashboard_snapshot
from app.views.charts import StackedBars, TrendChart
from app.views.context import ViewContext
from app.views.page_frame import title_row
from app.views.pages import lot_status_label
from app.views.style import problem_label

# Tables whose changes move a tile.
DASHBOARD_TABLES = frozenset({
    "lot", "deviation", "qc_result", "lot_signature", "label_verification", "audit_review", "movement",
    "expiry_alert", "recall_case", "recall_consignee", "audit_seal", "person", "security_alert",
})
REFRESH_COALESCE_MS = 500  # a burst of changes (a ceremony over many lots) is one read
AGE_COLOURS = ("#7fb77e", "#b5cf6b", "#e7ba52", "#e6843c", "#c0392b")
BAND_COLOURS = {0: "#7b1e1e", 7: "#c0392b", 30: "#e6843c", 90: "#e7ba52"}
OTHER_BAND_COLOUR = "#9fb8c8"
MAX_OWNERS_SHOWN = 4


class Tile(QFrame):
    """A card that opens what it counts: a heading, a number, a line or two, optionally a chart."""

    activated = Signal()

    def __init__(self, title: str, link: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(link)
        self.title = QLabel(title)
        self.title.setObjectName("tileTitle")
        self.title.setWordWrap(True)
        self.number = QLabel("–")
        self.number.setObjectName("tileNumber")
        self.detail = QLabel()
        self.detail.setObjectName("tileCaption")
        self.detail.setWordWrap(True)
        self.link = QLabel(f"{link} ›")
        self.link.setObjectName("tileLink")
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 10)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.number)
        layout.addWidget(self.detail)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.link, 0, Qt.AlignmentFlag.AlignRight)

    def set_number(self, value: int) -> None:
        self.number.setText(QLocale().toString(value))

    def set_tone(self, tone: str) -> None:
        """"" (plain), "warn" or "alert": the tile's edge says it needs attention."""
        if self.property("tone") != tone:
            self.setProperty("tone", tone)
            self.style().unpolish(self)
            self.style().polish(self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.activated.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class DashboardPage(QWidget):
    """Release queue, expiry, alerts, recalls and drills, the audit chain, security (admins), lots by status."""

    refreshed = Signal()  # the tiles on screen are fresh from the database
    open_requested = Signal(str, object)  # page key, filters for that page (the main window opens it)

    def __init__(self, ctx: ViewContext, account: object | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._groups: tuple[str, ...] = tuple(getattr(account, "groups", ()) or ())
        self._loading = False
        self._stale = False
        self._needs_refresh = False
        self.snapshot: DashboardSnapshot | None = None
        # Charts are built when there is something to draw, one per turn of the event loop (a QtCharts view
        # costs tens of milliseconds to build: three at once would stall the first page).
        self.queue_chart: StackedBars | None = None
        self.expiry_chart: StackedBars | None = None
        self.trend_chart: TrendChart | None = None
        self._pending_charts: list[Callable[[], None]] = []
        self._chart_round = 0

        heading = QLabel(self.tr("Dashboard"))
        heading.setObjectName("pageHeading")
        self.as_of = QLabel(self.tr("Loading…"))
        self.as_of.setObjectName("pageArrives")
        self.problem = problem_label()
        self.tampering = QLabel()
        self.tampering.setObjectName("tamperingBanner")
        self.tampering.setWordWrap(True)
        self.tampering.hide()

        self.queue_tile = self._tile("queue", self.tr("Release queue"), self.tr("Open the release queue"))
        self.expiry_tile = self._tile("expiry", self.tr("Stock inside an expiry threshold"),
                                      self.tr("Open the expiry list"))
        self.alerts_tile = self._tile("alerts", self.tr("Open expiry alerts"), self.tr("Open the alerts"))
        self.recalls_tile = self._tile("recalls", self.tr("Open recalls and drills"), self.tr("Open the recalls"))
        self.trend_tile = self._tile("trend", self.tr("Drill KPIs"), self.tr("Open the recalls"))
        self.audit_tile = self._tile("audit", self.tr("Audit trail"), self.tr("Open the audit trail"))
        self.security_tile = self._tile("security", self.tr("Security alerts and locked accounts"),
                                        self.tr("Open administration"))
        self.security_tile.setVisible(False)
        # The lots-by-status section is built in the next turn of the event loop (each tile costs a few
        # milliseconds of style work: the page appears first, and no single step holds the GUI long).
        self.deviation_tile: Tile | None = None
        self.status_tiles: dict[LotStatus, Tile] = {}

        top = QGridLayout()
        top.setSpacing(12)
        top.addWidget(self.queue_tile, 0, 0, 1, 2)
        top.addWidget(self.expiry_tile, 0, 2, 1, 2)
        top.addWidget(self.alerts_tile, 1, 0)
        top.addWidget(self.recalls_tile, 1, 1)
        top.addWidget(self.audit_tile, 1, 2)
        top.addWidget(self.security_tile, 1, 3)
        top.addWidget(self.trend_tile, 2, 0, 1, 4)
        for column in range(4):
            top.setColumnStretch(column, 1)
        self._statuses = QGridLayout()
        self._statuses.setSpacing(12)
        for column in range(4):
            self._statuses.setColumnStretch(column, 1)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 24, 32, 28)
        layout.setSpacing(12)
        layout.addLayout(title_row(heading, note=self.as_of))
        layout.addWidget(self.tampering)
        layout.addWidget(self.problem)
        layout.addLayout(top)
        layout.addWidget(self._section(self.tr("Lots by status")))
        layout.addLayout(self._statuses)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_COALESCE_MS)
        self._refresh_timer.timeout.connect(self.reload)
        ctx.broadcast.records_changed.connect(self._on_records_changed)
        QTimer.singleShot(0, self, self._build_status_section)
        self.reload()

    def _build_status_section(self) -> None:
        if self.deviation_tile is not None:
            return
        self.status_tiles = {status: self._tile(f"status_{status.value}", lot_status_label(status),
                                                self.tr("Show these lots")) for status in LotStatus}
        self.deviation_tile = self._tile("deviations", self.tr("Open deviations"),
                                         self.tr("Open the lots awaiting review"))
        for index, tile in enumerate([*self.status_tiles.values(), self.deviation_tile]):
            self._statuses.addWidget(tile, index // 4, index % 4)

    def _tile(self, key: str, title: str, link: str) -> Tile:
        tile = Tile(title, link)
        tile.setObjectName("dashboardTile")
        tile.setAccessibleName(title)
        tile.setProperty("tileKey", key)
        tile.activated.connect(lambda k=key: self.open_tile(k))
        return tile

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionHeading")
        return label

    # -- public --------------------------------------------------------------------------------

    def tiles(self) -> dict[str, Tile]:
        return {str(t.property("tileKey")): t for t in self.findChildren(Tile)}

    def open_tile(self, key: str) -> None:
        """Ask for the page the tile summarises, filtered to what the tile counts."""
        snapshot = self.snapshot
        if key == "queue":
            stage = "review"
            if snapshot is not None:
                stage = next((s.stage for s in snapshot.release.stages if s.total), "review")
            self.open_requested.emit("release", {"section": stage})
        elif key == "deviations":
            self.open_requested.emit("release", {"section": "review"})
        elif key == "expiry":
            self.open_requested.emit("expiry", {"view": "agenda"})
        elif key == "alerts":
            self.open_requested.emit("expiry", {"alerts": True})
        elif key in ("recalls", "trend"):
            self.open_requested.emit("recalls", {})
        elif key == "audit":
            self.open_requested.emit("audit", {})
        elif key == "security":
            self.open_requested.emit("admin", {})
        elif key.startswith("status_"):
            self.open_requested.emit("lots", {"statuses": [LotStatus(key.removeprefix("status_"))]})

    def reload(self) -> None:
        """Read every tile off the GUI thread; a change arriving meanwhile triggers one more read."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        self._needs_refresh = False
        read_uow, groups = self._ctx.read_uow, self._groups  # the replica when it may be used
        self._ctx.runner.run(lambda _op: dashboard_snapshot(read_uow(), groups=groups),
                             on_done=self._on_loaded, on_failed=self._on_failed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._needs_refresh:
            self._refresh_timer.start()

    def _on_records_changed(self, tables: frozenset[str] | None) -> None:
        if tables is not None and not tables & DASHBOARD_TABLES:
            return
        if self.isVisible():
            self._refresh_timer.start()
        else:
            self._needs_refresh = True  # read when shown again: a hidden dashboard costs the server nothing

    # -- showing -------------------------------------------------------------------------------

    def _on_loaded(self, snapshot: DashboardSnapshot) -> None:
        self._finish_loading()
        self.snapshot = snapshot
        self.problem.hide()
        self._pending_charts = []
        self._show_queue(snapshot)
        self._show_expiry(snapshot)
        self._show_recalls(snapshot)
        self._show_audit(snapshot)
        self._show_security(snapshot)
        self._build_status_section()
        assert self.deviation_tile is not None
        for status, tile in self.status_tiles.items():
            tile.set_number(snapshot.lots_by_status.get(status, 0))
        self.deviation_tile.set_number(snapshot.open_deviations)
        self.deviation_tile.detail.setText(self.tr("An open deviation blocks the release of its lot."))
        self.deviation_tile.set_tone("warn" if snapshot.open_deviations else "")
        as_of = QLocale().toString(snapshot.as_of, QLocale.FormatType.LongFormat)
        read = QLocale().toString(snapshot.read_at.astimezone().time(), QLocale.FormatType.ShortFormat)
        self.as_of.setText(self.tr("As of %1 (the database server's date), read at %2")
                           .replace("%1", as_of).replace("%2", read))
        self._chart_round += 1
        round_ = self._chart_round
        QTimer.singleShot(0, self, lambda: self._draw_charts(round_))  # the figures first, then each chart

    def _draw_charts(self, round_: int) -> None:
        """Draw the next chart, then yield to the event loop; `refreshed` once every tile is drawn."""
        if round_ != self._chart_round:
            return  # newer figures arrived meanwhile: their round draws
        if self._pending_charts:
            self._pending_charts.pop(0)()
            QTimer.singleShot(0, self, lambda: self._draw_charts(round_))
            return
        self.refreshed.emit()

    def _bars(self, key: str) -> StackedBars:
        chart = self.queue_chart if key == "queue" else self.expiry_chart
        if chart is None:
            chart = StackedBars()
            (self.queue_tile if key == "queue" else self.expiry_tile).body.addWidget(chart)
            if key == "queue":
                self.queue_chart = chart
            else:
                self.expiry_chart = chart
        return chart

    def _trend(self) -> TrendChart:
        if self.trend_chart is None:
            self.trend_chart = TrendChart()
            self.trend_chart.setMinimumHeight(200)
            self.trend_chart.setMaximumHeight(260)
            self.trend_tile.body.addWidget(self.trend_chart)
        self.trend_chart.show()
        return self.trend_chart

    def _show_queue(self, snapshot: DashboardSnapshot) -> None:
        release = snapshot.release
        tile = self.queue_tile
        tile.set_number(release.total)
        ready = sum(s.ready for s in release.stages)
        blocked = sum(s.blocked for s in release.stages)
        oldest = max((s.oldest_days or 0 for s in release.stages), default=0)
        if not release.total:
            tile.detail.setText(self.tr("No lot is waiting for review, approval or a decision on a hold."))
        else:
            waited = (self.tr("all arrived today") if oldest == 0 else
                      self.tr("the oldest has waited %1 days").replace("%1", QLocale().toString(oldest)))
            tile.detail.setText(
                self.tr("%1 ready for the reviewer's or approver's own steps · %2 blocked (QC or an open "
                        "deviation) · %3")
                .replace("%1", QLocale().toString(ready)).replace("%2", QLocale().toString(blocked))
                .replace("%3", waited))
        tile.set_tone("warn" if oldest > 7 else "")
        stages = {"review": self.tr("Awaiting review"), "approval": self.tr("Awaiting approval"),
                  "hold": self.tr("On hold")}
        ages = {"today": self.tr("today"), "1-3": self.tr("1–3 days"), "4-7": self.tr("4–7 days"),
                "8-30": self.tr("8–30 days"), "over_30": self.tr("over 30 days")}
        categories = [stages[s] for s in QUEUE_STAGES]
        series = [(ages[band], AGE_COLOURS[i], [release.stage(s).by_age[i] for s in QUEUE_STAGES])
                  for i, band in enumerate(AGE_BANDS)]
        self._pending_charts.append(lambda: self._bars("queue").set_bars(categories, series))

    def _show_expiry(self, snapshot: DashboardSnapshot) -> None:
        expiry = snapshot.expiry
        if expiry is None:
            self.expiry_tile.hide()
            self.alerts_tile.hide()
            return
        inside = [b for b in expiry.bands if b.threshold_days > 0]
        expired = next((b for b in expiry.bands if b.threshold_days == 0), None)
        tile = self.expiry_tile
        tile.set_number(sum(b.lots for b in inside))
        lines = [self.tr("Lots at a site, expiring within %1 days (the longest alert threshold)")
                 .replace("%1", QLocale().toString(expiry.within_days))]
        if expired is not None:
            lines.append(self.tr("%1 expired lots still hold stock at our sites: they cannot be shipped.")
                         .replace("%1", QLocale().toString(expired.lots)))
        tile.detail.setText("\n".join(lines))
        tile.set_tone("alert" if expired is not None else ("warn" if inside else ""))

        def band_name(days: int) -> str:
            return self.tr("expired") if days == 0 else self.tr("≤ %1 days").replace("%1", str(days))

        bands = expiry.bands  # one series per band, so that each bar has its band's colour
        names = [band_name(b.threshold_days) for b in bands]
        series = [(band_name(b.threshold_days), BAND_COLOURS.get(b.threshold_days, OTHER_BAND_COLOUR),
                   [b.lots if other is b else 0 for other in bands]) for b in bands]
        self._pending_charts.append(lambda: self._bars("expiry").set_bars(names, series, legend=False))

        alerts = self.alerts_tile
        alerts.set_number(expiry.open_alerts)
        owners = [self.tr("%1: %2").replace("%1", owner or self.tr("nobody yet")).replace("%2",
                                                                                         QLocale().toString(n))
                  for owner, n in ((o.owner, o.open_alerts) for o in expiry.owners[:MAX_OWNERS_SHOWN])]
        more = len(expiry.owners) - MAX_OWNERS_SHOWN
        if more > 0:
            owners.append(self.tr("and %1 more owners").replace("%1", QLocale().toString(more)))
        alerts.detail.setText(self.tr("Open or escalated, by owner:") + "\n" + "\n".join(owners) if owners
                              else self.tr("No alert is waiting for anyone."))
        unowned = any(o.owner is None for o in expiry.owners)
        alerts.set_tone("alert" if unowned else ("warn" if expiry.open_alerts else ""))

    def _show_recalls(self, snapshot: DashboardSnapshot) -> None:
        recalls = snapshot.recalls
        tile = self.recalls_tile
        if recalls is None:
            tile.hide()
            self.trend_tile.hide()
            return
        tile.set_number(len(recalls.open))
        lines = [self.tr("%1 recalls · %2 drills · %3 past their notification deadline")
                 .replace("%1", QLocale().toString(recalls.open_recalls))
                 .replace("%2", QLocale().toString(recalls.open_drills))
                 .replace("%3", QLocale().toString(recalls.overdue))]
        upcoming = next((r for r in recalls.open if r.notify_deadline is not None), None)
        if upcoming is not None and upcoming.notify_deadline is not None:
            when = _short_time(upcoming.notify_deadline)
            lines.append(self.tr("Next deadline: lot %1, notify every consignee by %2 (%3 of %4 acknowledged)")
                         .replace("%1", upcoming.trigger_lot).replace("%2", when)
                         .replace("%3", str(upcoming.acknowledged)).replace("%4", str(upcoming.consignees)))
        elif not recalls.open:
            lines = [self.tr("No recall or drill is open.")]
        tile.detail.setText("\n".join(lines))
        tile.set_tone("alert" if recalls.overdue else ("warn" if recalls.open_recalls else ""))
        trend = recalls.drill_trend
        self.trend_tile.number.setText(QLocale().toString(len(trend)))
        last = trend[-1] if trend else None
        if last is not None:
            points = tuple((p.recall_id, p.opened_at, p) for p in trend)
            self._pending_charts.append(lambda: self._trend().set_trend(points))
        elif self.trend_chart is not None:
            self.trend_chart.hide()
        if last is None:
            self.trend_tile.detail.setText(self.tr("No drill has been run yet. Start one from the Trace page."))
        else:
            reconciled = "—" if last.quantity_reconciled_pct is None else f"{last.quantity_reconciled_pct:.0f} %"
            self.trend_tile.detail.setText(self.tr("Latest drills; in the last one %1 of the quantity made was "
                                                   "reconciled").replace("%1", reconciled))

    def _show_audit(self, snapshot: DashboardSnapshot) -> None:
        audit = snapshot.audit
        tile = self.audit_tile
        tile.set_number(audit.entries)
        if audit.last_verified_at is None:
            verified = self.tr("Never verified.")
        elif audit.last_verify_ok:
            verified = self.tr("Verified intact %1 by %2.").replace("%1", _short_time(audit.last_verified_at)) \
                .replace("%2", audit.last_verified_by or "—")
        else:
            verified = self.tr("The last verification (%1) found the trail broken.").replace(
                "%1", _short_time(audit.last_verified_at))
        if audit.last_sealed_at is None:
            sealed = self.tr("Never sealed.")
        else:
            sealed = self.tr("Sealed %1; %2 entries since.").replace("%1", _short_time(audit.last_sealed_at)) \
                .replace("%2", QLocale().toString(audit.entries_since_seal))
        tile.detail.setText(self.tr("entries in the chain") + "\n" + verified + "\n" + sealed)
        stale_seal = audit.last_sealed_at is None or snapshot.read_at - audit.last_sealed_at > dt.timedelta(hours=24)
        tile.set_tone("alert" if audit.tampering_suspected else ("warn" if stale_seal else ""))
        if audit.tampering_suspected:
            found = audit.last_verify_problem or "; ".join(audit.warnings)
            self.tampering.setText(self.tr("The audit trail may have been tampered with: %1 Open the audit trail "
                                           "and verify it; tell your quality manager.").replace("%1", found or ""))
            self.tampering.show()
        else:
            self.tampering.hide()

    def _show_security(self, snapshot: DashboardSnapshot) -> None:
        security = snapshot.security
        tile = self.security_tile
        tile.setVisible(security is not None)
        if security is None:
            return
        tile.set_number(security.unacknowledged_alerts)
        lines = [self.tr("unacknowledged security alerts")]
        if security.locked:
            lines.append(self.tr("Locked: %1").replace("%1", ", ".join(a.login for a in security.locked[:5])))
        else:
            lines.append(self.tr("No account is locked."))
        tile.detail.setText("\n".join(lines))
        tile.set_tone("alert" if security.unacknowledged_alerts else ("warn" if security.locked else ""))

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


def _short_time(when: dt.datetime) -> str:
    """A server timestamp in the workstation's zone, ISO order (unambiguous in both languages)."""
    return f"{when.astimezone():%Y-%m-%d %H:%M}"
