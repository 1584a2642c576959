"""A pull page applied in bulk (docs/sync.md "Speed, measured"): a fresh laptop takes another laptop's signed records
as bk.pull would serve them (from memory, bench/sync_apply.py), with a handful of SQL statements a record instead of
about twenty, and every guarantee kept: a bad signature or hash quarantined with its reason, a record whose parent
comes later in the page applied, one whose parent never comes kept as an orphan, and both laptops verify clean."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bench.sync import _pubkey
from bench.sync_apply import FakeServer, pulled_rows

from behandlerklient.services.demo import demo
from behandlerklient.services.sync import backlog
from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.verify import integrity
from behandlerklient.services.workspace import workspace
from behandlerklient.storage.database import Database
from behandlerklient.storage.sync_state import SyncRepository
from tests.conftest import PASSPHRASE, USERNAME
from tests.helpers import sync_receipts


@pytest.fixture
def source(ws, monkeypatch) -> tuple[list[Any], list[tuple]]:  # noqa: ANN001
    """A laptop's own demo journal (every record its user's), listed for the server as enrolment lists it."""
    monkeypatch.setattr(demo, "THERAPISTS", ())
    demo.generate(ws=ws, children_count=3, seed=14, today=date(2026, 11, 23))
    backlog.queue(ws)
    backlog.drain(ws)
    return [(ws.user.username, "therapist", "Anna Åberg", _pubkey(ws))], pulled_rows(ws)


def _fresh(tmp_path: Path) -> Any:
    """The same user's new laptop (another device), enrolled."""
    folder = tmp_path / "fresh"
    folder.mkdir()
    fresh = workspace.create(path=folder / "journal.db", username=USERNAME, full_name="Anna Åberg",
                             passphrase=PASSPHRASE, role="therapist")
    with fresh.db.transaction():
        SyncRepository(fresh.db).enroll({"server_host": "test", "username": USERNAME, "password": "-",
                                         "device_uid": fresh.db.device_uid})
    return fresh


def _counting(monkeypatch) -> list[str]:  # noqa: ANN001
    """Every call the laptop makes into SQLCipher (an executemany is one)."""
    sent: list[str] = []
    plain, many = Database._exec, Database.executemany

    def exec_(self: Database, sql: str, params: Any = ()) -> Any:
        sent.append(sql)
        return plain(self, sql, params)

    def executemany(self: Database, sql: str, rows: Any) -> Any:
        sent.append(sql)
        return many(self, sql, rows)

    monkeypatch.setattr(Database, "_exec", exec_)
    monkeypatch.setattr(Database, "executemany", executemany)
    return sent


def test_a_fresh_laptop_applies_a_page_with_few_statements_a_record_and_verifies_clean(source, tmp_path,
                                                                                      monkeypatch) -> None:
    staff, rows = source
    fresh = _fresh(tmp_path)
    try:
        sent = _counting(monkeypatch)
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        monkeypatch.undo()
        # Nothing dropped, nothing refused: the user's own demo journal applies whole on her other laptop
        assert result.received > 100 and result.quarantined + result.orphans == 0
        assert result.received + result.quarantined + result.orphans == len(rows)
        # Before: 17.7 a record (look-ups by uid, a savepoint around each insert, the proof, two work-list deletes,
        # the audit row's names, orphans written and read back); now the insert, a parent from an earlier page.
        assert len(sent) / len(rows) < 10, f"{len(sent) / len(rows):.1f} calls into SQLCipher a record"
        # The audit rows name the page's children by the uids the page brought, not read back one by one
        assert not [sql for sql in sent if sql.startswith("SELECT uid FROM children WHERE id")]
        received = fresh.db.scalar("SELECT count(*) FROM sync_received")
        assert received == result.received
        assert fresh.db.scalar("SELECT count(*) FROM sync_pending") == 0
        assert fresh.db.scalar("SELECT count(*) FROM signatures_pending") == 0
        logged, held = sync_receipts(fresh.db)
        assert logged == held and len(held[0]) == result.received  # each received record in the audit log, once
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
        again = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid)
        again.apply_page(rows[:50])  # the same records again (a history overlapping the pull): known, not doubled
        assert again.result.known == 50 and again.result.received == 0
        assert fresh.db.scalar("SELECT count(*) FROM sync_received") == received
    finally:
        fresh.close()


def _tampered(row: tuple, *, signature: bytes | None = None, digest: bytes | None = None) -> tuple:
    seq, uid, kind, child, author, device, signed_at, version, payload, content_hash, sig = row
    return (seq, uid, kind, child, author, device, signed_at, version, payload, digest or content_hash,
            signature or sig)


def test_in_a_bulk_page_a_bad_signature_is_quarantined_a_late_parent_applies_and_a_missing_one_waits(
        source, tmp_path) -> None:
    staff, rows = source
    by_kind = {r[2]: n for n, r in reversed(list(enumerate(rows)))}  # each kind's first row
    forged, hashed = by_kind["journal_entries"], by_kind["guardians"]
    rows[forged] = _tampered(rows[forged], signature=bytes(64))
    rows[hashed] = _tampered(rows[hashed], digest=bytes(32))
    # A course at the end of the page, after its sessions: they wait for it in memory and apply at the page's end.
    course, session = by_kind["courses"], by_kind["sessions"]
    late = [r for n, r in enumerate(rows) if n != course] + [rows[course]]
    pages = [(n + 1, *r[1:]) for n, r in enumerate(late)]
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, pages), device=fresh.db.device_uid).run()
        reasons = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        assert reasons[rows[forged][1]] == "bad_signature"
        assert reasons[rows[hashed][1]] == "bad_content_hash"
        assert fresh.db.scalar("SELECT id FROM courses WHERE uid = ?", (rows[course][1],)) is not None
        assert fresh.db.scalar("SELECT id FROM sessions WHERE uid = ?", (rows[session][1],)) is not None
        # Records about the forged entry's child that name the entry, and the guardian's, wait as orphans.
        waiting = {r[0] for r in fresh.db.query("SELECT missing FROM sync_orphans")}
        assert waiting <= {rows[forged][1], rows[hashed][1]}
        assert result.quarantined >= 2 and result.received + result.quarantined + result.orphans == len(rows)
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()
