"""A large pull page's envelopes checked ahead in a second process, and its audit rows written a few statements a
page (docs/sync.md "Speed, measured"): every record is still checked against its author's registered key, with the
verdict `cryptography` gives, a record that fails is quarantined with its reason (in any page), and the laptop
verifies clean."""

from __future__ import annotations

import base64
import hashlib
import os
import resource
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from typing import Any

import pytest
from bench.sync_apply import FakeServer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from behandlerklient.core import sync_envelope
from behandlerklient.security import ed25519
from behandlerklient.services.exchange import pulled_rows
from behandlerklient.services.signatures import audit
from behandlerklient.services.sync import apply, page_checks, pull
from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.verify import integrity
from behandlerklient.storage import audit_log
from behandlerklient.storage.database import Database
from behandlerklient.storage.sync_state import SyncRepository
from tests.services.test_sync_apply_page import _fresh, _tampered, source  # noqa: F401 - `source` is a fixture

L = 2**252 + 27742317777372353535851937790883648493  # the order of Ed25519's base point


def _spied(monkeypatch) -> tuple[list[int], list[str]]:  # noqa: ANN001
    """(the number of records each large page sent to the check process, the uids checked in place)."""
    sent: list[int] = []
    in_place: list[str] = []
    made = page_checks.PageChecks.__init__

    def init(self: page_checks.PageChecks, process: Any, recs: list[Any], **kw: Any) -> None:
        made(self, process, recs, **kw)
        sent.append(len(self._at))

    check = apply.check_envelope

    def checked_here(rec: Any, staff: Any, checked: Any = None) -> bytes:
        if checked is None:
            in_place.append(rec.uid)
        return check(rec, staff, checked)

    monkeypatch.setattr(page_checks.PageChecks, "__init__", init)
    monkeypatch.setattr(apply, "check_envelope", checked_here)
    return sent, in_place


def test_every_large_page_is_checked_in_the_check_process_and_a_bad_record_in_a_later_page_is_quarantined(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811 - `source`: the fixture imported above
    staff, rows = source
    monkeypatch.setattr(pull, "PAGE", 40)
    monkeypatch.setattr(page_checks, "CHECK_AHEAD", 10)
    later = [n for n in range(80, len(rows)) if rows[n][2] in ("journal_entries", "guardians", "sessions")]
    forged, hashed = later[0], later[-1]  # both in the third page or after: sent to the process ahead
    rows[forged] = _tampered(rows[forged], signature=bytes(64))
    rows[hashed] = _tampered(rows[hashed], digest=bytes(32))
    monkeypatch.setattr(page_checks, "WAIT", True)  # the process's verdicts only (the app checks in place meanwhile)
    sent, in_place = _spied(monkeypatch)
    stored: list[str] = []  # orphans a page left in sync_orphans: read back and checked again in a later page
    add_orphan = SyncRepository.add_orphan
    monkeypatch.setattr(SyncRepository, "add_orphan", lambda self, **row: (stored.append(row["uid"]),
                                                                           add_orphan(self, **row))[1])
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert result.pages == -(-len(rows) // 40)
        # Every page's records went to the process (not the audit rows, which are not applied), and only the
        # orphans stored by an earlier page were checked again here
        checked = sum(1 for r in rows if r[2] != "audit_log")
        assert sum(sent) == checked and len(sent) == result.pages
        assert set(in_place) <= set(stored) and len(in_place) <= len(stored)
        reasons = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        assert reasons[rows[forged][1]] == "bad_signature"
        assert reasons[rows[hashed][1]] == "bad_content_hash"
        assert result.received + result.quarantined + result.orphans == len(rows)
        assert fresh.db.scalar("SELECT count(*) FROM sync_received") == result.received
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()


def test_the_check_process_gives_the_verdicts_made_in_place(source) -> None:  # noqa: F811
    staff, rows = source
    rows[3] = _tampered(rows[3], signature=bytes(64))
    rows[7] = _tampered(rows[7], digest=bytes(32))
    people = {s[0]: apply.Staff(s[0], s[1], s[2], bytes(s[3])) for s in staff}
    recs = [pull.received_of(row) for row in rows if row[2] != "audit_log"]
    recs[9].author = "ukendt"  # a signer the server does not know, its hash made again to hold
    recs[9].content_hash = hashlib.sha256(apply._envelope_bytes(recs[9])).hexdigest()
    process = page_checks.CheckProcess()
    try:
        checks = page_checks.PageChecks(process, recs, staff=people, device="another device")
        for job in checks._jobs:
            assert job is not None
            job.result(timeout=60)  # the process's answers, all of them
        ahead = [checks.of(rec) for rec in recs]
    finally:
        process.close()
    here = []
    for rec in recs:
        try:
            here.append(apply.check_envelope(rec, people))
        except apply.Refused as refused:
            here.append(str(refused))
    assert ahead == here
    assert {v for v in ahead if isinstance(v, str)} == {"bad_signature", "bad_content_hash", "unknown_signer"}


def test_the_check_process_is_hardened_as_the_app_is() -> None:
    process = page_checks.CheckProcess()
    try:
        process.warm()
        assert process._pool is not None
        # no core file of a worker that holds records (this test's own process is not hardened: the worker did it)
        assert process._pool.submit(resource.getrlimit, resource.RLIMIT_CORE).result(timeout=60) == (0, 0)
    finally:
        process.close()



class _CountedJob(Future[list[Any]]):
    def __init__(self, answers: list[Any]) -> None:
        super().__init__()
        self.set_result(answers)
        self.reads = 0

    def result(self, timeout: float | None = None) -> Any:
        self.reads += 1
        return super().result(timeout)


def test_a_job_s_answers_are_read_from_its_future_once(source) -> None:  # noqa: F811
    staff, rows = source
    people = {s[0]: apply.Staff(s[0], s[1], s[2], bytes(s[3])) for s in staff}
    recs = [pull.received_of(row) for _ in range(4) for row in rows if row[2] != "audit_log"]  # several jobs

    class Answering:  # the check process's place: each job answered at once, its future counted
        jobs: list[_CountedJob] = []

        def submit(self, chunk: list[Any], keys: Any, rules: Any = None) -> _CountedJob:
            job = _CountedJob([(f"verdict {fields[0]}", "") for fields in chunk])
            self.jobs.append(job)
            return job

    answering = Answering()
    checks = page_checks.PageChecks(answering, recs, staff=people, device="another device",  # type: ignore[arg-type]
                                    rules=pulled_rows.RowRules({}, frozenset(), frozenset()))
    assert [checks.of(rec) for rec in recs] == [f"verdict {rec.uid}" for rec in recs]
    assert [checks.row_of(rec) for rec in recs] == [""] * len(recs)
    # two questions a record: each job's future is asked once (each ask takes its lock)
    assert len(answering.jobs) == -(-len(recs) // page_checks.CHUNK) > 1
    assert [job.reads for job in answering.jobs] == [1] * len(answering.jobs)


_HOLDER = """
import sys, time
from behandlerklient.services.sync.page_checks import CheckProcess
if __name__ == "__main__":
    process = CheckProcess()
    process.warm()
    process._pool.submit(time.sleep, 0).result(timeout=60)
    print(*process._pool._processes, flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_the_check_process_ends_when_the_app_is_killed(tmp_path) -> None:  # noqa: ANN001
    script = tmp_path / "holder.py"
    script.write_text(_HOLDER)
    app = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                           env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert app.stdout is not None
        worker = int(app.stdout.readline())
        assert _alive(worker)
        app.kill()  # SIGKILL: no shutdown of the pool, the way a crash or a power button leaves it
        app.wait(timeout=30)
        deadline = time.monotonic() + 20
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker)  # before: it waited for work for ever, records in its memory
    finally:
        app.kill()
        app.wait(timeout=30)
        if app.stdout is not None:
            app.stdout.close()


def test_a_check_process_that_dies_mid_pull_leaves_the_records_to_be_checked_in_place(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811
    staff, rows = source
    monkeypatch.setattr(pull, "PAGE", 40)
    monkeypatch.setattr(page_checks, "CHECK_AHEAD", 10)
    forged = next(n for n in range(80, len(rows)) if rows[n][2] == "journal_entries")  # a page after the kill
    rows[forged] = _tampered(rows[forged], signature=bytes(64))
    fresh = _fresh(tmp_path)
    killed: list[int] = []

    def kill_the_checker(seq: int) -> None:
        pool = puller.checker._pool if puller.checker is not None else None
        if not killed and pool is not None and pool._processes:
            for pid in list(pool._processes):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

    try:
        puller = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid, page_hook=kill_the_checker)
        result = puller.run()
        assert killed
        assert dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine")) == {rows[forged][1]: "bad_signature"}
        assert result.received + result.quarantined + result.orphans == len(rows)
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()


def test_a_record_the_process_has_not_answered_yet_is_checked_in_place(source) -> None:  # noqa: F811
    staff, rows = source
    people = {s[0]: apply.Staff(s[0], s[1], s[2], bytes(s[3])) for s in staff}
    recs = [pull.received_of(row) for row in rows if row[2] != "audit_log"][:5]

    class Slow:  # a process still starting: its job is not through
        def submit(self, chunk: Any, keys: Any, rules: Any = None) -> Future[list[Any]]:
            return Future()

    rules = pulled_rows.RowRules({}, frozenset(), frozenset())
    checks = page_checks.PageChecks(Slow(), recs, staff=people, device="another device",  # type: ignore[arg-type]
                                    rules=rules)
    assert [checks.of(rec) for rec in recs] == [None] * 5  # not waited for: the applier checks them in place
    assert [checks.row_of(rec) for rec in recs] == [None] * 5


def test_a_routine_sync_s_few_records_start_no_process(source, tmp_path, monkeypatch) -> None:  # noqa: F811
    staff, rows = source
    started: list[object] = []
    monkeypatch.setattr(page_checks, "ProcessPoolExecutor", lambda **kw: started.append(kw))
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, rows[:60]), device=fresh.db.device_uid).run()
        assert result.received + result.quarantined + result.orphans == 60
        assert started == []
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



def test_a_page_s_audit_rows_take_no_savepoint_of_their_own_and_leave_with_the_page(ws) -> None:  # noqa: ANN001
    statements: list[str] = []
    entries: list[tuple[int | None, str, str]] = [(None, f"sessions:{n}", f"sync seq {n} from x") for n in range(700)]
    ws.db._conn.set_trace_callback(statements.append)
    try:
        with ws.db.transaction():  # a pull page's transaction
            audit.record_many(ws.db, user_id=ws.user.id, action="sync", now=ws.clock(), entries=entries, whole=True)
        with pytest.raises(RuntimeError), ws.db.transaction():  # a page that fails after its audit rows
            audit.record_many(ws.db, user_id=ws.user.id, action="sync", now=ws.clock(),
                              entries=[(None, "sessions:1", "sync seq 9999 from x")], whole=True)
            raise RuntimeError("the page fails")
    finally:
        ws.db._conn.set_trace_callback(None)
    # Under a savepoint each statement's end walks its sub-journal: the page's own transaction is enough
    assert not [s for s in statements if s.startswith(("SAVEPOINT", "RELEASE"))]
    assert ws.db.scalar("SELECT count(*) FROM audit_log WHERE detail LIKE 'sync seq %'") == 700
    assert audit.verify_chain(ws.db).ok
    # Outside a transaction it still opens its own
    audit.record_many(ws.db, user_id=ws.user.id, action="sync", now=ws.clock(), entries=entries[:1], whole=True)
    assert ws.db.scalar("SELECT count(*) FROM audit_log WHERE detail LIKE 'sync seq %'") == 701
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


def _resigned(staff: list[Any], rows: list[tuple], change: dict[int, dict[str, Any]],
              moved: dict[int, str] | None = None) -> tuple[list[Any], list]:
    """The rows signed again by a new key of their author, with some payloads changed first (row -> fields): a
    record whose signature holds and whose row the applier must refuse. `moved` (row -> child uid): rows sent under
    another child, the envelope's (and an event row's own child_uid, which must match it)."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    out = []
    for n, row in enumerate(rows):
        seq, uid, kind, child, author, device, signed_at, version, payload, _digest, _sig = row
        payload = {**payload, **change.get(n, {})}
        if moved and n in moved:
            child = moved[n]
            if kind.endswith("_events"):
                payload = {**payload, "child_uid": child}
        rec = pull.received_of((seq, uid, kind, child, author, device, signed_at, version, payload, b"", b""))
        body = apply._envelope_bytes(rec)
        out.append((seq, uid, kind, child, author, device, signed_at, version, payload,
                    hashlib.sha256(body).digest(), key.sign(body)))
    return [(s[0], s[1], s[2], public) for s in staff], out


def _bad_rows(rows: list[tuple]) -> dict[int, dict[str, Any]]:
    """Values typed input refuses, in rows of several kinds, spread over the pages (each a field check's)."""
    first = {}
    for n, row in enumerate(rows):
        first.setdefault(row[2], []).append(n)
    return {first["guardians"][-1]: {"relation": "nabo"},  # not in the vocabulary
            first["sessions"][-1]: {"session_date": "2026-13-40"},  # not a date
            first["contacts"][-1]: {"channel": "x" * 300},  # too long, and not in the vocabulary
            first["journal_entries"][0]: {"body": "ok\x00"}}  # a NUL character


def _pulled(staff: list[Any], rows: list[tuple], tmp_path: Any, name: str) -> tuple[dict[str, str], Any]:
    folder = tmp_path / name
    folder.mkdir()
    fresh = _fresh(folder)
    try:
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        quarantined = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
        return quarantined, result
    finally:
        fresh.close()


def test_the_check_process_refuses_the_rows_typed_input_refuses_as_the_applier_does_in_place(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811
    staff, rows = source
    change = _bad_rows(rows)
    staff, rows = _resigned(staff, rows, change)
    monkeypatch.setattr(pull, "PAGE", 40)
    monkeypatch.setattr(page_checks, "CHECK_AHEAD", 10)
    monkeypatch.setattr(page_checks, "WAIT", True)  # every row the process checks: its verdict only
    asked: list[str] = []
    row_of = page_checks.PageChecks.row_of

    def spy(self: page_checks.PageChecks, rec: Any) -> str | None:
        found = row_of(self, rec)
        if found is not None:
            asked.append(rec.uid)
        return found

    monkeypatch.setattr(page_checks.PageChecks, "row_of", spy)
    ahead, result = _pulled(staff, rows, tmp_path, "ahead")
    assert {rows[n][2] for n in change if rows[n][1] not in asked} == set()  # the process gave these rows' verdicts
    assert len(asked) > len(rows) // 2

    monkeypatch.setattr(page_checks.CheckProcess, "submit", lambda *a, **k: None)  # no process: all in place
    here, again = _pulled(staff, rows, tmp_path, "here")

    assert ahead == here
    reasons = sorted(ahead[rows[n][1]] for n in change)
    assert all(r.startswith("invalid_row: feltet ") for r in reasons), reasons
    assert {r.split("'")[1] for r in reasons} == {"relation", "session_date", "channel", "body"}
    assert result.received == again.received and result.quarantined == again.quarantined


def test_a_row_s_fields_are_checked_but_those_naming_records() -> None:
    from behandlerklient.services.exchange import import_checks

    types = {"uid": "TEXT", "child_id": "INTEGER", "name": "TEXT", "relation": "TEXT", "has_custody": "INTEGER"}
    rules = pulled_rows.RowRules({"guardians": (types, frozenset({"child_id"}))}, frozenset(), frozenset())
    good = {"uid": "g1", "child_id": "0192-barnets-uid", "name": "Åse Ærø", "relation": "mother", "has_custody": 1}

    def fields(kind: str, payload: dict[str, Any]) -> Any:
        return ("g1", kind, "c1", "a", "d", "2026-01-01T00:00:00Z", 1, payload, "", "")

    problem = pulled_rows.row_problem
    assert problem(fields("guardians", good), rules) == ""  # the child's uid is resolved by the applier
    custody = "feltet 'has_custody' skal være 0 eller 1."
    assert problem(fields("guardians", {**good, "has_custody": 2}), rules) == custody
    assert problem(fields("guardians", {**good, "extra": 1}), rules) is None  # schema_mismatch: in place
    assert problem(fields("course_events", good), rules) is None  # an event: in place
    with pytest.raises(import_checks.RowProblem):  # what the applier would find in place on the same row
        import_checks.check_values("guardians", {**good, "child_id": 7, "has_custody": 2}, column_types=types,
                                   tracks=frozenset())


def test_records_signed_by_a_key_retired_since_are_proven_here_when_the_check_process_refuses_them(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811
    """The server replaced the author's key after these records arrived (server migration 0019): the check process
    knows only the registered key and answers bad_signature; the applier checks them again against the retired key,
    applies them, and keeps that key with each proof."""
    staff, rows = source
    monkeypatch.setattr(pull, "PAGE", 40)
    monkeypatch.setattr(page_checks, "CHECK_AHEAD", 10)
    monkeypatch.setattr(page_checks, "WAIT", True)
    sent, in_place = _spied(monkeypatch)
    (name, role, full_name, old_key), = staff
    new_key = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                     serialization.PublicFormat.Raw)
    retired = [(name, old_key, int(rows[-1][0]), [])]
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer([(name, role, full_name, new_key)], rows, retired),
                        device=fresh.db.device_uid).run()
        applied = [r for r in rows if r[2] != "audit_log"]
        assert result.quarantined == 0 and result.received + result.orphans == len(applied)
        assert sum(sent) == len(applied) and len(in_place) >= result.received  # each refused ahead, proven here
        assert {base64.b64decode(k) for (k,) in fresh.db.query("SELECT DISTINCT public_key FROM sync_received")} \
            == {bytes(old_key)}
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()

    # Retired halfway through, one later record released under it by an administrator: the key proves the records up
    # to its last seq and the one released, and none of the others, whatever their signed_at.
    middle = int(rows[len(rows) // 2][0])
    after = [r for r in rows if int(r[0]) > middle and r[2] != "audit_log"]
    released = after[len(after) // 2][1]
    (tmp_path / "half").mkdir()
    fresh = _fresh(tmp_path / "half")
    try:
        Puller(fresh, FakeServer([(name, role, full_name, new_key)], rows, [(name, old_key, middle, [released])]),
               device=fresh.db.device_uid).run()
        refused = dict(fresh.db.query("SELECT uid, reason FROM sync_quarantine"))
        assert refused and set(refused.values()) == {"bad_signature"}
        assert {r[1] for r in after} - {released} == set(refused)
        # proven, so applied, or waiting for a parent the retired key does not prove (never refused)
        assert fresh.db.scalar("SELECT (SELECT count(*) FROM sync_received WHERE uid = ?) + "
                               "(SELECT count(*) FROM sync_orphans WHERE uid = ?)", (released, released)) == 1
    finally:
        fresh.close()

    # Retired before these records arrived (a seq after its last), and none released under it: the retired key proves
    # none of them.
    retired = [(name, old_key, 0, [])]
    (tmp_path / "again").mkdir()
    fresh = _fresh(tmp_path / "again")
    try:
        result = Puller(fresh, FakeServer([(name, role, full_name, new_key)], rows, retired),
                        device=fresh.db.device_uid).run()
        reasons = {reason for (reason,) in fresh.db.query("SELECT DISTINCT reason FROM sync_quarantine")}
        assert result.received == 0 and reasons == {"bad_signature"}
    finally:
        fresh.close()
