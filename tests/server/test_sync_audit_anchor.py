"""The server anchors each device's audit chain (issue 14): the laptop pushes its chain as signed segments that must
continue the device's head on the server, keeps the head the server acknowledged, and `verify` names audit rows
removed or rewritten after that, even when whoever did it recomputed every hash after the change (which the chain
check alone cannot see)."""

from __future__ import annotations

from typing import Any

import pytest

from behandlerklient.services import sync as syncing
from behandlerklient.services.signatures import audit
from behandlerklient.services.verify import integrity
from behandlerklient.storage import identity
from tests.server.laptops import laptop, new_cpr, new_name, signed_session


@pytest.fixture
def synced(server, tmp_path):  # noqa: ANN001, ANN201
    ws = laptop(server, tmp_path / "a", new_name("t"), "therapist")
    signed_session(ws, new_cpr())
    syncing.sync(ws=ws)
    yield ws
    ws.close()


def _checks(ws: Any) -> dict[str, Any]:
    return {c.name: c for c in integrity.verify(ws=ws)}


def _server_head(server, device: str) -> str:  # noqa: ANN001
    with server.admin() as conn:
        return conn.execute("SELECT head_hash FROM bk.device_chain WHERE device = %s::uuid", (device,)).fetchone()[0]


def _unfrozen(db: Any, work: Any) -> None:
    """Runs `work` with the audit log's guard triggers dropped, then puts them back with their exact text."""
    triggers = [tuple(r) for r in db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                           "AND tbl_name IN ('audit_log', 'audit_head')")]
    with db.transaction():
        for name, _sql in triggers:
            db.execute(f'DROP TRIGGER "{name}"')
        work()
        for _name, sql in triggers:
            db.execute(sql)


def _rechain(db: Any, from_id: int) -> None:
    """Recomputes every hash of this device's chain from row `from_id` on, as a careful forger would."""
    device, v2_from = db.device_uid, identity.audit_v2_from(db)
    prev = db.scalar("SELECT hash FROM audit_log WHERE origin_device = ? AND id < ? ORDER BY id DESC LIMIT 1",
                     (device, from_id)) or ""
    for r in db.query("SELECT a.*, u.username, c.uid AS child_uid FROM audit_log a LEFT JOIN users u "
                      "ON u.id = a.user_id LEFT JOIN children c ON c.id = a.child_id WHERE a.origin_device = ? "
                      "AND a.id >= ? ORDER BY a.id", (device, from_id)):
        if r["id"] < v2_from:
            digest = audit._hash(prev, r["id"], r["at"], r["user_id"], r["action"], r["child_id"], r["object"],
                                 r["detail"])
        else:
            digest = audit._hash_v2(device, r["uid"], prev, r["at"], r["username"], r["action"], r["child_uid"],
                                    r["object"], r["detail"])
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, r["id"]))
        prev = digest
    last = db.scalar("SELECT max(id) FROM audit_log WHERE origin_device = ?", (device,))
    db.execute("UPDATE audit_head SET last_id = ?, last_hash = ?", (last, prev))


def test_the_chain_is_pushed_the_server_head_is_kept_here_and_a_second_sync_continues_it(server, synced) -> None:
    ws = synced
    state = ws.db.query_one("SELECT audit_acked_id, audit_acked_hash, device_uid FROM sync_state")
    assert state["audit_acked_id"] and state["audit_acked_hash"] == _server_head(server, state["device_uid"])
    assert _checks(ws)["audit_server_anchor"].ok
    signed_session(ws, new_cpr(), first="Ida")  # more work offline: its audit rows continue the same chain
    again = syncing.sync(ws=ws)
    assert again.chain.rows > 0 and not again.chain.diverged
    head = ws.db.query_one("SELECT audit_acked_id, audit_acked_hash FROM sync_state")
    assert head["audit_acked_id"] > state["audit_acked_id"]
    assert head["audit_acked_hash"] == _server_head(server, state["device_uid"])
    with server.admin() as conn:  # nothing of the chain was refused by the server
        refused = conn.execute("SELECT count(*) FROM bk.quarantine WHERE pushed_by = %s AND item ->> 'kind' = "
                               "'audit_log'", (ws.user.username,)).fetchone()[0]
    assert refused == 0
    assert all(c.ok for c in integrity.verify(ws=ws)), [(c.name, c.detail) for c in integrity.verify(ws=ws)]


def test_an_acknowledged_row_rewritten_with_every_hash_recomputed_is_reported(synced) -> None:
    ws = synced
    acked = ws.db.scalar("SELECT audit_acked_id FROM sync_state")
    target = ws.db.scalar("SELECT min(id) FROM audit_log WHERE origin_device = ? AND action = 'sign'",
                          (ws.db.device_uid,))
    assert target < acked

    def rewrite() -> None:
        ws.db.execute("UPDATE audit_log SET detail = 'intet at se her' WHERE id = ?", (target,))
        _rechain(ws.db, target)

    _unfrozen(ws.db, rewrite)
    checks = _checks(ws)
    assert checks["audit_chain"].ok  # the chain itself recomputes: only the server's anchor sees the rewrite
    assert not checks["audit_server_anchor"].ok and f"række {acked}" in checks["audit_server_anchor"].detail
    assert "ændret" in checks["audit_server_anchor"].detail
    # The next sync finds the server's head missing here and says so, sending nothing of the rewritten chain.
    warned = syncing.sync(ws=ws)
    assert warned.chain.diverged and warned.chain.rows == 0 and "ADVARSEL" in warned.summary()


def test_acknowledged_rows_removed_from_the_end_of_the_chain_are_reported(synced) -> None:
    ws = synced
    acked = ws.db.scalar("SELECT audit_acked_id FROM sync_state")

    def cut() -> None:
        ws.db.execute("DELETE FROM audit_log WHERE origin_device = ? AND id >= ?", (ws.db.device_uid, acked - 2))
        _rechain(ws.db, acked - 2)

    _unfrozen(ws.db, cut)
    checks = _checks(ws)
    assert checks["audit_chain"].ok
    assert not checks["audit_server_anchor"].ok and "fjernet" in checks["audit_server_anchor"].detail
