"""A pull page's signatures checked ahead on the pull's worker, and its audit rows written a few statements a page
(docs/sync.md "Speed, measured"): every record is still checked against its author's registered key, with the
verdict `cryptography` gives, a record that fails is quarantined with its reason (in any page), and the laptop
verifies clean."""

from __future__ import annotations

import base64
import threading
from collections import Counter
from typing import Any

import pytest
from bench.sync_apply import FakeServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from behandlerklient.core import sync_envelope
from behandlerklient.security import ed25519
from behandlerklient.services.signatures import audit
from behandlerklient.services.sync import apply, pull
from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.verify import integrity
from behandlerklient.storage import audit_log
from behandlerklient.storage.database import Database
from behandlerklient.storage.sync_state import SyncRepository
from tests.services.test_sync_apply_page import _fresh, _tampered, source  # noqa: F401 - `source` is a fixture

L = 2**252 + 27742317777372353535851937790883648493  # the order of Ed25519's base point


@pytest.fixture
def sodium_calls(monkeypatch) -> list[str]:  # noqa: ANN001
    """The name of the thread each libsodium check ran on."""
    real = ed25519._sodium()
    assert real is not None, "libsodium23 is installed here (.ci/run installs it): the checks ahead need it"
    threads: list[str] = []

    def check(signature: bytes, message: bytes, size: int, key: bytes) -> int:
        threads.append(threading.current_thread().name)
        return real(signature, message, size, key)

    ed25519.verifier.cache_clear()  # verifiers made before hold the library's function itself
    monkeypatch.setattr(ed25519, "_sodium", lambda: check)
    yield threads
    ed25519.verifier.cache_clear()


def test_every_page_s_signatures_are_checked_on_a_worker_and_a_bad_one_in_a_later_page_is_quarantined(
        source, tmp_path, monkeypatch, sodium_calls) -> None:  # noqa: F811 - `source`: the fixture imported above
    staff, rows = source
    monkeypatch.setattr(pull, "PAGE", 40)
    later = [n for n in range(80, len(rows)) if rows[n][2] in ("journal_entries", "guardians", "sessions")]
    forged, hashed = later[0], later[-1]  # both in the third page or after: fetched and checked ahead
    rows[forged] = _tampered(rows[forged], signature=bytes(64))
    rows[hashed] = _tampered(rows[hashed], digest=bytes(32))
    stored: list[str] = []  # orphans a page left in sync_orphans: read back and checked again in a later page
    add_orphan = SyncRepository.add_orphan
    monkeypatch.setattr(SyncRepository, "add_orphan", lambda self, **row: (stored.append(row["uid"]),
                                                                           add_orphan(self, **row))[1])
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert result.pages == -(-len(rows) // 40)
        # Before: every signature checked on the applying thread, by `cryptography`
        checked = sum(1 for r in rows if r[2] != "audit_log") - 1  # not the hashed one: refused before its signature
        threads = Counter(name.split("_")[0] for name in sodium_calls)
        assert threads["bk-check"] == checked
        assert threads[threading.current_thread().name] <= len(stored) and set(threads) <= {"bk-check", "MainThread"}
        reasons = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        assert reasons[rows[forged][1]] == "bad_signature"
        assert reasons[rows[hashed][1]] == "bad_content_hash"
        assert result.received + result.quarantined + result.orphans == len(rows)
        assert fresh.db.scalar("SELECT count(*) FROM sync_received") == result.received
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()


def test_without_libsodium_the_signatures_are_checked_in_place_with_the_same_outcome(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811
    staff, rows = source
    rows[5] = _tampered(rows[5], signature=bytes(64))
    ed25519.verifier.cache_clear()
    monkeypatch.setattr(ed25519, "_sodium", lambda: None)  # the bundled app on a machine without libsodium
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))[rows[5][1]] == "bad_signature"
        assert result.received + result.quarantined + result.orphans == len(rows)
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        ed25519.verifier.cache_clear()
        fresh.close()


def _raw(public: Any) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_libsodium_gives_cryptography_s_verdict_on_good_bad_and_odd_signatures() -> None:
    assert ed25519.backend() == "libsodium"
    key = Ed25519PrivateKey.generate()
    public, other = _raw(key.public_key()), _raw(Ed25519PrivateKey.generate().public_key())
    message = b'{"v":"behandlerklient-sync-v1"}'
    good = key.sign(message)
    s = int.from_bytes(good[32:], "little")
    small_order = bytes([1]) + bytes(31)  # the neutral point: OpenSSL accepts R = it, S = 0 for any message
    cases = [
        (public, good, message),
        (public, good, message + b" "),
        (other, good, message),
        (public, good[:63], message),
        (public, good + b"\x00", message),
        (public, bytes(64), message),
        (public, good[:32] + (s + L).to_bytes(32, "little"), message),  # S not reduced: refused by both
        (small_order, small_order + bytes(32), message),  # libsodium refuses a small-order key; OpenSSL does not
        (b"\x00" * 31, good, message),  # no Ed25519 key at all
    ]
    for raw, signature, text in cases:
        fast = ed25519.verifier(raw)(signature, text)
        slow = ed25519.verifier(raw, sodium=False)(signature, text)
        assert fast == slow, (base64.b64encode(raw), len(signature))
    assert ed25519.verifier(public)(good, message) and not ed25519.verifier(public)(bytes(64), message)


def test_a_page_s_audit_rows_take_a_statement_per_500_rows_not_one_each(ws, monkeypatch) -> None:  # noqa: ANN001
    runs: list[str] = []  # each statement SQLite runs for the audit log (an executemany runs one a row)
    plain, many = Database._exec, Database.executemany

    def exec_(self: Database, sql: str, params: Any = ()) -> Any:
        runs.append(sql)
        return plain(self, sql, params)

    def executemany(self: Database, sql: str, rows: Any) -> Any:
        rows = list(rows)
        runs.extend([sql] * len(rows))
        return many(self, sql, rows)

    entries = [(None, f"sessions:{n}", f"sync seq {n} from x") for n in range(1200)]
    monkeypatch.setattr(Database, "_exec", exec_)
    monkeypatch.setattr(Database, "executemany", executemany)
    audit.record_many(ws.db, user_id=ws.user.id, action="sync", now=ws.clock(), entries=entries)
    monkeypatch.undo()
    inserts = [s for s in runs if s.startswith("INSERT INTO audit_log")]
    # Before: one statement a row, each walking record_many's savepoint's sub-journal from its start (117 us a row
    # after a 4,000-record page); now one per audit_log.CHUNK rows
    assert len(inserts) == -(-len(entries) // audit_log.CHUNK) == 3
    assert ws.db.scalar("SELECT count(*) FROM audit_log WHERE detail LIKE 'sync seq %'") == 1200
    assert audit.verify_chain(ws.db).ok


def test_the_envelope_the_applier_checks_is_sync_envelope_s_for_every_kind_and_a_float_is_malformed(
        source) -> None:  # noqa: F811
    staff, rows = source
    recs = [pull.received_of(row) for row in rows]
    assert len({r.kind for r in recs}) > 10
    for rec in recs:
        assert apply._envelope_bytes(rec) == sync_envelope.envelope_bytes(**rec.fields())
    rec = next(r for r in recs if r.kind == "sessions")
    for spoiled in (1.5, [1, {"x": [2.0]}], {"deep": {"er": float("nan")}}):
        rec.payload = {**rec.payload, "agenda": spoiled}
        with pytest.raises(ValueError):
            sync_envelope.envelope_bytes(**rec.fields())
        with pytest.raises(apply.Refused, match="malformed"):
            apply.envelope_of(rec, {s[0]: apply.Staff(s[0], s[1], s[2], bytes(s[3])) for s in staff})
