"""China MA (IDcode) UDI reading, issuing agency code "MA" (中关村工信二维码技术研究院, ISO/IEC 15459).

What we could confirm, and therefore implement (医疗器械唯一标识 MA(IDcode) 编码手册 as quoted publicly):
the DI is ``MA`` . country code (3 digits, 156 = China) . industry code (2, ``M0`` for medical devices)
. registrant code (6 digits) . product code (packaging level + item + check character; real codes are
longer than the 8 characters the handbook describes, so any length of letters and digits is accepted).
Data units follow, each ``.`` + one letter + value: ``.L`` lot (批号), ``.S`` serial (序列号),
``.M`` production date (生产日期), ``.D`` sterilisation lot (灭菌批号), ``.V`` 有效期 (valid until),
``.E`` 失效期 (expiry), ``.C`` check code; dates are 6 (YYMMDD) or 8 (YYYYMMDD) digits.

Conservative readings where the public material is silent:
- ``.V`` is the last day of use; ``.E`` (失效期) the first day the device is no longer valid: a code
  seen in an MA labelling client carries ``.E220628.V220627``. So the expiry date we report (the last
  day of use, DESIGN §4) is ``.V``, else the day before ``.E``; when both disagree, the earlier.
- The check characters (the DI's last character and ``.C``) are not verified: the algorithm is not
  public and MA codes are issued through the agency's own service.
- Two-digit years follow the GS1 century rule; day 00 is not accepted.
"""

from __future__ import annotations

import datetime as dt

from app.udi import dates
from app.udi.result import Agency, Draft

_UNITS = {
    "L": "lot (批号)",
    "S": "serial number (序列号)",
    "M": "production date (生产日期)",
    "D": "sterilisation lot (灭菌批号)",
    "V": "valid-until date (有效期)",
    "E": "expiry date (失效期)",
    "C": "check code (校验码)",
}
_DATE_UNITS = ("M", "V", "E")


def parse_ma(text: str, draft: Draft) -> None:
    """Read one MA code such as ``MA.156.M0.100350.01004YA10017.M210628.LAY21062803.V220627.C3``."""
    draft.agency, draft.syntax = Agency.MA, "ma"
    draft.hri = text
    parts = text.split(".")
    if len(parts) < 5:
        draft.error("udi.ma_incomplete")
        return
    issuer, country, industry, registrant, product = parts[:5]
    di = ".".join(parts[:5])
    draft.di = di
    draft.elements.append(("MA", di))
    if issuer != "MA":
        draft.error("udi.ma_bad_issuer")
    if not (len(country) == 3 and country.isascii() and country.isdigit()):
        draft.error("udi.ma_bad_country", country=country)
    if not (len(industry) == 2 and industry.isascii() and industry.isalnum()):
        draft.error("udi.ma_bad_industry", industry=industry)
    if not (registrant.isascii() and registrant.isalnum() and registrant):
        draft.error("udi.ma_bad_registrant", registrant=registrant)
    elif not (len(registrant) == 6 and registrant.isdigit()):
        draft.warn("udi.ma_unusual_registrant", registrant=registrant)
    if not (product.isascii() and product.isalnum() and product):
        draft.error("udi.ma_bad_product", product=product)
    found: dict[str, str] = {}
    read_dates: dict[str, dt.date] = {}
    for unit in parts[5:]:
        if not unit:
            draft.error("udi.ma_empty_unit")
            continue
        key, value = unit[0], unit[1:]
        draft.elements.append((key, value))
        if key not in _UNITS:
            draft.warn("udi.ma_unknown_unit", unit=unit)
            continue
        if key in found:
            if found[key] != value:
                draft.error("udi.ma_unit_twice", unit=_UNITS[key], first=found[key], second=value)
            continue
        found[key] = value
        if not value:
            draft.error("udi.ma_unit_empty", unit=_UNITS[key], key=key)
        elif key in _DATE_UNITS:
            date = dates.yyyymmdd(value) if len(value) == 8 else (
                dates.yymmdd(value, draft.as_of, day_zero_allowed=False) if len(value) == 6 else None)
            if date is None:
                draft.error("udi.ma_date_not_real", unit=_UNITS[key], value=value)
            else:
                read_dates[key] = date
        elif not (value.isascii() and value.isalnum()):
            draft.warn("udi.ma_not_alphanumeric", unit=_UNITS[key], value=value)
    draft.lot = found.get("L") or None
    draft.serial = found.get("S") or None
    draft.production_date = read_dates.get("M")
    _resolve_expiry(draft, read_dates.get("V"), read_dates.get("E"))


def _resolve_expiry(draft: Draft, valid_until: dt.date | None, invalid_from: dt.date | None) -> None:
    """The last day of use from .V and .E (module docstring: .E is the first day no longer valid)."""
    day_before = invalid_from - dt.timedelta(days=1) if invalid_from and invalid_from > dt.date.min else None
    if valid_until and day_before:
        if valid_until != day_before:
            draft.warn("udi.ma_dates_disagree", valid_until=valid_until.isoformat(),
                       invalid_from=invalid_from.isoformat())
        draft.expiry_date = min(valid_until, day_before)
    elif valid_until:
        draft.expiry_date = valid_until
    elif invalid_from and day_before:
        draft.expiry_date = day_before
        draft.warn("udi.ma_only_expiry", invalid_from=invalid_from.isoformat(), last_day=day_before.isoformat())
