"""One pull page reads what the reader may see, not the whole municipality (issue 14: a page's server time flat from
200 to 10,000 children). A scaled-down municipality: t01's few records, then many records of a colleague's children
she may not read, then one more of hers; her page's buffer reads must not grow with them (a scan in seq order read
them all, and bk.pull's scan hands such a gap to its probes, server migration 0017)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from tests.server.explain import nested_plans
from tests.server.records import item, new_child, push


def _buffers(server: Any, user: str, cursor: int, limit: int) -> tuple[int, int]:
    """(shared buffers touched, rows returned) by one bk.pull page of `user` after `cursor`."""
    with server.connect(user) as conn:
        conn.execute("SELECT * FROM bk.pull(%s, %s)", (cursor, limit))  # the catalog look-ups of a new connection
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM bk.pull(%s, %s)",
                            (cursor, limit)).fetchone()[0]
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
    mine = new_child(server, ("t01", "caseload"))
    starts: list[int] = []
    for between, kinds in ((600, ("children", "courses", "journal_entries")), (6000, ("journal_entries",) * 3)):
        with server.admin() as conn:
            starts.append(int(conn.execute("SELECT bk.high_water()").fetchone()[0]))
        with server.connect("t01") as conn:
            push(conn, [item(server, "t01", kind, mine) for kind in kinds])
        _colleagues_records(server, between)
        with server.connect("t01") as conn:
            push(conn, [item(server, "t01", "journal_entries", mine)])  # after all of the colleague's records
    near, rows_near = _buffers(server, "t01", starts[0], 4)
    far, rows_far = _buffers(server, "t01", starts[1], 4)
    assert rows_near == rows_far == 4
    # Ten times the unreadable records between her third and fourth (6,000 fill well over a hundred pages); the
    # page may look at a few index pages more.
    assert far <= near + 20, (near, far)


def _seq_scans(plans: list[str]) -> list[int]:
    """Rows each scan of bk.record by seq read (returned and filtered out), from auto_explain's plans."""
    read: list[int] = []
    for plan in plans:
        for node in plan.split("Index Scan using record_seq_key on record")[1:]:
            rows = int(re.search(r"actual time=\S+ rows=(\d+)", node).group(1))  # type: ignore[union-attr]
            removed = re.search(r"Rows Removed by Filter: (\d+)", node.split("->", 1)[0])
            read.append(rows + (int(removed.group(1)) if removed else 0))
    return read


def test_a_page_for_a_reader_of_many_children_reads_the_window_not_each_child(server) -> None:  # noqa: ANN001
    """A coordinator's page (the register kinds of every child, a fifth of the records): scanned in seq order, not an
    index scan per child (issue 14: 250-500 ms a page for the coordinator of 10,000 children, server migration 0017)."""
    from behandlerklient.server import admin

    children = [str(uuid.uuid4()) for _ in range(400)]
    with server.admin() as conn:
        start = int(conn.execute("SELECT bk.high_water()").fetchone()[0])
        for child in children:
            admin.caseload_grant(conn, child=child, username="t02", basis="caseload")
            admin.caseload_grant(conn, child=child, username="c01", basis="coordinator")
        conn.execute(
            """INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version, payload,
                                      content_hash, signature)
               SELECT gen_random_uuid(), CASE WHEN i %% 5 = 0 THEN 'children' ELSE 'journal_entries' END,
                      (%s::uuid[])[1 + i %% 400], 't02', gen_random_uuid(), now(), 1,
                      jsonb_build_object('text', repeat('x', 200), 'i', i),
                      decode(repeat('ab', 32), 'hex'), decode(repeat('cd', 64), 'hex')
               FROM generate_series(1, 2000) AS i""", (children,))
        conn.execute("ANALYZE bk.record")
    page: list[int] = []

    def pull(conn: Any) -> None:
        conn.execute("SET ROLE c01")
        page.extend(r[0] for r in conn.execute("SELECT seq FROM bk.pull(%s, 200)", (start,)))
        conn.execute("RESET ROLE")

    with server.admin() as conn:
        plans = nested_plans(conn, pull)
    assert len(page) == 200
    assert [plan[:200] for plan in plans if "record_child" in plan] == []  # 0016 probed each of the 400 here
    read = _seq_scans(plans)
    # A window sized by the density it found: a few scans, reading little beyond the page's last record.
    assert 1 <= len(read) <= 3, read
    assert sum(read) <= 1.5 * (page[-1] - start), (read, page[-1] - start)
