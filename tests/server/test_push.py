"""bk.push: idempotent, never overwrites, verifies hash and Ed25519 signature, anchors each device's audit
chain; seq order is commit order, so a pull cursor never skips a record pushed concurrently."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid

from tests.server.records import item, new_child, pull_all, push


def _quarantine(server, uid):  # noqa: ANN001, ANN202
    with server.admin() as conn:
        return conn.execute("SELECT reason FROM bk.quarantine WHERE uid = %s ORDER BY id", (uid,)).fetchall()


def test_a_repeated_batch_answers_duplicate_and_stores_no_second_row(server):
    child = new_child(server, ("t01", "caseload"))
    batch = [item(server, "t01", "sessions", child) for _ in range(50)]
    with server.connect("t01") as conn:
        assert {s for _, s in push(conn, batch)} == {"accepted"}
        assert push(conn, batch) == [(r["uid"], "duplicate") for r in batch]
        assert conn.execute("SELECT count(*) FROM bk.record WHERE child_uid = %s", (child,)).fetchone()[0] == 50


def test_changed_content_under_a_known_uid_is_a_conflict_and_never_overwrites(server):
    child = new_child(server, ("t01", "caseload"))
    original = item(server, "t01", "journal_entries", child, payload={"text": "først"})
    changed = item(server, "t01", "journal_entries", child, payload={"text": "ændret"}, uid=original["uid"])
    with server.connect("t01") as conn:
        push(conn, [original])
        assert push(conn, [changed]) == [(original["uid"], "conflict")]
        assert push(conn, [changed]) == [(original["uid"], "conflict")]      # a retry: same answer
        assert conn.execute("SELECT payload FROM bk.record WHERE uid = %s", (original["uid"],)).fetchone()[0] \
            == {"text": "først"}
    assert _quarantine(server, original["uid"]) == [("uid_conflict",)]      # kept once, for a person


def test_a_uid_taken_by_someone_elses_record_is_a_conflict(server):
    child = new_child(server, ("t01", "caseload"), ("t02", "caseload"))
    theirs = item(server, "t02", "sessions", child)
    with server.connect("t02") as conn:
        push(conn, [theirs])
    mine = item(server, "t01", "sessions", child, uid=theirs["uid"])
    with server.connect("t01") as conn:
        assert push(conn, [mine]) == [(mine["uid"], "conflict")]


def test_a_bad_hash_or_signature_is_quarantined_and_a_retry_adds_no_second_row(server):
    child = new_child(server, ("t01", "caseload"))
    tampered = item(server, "t01", "journal_entries", child, payload={"text": "signed"})
    tampered["payload"] = {"text": "rewritten"}
    bad_signature = item(server, "t01", "journal_entries", child)
    bad_signature["signature"] = base64.b64encode(bytes(64)).decode()
    other_key = item(server, "t01", "journal_entries", child, signer="t02")     # signed with t02's key
    rehashed = dict(tampered, uid=str(uuid.uuid4()))   # content and hash rewritten; signature is the original's
    body_fields = {k: rehashed[k] for k in ("uid", "kind", "child_uid", "author", "device", "signed_at",
                                            "schema_version", "payload")}
    from behandlerklient.core import sync_envelope

    rehashed["content_hash"] = hashlib.sha256(sync_envelope.envelope_bytes(**body_fields)).hexdigest()
    batch = [tampered, bad_signature, other_key, rehashed]
    with server.connect("t01") as conn:
        assert [s for _, s in push(conn, batch)] == ["quarantined"] * 4
        assert [s for _, s in push(conn, batch)] == ["quarantined"] * 4
    reasons = [_quarantine(server, r["uid"]) for r in batch]
    assert reasons == [[("bad_content_hash",)], [("bad_signature",)], [("bad_signature",)], [("bad_signature",)]]


def test_an_unknown_schema_version_and_a_malformed_item_are_quarantined(server):
    child = new_child(server, ("t01", "caseload"))
    future = item(server, "t01", "sessions", child, schema_version=99)     # a newer laptop than this server
    malformed = {"uid": "not-a-uuid", "kind": "sessions"}
    with server.connect("t01") as conn:
        assert push(conn, [future, malformed]) == [(future["uid"], "quarantined"), (None, "quarantined")]
    assert _quarantine(server, future["uid"]) == [("unknown_schema_version",)]
    with server.admin() as conn:
        kept = conn.execute("SELECT reason FROM bk.quarantine WHERE item = %s::jsonb",
                            (json.dumps(malformed),)).fetchall()
    assert kept == [("malformed",)]


def test_each_devices_audit_chain_must_continue_where_the_server_left_it(server):
    device = str(uuid.uuid4())

    def link(prev: str | None, n: int) -> dict:
        digest = hashlib.sha256(f"{prev}{n}".encode()).hexdigest()
        return item(server, "t01", "audit_log", None, device=device, payload={"prev": prev, "hash": digest, "n": n})

    first = link("genesis-before-enrolment", 1)
    second = link(first["payload"]["hash"], 2)
    gap = link("a row the server never saw", 3)
    third = link(second["payload"]["hash"], 3)
    with server.connect("t01") as conn:
        assert [s for _, s in push(conn, [first, second])] == ["accepted", "accepted"]
        assert push(conn, [gap]) == [(gap["uid"], "quarantined")]
        assert push(conn, [third]) == [(third["uid"], "accepted")]
        # Nobody else reads a therapist's audit rows.
    with server.connect("t02") as conn:
        assert not {str(r[1]) for r in pull_all(conn)} & {first["uid"], second["uid"], third["uid"]}
    assert _quarantine(server, gap["uid"]) == [("audit_chain_break",)]


def test_a_pull_between_two_uncommitted_pushes_never_skips_a_seq(server):
    child = new_child(server, ("t01", "caseload"), ("t02", "shared"))
    a, b = item(server, "t01", "sessions", child), item(server, "t02", "sessions", child)
    first, second = server.connect("t01"), server.connect("t02")
    try:
        with server.connect("t01") as conn:
            start = pull_all(conn)
        cursor = max((r[0] for r in start), default=0)
        first.execute("BEGIN")
        first.execute("SELECT * FROM bk.push(%s::jsonb)", (json.dumps([a]),)).fetchall()
        done = threading.Event()

        def push_second() -> None:
            push(second, [b])      # waits for the advisory lock the first push holds
            done.set()

        worker = threading.Thread(target=push_second)
        worker.start()
        assert not done.wait(0.5)
        with server.connect("t01") as conn:
            between = [r for r in pull_all(conn, cursor) if r[3] == child]
            assert between == []        # neither is visible yet: a cursor cannot move past a
            first.execute("COMMIT")
            worker.join(10)
            assert done.is_set()
            after = [str(r[1]) for r in pull_all(conn, cursor) if r[3] == child]
        assert after == [a["uid"], b["uid"]]
    finally:
        first.close()
        second.close()


def test_concurrent_pushers_and_a_polling_puller_lose_and_repeat_nothing(server):
    child = new_child(server, ("t01", "caseload"), ("t02", "shared"))
    batches = {user: [[item(server, user, "sessions", child) for _ in range(5)] for _ in range(8)]
               for user in ("t01", "t02")}
    expected = {r["uid"] for user in batches for batch in batches[user] for r in batch}
    with server.connect("t01") as conn:
        cursor = max((r[0] for r in pull_all(conn)), default=0)

    def pusher(user: str) -> None:
        with server.connect(user) as conn:
            for batch in batches[user]:
                push(conn, batch)

    workers = [threading.Thread(target=pusher, args=(u,)) for u in batches]
    for w in workers:
        w.start()
    seen: list[str] = []
    with server.connect("t01") as conn:
        while True:
            pushing = any(w.is_alive() for w in workers)    # looked at before the pull: then an empty page
            page = conn.execute("SELECT seq, uid, child_uid FROM bk.pull(%s, 7)", (cursor,)).fetchall()
            if page:                                         # after the last commit means all was read
                cursor = page[-1][0]
                seen += [str(r[1]) for r in page if r[2] == child]
            elif not pushing:
                break
    for w in workers:
        w.join()
    assert len(seen) == len(set(seen)) and set(seen) == expected
