"""lot release: computed checklist, two-person electronic signatures, guarded status transitions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

21 CFR 11.50, 11.70, 11.200; EU GMP Annex 11 §14; ISO 13485 7.5.8/8.2.6 (DESIGN §3, §4).

- A signature row carries signer, printed name, meaning, server time, the SHA-256 digest of the
  canonical content of the lot version signed (mt_lot_canonical) and an Ed25519 signature by the
  signer's personal key (made on the workstation; the private key never reaches the database).
- mt_sign_lot() is the only way to sign. It checks, in the database: a verified session, the signer's
  own active key, the group role at signing time, the digest against the lot as it is now, the
  computed checklist, two different people neither of whom created the lot, at most one signature
  per person per release cycle, a reason where the meaning needs one.
- A trigger on lot refuses any status change that the signatures do not justify — whoever makes it,
  a superuser's raw UPDATE included (short of disabling triggers).

Team rules for migrations:
- Every migration has a working downgrade; `make test` runs upgrade → downgrade base → upgrade.
- Objects are owned by medtrace_owner (NOLOGIN); SECURITY DEFINER functions pin search_path and
  REVOKE EXECUTE FROM PUBLIC.
- New GMP tables get the change-broadcast trigger, the audit trigger and the RLS policy.
- Never edit a migration that has landed on main: write a new one.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse", "auditor", "admin")
NEW_TABLES = ("label_verification", "audit_review", "lot_signature")

TABLES = r"""
CREATE TABLE label_verification (
    id bigserial CONSTRAINT pk_label_verification PRIMARY KEY,
    lot_id bigint NOT NULL CONSTRAINT fk_label_verification_lot_id_lot REFERENCES lot (id),
    raw_scan text NOT NULL,
    matched boolean NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}',
    verified_by name NOT NULL DEFAULT session_user,
    verified_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_label_verification_lot_id ON label_verification (lot_id, id);

CREATE TABLE audit_review (
    id bigserial CONSTRAINT pk_audit_review PRIMARY KEY,
    lot_id bigint NOT NULL CONSTRAINT fk_audit_review_lot_id_lot REFERENCES lot (id),
    up_to_entry_id bigint NOT NULL,
    reviewed_by name NOT NULL DEFAULT session_user,
    reviewed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_audit_review_lot_id ON audit_review (lot_id, id);

CREATE TABLE lot_signature (
    id bigserial CONSTRAINT pk_lot_signature PRIMARY KEY,
    lot_id bigint NOT NULL CONSTRAINT fk_lot_signature_lot_id_lot REFERENCES lot (id),
    cycle integer NOT NULL,
    meaning text NOT NULL CONSTRAINT ck_lot_signature_meaning
        CHECK (meaning IN ('reviewed', 'approved', 'rejected', 'on_hold', 'hold_lifted')),
    signer name NOT NULL DEFAULT session_user,
    printed_name text NOT NULL,
    signer_roles text[] NOT NULL,
    signed_at timestamptz NOT NULL DEFAULT now(),
    content_digest bytea NOT NULL CONSTRAINT ck_lot_signature_digest CHECK (octet_length(content_digest) = 32),
    signing_key_id bigint NOT NULL CONSTRAINT fk_lot_signature_signing_key_id_signing_key REFERENCES signing_key (id),
    signature bytea NOT NULL CONSTRAINT ck_lot_signature_signature CHECK (octet_length(signature) = 64),
    reason text
);
CREATE INDEX ix_lot_signature_lot_id ON lot_signature (lot_id, cycle, id);
-- At most one review/approval signature per person per release cycle.
CREATE UNIQUE INDEX uq_lot_signature_one_per_person ON lot_signature (lot_id, cycle, signer)
    WHERE meaning IN ('reviewed', 'approved');
CREATE INDEX ix_audit_entry_lot_ref ON audit_entry (((coalesce(new_values, old_values) ->> 'lot_id')), id)
    WHERE table_name IN ('qc_result', 'deviation');
"""

FUNCTIONS = r"""
-- What a signature covers: the lot's identity and data, its product's identity, its QC results and
-- deviations — deterministic JSONB text. Status and release cycle are not part of it: signing changes
-- them (a hold starts a new cycle), and the cycle is bound by the signed message itself
-- (app/security/signing.py), so earlier signatures stay valid while the data is unchanged.
CREATE FUNCTION mt_lot_canonical(p_lot bigint) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT jsonb_build_object(
    'lot', jsonb_build_object('id', l.id, 'lot_no', l.lot_no, 'production_date', l.production_date,
                              'expiry_date', l.expiry_date, 'quantity', l.quantity,
                              'created_by', l.created_by),
    'product', jsonb_build_object('agency', p.agency, 'di', p.di, 'name', p.name, 'model', p.model,
                                  'registration_no', p.registration_no),
    'qc_results', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'id', q.id, 'test', q.test_name, 'specification', q.specification, 'result', q.result,
                      'passed', q.passed, 'tested_on', q.tested_on) ORDER BY q.id), '[]'::jsonb)
                   FROM qc_result q WHERE q.lot_id = l.id),
    'deviations', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'id', d.id, 'number', d.number, 'title', d.title, 'status', d.status,
                      'closed_on', d.closed_on) ORDER BY d.id), '[]'::jsonb)
                   FROM deviation d WHERE d.lot_id = l.id))::text
  FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = p_lot
$$;

CREATE FUNCTION mt_lot_digest(p_lot bigint) RETURNS bytea
LANGUAGE sql STABLE SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT sha256(convert_to(mt_lot_canonical(p_lot), 'UTF8'))
$$;

-- The newest audit entry that changed the lot or its QC results or deviations.
CREATE FUNCTION mt_lot_last_change(p_lot bigint) RETURNS bigint
LANGUAGE sql STABLE SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT greatest(
    (SELECT max(id) FROM audit_entry WHERE table_name = 'lot' AND record_id = p_lot::text
        AND (action <> 'UPDATE' OR (old_values - 'status' - 'release_cycle') IS DISTINCT FROM
                                   (new_values - 'status' - 'release_cycle'))),
    (SELECT max(id) FROM audit_entry WHERE table_name IN ('qc_result', 'deviation')
        AND (coalesce(new_values, old_values) ->> 'lot_id') = p_lot::text))
$$;

-- The release checklist, computed (never ticked by hand). Each item says why it is not met.
CREATE FUNCTION mt_lot_checklist(p_lot bigint)
RETURNS TABLE (item text, ok boolean, detail text)
LANGUAGE plpgsql STABLE SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  n_qc integer;
  n_failed integer;
  failed_names text;
  n_open integer;
  open_numbers text;
  last_change bigint := coalesce(mt_lot_last_change(p_lot), 0);
  label label_verification%ROWTYPE;
  review audit_review%ROWTYPE;
BEGIN
  SELECT count(*), count(*) FILTER (WHERE NOT passed),
         string_agg(test_name, ', ' ORDER BY id) FILTER (WHERE NOT passed)
    INTO n_qc, n_failed, failed_names FROM qc_result WHERE lot_id = p_lot;
  item := 'qc_results';
  ok := n_qc > 0 AND n_failed = 0;
  detail := CASE WHEN n_qc = 0 THEN 'No QC results are recorded for this lot.'
                 WHEN n_failed > 0 THEN format('%s of %s QC results are out of specification: %s.', n_failed, n_qc,
                                               failed_names)
                 ELSE format('%s QC results, all within specification.', n_qc) END;
  RETURN NEXT;

  SELECT count(*), string_agg(number, ', ' ORDER BY id) INTO n_open, open_numbers
    FROM deviation WHERE lot_id = p_lot AND status <> 'closed';
  item := 'deviations';
  ok := n_open = 0;
  detail := CASE WHEN n_open = 0 THEN 'No open deviations.'
                 ELSE format('%s open deviation(s): %s.', n_open, open_numbers) END;
  RETURN NEXT;

  SELECT * INTO label FROM label_verification WHERE lot_id = p_lot ORDER BY id DESC LIMIT 1;
  item := 'label_verified';
  ok := FOUND AND label.matched AND NOT EXISTS (
          SELECT FROM audit_entry a WHERE a.table_name = 'lot' AND a.record_id = p_lot::text
             AND a.at > label.verified_at AND a.action = 'UPDATE'
             AND (a.old_values - 'status' - 'release_cycle') IS DISTINCT FROM (a.new_values - 'status' - 'release_cycle'));
  detail := CASE WHEN label.id IS NULL THEN 'The printed label has not been scanned and checked against the lot.'
                 WHEN NOT label.matched THEN 'The last label scan did not match the lot master data.'
                 WHEN NOT ok THEN 'The lot changed after its label was verified; scan the label again.'
                 ELSE format('Label verified by %s on %s.', label.verified_by,
                             to_char(label.verified_at, 'YYYY-MM-DD HH24:MI TZ')) END;
  RETURN NEXT;

  SELECT * INTO review FROM audit_review WHERE lot_id = p_lot ORDER BY id DESC LIMIT 1;
  item := 'audit_trail_reviewed';
  ok := FOUND AND review.up_to_entry_id >= last_change;
  detail := CASE WHEN review.id IS NULL THEN 'The lot''s audit trail has not been reviewed.'
                 WHEN NOT ok THEN 'The lot changed after its audit trail was reviewed; review it again.'
                 ELSE format('Audit trail reviewed by %s on %s.', review.reviewed_by,
                             to_char(review.reviewed_at, 'YYYY-MM-DD HH24:MI TZ')) END;
  RETURN NEXT;
END $$;

CREATE FUNCTION mt_checklist_complete(p_lot bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT bool_and(ok) FROM mt_lot_checklist(p_lot)
$$;

CREATE FUNCTION mt_record_label_verification(p_lot bigint, p_raw_scan text, p_matched boolean, p_detail jsonb)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  l lot%ROWTYPE;
  new_id bigint;
  matched boolean := p_matched;
BEGIN
  PERFORM mt_require_verified();
  SELECT * INTO l FROM lot WHERE id = p_lot;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such lot.';
  END IF;
  -- The workstation parsed the scan; the database at least insists that the lot number is in it.
  IF matched AND position(l.lot_no IN p_raw_scan) = 0 THEN
    matched := false;
  END IF;
  INSERT INTO label_verification (lot_id, raw_scan, matched, detail) VALUES (p_lot, p_raw_scan, matched, p_detail)
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;

CREATE FUNCTION mt_mark_audit_reviewed(p_lot bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  PERFORM mt_require_verified();
  IF NOT (pg_has_role(session_user, 'qa_reviewer', 'MEMBER') OR pg_has_role(session_user, 'qa_approver', 'MEMBER')) THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only QA reviewers and approvers review audit trails.';
  END IF;
  INSERT INTO audit_review (lot_id, up_to_entry_id) VALUES (p_lot, coalesce(mt_lot_last_change(p_lot), 0))
  RETURNING id INTO new_id;
  RETURN new_id;
END $$;

-- The only way to sign a lot (21 CFR 11.50, 11.70, 11.200).
CREATE FUNCTION mt_sign_lot(p_lot bigint, p_meaning text, p_digest bytea, p_signature bytea, p_key_id bigint,
                            p_reason text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  me_id bigint := mt_require_verified();
  me person%ROWTYPE;
  l lot%ROWTYPE;
  roles text[];
  reviewer name;
  new_status text;
  new_id bigint;
  reason text := mt_clean_reason(p_reason);
BEGIN
  SELECT * INTO me FROM person WHERE id = me_id;
  SELECT * INTO l FROM lot WHERE id = p_lot FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such lot.';
  END IF;
  IF NOT EXISTS (SELECT FROM signing_key WHERE id = p_key_id AND person_id = me_id AND retired_at IS NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG01', MESSAGE = 'The signature was not made with your current signing key.';
  END IF;
  IF p_digest IS DISTINCT FROM mt_lot_digest(p_lot) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG02',
      MESSAGE = format('Lot %s changed while you were signing.', l.lot_no),
      HINT = 'Review the lot again, then sign.';
  END IF;
  roles := ARRAY(SELECT g FROM unnest(ARRAY['qa_reviewer', 'qa_approver']) g
                 WHERE pg_has_role(session_user, g, 'MEMBER'));

  IF p_meaning = 'reviewed' THEN
    IF NOT 'qa_reviewer' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA reviewer can sign the review.';
    END IF;
    IF l.status <> 'quarantine' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s, not awaiting review.', l.lot_no, l.status);
    END IF;
    new_status := 'under_review';
  ELSIF p_meaning = 'approved' THEN
    IF NOT 'qa_approver' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA approver can approve a release.';
    END IF;
    IF l.status <> 'under_review' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s, not awaiting approval.', l.lot_no, l.status);
    END IF;
    SELECT signer INTO reviewer FROM lot_signature
     WHERE lot_id = p_lot AND cycle = l.release_cycle AND meaning = 'reviewed' ORDER BY id DESC LIMIT 1;
    IF reviewer = session_user THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG05',
        MESSAGE = format('Lot %s cannot be approved by the person who reviewed it.', l.lot_no),
        HINT = 'Two-person verification: a different QA approver must approve.';
    END IF;
    new_status := 'released';
  ELSIF p_meaning = 'rejected' THEN
    IF cardinality(roles) = 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only QA reviewers and approvers can reject a lot.';
    END IF;
    IF l.status NOT IN ('quarantine', 'under_review', 'on_hold') THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s and cannot be rejected.', l.lot_no, l.status);
    END IF;
    new_status := 'rejected';
  ELSIF p_meaning = 'on_hold' THEN
    IF NOT 'qa_approver' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA approver can place a lot on hold.';
    END IF;
    IF l.status NOT IN ('quarantine', 'under_review', 'released') THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s and cannot be put on hold.', l.lot_no, l.status);
    END IF;
    new_status := 'on_hold';
  ELSIF p_meaning = 'hold_lifted' THEN
    IF NOT 'qa_approver' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA approver can lift a hold.';
    END IF;
    IF l.status <> 'on_hold' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is not on hold.', l.lot_no);
    END IF;
    new_status := 'quarantine';  -- back to the start: a new two-person cycle
  ELSE
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('Unknown meaning of signature “%s”.', p_meaning);
  END IF;

  IF p_meaning IN ('reviewed', 'approved') THEN
    IF l.created_by = session_user THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG05',
        MESSAGE = format('Lot %s cannot be signed for release by the person who created it.', l.lot_no);
    END IF;
    IF NOT mt_checklist_complete(p_lot) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG06',
        MESSAGE = format('The release checklist of lot %s is not complete.', l.lot_no),
        HINT = (SELECT string_agg(detail, ' ') FROM mt_lot_checklist(p_lot) WHERE NOT ok);
    END IF;
  ELSIF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for this decision.';
  END IF;

  INSERT INTO lot_signature (lot_id, cycle, meaning, printed_name, signer_roles, content_digest, signing_key_id,
                             signature, reason)
  VALUES (p_lot, l.release_cycle, p_meaning, me.printed_name, roles, p_digest, p_key_id, p_signature, reason)
  RETURNING id INTO new_id;

  PERFORM set_config('medtrace.reason', format('Signed “%s” by %s (signature %s)%s', p_meaning, me.printed_name,
                                              new_id, coalesce(': ' || reason, '')), true);
  PERFORM set_config('medtrace.transition', 'signed', true);
  UPDATE lot SET status = new_status,
                 release_cycle = release_cycle + CASE WHEN p_meaning = 'on_hold' THEN 1 ELSE 0 END
   WHERE id = p_lot;
  PERFORM set_config('medtrace.transition', '', true);
  RETURN new_id;
END $$;

-- No path around the signatures: whoever changes a lot's status, the change must be justified.
CREATE FUNCTION mt_guard_lot_status() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  review lot_signature%ROWTYPE;
  approval lot_signature%ROWTYPE;
  digest bytea;
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- A new lot starts in quarantine. Only a superuser migrating historical records may insert
    -- another status (the audit trail names them).
    IF (NEW.status <> 'quarantine' OR NEW.release_cycle <> 1)
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG07', MESSAGE = 'A new lot starts in quarantine.';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.release_cycle = OLD.release_cycle THEN
    RETURN NEW;
  END IF;
  IF NEW.release_cycle < OLD.release_cycle OR NEW.release_cycle > OLD.release_cycle + 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG07', MESSAGE = 'The release cycle of a lot only moves forward by one.';
  END IF;
  IF NEW.status IN ('under_review', 'released', 'rejected', 'on_hold') OR
     (OLD.status = 'on_hold' AND NEW.status = 'quarantine') THEN
    IF current_setting('medtrace.transition', true) IS DISTINCT FROM 'signed' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG07',
        MESSAGE = format('Lot %s cannot become %s without an electronic signature.', NEW.lot_no, NEW.status);
    END IF;
  END IF;
  IF NEW.status = 'released' THEN
    digest := mt_lot_digest(NEW.id);
    SELECT * INTO review FROM lot_signature WHERE lot_id = NEW.id AND cycle = NEW.release_cycle
       AND meaning = 'reviewed' ORDER BY id DESC LIMIT 1;
    SELECT * INTO approval FROM lot_signature WHERE lot_id = NEW.id AND cycle = NEW.release_cycle
       AND meaning = 'approved' ORDER BY id DESC LIMIT 1;
    IF review.id IS NULL OR approval.id IS NULL OR review.signer = approval.signer
       OR NEW.created_by IN (review.signer, approval.signer)
       OR NOT 'qa_reviewer' = ANY (review.signer_roles) OR NOT 'qa_approver' = ANY (approval.signer_roles)
       OR review.content_digest <> digest OR approval.content_digest <> digest
       OR NOT mt_checklist_complete(NEW.id) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG08',
        MESSAGE = format('Lot %s cannot be released: it needs a valid review and a valid approval signature by '
                         'two different people, neither its creator, and a complete checklist.', NEW.lot_no);
    END IF;
  END IF;
  RETURN NEW;
END $$;

-- ISO 13485 8.3.1: nonconforming or unreleased product does not leave our sites. A shipment (or an
-- installation) from one of our manufacturer sites needs a released lot, in date on the day it moves.
-- Movements between other parties (a distributor's sales reported to us) are records of what others
-- did and are not judged here. A superuser migrating historical records is exempt (and audited).
CREATE FUNCTION mt_guard_shipment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  l lot%ROWTYPE;
BEGIN
  IF NEW.kind NOT IN ('ship', 'install')
     OR NOT EXISTS (SELECT FROM party WHERE id = NEW.from_party_id AND kind = 'manufacturer')
     OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    RETURN NEW;
  END IF;
  SELECT * INTO l FROM lot WHERE id = NEW.lot_id FOR SHARE;  -- a recall cannot slip in meanwhile
  IF l.status <> 'released' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('Lot %s is %s and may not leave our site.', l.lot_no, replace(l.status, '_', ' ')),
      HINT = 'Only released lots are shipped or installed.';
  END IF;
  IF l.expiry_date < NEW.moved_on THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('Lot %s expired on %s and may not leave our site.', l.lot_no, l.expiry_date);
  END IF;
  RETURN NEW;
END $$;

CREATE FUNCTION mt_signature_is_final() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01', MESSAGE = 'Electronic signatures cannot be changed or removed.';
END $$;
"""


def upgrade() -> None:
    op.add_column("lot", sa.Column("release_cycle", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.execute(TABLES)
    op.execute(FUNCTIONS)
    statements = [
        "CREATE TRIGGER guard_status BEFORE INSERT OR UPDATE ON lot FOR EACH ROW EXECUTE FUNCTION mt_guard_lot_status()",
        "CREATE TRIGGER released_to_ship BEFORE INSERT OR UPDATE ON movement "
        "FOR EACH ROW EXECUTE FUNCTION mt_guard_shipment()",
        "CREATE TRIGGER signature_final BEFORE UPDATE OR DELETE ON lot_signature "
        "FOR EACH ROW EXECUTE FUNCTION mt_signature_is_final()",
        "CREATE TRIGGER signature_final_truncate BEFORE TRUNCATE ON lot_signature "
        "FOR EACH STATEMENT EXECUTE FUNCTION mt_signature_is_final()",
        f"GRANT SELECT ON {', '.join(NEW_TABLES)} TO {', '.join(GROUPS)}",
        "GRANT EXECUTE ON FUNCTION mt_lot_canonical(bigint), mt_lot_digest(bigint), mt_lot_last_change(bigint), "
        "mt_lot_checklist(bigint), mt_checklist_complete(bigint) TO medtrace_person",
        "GRANT EXECUTE ON FUNCTION mt_record_label_verification(bigint, text, boolean, jsonb) "
        "TO qa_reviewer, qa_approver, warehouse",
        "GRANT EXECUTE ON FUNCTION mt_mark_audit_reviewed(bigint) TO qa_reviewer, qa_approver",
        "GRANT EXECUTE ON FUNCTION mt_sign_lot(bigint, text, bytea, bytea, bigint, text) TO qa_reviewer, qa_approver",
    ]
    for table in NEW_TABLES:
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY mfa_verified ON {table} USING ((SELECT mt_session_verified())) "
            "WITH CHECK ((SELECT mt_session_verified()))",
            f"CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mt_audit_row()",
            f"CREATE TRIGGER records_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION notify_records_changed()",
        ]
    op.execute(";\n".join(statements) + ";")


def downgrade() -> None:
    op.execute("DROP TRIGGER guard_status ON lot")
    op.execute("DROP TRIGGER released_to_ship ON movement")
    op.execute("DROP TABLE lot_signature, audit_review, label_verification")
    op.execute("DROP INDEX ix_audit_entry_lot_ref")
    for signature in (
        "mt_sign_lot(bigint, text, bytea, bytea, bigint, text)", "mt_mark_audit_reviewed(bigint)",
        "mt_record_label_verification(bigint, text, boolean, jsonb)", "mt_checklist_complete(bigint)",
        "mt_lot_checklist(bigint)", "mt_lot_last_change(bigint)", "mt_lot_digest(bigint)",
        "mt_lot_canonical(bigint)", "mt_guard_lot_status()", "mt_signature_is_final()", "mt_guard_shipment()",
    ):
        op.execute(f"DROP FUNCTION {signature}")
    op.drop_column("lot", "release_cycle")
