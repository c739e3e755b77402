"""recalls: freeze a hub lot's scope set-based (one pass per table), not by correlated look-ups per lot

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

bench/recall.py, DESIGN §7: a drill on the hub component lot of the reference set (149,863 lots in
scope, 5,000 consignees, 166,696 lines) spent 21.6 s inside mt_open_recall. EXPLAIN (ANALYZE, BUFFERS)
of its statements showed where:

- the containment insert read the stock_on_hand view whole (a GROUP BY over every movement and
  genealogy edge, ~5 M rows, ~10 s): a semi-join on the scope cannot be pushed into the view's
  aggregate, so no index on movement(lot_id) was used;
- the lot balance ran three correlated sub-queries per lot in scope (the movement flows, the view
  again per lot, the consumption), ~5 M buffer hits for 150 k lots;
- once a first hub case was committed and recall_lot analysed, a new case's lots were estimated at
  one row, and the consignee tiers' recursive step became a nested loop of the materialised movements
  against the work table: quadratic, the second drill on the hub did not finish in 15 minutes.

Both now read the movements and genealogy edges of the lots in scope once, through the existing
indexes (ix_movement_lot_id_flow, index-only; ix_genealogy_edge_component_lot_id), and aggregate them
with the same formulas, and the tier step looks up each party's next shipments by index: what is
frozen is unchanged. Only those three statements of mt_open_recall
change; the rest of the function is 0007's text.
"""
from collections.abc import Sequence

from alembic import op
from app.db.migrations import earlier_function

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _function_0007() -> str:
    """mt_open_recall as migration 0007 created it (the downgrade restores it; the upgrade edits it)."""
    return earlier_function("0007_recalls.py", "mt_open_recall")


LOT_BALANCE_0007 = """  INSERT INTO recall_lot (recall_id, lot_id, relation, status_before, made, on_hand, shipped, returned, consumed,
                          scrapped, produced)
  SELECT new_id, w.lot_id, w.relation, l.status, l.quantity,
         coalesce((SELECT sum(s.quantity) FROM stock_on_hand s JOIN party p ON p.id = s.party_id
                    WHERE s.lot_id = w.lot_id AND p.kind = 'manufacturer'), 0),
         coalesce(f.shipped, 0), coalesce(f.returned, 0),
         coalesce((SELECT sum(e.quantity) FROM genealogy_edge e JOIN party p ON p.id = e.site_id
                    WHERE e.component_lot_id = w.lot_id AND p.kind = 'manufacturer'), 0),
         coalesce(f.scrapped, 0), coalesce(f.produced, 0)
    FROM mt_recall_walk(p_lots) w
    JOIN lot l ON l.id = w.lot_id
    LEFT JOIN LATERAL (
         SELECT sum(m.quantity) FILTER (WHERE m.kind IN ('ship', 'install') AND fp.kind = 'manufacturer'
                                          AND coalesce(tp.kind, '') <> 'manufacturer') AS shipped,
                sum(m.quantity) FILTER (WHERE m.kind = 'return' AND tp.kind = 'manufacturer'
                                          AND fp.kind <> 'manufacturer') AS returned,
                sum(m.quantity) FILTER (WHERE m.kind = 'scrap' AND fp.kind = 'manufacturer') AS scrapped,
                sum(m.quantity) FILTER (WHERE m.kind = 'produce') AS produced
           FROM movement m
           LEFT JOIN party fp ON fp.id = m.from_party_id
           LEFT JOIN party tp ON tp.id = m.to_party_id
          WHERE m.lot_id = w.lot_id) f ON true;
"""

# on_hand at our sites is the stock_on_hand formula summed over our sites: received there (any kind),
# minus sent from there (except `receive`), minus consumed there by genealogy.
LOT_BALANCE = """  WITH scope AS MATERIALIZED (SELECT w.lot_id, w.relation FROM mt_recall_walk(p_lots) w),
  flows AS (
      SELECT m.lot_id,
             sum(m.quantity) FILTER (WHERE m.kind IN ('ship', 'install') AND fp.kind = 'manufacturer'
                                       AND coalesce(tp.kind, '') <> 'manufacturer') AS shipped,
             sum(m.quantity) FILTER (WHERE m.kind = 'return' AND tp.kind = 'manufacturer'
                                       AND fp.kind <> 'manufacturer') AS returned,
             sum(m.quantity) FILTER (WHERE m.kind = 'scrap' AND fp.kind = 'manufacturer') AS scrapped,
             sum(m.quantity) FILTER (WHERE m.kind = 'produce') AS produced,
             sum(m.quantity) FILTER (WHERE tp.kind = 'manufacturer') AS in_at_sites,
             sum(m.quantity) FILTER (WHERE fp.kind = 'manufacturer' AND m.kind <> 'receive') AS out_of_sites
        FROM scope s
        JOIN movement m ON m.lot_id = s.lot_id
        LEFT JOIN party fp ON fp.id = m.from_party_id
        LEFT JOIN party tp ON tp.id = m.to_party_id
       GROUP BY m.lot_id
  ),
  used AS (
      SELECT e.component_lot_id AS lot_id, sum(e.quantity) AS consumed
        FROM scope s
        JOIN genealogy_edge e ON e.component_lot_id = s.lot_id
        JOIN party p ON p.id = e.site_id AND p.kind = 'manufacturer'
       GROUP BY e.component_lot_id
  )
  INSERT INTO recall_lot (recall_id, lot_id, relation, status_before, made, on_hand, shipped, returned, consumed,
                          scrapped, produced)
  SELECT new_id, s.lot_id, s.relation, l.status, l.quantity,
         coalesce(f.in_at_sites, 0) - coalesce(f.out_of_sites, 0) - coalesce(u.consumed, 0),
         coalesce(f.shipped, 0), coalesce(f.returned, 0), coalesce(u.consumed, 0),
         coalesce(f.scrapped, 0), coalesce(f.produced, 0)
    FROM scope s
    JOIN lot l ON l.id = s.lot_id
    LEFT JOIN flows f ON f.lot_id = s.lot_id
    LEFT JOIN used u ON u.lot_id = s.lot_id;
"""

CONTAINMENT_0007 = """  INSERT INTO recall_containment (recall_id, lot_id, site_id, quantity)
  SELECT new_id, s.lot_id, s.party_id, s.quantity
    FROM stock_on_hand s JOIN party p ON p.id = s.party_id AND p.kind = 'manufacturer'
   WHERE s.lot_id IN (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id) AND s.quantity > 0;
"""

# The stock_on_hand view's deltas (0001), restricted to the lots in scope before they are summed.
CONTAINMENT = """  INSERT INTO recall_containment (recall_id, lot_id, site_id, quantity)
  WITH scope AS MATERIALIZED (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id),
  deltas AS (
      SELECT m.lot_id, m.to_party_id AS party_id, m.quantity AS delta
        FROM scope s JOIN movement m ON m.lot_id = s.lot_id WHERE m.to_party_id IS NOT NULL
      UNION ALL
      SELECT m.lot_id, m.from_party_id, -m.quantity
        FROM scope s JOIN movement m ON m.lot_id = s.lot_id WHERE m.from_party_id IS NOT NULL AND m.kind <> 'receive'
      UNION ALL
      SELECT e.component_lot_id, e.site_id, -e.quantity
        FROM scope s JOIN genealogy_edge e ON e.component_lot_id = s.lot_id
  )
  SELECT new_id, d.lot_id, d.party_id, sum(d.delta)::bigint
    FROM deltas d JOIN party p ON p.id = d.party_id AND p.kind = 'manufacturer'
   GROUP BY d.lot_id, d.party_id
  HAVING sum(d.delta)::bigint > 0;
"""


REACH_STEP_0007 = """      SELECT r.lot_id, m.to_party_id, r.tier + 1
        FROM reach r JOIN mv m ON m.lot_id = r.lot_id AND m.from_party_id = r.party_id
       WHERE m.kind = 'ship' AND m.to_party_id <> ALL (ours) AND r.tier < 10
"""

# Each tier's next shipments by index (lateral, as mt_recall_walk does): reach only holds lots in scope,
# so reading movement here is reading mv. Joined to the materialised mv instead, the step was planned
# as a nested loop over both scans whenever recall_lot's statistics put a new case at one row: from the
# second hub drill on, the statement did not finish in 15 minutes.
REACH_STEP = """      SELECT r.lot_id, m.to_party_id, r.tier + 1
        FROM reach r CROSS JOIN LATERAL (
             SELECT n.to_party_id FROM movement n
              WHERE n.lot_id = r.lot_id AND n.from_party_id = r.party_id AND n.kind = 'ship'
                AND n.to_party_id <> ALL (ours) OFFSET 0) m
       WHERE r.tier < 10
"""


def _function_0009() -> str:
    function = _function_0007()
    for old, new in ((LOT_BALANCE_0007, LOT_BALANCE), (CONTAINMENT_0007, CONTAINMENT),
                     (REACH_STEP_0007, REACH_STEP)):
        assert function.count(old) == 1, "0007's mt_open_recall is not the text this migration edits"
        function = function.replace(old, new)
    return function


def upgrade() -> None:
    # CREATE OR REPLACE keeps the owner, the grants (regulatory, qa_approver) and the revoked PUBLIC execute.
    op.execute(_function_0009())


def downgrade() -> None:
    op.execute(_function_0007())
