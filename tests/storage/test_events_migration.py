"""Schema 13 back-fills today's values as the first events of their fields, so the fold of an upgraded database
gives exactly the values it had; and a second closing or review of one course or session is kept, not refused."""

from pathlib import Path

from behandlerklient.core.events import fold
from behandlerklient.storage.event_folds import event_order_text
from behandlerklient.storage.events import EventRepository
from behandlerklient.storage.migrate import load_migrations, migrate
from tests.storage.test_migrate import T2, _at_version, _fill


def test_an_upgraded_database_folds_to_the_values_it_had(tmp_path: Path) -> None:
    events_version = next(m.version for m in load_migrations() if m.name == "events")
    db = _at_version(tmp_path / "before.db", events_version - 1)
    try:
        _fill(db)
        migrate(db)
        events = EventRepository(db)
        for course in db.query("SELECT * FROM courses"):
            status = fold(events.field_events("course", str(course["id"]), "status"),
                          initial={"status": course["status"], "end_date": course["end_date"]})
            assert status == {"status": course["status"], "end_date": course["end_date"]}
            contact = db.scalar("SELECT uid FROM contacts WHERE id = ?", (course["contact_id"],))
            assert fold(events.field_events("course", str(course["id"]), "contact_id"), initial=contact) == contact
        assert fold(events.field_events("course", "2", "closing_reason")) == "Afsluttet efter plan"
        review = db.query_one("SELECT * FROM reviews WHERE id = 1")
        assert fold(events.field_events("review", "1", "decision")) == {
            "status": review["status"], "supervisor_id": db.scalar(  # global (from schema 17): the user name
                "SELECT username FROM users WHERE id = ?", (review["supervisor_id"],)),
            "decided_at": review["decided_at"], "comment": review["comment"]}
        for r in db.query("SELECT * FROM fidelity_ratings"):
            item_events = events.field_events("fidelity", f"{r['session_id']}:{r['rater_kind']}:{r['item_key']}",
                                              "rating")
            rating = fold(item_events)
            # schema 27: the row knows which event wrote it, so an older one arriving later changes nothing
            assert r["event_order"] == max(event_order_text(e.hlc, e.device, e.uid) for e in item_events)
            assert (rating["adherence"], rating["competence"], rating["comment"]) == (
                r["adherence"], r["competence"], r["comment"])
        for key, value in db.query("SELECT key, value FROM settings"):
            assert fold(events.field_events("setting", key, "value")) == value
        assert [fold(events.field_events("follow_up", str(i), "state"))["state"] for i in (1, 2)] == [
            "done", "planned"]

        with db.transaction():  # a closing and a review pulled from a second laptop: kept, not refused
            db.insert("closings", {"course_id": 2, "child_id": 1, "closing_date": "2025-04-02",
                                   "effect": "unchanged", "status": "dropped_out", "author_id": 1, "created_at": T2,
                                   "signed_at": T2})
            db.insert("reviews", {"session_id": 1, "reason": "sample", "requested_at": T2})
        assert db.scalar("SELECT count(*) FROM closings WHERE course_id = 2") == 2
        assert db.scalar("SELECT count(*) FROM reviews WHERE session_id = 1") == 2
    finally:
        db.close()
