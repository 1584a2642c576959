"""Events name their subject, child and references globally, travel in the export (format 2) and fold on another
installation to the values they had where they were made."""

import json
from datetime import date

import pytest

from behandlerklient.core.errors import InvalidInput
from behandlerklient.core.events import fold
from behandlerklient.services.exchange import transfer
from behandlerklient.services.pathway import pathway
from behandlerklient.services.registration import children
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.events import EventRepository
from tests.conftest import PASSPHRASE
from tests.helpers import CLOSED_EARLY, child_with_consent

START = date(2026, 2, 2)


def _course_row(ws, course_uid):
    return ws.db.query_one("SELECT c.*, k.uid AS contact_uid FROM courses c LEFT JOIN contacts k "
                           "ON k.id = c.contact_id WHERE c.uid = ?", (course_uid,))


@pytest.fixture
def laptop_a(ws):
    child = child_with_consent(ws, "Noa", "Brøndum", "150316-4011")
    pathway.add_contact(ws=ws, child_id=child.id, contact_date=START, made_by="parent", way="self", concern="Angst")
    course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
    pathway.end_course(ws=ws, course_id=course.id, status="dropped_out", end_date=START)
    return ws, ws.db.scalar("SELECT uid FROM courses WHERE id = ?", (course.id,))


@pytest.fixture
def laptop_b(tmp_path):
    b = workspace.create(path=tmp_path / "b.db", username="chef", full_name="Anden", passphrase=PASSPHRASE)
    # Records of its own first: the imported ones get other local ids than on laptop A.
    children.register_child(ws=b, first_name="Først", last_name="Barn", cpr="010115-4002")
    children.register_child(ws=b, first_name="Andet", last_name="Barn", cpr="020115-4004")
    yield b
    b.close()


def test_an_event_names_its_subject_child_and_references_by_global_id(laptop_a) -> None:
    a, course_uid = laptop_a
    row = _course_row(a, course_uid)
    (event,) = EventRepository(a.db).field_events("course", str(row["id"]), "contact_id")
    assert event.subject == course_uid and event.value == row["contact_uid"]
    assert event.child_uid == a.db.scalar("SELECT uid FROM children WHERE id = ?", (row["child_id"],))


def test_an_event_applied_on_a_second_database_folds_to_the_same_value(laptop_a, laptop_b) -> None:
    a, course_uid = laptop_a
    transfer.import_json(ws=laptop_b, text=transfer.export_json(ws=a))
    here, there = _course_row(a, course_uid), _course_row(laptop_b, course_uid)
    assert here["child_id"] != there["child_id"]  # another installation's numbering: only the uid is the same
    assert (there["status"], there["end_date"], there["contact_uid"]) == (
        here["status"], here["end_date"], here["contact_uid"])
    # Laptop A reopens the course; its event, received on B as a pull will, folds there to the same value.
    pathway.end_course(ws=a, course_id=here["id"], status="completed", end_date=START,
                       **CLOSED_EARLY)
    newest = list(EventRepository(a.db).global_rows())[-1]
    assert newest["subject_uid"] == course_uid and "subject" not in newest
    EventRepository(laptop_b.db).receive(newest)
    assert fold(EventRepository(laptop_b.db).field_events("course", str(there["id"]), "status")) == fold(
        EventRepository(a.db).field_events("course", str(here["id"]), "status")) == {
        "status": "completed", "end_date": START.isoformat()}
    assert _course_row(laptop_b, course_uid)["status"] == "completed"  # the cache follows the fold


def test_events_travel_in_the_export_and_import_reads_them(laptop_a, laptop_b) -> None:
    a, course_uid = laptop_a
    data = json.loads(transfer.export_json(ws=a))
    assert list(data["tables"])[-3:] == ["events", "caseloads", "supervision_pairs"]  # only the grants follow
    rows = data["tables"]["events"]
    assert {r["aggregate"] for r in rows} >= {"course"} and all(r["aggregate"] != "setting" for r in rows)
    assert all(set(r) == {"uid", "aggregate", "subject_uid", "field", "child_uid", "value", "base_uid", "hlc",
                          "device", "author", "reason", "created_at"} for r in rows)
    counts, _ = transfer.import_json(ws=laptop_b, text=json.dumps(data))
    assert counts["events"] == len(rows)
    again = {r["uid"]: r for r in json.loads(transfer.export_json(ws=laptop_b))["tables"]["events"]}
    assert all(again[r["uid"]] == r for r in rows)  # the same events, with the same global names
    assert laptop_b.db.scalar("SELECT count(*) FROM audit_log WHERE object LIKE 'events:%'") == len(rows)


def test_an_export_without_events_still_imports(laptop_a, laptop_b) -> None:
    a, course_uid = laptop_a
    data = json.loads(transfer.export_json(ws=a))
    del data["tables"]["events"]  # a file written before events travelled
    transfer.import_json(ws=laptop_b, text=json.dumps(data))
    assert _course_row(laptop_b, course_uid)["status"] == "dropped_out"  # the row's own value


def test_an_event_about_a_record_the_file_does_not_bring_is_refused(laptop_a, laptop_b) -> None:
    a, _course_uid = laptop_a
    data = json.loads(transfer.export_json(ws=a))
    own = laptop_b.db.scalar("SELECT uid FROM children ORDER BY id LIMIT 1")  # laptop B's own child
    row = next(r for r in data["tables"]["events"] if r["aggregate"] == "course")
    data["tables"]["events"].append(dict(row, uid="0190f0a0-0000-7000-8000-00000000abcd", aggregate="child",
                                         subject_uid=own, field="school", value="Anden skole", child_uid=own))
    with pytest.raises(InvalidInput, match="events række .*ikke findes i filen"):
        transfer.import_json(ws=laptop_b, text=json.dumps(data))
    assert laptop_b.db.scalar("SELECT count(*) FROM courses") == 0  # nothing imported
