"""The outcome of reading one UDI scan: raw text, parsed fields, errors and warnings, in one stable shape."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from app.messages import Said


class Agency(enum.StrEnum):
    """UDI issuing agencies we read (医疗器械唯一标识系统规则: UDI = DI + PI, from an accredited issuer)."""

    GS1 = "GS1"
    HIBCC = "HIBCC"
    MA = "MA"


class UdiUsageError(TypeError):
    """The parser was called wrongly (not a str scan, no as_of date): a programming error, never bad input."""


@dataclass(frozen=True)
class ScanResult:
    """What one scan says; `valid` is False whenever `errors` is not empty. Built once, never changed."""

    raw: str
    agency: Agency | None = None
    gtin: str | None = None
    di: str | None = None
    lot: str | None = None
    serial: str | None = None
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    elements: tuple[tuple[str, str], ...] = ()
    """What the scan holds, in order: (AI, value) for GS1; (LIC | PCN | UOM | QTY | EXP | LOT | SERIAL |
    14D | 16D | LINK | CHECK, value) for HIBCC; (MA, DI) then (data-unit letter, value) for MA."""
    hri: str | None = None
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    syntax: str | None = None
    """How the scan was written: gs1_element_string, gs1_hri, gs1_digital_link, gtin, hibcc, ma."""
    symbology: str | None = None
    """The AIM symbology identifier the scanner sent (e.g. ``]d2``), if any."""
    structure: str | None = None
    """HIBC only: primary, secondary (a separate secondary bar code), concatenated, or paired (a separate
    primary and secondary scanned one after the other, joined by their link character)."""
    link_mismatch: tuple[str, str] | None = None
    """HIBC only: (link character, check character) when this scan and the primary or secondary scanned
    next to it do not belong together: the secondary's link is not the primary's check character."""
    error_messages: tuple[Said, ...] = ()
    """`errors` by catalogue id and parameters, in the same order (one for each)."""
    warning_messages: tuple[Said, ...] = ()
    """`warnings` by catalogue id and parameters, in the same order (one for each)."""

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def device_identifier(self) -> str | None:
        """The UDI-DI whatever the agency: the GTIN-14 for GS1, else the HIBC/MA DI."""
        return self.gtin if self.agency is Agency.GS1 else self.di

    def rendered_errors(self, language: str | None = None) -> list[str]:
        """The errors in `language` (the current one of app.messages by default)."""
        return _rendered(self.errors, self.error_messages, language)

    def rendered_warnings(self, language: str | None = None) -> list[str]:
        """The warnings in `language` (the current one of app.messages by default)."""
        return _rendered(self.warnings, self.warning_messages, language)

    def as_json(self) -> dict[str, Any]:
        """The `medtrace udi parse --json` document (DESIGN §6); both gtin and di are always present.

        `errors` and `warnings` are the English sentences; `error_messages` and `warning_messages` the
        same, one for one, as {"id", "params"} for a reader that shows them in its own language.
        """
        return {
            "valid": self.valid,
            "agency": self.agency.value if self.agency else None,
            "gtin": self.gtin,
            "di": self.di,
            "lot": self.lot,
            "serial": self.serial,
            "production_date": self.production_date.isoformat() if self.production_date else None,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "elements": [[key, value] for key, value in self.elements],
            "hri": self.hri,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "raw": self.raw,
            "error_messages": [message.as_json() for message in self.error_messages],
            "warning_messages": [message.as_json() for message in self.warning_messages],
        }


def _rendered(texts: tuple[str, ...], messages: tuple[Said, ...], language: str | None) -> list[str]:
    by_text = {message.text: message for message in messages}
    return [by_text[text].render(language) if text in by_text else text for text in texts]


@dataclass
class Draft:
    """Mutable notes taken while one scan is read; `freeze()` turns them into a ScanResult."""

    raw: str
    as_of: dt.date
    agency: Agency | None = None
    gtin: str | None = None
    di: str | None = None
    lot: str | None = None
    serial: str | None = None
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    elements: list[tuple[str, str]] = field(default_factory=list)
    hri: str | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    syntax: str | None = None
    symbology: str | None = None
    structure: str | None = None
    error_messages: list[Said] = field(default_factory=list)
    warning_messages: list[Said] = field(default_factory=list)

    def error(self, message_id: str, /, **params: object) -> None:
        """Record the error `message_id` of app/messages/texts_udi.py (once, however often it is found)."""
        message = Said.of(message_id, **params)
        if message.text not in self.errors:
            self.errors.append(message.text)
            self.error_messages.append(message)

    def warn(self, message_id: str, /, **params: object) -> None:
        """Record the warning `message_id` of app/messages/texts_udi.py (once)."""
        message = Said.of(message_id, **params)
        if message.text not in self.warnings:
            self.warnings.append(message.text)
            self.warning_messages.append(message)

    def freeze(self) -> ScanResult:
        return ScanResult(
            raw=self.raw,
            agency=self.agency,
            gtin=self.gtin,
            di=self.di,
            lot=self.lot,
            serial=self.serial,
            production_date=self.production_date,
            expiry_date=self.expiry_date,
            elements=tuple(self.elements),
            hri=self.hri,
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
            syntax=self.syntax,
            symbology=self.symbology,
            structure=self.structure,
            error_messages=tuple(self.error_messages),
            warning_messages=tuple(self.warning_messages),
        )
