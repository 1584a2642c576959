-- A laptop is not sent back what it wrote itself (issue 14: first upload, a sync with nothing new). bk.pull's own
-- source (my records, by (author, seq)) handed the calling device its own records: a laptop's first sync pulled its
-- whole upload back (18,000 records for 500 children: 2.1 s of server time, five pages on the wire, 5.6 s of
-- look-ups on the laptop) only to skip each one as "own" (services/sync/apply.py: a record with this device's id is
-- here already, whatever the laptop holds). The device is the one bk.pull is given (p_device, the laptop's id, also
-- written to the disclosure log); the records of my other devices still come. The last page ends with the newest
-- record the device wrote after it (one row, skipped by the laptop as its own), so its cursor still moves past its
-- own records and the next pull starts after them. A call without a device (an older laptop) gets what it got before.
SET LOCAL ROLE bk_owner;

DROP FUNCTION bk.pull_candidates(text, bigint, bigint, int, uuid[]);

CREATE FUNCTION bk.pull_candidates(p_me text, p_cursor bigint, p_hi bigint, p_limit int, p_children uuid[],
                                   p_device uuid)
RETURNS SETOF bk.record LANGUAGE sql STABLE SECURITY INVOKER AS $$
    SELECT * FROM (
        (SELECT * FROM bk.record r
         WHERE r.author = p_me AND (r.author, r.seq) > (p_me, p_cursor)
           AND (r.author, r.seq) <= (p_me, coalesce(p_hi, 9223372036854775807))
           AND r.device IS DISTINCT FROM p_device
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
        UNION ALL
        (SELECT r.* FROM (
             SELECT DISTINCT g.group_seq FROM unnest(p_children) AS ch (child_uid)
             CROSS JOIN LATERAL (
                 SELECT gc.group_seq FROM bk.group_session_child gc
                 WHERE gc.child_uid = ch.child_uid AND (gc.child_uid, gc.group_seq) > (ch.child_uid, p_cursor)
                   AND (gc.child_uid, gc.group_seq) <= (ch.child_uid, coalesce(p_hi, 9223372036854775807))
                   AND gc.author <> p_me
                 ORDER BY gc.child_uid, gc.group_seq LIMIT p_limit) g) grp
         JOIN bk.record r ON r.seq = grp.group_seq
         ORDER BY r.seq LIMIT p_limit)
    ) u ORDER BY u.seq LIMIT p_limit
$$;

-- bk.pull of migration 0012 (JIT off as migration 0014 set it), with the calling device passed to its sources.
CREATE OR REPLACE FUNCTION bk.pull(p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
#variable_conflict use_column
DECLARE
    v_me       text := current_user;  -- a text value, so the index on (author, seq) serves it
    v_limit    int := least(greatest(p_limit, 1), 5000);
    v_children uuid[];
    v_first    bigint;
    v_top      bigint;
    v_hi       bigint;
    v_width    bigint;
    v_page     bk.record[];
    v_found    int;
    v_mark     bk.record;
BEGIN
    -- My access rows and my current supervisees' (access_read shows both; the policy decides the rest).
    SELECT coalesce(array_agg(DISTINCT a.child_uid), '{}') INTO v_children FROM bk.access a
    WHERE a.revoked_at IS NULL AND a.child_uid IS NOT NULL
      AND (a.username = current_user
           OR a.username IN (SELECT s.therapist FROM bk.supervision s
                             WHERE s.supervisor = current_user AND s.ended_at IS NULL));
    -- Where the window starts: the first readable record after the cursor (one probe per source).
    SELECT min(c.seq) INTO v_first FROM bk.pull_candidates(v_me, p_cursor, NULL, 1, v_children, p_device) c;
    IF v_first IS NOT NULL THEN
        v_top := bk.high_water();
        v_width := v_limit;
        LOOP
            -- The last window has no upper bound: a record committed since high_water() was read is not missed.
            v_hi := CASE WHEN v_first - 1 + v_width < v_top THEN v_first - 1 + v_width END;
            v_page := ARRAY(SELECT c FROM bk.pull_candidates(v_me, p_cursor, v_hi, v_limit, v_children, p_device) c
                            ORDER BY c.seq);
            v_found := cardinality(v_page);
            EXIT WHEN v_hi IS NULL OR v_found >= v_limit;
            -- Grow by the density seen so far (at least double), so a sparse reader needs few windows.
            v_width := v_width * greatest(2, least(64, ceil(1.5 * v_limit / greatest(v_found, 1))::bigint));
        END LOOP;
    END IF;
    -- The last page ends with the newest record this device wrote after it, if any: the laptop skips it (its own)
    -- and its cursor moves past its own upload, so the next pull does not walk those records again.
    IF p_device IS NOT NULL AND coalesce(v_found, 0) < v_limit THEN
        SELECT r.* INTO v_mark FROM bk.record r
        WHERE r.author = v_me
          AND r.seq > greatest(p_cursor, coalesce((SELECT max(x.seq) FROM unnest(v_page) x), p_cursor))
          AND r.device = p_device
        ORDER BY r.author DESC, r.seq DESC LIMIT 1;
        IF FOUND THEN
            v_page := coalesce(v_page, '{}'::bk.record[]) || v_mark;
        END IF;
    END IF;
    RETURN QUERY
    WITH page AS (
        SELECT * FROM unnest(coalesce(v_page, '{}'::bk.record[]))
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'pull', coalesce(p.child_uid, gc.child_uid), count(*) FROM page p
        LEFT JOIN bk.group_session_child gc ON p.kind = 'group_sessions' AND p.child_uid IS NULL
                                            AND gc.group_uid = p.uid
        WHERE p.author <> current_user GROUP BY coalesce(p.child_uid, gc.child_uid)
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq;
END $$;
