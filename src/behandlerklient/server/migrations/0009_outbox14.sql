-- A coordinator's decision that a child registered twice is one child (bk.merge_child) now travels as a record of
-- its own kind, 'child_merges', about the surviving child: a laptop that was offline when she decided learns it in
-- the ordinary pull (cursor, disclosure log, signature checked against her registered key, proof kept for
-- `verify`), not only from bk.duplicates(). Decisions made before this migration are written as records too.
-- A coordinator reads the decisions about the children she keeps the register of.
SET LOCAL ROLE bk_owner;

CREATE OR REPLACE FUNCTION bk.register_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ARRAY['children', 'guardians', 'gps', 'contacts', 'consents', 'courses', 'course_changes',
                   'child_changes', 'disclosures', 'course_events', 'child_events', 'guardian_events',
                   'child_merges'] $$;

CREATE OR REPLACE FUNCTION bk.merge_child(p_item jsonb) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_me      text := session_user;
    v_key     bytea;
    v_alias   uuid;
    v_child   uuid;
    v_row     bk.child_alias;
    v_from    timestamptz;
    v_q       record;
    v_n       int := 0;
BEGIN
    SELECT s.signing_pubkey INTO v_key FROM bk.staff s
    WHERE s.username = v_me AND s.role = 'coordinator' AND s.disabled_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'permission denied: only a coordinator merges children' USING ERRCODE = '42501';
    END IF;
    IF p_item ->> 'kind' IS DISTINCT FROM 'child_merges' OR p_item ->> 'author' IS DISTINCT FROM v_me THEN
        RAISE EXCEPTION 'a merge decision is a child_merges item by its coordinator' USING ERRCODE = '22023';
    END IF;
    IF bk.check_item(p_item, v_key) <> 'ok' THEN
        RAISE EXCEPTION 'the merge decision fails its check: %', bk.check_item(p_item, v_key) USING ERRCODE = '22023';
    END IF;
    v_alias := (p_item -> 'payload' ->> 'alias_uid')::uuid;
    v_child := (p_item -> 'payload' ->> 'child_uid')::uuid;
    SELECT * INTO v_row FROM bk.child_alias ca WHERE ca.alias_uid = v_alias AND ca.child_uid = v_child FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no duplicate % of %', v_alias, v_child USING ERRCODE = '22023';
    END IF;
    IF v_row.merged_at IS NOT NULL THEN
        RETURN 0;   -- decided already (a retry after a lost reply)
    END IF;
    UPDATE bk.child_alias SET merged_at = clock_timestamp(), merged_by = v_me, decision = p_item
    WHERE alias_uid = v_alias;

    -- The decision itself, as a record of its own kind about the surviving child: every laptop holding either uid
    -- pulls it in seq order (its cursor, the disclosure log), checks her signature and keeps the proof.
    IF (p_item ->> 'child_uid')::uuid IS DISTINCT FROM v_child THEN
        RAISE EXCEPTION 'a merge decision is about the surviving child %', v_child USING ERRCODE = '22023';
    END IF;
    INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version, payload, content_hash,
                           signature)
    VALUES ((p_item ->> 'uid')::uuid, 'child_merges', v_child, v_me, (p_item ->> 'device')::uuid,
            (p_item ->> 'signed_at')::timestamptz, (p_item ->> 'schema_version')::int, p_item -> 'payload',
            decode(p_item ->> 'content_hash', 'hex'), decode(p_item ->> 'signature', 'base64'))
    ON CONFLICT ON CONSTRAINT record_pkey DO NOTHING;

    SELECT least(v_row.registered_at, min((q.item ->> 'signed_at')::timestamptz)) INTO v_from
    FROM bk.quarantine q WHERE q.pushed_by = v_row.registered_by AND q.resolved_at IS NULL
      AND q.reason = 'no_access_when_signed' AND q.item ->> 'child_uid' = v_alias::text;
    v_from := greatest(coalesce(v_from, v_row.registered_at), clock_timestamp() - interval '90 days');
    INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq)
    SELECT v_alias, v_row.registered_by, 'caseload', v_me, v_from, bk.high_water()
    WHERE NOT EXISTS (SELECT 1 FROM bk.access a WHERE a.child_uid = v_alias AND a.username = v_row.registered_by
                      AND a.revoked_at IS NULL);
    INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq)
    SELECT v_child, v_row.registered_by, 'shared', v_me, clock_timestamp(), bk.high_water()
    WHERE NOT EXISTS (SELECT 1 FROM bk.access a WHERE a.child_uid = v_child AND a.username = v_row.registered_by
                      AND a.revoked_at IS NULL);
    INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq)
    SELECT DISTINCT ON (a.username) v_alias, a.username, a.basis, v_me, clock_timestamp(), bk.high_water()
    FROM bk.access a
    WHERE a.child_uid = v_child AND a.revoked_at IS NULL AND a.username <> v_row.registered_by
      AND NOT EXISTS (SELECT 1 FROM bk.access b WHERE b.child_uid = v_alias AND b.username = a.username
                      AND b.revoked_at IS NULL)
    ORDER BY a.username, a.basis;

    -- Her records about the alias, refused for want of access, go in as they were signed.
    FOR v_q IN SELECT q.id, q.item FROM bk.quarantine q
               WHERE q.pushed_by = v_row.registered_by AND q.resolved_at IS NULL
                 AND q.reason = 'no_access_when_signed' AND q.item ->> 'child_uid' = v_alias::text
               ORDER BY q.id LOOP
        IF bk.check_item(v_q.item, (SELECT s.signing_pubkey FROM bk.staff s
                                     WHERE s.username = v_q.item ->> 'author')) <> 'ok'
           OR EXISTS (SELECT 1 FROM bk.record r WHERE r.uid = (v_q.item ->> 'uid')::uuid) THEN
            CONTINUE;
        END IF;
        INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version, payload,
                               content_hash, signature)
        VALUES ((v_q.item ->> 'uid')::uuid, v_q.item ->> 'kind', v_alias, v_q.item ->> 'author',
                (v_q.item ->> 'device')::uuid, (v_q.item ->> 'signed_at')::timestamptz,
                (v_q.item ->> 'schema_version')::int, v_q.item -> 'payload',
                decode(v_q.item ->> 'content_hash', 'hex'), decode(v_q.item ->> 'signature', 'base64'));
        UPDATE bk.quarantine SET resolved_at = clock_timestamp(), resolved_by = v_me, resolution = 'released',
                                 note = 'child merged' WHERE id = v_q.id;
        v_n := v_n + 1;
    END LOOP;
    INSERT INTO bk.admin_log (command, args)
    VALUES ('merge child', jsonb_build_object('alias', v_alias, 'child', v_child, 'by', v_me, 'released', v_n));
    RETURN v_n;
END $$;

INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version, payload, content_hash, signature)
SELECT (ca.decision ->> 'uid')::uuid, 'child_merges', ca.child_uid, ca.merged_by, (ca.decision ->> 'device')::uuid,
       (ca.decision ->> 'signed_at')::timestamptz, (ca.decision ->> 'schema_version')::int, ca.decision -> 'payload',
       decode(ca.decision ->> 'content_hash', 'hex'), decode(ca.decision ->> 'signature', 'base64')
FROM bk.child_alias ca
WHERE ca.decision IS NOT NULL AND (ca.decision ->> 'child_uid')::uuid = ca.child_uid
  AND NOT EXISTS (SELECT 1 FROM bk.record r WHERE r.uid = (ca.decision ->> 'uid')::uuid)
ORDER BY ca.merged_at;
