"""Global identity (schema 13): which tables hold shared records, and this installation's device id.

Every row of a shared table carries `uid` (a UUIDv7, core/uid.py) and `origin_device` (the device it was created
on). Database.insert fills both; a trigger refuses a row without them, whatever path inserts it.
"""

from __future__ import annotations

from typing import Any

# Records that will be shared between laptops (sync.md). Users are global by user name; settings, drafts,
# signatures and derived tables stay local.
SHARED_TABLES = frozenset({
    "gps", "children", "guardians", "child_changes", "contacts", "intakes", "screenings", "consents", "courses",
    "course_changes", "sdq_responses", "questionnaire_responses", "group_sessions", "sessions",
    "coordination_entries", "notifications", "closings", "follow_ups", "journal_entries", "fidelity_ratings",
    "reviews", "supervision_meetings", "supervision_meeting_courses", "audit_log"})


def device_uid(db: Any) -> str | None:
    """This installation's device id, or None before schema 13."""
    if not db.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'device'"):
        return None
    return db.scalar("SELECT device_uid FROM device WHERE singleton = 1")


def audit_v2_from(db: Any) -> int:
    """The first audit row chained per device; earlier rows keep the schema-2 hash."""
    return int(db.scalar("SELECT audit_v2_from FROM device WHERE singleton = 1"))


def uid_of(db: Any, table: str, row_id: int | None) -> str | None:
    return None if row_id is None else db.scalar(f"SELECT uid FROM {table} WHERE id = ?", (row_id,))


def id_of(db: Any, table: str, uid: str) -> int | None:
    return db.scalar(f"SELECT id FROM {table} WHERE uid = ?", (uid,))
