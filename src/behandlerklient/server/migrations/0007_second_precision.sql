-- A laptop records when a record was signed to the second (its local timestamps carry no fraction), while the
-- server stamps grants, revocations and supervision pairs to the microsecond. Compared as they were, a record
-- signed in the same second as a grant or a new supervision pair counted as signed before it and was
-- quarantined ('no_access_when_signed'). A grant or pair now counts from the start of its second. Revocations
-- are compared as before (a laptop's record signed in the second of a revocation reads as the start of that
-- second, so it is accepted: the laptop cannot tell which came first).
CREATE OR REPLACE FUNCTION bk.may_write(p_kind text, p_child uuid, p_at timestamptz) RETURNS boolean
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
