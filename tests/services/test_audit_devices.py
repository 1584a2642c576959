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


def test_many_rows_chain_with_the_hash_of_one_row_each_on_unusual_text(ws) -> None:
    """A pull page's audit rows are chained by record_many; every row must hash as `_hash_v2` (and `verify`) hash
    it, whatever its text holds (quotes, backslashes, æøå, control characters, no child, no user)."""
    from tests.helpers import child_with_consent

    made = child_with_consent(ws, "Åse", "Ørsted", "150316-4123")
    child = ws.db.query_one("SELECT id, uid FROM children WHERE id = ?", (made.id,))
    entries = [(child["id"], 'sessions:1 "citat" \\ æøå', "linje\nto\ttab \x01"),
               (None, "", ""), (child["id"], "user:7", 'sync seq 3 from "t01"')]
    audit.record_many(ws.db, user_id=ws.user.id, action="sync", now=AT, entries=entries)
    audit.record_many(ws.db, user_id=None, action="view", now=AT, entries=entries[:2])
    rows = ws.db.query("SELECT a.*, u.username, c.uid AS child_uid FROM audit_log a LEFT JOIN users u "
                       "ON u.id = a.user_id LEFT JOIN children c ON c.id = a.child_id ORDER BY a.id DESC LIMIT 5")
    assert len(rows) == 5 and {r["child_uid"] for r in rows} == {child["uid"], None}
    for r in rows:
        assert audit._hash_v2(r["origin_device"], r["uid"], r["prev_hash"], r["at"], r["username"], r["action"],
                              r["child_uid"], r["object"], r["detail"]) == r["hash"]
    assert audit.verify_chain(ws.db).ok
