-- A pull page's server time flat in the size of the municipality (issue 14, "Speed"). bk.pull scanned bk.record in
-- seq order and let the read policy drop what the user may not read, so the therapist uploaded last in a
-- municipality of twenty read every colleague's records to fill her page. The page is now gathered from the only
-- places a readable record can be: my own (record_author), the GPs (record_gps, new), and the children I or my
-- supervisees have access to (record_child, one bounded index scan each), within a window of seqs that grows until
-- it holds a page. Every scan still goes through bk.record's read policy (SECURITY INVOKER, RLS forced): the
-- sources only decide where to look, the policy decides what is seen, so the page is exactly the policy's page
-- (tests/server/test_pull_sources.py). A record the policy lets me read is always in one of the sources: the
-- policy's clauses are author = me, kind = 'gps', or a child on an access row of mine or of a supervisee's.
-- The window starts at the first readable record and one page wide; each window's page is kept, and a window that
-- held less than a page grows by the density it saw, so a page reads about what it returns (twice: a record of mine
-- about my child is in two sources) whoever else wrote in between.
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
    v_page     bk.record[];
    v_found    int;
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
        v_width := v_limit;
        LOOP
            -- The last window has no upper bound: a record committed since high_water() was read is not missed.
            v_hi := CASE WHEN v_first - 1 + v_width < v_top THEN v_first - 1 + v_width END;
            v_page := ARRAY(SELECT c FROM bk.pull_candidates(v_me, p_cursor, v_hi, v_limit, v_children) c
                            ORDER BY c.seq);
            v_found := cardinality(v_page);
            EXIT WHEN v_hi IS NULL OR v_found >= v_limit;
            -- Grow by the density seen so far (at least double), so a sparse reader needs few windows.
            v_width := v_width * greatest(2, least(64, ceil(1.5 * v_limit / greatest(v_found, 1))::bigint));
        END LOOP;
    END IF;
    RETURN QUERY
    WITH page AS (
        SELECT * FROM unnest(coalesce(v_page, '{}'::bk.record[]))
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'pull', p.child_uid, count(*) FROM page p
        WHERE p.author <> current_user GROUP BY p.child_uid
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq;
END $$;

-- First upload throughput (issue 14: 10,000 children, about 370,000 records, in under 2 minutes). bk.push ran a
-- PL/pgSQL loop of look-ups per record. Now the batch is classified in one statement after the one batch-wide
-- signature check, and each run of plain records (checked ok, mine, a uid new to the server, to my quarantine and
-- to the rest of the batch, a known schema version, written with access when signed, not an audit row) goes in
-- with one INSERT ... SELECT. Everything else (duplicates, conflicts, retries of quarantined records, refusals,
-- audit rows whose chain is checked against the head the rows before them left) goes through bk.push_one, the
-- per-record steps of migration 0010 unchanged, in batch order, so seq order is still batch order. The insert
-- still passes bk.record's write policy row by row (RLS stays the enforcement).

-- One record the way bk.push handled each before (migration 0010's loop body); p_verdict is check_items' verdict.
CREATE FUNCTION bk.push_one(item jsonb, p_verdict text) RETURNS TABLE (uid uuid, status text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    v_uid     uuid;
    v_hash    bytea;
    v_known   bytea;
    v_verdict text;
    v_head    text;
    v_seq     bigint;
BEGIN
    IF jsonb_typeof(item -> 'uid') = 'string'
       AND item ->> 'uid' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        v_uid := (item ->> 'uid')::uuid;
    END IF;
    IF jsonb_typeof(item -> 'content_hash') = 'string' AND item ->> 'content_hash' ~ '^[0-9a-f]{64}$' THEN
        v_hash := decode(item ->> 'content_hash', 'hex');
    END IF;

    -- Seen before? Mine and identical: duplicate. Mine and different: conflict, kept in quarantine.
    IF v_uid IS NOT NULL THEN
        SELECT r.content_hash INTO v_known FROM bk.record r WHERE r.uid = v_uid;
        IF FOUND THEN
            IF v_known = v_hash THEN
                uid := v_uid; status := 'duplicate'; RETURN NEXT; RETURN;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM bk.quarantine q WHERE q.uid = v_uid AND q.item = item) THEN
                INSERT INTO bk.quarantine (uid, reason, item) VALUES (v_uid, 'uid_conflict', item);
            END IF;
            uid := v_uid; status := 'conflict'; RETURN NEXT; RETURN;
        END IF;
        -- Quarantined before with the same content (a retry): the same answer, no second row.
        IF EXISTS (SELECT 1 FROM bk.quarantine q WHERE q.uid = v_uid AND q.item = item) THEN
            uid := v_uid;
            status := CASE WHEN EXISTS (SELECT 1 FROM bk.quarantine q WHERE q.uid = v_uid AND q.item = item
                                        AND q.reason = 'uid_conflict') THEN 'conflict' ELSE 'quarantined' END;
            RETURN NEXT; RETURN;
        END IF;
    END IF;

    -- Checks in order; each runs only when the ones before passed (the casts rely on check_items).
    IF jsonb_typeof(item -> 'author') = 'string' AND item ->> 'author' <> current_user THEN
        v_verdict := 'author_is_not_pusher';
    ELSE
        v_verdict := p_verdict;
    END IF;
    IF v_verdict = 'ok' THEN
        IF NOT EXISTS (SELECT 1 FROM bk.schema_version sv WHERE sv.version = (item ->> 'schema_version')::int) THEN
            v_verdict := 'unknown_schema_version';
        ELSIF NOT bk.may_write(item ->> 'kind', (item ->> 'child_uid')::uuid,
                               (item ->> 'signed_at')::timestamptz) THEN
            v_verdict := 'no_access_when_signed';
        ELSIF item ->> 'kind' = 'audit_log' THEN
            -- Each device's chain must continue from the last row the server accepted for that device.
            SELECT c.head_hash INTO v_head FROM bk.device_chain c WHERE c.device = (item ->> 'device')::uuid;
            IF FOUND AND (item -> 'payload' ->> 'prev') IS DISTINCT FROM v_head THEN
                v_verdict := 'audit_chain_break';
            ELSIF jsonb_typeof(item -> 'payload' -> 'hash') IS DISTINCT FROM 'string' THEN
                v_verdict := 'malformed';
            END IF;
        END IF;
    END IF;
    IF v_verdict IS DISTINCT FROM 'ok' THEN
        INSERT INTO bk.quarantine (uid, reason, item) VALUES (v_uid, coalesce(v_verdict, 'malformed'), item);
        uid := v_uid; status := 'quarantined'; RETURN NEXT; RETURN;
    END IF;

    -- A uid already taken by a record I cannot see: the unique index answers, RLS does not hide it.
    INSERT INTO bk.record AS r (uid, kind, child_uid, author, device, signed_at, schema_version, payload,
                                content_hash, signature)
    VALUES (v_uid, item ->> 'kind', (item ->> 'child_uid')::uuid, current_user, (item ->> 'device')::uuid,
            (item ->> 'signed_at')::timestamptz, (item ->> 'schema_version')::int, item -> 'payload',
            v_hash, decode(item ->> 'signature', 'base64'))
    ON CONFLICT ON CONSTRAINT record_pkey DO NOTHING
    RETURNING r.seq INTO v_seq;
    IF NOT FOUND THEN
        INSERT INTO bk.quarantine (uid, reason, item) VALUES (v_uid, 'uid_conflict', item);
        uid := v_uid; status := 'conflict'; RETURN NEXT; RETURN;
    END IF;
    uid := v_uid; status := 'accepted'; RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION bk.push(batch jsonb) RETURNS TABLE (uid uuid, status text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
DECLARE
    v_key     bytea;
    v_checked text[];
    v_items   jsonb[];
    v_plain   boolean[];
    v_total   int;
    v_run     int := 0;  -- first item of the pending run of plain records (0: none)
    i         int;
BEGIN
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'bk.push takes a JSON array of records' USING ERRCODE = '22023';
    END IF;
    v_total := jsonb_array_length(batch);
    IF v_total > 2000 THEN
        RAISE EXCEPTION 'bk.push takes at most 2000 records per batch' USING ERRCODE = '54000';
    END IF;
    SELECT s.signing_pubkey INTO v_key FROM bk.staff s WHERE s.username = current_user AND s.disabled_at IS NULL;
    v_checked := bk.check_items(batch, v_key);  -- before the lock: laptops pushing at once verify in parallel
    PERFORM pg_advisory_xact_lock(7402, 1);

    v_items := ARRAY(SELECT e.value FROM jsonb_array_elements(batch) WITH ORDINALITY AS e (value, n) ORDER BY e.n);
    -- Plain: what push_one would accept without a question. CASE keeps the casts behind check_items' 'ok'.
    -- The look-ups by uid are LATERAL with LIMIT so they stay index probes per item: as EXISTS inside the CASE the
    -- planner could hash the whole table (all of it, through the read policy) for a batch of two.
    v_plain := ARRAY(
        SELECT CASE WHEN e.uid IS NOT NULL AND e.n_uid = 1 AND e.value ->> 'author' = current_user
                         AND e.value ->> 'kind' <> 'audit_log' AND rec.hit IS NULL AND qua.hit IS NULL
                    THEN EXISTS (SELECT 1 FROM bk.schema_version sv
                                 WHERE sv.version = (e.value ->> 'schema_version')::int)
                         AND bk.may_write(e.value ->> 'kind', (e.value ->> 'child_uid')::uuid,
                                          (e.value ->> 'signed_at')::timestamptz)
                    ELSE false END
        FROM (SELECT x.value, x.n, count(*) OVER (PARTITION BY x.value -> 'uid') AS n_uid,
                     CASE WHEN v_checked[x.n] = 'ok' THEN (x.value ->> 'uid')::uuid END AS uid
              FROM jsonb_array_elements(batch) WITH ORDINALITY AS x (value, n)) e
        LEFT JOIN LATERAL (SELECT 1 AS hit FROM bk.record r WHERE r.uid = e.uid LIMIT 1) rec ON true
        LEFT JOIN LATERAL (SELECT 1 AS hit FROM bk.quarantine q WHERE q.uid = e.uid LIMIT 1) qua ON true
        ORDER BY e.n);

    FOR i IN 1 .. v_total + 1 LOOP
        IF i <= v_total AND v_plain[i] THEN
            IF v_run = 0 THEN
                v_run := i;
            END IF;
            CONTINUE;
        END IF;
        IF v_run > 0 THEN
            -- The run v_run .. i - 1 in one statement; a uid taken by a record I cannot see is a conflict.
            RETURN QUERY
            WITH run AS (
                SELECT g.n, v_items[g.n] AS item, (v_items[g.n] ->> 'uid')::uuid AS uid
                FROM generate_series(v_run, i - 1) AS g (n)
            ), added AS (
                INSERT INTO bk.record AS r (uid, kind, child_uid, author, device, signed_at, schema_version,
                                            payload, content_hash, signature)
                SELECT run.uid, run.item ->> 'kind', (run.item ->> 'child_uid')::uuid, current_user,
                       (run.item ->> 'device')::uuid, (run.item ->> 'signed_at')::timestamptz,
                       (run.item ->> 'schema_version')::int, run.item -> 'payload',
                       decode(run.item ->> 'content_hash', 'hex'), decode(run.item ->> 'signature', 'base64')
                FROM run ORDER BY run.n
                ON CONFLICT ON CONSTRAINT record_pkey DO NOTHING
                RETURNING r.uid
            ), lost AS (
                INSERT INTO bk.quarantine (uid, reason, item)
                SELECT run.uid, 'uid_conflict', run.item FROM run
                WHERE NOT EXISTS (SELECT 1 FROM added a WHERE a.uid = run.uid)
                RETURNING 1
            )
            SELECT run.uid, CASE WHEN EXISTS (SELECT 1 FROM added a WHERE a.uid = run.uid) THEN 'accepted'
                                 ELSE 'conflict' END
            FROM run ORDER BY run.n;
            v_run := 0;
        END IF;
        IF i <= v_total THEN
            RETURN QUERY SELECT * FROM bk.push_one(v_items[i], v_checked[i]);
        END IF;
    END LOOP;
END $$;
