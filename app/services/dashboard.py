"""The numbers on the Dashboard: what a QA manager checks first each morning.

`dashboard_snapshot` reads every tile in one unit of work (one consistent picture, one round of
queries) and returns a frozen `DashboardSnapshot`. Tiles whose records belong to another part of the
product (recalls, expiry alerts) are summed by those parts' services, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, text

from app.db.uow import UnitOfWork
from app.models import Deviation, Lot
from app.models.enums import DeviationStatus, LotStatus
from app.security.permissions import may
from app.services import expiry, recalls
from app.services.audit_trail import VERIFICATION_EVENT

# Lots that can still reach a patient: the ones whose expiry matters. Rejected, recalled and
# expired lots are out of circulation already (ISO 13485 7.5.8: status identified throughout).
IN_CIRCULATION = (LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW, LotStatus.RELEASED, LotStatus.ON_HOLD)
EXPIRY_WINDOWS = (30, 90)

# The release queue's stages, as the Release queue page names its sections.
QUEUE_STAGES = ("review", "approval", "hold")
STAGE_STATUS = {"review": LotStatus.QUARANTINE, "approval": LotStatus.UNDER_REVIEW, "hold": LotStatus.ON_HOLD}
# Age bands of the queue in whole days waiting: [0, 1), [1, 4), [4, 8), [8, 31), [31, ∞).
AGE_BAND_LIMITS = (1, 4, 8, 31)
AGE_BANDS = ("today", "1-3", "4-7", "8-30", "over_30")
# How far ahead the expiry tile looks when no product has a longer alert threshold (DESIGN §4).
DEFAULT_EXPIRY_HORIZON_DAYS = 180
RECENT_DRILLS = 12
RECENT_SECURITY_ALERTS = 5


@dataclass(frozen=True)
class DashboardCounts:
    """Counts as of one day (the database server's date, never the workstation's clock)."""

    as_of: dt.date
    lots_by_status: dict[LotStatus, int] = field(default_factory=dict)
    expiring_within: dict[int, int] = field(default_factory=dict)  # days → lots expiring by today + days
    open_deviations: int = 0

    @property
    def total_lots(self) -> int:
        return sum(self.lots_by_status.values())


@dataclass(frozen=True)
class QueueStage:
    """One stage of the release queue: how many lots wait, per age band, and how many are blocked."""

    stage: str  # review | approval | hold
    by_age: tuple[int, ...]  # one count per AGE_BANDS entry
    blocked: int  # failed or missing QC results, or an open deviation: not the reviewer's to clear
    oldest_days: int | None

    @property
    def total(self) -> int:
        return sum(self.by_age)

    @property
    def ready(self) -> int:
        """Lots whose only open items are the reviewer's own steps (label scan, audit-trail review)."""
        return self.total - self.blocked


@dataclass(frozen=True)
class ReleaseQueueSummary:
    stages: tuple[QueueStage, ...]

    def stage(self, name: str) -> QueueStage:
        return next(s for s in self.stages if s.stage == name)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.stages)


@dataclass(frozen=True)
class ExpiryBand:
    threshold_days: int  # the product threshold the lots are inside (e.g. 30: 30 days or fewer left); 0: expired
    lots: int  # (lot, our site) pairs holding stock, from the expiry alerts


@dataclass(frozen=True)
class AlertOwner:
    owner: str | None  # None: nobody owns the alert yet
    open_alerts: int


@dataclass(frozen=True)
class ExpirySummary:
    """Lots holding stock that are inside one of their product's expiry thresholds, and open alerts."""

    within_days: int
    bands: tuple[ExpiryBand, ...]  # shortest threshold first
    open_alerts: int
    owners: tuple[AlertOwner, ...]  # most alerts first; unowned last
    data_gaps: tuple[str, ...] = ()

    @property
    def lots(self) -> int:
        return sum(b.lots for b in self.bands)


@dataclass(frozen=True)
class OpenRecall:
    id: int
    kind: str  # recall | drill
    level: str
    state: str
    trigger_lot: str
    product: str
    opened_at: dt.datetime
    notify_deadline: dt.datetime | None
    overdue: bool
    consignees: int
    acknowledged: int


@dataclass(frozen=True)
class DrillKpiPoint:
    recall_id: int
    opened_at: dt.datetime
    time_to_notify_all_s: float | None
    quantity_reconciled_pct: float | None
    consignees_acknowledged_pct: float | None
    time_to_identify_s: float | None = None
    time_to_contain_s: float | None = None


@dataclass(frozen=True)
class RecallSummary:
    open: tuple[OpenRecall, ...]  # next deadline first
    drill_trend: tuple[DrillKpiPoint, ...]  # oldest first

    @property
    def open_recalls(self) -> int:
        return sum(1 for r in self.open if r.kind != "drill")

    @property
    def open_drills(self) -> int:
        return sum(1 for r in self.open if r.kind == "drill")

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.open if r.overdue)


@dataclass(frozen=True)
class AuditChainState:
    """How far the audit trail is chained, verified and sealed (21 CFR 11.10(e), Annex 11 §9)."""

    entries: int
    last_verified_at: dt.datetime | None
    last_verified_by: str | None
    last_verify_ok: bool | None
    last_verify_problem: str | None
    last_sealed_at: dt.datetime | None
    last_sealed_by: str | None
    entries_since_seal: int
    warnings: tuple[str, ...]  # signs of tampering found without a full verification

    @property
    def tampering_suspected(self) -> bool:
        return bool(self.warnings) or self.last_verify_ok is False


@dataclass(frozen=True)
class LockedAccount:
    login: str
    printed_name: str
    reason: str


@dataclass(frozen=True)
class SecuritySummary:
    """For administrators only (21 CFR 11.300(d)): locked accounts and unacknowledged alerts."""

    locked: tuple[LockedAccount, ...]
    unacknowledged_alerts: int
    recent_alerts: tuple[tuple[dt.datetime, str, str], ...]  # (raised_at, kind, login), newest first


@dataclass(frozen=True)
class DashboardSnapshot:
    """Everything the Dashboard shows, read in one transaction. `None` tiles are not shown."""

    as_of: dt.date
    read_at: dt.datetime
    lots_by_status: Mapping[LotStatus, int]
    open_deviations: int
    release: ReleaseQueueSummary
    audit: AuditChainState
    expiry: ExpirySummary | None = None
    recalls: RecallSummary | None = None
    security: SecuritySummary | None = None  # only for people who may see security alerts

    @property
    def total_lots(self) -> int:
        return sum(self.lots_by_status.values())


def dashboard_counts(uow: UnitOfWork, *, today: dt.date | None = None) -> DashboardCounts:
    """Lots per status, lots in circulation expiring within 30 and 90 days, open deviations.

    `today` defaults to the server's date (DESIGN §3: workstation clocks are never trusted).
    """
    with uow:
        session = uow.session
        if today is None:
            today = session.execute(select(func.current_date())).scalar_one()
        by_status = _lots_by_status(uow)
        expiring = {}
        for days in EXPIRY_WINDOWS:
            expiring[days] = session.execute(
                select(func.count()).select_from(Lot).where(
                    Lot.status.in_(IN_CIRCULATION),
                    Lot.expiry_date >= today,
                    Lot.expiry_date <= today + dt.timedelta(days=days),
                )
            ).scalar_one()
        open_deviations = _open_deviations(uow)
    return DashboardCounts(
        as_of=today, lots_by_status=by_status, expiring_within=expiring, open_deviations=open_deviations
    )


def dashboard_snapshot(
    uow: UnitOfWork, *, as_of: dt.date | None = None, groups: Iterable[str] = ()
) -> DashboardSnapshot:
    """Every tile of the Dashboard, read in one transaction.

    `as_of` defaults to the server's date; `groups` are the signed-in person's group roles: the
    security tile is read only for those who may see security alerts (the database refuses anyone
    else regardless). Tiles of parts not installed (recalls, expiry) are `None`.
    """
    groups = tuple(groups)
    with uow:
        session = uow.session
        today, now = session.execute(text("SELECT current_date, now()")).one()
        as_of = as_of or today
        snapshot = DashboardSnapshot(
            as_of=as_of,
            read_at=now,
            lots_by_status=_lots_by_status(uow),
            open_deviations=_open_deviations(uow),
            release=_release_queue_summary(uow),
            audit=_audit_chain_state(uow),
            expiry=_expiry_summary(uow, as_of),
            recalls=_recall_summary(uow),
            security=_security_summary(uow) if may(groups, "see_security_alerts") else None,
        )
    return snapshot


# -- lots ------------------------------------------------------------------------------------------


def _lots_by_status(uow: UnitOfWork) -> dict[LotStatus, int]:
    by_status = {status: 0 for status in LotStatus}
    for status, count in uow.session.execute(select(Lot.status, func.count()).group_by(Lot.status)):
        by_status[LotStatus(status)] = count
    return by_status


def _open_deviations(uow: UnitOfWork) -> int:
    return uow.session.execute(
        select(func.count()).select_from(Deviation).where(Deviation.status == DeviationStatus.OPEN)
    ).scalar_one()


def _release_queue_summary(uow: UnitOfWork) -> ReleaseQueueSummary:
    """Lots per stage and age band; blocked = a QC result missing or out of specification, or an open
    deviation (what the reviewer cannot clear by their own steps)."""
    rows = uow.session.execute(text("""
        WITH queued AS (
          SELECT l.status,
                 floor(extract(epoch FROM now() - coalesce(
                   (SELECT max(s.signed_at) FROM lot_signature s
                     WHERE s.lot_id = l.id AND s.cycle = l.release_cycle), l.created_at)) / 86400)::int AS days,
                 (NOT EXISTS (SELECT FROM qc_result q WHERE q.lot_id = l.id)
                  OR EXISTS (SELECT FROM qc_result q WHERE q.lot_id = l.id AND NOT q.passed)
                  OR EXISTS (SELECT FROM deviation d WHERE d.lot_id = l.id AND d.status <> 'closed')) AS blocked
            FROM lot l
           WHERE l.status IN ('quarantine', 'under_review', 'on_hold'))
        SELECT status, width_bucket(greatest(days, 0), CAST(:limits AS int[])) AS band,
               count(*), count(*) FILTER (WHERE blocked), max(days)
          FROM queued GROUP BY 1, 2"""), {"limits": list(AGE_BAND_LIMITS)}).all()
    counts = {stage: [0] * len(AGE_BANDS) for stage in QUEUE_STAGES}
    blocked = dict.fromkeys(QUEUE_STAGES, 0)
    oldest: dict[str, int | None] = dict.fromkeys(QUEUE_STAGES)
    status_stage = {status.value: stage for stage, status in STAGE_STATUS.items()}
    for status, band, count, n_blocked, max_days in rows:
        stage = status_stage[str(status)]
        counts[stage][band] += count
        blocked[stage] += n_blocked
        oldest[stage] = max(oldest[stage] or 0, max(max_days, 0))
    return ReleaseQueueSummary(tuple(
        QueueStage(stage, tuple(counts[stage]), blocked[stage], oldest[stage]) for stage in QUEUE_STAGES
    ))


# -- audit trail -----------------------------------------------------------------------------------



def _audit_chain_state(uow: UnitOfWork) -> AuditChainState:
    session = uow.session
    head = session.execute(text("SELECT position FROM audit_head WHERE id = 1")).scalar() or 0
    chained = session.execute(text("SELECT max(position) FROM audit_chain")).scalar() or 0
    seal = session.execute(text(
        "SELECT sealed_at, sealed_by, position FROM audit_seal ORDER BY id DESC LIMIT 1")).one_or_none()
    verification = session.execute(text(
        "SELECT at, actor, new_values FROM audit_entry WHERE table_name = :kind AND record_id = 'chain' "
        "ORDER BY id DESC LIMIT 1"), {"kind": VERIFICATION_EVENT}).one_or_none()
    warnings = []
    if chained != head:
        warnings.append(f"The chain ends at position {chained:,} but its head says {head:,}.")
    if seal is not None and seal.position > chained:
        warnings.append(f"A seal covers position {seal.position:,}, beyond the end of the chain ({chained:,}).")
    detail: dict[str, Any] = (verification.new_values or {}) if verification is not None else {}
    return AuditChainState(
        entries=chained,
        last_verified_at=verification.at if verification is not None else None,
        last_verified_by=str(verification.actor) if verification is not None else None,
        last_verify_ok=bool(detail.get("ok")) if verification is not None else None,
        last_verify_problem=detail.get("first_problem"),
        last_sealed_at=seal.sealed_at if seal is not None else None,
        last_sealed_by=str(seal.sealed_by) if seal is not None else None,
        entries_since_seal=max(chained - (seal.position if seal is not None else 0), 0),
        warnings=tuple(warnings),
    )


# -- administrators --------------------------------------------------------------------------------


def _security_summary(uow: UnitOfWork) -> SecuritySummary:
    session = uow.session
    people = session.execute(text(
        "SELECT login, printed_name, coalesce(lock_reason, '') FROM mt_people() WHERE locked")).all()
    alerts = session.execute(text(
        "SELECT raised_at, kind, login FROM mt_security_alerts() WHERE acknowledged_at IS NULL")).all()
    return SecuritySummary(
        locked=tuple(LockedAccount(*row) for row in people),
        unacknowledged_alerts=len(alerts),
        recent_alerts=tuple((a.raised_at, a.kind, a.login) for a in alerts[:RECENT_SECURITY_ALERTS]),
    )


# -- expiry and recalls ----------------------------------------------------------------------------


def _expiry_summary(uow: UnitOfWork, as_of: dt.date) -> ExpirySummary:
    """Lots per threshold band and alerts per owner, both counted by the server from the expiry alerts (a
    million lots hold a few hundred thousand alerts: nothing is fetched row by row)."""
    horizon = uow.session.execute(text(
        "SELECT max(d) FROM product, unnest(alert_days) d")).scalar() or DEFAULT_EXPIRY_HORIZON_DAYS
    bands = expiry.band_totals(uow, within_days=int(horizon), as_of=as_of)
    owners = expiry.alert_owners(uow)
    return ExpirySummary(
        within_days=int(horizon),
        bands=tuple(ExpiryBand(b.threshold_days, b.lots) for b in bands),
        open_alerts=sum(n for _owner, n in owners),
        owners=tuple(AlertOwner(owner, n) for owner, n in owners),
        data_gaps=expiry.data_gaps(uow),
    )


def _recall_summary(uow: UnitOfWork) -> RecallSummary:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    open_ = [
        OpenRecall(r.id, str(r.kind), str(r.level), str(r.state), str(r.trigger_lot), str(r.product or ""),
                   r.opened_at, r.notify_deadline, bool(r.overdue), int(r.consignees or 0),
                   int(r.acknowledged or 0))
        for r in recalls.list_recalls(uow, open_only=True)
    ]
    open_.sort(key=lambda r: (r.notify_deadline or far, r.id))
    trend = [DrillKpiPoint(recall_id, opened_at, k.time_to_notify_all_s, k.quantity_reconciled_pct,
                           k.consignees_acknowledged_pct, k.time_to_identify_s, k.time_to_contain_s)
             for recall_id, opened_at, k in recalls.drill_kpi_trend(uow)]
    trend.sort(key=lambda p: (p.opened_at, p.recall_id))
    return RecallSummary(tuple(open_), tuple(trend[-RECENT_DRILLS:]))


def server_date(uow: UnitOfWork) -> dt.date:
    """The database server's date: what "today" means for expiry (DESIGN §3: workstation clocks are never
    trusted)."""
    with uow:
        return uow.session.execute(select(func.current_date())).scalar_one()  # type: ignore[no-any-return]
