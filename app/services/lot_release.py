"""Lot release: the computed checklist, the signing ceremony, and signature verification.

21 CFR 11.50 (manifestation), 11.70 (signature/record linking), 11.200(a) (both components at each
signing outside a continuous session); Annex 11 §14. The rules themselves live in PostgreSQL
(migration 0004: mt_sign_lot and the lot status guard); this module prepares what only the
workstation can do — unwrap the signer's private key with their password and sign — and reports.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import psycopg
from psycopg import IsolationLevel
from sqlalchemy import text

from app.db.uow import UnitOfWork, explain_database_error
from app.errors import ComplianceError, ConcurrentChange, DatabaseUnavailable, InvalidInput, NotFound
from app.messages import Said, message_of, render
from app.security.signing import content_digest, sign, signature_valid
from app.services.identity import signing_session

# The meaning of each signature, as printed on every screen and report (21 CFR 11.50(a)(3)).
MEANINGS: dict[str, tuple[str, str]] = {
    "reviewed": ("Reviewed — release recommended", "已审核——建议放行"),
    "approved": ("Approved for release", "批准放行"),
    "rejected": ("Rejected", "拒绝放行"),
    "on_hold": ("Placed on hold", "暂停放行"),
    "hold_lifted": ("Hold lifted", "解除暂停"),
}
NEEDS_REASON = frozenset({"rejected", "on_hold", "hold_lifted"})
CHECKLIST_TITLES = {
    "qc_results": ("QC results recorded and within specification", "检验结果已录入且全部合格"),
    "deviations": ("All deviations closed", "偏差均已关闭"),
    "label_verified": ("Printed label verified against the lot master", "标签已扫描核对"),
    "audit_trail_reviewed": ("Audit trail of the lot reviewed since its last change", "批次审计追踪已复核"),
}
# The items a reviewer clears by their own steps on the Release queue page; the others (QC, deviations) are
# blockers someone else resolves.
REVIEWER_STEPS = frozenset({"label_verified", "audit_trail_reviewed"})
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class ChecklistItem:
    item: str
    ok: bool
    detail: str  # the database's English sentence
    message: dict[str, object] | None = None  # its message id and parameters (migration 0014)

    def text(self, language: str | None = None, *, shown: Callable[[object], object] = lambda value: value) -> str:
        """The item's sentence in `language` (the current one by default), the English one as fallback;
        `shown` may present each value differently (a time in the workstation's zone)."""
        message_id, params = message_of(self.message)
        return render(message_id, [shown(value) for value in params], fallback=self.detail, language=language)


@dataclass(frozen=True)
class SignatureView:
    """A signature's manifestation and whether it still holds (Annex 11 §8.2: show later changes)."""

    id: int
    lot_id: int
    cycle: int
    meaning: str
    signer: str
    printed_name: str
    signed_at: dt.datetime
    reason: str | None
    digest_matches: bool
    crypto_valid: bool

    @property
    def status(self) -> str:
        if not self.crypto_valid:
            return "invalid"
        return "valid" if self.digest_matches else "changed_after_signing"


@dataclass(frozen=True)
class QueueRow:
    lot_id: int
    lot_no: str
    product_di: str
    product_name: str
    status: str
    expiry_date: dt.date
    waiting_since: dt.datetime
    created_by: str
    reviewed_by: str | None
    checklist_complete: bool
    open_items: tuple[str, ...] = ()  # checklist items not met (mt_lot_checklist's item keys)

    @property
    def blocked_by(self) -> tuple[str, ...]:
        """Open items the reviewer cannot clear by their own steps (QC results, deviations)."""
        return tuple(i for i in self.open_items if i not in REVIEWER_STEPS)

    @property
    def reviewer_steps(self) -> tuple[str, ...]:
        """Open items that are the reviewer's own to do (scan the label, review the audit trail)."""
        return tuple(i for i in self.open_items if i in REVIEWER_STEPS)


@dataclass(frozen=True)
class SigningOutcome:
    lot_id: int
    lot_no: str
    signed: bool
    signature_id: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class CeremonyResult:
    meaning: str
    signer: str
    outcomes: tuple[SigningOutcome, ...]

    @property
    def all_signed(self) -> bool:
        return all(o.signed for o in self.outcomes)


def lot_checklist(uow: UnitOfWork, *, lot_id: int) -> list[ChecklistItem]:
    rows = uow.session.execute(text("SELECT item, ok, detail, message FROM mt_lot_checklist(:id)"),
                               {"id": lot_id}).all()
    return [ChecklistItem(*row) for row in rows]


def lot_signatures(uow: UnitOfWork, *, lot_id: int) -> list[SignatureView]:
    """Every signature of the lot, each verified: digest against the lot now, Ed25519 against its key."""
    current = uow.session.execute(text("SELECT mt_lot_digest(:id)"), {"id": lot_id}).scalar()
    rows = uow.session.execute(text(
        "SELECT s.id, s.lot_id, s.cycle, s.meaning, s.signer, s.printed_name, s.signed_at, s.reason, "
        "       s.content_digest, s.signature, k.public_key "
        "FROM lot_signature s JOIN signing_key_public k ON k.id = s.signing_key_id "
        "WHERE s.lot_id = :id ORDER BY s.id"), {"id": lot_id}).all()
    views = []
    for (sid, lid, cycle, meaning, signer, printed, signed_at, reason, digest, signature, public_key) in rows:
        valid = signature_valid(bytes(public_key), bytes(signature), lot_id=lid, cycle=cycle, meaning=meaning,
                                signer=signer, digest=bytes(digest))
        views.append(SignatureView(sid, lid, cycle, meaning, signer, printed, signed_at, reason,
                                   current is not None and bytes(digest) == bytes(current), valid))
    return views


def mark_audit_trail_reviewed(uow: UnitOfWork, *, lot_id: int) -> None:
    """The reviewer confirms the lot's audit trail was read; a later change re-opens the item."""
    uow.session.execute(text("SELECT mt_mark_audit_reviewed(:id)"), {"id": lot_id})
    uow.commit()


@dataclass(frozen=True)
class LabelCheck:
    matched: bool
    differences: tuple[str, ...]  # in English, as the audit record keeps them
    messages: tuple[Said, ...] = ()  # the same differences, by message id

    def shown_differences(self, language: str | None = None) -> list[str]:
        """The differences in `language` (the current one by default)."""
        if len(self.messages) != len(self.differences):
            return list(self.differences)
        return [difference.render(language) for difference in self.messages]


def verify_label_scan(uow: UnitOfWork, *, lot_id: int, raw_scan: str, as_of: dt.date) -> LabelCheck:
    """Compare a scan of the printed label with the lot master (DI, lot, dates) and record it."""
    from app.udi import parse_scan

    row = uow.session.execute(text(
        "SELECT l.lot_no, l.production_date, l.expiry_date, p.di FROM lot l JOIN product p ON p.id = l.product_id "
        "WHERE l.id = :id"), {"id": lot_id}).one_or_none()
    if row is None:
        raise NotFound.of("lot.no_such_lot")
    lot_no, produced, expires, di = row
    scan = parse_scan(raw_scan, as_of=as_of)
    said: list[Said] = list(scan.error_messages)
    if len(said) != len(scan.errors):  # a parser error without an id: its English words stand for all of them
        said = [Said.of("label.scan_error", detail=error) for error in scan.errors]
    scanned_di = scan.gtin or scan.di
    if scanned_di != di:
        said.append(Said.of("label.di_differs", label=scanned_di or "—", lot=di))
    if scan.lot != lot_no:
        said.append(Said.of("label.lot_differs", label=scan.lot or "—", lot=lot_no))
    if scan.expiry_date is not None and scan.expiry_date != expires:
        said.append(Said.of("label.expiry_differs", label=str(scan.expiry_date), lot=str(expires)))
    if scan.production_date is not None and scan.production_date != produced:
        said.append(Said.of("label.production_differs", label=str(scan.production_date), lot=str(produced)))
    if scan.expiry_date is None:
        said.append(Said.of("label.no_expiry"))
    differences = [difference.text for difference in said]
    matched = not differences
    uow.session.execute(
        text("SELECT mt_record_label_verification(:id, :raw, :ok, CAST(:detail AS jsonb))"),
        {"id": lot_id, "raw": raw_scan, "ok": matched, "detail": json.dumps({"differences": differences})},
    )
    uow.commit()
    return LabelCheck(matched, tuple(differences), tuple(said))


def release_queue(uow: UnitOfWork) -> list[QueueRow]:
    """Lots awaiting review (quarantine), approval (under review) or a decision on a hold, oldest first, each
    with the checklist items it still misses."""
    rows = uow.session.execute(text("""
        SELECT l.id, l.lot_no, p.di, p.name, l.status, l.expiry_date,
               coalesce((SELECT max(s.signed_at) FROM lot_signature s
                          WHERE s.lot_id = l.id AND s.cycle = l.release_cycle), l.created_at) AS waiting_since,
               l.created_by,
               (SELECT s.printed_name FROM lot_signature s WHERE s.lot_id = l.id AND s.cycle = l.release_cycle
                  AND s.meaning = 'reviewed' ORDER BY s.id DESC LIMIT 1),
               c.open_items IS NULL,
               coalesce(c.open_items, '{}')
          FROM lot l JOIN product p ON p.id = l.product_id
          CROSS JOIN LATERAL (SELECT array_agg(item ORDER BY n) FILTER (WHERE NOT ok) AS open_items
                                FROM mt_lot_checklist(l.id) WITH ORDINALITY AS i (item, ok, detail, message, n)) c
         WHERE l.status IN ('quarantine', 'under_review', 'on_hold')
         ORDER BY waiting_since, l.id
         LIMIT 2000""")).all()
    return [QueueRow(*row[:-1], tuple(row[-1])) for row in rows]


def sign_lots(
    base_args: dict[str, str],
    *,
    login: str,
    password: str,
    code: str,
    lot_ids: Sequence[int],
    meaning: str,
    reason: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CeremonyResult:
    """One signing ceremony over one or more lots: each lot its own checks and its own signature.

    21 CFR 11.200(a)(1): the password is proven by a fresh database connection as the signer, the
    TOTP by the database's own check in that same connection. A lot whose checks fail is reported
    and the others are still signed; a lost connection stops the ceremony with nothing half-saved.
    """
    if meaning not in MEANINGS:
        raise InvalidInput.of("release.unknown_meaning", meaning)  # the database's words
    if meaning in NEEDS_REASON and not (reason or "").strip():
        raise InvalidInput.of("release.reason_required")  # the database's words
    if not lot_ids:
        raise InvalidInput.of("release.no_lots_selected")
    with signing_session(base_args, login=login, password=password, code=code) as signer:
        conn = signer.conn
        conn.isolation_level = IsolationLevel.SERIALIZABLE
        outcomes: list[SigningOutcome] = []
        for done, lot_id in enumerate(lot_ids):
            outcome = _sign_one(conn, lot_id, meaning, reason, signer.key_id, signer.private_key, login)
            outcomes.append(outcome)
            if progress is not None:
                progress(done + 1, len(lot_ids))
            if outcome.error and conn.closed:
                outcomes += [SigningOutcome(i, "", False, error=str(ComplianceError.of("release.ceremony_stopped")))
                             for i in lot_ids[done + 1:]]
                break
    return CeremonyResult(meaning, login, tuple(outcomes))


def _sign_one(conn: psycopg.Connection, lot_id: int, meaning: str, reason: str | None, key_id: int,
              private_key: object, login: str) -> SigningOutcome:
    lot_no = ""
    for attempt in range(MAX_ATTEMPTS):
        try:
            with conn.transaction():
                row = conn.execute("SELECT lot_no, release_cycle, mt_lot_canonical(id) FROM lot WHERE id = %s",
                                   (lot_id,)).fetchone()
                if row is None:
                    return SigningOutcome(lot_id, "", False, error=str(NotFound.of("lot.no_such_lot")))
                lot_no, cycle, canonical = row
                digest = content_digest(canonical)
                signature = sign(private_key, lot_id=lot_id, cycle=cycle, meaning=meaning, signer=login,  # type: ignore[arg-type]
                                 digest=digest)
                signature_id = conn.execute(
                    "SELECT mt_sign_lot(%s, %s, %s, %s, %s, %s)",
                    (lot_id, meaning, digest, signature, key_id, reason),
                ).fetchone()[0]
            return SigningOutcome(lot_id, lot_no, True, signature_id)
        except psycopg.errors.SerializationFailure:
            time.sleep(random.uniform(0.02, 0.1) * (2**attempt))  # noqa: S311 — jitter, not security
        except psycopg.OperationalError:
            return SigningOutcome(lot_id, lot_no, False, error=str(DatabaseUnavailable.of(
                "release.connection_lost", lot=lot_no or lot_id)))
        except psycopg.Error as exc:
            # The database's own refusal, by its message id, in the reader's language.
            return SigningOutcome(lot_id, lot_no, False, error=str(explain_database_error(exc)))
    return SigningOutcome(lot_id, lot_no, False, error=str(ConcurrentChange.of("release.signing_contended")))
