"""every refusal of the database carries a message id and its parameters, for the reader's language

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Each RAISE of the quality rules keeps its SQLSTATE, its English MESSAGE and its HINT, and adds
DETAIL = {"id": ..., "params": [...]} (JSON text): the id names the sentence in the workstation's message
catalogue (app/messages), the params fill it, in the order of the English sentence's %s. The workstation,
the command line and the reports show the sentence in Chinese or English from that; an integrator's
script reads the id rather than parsing English. The one DETAIL that carried data before (an alert
already acknowledged: by, at, disposition) keeps its fields beside the id.

The functions are those at 0013, replaced whole (CREATE OR REPLACE keeps owners, grants, triggers and
the policies that call them); downgrade puts the 0013 definitions back.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = r"""
-- assert_stock_not_negative(bigint,bigint)
CREATE OR REPLACE FUNCTION public.assert_stock_not_negative(p_lot bigint, p_party bigint)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  balance bigint;
  lot_label text;
  party_label text;
BEGIN
  IF p_lot IS NULL OR p_party IS NULL THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(7001, (p_lot % 8192)::int);
  SELECT stock_at(p_lot, p_party) INTO balance;
  IF balance < 0 THEN
    SELECT l.lot_no || ' (' || p.di || ')' INTO lot_label
      FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = p_lot;
    SELECT code || ' ' || name INTO party_label FROM party WHERE id = p_party;
    RAISE EXCEPTION USING
      ERRCODE = 'MTS01',
      MESSAGE = format('Lot %s would have %s unit(s) at %s: stock cannot go below zero.',
                       lot_label, balance, party_label),
      HINT = 'Check the quantity, the lot and the sending location against the stock on hand.',
      DETAIL = json_build_object('id', 'stock.would_go_negative', 'params', json_build_array(lot_label, balance, party_label))::text;
  END IF;
END $function$;

-- mt_acknowledge_expiry_alert(bigint,text,text)
CREATE OR REPLACE FUNCTION public.mt_acknowledge_expiry_alert(p_id bigint, p_note text, p_disposition text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me_id bigint := mt_require_verified();
  a expiry_alert%ROWTYPE;
  v_note text := mt_clean_reason(p_note);
BEGIN
  SELECT * INTO a FROM expiry_alert WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such expiry alert.',
      DETAIL = json_build_object('id', 'expiry.no_such_alert', 'params', json_build_array())::text;
  END IF;
  IF a.state = 'acknowledged' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03',
      MESSAGE = format('This alert was already acknowledged by %s at %s.', coalesce(a.acknowledged_name, a.acknowledged_by),
                       to_char(a.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
      DETAIL = json_build_object('id', 'expiry.alert_already_acknowledged', 'params', json_build_array(coalesce(a.acknowledged_name, a.acknowledged_by), to_char(a.acknowledged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')), 'by', a.acknowledged_by, 'at', a.acknowledged_at, 'disposition', a.disposition)::text;
  END IF;
  IF a.state = 'closed' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03', MESSAGE = 'This alert is closed: the stock is gone or a later alert replaced it.',
      DETAIL = json_build_object('id', 'expiry.alert_closed', 'params', json_build_array())::text;
  END IF;
  IF v_note IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'Write a note: what will be done with this stock.',
      DETAIL = json_build_object('id', 'expiry.note_required', 'params', json_build_array())::text;
  END IF;
  IF p_disposition IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE04', MESSAGE = 'Choose a disposition for the stock.',
      DETAIL = json_build_object('id', 'expiry.disposition_required', 'params', json_build_array())::text;
  END IF;
  UPDATE expiry_alert SET state = 'acknowledged', acknowledged_by = session_user,
         acknowledged_name = (SELECT printed_name FROM person WHERE id = me_id), acknowledged_at = now(),
         note = v_note, disposition = p_disposition
   WHERE id = p_id;
END $function$;

-- mt_activate(text,text,text,bytea,bytea,jsonb)
CREATE OR REPLACE FUNCTION public.mt_activate(p_verifier text, p_seed_base32 text, p_first_code text, p_public_key bytea, p_wrapped_key bytea, p_wrap_params jsonb)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me person%ROWTYPE;
  act activation%ROWTYPE;
  seed bytea;
  matched bigint;
  raw text;
  code text;
BEGIN
  SELECT * INTO me FROM person WHERE login = session_user FOR UPDATE;
  IF NOT FOUND OR me.state <> 'pending' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA03', MESSAGE = 'This account has no pending activation.',
      DETAIL = json_build_object('id', 'identity.no_pending_activation', 'params', json_build_array())::text;
  END IF;
  SELECT * INTO act FROM activation WHERE person_id = me.id AND used_at IS NULL AND expires_at > now()
   ORDER BY id DESC LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA03', MESSAGE = 'The activation code has expired or was already used.',
      HINT = 'Ask an administrator for a new activation code.',
      DETAIL = json_build_object('id', 'identity.activation_code_expired', 'params', json_build_array())::text;
  END IF;
  IF p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The new password must be sent as a SCRAM-SHA-256 verifier.',
      DETAIL = json_build_object('id', 'identity.verifier_required', 'params', json_build_array())::text;
  END IF;
  seed := mt_base32_decode(p_seed_base32);
  IF octet_length(seed) < 20 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The authenticator seed must have at least 160 bits.',
      DETAIL = json_build_object('id', 'identity.seed_too_short', 'params', json_build_array())::text;
  END IF;
  matched := mt_totp_match(seed, regexp_replace(coalesce(p_first_code, ''), '\s', '', 'g'), now(), 30, 1);
  IF matched IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA04',
      MESSAGE = 'The code from the authenticator app does not match.',
      HINT = 'Check that the phone''s clock is right, scan the QR code again and enter the current code.',
      DETAIL = json_build_object('id', 'identity.totp_mismatch', 'params', json_build_array())::text;
  END IF;
  UPDATE activation SET used_at = now() WHERE id = act.id;
  PERFORM mt_note_sign_in(me.login, 'activated');
  UPDATE person SET state = 'active', totp_seed = seed, totp_last_counter = matched,
                    attempts_mark = nextval(me.attempts_seq), locked_until = NULL
   WHERE id = me.id;
  EXECUTE format('ALTER ROLE %I PASSWORD %L VALID UNTIL ''infinity''', me.login, p_verifier);
  UPDATE signing_key SET retired_at = now() WHERE person_id = me.id AND retired_at IS NULL;
  INSERT INTO signing_key (person_id, login, public_key, wrapped_key, wrap_params)
  VALUES (me.id, me.login, p_public_key, p_wrapped_key, p_wrap_params);
  DELETE FROM recovery_code WHERE person_id = me.id;
  FOR i IN 1..10 LOOP
    raw := mt_new_secret(28);  -- 112 bits each
    code := concat_ws('-', substr(raw, 1, 4), substr(raw, 5, 4), substr(raw, 9, 4), substr(raw, 13, 4),
                      substr(raw, 17, 4), substr(raw, 21, 4), substr(raw, 25, 4));
    INSERT INTO recovery_code (person_id, code_hash) VALUES (me.id, mt_digest(code));
    RETURN NEXT code;
  END LOOP;
END $function$;

-- mt_audit_add_seal(bigint,bytea,text,bytea,bytea)
CREATE OR REPLACE FUNCTION public.mt_audit_add_seal(p_position bigint, p_head_hash bytea, p_occasion text, p_public_key bytea, p_signature bytea)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  new_id bigint;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    PERFORM mt_require_verified();
  END IF;
  IF NOT EXISTS (SELECT FROM audit_chain WHERE position = p_position AND hash = p_head_hash) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = 'The seal does not match the audit trail at that position.',
      DETAIL = json_build_object('id', 'audit.seal_mismatch', 'params', json_build_array())::text;
  END IF;
  INSERT INTO audit_seal (position, head_hash, occasion, public_key, signature)
  VALUES (p_position, p_head_hash, p_occasion, p_public_key, p_signature) RETURNING id INTO new_id;
  RETURN new_id;
END $function$;

-- mt_audit_event(text,text,jsonb)
CREATE OR REPLACE FUNCTION public.mt_audit_event(p_kind text, p_record text, p_detail jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  new_id bigint;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) THEN
    PERFORM mt_require_verified();
  END IF;
  IF p_kind !~ '^[a-z_]{3,40}$' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'Unknown audit event kind.',
      DETAIL = json_build_object('id', 'audit.unknown_event', 'params', json_build_array())::text;
  END IF;
  INSERT INTO audit_entry (table_name, record_id, action, new_values, reason)
  VALUES (p_kind, coalesce(p_record, '-'), 'EVENT', p_detail, mt_clean_reason(current_setting('medtrace.reason', true)))
  RETURNING id INTO new_id;
  RETURN new_id;
END $function$;

-- mt_audit_is_append_only()
CREATE OR REPLACE FUNCTION public.mt_audit_is_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01',
    MESSAGE = CASE WHEN TG_TABLE_NAME LIKE 'audit%'
                   THEN format('The audit trail cannot be changed (%s on %s refused).', TG_OP, TG_TABLE_NAME)
                   ELSE format('Records are never truncated (%s refused); correct them with new records.',
                               TG_TABLE_NAME) END,
      DETAIL = CASE WHEN TG_TABLE_NAME LIKE 'audit%'
                   THEN json_build_object('id', 'audit.append_only', 'params', json_build_array(TG_OP, TG_TABLE_NAME))::text
                   ELSE json_build_object('id', 'audit.never_truncated', 'params', json_build_array(TG_TABLE_NAME))::text END;
END $function$;

-- mt_authorise_shelf_life_override(bigint,bigint,text)
CREATE OR REPLACE FUNCTION public.mt_authorise_shelf_life_override(p_lot bigint, p_party bigint, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  reason text := mt_clean_reason(p_reason);
  required integer;
  days_left integer;
  new_id bigint;
BEGIN
  PERFORM mt_require_verified();
  IF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for shipping below the shelf life the consignee accepts.',
      DETAIL = json_build_object('id', 'expiry.override_reason_required', 'params', json_build_array())::text;
  END IF;
  required := mt_required_shelf_life(p_lot, p_party);
  SELECT expiry_date - current_date INTO days_left FROM lot WHERE id = p_lot;
  IF required IS NULL OR days_left IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE04', MESSAGE = 'This consignee states no minimum shelf life: no exception is needed.',
      DETAIL = json_build_object('id', 'expiry.no_minimum_shelf_life', 'params', json_build_array())::text;
  END IF;
  INSERT INTO shelf_life_override (lot_id, party_id, reason, days_left, days_required)
  VALUES (p_lot, p_party, reason, days_left, required) RETURNING id INTO new_id;
  RETURN new_id;
END $function$;

-- mt_base32_decode(text)
CREATE OR REPLACE FUNCTION public.mt_base32_decode(encoded text)
 RETURNS bytea
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
-- RFC 4648 §6, case-insensitive, padded or not: the seeds pyotp makes and authenticator apps read.
-- Accepts exactly what pyotp accepts: it completes the padding, then base64.b32decode(casefold=True).
DECLARE
    alphabet constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    body text := upper(rtrim(encoded, '='));
    given_padding int := length(encoded) - length(rtrim(encoded, '='));
    buffer bigint := 0;
    buffered_bits int := 0;
    digit int;
    hex text := '';
BEGIN
    -- The last group of 8 characters may hold 1, 2, 3, 4 or 5 bytes, that is 6, 4, 3, 1 or no "=".
    IF given_padding + (8 - length(encoded) % 8) % 8 NOT IN (0, 1, 3, 4, 6) THEN
        IF given_padding = 0 THEN
            RAISE EXCEPTION 'This base32 text has % characters, which no whole number of bytes gives.',
                length(encoded) USING ERRCODE = 'invalid_parameter_value',
      DETAIL = json_build_object('id', 'security.base32_length', 'params', json_build_array(length(encoded)))::text;
        END IF;
        RAISE EXCEPTION 'This base32 text has incorrect "=" padding.'
            USING ERRCODE = 'invalid_parameter_value',
      DETAIL = json_build_object('id', 'security.base32_padding', 'params', json_build_array())::text;
    END IF;
    FOR position_in_text IN 1 .. length(body) LOOP
        digit := strpos(alphabet, substr(body, position_in_text, 1)) - 1;
        IF digit < 0 THEN
            RAISE EXCEPTION 'This base32 text has a character outside A-Z and 2-7 at position %.',
                position_in_text USING ERRCODE = 'invalid_parameter_value',
      DETAIL = json_build_object('id', 'security.base32_character', 'params', json_build_array(position_in_text))::text;
        END IF;
        buffer := (buffer << 5) | digit;
        buffered_bits := buffered_bits + 5;
        IF buffered_bits >= 8 THEN
            buffered_bits := buffered_bits - 8;
            hex := hex || lpad(to_hex(buffer >> buffered_bits), 2, '0');
            buffer := buffer & ((1 << buffered_bits) - 1);
        END IF;
    END LOOP;
    RETURN decode(hex, 'hex');
END
$function$;

-- mt_bootstrap_first_admin(text,text)
CREATE OR REPLACE FUNCTION public.mt_bootstrap_first_admin(p_login text, p_printed_name text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF EXISTS (SELECT FROM person) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'MedTrace already has users; sign in as an administrator.',
      DETAIL = json_build_object('id', 'people.already_set_up', 'params', json_build_array())::text;
  END IF;
  RETURN mt_create_person_unchecked(p_login, p_printed_name, ARRAY['admin']);
END $function$;

-- mt_change_password(text,bytea,jsonb)
CREATE OR REPLACE FUNCTION public.mt_change_password(p_verifier text, p_wrapped_key bytea, p_wrap_params jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
BEGIN
  IF p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The new password must be sent as a SCRAM-SHA-256 verifier.',
      DETAIL = json_build_object('id', 'identity.verifier_required', 'params', json_build_array())::text;
  END IF;
  UPDATE signing_key SET wrapped_key = p_wrapped_key, wrap_params = p_wrap_params
   WHERE person_id = me AND retired_at IS NULL;
  EXECUTE format('ALTER ROLE %I PASSWORD %L', session_user, p_verifier);
END $function$;

-- mt_check_groups(text[])
CREATE OR REPLACE FUNCTION public.mt_check_groups(p_groups text[])
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF p_groups IS NULL OR cardinality(p_groups) = 0 OR NOT p_groups <@ ARRAY[
       'qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin'] THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = 'Choose at least one role from: QA reviewer, QA approver, regulatory, warehouse, auditor, administrator.',
      DETAIL = json_build_object('id', 'people.role_required', 'params', json_build_array())::text;
  END IF;
END $function$;

-- mt_check_login_name(text)
CREATE OR REPLACE FUNCTION public.mt_check_login_name(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF p_login !~ '^[a-z][a-z0-9_.]{2,30}$' OR p_login ~ '^(pg_|medtrace)' OR p_login IN (
       'postgres', 'public', 'qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('“%s” cannot be used as a user name.', p_login),
      HINT = 'Use 3–31 lower-case letters, digits, “_” or “.”, starting with a letter.',
      DETAIL = json_build_object('id', 'people.bad_login_name', 'params', json_build_array(p_login))::text;
  END IF;
END $function$;

-- mt_create_person_unchecked(text,text,text[])
CREATE OR REPLACE FUNCTION public.mt_create_person_unchecked(p_login text, p_printed_name text, p_groups text[])
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  new_id bigint;
  seq text;
  g text;
BEGIN
  PERFORM mt_check_login_name(p_login);
  PERFORM mt_check_groups(p_groups);
  IF btrim(coalesce(p_printed_name, '')) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'Enter the person''s full name as it appears on signatures.',
      DETAIL = json_build_object('id', 'people.printed_name_required', 'params', json_build_array())::text;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = p_login) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('The user name “%s” is already taken.', p_login),
      DETAIL = json_build_object('id', 'people.login_taken', 'params', json_build_array(p_login))::text;
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN INHERIT IN ROLE medtrace_person', p_login);
  FOREACH g IN ARRAY p_groups LOOP
    EXECUTE format('GRANT %I TO %I', g, p_login);
  END LOOP;
  seq := format('person_attempts_%s', md5(p_login));
  EXECUTE format('CREATE SEQUENCE %I', seq);
  INSERT INTO person (login, printed_name, attempts_seq) VALUES (p_login, btrim(p_printed_name), seq::regclass)
  RETURNING id INTO new_id;
  RETURN mt_issue_activation(new_id);
END $function$;

-- mt_guard_lot_status()
CREATE OR REPLACE FUNCTION public.mt_guard_lot_status()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
      RAISE EXCEPTION USING ERRCODE = 'MTG07', MESSAGE = 'A new lot starts in quarantine.',
      DETAIL = json_build_object('id', 'lot.new_starts_in_quarantine', 'params', json_build_array())::text;
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.release_cycle = OLD.release_cycle THEN
    RETURN NEW;
  END IF;
  IF NEW.release_cycle < OLD.release_cycle OR NEW.release_cycle > OLD.release_cycle + 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG07', MESSAGE = 'The release cycle of a lot only moves forward by one.',
      DETAIL = json_build_object('id', 'lot.cycle_moves_by_one', 'params', json_build_array())::text;
  END IF;
  IF NEW.status IN ('under_review', 'released', 'rejected', 'on_hold') OR
     (OLD.status = 'on_hold' AND NEW.status = 'quarantine') THEN
    IF current_setting('medtrace.transition', true) IS DISTINCT FROM 'signed' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG07',
        MESSAGE = format('Lot %s cannot become %s without an electronic signature.', NEW.lot_no, NEW.status),
      DETAIL = json_build_object('id', 'lot.status_needs_signature', 'params', json_build_array(NEW.lot_no, NEW.status))::text;
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
                         'two different people, neither its creator, and a complete checklist.', NEW.lot_no),
      DETAIL = json_build_object('id', 'lot.release_needs_two_signatures', 'params', json_build_array(NEW.lot_no))::text;
    END IF;
  END IF;
  RETURN NEW;
END $function$;

-- mt_guard_shipment()
CREATE OR REPLACE FUNCTION public.mt_guard_shipment()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
      HINT = 'Expired stock is quarantined or scrapped, never shipped.',
      DETAIL = json_build_object('id', 'expiry.lot_expired_no_shipping', 'params', json_build_array(l.lot_no, l.expiry_date))::text;
  END IF;
  IF l.status <> 'released' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('Lot %s is %s and may not leave our site.', l.lot_no, replace(l.status, '_', ' ')),
      HINT = 'Only released lots are shipped or installed.',
      DETAIL = json_build_object('id', 'lot.not_released_no_shipping', 'params', json_build_array(l.lot_no, replace(l.status, '_', ' ')))::text;
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
        HINT = 'Ship a lot that expires later, or have a QA approver authorise an exception with a reason.',
      DETAIL = json_build_object('id', 'expiry.shelf_life_too_short', 'params', json_build_array(l.lot_no, l.expiry_date - today, consignee, required))::text;
    END IF;
  END IF;
  RETURN NEW;
END $function$;

-- mt_hotp(bytea,bigint,integer)
CREATE OR REPLACE FUNCTION public.mt_hotp(secret bytea, counter bigint, digits integer DEFAULT 6)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
-- RFC 4226 §5.3: HMAC-SHA1 of the 8-byte big-endian counter, then dynamic truncation.
DECLARE
    mac bytea;
    pick int;
    binary_code int;
BEGIN
    -- RFC 4226 §5.3 R4: 6 digits at least, possibly 7 or 8.
    IF digits NOT BETWEEN 6 AND 8 THEN
        RAISE EXCEPTION 'A one-time code has 6, 7 or 8 digits, not %.', digits
            USING ERRCODE = 'invalid_parameter_value',
      DETAIL = json_build_object('id', 'security.code_digits', 'params', json_build_array(digits))::text;
    END IF;
    mac := mt_hmac_sha1(secret, int8send(counter));
    pick := get_byte(mac, 19) & 15;
    binary_code := ((get_byte(mac, pick) & 127) << 24) | (get_byte(mac, pick + 1) << 16)
        | (get_byte(mac, pick + 2) << 8) | get_byte(mac, pick + 3);
    RETURN lpad((binary_code % (10 ^ digits)::int)::text, digits, '0');
END
$function$;

-- mt_lock_person(text,text)
CREATE OR REPLACE FUNCTION public.mt_lock_person(p_login text, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  target bigint;
BEGIN
  PERFORM mt_require_admin();
  IF p_login = session_user THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'You cannot lock your own account.',
      DETAIL = json_build_object('id', 'people.cannot_lock_self', 'params', json_build_array())::text;
  END IF;
  SELECT id INTO target FROM person WHERE login = p_login;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login),
      DETAIL = json_build_object('id', 'people.no_such_user', 'params', json_build_array(p_login))::text;
  END IF;
  PERFORM mt_lock(target, coalesce(nullif(btrim(p_reason), ''), 'Locked by an administrator'), 'infinity');
END $function$;

-- mt_mark_audit_reviewed(bigint)
CREATE OR REPLACE FUNCTION public.mt_mark_audit_reviewed(p_lot bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  new_id bigint;
BEGIN
  PERFORM mt_require_verified();
  IF NOT (pg_has_role(session_user, 'qa_reviewer', 'MEMBER') OR pg_has_role(session_user, 'qa_approver', 'MEMBER')) THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only QA reviewers and approvers review audit trails.',
      DETAIL = json_build_object('id', 'audit.review_role_required', 'params', json_build_array())::text;
  END IF;
  INSERT INTO audit_review (lot_id, up_to_entry_id) VALUES (p_lot, coalesce(mt_lot_last_change(p_lot), 0))
  RETURNING id INTO new_id;
  RETURN new_id;
END $function$;

-- mt_open_recall(text,integer,bigint[],jsonb,text,text)
CREATE OR REPLACE FUNCTION public.mt_open_recall(p_kind text, p_level integer, p_lots bigint[], p_trigger jsonb, p_reason text, p_health_hazard text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
  reason text := mt_clean_reason(p_reason);
  new_id bigint;
  other record;
  opened timestamptz := now();
  ours bigint[];
BEGIN
  IF NOT (pg_has_role(session_user, 'regulatory', 'MEMBER') OR pg_has_role(session_user, 'qa_approver', 'MEMBER')) THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only regulatory affairs and QA approvers open recalls and drills.',
      DETAIL = json_build_object('id', 'recall.open_role', 'params', json_build_array())::text;
  END IF;
  IF p_kind NOT IN ('recall', 'drill') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('Unknown kind of recall “%s”.', p_kind),
      DETAIL = json_build_object('id', 'recall.unknown_kind', 'params', json_build_array(p_kind))::text;
  END IF;
  IF p_level NOT BETWEEN 1 AND 3 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The recall level is 1, 2 or 3 (一级, 二级, 三级).',
      DETAIL = json_build_object('id', 'recall.bad_level', 'params', json_build_array())::text;
  END IF;
  IF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for the recall.',
      DETAIL = json_build_object('id', 'recall.reason_required', 'params', json_build_array())::text;
  END IF;
  IF coalesce(cardinality(p_lots), 0) = 0 OR EXISTS (SELECT FROM unnest(p_lots) s WHERE NOT EXISTS (
       SELECT FROM lot WHERE id = s)) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such lot.',
      DETAIL = json_build_object('id', 'lot.no_such_lot', 'params', json_build_array())::text;
  END IF;
  -- A lot is in at most one open real recall: a second one is refused, naming the case to work in.
  IF p_kind = 'recall' THEN
    PERFORM pg_advisory_xact_lock(hashtext('medtrace.recall.open'));
    SELECT c.id, l.lot_no INTO other
      FROM recall_lot rl JOIN recall_case c ON c.id = rl.recall_id JOIN lot l ON l.id = rl.lot_id
     WHERE rl.lot_id IN (SELECT w.lot_id FROM mt_recall_walk(p_lots) w)
       AND c.kind = 'recall' AND c.state <> 'closed'
     LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'MTC01',
        MESSAGE = format('Lot %s is already in open recall %s.', other.lot_no, other.id),
        HINT = 'Work the open recall, or close it before opening another on the same lots.',
      DETAIL = json_build_object('id', 'recall.lot_in_open_recall', 'params', json_build_array(other.lot_no, other.id))::text;
    END IF;
  END IF;

  INSERT INTO recall_case (kind, level, trigger, reason, health_hazard, effectiveness_level, opened_at,
                           notify_deadline, plan_deadline, fda_report_deadline)
  VALUES (p_kind, p_level, coalesce(p_trigger, '{}'), reason, coalesce(btrim(p_health_hazard), ''),
          CASE p_level WHEN 1 THEN 'A' WHEN 2 THEN 'B' ELSE 'C' END, opened,
          -- 医疗器械召回管理办法: consignees notified within 1 / 3 / 7 days for 一级 / 二级 / 三级.
          opened + make_interval(days => CASE p_level WHEN 1 THEN 1 WHEN 2 THEN 3 ELSE 7 END),
          -- 医疗器械召回管理办法: investigation report and recall plan within 5 working days.
          mt_add_working_days(opened::date, 5),
          -- 21 CFR 806.10(b): report to FDA within 10 working days of initiating the correction or removal.
          mt_add_working_days(opened::date, 10))
  RETURNING id INTO new_id;

  WITH scope AS MATERIALIZED (SELECT w.lot_id, w.relation FROM mt_recall_walk(p_lots) w),
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

  SELECT array_agg(id) INTO ours FROM party WHERE kind = 'manufacturer';
  ours := coalesce(ours, '{}');

  -- Consignee lines at every tier (the consignee statement of app/services/trace.py, frozen).
  WITH RECURSIVE mv AS MATERIALIZED (
      SELECT m.kind, m.lot_id, m.quantity, m.from_party_id, m.to_party_id
        FROM movement m WHERE m.lot_id IN (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id)
  ),
  reach(lot_id, party_id, tier) AS (
      SELECT m.lot_id, m.to_party_id, 1 FROM mv m
       WHERE m.kind = 'ship' AND m.from_party_id = ANY (ours) AND m.to_party_id <> ALL (ours)
      UNION
      SELECT r.lot_id, m.to_party_id, r.tier + 1
        FROM reach r CROSS JOIN LATERAL (
             SELECT n.to_party_id FROM movement n
              WHERE n.lot_id = r.lot_id AND n.from_party_id = r.party_id AND n.kind = 'ship'
                AND n.to_party_id <> ALL (ours) OFFSET 0) m
       WHERE r.tier < 10
  ),
  tiers AS (SELECT lot_id, party_id, min(tier) AS tier FROM reach GROUP BY lot_id, party_id),
  flow_in AS (
      SELECT m.lot_id, m.to_party_id AS party_id, sum(m.quantity) AS quantity,
             sum(m.quantity) FILTER (WHERE m.kind = 'ship') AS shipped
        FROM mv m WHERE m.to_party_id IS NOT NULL GROUP BY m.lot_id, m.to_party_id
  ),
  flow_out AS (
      SELECT m.lot_id, m.from_party_id AS party_id,
             sum(m.quantity) FILTER (WHERE m.kind <> 'receive') AS quantity,
             sum(m.quantity) FILTER (WHERE m.kind = 'return') AS returned
        FROM mv m WHERE m.from_party_id IS NOT NULL GROUP BY m.lot_id, m.from_party_id
  ),
  lines AS (
      SELECT t.lot_id, t.party_id, t.tier, coalesce(i.shipped, 0) AS shipped, coalesce(o.returned, 0) AS returned,
             coalesce(i.quantity, 0) - coalesce(o.quantity, 0)
               - coalesce((SELECT sum(e.quantity) FROM genealogy_edge e
                            WHERE e.component_lot_id = t.lot_id AND e.site_id = t.party_id), 0) AS on_hand
        FROM tiers t
        LEFT JOIN flow_in i ON i.lot_id = t.lot_id AND i.party_id = t.party_id
        LEFT JOIN flow_out o ON o.lot_id = t.lot_id AND o.party_id = t.party_id
  ),
  consignees AS (
      INSERT INTO recall_consignee (recall_id, party_id, tier)
      SELECT new_id, party_id, min(tier) FROM lines GROUP BY party_id
      RETURNING party_id
  )
  INSERT INTO recall_line (recall_id, party_id, lot_id, tier, shipped, returned, on_hand)
  SELECT new_id, x.party_id, x.lot_id, x.tier, x.shipped, x.returned, x.on_hand
    FROM lines x WHERE x.party_id IN (SELECT party_id FROM consignees);

  UPDATE recall_case SET scope_frozen_at = clock_timestamp() WHERE id = new_id;

  -- Containment: the stock at our own sites. A real recall holds it now, in this transaction; a
  -- drill records what would be held and changes nothing.
  INSERT INTO recall_containment (recall_id, lot_id, site_id, quantity)
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
  IF p_kind = 'recall' THEN
    PERFORM set_config('medtrace.reason', format('Recall %s opened: %s', new_id, reason), true);
    UPDATE lot SET status = 'recalled'
     WHERE id IN (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id) AND status <> 'recalled';
  END IF;
  UPDATE recall_case SET contained_at = clock_timestamp() WHERE id = new_id;
  RETURN new_id;
END $function$;

-- mt_recall_ack(bigint,bigint)
CREATE OR REPLACE FUNCTION public.mt_recall_ack(p_recall bigint, p_party bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
  x recall_consignee%ROWTYPE;
BEGIN
  SELECT * INTO x FROM recall_consignee WHERE recall_id = p_recall AND party_id = p_party FOR UPDATE;
  IF x.notified_at IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'Record the notification before the acknowledgement.',
      DETAIL = json_build_object('id', 'recall.notify_before_ack', 'params', json_build_array())::text;
  END IF;
  IF x.acknowledged_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03',
      MESSAGE = format('Already acknowledged, recorded by %s at %s.', x.acknowledged_by,
                       to_char(x.acknowledged_at, 'YYYY-MM-DD HH24:MI TZ')),
      DETAIL = json_build_object('id', 'recall.already_acknowledged', 'params', json_build_array(x.acknowledged_by, to_char(x.acknowledged_at, 'YYYY-MM-DD HH24:MI TZ')))::text;
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: acknowledgement received', c.id), true);
  UPDATE recall_consignee SET acknowledged_at = now(), acknowledged_by = session_user
   WHERE recall_id = p_recall AND party_id = p_party;
END $function$;

-- mt_recall_draw_checks(bigint,text)
CREATE OR REPLACE FUNCTION public.mt_recall_draw_checks(p_recall bigint, p_level text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, NULL);
  total integer;
  wanted integer;
BEGIN
  IF p_level NOT IN ('A', 'B', 'C', 'D', 'E') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The effectiveness check level is A, B, C, D or E.',
      DETAIL = json_build_object('id', 'recall.bad_check_level', 'params', json_build_array())::text;
  END IF;
  IF EXISTS (SELECT FROM recall_check WHERE recall_id = p_recall AND result IS NOT NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03', MESSAGE = 'Checks have been recorded; the sample can no longer be redrawn.',
      DETAIL = json_build_object('id', 'recall.sample_fixed', 'params', json_build_array())::text;
  END IF;
  SELECT count(*) INTO total FROM recall_consignee WHERE recall_id = p_recall;
  -- 7.42(b)(3): A = 100 %, B = more than C and less than 100 % (here 50 %), C = 10 %, D = 2 %, E = none.
  wanted := CASE p_level WHEN 'A' THEN total WHEN 'B' THEN ceil(total * 0.5) WHEN 'C' THEN ceil(total * 0.1)
                         WHEN 'D' THEN ceil(total * 0.02) ELSE 0 END;
  PERFORM set_config('medtrace.reason', format('Recall %s: effectiveness check sample, level %s', c.id, p_level), true);
  DELETE FROM recall_check WHERE recall_id = p_recall;
  UPDATE recall_case SET effectiveness_level = p_level WHERE id = p_recall;
  INSERT INTO recall_check (recall_id, party_id, drawn_rank)
  SELECT p_recall, party_id, rank FROM (
    SELECT x.party_id, row_number() OVER (ORDER BY sha256(convert_to(p_recall || ':' || p.code, 'UTF8'))) AS rank
      FROM recall_consignee x JOIN party p ON p.id = x.party_id WHERE x.recall_id = p_recall) s
   WHERE rank <= wanted;
  RETURN wanted;
END $function$;

-- mt_recall_is_final()
CREATE OR REPLACE FUNCTION public.mt_recall_is_final()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01', MESSAGE = 'Recall records are kept: they cannot be removed or rewritten.',
      DETAIL = json_build_object('id', 'recall.records_final', 'params', json_build_array())::text;
END $function$;

-- mt_recall_needs_initiation()
CREATE OR REPLACE FUNCTION public.mt_recall_needs_initiation()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF NOT EXISTS (SELECT FROM recall_signature WHERE recall_id = NEW.id AND meaning = 'initiated') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG05',
      MESSAGE = format('Recall %s was not signed “Recall initiated”; nothing was opened.', NEW.id),
      DETAIL = json_build_object('id', 'recall.not_initiated', 'params', json_build_array(NEW.id))::text;
  END IF;
  RETURN NULL;
END $function$;

-- mt_recall_notify(bigint,bigint,text)
CREATE OR REPLACE FUNCTION public.mt_recall_notify(p_recall bigint, p_party bigint, p_method text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
  x recall_consignee%ROWTYPE;
BEGIN
  IF p_method NOT IN ('phone', 'email', 'letter', 'fax', 'visit') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('Unknown notification method “%s”: phone, email, letter, fax or visit.', p_method),
      DETAIL = json_build_object('id', 'recall.unknown_method', 'params', json_build_array(p_method))::text;
  END IF;
  SELECT * INTO x FROM recall_consignee WHERE recall_id = p_recall AND party_id = p_party FOR UPDATE;
  IF x.notified_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03',
      MESSAGE = format('Already notified by %s at %s.', x.notified_by, to_char(x.notified_at, 'YYYY-MM-DD HH24:MI TZ')),
      DETAIL = json_build_object('id', 'recall.already_notified', 'params', json_build_array(x.notified_by, to_char(x.notified_at, 'YYYY-MM-DD HH24:MI TZ')))::text;
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: consignee notified by %s', c.id, p_method), true);
  UPDATE recall_consignee SET notified_at = now(), notified_by = session_user, method = p_method
   WHERE recall_id = p_recall AND party_id = p_party;
  PERFORM mt_recall_advance(p_recall);
END $function$;

-- mt_recall_record_check(bigint,bigint,text,text)
CREATE OR REPLACE FUNCTION public.mt_recall_record_check(p_recall bigint, p_party bigint, p_result text, p_note text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
BEGIN
  IF p_result NOT IN ('effective', 'ineffective', 'no_response') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The result of a check is effective, ineffective or no_response.',
      DETAIL = json_build_object('id', 'recall.bad_check_result', 'params', json_build_array())::text;
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: effectiveness check %s', c.id, p_result), true);
  UPDATE recall_check SET result = p_result, note = coalesce(p_note, ''), checked_by = session_user, checked_at = now()
   WHERE recall_id = p_recall AND party_id = p_party;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'This consignee is not in the drawn sample.',
      DETAIL = json_build_object('id', 'recall.not_in_sample', 'params', json_build_array())::text;
  END IF;
END $function$;

-- mt_recall_return(bigint,bigint,bigint,bigint)
CREATE OR REPLACE FUNCTION public.mt_recall_return(p_recall bigint, p_party bigint, p_lot bigint, p_quantity bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
  x recall_line%ROWTYPE;
  site bigint;
  moved bigint;
  new_id bigint;
BEGIN
  SELECT * INTO x FROM recall_line WHERE recall_id = p_recall AND party_id = p_party AND lot_id = p_lot FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('This lot was not shipped to this consignee in recall %s.', c.id),
      DETAIL = json_build_object('id', 'recall.lot_not_shipped_here', 'params', json_build_array(c.id))::text;
  END IF;
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The quantity returned is a whole number above zero.',
      DETAIL = json_build_object('id', 'recall.bad_return_quantity', 'params', json_build_array())::text;
  END IF;
  IF x.returned_in_case + p_quantity > greatest(x.on_hand, 0) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTC02',
      MESSAGE = format('A return of %s is more than this consignee holds of the lot: %s on hand at opening, %s returned since.',
                       p_quantity, greatest(x.on_hand, 0), x.returned_in_case),
      HINT = 'Check the count with the consignee.',
      DETAIL = json_build_object('id', 'recall.return_too_large', 'params', json_build_array(p_quantity, greatest(x.on_hand, 0), x.returned_in_case))::text;
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: %s unit(s) returned', c.id, p_quantity), true);
  IF c.kind = 'recall' THEN
    SELECT m.from_party_id INTO site FROM movement m JOIN party p ON p.id = m.from_party_id AND p.kind = 'manufacturer'
     WHERE m.lot_id = p_lot AND m.kind = 'ship' ORDER BY m.id LIMIT 1;
    IF site IS NULL THEN
      SELECT id INTO site FROM party WHERE kind = 'manufacturer' ORDER BY id LIMIT 1;
    END IF;
    INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on, document_no)
    VALUES ('return', p_lot, p_quantity, p_party, site, current_date, format('RECALL-%s', c.id))
    RETURNING id INTO moved;
  END IF;
  UPDATE recall_line SET returned_in_case = returned_in_case + p_quantity
   WHERE recall_id = p_recall AND party_id = p_party AND lot_id = p_lot;
  INSERT INTO recall_return (recall_id, party_id, lot_id, quantity, movement_id)
  VALUES (p_recall, p_party, p_lot, p_quantity, moved) RETURNING id INTO new_id;
  RETURN new_id;
END $function$;

-- mt_recall_worker(bigint,bigint)
CREATE OR REPLACE FUNCTION public.mt_recall_worker(p_recall bigint, p_party bigint)
 RETURNS recall_case
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
  c recall_case%ROWTYPE;
BEGIN
  SELECT * INTO c FROM recall_case WHERE id = p_recall FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such recall.',
      DETAIL = json_build_object('id', 'recall.no_such_recall', 'params', json_build_array())::text;
  END IF;
  IF c.state = 'closed' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTC03', MESSAGE = format('Recall %s is closed; nothing more is recorded on it.', c.id),
      DETAIL = json_build_object('id', 'recall.closed_no_records', 'params', json_build_array(c.id))::text;
  END IF;
  IF p_party IS NOT NULL AND NOT EXISTS (SELECT FROM recall_consignee WHERE recall_id = p_recall AND party_id = p_party) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('This party is not a consignee of recall %s.', c.id),
      DETAIL = json_build_object('id', 'recall.not_a_consignee', 'params', json_build_array(c.id))::text;
  END IF;
  RETURN c;
END $function$;

-- mt_record_label_verification(bigint,text,boolean,jsonb)
CREATE OR REPLACE FUNCTION public.mt_record_label_verification(p_lot bigint, p_raw_scan text, p_matched boolean, p_detail jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  l lot%ROWTYPE;
  new_id bigint;
  matched boolean := p_matched;
BEGIN
  PERFORM mt_require_verified();
  SELECT * INTO l FROM lot WHERE id = p_lot;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such lot.',
      DETAIL = json_build_object('id', 'lot.no_such_lot', 'params', json_build_array())::text;
  END IF;
  -- The workstation parsed the scan; the database at least insists that the lot number is in it.
  IF matched AND position(l.lot_no IN p_raw_scan) = 0 THEN
    matched := false;
  END IF;
  INSERT INTO label_verification (lot_id, raw_scan, matched, detail) VALUES (p_lot, p_raw_scan, matched, p_detail)
  RETURNING id INTO new_id;
  RETURN new_id;
END $function$;

-- mt_require_admin()
CREATE OR REPLACE FUNCTION public.mt_require_admin()
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
BEGIN
  IF NOT pg_has_role(session_user, 'admin', 'MEMBER') THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only administrators may manage people.',
      DETAIL = json_build_object('id', 'people.admin_only', 'params', json_build_array())::text;
  END IF;
  RETURN me;
END $function$;

-- mt_require_reason()
CREATE OR REPLACE FUNCTION public.mt_require_reason()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF mt_clean_reason(current_setting('medtrace.reason', true)) IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01',
      MESSAGE = format('A reason for change is required to %s a %s record.', lower(TG_OP),
                       replace(TG_TABLE_NAME, '_', ' ')),
      HINT = 'State why the record is changed; the reason is kept in the audit trail.',
      DETAIL = json_build_object('id', 'audit.reason_required', 'params', json_build_array(lower(TG_OP), replace(TG_TABLE_NAME, '_', ' ')))::text;
  END IF;
  RETURN coalesce(NEW, OLD);
END $function$;

-- mt_require_verified()
CREATE OR REPLACE FUNCTION public.mt_require_verified()
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint;
BEGIN
  IF NOT mt_session_verified() THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA01',
      MESSAGE = 'This session has not been verified with a second factor.',
      HINT = 'Sign in again with your password and authenticator code.',
      DETAIL = json_build_object('id', 'identity.not_verified', 'params', json_build_array())::text;
  END IF;
  SELECT id INTO me FROM person WHERE login = session_user;
  RETURN me;
END $function$;

-- mt_reset_person(text)
CREATE OR REPLACE FUNCTION public.mt_reset_person(p_login text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  who person%ROWTYPE;
BEGIN
  PERFORM mt_require_admin();
  SELECT * INTO who FROM person WHERE login = p_login FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login),
      DETAIL = json_build_object('id', 'people.no_such_user', 'params', json_build_array(p_login))::text;
  END IF;
  UPDATE person SET locked_until = NULL, lock_reason = NULL, attempts_mark = nextval(who.attempts_seq)
   WHERE id = who.id;
  DELETE FROM login_failure WHERE login = p_login;
  UPDATE signing_key SET retired_at = now() WHERE person_id = who.id AND retired_at IS NULL;
  RETURN mt_issue_activation(who.id);
END $function$;

-- mt_set_expiry_policy(integer,text,text)
CREATE OR REPLACE FUNCTION public.mt_set_expiry_policy(p_escalate_after_days integer, p_qa_manager text, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM mt_require_verified();
  IF mt_clean_reason(p_reason) IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for this change.',
      DETAIL = json_build_object('id', 'expiry.policy_reason_required', 'params', json_build_array())::text;
  END IF;
  PERFORM set_config('medtrace.reason', p_reason, true);
  UPDATE expiry_policy SET escalate_after_days = p_escalate_after_days, qa_manager = nullif(p_qa_manager, ''),
         changed_at = now(), changed_by = session_user WHERE id = 1;
END $function$;

-- mt_set_groups(text,text[])
CREATE OR REPLACE FUNCTION public.mt_set_groups(p_login text, p_groups text[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  g text;
BEGIN
  PERFORM mt_require_admin();
  PERFORM mt_check_groups(p_groups);
  IF NOT EXISTS (SELECT FROM person WHERE login = p_login) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login),
      DETAIL = json_build_object('id', 'people.no_such_user', 'params', json_build_array(p_login))::text;
  END IF;
  IF p_login = session_user AND NOT 'admin' = ANY (p_groups) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'You cannot remove your own administrator role.',
      DETAIL = json_build_object('id', 'people.cannot_drop_own_admin', 'params', json_build_array())::text;
  END IF;
  FOREACH g IN ARRAY ARRAY['qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin'] LOOP
    IF g = ANY (p_groups) THEN
      EXECUTE format('GRANT %I TO %I', g, p_login);
    ELSE
      EXECUTE format('REVOKE %I FROM %I', g, p_login);
    END IF;
  END LOOP;
END $function$;

-- mt_set_work_day(date,boolean,text,text)
CREATE OR REPLACE FUNCTION public.mt_set_work_day(p_day date, p_working boolean, p_note text, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
  reason text := mt_clean_reason(p_reason);
BEGIN
  IF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for this change to the working calendar.',
      DETAIL = json_build_object('id', 'recall.calendar_reason_required', 'params', json_build_array())::text;
  END IF;
  PERFORM set_config('medtrace.reason', reason, true);
  IF p_working IS NULL THEN
    DELETE FROM work_calendar WHERE day = p_day;
  ELSE
    INSERT INTO work_calendar (day, working, note) VALUES (p_day, p_working, coalesce(p_note, ''))
    ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, note = EXCLUDED.note,
                                    changed_by = session_user, changed_at = now();
  END IF;
END $function$;

-- mt_sign_lot(bigint,text,bytea,bytea,bigint,text)
CREATE OR REPLACE FUNCTION public.mt_sign_lot(p_lot bigint, p_meaning text, p_digest bytea, p_signature bytea, p_key_id bigint, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such lot.',
      DETAIL = json_build_object('id', 'lot.no_such_lot', 'params', json_build_array())::text;
  END IF;
  IF NOT EXISTS (SELECT FROM signing_key WHERE id = p_key_id AND person_id = me_id AND retired_at IS NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG01', MESSAGE = 'The signature was not made with your current signing key.',
      DETAIL = json_build_object('id', 'release.wrong_signing_key', 'params', json_build_array())::text;
  END IF;
  IF p_digest IS DISTINCT FROM mt_lot_digest(p_lot) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG02',
      MESSAGE = format('Lot %s changed while you were signing.', l.lot_no),
      HINT = 'Review the lot again, then sign.',
      DETAIL = json_build_object('id', 'release.lot_changed_while_signing', 'params', json_build_array(l.lot_no))::text;
  END IF;
  roles := ARRAY(SELECT g FROM unnest(ARRAY['qa_reviewer', 'qa_approver']) g
                 WHERE pg_has_role(session_user, g, 'MEMBER'));

  IF p_meaning = 'reviewed' THEN
    IF NOT 'qa_reviewer' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA reviewer can sign the review.',
      DETAIL = json_build_object('id', 'release.reviewer_only', 'params', json_build_array())::text;
    END IF;
    IF l.status <> 'quarantine' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s, not awaiting review.', l.lot_no, l.status),
      DETAIL = json_build_object('id', 'release.not_awaiting_review', 'params', json_build_array(l.lot_no, l.status))::text;
    END IF;
    new_status := 'under_review';
  ELSIF p_meaning = 'approved' THEN
    IF NOT 'qa_approver' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA approver can approve a release.',
      DETAIL = json_build_object('id', 'release.approver_only', 'params', json_build_array())::text;
    END IF;
    IF l.status <> 'under_review' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s, not awaiting approval.', l.lot_no, l.status),
      DETAIL = json_build_object('id', 'release.not_awaiting_approval', 'params', json_build_array(l.lot_no, l.status))::text;
    END IF;
    SELECT signer INTO reviewer FROM lot_signature
     WHERE lot_id = p_lot AND cycle = l.release_cycle AND meaning = 'reviewed' ORDER BY id DESC LIMIT 1;
    IF reviewer = session_user THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG05',
        MESSAGE = format('Lot %s cannot be approved by the person who reviewed it.', l.lot_no),
        HINT = 'Two-person verification: a different QA approver must approve.',
      DETAIL = json_build_object('id', 'release.self_approval', 'params', json_build_array(l.lot_no))::text;
    END IF;
    new_status := 'released';
  ELSIF p_meaning = 'rejected' THEN
    IF cardinality(roles) = 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only QA reviewers and approvers can reject a lot.',
      DETAIL = json_build_object('id', 'release.reject_role', 'params', json_build_array())::text;
    END IF;
    IF l.status NOT IN ('quarantine', 'under_review', 'on_hold') THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s and cannot be rejected.', l.lot_no, l.status),
      DETAIL = json_build_object('id', 'release.cannot_reject', 'params', json_build_array(l.lot_no, l.status))::text;
    END IF;
    new_status := 'rejected';
  ELSIF p_meaning = 'on_hold' THEN
    IF NOT 'qa_approver' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA approver can place a lot on hold.',
      DETAIL = json_build_object('id', 'release.hold_role', 'params', json_build_array())::text;
    END IF;
    IF l.status NOT IN ('quarantine', 'under_review', 'released') THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is %s and cannot be put on hold.', l.lot_no, l.status),
      DETAIL = json_build_object('id', 'release.cannot_hold', 'params', json_build_array(l.lot_no, l.status))::text;
    END IF;
    new_status := 'on_hold';
  ELSIF p_meaning = 'hold_lifted' THEN
    IF NOT 'qa_approver' = ANY (roles) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'Only a QA approver can lift a hold.',
      DETAIL = json_build_object('id', 'release.lift_hold_role', 'params', json_build_array())::text;
    END IF;
    IF l.status <> 'on_hold' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG04', MESSAGE = format('Lot %s is not on hold.', l.lot_no),
      DETAIL = json_build_object('id', 'release.not_on_hold', 'params', json_build_array(l.lot_no))::text;
    END IF;
    new_status := 'quarantine';  -- back to the start: a new two-person cycle
  ELSE
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('Unknown meaning of signature “%s”.', p_meaning),
      DETAIL = json_build_object('id', 'release.unknown_meaning', 'params', json_build_array(p_meaning))::text;
  END IF;

  IF p_meaning IN ('reviewed', 'approved') THEN
    IF l.created_by = session_user THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG05',
        MESSAGE = format('Lot %s cannot be signed for release by the person who created it.', l.lot_no),
      DETAIL = json_build_object('id', 'release.creator_cannot_sign', 'params', json_build_array(l.lot_no))::text;
    END IF;
    IF NOT mt_checklist_complete(p_lot) THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG06',
        MESSAGE = format('The release checklist of lot %s is not complete.', l.lot_no),
        HINT = (SELECT string_agg(detail, ' ') FROM mt_lot_checklist(p_lot) WHERE NOT ok),
      DETAIL = json_build_object('id', 'release.checklist_incomplete', 'params', json_build_array(l.lot_no))::text;
    END IF;
  ELSIF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for this decision.',
      DETAIL = json_build_object('id', 'release.reason_required', 'params', json_build_array())::text;
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
END $function$;

-- mt_sign_recall(bigint,text,bytea,bytea,bigint)
CREATE OR REPLACE FUNCTION public.mt_sign_recall(p_recall bigint, p_meaning text, p_digest bytea, p_signature bytea, p_key_id bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me_id bigint := mt_require_verified();
  me person%ROWTYPE;
  c recall_case%ROWTYPE;
  roles text[];
  missing text;
  new_id bigint;
  content_digest bytea;
BEGIN
  SELECT * INTO me FROM person WHERE id = me_id;
  SELECT * INTO c FROM recall_case WHERE id = p_recall FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such recall.',
      DETAIL = json_build_object('id', 'recall.no_such_recall', 'params', json_build_array())::text;
  END IF;
  IF NOT EXISTS (SELECT FROM signing_key WHERE id = p_key_id AND person_id = me_id AND retired_at IS NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG01', MESSAGE = 'The signature was not made with your current signing key.',
      DETAIL = json_build_object('id', 'release.wrong_signing_key', 'params', json_build_array())::text;
  END IF;
  SELECT d.digest INTO content_digest FROM recall_signing_digest d
   WHERE d.xact = txid_current() AND d.recall_id = p_recall AND d.started_at = now();
  IF content_digest IS NULL THEN
    content_digest := sha256(convert_to(mt_recall_canonical(p_recall), 'UTF8'));
  END IF;
  DELETE FROM recall_signing_digest WHERE xact = txid_current() AND recall_id = p_recall;
  IF p_digest IS DISTINCT FROM content_digest THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG02', MESSAGE = 'The recall changed while you were signing; review it and sign again.',
      DETAIL = json_build_object('id', 'recall.signature_changed', 'params', json_build_array())::text;
  END IF;
  SELECT array_agg(g ORDER BY g) INTO roles FROM unnest(ARRAY['qa_approver', 'regulatory']) g
   WHERE pg_has_role(session_user, g, 'MEMBER');
  IF roles IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only regulatory affairs and QA approvers sign recalls.',
      DETAIL = json_build_object('id', 'recall.sign_role', 'params', json_build_array())::text;
  END IF;
  IF p_meaning = 'initiated' THEN
    IF c.opened_by <> session_user THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'The person who opens a recall signs its initiation.',
      DETAIL = json_build_object('id', 'recall.opener_signs_initiation', 'params', json_build_array())::text;
    END IF;
  ELSIF p_meaning = 'closed' THEN
    IF c.state = 'closed' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTC03', MESSAGE = format('Recall %s is already closed.', c.id),
      DETAIL = json_build_object('id', 'recall.already_closed', 'params', json_build_array(c.id))::text;
    END IF;
    missing := mt_recall_outstanding(p_recall);
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'MTC03', MESSAGE = format('Recall %s cannot be closed yet: %s', c.id, missing),
        HINT = 'Record the missing notifications, acknowledgements and returns first.',
      DETAIL = json_build_object('id', 'recall.cannot_close_yet', 'params', json_build_array(c.id, missing))::text;
    END IF;
  ELSE
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('Unknown meaning of signature “%s”.', p_meaning),
      DETAIL = json_build_object('id', 'release.unknown_meaning', 'params', json_build_array(p_meaning))::text;
  END IF;
  INSERT INTO recall_signature (recall_id, meaning, printed_name, signer_roles, content_digest, key_id, signature)
  VALUES (p_recall, p_meaning, me.printed_name, roles, p_digest, p_key_id, p_signature)
  RETURNING id INTO new_id;
  IF p_meaning = 'closed' THEN
    PERFORM set_config('medtrace.reason', format('Recall %s closed, signed by %s', c.id, me.printed_name), true);
    UPDATE recall_case SET state = 'closed', closed_by = session_user, closed_at = now() WHERE id = p_recall;
  END IF;
  RETURN new_id;
END $function$;

-- mt_signature_is_final()
CREATE OR REPLACE FUNCTION public.mt_signature_is_final()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01', MESSAGE = 'Electronic signatures cannot be changed or removed.',
      DETAIL = json_build_object('id', 'signature.final', 'params', json_build_array())::text;
END $function$;

-- mt_totp_match(bytea,text,timestamp with time zone,integer,integer,integer,bigint)
CREATE OR REPLACE FUNCTION public.mt_totp_match(secret bytea, code text, at timestamp with time zone, step integer DEFAULT 30, window_steps integer DEFAULT 1, digits integer DEFAULT 6, after_counter bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
AS $function$
-- RFC 6238 §4 and §5.2: the time-step counter in [T - window_steps, T + window_steps] whose HOTP equals
-- the code, or NULL. Counters <= after_counter are not considered: the caller passes the counter it
-- last accepted for this person, stores the one returned, and so every code is accepted once.
-- Every candidate is computed and compared, so the work done does not depend on which one matched.
DECLARE
    current_step bigint;
    candidate bigint;
    matched bigint;
BEGIN
    IF secret IS NULL OR code IS NULL OR at IS NULL THEN
        RETURN NULL;
    END IF;
    IF step IS NULL OR step < 1 OR window_steps IS NULL OR window_steps NOT BETWEEN 0 AND 10 THEN
        RAISE EXCEPTION 'A TOTP check needs a step of at least 1 second and a window of 0 to 10 steps.'
            USING ERRCODE = 'invalid_parameter_value',
      DETAIL = json_build_object('id', 'security.totp_parameters', 'params', json_build_array())::text;
    END IF;
    IF digits IS NULL OR digits NOT BETWEEN 6 AND 8 THEN
        RAISE EXCEPTION 'A one-time code has 6, 7 or 8 digits, not %.', digits
            USING ERRCODE = 'invalid_parameter_value',
      DETAIL = json_build_object('id', 'security.code_digits', 'params', json_build_array(digits))::text;
    END IF;
    -- RFC 4226 §4 R6: the shared secret is at least 128 bits.
    IF length(secret) < 16 THEN
        RAISE EXCEPTION 'A TOTP secret must be at least 16 bytes long.'
            USING ERRCODE = 'invalid_parameter_value',
      DETAIL = json_build_object('id', 'security.totp_secret_short', 'params', json_build_array())::text;
    END IF;
    IF code !~ ('^[0-9]{' || digits || '}$') THEN
        RETURN NULL;
    END IF;
    current_step := floor(extract(epoch FROM at) / step)::bigint;
    FOR offset_steps IN -window_steps .. window_steps LOOP
        candidate := current_step + offset_steps;
        IF mt_hotp(secret, candidate, digits) = code
                AND (after_counter IS NULL OR candidate > after_counter)
                AND matched IS NULL THEN
            matched := candidate;
        END IF;
    END LOOP;
    RETURN matched;
END
$function$;

-- mt_unlock_person(text)
CREATE OR REPLACE FUNCTION public.mt_unlock_person(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  who person%ROWTYPE;
BEGIN
  PERFORM mt_require_admin();
  SELECT * INTO who FROM person WHERE login = p_login FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login),
      DETAIL = json_build_object('id', 'people.no_such_user', 'params', json_build_array(p_login))::text;
  END IF;
  UPDATE person SET locked_until = NULL, lock_reason = NULL, attempts_mark = nextval(who.attempts_seq)
   WHERE id = who.id;
  DELETE FROM login_failure WHERE login = p_login;
  EXECUTE format('ALTER ROLE %I LOGIN', p_login);
END $function$;
"""

DOWNGRADE = r"""
-- assert_stock_not_negative(bigint,bigint)
CREATE OR REPLACE FUNCTION public.assert_stock_not_negative(p_lot bigint, p_party bigint)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
DECLARE
  balance bigint;
  lot_label text;
  party_label text;
BEGIN
  IF p_lot IS NULL OR p_party IS NULL THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(7001, (p_lot % 8192)::int);
  SELECT stock_at(p_lot, p_party) INTO balance;
  IF balance < 0 THEN
    SELECT l.lot_no || ' (' || p.di || ')' INTO lot_label
      FROM lot l JOIN product p ON p.id = l.product_id WHERE l.id = p_lot;
    SELECT code || ' ' || name INTO party_label FROM party WHERE id = p_party;
    RAISE EXCEPTION USING
      ERRCODE = 'MTS01',
      MESSAGE = format('Lot %s would have %s unit(s) at %s: stock cannot go below zero.',
                       lot_label, balance, party_label),
      HINT = 'Check the quantity, the lot and the sending location against the stock on hand.';
  END IF;
END $function$;

-- mt_acknowledge_expiry_alert(bigint,text,text)
CREATE OR REPLACE FUNCTION public.mt_acknowledge_expiry_alert(p_id bigint, p_note text, p_disposition text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_activate(text,text,text,bytea,bytea,jsonb)
CREATE OR REPLACE FUNCTION public.mt_activate(p_verifier text, p_seed_base32 text, p_first_code text, p_public_key bytea, p_wrapped_key bytea, p_wrap_params jsonb)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me person%ROWTYPE;
  act activation%ROWTYPE;
  seed bytea;
  matched bigint;
  raw text;
  code text;
BEGIN
  SELECT * INTO me FROM person WHERE login = session_user FOR UPDATE;
  IF NOT FOUND OR me.state <> 'pending' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA03', MESSAGE = 'This account has no pending activation.';
  END IF;
  SELECT * INTO act FROM activation WHERE person_id = me.id AND used_at IS NULL AND expires_at > now()
   ORDER BY id DESC LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA03', MESSAGE = 'The activation code has expired or was already used.',
      HINT = 'Ask an administrator for a new activation code.';
  END IF;
  IF p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The new password must be sent as a SCRAM-SHA-256 verifier.';
  END IF;
  seed := mt_base32_decode(p_seed_base32);
  IF octet_length(seed) < 20 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The authenticator seed must have at least 160 bits.';
  END IF;
  matched := mt_totp_match(seed, regexp_replace(coalesce(p_first_code, ''), '\s', '', 'g'), now(), 30, 1);
  IF matched IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA04',
      MESSAGE = 'The code from the authenticator app does not match.',
      HINT = 'Check that the phone''s clock is right, scan the QR code again and enter the current code.';
  END IF;
  UPDATE activation SET used_at = now() WHERE id = act.id;
  PERFORM mt_note_sign_in(me.login, 'activated');
  UPDATE person SET state = 'active', totp_seed = seed, totp_last_counter = matched,
                    attempts_mark = nextval(me.attempts_seq), locked_until = NULL
   WHERE id = me.id;
  EXECUTE format('ALTER ROLE %I PASSWORD %L VALID UNTIL ''infinity''', me.login, p_verifier);
  UPDATE signing_key SET retired_at = now() WHERE person_id = me.id AND retired_at IS NULL;
  INSERT INTO signing_key (person_id, login, public_key, wrapped_key, wrap_params)
  VALUES (me.id, me.login, p_public_key, p_wrapped_key, p_wrap_params);
  DELETE FROM recovery_code WHERE person_id = me.id;
  FOR i IN 1..10 LOOP
    raw := mt_new_secret(28);  -- 112 bits each
    code := concat_ws('-', substr(raw, 1, 4), substr(raw, 5, 4), substr(raw, 9, 4), substr(raw, 13, 4),
                      substr(raw, 17, 4), substr(raw, 21, 4), substr(raw, 25, 4));
    INSERT INTO recovery_code (person_id, code_hash) VALUES (me.id, mt_digest(code));
    RETURN NEXT code;
  END LOOP;
END $function$;

-- mt_audit_add_seal(bigint,bytea,text,bytea,bytea)
CREATE OR REPLACE FUNCTION public.mt_audit_add_seal(p_position bigint, p_head_hash bytea, p_occasion text, p_public_key bytea, p_signature bytea)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_audit_event(text,text,jsonb)
CREATE OR REPLACE FUNCTION public.mt_audit_event(p_kind text, p_record text, p_detail jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_audit_is_append_only()
CREATE OR REPLACE FUNCTION public.mt_audit_is_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01',
    MESSAGE = CASE WHEN TG_TABLE_NAME LIKE 'audit%'
                   THEN format('The audit trail cannot be changed (%s on %s refused).', TG_OP, TG_TABLE_NAME)
                   ELSE format('Records are never truncated (%s refused); correct them with new records.',
                               TG_TABLE_NAME) END;
END $function$;

-- mt_authorise_shelf_life_override(bigint,bigint,text)
CREATE OR REPLACE FUNCTION public.mt_authorise_shelf_life_override(p_lot bigint, p_party bigint, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_base32_decode(text)
CREATE OR REPLACE FUNCTION public.mt_base32_decode(encoded text)
 RETURNS bytea
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
-- RFC 4648 §6, case-insensitive, padded or not: the seeds pyotp makes and authenticator apps read.
-- Accepts exactly what pyotp accepts: it completes the padding, then base64.b32decode(casefold=True).
DECLARE
    alphabet constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    body text := upper(rtrim(encoded, '='));
    given_padding int := length(encoded) - length(rtrim(encoded, '='));
    buffer bigint := 0;
    buffered_bits int := 0;
    digit int;
    hex text := '';
BEGIN
    -- The last group of 8 characters may hold 1, 2, 3, 4 or 5 bytes, that is 6, 4, 3, 1 or no "=".
    IF given_padding + (8 - length(encoded) % 8) % 8 NOT IN (0, 1, 3, 4, 6) THEN
        IF given_padding = 0 THEN
            RAISE EXCEPTION 'This base32 text has % characters, which no whole number of bytes gives.',
                length(encoded) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RAISE EXCEPTION 'This base32 text has incorrect "=" padding.'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR position_in_text IN 1 .. length(body) LOOP
        digit := strpos(alphabet, substr(body, position_in_text, 1)) - 1;
        IF digit < 0 THEN
            RAISE EXCEPTION 'This base32 text has a character outside A-Z and 2-7 at position %.',
                position_in_text USING ERRCODE = 'invalid_parameter_value';
        END IF;
        buffer := (buffer << 5) | digit;
        buffered_bits := buffered_bits + 5;
        IF buffered_bits >= 8 THEN
            buffered_bits := buffered_bits - 8;
            hex := hex || lpad(to_hex(buffer >> buffered_bits), 2, '0');
            buffer := buffer & ((1 << buffered_bits) - 1);
        END IF;
    END LOOP;
    RETURN decode(hex, 'hex');
END
$function$;

-- mt_bootstrap_first_admin(text,text)
CREATE OR REPLACE FUNCTION public.mt_bootstrap_first_admin(p_login text, p_printed_name text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF EXISTS (SELECT FROM person) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'MedTrace already has users; sign in as an administrator.';
  END IF;
  RETURN mt_create_person_unchecked(p_login, p_printed_name, ARRAY['admin']);
END $function$;

-- mt_change_password(text,bytea,jsonb)
CREATE OR REPLACE FUNCTION public.mt_change_password(p_verifier text, p_wrapped_key bytea, p_wrap_params jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
BEGIN
  IF p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The new password must be sent as a SCRAM-SHA-256 verifier.';
  END IF;
  UPDATE signing_key SET wrapped_key = p_wrapped_key, wrap_params = p_wrap_params
   WHERE person_id = me AND retired_at IS NULL;
  EXECUTE format('ALTER ROLE %I PASSWORD %L', session_user, p_verifier);
END $function$;

-- mt_check_groups(text[])
CREATE OR REPLACE FUNCTION public.mt_check_groups(p_groups text[])
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF p_groups IS NULL OR cardinality(p_groups) = 0 OR NOT p_groups <@ ARRAY[
       'qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin'] THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = 'Choose at least one role from: QA reviewer, QA approver, regulatory, warehouse, auditor, administrator.';
  END IF;
END $function$;

-- mt_check_login_name(text)
CREATE OR REPLACE FUNCTION public.mt_check_login_name(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF p_login !~ '^[a-z][a-z0-9_.]{2,30}$' OR p_login ~ '^(pg_|medtrace)' OR p_login IN (
       'postgres', 'public', 'qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('“%s” cannot be used as a user name.', p_login),
      HINT = 'Use 3–31 lower-case letters, digits, “_” or “.”, starting with a letter.';
  END IF;
END $function$;

-- mt_create_person_unchecked(text,text,text[])
CREATE OR REPLACE FUNCTION public.mt_create_person_unchecked(p_login text, p_printed_name text, p_groups text[])
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  new_id bigint;
  seq text;
  g text;
BEGIN
  PERFORM mt_check_login_name(p_login);
  PERFORM mt_check_groups(p_groups);
  IF btrim(coalesce(p_printed_name, '')) = '' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'Enter the person''s full name as it appears on signatures.';
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = p_login) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('The user name “%s” is already taken.', p_login);
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN INHERIT IN ROLE medtrace_person', p_login);
  FOREACH g IN ARRAY p_groups LOOP
    EXECUTE format('GRANT %I TO %I', g, p_login);
  END LOOP;
  seq := format('person_attempts_%s', md5(p_login));
  EXECUTE format('CREATE SEQUENCE %I', seq);
  INSERT INTO person (login, printed_name, attempts_seq) VALUES (p_login, btrim(p_printed_name), seq::regclass)
  RETURNING id INTO new_id;
  RETURN mt_issue_activation(new_id);
END $function$;

-- mt_guard_lot_status()
CREATE OR REPLACE FUNCTION public.mt_guard_lot_status()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_guard_shipment()
CREATE OR REPLACE FUNCTION public.mt_guard_shipment()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_hotp(bytea,bigint,integer)
CREATE OR REPLACE FUNCTION public.mt_hotp(secret bytea, counter bigint, digits integer DEFAULT 6)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
-- RFC 4226 §5.3: HMAC-SHA1 of the 8-byte big-endian counter, then dynamic truncation.
DECLARE
    mac bytea;
    pick int;
    binary_code int;
BEGIN
    -- RFC 4226 §5.3 R4: 6 digits at least, possibly 7 or 8.
    IF digits NOT BETWEEN 6 AND 8 THEN
        RAISE EXCEPTION 'A one-time code has 6, 7 or 8 digits, not %.', digits
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    mac := mt_hmac_sha1(secret, int8send(counter));
    pick := get_byte(mac, 19) & 15;
    binary_code := ((get_byte(mac, pick) & 127) << 24) | (get_byte(mac, pick + 1) << 16)
        | (get_byte(mac, pick + 2) << 8) | get_byte(mac, pick + 3);
    RETURN lpad((binary_code % (10 ^ digits)::int)::text, digits, '0');
END
$function$;

-- mt_lock_person(text,text)
CREATE OR REPLACE FUNCTION public.mt_lock_person(p_login text, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  target bigint;
BEGIN
  PERFORM mt_require_admin();
  IF p_login = session_user THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'You cannot lock your own account.';
  END IF;
  SELECT id INTO target FROM person WHERE login = p_login;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login);
  END IF;
  PERFORM mt_lock(target, coalesce(nullif(btrim(p_reason), ''), 'Locked by an administrator'), 'infinity');
END $function$;

-- mt_mark_audit_reviewed(bigint)
CREATE OR REPLACE FUNCTION public.mt_mark_audit_reviewed(p_lot bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_open_recall(text,integer,bigint[],jsonb,text,text)
CREATE OR REPLACE FUNCTION public.mt_open_recall(p_kind text, p_level integer, p_lots bigint[], p_trigger jsonb, p_reason text, p_health_hazard text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
  reason text := mt_clean_reason(p_reason);
  new_id bigint;
  other record;
  opened timestamptz := now();
  ours bigint[];
BEGIN
  IF NOT (pg_has_role(session_user, 'regulatory', 'MEMBER') OR pg_has_role(session_user, 'qa_approver', 'MEMBER')) THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only regulatory affairs and QA approvers open recalls and drills.';
  END IF;
  IF p_kind NOT IN ('recall', 'drill') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('Unknown kind of recall “%s”.', p_kind);
  END IF;
  IF p_level NOT BETWEEN 1 AND 3 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The recall level is 1, 2 or 3 (一级, 二级, 三级).';
  END IF;
  IF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for the recall.';
  END IF;
  IF coalesce(cardinality(p_lots), 0) = 0 OR EXISTS (SELECT FROM unnest(p_lots) s WHERE NOT EXISTS (
       SELECT FROM lot WHERE id = s)) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such lot.';
  END IF;
  -- A lot is in at most one open real recall: a second one is refused, naming the case to work in.
  IF p_kind = 'recall' THEN
    PERFORM pg_advisory_xact_lock(hashtext('medtrace.recall.open'));
    SELECT c.id, l.lot_no INTO other
      FROM recall_lot rl JOIN recall_case c ON c.id = rl.recall_id JOIN lot l ON l.id = rl.lot_id
     WHERE rl.lot_id IN (SELECT w.lot_id FROM mt_recall_walk(p_lots) w)
       AND c.kind = 'recall' AND c.state <> 'closed'
     LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'MTC01',
        MESSAGE = format('Lot %s is already in open recall %s.', other.lot_no, other.id),
        HINT = 'Work the open recall, or close it before opening another on the same lots.';
    END IF;
  END IF;

  INSERT INTO recall_case (kind, level, trigger, reason, health_hazard, effectiveness_level, opened_at,
                           notify_deadline, plan_deadline, fda_report_deadline)
  VALUES (p_kind, p_level, coalesce(p_trigger, '{}'), reason, coalesce(btrim(p_health_hazard), ''),
          CASE p_level WHEN 1 THEN 'A' WHEN 2 THEN 'B' ELSE 'C' END, opened,
          -- 医疗器械召回管理办法: consignees notified within 1 / 3 / 7 days for 一级 / 二级 / 三级.
          opened + make_interval(days => CASE p_level WHEN 1 THEN 1 WHEN 2 THEN 3 ELSE 7 END),
          -- 医疗器械召回管理办法: investigation report and recall plan within 5 working days.
          mt_add_working_days(opened::date, 5),
          -- 21 CFR 806.10(b): report to FDA within 10 working days of initiating the correction or removal.
          mt_add_working_days(opened::date, 10))
  RETURNING id INTO new_id;

  WITH scope AS MATERIALIZED (SELECT w.lot_id, w.relation FROM mt_recall_walk(p_lots) w),
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

  SELECT array_agg(id) INTO ours FROM party WHERE kind = 'manufacturer';
  ours := coalesce(ours, '{}');

  -- Consignee lines at every tier (the consignee statement of app/services/trace.py, frozen).
  WITH RECURSIVE mv AS MATERIALIZED (
      SELECT m.kind, m.lot_id, m.quantity, m.from_party_id, m.to_party_id
        FROM movement m WHERE m.lot_id IN (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id)
  ),
  reach(lot_id, party_id, tier) AS (
      SELECT m.lot_id, m.to_party_id, 1 FROM mv m
       WHERE m.kind = 'ship' AND m.from_party_id = ANY (ours) AND m.to_party_id <> ALL (ours)
      UNION
      SELECT r.lot_id, m.to_party_id, r.tier + 1
        FROM reach r CROSS JOIN LATERAL (
             SELECT n.to_party_id FROM movement n
              WHERE n.lot_id = r.lot_id AND n.from_party_id = r.party_id AND n.kind = 'ship'
                AND n.to_party_id <> ALL (ours) OFFSET 0) m
       WHERE r.tier < 10
  ),
  tiers AS (SELECT lot_id, party_id, min(tier) AS tier FROM reach GROUP BY lot_id, party_id),
  flow_in AS (
      SELECT m.lot_id, m.to_party_id AS party_id, sum(m.quantity) AS quantity,
             sum(m.quantity) FILTER (WHERE m.kind = 'ship') AS shipped
        FROM mv m WHERE m.to_party_id IS NOT NULL GROUP BY m.lot_id, m.to_party_id
  ),
  flow_out AS (
      SELECT m.lot_id, m.from_party_id AS party_id,
             sum(m.quantity) FILTER (WHERE m.kind <> 'receive') AS quantity,
             sum(m.quantity) FILTER (WHERE m.kind = 'return') AS returned
        FROM mv m WHERE m.from_party_id IS NOT NULL GROUP BY m.lot_id, m.from_party_id
  ),
  lines AS (
      SELECT t.lot_id, t.party_id, t.tier, coalesce(i.shipped, 0) AS shipped, coalesce(o.returned, 0) AS returned,
             coalesce(i.quantity, 0) - coalesce(o.quantity, 0)
               - coalesce((SELECT sum(e.quantity) FROM genealogy_edge e
                            WHERE e.component_lot_id = t.lot_id AND e.site_id = t.party_id), 0) AS on_hand
        FROM tiers t
        LEFT JOIN flow_in i ON i.lot_id = t.lot_id AND i.party_id = t.party_id
        LEFT JOIN flow_out o ON o.lot_id = t.lot_id AND o.party_id = t.party_id
  ),
  consignees AS (
      INSERT INTO recall_consignee (recall_id, party_id, tier)
      SELECT new_id, party_id, min(tier) FROM lines GROUP BY party_id
      RETURNING party_id
  )
  INSERT INTO recall_line (recall_id, party_id, lot_id, tier, shipped, returned, on_hand)
  SELECT new_id, x.party_id, x.lot_id, x.tier, x.shipped, x.returned, x.on_hand
    FROM lines x WHERE x.party_id IN (SELECT party_id FROM consignees);

  UPDATE recall_case SET scope_frozen_at = clock_timestamp() WHERE id = new_id;

  -- Containment: the stock at our own sites. A real recall holds it now, in this transaction; a
  -- drill records what would be held and changes nothing.
  INSERT INTO recall_containment (recall_id, lot_id, site_id, quantity)
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
  IF p_kind = 'recall' THEN
    PERFORM set_config('medtrace.reason', format('Recall %s opened: %s', new_id, reason), true);
    UPDATE lot SET status = 'recalled'
     WHERE id IN (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id) AND status <> 'recalled';
  END IF;
  UPDATE recall_case SET contained_at = clock_timestamp() WHERE id = new_id;
  RETURN new_id;
END $function$;

-- mt_recall_ack(bigint,bigint)
CREATE OR REPLACE FUNCTION public.mt_recall_ack(p_recall bigint, p_party bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
  x recall_consignee%ROWTYPE;
BEGIN
  SELECT * INTO x FROM recall_consignee WHERE recall_id = p_recall AND party_id = p_party FOR UPDATE;
  IF x.notified_at IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'Record the notification before the acknowledgement.';
  END IF;
  IF x.acknowledged_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03',
      MESSAGE = format('Already acknowledged, recorded by %s at %s.', x.acknowledged_by,
                       to_char(x.acknowledged_at, 'YYYY-MM-DD HH24:MI TZ'));
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: acknowledgement received', c.id), true);
  UPDATE recall_consignee SET acknowledged_at = now(), acknowledged_by = session_user
   WHERE recall_id = p_recall AND party_id = p_party;
END $function$;

-- mt_recall_draw_checks(bigint,text)
CREATE OR REPLACE FUNCTION public.mt_recall_draw_checks(p_recall bigint, p_level text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, NULL);
  total integer;
  wanted integer;
BEGIN
  IF p_level NOT IN ('A', 'B', 'C', 'D', 'E') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The effectiveness check level is A, B, C, D or E.';
  END IF;
  IF EXISTS (SELECT FROM recall_check WHERE recall_id = p_recall AND result IS NOT NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03', MESSAGE = 'Checks have been recorded; the sample can no longer be redrawn.';
  END IF;
  SELECT count(*) INTO total FROM recall_consignee WHERE recall_id = p_recall;
  -- 7.42(b)(3): A = 100 %, B = more than C and less than 100 % (here 50 %), C = 10 %, D = 2 %, E = none.
  wanted := CASE p_level WHEN 'A' THEN total WHEN 'B' THEN ceil(total * 0.5) WHEN 'C' THEN ceil(total * 0.1)
                         WHEN 'D' THEN ceil(total * 0.02) ELSE 0 END;
  PERFORM set_config('medtrace.reason', format('Recall %s: effectiveness check sample, level %s', c.id, p_level), true);
  DELETE FROM recall_check WHERE recall_id = p_recall;
  UPDATE recall_case SET effectiveness_level = p_level WHERE id = p_recall;
  INSERT INTO recall_check (recall_id, party_id, drawn_rank)
  SELECT p_recall, party_id, rank FROM (
    SELECT x.party_id, row_number() OVER (ORDER BY sha256(convert_to(p_recall || ':' || p.code, 'UTF8'))) AS rank
      FROM recall_consignee x JOIN party p ON p.id = x.party_id WHERE x.recall_id = p_recall) s
   WHERE rank <= wanted;
  RETURN wanted;
END $function$;

-- mt_recall_is_final()
CREATE OR REPLACE FUNCTION public.mt_recall_is_final()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01', MESSAGE = 'Recall records are kept: they cannot be removed or rewritten.';
END $function$;

-- mt_recall_needs_initiation()
CREATE OR REPLACE FUNCTION public.mt_recall_needs_initiation()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF NOT EXISTS (SELECT FROM recall_signature WHERE recall_id = NEW.id AND meaning = 'initiated') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG05',
      MESSAGE = format('Recall %s was not signed “Recall initiated”; nothing was opened.', NEW.id);
  END IF;
  RETURN NULL;
END $function$;

-- mt_recall_notify(bigint,bigint,text)
CREATE OR REPLACE FUNCTION public.mt_recall_notify(p_recall bigint, p_party bigint, p_method text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
  x recall_consignee%ROWTYPE;
BEGIN
  IF p_method NOT IN ('phone', 'email', 'letter', 'fax', 'visit') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('Unknown notification method “%s”: phone, email, letter, fax or visit.', p_method);
  END IF;
  SELECT * INTO x FROM recall_consignee WHERE recall_id = p_recall AND party_id = p_party FOR UPDATE;
  IF x.notified_at IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTE03',
      MESSAGE = format('Already notified by %s at %s.', x.notified_by, to_char(x.notified_at, 'YYYY-MM-DD HH24:MI TZ'));
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: consignee notified by %s', c.id, p_method), true);
  UPDATE recall_consignee SET notified_at = now(), notified_by = session_user, method = p_method
   WHERE recall_id = p_recall AND party_id = p_party;
  PERFORM mt_recall_advance(p_recall);
END $function$;

-- mt_recall_record_check(bigint,bigint,text,text)
CREATE OR REPLACE FUNCTION public.mt_recall_record_check(p_recall bigint, p_party bigint, p_result text, p_note text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
BEGIN
  IF p_result NOT IN ('effective', 'ineffective', 'no_response') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The result of a check is effective, ineffective or no_response.';
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: effectiveness check %s', c.id, p_result), true);
  UPDATE recall_check SET result = p_result, note = coalesce(p_note, ''), checked_by = session_user, checked_at = now()
   WHERE recall_id = p_recall AND party_id = p_party;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'This consignee is not in the drawn sample.';
  END IF;
END $function$;

-- mt_recall_return(bigint,bigint,bigint,bigint)
CREATE OR REPLACE FUNCTION public.mt_recall_return(p_recall bigint, p_party bigint, p_lot bigint, p_quantity bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c recall_case := mt_recall_worker(p_recall, p_party);
  x recall_line%ROWTYPE;
  site bigint;
  moved bigint;
  new_id bigint;
BEGIN
  SELECT * INTO x FROM recall_line WHERE recall_id = p_recall AND party_id = p_party AND lot_id = p_lot FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('This lot was not shipped to this consignee in recall %s.', c.id);
  END IF;
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The quantity returned is a whole number above zero.';
  END IF;
  IF x.returned_in_case + p_quantity > greatest(x.on_hand, 0) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTC02',
      MESSAGE = format('A return of %s is more than this consignee holds of the lot: %s on hand at opening, %s returned since.',
                       p_quantity, greatest(x.on_hand, 0), x.returned_in_case),
      HINT = 'Check the count with the consignee.';
  END IF;
  PERFORM set_config('medtrace.reason', format('Recall %s: %s unit(s) returned', c.id, p_quantity), true);
  IF c.kind = 'recall' THEN
    SELECT m.from_party_id INTO site FROM movement m JOIN party p ON p.id = m.from_party_id AND p.kind = 'manufacturer'
     WHERE m.lot_id = p_lot AND m.kind = 'ship' ORDER BY m.id LIMIT 1;
    IF site IS NULL THEN
      SELECT id INTO site FROM party WHERE kind = 'manufacturer' ORDER BY id LIMIT 1;
    END IF;
    INSERT INTO movement (kind, lot_id, quantity, from_party_id, to_party_id, moved_on, document_no)
    VALUES ('return', p_lot, p_quantity, p_party, site, current_date, format('RECALL-%s', c.id))
    RETURNING id INTO moved;
  END IF;
  UPDATE recall_line SET returned_in_case = returned_in_case + p_quantity
   WHERE recall_id = p_recall AND party_id = p_party AND lot_id = p_lot;
  INSERT INTO recall_return (recall_id, party_id, lot_id, quantity, movement_id)
  VALUES (p_recall, p_party, p_lot, p_quantity, moved) RETURNING id INTO new_id;
  RETURN new_id;
END $function$;

-- mt_recall_worker(bigint,bigint)
CREATE OR REPLACE FUNCTION public.mt_recall_worker(p_recall bigint, p_party bigint)
 RETURNS recall_case
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
  c recall_case%ROWTYPE;
BEGIN
  SELECT * INTO c FROM recall_case WHERE id = p_recall FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such recall.';
  END IF;
  IF c.state = 'closed' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTC03', MESSAGE = format('Recall %s is closed; nothing more is recorded on it.', c.id);
  END IF;
  IF p_party IS NOT NULL AND NOT EXISTS (SELECT FROM recall_consignee WHERE recall_id = p_recall AND party_id = p_party) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('This party is not a consignee of recall %s.', c.id);
  END IF;
  RETURN c;
END $function$;

-- mt_record_label_verification(bigint,text,boolean,jsonb)
CREATE OR REPLACE FUNCTION public.mt_record_label_verification(p_lot bigint, p_raw_scan text, p_matched boolean, p_detail jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_require_admin()
CREATE OR REPLACE FUNCTION public.mt_require_admin()
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
BEGIN
  IF NOT pg_has_role(session_user, 'admin', 'MEMBER') THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only administrators may manage people.';
  END IF;
  RETURN me;
END $function$;

-- mt_require_reason()
CREATE OR REPLACE FUNCTION public.mt_require_reason()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF mt_clean_reason(current_setting('medtrace.reason', true)) IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01',
      MESSAGE = format('A reason for change is required to %s a %s record.', lower(TG_OP),
                       replace(TG_TABLE_NAME, '_', ' ')),
      HINT = 'State why the record is changed; the reason is kept in the audit trail.';
  END IF;
  RETURN coalesce(NEW, OLD);
END $function$;

-- mt_require_verified()
CREATE OR REPLACE FUNCTION public.mt_require_verified()
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint;
BEGIN
  IF NOT mt_session_verified() THEN
    RAISE EXCEPTION USING ERRCODE = 'MTA01',
      MESSAGE = 'This session has not been verified with a second factor.',
      HINT = 'Sign in again with your password and authenticator code.';
  END IF;
  SELECT id INTO me FROM person WHERE login = session_user;
  RETURN me;
END $function$;

-- mt_reset_person(text)
CREATE OR REPLACE FUNCTION public.mt_reset_person(p_login text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  who person%ROWTYPE;
BEGIN
  PERFORM mt_require_admin();
  SELECT * INTO who FROM person WHERE login = p_login FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login);
  END IF;
  UPDATE person SET locked_until = NULL, lock_reason = NULL, attempts_mark = nextval(who.attempts_seq)
   WHERE id = who.id;
  DELETE FROM login_failure WHERE login = p_login;
  UPDATE signing_key SET retired_at = now() WHERE person_id = who.id AND retired_at IS NULL;
  RETURN mt_issue_activation(who.id);
END $function$;

-- mt_set_expiry_policy(integer,text,text)
CREATE OR REPLACE FUNCTION public.mt_set_expiry_policy(p_escalate_after_days integer, p_qa_manager text, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM mt_require_verified();
  IF mt_clean_reason(p_reason) IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for this change.';
  END IF;
  PERFORM set_config('medtrace.reason', p_reason, true);
  UPDATE expiry_policy SET escalate_after_days = p_escalate_after_days, qa_manager = nullif(p_qa_manager, ''),
         changed_at = now(), changed_by = session_user WHERE id = 1;
END $function$;

-- mt_set_groups(text,text[])
CREATE OR REPLACE FUNCTION public.mt_set_groups(p_login text, p_groups text[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  g text;
BEGIN
  PERFORM mt_require_admin();
  PERFORM mt_check_groups(p_groups);
  IF NOT EXISTS (SELECT FROM person WHERE login = p_login) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login);
  END IF;
  IF p_login = session_user AND NOT 'admin' = ANY (p_groups) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'You cannot remove your own administrator role.';
  END IF;
  FOREACH g IN ARRAY ARRAY['qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin'] LOOP
    IF g = ANY (p_groups) THEN
      EXECUTE format('GRANT %I TO %I', g, p_login);
    ELSE
      EXECUTE format('REVOKE %I FROM %I', g, p_login);
    END IF;
  END LOOP;
END $function$;

-- mt_set_work_day(date,boolean,text,text)
CREATE OR REPLACE FUNCTION public.mt_set_work_day(p_day date, p_working boolean, p_note text, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me bigint := mt_require_verified();
  reason text := mt_clean_reason(p_reason);
BEGIN
  IF reason IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'MTR01', MESSAGE = 'State the reason for this change to the working calendar.';
  END IF;
  PERFORM set_config('medtrace.reason', reason, true);
  IF p_working IS NULL THEN
    DELETE FROM work_calendar WHERE day = p_day;
  ELSE
    INSERT INTO work_calendar (day, working, note) VALUES (p_day, p_working, coalesce(p_note, ''))
    ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, note = EXCLUDED.note,
                                    changed_by = session_user, changed_at = now();
  END IF;
END $function$;

-- mt_sign_lot(bigint,text,bytea,bytea,bigint,text)
CREATE OR REPLACE FUNCTION public.mt_sign_lot(p_lot bigint, p_meaning text, p_digest bytea, p_signature bytea, p_key_id bigint, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;

-- mt_sign_recall(bigint,text,bytea,bytea,bigint)
CREATE OR REPLACE FUNCTION public.mt_sign_recall(p_recall bigint, p_meaning text, p_digest bytea, p_signature bytea, p_key_id bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  me_id bigint := mt_require_verified();
  me person%ROWTYPE;
  c recall_case%ROWTYPE;
  roles text[];
  missing text;
  new_id bigint;
  content_digest bytea;
BEGIN
  SELECT * INTO me FROM person WHERE id = me_id;
  SELECT * INTO c FROM recall_case WHERE id = p_recall FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such recall.';
  END IF;
  IF NOT EXISTS (SELECT FROM signing_key WHERE id = p_key_id AND person_id = me_id AND retired_at IS NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG01', MESSAGE = 'The signature was not made with your current signing key.';
  END IF;
  SELECT d.digest INTO content_digest FROM recall_signing_digest d
   WHERE d.xact = txid_current() AND d.recall_id = p_recall AND d.started_at = now();
  IF content_digest IS NULL THEN
    content_digest := sha256(convert_to(mt_recall_canonical(p_recall), 'UTF8'));
  END IF;
  DELETE FROM recall_signing_digest WHERE xact = txid_current() AND recall_id = p_recall;
  IF p_digest IS DISTINCT FROM content_digest THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG02', MESSAGE = 'The recall changed while you were signing; review it and sign again.';
  END IF;
  SELECT array_agg(g ORDER BY g) INTO roles FROM unnest(ARRAY['qa_approver', 'regulatory']) g
   WHERE pg_has_role(session_user, g, 'MEMBER');
  IF roles IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only regulatory affairs and QA approvers sign recalls.';
  END IF;
  IF p_meaning = 'initiated' THEN
    IF c.opened_by <> session_user THEN
      RAISE EXCEPTION USING ERRCODE = 'MTG03', MESSAGE = 'The person who opens a recall signs its initiation.';
    END IF;
  ELSIF p_meaning = 'closed' THEN
    IF c.state = 'closed' THEN
      RAISE EXCEPTION USING ERRCODE = 'MTC03', MESSAGE = format('Recall %s is already closed.', c.id);
    END IF;
    missing := mt_recall_outstanding(p_recall);
    IF missing IS NOT NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'MTC03', MESSAGE = format('Recall %s cannot be closed yet: %s', c.id, missing),
        HINT = 'Record the missing notifications, acknowledgements and returns first.';
    END IF;
  ELSE
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('Unknown meaning of signature “%s”.', p_meaning);
  END IF;
  INSERT INTO recall_signature (recall_id, meaning, printed_name, signer_roles, content_digest, key_id, signature)
  VALUES (p_recall, p_meaning, me.printed_name, roles, p_digest, p_key_id, p_signature)
  RETURNING id INTO new_id;
  IF p_meaning = 'closed' THEN
    PERFORM set_config('medtrace.reason', format('Recall %s closed, signed by %s', c.id, me.printed_name), true);
    UPDATE recall_case SET state = 'closed', closed_by = session_user, closed_at = now() WHERE id = p_recall;
  END IF;
  RETURN new_id;
END $function$;

-- mt_signature_is_final()
CREATE OR REPLACE FUNCTION public.mt_signature_is_final()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01', MESSAGE = 'Electronic signatures cannot be changed or removed.';
END $function$;

-- mt_totp_match(bytea,text,timestamp with time zone,integer,integer,integer,bigint)
CREATE OR REPLACE FUNCTION public.mt_totp_match(secret bytea, code text, at timestamp with time zone, step integer DEFAULT 30, window_steps integer DEFAULT 1, digits integer DEFAULT 6, after_counter bigint DEFAULT NULL::bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE
AS $function$
-- RFC 6238 §4 and §5.2: the time-step counter in [T - window_steps, T + window_steps] whose HOTP equals
-- the code, or NULL. Counters <= after_counter are not considered: the caller passes the counter it
-- last accepted for this person, stores the one returned, and so every code is accepted once.
-- Every candidate is computed and compared, so the work done does not depend on which one matched.
DECLARE
    current_step bigint;
    candidate bigint;
    matched bigint;
BEGIN
    IF secret IS NULL OR code IS NULL OR at IS NULL THEN
        RETURN NULL;
    END IF;
    IF step IS NULL OR step < 1 OR window_steps IS NULL OR window_steps NOT BETWEEN 0 AND 10 THEN
        RAISE EXCEPTION 'A TOTP check needs a step of at least 1 second and a window of 0 to 10 steps.'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF digits IS NULL OR digits NOT BETWEEN 6 AND 8 THEN
        RAISE EXCEPTION 'A one-time code has 6, 7 or 8 digits, not %.', digits
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- RFC 4226 §4 R6: the shared secret is at least 128 bits.
    IF length(secret) < 16 THEN
        RAISE EXCEPTION 'A TOTP secret must be at least 16 bytes long.'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF code !~ ('^[0-9]{' || digits || '}$') THEN
        RETURN NULL;
    END IF;
    current_step := floor(extract(epoch FROM at) / step)::bigint;
    FOR offset_steps IN -window_steps .. window_steps LOOP
        candidate := current_step + offset_steps;
        IF mt_hotp(secret, candidate, digits) = code
                AND (after_counter IS NULL OR candidate > after_counter)
                AND matched IS NULL THEN
            matched := candidate;
        END IF;
    END LOOP;
    RETURN matched;
END
$function$;

-- mt_unlock_person(text)
CREATE OR REPLACE FUNCTION public.mt_unlock_person(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  who person%ROWTYPE;
BEGIN
  PERFORM mt_require_admin();
  SELECT * INTO who FROM person WHERE login = p_login FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = format('There is no user “%s”.', p_login);
  END IF;
  UPDATE person SET locked_until = NULL, lock_reason = NULL, attempts_mark = nextval(who.attempts_seq)
   WHERE id = who.id;
  DELETE FROM login_failure WHERE login = p_login;
  EXECUTE format('ALTER ROLE %I LOGIN', p_login);
END $function$;
"""

# The release checklist's sentences (printed in release records) get their ids too: a fourth column,
# `message` ({"id", "params"}), beside the English `detail`. A new result column needs DROP and CREATE;
# nothing depends on the function in the catalogue (plpgsql and string SQL bodies are not tracked), and
# its one grant is given again.
CHECKLIST_UPGRADE = r"""
CREATE FUNCTION mt_message(p_id text, p_params jsonb DEFAULT '[]') RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT jsonb_build_object('id', p_id, 'params', p_params)
$$;
GRANT EXECUTE ON FUNCTION mt_message(text, jsonb) TO medtrace_person;
DROP FUNCTION mt_lot_checklist(bigint);
CREATE OR REPLACE FUNCTION public.mt_lot_checklist(p_lot bigint)
 RETURNS TABLE(item text, ok boolean, detail text, message jsonb)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
  message := CASE WHEN n_qc = 0 THEN mt_message('checklist.no_qc')
                  WHEN n_failed > 0 THEN mt_message('checklist.qc_out_of_spec', jsonb_build_array(n_failed, n_qc, failed_names))
                  ELSE mt_message('checklist.qc_ok', jsonb_build_array(n_qc)) END;
  RETURN NEXT;

  SELECT count(*), string_agg(number, ', ' ORDER BY id) INTO n_open, open_numbers
    FROM deviation WHERE lot_id = p_lot AND status <> 'closed';
  item := 'deviations';
  ok := n_open = 0;
  detail := CASE WHEN n_open = 0 THEN 'No open deviations.'
                 ELSE format('%s open deviation(s): %s.', n_open, open_numbers) END;
  message := CASE WHEN n_open = 0 THEN mt_message('checklist.no_open_deviations')
                  ELSE mt_message('checklist.open_deviations', jsonb_build_array(n_open, open_numbers)) END;
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
  message := CASE WHEN label.id IS NULL THEN mt_message('checklist.label_not_scanned')
                  WHEN NOT label.matched THEN mt_message('checklist.label_mismatch')
                  WHEN NOT ok THEN mt_message('checklist.label_stale')
                  ELSE mt_message('checklist.label_verified', jsonb_build_array(label.verified_by,
                                  to_char(label.verified_at, 'YYYY-MM-DD HH24:MI TZ'))) END;
  RETURN NEXT;

  SELECT * INTO review FROM audit_review WHERE lot_id = p_lot ORDER BY id DESC LIMIT 1;
  item := 'audit_trail_reviewed';
  ok := FOUND AND review.up_to_entry_id >= last_change;
  detail := CASE WHEN review.id IS NULL THEN 'The lot''s audit trail has not been reviewed.'
                 WHEN NOT ok THEN 'The lot changed after its audit trail was reviewed; review it again.'
                 ELSE format('Audit trail reviewed by %s on %s.', review.reviewed_by,
                             to_char(review.reviewed_at, 'YYYY-MM-DD HH24:MI TZ')) END;
  message := CASE WHEN review.id IS NULL THEN mt_message('checklist.audit_not_reviewed')
                  WHEN NOT ok THEN mt_message('checklist.audit_stale')
                  ELSE mt_message('checklist.audit_reviewed', jsonb_build_array(review.reviewed_by,
                                  to_char(review.reviewed_at, 'YYYY-MM-DD HH24:MI TZ'))) END;
  RETURN NEXT;
END $function$;
GRANT EXECUTE ON FUNCTION mt_lot_checklist(bigint) TO medtrace_person;
"""

CHECKLIST_DOWNGRADE = r"""
DROP FUNCTION mt_lot_checklist(bigint);
CREATE OR REPLACE FUNCTION public.mt_lot_checklist(p_lot bigint)
 RETURNS TABLE(item text, ok boolean, detail text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'public', 'pg_catalog', 'pg_temp'
AS $function$
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
END $function$;
GRANT EXECUTE ON FUNCTION mt_lot_checklist(bigint) TO medtrace_person;
DROP FUNCTION mt_message(text, jsonb);
"""


def upgrade() -> None:
    op.execute(CHECKLIST_UPGRADE)
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
    op.execute(CHECKLIST_DOWNGRADE)
