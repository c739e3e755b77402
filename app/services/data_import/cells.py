"""Reading one spreadsheet cell into a typed value, with a message a person can act on when it cannot.

Cells arrive typed from .xlsx (int, float, datetime, bool, str) and as text from .csv; every reader
here accepts both. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping

from app.messages import english

GTIN_LENGTHS = (8, 12, 13, 14)
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_HIBC_DI = re.compile(r"^\+?[A-Z][A-Z0-9]{3}[A-Z0-9]{1,18}[0-9]$")
_MA_DI = re.compile(r"^MA\.\d{3}\.[A-Z0-9]{2}\.[A-Z0-9]+\.[A-Z0-9]+$")
_ALERT_SEPARATORS = re.compile(r"[;,；，、\s]+")

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "是", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否", "f"})


_CHOICES: dict[tuple[tuple[str, ...], int], dict[str, str]] = {}  # alias tables are module constants


class CellError(ValueError):
    """The cell cannot be read as what its column needs; the message says why and what to write.

    Raised with a catalogue id of app/messages/texts_import.py and its parameters; str() is the English.
    """

    def __init__(self, message_id: str, /, **params: object) -> None:
        super().__init__(english(message_id, params)[0])
        self.message_id = message_id
        self.params = params


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown(value: object) -> str:
    """The value as the person typed it, for messages."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    return f"“{value}”"


def text(value: object, *, max_length: int) -> str:
    """Free text; a number Excel stored for a code (lot 123, phone 1381234) comes back without “.0”."""
    if isinstance(value, bool):
        raise CellError("import.bool_not_text", value=shown(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        raise CellError("import.date_not_text", value=shown(value))
    result = str(value).strip()
    if len(result) > max_length:
        raise CellError("import.text_too_long", start=result[:30], length=len(result), limit=max_length)
    return result


# A 100 k-row file repeats a few hundred DIs and dates: reading each distinct value once halves the
# parse time. Only successes are cached (an exception is never stored by lru_cache).
_cached = functools.lru_cache(maxsize=65_536)


@_cached
def gtin14(value: str) -> str:
    """GTIN-8/12/13/14 → GTIN-14 after checking its GS1 mod-10 check digit (GS1 General Specs §7.9.1)."""
    if not value.isascii() or not value.isdigit() or len(value) not in GTIN_LENGTHS:
        raise CellError("import.gtin_bad_length", text=value)
    padded = value.zfill(14)
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(padded[:13]))
    expected = (10 - total % 10) % 10
    if int(padded[13]) != expected:
        raise CellError("import.gtin_check_digit_wrong", gtin=value, last=padded[13], expected=expected)
    return padded


def _di_text(value: object) -> str:
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("import.di_not_whole", value=shown(value))
        value = int(value)
    result = text(value, max_length=50).replace(" ", "")
    if not result:
        raise CellError("import.di_empty")
    return result


def product_di(agency: str, value: object) -> str:
    """The DI of a new product in the form it is stored: GTIN-14, `+` HIBC LIC + product + U/M, or MA code."""
    di = _di_text(value)
    if agency == "GS1":
        return gtin14(di)
    if agency == "HIBCC":
        di = di.upper()
        if not _HIBC_DI.match(di):
            raise CellError("import.bad_hibc_di", di=di)
        return di if di.startswith("+") else "+" + di
    if not _MA_DI.match(di):
        raise CellError("import.bad_ma_di", di=di)
    return di


@_cached
def reference_di(value: object) -> str:
    """A DI that names an existing product: GTINs are checked and widened to 14 digits, HIBC gets its `+`."""
    di = _di_text(value)
    if di.isascii() and di.isdigit():
        return gtin14(di)
    upper = di.upper()
    if upper.startswith("MA."):
        return di
    if _HIBC_DI.match(upper):
        return upper if upper.startswith("+") else "+" + upper
    return di


@_cached
def date(value: object) -> dt.date:
    """An Excel date, or text written year first: 2026-01-31 (ISO 8601), also 2026/1/31."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError("import.date_is_number", value=shown(value))
    match = _DATE.match(str(value).strip())
    if not match:
        raise CellError("import.bad_date", value=shown(value))
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("import.not_a_calendar_day", value=shown(value)) from None


def integer(value: object, *, minimum: int = 1, maximum: int = 2_147_483_647) -> int:
    """A whole number (Excel number or digits; 1,000 with thousands separators is accepted)."""
    if isinstance(value, bool):
        raise CellError("import.bool_not_number", value=shown(value))
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("import.not_whole_number", value=shown(value))
        value = int(value)
    if isinstance(value, str):
        raw = value.strip().replace(" ", "")
        if _THOUSANDS.match(raw):
            raw = raw.replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", raw):
            raise CellError("import.not_whole_number", value=shown(value))
        value = int(raw)
    if not isinstance(value, int):
        raise CellError("import.not_whole_number", value=shown(value))
    if value < minimum:
        raise CellError("import.number_too_small", number=value, minimum=minimum)
    if value > maximum:
        raise CellError("import.number_too_large", number=value, maximum=maximum)
    return value


def boolean(value: object) -> bool:
    """true/false, yes/no, 是/否, 1/0 (any case), or an Excel TRUE/FALSE cell."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("import.not_yes_no", value=shown(value))


def choice(value: object, allowed: Iterable[str], aliases: Mapping[str, str] | None = None) -> str:
    """One of the allowed words (any case), or an alias of one (e.g. 经营企业 for distributor)."""
    allowed = tuple(allowed)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    word = str(value).strip()
    key = (allowed, id(aliases))
    by_lower = _CHOICES.get(key)
    if by_lower is None:
        by_lower = {option.lower(): option for option in allowed}
        by_lower.update({alias.lower(): target for alias, target in (aliases or {}).items()})
        _CHOICES[key] = by_lower
    try:
        return by_lower[word.lower()]
    except KeyError:
        raise CellError("import.choice_not_allowed", word=word, allowed=", ".join(allowed)) from None


def alert_days(value: object) -> list[int]:
    """Expiry alert thresholds in days, largest first: “180;90;30;7” (1 to 8 positive numbers)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        parts = [str(int(value)) if float(value).is_integer() else str(value)]
    else:
        parts = [part for part in _ALERT_SEPARATORS.split(str(value).strip()) if part]
    if not parts:
        raise CellError("import.no_alert_days")
    days: list[int] = []
    for part in parts:
        if not part.isascii() or not part.isdigit() or int(part) <= 0:
            raise CellError("import.bad_alert_days", value=shown(value))
        days.append(int(part))
    if len(days) > 8:
        raise CellError("import.too_many_alerts", count=len(days))
    if len(set(days)) != len(days):
        raise CellError("import.repeated_alert", value=shown(value))
    return sorted(days, reverse=True)
