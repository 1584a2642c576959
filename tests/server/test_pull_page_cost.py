"""One pull page reads what the reader may see, not the whole municipality (issue 14: a page's server time flat from
200 to 10,000 children). A scaled-down municipality: t01's few records, then many records of a colleague's children
she may not read; her page's buffer reads must not grow with them (a scan in seq order read them all)."""

from __future__ import annotations

import json
from typing import Any

from tests.server.records import item, new_child, push


def _buffers(server: Any, user: str, cursor: int) -> tuple[int, int]:
    """(shared buffers touched, rows returned) by one bk.pull page of `user` after `cursor`."""
    with server.connect(user) as conn:
        conn.execute("SELECT * FROM bk.pull(%s, 1000)", (cursor,))  # the catalog look-ups of a new connection
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM bk.pull(%s, 1000)",
                            (cursor,)).fetchone()[0]
    node = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return int(node["Shared Hit Blocks"]) + int(node["Shared Read Blocks"]), int(node["Actual Rows"])


def _colleagues_records(server: Any, n: int) -> None:
    """n records of t02's children (t01 has no access), written straight into the table by the owner: the page's
    cost is what is measured here, not the push."""
    children = [new_child(server, ("t02", "caseload")) for _ in range(10)]
    with server.admin() as conn:
        conn.execute(
            """INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version, payload,
                                      content_hash, signature)
               SELECT gen_random_uuid(), 'journal_entries', (%s::uuid[])[1 + i %% 10], 't02', gen_random_uuid(),
                      now(), 1, jsonb_build_object('text', repeat('x', 200), 'i', i),
                      decode(repeat('ab', 32), 'hex'), decode(repeat('cd', 64), 'hex')
               FROM generate_series(1, %s) AS i""", ([str(c) for c in children], n))


def test_a_page_reads_no_more_when_the_server_holds_many_other_therapists_records(server) -> None:  # noqa: ANN001
    with server.admin() as conn:
        start = int(conn.execute("SELECT bk.high_water()").fetchone()[0])
    mine = new_child(server, ("t01", "caseload"))
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", kind, mine) for kind in ("children", "courses", "journal_entries")])
    before, rows_before = _buffers(server, "t01", start)
    assert rows_before == 3

    _colleagues_records(server, 6000)
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", "journal_entries", mine)])  # after all of the colleague's records
    after, rows_after = _buffers(server, "t01", start)
    assert rows_after == 4
    # 6,000 unreadable records fill well over a hundred pages; the page may look at a few index pages more.
    assert after <= 2 * before + 60, (before, after)
