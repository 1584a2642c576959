"""A supervisor's session frames come with the pull page they belong to (issue 14, speed: a fresh supervisor's laptop
under 10 s). Her supervisees' reviews and fidelity ratings name sessions she receives only as frames; with the frames
fetched after every pull page, each of those records waited in sync_orphans and was read, checked and applied a
second time at the end (10.9 of 23.7 s for a supervisor of 500 children)."""

from __future__ import annotations

from datetime import date, timedelta

from behandlerklient.services import sync as syncing
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.supervision import supervision
from behandlerklient.services.supervision.supervision import Rating
from behandlerklient.services.sync import pull
from behandlerklient.services.verify import integrity
from behandlerklient.storage.sync_state import SyncRepository
from tests.helpers import child_with_consent
from tests.server.laptops import (
    PASSPHRASE,
    START,
    assert_verified,
    laptop,
    new_cpr,
    new_name,
    quarantined,
    supervised_pair,
)


def test_reviews_find_their_session_frames_in_the_same_page_and_never_wait_as_orphans(server, tmp_path,
                                                                                        monkeypatch) -> None:
    from behandlerklient.server import admin

    t, s = new_name("t"), new_name("s")
    therapist = laptop(server, tmp_path / "t", t, "therapist")
    sup = laptop(server, tmp_path / "s", s, "supervisor")
    try:
        with server.admin() as conn:
            admin.supervision_add(conn, supervisor=s, therapist=t)
        session_uids = []
        for n, first in enumerate(("Noa", "Ida", "Åse")):
            child = child_with_consent(therapist, first, "Brøndum", new_cpr())
            course = pathway.open_course(ws=therapist, child_id=child.id, track_id="cool-kids",
                                         start_date=START).course
            for week in range(2):
                done, _ = sessions.start_session(ws=therapist, course_id=course.id,
                                                 on=date(2026, 1, 12) + timedelta(weeks=week, days=n))
                done.parts.status = f"Ugen gik godt for {first}."
                sessions.finish_session(ws=therapist, session=done, passphrase=PASSPHRASE)
                supervision.request_review(ws=therapist, session_id=done.id)
                session_uids.append(therapist.db.scalar("SELECT uid FROM sessions WHERE id = ?", (done.id,)))
        assert syncing.sync(ws=therapist).push.quarantined == 0

        parked: list[str] = []
        original = SyncRepository.add_orphan

        def spy(self: SyncRepository, **values: object) -> None:
            parked.append(str(values["kind"]))
            original(self, **values)

        monkeypatch.setattr(SyncRepository, "add_orphan", spy)
        monkeypatch.setattr(pull, "PAGE", 4)  # several pull pages and several frame pages
        got = syncing.sync(ws=sup)
        assert got.pull.pages >= 3, got.summary()
        assert parked == []
        assert quarantined(sup, t) == 0
        # every review is here, on its session's frame
        held = {uid: sup.db.scalar("SELECT count(*) FROM reviews r JOIN sessions x ON x.id = r.session_id "
                                   "WHERE x.uid = ?", (uid,)) for uid in session_uids}
        assert held == {uid: 1 for uid in session_uids}
        assert sup.db.scalar("SELECT count(*) FROM sync_frames") == len(session_uids)
        assert sup.db.scalar("SELECT count(*) FROM sync_orphans") == 0
        assert [c.name for c in integrity.verify(ws=sup) if not c.ok] == []
        # a second sync finds nothing new and refetches no frame
        again = syncing.sync(ws=sup)
        assert again.pull.received == 0 and parked == []
    finally:
        therapist.close()
        sup.close()


def test_records_naming_a_frame_are_applied_after_it_and_tried_once(server, tmp_path, monkeypatch) -> None:
    """Within one page, the reviews and fidelity records naming a session come after the page's frames (pull.
    NAMING_SESSIONS): each record of the page is tried once. Before, they were tried before the frames, waited in
    memory and were tried again (at 2,000 children 27,000 of a supervisor's 68,000 records)."""
    from behandlerklient.services.sync.apply import Applier

    with supervised_pair(server, tmp_path) as (therapist, sup):
        t = therapist.user.username
        child = child_with_consent(therapist, "Søs", "Ærø", new_cpr())
        course = pathway.open_course(ws=therapist, child_id=child.id, track_id="cool-kids", start_date=START).course
        for week in range(3):
            done, _ = sessions.start_session(ws=therapist, course_id=course.id,
                                             on=date(2026, 1, 12) + timedelta(weeks=week))
            done.parts.status = "Ugen gik godt."
            sessions.finish_session(ws=therapist, session=done, passphrase=PASSPHRASE)
            supervision.request_review(ws=therapist, session_id=done.id)
            items = supervision.checklist(ws=therapist, session_id=done.id)
            supervision.save_ratings(ws=therapist, session_id=done.id, kind="self",
                                     items=[Rating(i.key, "yes", 5, "") for i in items])
        assert syncing.sync(ws=therapist).push.quarantined == 0

        tried: dict[str, int] = {}
        kinds: dict[str, str] = {}
        original = Applier.record

        def spy(self: Applier, rec: pull.Received) -> str:
            if rec.author == t:  # the test server is shared: other tests' records come too
                tried[rec.uid] = tried.get(rec.uid, 0) + 1
                kinds[rec.uid] = rec.kind
            return original(self, rec)

        monkeypatch.setattr(Applier, "record", spy)
        got = syncing.sync(ws=sup)
        assert quarantined(sup, t) == 0 and got.pull.orphans == 0, got.summary()
        naming = {kind for kind in kinds.values() if kind in pull.NAMING_SESSIONS}
        assert {"reviews", "fidelity_events"} <= naming  # the records this test is about did come
        assert {uid: n for uid, n in tried.items() if n != 1} == {}
        assert sup.db.scalar("SELECT count(*) FROM reviews") == 3
        assert sup.db.scalar("SELECT count(*) FROM sync_frames") == 3
        assert_verified(sup)
