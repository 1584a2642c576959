"""Pull (sync.md, protocol steps 3 and 4): grants first (a newly granted child's history, a new supervisee's earlier
work), then bk.pull pages from the cursor. Each page is applied in ONE local transaction together with the new
cursor, so a laptop killed mid-page resumes from the last whole page: no gap, no duplicate."""

from __future__ import annotations

import base64
import bisect
import contextlib
import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from behandlerklient.core import sync_envelope
from behandlerklient.services.exchange.pulled_rows import RowRules
from behandlerklient.services.signatures import audit
from behandlerklient.services.sync import frames, receipts
from behandlerklient.services.sync.apply import Applier, Received, Redo, Staff, row_rules
from behandlerklient.services.sync.page_checks import CHECK_AHEAD, CheckProcess, PageChecks, worth_checking_ahead
from behandlerklient.services.sync.received import RetiredKey
from behandlerklient.storage import identity, search_index
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.events import AGGREGATE_OF_KIND, SUBJECT_TABLES
from behandlerklient.storage.sync_removal import RemovalRepository
from behandlerklient.storage.sync_server import ServerCalls
from behandlerklient.storage.sync_state import SyncRepository

PAGE = 5000


def _naming_sessions() -> frozenset[str]:
    """The kinds whose records name a session, directly or through another such record (a review's events name the
    review): on a page with session frames they are applied after the frames, which are those sessions here. Applied
    before, nearly all of a supervisor's records would wait as orphans and be tried a second time (at 2,000 children
    27,000 of 68,000)."""
    named = {"sessions"}
    for table, refs in identity.TABLES:  # in the order of their references: one pass
        if named & set(refs.values()):
            named.add(table)
    named.discard("sessions")
    return frozenset(named | {kind for kind, aggregate in AGGREGATE_OF_KIND.items()
                              if aggregate == "fidelity" or SUBJECT_TABLES.get(aggregate) in named})


NAMING_SESSIONS = _naming_sessions()


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
    """Every staff member with a registered key, and the keys of theirs an administrator retired."""
    retired: dict[str, list[RetiredKey]] = {}
    for name, key, last_seq, released in server.retired_keys():
        retired.setdefault(name, []).append(RetiredKey(bytes(key), int(last_seq), frozenset(released)))
    return {r[0]: Staff(r[0], r[1], r[2] or r[0], bytes(r[3]), tuple(retired.get(r[0], ())))
            for r in server.staff() if r[3] is not None}


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while a page is applied: the page's records and rows allocate hundreds of
    thousands of objects, and each collection walked them all again (about 5 % of a fresh laptop's apply, 250
    collections for 16,000 records). What the page leaves in cycles is collected when it is through."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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


class Page(list[Any]):
    """A bk.pull page, and what the prefetching worker made of it: the session frames up to its last seq, fetched
    with it; its records, their checks already under way in the check process (Puller.taken)."""
    frames: list[Any] | None = None
    recs: list[Received] | None = None
    checks: PageChecks | None = None


class FrameFeed:
    """A supervisor's session frames (bk.session_frames: her supervisees' sessions while the clinical-text switch is
    off), fetched a page ahead and handed out up to a seq. A pull page's frames are applied in that page's
    transaction, so the page's reviews and fidelity ratings find their sessions at once instead of waiting in
    sync_orphans until every page is in (a fresh supervisor's laptop re-read and re-checked thousands of them).
    Called by one thread at a time: the prefetching worker, then the frames phase after the pages."""

    def __init__(self, server: ServerCalls, device: str, cursor: int) -> None:
        self.server, self.device, self.cursor = server, device, cursor
        self.buffer: list[Any] = []
        self.exhausted = False

    def upto(self, seq: int) -> list[Any]:
        """The frames not handed out yet with seq <= `seq`, fetching until one beyond it is read (or none is left)."""
        while not self.exhausted and (not self.buffer or int(self.buffer[-1][0]) <= seq):
            rows = self.server.session_frames(self.cursor, PAGE, self.device)
            if rows:
                self.cursor = int(rows[-1][0])
                self.buffer += rows
            self.exhausted = len(rows) < PAGE
        n = bisect.bisect_right([int(row[0]) for row in self.buffer], seq)
        taken, self.buffer = self.buffer[:n], self.buffer[n:]
        return taken

    def rest(self) -> list[Any]:
        """The next frames to apply after the pull pages: those fetched and not handed out, then the server's next
        page (frames written since the feed's last fetch too)."""
        if self.buffer:
            taken, self.buffer = self.buffer, []
            return taken
        rows = self.server.session_frames(self.cursor, PAGE, self.device)
        if rows:
            self.cursor = int(rows[-1][0])
        return rows


class Puller:
    checker: CheckProcess | None = None  # run()'s: checks a large page's envelopes while the page before is applied
    rules: RowRules | None = None  # pages()'s: the check process checks the rows' fields too

    def __init__(self, ws: Any, conn: Any, *, device: str, page_hook: Callable[[int], None] | None = None,
                 staff: dict[str, Staff] | None = None) -> None:
        """`staff`: the staff list as the sync read it (or kept from its last read while the server's tag is the
        same); read from the server here when not given."""
        self.ws, self.server, self.device = ws, ServerCalls(conn), device
        self.repo = SyncRepository(ws.db)
        self.staff = staff_of(self.server) if staff is None else staff
        self.result = PullResult()
        self.page_hook = page_hook  # tests: called inside each page's transaction, before it commits
        self.feed: FrameFeed | None = None

    def apply_page(self, rows: list[Any], page_frames: list[Any] | None = None, **cursor: int) -> None:
        """A page in one transaction with its cursor; a supervisor's session frames up to the page's last seq with it
        (after the page's records, which hold their courses; before the page's waiting records are retried, which
        may be reviews and ratings of those sessions). If the page's fast path cannot give a record its verdict
        (apply.Redo: rare, a row the schema refuses), the transaction is rolled back and the page applied again
        record by record."""
        with _no_cycle_collection():
            if isinstance(rows, Page) and rows.recs is not None:
                recs, verdicts = rows.recs, rows.checks
            else:
                recs, verdicts = self.taken(rows)
            try:
                applier, framer = self._apply_page(recs, verdicts, rows, page_frames, cursor, careful=False)
            except Redo:
                applier, framer = self._apply_page(recs, verdicts, rows, page_frames, cursor, careful=True)
        c = applier.counts
        self.result.received += c["applied"] + framer.counts["applied"]
        self.result.known += c["known"] + framer.counts["known"]
        self.result.quarantined += c["quarantined"] + framer.counts["quarantined"]
        self.result.orphans = self.repo.counts(None)["orphans"]
        self.result.pages += 1

    def taken(self, rows: list[Any]) -> tuple[list[Received], PageChecks | None]:
        """A page's records, and their checks sent to the check process if the page is large. Called by the
        prefetching worker as a page arrives, so the process checks it while the page before is applied."""
        recs = [received_of(row) for row in rows]
        checks = PageChecks(self.checker, recs, staff=self.staff, device=self.device, rules=self.rules) \
            if self.checker is not None and worth_checking_ahead(recs, self.device) else None
        return recs, checks

    def ahead(self, rows: list[Any]) -> Page:
        page = Page(rows)
        page.recs, page.checks = self.taken(page)
        return page

    def _apply_page(self, recs: list[Received], verdicts: PageChecks | None, rows: list[Any],
                    page_frames: list[Any] | None, cursor: dict[str, int], *,
                    careful: bool) -> tuple[Applier, frames.FrameApplier]:
        db, now = self.ws.db, self.ws.clock()
        at = to_text(now)
        with db.transaction():
            applier = Applier(db, staff=self.staff, device=self.device, catalogue=self.ws.catalogue, at=at,
                              verdicts=verdicts, careful=careful)
            applier.prepare(recs)
            after_frames: list[Received] = []
            for rec in recs:
                if page_frames and rec.kind in NAMING_SESSIONS:
                    after_frames.append(rec)
                else:
                    applier.record(rec)
            applier.flush()  # before the frames: they write sessions, which the deferred rows may name
            framer = frames.FrameApplier(db, staff=self.staff, at=at, careful=careful)
            if page_frames:
                framer.frames(page_frames)
                applier.arrived("sessions", framer.sessions, framer.session_children)
                cursor["frames_cursor"] = int(page_frames[-1][0])
            for rec in after_frames:
                applier.record(rec)
            applier.retry_orphans()
            applier.finish()
            audit.record_many(db, user_id=self.ws.user.id, action="sync", now=now, whole=True,
                              entries=receipts.entries(applier.applied, framer.applied),
                              child_uids=applier.child_uids())
            self.repo.set_state(last_pull_at=at, **cursor)
            if self.page_hook is not None:
                self.page_hook(int(rows[-1][0]) if rows else 0)
        return applier, framer

    def _history(self, fetch: Callable[[str, int, int, str], list[Any]], subject: str) -> None:
        for rows in prefetched(lambda cursor: self.ahead(fetch(subject, cursor, PAGE, self.device)), 0):
            self.apply_page(rows)

    def grants(self) -> None:
        state = self.repo.state()
        cursor = int(state["grants_cursor"])
        # A laptop that has never pulled gets everything it may read from bk.pull itself: no history needed.
        fresh = int(state["pull_cursor"]) == 0
        events = self.server.grants(cursor)
        passed = cursor  # the last event that asked for nothing here: its cursor is stored with the next one's
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
            else:
                # Nothing to do (a fresh laptop's grants: bk.pull brings it all): no commit of its own. A sync
                # stopped before the cursor is stored reads these events again, and again does nothing.
                passed = int(event_seq)
                continue
            with self.ws.db.transaction():
                self.repo.set_state(grants_cursor=int(event_seq))
            passed = cursor
        if passed != cursor:
            with self.ws.db.transaction():
                self.repo.set_state(grants_cursor=passed)

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
        """Session frames the pull pages did not take (all of them when there were no pages), each page in one
        transaction with its cursor; then the reviews and ratings waiting for those sessions are retried."""
        feed = self.feed or FrameFeed(self.server, self.device, int(self.repo.state()["frames_cursor"]))
        while rows := feed.rest():
            cursor = int(rows[-1][0])
            db, now = self.ws.db, self.ws.clock()
            with db.transaction():
                applier = frames.FrameApplier(db, staff=self.staff, at=to_text(now))
                applier.frames(rows)
                waiting = Applier(db, staff=self.staff, device=self.device, catalogue=self.ws.catalogue,
                                  at=to_text(now))
                waiting.retry_orphans()
                waiting.finish()
                audit.record_many(db, user_id=self.ws.user.id, action="sync", now=now,
                                  entries=receipts.entries(applier.applied, waiting.applied))
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
                # nothing released; an author added on the way (a frame the schema then refused) is still logged
                audit.record_many(db, user_id=self.ws.user.id, action="sync", now=now,
                                  entries=receipts.entries(applier.applied))
                return
            waiting = Applier(db, staff=self.staff, device=self.device, catalogue=self.ws.catalogue, at=to_text(now))
            waiting.retry_orphans()
            waiting.finish()
            audit.record_many(db, user_id=self.ws.user.id, action="sync", now=now,
                              entries=receipts.entries(applier.applied, waiting.applied))
        self.result.received += applier.counts["applied"] + waiting.counts["applied"]
        self.result.quarantined += waiting.counts["quarantined"]
        self.result.orphans = self.repo.counts(None)["orphans"]

    def pages(self) -> None:
        state = self.repo.state()
        self.rules = row_rules(self.ws.db, self.ws.catalogue)  # read here: the prefetching worker uses no connection
        feed = self.feed = FrameFeed(self.server, self.device, int(state["frames_cursor"]))

        def fetch(cursor: int) -> Page:
            page = self.ahead(self.server.pull(cursor, PAGE, self.device))
            page.frames = feed.upto(int(page[-1][0])) if page else []
            return page

        db, cursor = self.ws.db, int(state["pull_cursor"])
        # A laptop that has never pulled: the children's search terms are written once, after the pages (migration
        # 0026). If a page fails, those of the pages committed are written still; if that fails too (the disk the
        # page failed on), the next unlock writes them.
        with db.search_terms_later() if cursor == 0 else contextlib.nullcontext():
            try:
                for rows in prefetched(fetch, cursor):
                    self.apply_page(rows, getattr(rows, "frames", None), pull_cursor=int(rows[-1][0]))
            except BaseException:
                with contextlib.suppress(Exception):
                    search_index.write_pending(db)
                raise
        search_index.write_pending(db)

    def run(self, probe: dict[str, Any] | None = None, *, pushed: bool = True) -> PullResult:
        """Grants, pages, frames. With the sync's `probe` (ServerCalls.probe, read before this laptop pushed) only
        the calls that can bring something: grants when there are events after the cursor or this sync pushed (the
        children it registered are granted now, and read while the laptop has never pulled they need no history);
        pages when a record was
        written after the pull cursor (the probe's high water; `pushed`: this sync wrote records since, whose last
        page moves the cursor past them); frames when I supervise someone and a record came after the frames
        cursor. A record is numbered when it commits (the server's advisory lock), so none is missed: one written
        after the probe is past the cursor at the next sync."""
        self.checker = checker = CheckProcess()
        try:
            if probe is not None and probe["high_water"] >= CHECK_AHEAD and int(self.repo.state()["pull_cursor"]) == 0:
                checker.warm()  # a fresh laptop: its pages are large, and the process starts while the first is fetched
            if probe is None or pushed or probe["grants_after"] is not None:
                self.grants()
            state = self.repo.state()  # after grants: a new supervisee sets the frames cursor back to 0
            if probe is None or pushed or probe["high_water"] > int(state["pull_cursor"]):
                self.pages()
            if probe is None or (probe["supervising"]
                                 and (pushed or probe["high_water"] > int(state["frames_cursor"]))):
                self.frames()
            else:
                self._frames_without_course()
        finally:
            self.checker = None  # a page applied after the run is checked in place
            checker.close()
        return self.result
