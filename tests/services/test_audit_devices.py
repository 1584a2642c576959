"""One audit chain per device (schema 13): rows of several laptops live side by side, each device's chain checked
on its own, the local one ending at audit_head (and so at the anchors of backups and exports)."""

from datetime import UTC, datetime

import pytest

from behandlerklient.core import uid
from behandlerklient.services.signatures import anchor, audit
from behandlerklient.storage.database import IntegrityError

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class _OtherLaptop:
    """Rows another device chained (as a sync would bring them), hashed as that device hashed them."""

    def __init__(self, db) -> None:  # noqa: ANN001
        self.db, self.device, self.prev = db, uid.uuid7(), ""

    def add(self, action: str, *, prev: str | None = None) -> int:
        row_uid, at = uid.uuid7(), "2026-11-23T09:00:00+00:00"
        link = self.prev if prev is None else prev
        digest = audit._hash_v2(self.device, row_uid, link, at, None, action, None, "child:x", "")
        with self.db.transaction():
            row_id = self.db.insert("audit_log", {"at": at, "user_id": None, "action": action, "object": "child:x",
                                                  "prev_hash": link, "hash": digest, "uid": row_uid,
                                                  "origin_device": self.device})
        self.prev = digest
        return row_id


def _local(ws, obj: str) -> None:  # noqa: ANN001
    with ws.db.transaction():
        audit.record(ws.db, user_id=None, action="view", now=AT, obj=obj)


def test_chains_of_two_devices_interleave_and_each_verifies(ws) -> None:
    other = _OtherLaptop(ws.db)
    _local(ws, "a")
    other.add("view")
    _local(ws, "b")
    other.add("create")
    _local(ws, "c")
    rows = ws.db.query("SELECT origin_device, prev_hash, hash FROM audit_log ORDER BY id")
    mine = [r for r in rows if r["origin_device"] == ws.db.device_uid]
    theirs = [r for r in rows if r["origin_device"] == other.device]
    assert len(theirs) == 2 and len(mine) >= 3
    for chain in (mine, theirs):  # each row links to the previous row of its own device
        assert all(b["prev_hash"] == a["hash"] for a, b in zip(chain, chain[1:], strict=False))
    check = audit.verify_chain(ws.db)
    assert check.ok and "2 enheder" in check.detail
    # The local head (what backups and exports anchor) is the local device's newest row.
    head = anchor.head(ws.db)
    assert head["hash"] == mine[-1]["hash"]
    _name, ok, _detail = anchor.check(ws.db, head, "backup.json")
    assert ok


def test_a_broken_link_in_another_devices_chain_is_found(ws) -> None:
    other = _OtherLaptop(ws.db)
    other.add("view")
    _local(ws, "a")
    bad = other.add("create", prev="0" * 64)  # a row removed in between, or one forged
    check = audit.verify_chain(ws.db)
    assert not check.ok and f"række {bad}" in check.detail


def test_the_device_is_in_the_hash(ws) -> None:
    _local(ws, "a")
    row = ws.db.query_one("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert audit._hash_v2(row["origin_device"], row["uid"], row["prev_hash"], row["at"], None, row["action"], None,
                          row["object"], row["detail"]) == row["hash"]
    assert audit._hash_v2(uid.uuid7(), row["uid"], row["prev_hash"], row["at"], None, row["action"], None,
                          row["object"], row["detail"]) != row["hash"]


def test_the_local_head_cannot_follow_another_devices_row(ws) -> None:
    other = _OtherLaptop(ws.db)
    row_id = other.add("view")
    with pytest.raises(IntegrityError, match="device"):
        ws.db.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1", (row_id, other.prev))
