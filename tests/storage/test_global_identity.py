"""Global identity (schema 13): every shared record has a UUIDv7 and its origin device, whatever path wrote it."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from behandlerklient.core import uid
from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import transfer
from behandlerklient.services.journal import group_sessions
from behandlerklient.services.measures import questionnaires
from behandlerklient.services.pathway import pathway, records
from behandlerklient.services.registration import master_data
from behandlerklient.services.signatures import audit, seal
from behandlerklient.services.supervision import supervision
from behandlerklient.services.workspace import workspace
from behandlerklient.storage import transfer_rows
from behandlerklient.storage.database import IntegrityError
from behandlerklient.storage.identity import SHARED_TABLES
from behandlerklient.storage.migrate import latest_version
from behandlerklient.storage.users import UserRepository
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import child_with_consent

TODAY = date(2026, 11, 23)


def _unidentified(db) -> dict[str, int]:  # noqa: ANN001
    device = db.scalar("SELECT device_uid FROM device")
    bad = {}
    for table in sorted(SHARED_TABLES):
        rows = db.query(f"SELECT uid, origin_device FROM {table}")
        n = sum(1 for r in rows if not uid.is_uuid7(r[0]) or r[1] != device)
        if n:
            bad[table] = n
    return bad


@pytest.fixture
def filled(ws):
    demo.generate(ws=ws, children_count=30, seed=3, today=TODAY)
    return ws


def test_every_service_path_gives_every_shared_row_a_uid_and_the_device(filled, tmp_path) -> None:
    ws = filled
    # Paths the demo does not take: a master-data edit (child_changes), a supervision meeting, fidelity ratings
    # through the upsert, a review request, and an import (both formats).
    child = master_data.current(ws=ws, child_id=1)
    master_data.save(ws=ws, child_id=1, edited=dataclasses.replace(child, school="Ny Skole"))
    course_id = ws.db.scalar("SELECT id FROM courses ORDER BY id LIMIT 1")
    supervisor = next(u for u in UserRepository(ws.db).all() if u.role == "supervisor")
    supervision.log_meeting(ws=dataclasses.replace(ws, user=supervisor), meeting_date=TODAY, kind="individual",
                            course_ids=[course_id], notes="Møde")
    session_id = ws.db.scalar("SELECT id FROM sessions WHERE state = 'signed' AND author_id = ? LIMIT 1", (ws.user.id,))
    if session_id is not None:
        items = supervision.checklist(ws=ws, session_id=session_id)
        supervision.save_ratings(ws=ws, session_id=session_id, kind="self",
                                 items=[supervision.Rating(items[0].key, "yes", 4, "")])
        supervision.request_review(ws=ws, session_id=session_id)
    kids = [child_with_consent(ws, first, "Holm", cpr) for first, cpr in (("Alma", "010316-4002"),
                                                                           ("Karla", "020316-4004"))]
    groups = [pathway.open_course(ws=ws, child_id=k.id, track_id="cool-kids", start_date=TODAY,
                                  format="group").course.id for k in kids]
    group_sessions.create(ws=ws, track_id="cool-kids", session_date=TODAY, course_ids=groups)
    pathway.change_track(ws=ws, course_id=groups[0], track_id="mind-my-mind", reason="Passer bedre", on=TODAY,
                         passphrase=PASSPHRASE)
    questionnaires.record(ws=ws, child_id=kids[0].id, questionnaire_id="eksempel-bekymring", answered_on=TODAY,
                          answers=[1] * 8)
    note, _ = records.save(ws=ws, kind="notification", values={
        "child_id": kids[1].id, "course_id": groups[1], "notified_on": TODAY, "grounds": "Bekymring",
        "recipient": "Familieafdelingen"})
    records.sign_confirmed(ws=ws, kind="notification", record_id=note)
    counts = {t: ws.db.scalar(f"SELECT count(*) FROM {t}") for t in sorted(SHARED_TABLES)}
    empty = [t for t, n in counts.items() if n == 0]
    assert empty == [], f"no path wrote {empty}"  # every shared table was written by some path
    assert _unidentified(ws.db) == {}
    target = workspace.create(path=tmp_path / "mål.db", username=USERNAME, full_name="Anna", passphrase=PASSPHRASE)
    try:
        transfer.import_json(ws=target, text=_format_1(ws))
        assert _unidentified(target.db) == {}  # a format-1 file's rows are new records of the importing device
        assert audit.verify_chain(target.db).ok
    finally:
        target.close()


def test_a_row_without_identity_is_refused_and_identity_never_changes(ws) -> None:
    with pytest.raises(IntegrityError, match="uid and origin_device"):
        ws.db.execute("INSERT INTO gps (clinic_name) VALUES ('Lægehuset')")
    with ws.db.transaction():
        gp = ws.db.insert("gps", {"clinic_name": "Lægehuset"})
    row = ws.db.query_one("SELECT uid, origin_device FROM gps WHERE id = ?", (gp,))
    assert uid.is_uuid7(row["uid"]) and row["origin_device"] == ws.db.device_uid
    for change in ("uid = ?", "origin_device = ?"):
        with pytest.raises(IntegrityError, match="never change"):
            ws.db.execute(f"UPDATE gps SET {change} WHERE id = ?", (uid.uuid7(), gp))
    with pytest.raises(IntegrityError, match="UNIQUE"):
        ws.db.execute("INSERT INTO gps (clinic_name, uid, origin_device) VALUES ('x', ?, ?)",
                      (row["uid"], row["origin_device"]))


def test_each_installation_has_its_own_lasting_device_id(ws, db_path, tmp_path) -> None:
    device = ws.db.device_uid
    assert uid.is_uuid7(device)
    ws.close()
    again = workspace.unlock(path=db_path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        assert again.db.device_uid == device
        with pytest.raises(IntegrityError):
            again.db.execute("UPDATE device SET device_uid = ?", (uid.uuid7(),))
    finally:
        again.close()
    other = workspace.create(path=tmp_path / "anden.db", username=USERNAME, full_name="A", passphrase=PASSPHRASE)
    try:
        assert other.db.device_uid != device
    finally:
        other.close()


def _format_1(ws) -> str:  # noqa: ANN001
    """The database as the format-1 exporter wrote it (local integer ids, no global identity columns), its signed
    records declared as signed before signatures existed (imported marked unproven: a format-1 row cannot carry
    a seal over the uid its record has now)."""
    tables = {}
    for table, _fks in transfer.TABLES:
        cols = [c for c in transfer_rows.column_types(ws.db, table) if c not in ("uid", "origin_device")]
        tables[table] = list(transfer_rows.rows(ws.db, table, cols))
    return json.dumps({"format": transfer.FORMAT, "format_version": 1, "schema_version": latest_version() - 1,
                       "app_version": "0.1.0", "exported_at": "2026-11-23T10:00:00+00:00",
                       "audit_head": {"id": 0, "hash": ""},
                       "signatures": {"epoch": {t: 10**9 for t in seal.SIGNED}, "keys": []},
                       "tables": {"seals": [], **tables}}, ensure_ascii=False, indent=1)


def test_the_export_carries_global_ids_and_user_names_not_local_ids(filled) -> None:
    data = json.loads(transfer.export_json(ws=filled))
    assert data["format_version"] == 2
    users = {u["username"] for u in data["tables"]["users"]}
    courses = {c["uid"] for c in data["tables"]["courses"]}
    for table, _fks in transfer.TABLES:  # each row's local id only as `local_id`, what its author's seal covers
        assert all("id" not in r and isinstance(r["local_id"], int) for r in data["tables"][table]), table
    sessions = data["tables"]["sessions"]
    assert sessions and all(s["course_id"] in courses and s["author_id"] in users for s in sessions)
    entries = [j for j in data["tables"]["journal_entries"] if j["source"] == "contact"]
    contacts = {c["uid"] for c in data["tables"]["contacts"]}
    assert entries and all(j["source_id"] in contacts for j in entries)
    assert all(uid.is_uuid7(c["uid"]) and uid.is_uuid7(c["origin_device"]) for c in data["tables"]["children"])


def test_a_format_1_file_still_imports_with_its_links(filled, tmp_path) -> None:
    text = _format_1(filled)
    target = workspace.create(path=tmp_path / "mål.db", username=USERNAME, full_name="Anna", passphrase=PASSPHRASE)
    try:
        counts, _ = transfer.import_json(ws=target, text=text)
        assert counts["children"] == 30 and counts["sessions"] > 20
        orphans = target.db.scalar(
            "SELECT count(*) FROM journal_entries j JOIN sessions s ON s.id = j.session_id "
            "JOIN courses c ON c.id = s.course_id WHERE c.child_id != j.child_id")
        assert orphans == 0
        # Format 1 into an empty database keeps the local ids, as before.
        assert target.db.scalar("SELECT max(id) FROM sessions") == filled.db.scalar("SELECT max(id) FROM sessions")
        # ...and a format-2 export of it round-trips.
        again = transfer.export_json(ws=target)
        third = workspace.create(path=tmp_path / "tredje.db", username=USERNAME, full_name="Anna",
                                 passphrase=PASSPHRASE)
        try:
            transfer.import_json(ws=third, text=again)
            a, b = json.loads(again), json.loads(transfer.export_json(ws=third))
            a["tables"]["users"].pop(0), b["tables"]["users"].pop(0)  # each installation's own user keeps its profile
            for d in (a, b):  # each installation numbers its rows, and its records declared unproven, itself
                d["tables"].pop("seals")
                for rows in d["tables"].values():
                    for r in rows:
                        r.pop("local_id")
            assert a["tables"] == b["tables"]
        finally:
            third.close()
    finally:
        target.close()
