"""A fresh laptop's pull writes the children's search terms once, after its pages (migration 0026, docs/sync.md
"Speed, measured"): while it pulls, each child is listed in child_search_pending; at the end, or at the next unlock
if the pull was killed, the terms are written. Search finds every child afterwards and `verify` finds the index
as the names give it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from bench.sync_apply import FakeServer

from behandlerklient.core.models import Child
from behandlerklient.services.sync import pull
from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.workspace import workspace
from behandlerklient.storage import search_index
from behandlerklient.storage.children import ChildRepository
from behandlerklient.storage.integrity import IntegrityChecks
from tests.conftest import PASSPHRASE
from tests.services.test_sync_apply_page import _fresh, source  # noqa: F401 - `source` is a fixture


def _counts(db: Any) -> tuple[int, int, int]:
    """(children, children listed as waiting, children with search terms)"""
    return (int(db.scalar("SELECT count(*) FROM children")),
            int(db.scalar("SELECT count(*) FROM child_search_pending")),
            int(db.scalar("SELECT count(DISTINCT child_id) FROM child_search_terms")))


def _found_by_name(db: Any) -> bool:
    """Every child is found by the start of its first name and by its CPR's first six digits."""
    repo = ChildRepository(db)
    for row in db.query("SELECT id, first_name, cpr FROM children"):
        for typed in (row["first_name"][:3], row["cpr"][:6]):
            if row["id"] not in {c.id for c in repo.search(typed, limit=10_000)}:
                return False
    return True


def test_a_fresh_laptop_s_pull_lists_its_children_and_writes_their_terms_at_the_end(source, tmp_path,  # noqa: F811
                                                                                     monkeypatch) -> None:
    staff, rows = source
    monkeypatch.setattr(pull, "PAGE", 40)  # several pages
    fresh = _fresh(tmp_path)
    seen: list[tuple[int, int, int]] = []
    try:
        puller = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid,
                        page_hook=lambda seq: seen.append(_counts(fresh.db)))
        result = puller.run()
        assert result.pages > 2 and result.quarantined + result.orphans == 0
        # During the pull: every child that came is listed, none has terms yet
        assert [(n, n, 0) for n, _, _ in seen] == seen and seen[-1][0] == 3
        # After it: every child has its terms, the list is empty, search finds each, the index is as the names give
        assert _counts(fresh.db) == (3, 0, 3)
        assert _found_by_name(fresh.db)
        assert IntegrityChecks(fresh.db).stale_search_terms() == 0
    finally:
        fresh.close()


def test_a_routine_pull_writes_each_child_s_terms_with_it(source, tmp_path, monkeypatch) -> None:  # noqa: F811
    staff, rows = source
    fresh = _fresh(tmp_path)
    try:
        first = [r for r in rows if r[2] == "gps"]  # a first pull: the cursor moves past the GPs
        Puller(fresh, FakeServer(staff, first), device=fresh.db.device_uid).run()
        seen: list[tuple[int, int, int]] = []
        Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid,
               page_hook=lambda seq: seen.append(_counts(fresh.db))).run()
        assert seen == [(3, 0, 3)]  # in the page's own transaction
        assert _found_by_name(fresh.db)
    finally:
        fresh.close()


def test_a_failed_page_leaves_the_children_of_the_pages_before_it_searchable(source, tmp_path,  # noqa: F811
                                                                              monkeypatch) -> None:
    staff, rows = source
    monkeypatch.setattr(pull, "PAGE", 40)
    fresh = _fresh(tmp_path)
    pages: list[int] = []

    def fail_third(seq: int) -> None:
        pages.append(seq)
        if len(pages) == 3:
            raise OSError("the disk is full")

    try:
        with pytest.raises(OSError, match="disk is full"):
            Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid, page_hook=fail_third).run()
        children, waiting, indexed = _counts(fresh.db)
        assert children >= 1 and waiting == 0 and indexed == children  # the two pages committed, their children too
        assert _found_by_name(fresh.db)
        assert not fresh.db._terms_later  # the connection writes terms with each child again
    finally:
        fresh.close()


def _child(repo: ChildRepository, first: str, cpr: str, user_id: int) -> Child:
    return repo.add(Child(id=None, first_name=first, last_name="Bæk", cpr=cpr), birth_date=date(2012, 6, 5),
                    sex="F", created_by=user_id, now=datetime(2026, 12, 2, 9, 0))


def test_children_left_on_the_list_by_a_killed_pull_are_written_at_the_next_unlock(ws, db_path) -> None:
    repo = ChildRepository(ws.db)
    with ws.db.search_terms_later(), ws.db.transaction():  # what a pull killed after a page leaves behind
        waiting = _child(repo, "Åse", "0506124322", ws.user.id)
        renamed = _child(repo, "Søs", "0506124334", ws.user.id)
        gone = _child(repo, "Ærø", "0506124346", ws.user.id)
    assert _counts(ws.db) == (3, 3, 0) and not repo.search("Åse")
    with ws.db.transaction():
        # a name changed meanwhile writes that child's terms; a child removed leaves the list with it
        ws.db.execute("UPDATE children SET first_name = 'Sørine' WHERE id = ?", (renamed.id,))
        ws.db.execute("DELETE FROM children WHERE id = ?", (gone.id,))
    assert _counts(ws.db) == (2, 2, 1)
    ws.close()
    again = workspace.unlock(path=db_path, passphrase=PASSPHRASE)
    try:
        assert _counts(again.db) == (2, 0, 2)
        found = ChildRepository(again.db)
        assert [c.id for c in found.search("Åse")] == [waiting.id]
        assert [c.id for c in found.search("Sørine")] == [renamed.id] and not found.search("Søs ")
        assert IntegrityChecks(again.db).stale_search_terms() == 0
        assert search_index.write_pending(again.db) == 0  # nothing left to write
    finally:
        again.close()
