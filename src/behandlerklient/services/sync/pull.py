"""Pull (sync.md, protocol steps 3 and 4): grants first (a newly granted child's history, a new supervisee's earlier
work), then bk.pull pages from the cursor. Each page is applied in ONE local transaction together with the new
cursor, so a laptop killed mid-page resumes from the last whole page: no gap, no duplicate."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from behandlerklient.core import sync_envelope
from behandlerklient.services.signatures import audit
from behandlerklient.services.sync import frames
from behandlerklient.services.sync.apply import Applier, Received, Staff
from behandlerklient.services.sync.page_checks import PageChecks, checks_ahead
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.sync_removal import RemovalRepository
from behandlerklient.storage.sync_server import ServerCalls
from behandlerklient.storage.sync_state import SyncRepository

PAGE = 5000


@dataclass
class PullResult:
    received: int = 0      # records inserted here
    known: int = 0         # already here (a page fetched twice, a history overlapping the pull)
    quarantined: int = 0   # refused here, kept in sync_quarantine
    orphans: int = 0       # waiting for their parent
    pages: int = 0
    revoked: list[str] = field(default_factory=list)  # child uids whose access ended
    purged: int = 0        # other authors' records removed for a revoked access


def staff_of(server: ServerCalls) -> dict[str, Staff]:
    rows = server.staff()
    return {r[0]: Staff(r[0], r[1], r[2] or r[0], bytes(r[3])) for r in rows if r[3] is not None}


def received_of(row: Any) -> Received:
    seq, uid, kind, child, author, device, signed_at, version, payload, digest, signature = row
    return Received(seq=int(seq), uid=uid, kind=kind, child_uid=child, author=author, device=device,
                    signed_at=sync_envelope.format_time(signed_at), schema_version=int(version), payload=payload,
                    content_hash=bytes(digest).hex(), signature=base64.b64encode(bytes(signature)).decode("ascii"))


def prefetched(fetch: Callable[[int], list[Any]], cursor: int) -> Iterator[list[Any]]:
    """The pages after `cursor` (seq first in each row), each asked for while the caller applies the page before:
    the server reads the next page while this laptop writes the last one, so a fresh laptop is ready in about the
    longer of the two times rather than their sum. The connection still serves one call at a time (nothing else
    uses it while a page is applied); a fetch that fails raises where its page is taken, and a page that fails
    to apply waits for the fetch under way before its error goes on (the page fetched ahead is simply not applied:
    its cursor was not stored)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bk-pull") as pool:
        ahead = pool.submit(fetch, cursor)
        while rows := ahead.result():
            ahead = pool.submit(fetch, int(rows[-1][0]))
            yield rows


class Puller:
    checker: Executor | None = None  # run()'s worker: checks each page's signatures while the page is applied

    def __init__(self, ws: Any, conn: Any, *, device: str, page_hook: Callable[[int], None] | None = None) -> None:
        self.ws, self.server, self.device = ws, ServerCalls(conn), device
        self.repo = SyncRepository(ws.db)
        self.staff = staff_of(self.server)
        self.result = PullResult()
        self.page_hook = page_hook  # tests: called inside each page's transaction, before it commits

    def apply_page(self, rows: list[Any], **cursor: int) -> None:
        db, now = self.ws.db, self.ws.clock()
        at = to_text(now)
        with db.transaction():
            applier = Applier(db, staff=self.staff, device=self.device, catalogue=self.ws.catalogue, at=at)
            recs = [received_of(row) for row in rows]
            applier.verdicts = None if self.checker is None else PageChecks(self.checker, recs, staff=self.staff,
                                                                            device=self.device)
            applier.prepare(recs)
            for rec in recs:
                applier.record(rec)
            applier.retry_orphans()
            applier.finish()
            audit.record_many(db, user_id=self.ws.user.id, action="sync", now=now, entries=applier.applied)
            self.repo.set_state(last_pull_at=at, **cursor)
            if self.page_hook is not None:
                self.page_hook(int(rows[-1][0]) if rows else 0)
        c = applier.counts
        self.result.received += c["applied"]
        self.result.known += c["known"]
        self.result.quarantined += c["quarantined"]
        self.result.orphans = self.repo.counts(None)["orphans"]
        self.result.pages += 1

    def _history(self, fetch: Callable[[str, int, int, str], list[Any]], subject: str) -> None:
        for rows in prefetched(lambda cursor: fetch(subject, cursor, PAGE, self.device), 0):
            self.apply_page(rows)

    def grants(self) -> None:
        state = self.repo.state()
        cursor = int(state["grants_cursor"])
        # A laptop that has never pulled gets everything it may read from bk.pull itself: no history needed.
        fresh = int(state["pull_cursor"]) == 0
        events = self.server.grants(cursor)
        for event_seq, what, child, therapist, revoked_at in events:
            if what == "access" and child and revoked_at is None and not fresh:
                self._history(self.server.child_history, child)
            elif what == "supervision" and revoked_at is None and not fresh:
                self._history(self.server.supervisee_history, therapist)
                self._new_supervisee()
            elif what == "supervision" and revoked_at is not None:
                self._supervision_ended()
            elif what == "access" and child and revoked_at is not None and not self.server.has_access(child):
                self.result.revoked.append(child)
                self._revoke(child)
            with self.ws.db.transaction():
                self.repo.set_state(grants_cursor=int(event_seq))

    def _revoke(self, child_uid: str) -> None:
        """Access ended on the server: the records other authors wrote about the child leave this laptop (this
        user's own stay), logged; the child's row too, or a tombstone of it while the audit log names it."""
        self.result.purged += frames.purge(self.ws, child_uid, reason="access_revoked")

    def _supervision_ended(self) -> None:
        """A supervision pair ended: the children this laptop held only through it lose other authors' records."""
        for child_uid in frames.no_longer_readable(self.ws, self.server):
            self.result.revoked.append(child_uid)
            self.result.purged += frames.purge(self.ws, child_uid, reason="supervision_ended")

    def _new_supervisee(self) -> None:
        """A new supervisee's earlier sessions come as frames: read the frames again from the start (known ones
        are skipped)."""
        with self.ws.db.transaction():
            self.repo.set_state(frames_cursor=0)

    def frames(self) -> None:
        """Session frames after the pull pages (their courses have arrived), each page in one transaction with its
        cursor; then the reviews and ratings waiting for those sessions are retried."""
        cursor = int(self.repo.state()["frames_cursor"])
        while rows := self.server.session_frames(cursor, PAGE, self.device):
            cursor = int(rows[-1][0])
            db, now = self.ws.db, self.ws.clock()
            with db.transaction():
                applier = frames.FrameApplier(db, staff=self.staff, at=to_text(now))
                for row in rows:
                    applier.frame(row)
                waiting = Applier(db, staff=self.staff, device=self.device, catalogue=self.ws.catalogue,
                                  at=to_text(now))
                waiting.retry_orphans()
                waiting.finish()
                audit.record_many(db, user_id=self.ws.user.id, action="sync", now=now,
                                  entries=applier.applied + waiting.applied)
                self.repo.set_state(frames_cursor=cursor)
            self.result.received += applier.counts["applied"] + waiting.counts["applied"]
            self.result.known += applier.counts["known"]
            self.result.quarantined += applier.counts["quarantined"] + waiting.counts["quarantined"]
            self.result.orphans = self.repo.counts(None)["orphans"]
        self._frames_without_course()

    def _frames_without_course(self) -> None:
        """Frames quarantined because their course had not arrived: retried once the pull has brought what it
        brings, released when they pass; then the reviews and ratings waiting for those sessions."""
        if not RemovalRepository(self.ws.db).frames_without_course():
            return
        db, now = self.ws.db, self.ws.clock()
        with db.transaction():
            applier = frames.FrameApplier(db, staff=self.staff, at=to_text(now))
            if not applier.retry_without_course():
                return  # nothing written: the transaction commits empty
            waiting = Applier(db, staff=self.staff, device=self.device, catalogue=self.ws.catalogue, at=to_text(now))
            waiting.retry_orphans()
            waiting.finish()
            audit.record_many(db, user_id=self.ws.user.id, action="sync", now=now,
                              entries=applier.applied + waiting.applied)
        self.result.received += applier.counts["applied"] + waiting.counts["applied"]
        self.result.quarantined += waiting.counts["quarantined"]
        self.result.orphans = self.repo.counts(None)["orphans"]

    def pages(self) -> None:
        start = int(self.repo.state()["pull_cursor"])
        for rows in prefetched(lambda cursor: self.server.pull(cursor, PAGE, self.device), start):
            self.apply_page(rows, pull_cursor=int(rows[-1][0]))

    def run(self) -> PullResult:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bk-check") as checker:  # no thread until used
            self.checker = checker if checks_ahead() else None
            try:
                self.grants()
                self.pages()
                self.frames()
            finally:
                self.checker = None  # a page applied after the run is checked in place
        return self.result
