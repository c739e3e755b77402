"""recalls and mock-recall drills: a frozen scope, containment in the same transaction, deadlines, tracking

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

医疗器械召回管理办法 (国家食品药品监督管理总局令第29号, 2017), 21 CFR 7 and 806, ISO 13485 8.3.3,
DESIGN §1 (job 2), §4 (Recall).

- A case is opened only by mt_open_recall (regulatory or QA approver, second factor verified) and
  only together with the opener's "initiated" e-signature over the case's canonical content: a
  deferred constraint trigger refuses the commit of a case without one, so a dropped connection or a
  refused signature leaves nothing half-opened and no stock half-held.
- The scope is computed here, in the database, by the forward trace through genealogy and every
  distribution tier, and frozen with the case: lots (with the quantity balance of each), consignee
  lines (party × lot: tier, shipped, returned, on hand) and, for a real recall, the internal stock held.
  No client supplies the scope, so no client can leave a consignee out of it.
- A real recall sets every scoped lot `recalled` in the opening transaction; the shipment guard
  (0004/0006) then refuses a ship or install of it from any client. A drill changes no lot and no
  stock: its returns are simulated quantities on the case, never movements.
- Deadlines are computed by the server from its own clock and an editable working-day calendar.
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse", "auditor", "admin")
OPENERS = ("qa_approver", "regulatory")
WORKERS = ("qa_reviewer", "qa_approver", "regulatory", "warehouse")
NEW_TABLES = ("recall_case", "recall_lot", "recall_consignee", "recall_line", "recall_containment",
              "recall_return", "recall_signature", "recall_check", "work_calendar")

TABLES = r"""
CREATE TABLE work_calendar (
    id bigserial PRIMARY KEY,
    day date NOT NULL UNIQUE,
    working boolean NOT NULL,          -- false: a holiday on a weekday; true: a make-up working day (调休)
    note text NOT NULL DEFAULT '',
    changed_by varchar(63) NOT NULL DEFAULT session_user,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recall_case (
    id bigserial PRIMARY KEY,
    kind varchar(6) NOT NULL CHECK (kind IN ('recall', 'drill')),
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 3),   -- 一级/二级/三级 = FDA Class I/II/III
    trigger jsonb NOT NULL,
    reason text NOT NULL CHECK (btrim(reason) <> ''),
    health_hazard text NOT NULL DEFAULT '',
    effectiveness_level char(1) NOT NULL DEFAULT 'C' CHECK (effectiveness_level IN ('A', 'B', 'C', 'D', 'E')),
    state varchar(10) NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'notifying', 'monitoring', 'closed')),
    opened_by varchar(63) NOT NULL DEFAULT session_user,
    opened_at timestamptz NOT NULL DEFAULT now(),
    scope_frozen_at timestamptz,
    contained_at timestamptz,
    notify_deadline timestamptz NOT NULL,
    plan_deadline date NOT NULL,
    fda_report_deadline date NOT NULL,
    closed_by varchar(63),
    closed_at timestamptz,
    CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX ix_recall_case_state ON recall_case (state, id);

CREATE TABLE recall_lot (
    id bigserial PRIMARY KEY,
    recall_id bigint NOT NULL REFERENCES recall_case (id),
    lot_id bigint NOT NULL REFERENCES lot (id),
    relation varchar(8) NOT NULL CHECK (relation IN ('start', 'finished')),
    status_before varchar(20) NOT NULL,
    -- the quantity balance at opening: made = on hand + shipped − returned + consumed + scrapped
    made bigint NOT NULL,
    on_hand bigint NOT NULL,
    shipped bigint NOT NULL,
    returned bigint NOT NULL,
    consumed bigint NOT NULL,
    scrapped bigint NOT NULL,
    produced bigint NOT NULL,
    UNIQUE (recall_id, lot_id)
);
CREATE INDEX ix_recall_lot_lot_id ON recall_lot (lot_id, recall_id);

CREATE TABLE recall_consignee (
    id bigserial PRIMARY KEY,
    recall_id bigint NOT NULL REFERENCES recall_case (id),
    party_id bigint NOT NULL REFERENCES party (id),
    tier integer NOT NULL,
    notified_at timestamptz,
    notified_by varchar(63),
    method varchar(10) CHECK (method IN ('phone', 'email', 'letter', 'fax', 'visit')),
    acknowledged_at timestamptz,
    acknowledged_by varchar(63),
    UNIQUE (recall_id, party_id),
    CHECK (acknowledged_at IS NULL OR notified_at IS NOT NULL)
);

CREATE TABLE recall_line (
    id bigserial PRIMARY KEY,
    recall_id bigint NOT NULL,
    party_id bigint NOT NULL,
    lot_id bigint NOT NULL REFERENCES lot (id),
    tier integer NOT NULL,
    shipped bigint NOT NULL,
    returned bigint NOT NULL,
    on_hand bigint NOT NULL,
    returned_in_case bigint NOT NULL DEFAULT 0 CHECK (returned_in_case >= 0),
    UNIQUE (recall_id, party_id, lot_id),
    FOREIGN KEY (recall_id, party_id) REFERENCES recall_consignee (recall_id, party_id),
    CHECK (returned_in_case <= greatest(on_hand, 0))
);

CREATE TABLE recall_containment (
    id bigserial PRIMARY KEY,
    recall_id bigint NOT NULL REFERENCES recall_case (id),
    lot_id bigint NOT NULL REFERENCES lot (id),
    site_id bigint NOT NULL REFERENCES party (id),
    quantity bigint NOT NULL,
    UNIQUE (recall_id, lot_id, site_id)
);

CREATE TABLE recall_return (
    id bigserial PRIMARY KEY,
    recall_id bigint NOT NULL,
    party_id bigint NOT NULL,
    lot_id bigint NOT NULL,
    quantity bigint NOT NULL CHECK (quantity > 0),
    movement_id bigint REFERENCES movement (id),   -- NULL in a drill: nothing moves
    recorded_by varchar(63) NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (recall_id, party_id, lot_id) REFERENCES recall_line (recall_id, party_id, lot_id)
);
CREATE INDEX ix_recall_return_recall ON recall_return (recall_id, id);

CREATE TABLE recall_signature (
    id bigserial PRIMARY KEY,
    recall_id bigint NOT NULL REFERENCES recall_case (id),
    meaning varchar(10) NOT NULL CHECK (meaning IN ('initiated', 'closed')),
    signer varchar(63) NOT NULL DEFAULT session_user,
    printed_name text NOT NULL,
    signer_roles text[] NOT NULL,
    content_digest bytea NOT NULL,
    key_id bigint NOT NULL REFERENCES signing_key (id),
    signature bytea NOT NULL,
    signed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (recall_id, meaning)
);

CREATE TABLE recall_check (
    id bigserial PRIMARY KEY,
    recall_id bigint NOT NULL,
    party_id bigint NOT NULL,
    drawn_rank integer NOT NULL,
    result varchar(12) CHECK (result IN ('effective', 'ineffective', 'no_response')),
    note text NOT NULL DEFAULT '',
    checked_by varchar(63),
    checked_at timestamptz,
    UNIQUE (recall_id, party_id),
    FOREIGN KEY (recall_id, party_id) REFERENCES recall_consignee (recall_id, party_id)
);
"""

FUNCTIONS = r"""
-- Working days after a date: weekends are days off unless the calendar makes them working days
-- (China's 调休), weekdays are working days unless the calendar marks them holidays.
CREATE FUNCTION mt_is_working_day(p_day date) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT coalesce((SELECT working FROM work_calendar WHERE day = p_day), extract(isodow FROM p_day) < 6)
$$;

CREATE FUNCTION mt_add_working_days(p_from date, p_days integer) RETURNS date
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  d date := p_from;
  left_ integer := p_days;
BEGIN
  WHILE left_ > 0 LOOP
    d := d + 1;
    IF mt_is_working_day(d) THEN
      left_ := left_ - 1;
    END IF;
  END LOOP;
  RETURN d;
END $$;

CREATE FUNCTION mt_set_work_day(p_day date, p_working boolean, p_note text, p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

-- Every lot that consumed one of the start lots, recursively (as app/services/trace.py walks it).
CREATE FUNCTION mt_recall_walk(p_starts bigint[]) RETURNS TABLE (lot_id bigint, relation text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  WITH RECURSIVE walk(component_lot_id, finished_lot_id) AS (
      SELECT e.component_lot_id, e.finished_lot_id FROM genealogy_edge e WHERE e.component_lot_id = ANY (p_starts)
      UNION
      SELECT e.component_lot_id, e.finished_lot_id
        FROM walk w CROSS JOIN LATERAL (
             SELECT g.component_lot_id, g.finished_lot_id FROM genealogy_edge g
              WHERE g.component_lot_id = w.finished_lot_id OFFSET 0) e
  )
  SELECT s, 'start' FROM unnest(p_starts) s
  UNION
  SELECT DISTINCT finished_lot_id, 'finished' FROM walk WHERE finished_lot_id <> ALL (p_starts)
$$;

-- The canonical content of a case that an e-signature covers: the case, its frozen scope and its
-- tracking so far (a closing signature covers what was done).
CREATE FUNCTION mt_recall_canonical(p_recall bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT jsonb_build_object(
    'case', (SELECT jsonb_build_object('id', c.id, 'kind', c.kind, 'level', c.level, 'trigger', c.trigger,
                                       'reason', c.reason, 'health_hazard', c.health_hazard,
                                       'opened_by', c.opened_by, 'opened_at', c.opened_at)
               FROM recall_case c WHERE c.id = p_recall),
    'lots', (SELECT coalesce(jsonb_agg(jsonb_build_array(lot_id, relation, made, on_hand, shipped, returned)
                                       ORDER BY lot_id), '[]') FROM recall_lot WHERE recall_id = p_recall),
    'lines', (SELECT coalesce(jsonb_agg(jsonb_build_array(party_id, lot_id, tier, shipped, returned, on_hand,
                                                          returned_in_case) ORDER BY party_id, lot_id), '[]')
                FROM recall_line WHERE recall_id = p_recall),
    'consignees', (SELECT coalesce(jsonb_agg(jsonb_build_array(party_id, notified_at, method, acknowledged_at)
                                             ORDER BY party_id), '[]')
                     FROM recall_consignee WHERE recall_id = p_recall),
    'contained', (SELECT coalesce(jsonb_agg(jsonb_build_array(lot_id, site_id, quantity) ORDER BY lot_id, site_id),
                                  '[]') FROM recall_containment WHERE recall_id = p_recall)
  )::text
$$;

-- Opens a case and freezes its scope. The caller signs "initiated" in the same transaction.
CREATE FUNCTION mt_open_recall(p_kind text, p_level integer, p_lots bigint[], p_trigger jsonb, p_reason text,
                               p_health_hazard text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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

  INSERT INTO recall_lot (recall_id, lot_id, relation, status_before, made, on_hand, shipped, returned, consumed,
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
        FROM reach r JOIN mv m ON m.lot_id = r.lot_id AND m.from_party_id = r.party_id
       WHERE m.kind = 'ship' AND m.to_party_id <> ALL (ours) AND r.tier < 10
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
  SELECT new_id, s.lot_id, s.party_id, s.quantity
    FROM stock_on_hand s JOIN party p ON p.id = s.party_id AND p.kind = 'manufacturer'
   WHERE s.lot_id IN (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id) AND s.quantity > 0;
  IF p_kind = 'recall' THEN
    PERFORM set_config('medtrace.reason', format('Recall %s opened: %s', new_id, reason), true);
    UPDATE lot SET status = 'recalled'
     WHERE id IN (SELECT rl.lot_id FROM recall_lot rl WHERE rl.recall_id = new_id) AND status <> 'recalled';
  END IF;
  UPDATE recall_case SET contained_at = clock_timestamp() WHERE id = new_id;
  RETURN new_id;
END $$;

-- The opener's or closer's e-signature over the case (21 CFR 11.50, 11.70): the digest must be of the
-- content as it stands in this transaction, the key the signer's own.
CREATE FUNCTION mt_sign_recall(p_recall bigint, p_meaning text, p_digest bytea, p_signature bytea,
                               p_key_id bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
DECLARE
  me_id bigint := mt_require_verified();
  me person%ROWTYPE;
  c recall_case%ROWTYPE;
  roles text[];
  missing text;
  new_id bigint;
BEGIN
  SELECT * INTO me FROM person WHERE id = me_id;
  SELECT * INTO c FROM recall_case WHERE id = p_recall FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'MTV01', MESSAGE = 'There is no such recall.';
  END IF;
  IF NOT EXISTS (SELECT FROM signing_key WHERE id = p_key_id AND person_id = me_id AND retired_at IS NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG01', MESSAGE = 'The signature was not made with your current signing key.';
  END IF;
  IF p_digest IS DISTINCT FROM sha256(convert_to(mt_recall_canonical(p_recall), 'UTF8')) THEN
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
END $$;

-- What stands between a case and its closing, in words; NULL when it may close.
CREATE FUNCTION mt_recall_outstanding(p_recall bigint) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  SELECT nullif(concat_ws('; ',
    (SELECT format('%s consignee(s) not notified (%s)', count(*), string_agg(p.code, ', ' ORDER BY p.code))
       FROM recall_consignee c JOIN party p ON p.id = c.party_id
      WHERE c.recall_id = p_recall AND c.notified_at IS NULL HAVING count(*) > 0),
    (SELECT format('%s consignee(s) not acknowledged (%s)', count(*), string_agg(p.code, ', ' ORDER BY p.code))
       FROM recall_consignee c JOIN party p ON p.id = c.party_id
      WHERE c.recall_id = p_recall AND c.notified_at IS NOT NULL AND c.acknowledged_at IS NULL HAVING count(*) > 0),
    (SELECT format('%s unit(s) not yet returned (%s)', sum(x.on_hand - x.returned_in_case),
                   string_agg(format('%s %s: %s', p.code, l.lot_no, x.on_hand - x.returned_in_case), ', '
                              ORDER BY p.code, l.lot_no))
       FROM recall_line x JOIN party p ON p.id = x.party_id JOIN lot l ON l.id = x.lot_id
      WHERE x.recall_id = p_recall AND x.on_hand > x.returned_in_case HAVING count(*) > 0)
  ), '')
$$;

CREATE FUNCTION mt_recall_worker(p_recall bigint, p_party bigint) RETURNS recall_case
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_recall_advance(p_recall bigint) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
  UPDATE recall_case c
     SET state = CASE WHEN NOT EXISTS (SELECT FROM recall_consignee x WHERE x.recall_id = c.id AND x.notified_at IS NULL)
                      THEN 'monitoring' ELSE 'notifying' END
   WHERE c.id = p_recall AND c.state <> 'closed';
$$;

CREATE FUNCTION mt_recall_notify(p_recall bigint, p_party bigint, p_method text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_recall_ack(p_recall bigint, p_party bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

-- A return from a consignee. In a real recall it is a return movement to the site that shipped the
-- lot, referenced from the case; in a drill only the case counts it.
CREATE FUNCTION mt_recall_return(p_recall bigint, p_party bigint, p_lot bigint, p_quantity bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

-- FDA 21 CFR 7.42(b)(3) effectiveness checks: the sample of consignees, drawn reproducibly (ranked by
-- a hash of case and party, so anyone can redraw it), and the result of each check.
CREATE FUNCTION mt_recall_draw_checks(p_recall bigint, p_level text) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

CREATE FUNCTION mt_recall_record_check(p_recall bigint, p_party bigint, p_result text, p_note text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
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
END $$;

-- No case reaches a commit without its opener's "initiated" signature.
CREATE FUNCTION mt_recall_needs_initiation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM recall_signature WHERE recall_id = NEW.id AND meaning = 'initiated') THEN
    RAISE EXCEPTION USING ERRCODE = 'MTG05',
      MESSAGE = format('Recall %s was not signed “Recall initiated”; nothing was opened.', NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION mt_recall_is_final() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'MTU01', MESSAGE = 'Recall records are kept: they cannot be removed or rewritten.';
END $$;
"""

SIGNATURES = (
    "mt_is_working_day(date)", "mt_add_working_days(date, integer)", "mt_set_work_day(date, boolean, text, text)",
    "mt_recall_walk(bigint[])", "mt_recall_canonical(bigint)", "mt_open_recall(text, integer, bigint[], jsonb, text, text)",
    "mt_sign_recall(bigint, text, bytea, bytea, bigint)", "mt_recall_outstanding(bigint)",
    "mt_recall_worker(bigint, bigint)", "mt_recall_advance(bigint)", "mt_recall_notify(bigint, bigint, text)",
    "mt_recall_ack(bigint, bigint)", "mt_recall_return(bigint, bigint, bigint, bigint)",
    "mt_recall_draw_checks(bigint, text)", "mt_recall_record_check(bigint, bigint, text, text)",
    "mt_recall_needs_initiation()", "mt_recall_is_final()",
)


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(FUNCTIONS)
    statements = [f"REVOKE EXECUTE ON FUNCTION {s} FROM PUBLIC" for s in SIGNATURES]
    statements += [
        f"GRANT SELECT ON {', '.join(NEW_TABLES)} TO {', '.join(GROUPS)}",
        "GRANT EXECUTE ON FUNCTION mt_is_working_day(date), mt_add_working_days(date, integer), "
        "mt_recall_canonical(bigint), mt_recall_outstanding(bigint) TO medtrace_person",
        "GRANT EXECUTE ON FUNCTION mt_set_work_day(date, boolean, text, text) TO admin, regulatory",
        f"GRANT EXECUTE ON FUNCTION mt_open_recall(text, integer, bigint[], jsonb, text, text), "
        f"mt_sign_recall(bigint, text, bytea, bytea, bigint), mt_recall_draw_checks(bigint, text) "
        f"TO {', '.join(OPENERS)}",
        f"GRANT EXECUTE ON FUNCTION mt_recall_notify(bigint, bigint, text), mt_recall_ack(bigint, bigint), "
        f"mt_recall_return(bigint, bigint, bigint, bigint), mt_recall_record_check(bigint, bigint, text, text) "
        f"TO {', '.join(WORKERS)}",
        "CREATE CONSTRAINT TRIGGER needs_initiation AFTER INSERT ON recall_case DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION mt_recall_needs_initiation()",
    ]
    for table in ("recall_case", "recall_lot", "recall_consignee", "recall_line", "recall_containment",
                  "recall_return", "recall_signature"):
        statements.append(f"CREATE TRIGGER kept BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION mt_recall_is_final()")
    for table in ("recall_lot", "recall_containment", "recall_return", "recall_signature"):
        statements.append(f"CREATE TRIGGER frozen BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION mt_recall_is_final()")
    for table in NEW_TABLES:
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY mfa_verified ON {table} USING ((SELECT mt_session_verified())) "
            "WITH CHECK ((SELECT mt_session_verified()))",
            f"CREATE TRIGGER no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mt_audit_is_append_only()",
            f"CREATE TRIGGER records_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION notify_records_changed()",
        ]
        # The frozen scope (lots, containment, the lines as first written) is not copied row by row
        # into the trail: it never changes (the `frozen` triggers) and the opener's signature covers
        # its digest; what is done to it afterwards (a line's returns) is audited like any change.
        events = {"recall_lot": None, "recall_containment": None, "recall_line": "UPDATE"}.get(table, "INSERT OR UPDATE OR DELETE")
        if events:
            statements.append(f"CREATE TRIGGER audit AFTER {events} ON {table} FOR EACH ROW EXECUTE FUNCTION mt_audit_row()")
    op.execute(";\n".join(statements) + ";")


def downgrade() -> None:
    op.execute("DROP TRIGGER needs_initiation ON recall_case")
    for signature in reversed(SIGNATURES):  # functions first: some return a row of recall_case
        op.execute(f"DROP FUNCTION {signature} CASCADE")
    op.execute("DROP TABLE recall_check, recall_signature, recall_return, recall_containment, recall_line, "
               "recall_consignee, recall_lot, recall_case, work_calendar")
