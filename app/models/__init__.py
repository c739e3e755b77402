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

__all__ = [
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
