from datetime import UTC, datetime
from pathlib import Path

import pytest

from behandlerklient.core import uid
from behandlerklient.core.errors import DatabaseTooNew
from behandlerklient.services.signatures import audit
from behandlerklient.storage.database import Database
from behandlerklient.storage.identity import SHARED_TABLES
from behandlerklient.storage.migrate import (
    Migration,
    applied_version,
    latest_version,
    load_migrations,
    migrate,
    pending,
)

KEY = bytes(32)

M1 = Migration(1, "one", "CREATE TABLE a (x INTEGER);")
M2 = Migration(2, "two", "CREATE TABLE b (y INTEGER);")
BAD = Migration(3, "bad", "CREATE TABLE c (z INTEGER); INSERT INTO nope VALUES (1);")


@pytest.fixture
def db(tmp_path: Path):
    d = Database.open(tmp_path / "m.db", KEY, create=True)
    yield d
    d.close()


def _tables(db: Database) -> set[str]:
    return {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_new_database_runs_all_migrations(db: Database) -> None:
    assert migrate(db, [M1, M2]) == [1, 2]
    assert applied_version(db) == 2 and {"a", "b"} <= _tables(db)


def test_rerun_applies_each_step_once(db: Database) -> None:
    migrate(db, [M1])
    assert migrate(db, [M1, M2]) == [2]
    assert migrate(db, [M1, M2]) == []


def test_failing_migration_rolls_back_and_stays_pending(db: Database) -> None:
    migrate(db, [M1, M2])
    with pytest.raises(Exception):
        migrate(db, [M1, M2, BAD])
    assert applied_version(db) == 2
    assert "c" not in _tables(db)
    assert [m.version for m in pending(db, [M1, M2, BAD])] == [3]
    assert not db.in_transaction


def test_pending_and_applied_are_read_only(db: Database) -> None:
    migrate(db, [M1])
    before = db.scalar("PRAGMA data_version"), db.user_version
    pending(db, [M1, M2])
    applied_version(db)
    assert (db.scalar("PRAGMA data_version"), db.user_version) == before
    assert "b" not in _tables(db)


def test_database_newer_than_the_code_is_refused(db: Database) -> None:
    migrate(db, [M1, M2])
    with pytest.raises(DatabaseTooNew) as info:
        migrate(db, [M1])
    assert "nyere version" in info.value.message
    assert applied_version(db) == 2


def test_file_is_copied_aside_before_an_upgrade(db: Database) -> None:
    migrate(db, [M1])
    migrate(db, [M1, M2])
    copies = list(db.path.parent.glob("m.db.skema1-*.bak"))
    assert len(copies) == 1
    old = Database.open(copies[0], KEY)
    try:
        assert old.user_version == 1 and "b" not in _tables(old)
    finally:
        old.close()


def test_shipped_migrations_are_numbered_without_gaps() -> None:
    migs = load_migrations()
    assert [m.version for m in migs] == list(range(1, latest_version() + 1))


def test_upgrade_to_the_ordered_search_index_keeps_every_child_findable(db: Database) -> None:
    from behandlerklient.storage.children import ChildRepository

    shipped = load_migrations()
    migrate(db, shipped[:4])
    with db.transaction():
        for i, (first, last) in enumerate((("Åse", "Østergaard"), ("Anna", "Ærø"), ("Bo", "Andersen"))):
            db.execute("INSERT INTO children (first_name, last_name, sort_key, cpr, birth_date, sex, created_at) "
                       "VALUES (?, ?, ?, ?, '2015-03-01', 'F', '2026-01-01T00:00:00')",
                       (first, last, f"{last.lower()}\x01{first.lower()}", f"01031{i}4321"))
    assert migrate(db, shipped) == list(range(5, len(shipped) + 1))
    names = lambda text: [r.last_name for r in ChildRepository(db).search(text)]  # noqa: E731
    assert names("a") == ["Andersen", "Ærø"] and names("å") == ["Østergaard"] and names("010311") == ["Ærø"]


# ---------------------------------------------------------------------------------------------------------------
# The migration ladder: a database left at every earlier schema version, holding data, upgrades to the newest.
#
# LADDER_ROWS is one representative record of each kind, written as the program of its time wrote it: a row lands
# at version v when its table exists at v, with the columns the table has at v (columns added later take their
# defaults). Tables a new migration adds need rows here once that migration is no longer the newest
# (test_the_ladder_data_covers_every_table_of_earlier_schemas says which).

T0 = "2026-01-05T09:00:00"
T1 = "2026-01-05T10:00:00"
T2 = "2026-02-02T11:30:00"

LADDER_ROWS: list[tuple[str, dict]] = [
    ("users", {"id": 1, "username": "tanja", "full_name": "Tanja Testesen", "role": "therapist", "title": "Psykolog",
               "phone": "59 66 60 02", "created_at": T0}),
    ("users", {"id": 2, "username": "svend", "full_name": "Svend Supervisor", "role": "supervisor", "title": "",
               "phone": "", "created_at": T0}),
    ("gps", {"id": 1, "clinic_name": "Lægehuset Syd", "doctor_name": "Læge Lund", "address": "Torvet 1",
             "postcode": "4000", "city": "Roskilde", "phone": "46 00 00 00", "sor": "123456789012345", "ean": ""}),
    ("children", {"id": 1, "first_name": "Åse", "last_name": "Østergaard", "sort_key": "østergaard\x01åse",
                  "cpr": "0103151234", "birth_date": "2015-03-01", "sex": "F", "home_municipality": "Syddal",
                  "treating_municipality": "Syddal", "gp_id": 1, "created_at": T0, "created_by": 1,
                  "address": "Skovvej 2", "school": "Syddal Skole"}),
    ("children", {"id": 2, "first_name": "Bo", "last_name": "Andersen", "sort_key": "andersen\x01bo",
                  "cpr": "1207129876", "birth_date": "2012-07-12", "sex": "M", "created_at": T0, "created_by": 1}),
    ("guardians", {"id": 1, "child_id": 1, "name": "Mette Østergaard", "relation": "mother", "has_custody": 1,
                   "phone": "20 00 00 01", "email": "mette@example.invalid", "address": "Skovvej 2"}),
    ("guardians", {"id": 2, "child_id": 1, "name": "Jens Østergaard", "relation": "father", "has_custody": 0}),
    # A signed contact and a draft (contacts are signed from schema 2 on).
    ("contacts", {"id": 1, "child_id": 1, "contact_date": "2026-01-05", "made_by": "parent", "way": "gp",
                  "channel": "phone", "concern": "Angst for skolen", "consent_to_share": 1, "created_at": T0,
                  "created_by": 1, "consent_obtain": 1, "signed_at": T1, "age_reason": ""}),
    ("contacts", {"id": 2, "child_id": 2, "contact_date": "2026-02-02", "made_by": "young_person", "way": "self",
                  "concern": "Kladde", "created_at": T2, "created_by": 1, "signed_at": None}),
    ("intakes", {"id": 1, "contact_id": 1, "child_id": 1, "talk_number": 1, "talk_date": "2026-01-07",
                 "channel": "phone", "duration_min": 30, "notes": "Første samtale", "decision_group": 2,
                 "reasoning": "Angst", "author_id": 1, "created_at": T1, "signed_at": T1}),
    ("intakes", {"id": 2, "contact_id": 1, "child_id": 1, "talk_number": 2, "talk_date": "2026-01-14",
                 "author_id": 1, "created_at": T1, "signed_at": None}),
    ("screenings", {"id": 1, "contact_id": 1, "child_id": 1, "screening_date": "2026-01-10",
                    "child_account": "Ondt i maven", "symptoms": "Undgåelse", "self_harm_asked": 1,
                    "risk_level": "low", "outcome": "course", "outcome_track_id": "anxiety_individual",
                    "author_id": 1, "created_at": T1, "signed_at": T1}),
    ("sdq_responses", {"id": 1, "child_id": 1, "screening_id": 1, "phase": "baseline", "informant": "parent",
                       "answered_on": "2026-01-10", "answers": "0120120120120120120120.20", "impact": "1",
                       "author_id": 1, "created_at": T1, "signed_at": T1}),
    ("questionnaire_responses", {"id": 1, "child_id": 1, "screening_id": 1, "questionnaire_id": "scas",
                                 "answered_on": "2026-01-10", "answers": "1,2,0,3", "score": 6, "author_id": 1,
                                 "created_at": T1, "signed_at": T1}),
    ("consents", {"id": 1, "child_id": 1, "kind": "treatment", "given_by": "custody_holder", "guardian_id": 1,
                  "given_on": "2026-01-07", "author_id": 1, "created_at": T1, "signed_at": T1}),
    ("consents", {"id": 2, "child_id": 1, "kind": "share", "party": "school", "given_by": "custody_holder",
                  "guardian_id": 1, "given_on": "2026-01-07", "note": "Klasselærer", "author_id": 1,
                  "created_at": T1, "signed_at": T1}),
    ("consents", {"id": 3, "child_id": 1, "kind": "share", "party": "school", "given_by": "custody_holder",
                  "guardian_id": 1, "given_on": "2026-02-02", "withdraws_id": 2, "author_id": 1,
                  "created_at": T2, "signed_at": None}),
    ("courses", {"id": 1, "child_id": 1, "track_id": "anxiety_individual", "status": "active",
                 "format": "individual", "start_date": "2026-01-12", "planned_sessions": 10, "created_at": T1,
                 "created_by": 1, "contact_id": 1}),
    ("courses", {"id": 2, "child_id": 1, "track_id": "anxiety_individual", "status": "completed",
                 "format": "individual", "start_date": "2025-01-12", "end_date": "2025-04-01",
                 "planned_sessions": 8, "created_at": T0, "created_by": 1, "closing_reason": "Afsluttet efter plan"}),
    ("course_changes", {"id": 1, "course_id": 1, "changed_on": "2026-01-20", "kind": "planned_sessions",
                        "old_value": "8", "new_value": "10", "reason": "Mere eksponering", "author_id": 1,
                        "created_at": T2}),
    ("group_sessions", {"id": 1, "track_id": "anxiety_group", "number": 1, "session_date": "2026-01-19",
                        "agenda": "Velkomst", "author_id": 1, "created_at": T2, "signed_at": T2}),
    ("sessions", {"id": 1, "course_id": 1, "number": 1, "session_date": "2026-01-12", "duration_min": 60,
                  "participants": "both", "format": "individual", "agenda": "Psykoedukation", "goals": "Forstå angst",
                  "homework": "Dagbog", "state": "signed", "author_id": 1, "created_at": T1, "updated_at": T1,
                  "signed_at": T1, "own_note": "Egen note", "attendance": "held"}),
    ("sessions", {"id": 2, "course_id": 1, "number": 2, "session_date": "2026-01-19", "participants": "child",
                  "format": "individual", "agenda": "Kladde", "state": "draft", "author_id": 1, "created_at": T2,
                  "updated_at": T2, "signed_at": None}),
    ("sessions", {"id": 3, "course_id": 1, "number": 3, "session_date": "2026-01-26", "participants": "child",
                  "format": "individual", "state": "signed", "author_id": 1, "created_at": T2, "updated_at": T2,
                  "signed_at": T2, "attendance": "missed", "over_range_reason": ""}),
    ("journal_entries", {"id": 1, "child_id": 1, "course_id": 1, "session_id": 1, "kind": "session",
                         "title": "Session 1", "body": "Psykoedukation om angst.", "author_id": 1,
                         "author_role": "therapist", "event_time": T1, "written_at": T1, "signed_at": T1}),
    ("journal_entries", {"id": 2, "child_id": 1, "kind": "contact", "title": "Henvendelse",
                         "body": "Mor ringede.", "author_id": 1, "author_role": "therapist", "event_time": T0,
                         "written_at": T1, "signed_at": T1, "source": "contact", "source_id": 1}),
    # A correction: a new signed entry that supersedes the first.
    ("journal_entries", {"id": 3, "child_id": 1, "course_id": 1, "session_id": 1, "kind": "session",
                         "title": "Session 1 (rettet)", "body": "Psykoedukation om angst og bekymring.",
                         "author_id": 1, "author_role": "therapist", "event_time": T1, "written_at": T2,
                         "signed_at": T2, "supersedes_id": 1}),
    ("coordination_entries", {"id": 1, "child_id": 1, "course_id": 1, "entry_date": "2026-01-21",
                              "partner": "school", "kind": "coordination", "summary": "Aftalt pauser",
                              "author_id": 1, "created_at": T2, "signed_at": T2}),
    ("notifications", {"id": 1, "child_id": 1, "course_id": 1, "notified_on": "2026-01-22", "grounds": "Bekymring",
                       "recipient": "Syddal Kommune", "author_id": 1, "created_at": T2, "signed_at": T2}),
    ("closings", {"id": 1, "course_id": 2, "child_id": 1, "closing_date": "2025-04-01", "effect": "improved",
                  "content_summary": "Eksponering", "status": "completed", "author_id": 1, "created_at": T0,
                  "signed_at": T0}),
    ("follow_ups", {"id": 1, "course_id": 2, "child_id": 1, "kind": "follow_up", "due_date": "2025-07-01",
                    "done_on": "2025-07-02", "notes": "Går godt", "relapse": 0, "more_needed": 0, "author_id": 1,
                    "signed_at": T0}),
    ("follow_ups", {"id": 2, "course_id": 2, "child_id": 1, "kind": "booster", "due_date": "2026-04-01"}),
    ("fidelity_ratings", {"id": 1, "session_id": 1, "rater_id": 1, "rater_kind": "self", "item_key": "agenda",
                          "item_label": "Dagsorden", "adherence": "yes", "competence": 4, "rated_at": T1}),
    ("fidelity_ratings", {"id": 2, "session_id": 1, "rater_id": 2, "rater_kind": "supervisor", "item_key": "agenda",
                          "item_label": "Dagsorden", "adherence": "partly", "comment": "Kort", "rated_at": T2}),
    ("reviews", {"id": 1, "session_id": 1, "reason": "sample", "requested_at": T1, "status": "approved",
                 "supervisor_id": 2, "decided_at": T2, "comment": "Fint"}),
    ("supervision_meetings", {"id": 1, "meeting_date": "2026-01-30", "kind": "group", "supervisor_id": 2,
                              "notes": "Eksponering", "created_at": T2}),
    ("supervision_meeting_courses", {"id": 1, "meeting_id": 1, "course_id": 1}),
    ("child_changes", {"id": 1, "child_id": 1, "field": "school", "old_value": "", "new_value": "Syddal Skole",
                       "changed_by": 1, "changed_at": T2}),
    ("ui_drafts", {"id": 1, "user_id": 1, "kind": "session", "context": '{"course": 1}',
                   "payload": '{"agenda": "Halvt skrevet"}', "saved_at": T2}),
    ("child_changes", {"id": 2, "child_id": 1, "guardian_id": 2, "field": "guardian.has_custody", "old_value": "1",
                       "new_value": "0", "reason": "Afgørelse", "changed_by": 1, "changed_at": T2}),
    ("caseloads", {"id": 100, "child_id": 1, "user_id": 1, "kind": "caseload", "granted_by": 1, "granted_at": T2}),
    ("supervision_pairs", {"id": 100, "supervisor_id": 2, "therapist_id": 1, "granted_by": 1, "granted_at": T2}),
    ("events", {"id": 1000, "uid": "0190f0a0-0000-7000-8000-000000000001", "aggregate": "course", "subject": "1",
                "field": "track_id", "child_id": 1, "value": '"cool_kids"', "hlc": "1767225600000.0000",
                "author_id": 1, "created_at": T2}),  # device: the column default, then the device id
    ("sync_outbox", {"id": 1, "uid": "0190f0a0-0000-7000-8000-000000000002", "kind": "contacts", "record_id": 1,
                     "child_uid": None, "author": "anna", "sealed_at": T2, "envelope": "{}",
                     "content_hash": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                     "signature": ""}),
    # Sync bookkeeping (schema 19 on): an enrolled laptop with one acknowledged push, one quarantined and one
    # orphaned received record, and one received record with its author's proof.
    ("sync_state", {"singleton": 1, "server_host": "bk.syddal.invalid", "server_port": 5432, "dbname": "bk",
                    "username": "tanja", "password": "ladder-kode",
                    "device_uid": "0190f0a0-0000-7000-8000-0000000000d1",
                    "pull_cursor": 7, "grants_cursor": 2, "last_push_at": T2, "last_pull_at": T2}),
    ("sync_acks", {"outbox_id": 1, "status": "accepted", "acked_at": T2}),
    ("sync_quarantine", {"id": 1, "seq": 5, "uid": "0190f0a0-0000-7000-8000-000000000003", "kind": "sessions",
                         "author": "svend", "reason": "bad_signature", "item": "{}", "received_at": T2}),
    ("sync_orphans", {"id": 1, "seq": 6, "uid": "0190f0a0-0000-7000-8000-000000000004", "kind": "sessions",
                      "missing": "0190f0a0-0000-7000-8000-000000000005", "item": "{}", "received_at": T2}),
    ("sync_received", {"id": 1, "kind": "gps", "record_id": 1, "uid": "0190f0a0-0000-7000-8000-000000000006",
                       "child_uid": None, "seq": 4, "author": "svend", "envelope": "{}", "content_hash": "00",
                       "signature": "", "public_key": ""}),
    ("child_alias", {"alias_uid": "0190f0a0-0000-7000-8000-000000000007",
                     "child_uid": "0190f0a0-0000-7000-8000-000000000008", "registered_by": "svend", "found_at": T2}),
    ("sync_tombstones", {"id": 1, "kind": "guardians", "record_id": 99, "uid": "0190f0a0-0000-7000-8000-00000000000b",
                         "removed_at": T2, "reason": "access_revoked"}),
    ("sync_backlog", {"id": 1, "kind": "gps", "record_id": 1}),
    ("sync_merge_proofs", {"uid": "0190f0a0-0000-7000-8000-00000000000c", "seq": 8,
                           "alias_uid": "0190f0a0-0000-7000-8000-000000000007",
                           "child_uid": "0190f0a0-0000-7000-8000-000000000008", "author": "svend", "envelope": "{}",
                           "content_hash": "00", "signature": "", "public_key": "", "received_at": T2}),
]

# (user, action, child, object, detail): the audit rows, chained the way schema 2 defined the chain.
LADDER_AUDIT = [(1, "create", 1, "contact:1", ""), (1, "sign", 1, "contact:1", ""), (1, "view", 1, "child:1", ""),
                (1, "correct", 1, "journal:3", "retter journal:1"), (2, "supervise", 1, "review:1", "")]

# Filled by the schema itself or derived from other tables (checked by verify), not written by the ladder.
DERIVED_TABLES = {"audit_head", "settings", "child_search_terms", "device", "monitoring_key", "sync_pending",
                  # a frame is a text-less sessions row the server sent, checked by verify against that frame;
                  # tests/server/test_sync_access14.py writes real ones (a hand-made row here would not verify)
                  "sync_frames"}
# Written by the program's sealing code, never as data of their own: rows written here by hand cannot carry
# an author's Ed25519 signature, so from the signatures schema on the ladder leaves the signature checks to
# tests/services/test_signatures.py (which signs through the real services) and checks everything else.
SIGNATURE_TABLES = {"signing_keys", "seals", "record_signatures", "audit_signatures", "signature_epoch",
                    "signatures_pending", "imported_keys", "imported_seals", "imported_signatures"}
SIGNATURE_CHECKS = {"signatures", "audit_signatures"}
# Tables whose key is not `id`.
KEY_COLUMNS = {"sync_state": "singleton", "sync_acks": "outbox_id", "child_alias": "alias_uid",
               "sync_merge_proofs": "uid"}
# Rows nobody may change or remove, signed or not.
APPEND_ONLY = {"audit_log", "course_changes", "child_changes", "events"}


def _v2_audit_hash(prev: str, row_id: int, at: str, user_id, action: str, child_id, obj: str, detail: str) -> str:  # noqa: ANN001
    """The chain as schema 2 wrote it (a copy, not the program's: the data of old versions does not change)."""
    import hashlib
    import json

    payload = json.dumps([prev, row_id, at, user_id, action, child_id, obj, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _columns(db: Database, table: str) -> set[str]:
    return {r["name"] for r in db.query(f"PRAGMA table_info({table})")}


def _user_tables(db: Database) -> set[str]:
    """Ordinary tables (no FTS shadow or virtual tables, whose contents are derived)."""
    return {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")
            if not r["name"].startswith("child_search_")} | ({"child_search_terms"} & _tables(db))


def _fill(db: Database) -> dict[tuple[str, int], dict]:
    """Write LADDER_ROWS and LADDER_AUDIT as far as the schema has them; returns what was written, by table and id."""
    written: dict[tuple[str, int], dict] = {}
    tables = _tables(db)
    with db.transaction():
        for table, row in LADDER_ROWS:
            if table not in tables:
                continue
            cols = _columns(db, table)
            values = {k: v for k, v in row.items() if k in cols}
            if table == "events" and "subject_uid" in cols:  # from the conflicts schema on: named by global id
                values["subject_uid"] = db.scalar("SELECT uid FROM courses WHERE id = ?", (int(row["subject"]),))
                values["child_uid"] = db.scalar("SELECT uid FROM children WHERE id = ?", (row["child_id"],))
            db.insert(table, values)
            written[(table, row[KEY_COLUMNS.get(table, "id")])] = values
        if "audit_log" in tables:
            prev = ""
            for row_id, (user_id, action, child_id, obj, detail) in enumerate(LADDER_AUDIT, start=1):
                digest = _v2_audit_hash(prev, row_id, T2, user_id, action, child_id, obj, detail)
                values = {"id": row_id, "at": T2, "user_id": user_id, "action": action, "child_id": child_id,
                          "object": obj, "detail": detail, "prev_hash": prev, "hash": digest}
                db.insert("audit_log", values)
                written[("audit_log", row_id)] = values
                prev = digest
            db.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE singleton = 1",
                       (len(LADDER_AUDIT), prev))
            if "device" in tables:  # the rows stand as written before global ids: the per-device chain starts after
                trigger = db.scalar("SELECT sql FROM sqlite_master WHERE name = 'device_no_update'")
                db.execute("DROP TRIGGER device_no_update")
                db.execute("UPDATE device SET audit_v2_from = ?", (len(LADDER_AUDIT) + 1,))
                db.execute(trigger)
    return written


def _signed(table: str, values: dict) -> bool:
    if table == "sessions":
        return values.get("state") == "signed"
    return values.get("signed_at") is not None


def _at_version(path: Path, version: int) -> Database:
    db = Database.open(path, KEY, create=True)
    migrate(db, load_migrations()[:version])
    assert db.user_version == version
    return db


@pytest.mark.parametrize("version", range(1, latest_version()))
def test_a_database_with_data_upgrades_from_every_earlier_schema(version: int, tmp_path: Path, ws) -> None:
    import dataclasses

    from behandlerklient.services.verify import integrity

    db = _at_version(tmp_path / "ladder.db", version)
    try:
        written = _fill(db)
        written_signed_era = "signature_epoch" in _user_tables(db)  # hand-written rows carry no signature
        kinds = {table for table, _ in written}
        assert {"users", "children", "guardians", "contacts", "courses", "sessions", "journal_entries"} <= kinds

        before = {table: db.scalar(f"SELECT count(*) FROM {table}") for table in kinds}
        assert migrate(db) == list(range(version + 1, latest_version() + 1))

        assert db.user_version == latest_version()
        for (table, row_id), values in written.items():
            row = db.query_one(f"SELECT * FROM {table} WHERE {KEY_COLUMNS.get(table, 'id')} = ?", (row_id,))
            assert row is not None, f"{table} {row_id} was lost upgrading from schema {version}"
            assert {k: row[k] for k in values} == values, f"{table} {row_id} changed upgrading from schema {version}"
        for table in kinds:  # the schema's own rows (e.g. settings as events) count as there before
            assert db.scalar(f"SELECT count(*) FROM {table}") == before[table], f"{table} gained or lost rows"
        assert db.query("PRAGMA foreign_key_check") == []
        # Global identity: every shared row was given a UUIDv7 and this installation's device, ascending with the
        # local ids (time-ordered ids stay time-ordered).
        device = db.scalar("SELECT device_uid FROM device")
        assert uid.is_uuid7(device)
        for table in sorted(kinds & SHARED_TABLES):
            rows = db.query(f"SELECT uid, origin_device FROM {table} ORDER BY id")
            assert all(uid.is_uuid7(r[0]) and r[1] == device for r in rows), table
            assert [r[0] for r in rows] == sorted(r[0] for r in rows), table
        failed = [c for c in integrity.verify(ws=dataclasses.replace(ws, db=db)) if not c.ok
                  and not (c.name in SIGNATURE_CHECKS and written_signed_era)]
        assert failed == [], f"verify after upgrading from schema {version}: {failed}"

        # The old single chain is now the local device's chain: a new row links to its head and all of it verifies.
        head = db.query_one("SELECT last_id, last_hash FROM audit_head")
        with db.transaction():
            audit.record(db, user_id=None, action="view", now=datetime(2026, 3, 1, tzinfo=UTC), child_id=1,
                         obj="child:1")
        newest = db.query_one("SELECT prev_hash, origin_device FROM audit_log ORDER BY id DESC LIMIT 1")
        assert (newest["prev_hash"], newest["origin_device"]) == (head["last_hash"], device)
        assert audit.verify_chain(db).ok

        # Signed records stay frozen; drafts stay editable.
        frozen = 0
        for (table, row_id), values in written.items():
            if table in APPEND_ONLY or _signed(table, values):
                for sql in (f"UPDATE {table} SET id = id WHERE id = ?", f"DELETE FROM {table} WHERE id = ?"):
                    with pytest.raises(Exception):  # noqa: B017 - each trigger raises its own message
                        db.execute(sql, (row_id,))
                row = db.query_one(f"SELECT * FROM {table} WHERE {KEY_COLUMNS.get(table, 'id')} = ?", (row_id,))
                assert {k: row[k] for k in values} == values
                frozen += 1
        assert frozen >= 3
        with db.transaction():
            db.execute("UPDATE sessions SET agenda = 'Rettet kladde' WHERE id = 2")
        assert db.scalar("SELECT agenda FROM sessions WHERE id = 2") == "Rettet kladde"
    finally:
        db.close()


def test_the_ladder_data_covers_every_table_of_earlier_schemas(tmp_path: Path) -> None:
    """A table that existed before the newest schema has data in the field: the ladder must write some."""
    db = _at_version(tmp_path / "previous.db", latest_version() - 1)
    try:
        missing = (_user_tables(db) - {t for t, _ in LADDER_ROWS} - {"audit_log"} - DERIVED_TABLES
                   - SIGNATURE_TABLES)
    finally:
        db.close()
    assert missing == set(), f"add rows for {sorted(missing)} to LADDER_ROWS"


def test_schema_13_back_fills_caseloads_from_who_wrote_the_records_and_allows_a_coordinator(tmp_path: Path) -> None:
    """Each child's caseload = the clinicians who wrote its courses, sessions, intakes or screenings; the role
    CHECK takes 'coordinator' at once, on the connection that migrated; grants are append-only."""
    access_version = next(m.version for m in load_migrations() if m.name == "access")
    db = _at_version(tmp_path / "before.db", access_version - 1)
    try:
        _fill(db)
        with pytest.raises(Exception, match="CHECK"):
            db.execute("INSERT INTO users (username, full_name, role, created_at) VALUES ('k', 'K', 'coordinator', ?)",
                       (T0,))
        migrate(db)
        held = {(r["child_id"], r["user_id"], r["kind"]) for r in db.query("SELECT * FROM caseloads")}
        authors = {(r[0], r[1]) for r in db.query(
            "SELECT child_id, created_by FROM courses UNION SELECT c.child_id, s.author_id FROM sessions s JOIN "
            "courses c ON c.id = s.course_id UNION SELECT child_id, author_id FROM intakes UNION SELECT child_id, "
            "author_id FROM screenings")}
        assert held == {(c, u, "caseload") for c, u in authors if u is not None} and held
        assert db.scalar("SELECT count(*) FROM caseloads WHERE granted_by IS NULL AND note = 'backfill'") == len(held)
        db.execute("INSERT INTO users (username, full_name, role, created_at) VALUES ('k', 'K', 'coordinator', ?)",
                   (T0,))
        with pytest.raises(Exception, match="CHECK"):
            db.execute("INSERT INTO users (username, full_name, role, created_at) VALUES ('x', 'X', 'nurse', ?)", (T0,))
        with pytest.raises(Exception, match="never deleted"):
            db.execute("DELETE FROM caseloads")
        db.execute("UPDATE caseloads SET revoked_at = ?, revoked_by = 1 WHERE id = 1", (T2,))
        with pytest.raises(Exception, match="revoked, once"):
            db.execute("UPDATE caseloads SET revoked_at = NULL, revoked_by = NULL WHERE id = 1")
        assert db.query("PRAGMA integrity_check")[0][0] == "ok"
    finally:
        db.close()
    again = Database.open(tmp_path / "before.db", KEY)
    try:  # a fresh connection reads the widened CHECK from the file
        again.execute("INSERT INTO users (username, full_name, role, created_at) VALUES ('k2', 'K', 'coordinator', ?)",
                      (T0,))
    finally:
        again.close()
