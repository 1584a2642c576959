-- The read policies find the reader's access rows by the index on the user name (issue 14: a pull page's server time
-- flat from 200 to 10,000 children). record_read (migration 0002) and group_child_read (0012) asked
-- `a.username = current_user`. current_user is of type name, whose collation is "C"; bk.access.username is text of the
-- database's default collation. The comparison's two collations differ, so it has none the index on username can
-- serve (an explicit `COLLATE "default"` makes it an index condition; migration 0018's note blamed the type alone),
-- and every statement that read bk.record built its hashed look-ups by reading bk.access whole: at 10,000 children
-- 20,000 rows, twice, about 4.5 ms of a therapist's first page of 1,000 (EXPLAIN ANALYZE on the bench's server),
-- growing with the municipality. bk.my_access reads them with the name as a text variable, which has the column's
-- collation: by the index, in a custom plan per call (a coordinator's 10,000 rows are read as the plan for her name
-- decides). bk.supervised_access does the same for a supervisor's branch: her current supervisees' names are read
-- first, so the plan knows them (joined to bk.supervision, the planner guessed their rows from the average and could
-- read bk.access whole for them as well). SECURITY INVOKER: access_read and supervision_read apply inside both as they
-- did to the subqueries, so the rows are the same. The policies (and frame_read, migration 0008) are otherwise
-- unchanged.
SET LOCAL ROLE bk_owner;

CREATE FUNCTION bk.my_access(p_bases text[]) RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
DECLARE
    v_me text := current_user;
BEGIN
    RETURN QUERY SELECT a.child_uid FROM bk.access a
                 WHERE a.username = v_me AND a.revoked_at IS NULL AND a.basis = ANY (p_bases);
END $$;
REVOKE ALL ON FUNCTION bk.my_access(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bk.my_access(text[]) TO bk_user;

CREATE FUNCTION bk.supervised_access() RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan SET jit = off AS $$
DECLARE
    v_me text := current_user;
    v_supervisees text[];
BEGIN
    SELECT coalesce(array_agg(s.therapist), '{}') INTO v_supervisees FROM bk.supervision s
    WHERE s.supervisor = v_me AND s.ended_at IS NULL;
    IF cardinality(v_supervisees) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT a.child_uid FROM bk.access a
                 WHERE a.username = ANY (v_supervisees) AND a.revoked_at IS NULL AND a.basis IN ('caseload', 'shared');
END $$;
REVOKE ALL ON FUNCTION bk.supervised_access() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bk.supervised_access() TO bk_user;

ALTER POLICY record_read ON bk.record USING (
    author = current_user
    OR kind = 'gps'
    OR (kind <> 'audit_log' AND child_uid IN (SELECT bk.my_access('{caseload,shared}')))
    OR (kind = ANY (bk.register_kinds()) AND child_uid IN (SELECT bk.my_access('{coordinator}')))
    OR (kind <> 'audit_log' AND child_uid IN (SELECT bk.supervised_access())
        AND (kind = ANY (bk.supervisor_reads()) OR bk.policy_on('supervisor_sees_clinical_text')))
);

ALTER POLICY group_child_read ON bk.group_session_child USING (
    child_uid IN (SELECT bk.my_access('{caseload,shared}'))
    OR (bk.policy_on('supervisor_sees_clinical_text') AND child_uid IN (SELECT bk.supervised_access()))
);

ALTER POLICY frame_read ON bk.session_frame USING (
    NOT bk.policy_on('supervisor_sees_clinical_text') AND child_uid IN (SELECT bk.supervised_access())
);
