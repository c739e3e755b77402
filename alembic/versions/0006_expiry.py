"""expiry management: expired by the server's date, customer minimum shelf life, alerts with owners

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-06

ISO 13485 7.5.11 (preservation of product), 医疗器械经营质量管理规范 (近效期预警, 不得销售过期医疗器械),
医疗器械监督管理条例 第五十五条 (no use or sale of expired devices); DESIGN §3, §4.

- A lot is expired from the day after its expiry date, judged by the SERVER's current_date: the ship
  guard refuses a ship/install of an expired lot from our sites whatever its stored status and whatever
  date the client claims; the daily job (mt_expiry_run) also sets the status `expired`, idempotently.
- A consignee may state the minimum remaining shelf life it accepts (days or % of the product's shelf
  life). A ship below it is refused unless an authorised person recorded an override with a reason in
  the same transaction (mt_authorise_shelf_life_override: a row in shelf_life_override bound to the
  transaction id, so no client setting can forge it). The override is audited.
- One alert per (lot, site, threshold) when stock at one of our sites crosses a product threshold;
  owner = product owner, else the site's owner; acknowledged once (the second workstation is told who
  was first); escalated to the QA manager when not acknowledged within N days; re-armed at the next
  threshold (the looser open alert is superseded); closed when the stock is gone.
"""
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse", "auditor", "admin")
ACKNOWLEDGERS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse")
NEW_TABLES = ("expiry_alert", "shelf_life_override", "expiry_policy")

TABLES = r"""
CREATE TABLE expiry_policy (
    id integer CONSTRAINT pk_expiry_policy PRIMARY KEY CONSTRAINT ck_expiry_policy_one_row CHECK (id = 1),
    escalate_after_days integer NOT NULL DEFAULT 3
        CONSTRAINT ck_expiry_policy_escalate CHECK (escalate_after_days BETWEEN 1 AND 90),
    qa_manager text,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by name NOT NULL DEFAULT session_user
);
INSERT INTO expiry_policy (id) VALUES (1);

CREATE TABLE expiry_alert (
    id bigserial CONSTRAINT pk_expiry_alert PRIMARY KEY,
    lot_id bigint NOT NULL CONSTRAINT fk_expiry_alert_lot_id_lot REFERENCES lot (id),
    party_id bigint NOT NULL CONSTRAINT fk_expiry_alert_party_id_party REFERENCES party (id),
    threshold_days integer NOT NULL CONSTRAINT ck_expiry_alert_threshold CHECK (threshold_days > 0),
    owner text,
    state text NOT NULL DEFAULT 'open'
        CONSTRAINT ck_expiry_alert_state CHECK (state IN ('open', 'escalated', 'acknowledged', 'closed')),
    raised_at timestamptz NOT NULL DEFAULT now(),
    escalated_at timestamptz,
    escalated_to text,
    acknowledged_by name,
    acknowledged_name text,
    acknowledged_at timestamptz,
    note text,
    disposition text CONSTRAINT ck_expiry_alert_disposition
        CHECK (disposition IN ('use_first', 'transfer', 'return_to_supplier', 'scrap', 'quarantine')),
    closed_at timestamptz,
    closed_because text,
    CONSTRAINT uq_expiry_alert_lot_site_threshold UNIQUE (lot_id, party_id, threshold_days)
);
CREATE INDEX ix_expiry_alert_open ON expiry_alert (state, lot_id) WHERE state IN ('open', 'escalated');

CREATE TABLE shelf_life_override (
    id bigserial CONSTRAINT pk_shelf_life_override PRIMARY KEY,
    lot_id bigint NOT NULL CONSTRAINT fk_shelf_life_override_lot_id_lot REFERENCES lot (id),
    party_id bigint NOT NULL CONSTRAINT fk_shelf_life_override_party_id_party REFERENCES party (id),
    reason text NOT NULL CONSTRAINT ck_shelf_life_override_reason CHECK (reason <> ''),
    days_left integer NOT NULL,
    days_required integer NOT NULL,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    authorised_by name NOT NULL DEFAULT session_user,
    authorised_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_shelf_life_override_txid ON shelf_life_override (txid, lot_id, party_id);
"""

FUNCTIONS = r"""
-- Remaining shelf life a consignee demands for a lot, in days (NULL: no demand).
CREATE FUNCTION mt_required_shelf_life(p_lot bigint, p_party bigint) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT greatest(pa.min_shelf_life_days,
                  ceil(pa.min_shelf_life_pct / 100.0 * p.shelf_life_days)::integer)
    FROM party pa, lot l JOIN product p ON p.id = l.product_id
   WHERE pa.id = p_party AND l.id = p_lot
$$;

-- Replaces 0004's guard: every check kept, expiry judged by the server's date, shelf life added.
CREATE OR REPLACE FUNCTION mt_guard_shipment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  l lot%ROWTYPE;
  today date := current_date;
  required integer;
  consignee text;
BEGIN
  IF NEW.kind NOT IN ('ship', 'install')
     OR NOT EXISTS (SELECT FROM party WHERE id = NEW.from_party_id AND kind = 'manufacturer')
     OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    RETURN NEW;
  END IF;
  SELECT * INTO l FROM lot WHERE id = NEW.lot_id FOR SHARE;  -- a recall cannot slip in meanwhile
  -- 医疗器械监督管理条例 第五十五条: no expired device leaves our site, whatever the stored status says.
  IF l.expiry_date < greatest(today, NEW.moved_on) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE01',
      MESSAGE = format('Lot %s expired on %s and may not leave our site.', l.lot_no, l.expiry_date),
      HINT = 'Expired stock is quarantined or scrapped, never shipped.';
  END IF;
  IF l.status <> 'released' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('Lot %s is %s and may not leave our site.', l.lot_no, replace(l.status, '_', ' ')),
      HINT = 'Only released lots are shipped or installed.';
  END IF;
  IF NEW.kind = 'ship' THEN
    required := mt_required_shelf_life(NEW.lot_id, NEW.to_party_id);
    IF required IS NOT NULL AND l.expiry_date - today < required AND NOT EXISTS (
         SELECT FROM shelf_life_override o
          WHERE o.txid = pg_current_xact_id() AND o.lot_id = NEW.lot_id AND o.party_id = NEW.to_party_id) THEN
      SELECT name INTO consignee FROM party WHERE id = NEW.to_party_id;
      RAISE EXCEPTION USING ERRCODE = 'MTE02',
        MESSAGE = format('Lot %s has %s days of shelf life left; %s accepts only lots with at least %s days.',
                         l.lot_no, l.expiry_date - today, consignee, required),
        HINT = 'Ship a lot that expires later, or have a QA approver authorise an exception with a reason.';
    END IF;
  END IF;
  RETURN NEW;
END $$;

-- An authorised exception to a consignee's minimum shelf life, valid for this transaction only.
CREATE FUNCTION mt_authorise_shelf_life_override(p_lot bigint, p_party bigint, p_reason text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  reason text := mt_clean_reason(p_reason);
  required integer;
  days_left integer;
  new_id bigint;
BEGIN
  PERFORM mt_require_verified();
  IF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for shipping below the shelf life the consignee accepts.';
  END IF;
  required := mt_required_shelf_life(p_lot, p_party);
  SELECT expiry_date - current_date INTO days_left FROM lot WHERE id = p_lot;
  IF required IS NULL OR days_left IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE04', MESSAGE = 'This consignee states no minimum shelf life: no exception is needed.';
  END IF;
  INSERT INTO shelf_life_override (lot_id, party_id, reason, days_left, days_required)
  VALUES (p_lot, p_party, reason, days_left, required) RETURNING id INTO new_id;
  RETURN new_id;
END $$;

CREATE FUNCTION mt_expiry_owner(p_product bigint, p_party bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT coalesce(nullif((SELECT expiry_owner FROM product WHERE id = p_product), ''),
                  nullif((SELECT expiry_owner FROM party WHERE id = p_party), ''))
$$;

-- The daily expiry job. Idempotent: running it twice on one day changes nothing the second time.
-- Audited with the reason naming the system actor and the person (or service login) that ran it.
-- SECURITY INVOKER on purpose: executable only by the owner (through mt_expiry_run, in a verified
-- session, where row-level security admits it) and by a superuser (`medtrace expiry run --as-of`).
CREATE FUNCTION mt_expiry_run_as_of(p_as_of date)
RETURNS TABLE (expired integer, raised integer, escalated integer, closed integer)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  n_expired integer;
  n_raised integer;
  n_escalated integer;
  n_closed integer;
  policy expiry_policy%ROWTYPE;
BEGIN
  SELECT * INTO policy FROM expiry_policy WHERE id = 1;
  PERFORM set_config('medtrace.reason',
    format('Expiry job (system actor medtrace-expiry, run by %s) as of %s', session_user, p_as_of), true);

  -- 1. Status: expired from the day after the expiry date (GS1 day 00 was resolved at import).
  UPDATE lot SET status = 'expired'
   WHERE expiry_date < p_as_of AND status NOT IN ('expired', 'rejected', 'recalled');
  GET DIAGNOSTICS n_expired = ROW_COUNT;

  -- 2. Alerts: the tightest threshold each lot with stock at one of our sites is inside.
  WITH stock AS (
    SELECT s.lot_id, s.party_id, s.quantity, l.expiry_date, l.product_id,
           coalesce(p.alert_days, '{180,90,30,7}') AS alert_days
      FROM stock_on_hand s
      JOIN party pa ON pa.id = s.party_id AND pa.kind = 'manufacturer'
      JOIN lot l ON l.id = s.lot_id
      JOIN product p ON p.id = l.product_id
     WHERE s.quantity > 0 AND l.expiry_date >= p_as_of AND l.status NOT IN ('rejected', 'recalled')),
  due AS (
    SELECT st.*, (SELECT min(d) FROM unnest(st.alert_days) d WHERE st.expiry_date - p_as_of <= d) AS threshold
      FROM stock st),
  superseded AS (
    UPDATE expiry_alert a SET state = 'closed', closed_at = now(), closed_because = 'next_threshold'
      FROM due
     WHERE due.threshold IS NOT NULL AND a.lot_id = due.lot_id AND a.party_id = due.party_id
       AND a.threshold_days > due.threshold AND a.state IN ('open', 'escalated')
    RETURNING a.id),
  inserted AS (
    INSERT INTO expiry_alert (lot_id, party_id, threshold_days, owner)
    SELECT lot_id, party_id, threshold, mt_expiry_owner(product_id, party_id) FROM due WHERE threshold IS NOT NULL
    ON CONFLICT ON CONSTRAINT uq_expiry_alert_lot_site_threshold DO NOTHING
    RETURNING id)
  SELECT count(*) INTO n_raised FROM inserted;

  -- 3. Alerts whose stock is gone (shipped, used, scrapped): closed. Expired stock keeps its alert.
  UPDATE expiry_alert a SET state = 'closed', closed_at = now(), closed_because = 'no_stock'
   WHERE a.state IN ('open', 'escalated', 'acknowledged')
     AND coalesce((SELECT s.quantity FROM stock_on_hand s WHERE s.lot_id = a.lot_id AND s.party_id = a.party_id),
                  0) <= 0;
  GET DIAGNOSTICS n_closed = ROW_COUNT;

  -- 4. Escalation to the QA manager when nobody acknowledged within the policy's days.
  UPDATE expiry_alert SET state = 'escalated', escalated_at = now(), escalated_to = policy.qa_manager
   WHERE state = 'open' AND raised_at < now() - make_interval(days => policy.escalate_after_days);
  GET DIAGNOSTICS n_escalated = ROW_COUNT;

  PERFORM mt_audit_event('expiry_run', p_as_of::text, jsonb_build_object(
    'system_actor', 'medtrace-expiry', 'run_by', session_user::text, 'as_of', p_as_of,
    'expired', n_expired, 'raised', n_raised, 'escalated', n_escalated, 'closed', n_closed));
  PERFORM set_config('medtrace.reason', '', true);
  RETURN QUERY SELECT n_expired, n_raised, n_escalated, n_closed;
END $$;

-- What every workstation calls at start and daily: always the server's date.
CREATE FUNCTION mt_expiry_run()
RETURNS TABLE (expired integer, raised integer, escalated integer, closed integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  PERFORM mt_require_verified();
  RETURN QUERY SELECT * FROM mt_expiry_run_as_of(current_date);
END $$;

CREATE FUNCTION mt_acknowledge_expiry_alert(p_id bigint, p_note text, p_disposition text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  me_id bigint := mt_require_verified();
  a expiry_alert%ROWTYPE;
  v_note text := mt_clean_reason(p_note);
BEGIN
  SELECT * INTO a FROM expiry_alert WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such expiry alert.';
  END IF;
  IF a.state = 'acknowledged' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03',
      MESSAGE = format('This alert was already acknowledged by %s at %s.', coalesce(a.acknowledged_name, a.acknowledged_by),
                       to_char(a.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
      DETAIL = json_build_object('by', a.acknowledged_by, 'at', a.acknowledged_at, 'disposition', a.disposition)::text;
  END IF;
  IF a.state = 'closed' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03', MESSAGE = 'This alert is closed: the stock is gone or a later alert replaced it.';
  END IF;
  IF v_note IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'Write a note: what will be done with this stock.';
  END IF;
  IF p_disposition IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE04', MESSAGE = 'Choose a disposition for the stock.';
  END IF;
  UPDATE expiry_alert SET state = 'acknowledged', acknowledged_by = session_user,
         acknowledged_name = (SELECT printed_name FROM person WHERE id = me_id), acknowledged_at = now(),
         note = v_note, disposition = p_disposition
   WHERE id = p_id;
END $$;

CREATE FUNCTION mt_set_expiry_policy(p_escalate_after_days integer, p_qa_manager text, p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  PERFORM mt_require_verified();
  IF mt_clean_reason(p_reason) IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for this change.';
  END IF;
  PERFORM set_config('medtrace.reason', p_reason, true);
  UPDATE expiry_policy SET escalate_after_days = p_escalate_after_days, qa_manager = nullif(p_qa_manager, ''),
         changed_at = now(), changed_by = session_user WHERE id = 1;
END $$;
"""

SIGNATURES = (
    "mt_required_shelf_life(bigint, bigint)", "mt_authorise_shelf_life_override(bigint, bigint, text)",
    "mt_expiry_owner(bigint, bigint)", "mt_expiry_run_as_of(date)", "mt_expiry_run()",
    "mt_acknowledge_expiry_alert(bigint, text, text)", "mt_set_expiry_policy(integer, text, text)",
)


def upgrade() -> None:
    op.add_column("party", sa.Column("min_shelf_life_days", sa.Integer(), nullable=True))
    op.add_column("party", sa.Column("min_shelf_life_pct", sa.Numeric(5, 2), nullable=True))
    op.add_column("party", sa.Column("expiry_owner", sa.String(63), server_default="", nullable=False))
    op.add_column("product", sa.Column("expiry_owner", sa.String(63), server_default="", nullable=False))
    op.create_check_constraint("min_shelf_life", "party",
                               "(min_shelf_life_days IS NULL OR min_shelf_life_days > 0) AND "
                               "(min_shelf_life_pct IS NULL OR min_shelf_life_pct BETWEEN 0 AND 100)")
    op.execute(TABLES)
    op.execute(FUNCTIONS)
    statements = [f"REVOKE EXECUTE ON FUNCTION {s} FROM PUBLIC" for s in SIGNATURES]
    statements += [
        f"GRANT SELECT ON {', '.join(NEW_TABLES)} TO {', '.join(GROUPS)}",
        "GRANT EXECUTE ON FUNCTION mt_required_shelf_life(bigint, bigint), mt_expiry_owner(bigint, bigint) "
        "TO medtrace_person",
        "GRANT EXECUTE ON FUNCTION mt_expiry_run() TO medtrace_person",
        f"GRANT EXECUTE ON FUNCTION mt_acknowledge_expiry_alert(bigint, text, text) TO {', '.join(ACKNOWLEDGERS)}",
        "GRANT EXECUTE ON FUNCTION mt_authorise_shelf_life_override(bigint, bigint, text) TO qa_approver",
        "GRANT EXECUTE ON FUNCTION mt_set_expiry_policy(integer, text, text) TO qa_approver",
    ]
    for table in NEW_TABLES:
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY mfa_verified ON {table} USING ((SELECT mt_session_verified())) "
            "WITH CHECK ((SELECT mt_session_verified()))",
            f"CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mt_audit_row()",
            f"CREATE TRIGGER no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mt_audit_is_append_only()",
            f"CREATE TRIGGER records_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION notify_records_changed()",
        ]
    op.execute(";\n".join(statements) + ";")


def downgrade() -> None:
    op.execute("DROP TABLE shelf_life_override, expiry_alert, expiry_policy")
    for signature in SIGNATURES:
        op.execute(f"DROP FUNCTION {signature}")
    op.execute(r"""
CREATE OR REPLACE FUNCTION mt_guard_shipment() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  l lot%ROWTYPE;
BEGIN
  IF NEW.kind NOT IN ('ship', 'install')
     OR NOT EXISTS (SELECT FROM party WHERE id = NEW.from_party_id AND kind = 'manufacturer')
     OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    RETURN NEW;
  END IF;
  SELECT * INTO l FROM lot WHERE id = NEW.lot_id FOR SHARE;
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
""")
    op.drop_constraint("ck_party_min_shelf_life", "party")
    op.drop_column("product", "expiry_owner")
    op.drop_column("party", "expiry_owner")
    op.drop_column("party", "min_shelf_life_pct")
    op.drop_column("party", "min_shelf_life_days")
