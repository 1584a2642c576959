"""A pull page applied batch-wise (issue 14, "fresh therapist laptop ready in under 5 s"): the parents a page's
records name are looked up per table for the whole page, and the fields its events change are read once, so a
record costs its own insert (and an event its fold's write), not a look-up by uid, user name or field each. Every
guarantee stays: what fails is quarantined with its reason, the audit names each record, the laptop verifies clean.
And the next page is fetched while one is applied, so the server's time and the laptop's overlap."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

import pytest
from bench.sync_apply import FakeServer

from behandlerklient.services.sync import pull
from behandlerklient.services.sync.pull import Puller
from behandlerklient.services.verify import integrity
from tests.helpers import sync_receipts
from tests.services.test_sync_apply_page import _counting, _fresh, source  # noqa: F401 - `source` is a fixture

# A statement that finds one row by a global name: one a record would be a look-up per record.
LOOK_UP = re.compile(r"WHERE (uid|username) = \?|WHERE aggregate = \? AND subject_uid = \? AND field = \?")


def _statements_of(sent: list[str]) -> Counter[str]:
    return Counter(re.sub(r"\s+", " ", s).split(" (", 1)[0][:60] for s in sent)


def test_a_page_costs_about_one_statement_a_record_and_no_look_up_by_uid_each(
        source, tmp_path, monkeypatch) -> None:  # noqa: F811 - `source`: the fixture imported above
    staff, rows = source
    events = sum(1 for r in rows if r[2].endswith("_events"))
    assert events >= 10  # the page mixes records and events (course changes, fidelity checklists, ...)
    fresh = _fresh(tmp_path)
    try:
        monkeypatch.setattr(pull, "PAGE", 75)  # two pages: many parents come in the page before their records
        sent = _counting(monkeypatch)
        result = Puller(fresh, FakeServer(staff, rows), device=fresh.db.device_uid).run()
        monkeypatch.undo()
        assert result.received + result.quarantined + result.orphans == len(rows)
        look_ups = [s for s in sent if LOOK_UP.search(s)]
        assert result.pages == 2
        # Before: 1.9 look-ups a record (a parent from an earlier page by uid, an event's subject, child and author,
        # the fold of its field, its own id); now a few for the run (the seal's user, an orphan's parent)
        assert len(look_ups) <= 20, _statements_of(look_ups).most_common(5)
        # Before: 5.8 calls a record (3 children: 40 GPs, 150 records); now the insert, and an event's savepoint,
        # fold and release, and each page's reads of what is here
        assert len(sent) / len(rows) < 3.2, f"{len(sent) / len(rows):.2f} calls into SQLCipher a record"
        assert [c.name for c in integrity.verify(ws=fresh) if not c.ok] == []
        logged, held = sync_receipts(fresh.db)
        assert logged == held and len(held[0]) == result.received  # every record in the audit log, once
        # one row per child and author a page, not one per record
        assert fresh.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'sync' AND detail LIKE 'sync seq %'") \
            <= 2 * len({r[2] for r in held[0]}) * result.pages
    finally:
        fresh.close()


def test_the_next_page_is_asked_for_while_a_page_is_applied_and_a_failed_fetch_still_raises() -> None:
    pages = {0: [(1,), (2,)], 2: [(3,)], 3: []}
    asked = {cursor: threading.Event() for cursor in pages}

    def fetch(cursor: int) -> list[Any]:
        asked[cursor].set()
        if cursor not in pages:
            raise ConnectionError("server stopped")
        return pages[cursor]

    applied = []
    for rows in pull.prefetched(fetch, 0):
        # The page after this one is on its way before this one is written (the server works meanwhile).
        assert asked[int(rows[-1][0])].wait(timeout=30)
        applied.append(rows)
    assert applied == [pages[0], pages[2]]

    del pages[3]  # the server stops after the second page: the pages before it apply, then the error comes out
    applied = []
    with pytest.raises(ConnectionError):
        for rows in pull.prefetched(fetch, 0):
            applied.append(rows)
    assert applied == [pages[0], pages[2]]
