"""Session frames and removal on this laptop (docs/sync.md "Session frames", "Removal").

A supervisor without the server's clinical-text switch receives no supervisee's `sessions` record (its signed
payload holds the text); the server hands out each session's frame instead (bk.session_frames): date, number,
course, author, format, who took part, and which parts were written. A frame becomes a sessions row with empty text,
so the supervisee's reviews and fidelity ratings (which reference the session) land on it and the review page works;
sync_frames marks it as unsigned review metadata from the server, and verify checks the row still equals its frame.

Removal: an access revoked or a supervision ended takes away what the server gave only through it: the children this
laptop holds other authors' rows of and may no longer read lose those rows (storage/sync_removal.py), logged."""

from __future__ import annotations

import json
from typing import Any

from behandlerklient.core import limits
from behandlerklient.services.sync.apply import LOCAL_ROLES, Redo, Staff
from behandlerklient.services.sync.receipts import Receipts
from behandlerklient.storage import identity, transfer_rows
from behandlerklient.storage.child_alias import ChildAliasRepository
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import IntegrityError
from behandlerklient.storage.sync_removal import RemovalRepository
from behandlerklient.storage.sync_state import SyncRepository

FRAME_COLUMNS = ("number", "session_date", "duration_min", "participants", "format", "attendance", "state",
                 "created_at", "updated_at", "signed_at", "uid", "origin_device")
# The session's text: empty on a frame row, always.
TEXT_COLUMNS = ("agenda", "status", "goals", "exercise", "homework", "own_note", "risk_note", "over_range_reason")


class FrameApplier:
    """Applies frames inside the caller's transaction (one page = one transaction)."""

    def __init__(self, db: Any, *, staff: dict[str, Staff], at: str, careful: bool = True) -> None:
        """`careful=False` (a pull page applied by Puller.apply_page, which applies the page again on Redo): a page's
        new frames are written without a savepoint, and Redo is raised if the schema refuses one."""
        self.db, self.staff, self.at, self.careful = db, staff, at, careful
        self.repo, self.removal = SyncRepository(db), RemovalRepository(db)
        self.aliases = ChildAliasRepository(db)
        self.applied = Receipts()  # the page's audit rows
        self.counts = {"applied": 0, "known": 0, "quarantined": 0}
        self.sessions: dict[str, int] = {}  # uid -> sessions row id of the frames applied here
        self.session_children: dict[int, int | None] = {}  # sessions row id -> its child's id (Applier.arrived)
        self.child_ids: dict[str, int | None] = {}  # a frame's child uid -> the child's id here
        # Found in this page's transaction, which writes no course and no user but through _user: a supervisor's
        # frames name the same few courses and authors again and again.
        self.courses: dict[str, int] = {}  # course uid -> id
        self.children: dict[int, int | None] = {}  # course id -> its child's id
        self.users: dict[str, int] = {}  # user name -> id

    def frames(self, rows: list[Any]) -> None:
        """A page of frames: the same verdicts as `_one` gives one by one, with the sessions already here found in one
        query and the new frames written a statement per table (a supervisor of 2,000 children gets 7,000 frames).
        If the schema refuses one of them, that write is undone and the new frames are applied one by one, each
        under its own savepoint, which gives every frame its own verdict (not careful: Redo, and the caller applies
        the page again carefully). Why not always under a savepoint: while one is open, each statement's end walks
        SQLite's in-memory sub-journal of every page the savepoint touched (docs/sync.md), and a page's frames
        touch hundreds."""
        parsed = [(int(seq), str(uid), str(child_uid), str(author), frame if isinstance(frame, dict)
                   else json.loads(frame)) for seq, uid, child_uid, author, frame in rows]
        here = set(self.repo.ids_of("sessions", {p[1] for p in parsed}))
        new: list[tuple[int, str, str, str, dict[str, Any], dict[str, Any]]] = []
        for seq, uid, child_uid, author, frame in parsed:
            if uid in here:
                self.counts["known"] += 1  # the whole session is here, or this page's frame of it
                continue
            values = self._values(seq, uid, child_uid, author, frame)
            if values is None:
                self.counts["quarantined"] += 1
                continue
            here.add(uid)
            new.append((seq, uid, child_uid, author, frame, values))
        if not new:
            return
        next_id = self.repo.last_id("sessions") + 1  # nothing else writes sessions meanwhile
        sessions = []
        for n, (*_, values) in enumerate(new):
            limits.check_row("sessions", values)  # Database.insert's own check
            sessions.append({**values, "origin_device": values["origin_device"] or self.db.device_uid,
                             "id": next_id + n})
        framed = [(next_id + n, uid, child_uid, seq, author, json.dumps(frame, ensure_ascii=False, sort_keys=True))
                  for n, (seq, uid, child_uid, author, frame, _) in enumerate(new)]

        def write() -> None:
            self.repo.insert_many("sessions", sessions)
            self.removal.add_frames(framed)

        try:
            if not self.careful:
                write()
            else:
                self.repo.alone(write)
        except IntegrityError as exc:
            if not self.careful:
                raise Redo(f"a frame the schema refuses: {exc}") from exc
            for seq, uid, child_uid, author, frame, _ in new:
                self.counts[self._one(seq, uid, child_uid, author, frame)] += 1
            return
        for n, (seq, uid, _child_uid, author, _frame, values) in enumerate(new):
            self._applied(next_id + n, uid, seq, author, values["course_id"])
            self.counts["applied"] += 1

    def _one(self, seq: int, uid: str, child_uid: str, author: str, frame: dict[str, Any]) -> str:
        if identity.id_of(self.db, "sessions", uid) is not None:
            return "known"  # the whole session is here (own, or read with the switch on): the frame adds nothing
        values = self._values(seq, uid, child_uid, author, frame)
        if values is None:
            return "quarantined"
        try:
            record_id = self.repo.alone(lambda: self._insert(values, uid, child_uid, seq, author, frame))
        except IntegrityError as exc:
            item = self._item(seq, uid, child_uid, author, frame)
            if not self.repo.is_quarantined(uid, item):  # a retried frame refused again is kept once
                self.repo.quarantine(seq=seq, uid=uid, kind="session_frames", author=author,
                                     reason=f"refused_here: {str(exc).split(':')[0]}", item=item, at=self.at)
            return "quarantined"
        self._applied(record_id, uid, seq, author, values["course_id"])
        return "applied"

    def _values(self, seq: int, uid: str, child_uid: str, author: str, frame: dict[str, Any]) -> dict[str, Any] | None:
        """The sessions row the frame becomes, or None: quarantined (kept once), with the reason."""
        reason = self._refusal(uid, author, frame)
        course = self._course(str(frame.get("course_id")))
        if reason is None and course is None:
            reason = "frame_without_course"
        if reason is None and course is not None and self._child_of(course) != self._child_id(child_uid):
            reason = "child_mismatch"  # the server judged access by the frame's child; its course is another's
        user = self._user(author) if reason is None else None
        if reason is None and user is None:
            reason = "unknown_user"
        if reason is not None or course is None or user is None:
            item = self._item(seq, uid, child_uid, author, frame)
            if not self.repo.is_quarantined(uid, item):
                self.repo.quarantine(seq=seq, uid=uid, kind="session_frames", author=author,
                                     reason=reason or "frame_refused", item=item, at=self.at)
            return None
        values = {c: frame[c] for c in FRAME_COLUMNS}
        values.update(course_id=course, author_id=user)
        return values

    def _applied(self, record_id: int, uid: str, seq: int, author: str, course: int) -> None:
        self._child_of(course)
        self.sessions[uid] = record_id
        self.session_children[record_id] = self.children[course]
        self.applied.record(self.children[course], "sessions", record_id, seq, author, how="sync frame seq")

    def retry_without_course(self) -> int:
        """Frames quarantined because their course had not arrived, tried again now that it may have (a course that
        came later: after the frames were paged, through a child's history, or released from a quarantine). One that
        passes is taken out of the quarantine, logged; the others stay as they are. Returns how many passed."""
        passed = 0
        for row in self.removal.frames_without_course():
            try:
                data = json.loads(row["item"])
                seq, uid, child_uid, author, frame = (int(data["seq"]), str(data["uid"]), str(data["child_uid"]),
                                                      str(data["author"]), data["frame"])
            except (ValueError, KeyError, TypeError):
                continue  # not a frame this code wrote: a person resolves it
            course = self._course(str(frame.get("course_id"))) if isinstance(frame, dict) else None
            if course is None:
                continue  # still without its course
            outcome = self._one(seq, uid, child_uid, author, frame)
            if outcome not in ("applied", "known"):
                continue
            self.removal.release_quarantined([int(row["id"])])
            self.counts[outcome] += 1
            passed += 1
            self.applied.append((self.removal.child_of_course(course), f"sync_quarantine:{row['id']}",
                                 f"sync frame seq {seq} from {author} released from quarantine: its course arrived"))
        return passed

    def _insert(self, values: dict[str, Any], uid: str, child_uid: str, seq: int, author: str,
                frame: dict[str, Any]) -> int:
        record_id = self.removal.insert_session(values)
        self.removal.add_frame(record_id=record_id, uid=uid, child_uid=child_uid, seq=seq, author=author,
                               frame=json.dumps(frame, ensure_ascii=False, sort_keys=True))
        return record_id

    @staticmethod
    def _item(seq: int, uid: str, child_uid: str, author: str, frame: dict[str, Any]) -> str:
        """The frame as it is kept in the quarantine."""
        return json.dumps({"seq": seq, "uid": uid, "child_uid": child_uid, "author": author, "frame": frame},
                          ensure_ascii=False, sort_keys=True)

    def _child_of(self, course: int) -> int | None:
        if course not in self.children:
            self.children[course] = self.removal.child_of_course(course)
        return self.children[course]

    def _child_id(self, uid: str) -> int | None:
        """The child's id here by its uid, or by the uid of the twin it was merged with."""
        if uid not in self.child_ids:
            found = transfer_rows.id_by_uid(self.db, "children", uid)
            self.child_ids[uid] = found if found is not None else self.aliases.child_id(uid)
        return self.child_ids[uid]

    def _course(self, uid: str) -> int | None:
        found = self.courses.get(uid)
        if found is None:
            found = transfer_rows.id_by_uid(self.db, "courses", uid)
            if found is not None:
                self.courses[uid] = found
        return found

    @staticmethod
    def _refusal(uid: str, author: str, frame: dict[str, Any]) -> str | None:
        if frame.get("uid") != uid or any(c not in frame for c in FRAME_COLUMNS) or frame.get("author_id") != author:
            return "malformed_frame"
        if any(c in frame for c in TEXT_COLUMNS):
            return "frame_with_text"  # a server that sends text in a frame is not trusted with it here either
        return None

    def _user(self, username: str) -> int | None:
        found = self.users.get(username) or transfer_rows.user_id(self.db, username)
        if found is not None:
            self.users[username] = found
            return found
        staff = self.staff.get(username)
        if staff is None or staff.role not in LOCAL_ROLES:
            return None
        new = self.repo.add_user(username=username, full_name=staff.full_name, role=LOCAL_ROLES[staff.role],
                                 at=self.at)
        self.users[username] = new
        self.applied.append((None, f"user:{new}", f"sync: author {username} from the server"))
        return new


def check_frames(db: Any) -> tuple[set[tuple[str, int]], list[str]]:
    """verify: each frame row still equals the frame it was made from, with no text. (keys, findings)"""
    keys: set[tuple[str, int]] = set()
    bad: list[str] = []
    repo = RemovalRepository(db)
    if not repo.has_frames():
        return keys, bad
    for r in repo.frames():
        keys.add(("sessions", r["record_id"]))
        try:
            frame = json.loads(r["frame"])
        except ValueError:
            frame = None
        same = (isinstance(frame, dict) and all(c in frame and r[c] == frame[c] for c in FRAME_COLUMNS)
                and all(not r[c] for c in TEXT_COLUMNS))
        if not same:
            bad.append(f"sessionsramme fra serveren (id {r['record_id']}): er ændret efter modtagelsen")
    return keys, bad


def purge(ws: Any, child_uid: str, *, reason: str) -> int:
    """The child's rows and frames by other authors leave this laptop (the child's row too, or its tombstone when
    only the audit log names it), in one transaction, logged in the audit with the count and the reason."""
    from behandlerklient.services.signatures import audit

    db, now = ws.db, ws.clock()
    why = {"access_revoked": "access revoked on the server",
           "supervision_ended": "supervision ended on the server"}[reason]
    with db.transaction():
        removed = RemovalRepository(db).purge_child(
            child_uid, me=ws.user.username, my_id=ws.user.id, order=[*(t for t, _refs in identity.TABLES), "events"],
            reason=reason, at=to_text(now))
        local = identity.id_of(db, "children", child_uid)  # None when the child's row left too
        audit.record(db, user_id=ws.user.id, action="sync", now=now, child_id=local,
                     obj=f"children:{local}" if local else "",
                     detail=f"{why}: {removed} records of other authors removed")
    return removed


def no_longer_readable(ws: Any, server: Any) -> list[str]:
    """Children this laptop holds other authors' rows of that the server no longer gives me (a supervision ended)."""
    held = RemovalRepository(ws.db).held_children(ws.user.username)
    if not held:
        return []
    readable = server.still_readable(held)
    return [c for c in held if c not in readable]
