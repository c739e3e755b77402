"""Calendar rules of the bar-code standards: two-digit years, day 00, Julian days; judged against `as_of`.

Every function returns None for text that is not a real date, so callers report it instead of raising.
"""

from __future__ import annotations

import calendar
import datetime as dt


def gs1_year(two_digit_year: int, as_of: dt.date) -> int:
    """The four-digit year of YY, as GS1 General Specifications §7.12 rules it.

    The year lies within 49 years before and 50 years after the reference year: a difference of 51..99
    means the previous century, -99..-50 the next one. The reference is `as_of`, not the clock, so a
    scan read in a test or a report of past data gets the same answer it got on that day.
    """
    century = as_of.year - as_of.year % 100
    difference = two_digit_year - as_of.year % 100
    if 51 <= difference <= 99:
        return century - 100 + two_digit_year
    if -99 <= difference <= -50:
        return century + 100 + two_digit_year
    return century + two_digit_year


def last_day_of_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _checked_date(year: int, month: int, day: int) -> dt.date | None:
    if not (1 <= month <= 12) or not (dt.MINYEAR <= year <= dt.MAXYEAR):
        return None
    if day == 0:
        # GS1 General Specifications §3.4.2-3.4.6: "DD = 00" names the month only; for an expiry or
        # best-before date that means its last day (DESIGN §4: the last day the device may be used).
        day = last_day_of_month(year, month)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def yymmdd(text: str, as_of: dt.date, *, day_zero_allowed: bool = True) -> dt.date | None:
    """YYMMDD (GS1 AIs 11, 13, 15, 16, 17; HIBC flag 3; MA 6-digit dates)."""
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        return None
    day = int(text[4:6])
    if day == 0 and not day_zero_allowed:
        return None
    return _checked_date(gs1_year(int(text[:2]), as_of), int(text[2:4]), day)


def yyyymmdd(text: str) -> dt.date | None:
    """YYYYMMDD (HIBC supplemental 14D/16D, MA 8-digit dates); no day 00."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return None
    day = int(text[6:8])
    if day == 0:
        return None
    return _checked_date(int(text[:4]), int(text[4:6]), day)


def mmddyy(text: str, as_of: dt.date) -> dt.date | None:
    """MMDDYY (HIBC LIC secondary, flag 2)."""
    if len(text) != 6 or not text.isascii() or not text.isdigit() or text[2:4] == "00":
        return None
    return _checked_date(gs1_year(int(text[4:6]), as_of), int(text[:2]), int(text[2:4]))


def mmyy(text: str, as_of: dt.date) -> dt.date | None:
    """MMYY (HIBC LIC secondary, flags 0/1): the month only, so its last day, as for GS1 day 00."""
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        return None
    return _checked_date(gs1_year(int(text[2:4]), as_of), int(text[:2]), 0)


def yyjjj(text: str, as_of: dt.date) -> dt.date | None:
    """YYJJJ Julian date (HIBC LIC secondary): year and day of the year 001..365/366."""
    if len(text) != 5 or not text.isascii() or not text.isdigit():
        return None
    year = gs1_year(int(text[:2]), as_of)
    day_of_year = int(text[2:5])
    days_in_year = 366 if calendar.isleap(year) else 365
    if not (1 <= day_of_year <= days_in_year):
        return None
    return dt.date(year, 1, 1) + dt.timedelta(days=day_of_year - 1)


def valid_hour(text: str) -> bool:
    return len(text) == 2 and text.isascii() and text.isdigit() and int(text) <= 23
