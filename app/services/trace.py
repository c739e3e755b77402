"""Lot traceability (追溯): where a lot went (forward) and what went into it (backward).

ISO 13485 7.5.9 (traceability, and for implants the consignee of every unit), 医疗器械召回管理办法
(the scope of a recall: every affected lot and every 收货单位 at every tier) and 医疗器械监督管理条例
第四十五条 (purchase and sales records) ask for the same two answers; this module gives them from the
genealogy and movement records, set-based in PostgreSQL.

Forward from a lot (or one serial of it, or a component lot):

* Lots in scope: the start lot, then every lot that consumed it, recursively through genealogy
  (component → finished, a recursive CTE with UNION over edge rows, so a cycle in bad data ends the
  walk instead of looping). `quantity_in_scope` is the quantity made or received of each lot (the lot
  master's quantity), or 1 for a serial.
* Consignees (收货单位): tier 1 = parties that received a lot in scope by a `ship` movement from one of
  our sites (parties of kind manufacturer); tier n+1 = parties that received it by `ship` from a tier-n
  party. Our own sites are never consignees (a transfer between our sites keeps the lot "ours"). A
  party reached on several paths is listed at its lowest tier; the walk stops at MAX_TIER, so stock
  passed round in a circle ends too. Direct shipments of a component lot (spare parts) are
  found like any other: the component lot is in scope.
* Per (party, lot): shipped = units that party received by `ship`; returned = units it sent back
  upstream (`return`, to anyone); on_hand = that party's stock of the lot, by the formula of the
  `stock_on_hand` view (in − out except `receive` − genealogy consumption at the party), computed in
  the same pass over the lot's movements because the view, an aggregate, cannot be joined
  per row cheaply. A party that received only an unaffected lot of an affected product is not listed:
  consignees are found by lot, never by product.
* A serial trace limits the start lot's movements to those carrying that serial (on_hand is then the
  serial's own 0 or 1). Genealogy does not record serials, so lots that consumed the start lot are still
  followed: the conservative answer for a recall.
* Summary: lots; consignee parties and (party, lot) lines; units shipped by us (tier-1 shipped),
  units returned to our sites by consignees, units still on hand at consignees.

Backward from a lot: its component lots recursively (component lots → their component lots), with
each component lot's supplier (`receive` movements) and quantities; `consignees` is empty.
`lots_received_by` answers the backward question for a consignee: which lots did this party receive.

Performance (DESIGN §7, bench/trace.py, plans checked with EXPLAIN ANALYZE on the 1 M-lot set): the
genealogy walk is index lookups on genealogy_edge(component_lot_id, finished_lot_id) (forward) and
(finished_lot_id, component_lot_id) (backward); the movements of the lots in scope are read once,
index-only, through movement(lot_id) INCLUDE (kind, quantity, parties, serial), and the tiers are walked
over that set. For a hub component used in ~150 k lots, `trace_lot(count_only=True)` gives the counts
without building rows, `detail_limit` caps the rows handed to a screen (the summary still counts
everything), and `iter_consignees` streams the full consignee list from a server-side cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, NotFound

DIRECTIONS = ("forward", "backward")
STREAM_BATCH = 2_000
# Distribution chains are a few tiers deep (maker → distributor → sub-distributor → hospital). The walk
# stops at this tier so that stock passed round in a circle cannot loop; UNION keeps one row per
# (lot, party, tier), so a circle costs at most MAX_TIER rows. (A CYCLE clause was measured ~2× slower
# on the hub lot: it builds a path array for each of its 167 k rows.)
MAX_TIER = 32

Checkpoint = Callable[[], None]  # called between phases; raises to stop (e.g. the GUI's Cancel)


# == Results ====================================================================================


@dataclass(frozen=True)
class TracedLot:
    """One lot in the scope of a trace."""

    id: int
    di: str
    lot_no: str
    product_name: str
    status: str
    relation: str  # start | component | finished
    quantity_in_scope: int
    quantity_used: int | None = None  # backward: units consumed into the lot(s) above it

    def as_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "di": self.di, "lot": self.lot_no, "relation": self.relation,
            "quantity_in_scope": self.quantity_in_scope, "product": self.product_name, "status": self.status,
        }
        if self.quantity_used is not None:
            document["quantity_used"] = self.quantity_used
        return document


@dataclass(frozen=True)
class Consignee:
    """One party holding (or having held) one lot in scope (收货单位), at its distribution tier."""

    party_code: str
    party_name: str
    party_kind: str
    tier: int  # 1 = received from one of our sites
    di: str
    lot_no: str
    shipped: int
    returned: int
    on_hand: int
    returned_to_us: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "party": self.party_code, "name": self.party_name, "kind": self.party_kind, "tier": self.tier,
            "di": self.di, "lot": self.lot_no, "shipped": self.shipped, "returned": self.returned,
            "on_hand": self.on_hand,
        }


@dataclass(frozen=True)
class SupplierReceipt:
    """Backward: a component lot (or the start lot) as received from a supplier."""

    party_code: str
    party_name: str
    party_kind: str
    di: str
    lot_no: str
    received: int
    first_received_on: dt.date

    def as_json(self) -> dict[str, Any]:
        return {"party": self.party_code, "name": self.party_name, "kind": self.party_kind, "di": self.di,
                "lot": self.lot_no, "received": self.received,
                "first_received_on": self.first_received_on.isoformat()}


@dataclass(frozen=True)
class GenealogyLink:
    """A genealogy edge walked: `quantity` units of the component lot went into the finished lot."""

    component_id: int
    component_di: str
    component_lot: str
    finished_id: int
    finished_di: str
    finished_lot: str
    quantity: int
    site_code: str

    def as_json(self) -> dict[str, Any]:
        return {"type": "genealogy", "component": {"di": self.component_di, "lot": self.component_lot},
                "finished": {"di": self.finished_di, "lot": self.finished_lot}, "quantity": self.quantity,
                "site": self.site_code}


@dataclass(frozen=True)
class TracedMovement:
    """A movement of a lot in scope: a line of the timeline, and (ship, return, receive) an edge."""

    id: int
    kind: str
    moved_on: dt.date
    di: str
    lot_no: str
    serial: str | None
    quantity: int
    from_code: str | None
    from_name: str | None
    to_code: str | None
    to_name: str | None
    document_no: str

    def as_json(self) -> dict[str, Any]:
        return {"type": self.kind, "di": self.di, "lot": self.lot_no, "serial": self.serial,
                "from": self.from_code, "to": self.to_code, "quantity": self.quantity,
                "date": self.moved_on.isoformat(), "document_no": self.document_no}


EDGE_MOVEMENTS = {"forward": frozenset({"ship", "return"}), "backward": frozenset({"receive"})}


@dataclass(frozen=True)
class TraceSummary:
    """Totals over the whole scope, also when the rows handed back were capped."""

    lots: int
    consignees: int  # distinct parties
    consignee_lines: int  # (party, lot) pairs
    shipped: int  # forward: units shipped by our sites to tier-1 consignees
    returned: int  # forward: units consignees returned to our sites
    on_hand: int  # forward: units still on hand at consignees

    def as_json(self) -> dict[str, int]:
        return {"lots": self.lots, "consignees": self.consignees, "consignee_lines": self.consignee_lines,
                "shipped": self.shipped, "returned": self.returned, "on_hand": self.on_hand}


@dataclass(frozen=True)
class TraceResult:
    """The answer of one trace; `as_json()` is the `medtrace trace --json` document (DESIGN §6)."""

    direction: str
    start: TracedLot
    serial: str | None
    summary: TraceSummary
    lots: tuple[TracedLot, ...] = ()
    consignees: tuple[Consignee, ...] = ()
    suppliers: tuple[SupplierReceipt, ...] = ()
    genealogy: tuple[GenealogyLink, ...] = ()
    movements: tuple[TracedMovement, ...] = ()
    truncated: bool = False  # detail_limit cut some rows; the summary still counts all
    count_only: bool = False

    @property
    def edges(self) -> tuple[GenealogyLink | TracedMovement, ...]:
        kinds = EDGE_MOVEMENTS[self.direction]
        return (*self.genealogy, *(m for m in self.movements if m.kind in kinds))

    def as_json(self) -> dict[str, Any]:
        start = {"di": self.start.di, "lot": self.start.lot_no, "serial": self.serial,
                 "product": self.start.product_name, "quantity": self.start.quantity_in_scope}
        return {
            "direction": self.direction,
            "start": start,
            "lots": [lot.as_json() for lot in self.lots],
            "consignees": [c.as_json() for c in self.consignees],
            "suppliers": [s.as_json() for s in self.suppliers],
            "edges": [edge.as_json() for edge in self.edges],
            "summary": self.summary.as_json(),
            "truncated": self.truncated,
        }

    def describe(self) -> str:
        """Plain text for the terminal (the same facts as the JSON)."""
        what = f"lot {self.start.lot_no}" + (f" serial {self.serial}" if self.serial else "")
        s = self.summary
        lines = [f"{self.direction.capitalize()} trace of {what} (DI {self.start.di}, {self.start.product_name})"]
        if self.direction == "forward":
            lines.append(
                f"{s.lots:,} lot(s) in scope; {s.consignees:,} consignee(s) in {s.consignee_lines:,} line(s); "
                f"{s.shipped:,} unit(s) shipped by us, {s.returned:,} returned to us, "
                f"{s.on_hand:,} on hand at consignees."
            )
        else:
            lines.append(f"{s.lots:,} lot(s): the start lot and {s.lots - 1:,} component lot(s).")
        if self.count_only:
            return "\n".join(lines)
        lines.append("")
        lines.append("Lots:")
        for lot in self.lots:
            used = f"  used {lot.quantity_used:,}" if lot.quantity_used is not None else ""
            lines.append(f"  {lot.relation:<9} {lot.di:<16} {lot.lot_no:<20} {lot.quantity_in_scope:>10,}{used}"
                         f"  {lot.product_name}")
        if self.direction == "forward":
            lines.append("")
            lines.append("Consignees (tier, party, lot, shipped / returned / on hand):")
            for c in self.consignees:
                lines.append(f"  {c.tier}  {c.party_code:<12} {c.party_name}  [{c.party_kind}]  {c.di} {c.lot_no}  "
                             f"{c.shipped:,} / {c.returned:,} / {c.on_hand:,}")
            if not self.consignees:
                lines.append("  none: no unit of these lots has left our sites.")
        else:
            lines.append("")
            lines.append("Suppliers (party, lot, received):")
            for r in self.suppliers:
                lines.append(f"  {r.party_code:<12} {r.party_name}  {r.di} {r.lot_no}  {r.received:,}  "
                             f"(first {r.first_received_on.isoformat()})")
            if not self.suppliers:
                lines.append("  none recorded: every lot in scope was made on our sites.")
        if self.truncated:
            lines.append("")
            lines.append("The lists above are cut short; the totals count everything.")
        return "\n".join(lines)


@dataclass(frozen=True)
class ReceivedLot:
    """Backward from a consignee: one lot it received, with what it sent back and still holds."""

    di: str
    lot_no: str
    product_name: str
    received: int
    returned: int
    on_hand: int
    first_received_on: dt.date


@dataclass(frozen=True)
class _Start:
    id: int
    di: str
    lot_no: str
    product_name: str
    status: str
    quantity: int


@dataclass
class _Params:
    start: int
    serial: str | None
    extra: dict[str, Any] = field(default_factory=dict)

    def bind(self) -> dict[str, Any]:
        return {"start": self.start, "serial": self.serial, **self.extra}


# == SQL ========================================================================================

# Every lot that consumed the start lot, recursively; UNION over whole edge rows ends on a cycle.
# PostgreSQL cannot estimate the size of a recursive CTE (it guesses ten times the first step), and on
# a wrong guess it hash- or merge-joins against a whole table. `LATERAL (… OFFSET 0)` fences each step
# into an index lookup per row, which is right for one lot and still right for a hub lot.
FORWARD_WALK = """
walk(component_lot_id, finished_lot_id, site_id, quantity) AS (
    SELECT e.component_lot_id, e.finished_lot_id, e.site_id, e.quantity
      FROM genealogy_edge e WHERE e.component_lot_id = :start
    UNION
    SELECT e.component_lot_id, e.finished_lot_id, e.site_id, e.quantity
      FROM walk w CROSS JOIN LATERAL (
           SELECT g.component_lot_id, g.finished_lot_id, g.site_id, g.quantity
             FROM genealogy_edge g WHERE g.component_lot_id = w.finished_lot_id OFFSET 0) e
)"""

BACKWARD_WALK = """
walk(component_lot_id, finished_lot_id, site_id, quantity) AS (
    SELECT e.component_lot_id, e.finished_lot_id, e.site_id, e.quantity
      FROM genealogy_edge e WHERE e.finished_lot_id = :start
    UNION
    SELECT e.component_lot_id, e.finished_lot_id, e.site_id, e.quantity
      FROM walk w CROSS JOIN LATERAL (
           SELECT g.component_lot_id, g.finished_lot_id, g.site_id, g.quantity
             FROM genealogy_edge g WHERE g.finished_lot_id = w.component_lot_id OFFSET 0) e
)"""

# The start lot's movements, narrowed to one serial when a serial is traced.
SERIAL_FILTER = "(CAST(:serial AS text) IS NULL OR m.lot_id <> :start OR m.serial = CAST(:serial AS text))"

# The lots in scope for the consignee statement. For a trace shown in full, the walk has already run
# (its edges are part of the answer) and the scope is handed in as an array: the planner sizes its hash
# tables by its estimate of a recursive CTE, ten times its first step (measured: 60 ms of a 65 ms trace
# went on that), while an array's length is known exactly.
SCOPE_FROM_IDS = """
scope(lot_id) AS MATERIALIZED (
    SELECT DISTINCT unnest(CAST(:ids AS bigint[]))
)"""

# For the hub-sized questions (counts, the streamed list) the walk runs inside the statement: its
# first step is estimated from real statistics, which for a hub lot is right, and 150 k lot ids need
# not travel to the client and back.
SCOPE_FROM_WALK = f"""{FORWARD_WALK},
scope(lot_id) AS MATERIALIZED (
    SELECT CAST(:start AS bigint) UNION SELECT finished_lot_id FROM walk
)"""

# Consignees of every lot in scope at every tier, with shipped / returned / on hand per party and lot.
CONSIGNEE_CTES = """
WITH RECURSIVE {scope},
ours AS MATERIALIZED (
    SELECT array_agg(id) AS ids FROM party WHERE kind = 'manufacturer'
),
mv AS MATERIALIZED (
    SELECT m.kind, m.lot_id, m.quantity, m.from_party_id, m.to_party_id
      FROM movement m
     WHERE m.lot_id IN (SELECT lot_id FROM scope) AND {serial_filter}
),
reach(lot_id, party_id, tier) AS (
    SELECT m.lot_id, m.to_party_id, 1
      FROM mv m CROSS JOIN ours
     WHERE m.kind = 'ship' AND m.from_party_id = ANY(ours.ids) AND m.to_party_id <> ALL(ours.ids)
    UNION
    SELECT r.lot_id, m.to_party_id, r.tier + 1
      FROM reach r JOIN mv m ON m.lot_id = r.lot_id AND m.from_party_id = r.party_id CROSS JOIN ours
     WHERE m.kind = 'ship' AND m.to_party_id <> ALL(ours.ids) AND r.tier < {max_tier}
),
tiers AS (
    SELECT lot_id, party_id, min(tier) AS tier FROM reach GROUP BY lot_id, party_id
),
flow_in AS (
    SELECT m.lot_id, m.to_party_id AS party_id, sum(m.quantity) AS quantity,
           sum(m.quantity) FILTER (WHERE m.kind = 'ship') AS shipped
      FROM mv m WHERE m.to_party_id IS NOT NULL
     GROUP BY m.lot_id, m.to_party_id
),
flow_out AS (
    SELECT m.lot_id, m.from_party_id AS party_id,
           sum(m.quantity) FILTER (WHERE m.kind <> 'receive') AS quantity,  -- a receive takes from no stock
           sum(m.quantity) FILTER (WHERE m.kind = 'return') AS returned,
           sum(m.quantity) FILTER (WHERE m.kind = 'return' AND m.to_party_id = ANY(ours.ids)) AS returned_to_us
      FROM mv m CROSS JOIN ours WHERE m.from_party_id IS NOT NULL
     GROUP BY m.lot_id, m.from_party_id
),
lines AS (
    SELECT t.lot_id, t.party_id, t.tier,
           coalesce(i.shipped, 0) AS shipped, coalesce(o.returned, 0) AS returned,
           coalesce(o.returned_to_us, 0) AS returned_to_us,
           -- the stock_on_hand formula for this party and lot: in − out − consumed (below)
           coalesce(i.quantity, 0) - coalesce(o.quantity, 0) - u.quantity AS on_hand
      FROM tiers t
      LEFT JOIN flow_in i ON i.lot_id = t.lot_id AND i.party_id = t.party_id
      LEFT JOIN flow_out o ON o.lot_id = t.lot_id AND o.party_id = t.party_id
     CROSS JOIN LATERAL (
           -- … − what the party consumed into its own lots (genealogy does not record serials)
           SELECT coalesce(sum(e.quantity), 0) AS quantity FROM genealogy_edge e
            WHERE e.component_lot_id = t.lot_id AND e.site_id = t.party_id
              AND (CAST(:serial AS text) IS NULL OR t.lot_id <> :start)
           OFFSET 0) u
)"""

CONSIGNEE_LIST = """
SELECT d.code, d.name, d.kind, x.tier, pr.di, l.lot_no, x.shipped, x.returned, x.on_hand, x.returned_to_us
  FROM lines x
  JOIN party d ON d.id = x.party_id
  JOIN lot l ON l.id = x.lot_id
  JOIN product pr ON pr.id = l.product_id
 ORDER BY x.tier, d.code, pr.di, l.lot_no
"""

CONSIGNEE_TOTALS = """
SELECT (SELECT count(*) FROM scope),
       count(DISTINCT party_id), count(*),
       coalesce(sum(shipped) FILTER (WHERE tier = 1), 0), coalesce(sum(returned_to_us), 0),
       coalesce(sum(on_hand), 0)
  FROM lines
"""


def _consignee_sql(scope: str, select: str) -> str:
    return CONSIGNEE_CTES.format(scope=scope, serial_filter=SERIAL_FILTER, max_tier=MAX_TIER) + select


CONSIGNEE_ROWS = _consignee_sql(SCOPE_FROM_IDS, CONSIGNEE_LIST)
CONSIGNEE_ROWS_WALKED = _consignee_sql(SCOPE_FROM_WALK, CONSIGNEE_LIST)
CONSIGNEE_COUNTS_WALKED = _consignee_sql(SCOPE_FROM_WALK, CONSIGNEE_TOTALS)

LOT_COLUMNS = """
SELECT l.id, pr.di, l.lot_no, pr.name, l.status, l.quantity
  FROM lot l JOIN product pr ON pr.id = l.product_id
"""

FORWARD_EDGES = f"""
WITH RECURSIVE {FORWARD_WALK}
SELECT w.component_lot_id, w.finished_lot_id, w.quantity, s.code FROM walk w JOIN party s ON s.id = w.site_id
"""

BACKWARD_EDGES = f"""
WITH RECURSIVE {BACKWARD_WALK}
SELECT w.component_lot_id, w.finished_lot_id, w.quantity, s.code FROM walk w JOIN party s ON s.id = w.site_id
"""

MOVEMENTS = f"""
SELECT m.id, m.kind, m.moved_on, pr.di, l.lot_no, m.serial, m.quantity,
       fp.code, fp.name, tp.code, tp.name, m.document_no
  FROM movement m
  JOIN lot l ON l.id = m.lot_id
  JOIN product pr ON pr.id = l.product_id
  LEFT JOIN party fp ON fp.id = m.from_party_id
  LEFT JOIN party tp ON tp.id = m.to_party_id
 WHERE m.lot_id = ANY(CAST(:ids AS bigint[]))
   AND m.kind = ANY(CAST(:kinds AS text[]))
   AND {SERIAL_FILTER}
 ORDER BY m.moved_on, m.id
"""

SUPPLIERS = """
SELECT pa.code, pa.name, pa.kind, pr.di, l.lot_no, sum(m.quantity), min(m.moved_on)
  FROM movement m
  JOIN party pa ON pa.id = m.from_party_id
  JOIN lot l ON l.id = m.lot_id
  JOIN product pr ON pr.id = l.product_id
 WHERE m.lot_id = ANY(CAST(:ids AS bigint[])) AND m.kind = 'receive'
 GROUP BY pa.code, pa.name, pa.kind, pr.di, l.lot_no
 ORDER BY pr.di, l.lot_no, pa.code
"""

RECEIVED_BY = """
WITH mine AS (
    SELECT m.lot_id,
           sum(m.quantity) FILTER (WHERE m.to_party_id = :party AND m.kind IN ('ship', 'receive')) AS received,
           sum(m.quantity) FILTER (WHERE m.from_party_id = :party AND m.kind = 'return') AS returned,
           sum(CASE WHEN m.to_party_id = :party THEN m.quantity
                    WHEN m.kind <> 'receive' THEN -m.quantity ELSE 0 END) AS net,
           min(m.moved_on) FILTER (WHERE m.to_party_id = :party) AS first_on
      FROM movement m
     WHERE m.to_party_id = :party OR m.from_party_id = :party
     GROUP BY m.lot_id
)
SELECT pr.di, l.lot_no, pr.name, coalesce(x.received, 0), coalesce(x.returned, 0),
       coalesce(x.net, 0) - coalesce((SELECT sum(e.quantity) FROM genealogy_edge e
                                       WHERE e.component_lot_id = x.lot_id AND e.site_id = :party), 0),
       x.first_on
  FROM mine x JOIN lot l ON l.id = x.lot_id JOIN product pr ON pr.id = l.product_id
 WHERE x.received > 0
 ORDER BY x.first_on, pr.di, l.lot_no
"""


# == Services ===================================================================================


def trace_lot(
    uow: UnitOfWork,
    *,
    direction: str,
    lot_no: str,
    di: str | None = None,
    serial: str | None = None,
    count_only: bool = False,
    detail_limit: int | None = None,
    checkpoint: Checkpoint | None = None,
) -> TraceResult:
    """Trace one lot (or one serial of it) forward or backward; see the module docstring for the rules.

    `count_only` returns the summary alone (the hub-lot case). `detail_limit` caps each list handed
    back (lots, consignees, genealogy, movements) — the summary still counts everything and
    `truncated` says a list was cut. `checkpoint` is called between phases and may raise to stop.
    Raises InvalidInput (unknown direction, lot number ambiguous without a DI) or NotFound.
    """
    if direction not in DIRECTIONS:
        raise InvalidInput.of("trace.unknown_direction", direction=direction)
    lot_no = (lot_no or "").strip()
    if not lot_no:
        raise InvalidInput.of("trace.lot_missing")
    serial = (serial or "").strip() or None
    check = checkpoint or (lambda: None)
    with uow:
        session = uow.session
        start = _resolve_start(session, lot_no=lot_no, di=(di or "").strip() or None)
        if serial is not None:
            _check_serial(session, start, serial)
        params = _Params(start.id, serial)
        check()
        if direction == "forward":
            return _forward(session, start, params, count_only=count_only, limit=detail_limit, check=check)
        return _backward(session, start, params, count_only=count_only, limit=detail_limit, check=check)


def iter_consignees(
    uow: UnitOfWork,
    *,
    lot_no: str,
    di: str | None = None,
    serial: str | None = None,
    batch_size: int = STREAM_BATCH,
) -> Iterator[Consignee]:
    """Every consignee line of a forward trace, streamed from a server-side cursor `batch_size` rows at a time.

    For a hub component lot (~150 k lots, DESIGN §7) this keeps memory flat. The unit of work stays
    open until the iterator is exhausted or closed; the caller may stop early between rows.
    """
    lot_no = (lot_no or "").strip()
    if not lot_no:
        raise InvalidInput.of("trace.lot_missing")
    serial = (serial or "").strip() or None
    with uow:
        session = uow.session
        start = _resolve_start(session, lot_no=lot_no, di=(di or "").strip() or None)
        if serial is not None:
            _check_serial(session, start, serial)
        result = session.execute(text(CONSIGNEE_ROWS_WALKED), _Params(start.id, serial).bind(),
                                 execution_options={"yield_per": batch_size})
        try:
            for batch in result.partitions():
                for row in batch:
                    yield _consignee(row)
        finally:
            result.close()


def lots_received_by(uow: UnitOfWork, *, party_code: str) -> tuple[ReceivedLot, ...]:
    """Backward from a consignee: every lot the party received, with returns and what it still holds.

    Raises NotFound for an unknown party code.
    """
    code = (party_code or "").strip()
    with uow:
        session = uow.session
        party_id = session.execute(text("SELECT id FROM party WHERE code = :code"), {"code": code}).scalar()
        if party_id is None:
            raise NotFound.of("trace.unknown_party", code=code)
        rows = session.execute(text(RECEIVED_BY), {"party": party_id}).all()
    return tuple(ReceivedLot(di=r[0], lot_no=r[1], product_name=r[2], received=int(r[3]), returned=int(r[4]),
                             on_hand=int(r[5]), first_received_on=r[6]) for r in rows)


# == Internals ==================================================================================


def _resolve_start(session: Session, *, lot_no: str, di: str | None) -> _Start:
    sql = LOT_COLUMNS + " WHERE l.lot_no = :lot_no" + (" AND pr.di = :di" if di else "") + " ORDER BY pr.di"
    rows = session.execute(text(sql), {"lot_no": lot_no, "di": di}).all()
    if not rows:
        raise (NotFound.of("lookup.no_such_lot_of_product", lot_no=lot_no, di=di) if di
               else NotFound.of("lookup.no_such_lot", lot_no=lot_no))
    if len(rows) > 1:
        dis = ", ".join(r[1] for r in rows[:5]) + (" …" if len(rows) > 5 else "")
        raise InvalidInput.of("trace.lot_ambiguous", lot_no=lot_no, count=len(rows), products=dis)
    r = rows[0]
    return _Start(id=r[0], di=r[1], lot_no=r[2], product_name=r[3], status=str(r[4]), quantity=int(r[5]))


def _check_serial(session: Session, start: _Start, serial: str) -> None:
    known = session.execute(text(
        "SELECT EXISTS (SELECT FROM serial_unit WHERE lot_id = :lot AND serial = :serial) "
        "OR EXISTS (SELECT FROM movement WHERE lot_id = :lot AND serial = :serial)"
    ), {"lot": start.id, "serial": serial}).scalar_one()
    if not known:
        raise NotFound.of("trace.unknown_serial", lot_no=start.lot_no, serial=serial)


def _start_lot(start: _Start, serial: str | None) -> TracedLot:
    return TracedLot(id=start.id, di=start.di, lot_no=start.lot_no, product_name=start.product_name,
                     status=start.status, relation="start",
                     quantity_in_scope=1 if serial is not None else start.quantity)


def _lots_by_id(session: Session, ids: Sequence[int]) -> dict[int, Row[Any]]:
    if not ids:
        return {}
    rows = session.execute(text(LOT_COLUMNS + " WHERE l.id = ANY(CAST(:ids AS bigint[]))"), {"ids": list(ids)})
    return {r[0]: r for r in rows}


def _edges(session: Session, sql: str, params: _Params) -> list[Row[Any]]:
    return list(session.execute(text(sql), params.bind()).all())


def _links(edges: Sequence[Row[Any]], lots: dict[int, Row[Any]], limit: int | None) -> tuple[GenealogyLink, ...]:
    ordered = sorted(edges, key=lambda e: (lots[e[1]][1], lots[e[1]][2], lots[e[0]][1], lots[e[0]][2]))
    return tuple(
        GenealogyLink(component_id=e[0], component_di=lots[e[0]][1], component_lot=lots[e[0]][2],
                      finished_id=e[1], finished_di=lots[e[1]][1], finished_lot=lots[e[1]][2],
                      quantity=int(e[2]), site_code=e[3])
        for e in ordered[:limit]
    )


def _movements(session: Session, params: _Params, ids: Sequence[int], kinds: Sequence[str],
               limit: int | None) -> tuple[tuple[TracedMovement, ...], bool]:
    sql = MOVEMENTS + (" LIMIT :limit" if limit is not None else "")
    extra = {"ids": list(ids), "kinds": list(kinds), "limit": None if limit is None else limit + 1}
    rows = session.execute(text(sql), {**params.bind(), **extra}).all()
    cut = limit is not None and len(rows) > limit
    lines = tuple(
        TracedMovement(id=r[0], kind=r[1], moved_on=r[2], di=r[3], lot_no=r[4], serial=r[5], quantity=int(r[6]),
                       from_code=r[7], from_name=r[8], to_code=r[9], to_name=r[10], document_no=r[11])
        for r in rows[:limit]
    )
    return lines, cut


def _consignee(r: Row[Any]) -> Consignee:
    return Consignee(party_code=r[0], party_name=r[1], party_kind=r[2], tier=int(r[3]), di=r[4], lot_no=r[5],
                     shipped=int(r[6]), returned=int(r[7]), on_hand=int(r[8]), returned_to_us=int(r[9]))


def _counts(session: Session, params: _Params) -> TraceSummary:
    r = session.execute(text(CONSIGNEE_COUNTS_WALKED), params.bind()).one()
    return TraceSummary(lots=int(r[0]), consignees=int(r[1]), consignee_lines=int(r[2]), shipped=int(r[3]),
                        returned=int(r[4]), on_hand=int(r[5]))


def _forward(session: Session, start: _Start, params: _Params, *, count_only: bool, limit: int | None,
             check: Checkpoint) -> TraceResult:
    first = _start_lot(start, params.serial)
    if count_only:
        return TraceResult(direction="forward", start=first, serial=params.serial,
                           summary=_counts(session, params), lots=(first,), count_only=True)
    edges = _edges(session, FORWARD_EDGES, params)
    check()
    finished_ids = sorted({e[1] for e in edges} - {start.id})
    params.extra["ids"] = [start.id, *finished_ids]
    lots = _lots_by_id(session, [start.id, *finished_ids])
    traced = sorted(
        (TracedLot(id=i, di=lots[i][1], lot_no=lots[i][2], product_name=lots[i][3], status=str(lots[i][4]),
                   relation="finished", quantity_in_scope=int(lots[i][5])) for i in finished_ids),
        key=lambda lot: (lot.di, lot.lot_no),
    )
    check()
    # Every line is read (the sort needs them all anyway) so the summary comes from the same rows.
    every = [_consignee(r) for r in session.execute(text(CONSIGNEE_ROWS), params.bind())]
    consignees = tuple(every[:limit])
    cut = limit is not None and len(every) > limit
    summary = TraceSummary(
        lots=1 + len(finished_ids),
        consignees=len({c.party_code for c in every}),
        consignee_lines=len(every),
        shipped=sum(c.shipped for c in every if c.tier == 1),
        returned=sum(c.returned_to_us for c in every),
        on_hand=sum(c.on_hand for c in every),
    )
    del every
    check()
    movements, cut_movements = _movements(session, params, [start.id, *finished_ids],
                                          ("produce", "receive", "ship", "return", "install", "scrap", "adjust"),
                                          limit)
    cut_lots = limit is not None and len(traced) + 1 > limit
    return TraceResult(
        direction="forward", start=first, serial=params.serial, summary=summary,
        lots=(first, *traced[: None if limit is None else max(limit - 1, 0)]),
        consignees=consignees, genealogy=_links(edges, lots, limit), movements=movements,
        truncated=cut or cut_movements or cut_lots or (limit is not None and len(edges) > limit),
    )


def _backward(session: Session, start: _Start, params: _Params, *, count_only: bool, limit: int | None,
              check: Checkpoint) -> TraceResult:
    first = _start_lot(start, params.serial)
    edges = _edges(session, BACKWARD_EDGES, params)
    component_ids = sorted({e[0] for e in edges} - {start.id})
    summary = TraceSummary(lots=1 + len(component_ids), consignees=0, consignee_lines=0, shipped=0, returned=0,
                           on_hand=0)
    if count_only:
        return TraceResult(direction="backward", start=first, serial=params.serial, summary=summary,
                           lots=(first,), count_only=True)
    check()
    lots = _lots_by_id(session, [start.id, *component_ids])
    used: dict[int, int] = {}
    for e in edges:
        used[e[0]] = used.get(e[0], 0) + int(e[2])
    traced = sorted(
        (TracedLot(id=i, di=lots[i][1], lot_no=lots[i][2], product_name=lots[i][3], status=str(lots[i][4]),
                   relation="component", quantity_in_scope=int(lots[i][5]), quantity_used=used.get(i))
         for i in component_ids),
        key=lambda lot: (lot.di, lot.lot_no),
    )
    ids = [start.id, *component_ids]
    suppliers = tuple(
        SupplierReceipt(party_code=r[0], party_name=r[1], party_kind=r[2], di=r[3], lot_no=r[4],
                        received=int(r[5]), first_received_on=r[6])
        for r in session.execute(text(SUPPLIERS), {"ids": ids}).all()
    )
    check()
    movements, cut_movements = _movements(session, params, ids, ("produce", "receive"), limit)
    cut_lots = limit is not None and len(traced) + 1 > limit
    return TraceResult(
        direction="backward", start=first, serial=params.serial, summary=summary,
        lots=(first, *traced[: None if limit is None else max(limit - 1, 0)]),
        suppliers=suppliers[:limit], genealogy=_links(edges, lots, limit), movements=movements,
        truncated=cut_movements or cut_lots or (limit is not None and len(edges) > limit),
    )
