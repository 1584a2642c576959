"""A user's signing key replaced on the server (server migration 0019, `behandlerklient-server staff replace-key`): her
laptop was lost or stolen, her new laptop signs with a new key. The old key is retired, not forgotten: the records it
signed stay proven on every laptop that pulls them, and it signs nothing the server or a laptop accepts afterwards."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from behandlerklient.core import sync_envelope
from behandlerklient.core.key_fingerprint import fingerprint
from behandlerklient.server import admin
from behandlerklient.server.cli import main as server_cli
from behandlerklient.services import sync as syncing
from behandlerklient.services.accounts import key_transfer
from behandlerklient.services.sync import key_check
from behandlerklient.services.sync.connection import ServerUnreachable
from behandlerklient.services.sync.pull import received_of, staff_of
from behandlerklient.services.sync.received import Refused, check_envelope
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.sync_server import ServerCalls
from tests.server.laptops import (
    PASSPHRASE,
    assert_verified,
    new_cpr,
    new_name,
    quarantined,
    signed_session,
    supervised_pair,
)
from tests.server.records import new_child, push


def _raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _enroll(server: Any, ws: Any, password: str) -> str | None:
    tls, name = server.cluster.tls, ws.user.username
    return syncing.enroll(ws=ws, host="127.0.0.1", port=server.cluster.port, user=name, password=password,
                          ca_pem=tls.ca_file.read_text(), cert_pem=(tls.folder / f"{name}.crt").read_text(),
                          key_pem=(tls.folder / f"{name}.key").read_text())


def _item(author: str, key: Ed25519PrivateKey, child: uuid.UUID, *, signed_at: dt.datetime | None = None
          ) -> dict[str, Any]:
    fields = {"uid": str(uuid.uuid4()), "kind": "sessions", "child_uid": str(child), "author": author,
              "device": str(uuid.uuid4()),
              "signed_at": sync_envelope.format_time(signed_at or dt.datetime.now(dt.UTC)),
              "schema_version": 1, "payload": {"text": f"session by {author}"}}
    return sync_envelope.wire_item(fields, key.sign)


def test_a_new_laptop_after_a_lost_one_signs_with_a_new_key_and_the_old_records_stay_proven(
        server, tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    with supervised_pair(server, tmp_path) as (lost, supervisor):
        name = lost.user.username
        _child, _course, sent_id = signed_session(lost, new_cpr())
        assert syncing.sync(ws=lost).push.quarantined == 0
        sent_uid = lost.db.scalar("SELECT uid FROM sessions WHERE id = ?", (sent_id,))
        old_key = key_transfer.own_public_key(lost)
        assert old_key is not None

        # Her new laptop has a key of its own: refused at enrolment while the server holds the lost laptop's.
        folder = tmp_path / "new"
        folder.mkdir()
        new = workspace.create(path=folder / "journal.db", username=name, full_name=lost.user.full_name,
                               passphrase=PASSPHRASE, role="therapist")
        try:
            with pytest.raises(key_check.KeyMismatch, match="udskifte den registrerede nøgle"):
                _enroll(server, new, lost.server_password)
            new_key = key_transfer.own_public_key(new)
            assert new_key is not None and new_key != old_key
            pub = tmp_path / "new.pub"
            pub.write_text(base64.b64encode(new_key).decode("ascii") + "\n")

            code = server_cli(["staff", "replace-key", "--dsn", server.cluster.admin_dsn(), "--user", name,
                               "--pubkey-file", str(pub), "--reason", "bærbar stjålet 2026-12-01"])
            out = capsys.readouterr().out
            assert code == 0
            assert f"retired key fingerprint (SHA-256): {fingerprint(old_key)}" in out
            assert f"signing key fingerprint (SHA-256): {fingerprint(new_key)}" in out
            with server.admin() as conn:
                logged = conn.execute("SELECT args FROM bk.admin_log WHERE command = 'staff replace-key' "
                                      "AND args ->> 'username' = %s", (name,)).fetchall()
                sent_seq = conn.execute("SELECT seq FROM bk.record WHERE uid = %s::uuid", (sent_uid,)).fetchone()[0]
            assert len(logged) == 1 and logged[0][0]["reason"] == "bærbar stjålet 2026-12-01"
            assert logged[0][0]["last_seq"] >= sent_seq

            # The new laptop enrols, receives what the lost one sent (signed with the retired key) and pushes its own.
            # In the first seconds after the replacement the server holds her pushes back (a batch checked against
            # the old key may still be waiting to be stored): said so, nothing half done, the next sync goes through.
            assert _enroll(server, new, lost.server_password) is None
            with pytest.raises(ServerUnreachable, match="send it again"):
                syncing.sync(ws=new)
            _as_if_seconds_passed(server, name)
            got = syncing.sync(ws=new)
            assert quarantined(new, name) == 0, got.summary()
            assert new.db.scalar("SELECT state FROM sessions WHERE uid = ?", (sent_uid,)) == "signed"
            proof = new.db.scalar("SELECT public_key FROM sync_received WHERE uid = ?", (sent_uid,))
            assert base64.b64decode(proof) == old_key  # `verify` checks it again against the key that signed it
            _child2, _course2, later_id = signed_session(new, new_cpr(), first="Ea")
            pushed = syncing.sync(ws=new)
            assert pushed.push.sent > 0 and pushed.push.quarantined == 0, pushed.summary()
            later_uid = new.db.scalar("SELECT uid FROM sessions WHERE id = ?", (later_id,))

            # The supervisor's laptop, first synced now, takes what both laptops signed, each record proven by the
            # key that signed it (her sessions come as frames, without signatures: docs/sync.md).
            syncing.sync(ws=supervisor)
            assert quarantined(supervisor, name) == 0
            for uid in (sent_uid, later_uid):
                assert supervisor.db.scalar("SELECT state FROM sessions WHERE uid = ?", (uid,)) == "signed"
            proven_by = {base64.b64decode(k) for (k,) in supervisor.db.query(
                "SELECT DISTINCT public_key FROM sync_received WHERE author = ?", (name,))}
            assert proven_by == {old_key, new_key}
            assert_verified(new, supervisor)

            # The lost laptop (found again, or in other hands) sends nothing: refused before its push.
            signed_session(lost, new_cpr(), first="Liv")
            with pytest.raises(key_check.KeyMismatch, match="anden underskriftsnøgle"):
                syncing.sync(ws=lost)
        finally:
            new.close()


def _as_if_seconds_passed(server: Any, name: str) -> None:
    """Wait out the seconds after a replacement in which the server holds the user's pushes back (migration 0021)."""
    with server.admin() as adm:
        retired = adm.execute("SELECT max(retired_at) FROM bk.staff_key_retired WHERE username = %s",
                              (name,)).fetchone()[0]
        left = (retired - adm.execute("SELECT clock_timestamp()").fetchone()[0]).total_seconds() + 5.2
    time.sleep(max(left, 0))


def _user(server: Any, key: Ed25519PrivateKey) -> tuple[str, str]:
    name, password = new_name("r"), secrets.token_urlsafe(16)
    with server.admin() as conn:
        admin.staff_add(conn, username=name, role="therapist", full_name="Test rekey", pubkey=_raw(key),
                        password=password)
    server.cluster.tls.issue(name)
    return name, password


def test_the_retired_key_signs_nothing_more_and_what_it_signed_before_is_released_and_proven(server) -> None:  # noqa: ANN001
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    name, password = _user(server, first)
    own, elsewhere = new_child(server, (name, "caseload")), uuid.uuid4()
    early = _item(name, first, own)
    waiting = _item(name, first, elsewhere)  # about a child she has no access to yet: quarantined, kept
    with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
        assert push(conn, [early, waiting]) == [(early["uid"], "accepted"), (waiting["uid"], "quarantined")]

    with server.admin() as conn:
        logged = admin.staff_replace_key(conn, username=name, pubkey=_raw(second), reason="laptop lost")
        colleague = server.users["t01"].key
        for pubkey, reason, refusal in ((_raw(second), "again", "the one registered for"),
                                        (_raw(first), "back", f"retired for {name}"),
                                        (_raw(colleague), "wrong file", "registered for t01"),
                                        (_raw(Ed25519PrivateKey.generate()), "  ", "give the reason"),
                                        (b"\x01" + bytes(31), "small order", "no usable Ed25519 public key"),
                                        (b"\xff" * 32, "not on the curve", "no usable Ed25519 public key")):
            with pytest.raises(admin.AdminError, match=refusal):
                admin.staff_replace_key(conn, username=name, pubkey=pubkey, reason=reason)
        with pytest.raises(admin.AdminError, match="not registered staff"):
            admin.staff_replace_key(conn, username="nobody_here", pubkey=_raw(second), reason="x")
        for change in ("UPDATE bk.staff_key_retired SET last_seq = last_seq + 1000",
                       "TRUNCATE bk.staff_key_retired, bk.staff_key_released"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="kept"), conn.transaction():
                conn.execute("SET LOCAL ROLE bk_owner")
                conn.execute(change)
        early_seq = conn.execute("SELECT seq FROM bk.record WHERE uid = %s::uuid", (early["uid"],)).fetchone()[0]
    assert logged["last_seq"] >= early_seq and logged["old_pubkey_sha256"] != logged["pubkey_sha256"]

    stolen = _item(name, first, own)  # the lost laptop's key, after the replacement
    current = _item(name, second, own)
    with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
        # Within seconds of the replacement her own pushes are held back (a batch checked against the old key just
        # before could still be waiting for the push's lock): refused whole, sent again by the next sync.
        with pytest.raises(psycopg.errors.SerializationFailure, match="send it again"):
            push(conn, [current])
        _as_if_seconds_passed(server, name)
        assert push(conn, [stolen, current]) == [(stolen["uid"], "quarantined"), (current["uid"], "accepted")]
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("INSERT INTO bk.staff_key_retired (username, signing_pubkey, last_seq, reason) "
                         "VALUES (%s, %s, 0, 'mine')", (name, _raw(Ed25519PrivateKey.generate())))

    # The administrator releases what the old key signed while it was registered, not what it signed after; the
    # release is listed for the laptops.
    with server.admin() as conn:
        admin.caseload_grant(conn, child=str(elsewhere), username=name)
        ids = {str(q["uid"]): q["id"] for q in admin.quarantine_list(conn) if q["pushed_by"] == name}
        reasons = dict(conn.execute("SELECT uid::text, reason FROM bk.quarantine WHERE pushed_by = %s",
                                    (name,)).fetchall())
        assert reasons == {waiting["uid"]: "no_access_when_signed", stolen["uid"]: "bad_signature"}
        assert admin.quarantine_resolve(conn, item_id=ids[waiting["uid"]], release=True, note="access") == "released"
        with pytest.raises(admin.AdminError, match="bad_signature"):
            admin.quarantine_resolve(conn, item_id=ids[stolen["uid"]], release=True, note="no")
        listed = conn.execute("SELECT uid::text, signing_pubkey FROM bk.staff_key_released WHERE username = %s",
                              (name,)).fetchall()
    assert [(u, bytes(k)) for u, k in listed] == [(waiting["uid"], _raw(first))]

    # A laptop checks each record against the key registered when it reached the server, or the retired key an
    # administrator released it under; nothing else.
    with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
        calls = ServerCalls(conn)
        staff = staff_of(calls)
        recs = {r.uid: r for r in (received_of(row) for row in calls.pull(0, 5000, str(uuid.uuid4())))}
    assert [(k.public_key, k.released) for k in staff[name].retired] == [(_raw(first), {waiting["uid"]})]
    assert recs[waiting["uid"]].seq > logged["last_seq"]  # released after the replacement, signed before it
    for uid in (early["uid"], waiting["uid"], current["uid"]):
        assert json.loads(check_envelope(recs[uid], staff))["uid"] == uid
    # The stolen key after its retirement, however its record is dated, and the new key for a record from before the
    # replacement, are refused, even if a server were to hand such records out.
    backdated = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    forged = received_of((logged["last_seq"] + 10_000, *_row_of(_item(name, first, own, signed_at=backdated))))
    early_by_new = received_of((early_seq, *_row_of(_item(name, second, own))))
    for rec in (forged, early_by_new):
        with pytest.raises(Refused, match="bad_signature"):
            check_envelope(rec, staff)


def test_a_push_checked_against_the_old_key_while_the_key_is_replaced_is_refused_whole(server) -> None:  # noqa: ANN001
    """bk.push checks a batch before it takes the push's lock; the replacement holds that lock. The batch checked
    against the old key waits, and is refused once the key is retired (server migration 0021), not stored."""
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    name, password = _user(server, first)
    own = new_child(server, (name, "caseload"))
    racing = _item(name, first, own)
    outcome: list[Any] = []

    def push_meanwhile() -> None:
        with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
            try:
                outcome.append(push(conn, [racing]))
            except psycopg.Error as exc:
                outcome.append(exc)

    with server.admin() as adm:
        with adm.transaction():
            adm.execute("SELECT pg_advisory_xact_lock(7402, 1)")  # the replacement's lock, taken first
            pushing = threading.Thread(target=push_meanwhile)
            pushing.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not adm.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE usename = %s AND wait_event = 'advisory')",
                    (name,)).fetchone()[0]:
                time.sleep(0.05)  # the push has checked its batch against the old key and waits for the lock
            admin.staff_replace_key(adm, username=name, pubkey=_raw(second), reason="stolen")
        pushing.join(timeout=30)
        stored = adm.execute("SELECT count(*) FROM bk.record WHERE uid = %s::uuid", (racing["uid"],)).fetchone()[0]
    assert isinstance(outcome[0], psycopg.errors.SerializationFailure), outcome
    assert stored == 0


def _row_of(item: dict[str, Any]) -> tuple[Any, ...]:
    """bk.pull's columns after seq for a wire item."""
    return (item["uid"], item["kind"], item["child_uid"], item["author"], item["device"],
            dt.datetime.fromisoformat(item["signed_at"].replace("Z", "+00:00")), item["schema_version"],
            item["payload"], bytes.fromhex(item["content_hash"]), base64.b64decode(item["signature"]))
