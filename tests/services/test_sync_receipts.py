"""The pull's receipt rows (services/sync/receipts.py): one audit row per child, author and way for a page, which
names every record it brought, by id here and by seq, so nothing a row per record said is lost."""

from __future__ import annotations

import random

from behandlerklient.services.sync.receipts import Receipts, named, numbers, runs


def test_runs_write_consecutive_numbers_as_ranges_and_read_back_to_the_same_numbers() -> None:
    assert runs([5, 1, 2, 3, 9, 8, 3]) == "1-3,5,8-9"
    assert runs([7]) == "7" and runs([]) == ""
    assert numbers("1-3,5,8-9") == [1, 2, 3, 5, 8, 9]
    rng = random.Random(14)
    for _ in range(200):
        given = rng.sample(range(1, 400), rng.randint(1, 60))
        assert numbers(runs(given)) == sorted(given)


def test_a_page_s_records_are_one_row_per_child_author_and_way_naming_each_record_and_seq() -> None:
    page = Receipts()
    page.append((None, "user:4", "sync: author t02 from the server"))
    for n in range(20):  # a child's fidelity ratings: ids and seqs in runs
        page.record(1, "events", 100 + n, 5000 + n, "t01")
    page.record(1, "sessions", 12, 4999, "t01")
    page.record(1, "events", 300, 7000, "t02")  # the same child, another author
    page.record(2, "children", 2, 5100, "t01")
    page.append((1, "sync_quarantine:3", "sync frame seq 90 from t01 released from quarantine: its course arrived"))
    page.record(1, "sessions", 40, 6000, "t01", how="sync frame seq")
    page.record(1, "events", 120, 5020, "t01")  # joins its group's row, where the group began
    rows = page.entries()
    assert len(page) == 27 and len(rows) == 6
    assert rows[0] == (None, "user:4", "sync: author t02 from the server")  # each row where it began
    assert rows[1] == (1, "events:100-120; sessions:12", "sync seq 4999-5020 from t01")
    assert rows[2] == (1, "events:300", "sync seq 7000 from t02")
    assert rows[3] == (2, "children:2", "sync seq 5100 from t01")
    assert rows[4][1] == "sync_quarantine:3"
    assert rows[5] == (1, "sessions:40", "sync frame seq 6000 from t01 (no text)")
    assert named(*rows[1][1:]) == ({"events": list(range(100, 121)), "sessions": [12]}, list(range(4999, 5021)),
                                   "t01")
    assert named(*rows[5][1:]) == ({"sessions": [40]}, [6000], "t01")
