-- bk.pull's first statement, the reader's children, read every row of bk.access (issue 14: a page's server time flat
-- from 200 to 10,000 children). `a.username = current_user OR a.username IN (my supervisees)` is no index condition,
-- and neither is `username = current_user` alone: current_user is of type name, unknown when the statement is
-- planned, and the planner took a sequential scan of the whole table for it. At 10,000 children bk.access holds
-- 20,000 rows (every child's therapist and the coordinator), and the scan cost each pull 4.4-4.7 ms, a therapist's
-- first page of 1,000 a fifth of its time, growing with the municipality; by the index, 0.2 ms (EXPLAIN ANALYZE on the
-- bench's server). Now my current supervisees are read first, then the access rows of my name and theirs by the
-- index, the names as text (constants in the statement's custom plan). The same rows: the old condition, its
-- subquery read first, and access_read still applies. Nothing else of bk.pull changes.
SET LOCAL ROLE bk_owner;

CREATE OR REPLACE FUNCTION bk.pull(p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
#variable_conflict use_column
DECLARE
    v_me       text := current_user;  -- a text value, so the index on (author, seq) serves it
    v_limit    int := least(greatest(p_limit, 1), 5000);
    v_children uuid[];
    v_supervisees text[];
    v_page     bk.record[];
    v_mark     bk.record;
BEGIN
    -- My access rows and my current supervisees' (access_read shows both; the policy decides the rest), by the index
    -- on the user name: the names are text, constants in the statement's custom plan.
    SELECT coalesce(array_agg(s.therapist), '{}') INTO v_supervisees FROM bk.supervision s
    WHERE s.supervisor = v_me AND s.ended_at IS NULL;
    SELECT coalesce(array_agg(DISTINCT a.child_uid), '{}') INTO v_children FROM bk.access a
    WHERE a.username = ANY (v_me || v_supervisees) AND a.revoked_at IS NULL AND a.child_uid IS NOT NULL;
    v_page := bk.pull_page(v_me, p_cursor, v_limit, v_children, p_device);
    -- The last page ends with the newest record this device wrote after it, if any: the laptop skips it (its own)
    -- and its cursor moves past its own upload, so the next pull does not walk those records again.
    IF p_device IS NOT NULL AND cardinality(v_page) < v_limit THEN
        SELECT r.* INTO v_mark FROM bk.record r
        WHERE r.author = v_me
          AND r.seq > greatest(p_cursor, coalesce((SELECT max(x.seq) FROM unnest(v_page) x), p_cursor))
          AND r.device = p_device
        ORDER BY r.author DESC, r.seq DESC LIMIT 1;
        IF FOUND THEN
            v_page := v_page || v_mark;
        END IF;
    END IF;
    RETURN QUERY
    WITH page AS (
        SELECT * FROM unnest(v_page)
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'pull', coalesce(p.child_uid, gc.child_uid), count(*) FROM page p
        -- A group's children, looked up by the group's uid for a group only (migration 0016).
        LEFT JOIN LATERAL (SELECT g.child_uid FROM bk.group_session_child g
                           WHERE p.kind = 'group_sessions' AND p.child_uid IS NULL AND g.group_uid = p.uid
                           OFFSET 0) gc ON true
        WHERE p.author <> current_user GROUP BY coalesce(p.child_uid, gc.child_uid)
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq;
END $$;

