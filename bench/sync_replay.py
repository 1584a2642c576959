"""A fresh laptop's pull again, without the server (docs/sync.md "Speed, measured"): bench/sync.py records what the
server answered a fresh laptop (the staff list, every bk.pull and bk.session_frames page, in memory only) and
replays it into a new laptop of the same user, so the laptop's own time is measured apart from the server's. On the
bench's two cores the server, the check process and the applying thread share the machine; replayed, only the
laptop's two processes run."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import sync_laptops
from bench.sync_apply import Rows

RECORDED = ("staff", "pull", "session_frames")


@contextmanager
def recording() -> Iterator[dict[str, list[Any]]]:
    """What ServerCalls' staff, pull and session_frames answer meanwhile, by call: {name: [rows of each call]}."""
    from behandlerklient.storage.sync_server import ServerCalls

    answers: dict[str, list[Any]] = {name: [] for name in RECORDED}
    originals = {name: getattr(ServerCalls, name) for name in RECORDED}

    def recorded(name: str) -> Any:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            rows = originals[name](self, *args, **kwargs)
            answers[name].append(list(rows))
            return rows
        return call

    for name in RECORDED:
        setattr(ServerCalls, name, recorded(name))
    try:
        yield answers
    finally:
        for name, original in originals.items():
            setattr(ServerCalls, name, original)


class Replayed:
    """Answers a laptop's pull calls as the server did (a connection's `execute`): the staff list, and the pages of
    records and of session frames after any cursor, from the rows recorded; nothing else (no grants)."""

    def __init__(self, answers: dict[str, list[Any]]) -> None:
        self.staff = answers["staff"][0] if answers["staff"] else []
        self.records = self._by_seq(answers["pull"])
        self.frames = self._by_seq(answers["session_frames"])

    @staticmethod
    def _by_seq(pages: list[list[Any]]) -> list[Any]:
        return sorted({int(row[0]): row for page in pages for row in page}.values(), key=lambda row: int(row[0]))

    def execute(self, sql: str, params: Any = ()) -> Rows:
        if "staff_key_re" in sql:  # no key was replaced in the bench
            return Rows([(False,)] if "to_regclass" in sql else [])
        if "bk.staff" in sql:
            return Rows(self.staff)
        for marker, rows in (("bk.pull", self.records), ("bk.session_frames", self.frames)):
            if marker in sql:
                cursor, limit = int(params[0]), int(params[1])
                return Rows([row for row in rows if int(row[0]) > cursor][:limit])
        return Rows([])


def replay(answers: dict[str, list[Any]], username: str, role: str) -> tuple[float, Any]:
    """Seconds for a new laptop of `username` to apply what was recorded, and its PullResult."""
    from behandlerklient.services.sync.pull import Puller
    from behandlerklient.storage.sync_state import SyncRepository

    work = Path(tempfile.mkdtemp(prefix="bk-bench-replay-"))
    try:
        ws = sync_laptops.create(work, username, role)
        try:
            with ws.db.transaction():
                SyncRepository(ws.db).enroll({"server_host": "replay", "username": username, "password": "-",
                                              "device_uid": ws.db.device_uid})
            server = Replayed(answers)
            start = time.perf_counter()
            result = Puller(ws, server, device=ws.db.device_uid).run()
            return time.perf_counter() - start, result
        finally:
            ws.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
