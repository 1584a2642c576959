"""bk.pull's first statement, the reader's children (her access rows and her current supervisees'), reads them by
the index on the user name, not every row of bk.access (server migration 0018). At 10,000 children bk.access holds
20,000 rows, and the sequential scan cost every pull 4-7 ms, growing with the municipality (issue 14: a page's server
time flat from 200 to 10,000 children)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.server.explain import nested_plans
from tests.server.records import item, new_child, pull_all, push

GRANTED_BY = "test_pull_children"


@pytest.fixture(scope="module")
def many_grants(server: Any) -> Iterator[None]:  # noqa: ANN001
    """6,000 access rows of a colleague's children, removed again after this module (the server is the session's)."""
    with server.admin() as conn:
        conn.execute("""INSERT INTO bk.access (child_uid, username, basis, granted_by, granted_at, granted_seq)
                        SELECT gen_random_uuid(), 't02', 'caseload', %s, clock_timestamp(), bk.high_water()
                        FROM generate_series(1, 6000)""", (GRANTED_BY,))
        conn.execute("ANALYZE bk.access")
    yield
    with server.admin() as conn:
        conn.execute("DELETE FROM bk.access WHERE granted_by = %s", (GRANTED_BY,))
        conn.execute("ANALYZE bk.access")


def _page_plans(server: Any, user: str) -> list[str]:
    """The plans of every statement (nested ones too) of a pull page of 100 read as `user`."""
    def pull(conn: Any) -> None:
        conn.execute(f"SET ROLE {user}")
        conn.execute("SELECT count(*) FROM bk.pull(0, 100)")
        conn.execute("RESET ROLE")

    with server.admin() as conn:
        return nested_plans(conn, pull)


def _children_statement(server: Any, user: str) -> str:
    plans = _page_plans(server, user)
    found = [plan for plan in plans if "array_agg(DISTINCT" in plan]
    assert len(found) == 1, [plan[:120] for plan in plans]
    return found[0]


def test_a_readers_children_are_read_by_index_among_many_access_rows(server, many_grants) -> None:  # noqa: ANN001
    mine = [new_child(server, ("t01", "caseload")) for _ in range(3)]
    plan = _children_statement(server, "t01")
    assert "Seq Scan on access" not in plan, plan
    with server.connect("t01") as conn:
        assert {s for _, s in push(conn, [item(server, "t01", "children", c) for c in mine])} == {"accepted"}
    with server.connect("t01") as conn:
        assert {str(c) for c in mine} <= {str(r[3]) for r in pull_all(conn) if r[2] == "children"}


def test_a_supervisors_children_are_her_supervisees_read_by_index(server, many_grants) -> None:  # noqa: ANN001
    theirs = new_child(server, ("t01", "caseload"))  # s01 supervises t01 (conftest)
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", "children", theirs)])
    plan = _children_statement(server, "s01")
    assert "Seq Scan on access" not in plan, plan
    with server.connect("s01") as conn:
        assert str(theirs) in {str(r[3]) for r in pull_all(conn) if r[2] == "children"}


def _executed_scans_of_access(server: Any, user: str) -> list[str]:
    """The plan lines of a pull page's statements (nested ones too) that read bk.access sequentially and ran."""
    plans = _page_plans(server, user)
    assert any("pull_scan" in plan or "v_base" in plan for plan in plans)  # the policy was applied to records
    return [line for plan in plans for line in plan.splitlines()
            if "Seq Scan on access" in line and "never executed" not in line]


def test_the_read_policy_finds_the_readers_access_rows_by_index(server, many_grants) -> None:  # noqa: ANN001
    """record_read's look-ups of the reader's access rows (server migration 0020): `username = current_user` compares
    text with a name of another collation, which no index serves, so every statement that read bk.record read
    bk.access whole."""
    theirs = new_child(server, ("t01", "caseload"))
    with server.connect("t01") as conn:
        push(conn, [item(server, "t01", "children", theirs)])
    for user in ("t01", "s01"):
        assert _executed_scans_of_access(server, user) == [], user
    with server.connect("s01") as conn:  # the same rows: her supervisee's child, and t02's none of theirs
        got = {str(r[3]) for r in pull_all(conn) if r[2] == "children"}
    assert str(theirs) in got
    with server.connect("t02") as conn:
        assert str(theirs) not in {str(r[3]) for r in pull_all(conn) if r[2] == "children"}
