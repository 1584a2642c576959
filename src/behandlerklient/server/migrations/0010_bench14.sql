-- Speed (issue 14, bench/sync.py). Every laptop sync is a new connection, so a new server process, and its first
-- bk.push paid PL/Python's start-up: the interpreter, then the imports of check_items. Importing the `cryptography`
-- package and uuid/strptime's modules cost about as much as the rest of a one-session push together. The checks stay
-- the same, made with what loads quickly: Ed25519 through OpenSSL's EVP interface (the library the server already
-- has loaded for TLS, and the one `cryptography` itself calls), by ctypes; `cryptography` only where that library is
-- not found. A uuid is checked as its canonical text (what str(uuid.UUID(x)) == x accepted), a time by datetime's
-- own range checks (what strptime did after its pattern).
CREATE OR REPLACE FUNCTION bk.check_items(batch jsonb, pubkey bytea) RETURNS text[]
LANGUAGE plpython3u IMMUTABLE PARALLEL SAFE AS $$
import base64, binascii, hashlib, json, re
from datetime import datetime

FIELDS = ("uid", "kind", "child_uid", "author", "device", "signed_at", "schema_version", "payload")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
KIND = re.compile(r"[a-z_]{1,40}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def ed25519_verifier():
    """verify(raw_key, signature, message) -> bool, loaded once per server process (GD)."""
    if "bk_ed25519" in GD:
        return GD["bk_ed25519"]
    try:
        import ctypes
        lib = ctypes.CDLL("libcrypto.so.3")
        vp, cp, size = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
        lib.EVP_PKEY_new_raw_public_key.restype = vp
        lib.EVP_PKEY_new_raw_public_key.argtypes = (ctypes.c_int, vp, cp, size)
        lib.EVP_PKEY_free.argtypes = (vp,)
        lib.EVP_MD_CTX_new.restype = vp
        lib.EVP_MD_CTX_free.argtypes = (vp,)
        lib.EVP_DigestVerifyInit.argtypes = (vp, vp, vp, vp, vp)
        lib.EVP_DigestVerify.argtypes = (vp, cp, size, cp, size)

        def verify(key, signature, message):
            pkey = lib.EVP_PKEY_new_raw_public_key(1087, None, key, len(key))  # 1087: NID_ED25519
            if not pkey:
                return False
            ctx = lib.EVP_MD_CTX_new()
            try:
                return (bool(ctx) and lib.EVP_DigestVerifyInit(ctx, None, None, None, pkey) == 1
                        and lib.EVP_DigestVerify(ctx, signature, len(signature), message, len(message)) == 1)
            finally:
                lib.EVP_MD_CTX_free(ctx)
                lib.EVP_PKEY_free(pkey)
    except (OSError, AttributeError):
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        def verify(key, signature, message):
            try:
                Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
                return True
            except (InvalidSignature, ValueError):
                return False
    GD["bk_ed25519"] = verify
    return verify


def is_uuid(text):
    return isinstance(text, str) and UUID.fullmatch(text) is not None


def has_float(value):
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(has_float(v) for v in value)
    return False


def verdict(data, key, verify):
    if not isinstance(data, dict) or any(name not in data for name in FIELDS):
        return "malformed"
    if not (is_uuid(data["uid"]) and is_uuid(data["device"])
            and (data["child_uid"] is None or is_uuid(data["child_uid"]))):
        return "malformed"
    if not (isinstance(data["kind"], str) and KIND.fullmatch(data["kind"])):
        return "malformed"
    if not isinstance(data["author"], str) or not isinstance(data["payload"], dict) or has_float(data["payload"]):
        return "malformed"
    version = data["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool):
        return "malformed"
    at = data["signed_at"]
    if not (isinstance(at, str) and TIME.fullmatch(at)):
        return "malformed"
    try:
        datetime(int(at[0:4]), int(at[5:7]), int(at[8:10]), int(at[11:13]), int(at[14:16]), int(at[17:19]),
                 int(at[20:26]))
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
    if not verify(key, signature, body):
        return "bad_signature"
    return "ok"


try:
    items = json.loads(batch)
except ValueError:
    return None
if not isinstance(items, list):
    return None
key = bytes(pubkey) if pubkey is not None else None
if key is not None and len(key) != 32:
    key = None
verify = ed25519_verifier()
return [verdict(data, key, verify) for data in items]
$$;

SET LOCAL ROLE bk_owner;

-- bk.push checked hashes and signatures (most of its time: an Ed25519 verification per record) while holding the
-- lock that orders inserts, so laptops uploading at once were checked one after the other on a many-core server.
-- The check reads nothing (IMMUTABLE) and now runs before the lock; everything after it is as in migration 0003.
CREATE OR REPLACE FUNCTION bk.push(batch jsonb) RETURNS TABLE (uid uuid, status text)
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
    SELECT s.signing_pubkey INTO v_key FROM bk.staff s WHERE s.username = current_user AND s.disabled_at IS NULL;
    v_checked := bk.check_items(batch, v_key);  -- before the lock: laptops pushing at once verify in parallel
    PERFORM pg_advisory_xact_lock(7402, 1);

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
