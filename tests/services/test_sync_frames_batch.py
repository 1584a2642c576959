"""A page of session frames written at once (services/sync/frames.FrameApplier.frames): each frame gets the verdict
it gets on its own (applied, known, quarantined with its reason), also when the schema refuses one of the page's
frames and the write is undone and done again frame by frame."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from behandlerklient.services.pathway import pathway
from behandlerklient.services.sync.frames import FrameApplier
from behandlerklient.services.sync.receipts import runs
from behandlerklient.services.sync.received import Staff
from tests.helpers import child_with_consent
from tests.services.test_sync_apply_page import source  # noqa: F401 - a fixture

COLLEAGUE = Staff(username="kollega", role="therapist", full_name="Kollega Ærbødig", public_key=b"\0" * 32)


def _frame(course_uid: str, number: int, **change: Any) -> dict[str, Any]:
    uid = str(uuid.uuid4())
    frame = {"uid": uid, "course_id": course_uid, "author_id": COLLEAGUE.username, "number": number,
             "session_date": f"2026-02-{number:02d}", "duration_min": 60, "participants": "child",
             "format": "individual",
             "attendance": "held", "state": "signed", "created_at": "2026-02-01T10:00:00Z",
             "updated_at": "2026-02-01T10:00:00Z", "signed_at": "2026-02-01T11:00:00Z", "origin_device": "enhed-b"}
    frame.update(change)
    return frame


def _row(seq: int, frame: dict[str, Any], child_uid: str) -> tuple[Any, ...]:
    return (seq, frame["uid"], child_uid, COLLEAGUE.username, frame)


def _setup(ws: Any) -> tuple[str, str, str]:
    child = child_with_consent(ws, "Åse", "Brøndum", "150316-4123")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=date(2026, 1, 5)).course
    course_uid = ws.db.scalar("SELECT uid FROM courses WHERE id = ?", (course.id,))
    child_uid = ws.db.scalar("SELECT uid FROM children WHERE id = ?", (child.id,))
    own_session = ws.db.scalar("SELECT uid FROM sessions LIMIT 1")
    return course_uid, child_uid, own_session


def _apply(ws: Any, rows: list[tuple[Any, ...]]) -> FrameApplier:
    with ws.db.transaction():
        applier = FrameApplier(ws.db, staff={COLLEAGUE.username: COLLEAGUE}, at="2026-02-02T08:00:00Z")
        applier.frames(rows)
    return applier


def _reasons(ws: Any) -> dict[str, str]:
    return {r["uid"]: r["reason"] for r in ws.db.query("SELECT uid, reason FROM sync_quarantine")}


def _held(ws: Any) -> dict[str, tuple[int, int, str]]:
    """uid -> (number, frame rows, the row's status text) of the sessions made from frames."""
    return {r["uid"]: (r["number"], r["n"], r["status"]) for r in ws.db.query(
        "SELECT s.uid, s.number, s.status, count(f.id) AS n FROM sessions s JOIN sync_frames f ON f.record_id = s.id "
        "GROUP BY s.id")}


def test_a_page_of_frames_gets_each_frame_its_own_verdict(ws) -> None:  # noqa: ANN001
    course_uid, child_uid, _ = _setup(ws)
    good = [_frame(course_uid, n) for n in (1, 2, 3)]
    with_text = _frame(course_uid, 4, status="Barnet græd.")
    malformed = _frame(course_uid, 5)
    del malformed["attendance"]
    no_course = _frame(str(uuid.uuid4()), 6)
    rows = [_row(i, f, child_uid) for i, f in enumerate([*good, with_text, malformed, no_course], 1)]
    rows.append(_row(7, good[0], child_uid))  # the same frame again in the page
    # a frame the server filed under another child (whose access it judged), of this child's course
    other = child_with_consent(ws, "Bo", "Ærø", "150316-4131")
    elsewhere = _frame(course_uid, 8)
    rows.append(_row(8, elsewhere, ws.db.scalar("SELECT uid FROM children WHERE id = ?", (other.id,))))

    applier = _apply(ws, rows)

    assert applier.counts == {"applied": 3, "known": 1, "quarantined": 4}
    assert _held(ws) == {f["uid"]: (f["number"], 1, "") for f in good}
    assert _reasons(ws) == {with_text["uid"]: "frame_with_text", malformed["uid"]: "malformed_frame",
                            no_course["uid"]: "frame_without_course", elsewhere["uid"]: "child_mismatch"}
    ids = [applier.sessions[f["uid"]] for f in good]
    assert ids == sorted(ids) and len(set(ids)) == 3
    # not this device's to sign or to send
    marks = ", ".join("?" for _ in ids)
    assert ws.db.scalar(f"SELECT count(*) FROM signatures_pending WHERE kind = 'sessions' AND record_id IN ({marks})",
                        ids) == 0
    assert ws.db.scalar(f"SELECT count(*) FROM sync_pending WHERE kind = 'sessions' AND record_id IN ({marks})",
                        ids) == 0
    assert ws.db.scalar("SELECT count(*) FROM users WHERE username = 'kollega'") == 1
    # the three frames in one audit row of the child's: their sessions here and their seqs
    child_id = ws.db.scalar("SELECT id FROM children WHERE uid = ?", (child_uid,))
    assert (child_id, f"sessions:{runs(ids)}", "sync frame seq 1-3 from kollega (no text)") in applier.applied.entries()

    again = _apply(ws, rows)  # the same page again: nothing new
    assert again.counts == {"applied": 0, "known": 4, "quarantined": 4}
    assert ws.db.scalar("SELECT count(*) FROM sync_quarantine") == 4  # each kept once


def test_a_frame_the_schema_refuses_is_quarantined_alone_and_the_rest_of_the_page_applied(ws) -> None:  # noqa: ANN001
    course_uid, child_uid, _ = _setup(ws)
    before = _frame(course_uid, 1)
    refused = _frame(course_uid, 2, attendance="udeblev")  # not a value the sessions table takes
    after = _frame(course_uid, 3)
    sessions_before = ws.db.scalar("SELECT count(*) FROM sessions")

    applier = _apply(ws, [_row(i, f, child_uid) for i, f in enumerate([before, refused, after], 1)])

    assert applier.counts == {"applied": 2, "known": 0, "quarantined": 1}
    assert _reasons(ws) == {refused["uid"]: "refused_here: CHECK constraint failed"}
    assert set(_held(ws)) == {before["uid"], after["uid"]}
    assert ws.db.scalar("SELECT count(*) FROM sessions") == sessions_before + 2
    assert ws.db.scalar("SELECT count(*) FROM sync_frames") == 2
    again = _apply(ws, [_row(2, refused, child_uid)])  # the same frame refused again: kept once
    assert again.counts["quarantined"] == 1
    assert ws.db.scalar("SELECT count(*) FROM sync_quarantine WHERE uid = ?", (refused["uid"],)) == 1


def test_a_frame_of_a_session_held_whole_is_known(ws) -> None:  # noqa: ANN001
    course_uid, child_uid, own = _setup(ws)
    if own is None:  # the course opened no session: make the laptop hold one whole
        from behandlerklient.services.journal import sessions

        course_id = ws.db.scalar("SELECT id FROM courses WHERE uid = ?", (course_uid,))
        started, _ = sessions.start_session(ws=ws, course_id=course_id, on=date(2026, 1, 12))
        own = ws.db.scalar("SELECT uid FROM sessions WHERE id = ?", (started.id,))
    frame = _frame(course_uid, 9, uid=own)

    applier = _apply(ws, [_row(1, frame, child_uid)])

    assert applier.counts == {"applied": 0, "known": 1, "quarantined": 0}
    assert ws.db.scalar("SELECT count(*) FROM sync_frames") == 0


def test_on_a_page_applied_fast_a_refused_frame_has_the_page_applied_again(ws) -> None:  # noqa: ANN001
    """Puller.apply_page's fast path writes a page's frames without a savepoint: a frame the schema refuses raises
    Redo, the page's transaction is rolled back, and the page is applied again carefully (the test above)."""
    import pytest

    from behandlerklient.services.sync.apply import Redo

    course_uid, child_uid, _ = _setup(ws)
    frames_before = ws.db.scalar("SELECT count(*) FROM sync_frames")
    rows = [_row(1, _frame(course_uid, 1), child_uid), _row(2, _frame(course_uid, 2, attendance="udeblev"), child_uid)]
    with pytest.raises(Redo), ws.db.transaction():
        FrameApplier(ws.db, staff={COLLEAGUE.username: COLLEAGUE}, at="2026-02-02T08:00:00Z",
                     careful=False).frames(rows)
    assert ws.db.scalar("SELECT count(*) FROM sync_frames") == frames_before  # nothing of the page is kept
    good = [_frame(course_uid, 3), _frame(course_uid, 4)]
    with ws.db.transaction():
        fast = FrameApplier(ws.db, staff={COLLEAGUE.username: COLLEAGUE}, at="2026-02-02T08:00:00Z", careful=False)
        fast.frames([_row(n, f, child_uid) for n, f in enumerate(good, 3)])
    assert fast.counts == {"applied": 2, "known": 0, "quarantined": 0}
    assert set(_held(ws)) == {f["uid"] for f in good}


def test_a_pull_page_with_a_refused_frame_is_applied_again_carefully(source, tmp_path,  # noqa: ANN001, F811
                                                                      monkeypatch) -> None:  # noqa: ANN001
    """Through Puller: a page's frames arrive with it; one the schema refuses rolls the fast page back (Redo) and the
    careful pass quarantines that frame alone, with the page's records and the other frames applied."""
    from bench.sync_apply import FakeServer, Rows

    from behandlerklient.services.sync.pull import Puller
    from tests.services.test_sync_apply_page import _fresh

    staff, rows = source
    author = staff[0][0]
    course_row = next(r for r in rows if r[2] == "courses")
    frames = [(rows[-1][0], f["uid"], course_row[3], author, f) for f in (
        _frame(course_row[1], 1, author_id=author), _frame(course_row[1], 2, author_id=author, attendance="udeblev"),
        _frame(course_row[1], 3, author_id=author))]

    class WithFrames(FakeServer):
        def execute(self, sql: str, params: Any = ()) -> Rows:
            if "bk.session_frames" in sql:
                return Rows([f for f in frames if f[0] > int(params[0])][:int(params[1])])
            return super().execute(sql, params)

    passes: list[bool] = []
    apply_page = Puller._apply_page

    def spy(self: Puller, *args: Any, careful: bool) -> Any:
        passes.append(careful)
        return apply_page(self, *args, careful=careful)

    monkeypatch.setattr(Puller, "_apply_page", spy)
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, WithFrames(staff, rows), device=fresh.db.device_uid).run()
        assert passes == [False, True]  # the fast pass, rolled back at the refused frame, then the careful one
        quarantined = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        assert quarantined == {frames[1][1]: "refused_here: CHECK constraint failed"}
        assert set(_held(fresh)) == {frames[0][1], frames[2][1]}
        assert result.received + result.quarantined + result.orphans == len(rows) + len(frames)
        from behandlerklient.services.verify import integrity

        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()
