"""A laptop used for months before the team server arrived (issue 14): records written before the outbox existed
(schemas 15, 19 and 23) reach the server at enrolment and the first sync, parents first, once each, crash-safe;
records whose author's key is not unlocked here wait and are counted; a second laptop receives them."""

from __future__ import annotations

import base64
import importlib
import secrets
from pathlib import Path
from typing import Any

import pytest

from behandlerklient.core import cpr as cprmod
from behandlerklient.security import keyfile as kf
from behandlerklient.server import admin
from behandlerklient.services import sync as syncing
from behandlerklient.services.signatures import outbox
from behandlerklient.services.sync import backlog
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.migrate import load_migrations, migrate
from behandlerklient.storage.signatures import SignatureRepository
from tests.conftest import FAST_KDF
from tests.server.laptops import PASSPHRASE, laptop, new_cpr, new_name, quarantined
from tests.storage import test_migrate as ladder

# The records of the ladder this laptop wrote: (table, id). Drafts (contact 2, intake 2, consent 3, session 2,
# follow-up 2) never travel; a fidelity rating's row is its events' cache (schema 23) and does not travel.
SENT = [("gps", 1), ("children", 1), ("children", 2), ("guardians", 1), ("guardians", 2), ("child_changes", 1),
        ("child_changes", 2), ("contacts", 1), ("intakes", 1), ("screenings", 1), ("consents", 1), ("consents", 2),
        ("courses", 1), ("courses", 2), ("course_changes", 1), ("sdq_responses", 1), ("questionnaire_responses", 1),
        ("sessions", 1), ("sessions", 3), ("coordination_entries", 1), ("notifications", 1),
        ("closings", 1), ("follow_ups", 1), ("journal_entries", 1), ("journal_entries", 2), ("journal_entries", 3),
        ("reviews", 1), ("events", 1000)]
DRAFTS = [("contacts", 2), ("intakes", 2), ("consents", 3), ("sessions", 2), ("follow_ups", 2)]
# The supervisor's meeting: his key is never unlocked on this laptop.
WAITS = [("supervision_meetings", 1)]
LEFT_OUT = {"sync_outbox", "sync_state", "sync_acks", "sync_quarantine", "sync_orphans", "sync_received",
            "child_alias", "supervision_meeting_courses", "supervision_pairs",
            "group_sessions"}  # no session of the ladder names it: the second laptop would not read it (sync.md)


def _old_laptop(folder: Path, therapist: str, supervisor: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The ladder's records written at the schema before the sync existed, then the database upgraded."""
    before_sync = next(m.version for m in load_migrations() if m.name == "sync") - 1
    cprs = {1: cprmod.parse(new_cpr()), 2: cprmod.parse(new_cpr())}
    rows: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(ladder, "LADDER_ROWS_OF_ALL", ladder.LADDER_ROWS, raising=False)
    for table, row in ladder.LADDER_ROWS:
        if table in LEFT_OUT or table == "events" or (table == "fidelity_ratings" and row["rater_id"] == 2):
            continue
        row = dict(row)
        if table == "users":
            row["username"] = therapist if row["id"] == 1 else supervisor
        for column in ("track_id", "outcome_track_id"):  # a track the manuals of today have
            if column in row:
                row[column] = "cool-kids"
        if table == "children":
            cpr = cprs[row["id"]]
            row.update(cpr=cpr.digits, birth_date=cpr.birth_date.isoformat(), sex=cpr.sex)
        rows.append((table, row))
    monkeypatch.setattr(ladder, "LADDER_ROWS", rows)
    monkeypatch.setattr(ladder, "LADDER_AUDIT", [a for a in ladder.LADDER_AUDIT if a[0] == 1])
    folder.mkdir(parents=True)
    path = folder / "journal.db"
    db = ladder._at_version(path, before_sync)
    try:
        ladder._fill(db)
        event = {**next(row for table, row in ladder.LADDER_ROWS_OF_ALL if table == "events"), "value": '"cool-kids"'}
        with db.transaction():  # the app of that schema wrote its device id (the ladder leaves the default)
            db.insert("events", {**event, "device": db.scalar("SELECT device_uid FROM device"),
                                 "subject_uid": db.scalar("SELECT uid FROM courses WHERE id = 1"),
                                 "child_uid": db.scalar("SELECT uid FROM children WHERE id = 1")})
        migrate(db)
    finally:
        db.close()
    keys = kf.KeyFile.new()
    keys.add_wrap(kf.user_wrap_id(therapist), PASSPHRASE, ladder.KEY, FAST_KDF)
    keys.save(kf.keyfile_path(path))
    return path


def _uids(ws: Any, records: list[tuple[str, int]]) -> set[str]:
    return {ws.db.scalar(f"SELECT uid FROM {table} WHERE id = ?", (row_id,)) for table, row_id in records}


def _has(ws: Any, table: str, uid: str) -> bool:
    return bool(ws.db.scalar(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE uid = ?)", (uid,)))


def test_records_written_before_the_outbox_reach_the_server_once_and_a_second_laptop(server, tmp_path, monkeypatch):
    therapist, supervisor, colleague = new_name("t"), new_name("s"), new_name("t")
    path = _old_laptop(tmp_path / "old", therapist, supervisor, monkeypatch)
    ws = workspace.unlock(path=path, passphrase=PASSPHRASE, username=therapist)
    other = None
    try:
        # Unlocking registers the therapist's key and seals her unsealed signed records into the outbox; the
        # master data, courses, reviews and events they rest on would never leave without the backlog.
        before = ws.db.scalar("SELECT count(*) FROM sync_outbox")
        assert not _uids(ws, [("children", 1), ("courses", 1), ("gps", 1)]) & {
            r[0] for r in ws.db.query("SELECT uid FROM sync_outbox")}
        key = SignatureRepository(ws.db).keys_of(ws.user.id)[-1]["public_key"]
        password = secrets.token_urlsafe(16)
        with server.admin() as conn:
            admin.staff_add(conn, username=therapist, role="therapist", full_name="Test", password=password,
                            pubkey=base64.b64decode(key))
            # The supervisor who decided the review is staff too (his key lives on his own laptop).
            admin.staff_add(conn, username=supervisor, role="supervisor", full_name="Test", password=password,
                            pubkey=base64.b64decode(kf.public_key_of(kf.new_signing_key())))
        tls = server.cluster.tls
        tls.issue(therapist)
        syncing.enroll(ws=ws, host="127.0.0.1", port=server.cluster.port, user=therapist, password=password,
                       ca_pem=tls.ca_file.read_text(), cert_pem=(tls.folder / f"{therapist}.crt").read_text(),
                       key_pem=(tls.folder / f"{therapist}.key").read_text())
        listed = ws.db.scalar("SELECT count(*) FROM sync_backlog")
        assert listed == len(SENT) + len(WAITS) - before
        # Parents first: every child before anything about it, events last.
        order = [r[0] for r in ws.db.query("SELECT kind FROM sync_backlog ORDER BY id")]
        assert order.index("course_changes") > order.index("courses") > order.index("children") > order.index("gps")
        assert order[-1] == "events"

        # A kill in the middle of writing the envelopes: the pages written stay, the rest is written once later.
        monkeypatch.setattr(backlog, "PAGE", 5)
        real_write, calls = outbox.write, []

        def dies_on_the_seventh(*args: Any, **kwargs: Any) -> None:
            calls.append(1)
            if len(calls) == 7:
                raise KeyboardInterrupt("killed")
            real_write(*args, **kwargs)

        monkeypatch.setattr(outbox, "write", dies_on_the_seventh)
        with pytest.raises(KeyboardInterrupt):
            backlog.drain(ws)
        assert ws.db.scalar("SELECT count(*) FROM sync_outbox") == before + 5
        monkeypatch.setattr(outbox, "write", real_write)

        result = syncing.sync(ws=ws)
        sent = _uids(ws, SENT)
        out = {r[0] for r in ws.db.query("SELECT uid FROM sync_outbox")}
        assert out == sent and ws.db.scalar("SELECT count(*) FROM sync_outbox") == len(SENT)
        assert not _uids(ws, DRAFTS) & out
        assert result.push.sent == len(SENT) and result.push.quarantined == 0, result.summary()
        assert result.backlog_waiting == 1 and syncing.status(ws=ws).backlog_waiting == 1
        assert "1 ældre poster venter på forfatterens nøgle" in result.summary()
        with server.admin() as conn:
            on_server = {str(r[0]) for r in conn.execute("SELECT uid FROM bk.record WHERE author = %s", (therapist,))}
        assert sent <= on_server

        # Idempotent: listing again finds nothing new, a second sync sends nothing.
        with ws.db.transaction():
            ws.db.execute("UPDATE sync_state SET backlog_queued_at = NULL")
        assert backlog.queue(ws) == 0
        again = syncing.sync(ws=ws)
        assert (again.push.sent, again.push.duplicates) == (0, 0)
        assert ws.db.scalar("SELECT count(*) FROM sync_outbox") == len(SENT)

        # A colleague given the children receives the old records on a laptop of her own.
        other = laptop(server, tmp_path / "other", colleague, "therapist")
        with server.admin() as conn:
            for child in _uids(ws, [("children", 1), ("children", 2)]):
                admin.caseload_grant(conn, child=child, username=colleague, basis="shared")
        # The ladder's closing (completed after no sessions, no reason: signed before the closing rules existed) is
        # rechecked like typed input on receipt and held in quarantine for a person, never dropped.
        got = syncing.sync(ws=other)
        held = [tuple(r) for r in other.db.query("SELECT kind, reason FROM sync_quarantine WHERE author = ?",
                                                 (therapist,))]
        assert [k for k, _ in held] == ["closings"] and "reglerne for afslutning" in held[0][1]
        # The shared test server also holds other tests' GPs, which every laptop receives: count the therapist's.
        assert got.pull.received >= len(SENT) - 1
        assert other.db.scalar("SELECT count(*) FROM sync_received WHERE author = ?", (therapist,)) == len(SENT) - 1
        for table, row_id in SENT:
            if table not in ("events", "closings"):
                uid = ws.db.scalar(f"SELECT uid FROM {table} WHERE id = ?", (row_id,))
                assert _has(other, table, uid), f"{table} {row_id} did not reach the second laptop"
        assert quarantined(other, therapist) == 1
    finally:
        ws.close()
        if other is not None:
            other.close()


def test_children_from_the_backlog_are_registered_before_a_batch_holds_records_about_them(server, tmp_path,
                                                                                         monkeypatch):
    """Unlocking seals the old signed records (about child 1) into the outbox before the backlog adds the child
    itself: with more waiting than one batch holds, the child's registration must still come first."""
    therapist, supervisor = new_name("t"), new_name("s")
    path = _old_laptop(tmp_path / "old", therapist, supervisor, monkeypatch)
    ws = workspace.unlock(path=path, passphrase=PASSPHRASE, username=therapist)
    try:
        first = ws.db.query("SELECT kind FROM sync_outbox ORDER BY id LIMIT 3")
        assert first and all(r[0] != "children" for r in first)  # records about the child lead the outbox
        key = SignatureRepository(ws.db).keys_of(ws.user.id)[-1]["public_key"]
        password = secrets.token_urlsafe(16)
        with server.admin() as conn:
            admin.staff_add(conn, username=therapist, role="therapist", full_name="Test", password=password,
                            pubkey=base64.b64decode(key))
            admin.staff_add(conn, username=supervisor, role="supervisor", full_name="Test", password=password,
                            pubkey=base64.b64decode(kf.public_key_of(kf.new_signing_key())))
        tls = server.cluster.tls
        tls.issue(therapist)
        syncing.enroll(ws=ws, host="127.0.0.1", port=server.cluster.port, user=therapist, password=password,
                       ca_pem=tls.ca_file.read_text(), cert_pem=(tls.folder / f"{therapist}.crt").read_text(),
                       key_pem=(tls.folder / f"{therapist}.key").read_text())
        pushing = importlib.import_module("behandlerklient.services.sync.push")  # the package's `push` is a function
        monkeypatch.setattr(pushing, "BATCH", 3)  # the outbox is ten batches long; the children's envelopes come last
        result = syncing.sync(ws=ws)
        # (The ladder's event has a fixed uid: pushed by the test before, it is a conflict here, not a refusal.)
        assert result.push.quarantined == 0, result.summary()
        assert result.push.sent + result.push.conflicts == len(SENT), result.summary()
        with server.admin() as conn:
            reasons = {r[0] for r in conn.execute("SELECT reason FROM bk.quarantine WHERE pushed_by = %s",
                                                  (therapist,))}
        assert reasons <= {"uid_conflict"}
    finally:
        ws.close()
