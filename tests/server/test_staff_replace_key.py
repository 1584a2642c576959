"""A user's signing key replaced on the server (server migration 0019, `behandlerklient-server staff replace-key`): her
laptop was lost or stolen, her new laptop signs with a new key. The old key is retired, not forgotten: the records it
signed stay proven on every laptop that pulls them, and it signs nothing the server or a laptop accepts afterwards."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
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
            assert _enroll(server, new, lost.server_password) is None
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


def test_the_retired_key_signs_nothing_more_and_what_it_signed_before_is_released_and_proven(server) -> None:  # noqa: ANN001
    name, password = new_name("r"), secrets.token_urlsafe(16)
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with server.admin() as conn:
        admin.staff_add(conn, username=name, role="therapist", full_name="Test rekey", pubkey=_raw(first),
                        password=password)
    server.cluster.tls.issue(name)
    own, elsewhere = new_child(server, (name, "caseload")), uuid.uuid4()
    early = _item(name, first, own)
    waiting = _item(name, first, elsewhere)  # about a child she has no access to yet: quarantined, kept
    with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
        assert push(conn, [early, waiting]) == [(early["uid"], "accepted"), (waiting["uid"], "quarantined")]

    with server.admin() as conn:
        logged = admin.staff_replace_key(conn, username=name, pubkey=_raw(second), reason="laptop lost")
        for pubkey, reason, refusal in ((_raw(second), "again", "registered for"),
                                        (_raw(first), "back", "retired for"),
                                        (_raw(Ed25519PrivateKey.generate()), "  ", "give the reason")):
            with pytest.raises(admin.AdminError, match=refusal):
                admin.staff_replace_key(conn, username=name, pubkey=pubkey, reason=reason)
        with pytest.raises(admin.AdminError, match="not registered staff"):
            admin.staff_replace_key(conn, username="nobody_here", pubkey=_raw(second), reason="x")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="kept as it was retired"), conn.transaction():
            conn.execute("SET LOCAL ROLE bk_owner")
            conn.execute("UPDATE bk.staff_key_retired SET last_seq = last_seq + 1000 WHERE username = %s", (name,))
        early_seq = conn.execute("SELECT seq FROM bk.record WHERE uid = %s::uuid", (early["uid"],)).fetchone()[0]
    assert logged["last_seq"] >= early_seq and logged["old_pubkey_sha256"] != logged["pubkey_sha256"]

    stolen = _item(name, first, own)  # the lost laptop's key, after the replacement
    current = _item(name, second, own)
    with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
        assert push(conn, [stolen, current]) == [(stolen["uid"], "quarantined"), (current["uid"], "accepted")]
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("INSERT INTO bk.staff_key_retired (username, signing_pubkey, last_seq, reason) "
                         "VALUES (%s, %s, 0, 'mine')", (name, _raw(Ed25519PrivateKey.generate())))

    # The administrator releases what the old key signed while it was registered, not what it signed after.
    with server.admin() as conn:
        admin.caseload_grant(conn, child=str(elsewhere), username=name)
        ids = {str(q["uid"]): q["id"] for q in admin.quarantine_list(conn) if q["pushed_by"] == name}
        reasons = dict(conn.execute("SELECT uid::text, reason FROM bk.quarantine WHERE pushed_by = %s",
                                    (name,)).fetchall())
        assert reasons == {waiting["uid"]: "no_access_when_signed", stolen["uid"]: "bad_signature"}
        assert admin.quarantine_resolve(conn, item_id=ids[waiting["uid"]], release=True, note="access") == "released"
        with pytest.raises(admin.AdminError, match="bad_signature"):
            admin.quarantine_resolve(conn, item_id=ids[stolen["uid"]], release=True, note="no")

    # A laptop checks each record against the key registered when it arrived, or when it says it was signed.
    with psycopg.connect(server.cluster.user_dsn(name, password), autocommit=True) as conn:
        calls = ServerCalls(conn)
        staff = staff_of(calls)
        recs = {r.uid: r for r in (received_of(row) for row in calls.pull(0, 5000, str(uuid.uuid4())))}
    assert [k.public_key for k in staff[name].retired] == [_raw(first)]
    assert recs[waiting["uid"]].seq > logged["last_seq"]  # released after the replacement, signed before it
    for uid in (early["uid"], waiting["uid"], current["uid"]):
        assert json.loads(check_envelope(recs[uid], staff))["uid"] == uid
    # What the stolen key signs after its retirement is refused, even if a server were to hand it out.
    forged_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    forged = received_of((logged["last_seq"] + 10_000, *_row_of(_item(name, first, own, signed_at=forged_at))))
    with pytest.raises(Refused, match="bad_signature"):
        check_envelope(forged, staff)


def _row_of(item: dict[str, Any]) -> tuple[Any, ...]:
    """bk.pull's columns after seq for a wire item."""
    return (item["uid"], item["kind"], item["child_uid"], item["author"], item["device"],
            dt.datetime.fromisoformat(item["signed_at"].replace("Z", "+00:00")), item["schema_version"],
            item["payload"], bytes.fromhex(item["content_hash"]), base64.b64decode(item["signature"]))
