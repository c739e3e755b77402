"""One entry point for every scan: recognise the agency and syntax, read it, judge the dates, never raise.

A scanner (or a person typing) may send an AIM symbology identifier first (ISO/IEC 15424: ``]C1``
GS1-128, ``]d2`` GS1 DataMatrix, ``]Q3`` GS1 QR, ``]e0`` GS1 DataBar, ``]d1``/``]Q1`` the same
symbols without GS1 data), then the data: GS1 element strings, HRI or a Digital Link; HIBC LIC
(``+``); or a China MA code (``MA.``). Bad input is reported in the result, never raised.
"""

from __future__ import annotations

import datetime as dt

from biip import ParseError
from biip.symbology import GS1Symbology, SymbologyIdentifier

from app.udi import gs1, hibcc, ma_code
from app.udi.result import Draft, ScanResult, UdiUsageError

INTERNAL_FAILURE = "The scan could not be read because of an internal error in the UDI parser"

# ISO/IEC 18004: a QR Code holds at most 7,089 digits; Data Matrix fewer. Longer text is no single scan,
# and refusing it keeps the cost of reading bounded.
MAX_SCAN_LENGTH = 8_000
_SCANNER_NOISE = "\r\n\t\x00"  # suffixes and padding scanners add; spaces matter to HIBC check characters


def parse_scan(scan_text: str, *, as_of: dt.date) -> ScanResult:
    """Read one UDI scan as of a calendar date (expiry is judged against it; GS1 two-digit years too).

    Returns the raw scan, the parsed fields, errors and warnings; `valid` is False when there are
    errors. Raises only UdiUsageError, when called with something other than a str and a date.
    """
    if not isinstance(scan_text, str):
        raise UdiUsageError(f"parse_scan() reads text, not {type(scan_text).__name__}; decode bytes first.")
    if not isinstance(as_of, dt.date):
        raise UdiUsageError("parse_scan() needs as_of, the calendar date the scan is judged on.")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    draft = Draft(raw=scan_text, as_of=as_of)
    try:
        _read(scan_text, draft)
        _judge_dates(draft)
    except Exception as exc:  # noqa: BLE001 — a scan must never crash the caller; the failure is reported
        draft.error("udi.internal_failure", exception=type(exc).__name__)
    return draft.freeze()


def _read(scan_text: str, draft: Draft) -> None:
    if len(scan_text) > MAX_SCAN_LENGTH:
        draft.error("udi.scan_too_long", length=len(scan_text), limit=MAX_SCAN_LENGTH)
        return
    text = scan_text.strip(_SCANNER_NOISE).lstrip(" ")
    symbology: SymbologyIdentifier | None = None
    if text.startswith("]"):
        try:
            # biip 5.2 raises IndexError, not ParseError, for a lone "]" (found by the fuzz test)
            symbology = SymbologyIdentifier.extract(text) if len(text) >= 3 else None
        except (ParseError, IndexError, ValueError):
            symbology = None
        if symbology is None:
            draft.error("udi.unknown_symbology", start=text[:3])
            return
        draft.symbology = symbology.value
        text = text[len(symbology.value):]
    core = text.strip()  # also drops a leading GS (an FNC1 in first position sent as ASCII 29)
    gs1_message_symbology = symbology is not None and (
        symbology.gs1_symbology in GS1Symbology.with_gs1_messages())
    if not core:
        draft.error("udi.scan_empty")
    elif core.startswith(("+", "*+")):
        hibcc.parse_hibcc(text.strip(gs1.GS + _SCANNER_NOISE).lstrip(" "), draft)
    elif core.startswith("MA."):
        ma_code.parse_ma(core, draft)
    elif core[:8].lower().startswith(("http://", "https://")):
        gs1.parse_digital_link(core, draft)
    elif core.startswith("("):
        gs1.parse_hri(core, draft)
    elif core.isascii() and core.isdigit() and len(core) in (8, 12, 13, 14) and (
            symbology is None or symbology.gs1_symbology in GS1Symbology.with_gtin()):
        gs1.parse_bare_gtin(core, draft)
    elif core[0].isascii() and core[0].isdigit():
        if symbology is not None and not gs1_message_symbology:
            # ISO/IEC 15424: the modifier (]d1, ]C0, ]Q1, ]I0 ...) says no FNC1 in first position, so
            # these digits are plain data, not GS1 element strings; reading them as AIs could yield a
            # wrong GTIN and lot (GS1 Gen Specs §5.1.2, 21 CFR 830.20: the UDI must be read as encoded).
            draft.error("udi.symbology_not_gs1", symbology=symbology.value)
            return
        gs1.parse_element_string(core, draft, offset=scan_text.find(core))
    else:
        draft.error("udi.not_a_udi")


def _judge_dates(draft: Draft) -> None:
    """Expiry against as_of (ISO 13485 7.5.8/7.5.9: do not use or ship expired product unknowingly)."""
    if draft.expiry_date is not None and draft.expiry_date < draft.as_of:
        draft.warn("udi.expired", expiry=draft.expiry_date.isoformat(), as_of=draft.as_of.isoformat())
    if draft.production_date is not None:
        if draft.production_date > draft.as_of:
            draft.warn("udi.production_after_as_of", production=draft.production_date.isoformat(),
                       as_of=draft.as_of.isoformat())
        if draft.expiry_date is not None and draft.production_date > draft.expiry_date:
            draft.warn("udi.production_after_expiry")
