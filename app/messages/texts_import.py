"""Errors of the data import (a bad row, a bad file), by id."""

from __future__ import annotations

from app.messages import Text

IMPORT_TEXTS: dict[str, Text] = {
}
