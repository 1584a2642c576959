"""The cache columns of shared values (storage/events.py), each written only from the fold of its field's events: a
course's status, track, contact and closing reason, a review's decision and "seen", a setting,
a child's and a guardian's master data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from behandlerklient.storage.database import Database


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


def fidelity_rows(db: Database, subject: str, field: str, v: dict, order: str) -> list[tuple[Any, ...]]:
    """The rating rows (FIDELITY_UPSERT's parameters) one event of a fidelity field writes: the one item of a
    'rating' (subject '<session>:<kind>:<item key>', before schema 27) or every item of a 'checklist' (subject
    '<session>:<kind>'). `order`: the event's (event_order_text). A value of the wrong shape raises KeyError,
    TypeError or ValueError."""
    if field == "rating":
        session_id, kind, item_key = subject.split(":", 2)
        items = [{"key": item_key, "label": v["item_label"], "adherence": v["adherence"],
                  "competence": v["competence"], "comment": v["comment"]}]
    elif field == "checklist":
        session_id, kind = subject.split(":")
        items = v["items"]
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise ValueError("a checklist is a list of items")
        if len({i["key"] if isinstance(i["key"], str) else None for i in items}) != len(items):
            raise ValueError("a checklist names each item once")
    else:
        raise ValueError(f"fidelity has no field {field!r}")
    if not isinstance(v["rated_at"], str) or not isinstance(v["rater_id"], int):
        raise TypeError("a rating's time is text and its rater a user here")
    for i in items:
        _item(i)
    return [(int(session_id), v["rater_id"], kind, i["key"], i["label"], i["adherence"], i["competence"],
             i["comment"], v["rated_at"], order, db.device_uid) for i in items]


def _item(i: dict) -> None:
    """One rated item of the shape the table takes (its CHECKs say the rest): a received value of another shape is
    refused here rather than where SQLite binds it."""
    if not all(isinstance(i[k], str) for k in ("key", "label", "adherence", "comment")):
        raise TypeError("an item's key, label, answer and comment are text")
    competence = i["competence"]
    if competence is not None and (not isinstance(competence, int) or isinstance(competence, bool)):
        raise TypeError("an item's competence is a whole number or none")


def event_order_text(hlc: str, device: str | None, uid: str) -> str:
    """An event's order (core/events.Event.order) as one text that sorts the same (schema 27)."""
    return f"{hlc}\x1f{device or ''}\x1f{uid}"


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

CACHE: dict[tuple[str, str], Callable[[Database, str, str, Any], None]] = {
    ("course", "status"): _course_status,
    ("course", "track_id"): _course_column("track_id"),
    ("course", "contact_id"): _course_column("contact_id"),
    ("course", "closing_reason"): _course_column("closing_reason"),
    ("review", "decision"): _review_decision,
    ("review", "seen"): _review_seen,
    ("setting", "value"): _setting,
    ("child", "*"): _child,
    ("guardian", "*"): _guardian,
}
