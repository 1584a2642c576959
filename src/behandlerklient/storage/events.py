"""The append-only events of shared values (schema 13) and the cache columns their fold keeps current.

Every change of a course's status, track, contact or closing reason, a review's decision or "seen", a fidelity
checklist, a setting, a follow-up's state and a child's or parent's master data is appended here; the old columns
are written only by `apply`, from the fold of the field's events, in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from behandlerklient.core import uid
from behandlerklient.core.events import Event, head, next_hlc
from behandlerklient.storage import identity, transfer_rows
from behandlerklient.storage.clock import to_text
from behandlerklient.storage.database import Database
from behandlerklient.storage.event_batch import FIDELITY_UPSERT, EventBatch
from behandlerklient.storage.event_folds import CACHE as _CACHE
from behandlerklient.storage.event_folds import event_order_text, fidelity_rows

LOCAL_DEVICE = "local"


def local_device_id(db: Database) -> str:
    """This installation's device id (the device table); 'local' only on a schema from before it."""
    return db.device_uid or LOCAL_DEVICE


def new_uid() -> str:
    """A global id for an event: UUIDv7, time-ordered like every shared record's."""
    return uid.uuid7()


# json.dumps(value, ensure_ascii=False, sort_keys=True), without a new encoder a call (a pull page stores thousands)
_VALUE_TEXT = json.JSONEncoder(ensure_ascii=False, sort_keys=True)

_HEAD = object()  # "base the new event on the field's current head"


def event_from_row(r) -> Event:
    return Event(uid=r["uid"], aggregate=r["aggregate"], subject=r["subject_uid"], field=r["field"],
                 value=json.loads(r["value"]), hlc=r["hlc"], device=r["device"], base_uid=r["base_uid"],
                 author_id=r["author_id"], child_id=r["child_id"], reason=r["reason"], created_at=r["created_at"],
                 child_uid=r["child_uid"])


def _ms(now: datetime) -> int:
    return int(now.timestamp() * 1000)


# Subjects that are records: their global name is the record's uid.
SUBJECT_TABLES = {"course": "courses", "review": "reviews", "follow_up": "follow_ups", "child": "children",
                  "guardian": "guardians"}
# Records whose columns are (partly) the cache of their events' fold.
_AGGREGATE_OF = {"courses": "course", "reviews": "review", "children": "child", "guardians": "guardian"}
# The record kind an event travels as (the server reads and writes it under the rule of the record it changes,
# server migration 0005_sync2.sql). Settings' events stay on their installation.
SYNC_KINDS = {a: f"{a}_events" for a in ("course", "review", "fidelity", "child", "guardian", "follow_up",
                                         "resolution")}
AGGREGATE_OF_KIND = {kind: a for a, kind in SYNC_KINDS.items()}
# References inside a value: (key in the value or None for the value itself, table). Stored global (uid, or the
# user name for a user), written local into the cache.
VALUE_REFS: dict[tuple[str, str], tuple[str | None, str]] = {
    ("course", "contact_id"): (None, "contacts"), ("child", "gp_id"): (None, "gps"),
    ("review", "decision"): ("supervisor_id", "users"), ("fidelity", "rating"): ("rater_id", "users"),
    ("fidelity", "checklist"): ("rater_id", "users")}


class EventRepository:
    def __init__(self, db: Database, *, device: str | None = None, remember: bool = False, batch: bool = False) -> None:
        """`remember`: keep the local ids of subjects found (a pull page's events name the same sessions and courses
        again and again); for a repository that lives no longer than one transaction which deletes no subject.
        `batch`: new events and their fidelity folds wait for `flush()` (storage/event_batch.py); every read of the
        events table here writes them first."""
        self.db = db
        self.batch = EventBatch(db) if batch else None
        self.device = device or local_device_id(db)
        self._subjects: dict[tuple[str, str], str] | None = {} if remember else None
        self._user_ids: dict[str, Any] | None = {} if remember else None  # user name -> id here (remembered)
        # (aggregate, subject uid, field) -> every event of that field here, for the fields `preload` read: the
        # fold of a pull page's event needs no query of its own (remembered; only this repository appends to them)
        self._fields: dict[tuple[str, str, str], list[Event]] = {}
        self.last_id: int | None = None  # the id of the event `receive` stored last

    def flush(self) -> None:
        """The events and fidelity folds waiting (`batch`), written; an IntegrityError goes to the caller."""
        if self.batch:
            self.batch.flush()

    # -- global <-> local names -----------------------------------------------------------------------------------
    def subject_uid(self, aggregate: str, subject: str | int) -> str:
        """The global name of a subject given by its local id (settings and resolutions are named the same)."""
        subject = str(subject)
        table = SUBJECT_TABLES.get(aggregate)
        if table is not None:
            found = self.db.scalar(f"SELECT uid FROM {table} WHERE id = ?", (int(subject),))
        elif aggregate == "fidelity":
            session, _, rest = subject.partition(":")
            found = self.db.scalar("SELECT uid FROM sessions WHERE id = ?", (int(session),))
            found = found and f"{found}:{rest}"
        else:
            return subject
        if not found:
            raise LookupError(f"{aggregate} {subject} has no global id")
        return str(found)

    def local_subject(self, aggregate: str, subject_uid: str) -> str | None:
        """The local id of a globally named subject, or None when the record is not (yet) here."""
        if self._subjects is None:
            return self._local_subject(aggregate, subject_uid)
        found = self._subjects.get((aggregate, subject_uid))
        if found is None:
            found = self._local_subject(aggregate, subject_uid)
            if found is not None:
                self._subjects[(aggregate, subject_uid)] = found
        return found

    def _local_subject(self, aggregate: str, subject_uid: str) -> str | None:
        table = SUBJECT_TABLES.get(aggregate)
        if table is not None:
            found = self.db.scalar(f"SELECT id FROM {table} WHERE uid = ?", (subject_uid,))
            return None if found is None else str(found)
        if aggregate == "fidelity":
            session, _, rest = subject_uid.partition(":")
            found = self.db.scalar("SELECT id FROM sessions WHERE uid = ?", (session,))
            return None if found is None else f"{found}:{rest}"
        return subject_uid

    def _ref(self, table: str, value: Any, *, to_global: bool) -> Any:
        if value is None:
            return None
        if table == "users" and not to_global and self._user_ids is not None:
            found = self._user_ids.get(value)
            if found is None:  # a user not here is not remembered: the pull may add them in this page
                found = self._user_ids[value] = self.db.scalar("SELECT id FROM users WHERE username = ?", (value,))
            return found
        if table == "users":
            sql = "SELECT username FROM users WHERE id = ?" if to_global else "SELECT id FROM users WHERE username = ?"
        else:
            sql = f"SELECT uid FROM {table} WHERE id = ?" if to_global else f"SELECT id FROM {table} WHERE uid = ?"
        return self.db.scalar(sql, (value,))

    def convert_value(self, aggregate: str, field: str, value: Any, *, to_global: bool) -> Any:
        """A value with its references global (to store) or local (for the cache)."""
        spec = VALUE_REFS.get((aggregate, field))
        if spec is None:
            return value
        key, table = spec
        if key is None:
            return self._ref(table, value, to_global=to_global)
        if not isinstance(value, dict):
            return value
        return {**value, key: self._ref(table, value.get(key), to_global=to_global)}

    # -- reading ----------------------------------------------------------------------------------------------------
    def field_events(self, aggregate: str, subject: str, field: str) -> list[Event]:
        """A field's events; `subject` is the local id (as the callers hold it)."""
        return self.field_events_of(aggregate, self.subject_uid(aggregate, subject), field)

    def field_events_of(self, aggregate: str, subject_uid: str, field: str) -> list[Event]:
        known = self._fields.get((aggregate, subject_uid, field))
        if known is not None:
            return sorted(known, key=lambda e: e.order)
        self.flush()
        return [event_from_row(r) for r in self.db.query(
            "SELECT * FROM events WHERE aggregate = ? AND subject_uid = ? AND field = ? ORDER BY hlc, device, uid",
            (aggregate, subject_uid, field))]

    def preload(self, keys: set[tuple[str, str, str]]) -> None:
        """Reads the events of these fields (aggregate, subject uid, field) in one query, so that their folds need
        none; for a repository that lives no longer than one transaction (`remember`) and is the only one appending
        to those fields meanwhile (a pull page)."""
        keys = {k for k in keys if k not in self._fields}
        if not keys or self._subjects is None:
            return
        for key in keys:
            self._fields[key] = []
        self.flush()
        rows = self.db.query(
            "SELECT e.* FROM json_each(?) k JOIN events e ON e.aggregate = json_extract(k.value, '$[0]') "
            "AND e.subject_uid = json_extract(k.value, '$[1]') AND e.field = json_extract(k.value, '$[2]')",
            (json.dumps(sorted(keys)),))
        for r in rows:
            self._fields[(r["aggregate"], r["subject_uid"], r["field"])].append(event_from_row(r))

    def subject_events(self, aggregate: str, subject: str) -> list[Event]:
        self.flush()
        return [event_from_row(r) for r in self.db.query(
            "SELECT * FROM events WHERE aggregate = ? AND subject_uid = ? ORDER BY hlc, device, uid",
            (aggregate, self.subject_uid(aggregate, subject)))]

    def child_events(self, child_id: int) -> list[Event]:
        self.flush()
        return [event_from_row(r) for r in self.db.query(
            "SELECT * FROM events WHERE child_id = ? ORDER BY hlc, device, uid", (child_id,))]

    def all_events(self) -> list[Event]:
        self.flush()
        return [event_from_row(r) for r in self.db.query("SELECT * FROM events ORDER BY hlc, device, uid")]

    def resolutions(self) -> list[Event]:
        self.flush()
        return [event_from_row(r) for r in self.db.query(
            "SELECT * FROM events WHERE aggregate = 'resolution' ORDER BY hlc, device, uid")]

    def resolved_keys(self) -> dict[str, set[int | None]]:
        """Each resolved conflict's key, with the children whose resolutions name it."""
        self.flush()
        found: dict[str, set[int | None]] = {}
        for key, child_id in self.db.query("SELECT subject_uid, child_id FROM events WHERE aggregate = 'resolution'"):
            found.setdefault(key, set()).add(child_id)
        return found

    def event_id(self, event_uid: str) -> int:
        self.flush()
        return int(self.db.scalar("SELECT id FROM events WHERE uid = ?", (event_uid,)))

    def latest_hlc(self) -> str | None:
        self.flush()
        return self.db.scalar("SELECT max(hlc) FROM events")

    # -- writing ----------------------------------------------------------------------------------------------------
    def append(self, *, aggregate: str, field: str, value: Any, now: datetime, subject: str | int | None = None,
               subject_uid: str | None = None, author_id: int | None = None, child_id: int | None = None,
               reason: str = "", base_uid: Any = _HEAD, hlc: str | None = None, device: str | None = None,
               global_value: bool = False) -> Event:
        """Appends one event and folds its field into the cache. The subject is given by its local id
        (`subject`) or its global name (`subject_uid`); the value with local references (unless `global_value`).
        By default the event is based on the field's current head and stamped with this device's next clock
        reading."""
        if subject_uid is None:
            if subject is None:
                raise ValueError("an event needs a subject")
            subject_uid = self.subject_uid(aggregate, subject)
        local = self.local_subject(aggregate, subject_uid)
        if local is None:
            raise LookupError(f"{aggregate} {subject_uid} is not here")
        if base_uid is _HEAD:
            current = head(self.field_events_of(aggregate, subject_uid, field))
            base_uid = current.uid if current else None
        stored = value if global_value else self.convert_value(aggregate, field, value, to_global=True)
        e = Event(uid=new_uid(), aggregate=aggregate, subject=subject_uid, field=field, value=stored,
                  hlc=hlc or next_hlc(self.latest_hlc(), _ms(now)), device=device or self.device,
                  base_uid=base_uid, author_id=author_id, child_id=child_id, reason=reason,
                  created_at=to_text(now), child_uid=identity.uid_of(self.db, "children", child_id))
        self._insert(e, local)
        self.apply(aggregate, subject_uid, field, added=e)
        return e

    def _insert(self, e: Event, local_subject: str) -> int:
        if self.batch is not None:
            return self.batch.add_event(self._row(e, local_subject))
        return self.db.insert("events", self._row(e, local_subject))

    @staticmethod
    def _row(e: Event, local_subject: str) -> dict[str, Any]:
        return {
            "uid": e.uid, "aggregate": e.aggregate, "subject": local_subject, "subject_uid": e.subject,
            "field": e.field, "child_id": e.child_id, "child_uid": e.child_uid,
            "value": _VALUE_TEXT.encode(e.value), "base_uid": e.base_uid, "hlc": e.hlc,
            "device": e.device, "author_id": e.author_id, "reason": e.reason, "created_at": e.created_at}

    def receive(self, row: dict[str, Any], *, local: str | None = None, child_id: int | None = None) -> Event:
        """Stores an event made elsewhere (an import, later a pull), given with global names only: `subject_uid`,
        `child_uid`, the author's user name as `author`, the value with global references. Its subject and child
        must be here; the fold then decides what is current, the same as on the laptop that made it. `local`,
        `child_id`: the subject's and the child's ids here, when the caller knows them already (a pull page)."""
        if local is None:
            local = self.local_subject(row["aggregate"], row["subject_uid"])
        if local is None:
            raise LookupError(f"{row['aggregate']} {row['subject_uid']} is not here")
        if self._subjects is not None:
            self._subjects[(row["aggregate"], row["subject_uid"])] = local
        if child_id is None and row.get("child_uid"):
            child_id = identity.id_of(self.db, "children", row["child_uid"])
        if row.get("child_uid") and child_id is None:
            raise LookupError(f"child {row['child_uid']} is not here")
        author_id = self._ref("users", row.get("author"), to_global=False) if row.get("author") else None
        e = Event(uid=row["uid"], aggregate=row["aggregate"], subject=row["subject_uid"], field=row["field"],
                  value=row["value"], hlc=row["hlc"], device=row["device"], base_uid=row.get("base_uid"),
                  author_id=author_id, child_id=child_id, reason=row.get("reason") or "",
                  created_at=row["created_at"], child_uid=row.get("child_uid"))
        self.last_id = self._insert(e, local)
        self.apply(e.aggregate, e.subject, e.field, added=e)
        return e

    def global_rows(self, *, event_id: int | None = None) -> Iterator[dict[str, Any]]:
        """Every event (or the one with `event_id`) as the export writes it and the sync sends it: global names
        only, in the order the events were stored."""
        where, params = ("WHERE e.id = ?", (event_id,)) if event_id is not None else ("", ())
        self.flush()
        cursor = self.db.execute(
            "SELECT e.uid, e.aggregate, e.subject_uid, e.field, e.child_uid, e.value, e.base_uid, e.hlc, e.device, "
            f"u.username AS author, e.reason, e.created_at FROM events e LEFT JOIN users u ON u.id = e.author_id "
            f"{where} ORDER BY e.id", params)
        names = ["uid", "aggregate", "subject_uid", "field", "child_uid", "value", "base_uid", "hlc", "device",
                 "author", "reason", "created_at"]
        while batch := cursor.fetchmany(transfer_rows.PAGE_ROWS):  # the export's page: memory stays flat
            for r in batch:
                row = dict(zip(names, r, strict=True))
                row["value"] = json.loads(row["value"])
                yield row

    def global_row(self, event_id: int) -> dict[str, Any] | None:
        return next(self.global_rows(event_id=event_id), None)

    def folded_columns(self, table: str, record_id: int) -> dict[str, Any]:
        """The columns of a record that the fold of its events wrote, with the folded values in global form (as
        the record's sync payload has them): what a received row may hold besides what its author sent."""
        aggregate = _AGGREGATE_OF.get(table)
        subject_uid = identity.uid_of(self.db, table, record_id) if aggregate else None
        if aggregate is None or subject_uid is None:
            return {}
        by_field: dict[str, list[Event]] = {}
        self.flush()
        for e in (event_from_row(r) for r in self.db.query(
                "SELECT * FROM events WHERE aggregate = ? AND subject_uid = ?", (aggregate, subject_uid))):
            by_field.setdefault(e.field, []).append(e)
        columns: dict[str, Any] = {}
        for field, events in by_field.items():
            last = head(events)
            if last is None:
                continue
            value = last.value
            if (aggregate, field) == ("course", "status"):
                columns.update(status=value["status"], end_date=value["end_date"])
            elif (aggregate, field) == ("review", "decision"):
                columns.update({k: value[k] for k in ("status", "supervisor_id", "decided_at", "comment")})
            elif (aggregate, field) == ("review", "seen"):
                columns["seen_at"] = value
            elif aggregate != "review":
                columns[field] = value
        return columns

    def apply(self, aggregate: str, subject_uid: str, field: str, *, added: Event | None = None) -> None:
        """Writes the fold of the field's events into its cache column (if it has one), with local references.
        `added`: the event just stored, which joins a preloaded field's events once its fold is written."""
        key = (aggregate, subject_uid, field)
        known = self._fields.get(key)
        if aggregate == "fidelity":
            self._fold_fidelity(subject_uid, field, [added] if added is not None else
                                known if known is not None else self.field_events_of(aggregate, subject_uid, field))
        writer = _CACHE.get((aggregate, field)) or _CACHE.get((aggregate, "*"))
        if writer is not None:
            if known is not None:
                current = head(known + [added] if added is not None else known)
            else:
                current = head(self.field_events_of(aggregate, subject_uid, field))
            local = self.local_subject(aggregate, subject_uid)
            if current is not None and local is not None:
                writer(self.db, local, field, self.convert_value(aggregate, field, current.value, to_global=False))
        if known is not None and added is not None:
            known.append(added)  # after the writer: a refused write leaves the remembered events as they are

    def _fold_fidelity(self, subject_uid: str, field: str, events: list[Event]) -> None:
        """Each event's items written unless a later event wrote them (schema 27): no head to find, and an event
        arriving late changes nothing a later one decided."""
        local = self.local_subject("fidelity", subject_uid)
        if local is None:
            return
        rows = [row for e in events for row in fidelity_rows(
            self.db, local, field, self.convert_value("fidelity", field, e.value, to_global=False),
            event_order_text(e.hlc, e.device, e.uid))]
        if self.batch is not None:
            self.batch.add_ratings(rows)
        else:
            self.db.executemany(FIDELITY_UPSERT, rows)
