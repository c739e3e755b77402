"""recalls: the signing ceremony builds a case's canonical content once, not twice

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

bench/recall.py, DESIGN §7: on the hub lot's drill (149,863 lots, 166,696 consignee lines) the canonical
content an e-signature covers (mt_recall_canonical) takes ~2 s, and the ceremony built it twice: once for
the signer's workstation to digest and sign, once more in mt_sign_recall to check that the digest is of
the content as it stands (21 CFR 11.70: a signature is linked to its record).

The check is kept; what changes is how the server knows the content as it stands. The workstation now
asks mt_recall_signing_content, which locks the case (every function that changes what the canonical
covers locks the case row first: mt_recall_worker, mt_sign_recall; a case being opened is seen by no
other transaction), builds the canonical and keeps its digest for this transaction in
recall_signing_digest, a table no login role may read or write. mt_sign_recall compares the signed
digest with that one when it is still valid, and rebuilds the canonical as before otherwise. A kept
digest is valid only in the transaction that computed it and only until that transaction writes any
table the canonical reads (a statement trigger on each removes it), and it never outlives the
transaction (a deferred trigger removes it before commit): after a restore, transaction ids repeat
(see 0008), so a committed digest could otherwise be found by an unrelated later transaction.
"""
from collections.abc import Sequence

from alembic import op
from app.db.migrations import earlier_function

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables mt_recall_canonical reads (0007).
CANONICAL_TABLES = ("recall_case", "recall_lot", "recall_consignee", "recall_line", "recall_containment")
SIGNERS = ("qa_approver", "regulatory")


def _sign_function_0007() -> str:
    """mt_sign_recall as migration 0007 created it (the downgrade restores it; the upgrade edits it)."""
    return earlier_function("0007_recalls.py", "mt_sign_recall")


DECLARE_0007 = """  new_id bigint;
BEGIN
  SELECT * INTO me FROM person WHERE id = me_id;"""
DECLARE = """  new_id bigint;
  content_digest bytea;
BEGIN
  SELECT * INTO me FROM person WHERE id = me_id;"""

CHECK_0007 = """  IF p_digest IS DISTINCT FROM sha256(convert_to(mt_recall_canonical(p_recall), 'UTF8')) THEN"""
# The case row is locked above (FOR UPDATE), as mt_recall_signing_content locked it before keeping the digest.
CHECK = """  SELECT d.digest INTO content_digest FROM recall_signing_digest d
   WHERE d.xact = txid_current() AND d.recall_id = p_recall AND d.started_at = now();
  IF content_digest IS NULL THEN
    content_digest := sha256(convert_to(mt_recall_canonical(p_recall), 'UTF8'));
  END IF;
  DELETE FROM recall_signing_digest WHERE xact = txid_current() AND recall_id = p_recall;
  IF p_digest IS DISTINCT FROM content_digest THEN"""


def _sign_function_0010() -> str:
    function = _sign_function_0007()
    for old, new in ((DECLARE_0007, DECLARE), (CHECK_0007, CHECK)):
        assert function.count(old) == 1, "0007's mt_sign_recall is not the text this migration edits"
        function = function.replace(old, new)
    return function


OBJECTS = r"""
-- The digest of a case's canonical content as the signing transaction computed it: written and read
-- only by the functions below (no grant to any login role), never committed.
CREATE TABLE recall_signing_digest (
    xact bigint NOT NULL,               -- txid_current() of the signing transaction
    recall_id bigint NOT NULL,
    started_at timestamptz NOT NULL,    -- now(): that transaction's start
    digest bytea NOT NULL,
    PRIMARY KEY (xact, recall_id)
);

-- The canonical content the signer's workstation digests and signs (mt_recall_canonical), its digest
-- kept for mt_sign_recall in this transaction. NULL when there is no such case.
CREATE FUNCTION mt_recall_signing_content(p_recall bigint) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  me bigint := mt_require_verified();
  canonical text;
BEGIN
  -- Locked until the end of the transaction: no other transaction changes the case meanwhile.
  PERFORM FROM recall_case WHERE id = p_recall FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  canonical := mt_recall_canonical(p_recall);
  INSERT INTO recall_signing_digest (xact, recall_id, started_at, digest)
  VALUES (txid_current(), p_recall, now(), sha256(convert_to(canonical, 'UTF8')))
  ON CONFLICT (xact, recall_id) DO UPDATE SET started_at = EXCLUDED.started_at, digest = EXCLUDED.digest;
  RETURN canonical;
END $$;

-- Any write, in this transaction, to a table the canonical reads: the kept digests are no longer the
-- content as it stands.
CREATE FUNCTION mt_recall_signing_digest_stale() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM recall_signing_digest WHERE xact = txid_current();
  RETURN NULL;
END $$;

-- At commit: a kept digest never outlives its transaction.
CREATE FUNCTION mt_recall_signing_digest_forget() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM recall_signing_digest WHERE xact = NEW.xact AND recall_id = NEW.recall_id;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER forget_at_commit AFTER INSERT ON recall_signing_digest DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION mt_recall_signing_digest_forget();
"""

NEW_FUNCTIONS = ("mt_recall_signing_content(bigint)", "mt_recall_signing_digest_stale()",
                 "mt_recall_signing_digest_forget()")


def upgrade() -> None:
    statements = [OBJECTS, "REVOKE ALL ON recall_signing_digest FROM PUBLIC"]
    statements += [f"REVOKE EXECUTE ON FUNCTION {s} FROM PUBLIC" for s in NEW_FUNCTIONS]
    statements.append(f"GRANT EXECUTE ON FUNCTION mt_recall_signing_content(bigint) TO {', '.join(SIGNERS)}")
    statements += [f"CREATE TRIGGER signing_digest_stale AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION mt_recall_signing_digest_stale()"
                   for table in CANONICAL_TABLES]
    # CREATE OR REPLACE keeps the owner, the grants (regulatory, qa_approver) and the revoked PUBLIC execute.
    statements.append(_sign_function_0010())
    op.execute(";\n".join(s.strip().rstrip(";") for s in statements) + ";")


def downgrade() -> None:
    op.execute(_sign_function_0007())
    for table in CANONICAL_TABLES:
        op.execute(f"DROP TRIGGER signing_digest_stale ON {table}")
    op.execute("DROP TABLE recall_signing_digest")
    for signature in NEW_FUNCTIONS:
        op.execute(f"DROP FUNCTION {signature}")
