"""Shared values travel as events (issue 14, docs/sync.md "Events"): a course's status, a review's decision and the
therapist's "seen", fidelity ratings and a child's master data, made on one laptop, fold to the same current value on
the laptop that pulls them; settings' events stay home."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from behandlerklient.core.models import GeneralPractitioner
from behandlerklient.services import sync as syncing
from behandlerklient.services.pathway import pathway
from behandlerklient.services.registration import children, master_data
from behandlerklient.services.supervision import supervision
from behandlerklient.storage.events import EventRepository
from tests.helpers import CLOSED_EARLY
from tests.server.laptops import assert_verified, new_cpr, quarantined, signed_session, supervised_pair


@pytest.fixture
def team(server, tmp_path):  # noqa: ANN001, ANN201
    """A therapist's and her supervisor's laptops, enrolled; the server pairs them."""
    with supervised_pair(server, tmp_path) as pair:
        yield pair


def _uid(ws, table: str, row_id: int) -> str:  # noqa: ANN001
    return ws.db.scalar(f"SELECT uid FROM {table} WHERE id = ?", (row_id,))


def test_course_status_review_decision_seen_and_ratings_fold_to_the_same_value_on_both_laptops(team) -> None:
    a, b = team
    _child, course, session_id = signed_session(a, new_cpr())
    review = supervision.request_review(ws=a, session_id=session_id)
    pathway.end_course(ws=a, course_id=course.id, status="completed", end_date=date(2026, 3, 2),
                       **CLOSED_EARLY)
    with a.db.transaction():  # a setting changed here (as services.workspace.settings does): its event stays home
        EventRepository(a.db).append(aggregate="setting", subject="review_sample", field="value", value="none",
                                     now=a.clock(), author_id=a.user.id)
    kinds = {r[0] for r in a.db.query("SELECT kind FROM sync_outbox")}
    assert "course_events" in kinds and "setting_events" not in kinds
    syncing.sync(ws=a)
    got = syncing.sync(ws=b)
    assert quarantined(b, a.user.username) == 0 and got.pull.orphans == 0, got.summary()
    course_uid, review_uid = _uid(a, "courses", course.id), _uid(a, "reviews", review)
    assert b.db.query_one("SELECT status, end_date FROM courses WHERE uid = ?", (course_uid,))[:] == \
        ("completed", "2026-03-02")

    here = b.db.scalar("SELECT id FROM reviews WHERE uid = ?", (review_uid,))
    supervision.decide(ws=b, review_id=here, decision="changes_requested", comment="Mere om eksponering")
    b_session = b.db.scalar("SELECT session_id FROM reviews WHERE id = ?", (here,))
    item = supervision.checklist(ws=b, session_id=b_session)[0].key
    supervision.save_ratings(ws=b, session_id=b_session, kind="supervisor",
                             items=[supervision.Rating(item, "yes", 5, "fint")])
    got = syncing.sync(ws=b)
    assert got.push.quarantined == got.push.conflicts == 0, got.summary()
    got = syncing.sync(ws=a)
    assert quarantined(a, b.user.username) == 0 and got.pull.orphans == 0, got.summary()

    decided = a.db.query_one("SELECT r.status, r.comment, u.username FROM reviews r JOIN users u "
                             "ON u.id = r.supervisor_id WHERE r.id = ?", (review,))
    assert tuple(decided) == ("changes_requested", "Mere om eksponering", b.user.username)
    feedback = supervision.feedback_for_therapist(ws=a)
    assert [(f.review_id, f.decision) for f in feedback] == [(review, "changes_requested")]
    rated = supervision.ratings(ws=a, session_id=session_id, kind="supervisor")
    assert rated == {item: supervision.Rating(item, "yes", 5, "fint")}

    supervision.mark_seen(ws=a, review_id=review)
    syncing.sync(ws=a)
    syncing.sync(ws=b)
    seen_a = a.db.scalar("SELECT seen_at FROM reviews WHERE id = ?", (review,))
    assert seen_a and b.db.scalar("SELECT seen_at FROM reviews WHERE id = ?", (here,)) == seen_a
    # The same events on both laptops, and therefore the same fold (settings excepted: they stayed home).
    for ws in (a, b):
        assert ws.db.scalar("SELECT count(*) FROM events WHERE aggregate = 'setting' AND device <> ?",
                            (ws.db.device_uid,)) == 0
    shared = "SELECT uid FROM events WHERE aggregate <> 'setting' AND child_uid = ? ORDER BY uid"
    child_uid = a.db.scalar("SELECT uid FROM children WHERE id = ?", (_child.id,))
    assert [r[0] for r in a.db.query(shared, (child_uid,))] == [r[0] for r in b.db.query(shared, (child_uid,))]
    assert_verified(a, b)


def test_a_master_data_edit_made_elsewhere_shows_in_the_receiving_laptops_child_row(team) -> None:
    a, b = team
    gp = GeneralPractitioner(None, "Lægehuset Ærøskøbing", "Søren Ågård", "Vestergade 1", "5970", "Ærøskøbing", "")
    child = children.register_child(ws=a, first_name="Åse", last_name="Ærenlund", cpr=new_cpr(), gp=gp).child
    syncing.sync(ws=a)
    syncing.sync(ws=b)
    uid = _uid(a, "children", child.id)
    assert b.db.scalar("SELECT first_name FROM children WHERE uid = ?", (uid,)) == "Åse"

    now = master_data.current(ws=a, child_id=child.id)
    moved = GeneralPractitioner(None, "Lægerne i Marstal", "Ida Holm", "Havnegade 2", "5960", "Marstal", "")
    master_data.save(ws=a, child_id=child.id, reason="Navneændring",
                     edited=replace(now, first_name="Åsa", address="Kirkestræde 3, 5960 Marstal", gp=moved))
    syncing.sync(ws=a)
    got = syncing.sync(ws=b)
    assert quarantined(b, a.user.username) == 0 and got.pull.orphans == 0, got.summary()
    row = b.db.query_one("SELECT c.first_name, c.address, c.sort_key, g.clinic_name FROM children c "
                         "JOIN gps g ON g.id = c.gp_id WHERE c.uid = ?", (uid,))
    mine = a.db.query_one("SELECT c.first_name, c.address, c.sort_key, g.clinic_name FROM children c "
                          "JOIN gps g ON g.id = c.gp_id WHERE c.id = ?", (child.id,))
    assert tuple(row) == tuple(mine) == ("Åsa", "Kirkestræde 3, 5960 Marstal", mine["sort_key"], "Lægerne i Marstal")
    here = b.db.scalar("SELECT id FROM children WHERE uid = ?", (uid,))
    assert [r.new_value for r in master_data.history(ws=b, child_id=here) if r.field == "first_name"] == ["Åsa"]
    assert [c.id for c in children.search(ws=b, text="Åsa")] == [here]
    assert_verified(a, b)
