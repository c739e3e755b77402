"""GS1 UDI reading: element strings (with or without FNC1/GS), the parenthesised HRI, Digital Link URIs.

biip (v5.2) supplies the Application Identifier table, element extraction, GTIN arithmetic and Digital
Link parsing. Its gaps, measured and closed here:

- it reports errors inside its result instead of raising: we turn them into our own plain messages;
- `biip.parse()` does not read the parenthesised HRI form: we split HRI into (AI, value) pairs ourselves;
- a missing GS after a variable-length field is swallowed silently (``10ABC17290101`` reads lot
  ``ABC17290101``): we look for a date or GTIN hiding at the end of such a value and warn;
- its century rule uses the machine's clock: we redo every date against `as_of` (GS1 Gen Specs §7.12).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urlsplit, urlunsplit

from biip import ParseConfig, ParseError
from biip.checksums import gs1_standard_check_digit
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
from biip.gtin import Gtin

from app.messages import english
from app.udi import dates
from app.udi.result import Agency, Draft

GS = "\x1d"
"""ASCII 29, what scanners send for an FNC1 that separates fields (GS1 Gen Specs §7.8.4)."""

# Dates are checked here against as_of, not by biip against the machine clock.
_BIIP_CONFIG = ParseConfig(gs1_element_strings_verify_date=False)

_YYMMDD_AIS = {
    "11": "production date",
    "13": "packaging date",
    "15": "best-before date",
    "16": "sell-by date",
    "17": "expiry date",
}
# AIs of predefined length that a swallowed separator typically hides at the end of a lot or serial.
_HIDDEN_FIXED_AIS = ("01", "11", "13", "15", "16", "17")
_NAMES = {"01": "GTIN", "10": "lot", "21": "serial number", "7003": "expiry date and time", **_YYMMDD_AIS}

# GS1 Digital Link 1.0 "convenience alphas", still printed on older labels; biip 5.2 reads only numbers.
_DIGITAL_LINK_ALPHAS = {"gtin": "01", "lot": "10", "ser": "21", "cpv": "22", "exp": "17"}

# GS1 Gen Specs §7.11, figure 7.11-1: the 82 characters allowed in alphanumeric AIs such as 10 and 21 are
# named in udi.gs1_character_not_allowed (app/messages/texts_udi.py).
_MAX_LENGTH = re.compile(r"\.\.(\d+)$")
_BIIP_MISMATCH = re.compile(r"Failed to match '(.*)' with GS1 AI \((\d+)\) pattern", re.DOTALL)
_HRI_AI = re.compile(r"\((\d{2,4})\)")


@functools.cache
def known_ai(code: str) -> GS1ApplicationIdentifier | None:
    """The AI whose number is exactly `code`, from biip's bundled GS1 table (its public lookup only)."""
    try:
        ai = GS1ApplicationIdentifier.extract(code)
    except ParseError:
        return None
    return ai if ai.ai == code else None


def _name(ai: str) -> str:
    known = known_ai(ai)
    return _NAMES.get(ai) or (known.data_title.lower() if known else f"AI {ai}")


def _max_length(ai: GS1ApplicationIdentifier) -> int | None:
    match = _MAX_LENGTH.search(ai.format)
    return int(match.group(1)) if match else None


def _data_format(ai: GS1ApplicationIdentifier) -> str:
    """"N2+X..20" -> "X..20": the data part of the AI's format, as the GS1 Gen Specs tables show it."""
    return ai.format.split("+", 1)[1] if "+" in ai.format else ai.format


def check_digit_error(gtin: str) -> str | None:
    """GS1 Gen Specs §7.9.1 mod-10 check digit of a GTIN; a message (English) when it is wrong."""
    params = _check_digit_params(gtin)
    return english("udi.check_digit_wrong", params)[0] if params else None


def _check_digit_params(gtin: str) -> dict[str, object] | None:
    """The parameters of udi.check_digit_wrong when the GTIN's check digit is wrong, else None."""
    expected = gs1_standard_check_digit(gtin[:-1])
    if int(gtin[-1]) != expected:
        return {"gtin": gtin, "last": gtin[-1], "expected": expected}
    return None


# -- entry points -----------------------------------------------------------------------------


def parse_bare_gtin(text: str, draft: Draft) -> None:
    """A GTIN-8/12/13/14 on its own (EAN/UPC, ITF-14): normalised to GTIN-14."""
    draft.agency, draft.syntax = Agency.GS1, "gtin"
    if check_digit_error(text) or not text.strip("0"):
        gtin14 = text.zfill(14)  # the same check digit; _interpret reports what is wrong
    else:
        gtin14 = Gtin.parse(text, config=_BIIP_CONFIG).as_gtin_14()
    _interpret(draft, [("01", gtin14)], element_string=False)


def parse_element_string(text: str, draft: Draft, *, offset: int = 0) -> None:
    """Concatenated element strings, GS (ASCII 29) between fields (GS1 Gen Specs §7.8).

    `offset` is where `text` starts in the raw scan, so that positions in messages count from there.
    """
    draft.agency, draft.syntax = Agency.GS1, "gs1_element_string"
    pairs = _split_element_string(text, draft, offset)
    _interpret(draft, pairs, element_string=True)


def parse_hri(text: str, draft: Draft) -> None:
    """The parenthesised human-readable form, e.g. ``(01)09501101020917(17)190508(10)ABCD1234``.

    Values may contain parentheses themselves (GS1 character set 82 allows them); a ``(NN)`` only starts
    a new element when NN is a known AI. A value like ``AB(12)C`` is therefore misread: the HRI form is
    ambiguous there, which is why GS1 never encodes it in the bar code itself.
    """
    draft.agency, draft.syntax = Agency.GS1, "gs1_hri"
    stripped = text.strip()
    tokens = [(m, ai) for m in _HRI_AI.finditer(stripped) if (ai := known_ai(m.group(1)))]
    if not tokens or tokens[0][0].start() != 0:
        draft.error("udi.gs1_hri_no_leading_ai")
        return
    pairs: list[tuple[str, str]] = []
    for index, (token, ai) in enumerate(tokens):
        end = tokens[index + 1][0].start() if index + 1 < len(tokens) else len(stripped)
        value = stripped[token.end():end].strip()
        if re.fullmatch(ai.pattern, ai.ai + value) is None:
            _record(draft, _bad_value_message(ai, value))
        pairs.append((ai.ai, value))
    _interpret(draft, pairs, element_string=False)


def parse_digital_link(text: str, draft: Draft) -> None:
    """A GS1 Digital Link URI such as ``https://id.gs1.org/01/09501101020917/10/ABC?17=290101``."""
    draft.agency, draft.syntax = Agency.GS1, "gs1_digital_link"
    uri = _numeric_digital_link(text.strip())
    try:
        link = GS1DigitalLinkURI.parse(uri, config=_BIIP_CONFIG)
    except (ParseError, ValueError) as exc:
        bad_value = _BIIP_MISMATCH.match(str(exc))
        ai = known_ai(bad_value.group(2)) if bad_value else None
        if bad_value and ai:
            _record(draft, _bad_value_message(ai, bad_value.group(1)[len(ai.ai):]))
        else:
            draft.error("udi.digital_link_unreadable", detail=str(exc))
        return
    pairs = [(element.ai.ai, element.value) for element in link.element_strings]
    _interpret(draft, pairs, element_string=False)


def _numeric_digital_link(uri: str) -> str:
    """Replace Digital Link 1.0 convenience alphas in the path (``/gtin/…/lot/…``) by their AIs."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    segments = parts.path.split("/")
    for index in range(1, len(segments) - 1):
        if segments[index] in _DIGITAL_LINK_ALPHAS and (index % 2 == len(segments) % 2):
            segments[index] = _DIGITAL_LINK_ALPHAS[segments[index]]
    query = "&".join(
        f"{_DIGITAL_LINK_ALPHAS.get(key, key)}={value}" if sep else item
        for item in parts.query.split("&") if item
        for key, sep, value in [item.partition("=")]
    )
    return urlunsplit(parts._replace(path="/".join(segments), query=query))


# -- element strings --------------------------------------------------------------------------


def _split_element_string(text: str, draft: Draft, offset: int) -> list[tuple[str, str]]:
    """Cut the data into (AI, value) pairs with biip's AI table, explaining where and why it stops."""
    pairs: list[tuple[str, str]] = []
    position = 0
    overflow: tuple[str, int] | None = None  # (AI, max length) of a field that ran to its limit
    while position < len(text):
        if text[position] == GS:
            position += 1
            overflow = None
            continue
        rest = text[position:]
        try:
            element = GS1ElementString.extract(rest, config=_BIIP_CONFIG)
        except ParseError:
            _record(draft, _stop_message(rest, offset + position, overflow))
            break
        ai = element.ai
        pairs.append((ai.ai, element.value))
        position += len(element)
        overflow = None
        if ai.separator_required and position < len(text) and text[position] != GS:
            # biip stopped inside the field: a character the AI does not allow, or its maximum length.
            character = text[position]
            trial = ai.ai + element.value[1:] + character
            if re.fullmatch(ai.pattern, trial) is None:
                shown = f"“{character}”" if character.isprintable() else repr(character)
                draft.error(
                    "udi.gs1_character_not_digit" if _is_numeric(ai) else "udi.gs1_character_not_allowed",
                    character=shown, position=offset + position + 1, field=_name(ai.ai), ai=ai.ai,
                    format=_data_format(ai),
                )
                break
            overflow = (ai.ai, _max_length(ai) or len(element.value))
    return pairs


def _is_numeric(ai: GS1ApplicationIdentifier) -> bool:
    return "X" not in _data_format(ai)


def _record(draft: Draft, message: tuple[str, dict[str, object]]) -> None:
    message_id, params = message
    draft.error(message_id, **params)


def _stop_message(rest: str, position: int, overflow: tuple[str, int] | None) -> tuple[str, dict[str, object]]:
    """(message id, parameters) of where and why the element string stops being readable."""
    shown = rest[:24] + ("…" if len(rest) > 24 else "")
    if overflow is not None:
        ai_code, limit = overflow
        return "udi.gs1_field_overflow", {"field": _name(ai_code), "ai": ai_code, "limit": limit, "text": shown}
    try:
        ai = GS1ApplicationIdentifier.extract(rest)
    except ParseError:
        return "udi.gs1_no_ai_at_position", {"position": position + 1, "text": shown}
    return _bad_value_message(ai, rest[len(ai.ai):].split(GS, 1)[0])


def _bad_value_message(ai: GS1ApplicationIdentifier, value: str) -> tuple[str, dict[str, object]]:
    """(message id, parameters) of a value that does not fit its AI."""
    shown = value[:30] + ("…" if len(value) > 30 else "")
    limit = _max_length(ai)
    if limit is not None and len(value) > limit and not _is_numeric(ai):
        return "udi.gs1_value_too_long", {"field": _name(ai.ai), "ai": ai.ai, "value": shown, "limit": limit}
    return "udi.gs1_value_bad_form", {"value": shown, "ai": ai.ai, "field": _name(ai.ai),
                                      "format": _data_format(ai)}


# -- meaning ----------------------------------------------------------------------------------


def _interpret(draft: Draft, pairs: list[tuple[str, str]], *, element_string: bool) -> None:
    """Fill the UDI fields from (AI, value) pairs and judge them: check digit, dates, duplicates."""
    draft.elements = list(pairs)
    draft.hri = "".join(f"({ai}){value}" for ai, value in pairs) or None
    seen: dict[str, str] = {}
    for ai, value in pairs:
        if ai in seen:
            if seen[ai] != value:
                draft.error("udi.gs1_ai_twice_different", ai=ai, first=seen[ai], second=value)
            else:
                draft.warn("udi.gs1_ai_twice_same", ai=ai)
            continue
        seen[ai] = value
        _interpret_one(draft, ai, value)
        known = known_ai(ai)
        if element_string and known is not None and known.separator_required:
            _warn_if_separator_swallowed(draft, ai, value)
    if pairs and "01" not in seen:
        draft.error("udi.gs1_no_gtin")
    if "01" in seen and not any(ai in seen for ai in ("10", "21", "11", "17", "7003")):
        draft.warn("udi.gs1_di_only")


def _interpret_one(draft: Draft, ai: str, value: str) -> None:
    if ai in ("01", "02"):
        if len(value) == 14 and value.isdigit():
            wrong_check_digit = _check_digit_params(value)
            if not value.strip("0"):
                draft.error("udi.gtin_all_zeros", gtin=value)
            elif wrong_check_digit:
                draft.error("udi.check_digit_wrong", **wrong_check_digit)
            if ai == "01":
                draft.gtin = value
    elif ai == "10":
        draft.lot = value
    elif ai == "21":
        draft.serial = value
    elif ai in _YYMMDD_AIS:
        date = dates.yymmdd(value, draft.as_of)
        if date is None:
            draft.error("udi.gs1_date_not_real", field=_YYMMDD_AIS[ai], ai=ai, value=value)
        elif ai == "11":
            draft.production_date = date
        elif ai == "17":
            _set_expiry(draft, date, source="AI 17")
    elif ai == "7003":
        date = dates.yymmdd(value[:6], draft.as_of, day_zero_allowed=False)
        hour, minute = value[6:8], value[8:10]
        if date is None or not dates.valid_hour(hour) or not (minute.isdigit() and int(minute) <= 59):
            draft.error("udi.gs1_expiry_time_not_real", value=value)
        else:
            _set_expiry(draft, date, source="AI 7003")


def _set_expiry(draft: Draft, date: dt.date, *, source: str) -> None:
    if draft.expiry_date is not None and draft.expiry_date != date:
        draft.warn("udi.gs1_two_expiry_dates", first=draft.expiry_date.isoformat(), second=date.isoformat(),
                   source=source)
        draft.expiry_date = min(draft.expiry_date, date)
    else:
        draft.expiry_date = date


def _warn_if_separator_swallowed(draft: Draft, ai: str, value: str) -> None:
    """GS1 Gen Specs §7.8.5: a variable-length field must end with FNC1 (GS) unless it is last.

    Without it, the next AI reads as part of the value. We warn when the value ends with something that
    parses completely as a predefined-length AI with sensible data: a real date, or a GTIN whose check
    digit is right. A lot that really ends in such digits triggers the warning too; it says "may".
    """
    for start in range(1, len(value) - 1):
        tail = value[start:]
        if not tail.startswith(_HIDDEN_FIXED_AIS):
            continue
        hidden = _hidden_elements(tail, draft)
        if hidden:
            first_ai, first_value = hidden[0]
            draft.warn("udi.gs1_separator_swallowed", field=_name(ai), value=value, hidden_ai=first_ai,
                       hidden_field=_name(first_ai), hidden_value=_describe(first_ai, first_value, draft),
                       corrected=value[:start])
            return


def _hidden_elements(tail: str, draft: Draft) -> list[tuple[str, str]]:
    """The tail read as element strings, or [] unless it reads completely and its data make sense."""
    elements: list[tuple[str, str]] = []
    rest = tail
    while rest:
        try:
            element = GS1ElementString.extract(rest, config=_BIIP_CONFIG)
        except ParseError:
            return []
        ai, value = element.ai.ai, element.value
        if ai in _YYMMDD_AIS and dates.yymmdd(value, draft.as_of) is None:
            return []
        if ai in ("01", "02") and check_digit_error(value):
            return []
        elements.append((ai, value))
        rest = rest[len(element):]
    return elements


def _describe(ai: str, value: str, draft: Draft) -> str:
    if ai in _YYMMDD_AIS:
        date = dates.yymmdd(value, draft.as_of)
        return f"{value} ({date.isoformat() if date else '?'})"
    return value
