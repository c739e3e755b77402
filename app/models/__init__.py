"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from app.models.base import Base
from app.models.genealogy import GenealogyEdge
from app.models.lot import Deviation, Lot, QcResult, SerialUnit
from app.models.movement import Movement
from app.models.party import Party
from app.models.product import Product

# Tables holding GMP records: audited, change-broadcast and (with identity) row-level secured.
GMP_TABLES = (
    "product", "party", "lot", "serial_unit", "qc_result", "deviation", "genealogy_edge", "movement",
)

# Tables no login role may read (TOTP seeds, code hashes, session tokens): reached only through the
# SECURITY DEFINER functions of migration 0002, so deliberately not mapped here. Alembic skips them.
DATABASE_ONLY_TABLES = frozenset({
    "person", "login_failure", "activation", "recovery_code", "session_token", "verified_backend",
    "security_alert",
})

__all__ = [
    "DATABASE_ONLY_TABLES",
    "GMP_TABLES",
    "Base",
    "Deviation",
    "GenealogyEdge",
    "Lot",
    "Movement",
    "Party",
    "Product",
    "QcResult",
    "SerialUnit",
]
