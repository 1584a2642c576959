"""The append-only events of shared values (schema 13) and the cache columns their fold keeps current.

Every change of a course's status, track, contact or closing reason, a review's decision or "seen", a fidelity
rating, a setting, a follow-up's state and a child's or parent's master data is appended here; the old columns
are written only by `apply`, from the fold of the field's events, in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from behandlerklient.core import uid
from behandlerklient.core.events import Event, head, next_hlc
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database

LOCAL_DEVICE = "local"


def local_device_id(db: Database) -> str:
    """This installation's device id (the device table); 'local' only on a schema from before it."""
    return db.device_uid or LOCAL_DEVICE


def new_uid() -> str:
    """A global id for an event: UUIDv7, time-ordered like every shared record's."""
    return uid.uuid7()


_HEAD = object()  # "base the new event on the field's current head"


def event_from_row(r) -> Event:
    return Event(uid=r["uid"], aggregate=r["aggregate"], subject=r["subject"], field=r["field"],
                 value=json.loads(r["value"]), hlc=r["hlc"], device=r["device"], base_uid=r["base_uid"],
                 author_id=r["author_id"], child_id=r["child_id"], reason=r["reason"], created_at=r["created_at"])


def _ms(now: datetime) -> int:
    return int(now.timestamp() * 1000)


class EventRepository:
    def __init__(self, db: Database, *, device: str | None = None) -> None:
        self.db = db
        self.device = device or local_device_id(db)

    def field_events(self, aggregate: str, subject: str, field: str) -> list[Event]:
        return [event_from_row(r) for r in self.db.query(
            "SELECT * FROM events WHERE aggregate = ? AND subject = ? AND field = ? ORDER BY hlc, device, uid",
            (aggregate, str(subject), field))]

    def subject_events(self, aggregate: str, subject: str) -> list[Event]:
        return [event_from_row(r) for r in self.db.query(
            "SELECT * FROM events WHERE aggregate = ? AND subject = ? ORDER BY hlc, device, uid",
            (aggregate, str(subject)))]

    def child_events(self, child_id: int) -> list[Event]:
        return [event_from_row(r) for r in self.db.query(
            "SELECT * FROM events WHERE child_id = ? ORDER BY hlc, device, uid", (child_id,))]

    def all_events(self) -> list[Event]:
        return [event_from_row(r) for r in self.db.query("SELECT * FROM events ORDER BY hlc, device, uid")]

    def resolved_keys(self) -> set[str]:
        return {r[0] for r in self.db.query("SELECT subject FROM events WHERE aggregate = 'resolution'")}

    def latest_hlc(self) -> str | None:
        return self.db.scalar("SELECT max(hlc) FROM events")

    def append(self, *, aggregate: str, subject: str | int, field: str, value: Any, now: datetime,
               author_id: int | None = None, child_id: int | None = None, reason: str = "",
               base_uid: Any = _HEAD, hlc: str | None = None, device: str | None = None) -> Event:
        """Appends one event and folds its field into the cache. By default the event is based on the field's
        current head and stamped with this device's next clock reading (a pulled event brings its own)."""
        subject = str(subject)
        if base_uid is _HEAD:
            current = head(self.field_events(aggregate, subject, field))
            base_uid = current.uid if current else None
        e = Event(uid=new_uid(), aggregate=aggregate, subject=subject, field=field, value=value,
                  hlc=hlc or next_hlc(self.latest_hlc(), _ms(now)), device=device or self.device,
                  base_uid=base_uid, author_id=author_id, child_id=child_id, reason=reason,
                  created_at=to_text(now))
        self.db.insert("events", {
            "uid": e.uid, "aggregate": aggregate, "subject": subject, "field": field, "child_id": child_id,
            "value": json.dumps(value, ensure_ascii=False, sort_keys=True), "base_uid": base_uid, "hlc": e.hlc,
            "device": e.device, "author_id": author_id, "reason": reason, "created_at": e.created_at})
        self.apply(aggregate, subject, field)
        return e

    def apply(self, aggregate: str, subject: str, field: str) -> None:
        """Writes the fold of the field's events into its cache column (if it has one)."""
        writer = _CACHE.get((aggregate, field)) or _CACHE.get((aggregate, "*"))
        if writer is None:
            return
        current = head(self.field_events(aggregate, subject, field))
        if current is not None:
            writer(self.db, subject, field, current.value)


# -- the cache columns, each written only from the fold of its field ------------------------------------------
def _course_status(db: Database, subject: str, field: str, v: dict) -> None:
    db.execute("UPDATE courses SET status = ?, end_date = ? WHERE id = ?", (v["status"], v["end_date"], int(subject)))


def _course_column(column: str) -> Callable[[Database, str, str, Any], None]:
    def write(db: Database, subject: str, field: str, v: Any) -> None:
        db.execute(f"UPDATE courses SET {column} = ? WHERE id = ?", (v, int(subject)))
    return write


def _review_decision(db: Database, subject: str, field: str, v: dict) -> None:
    db.execute("UPDATE reviews SET status = ?, supervisor_id = ?, decided_at = ?, comment = ? WHERE id = ?",
               (v["status"], v["supervisor_id"], v["decided_at"], v["comment"], int(subject)))


def _review_seen(db: Database, subject: str, field: str, v: str | None) -> None:
    db.execute("UPDATE reviews SET seen_at = ? WHERE id = ?", (v, int(subject)))


def _fidelity(db: Database, subject: str, field: str, v: dict) -> None:
    session_id, kind, item_key = subject.split(":", 2)
    db.execute(
        "INSERT INTO fidelity_ratings (session_id, rater_id, rater_kind, item_key, item_label, adherence, "
        "competence, comment, rated_at, uid, origin_device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, uuid7(), ?) "
        "ON CONFLICT(session_id, rater_kind, "
        "item_key) DO UPDATE SET rater_id = excluded.rater_id, item_label = excluded.item_label, "
        "adherence = excluded.adherence, competence = excluded.competence, comment = excluded.comment, "
        "rated_at = excluded.rated_at",
        (int(session_id), v["rater_id"], kind, item_key, v["item_label"], v["adherence"], v["competence"],
         v["comment"], v["rated_at"], db.device_uid))


def _setting(db: Database, subject: str, field: str, v: str) -> None:
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (subject, v))


def _child(db: Database, subject: str, field: str, v: Any) -> None:
    if field in CHILD_COLUMNS:
        db.execute(f"UPDATE children SET {field} = ? WHERE id = ?", (v, int(subject)))


def _guardian(db: Database, subject: str, field: str, v: Any) -> None:
    if field in GUARDIAN_COLUMNS:
        db.execute(f"UPDATE guardians SET {field} = ? WHERE id = ?", (v, int(subject)))


CHILD_COLUMNS = ("first_name", "last_name", "sort_key", "cpr", "birth_date", "sex", "address", "home_municipality",
                 "treating_municipality", "school", "gp_id")
GUARDIAN_COLUMNS = ("name", "relation", "has_custody", "phone", "email", "address")

_CACHE: dict[tuple[str, str], Callable[[Database, str, str, Any], None]] = {
    ("course", "status"): _course_status,
    ("course", "track_id"): _course_column("track_id"),
    ("course", "contact_id"): _course_column("contact_id"),
    ("course", "closing_reason"): _course_column("closing_reason"),
    ("review", "decision"): _review_decision,
    ("review", "seen"): _review_seen,
    ("fidelity", "rating"): _fidelity,
    ("setting", "value"): _setting,
    ("child", "*"): _child,
    ("guardian", "*"): _guardian,
}
