-- The functions the laptops call: push, pull, grants, child_history, supervisee_history, register_child.
-- Every reading function is SECURITY INVOKER (row-level security decides); register_child is the one
-- SECURITY DEFINER function and checks session_user, since inside it current_user is the owner.

-- Hash and Ed25519 signature of each pushed item, rebuilt exactly as core/sync_envelope.py builds it.
-- PostgreSQL has no Ed25519, so this runs in PL/Python with the `cryptography` package (Debian:
-- python3-cryptography). One call per batch (the JSON is parsed once); one verdict per item: 'ok' or the
-- reason it is quarantined. Created by the superuser (untrusted language): bk_owner cannot redefine it.
CREATE FUNCTION bk.check_items(batch jsonb, pubkey bytea) RETURNS text[]
LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $$
import base64, binascii, hashlib, json, re, uuid
from datetime import datetime
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FIELDS = ("uid", "kind", "child_uid", "author", "device", "signed_at", "schema_version", "payload")

def is_uuid(text):
    try:
        return isinstance(text, str) and str(uuid.UUID(text)) == text
    except ValueError:
        return False

def has_float(value):
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(has_float(v) for v in value)
    return False

def verdict(data, key):
    if not isinstance(data, dict) or any(name not in data for name in FIELDS):
        return "malformed"
    if not (is_uuid(data["uid"]) and is_uuid(data["device"])
            and (data["child_uid"] is None or is_uuid(data["child_uid"]))):
        return "malformed"
    if not (isinstance(data["kind"], str) and re.fullmatch(r"[a-z_]{1,40}", data["kind"])):
        return "malformed"
    if not isinstance(data["author"], str) or not isinstance(data["payload"], dict) or has_float(data["payload"]):
        return "malformed"
    version = data["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        return "malformed"
    at = data["signed_at"]
    if not (isinstance(at, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", at)):
        return "malformed"
    try:
        datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        return "malformed"
    envelope = {name: data[name] for name in FIELDS}
    envelope["v"] = "behandlerklient-sync-v1"
    body = json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")
    if hashlib.sha256(body).hexdigest() != data.get("content_hash"):
        return "bad_content_hash"
    if key is None:
        return "unknown_signer"
    try:
        signature = base64.b64decode(data.get("signature") or "", validate=True)
    except (binascii.Error, ValueError, TypeError):
        return "bad_signature"
    if len(signature) != 64:
        return "bad_signature"
    try:
        key.verify(signature, body)
    except InvalidSignature:
        return "bad_signature"
    return "ok"

try:
    items = json.loads(batch)
except ValueError:
    return None
if not isinstance(items, list):
    return None
key = Ed25519PublicKey.from_public_bytes(bytes(pubkey)) if pubkey is not None else None
return [verdict(data, key) for data in items]
$$;

CREATE FUNCTION bk.check_item(item jsonb, pubkey bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT (bk.check_items(jsonb_build_array(item), pubkey))[1] $$;

SET LOCAL ROLE bk_owner;

-- Push a batch (JSON array of items, at most 2,000). One row back per item: accepted, duplicate (same uid,
-- same hash: a retry after a lost reply), conflict (uid taken with other content; the item is kept in
-- quarantine) or quarantined (kept, never dropped; reason in bk.quarantine). Call it in its own
-- transaction: the advisory lock (taken again by the insert trigger) is held until COMMIT.
CREATE FUNCTION bk.push(batch jsonb) RETURNS TABLE (uid uuid, status text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_variable
DECLARE
    item      jsonb;
    v_uid     uuid;
    v_hash    bytea;
    v_known   bytea;
    v_key     bytea;
    v_verdict text;
    v_head    text;
    v_seq     bigint;
    v_checked text[];
    v_n       int;
BEGIN
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'bk.push takes a JSON array of records' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(batch) > 2000 THEN
        RAISE EXCEPTION 'bk.push takes at most 2000 records per batch' USING ERRCODE = '54000';
    END IF;
    PERFORM pg_advisory_xact_lock(7402, 1);
    SELECT s.signing_pubkey INTO v_key FROM bk.staff s WHERE s.username = current_user AND s.disabled_at IS NULL;
    v_checked := bk.check_items(batch, v_key);

    FOR item, v_n IN SELECT e.value, e.n FROM jsonb_array_elements(batch) WITH ORDINALITY AS e (value, n) LOOP
        v_uid := NULL;
        IF jsonb_typeof(item -> 'uid') = 'string'
           AND item ->> 'uid' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
            v_uid := (item ->> 'uid')::uuid;
        END IF;
        v_hash := NULL;
        IF jsonb_typeof(item -> 'content_hash') = 'string' AND item ->> 'content_hash' ~ '^[0-9a-f]{64}$' THEN
            v_hash := decode(item ->> 'content_hash', 'hex');
        END IF;

        -- Seen before? Mine and identical: duplicate. Mine and different: conflict, kept in quarantine.
        IF v_uid IS NOT NULL THEN
            SELECT r.content_hash INTO v_known FROM bk.record r WHERE r.uid = v_uid;
            IF FOUND THEN
                IF v_known = v_hash THEN
                    uid := v_uid; status := 'duplicate'; RETURN NEXT; CONTINUE;
                END IF;
                IF NOT EXISTS (SELECT 1 FROM bk.quarantine q WHERE q.uid = v_uid AND q.item = item) THEN
                    INSERT INTO bk.quarantine (uid, reason, item) VALUES (v_uid, 'uid_conflict', item);
                END IF;
                uid := v_uid; status := 'conflict'; RETURN NEXT; CONTINUE;
            END IF;
            -- Quarantined before with the same content (a retry): the same answer, no second row.
            IF EXISTS (SELECT 1 FROM bk.quarantine q WHERE q.uid = v_uid AND q.item = item) THEN
                uid := v_uid;
                status := CASE WHEN EXISTS (SELECT 1 FROM bk.quarantine q WHERE q.uid = v_uid AND q.item = item
                                            AND q.reason = 'uid_conflict') THEN 'conflict' ELSE 'quarantined' END;
                RETURN NEXT; CONTINUE;
            END IF;
        END IF;

        -- Checks in order; each runs only when the ones before passed (the casts rely on check_item).
        IF jsonb_typeof(item -> 'author') = 'string' AND item ->> 'author' <> current_user THEN
            v_verdict := 'author_is_not_pusher';
        ELSE
            v_verdict := v_checked[v_n];
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
        IF v_verdict <> 'ok' THEN
            INSERT INTO bk.quarantine (uid, reason, item) VALUES (v_uid, v_verdict, item);
            uid := v_uid; status := 'quarantined'; RETURN NEXT; CONTINUE;
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
            uid := v_uid; status := 'conflict'; RETURN NEXT; CONTINUE;
        END IF;
        uid := v_uid; status := 'accepted'; RETURN NEXT;
    END LOOP;
END $$;

-- One page of what I may read after my cursor, in seq order; every page that hands me other people's
-- records writes the disclosure log (VOLATILE: it writes). SECURITY INVOKER: RLS decides the rows.
CREATE FUNCTION bk.pull(p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    WITH page AS (
        SELECT * FROM bk.record r WHERE r.seq > p_cursor ORDER BY r.seq LIMIT least(greatest(p_limit, 1), 5000)
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'pull', p.child_uid, count(*) FROM page p
        WHERE p.author <> current_user GROUP BY p.child_uid
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq
$$;

-- A newly granted child's records from before the grant (paged by seq), logged like pull.
CREATE FUNCTION bk.child_history(p_child uuid, p_cursor bigint, p_limit int DEFAULT 5000, p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    WITH page AS (
        SELECT * FROM bk.record r WHERE r.child_uid = p_child AND r.seq > p_cursor
        ORDER BY r.seq LIMIT least(greatest(p_limit, 1), 5000)
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'child_history', p.child_uid, count(*) FROM page p
        WHERE p.author <> current_user GROUP BY p.child_uid
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq
$$;

-- A new supervisee's earlier work (what the supervisor may see of it), logged like pull.
CREATE FUNCTION bk.supervisee_history(p_therapist text, p_cursor bigint, p_limit int DEFAULT 5000,
                                      p_device uuid DEFAULT NULL)
RETURNS SETOF bk.record LANGUAGE sql VOLATILE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    WITH page AS (
        SELECT * FROM bk.record r WHERE r.author = p_therapist AND r.seq > p_cursor
        ORDER BY r.seq LIMIT least(greatest(p_limit, 1), 5000)
    ), logged AS (
        INSERT INTO bk.disclosure_log (username, device, via, child_uid, n)
        SELECT current_user, p_device, 'supervisee_history', p.child_uid, count(*) FROM page p
        WHERE p.author <> current_user GROUP BY p.child_uid
        RETURNING 1
    )
    SELECT * FROM page ORDER BY seq
$$;

-- My access and supervision events after a cursor: grants (fetch child_history up to granted_seq),
-- revocations (purge other authors' records of that child), supervision started/ended.
CREATE FUNCTION bk.grants(p_cursor bigint)
RETURNS TABLE (event_seq bigint, what text, child_uid uuid, therapist text, basis text,
               granted_at timestamptz, granted_seq bigint, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp AS $$
    SELECT * FROM (
        SELECT a.event_seq, 'access'::text, a.child_uid, a.username, a.basis, a.granted_at, a.granted_seq,
               a.revoked_at
        FROM bk.access a WHERE a.username = current_user AND a.event_seq > p_cursor
        UNION ALL
        SELECT s.event_seq, 'supervision'::text, NULL::uuid, s.therapist, NULL::text, s.started_at, NULL::bigint,
               s.ended_at
        FROM bk.supervision s WHERE s.supervisor = current_user AND s.event_seq > p_cursor
    ) e ORDER BY 1
$$;

-- Register a child by CPR. New CPR: the child is mine (caseload; coordinator basis for a coordinator),
-- from when the laptop registered it (at most 90 days back), so records written offline since then pass.
-- Known CPR: 'duplicate_cpr' with the known uid; my uid becomes an alias for a coordinator to merge; no
-- access is granted. Every call is logged without the CPR, and at most 60 per user per hour are answered.
CREATE FUNCTION bk.register_child(p_cpr text, p_child uuid, p_registered_at timestamptz DEFAULT NULL)
RETURNS TABLE (status text, child_uid uuid, alias_uid uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_me    text := session_user;   -- current_user is the owner in here
    v_role  text;
    v_hmac  bytea;
    v_known uuid;
    v_calls int;
BEGIN
    SELECT s.role INTO v_role FROM bk.staff s WHERE s.username = v_me AND s.disabled_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'permission denied: % is not registered staff', v_me USING ERRCODE = '42501';
    END IF;
    SELECT count(*) INTO v_calls FROM bk.register_log l
    WHERE l.username = v_me AND l.at > clock_timestamp() - interval '1 hour';
    IF v_calls >= 60 THEN
        INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'rate_limited');
        status := 'rate_limited'; child_uid := NULL; alias_uid := NULL; RETURN NEXT; RETURN;
    END IF;
    IF p_cpr IS NULL OR upper(replace(p_cpr, '-', '')) !~ '^[0-9]{6}[0-9A-Z]{4}$' OR p_child IS NULL THEN
        INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'invalid');
        status := 'invalid'; child_uid := NULL; alias_uid := NULL; RETURN NEXT; RETURN;
    END IF;
    v_hmac := bk.hmac(convert_to(upper(replace(p_cpr, '-', '')), 'UTF8'), (SELECT k.key FROM bk.hmac_key k), 'sha256');
    SELECT ci.child_uid INTO v_known FROM bk.child_identity ci WHERE ci.cpr_hmac = v_hmac;
    IF NOT FOUND THEN
        INSERT INTO bk.child_identity (cpr_hmac, child_uid, registered_by) VALUES (v_hmac, p_child, v_me);
        INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq)
        VALUES (p_child, v_me, CASE WHEN v_role = 'coordinator' THEN 'coordinator' ELSE 'caseload' END, v_me,
                greatest(least(coalesce(p_registered_at, clock_timestamp()), clock_timestamp()),
                         clock_timestamp() - interval '90 days'),
                bk.high_water());
        INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'registered');
        status := 'registered'; child_uid := p_child; alias_uid := NULL; RETURN NEXT; RETURN;
    END IF;
    IF v_known = p_child AND EXISTS (SELECT 1 FROM bk.access a WHERE a.child_uid = p_child AND a.username = v_me
                                     AND a.revoked_at IS NULL) THEN
        -- My own registration again (a retry after a lost reply).
        INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, p_child, 'registered_again');
        status := 'registered'; child_uid := p_child; alias_uid := NULL; RETURN NEXT; RETURN;
    END IF;
    IF v_known <> p_child THEN
        INSERT INTO bk.child_alias (alias_uid, child_uid, registered_by) VALUES (p_child, v_known, v_me)
        ON CONFLICT ON CONSTRAINT child_alias_pkey DO NOTHING;
    END IF;
    INSERT INTO bk.register_log (username, child_uid, result) VALUES (v_me, v_known, 'duplicate_cpr');
    status := 'duplicate_cpr'; child_uid := v_known; alias_uid := p_child; RETURN NEXT;
END $$;

REVOKE ALL ON FUNCTION bk.register_child(text, uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bk.register_child(text, uuid, timestamptz) TO bk_user;
REVOKE ALL ON FUNCTION bk.high_water() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bk.high_water() TO bk_user;
-- Records that arrived signed more than six hours before (or after) the server received them: clock
-- skew or a long offline spell, flagged for a person to look at (the server's received_at is trusted).
CREATE VIEW bk.clock_skew AS
    SELECT r.seq, r.uid, r.author, r.device, r.signed_at, r.received_at
    FROM bk.record r WHERE r.signed_at > r.received_at + interval '6 hours';
