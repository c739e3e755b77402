"""The numbers on the Dashboard: what a QA manager checks first each morning."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.db.uow import UnitOfWork
from app.models import Deviation, Lot
from app.models.enums import DeviationStatus, LotStatus

# Lots that can still reach a patient: the ones whose expiry matters. Rejected, recalled and
# expired lots are out of circulation already (ISO 13485 7.5.8: status identified throughout).
IN_CIRCULATION = (LotStatus.QUARANTINE, LotStatus.UNDER_REVIEW, LotStatus.RELEASED, LotStatus.ON_HOLD)
EXPIRY_WINDOWS = (30, 90)


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


def server_date(uow: UnitOfWork) -> dt.date:
    """The database server's date: what "today" means for expiry (DESIGN §3: workstation clocks are never trusted)."""
    with uow:
        return uow.session.execute(select(func.current_date())).scalar_one()  # type: ignore[no-any-return]


def dashboard_counts(uow: UnitOfWork, *, today: dt.date | None = None) -> DashboardCounts:
    """Lots per status, lots in circulation expiring within 30 and 90 days, open deviations.

    `today` defaults to the server's date (DESIGN §3: workstation clocks are never trusted).
    """
    with uow:
        session = uow.session
        if today is None:
            today = session.execute(select(func.current_date())).scalar_one()
        by_status = {status: 0 for status in LotStatus}
        for status, count in session.execute(select(Lot.status, func.count()).group_by(Lot.status)):
            by_status[LotStatus(status)] = count
        expiring = {}
        for days in EXPIRY_WINDOWS:
            expiring[days] = session.execute(
                select(func.count()).select_from(Lot).where(
                    Lot.status.in_(IN_CIRCULATION),
                    Lot.expiry_date >= today,
                    Lot.expiry_date <= today + dt.timedelta(days=days),
                )
            ).scalar_one()
        open_deviations = session.execute(
            select(func.count()).select_from(Deviation).where(Deviation.status == DeviationStatus.OPEN)
        ).scalar_one()
    return DashboardCounts(
        as_of=today, lots_by_status=by_status, expiring_within=expiring, open_deviations=open_deviations
    )
