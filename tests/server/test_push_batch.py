"""bk.push takes a batch's plain records in one statement (issue 14: a first upload of 10,000 children in minutes):
no per-record steps for records that are checked ok, new and written with access; the per-record steps stay for
duplicates and refusals, and answers and seqs keep the batch's order."""

from __future__ import annotations

import json
from typing import Any

from tests.server.records import item, new_child


def _push_counting(server: Any, user: str, items: list[dict[str, Any]]) -> tuple[list[tuple[str, str]], int]:
    """bk.push's answers as `user`, and how many times it ran the per-record steps (bk.push_one)."""
    with server.admin() as conn, conn.transaction():
        conn.execute("SET LOCAL track_functions = 'pl'")
        conn.execute(f'SET LOCAL ROLE "{user}"')
        rows = conn.execute("SELECT uid::text, status FROM bk.push(%s::jsonb)", (json.dumps(items),)).fetchall()
        found = conn.execute("SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions "
                             "WHERE schemaname = 'bk' AND funcname = 'push_one'").fetchone()
        return [(u, s) for u, s in rows], int(found[0]) if found else 0


def test_plain_records_go_in_without_per_record_steps_and_the_rest_keep_them(server) -> None:  # noqa: ANN001
    child = new_child(server, ("t01", "caseload"))
    other = new_child(server, ("t02", "caseload"))
    kinds = ("children", "courses", "sessions", "journal_entries")
    batch = [item(server, "t01", kinds[i % 4], child) for i in range(40)]
    answers, per_record = _push_counting(server, "t01", batch)
    assert answers == [(r["uid"], "accepted") for r in batch]
    assert per_record == 0

    refused = item(server, "t01", "journal_entries", other)          # no access to t02's child
    tail = [item(server, "t01", "sessions", child), refused, item(server, "t01", "sessions", child)]
    answers, per_record = _push_counting(server, "t01", batch[:3] + tail)
    assert answers == ([(r["uid"], "duplicate") for r in batch[:3]]
                       + [(tail[0]["uid"], "accepted"), (refused["uid"], "quarantined"), (tail[2]["uid"], "accepted")])
    assert per_record == 4                                           # three duplicates and the refusal
    with server.admin() as conn:
        seqs = conn.execute("SELECT uid::text FROM bk.record WHERE uid = ANY(%s::uuid[]) ORDER BY seq",
                            ([r["uid"] for r in tail],)).fetchall()
        assert [s for (s,) in seqs] == [tail[0]["uid"], tail[2]["uid"]]
        reasons = conn.execute("SELECT reason FROM bk.quarantine WHERE uid = %s::uuid", (refused["uid"],)).fetchall()
        assert reasons == [("no_access_when_signed",)]
