"""A pull page read while other laptops push: no record is skipped (issue 14: no record lost). bk.pull reads a page
in several statements (scan windows, then perhaps probes); under READ COMMITTED each statement of a VOLATILE
function sees the commits made since the one before. A batch in flight across a window's upper bound was invisible
to that window and visible to the next, so the page went on past it and the reader's cursor with it: the batch's
first records were never pulled. The page is read under one snapshot now (server migration 0017, bk.pull_page)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from tests.server.records import item, new_child, push


def _pull_from(server: Any, user: str, cursor: int, device: str, limit: int, until: threading.Event) -> list[int]:
    """Pages as a laptop pulls them, over and over while `until` is not set, then to the end."""
    seqs: list[int] = []
    with server.connect(user) as conn:
        while True:
            done = until.is_set()
            while page := [r[0] for r in conn.execute("SELECT seq FROM bk.pull(%s, %s, %s::uuid)",
                                                      (cursor, limit, device))]:
                seqs += page
                cursor = page[-1]
            if done:
                return seqs


def test_pages_pulled_while_batches_commit_skip_no_record(server) -> None:  # noqa: ANN001
    child = new_child(server, ("t01", "caseload"))
    with server.admin() as conn:
        start = int(conn.execute("SELECT bk.high_water()").fetchone()[0])
    writer = str(uuid.uuid4())  # t01's laptop that pushes; the pages are read for her other laptop
    stop = threading.Event()
    pulled: list[int] = []
    reader = threading.Thread(target=lambda: pulled.extend(_pull_from(server, "t01", start, str(uuid.uuid4()), 40,
                                                                       stop)))
    reader.start()
    try:
        with server.connect("t01") as conn:
            deadline = time.monotonic() + 6
            while time.monotonic() < deadline:
                batch = [item(server, "t01", "journal_entries", child, device=writer) for _ in range(30)]
                assert {status for _, status in push(conn, batch)} == {"accepted"}
    finally:
        stop.set()
        reader.join(timeout=120)
    assert not reader.is_alive()
    with server.admin() as conn:
        written = [r[0] for r in conn.execute("SELECT seq FROM bk.record WHERE device = %s ORDER BY seq", (writer,))]
    assert len(written) >= 300
    assert pulled == written  # each once, in order, none skipped
