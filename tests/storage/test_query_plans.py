"""Opening a child and typing a search never scan a whole table: every lookup is an index search, so their
cost does not grow with the register (issue 7's growth rule). The plans are SQLite's own (EXPLAIN QUERY PLAN)."""

from datetime import date

import pytest

from behandlerklient.services.demo import demo
from behandlerklient.services.overview import child_record
from behandlerklient.services.registration import children
from behandlerklient.storage.database import Database

TODAY = date(2026, 11, 23)
# Tiny tables that are read whole by design (installation-wide, tens of rows at most).
# sync_pending: the sync work list, emptied by the commit that fills it (services/signatures/outbox.py).
SMALL = {"users", "settings", "gps", "sync_pending"}


@pytest.fixture
def executed(ws, monkeypatch):
    demo.generate(ws=ws, children_count=12, seed=5, today=TODAY)
    seen: list[tuple[str, tuple]] = []
    original = Database._exec

    def recording(self, sql, params=()):  # noqa: ANN001, ANN202
        if sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, tuple(params) if not isinstance(params, dict) else params))
        return original(self, sql, params)

    monkeypatch.setattr(Database, "_exec", recording)
    return seen


def _full_scans(ws, statements) -> list[str]:
    """Plan steps that read a whole table or index. Reading a partial index is allowed: it holds only the
    work set it was made for (e.g. the unsigned drafts), not the register."""
    partial = {r[0] for r in ws.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")}
    bad = []
    for sql, params in statements:
        for row in ws.db.query("EXPLAIN QUERY PLAN " + sql, params):
            detail = row[3]
            # "SCAN (subquery-1)" walks a subquery's bounded result; its tables have plan rows of their own
            if not detail.startswith("SCAN ") or detail.split()[1] in SMALL or "CONSTANT ROW" in detail \
                    or detail.startswith("SCAN (subquery-"):
                continue
            words = detail.split()
            if "INDEX" in words and words[words.index("INDEX") + 1] in partial:
                continue
            bad.append(f"{detail}  <-  {' '.join(sql.split())[:160]}")
    return bad


def test_opening_a_child_uses_indexes_only(ws, executed) -> None:
    ids = [r[0] for r in ws.db.query("SELECT id FROM children")]
    executed.clear()
    for child_id in ids:
        children.overview(ws=ws, child_id=child_id, on=TODAY)
        child_record.details(ws=ws, child_id=child_id, on=TODAY)
    assert len(executed) > 50
    assert _full_scans(ws, list(dict.fromkeys(executed))) == []


@pytest.mark.parametrize("read_whole", [300, 0], ids=["small caseload", "large caseload"])
def test_search_as_you_type_uses_indexes_only(ws, executed, monkeypatch, read_whole) -> None:
    from behandlerklient.storage import access as access_store

    monkeypatch.setattr(access_store, "CASELOAD_READ_WHOLE", read_whole)  # both ways of reading the own children
    executed.clear()
    for text in ("a", "an", "sø", "0103", "anna s", "050612-43"):
        children.search(ws=ws, text=text, limit=30)
        children.search(ws=ws, text=text, offset=30, limit=30)
    assert any("caseloads" in sql for sql, _ in executed)
    assert _full_scans(ws, list(dict.fromkeys(executed))) == []


def test_the_start_screen_work_queue_uses_indexes_only(ws, executed) -> None:
    from dataclasses import replace

    from behandlerklient.services.overview import work_queue
    from behandlerklient.storage.users import UserRepository

    supervisor = next(u for u in UserRepository(ws.db).all() if u.role == "supervisor")
    executed.clear()
    work_queue.build(ws=ws, today=TODAY)  # a therapist's start screen
    work_queue.build(ws=replace(ws, user=supervisor), today=TODAY)  # a supervisor's, with the review queue
    assert executed
    assert _full_scans(ws, list(dict.fromkeys(executed))) == []
