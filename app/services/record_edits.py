"""Corrections of controlled records: each states its reason and never silently overwrites someone else's.

医疗器械生产质量管理规范 第二十七条 and EU GMP Annex 11 §9: a change to a record keeps the original
legible and records who, when and why. The database enforces that (migration 0003: no UPDATE of a
controlled table without `medtrace.reason`; the audit trigger keeps old and new values); this module
is the path the GUI takes:

- the reason is set with `set_config('medtrace.reason', …, true)` inside the editing transaction, so
  it cannot leak into a later one;
- the row is locked (`SELECT … FOR UPDATE`) and compared with the values the person saw when they
  opened the record (`expected`); if another person changed any of them meanwhile, nothing is written
  and `RecordChangedMeanwhile` names who changed it and when (from the record's latest audit entry);
- only the fields the permission matrix lets some group update can be edited (app/security/
  permissions.py); the database's column grants still decide for the person actually signed in.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Boolean, Date, Enum, Integer, LargeBinary, Numeric, func, select, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.uow import UnitOfWork
from app.errors import ConcurrentChange, InvalidInput, NotFound
from app.models import CompanyProfile, Deviation, Lot, Movement, Party, Product, QcResult
from app.models.base import Base
from app.models.enums import DeviationStatus
from app.security.permissions import LOT_UPDATE_COLUMNS, TABLE_GRANTS
from app.services.audit_queries import audit_entry

MODELS: dict[str, type[Base]] = {
    "lot": Lot, "product": Product, "qc_result": QcResult, "deviation": Deviation, "movement": Movement,
    "party": Party, "company_profile": CompanyProfile,
}
# Fields a correction may touch, per table. Identity (ids, DI, lot number, the lot a result belongs
# to) and bookkeeping (created_at/by) are never edited: a different DI is a different product
# (医疗器械唯一标识系统规则), and lot status moves only through the controlled release functions.
_CANDIDATE_FIELDS: dict[str, tuple[str, ...]] = {
    "lot": LOT_UPDATE_COLUMNS,  # the column grant of migration 0002
    "product": ("name", "name_en", "model", "registration_no", "risk_class", "implantable",
                "shelf_life_days", "device_lifetime_days", "alert_days"),
    "qc_result": ("test_name", "specification", "result", "passed", "tested_on"),
    "deviation": ("title", "description", "status", "closed_on"),
    # Clerical fields only: a wrong quantity, lot or party is corrected by a correcting movement,
    # so that derived stock never changes behind anyone's back.
    "movement": ("moved_on", "document_no"),
    # A party's code and kind are its identity (movements and the trace refer to them); the rest is its
    # record (条例 第四十五条: name, address, contact, licence) and what it accepts (minimum shelf life).
    "party": ("name", "address", "contact", "phone", "licence_no", "min_shelf_life_days", "min_shelf_life_pct",
              "expiry_owner"),
    # The one row of the company profile (0012); its logo digest is the database's, never edited.
    "company_profile": ("legal_name_zh", "legal_name_en", "address", "licence_no", "registrant", "logo"),
}
NOUNS = {"lot": "lot", "product": "product", "qc_result": "QC result", "deviation": "deviation",
         "movement": "movement", "party": "party", "company_profile": "company profile"}


def _granted_update(table: str) -> bool:
    return any("UPDATE" in grants.get(table, frozenset()) for grants in TABLE_GRANTS.values())


# The matrix decides: a table no group may UPDATE has no editable field (today: movement).
EDITABLE: dict[str, tuple[str, ...]] = {
    table: fields if _granted_update(table) else () for table, fields in _CANDIDATE_FIELDS.items()
}


class RecordChangedMeanwhile(ConcurrentChange):
    """Someone changed the record after it was opened for editing; the edit was not saved."""

    def __init__(self, *, noun: str, label: str, changed_by: str | None, changed_at: dt.datetime | None,
                 fields: tuple[str, ...]) -> None:
        who = changed_by or "another user"
        when = f" at {changed_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC" if changed_at else ""
        message_id = "edit.changed_meanwhile" + ("" if changed_by else "_unknown") + ("" if changed_at else "_no_time")
        params = {"Noun": noun.capitalize(), "noun": noun.lower(), "label": label, "who": changed_by or "",
                  "at": f"{changed_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}" if changed_at else "",
                  "fields": ", ".join(fields)}
        super().__init__(
            f"{noun.capitalize()} {label} was changed by {who}{when} after you opened it — reload and try again.",
            hint=f"Changed meanwhile: {', '.join(fields)}. Nothing was saved.",
            message_id=message_id, params=params,
        )
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.fields = fields


@dataclass(frozen=True)
class FieldChange:
    """One field of a correction: the value before and after."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class EditableRecord:
    """A record as opened for editing: its editable values now, and who last changed it."""

    table: str
    id: int
    label: str
    values: Mapping[str, Any]
    editable: tuple[str, ...]
    last_changed_by: str | None
    last_changed_at: dt.datetime | None


@dataclass(frozen=True)
class EditResult:
    """What a saved correction changed, with the reason and its audit entry."""

    table: str
    id: int
    label: str
    changes: tuple[FieldChange, ...]
    reason: str
    audit_entry_id: int
    at: dt.datetime


def _column(model: type[Base], name: str) -> InstrumentedAttribute[Any]:
    return getattr(model, name)  # type: ignore[no-any-return]


def _coerce(model: type[Base], name: str, value: Any) -> Any:
    """The value as the column stores it; a clear InvalidInput for a value of the wrong kind."""
    column = model.__table__.c[name]
    if value is None:
        if not column.nullable:
            raise InvalidInput.of("edit.field_empty", Field=name.replace("_", " ").capitalize(), field=name)
        return None
    kind = column.type
    try:
        if isinstance(kind, Enum) and kind.enum_class is not None:
            return kind.enum_class(value.value if isinstance(value, enum.Enum) else value)
        if isinstance(kind, Date):
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise ValueError(value)
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or int(value) != value:
                raise ValueError(value)
            return int(value)
        if isinstance(kind, ARRAY):
            return [int(v) for v in value]
        if isinstance(kind, Numeric):
            return decimal.Decimal(str(value))
        if isinstance(kind, LargeBinary):
            if not isinstance(value, bytes | bytearray | memoryview):
                raise ValueError(value)
            return bytes(value)
    except (ValueError, TypeError, decimal.InvalidOperation):
        raise InvalidInput.of("edit.invalid_value", value=value, field=name.replace("_", " ")) from None
    return str(value)


def coerce_fields(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` as `table`'s columns store them, refusing a field no correction may touch."""
    model = _model(table)
    refused = sorted(set(values) - set(EDITABLE[table]))
    if refused:
        raise InvalidInput.of("edit.field_not_editable", Field=refused[0].replace("_", " ").capitalize(),
                              field=refused[0], noun=NOUNS[table], table=NOUNS[table].lower(),
                              editable=", ".join(EDITABLE[table]))
    return {name: _coerce(model, name, value) for name, value in values.items()}


def _plain(value: Any) -> Any:
    """A comparable form: enums by value, sequences as lists."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _label(session: Session, table: str, record_id: int) -> str:
    if table == "lot":
        row = session.execute(select(Lot.lot_no, Product.di).join(Product, Product.id == Lot.product_id)
                              .where(Lot.id == record_id)).one_or_none()
        return f"{row.lot_no} ({row.di})" if row else f"#{record_id}"
    if table == "product":
        row = session.execute(select(Product.name, Product.di).where(Product.id == record_id)).one_or_none()
        return f"{row.name} ({row.di})" if row else f"#{record_id}"
    if table == "party":
        row = session.execute(select(Party.code, Party.name).where(Party.id == record_id)).one_or_none()
        return f"{row.name} ({row.code})" if row else f"#{record_id}"
    if table == "company_profile":
        row = session.execute(select(CompanyProfile.legal_name_zh, CompanyProfile.legal_name_en)
                              .where(CompanyProfile.id == record_id)).one_or_none()
        return (row.legal_name_zh or row.legal_name_en) if row else f"#{record_id}"
    if table == "deviation":
        number = session.execute(select(Deviation.number).where(Deviation.id == record_id)).scalar()
        return number or f"#{record_id}"
    return f"#{record_id}"


def _last_change(session: Session, table: str, record_id: int) -> tuple[str | None, dt.datetime | None]:
    e = audit_entry.c
    row = session.execute(
        select(e.actor, e.at).where(e.table_name == table, e.record_id == str(record_id))
        .order_by(e.id.desc()).limit(1)
    ).one_or_none()
    return (row.actor, row.at) if row else (None, None)


def load_for_edit(uow: UnitOfWork, *, table: str, record_id: int) -> EditableRecord:
    """The record's editable fields as stored now: what the edit dialog shows and later sends as `expected`."""
    model = _model(table)
    fields = EDITABLE[table]
    if not fields:
        raise InvalidInput.of("edit.not_editable", noun=NOUNS[table], table=NOUNS[table].lower())
    with uow:
        session = uow.session
        row = session.execute(select(*(_column(model, f) for f in fields))
                              .where(_column(model, "id") == record_id)).one_or_none()
        if row is None:
            raise NotFound.of("edit.record_gone", noun=NOUNS[table], table=NOUNS[table].lower(), id=record_id)
        who, when = _last_change(session, table, record_id)
        return EditableRecord(table, record_id, _label(session, table, record_id),
                              {f: getattr(row, f) for f in fields}, fields, who, when)


def _model(table: str) -> type[Base]:
    if table not in MODELS:
        raise InvalidInput.of("edit.table_not_editable", table=table)
    return MODELS[table]


def edit_record(
    uow: UnitOfWork, *, table: str, record_id: int, changes: Mapping[str, Any], reason: str,
    expected: Mapping[str, Any],
) -> EditResult:
    """Apply `changes` to one controlled record, with `reason`, if it still holds the `expected` values.

    Raises InvalidInput (no reason, a field that is not editable, a malformed value, nothing changed),
    NotFound, RecordChangedMeanwhile (someone else changed it first), ReasonRequired or a
    ComplianceError from the database (its grants and constraints decide last).
    """
    model = _model(table)
    noun = NOUNS[table]
    # Annex 11 §9 / 第二十七条: every change of a controlled record states why.
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.of("edit.reason_missing")
    allowed = EDITABLE[table]
    if not allowed:
        raise InvalidInput.of("edit.not_editable", noun=noun, table=noun.lower())
    refused = sorted((set(changes) | set(expected)) - set(allowed))
    if refused:
        raise InvalidInput.of("edit.field_not_editable", Field=refused[0].replace("_", " ").capitalize(),
                              field=refused[0], noun=noun, table=noun.lower(), editable=", ".join(allowed))
    if not changes:
        raise InvalidInput.of("edit.nothing_changed")
    wanted = {name: _coerce(model, name, value) for name, value in changes.items()}
    saw = {name: _coerce(model, name, value) for name, value in expected.items()}
    names = list(dict.fromkeys([*saw, *wanted]))

    with uow:
        session = uow.session
        session.execute(text("SELECT set_config('medtrace.reason', :reason, true)"), {"reason": reason})
        row = session.execute(
            select(*(_column(model, n) for n in names)).where(_column(model, "id") == record_id).with_for_update()
        ).one_or_none()
        if row is None:
            raise NotFound.of("edit.record_gone", noun=noun, table=noun.lower(), id=record_id)
        current = {n: getattr(row, n) for n in names}
        stale = tuple(n for n, v in saw.items() if _plain(v) != _plain(current[n]))
        if stale:
            who, when = _last_change(session, table, record_id)
            raise RecordChangedMeanwhile(noun=noun, label=_label(session, table, record_id), changed_by=who,
                                         changed_at=when, fields=stale)
        diff = {n: v for n, v in wanted.items() if _plain(v) != _plain(current[n])}
        if not diff:
            raise InvalidInput.of("edit.values_unchanged")
        session.execute(update(model.__table__).where(model.__table__.c.id == record_id).values(**diff))
        e = audit_entry.c
        entry = session.execute(
            select(e.id, e.at).where(e.table_name == table, e.record_id == str(record_id),
                                     text("audit_entry.txid = pg_current_xact_id()"))
            .order_by(e.id.desc()).limit(1)
        ).one()
        label = _label(session, table, record_id)
        uow.commit()
    return EditResult(
        table, record_id, label,
        tuple(FieldChange(n, _plain(current[n]), _plain(v)) for n, v in diff.items()),
        reason, entry.id, entry.at,
    )


def edit_lot(uow: UnitOfWork, *, lot_id: int, changes: Mapping[str, Any], reason: str,
             expected: Mapping[str, Any]) -> EditResult:
    """Correct a lot's production date, expiry date or quantity (status moves only by release functions)."""
    return edit_record(uow, table="lot", record_id=lot_id, changes=changes, reason=reason, expected=expected)


def edit_product(uow: UnitOfWork, *, product_id: int, changes: Mapping[str, Any], reason: str,
                 expected: Mapping[str, Any]) -> EditResult:
    """Correct a product's master data (never its DI: a new DI is a new product)."""
    return edit_record(uow, table="product", record_id=product_id, changes=changes, reason=reason,
                       expected=expected)


def edit_party(uow: UnitOfWork, *, party_id: int, changes: Mapping[str, Any], reason: str,
               expected: Mapping[str, Any]) -> EditResult:
    """Correct a party's record or set what it accepts (minimum shelf life, expiry owner); never its code."""
    return edit_record(uow, table="party", record_id=party_id, changes=changes, reason=reason, expected=expected)


def edit_qc_result(uow: UnitOfWork, *, qc_result_id: int, changes: Mapping[str, Any], reason: str,
                   expected: Mapping[str, Any]) -> EditResult:
    """Correct a QC result (检验结果) as recorded; the original stays in the audit trail."""
    return edit_record(uow, table="qc_result", record_id=qc_result_id, changes=changes, reason=reason,
                       expected=expected)


def edit_deviation(uow: UnitOfWork, *, deviation_id: int, changes: Mapping[str, Any], reason: str,
                   expected: Mapping[str, Any]) -> EditResult:
    """Correct a deviation's title, description, status or closing date."""
    return edit_record(uow, table="deviation", record_id=deviation_id, changes=changes, reason=reason,
                       expected=expected)


def close_deviation(uow: UnitOfWork, *, deviation_id: int, reason: str, expected: Mapping[str, Any],
                    closed_on: dt.date | None = None) -> EditResult:
    """Close a deviation (a release prerequisite) on `closed_on`, by default the server's date."""
    if closed_on is None:
        with uow:
            closed_on = uow.session.execute(select(func.current_date())).scalar_one()
    return edit_record(
        uow, table="deviation", record_id=deviation_id,
        changes={"status": DeviationStatus.CLOSED, "closed_on": closed_on},
        reason=reason, expected={"status": DeviationStatus.OPEN, **expected},
    )


def edit_movement(uow: UnitOfWork, *, movement_id: int, changes: Mapping[str, Any], reason: str,
                  expected: Mapping[str, Any]) -> EditResult:
    """Correct a movement's clerical fields, where the permission matrix allows any (today it does not:
    movements are corrected by a correcting movement, so derived stock never changes silently)."""
    return edit_record(uow, table="movement", record_id=movement_id, changes=changes, reason=reason,
                       expected=expected)
