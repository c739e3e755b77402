"""Warnings and errors of the UDI scan parser (app.udi), by id."""

from __future__ import annotations

from app.messages import Text

UDI_TEXTS: dict[str, Text] = {
}
