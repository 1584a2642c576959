"""A fidelity review is one event (schema 27): the checklist the rater saved. Its rows are the fold's cache, and
each item holds the last event that rated it, whether that was a checklist or a lone item's event from before,
and whatever order the events arrived in (a pull gives no order between two laptops' events)."""

import itertools
from contextlib import suppress
from datetime import date, timedelta

import pytest

from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.services.supervision import supervision
from behandlerklient.services.supervision.supervision import Rating
from behandlerklient.storage import identity
from behandlerklient.storage.events import EventRepository
from tests.helpers import child_with_consent

START = date(2026, 2, 2)


class _Undo(Exception):
    pass


@pytest.fixture
def signed(ws):
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
    s, _ = sessions.start_session(ws=ws, course_id=course.id, on=START + timedelta(days=7))
    s.parts.status = "Barnet fortalte om ugen siden sidst."
    sessions.finish_confirmed(ws=ws, session=s)
    return child, s.id


def _rows(ws, session_id: int) -> dict[str, tuple]:
    return {r["item_key"]: (r["adherence"], r["competence"], r["comment"]) for r in ws.db.query(
        "SELECT * FROM fidelity_ratings WHERE session_id = ? AND rater_kind = 'self'", (session_id,))}


def test_a_saved_checklist_is_one_event_and_one_row_per_item(ws, signed) -> None:
    child, session_id = signed
    items = [Rating("agenda", "yes", 5), Rating("status", "partly", 3, "kort"), Rating("homework", "no")]
    before = ws.db.scalar("SELECT count(*) FROM events WHERE aggregate = 'fidelity'")
    supervision.save_ratings(ws=ws, session_id=session_id, kind="self", items=items)
    (event,) = EventRepository(ws.db).field_events("fidelity", f"{session_id}:self", "checklist")
    assert ws.db.scalar("SELECT count(*) FROM events WHERE aggregate = 'fidelity'") == before + 1
    assert event.child_id == child.id and event.author_id == ws.user.id
    assert event.value["rater_id"] == ws.user.username  # stored global, like every reference in an event
    assert [i["key"] for i in event.value["items"]] == ["agenda", "status", "homework"]
    assert _rows(ws, session_id) == {"agenda": ("yes", 5, ""), "status": ("partly", 3, "kort"),
                                     "homework": ("no", None, "")}
    assert {r["rater_id"] for r in ws.db.query("SELECT rater_id FROM fidelity_ratings")} == {ws.user.id}


def _event(ws, session_uid: str, child_uid: str, *, field: str, hlc: str, device: str, n: int, value: dict,
           item: str = "") -> dict:
    subject = f"{session_uid}:self:{item}" if field == "rating" else f"{session_uid}:self"
    return {"uid": f"0190a000-0000-7000-8000-00000000000{n}", "aggregate": "fidelity", "subject_uid": subject,
            "field": field, "child_uid": child_uid, "base_uid": None, "hlc": hlc, "device": device,
            "author": ws.user.username, "reason": "", "created_at": "2026-03-01T10:00:00+00:00",
            "value": {"rater_id": ws.user.username, "rated_at": "2026-03-01T10:00:00+00:00", **value}}


def _item(key: str, adherence: str, competence: int | None = None) -> dict:
    return {"key": key, "label": key.title(), "adherence": adherence, "competence": competence, "comment": ""}


@pytest.mark.parametrize("batch", [False, True], ids=["one by one", "a pull page's batch"])
def test_each_item_holds_the_last_event_that_rated_it_whatever_the_order_of_arrival(ws, signed, batch) -> None:
    child, session_id = signed
    session_uid = identity.uid_of(ws.db, "sessions", session_id)
    child_uid = identity.uid_of(ws.db, "children", child.id)
    t1, t2, t3 = "1772358000000.0000", "1772358060000.0000", "1772358120000.0000"
    old_item = {"item_label": "Agenda", "adherence": "yes", "competence": 1, "comment": ""}
    events = [
        # a lone item's event, as laptops wrote them before schema 27
        _event(ws, session_uid, child_uid, field="rating", item="agenda", hlc=t1, device="dev", n=1, value=old_item),
        # two checklists at the same clock reading: the devices decide ("dev" before "dev-b", as in Event.order)
        _event(ws, session_uid, child_uid, field="checklist", hlc=t2, device="dev-b", n=2,
               value={"items": [_item("agenda", "no", 2), _item("status", "yes", 2)]}),
        _event(ws, session_uid, child_uid, field="checklist", hlc=t2, device="dev", n=3,
               value={"items": [_item("agenda", "partly", 3), _item("goals", "yes", 3)]}),
        # a lone item's event later than both checklists
        _event(ws, session_uid, child_uid, field="rating", item="status", hlc=t3, device="dev", n=4,
               value={**old_item, "adherence": "partly", "competence": 4}),
    ]
    expected = {"agenda": ("no", 2, ""), "goals": ("yes", 3, ""), "status": ("partly", 4, "")}
    seen = []
    for arrival in itertools.permutations(events):
        with suppress(_Undo), ws.db.transaction():
            repo = EventRepository(ws.db, batch=batch, remember=batch)
            for row in arrival:
                repo.receive(row)
            repo.flush()
            seen.append(_rows(ws, session_id))
            raise _Undo  # the next order starts from the same database
    assert len(seen) == 24 and all(rows == expected for rows in seen), seen


@pytest.mark.parametrize("value, field, item", [
    ({"items": [_item("agenda", "yes"), _item("agenda", "no")]}, "checklist", ""),  # an item named twice
    ({"items": []}, "checklist", ""),
    ({"items": [{"key": "agenda", "adherence": "yes", "competence": None, "comment": ""}]}, "checklist", ""),
    ({}, "checklist", ""),
    ({"items": [_item("agenda", "yes")]}, "checklist", "agenda"),  # a checklist named like one item
    ({"items": [_item("agenda", "sometimes")]}, "checklist", ""),  # an answer the table refuses
])
def test_a_checklist_of_the_wrong_shape_is_refused(ws, signed, value, field, item) -> None:
    from behandlerklient.storage.database import IntegrityError

    child, session_id = signed
    row = _event(ws, identity.uid_of(ws.db, "sessions", session_id), identity.uid_of(ws.db, "children", child.id),
                 field=field, hlc="1772358000000.0000", device="dev", n=1, value=value)
    if item:
        row["subject_uid"] += f":{item}"
    with pytest.raises((KeyError, TypeError, ValueError, IntegrityError)), ws.db.transaction():
        EventRepository(ws.db).receive(row)
    assert _rows(ws, session_id) == {}
    assert ws.db.scalar("SELECT count(*) FROM events WHERE aggregate = 'fidelity'") == 0


def test_checklists_stored_before_schema_27_are_folded_by_the_update(tmp_path) -> None:
    """A laptop on schema 26 keeps a checklist pulled from a newer colleague's laptop but has no fold for it: the
    update folds it (migration 0028), by the same rule, and an item of a shape the fold refuses does not stop it."""
    import json

    from behandlerklient.storage.event_folds import event_order_text
    from behandlerklient.storage.migrate import migrate
    from tests.storage.test_migrate import _at_version, _fill

    db = _at_version(tmp_path / "old.db", 26)
    try:
        _fill(db)
        session_uid, child_uid = db.query_one(
            "SELECT s.uid, c.uid FROM sessions s JOIN courses k ON k.id = s.course_id "
            "JOIN children c ON c.id = k.child_id WHERE s.id = 1")
        assert db.scalar("SELECT adherence FROM fidelity_ratings WHERE session_id = 1 AND rater_kind = 'self' "
                         "AND item_key = 'agenda'") == "yes"
        rater = db.scalar("SELECT username FROM users WHERE id = 1")

        def checklist(n: int, hlc: str, items: list[dict]) -> None:
            with db.transaction():
                db.insert("events", {
                    "uid": f"0190f0a0-0000-7000-8000-0000000001{n:02d}", "aggregate": "fidelity", "subject": "1:self",
                    "subject_uid": f"{session_uid}:self", "field": "checklist", "child_id": 1, "child_uid": child_uid,
                    "value": json.dumps({"rater_id": rater, "rated_at": "2026-02-01T10:00:00+00:00", "items": items}),
                    "hlc": hlc, "device": "0190f0a0-0000-7000-8000-0000000000b2", "author_id": 1,
                    "created_at": "2026-02-01T10:00:00+00:00"})

        with db.transaction():  # the rating event the row was folded from (the fill wrote the row alone)
            db.insert("events", {
                "uid": "0190f0a0-0000-7000-8000-000000000100", "aggregate": "fidelity", "subject": "1:self:agenda",
                "subject_uid": f"{session_uid}:self:agenda", "field": "rating", "child_id": 1, "child_uid": child_uid,
                "value": json.dumps({"rater_id": rater, "item_label": "Dagsorden", "adherence": "yes",
                                     "competence": 4, "comment": "", "rated_at": "2026-01-01T00:00:00+00:00"}),
                "hlc": "1767225600000.0000", "device": "0190f0a0-0000-7000-8000-0000000000b1", "author_id": 1,
                "created_at": "2026-01-01T00:00:00+00:00"})
        checklist(1, "9999999999999.0000", [_item("status", "no", 2), _item("homework", "partly"),
                                             {**_item("goals", "sometimes"), "label": "Mål"}])
        checklist(2, "0000000000001.0000", [_item("agenda", "not_relevant"), _item("status", "yes", 6)])
        migrate(db)
        rows = {r["item_key"]: (r["adherence"], r["competence"], r["rater_id"]) for r in db.query(
            "SELECT * FROM fidelity_ratings WHERE session_id = 1 AND rater_kind = 'self'")}
        # agenda: its row's own rating is later than the old checklist's; status: the later checklist's; goals: an
        # answer the table refuses, left out
        assert rows == {"agenda": ("yes", 4, 1), "homework": ("partly", None, 1), "status": ("no", 2, 1)}
        later = db.query_one("SELECT hlc, device, uid FROM events WHERE uid LIKE '%000000000101'")
        assert db.scalar("SELECT event_order FROM fidelity_ratings WHERE session_id = 1 AND rater_kind = 'self' "
                         "AND item_key = 'status'") == event_order_text(*later)
        supervisor = db.query_one("SELECT adherence, comment FROM fidelity_ratings WHERE rater_kind = 'supervisor'")
        assert tuple(supervisor) == ("partly", "Kort")  # another rater kind: untouched
    finally:
        db.close()
