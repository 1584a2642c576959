"""A laptop is not sent back what it wrote itself (issue 14: a first sync pulled its whole upload back, 18,000
records for 500 children, only to skip each as "own"); the user's records from another device still come, and a
call that names no device gets everything as before (server migration 0015)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from behandlerklient.services import sync as syncing
from behandlerklient.services.journal import sessions
from behandlerklient.services.pathway import pathway
from behandlerklient.storage.sync_server import ServerCalls
from tests.helpers import child_with_consent
from tests.server.laptops import PASSPHRASE, START, laptop, new_cpr, new_name
from tests.server.records import item, new_child, push


def test_a_page_leaves_out_the_calling_devices_own_records_and_keeps_the_users_other_devices(server) -> None:  # noqa: ANN001
    with server.admin() as conn:
        start = int(conn.execute("SELECT bk.high_water()").fetchone()[0])
    child = new_child(server, ("t01", "caseload"))
    here, there = str(uuid.uuid4()), str(uuid.uuid4())
    mine = [item(server, "t01", kind, child, device=here) for kind in ("children", "courses", "journal_entries")]
    other = [item(server, "t01", "journal_entries", child, device=there)]
    with server.connect("t01") as conn:
        push(conn, mine + other)

        def page(device: str | None) -> set[str]:
            rows = conn.execute("SELECT uid FROM bk.pull(%s, 1000, %s::uuid)", (start, device)).fetchall()
            return {str(r[0]) for r in rows}

        assert page(here) & {r["uid"] for r in mine} == set()
        assert {r["uid"] for r in other} <= page(here)
        assert {r["uid"] for r in mine} <= page(there)  # (and `other` as the last page's marker: its device's newest)
        assert {r["uid"] for r in mine + other} <= page(None)


def test_a_laptops_first_sync_pulls_none_of_its_own_upload_back(server, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    name = new_name("t")
    ws = laptop(server, tmp_path / "t", name, "therapist")
    try:
        child = child_with_consent(ws, "Noa", "Brøndum", new_cpr())
        course = pathway.open_course(ws=ws, child_id=child.id, track_id="cool-kids", start_date=START).course
        s, _ = sessions.start_session(ws=ws, course_id=course.id, on=date(2026, 1, 12))
        s.parts.status = "Ugen gik godt."
        sessions.finish_session(ws=ws, session=s, passphrase=PASSPHRASE)
        pulled: list[Any] = []
        original = ServerCalls.pull

        def spy(self: ServerCalls, *args: Any) -> list[Any]:
            rows = original(self, *args)
            pulled.extend(rows)
            return rows

        monkeypatch.setattr(ServerCalls, "pull", spy)
        got = syncing.sync(ws=ws)
        assert got.push.sent >= 4 and got.push.quarantined == 0, got.summary()
        device = ws.db.device_uid
        own = [row for row in pulled if str(row[5]) == device and row[4] == name]
        # one row at most: the last page's marker, the newest record this laptop wrote, so its cursor moves past
        assert len(own) <= 1
        with server.admin() as conn:
            top = conn.execute("SELECT max(seq) FROM bk.record WHERE author = %s", (name,)).fetchone()[0]
        assert ws.db.scalar("SELECT pull_cursor FROM sync_state") >= top
        again: list[Any] = []
        pulled.clear()
        assert syncing.sync(ws=ws).pull.received == 0 and [r for r in pulled if r[4] == name] == again
    finally:
        ws.close()
