"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from app.models.base import Base
from app.models.company import CompanyProfile
from app.models.genealogy import GenealogyEdge
from app.models.lot import Deviation, Lot, QcResult, SerialUnit
from app.models.movement import Movement
from app.models.party import Party
from app.models.product import Product

# Tables holding GMP records: audited, change-broadcast and (with identity) row-level secured.
GMP_TABLES = (
    "product", "party", "lot", "serial_unit", "qc_result", "deviation", "genealogy_edge", "movement",
    "company_profile",
)

# Tables written only by the database's own functions and triggers, deliberately not mapped here
# (Alembic skips them): identity secrets no login role may read (migration 0002), the audit trail
# (0003), the release evidence and signatures (0004), expiry alerts (0006) and recalls (0007, 0010), which
# services read with plain SQL.
DATABASE_ONLY_TABLES = frozenset({
    "person", "login_failure", "activation", "recovery_code", "session_token", "verified_backend",
    "security_alert", "sign_in_event", "signing_key", "audit_entry", "audit_chain", "audit_head", "audit_seal",
    "label_verification", "audit_review", "lot_signature", "expiry_alert", "shelf_life_override", "expiry_policy",
    "recall_case", "recall_lot", "recall_consignee", "recall_line", "recall_containment", "recall_return",
    "recall_signature", "recall_check", "work_calendar", "recall_signing_digest",
})

__all__ = [
    "DATABASE_ONLY_TABLES",
    "GMP_TABLES",
    "Base",
    "CompanyProfile",
    "Deviation",
    "GenealogyEdge",
    "Lot",
    "Movement",
    "Party",
    "Product",
    "QcResult",
    "SerialUnit",
]
