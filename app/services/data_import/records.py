"""What each kind of import does with its rows: read the cells, check them against the database and the
rows above them, and say how they are written.

`parse` needs no database (unit-tested on its own); `check` reads everything it needs in a few set-based
queries (no query per row) and walks the rows in file order, so a reference to an earlier row of the same
file — stock produced on row 2 and shipped on row 9 — is honoured exactly as it would be in the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from app.messages import Said, english, json_params, render
from app.services.data_import import cells
from app.services.data_import.cells import CellError, is_blank
from app.services.data_import.columns import (
    AGENCY_ALIASES,
    CONTRACTS,
    LOT_STATUS_ALIASES,
    MOVEMENT_TYPE_ALIASES,
    PARTY_KIND_ALIASES,
    PARTY_NEEDS,
    RISK_CLASS_ALIASES,
    Column,
)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem, where the person sees it: Excel row number (None: the whole file), column, message.

    `message` is the English sentence (the `errors[].message` of `medtrace import --json`); `message_id`
    and `params` name it in app/messages/texts_import.py, and `rendered()` gives it in a language.
    """

    row: int | None
    column: str
    message: str
    message_id: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, row: int | None, column: str, message_id: str, /, **params: object) -> RowError:
        return cls(row, column, english(message_id, params)[0], message_id, params)

    def rendered(self, language: str | None = None) -> str:
        """The message in `language` (the current one of app.messages by default)."""
        return render(self.message_id, self.params, fallback=self.message, language=language)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "message_id": self.message_id,
                "params": json_params(self.params)}


class Errors:
    """Collects every problem of the file; nothing is written while it holds any."""

    def __init__(self) -> None:
        self.items: list[RowError] = []
        self.rows: set[int | None] = set()

    def add(self, row: int | None, column: str, message_id: str, /, **params: object) -> None:
        """Record the problem `message_id` of app/messages/texts_import.py with its parameters."""
        self.items.append(RowError.of(row, column, message_id, **params))
        self.rows.add(row)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


class RowCells:
    """The cells of one row by column name, read through the column's rules."""

    __slots__ = ("_cells", "_errors", "failed", "number")

    def __init__(self, number: int, values: dict[str, object], errors: Errors) -> None:
        self.number = number
        self._cells = values
        self._errors = errors
        self.failed = False

    def error(self, column: str, message_id: str, /, **params: object) -> None:
        self.failed = True
        self._errors.add(self.number, column, message_id, **params)

    def read(self, column: Column, reader: Callable[[object], Any]) -> Any:
        """The typed value, the column's default when blank, or None after recording the problem."""
        raw = self._cells.get(column.name)
        if is_blank(raw):
            if column.required:
                self.error(column.name, "import.required_cell_empty", column=column.name)
                return None
            if not column.default:
                return None
            raw = column.default
        try:
            return reader(raw)
        except CellError as exc:
            self.error(column.name, exc.message_id, **exc.params)
            return None

    def text(self, column: Column) -> str:
        return self.read(column, lambda raw: cells.text(raw, max_length=column.max_length)) or ""


class Kind:
    """Base of the five kinds."""

    name: str
    table: str
    columns: tuple[tuple[str, str], ...]  # (column, PostgreSQL type) in insert_row order
    tables_changed: tuple[str, ...]

    def __init__(self) -> None:
        self.contract = CONTRACTS[self.name]
        self.col = {column.name: column for column in self.contract.columns}
        self.notes: list[Said] = []  # said to the person with the result (e.g. historical statuses)

    def parse(self, row: RowCells) -> Any | None:  # pragma: no cover — every kind overrides it
        raise NotImplementedError

    def check(self, conn: Connection, records: Sequence[Any], errors: Errors) -> list[Any]:
        """The records to write, in file order (only meaningful when `errors` stays empty)."""
        raise NotImplementedError  # pragma: no cover

    def insert_row(self, record: Any) -> tuple[object, ...]:
        raise NotImplementedError  # pragma: no cover

    def stock_effects(self, record: Any) -> list[tuple[tuple[int, int], int]]:
        """((lot id, party id), change of stock) of a checked record; none for master data and lots."""
        return []


def _first_seen(records: Iterable[Any], key: Callable[[Any], object], errors: Errors, column: str,
                message_id: str, what: Callable[[Any], dict[str, object]]) -> None:
    """A row repeating an earlier row's key: `message_id` with `what(record)` and the earlier row."""
    seen: dict[object, int] = {}
    for record in records:
        k = key(record)
        if k in seen:
            errors.add(record.row, column, message_id, **what(record), first_row=seen[k])
        else:
            seen[k] = record.row


# -- products ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductRecord:
    row: int
    agency: str
    di: str
    name: str
    name_en: str
    model: str
    registration_no: str
    risk_class: str
    implantable: bool
    shelf_life_days: int
    alert_days: list[int]
    device_lifetime_days: int | None


class Products(Kind):
    name = "products"
    table = "product"
    columns = (("agency", "text"), ("di", "text"), ("name", "text"), ("name_en", "text"), ("model", "text"),
               ("registration_no", "text"), ("risk_class", "text"), ("implantable", "boolean"),
               ("shelf_life_days", "integer"), ("alert_days", "integer[]"), ("device_lifetime_days", "integer"))
    tables_changed = ("product",)

    def parse(self, row: RowCells) -> ProductRecord | None:
        c = self.col
        agency = row.read(c["agency"], lambda v: cells.choice(v, c["agency"].allowed, AGENCY_ALIASES))
        di = row.read(c["di"], lambda v: cells.product_di(agency, v)) if agency else None
        record = ProductRecord(
            row=row.number, agency=agency, di=di, name=row.text(c["name"]), name_en=row.text(c["name_en"]),
            model=row.text(c["model"]), registration_no=row.text(c["registration_no"]),
            risk_class=row.read(c["risk_class"], lambda v: cells.choice(v, c["risk_class"].allowed,
                                                                         RISK_CLASS_ALIASES)),
            implantable=row.read(c["implantable"], cells.boolean),
            shelf_life_days=row.read(c["shelf_life_days"], lambda v: cells.integer(v, maximum=36_500)),
            alert_days=row.read(c["alert_days"], cells.alert_days),
            device_lifetime_days=row.read(c["device_lifetime_days"], lambda v: cells.integer(v, maximum=36_500)),
        )
        if record.shelf_life_days and record.alert_days and max(record.alert_days) > record.shelf_life_days:
            row.error("alert_days", "import.first_alert_too_long", first=max(record.alert_days),
                      shelf_life=record.shelf_life_days)
        return None if row.failed else record

    def check(self, conn: Connection, records: Sequence[ProductRecord], errors: Errors) -> list[ProductRecord]:
        _first_seen(records, lambda r: (r.agency, r.di), errors, "di", "import.duplicate_product",
                    lambda r: {"di": r.di})
        existing = {tuple(row) for row in conn.execute(
            text("SELECT agency, di FROM product WHERE di = ANY(CAST(:dis AS text[]))"),
            {"dis": sorted({r.di for r in records})},
        )}
        for record in records:
            if (record.agency, record.di) in existing:
                errors.add(record.row, "di", "import.product_exists", di=record.di)
        return list(records)

    def insert_row(self, r: ProductRecord) -> tuple[object, ...]:
        return (r.agency, r.di, r.name, r.name_en, r.model, r.registration_no, r.risk_class, r.implantable,
                r.shelf_life_days, "{" + ",".join(map(str, r.alert_days)) + "}", r.device_lifetime_days)


# -- parties ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyRecord:
    row: int
    code: str
    name: str
    kind: str
    address: str
    contact: str
    phone: str
    licence_no: str


class Parties(Kind):
    name = "parties"
    table = "party"
    columns = tuple((name, "text") for name in ("code", "name", "kind", "address", "contact", "phone",
                                                 "licence_no"))
    tables_changed = ("party",)

    def parse(self, row: RowCells) -> PartyRecord | None:
        c = self.col
        record = PartyRecord(
            row=row.number, code=row.text(c["code"]), name=row.text(c["name"]),
            kind=row.read(c["kind"], lambda v: cells.choice(v, c["kind"].allowed, PARTY_KIND_ALIASES)),
            address=row.text(c["address"]), contact=row.text(c["contact"]), phone=row.text(c["phone"]),
            licence_no=row.text(c["licence_no"]),
        )
        return None if row.failed else record

    def check(self, conn: Connection, records: Sequence[PartyRecord], errors: Errors) -> list[PartyRecord]:
        _first_seen(records, lambda r: r.code, errors, "code", "import.duplicate_party", lambda r: {"code": r.code})
        existing = set(conn.execute(
            text("SELECT code FROM party WHERE code = ANY(CAST(:codes AS text[]))"),
            {"codes": sorted({r.code for r in records})},
        ).scalars())
        for record in records:
            if record.code in existing:
                errors.add(record.row, "code", "import.party_exists", code=record.code)
        return list(records)

    def insert_row(self, r: PartyRecord) -> tuple[object, ...]:
        return (r.code, r.name, r.kind, r.address, r.contact, r.phone, r.licence_no)


# -- shared lookups ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LotRef:
    id: int
    production_date: dt.date


def products_by_di(conn: Connection, dis: Iterable[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for di, product_id in conn.execute(
        text("SELECT di, id FROM product WHERE di = ANY(CAST(:dis AS text[])) ORDER BY id"),
        {"dis": sorted(set(dis))},
    ):
        found[di].append(product_id)
    return found


def lots_by_key(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], LotRef]:
    keys = sorted(set(keys))
    rows = conn.execute(
        text("SELECT k.di, k.lot_no, l.id, l.production_date "
             "FROM unnest(CAST(:dis AS text[]), CAST(:lots AS text[])) AS k(di, lot_no) "
             "JOIN product p ON p.di = k.di JOIN lot l ON l.product_id = p.id AND l.lot_no = k.lot_no"),
        {"dis": [k[0] for k in keys], "lots": [k[1] for k in keys]},
    )
    return {(di, lot_no): LotRef(lot_id, produced) for di, lot_no, lot_id, produced in rows}


def parties_by_code(conn: Connection, codes: Iterable[str]) -> dict[str, int]:
    return {code: party_id for code, party_id in conn.execute(
        text("SELECT code, id FROM party WHERE code = ANY(CAST(:codes AS text[]))"),
        {"codes": sorted(set(codes))},
    )}


def stock_at(conn: Connection, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Stock on hand per (lot id, party id), read with the database's own stock_at() (indexed)."""
    pairs = sorted(set(pairs))
    rows = conn.execute(
        text("SELECT k.lot_id, k.party_id, stock_at(k.lot_id, k.party_id) "
             "FROM unnest(CAST(:lots AS bigint[]), CAST(:parties AS bigint[])) AS k(lot_id, party_id)"),
        {"lots": [p[0] for p in pairs], "parties": [p[1] for p in pairs]},
    )
    return {(lot_id, party_id): int(quantity) for lot_id, party_id, quantity in rows}


class _LotResolver:
    """(di, lot) → lot, with one message for an unknown product and another for an unknown lot."""

    def __init__(self, conn: Connection, keys: Iterable[tuple[str, str]]) -> None:
        keys = list(keys)
        self.products = products_by_di(conn, (di for di, _ in keys))
        self.lots = lots_by_key(conn, keys)

    def find(self, errors: Errors, row: int, di_column: str, lot_column: str, di: str, lot_no: str
             ) -> LotRef | None:
        if di not in self.products:
            errors.add(row, di_column, "import.unknown_product", di=di)
            return None
        if len(self.products[di]) > 1:
            errors.add(row, di_column, "import.ambiguous_di", di=di, count=len(self.products[di]))
            return None
        lot = self.lots.get((di, lot_no))
        if lot is None:
            errors.add(row, lot_column, "import.unknown_lot", lot=lot_no, di=di)
        return lot


# -- lots -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LotRecord:
    row: int
    di: str
    lot_no: str
    production_date: dt.date
    expiry_date: dt.date
    quantity: int
    status: str
    product_id: int = 0


class Lots(Kind):
    name = "lots"
    table = "lot"
    columns = (("product_id", "bigint"), ("lot_no", "text"), ("production_date", "date"), ("expiry_date", "date"),
               ("quantity", "integer"), ("status", "text"))
    tables_changed = ("lot",)

    def parse(self, row: RowCells) -> LotRecord | None:
        c = self.col
        record = LotRecord(
            row=row.number, di=row.read(c["di"], cells.reference_di), lot_no=row.text(c["lot"]),
            production_date=row.read(c["production_date"], cells.date),
            expiry_date=row.read(c["expiry_date"], cells.date),
            quantity=row.read(c["quantity"], cells.integer),
            status=row.read(c["status"], lambda v: cells.choice(v, c["status"].allowed, LOT_STATUS_ALIASES)),
        )
        if record.production_date and record.expiry_date and record.production_date > record.expiry_date:
            row.error("expiry_date", "import.expiry_before_production", expiry=str(record.expiry_date),
                      production=str(record.production_date))
        return None if row.failed else record

    def check(self, conn: Connection, records: Sequence[LotRecord], errors: Errors) -> list[LotRecord]:
        _first_seen(records, lambda r: (r.di, r.lot_no), errors, "lot", "import.duplicate_lot",
                    lambda r: {"lot": r.lot_no, "di": r.di})
        products = products_by_di(conn, (r.di for r in records))
        existing = lots_by_key(conn, ((r.di, r.lot_no) for r in records))
        historical = sum(1 for r in records if r.status != "quarantine")
        # Mirrors the lot status guard of migration 0004: a new lot starts in quarantine; only a
        # superuser migrating historical records may insert another status (the audit trail names them).
        may_set_status = historical and conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = session_user")).scalar()
        ready = []
        for record in records:
            ids = products.get(record.di, [])
            if record.status != "quarantine" and not may_set_status:
                errors.add(record.row, "status", "import.lot_status_not_quarantine", status=record.status)
            elif not ids:
                errors.add(record.row, "di", "import.unknown_product", di=record.di)
            elif len(ids) > 1:
                errors.add(record.row, "di", "import.ambiguous_di", di=record.di, count=len(ids))
            elif (record.di, record.lot_no) in existing:
                errors.add(record.row, "lot", "import.lot_exists", lot=record.lot_no, di=record.di)
            else:
                ready.append(_with_product(record, ids[0]))
        if historical and may_set_status:
            self.notes.append(Said.of("import.note_historical_statuses", count=historical))
        return ready

    def insert_row(self, r: LotRecord) -> tuple[object, ...]:
        return (r.product_id, r.lot_no, r.production_date, r.expiry_date, r.quantity, r.status)


def _with_product(record: LotRecord, product_id: int) -> LotRecord:
    return LotRecord(record.row, record.di, record.lot_no, record.production_date, record.expiry_date,
                     record.quantity, record.status, product_id)


# -- genealogy --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    row: int
    finished_di: str
    finished_lot: str
    component_di: str
    component_lot: str
    quantity: int
    site: str
    ids: tuple[int, int, int] = (0, 0, 0)  # finished lot, component lot, site


class Genealogy(Kind):
    name = "genealogy"
    table = "genealogy_edge"
    columns = (("finished_lot_id", "bigint"), ("component_lot_id", "bigint"), ("site_id", "bigint"),
               ("quantity", "integer"))
    tables_changed = ("genealogy_edge",)

    def parse(self, row: RowCells) -> EdgeRecord | None:
        c = self.col
        record = EdgeRecord(
            row=row.number,
            finished_di=row.read(c["finished_di"], cells.reference_di), finished_lot=row.text(c["finished_lot"]),
            component_di=row.read(c["component_di"], cells.reference_di),
            component_lot=row.text(c["component_lot"]),
            quantity=row.read(c["quantity"], cells.integer), site=row.text(c["site"]),
        )
        if not row.failed and (record.finished_di, record.finished_lot) == (record.component_di,
                                                                             record.component_lot):
            row.error("component_lot", "import.self_component")
        return None if row.failed else record

    def check(self, conn: Connection, records: Sequence[EdgeRecord], errors: Errors) -> list[EdgeRecord]:
        _first_seen(records, lambda r: (r.finished_di, r.finished_lot, r.component_di, r.component_lot),
                    errors, "component_lot", "import.duplicate_edge",
                    lambda r: {"component_lot": r.component_lot, "component_di": r.component_di,
                               "finished_lot": r.finished_lot, "finished_di": r.finished_di})
        lots = _LotResolver(conn, [k for r in records for k in ((r.finished_di, r.finished_lot),
                                                                (r.component_di, r.component_lot))])
        sites = parties_by_code(conn, (r.site for r in records if r.site))
        found = [(r, lots.find(errors, r.row, "finished_di", "finished_lot", r.finished_di, r.finished_lot),
                  lots.find(errors, r.row, "component_di", "component_lot", r.component_di, r.component_lot))
                 for r in records]
        finished_ids = sorted({f.id for _, f, _ in found if f})
        produced_at: dict[int, list[tuple[int, str]]] = defaultdict(list)
        existing_edges: set[tuple[int, int]] = set()
        if finished_ids:
            for lot_id, party_id, code in conn.execute(text(
                "SELECT DISTINCT m.lot_id, m.to_party_id, p.code FROM movement m JOIN party p ON p.id = m.to_party_id "
                "WHERE m.kind = 'produce' AND m.lot_id = ANY(CAST(:ids AS bigint[])) ORDER BY 1, 3"
            ), {"ids": finished_ids}):
                produced_at[lot_id].append((party_id, code))
            existing_edges = {tuple(row) for row in conn.execute(text(
                "SELECT finished_lot_id, component_lot_id FROM genealogy_edge "
                "WHERE finished_lot_id = ANY(CAST(:ids AS bigint[]))"), {"ids": finished_ids})}

        located: list[tuple[EdgeRecord, int, int, int, str]] = []
        for record, finished, component in found:
            if finished is None or component is None:
                continue
            if record.site:
                site_id = sites.get(record.site)
                if site_id is None:
                    errors.add(record.row, "site", "import.unknown_site", code=record.site)
                    continue
                site_code = record.site
            else:
                places = produced_at.get(finished.id, [])
                if len(places) != 1:
                    lot = {"lot": record.finished_lot, "di": record.finished_di}
                    if places:
                        errors.add(record.row, "site", "import.finished_lot_many_sites", **lot, count=len(places),
                                   sites=", ".join(c for _, c in places))
                    else:
                        errors.add(record.row, "site", "import.finished_lot_no_site", **lot)
                    continue
                site_id, site_code = places[0]
            if (finished.id, component.id) in existing_edges:
                errors.add(record.row, "component_lot", "import.edge_exists", component_lot=record.component_lot,
                           component_di=record.component_di, finished_lot=record.finished_lot,
                           finished_di=record.finished_di)
                continue
            located.append((record, finished.id, component.id, site_id, site_code))

        # ISO 13485 7.5.9: the component must be in stock where it is consumed — in file order.
        balance = stock_at(conn, ((component_id, site_id) for _, _, component_id, site_id, _ in located))
        ready = []
        for record, finished_id, component_id, site_id, site_code in located:
            on_hand = balance[(component_id, site_id)]
            if on_hand < record.quantity:
                errors.add(record.row, "quantity", "import.component_stock_short", on_hand=on_hand,
                           lot=record.component_lot, di=record.component_di, site=site_code,
                           quantity=record.quantity)
                continue
            balance[(component_id, site_id)] = on_hand - record.quantity
            ready.append(EdgeRecord(record.row, record.finished_di, record.finished_lot, record.component_di,
                                    record.component_lot, record.quantity, site_code,
                                    (finished_id, component_id, site_id)))
        return ready

    def insert_row(self, r: EdgeRecord) -> tuple[object, ...]:
        return (*r.ids, r.quantity)

    def stock_effects(self, r: EdgeRecord) -> list[tuple[tuple[int, int], int]]:
        _finished, component, site = r.ids
        return [((component, site), -r.quantity)]


# -- movements --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MovementRecord:
    row: int
    moved_on: dt.date
    kind: str
    di: str
    lot_no: str
    serial: str | None
    quantity: int
    from_party: str
    to_party: str
    document_no: str
    raw_udi: str | None
    ids: tuple[int, int | None, int | None] = (0, None, None)  # lot, from party, to party


class Movements(Kind):
    name = "movements"
    table = "movement"
    columns = (("kind", "text"), ("lot_id", "bigint"), ("serial", "text"), ("quantity", "integer"),
               ("from_party_id", "bigint"), ("to_party_id", "bigint"), ("moved_on", "date"),
               ("document_no", "text"), ("raw_udi", "text"))
    tables_changed = ("movement",)

    def parse(self, row: RowCells) -> MovementRecord | None:
        c = self.col
        kind = row.read(c["type"], lambda v: cells.choice(v, c["type"].allowed, MOVEMENT_TYPE_ALIASES))
        record = MovementRecord(
            row=row.number, moved_on=row.read(c["date"], cells.date), kind=kind,
            di=row.read(c["di"], cells.reference_di), lot_no=row.text(c["lot"]),
            serial=row.text(c["serial"]) or None, quantity=row.read(c["quantity"], cells.integer),
            from_party=row.text(c["from_party"]), to_party=row.text(c["to_party"]),
            document_no=row.text(c["document_no"]), raw_udi=row.text(c["raw_udi"]) or None,
        )
        if kind:
            needs_from, needs_to, _sentence = PARTY_NEEDS[kind]
            problem = None
            if needs_from == "either":
                if bool(record.from_party) == bool(record.to_party):
                    problem = "from_party" if record.from_party else "to_party"
            elif (needs_from == "required") != bool(record.from_party):
                problem = "from_party"
            elif (needs_to == "required") != bool(record.to_party):
                problem = "to_party"
            if problem:
                row.error(problem, f"import.movement_parties.{kind}")  # the sentence of PARTY_NEEDS
            elif record.from_party and record.from_party == record.to_party:
                row.error("to_party", "import.same_party")
        if record.serial and record.quantity and record.quantity != 1:
            row.error("quantity", "import.serial_quantity", serial=record.serial, quantity=record.quantity)
        return None if row.failed else record

    def check(self, conn: Connection, records: Sequence[MovementRecord], errors: Errors) -> list[MovementRecord]:
        lots = _LotResolver(conn, ((r.di, r.lot_no) for r in records))
        parties = parties_by_code(conn, (code for r in records for code in (r.from_party, r.to_party) if code))
        # Workstation clocks are never trusted (DESIGN §3); the server's date, one day of grace for time
        # zones ahead of UTC (China is UTC+8: its morning is still yesterday in UTC).
        latest = conn.execute(text("SELECT current_date + 1")).scalar_one()
        resolved: list[tuple[MovementRecord, int, int | None, int | None]] = []
        for record in records:
            lot = lots.find(errors, record.row, "di", "lot", record.di, record.lot_no)
            ends: list[int | None] = []
            for column, code in (("from_party", record.from_party), ("to_party", record.to_party)):
                party_id = parties.get(code) if code else None
                if code and party_id is None:
                    errors.add(record.row, column, "import.unknown_party", code=code)
                ends.append(party_id)
            bad_party = any(code and party_id is None
                            for code, party_id in zip((record.from_party, record.to_party), ends, strict=True))
            if lot is None or bad_party:
                continue
            if record.moved_on > latest:
                errors.add(record.row, "date", "import.date_in_future", date=str(record.moved_on))
                continue
            if record.moved_on < lot.production_date:
                errors.add(record.row, "date", "import.date_before_production", date=str(record.moved_on),
                           production=str(lot.production_date), lot=record.lot_no, di=record.di)
                continue
            resolved.append((record, lot.id, ends[0], ends[1]))

        # Stock never goes negative (the database refuses it too); checked here in file order so the
        # person learns the row. A receive's sender is outside our stock keeping (app/models/movement.py).
        balance = stock_at(conn, ((lot_id, source) for record, lot_id, source, _ in resolved
                                  if source is not None and record.kind != "receive"))
        balance = defaultdict(int, balance)
        ready = []
        for record, lot_id, source, dest in resolved:
            if source is not None and record.kind != "receive":
                on_hand = balance[(lot_id, source)]
                if on_hand < record.quantity:
                    errors.add(record.row, "quantity", "import.stock_short", on_hand=on_hand, lot=record.lot_no,
                               di=record.di, party=record.from_party, quantity=record.quantity)
                    continue
                balance[(lot_id, source)] = on_hand - record.quantity
            if dest is not None:
                balance[(lot_id, dest)] += record.quantity
            ready.append(MovementRecord(
                record.row, record.moved_on, record.kind, record.di, record.lot_no, record.serial,
                record.quantity, record.from_party, record.to_party, record.document_no, record.raw_udi,
                (lot_id, source, dest)))
        return ready

    def insert_row(self, r: MovementRecord) -> tuple[object, ...]:
        lot_id, source, dest = r.ids
        return (r.kind, lot_id, r.serial, r.quantity, source, dest, r.moved_on, r.document_no, r.raw_udi)

    def stock_effects(self, r: MovementRecord) -> list[tuple[tuple[int, int], int]]:
        lot_id, source, dest = r.ids
        changes = [((lot_id, dest), r.quantity)] if dest is not None else []
        if source is not None and r.kind != "receive":
            changes.insert(0, ((lot_id, source), -r.quantity))
        return changes


KIND_TYPES: dict[str, type[Kind]] = {
    kind.name: kind for kind in (Products, Parties, Lots, Genealogy, Movements)
}
