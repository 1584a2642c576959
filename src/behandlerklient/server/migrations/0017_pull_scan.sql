-- A page for a reader of many children (issue 14: a supervisor's and a coordinator's fresh laptop). bk.pull of
-- migration 0016 finds the page's records through one index scan per child: one probe per child for the window's
-- start and one range scan per child for each window, each fetching every record of that child in the window from
-- a random heap page and filtering most of them out again (a coordinator reads the register kinds only). For the
-- coordinator of 10,000 children that was 250-500 ms a page, 4-6 CPU seconds of the server for her first pull on
-- the same two cores as her laptop; for the supervisor of 2,000 children 150-300 ms a page.
--
-- Now a page is first read in seq order: the window (cursor, cursor + w] by the table's seq index, each row put to
-- the same four sources (my own records but the calling device's; the GPs by others; my children's records by
-- others; the group sessions of my children by others) and to the same read policy, so the same rows in the same
-- order; LIMIT stops the scan once the page is full. A window that did not fill the page tells how dense the
-- reader's records are there, and the next window is sized by it. Where the rest of the page would take more seqs
-- to scan than a pass of probes costs (c_probe_seqs per child), the page is finished by 0016's probes from where the
-- scan stopped, so a reader of few children among many records (a therapist of 500 among 10,000, or the 6,000
-- unreadable records of tests/server/test_pull_page_cost.py) reads no more than before, and a page stays flat in
-- the size of the municipality. The page's statements all read under one snapshot (bk.pull_page, STABLE), as
-- 0016's page was one statement: pages read while batches commit skip nothing. bk.pull_candidates' sources are made
-- disjoint (a group naming a child came twice). Measured on the bench's server
-- (10,000 children, 357,000 records), a whole fresh pull from 0, server time: coordinator 3.1-4.4 s -> 1.6-1.8 s,
-- supervisor 1.4-1.7 s -> 0.7-0.8 s, a therapist 0.3-0.4 s -> 0.3 s.
SET LOCAL ROLE bk_owner;

-- bk.pull_candidates' four sources in (p_lo, p_hi], read by one scan in seq order. Each row belongs to at most one
-- source (mine / a GP / a group session / a child's record), so no row comes twice. No SET clause: inlined and
-- planned with its arguments known (the children's array becomes a hashed constant).
CREATE FUNCTION bk.pull_scan(p_me text, p_lo bigint, p_hi bigint, p_limit int, p_children uuid[], p_device uuid)
RETURNS SETOF bk.record LANGUAGE sql STABLE SECURITY INVOKER AS $$
    SELECT * FROM bk.record r
    WHERE r.seq > p_lo AND r.seq <= coalesce(p_hi, 9223372036854775807)
      AND CASE WHEN r.author = p_me THEN r.device IS DISTINCT FROM p_device
               WHEN r.kind = 'gps' THEN true
               -- a group's record names no child: its children are the group's pairs (migration 0012)
               WHEN r.kind = 'group_sessions' THEN r.child_uid = ANY (p_children) OR EXISTS (
                    SELECT 1 FROM bk.group_session_child gc
                    WHERE gc.group_uid = r.uid AND gc.child_uid = ANY (p_children) AND gc.author <> p_me)
               ELSE r.child_uid = ANY (p_children) END
    ORDER BY r.seq LIMIT p_limit
$$;

-- bk.pull_candidates of migration 0015 with its sources disjoint. A group_sessions record that names one of my
-- children (bk.push accepts it: may_write treats it as a child's record) came from the child source and again from
-- the group pairs, so 0016's page held it twice: a page slot used up and its child's disclosure counted twice. The
-- group source now leaves out a group that names one of my children (the child source brings it), as bk.pull_scan
-- brings each row once.
CREATE OR REPLACE FUNCTION bk.pull_candidates(p_me text, p_cursor bigint, p_hi bigint, p_limit int, p_children uuid[],
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
         WHERE r.child_uid IS NULL OR r.child_uid <> ALL (p_children)
         ORDER BY r.seq LIMIT p_limit)
    ) u ORDER BY u.seq LIMIT p_limit
$$;

-- The page of migration 0016's bk.pull (own and GP bound, the children's window start by one probe per child, the
-- windows of bk.pull_candidates), the first p_limit candidates after p_cursor. STABLE: it reads under its caller's
-- snapshot (bk.pull_page).
CREATE FUNCTION bk.pull_probed(p_me text, p_cursor bigint, p_limit int, p_children uuid[], p_device uuid)
RETURNS bk.record[] LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
#variable_conflict use_column
DECLARE
    v_me       text := p_me;
    v_limit    int := least(greatest(p_limit, 1), 5000);
    v_bound    bigint;
    v_first    bigint;
    v_top      bigint;
    v_hi       bigint;
    v_width    bigint;
    v_base     bk.record[];
    v_page     bk.record[];
BEGIN
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
    SELECT min(c.seq) INTO v_first FROM bk.pull_candidates_of_children(v_me, p_cursor, v_bound, 1, p_children) c;
    IF v_first IS NULL THEN
        RETURN v_base;
    END IF;
    v_top := bk.high_water();
    v_width := v_limit;
    LOOP
        v_hi := v_first - 1 + v_width;
        IF v_bound IS NOT NULL AND v_hi >= v_bound THEN
            v_hi := v_bound;
        ELSIF v_bound IS NULL AND v_hi >= v_top THEN
            v_hi := NULL;
        END IF;
        v_page := ARRAY(SELECT c FROM bk.pull_candidates(v_me, p_cursor, v_hi, v_limit, p_children, p_device) c
                        ORDER BY c.seq);
        EXIT WHEN v_hi IS NULL OR v_hi = v_bound OR cardinality(v_page) >= v_limit;
        v_width := v_width * greatest(2, least(64, ceil(1.5 * v_limit / greatest(cardinality(v_page), 1))::bigint));
    END LOOP;
    RETURN v_page;
END $$;

-- One page: the scan windows and, where sparse, the probes. STABLE, so every statement in it (and in
-- bk.pull_probed) reads under the snapshot of the statement that calls it: the page is what one moment's commits
-- hold. Seq order is commit order (a seq is taken under the insert lock held to its commit), so that is every record
-- up to the first one in flight and none after it. Read by VOLATILE statements, each of its own moment, a batch in
-- flight across one window's upper bound was invisible to that window and visible to the next: the page went on
-- past the batch's first records, and the reader's cursor with it (tests/server/test_pull_concurrent.py).
CREATE FUNCTION bk.pull_page(p_me text, p_cursor bigint, p_limit int, p_children uuid[], p_device uuid)
RETURNS bk.record[] LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
DECLARE
    -- Seqs a scan may read for the cost of one pass of probes, per child. A probe is an index descent plus the
    -- child's records in the window from random heap pages; a scanned seq is a row of a heap page read in order.
    -- Measured on the bench's server: 8 against 4 and 32 (4: probes too early; 32: scans into long gaps).
    c_probe_seqs CONSTANT int := 8;
    v_limit    int := least(greatest(p_limit, 1), 5000);
    v_probe    bigint := c_probe_seqs::bigint * cardinality(p_children);
    v_top      bigint := bk.high_water();
    v_lo       bigint := CASE WHEN p_cursor < 0 THEN 0 ELSE p_cursor END;  -- seqs start at 1
    v_hi       bigint;
    v_width    bigint;
    v_need     int;
    v_rows     bk.record[];
    v_got      int;
    v_page     bk.record[] := '{}';
BEGIN
    v_width := least(2 * v_limit, v_probe);
    LOOP
        v_need := v_limit - cardinality(v_page);
        IF v_width < 1 THEN
            -- Sparse here (or no children to probe): the probes find the rest of the page.
            RETURN v_page || bk.pull_probed(p_me, v_lo, v_need, p_children, p_device);
        END IF;
        -- The last window has no upper bound.
        v_hi := CASE WHEN v_width < v_top - v_lo THEN v_lo + v_width END;  -- (no sum past bigint's end)
        v_rows := ARRAY(SELECT c FROM bk.pull_scan(p_me, v_lo, v_hi, v_need, p_children, p_device) c ORDER BY c.seq);
        v_got := cardinality(v_rows);
        v_page := v_page || v_rows;
        IF v_hi IS NULL OR v_got >= v_need THEN
            RETURN v_page;
        END IF;
        -- The scan saw every candidate in (v_lo, v_hi]: the rest of the page would take about
        -- (v_need - v_got) / density seqs more. Scan that far (and a quarter more), or probe if that costs less.
        v_width := CASE WHEN v_got > 0 AND (v_need - v_got) * (v_hi - v_lo) <= v_probe * v_got
                        THEN ceil(1.25 * (v_need - v_got) * (v_hi - v_lo) / v_got)::bigint ELSE 0 END;
        v_lo := v_hi;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION bk.pull(p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
#variable_conflict use_column
DECLARE
    v_me       text := current_user;  -- a text value, so the index on (author, seq) serves it
    v_limit    int := least(greatest(p_limit, 1), 5000);
    v_children uuid[];
    v_page     bk.record[];
    v_mark     bk.record;
BEGIN
    -- My access rows and my current supervisees' (access_read shows both; the policy decides the rest).
    SELECT coalesce(array_agg(DISTINCT a.child_uid), '{}') INTO v_children FROM bk.access a
    WHERE a.revoked_at IS NULL AND a.child_uid IS NOT NULL
      AND (a.username = current_user
           OR a.username IN (SELECT s.therapist FROM bk.supervision s
                             WHERE s.supervisor = current_user AND s.ended_at IS NULL));
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
