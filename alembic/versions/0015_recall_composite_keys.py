"""recall lines and containment refer to the case's own scope lots: composite keys, not lot and case keys

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A recall line (a consignee's holding of a lot) and a containment row (a lot's stock at one of our sites)
are only ever about a lot in the case's frozen scope. Their foreign keys said less than that: `lot_id`
references `lot` (any lot) and, for containment, `recall_id` references `recall_case` separately. Both now
reference the scope row itself, `(recall_id, lot_id)` → `recall_lot`, which implies the other two
(recall_lot's own keys reference the case and the lot) and is stronger: a line for a lot outside the
case's scope is refused.

It is also cheaper where the budget is missed. Each foreign-key check locks the referenced row FOR KEY
SHARE; on the hub lot's drill the old keys locked ~300 k rows of the shared `lot` table (one per line and
per containment row, on top of recall_lot's own 150 k), the new ones lock the case's own freshly
inserted recall_lot rows. Measured on the 1 M-lot reference set (bench/RESULTS.md, Recalls):
mt_open_recall 12.1–14.8 s → 9.6–10.2 s.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE recall_line DROP CONSTRAINT recall_line_lot_id_fkey, "
               "ADD CONSTRAINT recall_line_scope_fkey FOREIGN KEY (recall_id, lot_id) "
               "REFERENCES recall_lot (recall_id, lot_id)")
    op.execute("ALTER TABLE recall_containment DROP CONSTRAINT recall_containment_lot_id_fkey, "
               "DROP CONSTRAINT recall_containment_recall_id_fkey, "
               "ADD CONSTRAINT recall_containment_scope_fkey FOREIGN KEY (recall_id, lot_id) "
               "REFERENCES recall_lot (recall_id, lot_id)")


def downgrade() -> None:
    op.execute("ALTER TABLE recall_line DROP CONSTRAINT recall_line_scope_fkey, "
               "ADD CONSTRAINT recall_line_lot_id_fkey FOREIGN KEY (lot_id) REFERENCES lot (id)")
    op.execute("ALTER TABLE recall_containment DROP CONSTRAINT recall_containment_scope_fkey, "
               "ADD CONSTRAINT recall_containment_lot_id_fkey FOREIGN KEY (lot_id) REFERENCES lot (id), "
               "ADD CONSTRAINT recall_containment_recall_id_fkey FOREIGN KEY (recall_id) REFERENCES recall_case (id)")
