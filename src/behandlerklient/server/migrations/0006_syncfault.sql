-- A first upload of many children (a laptop that has worked offline for months, a municipality moving its
-- journals onto the server) registers far more than the 60 CPRs an hour bk.register_child answers, which
-- guards against CPR probing. Two changes keep that guard and let the upload through:
-- 1. a retry of my own registration (same CPR, same uid, my access still held; a reply lost or a laptop
--    killed mid-push) reveals nothing new, so it is answered before the limit and not counted;
-- 2. an administrator grants a user a one-off bulk allowance (`behandlerklient-server staff allow-bulk`,
--    logged in bk.admin_log): each new registration draws on it before the hourly limit applies, and its
--    access dates from when the laptop registered the child, without the 90-day cap (a first upload brings
--    years of history);
-- and bk.register_children registers a whole batch in one round trip (the same rules, child by child).
SET LOCAL ROLE bk_owner;

CREATE TABLE bk.bulk_allowance (
    username   text PRIMARY KEY REFERENCES bk.staff (username),
    remaining  int NOT NULL CHECK (remaining >= 0),
    granted_by text NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
ALTER TABLE bk.bulk_allowance ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.bulk_allowance FORCE ROW LEVEL SECURITY;
-- Only the owner (admin CLI, and register_child as SECURITY DEFINER) touches it.
CREATE POLICY bulk_allowance_owner ON bk.bulk_allowance TO bk_owner USING (true) WITH CHECK (true);

CREATE OR REPLACE FUNCTION bk.register_child(p_cpr text, p_child uuid, p_registered_at timestamptz DEFAULT NULL)
RETURNS TABLE (status text, child_uid uuid, alias_uid uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_me    text := session_user;   -- current_user is the owner in here
    v_role  text;
    v_hmac  bytea;
    v_known uuid;
    v_calls int;
    v_valid boolean;
    v_bulk  boolean;
BEGIN
    SELECT s.role INTO v_role FROM bk.staff s WHERE s.username = v_me AND s.disabled_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'permission denied: % is not registered staff', v_me USING ERRCODE = '42501';
    END IF;
    v_valid := p_cpr IS NOT NULL AND upper(replace(p_cpr, '-', '')) ~ '^[0-9]{6}[0-9A-Z]{4}$' AND p_child IS NOT NULL;
    IF v_valid THEN
        v_hmac := bk.hmac(convert_to(upper(replace(p_cpr, '-', '')), 'UTF8'), (SELECT k.key FROM bk.hmac_key k),
                          'sha256');
        SELECT ci.child_uid INTO v_known FROM bk.child_identity ci WHERE ci.cpr_hmac = v_hmac;
        IF FOUND AND v_known = p_child AND EXISTS (SELECT 1 FROM bk.access a WHERE a.child_uid = p_child
                                                   AND a.username = v_me AND a.revoked_at IS NULL) THEN
            -- My own registration again (a retry after a lost reply or a kill): free, it tells me nothing.
            INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'registered_again');
            status := 'registered'; child_uid := p_child; alias_uid := NULL; RETURN NEXT; RETURN;
        END IF;
    END IF;
    -- A bulk allowance is drawn first; without one, the hourly limit answers.
    UPDATE bk.bulk_allowance b SET remaining = b.remaining - 1 WHERE b.username = v_me AND b.remaining > 0;
    v_bulk := FOUND;
    IF v_bulk THEN
        INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'bulk');
    ELSE
        SELECT count(*) INTO v_calls FROM bk.register_log l
        WHERE l.username = v_me AND l.at > clock_timestamp() - interval '1 hour'
          AND l.result NOT IN ('registered_again', 'bulk');
        IF v_calls >= 60 THEN
            INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'rate_limited');
            status := 'rate_limited'; child_uid := NULL; alias_uid := NULL; RETURN NEXT; RETURN;
        END IF;
    END IF;
    IF NOT v_valid THEN
        INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'invalid');
        status := 'invalid'; child_uid := NULL; alias_uid := NULL; RETURN NEXT; RETURN;
    END IF;
    IF v_known IS NULL THEN
        INSERT INTO bk.child_identity (cpr_hmac, child_uid, registered_by) VALUES (v_hmac, p_child, v_me);
        INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq)
        VALUES (p_child, v_me, CASE WHEN v_role = 'coordinator' THEN 'coordinator' ELSE 'caseload' END, v_me,
                -- A bulk first upload (allowed by an administrator) brings its whole history: no 90-day cap.
                CASE WHEN v_bulk THEN least(coalesce(p_registered_at, clock_timestamp()), clock_timestamp())
                     ELSE greatest(least(coalesce(p_registered_at, clock_timestamp()), clock_timestamp()),
                                   clock_timestamp() - interval '90 days') END,
                bk.high_water());
        INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'registered');
        status := 'registered'; child_uid := p_child; alias_uid := NULL; RETURN NEXT; RETURN;
    END IF;
    IF v_known <> p_child THEN
        INSERT INTO bk.child_alias (alias_uid, child_uid, registered_by) VALUES (p_child, v_known, v_me)
        ON CONFLICT ON CONSTRAINT child_alias_pkey DO NOTHING;
    END IF;
    INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, v_known, 'duplicate_cpr');
    status := 'duplicate_cpr'; child_uid := v_known; alias_uid := p_child; RETURN NEXT;
END $$;

-- A batch of registrations in one round trip: [{"cpr": …, "uid": …, "registered_at": …}, …], answered in order,
-- each by bk.register_child's rules (limit, allowance, log). SECURITY INVOKER: register_child checks the caller.
CREATE FUNCTION bk.register_children(p_items jsonb)
RETURNS TABLE (uid uuid, status text, child_uid uuid)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_item jsonb;
    v_r    record;
BEGIN
    IF jsonb_typeof(p_items) <> 'array' OR jsonb_array_length(p_items) > 2000 THEN
        RAISE EXCEPTION 'register_children takes an array of at most 2000 items' USING ERRCODE = '22023';
    END IF;
    FOR v_item IN SELECT value FROM jsonb_array_elements(p_items) LOOP
        SELECT * INTO v_r FROM bk.register_child(v_item ->> 'cpr', (v_item ->> 'uid')::uuid,
                                                  (v_item ->> 'registered_at')::timestamptz);
        uid := (v_item ->> 'uid')::uuid; status := v_r.status; child_uid := v_r.child_uid; RETURN NEXT;
    END LOOP;
END $$;

REVOKE ALL ON FUNCTION bk.register_children(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bk.register_children(jsonb) TO bk_user;

-- Clock skew both ways. Ahead: signed more than six hours after the server received it. Behind: signed more
-- than six hours before the server had already received an earlier record of the same device, which no
-- offline spell explains (a laptop cannot sign after it synced at a time before that sync). Flagged for a
-- person to look at; the records themselves are accepted (the server's received_at is trusted).
CREATE OR REPLACE VIEW bk.clock_skew AS
    SELECT s.seq, s.uid, s.author, s.device, s.signed_at, s.received_at, s.reason FROM (
        SELECT r.seq, r.uid, r.author, r.device, r.signed_at, r.received_at,
               CASE WHEN r.signed_at > r.received_at + interval '6 hours' THEN 'ahead'
                    WHEN r.signed_at < max(r.received_at) OVER (PARTITION BY r.device ORDER BY r.seq
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) - interval '6 hours'
                    THEN 'behind' END AS reason
        FROM bk.record r) s
    WHERE s.reason IS NOT NULL;
