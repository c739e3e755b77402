"""Recalls and mock-recall drills: open with a signature, freeze the scope, contain, notify, reconcile, close.

DESIGN §1 (job 2), §4 (Recall); 医疗器械召回管理办法 (国家食品药品监督管理总局令第29号, 2017); 21 CFR 7.42,
7.49, 806.10; ISO 13485 8.3.3. The rules live in PostgreSQL (migration 0007): who may open and close,
the scope computed and frozen by the database, stock held in the opening transaction, deadlines from
the server's clock and the working-day calendar. This module runs the signing ceremony (only the
workstation can unwrap the signer's key), reads the case back and computes its KPIs.

Functions taking a `psycopg.Connection` work on any verified connection of the person (the CLI's
autocommit one, or the GUI's pool connection inside a unit of work: `UnitOfWork.driver_connection`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import psycopg

from app.db.uow import UnitOfWork, explain_database_error
from app.errors import InvalidInput, MedTraceError, NotFound
from app.messages import Said
from app.messages import current_language as messages_language
from app.reports.collector import young_collections_only
from app.security.signing import content_digest, recall_signature_message
from app.services.identity import Signer, signing_session

T = TypeVar("T")
LEVELS = {1: ("一级", "Class I"), 2: ("二级", "Class II"), 3: ("三级", "Class III")}
METHODS = ("phone", "email", "letter", "fax", "visit")
CHECK_RESULTS = ("effective", "ineffective", "no_response")
EFFECTIVENESS_LEVELS = ("A", "B", "C", "D", "E")  # 21 CFR 7.42(b)(3): 100 %, between, 10 %, 2 %, none
# The meaning of each recall signature as printed (21 CFR 11.50(a)(3)): English, Chinese.
SIGNATURE_MEANINGS = {"initiated": ("Recall initiated", "召回启动"), "closed": ("Recall closed", "召回关闭")}
# The deadlines (医疗器械召回管理办法: consignees notified within 1/3/7 days for 一/二/三级, the recall plan
# within 5 working days; 21 CFR 806.10(b): the FDA report within 10 working days) are computed by the
# database from its own clock and working-day calendar (mt_open_recall, migration 0007).


# == What a case looks like =====================================================================


@dataclass(frozen=True)
class RecallLot:
    """A lot in the frozen scope, with its quantity balance at opening."""

    lot_id: int
    di: str
    lot_no: str
    product: str
    relation: str  # start | finished
    status_before: str
    made: int
    on_hand: int
    shipped: int
    returned: int
    consumed: int
    scrapped: int
    produced: int

    @property
    def accounted(self) -> int:
        """made = on hand + shipped − returned + consumed + scrapped (DESIGN §4)."""
        return self.on_hand + self.shipped - self.returned + self.consumed + self.scrapped

    @property
    def reconciled(self) -> bool:
        return self.accounted == self.made

    def as_json(self) -> dict[str, Any]:
        return {"di": self.di, "lot": self.lot_no, "relation": self.relation, "quantity_in_scope": self.made,
                "product": self.product, "status": self.status_before, "made": self.made,
                "on_hand": self.on_hand, "shipped": self.shipped, "returned": self.returned,
                "consumed": self.consumed, "scrapped": self.scrapped, "reconciled": self.reconciled}


@dataclass(frozen=True)
class RecallLine:
    """One consignee × lot of the frozen scope, and what has come back of it since."""

    party: str
    name: str
    kind: str
    tier: int
    lot_id: int
    di: str
    lot_no: str
    shipped: int
    returned: int
    on_hand: int
    returned_in_case: int

    @property
    def remaining(self) -> int:
        return max(self.on_hand, 0) - self.returned_in_case

    def as_json(self) -> dict[str, Any]:
        return {"party": self.party, "name": self.name, "kind": self.kind, "tier": self.tier, "di": self.di,
                "lot": self.lot_no, "shipped": self.shipped, "returned": self.returned, "on_hand": self.on_hand,
                "returned_in_case": self.returned_in_case, "remaining": self.remaining}


@dataclass(frozen=True)
class RecallConsignee:
    """A consignee's worklist entry: contact, notification, acknowledgement and quantities."""

    party_id: int
    party: str
    name: str
    kind: str
    tier: int
    contact: str
    phone: str
    address: str
    notified_at: dt.datetime | None
    notified_by: str | None
    method: str | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    on_hand: int
    returned_in_case: int

    @property
    def remaining(self) -> int:
        return self.on_hand - self.returned_in_case

    def as_json(self) -> dict[str, Any]:
        return {"party": self.party, "name": self.name, "kind": self.kind, "tier": self.tier,
                "contact": self.contact, "phone": self.phone, "address": self.address,
                "notified_at": _iso(self.notified_at), "notified_by": self.notified_by, "method": self.method,
                "acknowledged_at": _iso(self.acknowledged_at), "acknowledged_by": self.acknowledged_by,
                "on_hand": self.on_hand, "returned_in_case": self.returned_in_case, "remaining": self.remaining}


@dataclass(frozen=True)
class Contained:
    di: str
    lot_no: str
    site: str
    quantity: int

    def as_json(self) -> dict[str, Any]:
        return {"di": self.di, "lot": self.lot_no, "site": self.site, "quantity": self.quantity}


@dataclass(frozen=True)
class RecallSignature:
    meaning: str
    signer: str
    printed_name: str
    signed_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {"meaning": self.meaning, "signer": self.signer, "printed_name": self.printed_name,
                "signed_at": _iso(self.signed_at)}


@dataclass(frozen=True)
class EffectivenessCheck:
    party: str
    name: str
    rank: int
    result: str | None
    note: str
    checked_by: str | None
    checked_at: dt.datetime | None

    def as_json(self) -> dict[str, Any]:
        return {"party": self.party, "name": self.name, "rank": self.rank, "result": self.result,
                "note": self.note, "checked_by": self.checked_by, "checked_at": _iso(self.checked_at)}


@dataclass(frozen=True)
class RecallKpis:
    time_to_identify_s: float | None
    time_to_contain_s: float | None
    time_to_notify_all_s: float | None
    quantity_reconciled_pct: float | None
    consignees_acknowledged_pct: float | None
    data_gaps: tuple[str, ...]  # in English
    gap_messages: tuple[Said, ...] = ()  # the same gaps, by message id

    def shown_gaps(self, language: str | None = None) -> list[str]:
        """The data gaps in `language` (the current one by default)."""
        if len(self.gap_messages) != len(self.data_gaps):
            return list(self.data_gaps)
        return [gap.render(language) for gap in self.gap_messages]

    def as_json(self) -> dict[str, Any]:
        return {"time_to_identify_s": self.time_to_identify_s, "time_to_contain_s": self.time_to_contain_s,
                "time_to_notify_all_s": self.time_to_notify_all_s,
                "quantity_reconciled_pct": self.quantity_reconciled_pct,
                "consignees_acknowledged_pct": self.consignees_acknowledged_pct, "data_gaps": list(self.data_gaps)}


@dataclass(frozen=True)
class RecallCase:
    id: int
    kind: str
    level: int
    state: str
    trigger: dict[str, Any]
    reason: str
    health_hazard: str
    effectiveness_level: str
    opened_by: str
    opened_at: dt.datetime
    notify_deadline: dt.datetime
    plan_deadline: dt.date
    fda_report_deadline: dt.date
    closed_by: str | None
    closed_at: dt.datetime | None
    scope_frozen_at: dt.datetime | None
    contained_at: dt.datetime | None
    now: dt.datetime
    lots: tuple[RecallLot, ...]
    lines: tuple[RecallLine, ...]
    consignees: tuple[RecallConsignee, ...]
    contained: tuple[Contained, ...]
    signatures: tuple[RecallSignature, ...]
    checks: tuple[EffectivenessCheck, ...]
    outstanding: str | None
    kpis: RecallKpis = field(init=False)
    # mt_recall_outstanding's clauses by message id; empty when nothing is outstanding or when this wording of
    # them in English would not be the database's sentence word for word
    outstanding_parts: tuple[Said, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kpis", _kpis(self))
        # Worded once, where the case is loaded (off the GUI thread): a hub case has ~170 k lines to go through.
        object.__setattr__(self, "outstanding_parts", _outstanding_parts(self) if self.outstanding else ())

    def shown_outstanding(self, language: str | None = None) -> str | None:
        """What is missing before closing (the database's `outstanding`), in `language` (the current one).

        Worded from the case's own consignees and lines, by message id; the database's English sentence is
        shown instead whenever this English wording would not be exactly it (a newer database, say).
        """
        parts = self.outstanding_parts
        if not parts:
            return self.outstanding
        separator = "；" if (language or messages_language()) == "zh_CN" else "; "
        return separator.join(part.render(language) for part in parts)

    @property
    def fda_class(self) -> str:
        return LEVELS[self.level][1]

    @property
    def level_cn(self) -> str:
        return LEVELS[self.level][0]

    @property
    def notify_overdue(self) -> bool:
        """Past the notification deadline with a consignee still not notified."""
        return self.now > self.notify_deadline and any(c.notified_at is None for c in self.consignees)

    @property
    def notified(self) -> int:
        return sum(c.notified_at is not None for c in self.consignees)

    @property
    def acknowledged(self) -> int:
        return sum(c.acknowledged_at is not None for c in self.consignees)

    @property
    def units_out(self) -> int:
        return sum(max(line.on_hand, 0) for line in self.lines)

    @property
    def units_returned(self) -> int:
        return sum(line.returned_in_case for line in self.lines)

    def as_json(self) -> dict[str, Any]:
        start = self.trigger
        return {
            "id": self.id, "kind": self.kind, "level": self.level, "fda_class": self.fda_class,
            "state": self.state, "opened_at": _iso(self.opened_at), "opened_by": self.opened_by,
            "notify_deadline": _iso(self.notify_deadline), "plan_deadline": self.plan_deadline.isoformat(),
            "fda_report_deadline": self.fda_report_deadline.isoformat(), "notify_overdue": self.notify_overdue,
            "closed_at": _iso(self.closed_at), "closed_by": self.closed_by,
            "trigger": {"di": start.get("di"), "lot": start.get("lot"), **{k: v for k, v in start.items()
                                                                          if k not in ("di", "lot")}},
            "reason": self.reason, "health_hazard": self.health_hazard,
            "lots": [lot.as_json() for lot in self.lots],
            "consignees": [line.as_json() for line in self.lines],
            "worklist": [c.as_json() for c in self.consignees],
            "contained": [c.as_json() for c in self.contained] if self.kind == "recall" else [],
            "simulated_hold": [c.as_json() for c in self.contained] if self.kind == "drill" else [],
            "signatures": [s.as_json() for s in self.signatures],
            "effectiveness_level": self.effectiveness_level,
            "effectiveness_checks": [c.as_json() for c in self.checks],
            "outstanding": self.outstanding,
            "kpis": self.kpis.as_json(),
        }

    def describe(self) -> str:
        k = self.kpis
        word = "Drill" if self.kind == "drill" else "Recall"
        lines = [
            f"{word} {self.id} — level {self.level} ({self.level_cn} / {self.fda_class}), {self.state}",
            f"Trigger: lot {self.trigger.get('lot')} ({self.trigger.get('di')}); reason: {self.reason}",
            f"Opened {self.opened_at:%Y-%m-%d %H:%M} by {self.opened_by}; notify all by "
            f"{self.notify_deadline:%Y-%m-%d %H:%M}{' (OVERDUE)' if self.notify_overdue else ''}",
            f"Scope: {len(self.lots)} lot(s), {len(self.consignees)} consignee(s), {len(self.lines)} line(s); "
            f"notified {self.notified}, acknowledged {self.acknowledged}, "
            f"returned {self.units_returned} of {self.units_out}",
        ]
        if not self.consignees:
            lines.append("No lot in scope was shipped from our sites: there is no consignee to notify.")
        held = sum(c.quantity for c in self.contained)
        lines.append(("Held at our sites: " if self.kind == "recall" else "Would be held (drill, nothing held): ")
                     + f"{held} unit(s) in {len(self.contained)} place(s)")
        lines.append(f"KPIs: identify {_secs(k.time_to_identify_s)}, contain {_secs(k.time_to_contain_s)}, "
                     f"notify all {_secs(k.time_to_notify_all_s)}, reconciled {_pct(k.quantity_reconciled_pct)}, "
                     f"acknowledged {_pct(k.consignees_acknowledged_pct)}")
        lines += [f"Data gap: {gap}" for gap in k.shown_gaps()]
        if self.outstanding and self.state != "closed":
            lines.append(f"Before closing: {self.shown_outstanding()}")
        return "\n".join(lines)


@dataclass(frozen=True)
class RecallRow:
    """One case in the Recalls list (and on the Dashboard)."""

    id: int
    kind: str
    level: int
    state: str
    trigger_lot: str
    product: str
    opened_at: dt.datetime
    notify_deadline: dt.datetime
    overdue: bool
    consignees: int
    notified: int
    acknowledged: int
    units_out: int
    units_returned: int


@dataclass(frozen=True)
class ScopeChange:
    """What the trace finds today against what was frozen at opening."""

    added: tuple[tuple[str, str, str], ...]  # (party, di, lot)
    removed: tuple[tuple[str, str, str], ...]

    def describe(self) -> str:
        if not self.added and not self.removed:
            return "The scope is unchanged since opening."
        parties_added = {p for p, _, _ in self.added}
        parts = []
        if self.added:
            parts.append(f"{len(parties_added)} consignee(s) added since opening ({len(self.added)} line(s))")
        if self.removed:
            parts.append(f"{len(self.removed)} line(s) no longer found")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class RecallOpened:
    """A case just opened and signed "Recall initiated", without its scope (see initiate_recall)."""

    id: int
    kind: str
    level: int
    scope_frozen_at: dt.datetime


# == Opening and closing: the signing ceremony ==================================================


@dataclass(frozen=True)
class Trigger:
    """What starts a case (DESIGN §4): a lot (finished or component), one serialised unit, or a product's
    lots made within a date range. A serial recalls its whole lot: the database freezes the lot's scope,
    a superset of the unit's own path, so no consignee of a sister unit is missed."""

    lot_no: str = ""
    di: str | None = None
    serial: str | None = None
    made_from: dt.date | None = None
    made_until: dt.date | None = None

    def check(self) -> None:
        ranged = self.made_from is not None or self.made_until is not None
        if ranged and (not self.di or self.made_from is None or self.made_until is None):
            raise InvalidInput.of("recall.product_range_incomplete")
        if ranged and self.made_from > self.made_until:  # type: ignore[operator]
            raise InvalidInput.of("recall.range_reversed")
        if ranged and self.lot_no.strip():
            raise InvalidInput.of("recall.lot_and_range")
        if not ranged and not self.lot_no.strip():
            raise InvalidInput.of("recall.nothing_named")
        if self.serial is not None and not self.serial.strip():
            raise InvalidInput.of("recall.serial_empty")


def open_recall(
    base_args: dict[str, str], *, login: str, password: str, code: str, lot_no: str = "", di: str | None = None,
    level: int, drill: bool, reason: str, health_hazard: str = "", serial: str | None = None,
    made_from: dt.date | None = None, made_until: dt.date | None = None,
) -> RecallCase:
    """Open a recall (or a drill) and sign it "Recall initiated", in one transaction, and read the whole case
    back (the command line's document; `initiate_recall` is the same ceremony without the read-back).

    The database computes and freezes the scope and, for a real recall, holds the stock; a refusal or a
    lost connection at any point leaves nothing opened and no stock held.
    """
    start = Trigger(lot_no, di, serial, made_from, made_until)
    return _open_and_sign(base_args, start, login=login, password=password, code=code, level=level, drill=drill,
                          reason=reason, health_hazard=health_hazard, read_back=recall_case)


def initiate_recall(
    base_args: dict[str, str], *, login: str, password: str, code: str, lot_no: str = "", di: str | None = None,
    level: int, drill: bool, reason: str, health_hazard: str = "", serial: str | None = None,
    made_from: dt.date | None = None, made_until: dt.date | None = None,
) -> RecallOpened:
    """The ceremony of `open_recall` (same rules, same refusals), returning only what was opened: the GUI reads
    the case afterwards on its own pool, so a hub lot's ~320 k scope rows are not read twice."""
    start = Trigger(lot_no, di, serial, made_from, made_until)
    return _open_and_sign(base_args, start, login=login, password=password, code=code, level=level, drill=drill,
                          reason=reason, health_hazard=health_hazard, read_back=_opened)


def _open_and_sign(base_args: dict[str, str], start: Trigger, *, login: str, password: str, code: str, level: int,
                   drill: bool, reason: str, health_hazard: str,
                   read_back: Callable[[psycopg.Connection, int], T]) -> T:
    start.check()
    if level not in LEVELS:
        raise InvalidInput.of("recall.unknown_level")
    if not reason.strip():
        raise InvalidInput.of("recall.reason_required")  # the database's words
    with signing_session(base_args, login=login, password=password, code=code) as signer:
        conn = signer.conn
        try:
            lot_ids, trigger = _find_start(conn, start)
            recall_id = conn.execute("SELECT mt_open_recall(%s, %s, %s, %s, %s, %s)",
                                     ("drill" if drill else "recall", level, lot_ids, json.dumps(trigger),
                                      reason, health_hazard)).fetchone()[0]
            _sign(signer, recall_id, "initiated")
            conn.commit()
        except psycopg.Error as exc:
            raise _refusal(conn, exc) from None
        conn.autocommit = True
        return read_back(conn, recall_id)


def _opened(conn: psycopg.Connection, recall_id: int) -> RecallOpened:
    kind, level, scope_frozen_at = conn.execute(
        "SELECT kind, level, scope_frozen_at FROM recall_case WHERE id = %s", (recall_id,)).fetchone()
    return RecallOpened(recall_id, kind, level, scope_frozen_at)


def close_recall(base_args: dict[str, str], *, login: str, password: str, code: str, recall_id: int) -> RecallCase:
    """Sign "Recall closed": refused, naming what is missing, until every consignee is notified and has
    acknowledged and every unit they held is back."""
    with signing_session(base_args, login=login, password=password, code=code) as signer:
        conn = signer.conn
        try:
            _sign(signer, recall_id, "closed")
            conn.commit()
        except psycopg.Error as exc:
            raise _refusal(conn, exc) from None
        conn.autocommit = True
        return recall_case(conn, recall_id)


def _sign(signer: Signer, recall_id: int, meaning: str) -> None:
    conn = signer.conn
    # The content as it stands, built once: the database keeps its digest for mt_sign_recall's check in this
    # transaction (migration 0010).
    canonical = conn.execute("SELECT mt_recall_signing_content(%s)", (recall_id,)).fetchone()[0]
    if canonical is None or '"case": null' in canonical:
        raise NotFound.of("recall.not_found", recall_id=recall_id)
    digest = content_digest(canonical)
    signature = signer.private_key.sign(recall_signature_message(recall_id=recall_id, meaning=meaning,
                                                                 signer=signer.login, digest=digest))
    conn.execute("SELECT mt_sign_recall(%s, %s, %s, %s, %s)", (recall_id, meaning, digest, signature, signer.key_id))


def _find_start(conn: psycopg.Connection, start: Trigger) -> tuple[list[int], dict[str, Any]]:
    """The lots a trigger starts from, and the trigger as the case keeps it."""
    if start.made_from is not None:
        rows = conn.execute(
            "SELECT l.id, l.lot_no FROM lot l JOIN product p ON p.id = l.product_id WHERE p.di = %s "
            "AND l.production_date BETWEEN %s AND %s ORDER BY l.production_date, l.lot_no",
            (start.di, start.made_from, start.made_until)).fetchall()
        if not rows:
            raise NotFound.of("recall.no_lots_in_range", di=start.di, made_from=start.made_from,
                              made_until=start.made_until)
        shown = rows[0][1] if len(rows) == 1 else f"{rows[0][1]} … {rows[-1][1]} ({len(rows)} lots)"
        return [r[0] for r in rows], {"type": "product", "di": start.di, "lot": shown,
                                      "made_from": start.made_from.isoformat(),
                                      "made_until": start.made_until.isoformat()}  # type: ignore[union-attr]
    lot_id, di = _find_lot(conn, start.lot_no, start.di)
    if start.serial is None:
        return [lot_id], {"type": "lot", "di": di, "lot": start.lot_no.strip()}
    serial = start.serial.strip()
    if conn.execute("SELECT 1 FROM serial_unit WHERE lot_id = %s AND serial = %s", (lot_id, serial)).fetchone() is None:
        raise NotFound.of("recall.no_such_serial", lot_no=start.lot_no, serial=serial)
    return [lot_id], {"type": "serial", "di": di, "lot": start.lot_no.strip(), "serial": serial}


def _find_lot(conn: psycopg.Connection, lot_no: str, di: str | None) -> tuple[int, str]:
    rows = conn.execute(
        "SELECT l.id, p.di FROM lot l JOIN product p ON p.id = l.product_id "
        "WHERE l.lot_no = %s AND (%s::text IS NULL OR p.di = %s) ORDER BY p.di",
        (lot_no.strip(), di, di)).fetchall()
    if not rows:
        raise (NotFound.of("recall.no_such_lot_of_product", lot_no=lot_no, di=di) if di
               else NotFound.of("recall.no_such_lot", lot_no=lot_no))
    if len(rows) > 1:
        raise InvalidInput.of("recall.lot_ambiguous", lot_no=lot_no, count=len(rows),
                              products=", ".join(r[1] for r in rows))
    return rows[0][0], rows[0][1]


def _rollback(conn: psycopg.Connection) -> None:
    with contextlib.suppress(psycopg.Error):
        conn.rollback()


def _refusal(conn: psycopg.Connection, exc: psycopg.Error) -> MedTraceError:
    _rollback(conn)  # the server has rolled back already when the connection is gone
    return explain_database_error(exc)


# == Working the consignee list =================================================================


def _call(conn: psycopg.Connection, query: str, params: Sequence[Any]) -> Any:
    """One action in the caller's transaction: autocommit on the CLI's connection, the unit of work's in the
    GUI (`in_unit_of_work`), which commits it."""
    try:
        row = conn.execute(query, params).fetchone()
    except psycopg.Error as exc:
        raise _refusal(conn, exc) from None
    return row[0] if row else None


def _party_id(conn: psycopg.Connection, recall_id: int, party: str) -> int:
    row = conn.execute(
        "SELECT p.id FROM recall_consignee c JOIN party p ON p.id = c.party_id "
        "WHERE c.recall_id = %s AND p.code = %s", (recall_id, party.strip())).fetchone()
    if row is None:
        _ensure_case(conn, recall_id)
        raise InvalidInput.of("recall.party_not_consignee", party=party, recall_id=recall_id)
    return int(row[0])


def _ensure_case(conn: psycopg.Connection, recall_id: int) -> None:
    if conn.execute("SELECT 1 FROM recall_case WHERE id = %s", (recall_id,)).fetchone() is None:
        raise NotFound.of("recall.not_found", recall_id=recall_id)


def record_notification(conn: psycopg.Connection, recall_id: int, *, party: str, method: str) -> None:
    if method not in METHODS:
        raise InvalidInput.of("recall.unknown_notification_method", method=method, methods=", ".join(METHODS))
    _call(conn, "SELECT mt_recall_notify(%s, %s, %s)", (recall_id, _party_id(conn, recall_id, party), method))


def record_acknowledgement(conn: psycopg.Connection, recall_id: int, *, party: str) -> None:
    _call(conn, "SELECT mt_recall_ack(%s, %s)", (recall_id, _party_id(conn, recall_id, party)))


def record_return(conn: psycopg.Connection, recall_id: int, *, party: str, lot_no: str, quantity: int) -> None:
    """A return from a consignee: in a real recall a return movement referencing the case; in a drill a
    simulated count on the case only."""
    party_id = _party_id(conn, recall_id, party)
    row = conn.execute("SELECT x.lot_id FROM recall_line x JOIN lot l ON l.id = x.lot_id "
                       "WHERE x.recall_id = %s AND x.party_id = %s AND l.lot_no = %s",
                       (recall_id, party_id, lot_no.strip())).fetchone()
    if row is None:
        raise InvalidInput.of("recall.lot_not_shipped_to", lot_no=lot_no, party=party, recall_id=recall_id)
    _call(conn, "SELECT mt_recall_return(%s, %s, %s, %s)", (recall_id, party_id, row[0], quantity))


def draw_effectiveness_checks(conn: psycopg.Connection, recall_id: int, *, level: str) -> int:
    """21 CFR 7.42(b)(3): draw the consignees to check at level A–E, reproducibly; returns how many."""
    return int(_call(conn, "SELECT mt_recall_draw_checks(%s, %s)", (recall_id, level.strip().upper())))


def record_effectiveness_check(conn: psycopg.Connection, recall_id: int, *, party: str, result: str,
                               note: str = "") -> None:
    if result not in CHECK_RESULTS:
        raise InvalidInput.of("recall.unknown_check_result", results=", ".join(CHECK_RESULTS))
    _call(conn, "SELECT mt_recall_record_check(%s, %s, %s, %s)",
          (recall_id, _party_id(conn, recall_id, party), result, note))


def set_work_day(conn: psycopg.Connection, day: dt.date, *, working: bool | None, note: str, reason: str) -> None:
    """Mark a holiday (working=False), a make-up working day (True) or return the day to the default (None)."""
    _call(conn, "SELECT mt_set_work_day(%s, %s, %s, %s)", (day, working, note, reason))


@dataclass(frozen=True)
class WorkDay:
    """A day that differs from the default week (Monday–Friday working): a holiday or a make-up working day."""

    day: dt.date
    working: bool
    note: str
    changed_by: str
    changed_at: dt.datetime


def work_calendar(uow: UnitOfWork, *, first: dt.date, last: dt.date) -> list[WorkDay]:
    """The holidays and make-up working days (调休) between two days, which recall deadlines count by."""
    with uow:
        rows = uow.driver_connection().execute(
            "SELECT day, working, note, changed_by, changed_at FROM work_calendar WHERE day BETWEEN %s AND %s "
            "ORDER BY day", (first, last)).fetchall()
    return [WorkDay(*row) for row in rows]


# == Reading ====================================================================================


def in_unit_of_work(uow: UnitOfWork, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one of the worklist actions above on the unit of work's connection, and commit it."""
    with uow:
        result = action(uow.driver_connection(), *args, **kwargs)
        uow.commit()
        return result


def load_recall(uow: UnitOfWork, recall_id: int) -> RecallCase:
    with uow:
        return recall_case(uow.driver_connection(), recall_id)


def recall_case(conn: psycopg.Connection, recall_id: int) -> RecallCase:
    # A hub lot's case is ~450 k new objects: the full collections they set off held the GIL for 100–200 ms
    # each in the worker thread while the GUI thread stood still (DESIGN §7: stalls ≤ 100 ms).
    with young_collections_only():
        return _recall_case(conn, recall_id)


def _recall_case(conn: psycopg.Connection, recall_id: int) -> RecallCase:
    head = conn.execute(
        "SELECT id, kind, level, state, trigger, reason, health_hazard, effectiveness_level, opened_by, opened_at, "
        "notify_deadline, plan_deadline, fda_report_deadline, closed_by, closed_at, scope_frozen_at, contained_at, "
        "now(), mt_recall_outstanding(id) FROM recall_case WHERE id = %s", (recall_id,)).fetchone()
    if head is None:
        raise NotFound.of("recall.not_found", recall_id=recall_id)
    lots = tuple(RecallLot(*r) for r in conn.execute(
        "SELECT rl.lot_id, p.di, l.lot_no, p.name, rl.relation, rl.status_before, rl.made, rl.on_hand, rl.shipped, "
        "rl.returned, rl.consumed, rl.scrapped, rl.produced FROM recall_lot rl JOIN lot l ON l.id = rl.lot_id "
        "JOIN product p ON p.id = l.product_id WHERE rl.recall_id = %s "
        "ORDER BY rl.relation DESC, p.di, l.lot_no", (recall_id,)))
    lines = tuple(RecallLine(*r) for r in conn.execute(
        "SELECT pa.code, pa.name, pa.kind, x.tier, x.lot_id, p.di, l.lot_no, x.shipped, x.returned, x.on_hand, "
        "x.returned_in_case FROM recall_line x JOIN party pa ON pa.id = x.party_id JOIN lot l ON l.id = x.lot_id "
        "JOIN product p ON p.id = l.product_id WHERE x.recall_id = %s ORDER BY x.tier, pa.code, p.di, l.lot_no",
        (recall_id,)))
    held: dict[str, list[int]] = {}
    for line in lines:
        totals = held.setdefault(line.party, [0, 0])
        totals[0] += max(line.on_hand, 0)
        totals[1] += line.returned_in_case
    consignees = tuple(RecallConsignee(*r, *held.get(r[1], (0, 0))) for r in conn.execute(
        "SELECT c.party_id, pa.code, pa.name, pa.kind, c.tier, pa.contact, pa.phone, pa.address, c.notified_at, "
        "c.notified_by, c.method, c.acknowledged_at, c.acknowledged_by "
        "FROM recall_consignee c JOIN party pa ON pa.id = c.party_id "
        "WHERE c.recall_id = %s ORDER BY c.tier, pa.code", (recall_id,)))
    contained = tuple(Contained(*r) for r in conn.execute(
        "SELECT p.di, l.lot_no, s.code, c.quantity FROM recall_containment c JOIN lot l ON l.id = c.lot_id "
        "JOIN product p ON p.id = l.product_id JOIN party s ON s.id = c.site_id WHERE c.recall_id = %s "
        "ORDER BY p.di, l.lot_no, s.code", (recall_id,)))
    signatures = tuple(RecallSignature(*r) for r in conn.execute(
        "SELECT meaning, signer, printed_name, signed_at FROM recall_signature WHERE recall_id = %s ORDER BY id",
        (recall_id,)))
    checks = tuple(EffectivenessCheck(*r) for r in conn.execute(
        "SELECT pa.code, pa.name, k.drawn_rank, k.result, k.note, k.checked_by, k.checked_at FROM recall_check k "
        "JOIN party pa ON pa.id = k.party_id WHERE k.recall_id = %s ORDER BY k.drawn_rank", (recall_id,)))
    return RecallCase(*head[:18], lots=lots, lines=lines, consignees=consignees, contained=contained,
                      signatures=signatures, checks=checks, outstanding=head[18])


LIST_SQL = """
SELECT c.id, c.kind, c.level, c.state, coalesce(c.trigger ->> 'lot', ''), coalesce(p.name, ''),
       c.opened_at, c.notify_deadline,
       c.state <> 'closed' AND now() > c.notify_deadline AND coalesce(x.notified, 0) < coalesce(x.total, 0),
       coalesce(x.total, 0), coalesce(x.notified, 0), coalesce(x.acknowledged, 0),
       coalesce(y.units_out, 0), coalesce(y.units_returned, 0)
  FROM recall_case c
  LEFT JOIN LATERAL (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = c.id AND rl.relation = 'start'
                      LIMIT 1) s ON true
  LEFT JOIN lot l ON l.id = s.lot_id
  LEFT JOIN product p ON p.id = l.product_id
  LEFT JOIN LATERAL (SELECT count(*) AS total, count(notified_at) AS notified, count(acknowledged_at) AS acknowledged
                       FROM recall_consignee k WHERE k.recall_id = c.id) x ON true
  LEFT JOIN LATERAL (SELECT sum(greatest(on_hand, 0)) AS units_out, sum(returned_in_case) AS units_returned
                       FROM recall_line r WHERE r.recall_id = c.id) y ON true
 WHERE (%(open_only)s IS FALSE OR c.state <> 'closed')
 ORDER BY c.state = 'closed', c.id DESC
 LIMIT 500
"""


def list_recalls(uow: UnitOfWork, *, open_only: bool = False) -> list[RecallRow]:
    with uow:
        return [RecallRow(*r) for r in uow.driver_connection().execute(LIST_SQL, {"open_only": open_only})]


# The facts _kpis counts from a loaded case, counted here by the database for many drills at once: a hub
# drill read whole is ~320 k rows (seconds each), its aggregate a few index scans.
TREND_SQL = """
WITH drills AS (
    SELECT id, opened_at, scope_frozen_at, contained_at FROM recall_case WHERE kind = 'drill'
     ORDER BY opened_at DESC, id DESC LIMIT %(limit)s
)
SELECT d.id, d.opened_at, d.scope_frozen_at, d.contained_at, k.total, k.notified, k.last_notified, k.acknowledged,
       l.made, l.made_reconciled
  FROM drills d
 CROSS JOIN LATERAL (SELECT count(*) AS total, count(notified_at) AS notified, max(notified_at) AS last_notified,
                            count(acknowledged_at) AS acknowledged
                       FROM recall_consignee WHERE recall_id = d.id) k
 CROSS JOIN LATERAL (SELECT coalesce(sum(made), 0)::bigint AS made,
                            coalesce(sum(made) FILTER (WHERE on_hand + shipped - returned + consumed + scrapped = made),
                                     0)::bigint AS made_reconciled
                       FROM recall_lot WHERE recall_id = d.id) l
 ORDER BY d.opened_at, d.id
"""
# The lots a data gap names (RecallLot's columns, in recall_case's order): no produce movement, or made ≠
# on hand + shipped − returned + consumed + scrapped (RecallLot.reconciled, DESIGN §4).
TREND_LOT_GAPS_SQL = """
SELECT rl.recall_id, rl.lot_id, p.di, l.lot_no, p.name, rl.relation, rl.status_before, rl.made, rl.on_hand,
       rl.shipped, rl.returned, rl.consumed, rl.scrapped, rl.produced
  FROM recall_lot rl JOIN lot l ON l.id = rl.lot_id JOIN product p ON p.id = l.product_id
 WHERE rl.recall_id = ANY (%(ids)s)
   AND (rl.produced = 0 OR rl.on_hand + rl.shipped - rl.returned + rl.consumed + rl.scrapped <> rl.made)
 ORDER BY rl.recall_id, rl.relation DESC, p.di, l.lot_no
"""
# Consignees that may lack a contact person and a phone, in recall_case's order. A text of nothing but
# whitespace has no letter or digit, so this is a superset of the gaps; _kpis_from decides with str.strip(),
# exactly as for a loaded case.
TREND_PARTY_GAPS_SQL = """
SELECT c.recall_id, pa.code, pa.name, pa.contact, pa.phone
  FROM recall_consignee c JOIN party pa ON pa.id = c.party_id
 WHERE c.recall_id = ANY (%(ids)s) AND pa.contact !~ '[[:alnum:]]' AND pa.phone !~ '[[:alnum:]]'
 ORDER BY c.recall_id, c.tier, pa.code
"""


def drill_kpi_trend(uow: UnitOfWork, *, limit: int = 20) -> list[tuple[int, dt.datetime, RecallKpis]]:
    """The KPIs of the latest drills, oldest first: the chart a site shows an inspector. The same KPIs as each
    drill's `RecallCase.kpis`, from aggregates instead of the whole case."""
    with uow:
        conn = uow.driver_connection()
        heads = conn.execute(TREND_SQL, {"limit": limit}).fetchall()
        ids = [h[0] for h in heads]
        lot_gaps: dict[int, list[RecallLot]] = {i: [] for i in ids}
        party_gaps: dict[int, list[tuple[str, str, str, str]]] = {i: [] for i in ids}
        for recall_id, *lot in conn.execute(TREND_LOT_GAPS_SQL, {"ids": ids}):
            lot_gaps[recall_id].append(RecallLot(*lot))
        for recall_id, *party in conn.execute(TREND_PARTY_GAPS_SQL, {"ids": ids}):
            party_gaps[recall_id].append(tuple(party))  # type: ignore[arg-type]
    trend = []
    for recall_id, opened, frozen, contained, total, notified, last, acked, made, made_reconciled in heads:
        facts = _KpiFacts(opened_at=opened, scope_frozen_at=frozen, contained_at=contained, consignees=total,
                          notified=notified, last_notified_at=last, acknowledged=acked, made=made,
                          made_reconciled=made_reconciled, lot_gaps=lot_gaps[recall_id],
                          party_gaps=party_gaps[recall_id])
        trend.append((recall_id, opened, _kpis_from(facts)))
    return trend


def scope_change(uow: UnitOfWork, recall_id: int) -> ScopeChange:
    """Recompute the consignee scope with today's trace and compare it with the frozen one."""
    from app.services.trace import iter_consignees  # the live trace, as the Trace page runs it

    with uow:
        case = recall_case(uow.driver_connection(), recall_id)
        frozen = {(line.party, line.di, line.lot_no) for line in case.lines}
        starts = [(lot.lot_no, lot.di) for lot in case.lots if lot.relation == "start"]
        now = {(c.party_code, c.di, c.lot_no) for lot_no, di in starts
               for c in iter_consignees(uow, lot_no=lot_no, di=di)}
    return ScopeChange(tuple(sorted(now - frozen)), tuple(sorted(frozen - now)))


# == KPIs =======================================================================================


@dataclass(frozen=True)
class _KpiFacts:
    """What the KPIs are computed from: the same facts whether counted from a loaded case or by SQL."""

    opened_at: dt.datetime
    scope_frozen_at: dt.datetime | None
    contained_at: dt.datetime | None
    consignees: int
    notified: int
    last_notified_at: dt.datetime | None
    acknowledged: int
    made: int
    made_reconciled: int
    lot_gaps: Sequence[RecallLot]  # the lots with no produce movement or that do not reconcile, in case order
    party_gaps: Sequence[tuple[str, str, str, str]]  # (party, name, contact, phone), candidates in case order


def _kpis(case: RecallCase) -> RecallKpis:
    notified = [c.notified_at for c in case.consignees if c.notified_at is not None]
    return _kpis_from(_KpiFacts(
        opened_at=case.opened_at, scope_frozen_at=case.scope_frozen_at, contained_at=case.contained_at,
        consignees=len(case.consignees), notified=len(notified), last_notified_at=max(notified, default=None),
        acknowledged=sum(c.acknowledged_at is not None for c in case.consignees),
        made=sum(lot.made for lot in case.lots),
        made_reconciled=sum(lot.made for lot in case.lots if lot.reconciled),
        lot_gaps=[lot for lot in case.lots if lot.produced == 0 or not lot.reconciled],
        party_gaps=[(c.party, c.name, c.contact, c.phone) for c in case.consignees]))


def _outstanding_parts(case: RecallCase) -> tuple[Said, ...]:
    """mt_recall_outstanding's three clauses, from the loaded case, in its order (parties by code, then lot)."""
    parts: list[Said] = []
    not_notified = sorted(c.party for c in case.consignees if c.notified_at is None)
    if not_notified:
        parts.append(Said.of("recall.outstanding_not_notified", count=len(not_notified),
                             parties=", ".join(not_notified)))
    not_acknowledged = sorted(c.party for c in case.consignees
                              if c.notified_at is not None and c.acknowledged_at is None)
    if not_acknowledged:
        parts.append(Said.of("recall.outstanding_not_acknowledged", count=len(not_acknowledged),
                             parties=", ".join(not_acknowledged)))
    held = sorted((x.party, x.lot_no, x.on_hand - x.returned_in_case) for x in case.lines
                  if x.on_hand > x.returned_in_case)
    if held:
        parts.append(Said.of("recall.outstanding_not_returned", count=sum(n for _, _, n in held),
                             items=", ".join(f"{p} {lot}: {n}" for p, lot, n in held)))
    return tuple(parts) if "; ".join(part.text for part in parts) == case.outstanding else ()


def _kpis_from(facts: _KpiFacts) -> RecallKpis:
    opened = facts.opened_at
    everyone_notified = facts.consignees > 0 and facts.notified == facts.consignees
    notify_all = (facts.last_notified_at - opened).total_seconds() \
        if everyone_notified and facts.last_notified_at is not None else None
    gaps: list[Said] = []
    if not facts.consignees:
        gaps.append(Said.of("recall.gap_no_shipments"))
    for lot in facts.lot_gaps:
        if lot.produced == 0:
            gaps.append(Said.of("recall.gap_no_produce", lot=lot.lot_no, di=lot.di))
        if not lot.reconciled:
            gaps.append(Said.of(
                "recall.gap_unreconciled", lot=lot.lot_no, di=lot.di, made=lot.made, accounted=lot.accounted,
                on_hand=lot.on_hand, shipped=lot.shipped, returned=lot.returned, consumed=lot.consumed,
                scrapped=lot.scrapped))
    for party, name, contact, phone in facts.party_gaps:
        if not (contact.strip() or phone.strip()):
            gaps.append(Said.of("recall.gap_no_contact", party=party, name=name))
    return RecallKpis(
        time_to_identify_s=_seconds(facts.scope_frozen_at, opened),
        time_to_contain_s=_seconds(facts.contained_at, opened),
        time_to_notify_all_s=notify_all,
        quantity_reconciled_pct=round(100.0 * facts.made_reconciled / facts.made, 1) if facts.made else None,
        consignees_acknowledged_pct=round(100.0 * facts.acknowledged / facts.consignees, 1)
        if facts.consignees else None,
        data_gaps=tuple(gap.text for gap in gaps),
        gap_messages=tuple(gaps),
    )


def _seconds(at: dt.datetime | None, since: dt.datetime) -> float | None:
    return None if at is None else round((at - since).total_seconds(), 3)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _secs(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s" if value < 120 else f"{value / 3600:.1f} h"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"
