"""UDI scan parsing (GS1, HIBCC, China MA): pure functions, no Qt, no database (DESIGN §4 "UDI parsing")."""

from app.udi.hibcc import pair_hibc
from app.udi.result import Agency, ScanResult, UdiUsageError
from app.udi.scan import parse_scan

__all__ = ["Agency", "ScanResult", "UdiUsageError", "pair_hibc", "parse_scan"]
