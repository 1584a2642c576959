-- A pull page's server time flat in the size of the municipality (issue 14, "Speed"). bk.pull scanned bk.record in
-- seq order and let the read policy drop what the user may not read, so the therapist uploaded last in a
-- municipality of twenty read every colleague's records to fill her page. The page is now gathered from the only
-- places a readable record can be: my own (record_author), the GPs (record_gps, new), and the children I or my
-- supervisees have access to (record_child, one bounded index scan each), within a window of seqs that grows until
-- it holds a page. Every scan still goes through bk.record's read policy (SECURITY INVOKER, RLS forced): the
-- sources only decide where to look, the policy decides what is seen, so the page is exactly the policy's page
-- (tests/server/test_pull_sources.py). A record the policy lets me read is always in one of the sources: the
-- policy's clauses are author = me, kind = 'gps', or a child on an access row of mine or of a supervisee's.
SET LOCAL ROLE bk_owner;

CREATE INDEX record_gps ON bk.record (kind, seq) WHERE kind = 'gps';

-- The first p_limit records I may read in (p_cursor, p_hi] (no upper bound when p_hi is NULL), in seq order.
-- No SET clause, so PostgreSQL inlines it into bk.pull's queries and plans it with the cursor, window and user known
-- (bk.pull asks for custom plans): a generic plan walked the seq index and filtered, which is the scan this
-- replaces. The seq bounds are written as row comparisons on each source's own index ((author, seq), (kind, seq),
-- (child_uid, seq)), which the seq index cannot serve, so the planner has no cheaper-looking walk in seq order. Every name is schema-qualified or pg_catalog's, and bk.pull, its only caller, fixes the search_path.
-- p_me: the user, current_user as text (bk.pull passes it; the policy checks current_user whatever is passed).
-- p_children: the children whose records I may read some of (a superset does no harm: the policy filters).
CREATE FUNCTION bk.pull_candidates(p_me text, p_cursor bigint, p_hi bigint, p_limit int, p_children uuid[])
RETURNS SETOF bk.record LANGUAGE sql STABLE SECURITY INVOKER AS $$
    SELECT * FROM (
        (SELECT * FROM bk.record r
         WHERE r.author = p_me AND (r.author, r.seq) > (p_me, p_cursor)
           AND (r.author, r.seq) <= (p_me, coalesce(p_hi, 9223372036854775807))
         ORDER BY r.author, r.seq LIMIT p_limit)
        UNION ALL
        (SELECT * FROM bk.record r
         WHERE r.kind = 'gps' AND (r.kind, r.seq) > ('gps', p_cursor)
           AND (r.kind, r.seq) <= ('gps', coalesce(p_hi, 9223372036854775807)) AND r.author <> p_me
         ORDER BY r.kind, r.seq LIMIT p_limit)
        UNION ALL
        (SELECT c.* FROM unnest(p_children) AS ch (child_uid)
         CROSS JOIN LATERAL (
             SELECT * FROM bk.record r
             WHERE r.child_uid = ch.child_uid AND (r.child_uid, r.seq) > (ch.child_uid, p_cursor)
               AND (r.child_uid, r.seq) <= (ch.child_uid, coalesce(p_hi, 9223372036854775807))
               AND r.author <> p_me AND r.kind <> 'gps'
             ORDER BY r.child_uid, r.seq LIMIT p_limit) c)
    ) u ORDER BY u.seq LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION bk.pull(p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan AS $$
#variable_conflict use_column
DECLARE
    v_me       text := current_user;  -- a text value, so the index on (author, seq) serves it
    v_limit    int := least(greatest(p_limit, 1), 5000);
    v_children uuid[];
    v_first    bigint;
    v_top      bigint;
    v_hi       bigint;
    v_width    bigint;
    v_found    int;
    v_last     bigint;
BEGIN
    -- My access rows and my current supervisees' (access_read shows both; the policy decides the rest).
    SELECT coalesce(array_agg(DISTINCT a.child_uid), '{}') INTO v_children FROM bk.access a
    WHERE a.revoked_at IS NULL AND a.child_uid IS NOT NULL
      AND (a.username = current_user
           OR a.username IN (SELECT s.therapist FROM bk.supervision s
                             WHERE s.supervisor = current_user AND s.ended_at IS NULL));
    -- Where the window starts: the first readable record after the cursor (one probe per source).
    SELECT min(c.seq) INTO v_first FROM bk.pull_candidates(v_me, p_cursor, NULL, 1, v_children) c;
    IF v_first IS NOT NULL THEN
        v_top := bk.high_water();
        v_width := 4 * v_limit;
        LOOP
            v_hi := v_first - 1 + v_width;
            IF v_hi >= v_top THEN
                v_hi := NULL;  -- the rest of the table: no bound, as the last window
                EXIT;
            END IF;
            SELECT count(*), max(c.seq) INTO v_found, v_last
            FROM bk.pull_candidates(v_me, p_cursor, v_hi, v_limit, v_children) c;
            IF v_found >= v_limit THEN
                v_hi := v_last;
                EXIT;
            END IF;
            -- Grow by the density seen so far (at least double), so a sparse reader needs few windows.
            v_width := v_width * greatest(2, least(64, ceil(1.5 * v_limit / greatest(v_found, 1))::bigint));
        END LOOP;
    END IF;
    RETURN QUERY
    WITH page AS (
        SELECT * FROM bk.pull_candidates(v_me, p_cursor, v_hi, v_limit, v_children) c
        WHERE v_first IS NOT NULL
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'pull', p.child_uid, count(*) FROM page p
        WHERE p.author <> current_user GROUP BY p.child_uid
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq;
END $$;
