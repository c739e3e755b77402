"""Import of products, parties, lots, genealogy and movements from .xlsx and .csv (DESIGN §6).

All or nothing: every row is checked first and every problem reported with its Excel row number; only
a file without problems is written, in one transaction. The column contract is in columns.py and
docs/import-formats.md.
"""

from app.services.data_import.columns import CONTRACTS, KINDS
from app.services.data_import.importer import ImportResult, Progress, import_file, import_rows
from app.services.data_import.records import KIND_TYPES, RowError
from app.services.data_import.workbooks import write_errors, write_template

# Tables each kind writes: what the GUI announces as changed after a successful import.
KIND_TABLES: dict[str, tuple[str, ...]] = {name: kind.tables_changed for name, kind in KIND_TYPES.items()}

__all__ = [
    "CONTRACTS",
    "KINDS",
    "KIND_TABLES",
    "ImportResult",
    "Progress",
    "RowError",
    "import_file",
    "import_rows",
    "write_errors",
    "write_template",
]
