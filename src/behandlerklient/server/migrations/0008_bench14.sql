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
