"""The same child registered on two laptops (same CPR): detected at push, both children stay usable, a coordinator
decides that they are one child with a signed decision, and both laptops then hold one child with both therapists'
records (issue 14)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date

import pytest
from psycopg import errors

from behandlerklient.core.errors import RuleRefused
from behandlerklient.services import sync as syncing
from behandlerklient.services.journal import conflicts, sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.registration import master_data
from behandlerklient.services.supervision import supervision
from behandlerklient.services.supervision.supervision import Rating
from behandlerklient.services.sync import merge
from behandlerklient.services.verify import integrity
from tests.server.laptops import PASSPHRASE, laptop, new_cpr, new_name, quarantined, signed_session


def _sessions_of(ws, child_id: int) -> int:  # noqa: ANN001
    return int(ws.db.scalar("SELECT count(*) FROM sessions s JOIN courses c ON c.id = s.course_id "
                            "WHERE c.child_id = ? AND s.state = 'signed'", (child_id,)))


def test_a_child_registered_twice_stays_usable_until_a_coordinator_merges_it_on_every_laptop(server, tmp_path,
                                                                                             monkeypatch, capsys):
    from behandlerklient import cli

    t1, t2, c = new_name("t"), new_name("t"), new_name("c")
    first = laptop(server, tmp_path / "a", t1, "therapist")
    second = laptop(server, tmp_path / "b", t2, "therapist")
    coordinator = laptop(server, tmp_path / "c", c, "coordinator")
    try:
        cpr = new_cpr()
        child_a, _course_a, _ = signed_session(first, cpr, "Noa")
        assert syncing.sync(ws=first).push.cpr_known == 0
        # The second laptop registers the same child offline and signs a session about it.
        child_b, course_b, _ = signed_session(second, cpr, "Noah")
        pushed = syncing.sync(ws=second)
        assert pushed.push.cpr_known == 1 and pushed.push.quarantined > 0, pushed.summary()
        uid_a = first.db.scalar("SELECT uid FROM children WHERE id = ?", (child_a.id,))
        uid_b = second.db.scalar("SELECT uid FROM children WHERE id = ?", (child_b.id,))
        noted = second.db.query_one("SELECT * FROM child_alias")
        assert (noted["alias_uid"], noted["child_uid"], noted["merged_at"]) == (uid_b, uid_a, None)
        # Until the decision both stay usable: each therapist signs another session about her child.
        for ws, course in ((second, course_b), (first, _course_a)):
            draft, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 19))
            draft.parts.status = "Barnet fortalte om ugen."  # own text, not only the template
            sessions.finish_session(ws=ws, session=draft, passphrase=PASSPHRASE)
        syncing.sync(ws=first)
        syncing.sync(ws=second)
        assert _sessions_of(first, child_a.id) == _sessions_of(second, child_b.id) == 2
        assert merge.tasks(ws=second) == []          # the decision is the coordinator's
        with pytest.raises(RuleRefused, match="koordinator"):
            merge.decide_merge(ws=second, alias_uid=uid_b)

        # The coordinator's laptop shows the task; she decides on the command line.
        syncing.sync(ws=coordinator)
        task = [t for t in merge.tasks(ws=coordinator) if t.alias_uid == uid_b]
        assert len(task) == 1 and task[0].child_uid == uid_a and task[0].title == "Samme barn registreret to gange"
        path = coordinator.path
        coordinator.close()
        monkeypatch.setenv("BEHANDLERKLIENT_PASSPHRASE", PASSPHRASE)
        assert cli.main(["sync", "--db", str(path), "duplicates"]) == 0
        assert f"Samme barn registreret to gange: {uid_b} = {uid_a}" in capsys.readouterr().out
        assert cli.main(["sync", "--db", str(path), "merge", uid_b]) == 0
        out = capsys.readouterr().out
        released = int(out.split("; ")[1].split()[0])
        assert released >= 4, out   # her two sessions' worth of records about the alias, refused until now
        assert cli.main(["sync", "--db", str(path), "duplicates"]) == 0
        assert f"{uid_b} = {uid_a}" not in capsys.readouterr().out  # (the shared test server may hold others)
        assert cli.main(["sync", "--db", str(path), "merge", uid_b]) == 5   # decided already: refused, in Danish
        assert "allerede lagt sammen" in capsys.readouterr().err
        with server.admin() as conn:
            logged = conn.execute("SELECT args FROM bk.admin_log WHERE command = 'merge child' "
                                  "AND args ->> 'alias' = %s", (uid_b,)).fetchone()
            left = conn.execute("SELECT count(*) FROM bk.quarantine WHERE pushed_by = %s AND resolved_at IS NULL",
                                (t2,)).fetchone()[0]
        assert logged[0]["by"] == c and left == 0

        # Each therapist's laptop checks the signed decision and then holds one child with all four sessions.
        for ws, mine in ((second, child_b.id), (first, child_a.id)):
            got = syncing.sync(ws=ws)
            assert ws.db.scalar("SELECT merged_by FROM child_alias WHERE alias_uid = ?", (uid_b,)) == c
            assert ws.db.scalar("SELECT count(*) FROM children") == 1, got.summary()
            assert _sessions_of(ws, mine) == 4, (ws.user.username, got.summary())
            assert quarantined(ws, t1, t2) == 0 and got.pull.orphans == 0, got.summary()
        # Afterwards both go on writing about the child, and the other receives it.
        draft, _ = sessions.start_session(ws=second, course_id=course_b.id, on=date(2026, 1, 26))
        draft.parts.status = "Barnet fortalte om ugen."  # own text, not only the template
        sessions.finish_session(ws=second, session=draft, passphrase=PASSPHRASE)
        # ... and her events, which name the child by the uid her laptop holds (the twin's): a fidelity checklist
        # of that session and a change of her course's track
        supervision.save_ratings(ws=second, session_id=draft.id, kind="self",
                                 items=[Rating("agenda", "yes", 5), Rating("homework", "partly", 3)])
        pathway.change_track(ws=second, course_id=course_b.id, track_id="stime-bekymring-tristhed",
                             reason="Bedre match", on=date(2026, 1, 26), passphrase=PASSPHRASE)
        edited = master_data.current(ws=second, child_id=child_b.id)
        master_data.save(ws=second, child_id=child_b.id, edited=replace(edited, school="Marstal Skole"),
                         reason="Skiftet skole")
        assert syncing.sync(ws=second).push.quarantined == 0
        # ... while the first laptop, not knowing it, changes the same field: one history of one child, so both
        # laptops show the same value (the later change, by the events' order) and list the two as a conflict
        edited = master_data.current(ws=first, child_id=child_a.id)
        master_data.save(ws=first, child_id=child_a.id, edited=replace(edited, school="Ærø Efterskole"),
                         reason="Skiftet skole")
        got = syncing.sync(ws=first)
        assert _sessions_of(first, child_a.id) == 5
        assert got.pull.orphans == 0 and first.db.scalar("SELECT count(*) FROM sync_orphans") == 0, got.summary()
        assert dict(first.db.query(
            "SELECT f.item_key, f.adherence FROM fidelity_ratings f JOIN sessions s ON s.id = f.session_id "
            "WHERE s.uid = ?", (second.db.scalar("SELECT uid FROM sessions WHERE id = ?", (draft.id,)),))) == {
            "agenda": "yes", "homework": "partly"}
        syncing.sync(ws=second)
        later = first.db.scalar("SELECT json_extract(value, '$') FROM events WHERE aggregate = 'child' "
                                "AND field = 'school' ORDER BY hlc DESC, device DESC, uid DESC LIMIT 1")
        listed = {}
        for ws, mine in ((first, child_a.id), (second, child_b.id)):
            assert ws.db.scalar("SELECT school FROM children WHERE id = ?", (mine,)) == later
            (listed[ws.user.username],) = conflicts.for_child(ws=ws, child_id=mine)
            assert listed[ws.user.username].target[2] == "school"
        # one key on both laptops (a resolution names the conflict by it): resolved on one, closed on both
        assert listed[t1].key == listed[t2].key
        kept = next(o for o in listed[t1].options if o.value != later)
        conflicts.resolve_confirmed(ws=first, key=listed[t1].key, keep=kept.ref, reason="Skolen bekræftede")
        syncing.sync(ws=first)
        syncing.sync(ws=second)
        for ws, mine in ((first, child_a.id), (second, child_b.id)):
            assert conflicts.for_child(ws=ws, child_id=mine) == []
            assert ws.db.scalar("SELECT school FROM children WHERE id = ?", (mine,)) == kept.value
        course_uid = second.db.scalar("SELECT uid FROM courses WHERE id = ?", (course_b.id,))
        assert tuple(first.db.query_one("SELECT track_id, child_id FROM courses WHERE uid = ?", (course_uid,))) == (
            "stime-bekymring-tristhed", child_a.id)
        for ws in (first, second):
            problems = [ch for ch in integrity.verify(ws=ws) if not ch.ok]
            assert not problems, (ws.user.username, [(ch.name, ch.detail) for ch in problems])
    finally:
        for ws in (first, second, coordinator):
            ws.close()  # closing twice is harmless


def test_only_a_coordinator_merges_and_only_with_her_own_valid_signature(server):
    from tests.server.records import item

    cpr, known, alias = new_cpr(), uuid.uuid4(), uuid.uuid4()
    with server.connect("t01") as conn:
        conn.execute("SELECT * FROM bk.register_child(%s, %s)", (cpr, known)).fetchall()
    with server.connect("t02") as conn:
        assert conn.execute("SELECT status FROM bk.register_child(%s, %s)", (cpr, alias)).fetchone()[0] \
            == "duplicate_cpr"
    decision = item(server, "c01", "child_merges", known, payload={"alias_uid": str(alias), "child_uid": str(known)})
    as_t02 = item(server, "t02", "child_merges", known, payload={"alias_uid": str(alias), "child_uid": str(known)})
    with server.connect("t02") as conn:
        with pytest.raises(errors.InsufficientPrivilege, match="coordinator"):
            conn.execute("SELECT bk.merge_child(%s::jsonb)", (json.dumps(as_t02),))
        assert conn.execute("SELECT count(*) FROM bk.access WHERE child_uid = %s", (known,)).fetchone()[0] == 0
    forged = {**decision, "payload": {"alias_uid": str(alias), "child_uid": str(uuid.uuid4())}}
    with server.connect("c01") as conn:
        with pytest.raises(errors.InvalidParameterValue):
            conn.execute("SELECT bk.merge_child(%s::jsonb)", (json.dumps(forged),))
        assert conn.execute("SELECT bk.merge_child(%s::jsonb)", (json.dumps(decision),)).fetchone()[0] == 0
        assert conn.execute("SELECT bk.merge_child(%s::jsonb)", (json.dumps(decision),)).fetchone()[0] == 0
    with server.connect("t02") as conn:
        rows = conn.execute("SELECT child_uid, basis FROM bk.access WHERE username = current_user "
                            "AND child_uid IN (%s, %s)", (known, alias)).fetchall()
    assert sorted((str(u), b) for u, b in rows) == sorted([(str(alias), "caseload"), (str(known), "shared")])
