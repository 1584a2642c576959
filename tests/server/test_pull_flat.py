"""One pull page's work stays the page's, however far the reader's first readable record lies before her own (issue 14:
a page's server time flat from 200 to 10,000 children). The therapist uploaded last reads, first, the GP records the
first laptop wrote; bk.pull's window started at them and grew across every colleague's records to hers, and its
child source read all her own records about her children, filtered, for a page of a few (server migration 0016)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.server.explain import nested_plans
from tests.server.records import item, new_child, push


def _buffers(server: Any, user: str, cursor: int, limit: int) -> tuple[int, int]:
    """(shared buffers touched, rows returned) by one bk.pull page of `user` after `cursor`, the nested statements'
    included (EXPLAIN's buffer counts are the backend's, whatever runs them)."""
    with server.connect(user) as conn:
        conn.execute("SELECT * FROM bk.pull(%s, %s)", (cursor, limit))  # the catalog look-ups of a new connection
        plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM bk.pull(%s, %s)",
                            (cursor, limit)).fetchone()[0]
    node = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    return int(node["Shared Hit Blocks"]) + int(node["Shared Read Blocks"]), int(node["Actual Rows"])


def _scans_of_group_pairs(server: Any, user: str, cursor: int, limit: int) -> list[str]:
    """The plan lines of a bk.pull page that ran a sequential scan of bk.group_session_child."""
    def pull(conn: Any) -> None:
        conn.execute(f'SET ROLE "{user}"')
        conn.execute("SELECT * FROM bk.pull(%s, %s)", (cursor, limit)).fetchall()
        conn.execute("RESET ROLE")

    with server.admin() as conn:
        plans = nested_plans(conn, pull)
    assert plans, "auto_explain logged nothing"
    return [line.strip() for plan in plans for line in plan.splitlines()
            if "Seq Scan on group_session_child" in line and "never executed" not in line]


def _records(server: Any, author: str, children: list[uuid.UUID], n: int) -> None:
    """n journal entries by `author` about `children` in turn, written straight into the table by the owner (the
    page's cost is measured here, not the push), and the table analysed as autovacuum would after a laptop's upload:
    on a few rows' statistics the planner reads the reader's records by a bitmap and sorts them."""
    with server.admin() as conn:
        conn.execute(
            """INSERT INTO bk.record (uid, kind, child_uid, author, device, signed_at, schema_version, payload,
                                      content_hash, signature)
               SELECT gen_random_uuid(), 'journal_entries', (%s::uuid[])[1 + i %% %s], %s, gen_random_uuid(),
                      now(), 1, jsonb_build_object('text', repeat('x', 200), 'i', i),
                      decode(repeat('ab', 32), 'hex'), decode(repeat('cd', 64), 'hex')
               FROM generate_series(1, %s) AS i""", ([str(c) for c in children], len(children), author, n))
        conn.execute("ANALYZE bk.record")


def _high_water(server: Any) -> int:
    with server.admin() as conn:
        return int(conn.execute("SELECT bk.high_water()").fetchone()[0])


def test_a_page_after_an_early_gp_reads_no_more_than_a_page_of_the_readers_own(server) -> None:  # noqa: ANN001
    colleague = [new_child(server, ("t02", "caseload")) for _ in range(5)]
    mine = [new_child(server, ("t01", "caseload")) for _ in range(5)]
    starts: list[int] = []
    for between in (300, 3000):  # the first laptop's GP (t01's first readable record), a colleague's records, hers
        starts.append(_high_water(server))
        with server.connect("t02") as conn:
            push(conn, [item(server, "t02", "gps", None)])
        _records(server, "t02", colleague, between)
        _records(server, "t01", mine, 300)
    near, rows = _buffers(server, "t01", starts[0], 100)
    assert rows == 100
    from_start, rows = _buffers(server, "t01", starts[1], 100)
    assert rows == 100
    # Ten times the colleague's records between the GP and hers: a look at the GPs, not a walk to her records (a
    # scan in seq order from the GP, or a window grown from it, read all 3,000).
    assert from_start <= near + 20, (near, from_start)

    # Many more records after the page, the colleague's and her own, and the colleague's groups: the same page, the
    # same work (the disclosure log of the GP by t02 looked at every group pair t01 may read, too).
    _records(server, "t02", colleague, 3000)
    _records(server, "t01", mine, 3000)
    with server.admin() as conn:
        conn.execute("SET ROLE bk_owner")
        conn.execute("""INSERT INTO bk.group_session_child (group_seq, group_uid, child_uid, author)
                        SELECT %s + i, gen_random_uuid(), (%s::uuid[])[1 + i %% 5], 't02'
                        FROM generate_series(1, 3000) AS i""", (starts[1], [str(c) for c in colleague]))
        conn.execute("ANALYZE bk.group_session_child")
    later, rows = _buffers(server, "t01", starts[1], 100)
    assert rows == 100
    # The 6,000 records fill about 250 heap pages; the index pages they split may add a few to the page's probes of
    # its children (26 more of 585 in a full test run, where t01 has 19 children).
    assert later <= 1.1 * from_start + 20, (from_start, later)
    # and none of the 3,000 new group pairs is read: no statement of the page scans the pairs' table
    assert _scans_of_group_pairs(server, "t01", starts[1], 100) == []


def _visible(server: Any, user: str, after: int) -> list[tuple[int, str, str]]:
    """(seq, author, device) of what the read policy lets `user` see after `after`, in seq order."""
    with server.admin() as conn:
        conn.execute(f'SET ROLE "{user}"')
        return [(r[0], r[1], str(r[2])) for r in conn.execute(
            "SELECT seq, author, device FROM bk.record WHERE seq > %s ORDER BY seq", (after,))]


def _pulled(server: Any, user: str, after: int, limit: int, device: str | None) -> list[list[tuple[int, str, str]]]:
    """bk.pull's pages for `user` from `after` until an empty one, as a laptop calls it."""
    pages: list[list[tuple[int, str, str]]] = []
    with server.connect(user) as conn:
        cursor = after
        while page := [(r[0], r[1], str(r[2])) for r in conn.execute(
                "SELECT seq, author, device FROM bk.pull(%s, %s, %s::uuid)", (cursor, limit, device))]:
            pages.append(page)
            cursor = page[-1][0]
    return pages


def _check_pages(server: Any, user: str, start: int, device: str | None) -> None:
    """Every page is the policy's, in seq order; with a device, its own records only as a short last page's marker."""
    visible = _visible(server, user, start)
    assert visible, user
    for limit in (1, 2, 3, 7, 5000):
        pages = _pulled(server, user, start, limit, device)
        rows = [row for page in pages for row in page]
        assert [r[0] for r in rows] == sorted(r[0] for r in rows), (user, limit)
        if device is None:
            assert rows == visible, (user, limit)
            continue
        own = [row for row in rows if row[1] == user and row[2] == device]
        assert [row for row in rows if row not in own] == [
            row for row in visible if not (row[1] == user and row[2] == device)], (user, limit, device)
        for page in pages:
            assert all(row not in own for row in page[:-1]), (user, limit)  # a marker ends its page
            if page[-1] in own:
                assert len(page) - 1 < limit, (user, limit)  # and only a page that was not full


def test_every_page_is_the_policys_for_each_reader_with_and_without_a_device(server) -> None:  # noqa: ANN001
    start = _high_water(server)
    here, there = str(uuid.uuid4()), str(uuid.uuid4())
    mine = new_child(server, ("t01", "caseload"), ("c01", "coordinator"))
    shared = new_child(server, ("t01", "shared"), ("t02", "caseload"))
    other = new_child(server, ("t02", "caseload"))
    with server.connect("t02") as conn:
        push(conn, [item(server, "t02", "gps", None)])  # an early GP, then records t01 may not read
        push(conn, [item(server, "t02", "journal_entries", other) for _ in range(4)])
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", kind, mine, device=here)
                    for kind in ("children", "contacts", "courses", "sessions", "journal_entries")])
        push(conn, [item(server, "t01", "journal_entries", shared, device=there)])
    with server.connect("t02") as conn:
        group = item(server, "t02", "group_sessions", None, payload={"status": "a group"})
        in_group = [item(server, "t02", "sessions", child, payload={"group_session_id": group["uid"]})
                    for child in (shared, other)]
        assert {s for _, s in push(conn, [*in_group, group])} == {"accepted"}
        push(conn, [item(server, "t02", "journal_entries", shared), item(server, "t02", "gps", None)])
    with server.connect("s01") as conn:
        assert [s for _, s in push(conn, [item(server, "s01", "fidelity_ratings", mine)])] == ["accepted"]
    with server.connect("c01") as conn:
        assert [s for _, s in push(conn, [item(server, "c01", "contacts", mine)])] == ["accepted"]
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", "journal_entries", mine, device=here) for _ in range(6)])
        push(conn, [item(server, "t01", "gps", None, device=there)])

    for user in ("t01", "t02", "s01", "c01"):
        for device in (None, here, there):
            _check_pages(server, user, start, device)
    with server.admin() as conn:
        conn.execute("UPDATE bk.policy SET value = true WHERE name = 'supervisor_sees_clinical_text'")
    try:
        _check_pages(server, "s01", start, None)
        _check_pages(server, "s01", start, here)
    finally:
        with server.admin() as conn:
            conn.execute("UPDATE bk.policy SET value = false WHERE name = 'supervisor_sees_clinical_text'")


def test_a_page_logs_what_it_disclosed_per_child_and_a_group_under_its_child(server) -> None:  # noqa: ANN001
    start = _high_water(server)
    device = str(uuid.uuid4())
    shared = new_child(server, ("t01", "shared"), ("t02", "caseload"))
    other = new_child(server, ("t02", "caseload"))
    with server.connect("t02") as conn:
        gp = item(server, "t02", "gps", None)
        group = item(server, "t02", "group_sessions", None, payload={"status": "a group"})
        in_group = [item(server, "t02", "sessions", child, payload={"group_session_id": group["uid"]})
                    for child in (shared, other)]
        push(conn, [gp, *in_group, group, item(server, "t02", "journal_entries", shared)])
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", "journal_entries", shared)])
        uids = [str(r[0]) for r in conn.execute("SELECT uid FROM bk.pull(%s, 5000, %s::uuid)", (start, device))]
    # The GP, the group, the session and the entry about the shared child by t02, and t01's own entry.
    assert set(uids) >= {gp["uid"], group["uid"], in_group[0]["uid"]} and in_group[1]["uid"] not in uids
    with server.admin() as conn:
        logged = {(str(c) if c else None, n) for c, n in conn.execute(
            "SELECT child_uid, n FROM bk.disclosure_log WHERE device = %s AND username = 't01'", (device,))}
    assert logged == {(None, 1), (str(shared), 3)}
