"""A coordinator's merge decision travels as a pulled record (issue 14): a laptop that was offline when she decided
learns it in the ordinary pull, checks her signature, resolves both registrations to the one child it holds, keeps
the proof for `verify`, and the server logs the disclosure like any pull."""

from __future__ import annotations

from datetime import date

from behandlerklient.services import sync as syncing
from behandlerklient.services.journal import sessions
from behandlerklient.services.sync import merge
from behandlerklient.services.verify import integrity
from behandlerklient.storage.sync_server import ServerCalls
from tests.server.laptops import PASSPHRASE, laptop, new_cpr, new_name, quarantined, signed_session


def _signed_sessions(ws, child_id: int) -> int:  # noqa: ANN001
    return int(ws.db.scalar("SELECT count(*) FROM sessions s JOIN courses c ON c.id = s.course_id "
                            "WHERE c.child_id = ? AND s.state = 'signed'", (child_id,)))


def test_a_laptop_offline_when_the_coordinator_merged_learns_it_in_the_pull(server, tmp_path, monkeypatch):
    t1, t2, c = new_name("t"), new_name("t"), new_name("c")
    first = laptop(server, tmp_path / "a", t1, "therapist")
    second = laptop(server, tmp_path / "b", t2, "therapist")
    coordinator = laptop(server, tmp_path / "c", c, "coordinator")
    try:
        cpr = new_cpr()
        child_a, _, _ = signed_session(first, cpr, "Noa")
        syncing.sync(ws=first)
        child_b, course_b, _ = signed_session(second, cpr, "Noah")
        assert syncing.sync(ws=second).push.cpr_known == 1
        uid_a = first.db.scalar("SELECT uid FROM children WHERE id = ?", (child_a.id,))
        uid_b = second.db.scalar("SELECT uid FROM children WHERE id = ?", (child_b.id,))

        syncing.sync(ws=coordinator)
        assert merge.decide_merge(ws=coordinator, alias_uid=uid_b) >= 2
        with server.admin() as conn:
            decision = conn.execute("SELECT seq, uid::text, author, child_uid::text, payload FROM bk.record "
                                    "WHERE kind = 'child_merges' AND payload ->> 'alias_uid' = %s",
                                    (uid_b,)).fetchone()
        assert decision is not None and decision[2] == c and decision[3] == uid_a
        assert decision[4] == {"alias_uid": uid_b, "child_uid": uid_a}

        # The first laptop syncs at once; the second was offline and the first writes on meanwhile.
        syncing.sync(ws=first)
        assert first.db.scalar("SELECT merged_by FROM child_alias WHERE alias_uid = ?", (uid_b,)) == c
        assert first.db.scalar("SELECT count(*) FROM children") == 1 and _signed_sessions(first, child_a.id) == 2

        # Days later the second laptop syncs. bk.duplicates() tells it nothing: the decision must come in the pull.
        monkeypatch.setattr(ServerCalls, "duplicates", lambda self: [])
        got = syncing.sync(ws=second)
        proof = second.db.query_one("SELECT * FROM sync_merge_proofs WHERE alias_uid = ?", (uid_b,))
        assert proof is not None and (proof["seq"], proof["uid"], proof["author"]) == decision[:3]
        assert second.db.scalar("SELECT merged_by FROM child_alias WHERE alias_uid = ?", (uid_b,)) == c
        assert second.db.scalar("SELECT count(*) FROM children") == 1, got.summary()
        assert _signed_sessions(second, child_b.id) == 2, got.summary()
        assert quarantined(second, t1, t2, c) == 0 and got.pull.orphans == 0, got.summary()
        audit = second.db.scalar("SELECT count(*) FROM audit_log WHERE object = ? AND detail LIKE ?",
                                 (f"child_alias:{uid_b}", f"%merged by {c}%"))
        assert audit == 1
        with server.admin() as conn:
            logged = conn.execute("SELECT count(*) FROM bk.disclosure_log WHERE username = %s AND child_uid = %s "
                                  "AND via = 'pull'", (t2, uid_a)).fetchone()[0]
        assert logged >= 1

        # Both go on writing about the one child; verify holds the decision to her signature.
        draft, _ = sessions.start_session(ws=second, course_id=course_b.id, on=date(2026, 1, 26))
        draft.parts.status = "Barnet fortalte om ugen."
        sessions.finish_session(ws=second, session=draft, passphrase=PASSPHRASE)
        assert syncing.sync(ws=second).push.quarantined == 0
        syncing.sync(ws=first)
        assert _signed_sessions(first, child_a.id) == 3
        for ws in (first, second):
            problems = [ch for ch in integrity.verify(ws=ws) if not ch.ok]
            assert not problems, (ws.user.username, [(ch.name, ch.detail) for ch in problems])
        with second.db.transaction():  # a merge rewritten afterwards no longer matches what she signed
            second.db.execute("UPDATE child_alias SET merged_by = ? WHERE alias_uid = ?", (t2, uid_b))
        found = [ch.detail for ch in integrity.verify(ws=second) if not ch.ok]
        assert any("ikke den, koordinatoren signerede" in str(d) for d in found), found
    finally:
        for ws in (first, second, coordinator):
            ws.close()


def test_a_merge_decision_not_signed_by_a_coordinator_or_not_by_its_author_is_quarantined_not_applied(ws):
    """No server needed: the decision as the pull hands it to the applier."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from behandlerklient.core import sync_envelope
    from behandlerklient.services.sync.apply import Applier, Received, Staff

    keys = {name: Ed25519PrivateKey.generate() for name in ("koord", "terapeut")}
    staff = {name: Staff(name, role, name, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
             for (name, key), role in zip(keys.items(), ("coordinator", "therapist"), strict=True)}
    alias, child = "0190f0a0-0000-7000-8000-0000000000b1", "0190f0a0-0000-7000-8000-0000000000b2"

    def decision(author: str, signer: str, n: int) -> Received:
        fields = {"uid": f"0190f0a0-0000-7000-8000-00000000000{n}", "kind": "child_merges", "child_uid": child,
                  "author": author, "device": "0190f0a0-0000-7000-8000-0000000000d9",
                  "signed_at": "2026-02-01T10:00:00.000000Z", "schema_version": 1,
                  "payload": {"alias_uid": alias, "child_uid": child}}
        item = sync_envelope.wire_item(fields, keys[signer].sign)
        return Received(seq=100 + n, **item)

    with ws.db.transaction():
        applier = Applier(ws.db, staff=staff, device="elsewhere", catalogue=ws.catalogue, at="2026-02-02T10:00:00")
        assert applier.record(decision("terapeut", "terapeut", 1)) == "quarantined"   # not a coordinator
        assert applier.record(decision("koord", "terapeut", 2)) == "quarantined"      # not her signature
        assert applier.record(decision("koord", "koord", 3)) == "applied"
        assert applier.record(decision("koord", "koord", 3)) == "known"               # pulled again: kept once
    reasons = [r[0] for r in ws.db.query("SELECT reason FROM sync_quarantine WHERE kind = 'child_merges' ORDER BY id")]
    assert reasons == ["not_a_coordinator", "bad_signature"]
    assert ws.db.scalar("SELECT merged_by FROM child_alias WHERE alias_uid = ?", (alias,)) == "koord"
    assert ws.db.scalar("SELECT count(*) FROM sync_merge_proofs") == 1
