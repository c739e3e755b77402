"""Regulatory reports: the queries behind each report, the export, and the check of a file in hand.

An export (21 CFR 11.10(b): accurate and complete copies in human readable and electronic form;
EU GMP Annex 11 §8.1 and §8.2: clear printed copies that show data changed after original entry):

1. the parameters are checked against the catalogue (app/reports/catalogue.py);
2. the report's rows are read from the database into a plain ReportDocument (nothing selected: a
   clear message, no file);
3. the renderer writes a temporary file next to the target; a cancel, a full disk or an unwritable
   folder removes it and nothing is recorded;
4. the SHA-256 of the exact file is recorded in the audit trail (event `report_export`, record = the
   report number) and the file is renamed to its final name inside the same transaction, which
   commits only after the rename — no file without its record, no record without its file.

`verify_report_file` answers an inspector's question about a file in front of them: is this the file
the system produced, when and by whom — or not a file the system produced at all (one byte changed is
enough). The audit entry that records the export is itself checked against its link in the hash chain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.uow import UnitOfWork
from app.errors import InvalidInput, MedTraceError, NotFound
from app.reports.catalogue import (
    LANGUAGES,
    PDF,
    ReportDefinition,
    definition_of,
    parse_parameters,
)
from app.reports.document import (
    ALERT,
    DATE,
    DATETIME,
    FLAG,
    INT,
    OK,
    Cell,
    Column,
    Facts,
    Letterhead,
    Note,
    ReportDocument,
    Retitled,
    Section,
    Table,
    format_datetime,
)
from app.reports.excel import render_xlsx
from app.reports.pdf import render_pdf
from app.reports.words import KIND_WORDS, STATUS_WORDS, vocabulary, word
from app.services.audit_trail import GENESIS, record_event, verify_audit_trail
from app.services.company import Company, report_issuer
from app.services.lot_release import CHECKLIST_TITLES, MEANINGS, lot_checklist, lot_signatures
from app.services.trace import trace_lot

EVENT_KIND = "report_export"
STREAM_BATCH = 2_000
MAX_VALUE_TEXT = 2_000  # characters of old/new values per audit-trail cell (the workbook keeps the JSON)
LOT_CHILD_TABLES = ("qc_result", "deviation", "serial_unit", "movement", "label_verification", "audit_review",
                    "lot_signature")
WORKFLOW_FIELDS = frozenset({"status", "release_cycle"})  # changed by signing, not by editing (0004)

Progress = Callable[[int, int], None]


class NothingToReport(InvalidInput):
    """The parameters select no data: no file is written."""


class ReportNotWritten(MedTraceError):
    """The file could not be written (folder missing or read-only, disk full); nothing was recorded."""


# == Results ======================================================================================


@dataclass(frozen=True)
class ExportResult:
    """A report written and recorded in the audit trail."""

    path: Path
    report: str
    title: str
    number: str
    format: str
    rows: int
    pages: int | None
    sha256: str
    fingerprint: str
    audit_entry_id: int
    generated_at: dt.datetime
    generated_by: str

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "report": self.report, "number": self.number, "format": self.format,
                "rows": self.rows, "pages": self.pages, "sha256": self.sha256, "fingerprint": self.fingerprint,
                "audit_entry": self.audit_entry_id, "generated_at": self.generated_at.isoformat(),
                "generated_by": self.generated_by}

    def describe(self) -> str:
        size = f"{self.pages} page(s), " if self.pages is not None else ""
        return (f"{self.title} {self.number} written to {self.path} ({size}{self.rows:,} row(s)).\n"
                f"SHA-256 {self.sha256} recorded in the audit trail (entry {self.audit_entry_id}).")


@dataclass(frozen=True)
class ExportRecord:
    """What the audit trail says about one export of a file."""

    entry_id: int
    number: str
    report: str
    title: str
    format: str
    rows: int
    exported_at: dt.datetime
    exported_by: str  # the database login (session_user): the attribution that counts
    printed_name: str
    workstation: str
    parameters: Mapping[str, Any]
    chain_intact: bool | None  # None: not chained yet (its transaction has not committed)


@dataclass(frozen=True)
class FileVerification:
    """The answer of `medtrace report verify FILE`."""

    path: Path
    sha256: str
    exports: tuple[ExportRecord, ...]

    @property
    def ok(self) -> bool:
        return bool(self.exports) and all(e.chain_intact is not False for e in self.exports)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path), "sha256": self.sha256, "produced_by_medtrace": bool(self.exports), "ok": self.ok,
            "exports": [{"audit_entry": e.entry_id, "number": e.number, "report": e.report, "format": e.format,
                         "rows": e.rows, "exported_at": e.exported_at.isoformat(), "exported_by": e.exported_by,
                         "printed_name": e.printed_name, "workstation": e.workstation,
                         "parameters": dict(e.parameters), "chain_intact": e.chain_intact}
                        for e in self.exports],
        }

    def describe(self, zone: dt.tzinfo | None = None) -> str:
        if not self.exports:
            return (f"NOT A FILE MEDTRACE PRODUCED: no export with SHA-256 {self.sha256} is recorded in the audit "
                    f"trail. {self.path.name} was changed after export (one byte is enough), or it comes from "
                    "elsewhere.")
        lines = []
        for e in self.exports:
            when = format_datetime(e.exported_at, zone or dt.datetime.now().astimezone().tzinfo)
            chain = {True: "its audit entry is intact in the hash chain",
                     False: "BUT ITS AUDIT ENTRY FAILS THE HASH CHAIN: the record of this export was tampered with",
                     None: "its audit entry is not chained yet"}[e.chain_intact]
            lines.append(f"{self.path.name} is report {e.number} ({e.title}, {e.format.upper()}, {e.rows:,} row(s)), "
                         f"exported on {when} by {e.exported_by} ({e.printed_name}) at {e.workstation}; {chain} "
                         f"(entry {e.entry_id}).")
        return "\n".join(lines)


# == Export ======================================================================================


def export_report(
    uow: UnitOfWork,
    *,
    report: str,
    params: Mapping[str, object],
    fmt: str,
    out: Path | str,
    language: str = "zh_CN",
    generated_by: str | None = None,
    zone: dt.tzinfo | None = None,
    trusted_keys: Iterable[bytes] = (),
    progress: Progress | None = None,
    read_uow: UnitOfWork | None = None,
) -> ExportResult:
    """Build, write and record one report (see the module docstring for the steps and guarantees).

    The report's rows are read through `read_uow` when given (the read path: the profile's replica when
    it may be used); the export is recorded through `uow`, on the primary.

    Raises InvalidInput (unknown report, parameter or format), NotFound (no such lot),
    NothingToReport (the parameters select nothing), ReportNotWritten (folder or disk), and lets any
    exception raised by `progress` (the GUI's Cancel) through after removing the partial file.
    """
    definition = definition_of(report)
    fmt = (fmt or "").lower().lstrip(".")
    if fmt not in definition.formats:
        written_as = " or ".join(f.upper() for f in definition.formats)
        raise InvalidInput.of("report.wrong_format", title=definition.title_en, title_zh=definition.title_zh,
                              formats=written_as, fmt=fmt)
    if language not in LANGUAGES:
        raise InvalidInput.of("report.unknown_language", language=language)
    values = parse_parameters(definition, params)
    target = Path(out).expanduser().absolute()
    _check_folder(target)
    zone = zone or dt.datetime.now().astimezone().tzinfo
    assert zone is not None
    document = build_document(read_uow or uow, definition, values, language=language, zone=zone,
                              generated_by=generated_by, trusted_keys=trusted_keys)
    temporary = _temporary_file(target)
    try:
        if fmt == PDF:
            rendered = render_pdf(document, temporary, progress=progress)
            rows, pages, fingerprint = rendered.rows, rendered.pages, rendered.fingerprint
        else:
            written = render_xlsx(document, temporary, progress=progress)
            rows, pages, fingerprint = written.rows, None, written.fingerprint
        sha256 = file_sha256(temporary, sync=True)
        with uow:
            conn = uow.driver_connection()
            detail = {
                "sha256": sha256, "name": target.name, "report": definition.key, "title": document.title,
                "params": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()},
                "format": fmt, "rows": rows, "pages": pages, "fingerprint": fingerprint, "language": language,
                "generated_by": document.generated_by,
            }
            entry_id = record_event(conn, EVENT_KIND, document.number, detail)
            temporary.replace(target)
            try:
                uow.commit()
            except BaseException:
                target.unlink(missing_ok=True)  # not recorded: not exported
                raise
    except OSError as exc:
        raise _not_written(exc, target) from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return ExportResult(path=target, report=definition.key, title=document.title, number=document.number, format=fmt,
                        rows=rows, pages=pages, sha256=sha256, fingerprint=fingerprint, audit_entry_id=entry_id,
                        generated_at=document.generated_at, generated_by=document.generated_by)


def file_sha256(path: Path, *, sync: bool = False) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        if sync:
            os.fsync(handle.fileno())
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_folder(target: Path) -> None:
    folder = target.parent
    if not folder.exists():
        raise ReportNotWritten.of("report.folder_missing", folder=folder)
    if not folder.is_dir():
        raise ReportNotWritten.of("report.not_a_folder", folder=folder)
    if target.is_dir():
        raise ReportNotWritten.of("report.target_is_folder", target=target)


def _temporary_file(target: Path) -> Path:
    """An empty file beside the target: the rename at the end is atomic on the same file system."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise _not_written(exc, target) from None
    os.close(handle)
    return Path(name)


def _not_written(exc: OSError, target: Path) -> ReportNotWritten:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return ReportNotWritten.of("report.no_space", name=target.name, folder=target.parent)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ReportNotWritten.of("report.not_permitted", folder=target.parent)
    return ReportNotWritten.of("report.write_failed", name=target.name, folder=target.parent,
                               detail=exc.strerror or exc)


# == Verification =================================================================================


def verify_report_file(conn: psycopg.Connection, path: Path | str) -> FileVerification:
    """Find the export of exactly this file in the audit trail (by SHA-256), with its chain link checked.

    Raises ReportNotWritten-style InvalidInput when the file cannot be read.
    """
    path = Path(path).expanduser()
    try:
        digest = file_sha256(path)
    except OSError as exc:
        raise InvalidInput.of("report.file_unreadable", path=path, detail=exc.strerror or exc) from None
    rows = conn.execute(
        "SELECT e.id, e.at, e.actor, e.workstation, e.record_id, e.new_values, c.hash, "
        "       coalesce((SELECT p.hash FROM audit_chain p WHERE p.position = c.position - 1), %s), "
        "       mt_audit_canonical(e) "
        "  FROM audit_entry e LEFT JOIN audit_chain c ON c.entry_id = e.id "
        " WHERE e.action = 'EVENT' AND ((e.table_name = %s AND e.new_values ->> 'sha256' = %s)"
        "    OR (e.table_name = 'validation_run' AND e.new_values -> 'files' @> jsonb_build_array("
        "        jsonb_build_object('sha256', %s::text)))) ORDER BY e.id",
        (GENESIS, EVENT_KIND, digest, digest),
    ).fetchall()
    exports = []
    for entry_id, at, actor, workstation, number, detail, stored, previous, canonical in rows:
        intact = None
        if stored is not None:
            intact = hashlib.sha256(bytes(previous) + canonical.encode()).digest() == bytes(stored)
        detail = detail or {}
        exports.append(ExportRecord(
            entry_id=entry_id, number=number, report=str(detail.get("report", "")),
            title=str(detail.get("title", "")), format=str(detail.get("format", "")), rows=int(detail.get("rows", 0)),
            exported_at=at, exported_by=str(actor), printed_name=str(detail.get("generated_by", "")),
            workstation=workstation, parameters=detail.get("params", {}), chain_intact=intact))
    return FileVerification(path=path, sha256=digest, exports=tuple(exports))


# == Choices for the Reports page =================================================================


@dataclass(frozen=True)
class LotChoice:
    lot_no: str
    di: str
    product_name: str
    expiry_date: dt.date


def find_lots(uow: UnitOfWork, *, prefix: str, limit: int = 20) -> list[LotChoice]:
    """Lots whose number starts with `prefix` (the lot picker), through ix_lot_lot_no_pattern."""
    prefix = (prefix or "").strip()
    if not prefix:
        return []
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with uow:
        rows = uow.session.execute(text(
            "SELECT l.lot_no, p.di, p.name, l.expiry_date FROM lot l JOIN product p ON p.id = l.product_id "
            "WHERE l.lot_no LIKE :pattern ORDER BY l.lot_no, p.di LIMIT :limit"),
            {"pattern": pattern, "limit": limit}).all()
    return [LotChoice(*row) for row in rows]


def known_users(uow: UnitOfWork) -> list[str]:
    """Everyone who appears in the audit trail (the user picker): a loose index scan over actor."""
    with uow:
        rows = uow.session.execute(text("""
            WITH RECURSIVE actors(actor) AS (
                (SELECT actor FROM audit_entry ORDER BY actor LIMIT 1)
                UNION ALL
                SELECT (SELECT e.actor FROM audit_entry e WHERE e.actor > a.actor ORDER BY e.actor LIMIT 1)
                  FROM actors a WHERE a.actor IS NOT NULL)
            SELECT actor::text FROM actors WHERE actor IS NOT NULL""")).scalars().all()
    return list(rows)


# == Building documents ===========================================================================


@dataclass(frozen=True)
class _Header:
    now: dt.datetime
    company: str
    generated_by: str
    profile: Company | None
    letterhead: Letterhead


def build_document(uow: UnitOfWork, definition: ReportDefinition, values: Mapping[str, object], *, language: str,
                   zone: dt.tzinfo, generated_by: str | None = None,
                   trusted_keys: Iterable[bytes] = ()) -> ReportDocument:
    """The report's content, read from the database; raises NotFound / NothingToReport."""
    with uow:
        header = _header(uow.session, generated_by, zone, language)
    from app.services.recall_reports import BUILDERS as RECALL_BUILDERS  # they raise NothingToReport from here

    builders: dict[str, Callable[..., tuple[Section, ...] | Retitled]] = {
        "release-record": _release_record,
        "trace": _trace_report,
        "audit-extract": _audit_extract,
        "expiry": _expiry_report,
        "udi-nmpa": _udi_nmpa,
        "udi-gudid": _udi_gudid,
        **RECALL_BUILDERS,
    }
    built = builders[definition.key](uow, values, language=language, zone=zone, company=header.company,
                                     profile=header.profile, trusted_keys=tuple(trusted_keys),
                                     today=header.now.date())
    title, sections = ((built.title, built.sections) if isinstance(built, Retitled)
                       else (definition.title(language), built))
    number = f"{definition.prefix}-{header.now:%Y%m%d-%H%M%S}-{secrets.token_hex(2).upper()}"
    shown = tuple((definition.parameter(name).label(language), _parameter_text(definition, name, value, language))
                  for name, value in values.items() if value is not None)
    return ReportDocument(
        key=definition.key, number=number, title=title, language=language,
        company=header.company, generated_by=header.generated_by, generated_at=header.now, parameters=shown,
        parameter_values={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()},
        sections=sections, landscape=definition.landscape, letterhead=header.letterhead,
    )


def _parameter_text(definition: ReportDefinition, name: str, value: object, language: str) -> str:
    parameter = definition.parameter(name)
    if parameter.choices:
        return parameter.choice_label(str(value), language)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _header(session: Session, generated_by: str | None, zone: dt.tzinfo, language: str) -> _Header:
    now, login = session.execute(text("SELECT now(), session_user::text")).one()
    profile, letterhead = report_issuer(session, language)
    if generated_by is None:
        printed = session.execute(text("SELECT printed_name FROM mt_my_account()")).scalar()
        generated_by = f"{printed} ({login})" if printed else login
    return _Header(now=now.astimezone(zone), company=letterhead.name, generated_by=generated_by, profile=profile,
                   letterhead=letterhead)


@dataclass(frozen=True)
class _Lot:
    id: int
    lot_no: str
    status: str
    production_date: dt.date
    expiry_date: dt.date
    quantity: int
    release_cycle: int
    created_by: str
    created_at: dt.datetime
    product_id: int
    agency: str
    di: str
    name: str
    name_en: str
    model: str
    registration_no: str
    risk_class: str
    implantable: bool


def _resolve_lot(session: Session, lot_no: str, di: str | None) -> _Lot:
    sql = ("SELECT l.id, l.lot_no, l.status, l.production_date, l.expiry_date, l.quantity, l.release_cycle, "
           "l.created_by, l.created_at, p.id, p.agency, p.di, p.name, p.name_en, p.model, p.registration_no, "
           "p.risk_class, p.implantable FROM lot l JOIN product p ON p.id = l.product_id WHERE l.lot_no = :lot"
           + (" AND p.di = :di" if di else "") + " ORDER BY p.di")
    rows = session.execute(text(sql), {"lot": lot_no, "di": di}).all()
    if not rows:
        raise (NotFound.of("lookup.no_such_lot_of_product", lot_no=lot_no, di=di) if di
               else NotFound.of("lookup.no_such_lot", lot_no=lot_no))
    if len(rows) > 1:
        products = ", ".join(r[11] for r in rows[:5])
        raise InvalidInput.of("report.lot_ambiguous", lot_no=lot_no, count=len(rows), products=products)
    return _Lot(*rows[0])


def udi_text(lot: _Lot) -> str:
    """The UDI as printed under the barcode: GS1 HRI for GS1, DI and PI fields otherwise."""
    if lot.agency == "GS1":
        return (f"(01){lot.di}(11){lot.production_date:%y%m%d}(17){lot.expiry_date:%y%m%d}(10){lot.lot_no}")
    return f"DI {lot.di} · LOT {lot.lot_no} · EXP {lot.expiry_date.isoformat()}"


def _value_text(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None,
             ignore: frozenset[str] = frozenset()) -> list[tuple[str, Any, Any]]:
    old, new = old or {}, new or {}
    return [(key, old.get(key), new.get(key)) for key in sorted(set(old) | set(new))
            if key not in ignore and old.get(key) != new.get(key)]


def _clip(text_value: str) -> str:
    return text_value if len(text_value) <= MAX_VALUE_TEXT else text_value[:MAX_VALUE_TEXT] + " …"


# -- 1. lot release record --------------------------------------------------------------------------


def _release_record(uow: UnitOfWork, values: Mapping[str, object], *, language: str, zone: dt.tzinfo,
                    **_context: object) -> tuple[Section, ...]:
    w = lambda key, **kv: word(language, key, **kv)  # noqa: E731 — a short local alias reads better here
    with uow:
        session = uow.session
        lot = _resolve_lot(session, str(values["lot"]), values.get("di"))  # type: ignore[arg-type]
        qc = session.execute(text(
            "SELECT test_name, specification, result, passed, tested_on FROM qc_result WHERE lot_id = :id ORDER BY id"),
            {"id": lot.id}).all()
        deviations = session.execute(text(
            "SELECT number, title, status, opened_on, closed_on FROM deviation WHERE lot_id = :id ORDER BY id"),
            {"id": lot.id}).all()
        checklist = lot_checklist(uow, lot_id=lot.id)
        signatures = lot_signatures(uow, lot_id=lot.id)
        changes = session.execute(text("""
            SELECT e.id, e.at, e.actor, e.table_name, e.record_id, e.action, e.old_values, e.new_values, e.reason
              FROM audit_entry e
             WHERE e.action IN ('UPDATE', 'DELETE')
               AND ((e.table_name = 'lot' AND e.record_id = :lot)
                 OR (e.table_name = 'product' AND e.record_id = :product)
                 OR (e.table_name IN ('qc_result', 'deviation')
                     AND (coalesce(e.new_values, e.old_values) ->> 'lot_id') = :lot))
             ORDER BY e.id"""), {"lot": str(lot.id), "product": str(lot.product_id)}).all()

    lang_index = 1 if language == "zh_CN" else 0
    lot_facts = Facts(w("lot"), (
        (w("lot_no"), lot.lot_no), (w("status"), vocabulary(STATUS_WORDS, language, lot.status)),
        (w("production_date"), lot.production_date), (w("expiry_date"), lot.expiry_date),
        (w("quantity"), lot.quantity), (w("release_cycle"), lot.release_cycle),
        (w("created"), f"{lot.created_by} · {format_datetime(lot.created_at, zone)}"),
        (w("udi"), udi_text(lot)),
    ))
    product_facts = Facts(w("product"), (
        (w("product_name"), lot.name), (w("product_name_en"), lot.name_en or "—"),
        (w("agency"), lot.agency), (w("di"), lot.di), (w("model"), lot.model or "—"),
        (w("registration_no"), lot.registration_no or "—"), (w("risk_class"), lot.risk_class),
        (w("implantable"), w("yes") if lot.implantable else w("no")),
    ))
    qc_rows = [(r[0], r[1], r[2], w("pass") if r[3] else w("fail"), r[4]) for r in qc]
    qc_table = Table(w("qc_results"), (
        Column(w("test"), width=2.2), Column(w("specification"), width=2.2), Column(w("result"), width=2.2),
        Column(w("passed"), FLAG, 0.9, calm=(w("pass"),)), Column(w("tested_on"), DATE, 1.1)),
        qc_rows, count=len(qc_rows), empty=w("none"))
    deviation_table = Table(w("deviations"), (
        Column(w("deviation_no"), width=1.3), Column(w("title"), width=3.2), Column(w("status"), width=1),
        Column(w("opened_on"), DATE, 1.1), Column(w("closed_on"), DATE, 1.1)),
        [(r[0], r[1], vocabulary(STATUS_WORDS, language, r[2]), r[3], r[4]) for r in deviations],
        count=len(deviations), empty=w("none"))
    checklist_table = Table(w("checklist"), (
        Column(w("item"), width=2.6), Column(w("met"), width=0.6), Column(w("detail"), width=3.8)),
        [(CHECKLIST_TITLES.get(i.item, (i.item, i.item))[lang_index], "✓" if i.ok else "✘", i.text(language))
         for i in checklist], count=len(checklist))
    status_word = {"valid": "sig_valid", "changed_after_signing": "sig_changed", "invalid": "sig_invalid"}
    signature_rows = [
        (MEANINGS.get(s.meaning, (s.meaning, s.meaning))[lang_index], s.printed_name, s.signer,
         s.signed_at.astimezone(zone), s.cycle, s.reason or "", w(status_word[s.status]))
        for s in signatures
    ]
    signature_table = Table(w("signatures"), (
        Column(w("meaning"), width=1.6), Column(w("printed_name"), width=1.4), Column(w("signer"), width=1.2),
        Column(w("signed_at"), DATETIME, 1.6), Column(w("cycle"), INT, 0.5), Column(w("reason"), width=1.3),
        Column(w("signature_status"), FLAG, 2.0, calm=(w("sig_valid"),))),
        signature_rows, count=len(signature_rows), empty=w("no_signatures"))
    notes: list[Section] = []
    if any(s.status == "invalid" for s in signatures):
        notes.append(Note(w("invalid_note"), ALERT))
    if any(s.status == "changed_after_signing" for s in signatures):
        notes.append(Note(w("changed_note"), ALERT))
    if signatures and all(s.status == "valid" for s in signatures):
        notes.append(Note(w("all_valid_note"), OK))
    change_rows: list[Sequence[Cell]] = []
    for entry_id, at, actor, table_name, record_id, action, old, new, reason in changes:
        record = f"{table_name} #{record_id}"
        if action == "DELETE":
            change_rows.append((at.astimezone(zone), actor, record, "—", _clip(_value_text(old)),
                                w("act_delete"), reason or "", entry_id))
            continue
        ignore = WORKFLOW_FIELDS if table_name == "lot" else frozenset()
        for field, before, after in _changes(old, new, ignore):
            change_rows.append((at.astimezone(zone), actor, record, field, _clip(_value_text(before)),
                                _clip(_value_text(after)), reason or "", entry_id))
    change_table = Table(w("changes"), (
        Column(w("when"), DATETIME, 1.6), Column(w("who"), width=1.0), Column(w("record"), width=1.0),
        Column(w("field"), width=1.1), Column(w("old"), width=1.4), Column(w("new"), width=1.4),
        Column(w("reason"), width=2.1), Column(w("entry"), INT, 0.6)),
        change_rows, count=len(change_rows), empty=w("changes_none"))
    return (lot_facts, product_facts, *notes, signature_table, checklist_table, qc_table, deviation_table,
            change_table)


# -- 2. lot traceability ------------------------------------------------------------------------------


def _trace_report(uow: UnitOfWork, values: Mapping[str, object], *, language: str, zone: dt.tzinfo,
                  **_context: object) -> tuple[Section, ...]:
    w = lambda key, **kv: word(language, key, **kv)  # noqa: E731
    lot_no, di, serial = str(values["lot"]), values.get("di"), values.get("serial")
    forward = trace_lot(uow, direction="forward", lot_no=lot_no, di=di, serial=serial)  # type: ignore[arg-type]
    backward = trace_lot(uow, direction="backward", lot_no=lot_no, di=di, serial=serial)  # type: ignore[arg-type]
    start, s = forward.start, forward.summary
    relation = {"start": w("rel_start"), "finished": w("rel_finished"), "component": w("rel_component")}
    facts = Facts(w("start"), (
        (w("lot_no"), start.lot_no), (w("di"), start.di), (w("product_name"), start.product_name),
        (w("status"), vocabulary(STATUS_WORDS, language, start.status)), (w("serial"), serial or "—"),
        (w("quantity"), start.quantity_in_scope),
    ))
    summary = Facts(w("trace_summary"), (
        (w("lots_in_scope"), s.lots), (w("consignees_count"), s.consignees), (w("consignee_lines"), s.consignee_lines),
        (w("shipped_by_us"), s.shipped), (w("returned_to_us"), s.returned), (w("on_hand_consignees"), s.on_hand),
        (w("component_lots"), backward.summary.lots - 1),
    ))
    lot_columns = (Column(w("relation"), width=0.9), Column(w("di"), width=1.3), Column(w("lot_no"), width=1.1),
                   Column(w("product_name"), width=3), Column(w("status"), width=1), Column(w("quantity"), INT, 0.9))
    forward_lots = [(relation.get(x.relation, x.relation), x.di, x.lot_no, x.product_name,
                     vocabulary(STATUS_WORDS, language, x.status), x.quantity_in_scope) for x in forward.lots]
    consignees = sorted(forward.consignees, key=lambda c: (c.tier, c.party_code, c.di, c.lot_no))
    consignee_rows = [(c.tier, c.party_code, c.party_name, vocabulary(KIND_WORDS, language, c.party_kind), c.di,
                       c.lot_no, c.shipped, c.returned, c.on_hand) for c in consignees]
    backward_lots = [(relation.get(x.relation, x.relation), x.di, x.lot_no, x.product_name,
                      vocabulary(STATUS_WORDS, language, x.status), x.quantity_in_scope, x.quantity_used)
                     for x in backward.lots]
    supplier_rows = [(r.party_code, r.party_name, r.di, r.lot_no, r.received, r.first_received_on)
                     for r in backward.suppliers]
    movements = {m.id: m for m in (*backward.movements, *forward.movements)}
    timeline = [(m.moved_on, vocabulary(KIND_WORDS, language, m.kind), m.di, m.lot_no, m.serial or "",
                 _party(m.from_code, m.from_name), _party(m.to_code, m.to_name), m.quantity, m.document_no)
                for m in sorted(movements.values(), key=lambda m: (m.moved_on, m.id))]
    return (
        facts, summary,
        Table(w("forward_lots"), lot_columns, forward_lots, count=len(forward_lots), sheet=w("sheet_forward")),
        Table(w("consignees"), (
            Column(w("tier"), INT, 0.5), Column(w("party"), width=1), Column(w("name"), width=2.6),
            Column(w("kind"), width=1), Column(w("di"), width=1.3), Column(w("lot_no"), width=1.1),
            Column(w("shipped"), INT, 0.8), Column(w("returned"), INT, 0.8), Column(w("on_hand"), INT, 0.8)),
            consignee_rows, count=len(consignee_rows), empty=w("no_consignees"), sheet=w("sheet_consignees")),
        Table(w("backward_lots"), (*lot_columns, Column(w("used"), INT, 0.8)), backward_lots,
              count=len(backward_lots), sheet=w("sheet_components")),
        Table(w("suppliers"), (
            Column(w("party"), width=1), Column(w("name"), width=2.6), Column(w("di"), width=1.3),
            Column(w("lot_no"), width=1.1), Column(w("received"), INT, 0.9), Column(w("first_received"), DATE, 1)),
            supplier_rows, count=len(supplier_rows), empty=w("no_suppliers"), sheet=w("sheet_suppliers")),
        Table(w("timeline"), (
            Column(w("date"), DATE, 1), Column(w("type"), width=0.8), Column(w("di"), width=1.3),
            Column(w("lot_no"), width=1.1), Column(w("serial"), width=0.8), Column(w("from"), width=2.2),
            Column(w("to"), width=2.2), Column(w("quantity"), INT, 0.8), Column(w("document_no"), width=1.2)),
            timeline, count=len(timeline), sheet=w("sheet_timeline")),
    )


def _party(code: str | None, name: str | None) -> str:
    return f"{code} {name}" if code else ""


# -- 3. audit-trail extract ---------------------------------------------------------------------------


def _audit_scope(session: Session, values: Mapping[str, object], zone: dt.tzinfo) -> tuple[str, dict[str, Any]]:
    conditions, binds = [], {}
    if values.get("lot"):
        lot = _resolve_lot(session, str(values["lot"]), values.get("di"))  # type: ignore[arg-type]
        binds["lot"] = str(lot.id)
        binds["children"] = list(LOT_CHILD_TABLES)
        conditions.append(
            "((e.table_name = 'lot' AND e.record_id = :lot)"
            " OR (e.table_name = ANY(CAST(:children AS text[]))"
            "     AND (coalesce(e.new_values, e.old_values) ->> 'lot_id') = :lot)"
            " OR (e.table_name = 'genealogy_edge'"
            "     AND :lot IN (coalesce(e.new_values, e.old_values) ->> 'finished_lot_id',"
            "                  coalesce(e.new_values, e.old_values) ->> 'component_lot_id')))")
    if values.get("user"):
        conditions.append("e.actor = :user")
        binds["user"] = values["user"]
    if isinstance(values.get("since"), dt.date):
        conditions.append("e.at >= :since")
        binds["since"] = dt.datetime.combine(values["since"], dt.time(), zone)  # type: ignore[arg-type]
    if isinstance(values.get("until"), dt.date):
        conditions.append("e.at < :until")
        binds["until"] = dt.datetime.combine(values["until"] + dt.timedelta(days=1), dt.time(), zone)  # type: ignore[operator]
    return " AND ".join(conditions) or "true", binds


def _audit_extract(uow: UnitOfWork, values: Mapping[str, object], *, language: str, zone: dt.tzinfo,
                   trusted_keys: tuple[bytes, ...] = (), **_context: object) -> tuple[Section, ...]:
    w = lambda key, **kv: word(language, key, **kv)  # noqa: E731
    with uow:
        session = uow.session
        where, binds = _audit_scope(session, values, zone)
        total, changed = session.execute(text(
            "SELECT count(*), count(*) FILTER (WHERE e.action IN ('UPDATE', 'DELETE')) "
            f"FROM audit_entry e WHERE {where}"), binds).one()
        if not total:
            raise NothingToReport.of("report.no_audit_entries")
        verification = verify_audit_trail(uow.driver_connection(), trusted_keys=trusted_keys)
    if verification.ok:
        chain = Note(w("chain_ok", entries=f"{verification.entries_checked:,}", seals=verification.seals_checked,
                       trusted=verification.trusted_seals)
                     + ("" if verification.seals_checked else " " + w("chain_unsealed")), OK)
    else:
        first = verification.first_problem
        chain = Note(w("chain_broken", problem=first.describe() if first else "?"), ALERT)
    scope = Facts(w("scope"), ((w("entries"), int(total)), (w("changes_after_entry"), int(changed))))
    columns = (
        Column(w("entry"), INT, 0.7), Column(w("when"), DATETIME, 1.5), Column(w("who"), width=1),
        Column(w("workstation"), width=1.1), Column(w("record"), width=1.1), Column(w("action"), width=0.7),
        Column(w("what"), width=1.1), Column(w("old"), width=2.2), Column(w("new"), width=2.2),
        Column(w("reason"), width=1.3), Column(w("flag"), FLAG, 1.2),
    )
    rows = _audit_rows(uow, values, zone, language)
    return (chain, scope, Table(w("audit_entries"), columns, rows, count=int(total), sheet=w("audit_entries")))


def _audit_rows(uow: UnitOfWork, values: Mapping[str, object], zone: dt.tzinfo,
                language: str) -> Iterator[Sequence[Cell]]:
    """Streamed from a server-side cursor when the renderer iterates (a period may hold millions)."""
    actions = {"INSERT": "act_insert", "UPDATE": "act_update", "DELETE": "act_delete", "EVENT": "act_event"}
    with uow:
        session = uow.session
        where, binds = _audit_scope(session, values, zone)
        result = session.execute(text(
            "SELECT e.id, e.at, e.actor, e.workstation, e.table_name, e.record_id, e.action, e.old_values, "
            f"e.new_values, e.reason FROM audit_entry e WHERE {where} ORDER BY e.id"), binds,
            execution_options={"yield_per": STREAM_BATCH})
        try:
            for entry_id, at, actor, workstation, table_name, record_id, action, old, new, reason in result:
                if action == "UPDATE":
                    changed = _changes(old, new)
                    what = ", ".join(key for key, _b, _a in changed)
                    before = "\n".join(f"{k}: {_value_text(b)}" for k, b, _a in changed)
                    after = "\n".join(f"{k}: {_value_text(a)}" for k, _b, a in changed)
                    flag = word(language, "flag_changed")
                elif action == "DELETE":
                    what, before, after, flag = "", _compact(old), "", word(language, "flag_deleted")
                elif action == "EVENT":
                    what, before, after, flag = table_name, "", _compact(new), ""
                else:
                    what, before, after, flag = "", "", _compact(new), ""
                record = record_id if action == "EVENT" else f"{table_name} #{record_id}"
                yield (entry_id, at.astimezone(zone), actor, workstation, record,
                       word(language, actions.get(action, "act_event")), what, _clip(before), _clip(after),
                       reason or "", flag)
        finally:
            result.close()


def _compact(values: Mapping[str, Any] | None) -> str:
    if not values:
        return ""
    return "; ".join(f"{k}={_value_text(v)}" for k, v in values.items())


# -- 4. expiry ------------------------------------------------------------------------------------------


def _expiry_report(uow: UnitOfWork, values: Mapping[str, object], *, language: str, today: dt.date,
                   **_context: object) -> tuple[Section, ...]:
    w = lambda key, **kv: word(language, key, **kv)  # noqa: E731
    days = int(values["days"])  # type: ignore[call-overload]
    until = today + dt.timedelta(days=days)
    with uow:
        rows = uow.session.execute(text("""
            WITH due AS (
                SELECT l.id, l.lot_no, l.expiry_date, l.status, p.di, p.name
                  FROM lot l JOIN product p ON p.id = l.product_id
                 WHERE l.expiry_date BETWEEN :today AND :until)
            SELECT d.di, d.name, d.lot_no, d.expiry_date, d.expiry_date - :today, d.status,
                   pa.code, pa.name, pa.kind, s.quantity
              FROM due d
              CROSS JOIN LATERAL (SELECT party_id, quantity FROM stock_on_hand WHERE lot_id = d.id) s
              JOIN party pa ON pa.id = s.party_id
             WHERE s.quantity > 0
             ORDER BY d.di, d.expiry_date, d.lot_no, pa.code"""), {"today": today, "until": until}).all()
    if not rows:
        raise NothingToReport.of("report.nothing_expires", days=days, until=until)
    by_product: dict[tuple[str, str], tuple[set[str], int]] = {}
    for r in rows:
        lots, units = by_product.get((r[0], r[1]), (set(), 0))
        lots.add(r[2])
        by_product[(r[0], r[1])] = (lots, units + int(r[9]))
    detail = [(r[0], r[1], r[2], r[3], int(r[4]), vocabulary(STATUS_WORDS, language, r[5]), r[6], r[7],
               vocabulary(KIND_WORDS, language, r[8]), int(r[9])) for r in rows]
    summary_rows = [(di, name, len(lots), units) for (di, name), (lots, units) in by_product.items()]
    facts = Facts(w("scope"), (
        (w("as_of"), today), (w("window"), w("days_value", days=days, until=until.isoformat())),
        (w("lots_expiring"), len({(r[0], r[2]) for r in rows})), (w("units_on_hand"), sum(int(r[9]) for r in rows)),
    ))
    return (
        facts,
        Table(w("by_product"), (Column(w("di"), width=1.3), Column(w("product_name"), width=3.5),
                                Column(w("lots"), INT, 0.7), Column(w("units_on_hand"), INT, 1)),
              summary_rows, count=len(summary_rows)),
        Table(w("by_location"), (
            Column(w("di"), width=1.3), Column(w("product_name"), width=2.4), Column(w("lot_no"), width=1.1),
            Column(w("expiry_date"), DATE, 1), Column(w("days_left"), INT, 0.7), Column(w("status"), width=0.9),
            Column(w("location"), width=0.9), Column(w("location_name"), width=2.2), Column(w("kind"), width=0.9),
            Column(w("on_hand"), INT, 0.8)), detail, count=len(detail)),
    )


# -- 5. UDI data export --------------------------------------------------------------------------------

# NMPA UDI database (医疗器械唯一标识数据库) product-identifier fields, in submission order; the
# field codes and our sources are documented in docs/udi-export-columns.md.
NMPA_COLUMNS = (
    ("ZXXSDYCPBS", "最小销售单元产品标识"), ("CPBSBMTXMC", "产品标识编码体系名称"),
    ("CPBSFBRQ", "产品标识发布日期"), ("ZXXSDYZSYDYDSL", "最小销售单元中使用单元的数量"),
    ("SYDYCPBS", "使用单元产品标识"), ("BSZT", "标识载体"), ("SFYZCBAYZ", "是否与注册/备案标识一致"),
    ("ZCBACPBS", "注册/备案产品标识"), ("SFYBTZJBS", "是否有本体直接标识"), ("CPMCTYMC", "产品名称/通用名称"),
    ("SPMC", "商品名称"), ("GGXH", "规格型号"), ("SFWBLZTLCP", "是否为包类/组套类产品"), ("CPMS", "产品描述"),
    ("CPHHHBH", "产品货号或编号"), ("QXLB", "器械类别"), ("FLBM", "分类编码"),
    ("YLQXZCRBARMC", "医疗器械注册人/备案人名称"), ("YLQXZCRBARYWMC", "医疗器械注册人/备案人英文名称"),
    ("TYSHXYDM", "统一社会信用代码"), ("ZCZBHHZBAPZBH", "注册证编号或者备案凭证编号"), ("CPLB", "产品类别"),
    ("CGZMRAQXGXX", "磁共振（MR）安全相关信息"), ("SFBJWYCXSY", "是否标记为一次性使用"),
    ("ZDCFSYCS", "最大重复使用次数"), ("SFWWJBZ", "是否为无菌包装"), ("SYQSFXYJXMJ", "使用前是否需要进行灭菌"),
    ("MJFS", "灭菌方式"), ("QTXXDWZLJ", "其他信息的网址链接"), ("YBBM", "医保耗材分类编码"), ("TSRQ", "退市日期"),
    ("SCBSSFBHPH", "生产标识是否包含批号"), ("SCBSSFBHXLH", "生产标识是否包含序列号"),
    ("SCBSSFBHSCRQ", "生产标识是否包含生产日期"), ("SCBSSFBHSXRQ", "生产标识是否包含失效日期"),
    ("TSCCHCZTJ", "特殊储存或操作条件"), ("TSCCSM", "特殊尺寸说明"),
)
NMPA_AGENCY = {"GS1": "GS1", "MA": "MA", "HIBCC": "HIBCC"}  # NMPA accepts GS1, MA and AHM: HIBCC is flagged in docs
RISK_CLASS_ZH = {"I": "Ⅰ类", "II": "Ⅱ类", "III": "Ⅲ类"}

GUDID_COLUMNS = (
    "Primary DI Number", "Issuing Agency", "Device Count", "Brand Name", "Version or Model", "Catalog Number",
    "Company Name", "Device Description", "Commercial Distribution Status", "Lot or Batch Number", "Serial Number",
    "Manufacturing Date", "Expiration Date", "Donation Identification Number", "Single Use",
    "Device Packaged as Sterile",
    "Requires Sterilization Prior to Use", "MRI Safety Status", "FDA Premarket Submission Number", "FDA Product Code",
    "GMDN Preferred Term Code", "Implantable (MedTrace)",
)


def _products(uow: UnitOfWork, agency: str) -> list[Any]:
    with uow:
        rows = uow.session.execute(text("""
            SELECT p.agency, p.di, p.name, p.name_en, p.model, p.registration_no, p.risk_class, p.implantable,
                   p.created_at::date,
                   EXISTS (SELECT FROM lot l JOIN serial_unit s ON s.lot_id = l.id WHERE l.product_id = p.id)
              FROM product p
             WHERE :agency = 'all' OR p.agency = :agency
             ORDER BY p.agency, p.di"""), {"agency": agency}).all()
    if not rows:
        raise (NothingToReport.of("report.no_products") if agency == "all"
               else NothingToReport.of("report.no_products_of_agency", agency=agency))
    return list(rows)


def _udi_nmpa(uow: UnitOfWork, values: Mapping[str, object], *, language: str, company: str,
              profile: Company | None = None, **_context: object) -> tuple[Section, ...]:
    products = _products(uow, str(values.get("agency") or "all"))
    # 注册人/备案人名称: the registrant of the profile, else the company's Chinese legal name.
    registrant = (profile.registrant or profile.name("zh_CN")) if profile is not None else company
    # Its English name is known when the registrant is the company itself.
    registrant_en = (profile.legal_name_en if profile is not None and registrant == profile.legal_name_zh
                     else None)
    yes, no = "是", "否"
    rows = []
    for agency, di, name, _name_en, model, registration, risk, _implantable, since, serialised in products:
        by_code = {
            "ZXXSDYCPBS": di, "CPBSBMTXMC": NMPA_AGENCY.get(agency, agency), "CPBSFBRQ": since, "CPMCTYMC": name,
            "GGXH": model, "QXLB": RISK_CLASS_ZH.get(risk, risk), "YLQXZCRBARMC": registrant,
            "YLQXZCRBARYWMC": registrant_en,
            "ZCZBHHZBAPZBH": registration, "CPLB": "器械", "SCBSSFBHPH": yes, "SCBSSFBHXLH": yes if serialised else no,
            "SCBSSFBHSCRQ": yes, "SCBSSFBHSXRQ": yes,
        }
        rows.append(tuple(by_code.get(code) for code, _label in NMPA_COLUMNS))
    columns = tuple(Column(label, DATE if code == "CPBSFBRQ" else "text", 1.2) for code, label in NMPA_COLUMNS)
    return (Table("UDID", columns, rows, count=len(rows), sheet="UDID"),)


def _udi_gudid(uow: UnitOfWork, values: Mapping[str, object], *, language: str, company: str,
               profile: Company | None = None, **_context: object) -> tuple[Section, ...]:
    products = _products(uow, str(values.get("agency") or "all"))
    labeler = profile.name("en") if profile is not None else company  # GUDID is filed in English
    rows = []
    for agency, di, name, name_en, model, _registration, _risk, implantable, _since, serialised in products:
        rows.append((di, agency if agency in ("GS1", "HIBCC") else f"{agency} (not a GUDID agency)", 1,
                     name_en or name, model, "", labeler, name_en or name, "In Commercial Distribution", "Y",
                     "Y" if serialised else "N", "Y", "Y", "N", "", "", "", "", "", "", "",
                     "Y" if implantable else "N"))
    columns = tuple(Column(title, INT if title == "Device Count" else "text", 1.2) for title in GUDID_COLUMNS)
    return (Table("GUDID", columns, rows, count=len(rows), sheet="GUDID"),)
