"""The company profile: who issues every report and recall letter, and its audited corrections.

The profile is one row (migration 0012). Reports print its legal name in the report's language with
the other language beside it, the address, the manufacturing licence no. (生产许可证编号), the registrant
(注册人/备案人) and the logo. Changes go through the record-edit path (app/services/record_edits.py): a
reason, the values the administrator saw, and the audit trail; creating it is the same path's insert.

Where no profile exists yet (a database from before 0012 that nobody has set up), report headers
print the first manufacturer party's name, as before, and say on every page that the profile is not
set up: a controlled record must not pass off a site's name as the issuing legal entity unnoticed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.errors import InvalidInput
from app.models import CompanyProfile, Party
from app.models.company import LOGO_MAX_BYTES, PROFILE_ID
from app.models.enums import PartyKind
from app.reports.document import Letterhead
from app.reports.words import word
from app.services.audit_queries import audit_entry
from app.services.record_edits import (
    EditableRecord,
    EditResult,
    FieldChange,
    RecordChangedMeanwhile,
    coerce_fields,
    edit_record,
    load_for_edit,
)

TABLE = "company_profile"
LOGO_FORMATS = ("PNG", "JPEG")
LOGO_MAX_PIXELS = 4000 * 4000  # a small file may still decode to gigabytes (a "decompression bomb")
# The same columns for a psycopg connection (validation, backup records), in the order of `Company`.
PROFILE_SQL = ("SELECT legal_name_zh, legal_name_en, address, licence_no, registrant, logo, logo_sha256 "
               "FROM company_profile WHERE id = 1")


@dataclass(frozen=True)
class Company:
    """The company profile as reports print it."""

    legal_name_zh: str
    legal_name_en: str
    address: str
    licence_no: str
    registrant: str
    logo: bytes | None = None
    logo_sha256: str = ""

    def name(self, language: str) -> str:
        """The legal name in `language`, else the other one."""
        first, second = ((self.legal_name_zh, self.legal_name_en) if language == "zh_CN"
                         else (self.legal_name_en, self.legal_name_zh))
        return (first or second).strip()

    def other_name(self, language: str) -> str:
        other = self.name("en" if language == "zh_CN" else "zh_CN")
        return "" if other == self.name(language) else other

    def letterhead(self, language: str) -> Letterhead:
        details = tuple((word(language, key), value) for key, value in (
            ("address", self.address), ("licence_no", self.licence_no), ("registrant", self.registrant)) if value)
        return Letterhead(self.name(language), self.other_name(language), details, self.logo)


def _company(row: Any) -> Company:
    logo = row[5]
    return Company(row[0], row[1], row[2], row[3], row[4], bytes(logo) if logo is not None else None, row[6])


def read_company(session: Session) -> Company | None:
    """The profile, or None when nobody has set it up."""
    row = session.execute(text(PROFILE_SQL)).one_or_none()
    return _company(row) if row is not None else None


def company_profile(uow: UnitOfWork) -> Company | None:
    """The profile, or None when nobody has set it up."""
    with uow:
        return read_company(uow.session)


def letterhead_for(company: Company | None, fallback_name: str | None, language: str) -> Letterhead:
    """What a report header prints: the profile; without one, the old manufacturer-party name, flagged."""
    if company is not None:
        return company.letterhead(language)
    return Letterhead(fallback_name or "—", details=(("", word(language, "company_not_set_up")),))


def report_issuer(session: Session, language: str) -> tuple[Company | None, Letterhead]:
    """The profile (None when not set up) and the letterhead a report in `language` prints."""
    company = read_company(session)
    fallback = None if company is not None else session.execute(
        select(Party.name).where(Party.kind == PartyKind.MANUFACTURER).order_by(Party.id).limit(1)).scalar()
    return company, letterhead_for(company, fallback, language)


def connection_letterhead(conn: psycopg.Connection, language: str) -> Letterhead:
    """The same for a plain psycopg connection (validation and backup records; a restored backup may be
    from before migration 0012, without the table)."""
    exists = conn.execute("SELECT to_regclass('company_profile') IS NOT NULL").fetchone()
    row = conn.execute(PROFILE_SQL).fetchone() if exists and exists[0] else None
    company = _company(row) if row is not None else None
    fallback = None
    if company is None:
        found = conn.execute("SELECT name FROM party WHERE kind = 'manufacturer' ORDER BY id LIMIT 1").fetchone()
        fallback = found[0] if found else None
    return letterhead_for(company, fallback, language)


def check_logo(data: bytes) -> bytes:
    """The logo if it is a PNG or JPEG image of at most 512 KB that decodes; InvalidInput otherwise."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise InvalidInput.of("company.logo_empty")
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidInput.of("company.logo_too_large", kb=len(data) / 1024, limit=LOGO_MAX_BYTES // 1024)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            if width * height > LOGO_MAX_PIXELS:
                raise InvalidInput.of("company.logo_too_many_pixels", width=width, height=height)
            image.load()  # decodes every pixel: a truncated or damaged file fails here, not in a report
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise InvalidInput.of("company.logo_unreadable") from None
    if kind not in LOGO_FORMATS:
        raise InvalidInput.of("company.logo_wrong_format", kind=kind)
    return data


def load_company_for_edit(uow: UnitOfWork) -> EditableRecord | None:
    """The profile as opened for editing, or None when there is none yet (the dialog then creates it)."""
    with uow:
        exists = uow.session.execute(select(CompanyProfile.id).where(CompanyProfile.id == PROFILE_ID)).first()
    return load_for_edit(uow, table=TABLE, record_id=PROFILE_ID) if exists else None


def save_company_profile(uow: UnitOfWork, *, changes: Mapping[str, Any], reason: str,
                         expected: Mapping[str, Any] | None) -> EditResult:
    """Create or correct the company profile, with `reason`; an administrator's change (0012 grants).

    `expected` is what the person saw: the values of `load_company_for_edit`, or None when there was no
    profile then. Raises InvalidInput (no reason, no legal name, a logo that is not a PNG/JPEG ≤ 512 KB),
    RecordChangedMeanwhile (someone saved first) or the database's refusal (not an administrator).
    """
    if changes.get("logo") is not None:
        changes = {**changes, "logo": check_logo(bytes(changes["logo"]))}
    if expected is not None:
        return edit_record(uow, table=TABLE, record_id=PROFILE_ID, changes=changes, reason=reason,
                           expected=expected)
    return _create(uow, changes=changes, reason=reason)


def _create(uow: UnitOfWork, *, changes: Mapping[str, Any], reason: str) -> EditResult:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.of("edit.reason_missing")
    values = coerce_fields(TABLE, changes)
    if not any(str(values.get(n) or "").strip() for n in ("legal_name_zh", "legal_name_en")):
        raise InvalidInput.of("company.legal_name_missing")
    with uow:
        session = uow.session
        session.execute(text("SELECT set_config('medtrace.reason', :reason, true)"), {"reason": reason})
        created = session.execute(
            insert(CompanyProfile.__table__).values(id=PROFILE_ID, **values)
            .on_conflict_do_nothing(index_elements=["id"]).returning(CompanyProfile.__table__.c.id)
        ).first()
        if created is None:  # another administrator set it up after this one opened the empty form
            e = audit_entry.c
            last = session.execute(select(e.actor, e.at).where(e.table_name == TABLE)
                                   .order_by(e.id.desc()).limit(1)).one_or_none()
            now = read_company(session)
            raise RecordChangedMeanwhile(noun="company profile", label=now.name("en") if now else "",
                                         changed_by=last.actor if last else None,
                                         changed_at=last.at if last else None, fields=tuple(values))
        e = audit_entry.c
        entry = session.execute(
            select(e.id, e.at).where(e.table_name == TABLE, e.record_id == str(PROFILE_ID),
                                     text("audit_entry.txid = pg_current_xact_id()"))
            .order_by(e.id.desc()).limit(1)).one()
        label = values.get("legal_name_zh") or values.get("legal_name_en") or ""
        uow.commit()
    return EditResult(TABLE, PROFILE_ID, str(label), tuple(FieldChange(n, None, v) for n, v in values.items()),
                      reason, entry.id, entry.at)


def set_up_company_profile(connect: Callable[[], psycopg.Connection], *, values: Mapping[str, Any],
                           administrator: str) -> EditResult | None:
    """First run: the profile entered in the wizard, saved through the owner connection (DESIGN §2: the
    data folder's owner does the first-run set-up), with a reason naming the administrator being created.

    Run again after an interrupted first run, it corrects the profile saved then (None: nothing differs).
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    def transactional() -> psycopg.Connection:
        conn = connect()
        conn.autocommit = False  # the unit of work owns the transaction
        return conn

    engine = create_engine("postgresql+psycopg://", creator=transactional, poolclass=NullPool)
    try:
        uow = UnitOfWork.for_engine(engine)
        reason = f"首次运行设置 First-run set-up (administrator {administrator})"
        opened = load_company_for_edit(uow)
        if opened is None:
            return save_company_profile(uow, changes=values, reason=reason, expected=None)
        changes = {k: v for k, v in values.items() if v != opened.values.get(k)}
        if not changes:
            return None
        return save_company_profile(uow, changes=changes, reason=reason, expected=dict(opened.values))
    finally:
        engine.dispose()
