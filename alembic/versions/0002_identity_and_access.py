"""identity and access: people as database roles, TOTP verified by the database, lockout

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

DESIGN §3. Each person is a PostgreSQL login role (SCRAM-SHA-256, verified by PostgreSQL). Group roles
carry the grants of app/security/permissions.py. Row-level security (forced, so the owner is bound
too) lets a session read and change GMP rows only after it has presented a valid TOTP or recovery
code to mt_verify_totp() in this very backend, or a session token the database issued at that
verification (further pooled connections of the same signed-in person).

Secrets (TOTP seeds, code hashes, tokens) live in tables with no grants to any login role; only the
SECURITY DEFINER functions below, owned by the NOLOGIN medtrace_owner, read them. Each definer function
pins search_path and has EXECUTE revoked from PUBLIC.

Team rules for migrations:
- Every migration has a working downgrade; `make test` runs upgrade → downgrade base → upgrade.
- Objects are owned by medtrace_owner (NOLOGIN); SECURITY DEFINER functions pin search_path and
  REVOKE EXECUTE FROM PUBLIC.
- New GMP tables get the change-broadcast trigger, the audit trigger and the RLS policy.
- Never edit a migration that has landed on main: write a new one.
"""
from collections.abc import Sequence

from alembic import op

# The TOTP building blocks are pure functions (SHA-1, HMAC, HOTP, TOTP; proven against the RFC vectors
# in tests/integration/test_totp_sql.py). A later change to them comes with its own migration that
# replaces them; this one installs the version current at revision 0002.
from app.security.totp_sql import DROP as TOTP_DROP
from app.security.totp_sql import FUNCTIONS as TOTP_FUNCTIONS

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse", "auditor", "admin")
GMP_TABLES = (
    "product", "party", "lot", "serial_unit", "qc_result", "deviation", "genealogy_edge", "movement",
)
# A frozen copy of app/security/permissions.py at this revision (a test compares the live grants).
READ_ALL = (*GMP_TABLES, "stock_on_hand")
EXTRA_GRANTS = {
    "qa_reviewer": ("INSERT, UPDATE ON qc_result", "INSERT, UPDATE ON deviation"),
    "qa_approver": ("UPDATE ON deviation",),
    "regulatory": ("INSERT, UPDATE ON product", "INSERT, UPDATE ON party"),
    "warehouse": (
        "INSERT ON lot", "UPDATE (production_date, expiry_date, quantity) ON lot", "INSERT ON serial_unit",
        "INSERT ON genealogy_edge", "INSERT ON movement", "INSERT ON party",
    ),
    "auditor": (),
    "admin": (),
}
SEQUENCE_TABLES = ("lot", "serial_unit", "qc_result", "deviation", "genealogy_edge", "movement", "product", "party")
FUNCTION_GRANTS = {
    "mt_verify_totp(text, integer)": "medtrace_person",
    "mt_resume_session(text)": "medtrace_person",
    "mt_touch_session(text)": "medtrace_person",
    "mt_end_session(text)": "medtrace_person",
    "mt_my_account()": "medtrace_person",
    "mt_activate(text, text, text, bytea, bytea, jsonb)": "medtrace_person",
    "mt_change_password(text, bytea, jsonb)": "medtrace_person",
    "mt_my_signing_key()": "medtrace_person",
    "mt_people()": "admin",
    "mt_create_person(text, text, text[])": "admin",
    "mt_set_groups(text, text[])": "admin",
    "mt_lock_person(text, text)": "admin",
    "mt_unlock_person(text)": "admin",
    "mt_reset_person(text)": "admin",
    "mt_security_alerts()": "admin",
    "mt_acknowledge_alert(bigint)": "admin",
    "mt_record_login_failure(text)": "medtrace_gate",
}
# Internal helpers: callable only by other definer functions (the owner) and superusers.
# mt_session_verified() is called by the RLS policies in the querying person's own context.
INTERNAL_FUNCTIONS = (
    "mt_session_verified()",
    "mt_failures(bigint)", "mt_is_locked(bigint)", "mt_require_verified()", "mt_require_admin()", "mt_new_secret(integer)",
    "mt_digest(text)", "mt_raise_alert(text, text, text)", "mt_note_sign_in(text, text)", "mt_lock(bigint, text, timestamptz)",
    "mt_issue_activation(bigint)", "mt_check_login_name(text)", "mt_check_groups(text[])",
    "mt_bootstrap_first_admin(text, text)", "mt_create_person_unchecked(text, text, text[])",
)

ROLES = r"""
DO $$
DECLARE
  g text;
BEGIN
  FOREACH g IN ARRAY ARRAY['medtrace_person', 'qa_reviewer', 'qa_approver', 'regulatory', 'warehouse',
                           'auditor', 'admin'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = g) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', g);
    END IF;
    -- The owner creates people and sets their groups, only through the definer functions below.
    EXECUTE format('GRANT %I TO medtrace_owner WITH ADMIN OPTION, INHERIT FALSE, SET FALSE', g);
  END LOOP;
  -- Password failures are reported through this narrowly privileged role (see mt_record_login_failure).
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'medtrace_gate') THEN
    CREATE ROLE medtrace_gate LOGIN NOINHERIT CONNECTION LIMIT 20 PASSWORD 'medtrace-gate';
  END IF;
END $$;
ALTER ROLE medtrace_owner CREATEROLE;
-- To tell this backend from a later one that reuses its pid, the definer functions read backend_start.
GRANT pg_read_all_stats TO medtrace_owner;
"""

TABLES = r"""
CREATE TABLE person (
    id bigserial CONSTRAINT pk_person PRIMARY KEY,
    login text NOT NULL CONSTRAINT uq_person_login UNIQUE,
    printed_name text NOT NULL CONSTRAINT ck_person_printed_name CHECK (printed_name <> ''),
    state text NOT NULL DEFAULT 'pending'
        CONSTRAINT ck_person_state CHECK (state IN ('pending', 'active', 'disabled')),
    totp_seed bytea,
    totp_last_counter bigint NOT NULL DEFAULT 0,
    attempts_seq regclass NOT NULL,
    attempts_mark bigint NOT NULL DEFAULT 0,
    locked_until timestamptz,
    lock_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT session_user
);
COMMENT ON TABLE person IS 'People = login roles. Seeds and counters: no login role may read this table.';

CREATE TABLE login_failure (
    login text CONSTRAINT pk_login_failure PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    last_failure_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE activation (
    id bigserial CONSTRAINT pk_activation PRIMARY KEY,
    person_id bigint NOT NULL CONSTRAINT fk_activation_person_id_person REFERENCES person (id),
    code_hash bytea NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by name NOT NULL DEFAULT session_user
);

CREATE TABLE recovery_code (
    id bigserial CONSTRAINT pk_recovery_code PRIMARY KEY,
    person_id bigint NOT NULL CONSTRAINT fk_recovery_code_person_id_person REFERENCES person (id),
    code_hash bytea NOT NULL CONSTRAINT uq_recovery_code_code_hash UNIQUE,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE session_token (
    token_hash bytea CONSTRAINT pk_session_token PRIMARY KEY,
    person_id bigint NOT NULL CONSTRAINT fk_session_token_person_id_person REFERENCES person (id),
    idle_minutes integer NOT NULL CONSTRAINT ck_session_token_idle CHECK (idle_minutes BETWEEN 1 AND 240),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE verified_backend (
    pid integer NOT NULL,
    backend_start timestamptz NOT NULL,
    person_id bigint NOT NULL CONSTRAINT fk_verified_backend_person_id_person REFERENCES person (id),
    token_hash bytea NOT NULL CONSTRAINT fk_verified_backend_token_hash_session_token
        REFERENCES session_token (token_hash),
    verified_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_verified_backend PRIMARY KEY (pid, backend_start)
);

CREATE TABLE security_alert (
    id bigserial CONSTRAINT pk_security_alert PRIMARY KEY,
    raised_at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL,
    login text NOT NULL,
    detail text NOT NULL DEFAULT '',
    acknowledged_by name,
    acknowledged_at timestamptz
);

-- Personal signing keys (21 CFR 11.70): the private half only wrapped under the person's password
-- (Argon2id + AES-GCM, done on the workstation: app/security/signing.py). Retired keys are kept so
-- that old signatures still verify.
CREATE TABLE signing_key (
    id bigserial CONSTRAINT pk_signing_key PRIMARY KEY,
    person_id bigint NOT NULL CONSTRAINT fk_signing_key_person_id_person REFERENCES person (id),
    login text NOT NULL,
    public_key bytea NOT NULL CONSTRAINT uq_signing_key_public_key UNIQUE
        CONSTRAINT ck_signing_key_public_key CHECK (octet_length(public_key) = 32),
    wrapped_key bytea NOT NULL,
    wrap_params jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    retired_at timestamptz
);
CREATE UNIQUE INDEX uq_signing_key_one_active ON signing_key (person_id) WHERE retired_at IS NULL;

-- Sign-in outcomes (21 CFR 11.300(d)); audited by the audit trail like every other record.
CREATE TABLE sign_in_event (
    id bigserial CONSTRAINT pk_sign_in_event PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    login text NOT NULL,
    outcome text NOT NULL CONSTRAINT ck_sign_in_event_outcome CHECK (outcome IN (
        'verified', 'recovery_code_used', 'second_factor_failed', 'password_failed', 'locked', 'session_resumed',
        'session_ended', 'activated')),
    workstation text NOT NULL DEFAULT current_setting('application_name')
);

REVOKE ALL ON signing_key, sign_in_event, person, login_failure, activation, recovery_code, session_token, verified_backend,
              security_alert FROM PUBLIC;
"""

HELPERS = r"""
CREATE FUNCTION mt_digest(secret text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT sha256(convert_to(upper(regexp_replace(secret, '[\s-]', '', 'g')), 'UTF8'))
$$;

-- 4·n hex characters from the server's strong random source (gen_random_uuid uses pg_strong_random).
CREATE FUNCTION mt_new_secret(hex_chars integer) RETURNS text
LANGUAGE sql VOLATILE STRICT SET search_path = pg_catalog, pg_temp AS $$
  SELECT upper(substr(string_agg(encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text,
                                                          'UTF8')), 'hex'), ''), 1, hex_chars))
  FROM generate_series(1, (hex_chars + 63) / 64)
$$;

-- Failed attempts since the last success: second-factor guesses (from the non-transactional
-- sequence) plus password failures reported through the gate.
CREATE FUNCTION mt_failures(p_person bigint) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT greatest(coalesce(pg_sequence_last_value(p.attempts_seq), 0) - p.attempts_mark, 0)
         + coalesce((SELECT f.failures FROM login_failure f WHERE f.login = p.login), 0)
    FROM person p WHERE p.id = p_person
$$;

CREATE FUNCTION mt_is_locked(p_person bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT (p.locked_until IS NOT NULL AND p.locked_until > now()) OR mt_failures(p.id) >= 5
    FROM person p WHERE p.id = p_person
$$;

-- Is this backend (pid + start time, so a reused pid does not inherit it) signed in with a second
-- factor, as the person it authenticated as, with a session that has not expired or been ended?
CREATE FUNCTION mt_session_verified() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1
      FROM verified_backend v
      JOIN person p ON p.id = v.person_id
      JOIN session_token t ON t.token_hash = v.token_hash
     WHERE v.pid = pg_backend_pid()
       AND v.backend_start = (SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a)
       AND p.login = session_user
       AND p.state = 'active'
       AND NOT mt_is_locked(p.id)
       AND t.revoked_at IS NULL
       AND t.expires_at > now())
$$;

CREATE FUNCTION mt_require_verified() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_require_admin() RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  me bigint := mt_require_verified();
BEGIN
  IF NOT pg_has_role(session_user, 'admin', 'MEMBER') THEN
    RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'Only administrators may manage people.';
  END IF;
  RETURN me;
END $$;

CREATE FUNCTION mt_note_sign_in(p_login text, p_outcome text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  INSERT INTO sign_in_event (login, outcome) VALUES (p_login, p_outcome);
$$;

CREATE FUNCTION mt_raise_alert(p_kind text, p_login text, p_detail text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  INSERT INTO security_alert (kind, login, detail) VALUES (p_kind, p_login, p_detail);
  SELECT pg_notify('medtrace_changes', 'security_alert');
$$;

-- 21 CFR 11.300(d): lock the account and alert administrators at once.
CREATE FUNCTION mt_lock(p_person bigint, p_reason text, p_until timestamptz) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  who text;
BEGIN
  UPDATE person SET locked_until = p_until, lock_reason = p_reason WHERE id = p_person RETURNING login INTO who;
  UPDATE session_token SET revoked_at = now() WHERE person_id = p_person AND revoked_at IS NULL;
  IF p_until = 'infinity' THEN
    EXECUTE format('ALTER ROLE %I NOLOGIN', who);
  END IF;
  PERFORM mt_raise_alert('account_locked', who, p_reason);
END $$;

CREATE FUNCTION mt_check_login_name(p_login text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_login !~ '^[a-z][a-z0-9_.]{2,30}$' OR p_login ~ '^(pg_|medtrace)' OR p_login IN (
       'postgres', 'public', 'qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = format('“%s” cannot be used as a user name.', p_login),
      HINT = 'Use 3–31 lower-case letters, digits, “_” or “.”, starting with a letter.';
  END IF;
END $$;

CREATE FUNCTION mt_check_groups(p_groups text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF p_groups IS NULL OR cardinality(p_groups) = 0 OR NOT p_groups <@ ARRAY[
       'qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor', 'admin'] THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01',
      MESSAGE = 'Choose at least one role from: QA reviewer, QA approver, regulatory, warehouse, auditor, administrator.';
  END IF;
END $$;

-- A random, expiring, one-time activation code. It becomes the role's password (PostgreSQL itself
-- expires it with VALID UNTIL); at first use the person must choose a password and enrol TOTP, so
-- no administrator ever learns either.
CREATE FUNCTION mt_issue_activation(p_person bigint) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  raw text := mt_new_secret(25);
  code text := concat_ws('-', substr(raw, 1, 5), substr(raw, 6, 5), substr(raw, 11, 5), substr(raw, 16, 5),
                         substr(raw, 21, 5));
  expires timestamptz := now() + interval '72 hours';
  who text;
BEGIN
  UPDATE activation SET used_at = now() WHERE person_id = p_person AND used_at IS NULL;
  INSERT INTO activation (person_id, code_hash, expires_at) VALUES (p_person, mt_digest(code), expires);
  UPDATE person SET state = 'pending', totp_seed = NULL, totp_last_counter = 0 WHERE id = p_person
    RETURNING login INTO who;
  DELETE FROM recovery_code WHERE person_id = p_person;
  UPDATE session_token SET revoked_at = now() WHERE person_id = p_person AND revoked_at IS NULL;
  EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L VALID UNTIL %L', who, code, expires);
  RETURN code;
END $$;
"""

SESSION_FUNCTIONS = r"""
-- The second factor, checked by the database in the signing-in connection itself (DESIGN §3).
-- Returns ('verified', token) | ('failed' | 'replayed' | 'locked' | 'not_enrolled', NULL).
--
-- Why attempts are counted with a sequence: a caller with psql could wrap guesses in a transaction
-- and roll it back, erasing an ordinary counter (and the lock). nextval() is not transactional, so
-- every guess counts whatever happens to the transaction; the lock state is derived from it too
-- (mt_failures), so rolling back the lock itself gains nothing.
CREATE FUNCTION mt_verify_totp(p_code text, p_idle_minutes integer DEFAULT 15)
RETURNS TABLE (status text, token text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  max_failures constant integer := 5;
  me person%ROWTYPE;
  attempt bigint;
  failures bigint;
  matched bigint;
  code text := upper(regexp_replace(coalesce(p_code, ''), '[\s-]', '', 'g'));
  recovery_id bigint;
  new_token text;
BEGIN
  SELECT * INTO me FROM person WHERE login = session_user FOR UPDATE;
  IF NOT FOUND OR me.state = 'disabled' THEN
    RETURN QUERY SELECT 'failed'::text, NULL::text;
    RETURN;
  END IF;
  IF me.totp_seed IS NULL OR me.state = 'pending' THEN
    RETURN QUERY SELECT 'not_enrolled'::text, NULL::text;
    RETURN;
  END IF;

  failures := mt_failures(me.id);
  attempt := nextval(me.attempts_seq);
  IF mt_is_locked(me.id) THEN
    PERFORM mt_note_sign_in(me.login, 'locked');
    IF me.locked_until IS NULL OR me.locked_until <= now() THEN
      PERFORM mt_lock(me.id, 'Too many failed sign-in attempts', 'infinity');
    END IF;
    RETURN QUERY SELECT 'locked'::text, NULL::text;
    RETURN;
  END IF;

  IF code ~ '^[0-9]{6}$' THEN
    -- Counters up to the last accepted one are refused: each code is accepted once, and the row
    -- lock above makes two simultaneous submissions of one code give exactly one success.
    matched := mt_totp_match(me.totp_seed, code, now(), 30, 1, 6, me.totp_last_counter);
  ELSIF length(code) = 28 THEN
    UPDATE recovery_code SET used_at = now()
     WHERE person_id = me.id AND code_hash = mt_digest(code) AND used_at IS NULL
    RETURNING id INTO recovery_id;
  END IF;

  IF matched IS NULL AND recovery_id IS NULL THEN
    PERFORM mt_note_sign_in(me.login, 'second_factor_failed');
    -- A correct but already used code is still a failure; saying so helps the honest user wait for
    -- the next code and tells an attacker nothing they did not already hold.
    IF code ~ '^[0-9]{6}$' AND mt_totp_match(me.totp_seed, code, now(), 30, 1) IS NOT NULL
       AND failures + 1 < max_failures THEN
      RETURN QUERY SELECT 'replayed'::text, NULL::text;
      RETURN;
    END IF;
    IF failures + 1 >= max_failures THEN
      PERFORM mt_lock(me.id, 'Too many failed sign-in attempts', 'infinity');
      RETURN QUERY SELECT 'locked'::text, NULL::text;
      RETURN;
    END IF;
    PERFORM pg_sleep(0.25 * (failures + 1));  -- progressive delay
    RETURN QUERY SELECT 'failed'::text, NULL::text;
    RETURN;
  END IF;

  UPDATE person SET totp_last_counter = greatest(totp_last_counter, coalesce(matched, 0)),
                    attempts_mark = attempt, locked_until = NULL, lock_reason = NULL
   WHERE id = me.id;
  DELETE FROM login_failure WHERE login = me.login;
  PERFORM mt_note_sign_in(me.login, CASE WHEN recovery_id IS NULL THEN 'verified' ELSE 'recovery_code_used' END);
  IF recovery_id IS NOT NULL THEN
    PERFORM mt_raise_alert('recovery_code_used', me.login,
      format('%s recovery code(s) left', (SELECT count(*) FROM recovery_code
                                           WHERE person_id = me.id AND used_at IS NULL)));
  END IF;

  new_token := lower(mt_new_secret(64));
  INSERT INTO session_token (token_hash, person_id, idle_minutes, expires_at)
  VALUES (mt_digest(new_token), me.id, p_idle_minutes, now() + make_interval(mins => p_idle_minutes));
  INSERT INTO verified_backend (pid, backend_start, person_id, token_hash)
  VALUES (pg_backend_pid(), (SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a), me.id,
          mt_digest(new_token))
  ON CONFLICT (pid, backend_start) DO UPDATE SET token_hash = excluded.token_hash, verified_at = now();
  RETURN QUERY SELECT 'verified'::text, new_token;
END $$;

-- Further connections of the same signed-in session present the token (never the one-time code).
CREATE FUNCTION mt_resume_session(p_token text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  t session_token%ROWTYPE;
BEGIN
  SELECT s.* INTO t FROM session_token s JOIN person p ON p.id = s.person_id
   WHERE s.token_hash = mt_digest(p_token) AND p.login = session_user AND p.state = 'active'
     AND s.revoked_at IS NULL AND s.expires_at > now()
     AND NOT mt_is_locked(p.id);
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  INSERT INTO verified_backend (pid, backend_start, person_id, token_hash)
  VALUES (pg_backend_pid(), (SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a),
          t.person_id, t.token_hash)
  ON CONFLICT (pid, backend_start) DO UPDATE SET token_hash = excluded.token_hash, verified_at = now();
  RETURN true;
END $$;

-- Activity keeps the session alive; the idle lock ends it (the token then admits nobody).
CREATE FUNCTION mt_touch_session(p_token text) RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  UPDATE session_token s SET expires_at = now() + make_interval(mins => s.idle_minutes)
    FROM person p
   WHERE p.id = s.person_id AND p.login = session_user AND s.token_hash = mt_digest(p_token)
     AND s.revoked_at IS NULL AND s.expires_at > now()
  RETURNING true
$$;

CREATE FUNCTION mt_end_session(p_token text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  UPDATE session_token s SET revoked_at = now()
    FROM person p
   WHERE p.id = s.person_id AND p.login = session_user AND s.token_hash = mt_digest(p_token)
     AND s.revoked_at IS NULL
$$;

-- What the signing-in client needs to know about its own account (no secrets).
CREATE FUNCTION mt_my_account()
RETURNS TABLE (login text, printed_name text, state text, enrolled boolean, locked boolean, groups text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT p.login, p.printed_name, p.state, p.totp_seed IS NOT NULL, mt_is_locked(p.id),
         ARRAY(SELECT g FROM unnest(ARRAY['qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor',
                                          'admin']) g
               WHERE pg_has_role(p.login, g, 'MEMBER') ORDER BY g)
    FROM person p WHERE p.login = session_user
$$;

-- First use after an activation code: choose a password (sent only as a SCRAM verifier computed on
-- the workstation, so the server never sees it) and enrol TOTP, proven by a first code.
-- Returns the ten recovery codes, shown once; only their hashes are kept.
CREATE FUNCTION mt_activate(p_verifier text, p_seed_base32 text, p_first_code text,
                            p_public_key bytea, p_wrapped_key bytea, p_wrap_params jsonb)
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

-- A password change rewraps the same signing key under the new password (done on the workstation).
CREATE FUNCTION mt_change_password(p_verifier text, p_wrapped_key bytea, p_wrap_params jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  me bigint := mt_require_verified();
BEGIN
  IF p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:' THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'The new password must be sent as a SCRAM-SHA-256 verifier.';
  END IF;
  UPDATE signing_key SET wrapped_key = p_wrapped_key, wrap_params = p_wrap_params
   WHERE person_id = me AND retired_at IS NULL;
  EXECUTE format('ALTER ROLE %I PASSWORD %L', session_user, p_verifier);
END $$;

-- The signer's own wrapped key, for unwrapping on the workstation with their password.
CREATE FUNCTION mt_my_signing_key()
RETURNS TABLE (key_id bigint, public_key bytea, wrapped_key bytea, wrap_params jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT k.id, k.public_key, k.wrapped_key, k.wrap_params
    FROM signing_key k JOIN person p ON p.id = k.person_id
   WHERE p.login = session_user AND k.retired_at IS NULL
$$;

-- Public keys, for anyone to verify signatures (never the wrapped private halves).
CREATE VIEW signing_key_public AS
  SELECT id, login, public_key, created_at, retired_at FROM signing_key;

-- The narrowly privileged path for password failures (PostgreSQL cannot count its own).
-- Called by the sign-in client, connected as medtrace_gate, after PostgreSQL refused a password.
-- What an attacker can do with it: report failures that did not happen, which can lock a real
-- account (denial of service, raised as an alert naming the account, so an administrator sees it)
-- — it cannot sign anyone in, read anything, or tell whether a user name exists (every name is
-- counted alike and nothing is returned). What it cannot stop: password guesses made directly
-- against PostgreSQL are not reported here; the second factor, counted in mt_verify_totp by the
-- database itself, still stands between such a guesser and any data.
CREATE FUNCTION mt_record_login_failure(p_login text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  max_failures constant integer := 5;
  n integer;
  who person%ROWTYPE;
BEGIN
  IF p_login IS NULL OR length(p_login) > 63 THEN
    RETURN;
  END IF;
  INSERT INTO login_failure AS f (login, failures) VALUES (p_login, 1)
  ON CONFLICT (login) DO UPDATE SET failures = f.failures + 1, last_failure_at = now()
  RETURNING failures INTO n;
  PERFORM mt_note_sign_in(p_login, 'password_failed');
  SELECT * INTO who FROM person WHERE login = p_login;
  IF FOUND AND n >= max_failures AND (who.locked_until IS NULL OR who.locked_until <= now()) THEN
    PERFORM mt_lock(who.id, 'Too many failed sign-in attempts', 'infinity');
  END IF;
END $$;
"""

ADMIN_FUNCTIONS = r"""
CREATE FUNCTION mt_people()
RETURNS TABLE (login text, printed_name text, state text, enrolled boolean, locked boolean,
               lock_reason text, groups text[], created_at timestamptz, created_by name)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  PERFORM mt_require_admin();
  RETURN QUERY
  SELECT p.login, p.printed_name, p.state, p.totp_seed IS NOT NULL, mt_is_locked(p.id),
         coalesce(p.lock_reason, CASE WHEN mt_is_locked(p.id) THEN 'Too many failed sign-in attempts' END),
         ARRAY(SELECT g FROM unnest(ARRAY['qa_reviewer', 'qa_approver', 'regulatory', 'warehouse', 'auditor',
                                          'admin']) g
               WHERE pg_has_role(p.login, g, 'MEMBER') ORDER BY g),
         p.created_at, p.created_by
    FROM person p ORDER BY p.login;
END $$;

CREATE FUNCTION mt_create_person_unchecked(p_login text, p_printed_name text, p_groups text[]) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_create_person(p_login text, p_printed_name text, p_groups text[]) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  PERFORM mt_require_admin();
  RETURN mt_create_person_unchecked(p_login, p_printed_name, p_groups);
END $$;

-- First run only, from the owner connection of the embedded server (or a DBA): the first administrator.
CREATE FUNCTION mt_bootstrap_first_admin(p_login text, p_printed_name text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  IF EXISTS (SELECT FROM person) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'MedTrace already has users; sign in as an administrator.';
  END IF;
  RETURN mt_create_person_unchecked(p_login, p_printed_name, ARRAY['admin']);
END $$;

CREATE FUNCTION mt_set_groups(p_login text, p_groups text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_lock_person(p_login text, p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_unlock_person(p_login text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

-- Forgotten password or lost phone: a new activation code; password, seed and recovery codes are void.
CREATE FUNCTION mt_reset_person(p_login text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_security_alerts()
RETURNS TABLE (id bigint, raised_at timestamptz, kind text, login text, detail text,
               acknowledged_by name, acknowledged_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  PERFORM mt_require_admin();
  RETURN QUERY
  SELECT a.id, a.raised_at, a.kind, a.login, a.detail, a.acknowledged_by, a.acknowledged_at
    FROM security_alert a
  UNION ALL
  -- An account over the failure limit whose lock was rolled back by its caller still shows up here.
  SELECT -p.id, now(), 'account_locked'::text, p.login,
         format('%s failed sign-in attempts', mt_failures(p.id)), NULL::name, NULL::timestamptz
    FROM person p
   WHERE mt_failures(p.id) >= 5 AND p.locked_until IS NULL
  ORDER BY 2 DESC, 1 DESC;
END $$;

CREATE FUNCTION mt_acknowledge_alert(p_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  PERFORM mt_require_admin();
  UPDATE security_alert SET acknowledged_by = session_user, acknowledged_at = now()
   WHERE id = p_id AND acknowledged_at IS NULL;
END $$;
"""


def _grants() -> str:
    statements = [
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        "GRANT USAGE ON SCHEMA public TO medtrace_person, medtrace_gate",
        # A signed-in workstation checks the schema version with the person's own connection.
        "GRANT SELECT ON alembic_version TO medtrace_person",
        "REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC",
        # Functions of later migrations are closed to PUBLIC too unless a grant opens them.
        "ALTER DEFAULT PRIVILEGES FOR ROLE medtrace_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
    ]
    for group in GROUPS:
        statements.append(f"GRANT SELECT ON {', '.join(READ_ALL)} TO {group}")
        statements.extend(f"GRANT {grant} TO {group}" for grant in EXTRA_GRANTS[group])
    statements.append(
        "GRANT USAGE ON SEQUENCE " + ", ".join(f"{t}_id_seq" for t in SEQUENCE_TABLES) + " TO "
        + ", ".join(GROUPS)
    )
    for signature, grantee in FUNCTION_GRANTS.items():
        statements.append(f"GRANT EXECUTE ON FUNCTION {signature} TO {grantee}")
    statements.append(f"GRANT SELECT ON signing_key_public TO {', '.join(GROUPS)}")
    # Invoker functions used by triggers and checks run as the person: they need EXECUTE.
    statements.append("GRANT EXECUTE ON FUNCTION mt_session_verified() TO medtrace_person")
    statements.append(
        "GRANT EXECUTE ON FUNCTION gtin_is_valid(text), stock_at(bigint, bigint), "
        "assert_stock_not_negative(bigint, bigint), check_stock_after_movement(), "
        "check_stock_after_genealogy(), notify_records_changed() TO medtrace_person"
    )
    return ";\n".join(statements) + ";\n"


def _row_level_security() -> str:
    # Views read their tables as the querying person (not as their owner, whom FORCE binds), so a
    # person sees through a view exactly what they see in the tables, and superusers everything.
    statements = ["ALTER VIEW stock_on_hand SET (security_invoker = true)"]
    for table in GMP_TABLES:
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            # The sub-select makes the check an InitPlan: evaluated once per statement, not per row.
            f"CREATE POLICY mfa_verified ON {table} USING ((SELECT mt_session_verified())) "
            "WITH CHECK ((SELECT mt_session_verified()))",
        ]
    return ";\n".join(statements) + ";\n"


def upgrade() -> None:
    op.execute("RESET ROLE")  # creating group roles needs the migrating administrator's CREATEROLE
    op.execute(ROLES)
    op.execute("SET ROLE medtrace_owner")
    op.execute(TABLES)
    for statement in TOTP_FUNCTIONS:
        op.execute(statement)
    op.execute(HELPERS)
    op.execute(SESSION_FUNCTIONS)
    op.execute(ADMIN_FUNCTIONS)
    op.execute(_grants())
    op.execute(_row_level_security())


def downgrade() -> None:
    op.execute("ALTER VIEW stock_on_hand RESET (security_invoker)")
    for table in GMP_TABLES:
        op.execute(f"DROP POLICY mfa_verified ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM " + ", ".join(GROUPS))
    op.execute("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM " + ", ".join(GROUPS))
    op.execute(
        """
        DO $$
        DECLARE
          r record;
        BEGIN
          FOR r IN SELECT login, attempts_seq FROM person LOOP
            EXECUTE format('DROP ROLE IF EXISTS %I', r.login);
            EXECUTE format('DROP SEQUENCE IF EXISTS %s', r.attempts_seq);
          END LOOP;
        END $$;
        """
    )
    op.execute("DROP VIEW signing_key_public")
    op.execute(
        "DROP TABLE signing_key, verified_backend, session_token, recovery_code, activation, login_failure, "
        "security_alert, sign_in_event, person"
    )
    for signature in (*FUNCTION_GRANTS, *INTERNAL_FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {signature}")
    for statement in TOTP_DROP:
        op.execute(statement)
    op.execute("ALTER DEFAULT PRIVILEGES FOR ROLE medtrace_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC")
    op.execute("REVOKE USAGE ON SCHEMA public FROM medtrace_person, medtrace_gate")
    # Group roles are cluster-wide and may serve other MedTrace databases on the same server: kept.

