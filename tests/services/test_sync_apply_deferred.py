"""A pull page's rows that nothing else in the page names or reads (journal entries above all), its received events and
their fidelity folds are written a statement per table when the page's records are through, and a received event
needs no savepoint of its own (docs/sync.md "Speed, measured"). When the schema refuses one of those writes, the page
is rolled back and applied again record by record: every record gets the verdict it gets on its own."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from bench.sync_apply import FakeServer

from behandlerklient.services.sync import pull
from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.verify import integrity
from tests.services.test_sync_apply_page import _counting, _fresh, source  # noqa: F401 - `source` is a fixture


def _inserts(sent: list[str]) -> Counter[str]:
    return Counter(m.group(1) for s in sent if (m := re.match(r"\s*INSERT INTO (\w+)", s)))


def test_a_page_writes_its_journal_entries_events_and_fidelity_folds_a_statement_each_and_no_savepoint_per_event(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811 - `source`: the fixture imported above
    staff, rows = source
    kinds = Counter(r[2] for r in rows)
    assert kinds["journal_entries"] > 20 and kinds["fidelity_events"] >= 5 and kinds["course_events"] >= 1
    fresh = _fresh(tmp_path)
    try:
        monkeypatch.setattr(pull, "PAGE", 100)
        sent = _counting(monkeypatch)
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        monkeypatch.undo()
        assert result.received + result.quarantined + result.orphans == len(rows)
        pages = result.pages
        assert pages >= 2
        inserts = _inserts(sent)
        # Before: one INSERT a journal entry, an event, a fidelity fold; now one a table and page (an orphan retried
        # at the page's end may add one more)
        for table in ("journal_entries", "events", "fidelity_ratings", "consents", "intakes"):
            assert inserts[table] <= 2 * pages, (table, inserts[table], kinds)
        # Before: a SAVEPOINT and a RELEASE around every received event
        assert not [s for s in sent if s.startswith(("SAVEPOINT sync_record", "RELEASE sync_record"))]
        assert fresh.db.scalar("SELECT count(*) FROM journal_entries") > 20
        assert fresh.db.scalar("SELECT count(*) FROM events") >= kinds["fidelity_events"]
        # a checklist event writes a row per item: many more rows than upserts
        assert fresh.db.scalar("SELECT count(*) FROM fidelity_ratings") > 4 * inserts["fidelity_ratings"]
        assert fresh.db.scalar("SELECT count(*) FROM sync_pending") == 0
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
    finally:
        fresh.close()


def _outcome(ws: Any) -> dict[str, Any]:
    """Everything a pull leaves that a verdict decides: rows by uid and id, the quarantine, the orphans, the audit."""
    db = ws.db
    return {
        "rows": {t: db.query(f"SELECT id, uid FROM {t} ORDER BY id")  # noqa: S608 - fixed table names
                 for t in ("children", "courses", "sessions", "journal_entries", "consents", "reviews")},
        "events": [tuple(r) for r in db.query("SELECT id, uid, subject, value FROM events WHERE device <> "
                                              "(SELECT device_uid FROM device) ORDER BY id")],
        "ratings": [tuple(r) for r in db.query("SELECT id, session_id, rater_kind, item_key, adherence FROM "
                                               "fidelity_ratings ORDER BY id")],
        "courses": [tuple(r) for r in db.query("SELECT id, status, end_date, contact_id FROM courses ORDER BY id")],
        "quarantine": sorted((r[0], r[1]) for r in db.query("SELECT uid, reason FROM sync_quarantine")),
        "orphans": sorted((r[0], r[1]) for r in db.query("SELECT uid, missing FROM sync_orphans")),
        "received": [tuple(r) for r in db.query("SELECT kind, record_id, uid FROM sync_received ORDER BY id")],
        "audit": [tuple(r) for r in db.query("SELECT child_id, object, detail FROM audit_log WHERE action = 'sync' "
                                             "ORDER BY id")],
    }


def test_a_write_the_schema_refuses_at_the_page_s_end_applies_the_page_again_with_the_verdicts_of_one_by_one(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811 - `source`: the fixture imported above
    staff, rows = source
    entry = next(r for r in rows if r[2] == "journal_entries")[1]
    status = next(r for r in rows if r[2] == "course_events" and r[8].get("field") == "status")
    course = status[8]["subject_uid"]
    # The schema refuses one journal entry (written at the page's end) and the fold of one course's status (after
    # its event is stored): connection-only triggers, as a constraint this laptop holds would.
    refuse = [f"CREATE TEMP TRIGGER test_refuse_entry BEFORE INSERT ON main.journal_entries WHEN NEW.uid = '{entry}' "
              "BEGIN SELECT RAISE(ABORT, 'test refuses the entry'); END",
              "CREATE TEMP TRIGGER test_refuse_fold BEFORE UPDATE OF status ON main.courses WHEN NEW.uid = "
              f"'{course}' BEGIN SELECT RAISE(ABORT, 'test refuses the fold'); END"]
    outcomes, modes = [], []
    apply_page = pull.Puller._apply_page
    for careful_only in (False, True):
        def each(self: Puller, *args: Any, careful: bool, _only: bool = careful_only) -> Any:
            modes.append((_only, careful))
            return apply_page(self, *args, careful=careful or _only)

        monkeypatch.setattr(pull.Puller, "_apply_page", each)
        folder = tmp_path / f"careful{careful_only}"
        folder.mkdir()
        fresh = _fresh(folder)
        try:
            for sql in refuse:
                fresh.db.execute(sql)
            result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
            assert result.received + result.quarantined + result.orphans == len(rows)
            outcomes.append(_outcome(fresh))
            fresh.db.execute("DROP TRIGGER temp.test_refuse_entry")
            fresh.db.execute("DROP TRIGGER temp.test_refuse_fold")
            assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
        finally:
            fresh.close()
    monkeypatch.undo()
    fast, careful = outcomes
    reasons = dict(fast["quarantine"])
    assert reasons[entry] == "refused_here: test refuses the entry"
    assert reasons[status[1]] == "refused_here: test refuses the fold"
    assert fast == careful  # the same rows, ids, quarantine, orphans, proofs and audit as record by record
    assert modes[:2] == [(False, False), (False, True)]  # the fast path gave up on the page and it was applied again


def test_a_session_s_rule_is_read_once_per_course_until_a_course_event_and_gives_the_verdict_read_each_time(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811 - `source`: the fixture imported above
    from behandlerklient.services.pathway import record_rules
    from behandlerklient.services.sync import apply

    staff, rows = source
    sessions = sum(1 for r in rows if r[2] == "sessions")
    real = record_rules.row_problem
    read: list[str] = []

    def row_problem(db: Any, catalogue: Any, table: str, values: dict[str, Any]) -> Any:
        read.append(table)
        return real(db, catalogue, table, values)

    resolve = apply.Applier._resolve

    def checked(self: apply.Applier, rec: Any) -> Any:
        values = resolve(self, rec)  # the remembered verdict let the session through: so does a fresh read
        if rec.kind == "sessions":
            assert real(self.db, self.catalogue, "sessions", values) is None
        return values

    monkeypatch.setattr(record_rules, "row_problem", row_problem)
    monkeypatch.setattr(apply.Applier, "_resolve", checked)
    fresh = _fresh(tmp_path)
    try:
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        assert result.received + result.quarantined + result.orphans == len(rows)
        courses = fresh.db.scalar("SELECT count(*) FROM courses")
        events = sum(1 for r in rows if r[2] == "course_events")
        # Before: one course read a session
        assert sessions > courses + events
        assert read.count("sessions") <= courses + events
    finally:
        fresh.close()


def test_no_cycle_collection_walks_the_heap_while_a_page_is_applied(source, tmp_path, monkeypatch) -> None:  # noqa: F811
    import gc

    staff, rows = source
    inside = [False]  # from the page's records made until its transaction is about to commit
    collections: list[int] = []
    apply_page = Puller.apply_page

    def applying(self: Puller, *args: Any, **cursor: Any) -> None:
        inside[0] = True
        apply_page(self, *args, **cursor)

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and inside[0]:
            collections.append(info["generation"])

    monkeypatch.setattr(Puller, "apply_page", applying)
    gc.callbacks.append(collected)
    fresh = _fresh(tmp_path)
    try:
        puller = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid,
                        page_hook=lambda seq: inside.__setitem__(0, False))
        result = puller.run()
        assert result.received > 100
        assert gc.isenabled()  # on again once the page is through
        # Before: a collection every ~700 new objects, each walking the page's records and rows again
        assert collections == []
    finally:
        gc.callbacks.remove(collected)
        fresh.close()
