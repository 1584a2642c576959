import json
import re
from datetime import date

import pytest

from behandlerklient.core import cpr
from behandlerklient.core.ages import age_on
from behandlerklient.services.demo import demo
from behandlerklient.services.exchange import transfer
from behandlerklient.services.reports import listing

TODAY = date(2026, 11, 23)


def _tables(ws) -> dict:
    tables = json.loads(transfer.export_json(ws=ws))["tables"]
    tables.pop("seals")  # signatures made with each run's own random keys
    return tables


def _numbered(tables: dict) -> dict:
    """Global ids (random by design) replaced by their order of first appearance, so two builds compare."""
    seen: dict[str, str] = {}
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                  lambda m: seen.setdefault(m.group(0), f"uid-{len(seen)}"), json.dumps(tables, ensure_ascii=False))
    return json.loads(text)


@pytest.fixture
def counted_uids(monkeypatch):
    """A deterministic uuid7 (same layout, a counter for time and randomness); call reset() before each build."""
    from behandlerklient.core import uid

    state = {"n": 0}

    def fake() -> str:
        state["n"] += 1
        return f"{state['n']:08x}-0000-7000-8000-{state['n']:012x}"

    monkeypatch.setattr(uid, "uuid7", fake)
    return lambda: state.update(n=0)


def test_deterministic_for_a_seed(ws, tmp_path) -> None:
    from behandlerklient.services.workspace import workspace
    from tests.conftest import PASSPHRASE

    demo.generate(ws=ws, children_count=30, seed=42, today=TODAY)
    other = workspace.create(path=tmp_path / "b.db", username="anna", full_name="Anna Åberg", passphrase=PASSPHRASE,
                             role="therapist", title="Psykolog", phone="59 66 60 01")
    try:
        demo.generate(ws=other, children_count=30, seed=42, today=TODAY)
        mine, theirs = _numbered(_tables(ws)), _numbered(_tables(other))
        mine.pop("users"), theirs.pop("users")  # the logged-in user's own created_at differs
        assert mine == theirs
    finally:
        other.close()


def test_other_seed_other_children(ws, tmp_path) -> None:
    demo.generate(ws=ws, children_count=10, seed=1, today=TODAY)
    first = [c["cpr"] for c in listing.children(ws=ws)]
    demo.generate(ws=ws, children_count=10, seed=2, today=TODAY)
    second = [c["cpr"] for c in listing.children(ws=ws)][10:]
    assert set(first).isdisjoint(second)


def test_realistic_children_and_courses(ws) -> None:
    progress = []
    res = demo.generate(ws=ws, children_count=150, seed=3, today=TODAY,
                        progress=lambda done, total: progress.append((done, total)))
    assert res.children == 150 and progress[-1] == (150, 150)
    rows = listing.children(ws=ws)
    for row in rows:
        parsed = cpr.parse(row["cpr"])
        assert 5 <= age_on(parsed.birth_date, TODAY) <= 17
        assert parsed.sex == row["sex"]
    assert {r["sex"] for r in rows} == {"F", "M"}
    assert any(c in "æøåÆØÅ" for r in rows for c in r["name"])
    courses = listing.courses(ws=ws)
    tracks = {c["track"] for c in courses}
    assert len(tracks) >= 6 and res.courses == len(courses)
    assert {"active", "completed"} <= {c["status"] for c in courses}
    tables = _tables(ws)
    assert len(tables["guardians"]) >= 150 and len(tables["contacts"]) >= 150
    drafts = [s for s in tables["sessions"] if s["state"] == "draft"]
    assert drafts and len(drafts) < len(tables["sessions"]) / 5
    session_entries = [e for e in tables["journal_entries"] if e["session_id"] is not None
                       and e["kind"] != "correction"]
    assert len(session_entries) == len(tables["sessions"]) - len(drafts)
    # The whole pathway: all four intake groups, group sessions, corrections and a notification.
    assert {i["decision_group"] for i in tables["intakes"] if i["decision_group"]} == {1, 2, 3, 4}
    assert tables["group_sessions"] and tables["notifications"] and tables["closings"] and tables["follow_ups"]
    assert any(e["kind"] == "correction" and e["supersedes_id"] for e in tables["journal_entries"])
    assert {s["attendance"] for s in tables["sessions"]} >= {"held", "cancelled", "missed"}


def test_the_whole_pathway_generates_cleanly_on_any_day(ws) -> None:
    # Ages cross 15 between consent and start on some days; the generator must follow the rules there too.
    from datetime import timedelta

    from behandlerklient.services.verify import integrity

    for n, day in enumerate((date(2026, 1, 15), date(2026, 6, 30), date(2027, 3, 1))):
        demo.generate(ws=ws, children_count=250, seed=100 + n, today=day - timedelta(days=n))
    assert all(c.ok for c in integrity.verify(ws=ws))


def test_demo_supervisor_can_log_in_with_the_demo_passphrase(tmp_path) -> None:
    from behandlerklient.services.workspace import workspace

    ws = workspace.create(path=tmp_path / "demo.db", username="demo", full_name="Demo", passphrase=demo.DEMO_PASSPHRASE,
                          role="therapist", demo=True)
    demo.generate(ws=ws, children_count=5, seed=1, today=TODAY)
    assert demo.enable_demo_logins(ws=ws, passphrase=demo.DEMO_PASSPHRASE) == ["lhv", "kko"]
    ws.close()
    for username, role in (("lhv", "supervisor"), ("kko", "coordinator")):
        other = workspace.unlock(path=tmp_path / "demo.db", passphrase=demo.DEMO_PASSPHRASE, username=username)
        try:
            assert other.user.role == role
        finally:
            other.close()


def test_the_demo_gives_its_therapists_caseloads_a_supervisor_her_supervisees_and_a_coordinator(ws) -> None:
    from behandlerklient.services.accounts import access

    demo.generate(ws=ws, children_count=20, seed=3, today=TODAY)
    holders = ws.db.query("SELECT k.child_id, u.username, u.role FROM caseloads k JOIN users u ON u.id = k.user_id "
                          "WHERE k.revoked_at IS NULL")
    assert {r["child_id"] for r in holders} == {r[0] for r in ws.db.query("SELECT id FROM children")}
    assert {r["role"] for r in holders} <= {"therapist", "supervisor"} and len({r["username"] for r in holders}) > 2
    pairs = {(p.supervisor, p.therapist) for p in access.pairs(ws=ws)}
    assert ("Louise Hvid", "Maria Kjærgaard") in pairs and len(pairs) == 4
    assert ws.db.scalar("SELECT username FROM users WHERE role = 'coordinator'") == "kko"


# What the demo for seed 5 and 60 children on TODAY holds, row by row count; a faster build must keep it.
HELD = {"audit_head": 1, "audit_log": 1049, "child_search_terms": 1350, "children": 60, "closings": 13, "consents": 64,
        "contacts": 60, "coordination_entries": 8, "course_changes": 0, "courses": 21, "fidelity_ratings": 687,
        "follow_ups": 13, "gps": 40, "group_sessions": 0, "guardians": 106, "intakes": 63, "journal_entries": 389,
        "notifications": 3, "questionnaire_responses": 0, "reviews": 28, "screenings": 27, "sdq_responses": 51,
        "sessions": 139, "settings": 3, "supervision_meeting_courses": 0, "supervision_meetings": 0, "users": 6,
        "caseloads": 60, "supervision_pairs": 4}


# A digest of every row the same demo adds (see _added_rows), taken from the one-call-at-a-time build
# (bulk=False) once signatures landed (their key registration adds one audit row: 1049, was 1048); the caseloads
# schema added the caseloads (each child held by whoever registered it), the supervision pairs and the
# coordinator; the global-identity schema made signatures cover uid and origin_device (record_signatures.columns);
# the random uids themselves are left out of the comparison (RANDOM_COLUMNS); the GPs' EAN numbers now pass the
# GS1 check digit, the staff carry a profession, and follow-ups come about a month after the course (issue 16).
# the monitoring data set added the
# contacts' reason categories and delivering unit (and its setting), the guided-to category, end reasons, the
# follow-up effect and BUP referrals, drawn apart from the main random stream so every other row stayed the same.
# the guard-rails schema added the
# sessions' risk check, the screening's GP-notification decision and the course's entry route, and the demo now
# reasons every outcome that starts no course, checks the risk in sessions after a moderate or high screening and
# writes a group session's own text. The sync's backlog, frames, tombstones and merge proofs added four empty tables.
HELD_DIGEST = "731ebf1e7952e00be5a3ebcd7021a398982cca9c0aa6a51a35d68e1ce01d18b0"


# Each user's Ed25519 key is random, and so are the seals' signatures made with it (verify checks them); which
# seal covers a row (seal_id) follows the transactions, which a batched build groups differently: what is
# compared is that every signed row and audit row is covered. An event's uid (and so the next event's base_uid)
# is random too; the values the events fold to are compared in the tables they are cached in.
# Global ids and the device id are random by design, and the outbox's envelopes carry them and signatures; so is
# the installation's pseudonym key for the monitoring export.
RANDOM_TABLES = {"signing_keys", "seals", "events", "device", "sync_outbox", "monitoring_key"}
RANDOM_COLUMNS = ("prev_hash", "hash", "last_hash", "seal_id", "uid", "origin_device", "event_order")
# Filled only by an import (the proof of imported records): empty in a demo, and left out of its digest.
IMPORT_TABLES = {"imported_keys", "imported_seals", "imported_signatures"}
# Filled only by sync with a server (and sync_pending, emptied at each commit): empty after a demo.
SYNC_TABLES = {"sync_state", "sync_acks", "sync_pending", "sync_quarantine", "sync_orphans", "sync_received",
               "child_alias"}


def _rows(ws) -> dict[str, list[str]]:
    """Every row of every stored table (FTS5's own shadow tables aside: child_search is checked by verify), each
    as JSON text, sorted; audit rows without their chain hashes, which go back to the template's own first rows
    (the chain itself is checked by verify)."""
    tables = [r[0] for r in ws.db.query("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'child_search%' "
                                         "OR name = 'child_search_terms' ORDER BY name")]
    out = {}
    for table in set(tables) - RANDOM_TABLES - IMPORT_TABLES - SYNC_TABLES:
        rows = ws.db.query(f"SELECT * FROM {table}")
        out[table] = sorted(json.dumps({k: r[k] for k in r.keys() if k not in RANDOM_COLUMNS},
                                       ensure_ascii=False, sort_keys=True) for r in rows)
    return out


def _added_rows(ws, **generate) -> dict[str, list[str]]:
    before = _rows(ws)
    demo.generate(ws=ws, **generate)
    return {table: sorted(set(rows) - set(before.get(table, ()))) for table, rows in _rows(ws).items()}


def _digest(rows: dict[str, list[str]]) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def test_the_demo_holds_what_it_held_and_passes_verify(ws) -> None:
    from behandlerklient.services.verify import integrity

    added = _added_rows(ws, children_count=60, seed=5, today=TODAY)
    assert {table: ws.db.scalar(f"SELECT count(*) FROM {table}") for table in HELD} == HELD
    assert _digest(added) == HELD_DIGEST, _digest(added)
    assert all(ws.db.scalar(f"SELECT count(*) FROM {table}") == 0 for table in SYNC_TABLES)
    assert all(c.ok for c in integrity.verify(ws=ws))


def test_the_batched_build_writes_what_the_services_write_one_by_one(ws, template_db, tmp_path,
                                                                     counted_uids) -> None:
    # The bulk build runs the same service code, only without savepoints and with the audit rows written at the
    # end of each batch: every row, the audit chain's hashes included, must be what the plain path writes.
    import shutil

    from behandlerklient.security import keyfile as kf
    from behandlerklient.services.verify import integrity
    from behandlerklient.services.workspace import workspace
    from tests.conftest import PASSPHRASE, USERNAME

    plain_path = tmp_path / "plain" / "journal.db"
    plain_path.parent.mkdir()
    shutil.copy2(template_db, plain_path)
    shutil.copy2(kf.keyfile_path(template_db), kf.keyfile_path(plain_path))
    plain = workspace.unlock(path=plain_path, passphrase=PASSPHRASE, username=USERNAME)
    try:
        counted_uids()
        demo.generate(ws=plain, children_count=40, seed=7, today=TODAY, bulk=False)
        counted_uids()  # the same global ids in the same order: the chain's hashes must then be equal too
        demo.generate(ws=ws, children_count=40, seed=7, today=TODAY, bulk=True)
        uids = "SELECT uid FROM sessions ORDER BY id"
        assert ws.db.query(uids) == plain.db.query(uids)
        chain = "SELECT id, hash FROM audit_log ORDER BY id"
        assert ws.db.query(chain) == plain.db.query(chain)
        assert _rows(ws) == _rows(plain)
        assert all(c.ok for c in integrity.verify(ws=ws))
    finally:
        plain.close()


# The kinds a supervisor writes about her supervisees' children (the server's bk.supervision_kinds()).
SUPERVISION_KINDS = {"fidelity_ratings", "reviews", "supervision_meetings", "review_events", "fidelity_events"}


def _second(text: str) -> str:
    """A stored or envelope time as UTC text to the second (the server compares access to the second)."""
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _signed_without_access(ws) -> list[tuple[str, str, str, str]]:
    """The outbox's records a sync server refuses as no_access_when_signed, by the access the demo gives (a caseload
    from the child's registration, a child shared, a supervisee's child): (kind, author, signed_at, why) each."""
    registered = {}
    for r in ws.db.query("SELECT o.uid, o.envelope, c.created_at FROM sync_outbox o JOIN children c ON c.uid = o.uid "
                         "WHERE o.kind = 'children'"):
        registered[r["uid"]] = min(_second(json.loads(r["envelope"])["signed_at"]), _second(r["created_at"]))
    grants: dict[str, list[tuple[str, str, str | None]]] = {}  # user -> (child uid, from, until)
    for r in ws.db.query("SELECT u.username, c.uid, k.granted_at, k.revoked_at FROM caseloads k "
                         "JOIN users u ON u.id = k.user_id JOIN children c ON c.id = k.child_id"):
        grants.setdefault(r["username"], []).append(
            (r["uid"], _second(r["granted_at"]), _second(r["revoked_at"]) if r["revoked_at"] else None))
    supervisees: dict[str, set[str]] = {}
    for r in ws.db.query("SELECT s.username AS supervisor, t.username AS therapist FROM supervision_pairs p "
                         "JOIN users s ON s.id = p.supervisor_id JOIN users t ON t.id = p.therapist_id"):
        supervisees.setdefault(r["supervisor"], set()).add(r["therapist"])

    def holds(user: str, child: str | None, at: str) -> bool:
        return any((child is None or uid == child) and start <= at and (end is None or end > at)
                   for uid, start, end in grants.get(user, ()))

    refused = []
    for r in ws.db.query("SELECT kind, child_uid, author, envelope FROM sync_outbox WHERE kind <> 'gps'"):
        at, child, author, kind = (_second(json.loads(r["envelope"])["signed_at"]), r["child_uid"], r["author"],
                                   r["kind"])
        if child is not None and at < registered.get(child, ""):
            refused.append((kind, author, at, f"before the child's registration {registered[child]}"))
        elif not (holds(author, child, at) or (kind in SUPERVISION_KINDS and child is not None
                                                and any(holds(t, child, at) for t in supervisees.get(author, ())))):
            refused.append((kind, author, at, "without access to the child"))
    return refused


def test_every_demo_record_is_signed_while_its_author_may_write_about_the_child(ws) -> None:
    # Each child's story has its own dates, a year apart from the next child's; a rating or a course left for the
    # next seal was signed in the next child's past, before its own child was registered. A group of children of
    # several clinicians is run by one, who signs every child's session: they are shared with her first.
    demo.generate(ws=ws, children_count=150, seed=5, today=TODAY)

    assert ws.db.scalar("SELECT count(*) FROM group_sessions WHERE signed_at IS NOT NULL") > 0
    assert ws.db.scalar("SELECT count(*) FROM sync_outbox WHERE kind = 'fidelity_events'") > 100
    assert _signed_without_access(ws) == []
