"""audit trail: append-only, hash-chained, sealed; reason for change on controlled records

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

21 CFR 11.10(e), EU GMP Annex 11 §9, 医疗器械生产质量管理规范 第二十七条 (DESIGN §3).

- A row trigger on every GMP table (and on people, sign-in events and alerts, without secret columns)
  writes who (session_user), when (server clock), table, key, old and new values (JSONB), the reason
  for change (`SET LOCAL medtrace.reason`) and the workstation.
- audit_entry is INSERT-only for everyone: no grants to write, and triggers that raise on UPDATE,
  DELETE and TRUNCATE, for the owner too. Only a superuser who disables triggers can alter it, and
  `medtrace audit verify` then names the first bad entry.
- The SHA-256 chain is built once per transaction, at commit (a deferred constraint trigger that
  chains all of the transaction's entries in id order), against a head row updated once per
  transaction — so cost stays linear in the number of events, however large the transaction.
- Seals (Ed25519 over position and head hash, made with a key outside the database) are recorded in
  audit_seal; verification checks them against the public keys the verifying workstation trusts.

Team rules for migrations:
- Every migration has a working downgrade; `make test` runs upgrade → downgrade base → upgrade.
- Objects are owned by medtrace_owner (NOLOGIN); SECURITY DEFINER functions pin search_path and
  REVOKE EXECUTE FROM PUBLIC.
- New GMP tables get the change-broadcast trigger, the audit trigger and the RLS policy.
- Never edit a migration that has landed on main: write a new one.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse", "auditor", "admin")
GMP_TABLES = (
    "product", "party", "lot", "serial_unit", "qc_result", "deviation", "genealogy_edge", "movement",
)
# Controlled records: an edit or deletion needs a reason (Annex 11 §9; 第二十七条).
CONTROLLED_TABLES = ("product", "lot", "qc_result", "deviation", "movement", "genealogy_edge", "party")
# Identity tables are audited too, without the columns that hold secrets.
IDENTITY_AUDIT = {
    "person": ("totp_seed", "attempts_seq", "totp_last_counter", "attempts_mark"),
    "sign_in_event": (),
    "security_alert": (),
}

TABLES = r"""
CREATE TABLE audit_entry (
    id bigserial CONSTRAINT pk_audit_entry PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor name NOT NULL DEFAULT session_user,
    workstation text NOT NULL DEFAULT current_setting('application_name'),
    table_name text NOT NULL,
    record_id text NOT NULL,
    action text NOT NULL CONSTRAINT ck_audit_entry_action CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'EVENT')),
    old_values jsonb,
    new_values jsonb,
    reason text,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX ix_audit_entry_txid_id ON audit_entry (txid, id);
CREATE INDEX ix_audit_entry_table_name_record_id ON audit_entry (table_name, record_id, id);
CREATE INDEX ix_audit_entry_at ON audit_entry (at, id);
CREATE INDEX ix_audit_entry_actor ON audit_entry (actor, id);
COMMENT ON TABLE audit_entry IS 'Audit trail: insert-only; chained in audit_chain; sealed in audit_seal.';

CREATE TABLE audit_chain (
    position bigint CONSTRAINT pk_audit_chain PRIMARY KEY,
    entry_id bigint NOT NULL CONSTRAINT uq_audit_chain_entry_id UNIQUE,
    hash bytea NOT NULL
);

-- One row: the last chained position and hash (updated once per transaction, never per event).
CREATE TABLE audit_head (
    id integer CONSTRAINT pk_audit_head PRIMARY KEY CONSTRAINT ck_audit_head_single CHECK (id = 1),
    position bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO audit_head VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_seal (
    id bigserial CONSTRAINT pk_audit_seal PRIMARY KEY,
    position bigint NOT NULL,
    head_hash bytea NOT NULL,
    sealed_at timestamptz NOT NULL DEFAULT now(),
    sealed_by name NOT NULL DEFAULT session_user,
    occasion text NOT NULL CONSTRAINT ck_audit_seal_occasion CHECK (occasion IN ('daily', 'release', 'manual')),
    public_key bytea NOT NULL,
    signature bytea NOT NULL
);

REVOKE ALL ON audit_entry, audit_chain, audit_head, audit_seal FROM PUBLIC;
"""

FUNCTIONS = r"""
-- A reason is text with at least one visible character (a tab or a newline is not a reason).
CREATE FUNCTION mt_clean_reason(p_reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN p_reason ~ '[^[:space:]]' THEN btrim(p_reason, E' \t\r\n') END
$$;

-- The exact text each chain hash covers. Deterministic: UTC timestamps to the microsecond, JSONB in
-- its canonical text form, fields separated by the unit separator. Written so that PostgreSQL inlines
-- it (SQL, STABLE, no SET clause): verification computes it for every entry, and a function call per
-- row halves the rate. Every name is schema-qualified instead, so no search_path can redirect it.
CREATE FUNCTION mt_audit_canonical(e audit_entry) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.concat_ws(pg_catalog.chr(31),
    e.id::pg_catalog.text,
    pg_catalog.to_char(pg_catalog.timezone('UTC', e.at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor::pg_catalog.text, e.workstation, e.table_name, e.record_id, e.action,
    coalesce(e.old_values::pg_catalog.text, '-'), coalesce(e.new_values::pg_catalog.text, '-'),
    coalesce(e.reason, '-'), e.txid::pg_catalog.text)
$$;

-- Chains the entries of the current transaction at commit (deferred), in id order, after the head.
-- Later firings in the same transaction return at once (the GUC remembers how far it got), so
-- 20 000 events cost one pass, not 20 000.
CREATE FUNCTION mt_audit_chain() RETURNS trigger
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
  FOR e IN SELECT * FROM audit_entry WHERE txid = pg_current_xact_id() AND id > upto ORDER BY id LOOP
    head_position := head_position + 1;
    head_hash := sha256(head_hash || convert_to(mt_audit_canonical(e), 'UTF8'));
    INSERT INTO audit_chain (position, entry_id, hash) VALUES (head_position, e.id, head_hash);
    upto := e.id;
  END LOOP;
  UPDATE audit_head SET position = head_position, hash = head_hash WHERE id = 1;
  PERFORM set_config('medtrace.audit_chained_upto', upto::text, true);
  RETURN NULL;
END $$;

CREATE FUNCTION mt_audit_row() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  old_values jsonb;
  new_values jsonb;
  hidden text[] := coalesce(TG_ARGV, '{}');
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    old_values := to_jsonb(OLD) - hidden;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    new_values := to_jsonb(NEW) - hidden;
  END IF;
  INSERT INTO audit_entry (table_name, record_id, action, old_values, new_values, reason)
  VALUES (TG_TABLE_NAME, coalesce(new_values ->> 'id', old_values ->> 'id'), TG_OP, old_values, new_values,
          mt_clean_reason(current_setting('medtrace.reason', true)));
  RETURN NULL;
END $$;

-- Events that change no GMP row but belong in the trail (exports, verifications, seals).
CREATE FUNCTION mt_audit_event(p_kind text, p_record text, p_detail jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    PERFORM mt_require_verified();
  END IF;
  IF p_kind !~ '^[a-z_]{3,40}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'Unknown audit event kind.';
  END IF;
  INSERT INTO audit_entry (table_name, record_id, action, new_values, reason)
  VALUES (p_kind, coalesce(p_record, '-'), 'EVENT', p_detail, mt_clean_reason(current_setting('medtrace.reason', true)))
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;

-- 第二十七条 / Annex 11 §9: a change to a controlled record states its reason.
CREATE FUNCTION mt_require_reason() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  IF mt_clean_reason(current_setting('medtrace.reason', true)) IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01',
      MESSAGE = format('A reason for change is required to %s a %s record.', lower(TG_OP),
                       replace(TG_TABLE_NAME, '_', ' ')),
      HINT = 'State why the record is changed; the reason is kept in the audit trail.';
  END IF;
  RETURN coalesce(NEW, OLD);
END $$;

CREATE FUNCTION mt_audit_is_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01',
    MESSAGE = CASE WHEN TG_TABLE_NAME LIKE 'audit%'
                   THEN format('The audit trail cannot be changed (%s on %s refused).', TG_OP, TG_TABLE_NAME)
                   ELSE format('Records are never truncated (%s refused); correct them with new records.',
                               TG_TABLE_NAME) END;
END $$;

-- Record a seal made on a workstation (the database cannot check Ed25519; verify does, against the
-- public keys the verifier trusts). It must name the chain's real hash at that position.
CREATE FUNCTION mt_audit_add_seal(p_position bigint, p_head_hash bytea, p_occasion text, p_public_key bytea,
                                  p_signature bytea) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    PERFORM mt_require_verified();
  END IF;
  IF NOT EXISTS (SELECT FROM audit_chain WHERE position = p_position AND hash = p_head_hash) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = 'The seal does not match the audit trail at that position.';
  END IF;
  INSERT INTO audit_seal (position, head_hash, occasion, public_key, signature)
  VALUES (p_position, p_head_hash, p_occasion, p_public_key, p_signature) RETURNING id INTO new_id;
  RETURN new_id;
END $$;
"""


def _triggers() -> str:
    statements = []
    for table in GMP_TABLES:
        statements.append(
            f"CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mt_audit_row()"
        )
    for table, hidden in IDENTITY_AUDIT.items():
        args = ", ".join(f"'{column}'" for column in hidden)
        statements.append(
            f"CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION mt_audit_row({args})"
        )
    for table in CONTROLLED_TABLES:
        statements.append(
            f"CREATE TRIGGER reason_required BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mt_require_reason()"
        )
    # TRUNCATE fires no row trigger, so it would erase records without a trace: refused for everyone.
    for table in GMP_TABLES:
        statements.append(
            f"CREATE TRIGGER no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mt_audit_is_append_only()"
        )
    for table in ("audit_entry", "audit_chain", "audit_seal"):
        statements += [
            f"CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mt_audit_is_append_only()",
            f"CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mt_audit_is_append_only()",
        ]
    statements += [
        "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION mt_audit_is_append_only()",
        "CREATE CONSTRAINT TRIGGER chain AFTER INSERT ON audit_entry DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION mt_audit_chain()",
        "CREATE TRIGGER records_changed AFTER INSERT ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION notify_records_changed()",
    ]
    return ";\n".join(statements) + ";\n"


def _grants_and_policies() -> str:
    statements = [
        f"GRANT SELECT ON audit_entry, audit_seal TO {', '.join(GROUPS)}",
        # Hashes are not secret: anyone may verify the chain (entries themselves stay behind the gate).
        f"GRANT SELECT ON audit_chain, audit_head TO {', '.join(GROUPS)}",
        "GRANT EXECUTE ON FUNCTION mt_audit_event(text, text, jsonb) TO medtrace_person",
        "GRANT EXECUTE ON FUNCTION mt_audit_add_seal(bigint, bytea, text, bytea, bytea) TO admin, qa_approver",
        f"GRANT EXECUTE ON FUNCTION mt_audit_canonical(audit_entry) TO {', '.join(GROUPS)}",
        # Trigger functions run as their definer; the reason check runs as the person.
        "GRANT EXECUTE ON FUNCTION mt_require_reason() TO medtrace_person",
        "GRANT EXECUTE ON FUNCTION mt_clean_reason(text) TO medtrace_person",
    ]
    for table in ("audit_entry", "audit_seal"):
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY mfa_verified_read ON {table} FOR SELECT USING ((SELECT mt_session_verified()))",
            # Only the definer functions (running as the owner) write and chain; FORCE would otherwise
            # bind them to the reader's gate, and a superuser's own connection has no second factor.
            f"CREATE POLICY owner_writes ON {table} FOR INSERT TO medtrace_owner WITH CHECK (true)",
            f"CREATE POLICY owner_reads ON {table} FOR SELECT TO medtrace_owner USING (true)",
        ]
    return ";\n".join(statements) + ";\n"


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(FUNCTIONS)
    op.execute(_triggers())
    op.execute(_grants_and_policies())


def downgrade() -> None:
    for table in GMP_TABLES + tuple(IDENTITY_AUDIT):
        op.execute(f"DROP TRIGGER audit ON {table}")
    for table in CONTROLLED_TABLES:
        op.execute(f"DROP TRIGGER reason_required ON {table}")
    for table in GMP_TABLES:
        op.execute(f"DROP TRIGGER no_truncate ON {table}")
    op.execute("DROP FUNCTION mt_audit_canonical(audit_entry)")
    op.execute("DROP TABLE audit_seal, audit_chain, audit_head, audit_entry")
    for signature in (
        "mt_audit_chain()", "mt_audit_row()", "mt_audit_event(text, text, jsonb)", "mt_require_reason()",
        "mt_audit_is_append_only()", "mt_audit_add_seal(bigint, bytea, text, bytea, bytea)",
        "mt_clean_reason(text)",
    ):
        op.execute(f"DROP FUNCTION {signature}")
