"""Expiry management: what expires when and where, the alerts and who owns them, the daily job, .ics export.

ISO 13485 7.5.11 (preservation of product), 医疗器械经营质量管理规范 近效期预警, 医疗器械监督管理条例
第五十五条 (no sale or use of expired devices). The database decides (migration 0006): a ship of an expired
lot is refused by the server's date, a consignee's minimum shelf life is enforced there, alerts are
raised, escalated and acknowledged by its functions. This module reads and asks; it never judges by the
workstation's clock.

A lot "with stock" is a (lot, one of our sites) pair with stock on hand: that is where the QA manager can
still act (use first, transfer, return, scrap, quarantine). "Band" is the product threshold the lot is
inside: the smallest threshold ≥ the days left (7 when 5 days are left of 180/90/30/7).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound
from app.reports.collector import young_collections_only

DEFAULT_THRESHOLDS = (180, 90, 30, 7)  # the product default (0001: alert_days DEFAULT '{180,90,30,7}')
MAX_THRESHOLDS = 8
DISPOSITIONS = ("use_first", "transfer", "return_to_supplier", "scrap", "quarantine")
SYSTEM_ACTOR = "medtrace-expiry"


@dataclass(frozen=True)
class ExpiryFilters:
    product_di: str | None = None
    site: str | None = None  # party code of one of our sites
    owner: str | None = None  # login owning the alerts
    status: str | None = None  # lot status


@dataclass(frozen=True)
class ExpiryAlert:
    id: int
    state: str  # open | escalated | acknowledged | closed
    threshold_days: int
    owner: str | None
    raised_at: dt.datetime
    escalated_at: dt.datetime | None
    escalated_to: str | None
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    note: str | None
    disposition: str | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "threshold_days": self.threshold_days, "owner": self.owner,
                "acknowledged_by": self.acknowledged_by, "disposition": self.disposition,
                "raised_at": self.raised_at.isoformat(),
                "escalated_to": self.escalated_to}


@dataclass(frozen=True)
class ExpiringLot:
    lot_id: int
    party_id: int
    di: str
    lot: str
    product: str
    site: str
    site_name: str
    expiry_date: dt.date
    days_left: int
    band: int | None  # the threshold it is inside; None when outside all of them
    thresholds: tuple[int, ...]
    default_thresholds: bool  # the product has the default list (shown as such)
    on_hand: int
    status: str
    alert: ExpiryAlert | None

    def as_json(self) -> dict[str, Any]:
        """DESIGN §6 `expiry list` fields (contract), plus a few added ones."""
        return {"di": self.di, "lot": self.lot, "product": self.product, "site": self.site,
                "expiry_date": self.expiry_date.isoformat(), "days_left": self.days_left, "band": self.band,
                "on_hand": self.on_hand, "status": self.status,
                "alert": None if self.alert is None else self.alert.as_json(),
                "thresholds": list(self.thresholds), "default_thresholds": self.default_thresholds}


@dataclass(frozen=True)
class ExpiryList:
    as_of: dt.date
    within_days: int
    lots: tuple[ExpiringLot, ...]
    data_gaps: tuple[str, ...] = ()  # lots holding stock that no expiry calendar can place (see data_gaps)

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "within_days": self.within_days,
                "lots": [lot.as_json() for lot in self.lots], "data_gaps": list(self.data_gaps)}


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    lots: int  # (lot, site) pairs with stock expiring that day
    on_hand: int
    band: int | None  # the tightest band among them


@dataclass(frozen=True)
class ExpiryRun:
    as_of: dt.date
    expired: int
    raised: int
    escalated: int
    closed: int

    def as_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "expired": self.expired, "raised": self.raised,
                "escalated": self.escalated, "closed": self.closed, "system_actor": SYSTEM_ACTOR}


# == Thresholds ======================================================================================


def parse_thresholds(value: str | Iterable[int] | None) -> tuple[int, ...]:
    """"180;90;30;7" (also commas or spaces) → (180, 90, 30, 7); empty → the default list.

    Raises InvalidInput naming the bad part ("7;abc": “abc” is not a number of days).
    """
    if value is None:
        return DEFAULT_THRESHOLDS
    parts = [p for p in re.split(r"[;,\s]+", value.strip())] if isinstance(value, str) else [str(v) for v in value]
    parts = [p for p in parts if p]
    if not parts:
        return DEFAULT_THRESHOLDS
    days = []
    for part in parts:
        if not part.isdigit():
            raise InvalidInput.of("expiry.threshold_not_number", part=part)
        if not 0 < int(part) <= 3650:
            raise InvalidInput.of("expiry.threshold_out_of_range", part=part)
        days.append(int(part))
    unique = sorted(set(days), reverse=True)
    if len(unique) > MAX_THRESHOLDS:
        raise InvalidInput.of("expiry.too_many_thresholds", max=MAX_THRESHOLDS, count=len(unique))
    return tuple(unique)


def band_of(days_left: int, thresholds: Sequence[int]) -> int | None:
    inside = [t for t in thresholds if days_left <= t]
    return min(inside) if inside else None


# == Reading =========================================================================================

# Stock of each lot is read per lot (`OFFSET 0` keeps the planner from flattening the lateral, which would
# aggregate the whole stock_on_hand view — every movement of the database — before joining: 12–20 s a month
# on the 1 M-lot reference set instead of under half a second).
_STOCK_FROM = """
  FROM lot l
  JOIN product p ON p.id = l.product_id
  CROSS JOIN LATERAL (SELECT party_id, quantity FROM stock_on_hand WHERE lot_id = l.id AND quantity > 0 OFFSET 0) s
  JOIN party pa ON pa.id = s.party_id AND pa.kind = 'manufacturer'
  LEFT JOIN LATERAL (SELECT * FROM expiry_alert x WHERE x.lot_id = l.id AND x.party_id = s.party_id
                       AND x.state <> 'closed' ORDER BY x.threshold_days, x.id DESC LIMIT 1) a ON true
 WHERE l.expiry_date BETWEEN :first AND :last {filters}
"""

_STOCK_SELECT = """
SELECT l.id AS lot_id, s.party_id, p.di, l.lot_no, p.name AS product, pa.code AS site, pa.name AS site_name,
       l.expiry_date, l.expiry_date - :as_of AS days_left, p.alert_days, s.quantity AS on_hand, l.status,
       a.id AS alert_id, a.state, a.threshold_days, coalesce(a.owner, nullif(p.expiry_owner, ''),
       nullif(pa.expiry_owner, '')) AS owner, a.raised_at, a.escalated_at, a.escalated_to,
       coalesce(a.acknowledged_name, a.acknowledged_by) AS acknowledged_by, a.acknowledged_at, a.note, a.disposition
""" + _STOCK_FROM

_STOCK_SQL = _STOCK_SELECT + " ORDER BY l.expiry_date, p.di, l.lot_no, pa.code\n"

# The calendar grid's figures, summed by the server: the band is `band_of` in SQL (the smallest threshold the
# days left are within), over the product's thresholds or the defaults.
_BAND = """(SELECT min(t) FROM unnest(coalesce(nullif(p.alert_days, '{{}}'), CAST(:defaults AS integer[]))) t
          WHERE l.expiry_date - CAST(:as_of AS date) <= t)"""
_DAYS_SQL = """
SELECT l.expiry_date AS day, count(*) AS lots, sum(s.quantity) AS on_hand, min(""" + _BAND + """) AS band
""" + _STOCK_FROM + """ GROUP BY l.expiry_date ORDER BY l.expiry_date
"""
# Lots per band up to a horizon (the Dashboard), expired ones as band 0, counted from the alerts the daily job
# keeps: one not closed per (lot, our site) holding stock inside a threshold, expired stock keeping its alert
# (mt_expiry_run_as_of). Summing the stock view instead reads ~200 k lots' movements on the 1 M-lot reference
# set (6–15 s); the alerts are one scan. The band is recomputed for today, so a lot moves on between runs.
_BANDS_SQL = """
SELECT band, count(*) AS lots
  FROM (SELECT CASE WHEN l.expiry_date < CAST(:as_of AS date) THEN 0 ELSE """ + _BAND + """ END AS band
          FROM expiry_alert a JOIN lot l ON l.id = a.lot_id JOIN product p ON p.id = l.product_id
         WHERE a.state <> 'closed' AND l.expiry_date <= :last) alerted
 WHERE band IS NOT NULL GROUP BY band ORDER BY band
"""


def _filter_sql(filters: ExpiryFilters | None) -> tuple[str, dict[str, Any]]:
    if filters is None:
        return "", {}
    clauses, params = [], {}
    if filters.product_di:
        clauses.append("p.di = :f_di")
        params["f_di"] = filters.product_di
    if filters.site:
        clauses.append("pa.code = :f_site")
        params["f_site"] = filters.site
    if filters.owner:
        clauses.append("coalesce(a.owner, nullif(p.expiry_owner, ''), nullif(pa.expiry_owner, '')) = :f_owner")
        params["f_owner"] = filters.owner
    if filters.status:
        clauses.append("l.status = :f_status")
        params["f_status"] = filters.status
    return "".join(f" AND {c}" for c in clauses), params


def _rows(uow: UnitOfWork, *, first: dt.date, last: dt.date, as_of: dt.date,
          filters: ExpiryFilters | None) -> list[ExpiringLot]:
    where, params = _filter_sql(filters)
    with uow, young_collections_only():  # a month is ~20 k lots
        rows = uow.session.execute(text(_STOCK_SQL.format(filters=where)),
                                   {"first": first, "last": last, "as_of": as_of, **params}).mappings().all()
        return [_lot(r) for r in rows]


def _lot(r: Any) -> ExpiringLot:
    thresholds = tuple(sorted(r["alert_days"] or DEFAULT_THRESHOLDS, reverse=True))
    alert = None
    if r["alert_id"] is not None:
        alert = ExpiryAlert(id=r["alert_id"], state=r["state"], threshold_days=r["threshold_days"], owner=r["owner"],
                            raised_at=r["raised_at"], escalated_at=r["escalated_at"], escalated_to=r["escalated_to"],
                            acknowledged_by=r["acknowledged_by"], acknowledged_at=r["acknowledged_at"],
                            note=r["note"], disposition=r["disposition"])
    return ExpiringLot(lot_id=r["lot_id"], party_id=r["party_id"], di=r["di"], lot=r["lot_no"], product=r["product"],
                       site=r["site"], site_name=r["site_name"], expiry_date=r["expiry_date"],
                       days_left=int(r["days_left"]), band=band_of(int(r["days_left"]), thresholds),
                       thresholds=thresholds, default_thresholds=thresholds == DEFAULT_THRESHOLDS,
                       on_hand=int(r["on_hand"]), status=str(r["status"]), alert=alert)


def server_today(uow: UnitOfWork) -> dt.date:
    with uow:
        return uow.session.execute(text("SELECT current_date")).scalar_one()  # type: ignore[no-any-return]


def list_expiring(uow: UnitOfWork, *, within_days: int, as_of: dt.date | None = None,
                  filters: ExpiryFilters | None = None) -> ExpiryList:
    """Every (lot, site) with stock expiring by as_of + within_days, expired stock still on hand included."""
    if not 0 <= within_days <= 3650:
        raise InvalidInput.of("expiry.window_out_of_range", days=within_days)
    as_of = as_of or server_today(uow)
    lots = _rows(uow, first=dt.date.min, last=as_of + dt.timedelta(days=within_days), as_of=as_of, filters=filters)
    return ExpiryList(as_of=as_of, within_days=within_days, lots=tuple(lots), data_gaps=data_gaps(uow))


def lots_expiring_on(uow: UnitOfWork, *, day: dt.date, as_of: dt.date | None = None,
                     filters: ExpiryFilters | None = None) -> list[ExpiringLot]:
    as_of = as_of or server_today(uow)
    return _rows(uow, first=day, last=day, as_of=as_of, filters=filters)


def calendar_month(uow: UnitOfWork, *, year: int, month: int, as_of: dt.date | None = None,
                   filters: ExpiryFilters | None = None) -> list[CalendarDay]:
    """Per day of the month: (lot, site) pairs with stock expiring that day, units, and the tightest band."""
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return calendar_days(uow, first=first, last=last, as_of=as_of, filters=filters)


def calendar_days(uow: UnitOfWork, *, first: dt.date, last: dt.date, as_of: dt.date | None = None,
                  filters: ExpiryFilters | None = None) -> list[CalendarDay]:
    """`calendar_month` for any range of days (the six weeks a month grid shows, a week), in one query."""
    where, params = _filter_sql(filters)
    with uow:
        as_of = as_of or server_today(uow)
        rows = uow.session.execute(text(_DAYS_SQL.format(filters=where)), {
            "first": first, "last": last, "as_of": as_of, "defaults": list(DEFAULT_THRESHOLDS), **params}).all()
    return [CalendarDay(day=r.day, lots=int(r.lots), on_hand=int(r.on_hand), band=r.band) for r in rows]


@dataclass(frozen=True)
class BandTotal:
    threshold_days: int  # this many days left or fewer (more than the next smaller threshold); 0: expired
    lots: int  # (lot, our site) pairs holding stock, as of the last run of the daily job


def band_totals(uow: UnitOfWork, *, within_days: int, as_of: dt.date | None = None) -> list[BandTotal]:
    """Lots holding stock at our sites inside each alert threshold up to `within_days` ahead, and expired ones
    still holding stock (band 0), counted by the server from the alerts the daily job keeps."""
    with uow:
        as_of = as_of or server_today(uow)
        rows = uow.session.execute(text(_BANDS_SQL.format()), {
            "last": as_of + dt.timedelta(days=within_days), "as_of": as_of,
            "defaults": list(DEFAULT_THRESHOLDS)}).all()
    return [BandTotal(int(r.band), int(r.lots)) for r in rows]


def alert_owners(uow: UnitOfWork) -> list[tuple[str | None, int]]:
    """Alerts that need someone (open or escalated) per owner, most first; nobody's (None) last."""
    with uow:
        rows = uow.session.execute(text(
            "SELECT owner, count(*) AS n FROM (SELECT coalesce(a.owner, nullif(p.expiry_owner, ''), "
            "       nullif(pa.expiry_owner, '')) AS owner"
            "  FROM expiry_alert a JOIN lot l ON l.id = a.lot_id JOIN product p ON p.id = l.product_id "
            "  JOIN party pa ON pa.id = a.party_id WHERE a.state IN ('open', 'escalated')) owned "
            " GROUP BY owner ORDER BY owner IS NULL, n DESC, owner")).all()
    return [(owner, int(n)) for owner, n in rows]


def data_gaps(uow: UnitOfWork) -> tuple[str, ...]:
    """Stock no calendar can place (each product's lots are read until one holds stock: summing the stock view
    whole took 12 s on the 1 M-lot reference set). The schema makes an expiry date mandatory (0001: NOT NULL, checked
    after the production date) and imports refuse a row without one, so what is left to report is stock
    of a lot whose product has no thresholds of its own: its alerts use the defaults, said so here."""
    with uow:
        products = uow.session.execute(text(
            "SELECT p.di, p.name FROM product p WHERE p.alert_days = '{180,90,30,7}'::integer[] "
            "AND EXISTS (SELECT FROM lot l CROSS JOIN LATERAL (SELECT FROM stock_on_hand s WHERE s.lot_id = l.id "
            "            AND s.quantity > 0 LIMIT 1) s WHERE l.product_id = p.id) "  # per lot, first found stops
            "ORDER BY p.di LIMIT 50")).all()
    return tuple(f"{name} ({di}): default thresholds 180/90/30/7 days" for di, name in products)


def open_alerts(uow: UnitOfWork, *, limit: int | None = None) -> list[ExpiringLot]:
    """Lots whose alert needs someone (open, escalated) or was acknowledged and still holds stock: escalated
    first, then open, then acknowledged, each by expiry date; the first `limit` of them when given (sorted
    and cut by the server, so that a site with a hundred thousand alerts does not fetch them all)."""
    # Driven by the alerts, not by every lot's stock (the whole reference set).
    where = " AND l.id IN (SELECT lot_id FROM expiry_alert WHERE state <> 'closed') AND a.id IS NOT NULL"
    sql = (_STOCK_SELECT.format(filters=where) + " ORDER BY CASE a.state WHEN 'escalated' THEN 0 WHEN 'open' THEN 1 "
           "WHEN 'acknowledged' THEN 2 ELSE 3 END, l.expiry_date, l.lot_no, pa.code")
    with uow, young_collections_only():
        as_of = uow.session.execute(text("SELECT current_date")).scalar_one()
        rows = uow.session.execute(text(sql + (" LIMIT :limit" if limit is not None else "")),
                                   {"first": dt.date.min, "last": dt.date.max, "as_of": as_of, "limit": limit}
                                   ).mappings().all()
        return [_lot(r) for r in rows]


@dataclass(frozen=True)
class AlertCounts:
    escalated: int
    waiting: int  # open, not escalated yet
    acknowledged: int

    @property
    def total(self) -> int:
        return self.escalated + self.waiting + self.acknowledged


def alert_counts(uow: UnitOfWork) -> AlertCounts:
    """How many alerts are in each state (not closed), counted by the server."""
    with uow:
        counts = dict(uow.session.execute(text(
            "SELECT state, count(*) FROM expiry_alert WHERE state <> 'closed' GROUP BY state")).all())
    return AlertCounts(int(counts.get("escalated", 0)), int(counts.get("open", 0)),
                       int(counts.get("acknowledged", 0)))


# == Acting ==========================================================================================


def acknowledge_alert(uow: UnitOfWork, *, alert_id: int, note: str, disposition: str) -> None:
    """Acknowledge with a note and a disposition; the database refuses a second acknowledgement by name."""
    if disposition not in DISPOSITIONS:
        raise InvalidInput.of("expiry.unknown_disposition", disposition=disposition)
    with uow:
        uow.session.execute(text("SELECT mt_acknowledge_expiry_alert(:id, :note, :disposition)"),
                            {"id": alert_id, "note": note, "disposition": disposition})
        uow.commit()


def run_expiry(uow: UnitOfWork) -> ExpiryRun:
    """The daily job as the signed-in person, by the server's date (at start and daily on every workstation)."""
    with uow:
        today = uow.session.execute(text("SELECT current_date")).scalar_one()
        row = uow.session.execute(text("SELECT * FROM mt_expiry_run()")).one()
        uow.commit()
    return ExpiryRun(today, *row)


def run_expiry_as_of(conn: Any, as_of: dt.date | None) -> ExpiryRun:
    """The daily job on the database owner's connection (`medtrace expiry run [--as-of]`)."""
    with conn.transaction():
        day = as_of or conn.execute("SELECT current_date").fetchone()[0]
        row = conn.execute("SELECT * FROM mt_expiry_run_as_of(%s)", (day,)).fetchone()
    return ExpiryRun(day, *row)


@dataclass(frozen=True)
class FefoWarning:
    """An earlier-expiring released lot of the same product on hand at the same site (first expired, first out)."""

    lot: str
    expiry_date: dt.date
    on_hand: int

    def describe(self, shipping: str) -> str:
        return (f"Lot {self.lot} of the same product expires earlier ({self.expiry_date}) and has {self.on_hand} "
                f"units on hand here: ship it before lot {shipping} (first expired, first out).")


def earlier_expiring(uow: UnitOfWork, *, lot_id: int, site_code: str) -> FefoWarning | None:
    """The earliest-expiring other released, unexpired lot of the product with stock at this site, if any."""
    with uow:
        row = uow.session.execute(text("""
            SELECT o.lot_no, o.expiry_date, s.quantity
              FROM lot l
              JOIN lot o ON o.product_id = l.product_id AND o.id <> l.id AND o.status = 'released'
                        AND o.expiry_date < l.expiry_date AND o.expiry_date >= current_date
              JOIN party pa ON pa.code = :site
              JOIN stock_on_hand s ON s.lot_id = o.id AND s.party_id = pa.id AND s.quantity > 0
             WHERE l.id = :lot
             ORDER BY o.expiry_date, o.lot_no LIMIT 1"""), {"lot": lot_id, "site": site_code}).first()
    return None if row is None else FefoWarning(row[0], row[1], int(row[2]))


def authorise_shelf_life_override(uow: UnitOfWork, *, lot_id: int, party_id: int, reason: str) -> int:
    """Record an authorised exception (QA approver, with a reason); valid only inside this unit of work."""
    return int(uow.session.execute(text("SELECT mt_authorise_shelf_life_override(:lot, :party, :reason)"),
                                   {"lot": lot_id, "party": party_id, "reason": reason}).scalar_one())


# == .ics export =====================================================================================


def write_ics(uow: UnitOfWork, *, out: Path | str, as_of: dt.date | None = None, within_days: int = 365,
              filters: ExpiryFilters | None = None) -> Path:
    """An iCalendar file (RFC 5545) Outlook and Thunderbird import: one all-day event per lot and site on its
    expiry date, with a reminder at each of the product's thresholds still ahead."""
    from icalendar import Alarm, Calendar, Event

    listing = list_expiring(uow, within_days=within_days, as_of=as_of, filters=filters)
    calendar = Calendar()
    calendar.add("prodid", "-//MedTrace QA Workstation//Expiry calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "MedTrace expiry")
    stamp = dt.datetime.now(dt.UTC)
    for lot in listing.lots:
        event = Event()
        event.add("uid", f"expiry-{lot.lot_id}-{lot.party_id}@medtrace")
        event.add("dtstamp", stamp)
        event.add("dtstart", lot.expiry_date)
        event.add("dtend", lot.expiry_date + dt.timedelta(days=1))
        event.add("summary", f"Expiry: {lot.product} lot {lot.lot} ({lot.on_hand} at {lot.site})")
        event.add("description", f"UDI-DI {lot.di}, lot {lot.lot}, expires {lot.expiry_date.isoformat()}; "
                                 f"{lot.on_hand} units on hand at {lot.site} {lot.site_name}; status {lot.status}.")
        event.add("categories", ["MedTrace", "Expiry"])
        event.add("transp", "TRANSPARENT")
        for threshold in lot.thresholds:
            if lot.days_left > threshold:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", f"{lot.product} lot {lot.lot} expires in {threshold} days")
                alarm.add("trigger", dt.timedelta(days=-threshold))
                event.add_component(alarm)
        calendar.add_component(event)
    target = Path(out).expanduser()
    if not target.parent.is_dir():
        raise NotFound.of("expiry.calendar_folder_missing", folder=target.parent)
    temporary = target.with_name(f".{target.name}.part")
    try:
        temporary.write_bytes(calendar.to_ical())
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InvalidInput.of("expiry.calendar_not_written", target=target, detail=exc.strerror or exc) from None
    return target
