-- Group sessions (issue 14). A `group_sessions` record is the shared part of a group session (agenda, status, goals,
-- exercise, homework: never a child's name, the laptop refuses that at signing) and names no child: its children are
-- named by their own `sessions` records, each about one child and pointing at the group by `group_session_id` in its
-- payload. bk.may_write refused every record without a child but GPs and audit rows, so a signed group session was
-- quarantined ('no_access_when_signed') and never reached a co-therapist.
-- The rule (docs/sync.md "Group sessions"):
-- * write: the author, a clinician who at signed_at held a caseload or shared access (what the laptop's group
--   session needs: she signs it together with a session for each child of hers in it). The group record alone
--   discloses nothing to anyone: who reads it is decided by its children, below.
-- * read: besides its author, whoever may read the clinical records of a child whose session, written by the group's
--   author (and accepted: with her access to that child when signed), names the group: caseload or shared access,
--   and a supervisor of such a holder only with the clinical-text switch on. A coordinator never (clinical).
-- bk.group_session_child holds those pairs (group, child), written by the server from what it accepted, whichever
-- of the group and its sessions arrives first; the laptop sends a group session after its sessions, so the group is
-- readable from the moment it arrives. bk.pull finds a group through it (one index scan per child, like the child
-- source), bk.child_history brings a newly granted child's groups with the child's records, and both log a group
-- in the disclosure log under the child it was read for.
SET LOCAL ROLE bk_owner;

CREATE TABLE bk.group_session_child (
    group_seq bigint NOT NULL,   -- the group record's seq (what bk.pull pages by)
    group_uid uuid NOT NULL,
    child_uid uuid NOT NULL,
    author    text NOT NULL,
    PRIMARY KEY (group_uid, child_uid)
);
CREATE INDEX group_session_child_by_child ON bk.group_session_child (child_uid, group_seq);
CREATE TRIGGER group_session_child_append_only BEFORE UPDATE OR DELETE ON bk.group_session_child
    FOR EACH ROW EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER group_session_child_no_truncate BEFORE TRUNCATE ON bk.group_session_child
    FOR EACH STATEMENT EXECUTE FUNCTION bk.refuse_change();
-- A session's group, by the uid its payload names (only sessions of a group are in it).
CREATE INDEX record_session_group ON bk.record ((payload ->> 'group_session_id'))
    WHERE kind = 'sessions' AND payload ->> 'group_session_id' IS NOT NULL;

-- The group's uid a session's payload names, if it is one.
CREATE FUNCTION bk.group_of(p jsonb) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p ->> 'group_session_id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                THEN (p ->> 'group_session_id')::uuid END
$$;

-- Written by the server only (SECURITY DEFINER: users have no INSERT on the table; the owner reads every record).
CREATE FUNCTION bk.group_child_add() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.kind = 'group_sessions' THEN
        INSERT INTO bk.group_session_child (group_seq, group_uid, child_uid, author)
        SELECT NEW.seq, NEW.uid, s.child_uid, NEW.author FROM bk.record s
        WHERE s.kind = 'sessions' AND s.payload ->> 'group_session_id' IS NOT NULL
          AND s.payload ->> 'group_session_id' = NEW.uid::text AND s.author = NEW.author AND s.child_uid IS NOT NULL
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO bk.group_session_child (group_seq, group_uid, child_uid, author)
        SELECT g.seq, g.uid, NEW.child_uid, g.author FROM bk.record g
        WHERE g.uid = bk.group_of(NEW.payload) AND g.kind = 'group_sessions' AND g.author = NEW.author
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER record_group_child AFTER INSERT ON bk.record FOR EACH ROW
    WHEN (NEW.kind = 'group_sessions'
          OR (NEW.kind = 'sessions' AND NEW.child_uid IS NOT NULL AND NEW.payload ->> 'group_session_id' IS NOT NULL))
    EXECUTE FUNCTION bk.group_child_add();

INSERT INTO bk.group_session_child (group_seq, group_uid, child_uid, author)
SELECT g.seq, g.uid, s.child_uid, g.author
FROM bk.record g JOIN bk.record s ON s.kind = 'sessions' AND s.payload ->> 'group_session_id' IS NOT NULL
    AND s.payload ->> 'group_session_id' = g.uid::text AND s.author = g.author AND s.child_uid IS NOT NULL
WHERE g.kind = 'group_sessions'
ON CONFLICT DO NOTHING;

ALTER TABLE bk.group_session_child ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.group_session_child FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON bk.group_session_child TO bk_owner USING (true) WITH CHECK (true);
-- The pairs of the children whose clinical records I may read (the record policy below asks it).
CREATE POLICY group_child_read ON bk.group_session_child FOR SELECT TO bk_user USING (
    child_uid IN (SELECT a.child_uid FROM bk.access a
                  WHERE a.username = current_user AND a.revoked_at IS NULL AND a.basis IN ('caseload', 'shared'))
    OR (bk.policy_on('supervisor_sees_clinical_text') AND child_uid IN (
            SELECT a.child_uid FROM bk.access a JOIN bk.supervision s ON s.therapist = a.username
            WHERE s.supervisor = current_user AND s.ended_at IS NULL AND a.revoked_at IS NULL
              AND a.basis IN ('caseload', 'shared'))));
GRANT SELECT ON bk.group_session_child TO bk_user;

-- Reading a group session: a policy of its own beside record_read (permissive policies add up).
CREATE POLICY record_read_group ON bk.record FOR SELECT TO bk_user USING (
    kind = 'group_sessions' AND uid IN (SELECT gc.group_uid FROM bk.group_session_child gc));

-- The write rule of migration 0007, with the group session's branch (marked); the rest unchanged.
CREATE OR REPLACE FUNCTION bk.may_write(p_kind text, p_child uuid, p_at timestamptz) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
-- PL/pgSQL rather than SQL: its query plans are cached per session (it runs twice for every pushed record).
BEGIN
    IF p_kind = 'audit_log' THEN
        RETURN p_child IS NULL;
    ELSIF p_kind = 'gps' THEN
        RETURN true;
    ELSIF p_kind = 'group_sessions' AND p_child IS NULL THEN
        -- group sessions: a clinician holding a caseload or shared access when she signed
        RETURN EXISTS (SELECT 1 FROM bk.access a
                       WHERE a.username = current_user AND a.basis IN ('caseload', 'shared')
                         AND date_trunc('second', a.granted_at) <= p_at
                         AND (a.revoked_at IS NULL OR a.revoked_at > p_at));
    ELSIF p_child IS NULL THEN
        RETURN false;
    END IF;
    IF EXISTS (SELECT 1 FROM bk.access a
               WHERE a.child_uid = p_child AND a.username = current_user
                 AND date_trunc('second', a.granted_at) <= p_at
                 AND (a.revoked_at IS NULL OR a.revoked_at > p_at)
                 AND CASE WHEN a.basis = 'coordinator' THEN p_kind = ANY (bk.coordinator_writes())
                          ELSE p_kind <> 'supervision_meetings' END) THEN
        RETURN true;
    END IF;
    RETURN p_kind = ANY (bk.supervision_kinds()) AND EXISTS (
        SELECT 1 FROM bk.supervision s JOIN bk.access a ON a.username = s.therapist
        WHERE s.supervisor = current_user AND date_trunc('second', s.started_at) <= p_at
          AND (s.ended_at IS NULL OR s.ended_at > p_at)
          AND a.child_uid = p_child AND a.basis IN ('caseload', 'shared')
          AND date_trunc('second', a.granted_at) <= p_at
          AND (a.revoked_at IS NULL OR a.revoked_at > p_at));
END $$;

-- bk.pull's sources (migration 0011) with a fourth: the groups of the children I may read some of, through
-- bk.group_session_child's index (child_uid, group_seq), one bounded scan per child like the child source. The
-- policies still decide what is seen. DISTINCT: two of my children in one group name it twice.
CREATE OR REPLACE FUNCTION bk.pull_candidates(p_me text, p_cursor bigint, p_hi bigint, p_limit int,
                                              p_children uuid[])
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

-- A newly granted child's records from before the grant, and the group sessions it took part in (migration 0003's
-- function with the groups added), logged like pull: a group under the child it was read for.
CREATE OR REPLACE FUNCTION bk.child_history(p_child uuid, p_cursor bigint, p_limit int DEFAULT 5000,
                                            p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    WITH page AS (
        SELECT * FROM (
            (SELECT * FROM bk.record r WHERE r.child_uid = p_child AND r.seq > p_cursor
             ORDER BY r.seq LIMIT least(greatest(p_limit, 1), 5000))
            UNION ALL
            (SELECT r.* FROM bk.group_session_child gc JOIN bk.record r ON r.seq = gc.group_seq
             WHERE gc.child_uid = p_child AND gc.group_seq > p_cursor
             ORDER BY gc.group_seq LIMIT least(greatest(p_limit, 1), 5000))
        ) u ORDER BY u.seq LIMIT least(greatest(p_limit, 1), 5000)
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'child_history', coalesce(p.child_uid, p_child), count(*) FROM page p
        WHERE p.author <> current_user GROUP BY coalesce(p.child_uid, p_child)
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq
$$;

-- bk.pull of migration 0011, unchanged but for its disclosure log: a group session names no child, so it is logged
-- under each of the reader's children it was read for (bk.group_session_child, as its policy shows it to her).
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
        SELECT current_user, p_device, 'pull', coalesce(p.child_uid, gc.child_uid), count(*) FROM page p
        LEFT JOIN bk.group_session_child gc ON p.kind = 'group_sessions' AND p.child_uid IS NULL
                                            AND gc.group_uid = p.uid
        WHERE p.author <> current_user GROUP BY coalesce(p.child_uid, gc.child_uid)
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq;
END $$;
