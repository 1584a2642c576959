"""Admin operations on the sync server, each one transaction that also writes bk.admin_log.

They run as bk_owner (`SET LOCAL ROLE bk_owner`): the caller logs in as a member of bk_owner or as a
superuser. Role passwords are sent as SCRAM-SHA-256 verifiers computed here, so no plaintext password
reaches the server's statement logs.
"""

from __future__ import annotations

import base64
import ctypes
import functools
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from psycopg import sql

ROLES = ("therapist", "supervisor", "coordinator")
BASES = ("caseload", "shared", "coordinator")
_USERNAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")
_RESERVED = ("bk_", "pg_", "postgres")


class AdminError(Exception):
    """A refused admin command; the message says what is wrong."""


def scram_verifier(password: str, *, iterations: int = 4096, salt: bytes | None = None) -> str:
    """PostgreSQL's stored SCRAM-SHA-256 form (RFC 5802/7677) of an ASCII password."""
    if not password.isascii() or len(password) < 12:
        raise AdminError("the password must be at least 12 ASCII characters")
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = base64.b64encode
    return (f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}"
            f"${b64(stored_key).decode()}:{b64(server_key).decode()}")


def _log(conn: Any, command: str, args: dict[str, Any]) -> None:
    conn.execute("INSERT INTO bk.admin_log (command, args) VALUES (%s, %s::jsonb)", (command, json.dumps(args)))


def _owner(conn: Any) -> None:
    conn.execute("SET LOCAL ROLE bk_owner")


def _username(name: str) -> str:
    if not _USERNAME.match(name) or name.startswith(_RESERVED):
        raise AdminError(f"invalid username {name!r}: lowercase letters, digits and _, not bk_/pg_/postgres")
    return name


def _staff_exists(conn: Any, username: str) -> None:
    if conn.execute("SELECT 1 FROM bk.staff WHERE username = %s", (username,)).fetchone() is None:
        raise AdminError(f"{username} is not registered staff (staff add first)")


@functools.cache
def _point_check() -> Callable[[bytes], int] | None:
    """libsodium's crypto_core_ed25519_is_valid_point (Debian's libsodium23, which bk.check_items uses too), or None
    where the library is not found."""
    for name in ("libsodium.so.23", "libsodium.so.26", "libsodium.dylib", "libsodium.dll"):
        try:
            lib = ctypes.CDLL(name)
            check = lib.crypto_core_ed25519_is_valid_point
        except (OSError, AttributeError):
            continue
        if lib.sodium_init() < 0:
            continue
        check.argtypes = (ctypes.c_char_p,)
        check.restype = ctypes.c_int
        return check
    return None


def _signing_key(pubkey: bytes) -> bytes:
    """A raw Ed25519 public key that can verify anything: 32 bytes, a point of the curve, not of small order. A file
    of 32 other bytes (a wrong file) registered would get every record of its user refused as bad_signature."""
    if len(pubkey) != 32:
        raise AdminError("the public key must be a raw 32-byte Ed25519 key (or its base64/PEM form)")
    check = _point_check()
    if check is not None and check(pubkey) != 1:
        raise AdminError("the file holds no usable Ed25519 public key (not a point of the curve, or of small order): "
                         "check that it is the one 'behandlerklient sync public-key' wrote")
    return pubkey


def _schema_has(conn: Any, relation: str) -> None:
    if conn.execute("SELECT to_regclass(%s) IS NULL", (relation,)).fetchone()[0]:
        raise AdminError("the server's schema is older than this command: run 'behandlerklient-server init' first")


def staff_add(conn: Any, *, username: str, role: str, full_name: str, pubkey: bytes, password: str) -> None:
    """A login role in bk_user with a per-role statement timeout and connection limit, and its bk.staff row
    with the raw 32-byte Ed25519 public key its records are verified against."""
    _username(username)
    if role not in ROLES:
        raise AdminError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    _signing_key(pubkey)
    verifier = scram_verifier(password)
    with conn.transaction():
        _owner(conn)
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (username,)).fetchone():
            raise AdminError(f"a database role named {username} exists already")
        ident = sql.Identifier(username)
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN CONNECTION LIMIT 4 PASSWORD {} IN ROLE bk_user").format(
            ident, sql.Literal(verifier)))
        conn.execute(sql.SQL("ALTER ROLE {} SET statement_timeout = '60s'").format(ident))
        conn.execute(sql.SQL("ALTER ROLE {} SET idle_in_transaction_session_timeout = '60s'").format(ident))
        conn.execute("INSERT INTO bk.staff (username, role, full_name, signing_pubkey) VALUES (%s, %s, %s, %s)",
                     (username, role, full_name, pubkey))
        _log(conn, "staff add", {"username": username, "role": role, "full_name": full_name,
                                 "pubkey_sha256": hashlib.sha256(pubkey).hexdigest()})


def bulk_allow(conn: Any, *, username: str, children: int) -> None:
    """A one-off allowance of `children` CPR registrations beyond the hourly limit of bk.register_child, for a
    first upload of many children (server migration 0006); it replaces any allowance left, and is logged."""
    if not 0 <= children <= 100_000:
        raise AdminError("the allowance is a number of children from 0 to 100000")
    with conn.transaction():
        _owner(conn)
        _staff_exists(conn, username)
        conn.execute("INSERT INTO bk.bulk_allowance (username, remaining, granted_by) VALUES (%s, %s, session_user)"
                     " ON CONFLICT (username) DO UPDATE SET remaining = excluded.remaining,"
                     " granted_by = excluded.granted_by, granted_at = clock_timestamp()", (username, children))
        _log(conn, "staff allow-bulk", {"username": username, "children": children})


def staff_replace_key(conn: Any, *, username: str, pubkey: bytes, reason: str) -> dict[str, Any]:
    """Replace a user's registered signing key (her laptop lost or stolen: its key must sign nothing more). The old key
    goes to bk.staff_key_retired with the highest record seq handed out, so laptops still prove the records it
    signed (server migration 0019); every later push is checked against the new key. Returns what was logged."""
    _signing_key(pubkey)
    if not reason.strip():
        raise AdminError("give the reason (for example: laptop lost 2026-12-01); it is kept with the retired key")
    with conn.transaction():
        _owner(conn)
        _schema_has(conn, "bk.staff_key_released")
        # The push's lock: no batch is stored while the key changes (one checked against the old key before it is
        # refused by bk.record_stamp, server migration 0021), so each record up to the high water was checked against
        # the old key and every later one against the new.
        conn.execute("SELECT pg_advisory_xact_lock(7402, 1)")
        row = conn.execute("SELECT signing_pubkey, disabled_at FROM bk.staff WHERE username = %s FOR UPDATE",
                           (username,)).fetchone()
        if row is None:
            raise AdminError(f"{username} is not registered staff (staff add first)")
        old = bytes(row[0])
        if old == pubkey:
            raise AdminError(f"that key is the one registered for {username} already")
        holder = conn.execute("SELECT username, 'registered' FROM bk.staff WHERE signing_pubkey = %s UNION ALL "
                              "SELECT username, 'retired' FROM bk.staff_key_retired WHERE signing_pubkey = %s "
                              "LIMIT 1", (pubkey, pubkey)).fetchone()
        if holder is not None:  # a wrong file read out, or a key retired: a key never serves two users or twice
            raise AdminError(f"that key is {holder[1]} for {holder[0]}: check the file; a key is registered once")
        logged = {"username": username, "old_pubkey_sha256": hashlib.sha256(old).hexdigest(),
                  "pubkey_sha256": hashlib.sha256(pubkey).hexdigest(),
                  "last_seq": int(conn.execute("SELECT bk.high_water()").fetchone()[0]),
                  "reason": reason.strip(), "disabled": row[1] is not None}
        conn.execute("UPDATE bk.staff SET signing_pubkey = %s, keys_changed_at = clock_timestamp() "
                     "WHERE username = %s", (pubkey, username))
        _log(conn, "staff replace-key", logged)
        # Last, just before COMMIT: its time is what bk.record_stamp holds a racing push against (migration 0021).
        conn.execute("INSERT INTO bk.staff_key_retired (username, signing_pubkey, last_seq, reason) "
                     "VALUES (%s, %s, %s, %s)", (username, old, logged["last_seq"], reason.strip()))
    return logged


def read_pubkey(data: bytes) -> bytes:
    """A public key file: PEM (SubjectPublicKeyInfo), base64 of the raw key, or the raw 32 bytes."""
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        key = serialization.load_pem_public_key(text)
        if not isinstance(key, Ed25519PublicKey):
            raise AdminError("the public key file does not hold an Ed25519 key")
        return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if len(data) == 32:
        return data
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise AdminError("the public key file is neither PEM, base64 nor 32 raw bytes") from exc
    if len(raw) != 32:
        raise AdminError("the public key must be 32 bytes (Ed25519)")
    return raw


def _child(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise AdminError(f"invalid child uid {value!r}") from exc


def caseload_grant(conn: Any, *, child: str, username: str, basis: str = "caseload") -> None:
    if basis not in BASES:
        raise AdminError(f"unknown basis {basis!r} (one of {', '.join(BASES)})")
    child_uid = _child(child)
    with conn.transaction():
        _owner(conn)
        _staff_exists(conn, username)
        role = conn.execute("SELECT role FROM bk.staff WHERE username = %s", (username,)).fetchone()[0]
        if (basis == "coordinator") != (role == "coordinator"):
            # As core/access.py: a coordinator holds no caseload, and only a coordinator has that basis.
            raise AdminError(f"{username} is a {role}: the coordinator basis is for coordinators, and only it")
        if conn.execute("SELECT 1 FROM bk.access WHERE child_uid = %s AND username = %s AND basis = %s"
                        " AND revoked_at IS NULL", (child_uid, username, basis)).fetchone():
            raise AdminError(f"{username} already has {basis} access to {child_uid}")
        conn.execute("INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq)"
                     " VALUES (%s, %s, %s, session_user, clock_timestamp(), bk.high_water())",
                     (child_uid, username, basis))
        _log(conn, "caseload grant", {"child": str(child_uid), "username": username, "basis": basis})


def caseload_revoke(conn: Any, *, child: str, username: str, basis: str | None = None) -> int:
    """Ends the user's open access to the child (every basis, or one); returns how many ended."""
    child_uid = _child(child)
    with conn.transaction():
        _owner(conn)
        rows = conn.execute(
            "UPDATE bk.access SET revoked_at = clock_timestamp(), revoked_by = session_user,"
            " event_seq = nextval('bk.grant_event_seq')"
            " WHERE child_uid = %s AND username = %s AND revoked_at IS NULL AND (%s::text IS NULL OR basis = %s)"
            " RETURNING id", (child_uid, username, basis, basis)).fetchall()
        if not rows:
            raise AdminError(f"{username} has no open access to {child_uid}")
        _log(conn, "caseload revoke", {"child": str(child_uid), "username": username, "basis": basis})
        return len(rows)


def supervision_add(conn: Any, *, supervisor: str, therapist: str) -> None:
    with conn.transaction():
        _owner(conn)
        _staff_exists(conn, supervisor)
        _staff_exists(conn, therapist)
        if supervisor == therapist:
            raise AdminError("nobody supervises themselves")
        role = conn.execute("SELECT role FROM bk.staff WHERE username = %s", (supervisor,)).fetchone()[0]
        if role != "supervisor":
            # As core/access.py: the supervision basis counts only for a supervising role.
            raise AdminError(f"{supervisor} is a {role}: only a supervisor supervises")
        if conn.execute("SELECT 1 FROM bk.supervision WHERE supervisor = %s AND therapist = %s AND ended_at IS NULL",
                        (supervisor, therapist)).fetchone():
            raise AdminError(f"{supervisor} already supervises {therapist}")
        conn.execute("INSERT INTO bk.supervision (supervisor, therapist) VALUES (%s, %s)", (supervisor, therapist))
        _log(conn, "supervision add", {"supervisor": supervisor, "therapist": therapist})


def supervision_end(conn: Any, *, supervisor: str, therapist: str) -> None:
    with conn.transaction():
        _owner(conn)
        done = conn.execute("UPDATE bk.supervision SET ended_at = clock_timestamp(),"
                            " event_seq = nextval('bk.grant_event_seq')"
                            " WHERE supervisor = %s AND therapist = %s AND ended_at IS NULL RETURNING id",
                            (supervisor, therapist)).fetchall()
        if not done:
            raise AdminError(f"{supervisor} does not supervise {therapist}")
        _log(conn, "supervision end", {"supervisor": supervisor, "therapist": therapist})


def policy_set(conn: Any, *, name: str, value: bool) -> None:
    with conn.transaction():
        _owner(conn)
        done = conn.execute("UPDATE bk.policy SET value = %s, set_by = session_user, set_at = clock_timestamp()"
                            " WHERE name = %s RETURNING name", (value, name)).fetchone()
        if done is None:
            raise AdminError(f"unknown policy {name!r}")
        _log(conn, "policy set", {"name": name, "value": value})


def quarantine_list(conn: Any, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Quarantined items without their payload (kind, child, author, reason; the content stays on the server)."""
    with conn.transaction():
        _owner(conn)
        cur = conn.execute(
            "SELECT id, uid, pushed_by, received_at, reason, item ->> 'kind' AS kind,"
            " item ->> 'child_uid' AS child_uid, item ->> 'signed_at' AS signed_at, resolved_at, resolution"
            " FROM bk.quarantine WHERE %s OR resolved_at IS NULL ORDER BY id", (include_resolved,))
        names = [c.name for c in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        _log(conn, "quarantine list", {"include_resolved": include_resolved, "n": len(rows)})
    return rows


def quarantine_resolve(conn: Any, *, item_id: int, release: bool, note: str) -> str:
    """Release (the item, its hash and signature checked again, goes into bk.record as its author's) or
    reject (it stays in quarantine, marked). Either way the quarantine row stays."""
    with conn.transaction():
        _owner(conn)
        row = conn.execute("SELECT item, resolved_at FROM bk.quarantine WHERE id = %s FOR UPDATE",
                           (item_id,)).fetchone()
        if row is None:
            raise AdminError(f"no quarantined item {item_id}")
        item, resolved_at = row
        if resolved_at is not None:
            raise AdminError(f"quarantined item {item_id} is resolved already")
        if release:
            # The key the server held when it received the item (server migration 0019): one retired since still
            # proves what it signed before, and the release is listed for the laptops (0021), which accept a retired
            # key after its last seq only for the records listed.
            _schema_has(conn, "bk.staff_key_released")
            author = item.get("author")
            key, current = conn.execute(
                "SELECT bk.key_at(%s, q.received_at), (SELECT signing_pubkey FROM bk.staff WHERE username = %s) "
                "FROM bk.quarantine q WHERE q.id = %s", (author, author, item_id)).fetchone()
            verdict = conn.execute("SELECT bk.check_item(%s::jsonb, %s)", (json.dumps(item), key)).fetchone()[0]
            if verdict != "ok":
                raise AdminError(f"cannot release item {item_id}: {verdict}")
            if key is not None and key != current:
                conn.execute("INSERT INTO bk.staff_key_released (uid, username, signing_pubkey) VALUES (%s, %s, %s)",
                             (item["uid"], author, key))
                conn.execute("UPDATE bk.staff SET keys_changed_at = clock_timestamp() WHERE username = %s", (author,))
            taken = conn.execute("SELECT 1 FROM bk.record WHERE uid = %s", (item["uid"],)).fetchone()
            if taken:
                raise AdminError(f"cannot release item {item_id}: its uid is taken by another record")
            conn.execute(
                "INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version, payload,"
                " content_hash, signature) SELECT (i ->> 'uid')::uuid, i ->> 'kind', (i ->> 'child_uid')::uuid,"
                " i ->> 'author', (i ->> 'device')::uuid, (i ->> 'signed_at')::timestamptz,"
                " (i ->> 'schema_version')::int, i -> 'payload', decode(i ->> 'content_hash', 'hex'),"
                " decode(i ->> 'signature', 'base64') FROM (SELECT %s::jsonb AS i) s", (json.dumps(item),))
        resolution = "released" if release else "rejected"
        conn.execute("UPDATE bk.quarantine SET resolved_at = clock_timestamp(), resolved_by = session_user,"
                     " resolution = %s, note = %s WHERE id = %s", (resolution, note, item_id))
        _log(conn, "quarantine resolve", {"id": item_id, "resolution": resolution, "note": note})
    return resolution
