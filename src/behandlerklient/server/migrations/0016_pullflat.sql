-- One pull page's server time flat in the size of the municipality (issue 14, "Speed"), for the therapist uploaded
-- last too. bk.pull's window (migration 0011) started at the first record the reader may read after the cursor. For
-- the last of 4 or 20 therapists that is a GP record written by the first laptop, so the window started there and
-- grew across every colleague's records to reach hers; its probe and its last, unbounded window scanned every child
-- of her caseload to the end of the table, and the child source reads her own records about her children (filtered
-- out there: the own source brings them) until it finds one by someone else, i.e. all of them. At 2,000 children
-- (4 x 500) her page cost 3.8 times bt01's (34 ms when the server held bt01's upload alone), at 10,000 2.2 times.
--
-- The page's upper bound now comes first, from the two sources an index seeks in seq order: my own records (author,
-- seq) and the GPs (kind, seq). Their first page-full merged ends at some seq: no record after it is in the page
-- (the page already holds a page-full up to there), so every other scan stops there. Within that bound I wrote at
-- most a page of records, so the child source's filtered reads are at most a page too. The children's window then
-- starts at the first record of a child source (children and groups, one probe per child, within the bound), not at
-- the first GP, and grows as before up to that bound. A page is still one statement of bk.pull_candidates (the same
-- sources through the same policy, so the same rows in the same order), or, when no child source has a record up to
-- the bound, the own and GP rows that statement would return. The disclosure log's look-up of a group's children is
-- a probe by the group's uid now: as a join it hashed every group pair the reader may see, for any page holding a
-- record by someone else (a colleague's GP), a scan growing with the municipality's groups.
SET LOCAL ROLE bk_owner;

-- The first p_limit records of the child sources of bk.pull_candidates alone (my children's records by others, and
-- the groups of my children by others) in (p_cursor, p_hi], in seq order: where the children's window starts.
-- Like bk.pull_candidates, no SET clause, so it is inlined and planned with its arguments known.
CREATE FUNCTION bk.pull_candidates_of_children(p_me text, p_cursor bigint, p_hi bigint, p_limit int, p_children uuid[])
RETURNS SETOF bk.record LANGUAGE sql STABLE SECURITY INVOKER AS $$
    SELECT * FROM (
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

-- bk.pull of migration 0015 with the bound and the children's window start above; the last page's marker and the
-- disclosure log as before.
CREATE OR REPLACE FUNCTION bk.pull(p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
#variable_conflict use_column
DECLARE
    v_me       text := current_user;  -- a text value, so the index on (author, seq) serves it
    v_limit    int := least(greatest(p_limit, 1), 5000);
    v_children uuid[];
    v_bound    bigint;  -- the page ends at or before this seq (NULL: no bound known)
    v_first    bigint;
    v_top      bigint;
    v_hi       bigint;
    v_width    bigint;
    v_base     bk.record[];
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
    -- My own records and the GPs, the first page-full: each source one index scan in seq order. The last of them
    -- bounds the page, if there are a page-full.
    -- (u.r, each branch's whole row, is a bk.record: an anonymous row would be converted through text.)
    v_base := ARRAY(
        SELECT u.r FROM (
            (SELECT r.seq, r FROM bk.record r
             WHERE r.author = v_me AND (r.author, r.seq) > (v_me, p_cursor) AND r.device IS DISTINCT FROM p_device
             ORDER BY r.author, r.seq LIMIT v_limit)
            UNION ALL
            (SELECT r.seq, r FROM bk.record r
             WHERE r.kind = 'gps' AND (r.kind, r.seq) > ('gps', p_cursor) AND r.author <> v_me
             ORDER BY r.kind, r.seq LIMIT v_limit)
        ) u ORDER BY u.seq LIMIT v_limit);
    IF cardinality(v_base) >= v_limit THEN
        v_bound := v_base[v_limit].seq;
    END IF;
    -- Where the children's window starts: their first record after the cursor, within the bound.
    SELECT min(c.seq) INTO v_first FROM bk.pull_candidates_of_children(v_me, p_cursor, v_bound, 1, v_children) c;
    IF v_first IS NULL THEN
        -- No child source has a record up to the bound: the page is my own records and the GPs. Without a bound, a
        -- record that came after the first statement has a seq after every record it saw (seq order is commit
        -- order), so it comes with the next page; the device's marker below is older than the first statement (a
        -- laptop does not push while it pulls), so the cursor does not pass it either.
        v_page := v_base;
        v_found := cardinality(v_page);
    ELSE
        v_top := bk.high_water();
        v_width := v_limit;
        LOOP
            v_hi := v_first - 1 + v_width;
            IF v_bound IS NOT NULL AND v_hi >= v_bound THEN
                v_hi := v_bound;
            ELSIF v_bound IS NULL AND v_hi >= v_top THEN
                -- The last window has no upper bound: a record committed since high_water() was read is not missed.
                v_hi := NULL;
            END IF;
            v_page := ARRAY(SELECT c FROM bk.pull_candidates(v_me, p_cursor, v_hi, v_limit, v_children, p_device) c
                            ORDER BY c.seq);
            v_found := cardinality(v_page);
            EXIT WHEN v_hi IS NULL OR v_hi = v_bound OR v_found >= v_limit;
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
        -- A group's children, looked up by the group's uid for a group only: as a plain join the planner hashed every
        -- pair I may read (a seq scan growing with the municipality's groups). OFFSET 0 keeps the subquery a probe.
        LEFT JOIN LATERAL (SELECT g.child_uid FROM bk.group_session_child g
                           WHERE p.kind = 'group_sessions' AND p.child_uid IS NULL AND g.group_uid = p.uid
                           OFFSET 0) gc ON true
        WHERE p.author <> current_user GROUP BY coalesce(p.child_uid, gc.child_uid)
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq;
END $$;
