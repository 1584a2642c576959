"""bk.pull's pages are exactly the read policy's: the first n records after the cursor that the user may read, for a
therapist, a colleague with a shared child, a supervisor (with the clinical-text switch off and on) and a coordinator,
at every page size. A guard for whoever makes the page faster by reading it another way than a scan in seq order
(tried for issue 14's "flat page": merging per-child index scans made a page slower at 200 children, docs/sync.md)."""

from __future__ import annotations

from typing import Any

from tests.server.records import item, new_child, push


def _visible(server: Any, user: str, after: int) -> list[int]:
    """What the read policy lets `user` see after `after`, in seq order (bk.pull's definition)."""
    with server.admin() as conn:
        conn.execute(f'SET ROLE "{user}"')
        return [r[0] for r in conn.execute("SELECT seq FROM bk.record WHERE seq > %s ORDER BY seq", (after,))]


def _pulled(server: Any, user: str, after: int, limit: int) -> list[int]:
    seqs: list[int] = []
    with server.connect(user) as conn:
        cursor = after
        while page := [r[0] for r in conn.execute("SELECT seq FROM bk.pull(%s, %s)", (cursor, limit))]:
            assert page == sorted(page) and len(page) <= limit
            seqs += page
            cursor = page[-1]
    return seqs


def test_every_page_is_the_policys_page_for_each_kind_of_reader(server) -> None:  # noqa: ANN001
    with server.admin() as conn:
        start = int(conn.execute("SELECT bk.high_water()").fetchone()[0])
    mine = new_child(server, ("t01", "caseload"), ("c01", "coordinator"))
    shared = new_child(server, ("t01", "caseload"), ("t02", "shared"))
    other = new_child(server, ("t02", "caseload"))
    kinds = ("children", "sessions", "journal_entries", "courses", "fidelity_ratings", "consents")
    with server.connect("t01") as conn:
        for kind in kinds:
            push(conn, [item(server, "t01", kind, mine), item(server, "t01", kind, shared)])
        push(conn, [item(server, "t01", "gps", None)])
    with server.connect("t02") as conn:
        for kind in kinds:
            push(conn, [item(server, "t02", kind, other), item(server, "t02", kind, shared)])
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", "sessions", mine)])  # interleaved with the others' seqs
    for user in ("t01", "t02", "s01", "c01"):
        expected = _visible(server, user, start)
        assert expected, user
        for limit in (1, 4, 5000):
            assert _pulled(server, user, start, limit) == expected, (user, limit)
    with server.admin() as conn:
        conn.execute("UPDATE bk.policy SET value = true WHERE name = 'supervisor_sees_clinical_text'")
    try:
        expected = _visible(server, "s01", start)
        assert _pulled(server, "s01", start, 3) == expected
    finally:
        with server.admin() as conn:
            conn.execute("UPDATE bk.policy SET value = false WHERE name = 'supervisor_sees_clinical_text'")


def test_a_group_session_that_names_a_child_comes_once_and_is_disclosed_once(server) -> None:  # noqa: ANN001
    """bk.push accepts a group record that names a child (may_write treats it as the child's record); its pairs name
    the child too, so the child source and the group source both found it and a page held it twice."""
    import uuid

    shared = new_child(server, ("t01", "shared"), ("t02", "caseload"))
    other = new_child(server, ("t02", "caseload"))
    with server.admin() as conn:
        start = int(conn.execute("SELECT bk.high_water()").fetchone()[0])
    groups = []
    with server.connect("t02") as conn:
        for gap in (0, 200):  # the second after records t01 may not read: a page gets to it by probes
            push(conn, [item(server, "t02", "journal_entries", other) for _ in range(gap)])
            group = item(server, "t02", "group_sessions", shared, payload={"status": "a group"})
            session = item(server, "t02", "sessions", shared, payload={"group_session_id": group["uid"]})
            assert [s for _, s in push(conn, [session, group])] == ["accepted", "accepted"]
            groups.append(group["uid"])
    expected = _visible(server, "t01", start)
    assert len(expected) == 4
    for limit in (1, 2, 3, 5000):
        assert _pulled(server, "t01", start, limit) == expected, limit
    device = str(uuid.uuid4())
    with server.connect("t01") as conn:
        page = conn.execute("SELECT seq FROM bk.pull(%s, 5000, %s::uuid)", (start, device)).fetchall()
    assert len(page) == 4
    with server.admin() as conn:
        logged = conn.execute("SELECT child_uid, n FROM bk.disclosure_log WHERE device = %s", (device,)).fetchall()
    assert logged == [(shared, 4)]


def test_a_cursor_at_either_end_of_the_seqs_gives_what_a_cursor_there_should(server) -> None:  # noqa: ANN001
    new_child(server, ("t01", "caseload"))  # a child to probe: the page's windows are sized by the children
    expected = _visible(server, "t01", 0)
    with server.connect("t01") as conn:
        for cursor in (9223372036854775000, 9223372036854775807):  # the window's end is past bigint's
            assert conn.execute("SELECT seq FROM bk.pull(%s, 5000)", (cursor,)).fetchall() == []
    assert _pulled(server, "t01", -9223372036854775807, 5000) == expected
