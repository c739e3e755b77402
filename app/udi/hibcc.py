"""HIBC LIC reading (ANSI/HIBC 2.6, Supplier Labeling Standard): primary, secondary and concatenated data.

Primary ``+`` LIC (4, alpha first) + product/catalog number (1-18) + unit of measure (1 digit) + check.
Secondary ``+`` then one of: ``YYJJJ`` + lot; ``$`` + lot; ``$+`` + serial; ``$$`` / ``$$+`` + an optional
quantity (``8``+2 or ``9``+5 digits) + an expiry date whose first character says its format (``0``/``1``
MMYY, ``2`` MMDDYY, ``3`` YYMMDD, ``4`` YYMMDDHH, ``5`` YYJJJ, ``6`` YYJJJHH, ``7`` none) + lot or serial;
then optional supplemental fields ``/14D`` expiry YYYYMMDD, ``/16D`` manufacture YYYYMMDD, ``/S`` serial.
A separate secondary carries a link character (the primary's check character) before its own check;
a concatenated bar code joins both with ``/`` and has one check character. The check character is the
modulo-43 sum of all preceding characters, ``+`` included. A separate secondary alone is valid data that
does not identify the device; `pair_hibc` joins it with the primary scanned just before or after it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from app.messages import english
from app.udi import dates
from app.udi.result import Agency, Draft, ScanResult

CODE39_SET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
"""The HIBC character set in the order of its modulo-43 values (0..42)."""

_VALUE = {character: index for index, character in enumerate(CODE39_SET)}


def check_character(data: str) -> str | None:
    """The HIBC modulo-43 check character of `data` (``+`` included), or None for a foreign character."""
    if any(character not in _VALUE for character in data):
        return None
    return CODE39_SET[sum(_VALUE[character] for character in data) % 43]


def parse_hibcc(text: str, draft: Draft) -> None:
    """Read one HIBC LIC scan (``+`` first, ``*`` delimiters of a Code 39 print tolerated)."""
    draft.agency, draft.syntax = Agency.HIBCC, "hibcc"
    data = text[1:-1] if len(text) >= 2 and text.startswith("*") and text.endswith("*") else text
    if data.endswith(" ") and check_character(data[:-1]) != " ":
        data = data.rstrip(" ")  # trailing blanks from the scanner, not a space check character
    draft.hri = data
    for position, character in enumerate(data):
        if character not in _VALUE:
            lowercase = character.isalpha() and character.isascii()
            shown = f"“{character}”" if character.isprintable() else repr(character)
            draft.error("udi.hibcc_lowercase_character" if lowercase else "udi.hibcc_bad_character",
                        character=shown, position=position + 1)
            return
    if len(data) < 4:
        draft.error("udi.hibcc_too_short")
        return
    body, check = data[:-1], data[-1]
    expected = check_character(body)
    if check != expected:
        if check_character(data) == " ":
            # The check character can be a space (value 38); scanners and copy-paste often trim it.
            body = data
            draft.warn("udi.hibcc_space_check_trimmed")
        else:
            draft.error("udi.hibcc_check_character_wrong", check=check, expected=expected)
    content = body[1:]
    if content[:1].isalpha():
        primary, joined, secondary = content.partition("/")
        draft.structure = "concatenated" if joined else "primary"
        _read_primary(primary, draft)
        if joined:
            _read_secondary(secondary, draft)
    else:
        # ANSI/HIBC 2.6: a separate secondary ends with a link character, the primary's check character.
        draft.structure = "secondary"
        link, secondary = content[-1], content[:-1]
        _read_secondary(secondary, draft)
        draft.elements.append(("LINK", link))
        draft.warn(SECONDARY_ONLY, link=link)
    draft.elements.append(("CHECK", " " if body is data else data[-1]))


SECONDARY_ONLY = "udi.hibcc_secondary_only"


def secondary_only_warning(link: str) -> str:
    """The English warning that a separate secondary alone was scanned (dropped once it is paired)."""
    return english(SECONDARY_ONLY, {"link": link})[0]


def pair_hibc(previous: ScanResult | None, scan: ScanResult) -> ScanResult:
    """`scan` as read together with `previous`, the scan just before it.

    A separate HIBC primary and secondary scanned one right after the other, in either order, are one UDI
    when the secondary's link character is the primary's check character (ANSI/HIBC 2.6): the result has
    the labeler and product of the primary and the lot, serial and dates of the secondary, and keeps both
    raw scans. When the link does not match they are never paired: `scan` comes back with `link_mismatch`
    set. Any other scan comes back as it is.
    """
    if previous is None or not (_is_half(previous) and _is_half(scan)) or previous.structure == scan.structure:
        return scan
    primary, secondary = (previous, scan) if previous.structure == "primary" else (scan, previous)
    link, check = _element(secondary, "LINK"), _element(primary, "CHECK")
    if link is None or check is None or link != check:
        return dataclasses.replace(scan, link_mismatch=(link or "", check or ""))
    dropped = secondary_only_warning(link)
    warnings = [w for w in primary.warnings + secondary.warnings if w != dropped]
    messages = {m.text: m for m in primary.warning_messages + secondary.warning_messages if m.text != dropped}
    return dataclasses.replace(
        secondary,
        raw=f"{previous.raw}\n{scan.raw}",  # both scans, in the order read (no HIBC character is a line break)
        di=primary.di,
        elements=tuple(e for e in primary.elements if e[0] != "CHECK") + secondary.elements,
        hri=f"{primary.hri} {secondary.hri}",
        warnings=tuple(dict.fromkeys(warnings)),
        warning_messages=tuple(messages[w] for w in dict.fromkeys(warnings) if w in messages),
        symbology=primary.symbology,
        structure="paired",
        link_mismatch=None,
    )


def _is_half(scan: ScanResult) -> bool:
    return scan.valid and scan.agency is Agency.HIBCC and scan.structure in ("primary", "secondary")


def _element(scan: ScanResult, key: str) -> str | None:
    return next((value for name, value in scan.elements if name == key), None)


def _read_primary(primary: str, draft: Draft) -> None:
    if len(primary) < 6:
        draft.error("udi.hibcc_primary_too_short")
        return
    lic, product, unit = primary[:4], primary[4:-1], primary[-1]
    draft.elements += [("LIC", lic), ("PCN", product), ("UOM", unit)]
    if not (lic[0].isalpha() and lic.isalnum()):
        draft.error("udi.hibcc_bad_lic", lic=lic)
    if not product.isalnum() or len(product) > 18:
        draft.error("udi.hibcc_bad_product", product=product)
    if not unit.isdigit():
        draft.error("udi.hibcc_bad_unit", unit=unit)
    draft.di = primary


_DATE_FORMATS: dict[str, tuple[str, int, Callable[[str, dt.date], dt.date | None]]] = {
    "2": ("MMDDYY", 6, dates.mmddyy),
    "3": ("YYMMDD", 6, lambda text, as_of: dates.yymmdd(text, as_of, day_zero_allowed=False)),
    "4": ("YYMMDDHH", 8, lambda text, as_of: dates.yymmdd(text[:6], as_of, day_zero_allowed=False)
          if dates.valid_hour(text[6:]) else None),
    "5": ("YYJJJ", 5, dates.yyjjj),
    "6": ("YYJJJHH", 7, lambda text, as_of: dates.yyjjj(text[:5], as_of)
          if dates.valid_hour(text[5:]) else None),
}


def _read_secondary(secondary: str, draft: Draft) -> None:
    main, *supplements = secondary.split("/")
    if not main:
        draft.error("udi.hibcc_secondary_empty")
        return
    if main[0].isdigit():
        # Oldest format: 5-digit Julian expiry date, then a lot of up to 13 characters.
        _set_expiry(draft, main[:5], "YYJJJ", dates.yyjjj(main[:5], draft.as_of))
        _set_lot_or_serial(draft, "LOT", main[5:], limit=13)
    elif main.startswith("$$"):
        is_serial = main.startswith("$$+")
        rest = _read_quantity_and_date(main[3:] if is_serial else main[2:], draft)
        if rest is not None:
            _set_lot_or_serial(draft, "SERIAL" if is_serial else "LOT", rest, limit=18)
    elif main.startswith("$+"):
        _set_lot_or_serial(draft, "SERIAL", main[2:], limit=18)
    elif main.startswith("$"):
        _set_lot_or_serial(draft, "LOT", main[1:], limit=18)
    else:
        draft.error("udi.hibcc_secondary_unknown", data=main)
    for supplement in supplements:
        _read_supplement(supplement, draft)


def _read_quantity_and_date(rest: str, draft: Draft) -> str | None:
    """After ``$$``/``$$+``: optional quantity, then the expiry date by its format flag; returns the rest."""
    if rest[:1] in ("8", "9"):
        width = 2 if rest[0] == "8" else 5
        quantity = rest[1:1 + width]
        if len(quantity) != width or not quantity.isdigit():
            draft.error("udi.hibcc_bad_quantity", flag=rest[0], width=width)
            return None
        draft.elements.append(("QTY", quantity))
        rest = rest[1 + width:]
    flag = rest[:1]
    if flag in ("0", "1"):
        _set_expiry(draft, rest[:4], "MMYY", dates.mmyy(rest[:4], draft.as_of))
        return rest[4:]
    if flag == "7":
        return rest[1:]
    if flag in _DATE_FORMATS:
        name, width, reader = _DATE_FORMATS[flag]
        text = rest[1:1 + width]
        _set_expiry(draft, text, name, reader(text, draft.as_of) if len(text) == width else None)
        return rest[1 + width:]
    draft.error("udi.hibcc_unknown_date_flag", flag=flag)
    return None


def _read_supplement(supplement: str, draft: Draft) -> None:
    if supplement.startswith("14D"):
        date = dates.yyyymmdd(supplement[3:])
        draft.elements.append(("14D", supplement[3:]))
        if date is None:
            draft.error("udi.hibcc_expiry_14d_not_real", value=supplement[3:])
        elif draft.expiry_date is not None and draft.expiry_date != date:
            draft.warn("udi.hibcc_two_expiry_dates", first=draft.expiry_date.isoformat(), second=date.isoformat())
            draft.expiry_date = min(draft.expiry_date, date)
        else:
            draft.expiry_date = date
    elif supplement.startswith("16D"):
        date = dates.yyyymmdd(supplement[3:])
        draft.elements.append(("16D", supplement[3:]))
        if date is None:
            draft.error("udi.hibcc_production_16d_not_real", value=supplement[3:])
        draft.production_date = date
    elif supplement.startswith("S"):
        _set_lot_or_serial(draft, "SERIAL", supplement[1:], limit=18)
    else:
        draft.elements.append(("?", supplement))
        draft.warn("udi.hibcc_unknown_supplement", supplement=supplement)


def _set_expiry(draft: Draft, text: str, name: str, date: dt.date | None) -> None:
    draft.elements.append(("EXP", text))
    if date is None:
        draft.error("udi.hibcc_expiry_not_real", value=text, format=name)
    else:
        draft.expiry_date = date


def _set_lot_or_serial(draft: Draft, kind: str, value: str, *, limit: int) -> None:
    noun = "lot" if kind == "LOT" else "serial number"
    if not value:
        draft.error("udi.hibcc_no_lot_or_serial", noun=noun)
        return
    draft.elements.append((kind, value))
    if kind == "LOT":
        draft.lot = value
    elif draft.serial is not None and draft.serial != value:
        draft.error("udi.hibcc_two_serials", first=draft.serial, second=value)
    else:
        draft.serial = value
    if not value.isalnum():
        draft.warn("udi.hibcc_not_alphanumeric", noun=noun, value=value)
    if len(value) > limit:
        draft.warn("udi.hibcc_too_long", noun=noun, value=value, limit=limit)
