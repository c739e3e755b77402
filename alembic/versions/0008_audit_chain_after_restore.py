"""audit chain: a restored cluster reuses transaction ids; chain only this transaction's own entries

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

A restore (`medtrace restore`, pg_restore into a fresh cluster) starts a new transaction-id counter,
so pg_current_xact_id() can equal the `txid` of entries written on the original server. The chain
builder of 0003 selected "every entry of this transaction" by txid alone and so tried to chain those
old entries again (refused by uq_audit_chain_entry_id: the restored database could write nothing
audited). The entries of this transaction are the deferred trigger's own row and the ones after it:
the first firing of a transaction is its lowest entry, and every older entry has a lower id.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = r"""
CREATE OR REPLACE FUNCTION mt_audit_chain() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  upto bigint := coalesce(nullif(current_setting('medtrace.audit_chained_upto', true), '')::bigint, 0);
  head_position bigint;
  head_hash bytea;
  e audit_entry;
BEGIN
  IF NEW.id <= upto THEN
    RETURN NULL;
  END IF;
  SELECT position, hash INTO head_position, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
  FOR e IN SELECT * FROM audit_entry WHERE txid = pg_current_xact_id() AND id >= %(floor)s ORDER BY id LOOP
    head_position := head_position + 1;
    head_hash := sha256(head_hash || convert_to(mt_audit_canonical(e), 'UTF8'));
    INSERT INTO audit_chain (position, entry_id, hash) VALUES (head_position, e.id, head_hash);
    upto := e.id;
  END LOOP;
  UPDATE audit_head SET position = head_position, hash = head_hash WHERE id = 1;
  PERFORM set_config('medtrace.audit_chained_upto', upto::text, true);
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.execute(FUNCTION.replace("%(floor)s", "greatest(upto + 1, NEW.id)"))


def downgrade() -> None:
    op.execute(FUNCTION.replace("%(floor)s", "upto + 1"))
