"""expiry: the daily job reads the stock of the lots inside an alert window only, not every lot's stock

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

bench/expiry.py, DESIGN §7: `expiry run` on the 1 M-lot reference set took 23 s with nothing to do and
43 s on a first run (budget 30 s). Its alert step summed the stock_on_hand view whole (every movement and
genealogy edge, ~6 M rows) to find the lots with stock at our sites, although only the lots that expire
within their product's largest threshold can raise or supersede an alert (a lot further out gets no
threshold, and the statement did nothing with it).

The step now starts from the lots expiring between the day and the largest threshold of any product (a
variable, so the expiry-date index is used), reads each one's stock through the view per lot (`OFFSET 0`
keeps the planner from flattening it into the whole-view aggregate again), and looks up the owner only of
alerts not raised yet. The alerts raised, superseded and closed are the same (the unique constraint still
guards the insert); the rest of the function is 0006's text.
"""
from collections.abc import Sequence

from alembic import op
from app.db.migrations import earlier_function

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _function_0006() -> str:
    """mt_expiry_run_as_of as migration 0006 created it (the downgrade restores it; the upgrade edits it)."""
    return earlier_function("0006_expiry.py", "mt_expiry_run_as_of")


STOCK_0006 = """  WITH stock AS (
    SELECT s.lot_id, s.party_id, s.quantity, l.expiry_date, l.product_id,
           coalesce(p.alert_days, '{180,90,30,7}') AS alert_days
      FROM stock_on_hand s
      JOIN party pa ON pa.id = s.party_id AND pa.kind = 'manufacturer'
      JOIN lot l ON l.id = s.lot_id
      JOIN product p ON p.id = l.product_id
     WHERE s.quantity > 0 AND l.expiry_date >= p_as_of AND l.status NOT IN ('rejected', 'recalled')),
"""

STOCK = """  SELECT p_as_of + coalesce(max(d), 0) INTO horizon
    FROM product, unnest(coalesce(product.alert_days, '{180,90,30,7}')) d;
  WITH stock AS (
    SELECT l.id AS lot_id, s.party_id, s.quantity, l.expiry_date, l.product_id,
           coalesce(p.alert_days, '{180,90,30,7}') AS alert_days
      FROM lot l
      JOIN product p ON p.id = l.product_id
      CROSS JOIN LATERAL (SELECT v.party_id, v.quantity FROM stock_on_hand v
                           WHERE v.lot_id = l.id AND v.quantity > 0 OFFSET 0) s
      JOIN party pa ON pa.id = s.party_id AND pa.kind = 'manufacturer'
     WHERE l.expiry_date BETWEEN p_as_of AND horizon AND l.status NOT IN ('rejected', 'recalled')),
"""

DECLARE_0006 = """  policy expiry_policy%ROWTYPE;
BEGIN
"""
DECLARE = """  policy expiry_policy%ROWTYPE;
  horizon date;  -- the last expiry date any product's largest threshold reaches
BEGIN
"""

# The owner is looked up (a SECURITY DEFINER call per row, ~0.1 ms) only for alerts not raised yet: on a day
# with nothing new the statement had called it for every lot inside a threshold, 13 s for 114 k lots.
RAISE_0006 = """    SELECT lot_id, party_id, threshold, mt_expiry_owner(product_id, party_id) FROM due WHERE threshold IS NOT NULL
"""
RAISE = """    SELECT lot_id, party_id, threshold, mt_expiry_owner(product_id, party_id) FROM due
     WHERE threshold IS NOT NULL AND NOT EXISTS (
           SELECT FROM expiry_alert x
            WHERE x.lot_id = due.lot_id AND x.party_id = due.party_id AND x.threshold_days = due.threshold)
"""


def _function_0011() -> str:
    function = _function_0006()
    for old, new in ((DECLARE_0006, DECLARE), (STOCK_0006, STOCK), (RAISE_0006, RAISE)):
        assert function.count(old) == 1, f"0006's text is not what this migration expects: {old[:40]!r}"
        function = function.replace(old, new)
    return function


def upgrade() -> None:
    # CREATE OR REPLACE keeps the owner, the grants and the revoked PUBLIC execute of 0006.
    op.execute(_function_0011())


def downgrade() -> None:
    op.execute(_function_0006())
