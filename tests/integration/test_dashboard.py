"""The Dashboard's numbers come straight from the lots and deviations in the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.models import Deviation
from app.models.enums import DeviationStatus, LotStatus
from app.services.dashboard import dashboard_counts
from tests.factories import make_lot, make_product

TODAY = dt.date(2026, 3, 1)


def _lot(session: Session, status: LotStatus, expires_in_days: int) -> None:
    make_lot(
        session,
        status=status,
        production_date=TODAY - dt.timedelta(days=400),
        expiry_date=TODAY + dt.timedelta(days=expires_in_days),
    )


def test_lots_are_counted_per_status_including_statuses_with_none(session: Session, uow: UnitOfWork) -> None:
    _lot(session, LotStatus.QUARANTINE, 500)
    _lot(session, LotStatus.QUARANTINE, 500)
    _lot(session, LotStatus.RELEASED, 500)

    counts = dashboard_counts(uow, today=TODAY)

    assert counts.lots_by_status[LotStatus.QUARANTINE] == 2
    assert counts.lots_by_status[LotStatus.RELEASED] == 1
    assert counts.lots_by_status[LotStatus.RECALLED] == 0
    assert counts.total_lots == 3


def test_expiring_lots_are_counted_in_30_and_90_day_windows_only_while_in_circulation(
    session: Session, uow: UnitOfWork
) -> None:
    _lot(session, LotStatus.RELEASED, 0)  # last day of use is today: still counts
    _lot(session, LotStatus.RELEASED, 30)
    _lot(session, LotStatus.ON_HOLD, 31)
    _lot(session, LotStatus.QUARANTINE, 90)
    _lot(session, LotStatus.RELEASED, 91)
    _lot(session, LotStatus.RELEASED, -1)  # already past its expiry date
    _lot(session, LotStatus.REJECTED, 10)  # out of circulation
    _lot(session, LotStatus.RECALLED, 10)

    counts = dashboard_counts(uow, today=TODAY)

    assert counts.expiring_within == {30: 2, 90: 4}


def test_only_open_deviations_are_counted(session: Session, uow: UnitOfWork) -> None:
    lot = make_lot(session, product=make_product(session))
    session.add_all([
        Deviation(lot_id=lot.id, number="DEV-1", title="Seal strength low", opened_on=TODAY),
        Deviation(lot_id=lot.id, number="DEV-2", title="Label smudged", opened_on=TODAY),
        Deviation(lot_id=lot.id, number="DEV-3", title="Closed one", opened_on=TODAY,
                  status=DeviationStatus.CLOSED, closed_on=TODAY),
    ])
    session.flush()

    assert dashboard_counts(uow, today=TODAY).open_deviations == 2


def test_the_day_counted_from_is_the_database_servers_date(session: Session, uow: UnitOfWork) -> None:
    server_today = session.execute(text("SELECT current_date")).scalar_one()

    assert dashboard_counts(uow).as_of == server_today
