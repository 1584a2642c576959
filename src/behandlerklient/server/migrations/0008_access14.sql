-- A supervisor without the clinical-text switch no longer receives a supervisee's `sessions` records: their
-- payload carries the session's text (agenda, status, goals, exercise, homework, own note, risk note, over-range
-- reason), and a signed envelope cannot be cut down without breaking its signature. What fidelity review needs
-- (the session's date, number, course, author, format, who took part, which parts were filled in) is kept in
-- bk.session_frame, a server-made metadata view of each session record written by a trigger on the way in, and
-- read under its own row-level policy through bk.session_frames (SECURITY INVOKER, logged like pull). The laptop
-- stores a frame as unsigned review metadata, marked as such (docs/sync.md "Session frames").
SET LOCAL ROLE bk_owner;

-- The supervisor's reads without the switch: the register and the supervision records, no longer 'sessions'.
CREATE OR REPLACE FUNCTION bk.supervisor_reads() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT bk.register_kinds() || bk.supervision_kinds() $$;

-- A session's frame: a whitelist, so a column added to sessions later is not handed out by default.
CREATE FUNCTION bk.frame_of(p jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'uid', p -> 'uid', 'course_id', p -> 'course_id', 'number', p -> 'number',
        'session_date', p -> 'session_date', 'duration_min', p -> 'duration_min',
        'participants', p -> 'participants', 'format', p -> 'format', 'attendance', p -> 'attendance',
        'state', p -> 'state', 'author_id', p -> 'author_id', 'created_at', p -> 'created_at',
        'updated_at', p -> 'updated_at', 'signed_at', p -> 'signed_at', 'origin_device', p -> 'origin_device',
        -- whether each part was written, never what: the review page says "udfyldt" or "tom"
        'filled', jsonb_build_object(
            'agenda', btrim(coalesce(p ->> 'agenda', '')) <> '', 'status', btrim(coalesce(p ->> 'status', '')) <> '',
            'goals', btrim(coalesce(p ->> 'goals', '')) <> '', 'exercise', btrim(coalesce(p ->> 'exercise', '')) <> '',
            'homework', btrim(coalesce(p ->> 'homework', '')) <> '',
            'over_range_reason', btrim(coalesce(p ->> 'over_range_reason', '')) <> ''))
$$;

CREATE TABLE bk.session_frame (
    seq       bigint PRIMARY KEY,   -- the session record's
    uid       uuid NOT NULL UNIQUE,
    child_uid uuid NOT NULL,
    author    text NOT NULL,
    signed_at timestamptz NOT NULL,
    frame     jsonb NOT NULL
);
CREATE INDEX session_frame_child ON bk.session_frame (child_uid, seq);
CREATE TRIGGER session_frame_append_only BEFORE UPDATE OR DELETE ON bk.session_frame
    FOR EACH ROW EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER session_frame_no_truncate BEFORE TRUNCATE ON bk.session_frame
    FOR EACH STATEMENT EXECUTE FUNCTION bk.refuse_change();

-- Written by the server only (SECURITY DEFINER: users have no INSERT on the table).
CREATE FUNCTION bk.frame_add() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO bk.session_frame (seq, uid, child_uid, author, signed_at, frame)
    VALUES (NEW.seq, NEW.uid, NEW.child_uid, NEW.author, NEW.signed_at, bk.frame_of(NEW.payload));
    RETURN NULL;
END $$;
CREATE TRIGGER record_frame AFTER INSERT ON bk.record FOR EACH ROW
    WHEN (NEW.kind = 'sessions' AND NEW.child_uid IS NOT NULL) EXECUTE FUNCTION bk.frame_add();

INSERT INTO bk.session_frame (seq, uid, child_uid, author, signed_at, frame)
SELECT r.seq, r.uid, r.child_uid, r.author, r.signed_at, bk.frame_of(r.payload)
FROM bk.record r WHERE r.kind = 'sessions' AND r.child_uid IS NOT NULL;

ALTER TABLE bk.session_frame ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.session_frame FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON bk.session_frame TO bk_owner USING (true) WITH CHECK (true);
-- A supervisor's share of a supervisee's child while the switch is off (with it on, the session records
-- themselves are readable and the frames are not needed).
CREATE POLICY frame_read ON bk.session_frame FOR SELECT TO bk_user USING (
    NOT bk.policy_on('supervisor_sees_clinical_text')
    AND child_uid IN (
        SELECT a.child_uid FROM bk.access a JOIN bk.supervision s ON s.therapist = a.username
        WHERE s.supervisor = current_user AND s.ended_at IS NULL AND a.revoked_at IS NULL
          AND a.basis IN ('caseload', 'shared')));
GRANT SELECT ON bk.session_frame TO bk_user;

-- One page of the frames I may read after my cursor, in seq order, logged like pull. SECURITY INVOKER: RLS decides.
CREATE FUNCTION bk.session_frames(p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.session_frame LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    WITH page AS (
        SELECT * FROM bk.session_frame f WHERE f.seq > p_cursor ORDER BY f.seq LIMIT least(greatest(p_limit, 1), 5000)
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'session_frames', p.child_uid, count(*) FROM page p
        WHERE p.author <> current_user GROUP BY p.child_uid
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq
$$;
