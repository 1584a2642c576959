-- Who may read and write what: row-level security, forced for the owner too, and the triggers that keep
-- records and logs append-only for everyone. The rule table is listed in docs/server.md ("Access rules").
SET LOCAL ROLE bk_owner;

-- The kinds of core/access.py (issue 13's one table of who may see and write what), as the server holds them.
-- Register: who the child is and the frame of the course; what a coordinator reads.
CREATE FUNCTION bk.register_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['children', 'guardians', 'gps', 'contacts', 'consents', 'courses', 'course_changes',
                   'child_changes', 'disclosures'] $$;
-- What a coordinator writes: registers a child and a contact, keeps master data, writes letters to the GP.
CREATE FUNCTION bk.coordinator_writes() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['children', 'guardians', 'gps', 'contacts', 'child_changes', 'disclosures'] $$;
-- Records about the therapist's work rather than the child: what a supervisor writes.
CREATE FUNCTION bk.supervision_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['fidelity_ratings', 'reviews', 'supervision_meetings'] $$;
-- What a supervisor reads of a supervisee's child whatever the switch: the register, the session's frame (its
-- text is a journal entry) and the supervision records. The rest (clinical text) only with the switch on.
CREATE FUNCTION bk.supervisor_reads() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT bk.register_kinds() || ARRAY['sessions'] || bk.supervision_kinds() $$;

CREATE FUNCTION bk.policy_on(p_name text) RETURNS boolean LANGUAGE sql STABLE
AS $$ SELECT coalesce((SELECT value FROM bk.policy WHERE name = p_name), false) $$;

-- Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks (bk_owner included; a superuser could only get
-- round this by switching triggers off, which pgaudit logs: docs/server.md).
CREATE FUNCTION bk.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'permission denied: % is append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = '42501';
END $$;

CREATE TRIGGER record_append_only BEFORE UPDATE OR DELETE ON bk.record
    FOR EACH ROW EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER record_no_truncate BEFORE TRUNCATE ON bk.record
    FOR EACH STATEMENT EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER disclosure_append_only BEFORE UPDATE OR DELETE ON bk.disclosure_log
    FOR EACH ROW EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER disclosure_no_truncate BEFORE TRUNCATE ON bk.disclosure_log
    FOR EACH STATEMENT EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER admin_log_append_only BEFORE UPDATE OR DELETE ON bk.admin_log
    FOR EACH ROW EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER register_log_append_only BEFORE UPDATE OR DELETE ON bk.register_log
    FOR EACH ROW EXECUTE FUNCTION bk.refuse_change();
CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON bk.quarantine
    FOR EACH ROW EXECUTE FUNCTION bk.refuse_change();

-- A quarantined item itself never changes; only its resolution is filled in, once.
CREATE FUNCTION bk.quarantine_resolve_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.item IS DISTINCT FROM OLD.item OR NEW.uid IS DISTINCT FROM OLD.uid OR NEW.reason <> OLD.reason
       OR NEW.pushed_by <> OLD.pushed_by OR NEW.received_at <> OLD.received_at OR OLD.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied: a quarantined item is kept as received and resolved once'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER quarantine_resolve_only BEFORE UPDATE ON bk.quarantine
    FOR EACH ROW EXECUTE FUNCTION bk.quarantine_resolve_only();

-- seq and received_at are the server's, on every path into bk.record: the advisory lock is held to commit,
-- so seq order is commit order and a pull cursor (seq > n) never passes a row still to commit.
-- SECURITY DEFINER only so users need no USAGE on the sequence (they cannot burn or pick numbers).
CREATE FUNCTION bk.record_stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7402, 1);
    NEW.seq := nextval('bk.record_seq');
    NEW.received_at := clock_timestamp();
    RETURN NEW;
END $$;
CREATE TRIGGER record_stamp BEFORE INSERT ON bk.record FOR EACH ROW EXECUTE FUNCTION bk.record_stamp();

CREATE FUNCTION bk.chain_advance() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO bk.device_chain (device, head_hash, head_seq)
    VALUES (NEW.device, NEW.payload ->> 'hash', NEW.seq)
    ON CONFLICT (device) DO UPDATE SET head_hash = excluded.head_hash, head_seq = excluded.head_seq;
    RETURN NULL;
END $$;
CREATE TRIGGER record_chain AFTER INSERT ON bk.record FOR EACH ROW WHEN (NEW.kind = 'audit_log')
    EXECUTE FUNCTION bk.chain_advance();

-- The highest seq handed out so far (a grant's granted_seq).
CREATE FUNCTION bk.high_water() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce((SELECT last_value FROM bk.record_seq WHERE is_called), 0) $$;

-- The write rule, for the current user (SECURITY INVOKER: it sees what the user's policies let it see).
-- Access must have been held when the record was signed (offline revocation: earlier records are accepted).
CREATE FUNCTION bk.may_write(p_kind text, p_child uuid, p_at timestamptz) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
-- PL/pgSQL rather than SQL: its query plans are cached per session (it runs twice for every pushed record).
BEGIN
    IF p_kind = 'audit_log' THEN
        RETURN p_child IS NULL;
    ELSIF p_kind = 'gps' THEN
        RETURN true;
    ELSIF p_child IS NULL THEN
        RETURN false;
    END IF;
    -- Caseload or shared: every record about the child but a supervision meeting (that is about a supervisee).
    -- Coordinator: the register entries a coordinator keeps.
    IF EXISTS (SELECT 1 FROM bk.access a
               WHERE a.child_uid = p_child AND a.username = current_user
                 AND a.granted_at <= p_at AND (a.revoked_at IS NULL OR a.revoked_at > p_at)
                 AND CASE WHEN a.basis = 'coordinator' THEN p_kind = ANY (bk.coordinator_writes())
                          ELSE p_kind <> 'supervision_meetings' END) THEN
        RETURN true;
    END IF;
    -- A supervisor rates, reviews and meets about the work of a therapist they supervised then, on that
    -- therapist's child.
    RETURN p_kind = ANY (bk.supervision_kinds()) AND EXISTS (
        SELECT 1 FROM bk.supervision s JOIN bk.access a ON a.username = s.therapist
        WHERE s.supervisor = current_user AND s.started_at <= p_at AND (s.ended_at IS NULL OR s.ended_at > p_at)
          AND a.child_uid = p_child AND a.basis IN ('caseload', 'shared')
          AND a.granted_at <= p_at AND (a.revoked_at IS NULL OR a.revoked_at > p_at));
END $$;

-- Row-level security everywhere, forced so the owner obeys it too.
ALTER TABLE bk.record ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.record FORCE ROW LEVEL SECURITY;
ALTER TABLE bk.access ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.access FORCE ROW LEVEL SECURITY;
ALTER TABLE bk.supervision ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.supervision FORCE ROW LEVEL SECURITY;
ALTER TABLE bk.quarantine ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.quarantine FORCE ROW LEVEL SECURITY;
ALTER TABLE bk.disclosure_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.disclosure_log FORCE ROW LEVEL SECURITY;
ALTER TABLE bk.staff ENABLE ROW LEVEL SECURITY;
ALTER TABLE bk.staff FORCE ROW LEVEL SECURITY;

-- The owner (the admin CLI, SECURITY DEFINER functions) sees and writes everything; the triggers above
-- still refuse UPDATE and DELETE of records and logs.
CREATE POLICY owner_all ON bk.record TO bk_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON bk.access TO bk_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON bk.supervision TO bk_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON bk.quarantine TO bk_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON bk.disclosure_log TO bk_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON bk.staff TO bk_owner USING (true) WITH CHECK (true);

-- Staff directory (names, roles, public keys): every user, to verify signatures.
CREATE POLICY staff_read ON bk.staff FOR SELECT TO bk_user USING (true);
-- Supervision pairs: the two people in them.
CREATE POLICY supervision_read ON bk.supervision FOR SELECT TO bk_user
    USING (supervisor = current_user OR therapist = current_user);
-- Access rows: my own, and my supervisees' (a supervisor's write rule looks at them).
CREATE POLICY access_read ON bk.access FOR SELECT TO bk_user
    USING (username = current_user
           OR username IN (SELECT s.therapist FROM bk.supervision s
                           WHERE s.supervisor = current_user AND s.ended_at IS NULL));
-- Quarantine: my own pushes, so the laptop can show them; written by bk.push as myself.
CREATE POLICY quarantine_read ON bk.quarantine FOR SELECT TO bk_user USING (pushed_by = current_user);
CREATE POLICY quarantine_add ON bk.quarantine FOR INSERT TO bk_user WITH CHECK (pushed_by = current_user);
-- Disclosure log: written as myself by the reading functions; read by admins (owner) only.
CREATE POLICY disclosure_add ON bk.disclosure_log FOR INSERT TO bk_user WITH CHECK (username = current_user);

-- Reading records (docs/server.md "Access rules").
CREATE POLICY record_read ON bk.record FOR SELECT TO bk_user USING (
    author = current_user
    OR kind = 'gps'
    OR (kind <> 'audit_log' AND child_uid IN (
            SELECT a.child_uid FROM bk.access a
            WHERE a.username = current_user AND a.revoked_at IS NULL AND a.basis IN ('caseload', 'shared')))
    OR (kind = ANY (bk.register_kinds()) AND child_uid IN (
            SELECT a.child_uid FROM bk.access a
            WHERE a.username = current_user AND a.revoked_at IS NULL AND a.basis = 'coordinator'))
    OR (kind <> 'audit_log' AND child_uid IN (
            SELECT a.child_uid FROM bk.access a JOIN bk.supervision s ON s.therapist = a.username
            WHERE s.supervisor = current_user AND s.ended_at IS NULL AND a.revoked_at IS NULL
              AND a.basis IN ('caseload', 'shared'))
        AND (kind = ANY (bk.supervisor_reads()) OR bk.policy_on('supervisor_sees_clinical_text')))
);
-- Writing records: as myself only, about a child I had access to when I signed.
CREATE POLICY record_write ON bk.record FOR INSERT TO bk_user
    WITH CHECK (author = current_user AND bk.may_write(kind, child_uid, signed_at));

GRANT SELECT ON bk.staff, bk.access, bk.supervision, bk.policy, bk.schema_version, bk.device_chain TO bk_user;
GRANT SELECT, INSERT ON bk.record, bk.quarantine TO bk_user;
GRANT INSERT ON bk.disclosure_log TO bk_user;
GRANT USAGE ON SEQUENCE bk.quarantine_id_seq, bk.disclosure_log_id_seq TO bk_user;
REVOKE ALL ON bk.hmac_key, bk.child_identity, bk.child_alias, bk.register_log, bk.admin_log FROM PUBLIC;
